//! `wait` and `wait_timeout`: wait for spawned tasks until a condition holds, keeping the rest running.

use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::ops::ControlFlow;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use crate::task::waker_set::WakerSet;
use crate::task::{JoinError, JoinHandle};
use crate::time::{Sleep, sleep};

/// When [`wait`] returns (asyncio's `return_when`).
///
/// # Examples
/// ```
/// use solio::ReturnWhen;
/// assert_ne!(ReturnWhen::FirstCompleted, ReturnWhen::AllCompleted);
/// assert_eq!(ReturnWhen::default(), ReturnWhen::AllCompleted);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ReturnWhen {
    /// As soon as at least one task has finished (asyncio's `FIRST_COMPLETED`).
    FirstCompleted,
    /// As soon as one task *fails*, or when all have finished if none fails (asyncio's
    /// `FIRST_EXCEPTION`). A task fails when it panics or is cancelled, or when its output is a failure
    /// according to [`Wait::failure_if`] (for example `Result::is_err`).
    FirstError,
    /// When every task has finished (asyncio's `ALL_COMPLETED`, the default).
    #[default]
    AllCompleted,
}

/// What [`wait`] resolves to: the tasks that finished, with their results, and the handles of those
/// still running.
///
/// Both lists carry each task's index in the input. Destructure it as asyncio's `done, pending`:
/// `let Waited { done, pending } = solio::wait(..).await;`.
///
/// # Examples
/// ```
/// use solio::{ReturnWhen, Waited};
///
/// solio::run(async {
///     let handles = vec![solio::spawn(async { 1 }), solio::spawn(std::future::pending())];
///     let Waited { done, pending } = solio::wait(handles, ReturnWhen::FirstCompleted).await;
///     assert_eq!(done.len(), 1);
///     assert_eq!(done[0].0, 0);
///     assert_eq!(*done[0].1.as_ref().unwrap(), 1);
///     assert_eq!(pending.len(), 1);
///     assert_eq!(pending[0].0, 1);
/// });
/// ```
#[derive(Debug)]
pub struct Waited<T> {
    /// The finished tasks as `(input index, result)`, in the order they were seen to finish (those
    /// already finished at the first poll come first, in input order).
    pub done: Vec<(usize, Result<T, JoinError>)>,
    /// The tasks still running as `(input index, handle)`, in input order. They are neither aborted nor
    /// detached: await them, wait on them again, or drop them to detach.
    pub pending: Vec<(usize, JoinHandle<T>)>,
}

impl<T> Waited<T> {
    /// The pending handles without their indices, in input order: ready to pass to [`wait`] again.
    ///
    /// # Examples
    /// ```
    /// use std::time::Duration;
    /// use solio::{ReturnWhen, time::sleep};
    ///
    /// let rt = solio::Runtime::builder().paused_clock(true).build().unwrap();
    /// rt.block_on(async {
    ///     let mut handles: Vec<_> = [3, 1, 2]
    ///         .into_iter()
    ///         .map(|s| solio::spawn(async move { sleep(Duration::from_secs(s)).await; s }))
    ///         .collect();
    ///     let mut order = Vec::new();
    ///     while !handles.is_empty() {
    ///         let waited = solio::wait(handles, ReturnWhen::FirstCompleted).await;
    ///         order.extend(waited.done.iter().map(|(_, r)| *r.as_ref().unwrap()));
    ///         handles = waited.into_pending_handles();
    ///     }
    ///     assert_eq!(order, [1, 2, 3]);
    /// });
    /// ```
    pub fn into_pending_handles(self) -> Vec<JoinHandle<T>> {
        self.pending.into_iter().map(|(_, h)| h).collect()
    }
}

