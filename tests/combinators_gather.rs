//! `gather`, `gather!` and `try_gather`: order, concurrency, O(woken) polling, cancellation, panics.

mod support;

use std::cell::{Cell, RefCell};
use std::future::{Future, pending, poll_fn};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use solio::time::{Instant, sleep};
use support::{DropGuard, Log, paused};

/// A waker that counts its wakes.
#[derive(Default)]
struct CountingWaker(AtomicUsize);

impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// A child that counts its polls, parks its waker in `wakers[i]`, and finishes once `open[i]` is set.
struct Parked {
    i: usize,
    polls: Rc<Cell<usize>>,
    wakers: Wakers,
    open: Flags,
}

impl Future for Parked {
    type Output = usize;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<usize> {
        self.polls.set(self.polls.get() + 1);
        if self.open.borrow()[self.i] {
            return Poll::Ready(self.i);
        }
        self.wakers.borrow_mut()[self.i] = Some(cx.waker().clone());
        Poll::Pending
    }
}

type Wakers = Rc<RefCell<Vec<Option<Waker>>>>;
type Flags = Rc<RefCell<Vec<bool>>>;

fn parked(n: usize) -> (Vec<Parked>, Rc<Cell<usize>>, Wakers, Flags) {
    let polls = Rc::new(Cell::new(0));
    let wakers = Rc::new(RefCell::new(vec![None; n]));
    let open = Rc::new(RefCell::new(vec![false; n]));
    let children = (0..n)
        .map(|i| Parked { i, polls: polls.clone(), wakers: wakers.clone(), open: open.clone() })
        .collect();
    (children, polls, wakers, open)
}

#[test]
fn outputs_come_in_input_order_and_children_run_concurrently() {
    paused().block_on(async {
        let start = Instant::now();
        let log = Log::new();
        let out = solio::gather([3u64, 1, 2].into_iter().map(|s| {
            let log = log.clone();
            async move {
                sleep(Duration::from_secs(s)).await;
                log.push(format!("done {s}"));
                s * 10
            }
        }))
        .await;
        assert_eq!(out, [30, 10, 20]);
        assert_eq!(log.take(), ["done 1", "done 2", "done 3"]);
        assert_eq!(start.elapsed(), Duration::from_secs(3));
    });
}

#[test]
fn children_may_borrow_locals() {
    solio::run(async {
        let total = Cell::new(0);
        let names = ["a".to_string(), "bb".to_string()];
        let lens = solio::gather(names.iter().map(|n| {
            let total = &total;
            async move {
                solio::yield_now().await;
                total.set(total.get() + n.len());
                n.len()
            }
        }))
        .await;
        assert_eq!(lens, [1, 2]);
        assert_eq!(total.get(), 3);
    });
}

#[test]
fn empty_gather_is_ready_at_once() {
    let waker = Waker::from(Arc::new(CountingWaker::default()));
    let mut g = solio::gather(Vec::<std::future::Ready<u8>>::new());
    assert!(g.is_empty());
    assert_eq!(Pin::new(&mut g).poll(&mut Context::from_waker(&waker)), Poll::Ready(vec![]));
}

#[test]
fn a_wake_polls_only_the_woken_child() {
    const N: usize = 10_000;
    let (children, polls, wakers, open) = parked(N);
    let parent = Arc::new(CountingWaker::default());
    let waker = Waker::from(parent.clone());
    let mut cx = Context::from_waker(&waker);
    let mut g = solio::gather(children);

    // The first poll polls everyone once.
    assert!(Pin::new(&mut g).poll(&mut cx).is_pending());
    assert_eq!(polls.get(), N);

    // A poll with no wake polls nobody.
    assert!(Pin::new(&mut g).poll(&mut cx).is_pending());
    assert_eq!(polls.get(), N);

    // Waking one child wakes the parent once and polls exactly that child.
    wakers.borrow()[4321].as_ref().unwrap().wake_by_ref();
    assert_eq!(parent.0.load(Ordering::SeqCst), 1);
    assert!(Pin::new(&mut g).poll(&mut cx).is_pending());
    assert_eq!(polls.get(), N + 1);

    // Several wakes of the same child before the poll: still one poll. The parent is woken once.
    for _ in 0..5 {
        wakers.borrow()[7].as_ref().unwrap().wake_by_ref();
    }
    wakers.borrow()[9999].as_ref().unwrap().wake_by_ref();
    assert_eq!(parent.0.load(Ordering::SeqCst), 2);
    assert!(Pin::new(&mut g).poll(&mut cx).is_pending());
    assert_eq!(polls.get(), N + 3);

    // Finish them all: open, wake each, one poll each.
    open.borrow_mut().iter_mut().for_each(|o| *o = true);
    for w in wakers.borrow().iter() {
        w.as_ref().unwrap().wake_by_ref();
    }
    let Poll::Ready(out) = Pin::new(&mut g).poll(&mut cx) else { panic!("all children are ready") };
    assert_eq!(polls.get(), 2 * N + 3);
    assert_eq!(out, (0..N).collect::<Vec<_>>());
}

