//! `sleep`, `sleep_until`, `Sleep::reset`: deadlines, ordering, extreme durations, cleanup.

mod support;

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use solio::time::{Instant, sleep, sleep_until};
use support::{Log, paused};

#[test]
fn ten_virtual_seconds_advance_the_clock_by_exactly_ten_seconds() {
    let wall = std::time::Instant::now();
    let elapsed = paused().block_on(async {
        let start = Instant::now();
        sleep(Duration::from_secs(10)).await;
        start.elapsed()
    });
    assert_eq!(elapsed, Duration::from_secs(10));
    assert!(wall.elapsed() < Duration::from_secs(5), "virtual time does not wait for real time");
}

#[test]
fn real_clock_never_fires_early() {
    solio::run(async {
        for ms in [1u64, 3, 7, 15] {
            let start = std::time::Instant::now();
            sleep(Duration::from_millis(ms)).await;
            assert!(start.elapsed() >= Duration::from_millis(ms), "{ms} ms sleep fired early");
        }
        let start = std::time::Instant::now();
        sleep(Duration::from_micros(1500)).await;
        assert!(start.elapsed() >= Duration::from_micros(1500));
    });
}

#[test]
fn virtual_time_moves_to_the_microsecond() {
    // Ticks are microseconds: a deadline between two milliseconds is not rounded up to the next one.
    let (elapsed, order) = paused().block_on(async {
        let start = Instant::now();
        let log = Log::new();
        let a = {
            let log = log.clone();
            async move {
                sleep(Duration::from_micros(1500)).await;
                log.push("1500us")
            }
        };
        let b = {
            let log = log.clone();
            async move {
                sleep(Duration::from_micros(1250)).await;
                log.push("1250us")
            }
        };
        let c = {
            let log = log.clone();
            async move {
                sleep(Duration::from_micros(1999)).await;
                log.push("1999us")
            }
        };
        let t0 = Instant::now();
        solio::gather!(a, b, c).await;
        assert_eq!(t0.elapsed(), Duration::from_micros(1999));
        sleep(Duration::from_nanos(1)).await;
        (start.elapsed(), log.take())
    });
    assert_eq!(order, ["1250us", "1500us", "1999us"]);
    // Sub-microsecond deadlines round up to the next microsecond, never down.
    assert_eq!(elapsed, Duration::from_micros(2000));
}

#[test]
fn real_clock_sleeps_under_a_millisecond_are_not_rounded_up_to_one() {
    // epoll waits in whole milliseconds; the reactor's timerfd ends a 200 µs wait on time instead. The
    // fastest of 20 tries is checked, so a loaded machine that delays some of them cannot fail the test,
    // while rounding up to 1 ms (which delays every one of them) does.
    let elapsed: Vec<Duration> = solio::run(async {
        let mut elapsed = Vec::new();
        for _ in 0..20 {
            let start = std::time::Instant::now();
            sleep(Duration::from_micros(200)).await;
            elapsed.push(start.elapsed());
        }
        elapsed
    });
    assert!(elapsed.iter().all(|&e| e >= Duration::from_micros(200)), "a sleep fired early: {elapsed:?}");
    let fastest = elapsed.iter().min().copied().unwrap();
    if cfg!(any(target_os = "linux", target_os = "android")) {
        assert!(fastest < Duration::from_micros(900), "every 200 µs sleep took ≥ 900 µs: {elapsed:?}");
    }
}

#[test]
fn deadlines_fire_in_order_and_equal_ones_in_registration_order() {
    let log = Log::new();
    paused().block_on({
        let log = log.clone();
        async move {
            let base = Instant::now();
            let plan = [("c", 30), ("a", 10), ("b1", 20), ("b2", 20), ("b3", 20), ("d", 5000)];
            let handles: Vec<_> = plan
                .iter()
                .map(|&(name, ms)| {
                    let log = log.clone();
                    solio::spawn(async move {
                        sleep_until(base + Duration::from_millis(ms)).await;
                        log.push(format!("{name}@{}", Instant::now().duration_since(base).as_millis()));
                    })
                })
                .collect();
            for h in handles {
                h.await.unwrap();
            }
        }
    });
    assert_eq!(log.take(), ["a@10", "b1@20", "b2@20", "b3@20", "c@30", "d@5000"]);
}

