//! Synchronization primitives for tasks on one solio runtime: asyncio's locks and queues.
//!
//! | asyncio | solio |
//! |---|---|
//! | `Semaphore(n)`, `BoundedSemaphore(n)` | [`Semaphore`], [`BoundedSemaphore`]; `acquire().await` gives a permit guard |
//! | `Lock()` | [`Mutex<T>`], which owns the data it guards; `lock().await` gives a [`MutexGuard`] |
//! | `Condition()` | [`Condvar`], used with a [`Mutex`] |
//! | `Event()` | [`Event`] |
//! | `Barrier(n)` | [`Barrier`] |
//! | `Queue`, `PriorityQueue`, `LifoQueue` | [`Queue`], [`PriorityQueue`], [`LifoQueue`] |
//! | a `Future` set once with `set_result` | [`oneshot`] |
//!
//! `async with` becomes an RAII guard: [`SemaphorePermit`] and [`MutexGuard`] release when dropped.
//!
//! # Sharing
//!
//! Everything here is built for one thread: state lives in `Cell`s and `RefCell`s, so no primitive is
//! `Sync` and none costs an atomic operation. Borrow a primitive (`&sem`) from futures run in the
//! same task (e.g. joined with `gather`), or share it with [`Rc`](std::rc::Rc) across tasks started
//! with [`spawn`](crate::spawn).
//!
//! # Fairness and cancellation
//!
//! Waiters are served in FIFO order, and a newcomer never overtakes a waiter. Waiting is done by
//! hand-off: when a permit, the lock, a notification or an item becomes available it is assigned to
//! the first waiter right away, before that waiter runs. Each awaitable method documents its
//! *cancel safety*; in short, dropping a waiting future (cancelling it, e.g. by aborting its task or
//! by a timeout) never loses a permit, an item or a wake-up: whatever had been handed to it is passed
//! on to the next waiter.
//!
//! All waiting futures register when first polled, and queue on an O(1) slab-backed linked list.

mod barrier;
mod condvar;
mod event;
mod mutex;
pub mod oneshot; // owned by the integrator
mod queue;
mod semaphore;
mod waiters;

pub use self::barrier::{Barrier, BarrierWaitResult};
pub use self::condvar::Condvar;
pub use self::event::Event;
pub use self::mutex::{Mutex, MutexGuard, TryLockError};
pub use self::queue::{
    LifoQueue, PriorityQueue, Queue, QueueShutDown, TaskDoneError, TryGetError, TryPutError,
};
pub use self::semaphore::{
    AcquireError, BoundedSemaphore, OwnedSemaphorePermit, ReleaseError, Semaphore, SemaphorePermit,
    TryAcquireError,
};