#[test]
fn woken_children_are_polled_in_wake_order() {
    let order = Rc::new(RefCell::new(Vec::new()));
    let wakers: Wakers = Rc::new(RefCell::new(vec![None; 5]));
    let children = (0..5).map(|i| {
        let (order, wakers) = (order.clone(), wakers.clone());
        let mut first = true;
        poll_fn(move |cx| {
            order.borrow_mut().push(i);
            if first {
                first = false;
                wakers.borrow_mut()[i] = Some(cx.waker().clone());
                Poll::Pending
            } else {
                Poll::Ready(i)
            }
        })
    });
    let waker = Waker::from(Arc::new(CountingWaker::default()));
    let mut cx = Context::from_waker(&waker);
    let mut g = solio::gather(children);
    assert!(Pin::new(&mut g).poll(&mut cx).is_pending());
    for i in [3, 0, 4, 1, 2] {
        wakers.borrow()[i].as_ref().unwrap().wake_by_ref();
    }
    assert_eq!(Pin::new(&mut g).poll(&mut cx), Poll::Ready(vec![0, 1, 2, 3, 4]));
    assert_eq!(*order.borrow(), [0, 1, 2, 3, 4, 3, 0, 4, 1, 2]);
}

#[test]
fn a_child_woken_during_its_own_poll_waits_for_the_next_round() {
    let polls = Rc::new(Cell::new(0));
    let child = {
        let polls = polls.clone();
        poll_fn(move |cx| {
            polls.set(polls.get() + 1);
            if polls.get() < 3 {
                cx.waker().wake_by_ref();
                Poll::Pending
            } else {
                Poll::Ready(())
            }
        })
    };
    let parent = Arc::new(CountingWaker::default());
    let waker = Waker::from(parent.clone());
    let mut cx = Context::from_waker(&waker);
    let mut g = solio::gather([child]);
    assert!(Pin::new(&mut g).poll(&mut cx).is_pending());
    assert_eq!(polls.get(), 1, "a self-wake must not loop inside one poll");
    assert_eq!(parent.0.load(Ordering::SeqCst), 1);
    assert!(Pin::new(&mut g).poll(&mut cx).is_pending());
    assert_eq!(polls.get(), 2);
    assert!(Pin::new(&mut g).poll(&mut cx).is_ready());
    assert_eq!(polls.get(), 3);
}

#[test]
fn yielding_children_interleave_on_the_runtime() {
    solio::run(async {
        let log = Log::new();
        let out = solio::gather((0..3).map(|i| {
            let log = log.clone();
            async move {
                for round in 0..3 {
                    log.push(format!("{i}.{round}"));
                    solio::yield_now().await;
                }
                i
            }
        }))
        .await;
        assert_eq!(out, [0, 1, 2]);
        assert_eq!(log.take(), ["0.0", "1.0", "2.0", "0.1", "1.1", "2.1", "0.2", "1.2", "2.2"]);
    });
}