#[test]
fn the_same_program_gives_the_same_trace_every_run() {
    fn trace() -> Vec<String> {
        let log = Log::new();
        paused().block_on({
            let log = log.clone();
            async move {
                let base = Instant::now();
                let hs: Vec<_> = (0..200u64)
                    .map(|i| {
                        let log = log.clone();
                        solio::spawn(async move {
                            let mut x = i;
                            for step in 0..3 {
                                x = (x * 7919 + 13) % 97;
                                sleep(Duration::from_millis(x)).await;
                                log.push(format!("{i}.{step}@{}", base.elapsed().as_millis()));
                            }
                        })
                    })
                    .collect();
                for h in hs {
                    h.await.unwrap();
                }
            }
        });
        log.take()
    }
    let first = trace();
    assert_eq!(first.len(), 600);
    assert_eq!(first, trace());
}

#[test]
fn sleep_zero_completes_after_yielding_once() {
    let log = Log::new();
    solio::run({
        let log = log.clone();
        async move {
            let other = solio::spawn({
                let log = log.clone();
                async move { log.push("other task") }
            });
            sleep(Duration::ZERO).await;
            log.push("after sleep(0)");
            other.await.unwrap();
        }
    });
    assert_eq!(log.take(), ["other task", "after sleep(0)"]);

    solio::run(async {
        let mut s = pin!(sleep(Duration::ZERO));
        let mut cx = Context::from_waker(Waker::noop());
        assert_eq!(s.as_mut().poll(&mut cx), Poll::Pending, "the first poll yields");
        solio::yield_now().await;
        assert_eq!(s.as_mut().poll(&mut cx), Poll::Ready(()));
        assert_eq!(s.as_mut().poll(&mut cx), Poll::Ready(()), "polling again stays ready");
    });
}

#[test]
fn any_duration_is_accepted_even_duration_max() {
    let rt = paused();
    rt.block_on(async {
        let mut cx = Context::from_waker(Waker::noop());
        let mut forever = pin!(sleep(Duration::MAX));
        assert_eq!(forever.as_mut().poll(&mut cx), Poll::Pending);
        assert!(forever.deadline() > Instant::now() + Duration::from_secs(50 * 365 * 86_400));
        let r = solio::time::timeout(Duration::MAX, async { 3 }).await;
        assert_eq!(r, Ok(3));
        // A long but finite virtual sleep completes, and the MAX one still has not.
        let start = Instant::now();
        sleep(Duration::from_secs(3 * 365 * 86_400)).await;
        assert_eq!(start.elapsed(), Duration::from_secs(3 * 365 * 86_400));
        assert_eq!(forever.as_mut().poll(&mut cx), Poll::Pending);
    });
    assert_eq!(rt.metrics().timers, 0);
}

#[test]
fn a_sleep_dropped_before_it_fires_leaves_nothing_in_the_wheel() {
    let rt = paused();
    rt.block_on(async {
        let mut cx = Context::from_waker(Waker::noop());
        let mut sleeps: Vec<_> = (1..=1000).map(|i| Box::pin(sleep(Duration::from_millis(i)))).collect();
        for s in &mut sleeps {
            assert_eq!(s.as_mut().poll(&mut cx), Poll::Pending);
        }
        assert_eq!(solio::Runtime::builder().build().unwrap().metrics().timers, 0);
        drop(sleeps);
    });
    assert_eq!(rt.metrics().timers, 0);
}

#[test]
#[allow(clippy::async_yields_async)] // the sleep is carried out of `block_on` to be dropped outside
fn registered_sleeps_are_counted_until_dropped() {
    let rt = paused();
    let s = rt.block_on(async {
        let mut s = Box::pin(sleep(Duration::from_secs(1)));
        let mut cx = Context::from_waker(Waker::noop());
        assert_eq!(s.as_mut().poll(&mut cx), Poll::Pending);
        s
    });
    assert_eq!(rt.metrics().timers, 1);
    drop(s);
    assert_eq!(rt.metrics().timers, 0);
}

