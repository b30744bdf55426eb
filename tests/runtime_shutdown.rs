//! Dropping a runtime: pending futures dropped on the runtime thread, handles report cancellation,
//! timers freed.

mod support;

use std::cell::RefCell;
use std::future::pending;
use std::rc::Rc;
use std::time::Duration;

use support::{DropGuard, Log, paused};

#[test]
fn dropping_the_runtime_drops_every_pending_future_on_its_thread() {
    let log = Log::new();
    let thread_of_drops: Rc<RefCell<Vec<std::thread::ThreadId>>> = Rc::default();
    struct ThreadRecorder(Rc<RefCell<Vec<std::thread::ThreadId>>>);
    impl Drop for ThreadRecorder {
        fn drop(&mut self) {
            self.0.borrow_mut().push(std::thread::current().id());
        }
    }
    let rt = paused();
    let handles = rt.block_on({
        let log = log.clone();
        let tod = thread_of_drops.clone();
        async move {
            let mut handles = Vec::new();
            for i in 0..3 {
                let guard =
                    DropGuard { log: log.clone(), msg: ["t0 dropped", "t1 dropped", "t2 dropped"][i] };
                let rec = ThreadRecorder(tod.clone());
                handles.push(solio::spawn(async move {
                    let _g = (guard, rec);
                    solio::time::sleep(Duration::from_secs(1000)).await;
                }));
            }
            solio::yield_now().await;
            handles
        }
    });
    assert_eq!(rt.metrics().tasks, 3);
    assert_eq!(rt.metrics().timers, 3);
    assert!(log.snapshot().is_empty());
    drop(rt);
    let mut dropped = log.take();
    dropped.sort();
    assert_eq!(dropped, ["t0 dropped", "t1 dropped", "t2 dropped"]);
    assert_eq!(*thread_of_drops.borrow(), vec![std::thread::current().id(); 3]);
    // The handles outlive the runtime and report cancellation.
    solio::run(async move {
        for h in handles {
            assert!(h.is_finished());
            assert!(h.await.unwrap_err().is_cancelled());
        }
    });
}

#[test]
fn a_destructor_that_spawns_during_shutdown_is_handled() {
    let log = Log::new();
    struct SpawnOnDrop(Log);
    impl Drop for SpawnOnDrop {
        fn drop(&mut self) {
            let log = self.0.clone();
            self.0.push("first dropped");
            let guard = DropGuard { log: log.clone(), msg: "second dropped" };
            drop(solio::spawn(async move {
                let _g = guard;
                log.push("second never runs");
            }));
        }
    }
    let rt = solio::Runtime::new().unwrap();
    rt.block_on({
        let log = log.clone();
        async move {
            let s = SpawnOnDrop(log);
            drop(solio::spawn(async move {
                let _s = s;
                pending::<()>().await;
            }));
            solio::yield_now().await;
        }
    });
    drop(rt);
    assert_eq!(log.take(), ["first dropped", "second dropped"]);
}

#[test]
#[allow(clippy::async_yields_async)] // the handle is carried out of `block_on` on purpose
fn output_of_a_finished_but_unjoined_task_is_dropped_with_its_handle() {
    let log = Log::new();
    let rt = solio::Runtime::new().unwrap();
    let h = rt.block_on({
        let log = log.clone();
        async move {
            let h = solio::spawn(async move { DropGuard { log, msg: "output dropped" } });
            solio::yield_now().await;
            h
        }
    });
    drop(rt);
    assert!(log.snapshot().is_empty(), "the output belongs to the handle");
    drop(h);
    assert_eq!(log.take(), ["output dropped"]);
}

#[test]
fn detached_outputs_are_dropped_at_completion() {
    let log = Log::new();
    solio::run({
        let log = log.clone();
        async move {
            let l2 = log.clone();
            drop(solio::spawn(async move { DropGuard { log: l2, msg: "output dropped" } }));
            solio::yield_now().await;
            log.push("main after yield");
        }
    });
    assert_eq!(log.take(), ["output dropped", "main after yield"]);
}

#[test]
fn a_runtime_can_be_created_and_dropped_inside_a_task() {
    let out = solio::run(async {
        solio::spawn(async {
            let inner = solio::Runtime::new().unwrap();
            drop(inner);
            "ok"
        })
        .await
        .unwrap()
    });
    assert_eq!(out, "ok");
}
