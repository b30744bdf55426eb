//! `IoSource`: a mio source registered with the current runtime's reactor, and the readiness loop every
//! socket type in `crate::net` is built on.

use std::io::{self, IoSlice, Read, Write};
use std::rc::Rc;
use std::task::{Context, Poll, ready};

use mio::Interest;
use mio::event::Source;

use crate::runtime::context;
use crate::runtime::scheduler::Core;

/// Which half of a source an operation waits on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    Read,
    Write,
}

impl Direction {
    /// The readiness bits that let an operation in this direction proceed.
    pub(super) fn mask(self) -> u8 {
        match self {
            Direction::Read => super::READ | super::READ_CLOSED,
            Direction::Write => super::WRITE | super::WRITE_CLOSED,
        }
    }
}

/// A mio source registered with a runtime's reactor; deregistered when dropped.
///
/// It holds an `Rc` of the runtime core (as `Sleep` does), so it stays valid when dropped after its
/// `Runtime`: deregistration then still reaches a live poller, and the core is freed with the last source.
pub(crate) struct IoSource<S: Source> {
    core: Rc<Core>,
    key: usize,
    io: S,
}

impl<S: Source> IoSource<S> {
    /// Registers `io` with the current runtime's reactor.
    ///
    /// # Panics
    /// Outside a solio runtime; `what` names the caller in the message.
    #[track_caller]
    pub(crate) fn new(io: S, interest: Interest, what: &str) -> io::Result<IoSource<S>> {
        IoSource::with_core(current_core(what), io, interest)
    }

    pub(crate) fn with_core(core: Rc<Core>, mut io: S, interest: Interest) -> io::Result<IoSource<S>> {
        let key = core.reactor.register(&mut io, interest)?;
        Ok(IoSource { core, key, io })
    }

    pub(crate) fn get_ref(&self) -> &S {
        &self.io
    }

    /// The runtime core this source is registered with.
    pub(crate) fn core(&self) -> &Rc<Core> {
        &self.core
    }

    /// `Ready` once `dir` is (or may be) ready; otherwise the task is woken at the next edge.
    pub(crate) fn poll_ready(&self, dir: Direction, cx: &mut Context<'_>) -> Poll<()> {
        let poll = self.core.reactor.poll_ready(self.key, dir, cx);
        if poll.is_pending() {
            self.check_runtime();
        }
        poll
    }

    /// Forgets cached readiness of `dir`.
    pub(crate) fn clear_ready(&self, dir: Direction) {
        self.core.reactor.clear_ready(self.key, dir);
    }

    /// After a short read or write: see [`Reactor::clear_drained`](super::Reactor::clear_drained).
    fn clear_drained(&self, dir: Direction) {
        self.core.reactor.clear_drained(self.key, dir);
    }

    /// Runs `op` while `dir` is ready; on `WouldBlock` clears the readiness and waits for the next edge.
    /// Yields instead when the turn's I/O budget is spent (see `BUDGET`).
    pub(crate) fn poll_io<R>(
        &self,
        dir: Direction,
        cx: &mut Context<'_>,
        mut op: impl FnMut(&S) -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        loop {
            ready!(self.poll_ready(dir, cx));
            if !self.core.reactor.take_budget() {
                // Only this source's reactor resets the budget: from a foreign runtime, fail loudly
                // rather than yield forever.
                self.check_runtime();
                // Yield to the other tasks and the reactor; the task runs again next turn.
                cx.waker().wake_by_ref();
                return Poll::Pending;
            }
            match op(&self.io) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => self.clear_ready(dir),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                result => return Poll::Ready(result),
            }
        }
    }

    /// A waiting task must be driven by this source's runtime, or no event would ever wake it.
    #[track_caller]
    fn check_runtime(&self) {
        let ours = context::with_current(|core| std::ptr::eq(core, Rc::as_ptr(&self.core)));
        if ours != Some(true) {
            panic!(
                "a solio I/O object was polled outside the runtime that created it: sockets are bound to \
                 the runtime they were created in (only its `block_on` can wake them)"
            );
        }
    }
}

/// Stream sockets (TCP, Unix): a short read or write means the socket buffer was drained or filled, so
/// the readiness is cleared at once, sparing the `WouldBlock` system call that would otherwise follow
/// (epoll reports the next arrival as a new edge). A hang-up seen in the same edge stays cached, so the
/// end of stream is still read.
impl<S: Source> IoSource<S>
where
    for<'a> &'a S: Read + Write,
{
    pub(crate) fn poll_read(&self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        let len = buf.len();
        let n = ready!(self.poll_io(Direction::Read, cx, |mut io| io.read(buf)))?;
        if n > 0 && n < len {
            self.clear_drained(Direction::Read);
        }
        Poll::Ready(Ok(n))
    }

    pub(crate) fn poll_write(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let len = buf.len();
        let n = ready!(self.poll_io(Direction::Write, cx, |mut io| io.write(buf)))?;
        if n > 0 && n < len {
            self.clear_drained(Direction::Write);
        }
        Poll::Ready(Ok(n))
    }

    pub(crate) fn poll_write_vectored(
        &self,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let len: usize = bufs.iter().map(|b| b.len()).sum();
        let n = ready!(self.poll_io(Direction::Write, cx, |mut io| io.write_vectored(bufs)))?;
        if n > 0 && n < len {
            self.clear_drained(Direction::Write);
        }
        Poll::Ready(Ok(n))
    }
}

impl<S: Source> Drop for IoSource<S> {
    fn drop(&mut self) {
        // Failing to deregister (the fd is about to be closed anyway) leaks nothing: closing the last
        // descriptor removes it from epoll, and the slot is freed regardless.
        let _ = self.core.reactor.deregister(self.key, &mut self.io);
    }
}

impl<S: Source + std::fmt::Debug> std::fmt::Debug for IoSource<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.io.fmt(f)
    }
}

/// The current runtime's core.
///
/// # Panics
/// Outside a solio runtime, naming `what` in the message.
#[track_caller]
pub(crate) fn current_core(what: &str) -> Rc<Core> {
    context::current().unwrap_or_else(|| {
        panic!(
            "{what} called outside a solio runtime: I/O objects register with the runtime's reactor; \
             create them inside a future run by solio::run or Runtime::block_on"
        )
    })
}
