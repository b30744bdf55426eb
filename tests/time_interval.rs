//! `interval`: the first tick at once, then every period; missed-tick policies.

mod support;

use std::time::Duration;

use solio::time::{Instant, MissedTickBehavior, interval, interval_at, sleep};
use support::paused;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

#[test]
fn ticks_every_period_starting_at_once() {
    paused().block_on(async {
        let start = Instant::now();
        let mut every = interval(ms(100));
        let mut at = Vec::new();
        for _ in 0..4 {
            let t = every.tick().await;
            at.push((t - start, Instant::now() - start));
        }
        assert_eq!(at, [(ms(0), ms(0)), (ms(100), ms(100)), (ms(200), ms(200)), (ms(300), ms(300))]);
    });
}

/// Ticks at 0, then the task is busy for 350 ms; returns the next four (scheduled, actual) times.
async fn after_a_stall(behavior: MissedTickBehavior) -> Vec<(u128, u128)> {
    let start = Instant::now();
    let mut every = interval(ms(100));
    every.set_missed_tick_behavior(behavior);
    assert_eq!(every.missed_tick_behavior(), behavior);
    every.tick().await;
    sleep(ms(350)).await;
    let mut out = Vec::new();
    for _ in 0..4 {
        let t = every.tick().await;
        out.push(((t - start).as_millis(), (Instant::now() - start).as_millis()));
    }
    out
}

#[test]
fn burst_fires_missed_ticks_at_once() {
    let got = paused().block_on(after_a_stall(MissedTickBehavior::Burst));
    assert_eq!(got, [(100, 350), (200, 350), (300, 350), (400, 400)]);
}

#[test]
fn delay_restarts_the_schedule() {
    let got = paused().block_on(after_a_stall(MissedTickBehavior::Delay));
    assert_eq!(got, [(100, 350), (450, 450), (550, 550), (650, 650)]);
}

#[test]
fn skip_keeps_the_original_grid() {
    let got = paused().block_on(after_a_stall(MissedTickBehavior::Skip));
    assert_eq!(got, [(100, 350), (400, 400), (500, 500), (600, 600)]);
}

#[test]
fn interval_at_and_reset() {
    paused().block_on(async {
        let start = Instant::now();
        let mut every = interval_at(start + ms(50), ms(10));
        assert_eq!(every.period(), ms(10));
        assert_eq!(every.tick().await - start, ms(50));
        sleep(ms(3)).await;
        every.reset();
        let t = every.tick().await;
        assert_eq!(t - start, ms(63));
        assert_eq!(Instant::now() - start, ms(63));
    });
}

#[test]
#[should_panic(expected = "the period must be non-zero")]
fn zero_period_panics() {
    paused().block_on(async {
        drop(interval(Duration::ZERO));
    });
}
