//! Spawning, joining, detaching, ordering and misuse of `spawn`/`block_on`.

mod support;

use std::cell::{Cell, RefCell};
use std::future::{Future, pending};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use solio::Runtime;
use support::{DropGuard, Log};

#[test]
fn spawn_returns_output_and_accepts_non_send_futures() {
    let out = solio::run(async {
        let shared = Rc::new(RefCell::new(vec![1]));
        let s2 = shared.clone();
        let h = solio::spawn(async move {
            s2.borrow_mut().push(2);
            s2.borrow().len()
        });
        let n = h.await.unwrap();
        (n, shared.borrow().clone())
    });
    assert_eq!(out, (2, vec![1, 2]));
}

#[test]
fn tasks_run_in_spawn_order() {
    let log = Log::new();
    solio::run({
        let log = log.clone();
        async move {
            let handles: Vec<_> = (0..5)
                .map(|i| {
                    let log = log.clone();
                    solio::spawn(async move { log.push(format!("t{i}")) })
                })
                .collect();
            log.push("main");
            for h in handles {
                h.await.unwrap();
            }
        }
    });
    assert_eq!(log.take(), ["main", "t0", "t1", "t2", "t3", "t4"]);
}

#[test]
fn nested_spawn_and_deep_chain() {
    fn chain(n: u32) -> Pin<Box<dyn Future<Output = u32>>> {
        Box::pin(async move { if n == 0 { 0 } else { solio::spawn(chain(n - 1)).await.unwrap() + 1 } })
    }
    assert_eq!(solio::run(chain(500)), 500);
}

#[test]
fn dropping_the_handle_detaches_the_task() {
    let done = Rc::new(Cell::new(false));
    solio::run({
        let done = done.clone();
        async move {
            drop(solio::spawn(async move {
                solio::yield_now().await;
                solio::yield_now().await;
                done.set(true);
            }));
            for _ in 0..5 {
                solio::yield_now().await;
            }
        }
    });
    assert!(done.get(), "a detached task runs to completion");
}

#[test]
fn run_drops_pending_tasks_when_main_returns() {
    let log = Log::new();
    solio::run({
        let log = log.clone();
        async move {
            let guard = DropGuard { log: log.clone(), msg: "pending task dropped" };
            drop(solio::spawn(async move {
                let _g = guard;
                pending::<()>().await;
            }));
            solio::yield_now().await;
            log.push("main done");
        }
    });
    assert_eq!(log.take(), ["main done", "pending task dropped"]);
}

#[test]
#[allow(clippy::async_yields_async)] // the handle is carried out of one `block_on` into the next
fn block_on_resumes_pending_tasks_of_an_earlier_call() {
    let rt = Runtime::new().unwrap();
    let counter = Rc::new(Cell::new(0));
    let h = rt.block_on({
        let counter = counter.clone();
        async move {
            solio::spawn(async move {
                for _ in 0..10 {
                    counter.set(counter.get() + 1);
                    solio::yield_now().await;
                }
                "finished"
            })
        }
    });
    let first = counter.get();
    assert!(first < 10, "the first block_on returned before the task finished ({first})");
    assert_eq!(rt.block_on(h).unwrap(), "finished");
    assert_eq!(counter.get(), 10);
}

#[test]
fn is_finished_and_ids() {
    solio::run(async {
        let a = solio::spawn(async { 1 });
        let b = solio::spawn(async { 2 });
        assert_ne!(a.id(), b.id());
        assert!(!a.is_finished());
        solio::yield_now().await;
        assert!(a.is_finished() && b.is_finished());
        assert_eq!(a.await.unwrap() + b.await.unwrap(), 3);
    });
}

/// A future that wakes itself `wakes` times in its first poll, then completes on the next poll.
struct SelfWaker {
    polls: Rc<Cell<u32>>,
    wakes: u32,
}

impl Future for SelfWaker {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.polls.set(self.polls.get() + 1);
        if self.polls.get() == 1 {
            for _ in 0..self.wakes {
                cx.waker().wake_by_ref();
                #[allow(clippy::waker_clone_wake)] // exercises wake-by-value on purpose
                cx.waker().clone().wake();
            }
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    }
}

