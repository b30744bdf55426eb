//! The waiter list every primitive in [`crate::sync`] parks its futures on, and the [`Waiter`] each
//! waiting future keeps to find its place in it again.
//!
//! A [`WaiterList`] is a slab of nodes threaded into a doubly linked FIFO. Each waiting future owns one
//! node for as long as it waits, through its [`Waiter`]; the node holds the future's waker and a
//! [`Slot`]: first its request (`Waiting`), then what it was handed (`Served`):
//!
//! * on its first poll the future tries to finish at once ([`Waiter::first_poll`]); if it cannot, it
//!   pushes its request at the back of the line ([`WaiterList::push_back`]);
//! * a notifier serves the head ([`WaiterList::serve_next`], or [`serve_front`] for several): it
//!   *unlinks* the node (so it is no longer in line), turns its request into the outcome ("granted",
//!   "closed", an item, ...) and wakes the stored waker;
//! * the future, on its next poll ([`Waiter::poll_served`]), removes the node and returns the outcome;
//!   if it is dropped first, its `Drop` calls [`Waiter::cancel`], which removes the node and returns
//!   the slot so that the primitive can pass on whatever the future was handed (a permit, the lock, a
//!   promised item) or serve the waiters it was holding back.
//!
//! Only the owning future ever frees a node, so a key is never reused while its future still holds it
//! (no ABA), and a future dropped after being served still finds its outcome in its node. A node is in
//! line exactly while its slot is `Waiting`, so the list and the slot cannot disagree. Enqueue,
//! dequeue and cancellation (unlinking from the middle) are all O(1); the slab keeps its slots for
//! reuse, so a list that has grown to its peak number of waiters allocates nothing more.
//!
//! Why not a `VecDeque` with tombstones? Cancellation would leave holes that every notifier has to skip,
//! and a cancelled waiter could not be told apart from a new one reusing its index without generation
//! counters; the linked slab gives exact O(1) removal with the dependency (`slab`) we already have.

use std::cell::RefCell;
use std::mem;
use std::ops::DerefMut;
use std::task::{Context, Poll, Waker};

use slab::Slab;

/// Marks the end of a chain in `prev`/`next`.
const NIL: usize = usize::MAX;

/// A FIFO of waiting futures, each with a waker and a [`Slot`]: its request `R` while it is in line,
/// then the outcome `O` it was served.
#[derive(Debug)]
pub(crate) struct WaiterList<R, O> {
    nodes: Slab<Node<R, O>>,
    head: usize,
    tail: usize,
    /// Number of nodes still in line (linked), which may be fewer than the nodes in the slab.
    linked: usize,
}

#[derive(Debug)]
struct Node<R, O> {
    prev: usize,
    next: usize,
    waker: Waker,
    /// `None` only while [`WaiterList::serve_next`] turns the request into the outcome (or for good,
    /// if the code doing so panicked).
    slot: Option<Slot<R, O>>,
}

/// What a waiter's node holds.
#[derive(Debug)]
pub(crate) enum Slot<R, O> {
    /// In line, with its request.
    Waiting(R),
    /// Out of line: served with this outcome, not yet collected by its future.
    Served(O),
}

impl<R, O> WaiterList<R, O> {
    /// An empty list; allocates nothing until the first push.
    pub(crate) const fn new() -> Self {
        WaiterList { nodes: Slab::new(), head: NIL, tail: NIL, linked: 0 }
    }

    /// Whether no waiter is in line (served waiters that have not been removed yet do not count).
    pub(crate) fn is_empty(&self) -> bool {
        self.linked == 0
    }

    /// The number of waiters in line.
    pub(crate) fn len(&self) -> usize {
        self.linked
    }

    /// The request of the waiter at the head of the line, for a notifier deciding whether it can serve
    /// it.
    pub(crate) fn front(&self) -> Option<&R> {
        if self.head == NIL {
            return None;
        }
        match &self.nodes[self.head].slot {
            Some(Slot::Waiting(request)) => Some(request),
            _ => unreachable!("the waiter at the head of the line is waiting"),
        }
    }

    /// Appends a waiter with `request` at the back of the line and returns the future's handle on it.
    pub(crate) fn push_back(&mut self, request: R, waker: &Waker) -> Waiter<R> {
        let key = self.nodes.insert(Node {
            prev: self.tail,
            next: NIL,
            waker: waker.clone(),
            slot: Some(Slot::Waiting(request)),
        });
        if self.tail == NIL {
            self.head = key;
        } else {
            self.nodes[self.tail].next = key;
        }
        self.tail = key;
        self.linked += 1;
        Waiter(WaiterState::Queued(key))
    }

