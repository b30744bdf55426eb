//! The reactor: a `mio::Poll` that turns OS readiness into task wakeups.
//!
//! The scheduler parks here (`poll` with the next timer deadline as timeout) and polls it with a zero
//! timeout between batches of tasks. A `mio::Waker` on a reserved token lets other threads unblock it.

use std::cell::{Cell, RefCell};
use std::io;
use std::time::Duration;

use mio::{Events, Poll, Token};

/// The token of the cross-thread unpark waker; never handed to an I/O source.
const UNPARK: Token = Token(usize::MAX);

/// Owned by the runtime core; used on the runtime thread only.
pub(crate) struct Reactor {
    poll: RefCell<Poll>,
    events: RefCell<Events>,
    sources: Cell<usize>,
}

impl Reactor {
    /// A reactor and the waker that unparks it from any thread.
    pub(crate) fn new() -> io::Result<(Reactor, mio::Waker)> {
        let poll = Poll::new()?;
        let unpark = mio::Waker::new(poll.registry(), UNPARK)?;
        let reactor = Reactor {
            poll: RefCell::new(poll),
            events: RefCell::new(Events::with_capacity(1024)),
            sources: Cell::new(0),
        };
        Ok((reactor, unpark))
    }

    /// True when some I/O source is registered (so a zero-timeout poll can find something).
    pub(crate) fn has_sources(&self) -> bool {
        self.sources.get() != 0
    }

    /// Number of registered I/O sources.
    pub(crate) fn num_sources(&self) -> usize {
        self.sources.get()
    }

    /// Waits for readiness up to `timeout` (`None`: until something happens) and wakes the tasks waiting
    /// on the sources that became ready.
    ///
    /// # Panics
    /// If the OS reports an error other than an interrupted wait: the runtime cannot go on without its
    /// poller.
    pub(crate) fn poll(&self, timeout: Option<Duration>) {
        let mut events = self.events.borrow_mut();
        match self.poll.borrow_mut().poll(&mut events, timeout) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => return,
            Err(e) => panic!("solio reactor: polling for I/O readiness failed: {e}"),
        }
        for event in events.iter() {
            if event.token() == UNPARK {
                // Only there to end the wait; the scheduler drains the remote queue next.
                continue;
            }
        }
    }
}
