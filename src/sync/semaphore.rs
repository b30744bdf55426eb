//! [`Semaphore`] and [`BoundedSemaphore`]: asyncio's `Semaphore(n)` and `BoundedSemaphore(n)`, with RAII
//! permits in place of `async with`.
//!
//! The count of free permits lives in a `Cell`; futures that cannot be served at once queue on a
//! [`WaiterList`] in arrival order. Releasing permits serves the head of the line while the free count
//! covers its whole request (head-of-line: a large `acquire_many` is never starved by smaller requests
//! behind it), serving each waiter with its permits already taken from the count. A newcomer takes
//! permits at once only when nobody is in line, so it never overtakes a waiter.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use super::waiters::{Slot, Waiter, WaiterList, serve_front};

mod bounded;
mod permit;

pub use self::bounded::{BoundedSemaphore, ReleaseError};
pub use self::permit::{OwnedSemaphorePermit, SemaphorePermit};

/// A count of permits that futures acquire and release, waiting in FIFO order when there are not
/// enough: asyncio's `Semaphore`.
///
/// [`acquire`](Semaphore::acquire) waits for a permit and returns a [`SemaphorePermit`] guard that
/// gives it back when dropped, which is what `async with sem:` does in Python. Borrow the semaphore
/// (`&sem`) from futures run in the same task, or share it with [`Rc`] across spawned tasks, where
/// [`acquire_owned`](Semaphore::acquire_owned) gives a permit that can move into the task.
///
/// Waiters are served strictly in arrival order: a newcomer never overtakes a queued waiter, even when
/// enough permits are free for it, and a waiter asking for several permits holds back the ones behind it
/// until it can be served whole.
///
/// # Examples
///
/// At most two of the five tasks run their critical section at once:
///
/// ```
/// use std::cell::Cell;
/// use std::rc::Rc;
/// use solio::sync::Semaphore;
///
/// solio::run(async {
///     let sem = Rc::new(Semaphore::new(2));
///     let inside = Rc::new(Cell::new(0));
///     let mut handles = Vec::new();
///     for _ in 0..5 {
///         let (sem, inside) = (sem.clone(), inside.clone());
///         handles.push(solio::spawn(async move {
///             let _permit = sem.acquire().await.unwrap();
///             inside.set(inside.get() + 1);
///             assert!(inside.get() <= 2);
///             solio::yield_now().await;
///             inside.set(inside.get() - 1);
///         }));
///     }
///     for handle in handles {
///         handle.await.unwrap();
///     }
///     assert_eq!(sem.available_permits(), 2);
/// });
/// ```
pub struct Semaphore {
    /// Free permits, not promised to anybody.
    permits: Cell<usize>,
    closed: Cell<bool>,
    /// Permits taken out of circulation by `forget`; a [`BoundedSemaphore`] may release these again.
    forgotten: Cell<usize>,
    /// Behind a [`BoundedSemaphore`]: `add_permits` would pass the bound, so it refuses.
    bounded: bool,
    /// Acquires in line with the number of permits each wants; each is served `Ok` with the permits
    /// once they have been taken from the count on its behalf, or `Err` when the semaphore closes.
    waiters: RefCell<WaiterList<usize, Result<usize, AcquireError>>>,
}

impl Semaphore {
    /// Creates a semaphore with `permits` free permits.
    ///
    /// # Examples
    ///
    /// ```
    /// let sem = solio::sync::Semaphore::new(3);
    /// assert_eq!(sem.available_permits(), 3);
    /// ```
    pub const fn new(permits: usize) -> Self {
        Semaphore {
            permits: Cell::new(permits),
            closed: Cell::new(false),
            forgotten: Cell::new(0),
            bounded: false,
            waiters: RefCell::new(WaiterList::new()),
        }
    }

    /// The semaphore inside a [`BoundedSemaphore`].
    pub(super) fn new_bounded(permits: usize) -> Self {
        Semaphore { bounded: true, ..Semaphore::new(permits) }
    }

