//! The reactor: a `mio::Poll` that turns OS readiness into task wakeups.
//!
//! The scheduler parks here (`poll` with the next timer deadline as timeout) and polls it with a zero
//! timeout between batches of tasks. A `mio::Waker` on a reserved token lets other threads unblock it.
//! On Linux a timerfd on another reserved token ends a wait to the microsecond when the timeout has a
//! fractional millisecond, which epoll alone would round up (see `timerfd`).
//!
//! # Registrations
//! Every I/O object ([`IoSource`]) owns one slot of a slab. Its mio [`Token`] packs the slot index in the
//! low bits and a generation in the high bits; the generation comes from a counter bumped at every
//! registration, so an event still in flight for a slot that was freed and reused (a *stale* event) does
//! not match the new owner and is dropped.
//!
//! # Readiness
//! mio is edge-triggered: an event is delivered once per change, so each slot caches what it learnt
//! (`READ`, `WRITE`). An operation is only tried while its direction is cached as ready; when the OS
//! answers `WouldBlock` the bit is cleared and the task's waker is stored, to be woken by the next edge.
//! Nothing is lost (an edge always follows a `WouldBlock`) and nothing spins (a cleared bit is not tried
//! again until the OS says so). Readers and writers are woken separately.
//!
//! Wakers are collected while the slab is borrowed and woken (or dropped) only after every borrow is
//! released, so a waker that runs arbitrary code (dropping or creating sockets, say) cannot re-enter a
//! borrowed `RefCell`. The one waker operation under the borrow is the clone that stores a waiting
//! task's waker: a clone only takes a reference, it runs no task code.

mod source;
#[cfg(test)]
mod tests;
#[cfg(any(target_os = "linux", target_os = "android"))]
mod timerfd;

pub(crate) use source::{Direction, IoSource, current_core};

use std::cell::{Cell, RefCell};
use std::io;
use std::task::{Context, Poll as TaskPoll, Waker};
use std::time::Duration;

use mio::event::Source;
use mio::{Events, Interest, Poll, Token};
use slab::Slab;

/// The token of the cross-thread unpark waker; never handed to an I/O source (see [`encode`]).
const UNPARK: Token = Token(usize::MAX);
/// The token of the timerfd; never handed to an I/O source either: its index bits are `INDEX_MASK`.
#[cfg(any(target_os = "linux", target_os = "android"))]
const TIMER: Token = Token(INDEX_MASK);

/// Low bits of a token: the slot index. 32 on 64-bit targets, 24 on 32-bit ones (16 M sources).
const INDEX_BITS: u32 = if usize::BITS >= 64 { 32 } else { 24 };
const INDEX_MASK: usize = (1 << INDEX_BITS) - 1;
/// High bits of a token: the generation, wrapping.
const GEN_MASK: usize = usize::MAX >> INDEX_BITS;

/// Cached readiness bits of a slot. The `_CLOSED` bits (peer hung up, or an error is pending) survive a
/// short read or write, which only proves the buffer was drained: an end of stream that arrived in the
/// same edge as the last data must still be read. A `WouldBlock` clears them too.
const READ: u8 = 0b0001;
const WRITE: u8 = 0b0010;
const READ_CLOSED: u8 = 0b0100;
const WRITE_CLOSED: u8 = 0b1000;

/// I/O operations that may complete without waiting between two polls of the reactor. Past it, an
/// operation yields (wakes its task and returns `Pending`) so that a socket that is always ready (a peer
/// flooding it) cannot keep its task running forever and starve the others, the timers and the reactor:
/// tokio's coop budget, per scheduler turn instead of per task. A turn of 61 tasks rarely does more than a
/// few hundred operations, so busy but fair programs never hit it.
const BUDGET: u32 = 1024;

/// Owned by the runtime core; used on the runtime thread only.
pub(crate) struct Reactor {
    poll: RefCell<Poll>,
    events: RefCell<Events>,
    slots: RefCell<Slab<Slot>>,
    /// Generation handed to the next registration.
    next_gen: Cell<usize>,
    /// Reused buffer of wakers collected during one `poll`, called once every borrow is released.
    to_wake: RefCell<Vec<Waker>>,
    /// Operations tried since the last `poll` (see [`BUDGET`]).
    ops: Cell<u32>,
    /// Created and registered at the first wait that needs it; `None` inside when that failed (the
    /// waits then round up to whole milliseconds, as epoll does).
    #[cfg(any(target_os = "linux", target_os = "android"))]
    timer: std::cell::OnceCell<Option<timerfd::TimerFd>>,
}

