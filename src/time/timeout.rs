//! `timeout` and `timeout_at`: bound how long a future may take.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use pin_project_lite::pin_project;

use super::{Instant, Sleep, sleep, sleep_until};

/// Runs `future` for at most `duration` (asyncio's `wait_for` and `asyncio.timeout`).
///
/// Resolves to `Ok(output)` if the future finishes first, or `Err(Elapsed)` once the deadline passes;
/// the future is then dropped (cancelled) together with the `Timeout`. When the future is ready at the
/// very poll where the deadline has passed, **the value wins**: nothing computed is thrown away.
///
/// # Panics
/// When called outside a solio runtime.
///
/// # Examples
/// ```
/// use std::time::Duration;
/// use solio::time::{sleep, timeout};
///
/// solio::run(async {
///     let fast = timeout(Duration::from_millis(50), async { 7 }).await;
///     assert_eq!(fast, Ok(7));
///     let slow = timeout(Duration::from_millis(5), sleep(Duration::from_secs(60))).await;
///     assert!(slow.is_err());
/// });
/// ```
///
/// # Cancel safety
/// As cancel safe as `future`: dropping the `Timeout` drops `future` and removes the timer.
#[track_caller]
pub fn timeout<F: Future>(duration: Duration, future: F) -> Timeout<F> {
    Timeout { value: future, delay: sleep(duration) }
}

/// Like [`timeout`], with an absolute deadline.
///
/// # Panics
/// When called outside a solio runtime.
///
/// # Examples
/// ```
/// use std::time::Duration;
/// use solio::time::{Instant, sleep, timeout_at};
///
/// let rt = solio::Runtime::builder().paused_clock(true).build().unwrap();
/// rt.block_on(async {
///     let deadline = Instant::now() + Duration::from_secs(1);
///     let r = timeout_at(deadline, sleep(Duration::from_secs(2))).await;
///     assert!(r.is_err());
///     assert_eq!(Instant::now(), deadline);
/// });
/// ```
#[track_caller]
pub fn timeout_at<F: Future>(deadline: Instant, future: F) -> Timeout<F> {
    Timeout { value: future, delay: sleep_until(deadline) }
}

pin_project! {
    /// Future returned by [`timeout`] and [`timeout_at`].
    #[must_use = "futures do nothing unless awaited"]
    #[derive(Debug)]
    pub struct Timeout<F> {
        #[pin]
        value: F,
        delay: Sleep,
    }
}

impl<F> Timeout<F> {
    /// The wrapped future.
    pub fn get_ref(&self) -> &F {
        &self.value
    }

    /// The wrapped future, mutably.
    pub fn get_mut(&mut self) -> &mut F {
        &mut self.value
    }

    /// Gives the wrapped future back, dropping the timer.
    pub fn into_inner(self) -> F {
        self.value
    }

    /// The deadline.
    pub fn deadline(&self) -> Instant {
        self.delay.deadline()
    }
}

impl<F: Future> Future for Timeout<F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        // The value is polled first, so a value ready at the deadline wins.
        if let Poll::Ready(v) = this.value.poll(cx) {
            return Poll::Ready(Ok(v));
        }
        match Pin::new(this.delay).poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(Elapsed(()))),
            Poll::Pending => Poll::Pending,
        }
    }
}

/// The error of a [`Timeout`] whose deadline passed first.
///
/// # Examples
/// ```
/// use std::time::Duration;
/// solio::run(async {
///     let err = solio::time::timeout(Duration::ZERO, std::future::pending::<()>()).await.unwrap_err();
///     assert_eq!(err.to_string(), "deadline has elapsed");
///     let io: std::io::Error = err.into();
///     assert_eq!(io.kind(), std::io::ErrorKind::TimedOut);
/// });
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Elapsed(());

impl fmt::Debug for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Elapsed")
    }
}

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("deadline has elapsed")
    }
}

impl std::error::Error for Elapsed {}

impl From<Elapsed> for std::io::Error {
    fn from(e: Elapsed) -> std::io::Error {
        std::io::Error::new(std::io::ErrorKind::TimedOut, e)
    }
}