    /// Serves the head waiter: takes it out of line, records `outcome(request)` in its node for its
    /// future to collect, and returns its waker, to be woken once the caller has released any borrow
    /// (a waker may run any code). `None` if nobody is in line.
    pub(crate) fn serve_next(&mut self, outcome: impl FnOnce(R) -> O) -> Option<Waker> {
        let key = (self.head != NIL).then_some(self.head)?;
        self.unlink(key);
        let node = &mut self.nodes[key];
        let Some(Slot::Waiting(request)) = node.slot.take() else {
            unreachable!("a waiter in line holds its request");
        };
        node.slot = Some(Slot::Served(outcome(request)));
        Some(mem::replace(&mut node.waker, Waker::noop().clone()))
    }

    /// Removes the node `key` for good, unlinking it if it is still in line, and returns its slot
    /// (`None` if serving it panicked) and its waker, for the caller to drop once the list's borrow is
    /// released (a waker's drop may run foreign code).
    fn remove(&mut self, key: usize) -> (Option<Slot<R, O>>, Waker) {
        if let Some(Slot::Waiting(_)) = self.nodes[key].slot {
            self.unlink(key);
        }
        let node = self.nodes.remove(key);
        (node.slot, node.waker)
    }

    fn unlink(&mut self, key: usize) {
        let (prev, next) = {
            let node = &mut self.nodes[key];
            (mem::replace(&mut node.prev, NIL), mem::replace(&mut node.next, NIL))
        };
        if prev == NIL {
            self.head = next;
        } else {
            self.nodes[prev].next = next;
        }
        if next == NIL {
            self.tail = prev;
        } else {
            self.nodes[next].prev = prev;
        }
        self.linked -= 1;
    }
}

/// Serves up to `max` waiters from the front of `list`, in line order: records
/// `outcome(i, request)` for the `i`-th one served (from 0) and wakes it with no borrow held, since a
/// waker may run any code. Returns how many were served.
pub(crate) fn serve_front<R, O>(
    list: &RefCell<WaiterList<R, O>>,
    max: usize,
    mut outcome: impl FnMut(usize, R) -> O,
) -> usize {
    let mut served = 0;
    while served < max {
        let Some(waker) = list.borrow_mut().serve_next(|request| outcome(served, request)) else { break };
        served += 1;
        waker.wake();
    }
    served
}

/// A waiting future's registration in a [`WaiterList`]: the one state machine behind every future in
/// [`crate::sync`] that can wait.
///
/// It starts out holding the future's request `R` (the item to put, the number of permits, or `()`).
/// On the first poll the future takes the request with [`first_poll`](Waiter::first_poll) and either
/// finishes at once or queues it with [`WaiterList::push_back`]; later polls go through
/// [`poll_served`](Waiter::poll_served). The future's `Drop` must call [`cancel`](Waiter::cancel), or a
/// queued node would stay in line and swallow whatever it is served.
#[derive(Debug)]
pub(crate) struct Waiter<R>(WaiterState<R>);

#[derive(Debug)]
enum WaiterState<R> {
    /// Not polled yet, holding the request.
    Idle(R),
    /// Has a node in the list under this key: in line, or served and not yet polled.
    Queued(usize),
    /// Finished (or about to queue, between `first_poll` and `push_back`): owns no node.
    Done,
}

impl<R> Waiter<R> {
    /// A waiter that has not been polled, holding `request`.
    pub(crate) const fn new(request: R) -> Self {
        Waiter(WaiterState::Idle(request))
    }

    /// On the future's first poll, takes its request so it can try to finish at once, leaving the
    /// waiter done until the future queues with [`WaiterList::push_back`]; `None` on every later poll.
    pub(crate) fn first_poll(&mut self) -> Option<R> {
        match mem::replace(&mut self.0, WaiterState::Done) {
            WaiterState::Idle(request) => Some(request),
            queued_or_done => {
                self.0 = queued_or_done;
                None
            }
        }
    }

    /// Polls a queued waiter: the outcome it was served (removing its node), or `Pending` with the
    /// stored waker brought up to date.
    ///
    /// # Panics
    ///
    /// If the waiter has finished: the future was polled after it completed.
    #[track_caller]
    pub(crate) fn poll_served<O>(&mut self, list: &mut WaiterList<R, O>, cx: &mut Context<'_>) -> Poll<O> {
        let WaiterState::Queued(key) = self.0 else {
            panic!("a solio::sync future was polled after it completed");
        };
        let node = &mut list.nodes[key];
        if let Some(Slot::Waiting(_)) = node.slot {
            if !node.waker.will_wake(cx.waker()) {
                node.waker.clone_from(cx.waker());
            }
            return Poll::Pending;
        }
        // Done before removing, so that even a panic below leaves no key for `cancel` to free twice.
        // The node is out of line already: no unlinking to do.
        self.0 = WaiterState::Done;
        match list.nodes.remove(key).slot {
            Some(Slot::Served(outcome)) => Poll::Ready(outcome),
            _ => panic!("a solio::sync waiter was lost: the code serving it panicked"),
        }
    }

