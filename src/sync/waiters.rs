//! The waiter list every primitive in [`crate::sync`] parks its futures on.
//!
//! A [`WaiterList`] is a slab of nodes threaded into a doubly linked FIFO. Each waiting future owns one
//! node for as long as it waits, found again by its slab key:
//!
//! * the future pushes its node on its first `Pending` poll and keeps the key;
//! * a notifier *unlinks* the head node (so it is no longer in line), writes the outcome into the node's
//!   data ("granted", "closed", an item's slot, ...) and wakes the stored waker;
//! * the future, on its next poll or in its `Drop`, *removes* the node and reads the outcome.
//!
//! Only the owning future ever frees a node, so a key is never reused while its future still holds it
//! (no ABA), and a future dropped after being handed something still finds it in its node and can pass
//! it on. Enqueue, dequeue and cancellation (unlinking from the middle) are all O(1); the slab keeps its
//! slots for reuse, so a list that has grown to its peak number of waiters allocates nothing more.
//!
//! Why not a `VecDeque` with tombstones? Cancellation would leave holes that every notifier has to skip,
//! and a cancelled waiter could not be told apart from a new one reusing its index without generation
//! counters; the linked slab gives exact O(1) removal with the dependency (`slab`) we already have.

use std::cell::RefCell;
use std::mem;
use std::task::Waker;

use slab::Slab;

/// Marks the end of a chain in `prev`/`next`.
const NIL: usize = usize::MAX;

/// A FIFO of waiting futures, each with a waker and a piece of data `T` (its request and, once it has
/// been served, its outcome).
#[derive(Debug)]
pub(crate) struct WaiterList<T> {
    nodes: Slab<Node<T>>,
    head: usize,
    tail: usize,
    /// Number of nodes still in line (linked), which may be fewer than the nodes in the slab.
    linked: usize,
}

#[derive(Debug)]
struct Node<T> {
    prev: usize,
    next: usize,
    linked: bool,
    waker: Waker,
    data: T,
}

impl<T> WaiterList<T> {
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

    /// Appends a waiter at the back of the line and returns its key.
    pub(crate) fn push_back(&mut self, data: T, waker: &Waker) -> usize {
        let key =
            self.nodes.insert(Node { prev: self.tail, next: NIL, linked: true, waker: waker.clone(), data });
        if self.tail == NIL {
            self.head = key;
        } else {
            self.nodes[self.tail].next = key;
        }
        self.tail = key;
        self.linked += 1;
        key
    }

    /// The key of the waiter at the head of the line.
    pub(crate) fn front(&self) -> Option<usize> {
        (self.head != NIL).then_some(self.head)
    }

    /// Takes the head waiter out of line, leaving its node for its future to remove, and returns the
    /// key with the waker to wake once the caller has recorded the outcome with [`data_mut`].
    ///
    /// [`data_mut`]: WaiterList::data_mut
    pub(crate) fn pop_front(&mut self) -> Option<(usize, Waker)> {
        let key = self.front()?;
        self.unlink(key);
        let waker = mem::replace(&mut self.nodes[key].waker, Waker::noop().clone());
        Some((key, waker))
    }

    /// The data of the waiter `key`.
    ///
    /// # Panics
    ///
    /// If `key` is not a live node (a bug in the calling primitive).
    pub(crate) fn data(&self, key: usize) -> &T {
        &self.nodes[key].data
    }

    /// The data of the waiter `key`, to record an outcome or update a request.
    ///
    /// # Panics
    ///
    /// If `key` is not a live node (a bug in the calling primitive).
    pub(crate) fn data_mut(&mut self, key: usize) -> &mut T {
        &mut self.nodes[key].data
    }

    /// Stores `waker` for the waiter `key` unless the stored one would wake the same task.
    pub(crate) fn set_waker(&mut self, key: usize, waker: &Waker) {
        let node = &mut self.nodes[key];
        if !node.waker.will_wake(waker) {
            node.waker.clone_from(waker);
        }
    }

    /// Removes the waiter `key` for good, unlinking it if it is still in line, and returns its data and
    /// whether it was still in line. The caller should drop the result after releasing any borrow it
    /// holds, since the data (or the waker inside the node) may run user code when dropped.
    pub(crate) fn remove(&mut self, key: usize) -> (T, bool) {
        let was_linked = self.nodes[key].linked;
        if was_linked {
            self.unlink(key);
        }
        (self.nodes.remove(key).data, was_linked)
    }

    fn unlink(&mut self, key: usize) {
        let (prev, next) = {
            let node = &mut self.nodes[key];
            debug_assert!(node.linked, "unlinking a waiter that is not in line");
            node.linked = false;
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

/// Serves up to `max` waiters from the front of `list`, in line order: records `outcome(i)` for the
/// `i`-th one served (from 0) and wakes it with no borrow held, since a waker may run any code. Returns
/// how many were served.
pub(crate) fn serve_front<T>(
    list: &RefCell<WaiterList<T>>,
    max: usize,
    mut outcome: impl FnMut(usize) -> T,
) -> usize {
    let mut served = 0;
    while served < max {
        let waker = {
            let mut waiters = list.borrow_mut();
            let Some((key, waker)) = waiters.pop_front() else { break };
            *waiters.data_mut(key) = outcome(served);
            waker
        };
        served += 1;
        waker.wake();
    }
    served
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain(list: &mut WaiterList<u32>) -> Vec<u32> {
        let mut out = Vec::new();
        while let Some((key, _)) = list.pop_front() {
            out.push(*list.data(key));
            list.remove(key);
        }
        out
    }

    #[test]
    fn fifo_order() {
        let mut list = WaiterList::new();
        for i in 0..5 {
            list.push_back(i, Waker::noop());
        }
        assert_eq!(list.len(), 5);
        assert_eq!(drain(&mut list), [0, 1, 2, 3, 4]);
        assert!(list.is_empty());
    }

    #[test]
    fn remove_from_head_middle_and_tail() {
        let mut list = WaiterList::new();
        let keys: Vec<_> = (0..6).map(|i| list.push_back(i, Waker::noop())).collect();
        assert_eq!(list.remove(keys[0]), (0, true));
        assert_eq!(list.remove(keys[3]), (3, true));
        assert_eq!(list.remove(keys[5]), (5, true));
        assert_eq!(list.len(), 3);
        assert_eq!(drain(&mut list), [1, 2, 4]);
    }

    #[test]
    fn popped_node_stays_until_removed() {
        let mut list = WaiterList::new();
        let a = list.push_back(1, Waker::noop());
        let b = list.push_back(2, Waker::noop());
        let (key, _) = list.pop_front().unwrap();
        assert_eq!(key, a);
        assert_eq!(list.len(), 1);
        assert_eq!(list.front(), Some(b));
        *list.data_mut(a) = 10;
        // A new waiter cannot take the popped node's slot while its owner still holds it.
        let c = list.push_back(3, Waker::noop());
        assert_ne!(c, a);
        assert_eq!(list.remove(a), (10, false));
        assert_eq!(drain(&mut list), [2, 3]);
    }

    #[test]
    fn slots_are_reused() {
        let mut list = WaiterList::new();
        let mut capacity = None;
        for round in 0..100 {
            let a = list.push_back(round, Waker::noop());
            let b = list.push_back(round, Waker::noop());
            list.remove(b);
            list.remove(a);
            assert_eq!(*capacity.get_or_insert(list.nodes.capacity()), list.nodes.capacity());
        }
        assert!(list.is_empty());
    }
}
