//! `interval`: a timer that ticks every period.

use std::future::poll_fn;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use super::{Instant, Sleep, sleep_until};

/// A stream of ticks, `period` apart; the first tick completes at once.
///
/// # Panics
/// If `period` is zero, or when called outside a solio runtime.
///
/// # Examples
/// ```
/// use std::time::Duration;
/// use solio::time::{Instant, interval};
///
/// let rt = solio::Runtime::builder().paused_clock(true).build().unwrap();
/// rt.block_on(async {
///     let start = Instant::now();
///     let mut every = interval(Duration::from_millis(100));
///     for n in 0..3 {
///         let at = every.tick().await;
///         assert_eq!(at - start, Duration::from_millis(100 * n));
///     }
/// });
/// ```
#[track_caller]
pub fn interval(period: Duration) -> Interval {
    interval_at(Instant::now(), period)
}

/// Like [`interval`], with the first tick at `start`.
///
/// # Panics
/// If `period` is zero, or when called outside a solio runtime.
#[track_caller]
pub fn interval_at(start: Instant, period: Duration) -> Interval {
    assert!(period > Duration::ZERO, "solio::time::interval: the period must be non-zero");
    Interval { delay: sleep_until(start), period, missed: MissedTickBehavior::Burst }
}

/// What an [`Interval`] does when ticks were missed because its task did not call `tick` in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MissedTickBehavior {
    /// Fire the missed ticks at once, one after the other, then go on at the original schedule
    /// (the default).
    #[default]
    Burst,
    /// Fire one tick now, then restart the schedule: the next tick is one period after this one.
    Delay,
    /// Fire one tick now, then go on at the next point of the original schedule.
    Skip,
}

/// Ticks every period; from [`interval`].
#[derive(Debug)]
pub struct Interval {
    delay: Sleep,
    period: Duration,
    missed: MissedTickBehavior,
}

impl Interval {
    /// Waits for the next tick and returns its scheduled instant.
    ///
    /// # Cancel safety
    /// Cancel safe: dropping the future before it completes loses no tick.
    pub async fn tick(&mut self) -> Instant {
        poll_fn(|cx| self.poll_tick(cx)).await
    }

    /// Polls for the next tick, for use in hand-written futures.
    pub fn poll_tick(&mut self, cx: &mut Context<'_>) -> Poll<Instant> {
        if !self.delay.is_elapsed() && Pin::new(&mut self.delay).poll(cx).is_pending() {
            return Poll::Pending;
        }
        let scheduled = self.delay.deadline();
        let now = Instant::now();
        let on_schedule = scheduled.saturating_add(self.period);
        let next = if now < on_schedule {
            on_schedule
        } else {
            match self.missed {
                MissedTickBehavior::Burst => on_schedule,
                MissedTickBehavior::Delay => now.saturating_add(self.period),
                MissedTickBehavior::Skip => {
                    let behind = now.duration_since(scheduled).as_nanos() % self.period.as_nanos();
                    // `behind < period`, so it fits a u64 of nanoseconds.
                    now.saturating_add(self.period - Duration::from_nanos(behind as u64))
                }
            }
        };
        self.delay.reset(next);
        Poll::Ready(scheduled)
    }

    /// Restarts the schedule: the next tick is one period from now.
    pub fn reset(&mut self) {
        self.delay.reset(Instant::now().saturating_add(self.period));
    }

    /// The period between ticks.
    pub fn period(&self) -> Duration {
        self.period
    }

    /// The policy for missed ticks.
    pub fn missed_tick_behavior(&self) -> MissedTickBehavior {
        self.missed
    }

    /// Sets the policy for missed ticks.
    ///
    /// # Examples
    /// ```
    /// use std::time::Duration;
    /// use solio::time::{Instant, MissedTickBehavior, interval, sleep};
    ///
    /// let rt = solio::Runtime::builder().paused_clock(true).build().unwrap();
    /// rt.block_on(async {
    ///     let start = Instant::now();
    ///     let mut every = interval(Duration::from_millis(10));
    ///     every.set_missed_tick_behavior(MissedTickBehavior::Delay);
    ///     every.tick().await; // t = 0
    ///     sleep(Duration::from_millis(35)).await; // miss three ticks
    ///     assert_eq!(every.tick().await - start, Duration::from_millis(10)); // late, fires now
    ///     assert_eq!(every.tick().await - start, Duration::from_millis(45)); // one period later
    /// });
    /// ```
    pub fn set_missed_tick_behavior(&mut self, behavior: MissedTickBehavior) {
        self.missed = behavior;
    }
}