    /// The number of free permits.
    ///
    /// Permits handed to a waiter that has not run yet are no longer free.
    ///
    /// # Examples
    ///
    /// ```
    /// let sem = solio::sync::Semaphore::new(3);
    /// let permit = sem.try_acquire_many(2).unwrap();
    /// assert_eq!(sem.available_permits(), 1);
    /// drop(permit);
    /// assert_eq!(sem.available_permits(), 3);
    /// ```
    pub fn available_permits(&self) -> usize {
        self.permits.get()
    }

    /// Waits for one permit and returns it as a guard that releases it when dropped.
    ///
    /// # Errors
    ///
    /// [`AcquireError`] if the semaphore is closed, before or while waiting.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe, and fair: dropping the future gives up its place in line, and if it had already
    /// been handed its permit but not run yet, the permit goes back to the semaphore and on to the next
    /// waiter. No permit is lost and no waiter behind it is left waiting.
    ///
    /// # Examples
    ///
    /// ```
    /// use solio::sync::Semaphore;
    ///
    /// solio::run(async {
    ///     let sem = Semaphore::new(1);
    ///     let permit = sem.acquire().await.unwrap();
    ///     assert_eq!(sem.available_permits(), 0);
    ///     drop(permit);
    ///     assert_eq!(sem.available_permits(), 1);
    /// });
    /// ```
    pub fn acquire(&self) -> impl Future<Output = Result<SemaphorePermit<'_>, AcquireError>> {
        self.acquire_many(1)
    }

    /// Waits for `n` permits at once and returns them as one guard.
    ///
    /// The request waits in line as a whole: while it is at the head, waiters behind it are not served
    /// even if they ask for fewer permits than are free. Asking for zero permits succeeds as soon as
    /// the request reaches the head of the line; asking for more permits than will ever be free holds
    /// the line until the request is dropped or the semaphore closed.
    ///
    /// # Errors
    ///
    /// [`AcquireError`] if the semaphore is closed, before or while waiting.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe, as [`acquire`](Semaphore::acquire): a dropped request gives back any permits it
    /// was handed and lets the waiters it held back go ahead.
    ///
    /// # Examples
    ///
    /// ```
    /// use solio::sync::Semaphore;
    ///
    /// solio::run(async {
    ///     let sem = Semaphore::new(5);
    ///     let permits = sem.acquire_many(3).await.unwrap();
    ///     assert_eq!(permits.num_permits(), 3);
    ///     assert_eq!(sem.available_permits(), 2);
    /// });
    /// ```
    pub fn acquire_many(&self, n: usize) -> impl Future<Output = Result<SemaphorePermit<'_>, AcquireError>> {
        Acquire::new(self, n)
    }

    /// Takes one permit if it is free and nobody is waiting, without waiting.
    ///
    /// # Errors
    ///
    /// [`TryAcquireError::NoPermits`] if no permit is free or other futures are already waiting;
    /// [`TryAcquireError::Closed`] if the semaphore is closed.
    ///
    /// # Examples
    ///
    /// ```
    /// use solio::sync::{Semaphore, TryAcquireError};
    ///
    /// let sem = Semaphore::new(1);
    /// let permit = sem.try_acquire().unwrap();
    /// assert_eq!(sem.try_acquire().unwrap_err(), TryAcquireError::NoPermits);
    /// drop(permit);
    /// assert!(sem.try_acquire().is_ok());
    /// ```
    pub fn try_acquire(&self) -> Result<SemaphorePermit<'_>, TryAcquireError> {
        self.try_acquire_many(1)
    }

    /// Takes `n` permits if they are free and nobody is waiting, without waiting.
    ///
    /// # Errors
    ///
    /// [`TryAcquireError::NoPermits`] if fewer than `n` permits are free or other futures are already
    /// waiting; [`TryAcquireError::Closed`] if the semaphore is closed.
    ///
    /// # Examples
    ///
    /// ```
    /// use solio::sync::{Semaphore, TryAcquireError};
    ///
    /// let sem = Semaphore::new(3);
    /// assert_eq!(sem.try_acquire_many(4).unwrap_err(), TryAcquireError::NoPermits);
    /// let permits = sem.try_acquire_many(3).unwrap();
    /// assert_eq!(permits.num_permits(), 3);
    /// ```
    pub fn try_acquire_many(&self, n: usize) -> Result<SemaphorePermit<'_>, TryAcquireError> {
        self.try_take(n)?;
        Ok(SemaphorePermit { sem: self, permits: n })
    }

    /// Waits for one permit that holds an [`Rc`] of the semaphore, so it can move into a spawned task.
    ///
    /// # Errors
    ///
    /// [`AcquireError`] if the semaphore is closed, before or while waiting.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe, as [`acquire`](Semaphore::acquire).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::rc::Rc;
    /// use solio::sync::Semaphore;
    ///
    /// solio::run(async {
    ///     let sem = Rc::new(Semaphore::new(1));
    ///     let permit = sem.clone().acquire_owned().await.unwrap();
    ///     let task = solio::spawn(async move {
    ///         let _permit = permit; // released when the task ends
    ///     });
    ///     task.await.unwrap();
    ///     assert_eq!(sem.available_permits(), 1);
    /// });
    /// ```
    pub fn acquire_owned(self: Rc<Self>) -> impl Future<Output = Result<OwnedSemaphorePermit, AcquireError>> {
        self.acquire_many_owned(1)
    }

    /// Waits for `n` permits at once, as [`acquire_many`](Semaphore::acquire_many), returning a guard
    /// that holds an [`Rc`] of the semaphore.
    ///
    /// # Errors
    ///
    /// [`AcquireError`] if the semaphore is closed, before or while waiting.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe, as [`acquire_many`](Semaphore::acquire_many).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::rc::Rc;
    /// use solio::sync::Semaphore;
    ///
    /// solio::run(async {
    ///     let sem = Rc::new(Semaphore::new(4));
    ///     let permits = sem.clone().acquire_many_owned(4).await.unwrap();
    ///     assert_eq!(permits.num_permits(), 4);
    ///     assert_eq!(sem.available_permits(), 0);
    /// });
    /// ```
    pub fn acquire_many_owned(
        self: Rc<Self>,
        n: usize,
    ) -> impl Future<Output = Result<OwnedSemaphorePermit, AcquireError>> {
        Acquire::new(self, n)
    }

    /// Takes one permit without waiting, as [`try_acquire`](Semaphore::try_acquire), returning a guard
    /// that holds an [`Rc`] of the semaphore.
    ///
    /// # Errors
    ///
    /// As [`try_acquire`](Semaphore::try_acquire).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::rc::Rc;
    /// use solio::sync::Semaphore;
    ///
    /// let sem = Rc::new(Semaphore::new(1));
    /// let permit = sem.clone().try_acquire_owned().unwrap();
    /// assert!(sem.clone().try_acquire_owned().is_err());
    /// drop(permit);
    /// assert_eq!(sem.available_permits(), 1);
    /// ```
    pub fn try_acquire_owned(self: Rc<Self>) -> Result<OwnedSemaphorePermit, TryAcquireError> {
        self.try_acquire_many_owned(1)
    }

    /// Takes `n` permits without waiting, as [`try_acquire_many`](Semaphore::try_acquire_many),
    /// returning a guard that holds an [`Rc`] of the semaphore.
    ///
    /// # Errors
    ///
    /// As [`try_acquire_many`](Semaphore::try_acquire_many).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::rc::Rc;
    /// use solio::sync::Semaphore;
    ///
    /// let sem = Rc::new(Semaphore::new(3));
    /// let permits = sem.clone().try_acquire_many_owned(2).unwrap();
    /// assert_eq!(permits.num_permits(), 2);
    /// assert_eq!(sem.available_permits(), 1);
    /// ```
    pub fn try_acquire_many_owned(self: Rc<Self>, n: usize) -> Result<OwnedSemaphorePermit, TryAcquireError> {
        self.try_take(n)?;
        Ok(OwnedSemaphorePermit { sem: self, permits: n })
    }

    /// Adds `n` permits, serving waiters in line with them.
    ///
    /// # Panics
    ///
    /// If the number of free permits would overflow `usize`.
    ///
    /// # Examples
    ///
    /// ```
    /// let sem = solio::sync::Semaphore::new(0);
    /// sem.add_permits(2);
    /// assert_eq!(sem.available_permits(), 2);
    /// ```
    ///
    /// # Panics
    ///
    /// On the semaphore behind a [`BoundedSemaphore`] (reachable through
    /// [`OwnedSemaphorePermit::semaphore`]): adding permits would pass its bound. Use
    /// [`BoundedSemaphore::release`] there.
    pub fn add_permits(&self, n: usize) {
        assert!(
            !self.bounded,
            "Semaphore::add_permits on the semaphore of a BoundedSemaphore would pass its bound; use \
             BoundedSemaphore::release"
        );
        self.release(n);
    }

    /// Closes the semaphore: every waiting acquire fails with [`AcquireError`], and so does every later
    /// one. Permits already held stay valid and are still given back when dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// use solio::sync::{Semaphore, TryAcquireError};
    ///
    /// solio::run(async {
    ///     let sem = Semaphore::new(1);
    ///     sem.close();
    ///     assert!(sem.is_closed());
    ///     assert!(sem.acquire().await.is_err());
    ///     assert_eq!(sem.try_acquire().unwrap_err(), TryAcquireError::Closed);
    /// });
    /// ```
    pub fn close(&self) {
        self.closed.set(true);
        serve_front(&self.waiters, usize::MAX, |_, _| Err(AcquireError(())));
    }

    /// Whether [`close`](Semaphore::close) has been called.
    ///
    /// # Examples
    ///
    /// ```
    /// let sem = solio::sync::Semaphore::new(1);
    /// assert!(!sem.is_closed());
    /// sem.close();
    /// assert!(sem.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.closed.get()
    }

    /// The non-waiting path shared by every `try_` method.
    fn try_take(&self, n: usize) -> Result<(), TryAcquireError> {
        if self.closed.get() {
            return Err(TryAcquireError::Closed);
        }
        let free = self.permits.get();
        if free < n || !self.waiters.borrow().is_empty() {
            return Err(TryAcquireError::NoPermits);
        }
        self.permits.set(free - n);
        Ok(())
    }

    /// Gives `n` permits back and serves the waiters they now cover.
    fn release(&self, n: usize) {
        if n == 0 {
            return;
        }
        let permits = self.permits.get().checked_add(n);
        self.permits.set(permits.expect("semaphore permit count overflowed usize"));
        self.serve_waiters();
    }

    /// Grants permits to the head of the line for as long as the free count covers its request, waking
    /// each served waiter outside the borrow of the list.
    fn serve_waiters(&self) {
        loop {
            let waker = {
                let mut waiters = self.waiters.borrow_mut();
                let Some(&wanted) = waiters.front() else {
                    return;
                };
                let free = self.permits.get();
                if wanted > free {
                    return;
                }
                self.permits.set(free - wanted);
                waiters.serve_next(Ok).expect("the head was just seen")
            };
            waker.wake();
        }
    }
}

