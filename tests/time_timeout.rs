//! `timeout` / `timeout_at` (asyncio.wait_for / asyncio.timeout).

mod support;

use std::time::Duration;

use solio::time::{Elapsed, Instant, sleep, timeout, timeout_at};
use support::{DropGuard, Log, paused};

#[test]
fn the_faster_side_wins() {
    paused().block_on(async {
        let start = Instant::now();
        let ok = timeout(Duration::from_secs(2), async {
            sleep(Duration::from_secs(1)).await;
            "value"
        })
        .await;
        assert_eq!(ok, Ok("value"));
        assert_eq!(start.elapsed(), Duration::from_secs(1));

        let err = timeout(Duration::from_secs(2), sleep(Duration::from_secs(5))).await;
        assert!(err.is_err());
        assert_eq!(start.elapsed(), Duration::from_secs(3));
    });
}

#[test]
fn a_value_ready_at_the_deadline_wins() {
    paused().block_on(async {
        let start = Instant::now();
        let r = timeout(Duration::from_secs(1), async {
            sleep(Duration::from_secs(1)).await;
            42
        })
        .await;
        assert_eq!(r, Ok(42), "both became ready at the same poll: the value is kept");
        assert_eq!(start.elapsed(), Duration::from_secs(1));
    });
}

#[test]
fn the_inner_future_is_dropped_on_timeout() {
    let log = Log::new();
    let rt = paused();
    rt.block_on({
        let log = log.clone();
        async move {
            let guard = DropGuard { log: log.clone(), msg: "inner dropped" };
            let r = timeout(Duration::from_millis(10), async move {
                let _g = guard;
                sleep(Duration::from_secs(60)).await;
            })
            .await;
            log.push("timeout returned");
            assert!(r.is_err());
        }
    });
    assert_eq!(log.take(), ["inner dropped", "timeout returned"]);
    assert_eq!(rt.metrics().timers, 0);
}

#[test]
fn timeout_at_an_absolute_deadline() {
    paused().block_on(async {
        let deadline = Instant::now() + Duration::from_millis(1500);
        let r = timeout_at(deadline, std::future::pending::<()>()).await;
        assert!(r.is_err());
        assert_eq!(Instant::now(), deadline);
    });
}

#[test]
fn a_zero_timeout_still_lets_a_ready_future_through() {
    paused().block_on(async {
        assert_eq!(timeout(Duration::ZERO, async { 1 }).await, Ok(1));
        // The deadline is due at once; the timer yields once, and the value wins if ready by then.
        assert_eq!(timeout(Duration::ZERO, solio::yield_now()).await, Ok(()));
        let two_yields = async {
            solio::yield_now().await;
            solio::yield_now().await;
        };
        assert!(timeout(Duration::ZERO, two_yields).await.is_err());
        assert!(timeout(Duration::ZERO, std::future::pending::<()>()).await.is_err());
    });
}

#[test]
fn elapsed_is_an_error_and_an_io_error() {
    let e: Elapsed = paused().block_on(timeout_in_runtime());
    assert_eq!(e.to_string(), "deadline has elapsed");
    assert_eq!(format!("{e:?}"), "Elapsed");
    let io: std::io::Error = e.into();
    assert_eq!(io.kind(), std::io::ErrorKind::TimedOut);
    let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(e);
    assert_eq!(boxed.to_string(), "deadline has elapsed");
}

async fn timeout_in_runtime() -> Elapsed {
    timeout(Duration::from_millis(1), std::future::pending::<()>()).await.unwrap_err()
}

#[test]
fn accessors() {
    paused().block_on(async {
        let start = Instant::now();
        let mut t = timeout(Duration::from_secs(3), async { 5 });
        assert_eq!(t.deadline(), start + Duration::from_secs(3));
        let _ = t.get_ref();
        let _ = t.get_mut();
        assert_eq!(t.into_inner().await, 5);
    });
}
