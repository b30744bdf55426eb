//! `wait` and `wait_timeout` with each `ReturnWhen`: what is done, what is pending, and when it returns.

mod support;

use std::future::pending;
use std::time::Duration;

use solio::time::{Instant, sleep};
use solio::{JoinHandle, ReturnWhen, Waited};
use support::{Log, paused};

/// A task that sleeps `secs` seconds, then returns `Ok(secs)`, or `Err(secs)` when `fail`.
fn job(secs: u64, fail: bool) -> JoinHandle<Result<u64, u64>> {
    solio::spawn(async move {
        sleep(Duration::from_secs(secs)).await;
        if fail { Err(secs) } else { Ok(secs) }
    })
}

fn done_indices<T>(w: &Waited<T>) -> Vec<usize> {
    w.done.iter().map(|(i, _)| *i).collect()
}

fn pending_indices<T>(w: &Waited<T>) -> Vec<usize> {
    w.pending.iter().map(|(i, _)| *i).collect()
}

#[test]
fn first_completed_returns_the_first_to_finish() {
    paused().block_on(async {
        let start = Instant::now();
        let w =
            solio::wait(vec![job(3, false), job(1, false), job(2, false)], ReturnWhen::FirstCompleted).await;
        assert_eq!(start.elapsed(), Duration::from_secs(1));
        assert_eq!(done_indices(&w), [1]);
        assert_eq!(*w.done[0].1.as_ref().unwrap(), Ok(1));
        assert_eq!(pending_indices(&w), [0, 2]);
        // The pending tasks were neither cancelled nor detached: they finish, and their handles work.
        let rest: Vec<_> = w.pending.into_iter().map(|(_, h)| h).collect();
        let outs = solio::gather(rest).await;
        assert_eq!(outs.into_iter().map(|r| r.unwrap().unwrap()).collect::<Vec<_>>(), [3, 2]);
        assert_eq!(start.elapsed(), Duration::from_secs(3));
    });
}

#[test]
fn first_completed_reports_every_task_finished_at_that_instant() {
    paused().block_on(async {
        let w = solio::wait(
            vec![job(2, false), job(1, false), job(1, true), job(3, false)],
            ReturnWhen::FirstCompleted,
        )
        .await;
        assert_eq!(done_indices(&w), [1, 2]);
        assert_eq!(pending_indices(&w), [0, 3]);
    });
}

#[test]
fn tasks_finished_before_the_wait_are_reported_in_input_order() {
    paused().block_on(async {
        let handles = vec![job(0, false), job(5, false), job(0, true)];
        sleep(Duration::from_secs(1)).await;
        let start = Instant::now();
        let w = solio::wait(handles, ReturnWhen::FirstCompleted).await;
        assert_eq!(start.elapsed(), Duration::ZERO);
        assert_eq!(done_indices(&w), [0, 2]);
        assert_eq!(pending_indices(&w), [1]);
    });
}

#[test]
fn all_completed_waits_for_everyone_and_lists_them_in_completion_order() {
    paused().block_on(async {
        let start = Instant::now();
        let w = solio::wait(vec![job(3, false), job(1, true), job(2, false)], ReturnWhen::AllCompleted).await;
        assert_eq!(start.elapsed(), Duration::from_secs(3));
        assert_eq!(done_indices(&w), [1, 2, 0]);
        let results: Vec<Result<u64, u64>> = w.done.into_iter().map(|(_, r)| r.unwrap()).collect();
        assert_eq!(results, [Err(1), Ok(2), Ok(3)]);
        assert!(w.pending.is_empty());
    });
}

#[test]
fn first_error_counts_err_outputs_with_failure_if() {
    paused().block_on(async {
        let start = Instant::now();
        let handles = vec![job(1, false), job(4, false), job(2, true), job(3, true)];
        let w = solio::wait(handles, ReturnWhen::FirstError).failure_if(Result::is_err).await;
        assert_eq!(start.elapsed(), Duration::from_secs(2));
        assert_eq!(done_indices(&w), [0, 2]);
        assert_eq!(*w.done[1].1.as_ref().unwrap(), Err(2));
        assert_eq!(pending_indices(&w), [1, 3]);
    });
}

#[test]
fn first_error_without_failure_if_ignores_err_outputs() {
    paused().block_on(async {
        let start = Instant::now();
        let w = solio::wait(vec![job(1, true), job(2, false)], ReturnWhen::FirstError).await;
        // `Err` is just an output here: no failure, so it waits for all.
        assert_eq!(start.elapsed(), Duration::from_secs(2));
        assert_eq!(done_indices(&w), [0, 1]);
    });
}

#[test]
fn first_error_returns_on_a_panic() {
    paused().block_on(async {
        let start = Instant::now();
        let panicker = solio::spawn(async {
            sleep(Duration::from_secs(2)).await;
            panic!("task failed");
        });
        let slow = solio::spawn(async {
            sleep(Duration::from_secs(9)).await;
        });
        let quick = solio::spawn(async {
            sleep(Duration::from_secs(1)).await;
        });
        let w = solio::wait(vec![slow, panicker, quick], ReturnWhen::FirstError).await;
        assert_eq!(start.elapsed(), Duration::from_secs(2));
        assert_eq!(done_indices(&w), [2, 1]);
        let err = w.done[1].1.as_ref().unwrap_err();
        assert!(err.is_panic());
        assert_eq!(pending_indices(&w), [0]);
    });
}

