//! The RAII guards for permits of a [`Semaphore`]: borrowed ([`SemaphorePermit`]) and owning an
//! [`Rc`] of the semaphore ([`OwnedSemaphorePermit`]). Dropping one gives its permits back, which
//! serves the waiters in line.

use std::fmt;
use std::mem;
use std::rc::Rc;

use super::Semaphore;

/// Permits borrowed from a [`Semaphore`], given back when dropped.
///
/// # Examples
///
/// ```
/// let sem = solio::sync::Semaphore::new(2);
/// {
///     let _permit = sem.try_acquire().unwrap();
///     assert_eq!(sem.available_permits(), 1);
/// }
/// assert_eq!(sem.available_permits(), 2);
/// ```
#[must_use = "the permits are released as soon as the guard is dropped"]
pub struct SemaphorePermit<'a> {
    pub(super) sem: &'a Semaphore,
    pub(super) permits: usize,
}

impl SemaphorePermit<'_> {
    /// The number of permits this guard holds.
    ///
    /// # Examples
    ///
    /// ```
    /// let sem = solio::sync::Semaphore::new(3);
    /// assert_eq!(sem.try_acquire_many(2).unwrap().num_permits(), 2);
    /// ```
    pub fn num_permits(&self) -> usize {
        self.permits
    }

    /// Drops the guard without giving its permits back: the semaphore has that many fewer for good
    /// (a [`BoundedSemaphore`](super::BoundedSemaphore) can take them back with
    /// [`release`](super::BoundedSemaphore::release)).
    ///
    /// # Examples
    ///
    /// ```
    /// let sem = solio::sync::Semaphore::new(2);
    /// sem.try_acquire().unwrap().forget();
    /// assert_eq!(sem.available_permits(), 1);
    /// ```
    pub fn forget(mut self) {
        self.sem.forget(mem::take(&mut self.permits));
    }
}

impl Drop for SemaphorePermit<'_> {
    fn drop(&mut self) {
        self.sem.release(self.permits);
    }
}

impl fmt::Debug for SemaphorePermit<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SemaphorePermit").field("permits", &self.permits).finish_non_exhaustive()
    }
}

/// Permits from a [`Semaphore`] shared through an [`Rc`], given back when dropped; unlike
/// [`SemaphorePermit`] it borrows nothing, so it can move into a spawned task.
///
/// # Examples
///
/// ```
/// use std::rc::Rc;
///
/// let sem = Rc::new(solio::sync::Semaphore::new(1));
/// let permit = sem.clone().try_acquire_owned().unwrap();
/// assert!(Rc::ptr_eq(permit.semaphore(), &sem));
/// drop(permit);
/// assert_eq!(sem.available_permits(), 1);
/// ```
#[must_use = "the permits are released as soon as the guard is dropped"]
pub struct OwnedSemaphorePermit {
    pub(super) sem: Rc<Semaphore>,
    pub(super) permits: usize,
}

impl OwnedSemaphorePermit {
    /// The number of permits this guard holds.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::rc::Rc;
    ///
    /// let sem = Rc::new(solio::sync::Semaphore::new(3));
    /// assert_eq!(sem.try_acquire_many_owned(3).unwrap().num_permits(), 3);
    /// ```
    pub fn num_permits(&self) -> usize {
        self.permits
    }

    /// The semaphore the permits came from.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::rc::Rc;
    ///
    /// let sem = Rc::new(solio::sync::Semaphore::new(1));
    /// let permit = sem.clone().try_acquire_owned().unwrap();
    /// assert_eq!(permit.semaphore().available_permits(), 0);
    /// ```
    pub fn semaphore(&self) -> &Rc<Semaphore> {
        &self.sem
    }

    /// Drops the guard without giving its permits back, as [`SemaphorePermit::forget`].
    ///
    /// # Examples
    ///
    /// ```
    /// use std::rc::Rc;
    ///
    /// let sem = Rc::new(solio::sync::Semaphore::new(2));
    /// sem.clone().try_acquire_owned().unwrap().forget();
    /// assert_eq!(sem.available_permits(), 1);
    /// ```
    pub fn forget(mut self) {
        self.sem.forget(mem::take(&mut self.permits));
    }
}

impl Drop for OwnedSemaphorePermit {
    fn drop(&mut self) {
        self.sem.release(self.permits);
    }
}

impl fmt::Debug for OwnedSemaphorePermit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnedSemaphorePermit").field("permits", &self.permits).finish_non_exhaustive()
    }
}