    /// Gives up the waiter's node when its future is dropped, and returns what the node held: its
    /// request if it was still in line, or the outcome it was served and never collected, for the
    /// primitive to pass on. `None` if the waiter owns no node.
    ///
    /// `list` borrows the list only if there is a node to remove, and that borrow has ended by the
    /// time the caller drops the result (an item's destructor may use the primitive). A request
    /// never queued stays in the waiter, to be dropped with the future.
    // Inlined so that the common case, a future dropped after it completed, costs one comparison
    // rather than a call.
    #[inline]
    pub(crate) fn cancel<O, L>(&mut self, list: impl FnOnce() -> L) -> Option<Slot<R, O>>
    where
        L: DerefMut<Target = WaiterList<R, O>>,
    {
        let WaiterState::Queued(key) = self.0 else {
            return None;
        };
        self.0 = WaiterState::Done;
        let (slot, waker) = list().remove(key);
        // The list's borrow ended with the statement above.
        drop(waker);
        slot
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cx() -> Context<'static> {
        Context::from_waker(Waker::noop())
    }

    /// Serves everyone in line and returns their requests in the order they were served.
    fn drain(list: &mut WaiterList<u32, ()>) -> Vec<u32> {
        let mut out = Vec::new();
        while list.serve_next(|request| out.push(request)).is_some() {}
        out
    }

    #[test]
    fn served_in_fifo_order() {
        let mut list = WaiterList::new();
        let mut waiters: Vec<_> = (0..5).map(|i| list.push_back(i, Waker::noop())).collect();
        assert_eq!(list.len(), 5);
        assert_eq!(drain(&mut list), [0, 1, 2, 3, 4]);
        assert!(list.is_empty());
        for waiter in &mut waiters {
            assert_eq!(waiter.poll_served(&mut list, &mut cx()), Poll::Ready(()));
        }
        assert_eq!(list.nodes.len(), 0);
    }

    #[test]
    fn cancel_from_head_middle_and_tail() {
        let mut list = WaiterList::new();
        let mut waiters: Vec<_> = (0..6).map(|i| list.push_back(i, Waker::noop())).collect();
        for i in [0, 3, 5] {
            assert!(matches!(waiters[i].cancel(|| &mut list), Some(Slot::Waiting(r)) if r == i as u32));
        }
        assert_eq!(list.len(), 3);
        assert_eq!(list.front(), Some(&1));
        assert_eq!(drain(&mut list), [1, 2, 4]);
    }

    #[test]
    fn served_node_stays_until_collected() {
        let mut list = WaiterList::new();
        let mut a = list.push_back(1, Waker::noop());
        let mut b = list.push_back(2, Waker::noop());
        assert!(b.poll_served(&mut list, &mut cx()).is_pending());
        assert!(list.serve_next(|request| request * 10).is_some());
        assert_eq!(list.len(), 1);
        assert_eq!(list.front(), Some(&2));
        // A new waiter cannot take the served node's slot while its owner still holds it.
        let mut c = list.push_back(3, Waker::noop());
        assert_eq!(list.nodes.len(), 3);
        assert_eq!(a.poll_served(&mut list, &mut cx()), Poll::Ready(10));
        assert!(a.cancel(|| &mut list).is_none(), "a collected waiter owns no node");
        // A waiter served but dropped before it collects gives its outcome back to be passed on.
        assert!(list.serve_next(|request| request * 10).is_some());
        assert!(matches!(b.cancel(|| &mut list), Some(Slot::Served(20))));
        assert!(matches!(c.cancel(|| &mut list), Some(Slot::Waiting(3))));
        assert!(list.is_empty());
        assert_eq!(list.nodes.len(), 0);
    }

    #[test]
    fn first_poll_hands_out_the_request_once() {
        let mut list = WaiterList::<&str, ()>::new();
        let mut waiter = Waiter::new("request");
        let request = waiter.first_poll().unwrap();
        assert!(waiter.cancel(|| &mut list).is_none(), "between first poll and queueing it owns nothing");
        waiter = list.push_back(request, Waker::noop());
        assert!(waiter.first_poll().is_none());
        assert!(waiter.poll_served(&mut list, &mut cx()).is_pending());
        assert_eq!(list.front(), Some(&"request"));
    }

    #[test]
    #[should_panic(expected = "polled after it completed")]
    fn polling_after_completion_panics() {
        let mut list = WaiterList::<(), ()>::new();
        let mut waiter = list.push_back((), Waker::noop());
        list.serve_next(|()| ());
        assert!(waiter.poll_served(&mut list, &mut cx()).is_ready());
        let _ = waiter.poll_served(&mut list, &mut cx());
    }

    #[test]
    fn slots_are_reused() {
        let mut list = WaiterList::<u32, u32>::new();
        let mut capacity = None;
        for round in 0..100 {
            let mut a = list.push_back(round, Waker::noop());
            let mut b = list.push_back(round, Waker::noop());
            b.cancel(|| &mut list);
            a.cancel(|| &mut list);
            assert_eq!(*capacity.get_or_insert(list.nodes.capacity()), list.nodes.capacity());
        }
        assert!(list.is_empty());
    }
}
