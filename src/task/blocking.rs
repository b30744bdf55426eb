//! `spawn_blocking` and the blocking pool: asyncio's `to_thread` / `run_in_executor`.
//!
//! A job is a closure run on a pool thread; its result lands in a shared slot, and the pool thread wakes the
//! task waiting on that slot with the task's own (`Send + Sync`) waker, which reaches the runtime through
//! the remote queue and the reactor's `mio::Waker`. The waiting side is an ordinary solio task, so the
//! handle is an ordinary [`JoinHandle`].
//!
//! Threads start lazily, one per job that finds no idle thread, up to the runtime's
//! `max_blocking_threads`; further jobs wait in a FIFO queue. An idle thread retires after the keep-alive.
//! The pool never joins its threads: dropping the runtime drops the jobs that have not started and detaches
//! the threads that run one; they finish it, drop its result and exit.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::rc::Rc;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::Duration;

use super::JoinHandle;
use crate::runtime::context;
use crate::runtime::scheduler::Core;

/// The default of [`Builder::max_blocking_threads`](crate::runtime::Builder::max_blocking_threads).
///
/// Smaller than tokio's 512: one solio runtime drives one thread's worth of tasks, and its pool mostly
/// serves file operations and name lookups, where 64 threads already saturate a disk or a resolver. Each
/// thread reserves a stack (2 MiB of address space); raise the limit for many long-blocking jobs.
pub const DEFAULT_MAX_BLOCKING_THREADS: usize = 64;

/// The default of [`Builder::thread_keep_alive`](crate::runtime::Builder::thread_keep_alive): an idle
/// pool thread exits after 10 seconds without work.
pub const DEFAULT_THREAD_KEEP_ALIVE: Duration = Duration::from_secs(10);

/// Runs `f` on a thread of the runtime's blocking pool and returns a handle to its result (asyncio's
/// `asyncio.to_thread(f)`).
///
/// Use it for work that blocks the thread (file and database calls, DNS lookups, CPU-heavy loops): on the
/// runtime's own thread it would stall every task. The pool starts threads as needed, up to
/// [`Builder::max_blocking_threads`](crate::runtime::Builder::max_blocking_threads) (default
/// [`DEFAULT_MAX_BLOCKING_THREADS`]); jobs beyond that wait their turn, first come first served. A thread
/// idle for [`Builder::thread_keep_alive`](crate::runtime::Builder::thread_keep_alive) (default 10 s)
/// exits.
///
/// Awaiting the handle gives `Ok(output)`, or a [`JoinError`](super::JoinError) with
/// [`is_panic`](super::JoinError::is_panic) if `f` panicked (the panic is also reported on the pool thread
/// by the panic hook, as any thread's panic).
///
/// [`JoinHandle::abort`] cannot stop a thread: a job that has not started is skipped (`f` is dropped
/// unrun); one that runs finishes on its thread and its result is dropped. Dropping the runtime does the
/// same for every job and never waits for one: the threads are detached.
///
/// With a [paused clock](crate::runtime::Builder::paused_clock), the clock does not jump ahead while a
/// job is in flight: it runs at real speed until the job is done, so the job is never skipped past and a
/// timeout around it still fires.
///
/// # Panics
/// When called outside a solio runtime, or if the OS refuses to start the pool's first thread.
///
/// # Examples
/// ```
/// use solio::task::spawn_blocking;
///
/// solio::run(async {
///     let sum = spawn_blocking(|| (1..=100u64).sum::<u64>()).await.unwrap();
///     assert_eq!(sum, 5050);
///
///     let err = spawn_blocking(|| -> u8 { panic!("boom") }).await.unwrap_err();
///     assert!(err.is_panic());
/// });
/// ```
#[track_caller]
pub fn spawn_blocking<F, T>(f: F) -> JoinHandle<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let core = context::current().unwrap_or_else(|| {
        panic!(
            "solio::task::spawn_blocking called outside a solio runtime: call it from a future run by \
             solio::run or Runtime::block_on"
        )
    });
    let slot = Arc::new(Mutex::new(Slot { result: None, waker: None, abandoned: false }));
    // Counted before the job exists, released by the waiting future's drop: the paused clock must not jump
    // past a job in flight.
    let wait = WaitJob { slot: slot.clone(), _inhibit: Inhibit::new(core.clone()) };
    core.blocking.submit(Box::new(move || run_job(&slot, f)));
    let task = async move {
        match wait.await {
            Ok(value) => value,
            // Re-raised in the task, whose `JoinHandle` then reports it as a panic with this payload.
            Err(payload) => panic::resume_unwind(payload),
        }
    };
    core.spawn(task, None)
}

/// The body of a job on a pool thread.
fn run_job<T, F: FnOnce() -> T>(slot: &Mutex<Slot<T>>, f: F) {
    if lock(slot).abandoned {
        return;
    }
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    let mut guard = lock(slot);
    if guard.abandoned {
        drop(guard);
        drop(result);
        return;
    }
    guard.result = Some(result);
    let waker = guard.waker.take();
    drop(guard);
    if let Some(waker) = waker {
        waker.wake();
    }
}

