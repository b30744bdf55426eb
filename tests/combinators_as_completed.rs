//! `as_completed`: completion order under the paused clock, O(woken) polling, cancellation.

mod support;

use std::cell::Cell;
use std::future::{Future, pending, poll_fn};
use std::pin::{Pin, pin};
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use futures_core::{FusedStream, Stream};
use futures_lite::StreamExt;
use solio::time::{Instant, sleep};
use support::{DropGuard, Log, paused};

struct Noop;
impl Wake for Noop {
    fn wake(self: Arc<Self>) {}
}

#[test]
fn outputs_come_in_completion_order_at_the_right_times() {
    paused().block_on(async {
        let start = Instant::now();
        let jobs = [5u64, 1, 3, 2, 4].into_iter().enumerate().map(|(i, s)| async move {
            sleep(Duration::from_secs(s)).await;
            (i, s)
        });
        let mut s = solio::as_completed(jobs);
        assert_eq!(s.size_hint(), (5, Some(5)));
        let mut seen = Vec::new();
        while let Some((i, secs)) = s.next().await {
            assert_eq!(start.elapsed(), Duration::from_secs(secs), "output {i} came late");
            seen.push(i);
        }
        assert_eq!(seen, [1, 3, 2, 4, 0]);
        assert!(s.is_terminated());
        assert_eq!(s.next().await, None);
    });
}

#[test]
fn ties_come_in_wake_order() {
    paused().block_on(async {
        let jobs = [2u64, 1, 2, 1].into_iter().enumerate().map(|(i, s)| async move {
            sleep(Duration::from_secs(s)).await;
            i
        });
        let all: Vec<usize> = solio::as_completed(jobs).collect().await;
        assert_eq!(all, [1, 3, 0, 2]);
    });
}

#[test]
fn ready_futures_come_in_input_order() {
    solio::run(async {
        let all: Vec<u32> = solio::as_completed((0..100).map(|i| async move { i })).collect().await;
        assert_eq!(all, (0..100).collect::<Vec<_>>());
    });
}

#[test]
fn empty_input_ends_at_once() {
    solio::run(async {
        let mut s = solio::as_completed(Vec::<std::future::Ready<()>>::new());
        assert!(s.is_empty());
        assert_eq!(s.next().await, None);
        assert!(s.is_terminated());
    });
}

#[test]
fn an_output_is_taken_only_when_returned() {
    // Three children finish in the same round; each `poll_next` returns one and keeps the others queued.
    let polls = Rc::new(Cell::new(0));
    let children = (0..3).map(|i| {
        let polls = polls.clone();
        poll_fn(move |_| {
            polls.set(polls.get() + 1);
            Poll::Ready(i)
        })
    });
    let waker = Waker::from(Arc::new(Noop));
    let mut cx = Context::from_waker(&waker);
    let mut s = solio::as_completed(children);
    assert_eq!(Pin::new(&mut s).poll_next(&mut cx), Poll::Ready(Some(0)));
    assert_eq!(polls.get(), 1, "stops at the first output");
    assert_eq!(Pin::new(&mut s).poll_next(&mut cx), Poll::Ready(Some(1)));
    assert_eq!(Pin::new(&mut s).poll_next(&mut cx), Poll::Ready(Some(2)));
    assert_eq!(Pin::new(&mut s).poll_next(&mut cx), Poll::Ready(None));
    assert_eq!(polls.get(), 3);
}

#[test]
fn a_wake_polls_only_the_woken_future() {
    const N: usize = 10_000;
    let polls = Rc::new(Cell::new(0));
    let wakers: Rc<std::cell::RefCell<Vec<Option<Waker>>>> = Rc::new(std::cell::RefCell::new(vec![None; N]));
    let children = (0..N).map(|i| {
        let (polls, wakers) = (polls.clone(), wakers.clone());
        let mut woken = false;
        poll_fn(move |cx| {
            polls.set(polls.get() + 1);
            if woken {
                return Poll::Ready(i);
            }
            woken = true;
            wakers.borrow_mut()[i] = Some(cx.waker().clone());
            Poll::Pending
        })
    });
    let waker = Waker::from(Arc::new(Noop));
    let mut cx = Context::from_waker(&waker);
    let mut s = solio::as_completed(children);
    assert!(Pin::new(&mut s).poll_next(&mut cx).is_pending());
    assert_eq!(polls.get(), N);
    wakers.borrow()[1234].as_ref().unwrap().wake_by_ref();
    assert_eq!(Pin::new(&mut s).poll_next(&mut cx), Poll::Ready(Some(1234)));
    assert_eq!(polls.get(), N + 1);
    assert!(Pin::new(&mut s).poll_next(&mut cx).is_pending());
    assert_eq!(polls.get(), N + 1);
    assert_eq!(s.len(), N - 1);
}

#[test]
fn dropping_the_stream_drops_the_unfinished_futures() {
    paused().block_on(async {
        let log = Log::new();
        let jobs = [1u64, 2, 3].into_iter().map(|s| {
            let guard =
                DropGuard { log: log.clone(), msg: ["dropped 1", "dropped 2", "dropped 3"][s as usize - 1] };
            async move {
                let _guard = guard;
                sleep(Duration::from_secs(s)).await;
                s
            }
        });
        let mut s = solio::as_completed(jobs);
        assert_eq!(s.next().await, Some(1));
        assert_eq!(log.take(), ["dropped 1"]);
        drop(s);
        assert_eq!(log.take(), ["dropped 2", "dropped 3"]);
    });
}

#[test]
fn a_cancelled_next_loses_nothing() {
    paused().block_on(async {
        let jobs = [2u64, 4].into_iter().map(|s| async move {
            sleep(Duration::from_secs(s)).await;
            s
        });
        let mut s = solio::as_completed(jobs);
        // Give up on `next` after 1 s: nothing was ready, nothing is lost.
        assert!(solio::time::timeout(Duration::from_secs(1), s.next()).await.is_err());
        assert_eq!(s.next().await, Some(2));
        assert_eq!(s.next().await, Some(4));
    });
}

#[test]
fn works_with_join_handles_and_borrowed_locals() {
    paused().block_on(async {
        let handles: Vec<_> = [3u64, 1, 2]
            .into_iter()
            .map(|s| {
                solio::spawn(async move {
                    sleep(Duration::from_secs(s)).await;
                    s
                })
            })
            .collect();
        let out: Vec<u64> = solio::as_completed(handles).map(Result::unwrap).collect().await;
        assert_eq!(out, [1, 2, 3]);

        let counter = Cell::new(0);
        let mut s = pin!(solio::as_completed((0..3).map(|_| async {
            counter.set(counter.get() + 1);
        })));
        while s.next().await.is_some() {}
        assert_eq!(counter.get(), 3);
    });
}

#[test]
fn a_panicking_future_propagates_out_of_poll_next() {
    let r = std::panic::catch_unwind(|| {
        solio::run(async {
            let children: [Pin<Box<dyn Future<Output = ()>>>; 2] =
                [Box::pin(pending::<()>()), Box::pin(async { panic!("in a child") })];
            let mut s = solio::as_completed(children);
            s.next().await
        })
    });
    assert!(r.is_err());
}

#[test]
fn is_unpin_whatever_the_futures() {
    fn assert_unpin<T: Unpin>(_: &T) {}
    let s = solio::as_completed((0..2).map(|_| async {}));
    assert_unpin(&s);
    let g = solio::gather((0..2).map(|_| async {}));
    assert_unpin(&g);
}
