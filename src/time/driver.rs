//! The runtime's clock and timer wheel, as the scheduler and `Sleep` use them.
//!
//! Ticks are whole microseconds since the runtime was created. A deadline is rounded *up* to its tick and
//! the clock's time *down*, so a timer never fires before its deadline; it typically fires within a few
//! microseconds after it, since the reactor parks to the microsecond on Linux (see `reactor::timerfd`).
//! Where no timerfd is available, and for waits of whole milliseconds, epoll's own rounding and timer
//! slack apply (tens of microseconds, at most a millisecond).

use std::cell::{Cell, RefCell};
use std::time::{Duration, Instant};

use super::wheel::Wheel;

/// Nanoseconds per tick: one tick is one microsecond.
const TICK_NANOS: u128 = 1_000;

/// The tick of deadlines too far to count (2^64 µs, about 584,000 years, after the runtime started).
/// `Sleep` keeps such a timer out of the wheel: it never fires, on either clock. (In the wheel, the
/// paused clock would jump there when nothing else is pending and fire it before its deadline.)
pub(crate) const NEVER: u64 = u64::MAX;

/// The time from the driver's base to the start of `tick`.
fn tick_offset(tick: u64) -> Duration {
    Duration::from_micros(tick)
}

/// The clock and the wheel of one runtime.
pub(crate) struct Driver {
    pub(crate) wheel: RefCell<Wheel>,
    base: Instant,
    /// `Some(offset from base)` when the clock is paused (virtual).
    paused: Option<Cell<Duration>>,
    /// Work in flight outside the runtime (blocking-pool jobs) whose completion the paused clock must not
    /// skip past.
    inhibit: Cell<usize>,
}

impl Driver {
    pub(crate) fn new(paused: bool) -> Driver {
        Driver {
            wheel: RefCell::new(Wheel::new()),
            base: Instant::now(),
            paused: paused.then(|| Cell::new(Duration::ZERO)),
            inhibit: Cell::new(0),
        }
    }

    pub(crate) fn is_paused(&self) -> bool {
        self.paused.is_some()
    }

    /// The runtime's current time: real, or virtual when paused.
    pub(crate) fn now(&self) -> Instant {
        match &self.paused {
            // Virtual time is bounded by the farthest timer deadline, itself an `Instant` that exists.
            Some(offset) => self.base.checked_add(offset.get()).unwrap_or(self.base),
            None => Instant::now(),
        }
    }

    /// The current tick, rounded down.
    pub(crate) fn now_tick(&self) -> u64 {
        let since = self.now().saturating_duration_since(self.base);
        u64::try_from(since.as_nanos() / TICK_NANOS).unwrap_or(u64::MAX)
    }

    /// The tick of `deadline`, rounded up; [`NEVER`] for deadlines at or beyond it.
    pub(crate) fn deadline_tick(&self, deadline: Instant) -> u64 {
        let since = deadline.saturating_duration_since(self.base);
        u64::try_from(since.as_nanos().div_ceil(TICK_NANOS)).unwrap_or(NEVER)
    }

    /// How long the real clock may park before the wheel has work; `None` when no timer is pending.
    pub(crate) fn park_timeout(&self) -> Option<Duration> {
        let at = tick_offset(self.wheel.borrow().next_expiration()?);
        let since = Instant::now().saturating_duration_since(self.base);
        // Parks longer than a day wake up early and park again: harmless, and keeps the timeout in range.
        Some(at.saturating_sub(since).min(Duration::from_secs(86_400)))
    }

    /// Parks for real while the paused clock is held back by work in flight: virtual time then runs at
    /// real speed, so a timer (a timeout around a blocking job, say) still falls due. Returns when
    /// `park` returns, with the clock moved forward by the time slept, exactly to the next timer's tick
    /// if the whole wait was slept.
    pub(crate) fn park_paused_at_real_speed(&self, park: impl FnOnce(Option<Duration>)) {
        let Some(offset) = &self.paused else { return park(self.park_timeout()) };
        let wait =
            self.wheel.borrow().next_expiration().map(|tick| tick_offset(tick).saturating_sub(offset.get()));
        let start = Instant::now();
        park(wait.map(|w| w.min(Duration::from_secs(86_400))));
        let slept = start.elapsed();
        let step = match wait {
            Some(wait) if slept >= wait => wait,
            _ => slept,
        };
        offset.set(offset.get() + step);
    }

    /// Moves the paused clock forward to `tick` (never backward).
    pub(crate) fn advance_clock_to(&self, tick: u64) {
        if let Some(offset) = &self.paused {
            let to = tick_offset(tick);
            if to > offset.get() {
                offset.set(to);
            }
        }
    }

    /// While inhibited, the paused clock runs at real speed instead of jumping to the next timer.
    pub(crate) fn auto_advance_inhibited(&self) -> bool {
        self.inhibit.get() != 0
    }

    /// Counts work in flight outside the runtime (see [`Driver::auto_advance_inhibited`]); every `+1`
    /// is matched by one `-1`.
    pub(crate) fn inhibit_auto_advance(&self, delta: isize) {
        let n = self.inhibit.get().checked_add_signed(delta);
        debug_assert!(n.is_some(), "auto-advance released more often than inhibited");
        self.inhibit.set(n.unwrap_or(0));
    }
}
