//! A one-shot channel: one value from one sender to one receiver.
//!
//! The usual way to hand a single result from one task to another (an asyncio `Future` set with
//! `set_result`). Both halves stay on the runtime's thread (`!Send`).

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

/// Creates a one-shot channel.
///
/// # Examples
/// ```
/// use solio::sync::oneshot;
///
/// solio::run(async {
///     let (tx, rx) = oneshot::channel();
///     solio::spawn(async move { tx.send("ready").unwrap() });
///     assert_eq!(rx.await, Ok("ready"));
/// });
/// ```
pub fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let inner =
        Rc::new(RefCell::new(Inner { value: None, waker: None, sender_gone: false, receiver_gone: false }));
    (Sender { inner: inner.clone() }, Receiver { inner })
}

struct Inner<T> {
    value: Option<T>,
    /// The receiving task, woken by `send` or by the sender's drop.
    waker: Option<Waker>,
    sender_gone: bool,
    receiver_gone: bool,
}

/// The sending half; [`send`](Sender::send) consumes it.
pub struct Sender<T> {
    inner: Rc<RefCell<Inner<T>>>,
}

/// The receiving half: a future of the value, or [`RecvError`] if the sender was dropped without sending.
///
/// # Cancel safety
/// Dropping the `.await` loses nothing: a value sent meanwhile stays in the channel.
#[must_use = "futures do nothing unless awaited"]
pub struct Receiver<T> {
    inner: Rc<RefCell<Inner<T>>>,
}

impl<T> Sender<T> {
    /// Sends `value`, waking the receiver. Gives the value back if the receiver is gone.
    ///
    /// # Examples
    /// ```
    /// let (tx, rx) = solio::sync::oneshot::channel();
    /// drop(rx);
    /// assert_eq!(tx.send(5), Err(5));
    /// ```
    pub fn send(self, value: T) -> Result<(), T> {
        let waker = {
            let mut inner = self.inner.borrow_mut();
            if inner.receiver_gone {
                return Err(value);
            }
            inner.value = Some(value);
            inner.waker.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
        Ok(())
    }

    /// True if the receiver was dropped or closed: a `send` would fail.
    ///
    /// # Examples
    /// ```
    /// let (tx, mut rx) = solio::sync::oneshot::channel::<u8>();
    /// assert!(!tx.is_closed());
    /// rx.close();
    /// assert!(tx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.inner.borrow().receiver_gone
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let waker = {
            let mut inner = self.inner.borrow_mut();
            inner.sender_gone = true;
            inner.waker.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
    }
}

impl<T> Receiver<T> {
    /// Takes the value if it was sent, without waiting.
    ///
    /// # Examples
    /// ```
    /// use solio::sync::oneshot::{channel, TryRecvError};
    ///
    /// let (tx, mut rx) = channel();
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    /// tx.send(1).unwrap();
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    /// ```
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        let mut inner = self.inner.borrow_mut();
        match inner.value.take() {
            Some(v) => Ok(v),
            None if inner.sender_gone => Err(TryRecvError::Closed),
            None => Err(TryRecvError::Empty),
        }
    }

    /// Refuses any further value: a later `send` fails and gives the value back. A value already sent
    /// can still be taken with [`try_recv`](Receiver::try_recv).
    pub fn close(&mut self) {
        self.inner.borrow_mut().receiver_gone = true;
    }
}

impl<T> Future for Receiver<T> {
    type Output = Result<T, RecvError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut inner = self.inner.borrow_mut();
        if let Some(v) = inner.value.take() {
            return Poll::Ready(Ok(v));
        }
        if inner.sender_gone {
            return Poll::Ready(Err(RecvError(())));
        }
        match &inner.waker {
            Some(w) if w.will_wake(cx.waker()) => {}
            _ => inner.waker = Some(cx.waker().clone()),
        }
        Poll::Pending
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        let mut inner = self.inner.borrow_mut();
        inner.receiver_gone = true;
        // Drop an unreceived value now rather than with the last `Rc`.
        let value = inner.value.take();
        drop(inner);
        drop(value);
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender").field("closed", &self.is_closed()).finish()
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = self.inner.borrow();
        f.debug_struct("Receiver")
            .field("has_value", &inner.value.is_some())
            .field("sender_gone", &inner.sender_gone)
            .finish()
    }
}

/// The sender was dropped without sending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecvError(());

impl fmt::Display for RecvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("channel closed: the sender was dropped without sending")
    }
}

impl std::error::Error for RecvError {}

/// Why [`Receiver::try_recv`] returned no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TryRecvError {
    /// Nothing sent yet.
    Empty,
    /// The sender is gone (dropped, or the value was already taken).
    Closed,
}

impl fmt::Display for TryRecvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TryRecvError::Empty => f.write_str("channel empty"),
            TryRecvError::Closed => f.write_str("channel closed"),
        }
    }
}

impl std::error::Error for TryRecvError {}
