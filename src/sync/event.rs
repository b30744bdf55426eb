//! [`Event`]: asyncio's `Event`, a flag that tasks can wait to see set.
//!
//! `set` raises the flag and releases every queued waiter by serving it from the [`WaiterList`], so a
//! released waiter returns on its next poll whatever the flag says by then.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::waiters::{Waiter, WaiterList, serve_front};

/// A flag that starts clear; [`wait`](Event::wait) returns once it is set: asyncio's `Event`.
///
/// [`set`](Event::set) releases every current waiter (in the order they started waiting) and lets
/// later waiters through at once until [`clear`](Event::clear). A waiter released by `set` returns
/// even if `clear` follows before it runs.
///
/// # Examples
///
/// ```
/// use std::rc::Rc;
/// use solio::sync::Event;
///
/// solio::run(async {
///     let ready = Rc::new(Event::new());
///     let waiter = {
///         let ready = ready.clone();
///         solio::spawn(async move {
///             ready.wait().await;
///             "went through"
///         })
///     };
///     solio::yield_now().await;
///     ready.set();
///     assert_eq!(waiter.await.unwrap(), "went through");
/// });
/// ```
pub struct Event {
    is_set: Cell<bool>,
    /// Waiters in line are those a `set` has not released yet.
    waiters: RefCell<WaiterList<(), ()>>,
}

impl Event {
    /// Creates a clear event.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(!solio::sync::Event::new().is_set());
    /// ```
    pub const fn new() -> Self {
        Event { is_set: Cell::new(false), waiters: RefCell::new(WaiterList::new()) }
    }

    /// Sets the flag and releases every waiting task.
    ///
    /// # Examples
    ///
    /// ```
    /// let event = solio::sync::Event::new();
    /// event.set();
    /// assert!(event.is_set());
    /// ```
    pub fn set(&self) {
        self.is_set.set(true);
        // Only the waiters queued now: a waker that polls inline may `clear` and `wait` again, and that
        // wait is for the next `set`.
        let waiting = self.waiters.borrow().len();
        serve_front(&self.waiters, waiting, |_, ()| ());
    }

    /// Clears the flag; later calls to [`wait`](Event::wait) block until the next [`set`](Event::set).
    ///
    /// # Examples
    ///
    /// ```
    /// let event = solio::sync::Event::new();
    /// event.set();
    /// event.clear();
    /// assert!(!event.is_set());
    /// ```
    pub fn clear(&self) {
        self.is_set.set(false);
    }

    /// Whether the flag is set.
    ///
    /// # Examples
    ///
    /// ```
    /// let event = solio::sync::Event::new();
    /// assert!(!event.is_set());
    /// ```
    pub fn is_set(&self) -> bool {
        self.is_set.get()
    }

    /// Waits until the flag is set; returns at once if it already is.
    ///
    /// The flag is read when the future is first polled, not when it is created.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: dropping the future just removes the waiter; a `set` is never lost, since it
    /// releases every waiter and leaves the flag up.
    ///
    /// # Examples
    ///
    /// ```
    /// solio::run(async {
    ///     let event = solio::sync::Event::new();
    ///     event.set();
    ///     event.wait().await; // already set: returns at once
    /// });
    /// ```
    pub fn wait(&self) -> impl Future<Output = ()> {
        Wait { event: self, waiter: Waiter::new(()) }
    }
}

impl Default for Event {
    /// Same as [`Event::new`].
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(!solio::sync::Event::default().is_set());
    /// ```
    fn default() -> Self {
        Event::new()
    }
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Event")
            .field("is_set", &self.is_set.get())
            .field("waiters", &self.waiters.borrow().len())
            .finish()
    }
}

struct Wait<'a> {
    event: &'a Event,
    waiter: Waiter<()>,
}

impl Future for Wait<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        let mut waiters = this.event.waiters.borrow_mut();
        if this.waiter.first_poll().is_some() {
            if this.event.is_set.get() {
                return Poll::Ready(());
            }
            this.waiter = waiters.push_back((), cx.waker());
            return Poll::Pending;
        }
        this.waiter.poll_served(&mut waiters, cx)
    }
}

impl Drop for Wait<'_> {
    fn drop(&mut self) {
        // A release has nothing to pass on: `set` released everyone and left the flag up.
        self.waiter.cancel(|| self.event.waiters.borrow_mut());
    }
}
