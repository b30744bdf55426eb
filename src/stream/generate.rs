//! `generate` and `try_generate`: a stream driven by an async body that yields through a [`Co`].
//!
//! The body and the stream share one `Rc`'d slot. `co.yield_(v).await` puts `v` in the slot and returns
//! `Pending` once; the stream, which polled the body, finds the value and returns it. The next
//! `poll_next` polls the body again and the `yield_` completes. The body only runs while the stream is
//! polled: it is lazy, like a generator.

use std::cell::Cell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, RawWakerVTable};

use futures_core::{FusedStream, Stream};
use pin_project_lite::pin_project;

/// What the stream and the body share.
struct Shared<T> {
    /// The value yielded and not yet returned by the stream.
    slot: Cell<Option<T>>,
    /// The waker the stream passed to the body's poll, as `(data, vtable)`, while that poll runs; `None`
    /// outside it. A `Yield` polled outside is misused; one polled with another waker sits inside a
    /// combinator with wakers of its own, which must be woken to poll it again.
    polling: Cell<Option<(*const (), *const RawWakerVTable)>>,
}

/// The body's handle to yield values: `co.yield_(value).await` (asyncio's `yield value`).
///
/// # Examples
/// ```
/// use futures_lite::StreamExt;
///
/// solio::run(async {
///     let s = solio::stream::generate(|mut co| async move {
///         co.yield_("a").await;
///         co.yield_("b").await;
///     });
///     assert_eq!(s.collect::<Vec<_>>().await, ["a", "b"]);
/// });
/// ```
pub struct Co<T> {
    shared: Rc<Shared<T>>,
}

impl<T> Co<T> {
    /// Hands `value` to the stream's consumer and waits until it is asked for the next one.
    ///
    /// # Panics
    /// When the returned future is polled outside the generator's body (the `Co` was sent to another
    /// task), since nobody would take the value.
    ///
    /// # Examples
    /// ```
    /// use futures_lite::StreamExt;
    ///
    /// solio::run(async {
    ///     let squares = solio::stream::generate(|mut co| async move {
    ///         for i in 1..=3u32 {
    ///             co.yield_(i * i).await;
    ///         }
    ///     });
    ///     assert_eq!(squares.collect::<Vec<_>>().await, [1, 4, 9]);
    /// });
    /// ```
    ///
    /// # Cancel safety
    /// If the `Yield` is dropped before its first poll, `value` is dropped and never yielded; after it,
    /// the value has been handed over already.
    pub fn yield_(&mut self, value: T) -> Yield<'_, T> {
        Yield { shared: &self.shared, value: Some(value) }
    }
}

impl<T> fmt::Debug for Co<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Co").finish_non_exhaustive()
    }
}

/// Future returned by [`Co::yield_`].
#[must_use = "nothing is yielded unless the future is awaited"]
pub struct Yield<'a, T> {
    shared: &'a Shared<T>,
    /// The value, until it is put in the slot.
    value: Option<T>,
}

impl<T> Unpin for Yield<'_, T> {}

impl<T> Future for Yield<'_, T> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let Some(parent) = self.shared.polling.get() else {
            panic!("Co::yield_ awaited outside its generator's body: keep the Co inside the body");
        };
        let direct = parent == (cx.waker().data(), cx.waker().vtable() as *const RawWakerVTable);
        let full = {
            let value = self.shared.slot.take();
            let full = value.is_some();
            self.shared.slot.set(value);
            full
        };
        if full {
            // The previous value is still on its way out (a combinator in the body polled us twice in
            // one poll of the stream): wait for the stream's next poll.
            if !direct {
                cx.waker().wake_by_ref();
            }
            return Poll::Pending;
        }
        let Some(value) = self.value.take() else { return Poll::Ready(()) };
        self.shared.slot.set(Some(value));
        // The stream returns the value now and polls the body again at its next `poll_next`. If we sit
        // under a combinator with wakers of its own, it polls us again only if woken.
        if !direct {
            cx.waker().wake_by_ref();
        }
        Poll::Pending
    }
}

impl<T> fmt::Debug for Yield<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Yield").field("yielded", &self.value.is_none()).finish()
    }
}

/// Polls the body with `shared.polling` set, returning the yielded value (if any) and the body's result.
fn poll_body<T, Fut: Future>(
    shared: &Shared<T>,
    body: Pin<&mut Fut>,
    cx: &mut Context<'_>,
) -> (Option<T>, Poll<Fut::Output>) {
    struct Unset<'a, T>(&'a Shared<T>);
    impl<T> Drop for Unset<'_, T> {
        fn drop(&mut self) {
            self.0.polling.set(None);
        }
    }
    shared.polling.set(Some((cx.waker().data(), cx.waker().vtable() as *const RawWakerVTable)));
    let unset = Unset(shared);
    let polled = body.poll(cx);
    drop(unset);
    (shared.slot.take(), polled)
}

fn new_shared<T>() -> Rc<Shared<T>> {
    Rc::new(Shared { slot: Cell::new(None), polling: Cell::new(None) })
}

