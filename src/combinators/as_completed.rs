//! `as_completed`: the outputs of many futures, in the order they finish.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::ops::ControlFlow;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::{FusedStream, Stream};

use crate::task::waker_set::WakerSet;

/// Runs every future of `iter` concurrently inside the task that polls the stream and yields their
/// outputs **in completion order** (asyncio's `as_completed`).
///
/// Like [`gather`](crate::gather()): nothing is spawned (the futures may borrow locals), a wake polls only
/// the woken future, and the futures with their wakers' state share one allocation. A future is dropped
/// as soon as its output is yielded. Futures that finish in the same poll come out in the order they were
/// woken (the first poll goes in input order). To know which input an output belongs to, yield the index
/// with it, as in the example.
///
/// Iterate with [`futures_lite::StreamExt`](https://docs.rs/futures-lite) (`next`, `collect`, ...).
///
/// # Panics
/// A panic in a future propagates out of `poll_next`.
///
/// # Examples
/// ```
/// use std::time::Duration;
/// use futures_lite::StreamExt;
/// use solio::time::sleep;
///
/// let rt = solio::Runtime::builder().paused_clock(true).build().unwrap();
/// rt.block_on(async {
///     let jobs = [3, 1, 2].into_iter().enumerate().map(|(i, secs)| async move {
///         sleep(Duration::from_secs(secs)).await;
///         (i, secs)
///     });
///     let mut done = solio::as_completed(jobs);
///     let mut order = Vec::new();
///     while let Some((i, secs)) = done.next().await {
///         order.push((i, secs));
///     }
///     assert_eq!(order, [(1, 1), (2, 2), (0, 3)]);
/// });
/// ```
///
/// # Cancel safety
/// `poll_next` (and so `next().await`) is cancel safe: an output is only taken out of its future when it
/// is returned. Dropping the stream drops every future not finished yet.
pub fn as_completed<I>(iter: I) -> AsCompleted<<I::Item as IntoFuture>::IntoFuture>
where
    I: IntoIterator,
    I::Item: IntoFuture,
{
    let set = WakerSet::new(iter.into_iter().map(|f| Some(f.into_future())));
    let pending = set.len();
    // No futures, no set: the first poll ends the stream.
    AsCompleted { set: (pending > 0).then_some(set), pending, terminated: false }
}

/// Stream returned by [`as_completed`]: the outputs in completion order.
///
/// # Examples
/// ```
/// use futures_lite::StreamExt;
/// use solio::AsCompleted;
///
/// fn doubled(n: u32) -> AsCompleted<std::future::Ready<u32>> {
///     solio::as_completed((0..n).map(|i| std::future::ready(2 * i)))
/// }
/// let all: Vec<u32> = solio::run(doubled(3).collect());
/// assert_eq!(all, [0, 2, 4]);
/// ```
///
/// # Cancel safety
/// `poll_next` is cancel safe; dropping the stream drops the futures not finished yet.
#[must_use = "streams do nothing unless polled"]
pub struct AsCompleted<F> {
    /// Each future until it finishes; `None` once all have (or if there were none).
    set: Option<WakerSet<Option<F>>>,
    /// Futures not finished yet.
    pending: usize,
    /// `poll_next` returned `None`.
    terminated: bool,
}

impl<F> AsCompleted<F> {
    /// The number of futures not finished yet.
    ///
    /// # Examples
    /// ```
    /// use futures_lite::StreamExt;
    ///
    /// solio::run(async {
    ///     let mut s = solio::as_completed((1..=2).map(|i| async move { i }));
    ///     assert_eq!(s.len(), 2);
    ///     s.next().await;
    ///     assert_eq!(s.len(), 1);
    /// });
    /// ```
    pub fn len(&self) -> usize {
        self.pending
    }

    /// True when every future has finished and its output was yielded.
    ///
    /// # Examples
    /// ```
    /// let s = solio::as_completed(Vec::<std::future::Ready<()>>::new());
    /// assert!(s.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.pending == 0
    }
}

impl<F: Future> Stream for AsCompleted<F> {
    type Item = F::Output;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<F::Output>> {
        let this = self.get_mut();
        let Some(set) = this.set.as_mut() else {
            this.terminated = true;
            return Poll::Ready(None);
        };
        // Stop at the first output: the slots still woken wait for the next call, first in line.
        let round = set.poll_ready(cx, |_, mut slot, cx| {
            let Some(future) = slot.as_mut().as_pin_mut() else { return ControlFlow::Continue(()) };
            let Poll::Ready(output) = future.poll(cx) else { return ControlFlow::Continue(()) };
            slot.set(None);
            ControlFlow::Break(output)
        });
        let ControlFlow::Break(output) = round else { return Poll::Pending };
        this.pending -= 1;
        if this.pending == 0 {
            this.set = None; // free it now; the next call ends the stream
        }
        Poll::Ready(Some(output))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.pending, Some(self.pending))
    }
}

impl<F: Future> FusedStream for AsCompleted<F> {
    fn is_terminated(&self) -> bool {
        self.terminated
    }
}

impl<F> fmt::Debug for AsCompleted<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsCompleted").field("pending", &self.pending).finish()
    }
}
