//! `JoinHandle`, `AbortHandle` and `JoinError`: the user's side of a spawned task.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll};

use super::raw::{Panic, RawTask};
use crate::runtime::scheduler;

/// `!Send` marker: the output and the join waker are read on the runtime thread only.
type OutputOnThisThread<T> = (fn() -> T, *const ());

/// An owned permission to await a spawned task's output: asyncio's `Task` object.
///
/// Awaiting it gives `Ok(output)`, or a [`JoinError`] if the task panicked or was aborted.
/// Dropping the handle *detaches* the task: it keeps running to completion and its output is dropped.
///
/// A `JoinHandle` stays on the runtime's thread (it is `!Send`); use [`JoinHandle::abort_handle`] to
/// cancel the task from elsewhere.
///
/// # Examples
/// ```
/// let answer = solio::run(async {
///     let handle = solio::spawn(async { 6 * 7 });
///     handle.await.unwrap()
/// });
/// assert_eq!(answer, 42);
/// ```
///
/// # Cancel safety
/// Dropping an `.await` on a `JoinHandle` loses nothing: the output stays in the task until the handle is
/// awaited again or dropped.
#[must_use = "dropping a JoinHandle detaches the task: it keeps running and its output is dropped"]
pub struct JoinHandle<T> {
    raw: RawTask,
    _marker: PhantomData<OutputOnThisThread<T>>,
}

impl<T> JoinHandle<T> {
    /// # Safety
    /// `raw` is a task whose output type is `T`: the handle reads the output as a `T`.
    pub(crate) unsafe fn new(raw: RawTask) -> JoinHandle<T> {
        JoinHandle { raw, _marker: PhantomData }
    }

    /// Requests cancellation of the task (asyncio's `task.cancel()`).
    ///
    /// The task's future is dropped at the scheduler's next turn, never in the middle of another task's
    /// poll; awaiting the handle then gives a [`JoinError`] whose [`is_cancelled`](JoinError::is_cancelled)
    /// is true. Aborting a task that already finished does nothing: its output is still returned.
    ///
    /// A task may abort itself: its current poll runs on, and if that poll returns `Pending` the future is
    /// dropped at the next turn; if the poll completes the task, the output wins.
    ///
    /// # Examples
    /// ```
    /// use std::time::Duration;
    /// solio::run(async {
    ///     let handle = solio::spawn(solio::time::sleep(Duration::from_secs(3600)));
    ///     handle.abort();
    ///     assert!(handle.await.unwrap_err().is_cancelled());
    /// });
    /// ```
    pub fn abort(&self) {
        // The same path as `AbortHandle::abort`: `request_abort` itself leaves a finished task alone.
        if let Some(queued) = self.raw.request_abort() {
            scheduler::schedule(queued);
        }
    }

    /// True once the task has finished: returned, panicked or been cancelled.
    ///
    /// # Examples
    /// ```
    /// solio::run(async {
    ///     let handle = solio::spawn(async {});
    ///     assert!(!handle.is_finished());
    ///     solio::yield_now().await;
    ///     assert!(handle.is_finished());
    /// });
    /// ```
    pub fn is_finished(&self) -> bool {
        self.raw.is_complete()
    }

    /// A handle that can abort the task, from any thread, without owning its output.
    ///
    /// # Examples
    /// ```
    /// use std::future::pending;
    /// solio::run(async {
    ///     let handle = solio::spawn(pending::<()>());
    ///     let abort = handle.abort_handle();
    ///     std::thread::spawn(move || abort.abort()).join().unwrap();
    ///     assert!(handle.await.unwrap_err().is_cancelled());
    /// });
    /// ```
    pub fn abort_handle(&self) -> AbortHandle {
        AbortHandle { raw: self.raw.clone_ref() }
    }

    /// The task's id, unique within its runtime.
    ///
    /// # Examples
    /// ```
    /// solio::run(async {
    ///     let a = solio::spawn(async {});
    ///     let b = solio::spawn(async {});
    ///     assert_ne!(a.id(), b.id());
    /// });
    /// ```
    pub fn id(&self) -> u64 {
        self.raw.header().id
    }
}

impl<T> Future for JoinHandle<T> {
    type Output = Result<T, JoinError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut out: Poll<Result<T, JoinError>> = Poll::Pending;
        // SAFETY: `out` has the task's output type, as `JoinHandle::new`'s contract demands; reading twice
        // is not a safety matter: after a `Ready`, `read_output` panics instead of reading again.
        unsafe { self.raw.poll_join(&mut out as *mut Poll<Result<T, JoinError>> as *mut (), cx.waker()) };
        out
    }
}

impl<T> Drop for JoinHandle<T> {
    fn drop(&mut self) {
        self.raw.drop_join_interest();
    }
}