/// Waits for spawned tasks until `return_when` holds, then returns the finished ones with their results
/// and the still-pending handles (asyncio's `asyncio.wait`). Pending tasks keep running: they are neither
/// aborted nor detached.
///
/// Tasks whose `JoinHandle`s are passed here are polled through one waker each, all in one allocation:
/// a finishing task costs O(1), not O(n).
///
/// **Empty input:** `wait` resolves at once to empty `done` and `pending` lists, whatever `return_when`
/// says (asyncio raises `ValueError` instead); so a `while !pending.is_empty()` loop needs no special case.
///
/// With [`ReturnWhen::FirstError`], a panic or a cancellation counts as a failure; to count outputs too
/// (a task returning `Err`), see [`Wait::failure_if`].
///
/// # Examples
/// ```
/// use std::time::Duration;
/// use solio::{ReturnWhen, time::sleep};
///
/// let rt = solio::Runtime::builder().paused_clock(true).build().unwrap();
/// rt.block_on(async {
///     let task = |secs: u64, ok: bool| solio::spawn(async move {
///         sleep(Duration::from_secs(secs)).await;
///         if ok { Ok(secs) } else { Err(format!("task of {secs} s failed")) }
///     });
///     let handles = vec![task(1, true), task(2, false), task(3, true)];
///     let waited = solio::wait(handles, ReturnWhen::FirstError).failure_if(Result::is_err).await;
///     // Task 0 finished at 1 s, task 1 failed at 2 s: the wait returned then.
///     let done: Vec<(usize, Result<u64, String>)> =
///         waited.done.into_iter().map(|(i, r)| (i, r.unwrap())).collect();
///     assert_eq!(done, [(0, Ok(1)), (1, Err("task of 2 s failed".to_string()))]);
///     assert_eq!(waited.pending.len(), 1); // the 3 s task still runs
/// });
/// ```
///
/// # Cancel safety
/// Cancel safe for the tasks: dropping the `Wait` drops the handles it holds (detaching those tasks,
/// which keep running); the results already collected are dropped.
pub fn wait<I, T>(handles: I, return_when: ReturnWhen) -> Wait<T>
where
    I: IntoIterator<Item = JoinHandle<T>>,
{
    let set = WakerSet::new(handles.into_iter().map(Some));
    Wait { set: Some(set), return_when, done: Vec::new(), failed: false, is_failure: never, deadline: None }
}

/// Like [`wait`], but returns at the latest after `timeout`, with whatever finished by then (asyncio's
/// `wait(..., timeout=)`): nothing is raised on timeout, the unfinished tasks are just in `pending`.
///
/// A task that finishes at the very instant of the deadline may be reported either way: the deadline's
/// timer and the task's wake-up race within one scheduler turn.
///
/// # Panics
/// When called outside a solio runtime (the deadline needs its timer).
///
/// # Examples
/// ```
/// use std::time::Duration;
/// use solio::{ReturnWhen, time::{Instant, sleep}};
///
/// let rt = solio::Runtime::builder().paused_clock(true).build().unwrap();
/// rt.block_on(async {
///     let start = Instant::now();
///     let handles: Vec<_> = [1, 2, 5]
///         .into_iter()
///         .map(|s| solio::spawn(async move { sleep(Duration::from_secs(s)).await; s }))
///         .collect();
///     let waited = solio::wait_timeout(handles, ReturnWhen::AllCompleted, Duration::from_millis(2500)).await;
///     assert_eq!(start.elapsed(), Duration::from_millis(2500));
///     let done: Vec<u64> = waited.done.into_iter().map(|(_, r)| r.unwrap()).collect();
///     assert_eq!(done, [1, 2]);
///     assert_eq!(waited.pending.len(), 1);
///     let (index, last) = waited.pending.into_iter().next().unwrap();
///     assert_eq!((index, last.await.unwrap()), (2, 5));
/// });
/// ```
///
/// # Cancel safety
/// As [`wait`].
#[track_caller]
pub fn wait_timeout<I, T>(handles: I, return_when: ReturnWhen, timeout: Duration) -> Wait<T>
where
    I: IntoIterator<Item = JoinHandle<T>>,
{
    let deadline = sleep(timeout);
    let mut w = wait(handles, return_when);
    w.deadline = Some(deadline);
    w
}

fn never<T>(_: &T) -> bool {
    false
}

