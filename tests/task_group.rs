//! `TaskGroup`: scenarios ported from CPython's `test_taskgroups.py` (the scenarios, not the code), plus
//! solio's own: panics, spawn errors, dropping the group, runtime shutdown.

mod support;

use std::cell::Cell;
use std::future::pending;
use std::rc::Rc;
use std::time::Duration;

use solio::task::{GroupError, TaskFailure, TaskGroup};
use solio::time::{Instant, sleep};
use support::{DropGuard, Log, paused};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn failure_indices<E>(err: &GroupError<E>) -> Vec<usize> {
    err.failures().iter().map(|(i, _)| *i).collect()
}

/// test_taskgroup_01: two children, both results, the join takes as long as the slowest.
#[test]
fn children_results_in_spawn_order() {
    paused().block_on(async {
        let start = Instant::now();
        let g = TaskGroup::<u32, ()>::new();
        g.spawn(async {
            sleep(ms(100)).await;
            Ok(42)
        })
        .unwrap();
        g.spawn(async {
            sleep(ms(200)).await;
            Ok(11)
        })
        .unwrap();
        assert_eq!(g.join().await.unwrap(), [42, 11]);
        assert_eq!(start.elapsed(), ms(200));
    });
}

/// test_taskgroup_02: a child spawned later, after the body slept.
#[test]
fn spawning_after_a_pause_in_the_body() {
    paused().block_on(async {
        let start = Instant::now();
        let g = TaskGroup::<u32, ()>::new();
        g.spawn(async {
            sleep(ms(100)).await;
            Ok(42)
        })
        .unwrap();
        sleep(ms(150)).await;
        assert_eq!(g.running(), 0);
        g.spawn(async {
            sleep(ms(200)).await;
            Ok(11)
        })
        .unwrap();
        assert_eq!(g.join().await.unwrap(), [42, 11]);
        assert_eq!(start.elapsed(), ms(350));
    });
}

/// test_taskgroup_04 and test_cancel_children_on_child_error: a child fails, the sleeping sibling is
/// cancelled (its cleanup runs), the code after the join does not run, the failure is reported.
#[test]
fn a_failing_child_cancels_its_siblings() {
    paused().block_on(async {
        let start = Instant::now();
        let num = Rc::new(Cell::new(0));
        let log = Log::new();
        let g = TaskGroup::<(), &str>::new();
        g.spawn(async {
            sleep(ms(100)).await;
            Err("division by zero")
        })
        .unwrap();
        let (n, l) = (num.clone(), log.clone());
        g.spawn(async move {
            let _cleanup = DropGuard { log: l, msg: "t2 cancelled" };
            sleep(Duration::from_secs(1)).await;
            n.set(n.get() + 1);
            Ok(())
        })
        .unwrap();
        let runner = async {
            g.join().await?;
            num.set(num.get() + 10);
            Ok::<_, GroupError<&str>>(())
        };
        let err = runner.await.unwrap_err();
        assert_eq!(start.elapsed(), ms(100));
        assert_eq!(num.get(), 0);
        assert_eq!(log.take(), ["t2 cancelled"]);
        assert_eq!(failure_indices(&err), [0]);
        assert!(matches!(err.failures()[0].1, TaskFailure::Error("division by zero")));
    });
}

/// test_cancel_children_on_child_error with three children crashing at the same instant: solio aborts
/// at once, so the first one is reported and the others, already woken, are cancelled.
#[test]
fn simultaneous_failures_report_the_first() {
    paused().block_on(async {
        let g = TaskGroup::<(), usize>::new();
        for i in 0..3 {
            g.spawn(async move {
                sleep(ms(100)).await;
                Err(i)
            })
            .unwrap();
        }
        g.spawn(async {
            sleep(Duration::from_secs(5)).await;
            Ok(())
        })
        .unwrap();
        let err = g.join().await.unwrap_err();
        assert_eq!(failure_indices(&err), [0]);
        assert!(matches!(err.failures()[0].1, TaskFailure::Error(0)));
    });
}