#[test]
fn a_task_woken_while_running_is_queued_once_at_the_back() {
    let log = Log::new();
    let polls = Rc::new(Cell::new(0));
    solio::run({
        let (log, polls) = (log.clone(), polls.clone());
        async move {
            let a = solio::spawn({
                let log = log.clone();
                let fut = SelfWaker { polls: polls.clone(), wakes: 10 };
                async move {
                    log.push("a start");
                    fut.await;
                    log.push("a end");
                }
            });
            let b = solio::spawn({
                let log = log.clone();
                async move { log.push("b") }
            });
            a.await.unwrap();
            b.await.unwrap();
        }
    });
    assert_eq!(polls.get(), 2, "twenty wakes during one poll cause exactly one more poll");
    assert_eq!(log.take(), ["a start", "b", "a end"]);
}

#[test]
#[should_panic(expected = "solio::spawn called outside a solio runtime")]
fn spawn_outside_a_runtime_panics() {
    drop(solio::spawn(async {}));
}

#[test]
#[should_panic(expected = "cannot start a solio runtime from within a running runtime")]
fn nested_block_on_panics() {
    solio::run(async {
        solio::run(async {});
    });
}

#[test]
fn nested_block_on_panic_leaves_the_outer_runtime_usable() {
    let rt = Runtime::new().unwrap();
    let inner = Runtime::new().unwrap();
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        rt.block_on(async { inner.block_on(async {}) });
    }));
    assert!(caught.is_err());
    // The context was restored: both runtimes work again.
    assert_eq!(rt.block_on(async { solio::spawn(async { 5 }).await.unwrap() }), 5);
    assert_eq!(inner.block_on(async { 6 }), 6);
}

#[test]
fn many_tasks_all_complete() {
    let total = solio::run(async {
        let handles: Vec<_> = (0..10_000u64).map(|i| solio::spawn(async move { i })).collect();
        let mut sum = 0;
        for h in handles {
            sum += h.await.unwrap();
        }
        sum
    });
    assert_eq!(total, (0..10_000u64).sum::<u64>());
}

#[test]
fn the_block_on_future_takes_its_turn_in_line_like_asyncios_main_task() {
    let log = Log::new();
    solio::run({
        let log = log.clone();
        async move {
            for name in ["a", "b"] {
                let log = log.clone();
                drop(solio::spawn(async move {
                    log.push(format!("{name}1"));
                    solio::yield_now().await;
                    log.push(format!("{name}2"));
                }));
            }
            log.push("m0");
            solio::yield_now().await;
            log.push("m1");
            solio::yield_now().await;
            log.push("m2");
        }
    });
    assert_eq!(log.take(), ["m0", "a1", "b1", "m1", "a2", "b2", "m2"]);
}

#[test]
fn a_block_on_future_that_woke_itself_leaves_no_stale_turn_for_the_next_call() {
    let rt = Runtime::new().unwrap();
    rt.block_on(std::future::poll_fn(|cx| {
        cx.waker().wake_by_ref();
        Poll::Ready(())
    }));
    let polls = Rc::new(Cell::new(0));
    rt.block_on({
        let polls = polls.clone();
        async move {
            let ready = Rc::new(Cell::new(false));
            let waker_slot: Rc<RefCell<Option<std::task::Waker>>> = Rc::default();
            drop(solio::spawn({
                let (ready, waker_slot) = (ready.clone(), waker_slot.clone());
                async move {
                    solio::yield_now().await;
                    ready.set(true);
                    if let Some(w) = waker_slot.borrow_mut().take() {
                        w.wake();
                    }
                }
            }));
            std::future::poll_fn(|cx| {
                polls.set(polls.get() + 1);
                if ready.get() {
                    Poll::Ready(())
                } else {
                    *waker_slot.borrow_mut() = Some(cx.waker().clone());
                    Poll::Pending
                }
            })
            .await;
        }
    });
    assert_eq!(polls.get(), 2, "polled once before the task ran and once when it woke us");
}

#[test]
fn a_panicking_destructor_of_a_detached_output_does_not_escape_block_on() {
    struct Bomb;
    impl Drop for Bomb {
        fn drop(&mut self) {
            panic!("output drop exploded");
        }
    }
    let out = solio::run(async {
        drop(solio::spawn(async { Bomb }));
        solio::yield_now().await;
        solio::yield_now().await;
        "main finished"
    });
    assert_eq!(out, "main finished");
}