/// A stream whose items are yielded by the async `body` (asyncio's async generator).
///
/// `body` receives a [`Co`] and yields with `co.yield_(value).await`; the stream ends when the body
/// returns. The body runs only while the stream is polled, one step per item. Dropping the stream drops
/// the body wherever it stands, with its locals (asyncio's `aclose()`, minus running `finally` code:
/// put cleanup in `Drop`). One allocation, for the shared slot.
///
/// For a body that can fail, see [`try_generate`], or yield `Result`s.
///
/// # Examples
/// ```
/// use std::pin::pin;
/// use std::time::Duration;
/// use futures_lite::StreamExt;
/// use solio::time::{Instant, sleep};
///
/// let rt = solio::Runtime::builder().paused_clock(true).build().unwrap();
/// rt.block_on(async {
///     let ticks = solio::stream::generate(|mut co| async move {
///         for i in 0..3 {
///             sleep(Duration::from_secs(1)).await;
///             co.yield_((i, Instant::now())).await;
///         }
///     });
///     let start = Instant::now();
///     let mut ticks = pin!(ticks);
///     let mut n = 0;
///     while let Some((i, at)) = ticks.next().await {
///         assert_eq!(at - start, Duration::from_secs(i + 1));
///         n += 1;
///     }
///     assert_eq!(n, 3);
/// });
/// ```
///
/// # Cancel safety
/// `next().await` is cancel safe: a value is taken from the body only when `poll_next` returns it.
pub fn generate<T, F, Fut>(body: F) -> Generate<T, Fut>
where
    F: FnOnce(Co<T>) -> Fut,
    Fut: Future<Output = ()>,
{
    let shared = new_shared();
    let body = body(Co { shared: shared.clone() });
    Generate { shared, done: false, body }
}

pin_project! {
    /// Stream returned by [`generate`].
    #[must_use = "streams do nothing unless polled"]
    pub struct Generate<T, Fut> {
        shared: Rc<Shared<T>>,
        done: bool,
        #[pin]
        body: Fut,
    }
}

impl<T, Fut: Future<Output = ()>> Stream for Generate<T, Fut> {
    type Item = T;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let this = self.project();
        if *this.done {
            return Poll::Ready(None);
        }
        let (value, polled) = poll_body(this.shared, this.body, cx);
        if polled.is_ready() {
            *this.done = true;
        }
        match (value, polled) {
            (Some(value), _) => Poll::Ready(Some(value)),
            (None, Poll::Ready(())) => Poll::Ready(None),
            (None, Poll::Pending) => Poll::Pending,
        }
    }
}

impl<T, Fut: Future<Output = ()>> FusedStream for Generate<T, Fut> {
    fn is_terminated(&self) -> bool {
        self.done
    }
}

impl<T, Fut> fmt::Debug for Generate<T, Fut> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Generate").field("done", &self.done).finish_non_exhaustive()
    }
}

/// Like [`generate`], for a body returning `Result<(), E>`, so that it may use `?`: the stream yields
/// `Ok(value)` for each `co.yield_(value)`, then `Err(e)` as its last item if the body fails.
///
/// # Examples
/// ```
/// use futures_lite::StreamExt;
///
/// solio::run(async {
///     let parsed = solio::stream::try_generate(|mut co| async move {
///         for text in ["1", "2", "three", "4"] {
///             let n: u32 = text.parse()?;
///             co.yield_(n).await;
///         }
///         Ok(())
///     });
///     let items: Vec<Result<u32, std::num::ParseIntError>> = parsed.collect().await;
///     assert_eq!(items.len(), 3);
///     assert_eq!(items[..2], [Ok(1), Ok(2)]);
///     assert!(items[2].is_err()); // and then the stream ended
/// });
/// ```
///
/// # Cancel safety
/// As [`generate`].
pub fn try_generate<T, E, F, Fut>(body: F) -> TryGenerate<T, Fut>
where
    F: FnOnce(Co<T>) -> Fut,
    Fut: Future<Output = Result<(), E>>,
{
    let shared = new_shared();
    let body = body(Co { shared: shared.clone() });
    TryGenerate { shared, done: false, last: None, body }
}

pin_project! {
    /// Stream returned by [`try_generate`].
    #[must_use = "streams do nothing unless polled"]
    pub struct TryGenerate<T, Fut: Future> {
        shared: Rc<Shared<T>>,
        done: bool,
        // The body's result when it finished in the same poll as a value was yielded (only possible with
        // a combinator inside the body): returned after that value.
        last: Option<Fut::Output>,
        #[pin]
        body: Fut,
    }
}

impl<T, E, Fut: Future<Output = Result<(), E>>> Stream for TryGenerate<T, Fut> {
    type Item = Result<T, E>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<T, E>>> {
        let this = self.project();
        if *this.done {
            return Poll::Ready(this.last.take().and_then(Result::err).map(Err));
        }
        let (value, polled) = poll_body(this.shared, this.body, cx);
        match (value, polled) {
            (Some(value), Poll::Pending) => Poll::Ready(Some(Ok(value))),
            (Some(value), Poll::Ready(result)) => {
                *this.done = true;
                *this.last = Some(result);
                Poll::Ready(Some(Ok(value)))
            }
            (None, Poll::Ready(result)) => {
                *this.done = true;
                Poll::Ready(result.err().map(Err))
            }
            (None, Poll::Pending) => Poll::Pending,
        }
    }
}

impl<T, E, Fut: Future<Output = Result<(), E>>> FusedStream for TryGenerate<T, Fut> {
    fn is_terminated(&self) -> bool {
        self.done && self.last.is_none()
    }
}

impl<T, Fut: Future> fmt::Debug for TryGenerate<T, Fut> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TryGenerate").field("done", &self.done).finish_non_exhaustive()
    }
}
