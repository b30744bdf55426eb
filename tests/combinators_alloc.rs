//! The combinators' allocation budget, counted by a global allocator: `gather` makes one allocation for
//! the whole set plus the output `Vec`, `as_completed` one, `gather!` none; child wakers allocate nothing.

use std::cell::Cell;
use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use futures_lite::StreamExt;

mod alloc_support;

use alloc_support::allocs;

/// Counts the allocations made while `f` runs.
fn count<R>(f: impl FnOnce() -> R) -> (R, usize) {
    let before = allocs();
    let r = f();
    (r, allocs() - before)
}

/// Wakes itself `n` times, then returns `i`.
async fn yield_times(i: usize, n: usize) -> usize {
    for _ in 0..n {
        solio::yield_now().await;
    }
    i
}

#[test]
fn gather_makes_one_allocation_plus_the_output() {
    solio::run(async {
        for n in [1, 10, 10_000] {
            let before = allocs();
            let out = solio::gather((0..n).map(|i| yield_times(i, 3))).await;
            let made = allocs() - before;
            assert_eq!(out.len(), n);
            assert_eq!(made, 2, "gather of {n}: the set and the output Vec");
        }
        // From a Vec of futures: the Vec was allocated by the caller; gather adds the same two.
        let futures: Vec<_> = (0..100).map(|i| yield_times(i, 2)).collect();
        let before = allocs();
        let out = solio::gather(futures).await;
        assert_eq!(allocs() - before, 2);
        assert_eq!(out[99], 99);
    });
}

#[test]
fn try_gather_and_as_completed_allocate_once_for_the_set() {
    solio::run(async {
        let before = allocs();
        let out =
            solio::try_gather((0..1000).map(|i| async move { Ok::<_, ()>(yield_times(i, 2).await) })).await;
        assert_eq!(allocs() - before, 2, "the set and the output Vec");
        assert_eq!(out.unwrap().len(), 1000);

        let before = allocs();
        let out = solio::try_gather((0..1000).map(|i| async move {
            yield_times(i, 2).await;
            if i == 500 { Err(i) } else { Ok(i) }
        }))
        .await;
        assert_eq!(allocs() - before, 1, "the set only: no output Vec on failure");
        assert_eq!(out, Err(500));

        let before = allocs();
        let mut s = solio::as_completed((0..1000).map(|i| yield_times(i, 2)));
        let mut sum = 0;
        while let Some(i) = s.next().await {
            sum += i;
        }
        assert_eq!(allocs() - before, 1, "the set only");
        assert_eq!(sum, 999 * 1000 / 2);
    });
}

#[test]
fn gather_macro_allocates_nothing() {
    solio::run(async {
        let before = allocs();
        let (a, b, c) = solio::gather!(yield_times(1, 3), async { 2u8 }, yield_times(3, 1)).await;
        assert_eq!(allocs() - before, 0);
        assert_eq!((a, b, c), (1, 2, 3));
    });
}

struct Noop;
impl Wake for Noop {
    fn wake(self: Arc<Self>) {}
}

#[test]
fn child_wakers_allocate_nothing() {
    let kept = Cell::new(None::<Waker>);
    let child = poll_fn(|cx| {
        let (_, made) = count(|| {
            for _ in 0..1000 {
                let w = cx.waker().clone();
                w.wake_by_ref();
                let w2 = w.clone();
                drop(w);
                w2.wake();
            }
        });
        assert_eq!(made, 0, "child waker operations allocated");
        kept.set(Some(cx.waker().clone()));
        Poll::<()>::Pending
    });
    let parent = Waker::from(Arc::new(Noop));
    let mut cx = Context::from_waker(&parent);
    let mut g = solio::gather([child]);
    let (_, made) = count(|| Pin::new(&mut g).poll(&mut cx));
    assert_eq!(made, 0, "polling a gather allocates nothing");
    let (_, made) = count(|| drop(g));
    assert_eq!(made, 0);
    drop(kept.take());
}

#[test]
fn stream_generate_allocates_once() {
    solio::run(async {
        let (s, made) = count(|| {
            solio::stream::generate(|mut co| async move {
                for i in 0..100 {
                    co.yield_(i).await;
                }
            })
        });
        assert_eq!(made, 1, "the shared slot");
        let mut s = std::pin::pin!(s);
        let before = allocs();
        let mut n = 0;
        while s.next().await.is_some() {
            n += 1;
        }
        assert_eq!(allocs() - before, 0, "yielding allocates nothing");
        assert_eq!(n, 100);
    });
}
