//! Time: sleeping, timeouts and intervals on the runtime's clock.
//!
//! Timers live in a hierarchical timer wheel (see the `wheel` module docs for its geometry) with 1 µs
//! ticks. A runtime built with [`paused_clock`](crate::runtime::Builder::paused_clock) uses a virtual
//! clock: it stands still while tasks run and jumps to the next deadline when every task waits, which
//! makes time-based tests instant and deterministic.

pub(crate) mod driver;
mod instant;
mod interval;
mod sleep;
mod timeout;
pub(crate) mod wheel;

pub use instant::Instant;
pub use interval::{Interval, MissedTickBehavior, interval, interval_at};
pub use sleep::{Sleep, sleep, sleep_until};
pub use timeout::{Elapsed, Timeout, timeout, timeout_at};