/// One registered I/O source.
struct Slot {
    generation: usize,
    ready: u8,
    readers: Waiters,
    writers: Waiters,
}

/// The tasks waiting on one direction of a source. Usually one (a stream has one reader and one writer),
/// so the first sits inline; more only when several tasks share a socket (`UdpSocket`, `TcpListener`).
#[derive(Default)]
struct Waiters {
    first: Option<Waker>,
    rest: Vec<Waker>,
}

impl Waiters {
    /// Adds `waker` unless a waker that wakes the same task is already there.
    fn register(&mut self, waker: &Waker) {
        match &self.first {
            None => self.first = Some(waker.clone()),
            Some(w) if w.will_wake(waker) => {}
            Some(_) => {
                if !self.rest.iter().any(|w| w.will_wake(waker)) {
                    self.rest.push(waker.clone());
                }
            }
        }
    }

    fn drain_into(&mut self, out: &mut Vec<Waker>) {
        out.extend(self.first.take());
        out.append(&mut self.rest);
    }
}

/// Packs a slot index and a generation into a token value; never `usize::MAX` ([`UNPARK`]) nor
/// `INDEX_MASK` (the timerfd's token) because indexes stop below `INDEX_MASK`.
fn encode(index: usize, generation: usize) -> usize {
    debug_assert!(index < INDEX_MASK);
    ((generation & GEN_MASK) << INDEX_BITS) | index
}

fn decode(key: usize) -> (usize, usize) {
    (key & INDEX_MASK, key >> INDEX_BITS)
}

impl Reactor {
    /// A reactor and the waker that unparks it from any thread.
    pub(crate) fn new() -> io::Result<(Reactor, mio::Waker)> {
        let poll = Poll::new()?;
        let unpark = mio::Waker::new(poll.registry(), UNPARK)?;
        let reactor = Reactor {
            poll: RefCell::new(poll),
            events: RefCell::new(Events::with_capacity(1024)),
            slots: RefCell::new(Slab::new()),
            next_gen: Cell::new(0),
            to_wake: RefCell::new(Vec::new()),
            ops: Cell::new(0),
            #[cfg(any(target_os = "linux", target_os = "android"))]
            timer: std::cell::OnceCell::new(),
        };
        Ok((reactor, unpark))
    }

    /// True when some I/O source is registered (so a zero-timeout poll can find something).
    pub(crate) fn has_sources(&self) -> bool {
        !self.slots.borrow().is_empty()
    }

    /// Number of registered I/O sources.
    pub(crate) fn num_sources(&self) -> usize {
        self.slots.borrow().len()
    }

