//! [`Condvar`]: asyncio's `Condition`, split into a condition variable and the solio [`Mutex`] it is
//! used with.
//!
//! A waiter gives up its [`MutexGuard`], queues on a FIFO [`WaiterList`], and once notified re-locks
//! the mutex through the mutex's own (FIFO) lock future. A notification serves the head waiter; a
//! waiter dropped after being served passes the notification to the next waiter, so a
//! `notify_one` is never swallowed by a cancelled task.

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::mem;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::mutex::{Lock, Mutex, MutexGuard};
use super::waiters::{Slot, Waiter, WaiterList, serve_front};

/// A condition variable for solio's [`Mutex`]: tasks wait, with the lock released, until another task
/// notifies them. asyncio's `Condition`, with the lock passed in as a guard.
///
/// [`wait`](Condvar::wait) takes the [`MutexGuard`], unlocks, waits for a notification, re-locks and
/// gives the guard back. [`notify_one`](Condvar::notify_one), [`notify`](Condvar::notify) and
/// [`notify_all`](Condvar::notify_all) wake waiters in the order they started waiting; a notification
/// with nobody waiting does nothing (it is not stored). Notifying does not require holding the lock,
/// but a task checking a condition and then waiting can only be sure not to miss a notification if
/// the notifier changes the condition under the same lock. As in asyncio, wake-ups may be spurious
/// (see [`wait`](Condvar::wait)), so wait in a loop or use [`wait_while`](Condvar::wait_while).
///
/// Use one condvar with one mutex.
///
/// # Examples
///
/// ```
/// use std::rc::Rc;
/// use solio::sync::{Condvar, Mutex};
///
/// solio::run(async {
///     let state = Rc::new((Mutex::new(false), Condvar::new()));
///     let waiter = {
///         let state = state.clone();
///         solio::spawn(async move {
///             let (ready, cond) = &*state;
///             let ready = cond.wait_while(ready.lock().await, |ready| !*ready).await;
///             assert!(*ready);
///         })
///     };
///     solio::yield_now().await;
///     let (ready, cond) = &*state;
///     *ready.lock().await = true;
///     cond.notify_one();
///     waiter.await.unwrap();
/// });
/// ```
pub struct Condvar {
    /// Waiters not notified yet; one that is served has been notified.
    waiters: RefCell<WaiterList<(), ()>>,
}

impl Condvar {
    /// Creates a condition variable with no waiters.
    ///
    /// # Examples
    ///
    /// ```
    /// let cond = solio::sync::Condvar::new();
    /// cond.notify_all(); // nobody waits: nothing happens
    /// ```
    pub const fn new() -> Self {
        Condvar { waiters: RefCell::new(WaiterList::new()) }
    }

    /// Unlocks `guard`'s mutex, waits to be notified, locks the mutex again and returns the new guard.
    ///
    /// The waiter joins the line when the future is first polled (until then it keeps the lock).
    /// After a notification the waiter queues for the mutex like any [`Mutex::lock`], so the state may
    /// have changed again by the time it runs: check the condition after waking. A waiter whose
    /// notification was passed on by a cancelled waiter may also wake with nothing to do.
    ///
    /// # Cancel safety
    ///
    /// Dropping the future drops the guard with it: the lock is not held afterwards (a `Drop` cannot
    /// re-lock). If the waiter had already been notified, the notification is passed on to the next
    /// waiter, so dropping a notified waiter never loses a wake-up.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::rc::Rc;
    /// use solio::sync::{Condvar, Mutex};
    ///
    /// solio::run(async {
    ///     let pair = Rc::new((Mutex::new(0), Condvar::new()));
    ///     let pair2 = pair.clone();
    ///     let waiter = solio::spawn(async move {
    ///         let (count, cond) = &*pair2;
    ///         let mut count = count.lock().await;
    ///         while *count == 0 {
    ///             count = cond.wait(count).await;
    ///         }
    ///         *count
    ///     });
    ///     solio::yield_now().await;
    ///     *pair.0.lock().await = 7;
    ///     pair.1.notify_one();
    ///     assert_eq!(waiter.await.unwrap(), 7);
    /// });
    /// ```
    pub fn wait<'a, T>(&self, guard: MutexGuard<'a, T>) -> impl Future<Output = MutexGuard<'a, T>> {
        Wait { cond: self, state: WaitState::Start(guard) }
    }

    /// Waits until `condition` returns false, then returns the guard: checks it under the lock, and
    /// waits (as [`wait`](Condvar::wait)) each time it returns true.
    ///
    /// # Cancel safety
    ///
    /// As [`wait`](Condvar::wait): the guard is dropped with the future and a notification it had
    /// received is passed on.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::rc::Rc;
    /// use solio::sync::{Condvar, Mutex};
    ///
    /// solio::run(async {
    ///     let pair = Rc::new((Mutex::new(Vec::<u32>::new()), Condvar::new()));
    ///     let pair2 = pair.clone();
    ///     let consumer = solio::spawn(async move {
    ///         let (items, cond) = &*pair2;
    ///         let mut items = cond.wait_while(items.lock().await, |items| items.len() < 2).await;
    ///         items.drain(..).sum::<u32>()
    ///     });
    ///     for i in [3, 4] {
    ///         solio::yield_now().await;
    ///         pair.0.lock().await.push(i);
    ///         pair.1.notify_all();
    ///     }
    ///     assert_eq!(consumer.await.unwrap(), 7);
    /// });
    /// ```
    pub async fn wait_while<'a, T, F>(
        &self,
        mut guard: MutexGuard<'a, T>,
        mut condition: F,
    ) -> MutexGuard<'a, T>
    where
        F: FnMut(&mut T) -> bool,
    {
        while condition(&mut guard) {
            guard = self.wait(guard).await;
        }
        guard
    }

    /// Wakes the longest waiting task, if any.
    ///
    /// # Examples
    ///
    /// ```
    /// let cond = solio::sync::Condvar::new();
    /// cond.notify_one();
    /// ```
    pub fn notify_one(&self) {
        self.notify(1);
    }

    /// Wakes the `n` longest waiting tasks (fewer if fewer wait).
    ///
    /// # Examples
    ///
    /// ```
    /// let cond = solio::sync::Condvar::new();
    /// cond.notify(3);
    /// ```
    pub fn notify(&self, n: usize) {
        serve_front(&self.waiters, n, |_, ()| ());
    }

    /// Wakes every waiting task.
    ///
    /// # Examples
    ///
    /// ```
    /// let cond = solio::sync::Condvar::new();
    /// cond.notify_all();
    /// ```
    pub fn notify_all(&self) {
        self.notify(usize::MAX);
    }
}

