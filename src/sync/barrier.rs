//! [`Barrier`]: asyncio's `Barrier(n)`, a meeting point for a fixed number of tasks, round after round.
//!
//! Arrivals queue on a FIFO [`WaiterList`]; the list's length is the count of the round being filled.
//! The arrival that completes the round numbers the queued waiters in arrival order, unlinks them all and
//! wakes them, and returns at once as the leader. Because a waiter only counts while it is linked, a
//! waiter dropped while the round fills simply leaves the line and the count goes back down; waiters
//! released but not yet polled are out of the line already, so the next round can start filling at once.

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::waiters::{Waiter, WaiterList, serve_front};

/// A meeting point for `n` tasks: each [`wait`](Barrier::wait) blocks until `n` tasks are waiting, then
/// all of them go on together and the barrier starts the next round. asyncio's `Barrier`.
///
/// Each waiter gets a [`BarrierWaitResult`] with its arrival index in the round (`0..n`), and exactly
/// one of them, the last to arrive, is the leader. A waiter cancelled while the round fills leaves it
/// without breaking it: the count goes back down and the round waits for one more arrival.
///
/// # Examples
///
/// ```
/// use std::rc::Rc;
/// use solio::sync::Barrier;
///
/// solio::run(async {
///     let barrier = Rc::new(Barrier::new(3));
///     let handles: Vec<_> = (0..3)
///         .map(|_| {
///             let barrier = barrier.clone();
///             solio::spawn(async move { barrier.wait().await.is_leader() })
///         })
///         .collect();
///     let mut leaders = 0;
///     for handle in handles {
///         leaders += handle.await.unwrap() as usize;
///     }
///     assert_eq!(leaders, 1);
/// });
/// ```
pub struct Barrier {
    parties: usize,
    /// The arrivals of the round being filled; each is served its arrival index when the round fills.
    waiters: RefCell<WaiterList<(), usize>>,
}

impl Barrier {
    /// Creates a barrier for rounds of `parties` tasks.
    ///
    /// # Panics
    ///
    /// If `parties` is zero: no round could ever be filled (asyncio raises `ValueError` too).
    ///
    /// # Examples
    ///
    /// ```
    /// let barrier = solio::sync::Barrier::new(4);
    /// assert_eq!(barrier.parties(), 4);
    /// ```
    pub fn new(parties: usize) -> Self {
        assert!(parties > 0, "a barrier needs at least one party");
        Barrier { parties, waiters: RefCell::new(WaiterList::new()) }
    }

    /// The number of tasks that make up a round.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(solio::sync::Barrier::new(2).parties(), 2);
    /// ```
    pub fn parties(&self) -> usize {
        self.parties
    }

    /// The number of tasks waiting in the round being filled.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(solio::sync::Barrier::new(2).n_waiting(), 0);
    /// ```
    pub fn n_waiting(&self) -> usize {
        self.waiters.borrow().len()
    }

    /// Waits until `parties` tasks are waiting, then returns this task's place in the round.
    ///
    /// The task counts as arrived when the future is first polled.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: a waiter dropped before its round fills leaves the round (the count goes back
    /// down); one dropped after its round filled has already been counted, and the others are released
    /// all the same.
    ///
    /// # Examples
    ///
    /// ```
    /// solio::run(async {
    ///     let barrier = solio::sync::Barrier::new(1);
    ///     for _ in 0..3 {
    ///         let result = barrier.wait().await; // a round of one fills at once
    ///         assert!(result.is_leader());
    ///         assert_eq!(result.index(), 0);
    ///     }
    /// });
    /// ```
    pub fn wait(&self) -> impl Future<Output = BarrierWaitResult> {
        Wait { barrier: self, waiter: Waiter::new(()) }
    }

    /// Releases the queued waiters, numbering them in arrival order, and returns the count released.
    /// Only those queued now: a waker that polls inline may start a `wait` while the round is being
    /// released, and that arrival belongs to the next round.
    fn release_round(&self) -> usize {
        let round = self.waiters.borrow().len();
        serve_front(&self.waiters, round, |index, ()| index)
    }
}

impl fmt::Debug for Barrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Barrier")
            .field("parties", &self.parties)
            .field("n_waiting", &self.n_waiting())
            .finish()
    }
}

/// What [`Barrier::wait`] returns: the task's arrival index in its round and whether it is the leader.
///
/// # Examples
///
/// ```
/// solio::run(async {
///     let result = solio::sync::Barrier::new(1).wait().await;
///     assert_eq!((result.index(), result.is_leader()), (0, true));
/// });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BarrierWaitResult {
    index: usize,
    leader: bool,
}

impl BarrierWaitResult {
    /// The order in which this task arrived among those released together, from `0` to
    /// `parties - 1` (waiters cancelled before the round filled are not counted).
    ///
    /// # Examples
    ///
    /// ```
    /// solio::run(async {
    ///     assert_eq!(solio::sync::Barrier::new(1).wait().await.index(), 0);
    /// });
    /// ```
    pub fn index(&self) -> usize {
        self.index
    }

    /// Whether this task completed the round (it arrived last, with index `parties - 1`); exactly one
    /// task per round is the leader.
    ///
    /// # Examples
    ///
    /// ```
    /// solio::run(async {
    ///     assert!(solio::sync::Barrier::new(1).wait().await.is_leader());
    /// });
    /// ```
    pub fn is_leader(&self) -> bool {
        self.leader
    }
}

struct Wait<'a> {
    barrier: &'a Barrier,
    waiter: Waiter<()>,
}

impl Future for Wait<'_> {
    type Output = BarrierWaitResult;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<BarrierWaitResult> {
        let this = self.get_mut();
        let barrier = this.barrier;
        let mut waiters = barrier.waiters.borrow_mut();
        if this.waiter.first_poll().is_some() {
            if waiters.len() + 1 < barrier.parties {
                this.waiter = waiters.push_back((), cx.waker());
                return Poll::Pending;
            }
            drop(waiters);
            let index = barrier.release_round();
            return Poll::Ready(BarrierWaitResult { index, leader: true });
        }
        this.waiter.poll_served(&mut waiters, cx).map(|index| BarrierWaitResult { index, leader: false })
    }
}

impl Drop for Wait<'_> {
    fn drop(&mut self) {
        // Still in line: leaving it takes this arrival out of the count. Released: the round went on
        // without needing anything back.
        self.waiter.cancel(|| self.barrier.waiters.borrow_mut());
    }
}