/// test_cancellation / test_taskgroup_07 / test_taskgroup_22: the task waiting on the group (in the
/// body, or in the join) is cancelled: every child is cancelled with it.
#[test]
fn cancelling_the_waiting_task_cancels_the_children() {
    for in_body in [false, true] {
        paused().block_on(async {
            let cancelled = Rc::new(Cell::new(0));
            let c = cancelled.clone();
            let runner = solio::spawn(async move {
                let g = TaskGroup::<(), ()>::new();
                for _ in 0..5 {
                    let c = c.clone();
                    g.spawn(async move {
                        struct Count(Rc<Cell<u32>>);
                        impl Drop for Count {
                            fn drop(&mut self) {
                                self.0.set(self.0.get() + 1);
                            }
                        }
                        let _count = Count(c);
                        sleep(Duration::from_secs(5)).await;
                        Ok(())
                    })
                    .unwrap();
                }
                if in_body {
                    sleep(Duration::from_secs(10)).await;
                }
                g.join().await
            });
            sleep(ms(100)).await;
            assert!(!runner.is_finished());
            runner.abort();
            assert!(runner.await.unwrap_err().is_cancelled());
            // The children were aborted with the group: dropped at the next turn.
            solio::yield_now().await;
            assert_eq!(cancelled.get(), 5);
        });
    }
}

/// test_taskgroup_09 / test_taskgroup_10: the body fails (returns early) after spawning: the children
/// are cancelled.
#[test]
fn a_failing_body_cancels_the_children() {
    paused().block_on(async {
        let log = Log::new();
        async fn body(log: &Log) -> Result<Vec<u32>, String> {
            let g = TaskGroup::<u32, String>::new();
            for secs in [1, 2] {
                let guard = DropGuard { log: log.clone(), msg: "child cancelled" };
                g.spawn(async move {
                    let _guard = guard;
                    sleep(Duration::from_secs(secs)).await;
                    Ok(42)
                })
                .unwrap();
            }
            sleep(ms(100)).await;
            let _: u32 = "1/0".parse().map_err(|_| "body failed".to_string())?;
            g.join().await.map_err(|e| e.to_string())
        }
        assert_eq!(body(&log).await, Err("body failed".to_string()));
        solio::yield_now().await;
        assert_eq!(log.take(), ["child cancelled", "child cancelled"]);
    });
}

/// test_taskgroup_13: an outer child fails first; the inner group (run by another outer child) is
/// cancelled with its own children.
#[test]
fn nested_groups_outer_failure_cancels_the_inner_group() {
    paused().block_on(async {
        let start = Instant::now();
        let log = Log::new();
        let outer = TaskGroup::<(), String>::new();
        outer
            .spawn(async {
                sleep(ms(100)).await;
                Err("ValueError(0.1)".to_string())
            })
            .unwrap();
        let l = log.clone();
        outer
            .spawn(async move {
                let inner = TaskGroup::<(), String>::new();
                inner
                    .spawn(async move {
                        let _guard = DropGuard { log: l, msg: "inner child cancelled" };
                        sleep(Duration::from_secs(10)).await;
                        Err("ValueError(10)".to_string())
                    })
                    .unwrap();
                inner.join().await.map(drop).map_err(|e| e.to_string())
            })
            .unwrap();
        let err = outer.join().await.unwrap_err();
        assert_eq!(start.elapsed(), ms(100));
        assert_eq!(failure_indices(&err), [0]);
        assert_eq!(err.failures()[0].1.to_string(), "ValueError(0.1)");
        assert_eq!(log.take(), ["inner child cancelled"]);
    });
}

/// test_taskgroup_14: the inner group fails first; its error becomes the outer child's failure, which
/// cancels the outer group.
#[test]
fn nested_groups_inner_failure_propagates() {
    paused().block_on(async {
        let start = Instant::now();
        let outer = TaskGroup::<(), String>::new();
        outer
            .spawn(async {
                sleep(Duration::from_secs(10)).await;
                Err("ValueError(10)".to_string())
            })
            .unwrap();
        outer
            .spawn(async {
                let inner = TaskGroup::<(), String>::new();
                inner
                    .spawn(async {
                        sleep(ms(100)).await;
                        Err("ValueError(0.1)".to_string())
                    })
                    .unwrap();
                inner.join().await.map(drop).map_err(|e| e.to_string())
            })
            .unwrap();
        let err = outer.join().await.unwrap_err();
        assert_eq!(start.elapsed(), ms(100));
        assert_eq!(failure_indices(&err), [1]);
        assert_eq!(
            err.to_string(),
            "task 1 of the group failed: task 0 of the group failed: ValueError(0.1)"
        );
    });
}

/// test_taskgroup_23: children come and go while the body spawns more.
#[test]
fn running_count_follows_the_children() {
    paused().block_on(async {
        let g = TaskGroup::<(), ()>::new();
        for count in 0..10 {
            sleep(ms(100)).await;
            g.spawn(async {
                sleep(ms(300)).await;
                Ok(())
            })
            .unwrap();
            if count == 5 {
                // 3 or 4: the child due at this very instant may or may not have run yet.
                assert!(g.running() < 5);
            }
        }
        sleep(ms(1350)).await;
        assert_eq!(g.running(), 0);
        assert_eq!(g.join().await.unwrap().len(), 10);
    });
}