#[test]
fn dropping_the_gather_drops_every_child() {
    let log = Log::new();
    let mut g = solio::gather((0..4).map(|i| {
        let guard = DropGuard { log: log.clone(), msg: ["drop 0", "drop 1", "drop 2", "drop 3"][i] };
        async move {
            let _guard = guard;
            if i % 2 == 0 {
                return i;
            }
            pending::<()>().await;
            unreachable!()
        }
    }));
    let waker = Waker::from(Arc::new(CountingWaker::default()));
    assert!(Pin::new(&mut g).poll(&mut Context::from_waker(&waker)).is_pending());
    // Finished children were dropped when they finished.
    assert_eq!(log.take(), ["drop 0", "drop 2"]);
    drop(g);
    assert_eq!(log.take(), ["drop 1", "drop 3"]);
}

#[test]
fn aborting_the_task_running_a_gather_drops_its_children() {
    paused().block_on(async {
        let log = Log::new();
        let task = solio::spawn({
            let log = log.clone();
            async move {
                solio::gather((0..3).map(|_| {
                    let guard = DropGuard { log: log.clone(), msg: "child dropped" };
                    async move {
                        let _guard = guard;
                        sleep(Duration::from_secs(3600)).await;
                    }
                }))
                .await
            }
        });
        sleep(Duration::from_secs(1)).await;
        assert!(log.snapshot().is_empty());
        task.abort();
        assert!(task.await.unwrap_err().is_cancelled());
        assert_eq!(log.take(), ["child dropped"; 3]);
    });
}

#[test]
fn a_panicking_child_propagates_out_of_the_gather() {
    paused().block_on(async {
        let log = Log::new();
        let task = solio::spawn({
            let log = log.clone();
            async move {
                let a = {
                    let guard = DropGuard { log: log.clone(), msg: "sibling dropped" };
                    async move {
                        let _guard = guard;
                        sleep(Duration::from_secs(10)).await;
                    }
                };
                let b = async {
                    sleep(Duration::from_secs(1)).await;
                    panic!("child failed");
                };
                solio::gather!(a, b).await
            }
        });
        let err = task.await.unwrap_err();
        assert!(err.is_panic());
        assert_eq!(err.to_string(), "task panicked: child failed");
        assert_eq!(log.take(), ["sibling dropped"]);
    });
    // Outside a task, the panic unwinds out of block_on.
    let r = catch_unwind(AssertUnwindSafe(|| {
        solio::run(solio::gather((0..3).map(|i| async move {
            if i == 1 {
                panic!("boom {i}");
            }
            i
        })))
    }));
    let payload = r.unwrap_err();
    assert_eq!(payload.downcast_ref::<String>().map(String::as_str), Some("boom 1"));
}

#[test]
#[should_panic(expected = "Gather polled after it returned its output")]
fn polling_after_completion_panics() {
    let waker = Waker::from(Arc::new(CountingWaker::default()));
    let mut cx = Context::from_waker(&waker);
    let mut g = solio::gather([std::future::ready(1)]);
    assert_eq!(Pin::new(&mut g).poll(&mut cx), Poll::Ready(vec![1]));
    let _ = Pin::new(&mut g).poll(&mut cx);
}

/// Reports an exact length it does not have.
struct Lying<I> {
    inner: I,
    claimed: usize,
}

impl<I: Iterator> Iterator for Lying<I> {
    type Item = I::Item;
    fn next(&mut self) -> Option<I::Item> {
        self.inner.next()
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.claimed, Some(self.claimed))
    }
}

#[test]
fn iterators_of_unknown_or_wrong_length_are_handled() {
    solio::run(async {
        // Unknown length (a filter).
        let out = solio::gather((0..10).filter(|i| i % 3 == 0).map(|i| async move { i })).await;
        assert_eq!(out, [0, 3, 6, 9]);
        // Claims more than it has.
        let out = solio::gather(Lying { inner: (0..3).map(|i| async move { i }), claimed: 10 }).await;
        assert_eq!(out, [0, 1, 2]);
        // Claims fewer than it has.
        let out = solio::gather(Lying { inner: (0..7).map(|i| async move { i }), claimed: 2 }).await;
        assert_eq!(out, [0, 1, 2, 3, 4, 5, 6]);
        // Claims zero and has some.
        let out = solio::gather(Lying { inner: (0..2).map(|i| async move { i }), claimed: 0 }).await;
        assert_eq!(out, [0, 1]);
    });
}

