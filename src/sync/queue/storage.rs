//! The three orders a queue can keep its items in, behind one small trait so that the queue engine
//! ([`super::engine`]) is written once: FIFO for [`Queue`](super::Queue), LIFO for
//! [`LifoQueue`](super::LifoQueue), smallest first for [`PriorityQueue`](super::PriorityQueue).

use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, VecDeque};

/// Where a queue keeps the items that have been put and not yet taken.
pub(crate) trait Storage<T>: Default {
    /// Adds an item.
    fn push(&mut self, item: T);
    /// Takes the item that should come out next.
    fn pop(&mut self) -> Option<T>;
    /// The number of items held.
    fn len(&self) -> usize;
}

/// First in, first out.
#[derive(Debug)]
pub(crate) struct Fifo<T>(VecDeque<T>);

impl<T> Default for Fifo<T> {
    fn default() -> Self {
        Fifo(VecDeque::new())
    }
}

impl<T> Storage<T> for Fifo<T> {
    fn push(&mut self, item: T) {
        self.0.push_back(item);
    }

    fn pop(&mut self) -> Option<T> {
        self.0.pop_front()
    }

    fn len(&self) -> usize {
        self.0.len()
    }
}

/// Last in, first out.
#[derive(Debug)]
pub(crate) struct Lifo<T>(Vec<T>);

impl<T> Default for Lifo<T> {
    fn default() -> Self {
        Lifo(Vec::new())
    }
}

impl<T> Storage<T> for Lifo<T> {
    fn push(&mut self, item: T) {
        self.0.push(item);
    }

    fn pop(&mut self) -> Option<T> {
        self.0.pop()
    }

    fn len(&self) -> usize {
        self.0.len()
    }
}

/// Smallest first; equal items come out in the order they were put (a sequence number breaks ties,
/// which a bare binary heap would not).
#[derive(Debug)]
pub(crate) struct Priority<T> {
    heap: BinaryHeap<Reverse<Ranked<T>>>,
    next_seq: u64,
}

impl<T> Default for Priority<T> {
    fn default() -> Self {
        Priority { heap: BinaryHeap::new(), next_seq: 0 }
    }
}

impl<T: Ord> Storage<T> for Priority<T> {
    fn push(&mut self, item: T) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.heap.push(Reverse(Ranked { item, seq }));
    }

    fn pop(&mut self) -> Option<T> {
        self.heap.pop().map(|Reverse(ranked)| ranked.item)
    }

    fn len(&self) -> usize {
        self.heap.len()
    }
}

/// An item with its insertion number, ordered by item and then by insertion.
#[derive(Debug)]
struct Ranked<T> {
    item: T,
    seq: u64,
}

impl<T: Ord> Ord for Ranked<T> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.item.cmp(&other.item).then(self.seq.cmp(&other.seq))
    }
}

impl<T: Ord> PartialOrd for Ranked<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<T: Ord> PartialEq for Ranked<T> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl<T: Ord> Eq for Ranked<T> {}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain<S: Storage<(u8, char)>>(mut storage: S) -> Vec<(u8, char)> {
        for item in [(2, 'a'), (1, 'b'), (2, 'c'), (1, 'd')] {
            storage.push(item);
        }
        assert_eq!(storage.len(), 4);
        std::iter::from_fn(|| storage.pop()).collect()
    }

    #[test]
    fn orders() {
        assert_eq!(drain(Fifo::default()), [(2, 'a'), (1, 'b'), (2, 'c'), (1, 'd')]);
        assert_eq!(drain(Lifo::default()), [(1, 'd'), (2, 'c'), (1, 'b'), (2, 'a')]);
        assert_eq!(drain(Priority::default()), [(1, 'b'), (1, 'd'), (2, 'a'), (2, 'c')]);
    }

    #[test]
    fn priority_ties_keep_insertion_order() {
        // Compare on the number only: equal keys must come out in insertion order.
        #[derive(Debug)]
        struct ByNum(u8, char);
        impl PartialEq for ByNum {
            fn eq(&self, other: &Self) -> bool {
                self.0 == other.0
            }
        }
        impl Eq for ByNum {}
        impl PartialOrd for ByNum {
            fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
                Some(self.cmp(other))
            }
        }
        impl Ord for ByNum {
            fn cmp(&self, other: &Self) -> Ordering {
                self.0.cmp(&other.0)
            }
        }
        let mut storage = Priority::default();
        for (i, c) in "abcdef".chars().enumerate() {
            storage.push(ByNum((i % 2) as u8, c));
        }
        let out: String = std::iter::from_fn(|| storage.pop()).map(|b| b.1).collect();
        assert_eq!(out, "acebdf");
    }
}