/// test_taskgroup_24: a child spawns more children (through a `Spawner`) while the group is joined.
#[test]
fn children_spawn_into_the_group_during_join() {
    paused().block_on(async {
        let start = Instant::now();
        let g = TaskGroup::<u64, ()>::new();
        let spawner = g.spawner();
        g.spawn(async move {
            sleep(ms(100)).await;
            for delay in [100, 200] {
                spawner
                    .spawn(async move {
                        sleep(ms(delay)).await;
                        Ok(delay)
                    })
                    .unwrap();
            }
            Ok(0)
        })
        .unwrap();
        assert_eq!(g.join().await.unwrap(), [0, 100, 200]);
        assert_eq!(start.elapsed(), ms(300));
    });
}

/// test_taskgroup_25: hydras keep spawning two more each; hercules fails once there are ten; the group
/// fails with hercules' error only (spawns after the failure are refused, and the hydras ignore that).
#[test]
fn hydras_and_hercules() {
    paused().block_on(async {
        let nhydras = Rc::new(Cell::new(0u32));
        let refused = Rc::new(Cell::new(0u32));
        let g = TaskGroup::<(), &str>::new();

        fn hydra(
            spawner: solio::task::Spawner<(), &'static str>,
            n: Rc<Cell<u32>>,
            refused: Rc<Cell<u32>>,
        ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), &'static str>>>> {
            Box::pin(async move {
                n.set(n.get() + 1);
                sleep(ms(10)).await;
                for _ in 0..2 {
                    if spawner.spawn(hydra(spawner.clone(), n.clone(), refused.clone())).is_err() {
                        refused.set(refused.get() + 1);
                    }
                }
                Ok(())
            })
        }

        g.spawn(hydra(g.spawner(), nhydras.clone(), refused.clone())).unwrap();
        let n = nhydras.clone();
        g.spawn(async move {
            while n.get() < 10 {
                sleep(ms(15)).await;
            }
            Err("ZeroDivisionError")
        })
        .unwrap();
        let err = g.join().await.unwrap_err();
        assert_eq!(failure_indices(&err), [1]);
        assert!(matches!(err.failures()[0].1, TaskFailure::Error("ZeroDivisionError")));
        assert!(nhydras.get() >= 10);
    });
}

#[test]
fn a_panicking_child_fails_the_group() {
    paused().block_on(async {
        let log = Log::new();
        let g = TaskGroup::<u8, String>::new();
        let l = log.clone();
        g.spawn(async move {
            let _guard = DropGuard { log: l, msg: "sibling cancelled" };
            pending::<()>().await;
            Ok(1)
        })
        .unwrap();
        g.spawn(async {
            sleep(ms(5)).await;
            panic!("child panicked")
        })
        .unwrap();
        let err = g.join().await.unwrap_err();
        assert_eq!(log.take(), ["sibling cancelled"]);
        let (index, failure) = err.into_failures().pop().unwrap();
        assert_eq!(index, 1);
        let TaskFailure::Panic(join_error) = failure else { panic!("expected a panic") };
        assert!(join_error.is_panic());
        assert_eq!(join_error.into_panic().downcast_ref::<&str>(), Some(&"child panicked"));
    });
}

#[test]
fn a_child_whose_cleanup_panics_while_cancelled_is_reported_too() {
    paused().block_on(async {
        struct PanicOnDrop;
        impl Drop for PanicOnDrop {
            fn drop(&mut self) {
                panic!("cleanup failed");
            }
        }
        let g = TaskGroup::<(), &str>::new();
        g.spawn(async {
            let _p = PanicOnDrop;
            sleep(Duration::from_secs(10)).await;
            Ok(())
        })
        .unwrap();
        g.spawn(async {
            sleep(ms(1)).await;
            Err("first")
        })
        .unwrap();
        let err = g.join().await.unwrap_err();
        assert_eq!(failure_indices(&err), [1, 0]);
        assert!(matches!(err.failures()[0].1, TaskFailure::Error("first")));
        assert_eq!(err.failures()[1].1.to_string(), "task panicked: cleanup failed");
        assert_eq!(err.to_string(), "2 tasks of the group failed; the first, task 1: first");
    });
}

#[test]
fn a_destructor_panic_after_success_fails_the_group() {
    solio::run(async {
        struct PanicOnDrop;
        impl Drop for PanicOnDrop {
            fn drop(&mut self) {
                panic!("drop failed");
            }
        }
        let g = TaskGroup::<u8, ()>::new();
        g.spawn(async {
            let _p = PanicOnDrop;
            Ok(1)
        })
        .unwrap();
        let err = g.join().await.unwrap_err();
        assert!(matches!(&err.failures()[0], (0, TaskFailure::Panic(j)) if j.is_panic()));
    });
}

