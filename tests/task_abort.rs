//! `abort()`: when the future is dropped, what the handle reports, self-abort, cross-thread abort.

mod support;

use std::cell::RefCell;
use std::future::pending;
use std::rc::Rc;
use std::time::Duration;

use solio::time::sleep;
use support::{DropGuard, Log, paused};

#[test]
fn abort_drops_the_future_and_reports_cancellation() {
    let log = Log::new();
    let rt = paused();
    rt.block_on({
        let log = log.clone();
        async move {
            let guard = DropGuard { log: log.clone(), msg: "future dropped" };
            let h = solio::spawn(async move {
                let _g = guard;
                sleep(Duration::from_secs(3600)).await;
            });
            solio::yield_now().await; // let it register its timer
            h.abort();
            log.push("abort requested");
            let err = h.await.unwrap_err();
            assert!(err.is_cancelled() && !err.is_panic());
            assert_eq!(err.to_string(), "task was cancelled");
        }
    });
    assert_eq!(log.take(), ["abort requested", "future dropped"]);
    assert_eq!(rt.metrics().timers, 0, "the aborted task's timer was released");
    assert_eq!(rt.metrics().tasks, 0);
}

#[test]
fn abort_is_never_run_inside_another_tasks_poll() {
    let log = Log::new();
    solio::run({
        let log = log.clone();
        async move {
            let guard = DropGuard { log: log.clone(), msg: "victim dropped" };
            let victim = solio::spawn(async move {
                let _g = guard;
                pending::<()>().await;
            });
            let abort = victim.abort_handle();
            let killer = solio::spawn({
                let log = log.clone();
                async move {
                    log.push("killer: abort");
                    abort.abort();
                    log.push("killer: poll goes on");
                }
            });
            killer.await.unwrap();
            assert!(victim.await.unwrap_err().is_cancelled());
        }
    });
    assert_eq!(log.take(), ["killer: abort", "killer: poll goes on", "victim dropped"]);
}

#[test]
fn aborting_a_finished_task_is_a_noop() {
    solio::run(async {
        let h = solio::spawn(async { 42 });
        solio::yield_now().await;
        assert!(h.is_finished());
        h.abort();
        h.abort_handle().abort();
        assert_eq!(h.await.unwrap(), 42);
    });
}

#[test]
fn abort_before_first_poll() {
    let log = Log::new();
    solio::run({
        let log = log.clone();
        async move {
            let l2 = log.clone();
            let h = solio::spawn(async move { l2.push("never runs") });
            h.abort();
            assert!(h.await.unwrap_err().is_cancelled());
        }
    });
    assert!(log.take().is_empty());
}

#[test]
fn self_abort_then_pending_cancels_at_the_next_turn() {
    let log = Log::new();
    solio::run({
        let log = log.clone();
        async move {
            let slot: Rc<RefCell<Option<solio::task::AbortHandle>>> = Rc::default();
            let h = solio::spawn({
                let (slot, log) = (slot.clone(), log.clone());
                async move {
                    solio::yield_now().await;
                    slot.borrow().as_ref().unwrap().abort();
                    log.push("aborted myself, still running");
                    solio::yield_now().await;
                    log.push("unreachable");
                }
            });
            *slot.borrow_mut() = Some(h.abort_handle());
            assert!(h.await.unwrap_err().is_cancelled());
        }
    });
    assert_eq!(log.take(), ["aborted myself, still running"]);
}

#[test]
fn self_abort_then_return_keeps_the_output() {
    let out = solio::run(async {
        let slot: Rc<RefCell<Option<solio::task::AbortHandle>>> = Rc::default();
        let h = solio::spawn({
            let slot = slot.clone();
            async move {
                solio::yield_now().await;
                slot.borrow().as_ref().unwrap().abort();
                "finished anyway"
            }
        });
        *slot.borrow_mut() = Some(h.abort_handle());
        h.await
    });
    assert_eq!(out.unwrap(), "finished anyway");
}

#[test]
fn abort_from_another_thread_wakes_a_parked_runtime() {
    let rt = solio::Runtime::new().unwrap();
    let err = rt.block_on(async {
        let h = solio::spawn(pending::<()>());
        let abort = h.abort_handle();
        let t = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(20));
            abort.abort();
            abort
        });
        // The runtime parks with no timers: only the cross-thread abort can end this.
        let err = h.await.unwrap_err();
        let abort = t.join().unwrap();
        assert!(abort.is_finished());
        err
    });
    assert!(err.is_cancelled());
}

#[test]
fn abort_handles_outlive_the_runtime() {
    let rt = solio::Runtime::new().unwrap();
    let (abort, handle) = rt.block_on(async {
        let h = solio::spawn(pending::<()>());
        (h.abort_handle(), h)
    });
    drop(rt);
    assert!(abort.is_finished(), "dropping the runtime finished the task");
    abort.abort();
    std::thread::spawn(move || abort.abort()).join().unwrap();
    let err = solio::run(handle).unwrap_err();
    assert!(err.is_cancelled());
}
