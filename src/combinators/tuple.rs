//! `gather!`: futures of different types, gathered into a tuple.
//!
//! The macro turns its arguments into a tuple and calls [`GatherTuple::gather_tuple`] on it; the trait is
//! implemented for tuples of 1 to 16 `IntoFuture`s by `impl_gather_tuple!` below, each with a small
//! future that keeps every child in a [`MaybeDone`]. There is no per-child waker here: every child
//! shares the parent's context and all unfinished children are polled on each wake, O(arity) per wake,
//! which is what a handful of futures wants (no allocation at all). For many futures, use
//! [`gather`](crate::gather()).

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

use super::maybe_done::MaybeDone;

/// Runs futures of different types concurrently inside the calling task and resolves to the tuple of
/// their outputs, in argument order (asyncio's `gather(a, b, c)`, for futures of different types).
///
/// Takes 1 to 16 `IntoFuture`s (`gather!()` with none resolves to `()`). Nothing is spawned, so the
/// futures may borrow locals. On each wake every unfinished child is polled (they share the parent's
/// waker): fine for a handful of futures; for many futures of one type use [`gather`](crate::gather()),
/// which polls only the woken ones. No allocation.
///
/// # Panics
/// A panic in a child propagates out of the poll, as with [`gather`](crate::gather()).
///
/// # Examples
/// ```
/// use std::time::Duration;
/// use solio::time::{Instant, sleep};
///
/// let rt = solio::Runtime::builder().paused_clock(true).build().unwrap();
/// rt.block_on(async {
///     let start = Instant::now();
///     let (n, s, unit) = solio::gather!(
///         async { sleep(Duration::from_secs(2)).await; 42 },
///         async { sleep(Duration::from_secs(1)).await; "text" },
///         sleep(Duration::from_secs(3)),
///     )
///     .await;
///     assert_eq!((n, s, unit), (42, "text", ()));
///     assert_eq!(start.elapsed(), Duration::from_secs(3));
/// });
/// ```
///
/// # Cancel safety
/// Dropping the future drops every child (and the outputs of the finished ones).
#[macro_export]
macro_rules! gather {
    () => {
        ::std::future::ready(())
    };
    ($($fut:expr),+ $(,)?) => {
        $crate::__private::GatherTuple::gather_tuple(($($fut,)+))
    };
}

/// A tuple of `IntoFuture`s that [`gather!`](crate::gather!) can run together. Implemented for tuples of
/// 1 to 16 elements; not meant to be named by users.
pub trait GatherTuple {
    /// The tuple of the outputs.
    type Output;

    /// The future that runs the tuple's futures concurrently.
    fn gather_tuple(self) -> impl Future<Output = Self::Output>;
}

macro_rules! impl_gather_tuple {
    ($Name:ident: $($F:ident $f:ident),+) => {
        pin_project! {
            struct $Name<$($F: Future),+> {
                $(#[pin] $f: MaybeDone<$F>,)+
            }
        }

        impl<$($F: Future),+> Future for $Name<$($F),+> {
            type Output = ($($F::Output,)+);

            fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
                let mut this = self.project();
                let mut all_done = true;
                $(
                    this.$f.as_mut().poll_finish(cx);
                    all_done &= this.$f.is_done();
                )+
                if !all_done {
                    return Poll::Pending;
                }
                Poll::Ready(($(
                    this.$f.as_mut().take_output().expect("gather! polled after it returned its output"),
                )+))
            }
        }

        impl<$($F: IntoFuture),+> GatherTuple for ($($F,)+) {
            type Output = ($($F::Output,)+);

            fn gather_tuple(self) -> impl Future<Output = Self::Output> {
                let ($($f,)+) = self;
                $Name { $($f: MaybeDone::new($f.into_future()),)+ }
            }
        }
    };
}

impl_gather_tuple!(Gather1: A a);
impl_gather_tuple!(Gather2: A a, B b);
impl_gather_tuple!(Gather3: A a, B b, C c);
impl_gather_tuple!(Gather4: A a, B b, C c, D d);
impl_gather_tuple!(Gather5: A a, B b, C c, D d, E e);
impl_gather_tuple!(Gather6: A a, B b, C c, D d, E e, F f);
impl_gather_tuple!(Gather7: A a, B b, C c, D d, E e, F f, G g);
impl_gather_tuple!(Gather8: A a, B b, C c, D d, E e, F f, G g, H h);
impl_gather_tuple!(Gather9: A a, B b, C c, D d, E e, F f, G g, H h, I i);
impl_gather_tuple!(Gather10: A a, B b, C c, D d, E e, F f, G g, H h, I i, J j);
impl_gather_tuple!(Gather11: A a, B b, C c, D d, E e, F f, G g, H h, I i, J j, K k);
impl_gather_tuple!(Gather12: A a, B b, C c, D d, E e, F f, G g, H h, I i, J j, K k, L l);
impl_gather_tuple!(Gather13: A a, B b, C c, D d, E e, F f, G g, H h, I i, J j, K k, L l, M m);
impl_gather_tuple!(Gather14: A a, B b, C c, D d, E e, F f, G g, H h, I i, J j, K k, L l, M m, N n);
impl_gather_tuple!(Gather15: A a, B b, C c, D d, E e, F f, G g, H h, I i, J j, K k, L l, M m, N n, O o);
impl_gather_tuple!(Gather16: A a, B b, C c, D d, E e, F f, G g, H h, I i, J j, K k, L l, M m, N n, O o, P p);
