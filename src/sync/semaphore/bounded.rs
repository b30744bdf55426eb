//! [`BoundedSemaphore`]: a [`Semaphore`] whose count never exceeds its initial value.

use std::fmt;
use std::future::Future;
use std::rc::Rc;

use super::{AcquireError, OwnedSemaphorePermit, Semaphore, SemaphorePermit, TryAcquireError};

/// A [`Semaphore`] that can never hold more permits than it started with: asyncio's
/// `BoundedSemaphore`.
///
/// Its permits are the same RAII guards, which give back exactly what they took, so they cannot push
/// the count past the bound. The asyncio style of manual release is there too: take a permit out of
/// its guard with [`SemaphorePermit::forget`], and hand it back later with
/// [`release`](BoundedSemaphore::release), which fails with [`ReleaseError`] when no permit is out,
/// i.e. when releasing would exceed the initial count. There is no `add_permits`.
///
/// The semaphore lives in an [`Rc`] inside, so [`acquire_owned`](BoundedSemaphore::acquire_owned)
/// takes `&self`.
///
/// # Examples
///
/// ```
/// use solio::sync::BoundedSemaphore;
///
/// solio::run(async {
///     let sem = BoundedSemaphore::new(1);
///     assert!(sem.release().is_err()); // nothing to release yet
///
///     sem.acquire().await.unwrap().forget(); // asyncio's `await sem.acquire()`
///     assert_eq!(sem.available_permits(), 0);
///     sem.release().unwrap(); // asyncio's `sem.release()`
///     assert_eq!(sem.available_permits(), 1);
///     assert!(sem.release().is_err());
/// });
/// ```
pub struct BoundedSemaphore {
    sem: Rc<Semaphore>,
    bound: usize,
}

impl BoundedSemaphore {
    /// Creates a semaphore with `permits` free permits, which is also its bound.
    ///
    /// # Examples
    ///
    /// ```
    /// let sem = solio::sync::BoundedSemaphore::new(2);
    /// assert_eq!(sem.bound(), 2);
    /// assert_eq!(sem.available_permits(), 2);
    /// ```
    pub fn new(permits: usize) -> Self {
        BoundedSemaphore { sem: Rc::new(Semaphore::new_bounded(permits)), bound: permits }
    }

    /// The initial number of permits, which the count never exceeds.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(solio::sync::BoundedSemaphore::new(4).bound(), 4);
    /// ```
    pub fn bound(&self) -> usize {
        self.bound
    }

    /// The number of free permits.
    ///
    /// # Examples
    ///
    /// ```
    /// let sem = solio::sync::BoundedSemaphore::new(2);
    /// let _permit = sem.try_acquire().unwrap();
    /// assert_eq!(sem.available_permits(), 1);
    /// ```
    pub fn available_permits(&self) -> usize {
        self.sem.available_permits()
    }