#[test]
fn first_error_returns_on_a_cancellation() {
    paused().block_on(async {
        let a = solio::spawn(pending::<()>());
        let b = solio::spawn(pending::<()>());
        let abort = b.abort_handle();
        let waiter = solio::spawn(async move {
            let w = solio::wait(vec![a, b], ReturnWhen::FirstError).await;
            (done_indices(&w), w.done[0].1.as_ref().unwrap_err().is_cancelled(), pending_indices(&w))
        });
        sleep(Duration::from_secs(1)).await;
        abort.abort();
        assert_eq!(waiter.await.unwrap(), (vec![1], true, vec![0]));
    });
}

#[test]
fn first_error_with_no_failure_waits_for_all() {
    paused().block_on(async {
        let start = Instant::now();
        let w = solio::wait(vec![job(2, false), job(1, false)], ReturnWhen::FirstError)
            .failure_if(Result::is_err)
            .await;
        assert_eq!(start.elapsed(), Duration::from_secs(2));
        assert_eq!(done_indices(&w), [1, 0]);
        assert!(w.pending.is_empty());
    });
}

#[test]
fn empty_input_returns_at_once_whatever_the_condition() {
    paused().block_on(async {
        let start = Instant::now();
        for when in [ReturnWhen::FirstCompleted, ReturnWhen::FirstError, ReturnWhen::AllCompleted] {
            let w = solio::wait(Vec::<JoinHandle<()>>::new(), when).await;
            assert!(w.done.is_empty() && w.pending.is_empty());
            let w = solio::wait_timeout(Vec::<JoinHandle<()>>::new(), when, Duration::from_secs(5)).await;
            assert!(w.done.is_empty() && w.pending.is_empty());
        }
        assert_eq!(start.elapsed(), Duration::ZERO);
    });
}

#[test]
fn wait_timeout_returns_what_finished_by_the_deadline() {
    paused().block_on(async {
        let start = Instant::now();
        let handles = vec![job(1, false), job(10, false), job(3, false)];
        let w = solio::wait_timeout(handles, ReturnWhen::AllCompleted, Duration::from_millis(3500)).await;
        assert_eq!(start.elapsed(), Duration::from_millis(3500));
        assert_eq!(done_indices(&w), [0, 2]);
        assert_eq!(pending_indices(&w), [1]);
        // Nothing was cancelled.
        let last = w.into_pending_handles().pop().unwrap();
        assert_eq!(last.await.unwrap(), Ok(10));
        assert_eq!(start.elapsed(), Duration::from_secs(10));
    });
}

#[test]
fn wait_timeout_returns_early_when_the_condition_holds() {
    paused().block_on(async {
        let start = Instant::now();
        let w = solio::wait_timeout(
            vec![job(2, false), job(8, false)],
            ReturnWhen::FirstCompleted,
            Duration::from_secs(5),
        )
        .await;
        assert_eq!(start.elapsed(), Duration::from_secs(2));
        assert_eq!(done_indices(&w), [0]);
        // Nothing finished in time: both pending, nothing done.
        let w =
            solio::wait_timeout(w.into_pending_handles(), ReturnWhen::FirstCompleted, Duration::from_secs(1))
                .await;
        assert_eq!(start.elapsed(), Duration::from_secs(3));
        assert!(w.done.is_empty());
        assert_eq!(pending_indices(&w), [0]);
    });
}

#[test]
fn wait_loop_drains_in_completion_order() {
    paused().block_on(async {
        let log = Log::new();
        let mut handles: Vec<_> = [4u64, 2, 3, 1].into_iter().map(|s| job(s, false)).collect();
        while !handles.is_empty() {
            let w = solio::wait(handles, ReturnWhen::FirstCompleted).await;
            for (_, r) in &w.done {
                log.push(r.as_ref().unwrap().unwrap().to_string());
            }
            handles = w.into_pending_handles();
        }
        assert_eq!(log.take(), ["1", "2", "3", "4"]);
    });
}

#[test]
fn dropping_a_wait_detaches_its_tasks() {
    paused().block_on(async {
        let log = Log::new();
        let l = log.clone();
        let h = solio::spawn(async move {
            sleep(Duration::from_secs(2)).await;
            l.push("still ran");
        });
        let w = solio::wait_timeout(vec![h], ReturnWhen::AllCompleted, Duration::from_secs(1));
        drop(w);
        sleep(Duration::from_secs(3)).await;
        assert_eq!(log.take(), ["still ran"]);
    });
}

#[test]
fn ten_thousand_pending_handles_and_one_finishes() {
    // 10,000 tasks, one finishes: `wait` returns with exactly that one; the rest stay pending.
    paused().block_on(async {
        let mut handles: Vec<_> = (0..10_000).map(|_| solio::spawn(pending::<u32>())).collect();
        handles.push(solio::spawn(async {
            sleep(Duration::from_secs(1)).await;
            7
        }));
        let w = solio::wait(handles, ReturnWhen::FirstCompleted).await;
        assert_eq!(done_indices(&w), [10_000]);
        assert_eq!(w.pending.len(), 10_000);
        for (_, h) in &w.pending {
            h.abort();
        }
    });
}