#[test]
fn a_panicking_iterator_drops_the_futures_already_taken() {
    let log = Log::new();
    let items = (0..5).map(|i| {
        if i == 3 {
            panic!("iterator failed");
        }
        let guard = DropGuard { log: log.clone(), msg: "future dropped" };
        async move {
            let _guard = guard;
        }
    });
    let r = catch_unwind(AssertUnwindSafe(|| solio::gather(items)));
    assert!(r.is_err());
    assert_eq!(log.take(), ["future dropped"; 3]);
}

#[test]
fn children_woken_from_other_threads_are_polled() {
    solio::run(async {
        let flags: Vec<Arc<(AtomicBool, Mutex<Option<Waker>>)>> =
            (0..8).map(|_| Arc::new((AtomicBool::new(false), Mutex::new(None)))).collect();
        let children = flags.iter().enumerate().map(|(i, flag)| {
            let flag = flag.clone();
            poll_fn(move |cx| {
                *flag.1.lock().unwrap() = Some(cx.waker().clone());
                if flag.0.load(Ordering::SeqCst) { Poll::Ready(i) } else { Poll::Pending }
            })
        });
        let g = solio::gather(children);
        let threads = flags.clone();
        let setter = std::thread::spawn(move || {
            for flag in threads.iter().rev() {
                std::thread::sleep(Duration::from_millis(2));
                flag.0.store(true, Ordering::SeqCst);
                if let Some(w) = flag.1.lock().unwrap().take() {
                    w.wake();
                }
            }
        });
        assert_eq!(g.await, (0..8).collect::<Vec<_>>());
        setter.join().unwrap();
    });
}

#[test]
fn child_wakers_outlive_the_gather_harmlessly() {
    let (children, _polls, wakers, _open) = parked(3);
    let waker = Waker::from(Arc::new(CountingWaker::default()));
    let mut g = solio::gather(children);
    assert!(Pin::new(&mut g).poll(&mut Context::from_waker(&waker)).is_pending());
    let kept: Vec<Waker> = wakers.borrow_mut().drain(..).map(Option::unwrap).collect();
    drop(g);
    // Waking, cloning and dropping wakers of a dropped gather: no-ops, from any thread.
    kept[0].wake_by_ref();
    let clone = kept[1].clone();
    std::thread::spawn(move || {
        clone.wake();
    })
    .join()
    .unwrap();
    drop(kept);
}

#[test]
fn gathering_join_handles() {
    paused().block_on(async {
        let handles: Vec<_> = [2u64, 1]
            .into_iter()
            .map(|s| {
                solio::spawn(async move {
                    sleep(Duration::from_secs(s)).await;
                    s
                })
            })
            .collect();
        let out: Vec<u64> = solio::gather(handles).await.into_iter().map(Result::unwrap).collect();
        assert_eq!(out, [2, 1]);
    });
}

#[test]
fn fallible_children_are_collected() {
    solio::run(async {
        let out = solio::gather(
            (0..4).map(|i| async move { if i % 2 == 0 { Ok(i) } else { Err(format!("odd {i}")) } }),
        )
        .await;
        assert_eq!(out, [Ok(0), Err("odd 1".into()), Ok(2), Err("odd 3".into())]);
    });
}

#[test]
fn try_gather_returns_all_values_when_all_succeed() {
    paused().block_on(async {
        let out = solio::try_gather([3u64, 1, 2].into_iter().map(|s| async move {
            sleep(Duration::from_secs(s)).await;
            Ok::<_, String>(s)
        }))
        .await;
        assert_eq!(out, Ok(vec![3, 1, 2]));
    });
}