    /// Waits for one permit, as [`Semaphore::acquire`].
    ///
    /// # Errors
    ///
    /// [`AcquireError`] if the semaphore is closed, before or while waiting.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe, as [`Semaphore::acquire`].
    ///
    /// # Examples
    ///
    /// ```
    /// solio::run(async {
    ///     let sem = solio::sync::BoundedSemaphore::new(1);
    ///     let _permit = sem.acquire().await.unwrap();
    ///     assert_eq!(sem.available_permits(), 0);
    /// });
    /// ```
    pub fn acquire(&self) -> impl Future<Output = Result<SemaphorePermit<'_>, AcquireError>> {
        self.sem.acquire()
    }

    /// Waits for `n` permits at once, as [`Semaphore::acquire_many`].
    ///
    /// # Errors
    ///
    /// [`AcquireError`] if the semaphore is closed, before or while waiting.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe, as [`Semaphore::acquire_many`].
    ///
    /// # Examples
    ///
    /// ```
    /// solio::run(async {
    ///     let sem = solio::sync::BoundedSemaphore::new(3);
    ///     let permits = sem.acquire_many(2).await.unwrap();
    ///     assert_eq!(permits.num_permits(), 2);
    /// });
    /// ```
    pub fn acquire_many(&self, n: usize) -> impl Future<Output = Result<SemaphorePermit<'_>, AcquireError>> {
        self.sem.acquire_many(n)
    }

    /// Waits for one permit that owns a handle on the semaphore, as [`Semaphore::acquire_owned`].
    ///
    /// # Errors
    ///
    /// [`AcquireError`] if the semaphore is closed, before or while waiting.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe, as [`Semaphore::acquire`].
    ///
    /// # Examples
    ///
    /// ```
    /// solio::run(async {
    ///     let sem = solio::sync::BoundedSemaphore::new(1);
    ///     let permit = sem.acquire_owned().await.unwrap();
    ///     solio::spawn(async move { drop(permit) }).await.unwrap();
    ///     assert_eq!(sem.available_permits(), 1);
    /// });
    /// ```
    pub fn acquire_owned(&self) -> impl Future<Output = Result<OwnedSemaphorePermit, AcquireError>> + use<> {
        self.sem.clone().acquire_owned()
    }

    /// Takes one permit without waiting, as [`Semaphore::try_acquire`].
    ///
    /// # Errors
    ///
    /// As [`Semaphore::try_acquire`].
    ///
    /// # Examples
    ///
    /// ```
    /// let sem = solio::sync::BoundedSemaphore::new(1);
    /// let _permit = sem.try_acquire().unwrap();
    /// assert!(sem.try_acquire().is_err());
    /// ```
    pub fn try_acquire(&self) -> Result<SemaphorePermit<'_>, TryAcquireError> {
        self.sem.try_acquire()
    }

    /// Takes `n` permits without waiting, as [`Semaphore::try_acquire_many`].
    ///
    /// # Errors
    ///
    /// As [`Semaphore::try_acquire_many`].
    ///
    /// # Examples
    ///
    /// ```
    /// let sem = solio::sync::BoundedSemaphore::new(2);
    /// assert!(sem.try_acquire_many(3).is_err());
    /// assert!(sem.try_acquire_many(2).is_ok());
    /// ```
    pub fn try_acquire_many(&self, n: usize) -> Result<SemaphorePermit<'_>, TryAcquireError> {
        self.sem.try_acquire_many(n)
    }

    /// Takes one permit without waiting, returning a guard that owns a handle on the semaphore.
    ///
    /// # Errors
    ///
    /// As [`Semaphore::try_acquire`].
    ///
    /// # Examples
    ///
    /// ```
    /// let sem = solio::sync::BoundedSemaphore::new(1);
    /// let permit = sem.try_acquire_owned().unwrap();
    /// assert_eq!(sem.available_permits(), 0);
    /// drop(permit);
    /// assert_eq!(sem.available_permits(), 1);
    /// ```
    pub fn try_acquire_owned(&self) -> Result<OwnedSemaphorePermit, TryAcquireError> {
        self.sem.clone().try_acquire_owned()
    }

    /// Gives back one permit that was taken out of its guard with `forget`, serving the next waiter.
    ///
    /// # Errors
    ///
    /// [`ReleaseError`] if no forgotten permit is outstanding: every permit is either free or held by a
    /// guard, so releasing would push the count past [`bound`](BoundedSemaphore::bound).
    ///
    /// # Examples
    ///
    /// ```
    /// use solio::sync::{BoundedSemaphore, ReleaseError};
    ///
    /// let sem = BoundedSemaphore::new(2);
    /// let guarded = sem.try_acquire().unwrap();
    /// assert!(matches!(sem.release(), Err(ReleaseError { .. })));
    /// sem.try_acquire().unwrap().forget();
    /// assert_eq!(sem.release(), Ok(()));
    /// drop(guarded);
    /// assert_eq!(sem.available_permits(), 2);
    /// ```
    pub fn release(&self) -> Result<(), ReleaseError> {
        let forgotten = self.sem.forgotten.get();
        if forgotten == 0 {
            return Err(ReleaseError { bound: self.bound });
        }
        self.sem.forgotten.set(forgotten - 1);
        self.sem.release(1);
        Ok(())
    }

    /// Closes the semaphore, as [`Semaphore::close`].
    ///
    /// # Examples
    ///
    /// ```
    /// let sem = solio::sync::BoundedSemaphore::new(1);
    /// sem.close();
    /// assert!(sem.try_acquire().is_err());
    /// ```
    pub fn close(&self) {
        self.sem.close();
    }

    /// Whether [`close`](BoundedSemaphore::close) has been called.
    ///
    /// # Examples
    ///
    /// ```
    /// let sem = solio::sync::BoundedSemaphore::new(1);
    /// sem.close();
    /// assert!(sem.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.sem.is_closed()
    }
}

impl fmt::Debug for BoundedSemaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BoundedSemaphore")
            .field("bound", &self.bound)
            .field("permits", &self.sem.permits.get())
            .field("waiters", &self.sem.waiters.borrow().len())
            .field("closed", &self.sem.closed.get())
            .finish()
    }
}

/// [`BoundedSemaphore::release`] was called with no permit out to release: it would have raised the
/// count past the bound.
///
/// # Examples
///
/// ```
/// let sem = solio::sync::BoundedSemaphore::new(3);
/// let err = sem.release().unwrap_err();
/// assert_eq!(err.to_string(), "semaphore released too many times (bound 3)");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseError {
    bound: usize,
}

impl fmt::Display for ReleaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "semaphore released too many times (bound {})", self.bound)
    }
}

impl std::error::Error for ReleaseError {}