/// Where a job's result meets the task that waits for it.
struct Slot<T> {
    result: Option<thread::Result<T>>,
    waker: Option<Waker>,
    /// The waiting task is gone: skip the job if it has not started, drop its result otherwise.
    abandoned: bool,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The future the waiting task runs.
struct WaitJob<T> {
    slot: Arc<Mutex<Slot<T>>>,
    _inhibit: Inhibit,
}

impl<T> Future for WaitJob<T> {
    type Output = thread::Result<T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<thread::Result<T>> {
        let mut slot = lock(&self.slot);
        if let Some(result) = slot.result.take() {
            return Poll::Ready(result);
        }
        match &slot.waker {
            Some(w) if w.will_wake(cx.waker()) => {}
            _ => slot.waker = Some(cx.waker().clone()),
        }
        Poll::Pending
    }
}

impl<T> Drop for WaitJob<T> {
    fn drop(&mut self) {
        let mut slot = lock(&self.slot);
        slot.abandoned = true;
        let result = slot.result.take();
        let waker = slot.waker.take();
        drop(slot);
        drop((result, waker));
    }
}

/// Holds back the paused clock while it lives.
struct Inhibit(Rc<Core>);

impl Inhibit {
    /// Holds the paused clock back until dropped.
    fn new(core: Rc<Core>) -> Inhibit {
        core.time.inhibit_auto_advance(1);
        Inhibit(core)
    }
}

impl Drop for Inhibit {
    fn drop(&mut self) {
        self.0.time.inhibit_auto_advance(-1);
    }
}

type Job = Box<dyn FnOnce() + Send + 'static>;

/// The threads of one runtime's blocking pool.
pub(crate) struct BlockingPool {
    inner: Arc<Inner>,
}

struct Inner {
    state: Mutex<State>,
    /// Idle threads wait here for a job or for shutdown.
    idle_cv: Condvar,
    max_threads: usize,
    keep_alive: Duration,
}

struct State {
    queue: VecDeque<Job>,
    /// Threads alive (idle or running a job).
    threads: usize,
    /// Threads waiting on `idle_cv`.
    idle: usize,
    /// Wakeups sent to idle threads and not yet taken: an idle thread is claimed by one job only.
    notified: usize,
    shutdown: bool,
}

impl BlockingPool {
    pub(crate) fn new(max_threads: usize, keep_alive: Duration) -> BlockingPool {
        BlockingPool {
            inner: Arc::new(Inner {
                state: Mutex::new(State {
                    queue: VecDeque::new(),
                    threads: 0,
                    idle: 0,
                    notified: 0,
                    shutdown: false,
                }),
                idle_cv: Condvar::new(),
                max_threads,
                keep_alive,
            }),
        }
    }

    /// Queues `job`, waking an idle thread or starting a new one if the limit allows.
    #[track_caller]
    fn submit(&self, job: Job) {
        let mut state = lock(&self.inner.state);
        if state.shutdown {
            // Only reachable from a destructor run during shutdown: the job is dropped unrun.
            drop(state);
            drop(job);
            return;
        }
        state.queue.push_back(job);
        if state.idle > state.notified {
            state.notified += 1;
            self.inner.idle_cv.notify_one();
        } else if state.threads < self.inner.max_threads {
            state.threads += 1;
            let inner = self.inner.clone();
            let spawned = thread::Builder::new().name("solio-blocking".into()).spawn(move || inner.work());
            if let Err(e) = spawned {
                state.threads -= 1;
                // With other threads alive the job just waits for one of them.
                if state.threads == 0 {
                    drop(state);
                    panic!("solio: failed to start a blocking-pool thread: {e}");
                }
            }
        }
    }

    /// Threads alive right now.
    pub(crate) fn num_threads(&self) -> usize {
        lock(&self.inner.state).threads
    }

    /// Drops the jobs not started and tells the threads to exit once idle; does not wait for them.
    pub(crate) fn shutdown(&self) {
        let queued = {
            let mut state = lock(&self.inner.state);
            state.shutdown = true;
            std::mem::take(&mut state.queue)
        };
        self.inner.idle_cv.notify_all();
        drop(queued);
    }
}

impl Drop for BlockingPool {
    fn drop(&mut self) {
        self.shutdown();
    }
}

impl Inner {
    /// A pool thread: runs jobs until shutdown, or until idle for the keep-alive.
    fn work(&self) {
        let mut state = lock(&self.state);
        loop {
            if let Some(job) = state.queue.pop_front() {
                drop(state);
                job();
                state = lock(&self.state);
                continue;
            }
            if state.shutdown {
                break;
            }
            state.idle += 1;
            let (guard, wait) =
                self.idle_cv.wait_timeout(state, self.keep_alive).unwrap_or_else(PoisonError::into_inner);
            state = guard;
            state.idle -= 1;
            if state.notified > 0 {
                state.notified -= 1;
            } else if wait.timed_out() && state.queue.is_empty() {
                break;
            }
        }
        state.threads -= 1;
    }
}

impl fmt::Debug for BlockingPool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = lock(&self.inner.state);
        f.debug_struct("BlockingPool")
            .field("threads", &state.threads)
            .field("queued", &state.queue.len())
            .field("max_threads", &self.inner.max_threads)
            .finish()
    }
}
