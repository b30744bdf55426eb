//! Helpers shared by the `sync_*` tests (kept apart from `tests/support`, which the runtime tests use).
//!
//! [`Manual`] polls one future by hand with its own waker, so a test can step several waiters in an
//! exact order and see which of them were woken, with no runtime in between. Tests that need tasks,
//! aborts or time use the solio runtime instead.

// Each test file uses its own subset of these helpers.
#![allow(dead_code)]

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};

/// Counts the wakes it receives.
struct Counter(AtomicUsize);

impl Wake for Counter {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// A future polled by hand, as if it were a task of its own. Dropping it cancels the future.
pub(crate) struct Manual<F: Future> {
    future: Pin<Box<F>>,
    counter: Arc<Counter>,
    waker: Waker,
    seen: usize,
}

impl<F: Future> Manual<F> {
    pub(crate) fn new(future: F) -> Self {
        let counter = Arc::new(Counter(AtomicUsize::new(0)));
        Manual { future: Box::pin(future), waker: Waker::from(counter.clone()), counter, seen: 0 }
    }

    /// Polls once.
    pub(crate) fn poll(&mut self) -> Poll<F::Output> {
        self.future.as_mut().poll(&mut Context::from_waker(&self.waker))
    }

    /// Polls once and expects the future to be pending.
    #[track_caller]
    pub(crate) fn pending(&mut self) {
        assert!(self.poll().is_pending(), "expected the future to be pending");
    }

    /// Polls once and expects the future to complete.
    #[track_caller]
    pub(crate) fn ready(&mut self) -> F::Output {
        match self.poll() {
            Poll::Ready(output) => output,
            Poll::Pending => panic!("expected the future to complete"),
        }
    }

    /// Whether the future has been woken since the last call.
    pub(crate) fn woken(&mut self) -> bool {
        let now = self.counter.0.load(Ordering::SeqCst);
        let woken = now > self.seen;
        self.seen = now;
        woken
    }
}

/// Polls a future once, by hand, and returns what it gave.
pub(crate) fn poll_once<F: Future>(future: F) -> Poll<F::Output> {
    Manual::new(future).poll()
}

/// Runs `body` as a task of its own on a fresh runtime, the way asyncio runs a test coroutine, so
/// that `yields(1)` in the body lets every task that was ready before it run exactly once. (The future
/// given to `block_on` itself is polled outside the run queue, and a yield there lets the runtime
/// drain up to a whole batch of tasks first.)
pub(crate) fn run<F>(body: F) -> F::Output
where
    F: Future + 'static,
    F::Output: 'static,
{
    solio::run(as_task(body))
}

/// [`run`] on a runtime whose clock is paused: timers fire as soon as every task is idle, in
/// deadline order, so timed scenarios take no real time.
pub(crate) fn run_paused<F>(body: F) -> F::Output
where
    F: Future + 'static,
    F::Output: 'static,
{
    solio::Runtime::builder().paused_clock(true).build().expect("runtime").block_on(as_task(body))
}

async fn as_task<F>(body: F) -> F::Output
where
    F: Future + 'static,
    F::Output: 'static,
{
    match solio::spawn(body).await {
        Ok(output) => output,
        Err(err) => std::panic::resume_unwind(err.into_panic()),
    }
}

/// Yields `n` times: asyncio's `await asyncio.sleep(0)`, `n` times over.
pub(crate) async fn yields(n: usize) {
    for _ in 0..n {
        solio::yield_now().await;
    }
}

/// A log that tasks share to record what happened, in order.
#[derive(Debug)]
pub(crate) struct Log<T>(std::rc::Rc<std::cell::RefCell<Vec<T>>>);

impl<T> Clone for Log<T> {
    fn clone(&self) -> Self {
        Log(self.0.clone())
    }
}

impl<T: Clone> Log<T> {
    pub(crate) fn new() -> Self {
        Log(Default::default())
    }

    pub(crate) fn push(&self, entry: T) {
        self.0.borrow_mut().push(entry);
    }

    pub(crate) fn get(&self) -> Vec<T> {
        self.0.borrow().clone()
    }

    pub(crate) fn len(&self) -> usize {
        self.0.borrow().len()
    }
}
