//! `gather` and `try_gather`: run many futures of one type concurrently inside the calling task.

use std::convert::Infallible;
use std::fmt;
use std::future::{Future, IntoFuture};
use std::ops::ControlFlow;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::maybe_done::MaybeDone;
use crate::task::waker_set::WakerSet;

/// Runs every future of `iter` concurrently and resolves to their outputs, **in input order**
/// (asyncio's `gather`).
///
/// The futures run inside the task that awaits the `Gather`; nothing is spawned, so they may borrow
/// locals and need not be `'static` or `Send`. Each child gets its own waker: a wake polls only the child
/// that was woken, so a wake costs O(woken), not O(n), even for 100,000 children. The children, their
/// wakers' state and the ready list share **one allocation** (two if the iterator does not know its exact
/// length: the futures are then first collected into a `Vec`); the output `Vec` is the only other one.
/// A child is dropped as soon as it finishes; its output waits in the set until all are done.
///
/// Fallible futures are simply collected: a `Vec<Result<T, E>>` is asyncio's `return_exceptions=True`.
/// Use [`try_gather`] to stop at the first error.
///
/// # Panics
/// A panic in a child propagates out of the `Gather`'s poll: it unwinds through the task awaiting the
/// gather (for a spawned task, its `JoinHandle` reports a [`JoinError`](crate::JoinError) whose
/// `is_panic()` is true), and the other children are dropped with the gather. Polling a `Gather` again
/// after it returned its output panics.
///
/// # Examples
/// ```
/// use std::cell::Cell;
/// use std::time::Duration;
/// use solio::time::{Instant, sleep};
///
/// let rt = solio::Runtime::builder().paused_clock(true).build().unwrap();
/// rt.block_on(async {
///     let start = Instant::now();
///     let done = Cell::new(0); // borrowed by every child: nothing is spawned
///     let fetch = |name: &'static str, secs: u64| {
///         let done = &done;
///         async move {
///             sleep(Duration::from_secs(secs)).await;
///             done.set(done.get() + 1);
///             name
///         }
///     };
///     let names = solio::gather([fetch("a", 3), fetch("b", 1), fetch("c", 2)]).await;
///     assert_eq!(names, ["a", "b", "c"]); // input order, not completion order
///     assert_eq!(done.get(), 3);
///     assert_eq!(start.elapsed(), Duration::from_secs(3)); // concurrent: 3 s, not 6 s
/// });
/// ```
///
/// # Cancel safety
/// Dropping the `Gather` drops every child that has not finished, and the outputs of those that have:
/// it is as cancel safe as the least cancel-safe child.
pub fn gather<I>(iter: I) -> Gather<<I::Item as IntoFuture>::IntoFuture>
where
    I: IntoIterator,
    I::Item: IntoFuture,
{
    let set = WakerSet::new(iter.into_iter().map(|f| MaybeDone::new(f.into_future())));
    let pending = set.len();
    Gather { set: Some(set), pending }
}

/// Future returned by [`gather`]: resolves to the children's outputs in input order.
///
/// # Examples
/// ```
/// use solio::Gather;
///
/// // The type can be named, to keep a gather in a struct or return it from a function.
/// fn squares(n: u64) -> Gather<std::future::Ready<u64>> {
///     solio::gather((0..n).map(|i| std::future::ready(i * i)))
/// }
/// assert_eq!(solio::run(squares(4)), [0, 1, 4, 9]);
/// ```
///
/// # Cancel safety
/// Dropping it drops every child, finished or not; see [`gather`].
#[must_use = "futures do nothing unless awaited"]
pub struct Gather<F: Future> {
    /// `None` once the output was returned (which also freed the set).
    set: Option<WakerSet<MaybeDone<F>>>,
    /// Children not finished yet.
    pending: usize,
}

impl<F: Future> Gather<F> {
    /// The number of futures gathered.
    ///
    /// # Examples
    /// ```
    /// let g = solio::gather((0..5).map(|i| async move { i }));
    /// assert_eq!(g.len(), 5);
    /// ```
    pub fn len(&self) -> usize {
        self.set.as_ref().map_or(0, WakerSet::len)
    }

    /// True when there are no futures to gather (or the output was returned already).
    ///
    /// # Examples
    /// ```
    /// let g = solio::gather(Vec::<std::future::Ready<()>>::new());
    /// assert!(g.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The engine of `Gather` and `TryGather`, which differ only in their policy: polls the woken
    /// children. `stop` sees each child as it finishes: a break drops (cancels) every other child and
    /// answers `Err` with its value at once. Once all have finished, answers `Ok` with their outputs in
    /// input order, each passed through `output`. `name` is for the panic when polled again after that.
    fn poll_with<E, O>(
        &mut self,
        cx: &Context<'_>,
        name: &str,
        mut stop: impl FnMut(Pin<&mut MaybeDone<F>>) -> ControlFlow<E>,
        output: impl FnMut(F::Output) -> O,
    ) -> Poll<Result<Vec<O>, E>> {
        let set = self.set.as_mut().unwrap_or_else(|| panic!("{name} polled after it returned its output"));
        let pending = &mut self.pending;
        let round = set.poll_ready(cx, |_, mut child, cx| {
            if !child.as_mut().poll_finish(cx) {
                return ControlFlow::Continue(());
            }
            *pending -= 1;
            stop(child)
        });
        if let ControlFlow::Break(e) = round {
            // Fail fast: drop (cancel) every other child before answering.
            self.set = None;
            return Poll::Ready(Err(e));
        }
        if self.pending > 0 {
            return Poll::Pending;
        }
        let mut set = self.set.take().expect("checked above");
        let outputs =
            (0..set.len()).map(|i| set.get_pin_mut(i).take_output().expect("every child has finished"));
        Poll::Ready(Ok(outputs.map(output).collect()))
    }
}