#[test]
fn try_gather_fails_fast_and_drops_the_rest() {
    paused().block_on(async {
        let start = Instant::now();
        let log = Log::new();
        let children = [(1u64, true), (2, false), (3, false), (4, true)].into_iter().map(|(s, ok)| {
            let guard = DropGuard {
                log: log.clone(),
                msg: ["dropped 1", "dropped 2", "dropped 3", "dropped 4"][s as usize - 1],
            };
            async move {
                let _guard = guard;
                sleep(Duration::from_secs(s)).await;
                if ok { Ok(s) } else { Err(format!("failed at {s}")) }
            }
        });
        let out = solio::try_gather(children).await;
        assert_eq!(out, Err("failed at 2".to_string()));
        assert_eq!(start.elapsed(), Duration::from_secs(2));
        // Child 1 finished (and was dropped) at 1 s, child 2 when it failed, then the rest at once.
        assert_eq!(log.take(), ["dropped 1", "dropped 2", "dropped 3", "dropped 4"]);
    });
}

#[test]
fn try_gather_reports_the_first_error_in_time_not_in_input_order() {
    paused().block_on(async {
        let out = solio::try_gather([5u64, 1, 3].into_iter().map(|s| async move {
            sleep(Duration::from_secs(s)).await;
            Err::<(), u64>(s)
        }))
        .await;
        assert_eq!(out, Err(1));
        // Errors at the same instant: wake order, which is input order here.
        let out = solio::try_gather((0..3).map(|i| async move { Err::<(), i32>(i) })).await;
        assert_eq!(out, Err(0));
        let empty = solio::try_gather(Vec::<std::future::Ready<Result<u8, ()>>>::new()).await;
        assert_eq!(empty, Ok(vec![]));
    });
}

#[test]
fn gather_macro_mixes_types_up_to_sixteen() {
    solio::run(async {
        assert_eq!(solio::gather!().await, ());
        assert_eq!(solio::gather!(async { 1 }).await, (1,));
        let (a, b, c) = solio::gather!(async { 1u8 }, async { "two" }, std::future::ready(3.0)).await;
        assert_eq!((a, b, c), (1, "two", 3.0));
        let twelve = solio::gather!(
            async { 1 },
            async { 2u8 },
            async { 3u16 },
            async { 4u32 },
            async { 5u64 },
            async { 6i8 },
            async { 7i16 },
            async { 8i32 },
            async { 9i64 },
            async { "10" },
            async { '1' },
            async { 12usize },
        )
        .await;
        assert_eq!(twelve, (1, 2, 3, 4, 5, 6, 7, 8, 9, "10", '1', 12));
        let sixteen = solio::gather!(
            async { 1 },
            async { 2 },
            async { 3 },
            async { 4 },
            async { 5 },
            async { 6 },
            async { 7 },
            async { 8 },
            async { 9 },
            async { 10 },
            async { 11 },
            async { 12 },
            async { 13 },
            async { 14 },
            async { 15 },
            async { 16 },
        )
        .await;
        assert_eq!(sixteen.15, 16);
        // `IntoFuture` arguments, like a `JoinHandle`.
        let (x, y) = solio::gather!(solio::spawn(async { 5 }), async { 6 }).await;
        assert_eq!((x.unwrap(), y), (5, 6));
    });
}

#[test]
fn gather_macro_runs_concurrently_and_drops_children() {
    paused().block_on(async {
        let start = Instant::now();
        let log = Log::new();
        let l = log.clone();
        let (a, b) = solio::gather!(
            async {
                sleep(Duration::from_secs(2)).await;
                l.push("a");
                'a'
            },
            async {
                sleep(Duration::from_secs(1)).await;
                log.push("b");
                'b'
            },
        )
        .await;
        assert_eq!((a, b), ('a', 'b'));
        assert_eq!(log.take(), ["b", "a"]);
        assert_eq!(start.elapsed(), Duration::from_secs(2));

        let guard = DropGuard { log: log.clone(), msg: "dropped" };
        let g = solio::gather!(
            async move {
                let _g = guard;
                pending::<()>().await
            },
            async { 1 }
        );
        drop(g);
        assert_eq!(log.take(), ["dropped"]);
    });
}

#[test]
fn gather_futures_are_send_when_their_children_are() {
    fn assert_send<T: Send>(_: &T) {}
    let g = solio::gather((0..3).map(|i| async move { i }));
    assert_send(&g);
    let t = solio::try_gather((0..3).map(|i| async move { Ok::<_, ()>(i) }));
    assert_send(&t);
    let m = solio::gather!(async { 1 }, async { 2 });
    assert_send(&m);
}
