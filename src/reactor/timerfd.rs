//! A Linux `timerfd`: lets the reactor park to the microsecond.
//!
//! `epoll_wait` takes its timeout in whole milliseconds, and mio rounds a shorter or fractional timeout
//! *up* (so that it never spins). A timer due in 300 µs would then fire 1 ms late, and a 1 ms sleep
//! started between two milliseconds would take up to 2 ms. Instead, before a wait whose timeout has a
//! fractional millisecond, the reactor arms this one-shot timer for the exact timeout: its expiry makes
//! the descriptor readable, which ends the wait on time. The ms timeout given to epoll stays as a
//! backstop.
//!
//! The timer is never read or disarmed: re-arming resets its expiry count, and an expiry that lands
//! after the wait ended for another reason costs one spurious wake-up at most, after which the
//! scheduler parks again. That is cheaper than a `read` or a disarming `timerfd_settime` after every
//! wait. The system calls go through rustix's safe wrappers.

use std::io;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::time::Duration;

use rustix::time::{
    Itimerspec, TimerfdClockId, TimerfdFlags, TimerfdTimerFlags, Timespec, timerfd_create, timerfd_settime,
};

/// A non-blocking, close-on-exec `CLOCK_MONOTONIC` timerfd (the clock `std::time::Instant` reads on
/// Linux, so its timeouts and the runtime's deadlines agree).
#[derive(Debug)]
pub(super) struct TimerFd {
    fd: OwnedFd,
}

impl TimerFd {
    /// Creates a disarmed timer.
    pub(super) fn new() -> io::Result<TimerFd> {
        let fd = timerfd_create(TimerfdClockId::Monotonic, TimerfdFlags::NONBLOCK | TimerfdFlags::CLOEXEC)?;
        Ok(TimerFd { fd })
    }

    /// Arms the timer to expire once, `after` from now. A zero `after` would disarm it instead, so it
    /// expires after at least 1 ns.
    pub(super) fn arm(&self, after: Duration) -> io::Result<()> {
        let after = after.max(Duration::from_nanos(1));
        let spec = Itimerspec {
            it_interval: Timespec { tv_sec: 0, tv_nsec: 0 },
            it_value: Timespec {
                // Timeouts reaching here are at most a day (the driver caps parks).
                tv_sec: after.as_secs().try_into().unwrap_or(i64::MAX),
                tv_nsec: after.subsec_nanos().into(),
            },
        };
        timerfd_settime(&self.fd, TimerfdTimerFlags::empty(), &spec)?;
        Ok(())
    }
}

impl AsRawFd for TimerFd {
    fn as_raw_fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}