#[test]
fn spawning_into_a_failed_group_is_refused() {
    paused().block_on(async {
        let g = TaskGroup::<u8, &str>::new();
        let spawner = g.spawner();
        g.spawn(async { Err("boom") }).unwrap();
        assert!(!g.is_failed());
        solio::yield_now().await;
        assert!(g.is_failed());
        let err = g.spawn(async { Ok(1) }).unwrap_err();
        assert!(err.is_failed() && !err.is_closed());
        assert_eq!(err.to_string(), "task group is shutting down after a failure");
        // The future comes back, unspawned, and still works.
        assert_eq!(err.into_inner().await, Ok(1));
        assert!(spawner.spawn(async { Ok(2) }).unwrap_err().is_failed());
        assert!(g.join().await.is_err());
        let err = spawner.spawn(async { Ok(3) }).unwrap_err();
        assert!(err.is_closed());
        assert_eq!(err.to_string(), "task group is finished");
    });
}

#[test]
fn dropping_the_group_aborts_every_child() {
    let rt = paused();
    rt.block_on(async {
        let log = Log::new();
        let g = TaskGroup::<(), ()>::new();
        for _ in 0..3 {
            let guard = DropGuard { log: log.clone(), msg: "aborted" };
            g.spawn(async move {
                let _guard = guard;
                pending::<()>().await;
                Ok(())
            })
            .unwrap();
        }
        let spawner = g.spawner();
        solio::yield_now().await;
        assert!(log.snapshot().is_empty());
        drop(g);
        solio::yield_now().await;
        assert_eq!(log.take(), ["aborted"; 3]);
        assert!(spawner.spawn(async { Ok(()) }).unwrap_err().is_closed());
    });
    assert_eq!(rt.metrics().tasks, 0, "no orphans");
}

#[test]
fn join_returns_only_after_every_aborted_child_is_dropped() {
    paused().block_on(async {
        let log = Log::new();
        let g = TaskGroup::<(), ()>::new();
        for _ in 0..3 {
            let guard = DropGuard { log: log.clone(), msg: "dropped" };
            g.spawn(async move {
                let _guard = guard;
                sleep(Duration::from_secs(100)).await;
                Ok(())
            })
            .unwrap();
        }
        let l = log.clone();
        g.spawn(async move {
            sleep(ms(1)).await;
            l.push("failing");
            Err(())
        })
        .unwrap();
        assert!(g.join().await.is_err());
        log.push("joined");
        assert_eq!(log.take(), ["failing", "dropped", "dropped", "dropped", "joined"]);
    });
}

#[test]
fn empty_group_joins_at_once() {
    paused().block_on(async {
        let start = Instant::now();
        let g = TaskGroup::<(), ()>::new();
        assert_eq!(g.join().await.unwrap(), Vec::<()>::new());
        assert_eq!(start.elapsed(), Duration::ZERO);
    });
}

#[test]
fn many_children() {
    paused().block_on(async {
        let g = TaskGroup::<usize, ()>::new();
        for i in 0..1000 {
            assert_eq!(
                g.spawn(async move {
                    sleep(ms(1000 - i as u64)).await;
                    Ok(i)
                })
                .unwrap(),
                i
            );
        }
        assert_eq!(g.join().await.unwrap(), (0..1000).collect::<Vec<_>>());
    });
}

#[test]
fn a_runtime_shutdown_is_reported_as_cancellation() {
    let rt = paused();
    let group = rt.block_on(async {
        let g = TaskGroup::<(), ()>::new();
        g.spawn(pending()).unwrap();
        g.spawn(async { Ok(()) }).unwrap();
        solio::yield_now().await;
        g
    });
    drop(rt);
    let err = solio::run(group.join()).unwrap_err();
    assert_eq!(failure_indices(&err), [0]);
    assert!(matches!(err.failures()[0].1, TaskFailure::Cancelled));
}

#[test]
fn group_errors_have_sources() {
    use std::error::Error;
    solio::run(async {
        let g = TaskGroup::<(), std::io::Error>::new();
        g.spawn(async { Err(std::io::Error::other("disk on fire")) }).unwrap();
        let err = g.join().await.unwrap_err();
        let source = err.source().unwrap();
        assert_eq!(source.to_string(), "disk on fire");
        let boxed: Box<dyn Error + Send + Sync> = Box::new(err);
        assert_eq!(boxed.to_string(), "task 0 of the group failed: disk on fire");
    });
}
