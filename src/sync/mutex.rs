//! [`Mutex`]: asyncio's `Lock`, owning the data it guards.
//!
//! The lock is a `locked` flag plus a FIFO [`WaiterList`]. Unlocking never sets the flag to false while
//! someone waits: it hands the lock straight to the first waiter (serving it and waking it),
//! so nobody can barge in between the unlock and the waiter's poll. The data sits in a `RefCell`, whose
//! `RefMut` the guard carries; the `locked` flag guarantees that only one guard exists at a time.

use std::cell::{Cell, RefCell, RefMut};
use std::fmt;
use std::future::Future;
use std::ops::{Deref, DerefMut};
use std::pin::Pin;
use std::task::{Context, Poll};

use super::waiters::{Slot, Waiter, WaiterList, serve_front};

/// A lock that futures wait for in FIFO order, guarding a value of type `T`: asyncio's `Lock`.
///
/// [`lock`](Mutex::lock) waits for the lock and returns a [`MutexGuard`] that derefs to the value and
/// unlocks when dropped (Python's `async with lock:`). Unlocking hands the lock directly to the longest
/// waiting future, so a newcomer never takes it ahead of a waiter. Borrow the mutex from futures in the
/// same task, or share it with [`Rc`](std::rc::Rc) across spawned tasks.
///
/// Holding a guard across an `.await` is what this lock is for; holding it across an `.await` that
/// waits for another task which needs the same lock is a deadlock, as in asyncio.
///
/// # Examples
///
/// ```
/// use std::rc::Rc;
/// use solio::sync::Mutex;
///
/// solio::run(async {
///     let log = Rc::new(Mutex::new(Vec::new()));
///     let mut handles = Vec::new();
///     for id in 0..3 {
///         let log = log.clone();
///         handles.push(solio::spawn(async move {
///             let mut log = log.lock().await;
///             log.push(id);
///             solio::yield_now().await; // still holding the lock
///             log.push(id);
///         }));
///     }
///     for handle in handles {
///         handle.await.unwrap();
///     }
///     assert_eq!(*log.lock().await, [0, 0, 1, 1, 2, 2]);
/// });
/// ```
pub struct Mutex<T> {
    /// True while a guard exists or the lock has been handed to a waiter that has not run yet.
    locked: Cell<bool>,
    /// Waiters in line for the lock; one that is served has been handed it.
    waiters: RefCell<WaiterList<(), ()>>,
    value: RefCell<T>,
}

impl<T> Mutex<T> {
    /// Creates an unlocked mutex holding `value`.
    ///
    /// # Examples
    ///
    /// ```
    /// let mutex = solio::sync::Mutex::new(5);
    /// assert!(!mutex.is_locked());
    /// ```
    pub const fn new(value: T) -> Self {
        Mutex {
            locked: Cell::new(false),
            waiters: RefCell::new(WaiterList::new()),
            value: RefCell::new(value),
        }
    }

    /// Waits for the lock and returns a guard giving access to the value.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe, and fair: dropping the future gives up its place in line, and if the lock had
    /// already been handed to it, it is handed on to the next waiter (or unlocked) at once.
    ///
    /// # Examples
    ///
    /// ```
    /// solio::run(async {
    ///     let mutex = solio::sync::Mutex::new(1);
    ///     *mutex.lock().await += 1;
    ///     assert_eq!(*mutex.lock().await, 2);
    /// });
    /// ```
    pub fn lock(&self) -> impl Future<Output = MutexGuard<'_, T>> {
        Lock::new(self)
    }

    /// Takes the lock if it is free, without waiting.
    ///
    /// # Errors
    ///
    /// [`TryLockError`] if the lock is held, or has been handed to a waiter that has not run yet.
    ///
    /// # Examples
    ///
    /// ```
    /// let mutex = solio::sync::Mutex::new(0);
    /// let guard = mutex.try_lock().unwrap();
    /// assert!(mutex.try_lock().is_err());
    /// drop(guard);
    /// assert!(mutex.try_lock().is_ok());
    /// ```
    pub fn try_lock(&self) -> Result<MutexGuard<'_, T>, TryLockError> {
        // Unlocked implies nobody waits: unlocking hands the lock to the first waiter instead.
        if self.locked.replace(true) {
            return Err(TryLockError(()));
        }
        Ok(MutexGuard::new(self))
    }

    /// Whether the lock is held (or handed to a waiter that has not run yet).
    ///
    /// # Examples
    ///
    /// ```
    /// let mutex = solio::sync::Mutex::new(());
    /// let guard = mutex.try_lock().unwrap();
    /// assert!(mutex.is_locked());
    /// drop(guard);
    /// assert!(!mutex.is_locked());
    /// ```
    pub fn is_locked(&self) -> bool {
        self.locked.get()
    }

    /// A mutable reference to the value, without locking: the `&mut self` proves no guard exists.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut mutex = solio::sync::Mutex::new(1);
    /// *mutex.get_mut() = 2;
    /// assert_eq!(mutex.into_inner(), 2);
    /// ```
    pub fn get_mut(&mut self) -> &mut T {
        self.value.get_mut()
    }

    /// Consumes the mutex and returns the value.
    ///
    /// # Examples
    ///
    /// ```
    /// let mutex = solio::sync::Mutex::new(String::from("hi"));
    /// assert_eq!(mutex.into_inner(), "hi");
    /// ```
    pub fn into_inner(self) -> T {
        self.value.into_inner()
    }

    /// Releases the lock held by a guard being dropped: hands it to the first waiter, or unlocks.
    fn unlock(&self) {
        // Hand the lock straight to the first waiter; with nobody in line, it is free.
        if serve_front(&self.waiters, 1, |_, ()| ()) == 0 {
            self.locked.set(false);
        }
    }
}

