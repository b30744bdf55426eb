//! `stream::generate` and `stream::try_generate`: laziness, order, timing, drop, errors, misuse.

mod support;

use std::future::Future;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use futures_core::{FusedStream, Stream};
use futures_lite::StreamExt;
use solio::stream::{generate, try_generate};
use solio::time::{Instant, sleep};
use support::{DropGuard, Log, paused};

struct Noop;
impl Wake for Noop {
    fn wake(self: Arc<Self>) {}
}

#[test]
fn yields_in_order_and_runs_lazily() {
    solio::run(async {
        let log = Log::new();
        let l = log.clone();
        let s = generate(|mut co| async move {
            for i in 0..3 {
                l.push(format!("yield {i}"));
                co.yield_(i).await;
                l.push(format!("resumed after {i}"));
            }
            l.push("end");
        });
        let mut s = pin!(s);
        assert!(log.snapshot().is_empty(), "nothing runs before the first poll");
        assert_eq!(s.next().await, Some(0));
        assert_eq!(log.take(), ["yield 0"]);
        log.push("consumer");
        assert_eq!(s.next().await, Some(1));
        assert_eq!(log.take(), ["consumer", "resumed after 0", "yield 1"]);
        assert_eq!(s.next().await, Some(2));
        assert_eq!(s.next().await, None);
        assert_eq!(log.take(), ["resumed after 1", "yield 2", "resumed after 2", "end"]);
        assert!(s.is_terminated());
        assert_eq!(s.next().await, None);
    });
}

#[test]
fn collect_and_adapters() {
    solio::run(async {
        let numbers = || {
            generate(|mut co| async move {
                for i in 1..=5u32 {
                    co.yield_(i).await;
                }
            })
        };
        assert_eq!(numbers().collect::<Vec<_>>().await, [1, 2, 3, 4, 5]);
        let evens: Vec<u32> = numbers().filter(|x| x % 2 == 0).map(|x| x * 10).collect().await;
        assert_eq!(evens, [20, 40]);
        assert_eq!(numbers().take(2).collect::<Vec<_>>().await, [1, 2]);
        let empty = generate(|_co: solio::stream::Co<u8>| async {});
        assert_eq!(empty.collect::<Vec<_>>().await, []);
    });
}

#[test]
fn the_body_may_await_between_yields() {
    paused().block_on(async {
        let start = Instant::now();
        let ticks = generate(|mut co| async move {
            for i in 1..=3u64 {
                sleep(Duration::from_secs(i)).await;
                co.yield_(i).await;
            }
        });
        let mut ticks = pin!(ticks);
        let mut at = Vec::new();
        while let Some(i) = ticks.next().await {
            at.push((i, start.elapsed()));
        }
        assert_eq!(
            at,
            [(1, Duration::from_secs(1)), (2, Duration::from_secs(3)), (3, Duration::from_secs(6))]
        );
    });
}

#[test]
fn dropping_the_stream_drops_the_body_where_it_stands() {
    solio::run(async {
        let log = Log::new();
        let l = log.clone();
        let s = generate(|mut co| async move {
            let _guard = DropGuard { log: l.clone(), msg: "body dropped" };
            for i in 0.. {
                co.yield_(DropGuard { log: l.clone(), msg: "item dropped" }).await;
                l.push(format!("after {i}"));
            }
        });
        let mut s = Box::pin(s);
        let first = s.next().await.unwrap();
        drop(first);
        assert_eq!(log.take(), ["item dropped"]);
        drop(s);
        assert_eq!(log.take(), ["body dropped"]);
    });
}

#[test]
fn the_body_borrows_locals() {
    solio::run(async {
        let words = vec!["a".to_string(), "b".to_string()];
        let borrowed = &words;
        let s = generate(|mut co| async move {
            for w in borrowed {
                co.yield_(w.as_str()).await;
            }
        });
        assert_eq!(s.collect::<Vec<&str>>().await, ["a", "b"]);
    });
}

#[test]
fn try_generate_ends_with_the_error() {
    solio::run(async {
        let parsed = try_generate(|mut co| async move {
            for text in ["1", "x", "3"] {
                let n: i32 = text.parse().map_err(|_| format!("bad number {text:?}"))?;
                co.yield_(n).await;
            }
            Ok(())
        });
        let items: Vec<Result<i32, String>> = parsed.collect().await;
        assert_eq!(items, [Ok(1), Err("bad number \"x\"".to_string())]);

        let fine = try_generate(|mut co| async move {
            co.yield_(1).await;
            Ok::<(), String>(())
        });
        let mut fine = pin!(fine);
        assert_eq!(fine.next().await, Some(Ok(1)));
        assert_eq!(fine.next().await, None);
        assert!(fine.is_terminated());
    });
}

#[test]
fn a_yield_under_a_combinator_with_its_own_wakers_still_resumes() {
    // `solio::gather` gives the yield its own waker: the yield must wake it to be polled again.
    paused().block_on(async {
        let start = Instant::now();
        let s = generate(|mut co| async move {
            type Step<'a> = futures::future::Either<solio::stream::Yield<'a, u32>, solio::time::Sleep>;
            let steps: Vec<Step<'_>> = vec![
                futures::future::Either::Left(co.yield_(7)),
                futures::future::Either::Right(sleep(Duration::from_secs(2))),
            ];
            solio::gather(steps).await;
            co.yield_(8).await;
        });
        assert_eq!(s.collect::<Vec<_>>().await, [7, 8]);
        assert_eq!(start.elapsed(), Duration::from_secs(2));
    });
}

#[test]
fn a_yield_under_gather_macro_resumes() {
    paused().block_on(async {
        let s = generate(|mut co| async move {
            let ((), n) = solio::gather!(co.yield_(1), async {
                sleep(Duration::from_secs(1)).await;
                2
            })
            .await;
            co.yield_(n).await;
        });
        assert_eq!(s.collect::<Vec<_>>().await, [1, 2]);
    });
}

#[test]
#[should_panic(expected = "Co::yield_ awaited outside its generator's body")]
fn yielding_outside_the_body_panics() {
    solio::run(async {
        let (tx, rx) = std::sync::mpsc::channel();
        let s = generate(move |co: solio::stream::Co<u8>| {
            tx.send(co).unwrap();
            async {}
        });
        let mut co = rx.recv().unwrap();
        let mut y = co.yield_(1);
        let waker = Waker::from(Arc::new(Noop));
        let _ = Pin::new(&mut y).poll(&mut Context::from_waker(&waker));
        drop(s);
    });
}

#[test]
fn poll_next_without_a_runtime() {
    // A generator is plain future machinery: any executor drives it.
    let s = generate(|mut co| async move {
        co.yield_('a').await;
        co.yield_('b').await;
    });
    let mut s = pin!(s);
    let waker = Waker::from(Arc::new(Noop));
    let mut cx = Context::from_waker(&waker);
    assert_eq!(s.as_mut().poll_next(&mut cx), Poll::Ready(Some('a')));
    assert_eq!(s.as_mut().poll_next(&mut cx), Poll::Ready(Some('b')));
    assert_eq!(s.as_mut().poll_next(&mut cx), Poll::Ready(None));
}