impl Default for Semaphore {
    /// A semaphore with one permit, as asyncio's `Semaphore()`.
    ///
    /// # Examples
    ///
    /// ```
    /// let sem = solio::sync::Semaphore::default();
    /// assert_eq!(sem.available_permits(), 1);
    /// ```
    fn default() -> Self {
        Semaphore::new(1)
    }
}

impl fmt::Debug for Semaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Semaphore")
            .field("permits", &self.permits.get())
            .field("waiters", &self.waiters.borrow().len())
            .field("closed", &self.closed.get())
            .finish()
    }
}

/// The future of every acquire, borrowed (`S = &Semaphore`) or owned (`S = Rc<Semaphore>`); its waiter
/// holds the number of permits asked for until it queues.
struct Acquire<S: Deref<Target = Semaphore>> {
    /// Taken when the future completes, so that an owned acquire lets go of its `Rc` at once.
    sem: Option<S>,
    waiter: Waiter<usize>,
}

impl<S: Deref<Target = Semaphore>> Acquire<S> {
    fn new(sem: S, wanted: usize) -> Self {
        Acquire { sem: Some(sem), waiter: Waiter::new(wanted) }
    }

    /// Polls for the permits: on the first poll takes them at once if nobody is in line, else waits
    /// in line to be served. Ready with the semaphore handle and the number of permits taken.
    fn poll_acquire(&mut self, cx: &mut Context<'_>) -> Poll<Result<(S, usize), AcquireError>> {
        let sem = self.sem.as_deref().expect("semaphore acquire polled after it completed");
        let mut waiters = sem.waiters.borrow_mut();
        let result = if let Some(wanted) = self.waiter.first_poll() {
            let free = sem.permits.get();
            if sem.closed.get() {
                Err(AcquireError(()))
            } else if waiters.is_empty() && free >= wanted {
                sem.permits.set(free - wanted);
                Ok(wanted)
            } else {
                self.waiter = waiters.push_back(wanted, cx.waker());
                return Poll::Pending;
            }
        } else {
            std::task::ready!(self.waiter.poll_served(&mut waiters, cx))
        };
        drop(waiters);
        let sem = self.sem.take().expect("checked above");
        Poll::Ready(result.map(|permits| (sem, permits)))
    }
}