impl<T: Default> Default for Mutex<T> {
    /// An unlocked mutex holding `T::default()`.
    ///
    /// # Examples
    ///
    /// ```
    /// let mutex: solio::sync::Mutex<Vec<u8>> = Default::default();
    /// assert!(mutex.into_inner().is_empty());
    /// ```
    fn default() -> Self {
        Mutex::new(T::default())
    }
}

impl<T> From<T> for Mutex<T> {
    /// An unlocked mutex holding `value`.
    ///
    /// # Examples
    ///
    /// ```
    /// let mutex = solio::sync::Mutex::from(3);
    /// assert_eq!(mutex.into_inner(), 3);
    /// ```
    fn from(value: T) -> Self {
        Mutex::new(value)
    }
}

impl<T: fmt::Debug> fmt::Debug for Mutex<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Mutex");
        match self.value.try_borrow() {
            Ok(value) if !self.locked.get() => d.field("data", &&*value),
            _ => d.field("data", &format_args!("<locked>")),
        };
        d.field("waiters", &self.waiters.borrow().len()).finish()
    }
}

/// The future returned by [`Mutex::lock`]; [`Condvar`](super::Condvar) reuses it to re-lock.
pub(crate) struct Lock<'a, T> {
    mutex: &'a Mutex<T>,
    waiter: Waiter<()>,
}

impl<'a, T> Lock<'a, T> {
    pub(crate) fn new(mutex: &'a Mutex<T>) -> Self {
        Lock { mutex, waiter: Waiter::new(()) }
    }
}

impl<'a, T> Future for Lock<'a, T> {
    type Output = MutexGuard<'a, T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let mutex = this.mutex;
        if this.waiter.first_poll().is_some() {
            if !mutex.locked.replace(true) {
                return Poll::Ready(MutexGuard::new(mutex));
            }
            this.waiter = mutex.waiters.borrow_mut().push_back((), cx.waker());
            return Poll::Pending;
        }
        std::task::ready!(this.waiter.poll_served(&mut mutex.waiters.borrow_mut(), cx));
        Poll::Ready(MutexGuard::new(mutex))
    }
}

impl<T> Drop for Lock<'_, T> {
    fn drop(&mut self) {
        if let Some(Slot::Served(())) = self.waiter.cancel(|| self.mutex.waiters.borrow_mut()) {
            // Handed the lock but never took it: hand it on.
            self.mutex.unlock();
        }
    }
}

/// Access to the value of a locked [`Mutex`]; unlocks (handing the lock to the next waiter) when
/// dropped.
///
/// # Examples
///
/// ```
/// let mutex = solio::sync::Mutex::new(vec![1]);
/// {
///     let mut guard = mutex.try_lock().unwrap();
///     guard.push(2);
/// }
/// assert_eq!(mutex.into_inner(), [1, 2]);
/// ```
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct MutexGuard<'a, T> {
    mutex: &'a Mutex<T>,
    /// `Some` for the guard's whole life; `Drop::drop` releases the borrow *before* it hands the lock on,
    /// so a waker that polls the next holder at once finds the value free.
    value: Option<RefMut<'a, T>>,
}

impl<'a, T> MutexGuard<'a, T> {
    /// Called only with `mutex.locked` just set on the caller's behalf.
    fn new(mutex: &'a Mutex<T>) -> Self {
        MutexGuard { mutex, value: Some(mutex.value.borrow_mut()) }
    }

    /// The mutex this guard locks (for [`Condvar`](super::Condvar), which unlocks and re-locks it).
    pub(crate) fn mutex(&self) -> &'a Mutex<T> {
        self.mutex
    }
}

impl<T> Deref for MutexGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        self.value.as_deref().expect("a live guard holds the value")
    }
}

impl<T> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        self.value.as_deref_mut().expect("a live guard holds the value")
    }
}

impl<T> Drop for MutexGuard<'_, T> {
    fn drop(&mut self) {
        drop(self.value.take());
        self.mutex.unlock();
    }
}

impl<T: fmt::Debug> fmt::Debug for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: fmt::Display> fmt::Display for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

/// [`Mutex::try_lock`] found the lock held.
///
/// # Examples
///
/// ```
/// let mutex = solio::sync::Mutex::new(());
/// let _guard = mutex.try_lock().unwrap();
/// assert_eq!(mutex.try_lock().unwrap_err().to_string(), "mutex is locked");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TryLockError(());

impl fmt::Display for TryLockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("mutex is locked")
    }
}

impl std::error::Error for TryLockError {}