impl<T> fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinHandle").field("id", &self.id()).field("finished", &self.is_finished()).finish()
    }
}

/// Cancels a task without owning its output; `Send + Sync` and cloneable.
///
/// # Examples
/// ```
/// use std::future::pending;
/// solio::run(async {
///     let handle = solio::spawn(pending::<()>());
///     let abort = handle.abort_handle();
///     abort.abort();
///     assert!(handle.await.unwrap_err().is_cancelled());
///     assert!(abort.is_finished());
/// });
/// ```
pub struct AbortHandle {
    raw: RawTask,
}

impl AbortHandle {
    /// Requests cancellation, as [`JoinHandle::abort`]; from another thread the request wakes the runtime.
    /// Aborting a finished task does nothing.
    pub fn abort(&self) {
        if let Some(queued) = self.raw.request_abort() {
            scheduler::schedule(queued);
        }
    }

    /// True once the task has finished: returned, panicked or been cancelled.
    pub fn is_finished(&self) -> bool {
        self.raw.is_complete()
    }

    /// The task's id, unique within its runtime.
    pub fn id(&self) -> u64 {
        self.raw.header().id
    }
}

impl Clone for AbortHandle {
    fn clone(&self) -> AbortHandle {
        AbortHandle { raw: self.raw.clone_ref() }
    }
}

// SAFETY: an `AbortHandle` only touches the atomic state (`request_abort`, `is_complete`), the immutable
// id and the scheduler's thread-safe half (`schedule` routes a foreign thread to the remote queue).
unsafe impl Sync for AbortHandle {}

impl fmt::Debug for AbortHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AbortHandle").field("id", &self.id()).finish()
    }
}

/// Why a task produced no output: it was cancelled, or it panicked.
///
/// # Examples
/// ```
/// solio::run(async {
///     let err = solio::spawn(async { panic!("boom") }).await.unwrap_err();
///     assert!(err.is_panic());
///     assert_eq!(err.to_string(), "task panicked: boom");
///     let payload = err.into_panic();
///     assert_eq!(payload.downcast_ref::<&str>(), Some(&"boom"));
/// });
/// ```
pub struct JoinError {
    repr: Repr,
}

enum Repr {
    Cancelled,
    // A `Mutex` makes the `Send`-only payload `Sync`, so `JoinError` fits `Box<dyn Error + Send + Sync>`.
    Panic(Mutex<Panic>),
}

impl JoinError {
    pub(crate) fn cancelled() -> JoinError {
        JoinError { repr: Repr::Cancelled }
    }

    pub(crate) fn panic(payload: Panic) -> JoinError {
        JoinError { repr: Repr::Panic(Mutex::new(payload)) }
    }

    /// True if the task was aborted (or dropped with its runtime) before it finished.
    pub fn is_cancelled(&self) -> bool {
        matches!(self.repr, Repr::Cancelled)
    }

    /// True if the task panicked.
    pub fn is_panic(&self) -> bool {
        matches!(self.repr, Repr::Panic(_))
    }

    /// The panic's payload, to inspect or to resume with `std::panic::resume_unwind`.
    ///
    /// # Panics
    /// If the task was cancelled rather than panicked; see [`JoinError::try_into_panic`].
    pub fn into_panic(self) -> Box<dyn std::any::Any + Send + 'static> {
        self.try_into_panic().expect("JoinError::into_panic called on a cancelled task")
    }

    /// The panic's payload, or the error itself if the task was cancelled.
    pub fn try_into_panic(self) -> Result<Box<dyn std::any::Any + Send + 'static>, JoinError> {
        match self.repr {
            Repr::Panic(p) => Ok(p.into_inner().unwrap_or_else(|e| e.into_inner())),
            Repr::Cancelled => Err(self),
        }
    }

    fn panic_message(&self) -> Option<String> {
        let Repr::Panic(p) = &self.repr else { return None };
        let payload = p.lock().unwrap_or_else(|e| e.into_inner());
        payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
    }
}

impl fmt::Display for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.repr, self.panic_message()) {
            (Repr::Cancelled, _) => f.write_str("task was cancelled"),
            (Repr::Panic(_), Some(msg)) => write!(f, "task panicked: {msg}"),
            (Repr::Panic(_), None) => f.write_str("task panicked"),
        }
    }
}

impl fmt::Debug for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.repr, self.panic_message()) {
            (Repr::Cancelled, _) => f.write_str("JoinError::Cancelled"),
            (Repr::Panic(_), Some(msg)) => write!(f, "JoinError::Panic({msg:?})"),
            (Repr::Panic(_), None) => f.write_str("JoinError::Panic(..)"),
        }
    }
}

impl std::error::Error for JoinError {}

impl From<JoinError> for std::io::Error {
    fn from(e: JoinError) -> std::io::Error {
        std::io::Error::other(e)
    }
}
