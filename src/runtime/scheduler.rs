//! The scheduler: run queue, table of live tasks, and the loop that drives them with the reactor and the
//! timer wheel (the data flow of `DESIGN.md`).
//!
//! One turn of the loop: poll the `block_on` future if it was woken; poll up to `event_interval` tasks from
//! the run queue; move tasks woken from other threads onto the run queue; then, if work is left, poll the
//! reactor with a zero timeout and fire due timers (so busy tasks never starve I/O or timers), and if not,
//! park in the reactor until the next timer deadline, an I/O event or a wake from another thread.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use slab::Slab;

use super::context;
use crate::reactor::Reactor;
use crate::task::JoinHandle;
use crate::task::blocking::BlockingPool;
use crate::task::raw::{Next, RawTask};
use crate::time::driver::Driver;

/// The part of the scheduler other threads reach (through wakers and `AbortHandle`s).
pub(crate) struct Shared {
    remote: Mutex<Remote>,
    /// Set when `remote.queue` went from empty to non-empty; lets the loop skip the lock when idle.
    has_remote: AtomicBool,
    /// Unblocks the reactor's `poll` from any thread.
    unpark: mio::Waker,
}

struct Remote {
    queue: Vec<RawTask>,
    /// The runtime is gone: drop what arrives.
    closed: bool,
}

impl Shared {
    fn push_remote(&self, task: RawTask) {
        let mut remote = self.remote.lock().unwrap_or_else(PoisonError::into_inner);
        if remote.closed {
            drop(remote);
            drop(task);
            return;
        }
        let was_empty = remote.queue.is_empty();
        remote.queue.push(task);
        if was_empty {
            self.has_remote.store(true, Ordering::Release);
        }
        drop(remote);
        if was_empty {
            self.unpark_runtime();
        }
    }

    fn unpark_runtime(&self) {
        // Failing to write to the eventfd only happens when its counter is saturated, i.e. a wake is
        // already pending: nothing is lost.
        let _ = self.unpark.wake();
    }

    fn is_current(&self) -> bool {
        context::with_current(|core| std::ptr::eq(Arc::as_ptr(&core.shared), self)).unwrap_or(false)
    }
}

/// Hands a task (with the reference it owns) to its runtime: the local run queue on the runtime's thread,
/// the remote queue from anywhere else. A runtime that is gone drops it.
pub(crate) fn schedule(task: RawTask) {
    let mut task = Some(task);
    context::with_current(|core| {
        let t = task.as_ref().expect("task present");
        if Arc::ptr_eq(&core.shared, &t.header().shared) {
            core.run_queue.borrow_mut().push_back(task.take().expect("task present"));
        }
    });
    if let Some(task) = task {
        let shared = task.header().shared.clone();
        shared.push_remote(task);
    }
}

/// Runtime settings, fixed by the `Builder`.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    pub(crate) event_interval: usize,
    pub(crate) paused_clock: bool,
    pub(crate) max_blocking_threads: usize,
    pub(crate) thread_keep_alive: Duration,
}

/// Everything the runtime thread owns.
pub(crate) struct Core {
    pub(crate) shared: Arc<Shared>,
    run_queue: RefCell<VecDeque<RawTask>>,
    /// Every task whose future is alive, so that shutdown can drop them all.
    owned: RefCell<Slab<RawTask>>,
    next_id: Cell<u64>,
    event_interval: usize,
    pub(crate) time: Driver,
    pub(crate) reactor: Reactor,
    /// Reused buffer of timer wakers fired in one go.
    fired: RefCell<Vec<Waker>>,
    /// Threads for `spawn_blocking`.
    pub(crate) blocking: BlockingPool,
}

impl Core {
    pub(crate) fn new(config: &Config) -> std::io::Result<Core> {
        let (reactor, unpark) = Reactor::new()?;
        Ok(Core {
            shared: Arc::new(Shared {
                remote: Mutex::new(Remote { queue: Vec::new(), closed: false }),
                has_remote: AtomicBool::new(false),
                unpark,
            }),
            run_queue: RefCell::new(VecDeque::with_capacity(256)),
            owned: RefCell::new(Slab::new()),
            next_id: Cell::new(1),
            event_interval: config.event_interval,
            time: Driver::new(config.paused_clock),
            reactor,
            fired: RefCell::new(Vec::new()),
            blocking: BlockingPool::new(config.max_blocking_threads, config.thread_keep_alive),
        })
    }

