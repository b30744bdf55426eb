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
//! wait.
//!
//! This module is the reactor's only `unsafe` code: the two system calls below and taking ownership of
//! the descriptor the first returns.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::time::Duration;

/// A non-blocking, close-on-exec `CLOCK_MONOTONIC` timerfd (the clock `std::time::Instant` reads on
/// Linux, so its timeouts and the runtime's deadlines agree).
#[derive(Debug)]
pub(super) struct TimerFd {
    fd: OwnedFd,
}

impl TimerFd {
    /// Creates a disarmed timer.
    pub(super) fn new() -> io::Result<TimerFd> {
        // SAFETY: `timerfd_create` takes two integers and reads or writes no memory of ours; it returns a
        // new descriptor or -1.
        let fd =
            unsafe { libc::timerfd_create(libc::CLOCK_MONOTONIC, libc::TFD_NONBLOCK | libc::TFD_CLOEXEC) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `fd` was just returned by a successful `timerfd_create`: it is an open descriptor that
        // nothing else owns or will close, so `OwnedFd` may take ownership of it.
        Ok(TimerFd { fd: unsafe { OwnedFd::from_raw_fd(fd) } })
    }

    /// Arms the timer to expire once, `after` from now. A zero `after` would disarm it instead, so it
    /// expires after at least 1 ns.
    pub(super) fn arm(&self, after: Duration) -> io::Result<()> {
        let zero = libc::timespec { tv_sec: 0, tv_nsec: 0 };
        let after = after.max(Duration::from_nanos(1));
        let value = libc::timespec {
            // Timeouts reaching here are at most a day (the driver caps parks), far below `time_t::MAX`.
            tv_sec: libc::time_t::try_from(after.as_secs()).unwrap_or(libc::time_t::MAX),
            // Below 10^9, so it fits a `c_long` of 32 bits too.
            tv_nsec: after.subsec_nanos() as libc::c_long,
        };
        let spec = libc::itimerspec { it_interval: zero, it_value: value };
        // SAFETY: `self.fd` is an open timerfd for as long as `self` lives; `spec` is a valid
        // `itimerspec` on our stack that the kernel only reads during the call; a null `old_value` is
        // allowed and means the previous setting is not returned.
        let rc = unsafe { libc::timerfd_settime(self.fd.as_raw_fd(), 0, &spec, std::ptr::null_mut()) };
        if rc < 0 { Err(io::Error::last_os_error()) } else { Ok(()) }
    }
}

impl AsRawFd for TimerFd {
    fn as_raw_fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}
