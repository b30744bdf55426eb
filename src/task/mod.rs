//! Tasks: spawning futures onto the runtime, joining them, aborting them.
//!
//! # How a task is laid out and who touches what
//!
//! [`spawn`] makes **one allocation**, a task cell holding a header, then the future, later replaced in
//! place by its output. Every holder of the cell owns one counted reference: the scheduler's table of live
//! tasks (until the future is gone), each run-queue entry, each `Waker`, the [`JoinHandle`] and each
//! [`AbortHandle`]. The last reference frees the cell.
//!
//! | field | who may touch it |
//! |---|---|
//! | `state`: `NOTIFIED`, `ABORT`, `COMPLETE`, ref count | any thread, atomically |
//! | `shared` (remote queue, unpark) | any thread, read only |
//! | the future | the runtime thread, inside the scheduler's poll or cancel, never re-entered |
//! | the output | the runtime thread: written at completion, read or dropped by the `JoinHandle` (which is `!Send`) |
//! | `JOIN_INTEREST`, join waker, table key | the runtime thread |
//!
//! A waker called on the runtime's own thread pushes the task on the local run queue; from another thread
//! it goes through the mutex-protected remote queue and unparks the runtime. `NOTIFIED` makes sure a task
//! sits in at most one queue at a time, so a task woken while it runs is queued once, at the back.
//! When the future is dropped (finished, panicked, aborted, or the runtime is dropped), `COMPLETE` is set;
//! later wakes are no-ops. By the time the last reference can be released on another thread, the future
//! and output are gone, so a foreign thread only ever frees memory.

pub(crate) mod blocking;
mod group;
mod join;
pub(crate) mod raw;
pub(crate) mod waker;
pub(crate) mod waker_set;
mod yield_now;

pub use blocking::{DEFAULT_MAX_BLOCKING_THREADS, DEFAULT_THREAD_KEEP_ALIVE, spawn_blocking};
pub use group::{GroupError, SpawnError, Spawner, TaskFailure, TaskGroup};
pub use join::{AbortHandle, JoinError, JoinHandle};
pub use yield_now::{YieldNow, yield_now};

use std::future::Future;

use crate::runtime::context;

/// Spawns `future` as a new task on the current runtime (asyncio's `create_task`) and returns its handle.
///
/// The future starts running at the scheduler's next turn, concurrently with the caller. It needs no
/// `Send`: tasks never leave the runtime's thread, so `Rc` and `RefCell` are fine. Awaiting the handle gives
/// the output; dropping the handle lets the task run on, detached.
///
/// # Panics
/// When called outside a solio runtime (outside [`crate::run`] or [`crate::Runtime::block_on`]).
///
/// # Examples
/// ```
/// use std::{cell::RefCell, rc::Rc};
///
/// solio::run(async {
///     let log = Rc::new(RefCell::new(Vec::new()));
///     let task = solio::spawn({
///         let log = log.clone();
///         async move { log.borrow_mut().push("task") }
///     });
///     log.borrow_mut().push("main");
///     task.await.unwrap();
///     assert_eq!(*log.borrow(), ["main", "task"]);
/// });
/// ```
#[track_caller]
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    spawn_named(future, None)
}

#[track_caller]
fn spawn_named<F>(future: F, name: Option<&str>) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    context::with_current(|core| core.spawn(future, name)).unwrap_or_else(|| {
        panic!(
            "solio::spawn called outside a solio runtime: call it from a future run by solio::run or \
             Runtime::block_on"
        )
    })
}

/// Spawns a task with options: a name, used by the runtime's diagnostics (see
/// [`Builder::slow_poll_threshold`](crate::runtime::Builder::slow_poll_threshold)).
///
/// # Examples
/// ```
/// solio::run(async {
///     let h = solio::task::Builder::new().name("fetch-users").spawn(async { 3 });
///     assert_eq!(h.await.unwrap(), 3);
/// });
/// ```
#[derive(Debug, Default, Clone, Copy)]
#[must_use = "a task::Builder does nothing until `spawn` is called"]
pub struct Builder<'a> {
    name: Option<&'a str>,
}

impl<'a> Builder<'a> {
    /// A builder with no options set.
    pub fn new() -> Builder<'a> {
        Builder { name: None }
    }

    /// Names the task (unnamed tasks are called `task-<id>`).
    pub fn name(self, name: &'a str) -> Builder<'a> {
        Builder { name: Some(name) }
    }

    /// Spawns `future` with these options, like [`spawn`].
    ///
    /// # Panics
    /// When called outside a solio runtime.
    #[track_caller]
    pub fn spawn<F>(self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        spawn_named(future, self.name)
    }
}