/// Future returned by [`wait`] and [`wait_timeout`]: resolves to the [`Waited`] tasks.
///
/// # Examples
/// ```
/// use std::time::Duration;
/// use solio::{ReturnWhen, Wait};
///
/// let rt = solio::Runtime::builder().paused_clock(true).build().unwrap();
/// rt.block_on(async {
///     let handles = vec![solio::spawn(std::future::pending::<()>())];
///     // Created now, awaited later; the deadline counts from the creation.
///     let w: Wait<()> = solio::wait_timeout(handles, ReturnWhen::AllCompleted, Duration::from_secs(1));
///     let waited = w.await;
///     assert!(waited.done.is_empty());
///     assert_eq!(waited.pending.len(), 1);
/// });
/// ```
///
/// # Cancel safety
/// Dropping it detaches the tasks it holds and drops the results already collected; see [`wait`].
#[must_use = "futures do nothing unless awaited"]
pub struct Wait<T> {
    /// The handles (`None` once finished); `None` once the output was returned.
    set: Option<WakerSet<Option<JoinHandle<T>>>>,
    return_when: ReturnWhen,
    done: Vec<(usize, Result<T, JoinError>)>,
    /// A task failed (for `FirstError`).
    failed: bool,
    is_failure: fn(&T) -> bool,
    deadline: Option<Sleep>,
}

// Nothing in a `Wait` is ever pinned: the handles live in the set, outputs are plain values.
impl<T> Unpin for Wait<T> {}

impl<T> Wait<T> {
    /// Also counts a task as failed, for [`ReturnWhen::FirstError`], when `is_failure` says so of its
    /// output: `.failure_if(Result::is_err)` makes a task returning `Err` stop the wait, as an exception
    /// does in asyncio. Panics and cancellations always count.
    ///
    /// # Examples
    /// ```
    /// use solio::ReturnWhen;
    ///
    /// solio::run(async {
    ///     let handles = vec![
    ///         solio::spawn(async { Err::<u32, &str>("bad input") }),
    ///         solio::spawn(std::future::pending()),
    ///     ];
    ///     let waited = solio::wait(handles, ReturnWhen::FirstError).failure_if(Result::is_err).await;
    ///     assert_eq!(waited.done.len(), 1);
    ///     assert_eq!(waited.pending.len(), 1);
    /// });
    /// ```
    pub fn failure_if(mut self, is_failure: fn(&T) -> bool) -> Wait<T> {
        self.is_failure = is_failure;
        self
    }

    fn satisfied(&self, len: usize) -> bool {
        let all = self.done.len() == len;
        match self.return_when {
            ReturnWhen::FirstCompleted => !self.done.is_empty() || all,
            ReturnWhen::FirstError => self.failed || all,
            ReturnWhen::AllCompleted => all,
        }
    }
}

impl<T> Future for Wait<T> {
    type Output = Waited<T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Waited<T>> {
        let this = self.get_mut();
        let set = this.set.as_mut().expect("Wait polled after it returned its output");
        // Every woken task is looked at, even once the condition holds: `done` gets all that finished.
        let ControlFlow::Continue(()) = set.poll_ready::<Infallible>(cx, |i, slot, cx| {
            let slot = slot.get_mut();
            // A slot of `None` is a late wake of a task already collected.
            if let Some(Poll::Ready(result)) = slot.as_mut().map(|handle| Pin::new(handle).poll(cx)) {
                *slot = None;
                this.failed |= match &result {
                    Ok(output) => (this.is_failure)(output),
                    Err(_) => true,
                };
                this.done.push((i, result));
            }
            ControlFlow::Continue(())
        });
        let len = set.len();
        if !this.satisfied(len) {
            let expired = this.deadline.as_mut().is_some_and(|d| Pin::new(d).poll(cx).is_ready());
            if !expired {
                return Poll::Pending;
            }
        }
        let mut set = this.set.take().expect("checked above");
        let pending = (0..len).filter_map(|i| set.get_pin_mut(i).get_mut().take().map(|h| (i, h))).collect();
        this.deadline = None;
        Poll::Ready(Waited { done: std::mem::take(&mut this.done), pending })
    }
}

impl<T> fmt::Debug for Wait<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wait")
            .field("len", &self.set.as_ref().map_or(0, WakerSet::len))
            .field("return_when", &self.return_when)
            .field("done", &self.done.len())
            .field("deadline", &self.deadline.as_ref().map(Sleep::deadline))
            .finish()
    }
}
