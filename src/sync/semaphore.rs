//! [`Semaphore`] and [`BoundedSemaphore`]: asyncio's `Semaphore(n)` and `BoundedSemaphore(n)`, with RAII
//! permits in place of `async with`.
//!
//! The count of free permits lives in a `Cell`; futures that cannot be served at once queue on a
//! [`WaiterList`] in arrival order. Releasing permits serves the head of the line while the free count
//! covers its whole request (head-of-line: a large `acquire_many` is never starved by smaller requests
//! behind it), marking each served waiter `Granted` with its permits already taken from the count. A
//! newcomer takes permits at once only when nobody is in line, so it never overtakes a waiter.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::future::Future;
use std::mem;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use super::waiters::{WaiterList, serve_front};

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
    waiters: RefCell<WaiterList<Slot>>,
}

/// What a queued acquire is waiting for, and then what it got.
#[derive(Debug, Clone, Copy)]
enum Slot {
    /// In line for this many permits.
    Waiting(usize),
    /// Served: its permits have been taken from the count on its behalf.
    Granted,
    /// The semaphore was closed while it waited.
    Closed,
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
        Acquire { sem: self, waiter: Waiter::new(n) }
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
        AcquireOwned { sem: Some(self), waiter: Waiter::new(n) }
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
        serve_front(&self.waiters, usize::MAX, |_| Slot::Closed);
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
                let Some(key) = waiters.front() else {
                    return;
                };
                let Slot::Waiting(wanted) = *waiters.data(key) else {
                    unreachable!("a semaphore waiter still in line has not been served");
                };
                let free = self.permits.get();
                if wanted > free {
                    return;
                }
                self.permits.set(free - wanted);
                let (key, waker) = waiters.pop_front().expect("the head was just seen");
                *waiters.data_mut(key) = Slot::Granted;
                waker
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

/// One acquire request's progress, shared by the borrowed and the owned futures.
#[derive(Debug)]
struct Waiter {
    wanted: usize,
    state: WaiterState,
}

#[derive(Debug, Clone, Copy)]
enum WaiterState {
    /// Not polled yet.
    Idle,
    /// In the semaphore's waiter list under this key (in line, or served but not yet polled).
    Queued(usize),
    /// Returned its output; nothing left to clean up.
    Done,
}

impl Waiter {
    fn new(wanted: usize) -> Self {
        Waiter { wanted, state: WaiterState::Idle }
    }

    fn poll_acquire(&mut self, sem: &Semaphore, cx: &mut Context<'_>) -> Poll<Result<(), AcquireError>> {
        match self.state {
            WaiterState::Idle => {
                if sem.closed.get() {
                    self.state = WaiterState::Done;
                    return Poll::Ready(Err(AcquireError(())));
                }
                let mut waiters = sem.waiters.borrow_mut();
                let free = sem.permits.get();
                if waiters.is_empty() && free >= self.wanted {
                    sem.permits.set(free - self.wanted);
                    self.state = WaiterState::Done;
                    Poll::Ready(Ok(()))
                } else {
                    let key = waiters.push_back(Slot::Waiting(self.wanted), cx.waker());
                    self.state = WaiterState::Queued(key);
                    Poll::Pending
                }
            }
            WaiterState::Queued(key) => {
                let mut waiters = sem.waiters.borrow_mut();
                let result = match *waiters.data(key) {
                    Slot::Waiting(_) => {
                        waiters.set_waker(key, cx.waker());
                        return Poll::Pending;
                    }
                    Slot::Granted => Ok(()),
                    Slot::Closed => Err(AcquireError(())),
                };
                waiters.remove(key);
                self.state = WaiterState::Done;
                Poll::Ready(result)
            }
            WaiterState::Done => panic!("semaphore acquire polled after it completed"),
        }
    }

    /// Leaves the line when the future is dropped early, handing on whatever it was given.
    fn cancel(&mut self, sem: &Semaphore) {
        let WaiterState::Queued(key) = mem::replace(&mut self.state, WaiterState::Done) else {
            return;
        };
        let (slot, _) = sem.waiters.borrow_mut().remove(key);
        match slot {
            // It may have been the head holding back smaller requests that the free permits cover.
            Slot::Waiting(_) => sem.serve_waiters(),
            Slot::Granted => sem.release(self.wanted),
            Slot::Closed => {}
        }
    }
}

struct Acquire<'a> {
    sem: &'a Semaphore,
    waiter: Waiter,
}

impl<'a> Future for Acquire<'a> {
    type Output = Result<SemaphorePermit<'a>, AcquireError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        this.waiter
            .poll_acquire(this.sem, cx)
            .map_ok(|()| SemaphorePermit { sem: this.sem, permits: this.waiter.wanted })
    }
}

impl Drop for Acquire<'_> {
    fn drop(&mut self) {
        self.waiter.cancel(self.sem);
    }
}

struct AcquireOwned {
    /// Taken when the permit is returned.
    sem: Option<Rc<Semaphore>>,
    waiter: Waiter,
}

impl Future for AcquireOwned {
    type Output = Result<OwnedSemaphorePermit, AcquireError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let sem = this.sem.as_deref().expect("semaphore acquire polled after it completed");
        let result = std::task::ready!(this.waiter.poll_acquire(sem, cx));
        let sem = this.sem.take().expect("checked above");
        Poll::Ready(result.map(|()| OwnedSemaphorePermit { sem, permits: this.waiter.wanted }))
    }
}

impl Drop for AcquireOwned {
    fn drop(&mut self) {
        if let Some(sem) = &self.sem {
            self.waiter.cancel(sem);
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
