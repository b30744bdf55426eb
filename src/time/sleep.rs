//! `sleep`, `sleep_until` and the `Sleep` future.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

use super::Instant;
use super::driver::NEVER;
use super::wheel::TimerKey;
use crate::runtime::context;
use crate::runtime::scheduler::Core;

/// Waits until `duration` has passed on the runtime's clock (asyncio's `await asyncio.sleep(s)`).
///
/// The wait starts when `sleep` is called, not when the future is first polled. Any duration is
/// accepted: `Duration::MAX` is clamped to a deadline about a century away. `sleep(Duration::ZERO)`
/// completes after yielding to the scheduler once, like `asyncio.sleep(0)`.
///
/// The timer fires no earlier than the deadline and, on an idle runtime with the real clock, typically
/// within microseconds after it (timers tick in microseconds, and on Linux the runtime parks to the
/// microsecond). A deadline more than about 584,000 years after the runtime started never fires.
///
/// # Panics
/// When called outside a solio runtime.
///
/// # Examples
/// ```
/// use std::time::Duration;
/// use solio::time::{Instant, sleep};
///
/// solio::run(async {
///     let start = Instant::now();
///     sleep(Duration::from_millis(20)).await;
///     assert!(start.elapsed() >= Duration::from_millis(20));
/// });
/// ```
///
/// # Cancel safety
/// Dropping a `Sleep` removes its timer from the wheel; nothing else is affected.
#[track_caller]
pub fn sleep(duration: Duration) -> Sleep {
    let core = current_core("sleep");
    let now = Instant::from_std(core.time.now());
    Sleep::with_core(core, now.saturating_add(duration), now)
}

/// Waits until `deadline` on the runtime's clock; a deadline in the past completes after one yield.
///
/// # Panics
/// When called outside a solio runtime.
///
/// # Examples
/// ```
/// use std::time::Duration;
/// use solio::time::{Instant, sleep_until};
///
/// let rt = solio::Runtime::builder().paused_clock(true).build().unwrap();
/// rt.block_on(async {
///     let deadline = Instant::now() + Duration::from_secs(5);
///     sleep_until(deadline).await;
///     assert_eq!(Instant::now(), deadline);
/// });
/// ```
#[track_caller]
pub fn sleep_until(deadline: Instant) -> Sleep {
    let core = current_core("sleep_until");
    let now = Instant::from_std(core.time.now());
    Sleep::with_core(core, deadline, now)
}

#[track_caller]
fn current_core(what: &str) -> Rc<Core> {
    context::current().unwrap_or_else(|| {
        panic!(
            "solio::time::{what} called outside a solio runtime: timers need the runtime's clock and \
             wheel; create it inside a future run by solio::run or Runtime::block_on"
        )
    })
}

/// Future returned by [`sleep`] and [`sleep_until`].
///
/// It registers a timer in the runtime's wheel when first polled, and removes it when dropped.
#[must_use = "futures do nothing unless awaited"]
pub struct Sleep {
    deadline: Instant,
    core: Rc<Core>,
    entry: Option<TimerKey>,
    /// The deadline had passed when the sleep was made (or reset): the first poll only yields.
    due: bool,
    done: bool,
}

impl Sleep {
    /// `now` is the clock reading the caller already made, so that creating and polling a sleep reads
    /// the clock once in all.
    fn with_core(core: Rc<Core>, deadline: Instant, now: Instant) -> Sleep {
        Sleep { deadline, core, entry: None, due: deadline <= now, done: false }
    }

    /// The instant at which the sleep completes.
    ///
    /// # Examples
    /// ```
    /// use std::time::Duration;
    /// use solio::time::{Instant, sleep};
    ///
    /// solio::run(async {
    ///     let before = Instant::now();
    ///     let s = sleep(Duration::from_secs(1));
    ///     assert!(s.deadline() >= before + Duration::from_secs(1));
    /// });
    /// ```
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// True once the deadline has passed on the runtime's clock.
    ///
    /// # Examples
    /// ```
    /// use std::time::Duration;
    /// solio::run(async {
    ///     let s = solio::time::sleep(Duration::ZERO);
    ///     assert!(s.is_elapsed());
    /// });
    /// ```
    pub fn is_elapsed(&self) -> bool {
        self.done || self.core.time.now() >= self.deadline.into_std()
    }

    /// Moves the deadline, earlier or later, also after the sleep completed (it then waits again).
    /// A task waiting on it keeps being woken, at the new deadline.
    ///
    /// # Examples
    /// ```
    /// use std::time::Duration;
    /// use solio::time::{Instant, sleep};
    ///
    /// let rt = solio::Runtime::builder().paused_clock(true).build().unwrap();
    /// rt.block_on(async {
    ///     let start = Instant::now();
    ///     let mut s = sleep(Duration::from_secs(60));
    ///     s.reset(start + Duration::from_secs(2));
    ///     s.await;
    ///     assert_eq!(start.elapsed(), Duration::from_secs(2));
    /// });
    /// ```
    pub fn reset(&mut self, deadline: Instant) {
        self.deadline = deadline;
        self.done = false;
        // Whether the new deadline already passed is left to the wheel (a past tick fires at the next
        // turn); keep `due` only for an unregistered sleep whose deadline moved earlier.
        self.due = self.entry.is_none() && deadline <= Instant::from_std(self.core.time.now());
        if let Some(key) = self.entry {
            let tick = self.core.time.deadline_tick(deadline.into_std());
            let mut wheel = self.core.time.wheel.borrow_mut();
            if tick == NEVER {
                // Out of the wheel: see `NEVER`. The next poll leaves it out too.
                wheel.remove(key);
                self.entry = None;
            } else {
                wheel.reset(key, tick);
            }
        }
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        if this.done {
            return Poll::Ready(());
        }
        if this.entry.is_none() && this.due {
            // Already due when made: yield once (like `asyncio.sleep(0)`) without touching the wheel or
            // the clock. A sleep that fell due later goes through the wheel, which fires past ticks at
            // the scheduler's next turn. The wake runs with no borrow held: a waker may run any code.
            this.done = true;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        let Some(key) = this.entry else {
            let tick = this.core.time.deadline_tick(this.deadline.into_std());
            if tick == NEVER {
                // Too far to count: it never fires, so it needs neither a place in the wheel nor the
                // waker (`reset` to a nearer deadline is followed by a poll, which registers then).
                return Poll::Pending;
            }
            let waker = cx.waker().clone();
            this.entry = Some(this.core.time.wheel.borrow_mut().insert(tick, waker));
            return Poll::Pending;
        };
        let mut wheel = this.core.time.wheel.borrow_mut();
        if wheel.is_fired(key) {
            wheel.remove(key);
            this.entry = None;
            this.done = true;
            Poll::Ready(())
        } else {
            wheel.set_waker(key, cx.waker());
            Poll::Pending
        }
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        if let Some(key) = self.entry.take() {
            self.core.time.wheel.borrow_mut().remove(key);
        }
    }
}

impl std::fmt::Debug for Sleep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sleep")
            .field("deadline", &self.deadline)
            .field("registered", &self.entry.is_some())
            .field("done", &self.done)
            .finish()
    }
}