    /// Waits for readiness up to `timeout` (`None`: until something happens) and wakes the tasks waiting
    /// on the sources that became ready.
    ///
    /// # Panics
    /// If the OS reports an error other than an interrupted wait: the runtime cannot go on without its
    /// poller.
    pub(crate) fn poll(&self, timeout: Option<Duration>) {
        self.ops.set(0);
        #[cfg(any(target_os = "linux", target_os = "android"))]
        self.arm_precise(timeout);
        let mut to_wake = self.to_wake.take();
        {
            let mut events = self.events.borrow_mut();
            match self.poll.borrow_mut().poll(&mut events, timeout) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => panic!("solio reactor: polling for I/O readiness failed: {e}"),
            }
            let mut slots = self.slots.borrow_mut();
            for event in events.iter() {
                if event.token() == UNPARK {
                    // Only there to end the wait; the scheduler drains the remote queue next.
                    continue;
                }
                #[cfg(any(target_os = "linux", target_os = "android"))]
                if event.token() == TIMER {
                    // Only there to end the wait; the scheduler fires the timers next.
                    continue;
                }
                let mut ready = 0;
                if event.is_readable() {
                    ready |= READ;
                }
                if event.is_read_closed() || event.is_error() {
                    ready |= READ_CLOSED;
                }
                if event.is_writable() {
                    ready |= WRITE;
                }
                if event.is_write_closed() || event.is_error() {
                    ready |= WRITE_CLOSED;
                }
                dispatch(&mut slots, event.token().0, ready, &mut to_wake);
            }
        }
        // Every borrow is released: a waker may now run any code, even touch this reactor.
        for waker in to_wake.drain(..) {
            waker.wake();
        }
        self.to_wake.replace(to_wake);
    }

    /// Arms the timerfd for `timeout` when epoll would round it up: a fractional millisecond. Whole
    /// milliseconds (and zero, and no timeout) need no help.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    fn arm_precise(&self, timeout: Option<Duration>) {
        let Some(timeout) = timeout else { return };
        if timeout.subsec_nanos() % 1_000_000 == 0 {
            return;
        }
        let timer = self.timer.get_or_init(|| {
            let timer = timerfd::TimerFd::new().ok()?;
            let fd = std::os::fd::AsRawFd::as_raw_fd(&timer);
            let registry = self.poll.borrow();
            registry.registry().register(&mut mio::unix::SourceFd(&fd), TIMER, Interest::READABLE).ok()?;
            Some(timer)
        });
        if let Some(timer) = timer {
            // A failure leaves the wait to epoll's rounding: late by under a millisecond, never early.
            let _ = timer.arm(timeout);
        }
    }

    /// Registers `source` for `interest` and returns its key (the token value).
    pub(crate) fn register(&self, source: &mut impl Source, interest: Interest) -> io::Result<usize> {
        let mut slots = self.slots.borrow_mut();
        let entry = slots.vacant_entry();
        let index = entry.key();
        if index >= INDEX_MASK {
            return Err(io::Error::other("solio reactor: too many registered I/O sources"));
        }
        let generation = self.next_gen.get() & GEN_MASK;
        self.next_gen.set(generation.wrapping_add(1));
        let key = encode(index, generation);
        self.poll.borrow().registry().register(source, Token(key), interest)?;
        entry.insert(Slot { generation, ready: 0, readers: Waiters::default(), writers: Waiters::default() });
        Ok(key)
    }

    /// Deregisters `source` and frees its slot; the wakers stored there are dropped, not woken.
    pub(crate) fn deregister(&self, key: usize, source: &mut impl Source) -> io::Result<()> {
        let result = self.poll.borrow().registry().deregister(source);
        let (index, generation) = decode(key);
        let removed = {
            let mut slots = self.slots.borrow_mut();
            match slots.get(index) {
                Some(slot) if slot.generation == generation => Some(slots.remove(index)),
                _ => None,
            }
        };
        // Dropping wakers may run foreign code: outside the borrow.
        drop(removed);
        result
    }

    /// `Ready` when `dir` is cached as ready; otherwise stores `cx`'s waker for the next edge.
    pub(crate) fn poll_ready(&self, key: usize, dir: Direction, cx: &mut Context<'_>) -> TaskPoll<()> {
        let mut slots = self.slots.borrow_mut();
        let slot = slot_mut(&mut slots, key);
        if slot.ready & dir.mask() != 0 {
            return TaskPoll::Ready(());
        }
        match dir {
            Direction::Read => slot.readers.register(cx.waker()),
            Direction::Write => slot.writers.register(cx.waker()),
        }
        TaskPoll::Pending
    }

    /// Counts one I/O operation; false once [`BUDGET`] is spent since the last `poll`, when the caller
    /// must yield instead.
    pub(crate) fn take_budget(&self) -> bool {
        let ops = self.ops.get();
        self.ops.set(ops.saturating_add(1));
        ops < BUDGET
    }

    /// Forgets that `dir` was ready: the OS said `WouldBlock`, so the next edge will tell.
    pub(crate) fn clear_ready(&self, key: usize, dir: Direction) {
        let mut slots = self.slots.borrow_mut();
        slot_mut(&mut slots, key).ready &= !dir.mask();
    }

    /// After a short read or write on a stream: the buffer is drained (or full), but a hang-up or error
    /// seen in the same edge stays cached.
    pub(crate) fn clear_drained(&self, key: usize, dir: Direction) {
        let mut slots = self.slots.borrow_mut();
        slot_mut(&mut slots, key).ready &= !(dir.mask() & (READ | WRITE));
    }
}

fn slot_mut(slots: &mut Slab<Slot>, key: usize) -> &mut Slot {
    let (index, generation) = decode(key);
    match slots.get_mut(index) {
        Some(slot) if slot.generation == generation => slot,
        _ => unreachable!("solio reactor: I/O source used after deregistration"),
    }
}

/// Records readiness `ready` for the source behind `token` and collects the wakers to call. A token whose
/// slot is free, or taken by a newer registration, is stale and ignored.
fn dispatch(slots: &mut Slab<Slot>, token: usize, ready: u8, out: &mut Vec<Waker>) {
    let (index, generation) = decode(token);
    let Some(slot) = slots.get_mut(index) else {
        return;
    };
    if slot.generation != generation {
        return;
    }
    slot.ready |= ready;
    if ready & (READ | READ_CLOSED) != 0 {
        slot.readers.drain_into(out);
    }
    if ready & (WRITE | WRITE_CLOSED) != 0 {
        slot.writers.drain_into(out);
    }
}