impl<F: Future> Future for Gather<F> {
    type Output = Vec<F::Output>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Vec<F::Output>> {
        // Every output is kept, errors included (`return_exceptions=True`): nothing stops the gather.
        let keep_all = |_: Pin<&mut MaybeDone<F>>| ControlFlow::<Infallible>::Continue(());
        self.get_mut().poll_with(cx, "Gather", keep_all, |output| output).map(|Ok(out)| out)
    }
}

impl<F: Future> fmt::Debug for Gather<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Gather").field("len", &self.len()).field("pending", &self.pending).finish()
    }
}

/// Runs futures returning `Result` concurrently, like [`gather`], but fails fast: resolves to the `Ok`
/// values in input order, or to the **first** `Err` as soon as it appears, after dropping (cancelling)
/// every other child.
///
/// "First" means first in time. Children that finish in the same poll are checked in the order they
/// were woken (the first poll goes in input order).
///
/// Costs as [`gather`]: one allocation for the set (when the iterator knows its length), O(woken) per
/// wake.
///
/// # Panics
/// As [`gather`]: a child's panic propagates out of the poll.
///
/// # Examples
/// ```
/// use std::time::Duration;
/// use solio::time::sleep;
///
/// let rt = solio::Runtime::builder().paused_clock(true).build().unwrap();
/// rt.block_on(async {
///     let ok = solio::try_gather((1..=3).map(|i| async move { Ok::<_, String>(i) })).await;
///     assert_eq!(ok, Ok(vec![1, 2, 3]));
///
///     let step = |secs: u64, fail: bool| async move {
///         sleep(Duration::from_secs(secs)).await;
///         if fail { Err(format!("failed after {secs} s")) } else { Ok(secs) }
///     };
///     let err = solio::try_gather([step(5, false), step(2, true), step(3, true)]).await;
///     assert_eq!(err, Err("failed after 2 s".to_string()));
///     // The 5 s child was dropped at 2 s: nobody waited for it.
/// });
/// ```
///
/// # Cancel safety
/// As [`gather`]: dropping the `TryGather` drops every child.
pub fn try_gather<I, T, E>(iter: I) -> TryGather<<I::Item as IntoFuture>::IntoFuture>
where
    I: IntoIterator,
    I::Item: IntoFuture<Output = Result<T, E>>,
{
    TryGather { gather: gather(iter) }
}

/// Future returned by [`try_gather`]: resolves to the `Ok` values in input order, or the first `Err`.
///
/// # Examples
/// ```
/// use solio::TryGather;
///
/// fn parse_all(texts: &[&'static str]) -> TryGather<std::future::Ready<Result<u8, std::num::ParseIntError>>> {
///     solio::try_gather(texts.iter().map(|t| std::future::ready(t.parse::<u8>())))
/// }
/// assert_eq!(solio::run(parse_all(&["1", "2"])), Ok(vec![1, 2]));
/// assert!(solio::run(parse_all(&["1", "x"])).is_err());
/// ```
///
/// # Cancel safety
/// Dropping it drops every child; see [`try_gather`].
#[must_use = "futures do nothing unless awaited"]
pub struct TryGather<F: Future> {
    /// The same engine, with a fail-fast policy.
    gather: Gather<F>,
}

impl<F: Future> TryGather<F> {
    /// The number of futures gathered (0 once the output was returned).
    ///
    /// # Examples
    /// ```
    /// let g = solio::try_gather((0..3).map(|i| async move { Ok::<_, ()>(i) }));
    /// assert_eq!(g.len(), 3);
    /// ```
    pub fn len(&self) -> usize {
        self.gather.len()
    }

    /// True when there are no futures to gather (or the output was returned already).
    ///
    /// # Examples
    /// ```
    /// let g = solio::try_gather(Vec::<std::future::Ready<Result<(), ()>>>::new());
    /// assert!(g.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<F, T, E> Future for TryGather<F>
where
    F: Future<Output = Result<T, E>>,
{
    type Output = Result<Vec<T>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<Vec<T>, E>> {
        // Fail fast on the first error; the `Ok` values stay in their children until all are in.
        let take_error = |child: Pin<&mut MaybeDone<F>>| match child.take_output_if(Result::is_err) {
            Some(Err(e)) => ControlFlow::Break(e),
            _ => ControlFlow::Continue(()),
        };
        let ok = |output: Result<T, E>| output.ok().expect("every error stops the gather");
        self.get_mut().gather.poll_with(cx, "TryGather", take_error, ok)
    }
}

impl<F: Future> fmt::Debug for TryGather<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TryGather").field("len", &self.len()).field("pending", &self.gather.pending).finish()
    }
}