#[test]
fn reset_moves_the_deadline_both_ways_and_revives_a_finished_sleep() {
    paused().block_on(async {
        let start = Instant::now();
        let mut s = sleep(Duration::from_secs(10));
        let mut cx = Context::from_waker(Waker::noop());
        assert_eq!(std::pin::Pin::new(&mut s).poll(&mut cx), Poll::Pending);
        s.reset(start + Duration::from_secs(1));
        assert_eq!(s.deadline(), start + Duration::from_secs(1));
        (&mut s).await;
        assert_eq!(start.elapsed(), Duration::from_secs(1));
        assert!(s.is_elapsed());
        s.reset(Instant::now() + Duration::from_secs(2));
        assert!(!s.is_elapsed());
        (&mut s).await;
        assert_eq!(start.elapsed(), Duration::from_secs(3));
        // Later: a waiting task is woken at the new, later deadline.
        let mut s = sleep(Duration::from_secs(1));
        assert_eq!(std::pin::Pin::new(&mut s).poll(&mut cx), Poll::Pending);
        s.reset(start + Duration::from_secs(5));
        s.await;
        assert_eq!(start.elapsed(), Duration::from_secs(5));
    });
}

#[test]
fn reset_keeps_waking_the_task_that_polled() {
    let rt = paused();
    rt.block_on(async {
        let start = Instant::now();
        let sleep = std::rc::Rc::new(std::cell::RefCell::new(Some(sleep(Duration::from_secs(100)))));
        let waiter = solio::spawn({
            let sleep = sleep.clone();
            std::future::poll_fn(move |cx| {
                let mut s = sleep.borrow_mut();
                std::pin::Pin::new(s.as_mut().unwrap()).poll(cx)
            })
        });
        solio::yield_now().await; // the waiter registers
        sleep.borrow_mut().as_mut().unwrap().reset(start + Duration::from_secs(4));
        waiter.await.unwrap();
        assert_eq!(start.elapsed(), Duration::from_secs(4));
    });
}

#[test]
fn a_deadline_too_far_to_count_never_fires_even_on_the_paused_clock() {
    // Ticks are microseconds in a u64: about 584,000 years. A deadline beyond that must never fire;
    // the paused clock, with nothing finite to jump to, waits for real (here, for another thread).
    let (tx, rx) = async_channel::bounded(1);
    let sender = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50));
        tx.send_blocking(()).unwrap();
    });
    let (first, elapsed) = paused().block_on(async {
        let start = Instant::now();
        let far = start.checked_add(Duration::from_secs(1_000_000 * 365 * 86_400)).unwrap();
        let first = futures_lite::future::or(
            async {
                sleep_until(far).await;
                "the far sleep"
            },
            async {
                rx.recv().await.unwrap();
                "the other thread"
            },
        )
        .await;
        (first, start.elapsed())
    });
    sender.join().unwrap();
    assert_eq!((first, elapsed), ("the other thread", Duration::ZERO));
}

#[test]
fn a_sleep_reset_too_far_leaves_the_wheel_and_comes_back_when_reset_nearer() {
    let rt = paused();
    rt.block_on(async {
        let start = Instant::now();
        let mut s = pin!(sleep(Duration::from_secs(1)));
        let mut cx = Context::from_waker(Waker::noop());
        assert_eq!(s.as_mut().poll(&mut cx), Poll::Pending);
        assert_eq!(rt.metrics().timers, 1);
        s.as_mut().reset(start.checked_add(Duration::from_secs(1_000_000 * 365 * 86_400)).unwrap());
        assert_eq!(s.as_mut().poll(&mut cx), Poll::Pending);
        assert_eq!(rt.metrics().timers, 0);
        s.as_mut().reset(start + Duration::from_secs(2));
        s.await;
        assert_eq!(start.elapsed(), Duration::from_secs(2));
    });
}

#[test]
#[should_panic(expected = "solio::time::sleep called outside a solio runtime")]
fn sleep_outside_a_runtime_panics() {
    drop(sleep(Duration::from_secs(1)));
}

#[test]
fn instant_now_outside_a_runtime_is_the_real_clock() {
    let a = Instant::now();
    let b = std::time::Instant::now();
    assert!(b >= a.into_std());
}
