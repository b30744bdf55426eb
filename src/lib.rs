//! # solio
//!
//! A single-threaded async runtime with Python asyncio's toolkit.
//!
//! One thread runs an executor that polls tasks from a run queue, a reactor on `mio` that turns OS
//! readiness into wakeups, and a hierarchical timer wheel. Because tasks never leave that thread, they
//! need not be `Send`: `Rc` and `RefCell` just work.
//!
//! | asyncio | solio |
//! |---|---|
//! | `asyncio.run(main())` | [`run`]`(main())` |
//! | `asyncio.create_task(c)` | [`spawn`]`(fut)` → [`JoinHandle`] |
//! | `task.cancel()` | [`JoinHandle::abort`] |
//! | `await asyncio.sleep(s)` | [`time::sleep`]`(d).await` |
//! | `asyncio.wait_for(c, t)` | [`time::timeout`]`(d, fut).await` |
//! | `await asyncio.sleep(0)` | [`yield_now`]`().await` |
//! | `asyncio.gather(*cs)` | [`gather()`]`(iter).await`, [`gather!`]`(a, b)`, [`try_gather`] |
//! | `asyncio.wait(ts, return_when=..)` | [`wait`]`(handles, `[`ReturnWhen`]`::FirstCompleted)` |
//! | `asyncio.as_completed(cs)` | [`as_completed`]`(iter)` (a `Stream`) |
//! | `asyncio.TaskGroup()` | [`task::TaskGroup`] |
//! | `asyncio.to_thread(f)` | [`task::spawn_blocking`]`(f)` |
//! | `Semaphore`, `Lock`, `Event`, `Condition`, `Barrier`, `Queue` | [`sync`] |
//! | `asyncio.open_connection`, `start_server` | [`net`] |
//! | `aiofiles` | [`fs`] |
//! | async generators | [`stream::generate`] |
//!
//! ```
//! use std::time::Duration;
//! use solio::time::{sleep, Instant};
//!
//! let rt = solio::Runtime::builder().paused_clock(true).build().unwrap();
//! rt.block_on(async {
//!     let start = Instant::now();
//!     let a = solio::spawn(async { sleep(Duration::from_secs(2)).await; "a" });
//!     let b = solio::spawn(async { sleep(Duration::from_secs(3)).await; "b" });
//!     assert_eq!((a.await.unwrap(), b.await.unwrap()), ("a", "b"));
//!     // Concurrent: 3 s, not 5 s.
//!     assert_eq!(start.elapsed(), Duration::from_secs(3));
//! });
//! ```

mod combinators;
pub mod fs;
pub mod net;
mod reactor;
pub mod runtime;
pub mod stream;
pub mod sync;
pub mod task;
pub mod time;

pub use combinators::{
    AsCompleted, Gather, ReturnWhen, TryGather, Wait, Waited, as_completed, gather, try_gather, wait,
    wait_timeout,
};
pub use runtime::{Builder, Runtime, run};
pub use task::{JoinError, JoinHandle, spawn, yield_now};

/// Items used by the expansion of solio's macros; not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::combinators::tuple::GatherTuple;
}