    pub(crate) fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let id = self.next_id.get();
        self.next_id.set(id + 1);
        let (owned, queued, join) = RawTask::new(future, self.shared.clone(), id);
        {
            let mut table = self.owned.borrow_mut();
            let entry = table.vacant_entry();
            owned.set_owned_key(entry.key());
            entry.insert(owned);
        }
        self.run_queue.borrow_mut().push_back(queued);
        JoinHandle::new(join)
    }

    /// Number of tasks whose future is alive.
    pub(crate) fn num_tasks(&self) -> usize {
        self.owned.borrow().len()
    }

    /// Drives `future` to completion, running the spawned tasks, the reactor and the timers meanwhile.
    pub(crate) fn block_on<F: Future>(self: &std::rc::Rc<Core>, future: F) -> F::Output {
        let _enter = context::enter(self);
        let main = Arc::new(MainWaker { woken: AtomicBool::new(true), shared: self.shared.clone() });
        let waker = Waker::from(main.clone());
        let mut cx = Context::from_waker(&waker);
        let mut future = pin!(future);
        loop {
            if main.woken.swap(false, Ordering::AcqRel) {
                if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
                    return out;
                }
            }
            self.run_tasks();
            self.drain_remote();
            let busy = || !self.run_queue.borrow().is_empty() || main.woken.load(Ordering::Acquire);
            self.turn_drivers(busy);
        }
    }

    /// Polls up to `event_interval` tasks from the front of the run queue.
    fn run_tasks(&self) {
        for _ in 0..self.event_interval {
            let Some(task) = self.run_queue.borrow_mut().pop_front() else { return };
            match task.take_notified() {
                Next::Poll => {
                    if task.poll() {
                        self.finish(&task);
                    }
                }
                Next::Cancel => {
                    task.cancel();
                    self.finish(&task);
                }
                Next::Skip => {}
            }
            // `task` (the queue's reference) is released here.
        }
    }

    /// Bookkeeping once a task's future is gone: leave the table, wake the joiner.
    fn finish(&self, task: &RawTask) {
        let table_ref = self.owned.borrow_mut().remove(task.owned_key());
        task.complete();
        drop(table_ref);
    }

    fn drain_remote(&self) {
        if !self.shared.has_remote.swap(false, Ordering::Acquire) {
            return;
        }
        let tasks = {
            let mut remote = self.shared.remote.lock().unwrap_or_else(PoisonError::into_inner);
            std::mem::take(&mut remote.queue)
        };
        self.run_queue.borrow_mut().extend(tasks);
    }

    /// Polls I/O and fires timers; parks when `busy()` says there is nothing to run.
    fn turn_drivers(&self, busy: impl Fn() -> bool) {
        if busy() {
            if self.reactor.has_sources() {
                self.reactor.poll(Some(Duration::ZERO));
            }
            self.fire_timers();
            return;
        }
        if self.time.is_paused() && !self.time.auto_advance_inhibited() {
            // Virtual time only moves when nothing else can happen: check I/O without blocking first.
            self.reactor.poll(Some(Duration::ZERO));
            self.drain_remote();
            if busy() {
                return;
            }
            let next = self.time.wheel.borrow().next_expiration();
            match next {
                Some(tick) => {
                    self.time.advance_clock_to(tick);
                    self.fire_timers();
                }
                None => {
                    self.reactor.poll(None);
                }
            }
        } else {
            // A paused clock held back by a blocking job does not move: no timer can fall due, so wait
            // for the job's (or an I/O) wakeup instead of a real-time timeout that may already be past.
            let timeout = if self.time.is_paused() { None } else { self.time.park_timeout() };
            self.reactor.poll(timeout);
            self.fire_timers();
        }
        self.drain_remote();
    }

    fn fire_timers(&self) {
        let mut fired = self.fired.take();
        {
            let mut wheel = self.time.wheel.borrow_mut();
            if !wheel.has_pending() {
                drop(wheel);
                self.fired.replace(fired);
                return;
            }
            wheel.advance(self.time.now_tick(), &mut fired);
        }
        // Wake with no borrow held: a foreign waker may run arbitrary code.
        for waker in fired.drain(..) {
            waker.wake();
        }
        self.fired.replace(fired);
    }

    /// Drops every task's future (on this thread), then every queued reference; later wakes are no-ops.
    pub(crate) fn shutdown(self: &std::rc::Rc<Core>) {
        let _enter = context::enter_unchecked(self);
        loop {
            // A future's destructor may spawn: repeat until the table stays empty.
            let tasks: Vec<RawTask> = self.owned.borrow_mut().drain().collect();
            if tasks.is_empty() {
                break;
            }
            for task in tasks {
                if !task.is_complete() {
                    task.cancel();
                    task.complete();
                }
            }
        }
        let remote = {
            let mut remote = self.shared.remote.lock().unwrap_or_else(PoisonError::into_inner);
            remote.closed = true;
            std::mem::take(&mut remote.queue)
        };
        drop(remote);
        let queued = std::mem::take(&mut *self.run_queue.borrow_mut());
        drop(queued);
        drop(self.fired.take());
        // After the tasks: jobs not started are dropped, running ones detached (never waited for).
        self.blocking.shutdown();
    }
}

impl Drop for Core {
    fn drop(&mut self) {
        // Normally `shutdown` ran already (from `Runtime::drop`); this only covers a core dropped without it.
        let mut remote = self.shared.remote.lock().unwrap_or_else(PoisonError::into_inner);
        remote.closed = true;
    }
}

/// Wakes the `block_on` future: a flag, plus an unpark when woken from another thread.
struct MainWaker {
    woken: AtomicBool,
    shared: Arc<Shared>,
}

impl Wake for MainWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        if !self.woken.swap(true, Ordering::AcqRel) && !self.shared.is_current() {
            self.shared.unpark_runtime();
        }
    }
}
