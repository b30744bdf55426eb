//! The scheduler: run queue, table of live tasks, and the loop that drives them with the reactor and the
//! timer wheel (the data flow sketched in the README's design paragraph).
//!
//! One turn of the loop: poll up to `event_interval` entries from the run queue, where the `block_on`
//! future takes its turn like a task; move tasks woken from other threads onto the run queue; then, if
//! work is left, poll the reactor with a zero timeout and fire due timers (so busy tasks never starve I/O
//! or timers), and if not, park in the reactor until the next timer deadline, an I/O event or a wake from
//! another thread (with the paused clock: jump to the next deadline instead).

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
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
}

/// Hands a task (with the reference it owns) to its runtime: the local run queue on the runtime's thread,
/// the remote queue from anywhere else. A runtime that is gone drops it.
pub(crate) fn schedule(task: RawTask) {
    let mut task = Some(task);
    context::with_current(|core| {
        let t = task.as_ref().expect("task present");
        if Arc::ptr_eq(&core.shared, &t.header().shared) {
            core.run_queue.borrow_mut().push_back(task.take());
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
    /// Warn when one poll takes longer than this (`Builder::slow_poll_threshold`).
    pub(crate) slow_poll: Option<Duration>,
}

/// Everything the runtime thread owns.
pub(crate) struct Core {
    pub(crate) shared: Arc<Shared>,
    /// Tasks ready to be polled; `None` is the turn of the `block_on` future, which is no task (it may
    /// borrow from the caller's stack) but takes its place in line like one, as asyncio's main task does.
    run_queue: RefCell<VecDeque<Option<RawTask>>>,
    /// The `block_on` future has an entry in `run_queue`.
    main_queued: Cell<bool>,
    /// Every task whose future is alive, so that shutdown can drop them all.
    owned: RefCell<Slab<RawTask>>,
    next_id: Cell<u64>,
    event_interval: usize,
    slow_poll: Option<Duration>,
    /// Names given with `task::Builder::name`, by task id; unnamed tasks are `task-<id>`.
    names: RefCell<HashMap<u64, Box<str>>>,
    pub(crate) time: Driver,
    pub(crate) reactor: Reactor,
    /// Reused buffer of timer wakers fired in one go.
    fired: RefCell<Vec<Waker>>,
    /// Threads for `spawn_blocking`.
    pub(crate) blocking: BlockingPool,
    /// Wakes the future passed to `block_on`.
    main: Arc<MainWaker>,
    main_waker: Waker,
}

impl Core {
    pub(crate) fn new(config: &Config) -> std::io::Result<Core> {
        let (reactor, unpark) = Reactor::new()?;
        let shared = Arc::new(Shared {
            remote: Mutex::new(Remote { queue: Vec::new(), closed: false }),
            has_remote: AtomicBool::new(false),
            unpark,
        });
        let main = Arc::new(MainWaker { woken: AtomicBool::new(true), shared: shared.clone() });
        Ok(Core {
            main_waker: Waker::from(main.clone()),
            main,
            shared,
            run_queue: RefCell::new(VecDeque::with_capacity(256)),
            main_queued: Cell::new(false),
            owned: RefCell::new(Slab::new()),
            next_id: Cell::new(1),
            event_interval: config.event_interval,
            slow_poll: config.slow_poll,
            names: RefCell::new(HashMap::new()),
            time: Driver::new(config.paused_clock),
            reactor,
            fired: RefCell::new(Vec::new()),
            blocking: BlockingPool::new(config.max_blocking_threads, config.thread_keep_alive),
        })
    }

    pub(crate) fn spawn<F>(&self, future: F, name: Option<&str>) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let id = self.next_id.get();
        if let Some(name) = name {
            self.names.borrow_mut().insert(id, name.into());
        }
        self.next_id.set(id + 1);
        let (owned, queued, join) = RawTask::new(future, self.shared.clone(), id);
        {
            let mut table = self.owned.borrow_mut();
            let entry = table.vacant_entry();
            owned.set_owned_key(entry.key());
            entry.insert(owned);
        }
        self.run_queue.borrow_mut().push_back(Some(queued));
        // SAFETY: `join` is a reference to the task just made for `future`, whose output is `F::Output`.
        unsafe { JoinHandle::new(join) }
    }

    /// Number of tasks whose future is alive.
    pub(crate) fn num_tasks(&self) -> usize {
        self.owned.borrow().len()
    }

    /// Drives `future` to completion, running the spawned tasks, the reactor and the timers meanwhile.
    pub(crate) fn block_on<F: Future>(self: &std::rc::Rc<Core>, future: F) -> F::Output {
        let _enter = context::enter(self);
        // `block_on` never nests, so one waker serves every call; it is made once per runtime.
        let main = &self.main;
        main.woken.store(false, Ordering::Release);
        if self.main_queued.get() {
            // A turn left over from an earlier `block_on` whose future woke itself before finishing.
            self.run_queue.borrow_mut().retain(Option::is_some);
        }
        self.main_queued.set(true);
        self.run_queue.borrow_mut().push_front(None);
        let mut cx = Context::from_waker(&self.main_waker);
        let mut future = pin!(future);
        loop {
            if main.woken.swap(false, Ordering::AcqRel) {
                self.queue_main();
            }
            for _ in 0..self.event_interval {
                let Some(entry) = self.run_queue.borrow_mut().pop_front() else { break };
                let Some(task) = entry else {
                    self.main_queued.set(false);
                    let poll = self.timed(|| future.as_mut().poll(&mut cx), || "the block_on future".into());
                    if let Poll::Ready(out) = poll {
                        return out;
                    }
                    continue;
                };
                self.run_task(task);
            }
            self.drain_remote();
            let busy = || !self.run_queue.borrow().is_empty() || main.woken.load(Ordering::Acquire);
            self.turn_drivers(busy);
        }
    }

    /// Puts the `block_on` future in line, once.
    fn queue_main(&self) {
        if !self.main_queued.replace(true) {
            self.run_queue.borrow_mut().push_back(None);
        }
    }

    /// Polls one task taken from the run queue (whose reference it releases).
    fn run_task(&self, task: RawTask) {
        match task.take_notified() {
            Next::Poll => {
                if self.timed(|| task.poll(), || format!("task '{}'", self.task_name(&task))) {
                    self.finish(&task);
                }
            }
            Next::Cancel => {
                task.cancel();
                self.finish(&task);
            }
            Next::Skip => {}
        }
    }

    /// Runs one poll; with `slow_poll_threshold` set, times it and prints asyncio's debug-mode warning
    /// when it held the thread longer than the threshold.
    #[inline]
    fn timed<R>(&self, poll: impl FnOnce() -> R, what: impl FnOnce() -> String) -> R {
        let Some(limit) = self.slow_poll else { return poll() };
        let start = std::time::Instant::now();
        let out = poll();
        let took = start.elapsed();
        if took > limit {
            eprintln!(
                "solio: {} blocked the runtime for {:.1?} in one poll (slow_poll_threshold {:?}); \
                 move blocking work to solio::task::spawn_blocking",
                what(),
                took,
                limit
            );
        }
        out
    }

    /// The name given at spawn, or `task-<id>`.
    fn task_name(&self, task: &RawTask) -> String {
        let id = task.header().id;
        match self.names.borrow().get(&id) {
            Some(name) => name.to_string(),
            None => format!("task-{id}"),
        }
    }

    /// Bookkeeping once a task's future is gone: leave the table, wake the joiner.
    fn finish(&self, task: &RawTask) {
        if !self.names.borrow().is_empty() {
            self.names.borrow_mut().remove(&task.header().id);
        }
        let table_ref = self.owned.borrow_mut().remove(task.owned_key());
        task.complete();
        drop(table_ref);
    }

    fn drain_remote(&self) {
        if !self.shared.has_remote.swap(false, Ordering::Acquire) {
            return;
        }
        // Drain in place so both buffers keep their capacity: a remote wake allocates nothing once warm.
        let mut remote = self.shared.remote.lock().unwrap_or_else(PoisonError::into_inner);
        self.run_queue.borrow_mut().extend(remote.queue.drain(..).map(Some));
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
            if self.reactor.has_sources() {
                self.reactor.poll(Some(Duration::ZERO));
            }
            self.drain_remote();
            if busy() {
                return;
            }
            if !self.time.wheel.borrow().has_pending() {
                self.reactor.poll(None);
            }
            // Jump from tick to tick (some are only the wheel's cascade points) until a timer fires.
            loop {
                let next = self.time.wheel.borrow().next_expiration();
                let Some(tick) = next else { break };
                self.time.advance_clock_to(tick);
                self.fire_timers();
                if busy() {
                    break;
                }
            }
        } else if self.time.is_paused() {
            // A blocking job is in flight: the paused clock may not jump past it, so it runs at real
            // speed until the job is done (a timeout around the job still fires).
            self.time.park_paused_at_real_speed(|timeout| self.reactor.poll(timeout));
            self.fire_timers();
        } else {
            self.reactor.poll(self.time.park_timeout());
            self.fire_timers();
        }
        self.drain_remote();
    }

    fn fire_timers(&self) {
        if !self.time.wheel.borrow().has_pending() {
            return;
        }
        let mut fired = self.fired.take();
        self.time.wheel.borrow_mut().advance(self.time.now_tick(), &mut fired);
        // Wake with no borrow held: a foreign waker may run arbitrary code.
        for waker in fired.drain(..) {
            waker.wake();
        }
        self.fired.replace(fired);
    }

    /// Drops every task's future (on this thread), then every queued reference; later wakes are no-ops.
    pub(crate) fn shutdown(self: &std::rc::Rc<Core>) {
        let _enter = context::enter_unchecked(self);
        self.cancel_all_tasks();
        // Jobs not started are dropped, running ones detached (never waited for). A dropped job's
        // captures may spawn: cancel again afterwards.
        self.blocking.shutdown();
        self.cancel_all_tasks();
        let remote = {
            let mut remote = self.shared.remote.lock().unwrap_or_else(PoisonError::into_inner);
            remote.closed = true;
            std::mem::take(&mut remote.queue)
        };
        drop(remote);
        self.names.borrow_mut().clear();
        let queued = std::mem::take(&mut *self.run_queue.borrow_mut());
        drop(queued);
        drop(self.fired.take());
    }

    /// Drops every live task's future, until the table stays empty (a destructor may spawn). Each task
    /// leaves the table only as it is cancelled, so a panicking destructor leaves the others owned.
    fn cancel_all_tasks(&self) {
        loop {
            let keys: Vec<usize> = self.owned.borrow().iter().map(|(key, _)| key).collect();
            if keys.is_empty() {
                return;
            }
            for key in keys {
                let task = self.owned.borrow_mut().try_remove(key);
                if let Some(task) = task.filter(|t| !t.is_complete()) {
                    task.cancel();
                    task.complete();
                }
            }
        }
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
        let local = context::with_current(|core| {
            let mine = Arc::ptr_eq(&core.shared, &self.shared);
            if mine {
                core.queue_main();
            }
            mine
        });
        if local != Some(true) && !self.woken.swap(true, Ordering::AcqRel) {
            self.shared.unpark_runtime();
        }
    }
}