impl<'a> Future for Acquire<&'a Semaphore> {
    type Output = Result<SemaphorePermit<'a>, AcquireError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.get_mut().poll_acquire(cx).map_ok(|(sem, permits)| SemaphorePermit { sem, permits })
    }
}

impl Future for Acquire<Rc<Semaphore>> {
    type Output = Result<OwnedSemaphorePermit, AcquireError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.get_mut().poll_acquire(cx).map_ok(|(sem, permits)| OwnedSemaphorePermit { sem, permits })
    }
}

impl<S: Deref<Target = Semaphore>> Drop for Acquire<S> {
    /// Leaves the line when the future is dropped early, handing on whatever it was given.
    fn drop(&mut self) {
        let Some(sem) = self.sem.as_deref() else { return };
        match self.waiter.cancel(|| sem.waiters.borrow_mut()) {
            // It may have been the head holding back smaller requests that the free permits cover.
            Some(Slot::Waiting(_)) => sem.serve_waiters(),
            Some(Slot::Served(Ok(permits))) => sem.release(permits),
            Some(Slot::Served(Err(_))) | None => {}
        }
    }
}

impl Semaphore {
    fn forget(&self, n: usize) {
        self.forgotten.set(self.forgotten.get().saturating_add(n));
    }
}

/// The semaphore was closed, so no permit can be acquired.
///
/// # Examples
///
/// ```
/// solio::run(async {
///     let sem = solio::sync::Semaphore::new(1);
///     sem.close();
///     let err = sem.acquire().await.unwrap_err();
///     assert_eq!(err.to_string(), "semaphore closed");
/// });
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcquireError(());

impl fmt::Display for AcquireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("semaphore closed")
    }
}

impl std::error::Error for AcquireError {}

/// Why a `try_acquire` could not take permits at once.
///
/// # Examples
///
/// ```
/// use solio::sync::{Semaphore, TryAcquireError};
///
/// let sem = Semaphore::new(0);
/// assert_eq!(sem.try_acquire().unwrap_err(), TryAcquireError::NoPermits);
/// sem.close();
/// assert_eq!(sem.try_acquire().unwrap_err(), TryAcquireError::Closed);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TryAcquireError {
    /// Not enough permits are free, or other futures are waiting ahead.
    NoPermits,
    /// The semaphore was closed.
    Closed,
}

impl fmt::Display for TryAcquireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TryAcquireError::NoPermits => "no permits available",
            TryAcquireError::Closed => "semaphore closed",
        })
    }
}

impl std::error::Error for TryAcquireError {}