impl Default for Condvar {
    /// Same as [`Condvar::new`].
    ///
    /// # Examples
    ///
    /// ```
    /// let _cond = solio::sync::Condvar::default();
    /// ```
    fn default() -> Self {
        Condvar::new()
    }
}

impl fmt::Debug for Condvar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Condvar").field("waiters", &self.waiters.borrow().len()).finish()
    }
}

enum WaitState<'a, T> {
    /// Not polled yet: still holding the lock.
    Start(MutexGuard<'a, T>),
    /// In the condvar's line, with the mutex unlocked.
    Waiting {
        mutex: &'a Mutex<T>,
        waiter: Waiter<()>,
    },
    /// Notified, and queued for the mutex again.
    Relocking(Lock<'a, T>),
    Done,
}

struct Wait<'c, 'a, T> {
    cond: &'c Condvar,
    state: WaitState<'a, T>,
}

impl<'a, T> Future for Wait<'_, 'a, T> {
    type Output = MutexGuard<'a, T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        loop {
            match &mut this.state {
                WaitState::Start(_) => {
                    let WaitState::Start(guard) = mem::replace(&mut this.state, WaitState::Done) else {
                        unreachable!()
                    };
                    let waiter = this.cond.waiters.borrow_mut().push_back((), cx.waker());
                    this.state = WaitState::Waiting { mutex: guard.mutex(), waiter };
                    // Unlock only once we are in line, so a notifier that takes the lock next sees us.
                    drop(guard);
                    return Poll::Pending;
                }
                WaitState::Waiting { mutex, waiter } => {
                    let mutex = *mutex;
                    std::task::ready!(waiter.poll_served(&mut this.cond.waiters.borrow_mut(), cx));
                    this.state = WaitState::Relocking(Lock::new(mutex));
                }
                WaitState::Relocking(lock) => {
                    let guard = std::task::ready!(Pin::new(lock).poll(cx));
                    this.state = WaitState::Done;
                    return Poll::Ready(guard);
                }
                WaitState::Done => panic!("condvar wait polled after it completed"),
            }
        }
    }
}

impl<T> Drop for Wait<'_, '_, T> {
    fn drop(&mut self) {
        match mem::replace(&mut self.state, WaitState::Done) {
            WaitState::Waiting { mut waiter, .. } => {
                if let Some(Slot::Served(())) = waiter.cancel(|| self.cond.waiters.borrow_mut()) {
                    self.cond.notify_one();
                }
            }
            // The notification was consumed but the waiter will never act on it: pass it on, as
            // asyncio does for a waiter cancelled while re-acquiring the lock. Its lock request is
            // dropped (and handed on, if granted) with `lock`.
            WaitState::Relocking(lock) => {
                drop(lock);
                self.cond.notify_one();
            }
            WaitState::Start(_) | WaitState::Done => {}
        }
    }
}
