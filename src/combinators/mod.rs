//! asyncio's combinators: [`gather`], [`gather!`](crate::gather!), [`try_gather`], [`wait`],
//! [`wait_timeout`] and [`as_completed`], all re-exported at the crate root.
//!
//! `gather`, `try_gather` and `as_completed` run many futures *inside the calling task*, like
//! `asyncio.gather` runs coroutines without the caller creating tasks; `wait` works on spawned tasks'
//! `JoinHandle`s. All four give each child a waker of its own (see `task::waker_set`), so a wake polls
//! only the child that was woken, and keep the children, their wakers' state and the ready list in one
//! allocation. `gather!` is for a handful of futures of different types and allocates nothing.

mod as_completed;
mod gather;
mod maybe_done;
pub(crate) mod tuple;
mod wait;

pub use as_completed::{AsCompleted, as_completed};
pub use gather::{Gather, TryGather, gather, try_gather};
pub use wait::{ReturnWhen, Wait, Waited, wait, wait_timeout};
