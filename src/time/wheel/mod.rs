//! The hierarchical timer wheel: the engine behind `sleep`, `timeout` and `interval`.
//!
//! In the runtime's data flow, a task that awaits a timer inserts an entry here; when the run queue
//! is empty the runtime parks until [`Wheel::next_expiration`], then calls [`Wheel::advance`] and wakes
//! the wakers it hands out. The wheel is a pure data structure: it knows ticks, never clocks.
//!
//! # Geometry
//!
//! The driver (`time::driver`) makes one tick one microsecond. The wheel has [`LEVELS`] = 6 levels of
//! [`SLOTS`] = 64 slots:
//!
//! | level | one slot spans        | the level spans          |
//! |-------|-----------------------|--------------------------|
//! | 0     | 1 µs                  | 64 µs                    |
//! | 1     | 64 µs                 | ~4.1 ms                  |
//! | 2     | ~4.1 ms               | ~262 ms                  |
//! | 3     | ~262 ms               | ~16.8 s                  |
//! | 4     | ~16.8 s               | ~17.9 min                |
//! | 5     | ~17.9 min             | 64^6 µs = 2^36 µs ≈ 19.1 h |
//!
//! An entry due at `deadline` lives at the level of the highest 6-bit digit in which `deadline` and
//! `elapsed` differ, in the slot given by that digit of `deadline` (Varghese & Lauck, "Hashed and
//! hierarchical timing wheels", 1987; the layout follows tokio's wheel). So every entry of level `L`
//! shares the digits above `L` with `elapsed` and its slot lies strictly ahead of `elapsed`'s: the lowest
//! occupied slot of the lowest occupied level is always the next thing to do. When `elapsed` reaches a
//! slot of level `L > 0`, its entries *cascade*: they are re-inserted relative to the new `elapsed` and
//! land on a lower level, so an entry moves at most 5 times per `insert` or `reset` (plus once out
//! of the parked list, below).
//!
//! Deadlines beyond the top level's current 2^36-tick block (further than ~19 hours, up to
//! `u64::MAX`) are *parked* in one list beside the top level, with a lower bound of the earliest block
//! they fall in. When `elapsed` reaches that bound, the list is scanned once: entries of that block
//! enter the wheel, the others stay parked and the bound is recomputed. The wheel therefore jumps
//! straight from one parked block to the next: advancing from 0 to `u64::MAX` in one call costs one scan
//! per distinct block that holds parked entries, not one step per 19 hours. Deadlines already due when
//! inserted (`deadline <= elapsed`) go to a *due* list that the next `advance` fires first.
//!
//! # Cost
//!
//! - `insert`, `remove`, `reset`, `set_waker`, `is_fired`: O(1). Each slot is an intrusive doubly
//!   linked list of slab indices, and each level keeps a 64-bit occupancy bitmap.
//! - `next_expiration`: O(levels), one `trailing_zeros` per level.
//! - `advance`: O(levels) per slot processed, plus O(1) per entry cascaded or fired, plus sorting the
//!   fired batch (O(k log k) for k fired wakers, skipped when already in order), plus O(parked) per
//!   parked block reached (at most once per 2^36 ticks of wheel time). Every slot it visits is occupied,
//!   so the work is bounded by the entries, never by the number of ticks skipped.
//!
//! # Ordering
//!
//! Timers never fire early: an entry fires in the first `advance(now)` with `deadline <= now`.
//! Within one `advance`, wakers are handed out in `(deadline, seq)` order, where `seq` is a counter
//! taken at `insert` and `reset`; equal deadlines therefore fire in the order they were inserted or
//! reset, however differently they cascaded.

use std::fmt;
use std::task::Waker;

use slab::Slab;

#[cfg(test)]
mod tests;

/// Bits of a tick consumed by one level: 64 slots per level.
const SLOT_BITS: u32 = 6;
/// Slots per level.
const SLOTS: usize = 1 << SLOT_BITS;
/// Levels of the wheel.
const LEVELS: usize = 6;
/// Ticks covered by the whole wheel, as a power of two: 64^6 = 2^36 ticks (≈ 19.1 hours at 1 µs).
const RANGE_BITS: u32 = SLOT_BITS * LEVELS as u32;

/// List index of the entries already due when inserted; they fire on the next `advance`.
const DUE: usize = LEVELS * SLOTS;
/// List index of the entries beyond the wheel's range.
const PARKED: usize = DUE + 1;
/// Number of lists: one per slot, plus the due and parked lists.
const LIST_COUNT: usize = PARKED + 1;
/// Stored instead of a list index once an entry has fired: it is then in no list.
const FIRED: u16 = u16::MAX;
/// The null link of the intrusive lists.
const NIL: usize = usize::MAX;

/// Opaque handle to an entry of a [`Wheel`].
///
/// It is the entry's slab index: valid until [`Wheel::remove`], after which the wheel may hand the same
/// key to a new entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TimerKey(usize);

/// One timer: where it sits, when it is due, and whom to wake.
struct Entry {
    /// Tick at which the entry fires.
    deadline: u64,
    /// Insertion order, taken at `insert` and `reset`: breaks ties between equal deadlines.
    seq: u64,
    /// The waker to hand out; `None` once handed out by `advance` (until `set_waker` or `reset`).
    waker: Option<Waker>,
    /// Index of the list holding the entry (a slot, `DUE` or `PARKED`), or `FIRED`.
    list: u16,
    /// Previous entry in the same list, or `NIL`.
    prev: usize,
    /// Next entry in the same list, or `NIL`.
    next: usize,
}

/// Head and tail of an intrusive list threaded through `Entry::prev` and `Entry::next`.
#[derive(Debug, Clone, Copy)]
struct List {
    /// First entry, or `NIL`.
    head: usize,
    /// Last entry, or `NIL`: appending at the tail keeps each list in insertion order.
    tail: usize,
}

impl List {
    /// The empty list.
    const EMPTY: List = List { head: NIL, tail: NIL };
}

/// A hierarchical timer wheel of 6 levels × 64 slots with 1 µs ticks (see the module docs).
pub(crate) struct Wheel {
    /// The tick the wheel has been advanced to.
    elapsed: u64,
    /// Every entry, pending or fired; a `TimerKey` is an index into it.
    entries: Slab<Entry>,
    /// The lists: `level * SLOTS + slot` for the wheel's slots, then `DUE` and `PARKED`.
    lists: [List; LIST_COUNT],
    /// One bitmap per level: bit `s` is set iff slot `s` of that level is non-empty.
    occupied: [u64; LEVELS],
    /// While the parked list is non-empty: a lower bound of the first tick of the earliest 2^36-tick
    /// block holding a parked entry, always after `elapsed`'s block. Exact after each scan of the parked
    /// list; may be too early after a parked entry leaves, which only costs a scan that finds nothing
    /// to do. Meaningless while the parked list is empty.
    parked_floor: u64,
    /// Entries not fired yet.
    pending: usize,
    /// Next insertion sequence number.
    next_seq: u64,
    /// Scratch space for the batch fired by one `advance`: `(deadline, seq, index)`, kept to reuse its
    /// allocation.
    batch: Vec<(u64, u64, usize)>,
}

impl Wheel {
    /// Creates an empty wheel at tick 0.
    pub(crate) fn new() -> Wheel {
        Wheel {
            elapsed: 0,
            entries: Slab::new(),
            lists: [List::EMPTY; LIST_COUNT],
            occupied: [0; LEVELS],
            parked_floor: u64::MAX,
            pending: 0,
            next_seq: 0,
            batch: Vec::new(),
        }
    }

    /// The tick the wheel has been advanced to.
    #[cfg(test)]
    pub(crate) fn elapsed(&self) -> u64 {
        self.elapsed
    }

    /// Number of entries stored: pending ones plus fired ones not removed yet.
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// True if no entry is stored.
    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// True if some entry is still waiting to fire.
    pub(crate) fn has_pending(&self) -> bool {
        self.pending > 0
    }

    /// Inserts an entry firing at tick `deadline` and returns its key. O(1).
    ///
    /// Any `u64` is accepted. A deadline at or before [`elapsed`](Self::elapsed) fires on the next
    /// [`advance`](Self::advance), whatever its `now`.
    pub(crate) fn insert(&mut self, deadline: u64, waker: Waker) -> TimerKey {
        let seq = self.take_seq();
        let index = self.entries.insert(Entry {
            deadline,
            seq,
            waker: Some(waker),
            list: FIRED,
            prev: NIL,
            next: NIL,
        });
        self.pending += 1;
        self.place(index);
        TimerKey(index)
    }

    /// Replaces the entry's waker, unless [`Waker::will_wake`] says the stored one wakes the same task.
    ///
    /// # Panics
    ///
    /// If `key` is not in the wheel.
    pub(crate) fn set_waker(&mut self, key: TimerKey, waker: &Waker) {
        let entry = self.entry_mut(key);
        match &entry.waker {
            Some(stored) if stored.will_wake(waker) => {}
            _ => entry.waker = Some(waker.clone()),
        }
    }

    /// True once the entry has fired, that is once `advance` handed out its waker.
    ///
    /// # Panics
    ///
    /// If `key` is not in the wheel.
    pub(crate) fn is_fired(&self, key: TimerKey) -> bool {
        self.entry(key).list == FIRED
    }

    /// Removes the entry, pending or fired. O(1). The key may then be reused by a later `insert`.
    ///
    /// # Panics
    ///
    /// If `key` is not in the wheel: that is a bug in the caller.
    pub(crate) fn remove(&mut self, key: TimerKey) {
        // Look the key up first so that a bad key panics before anything changes.
        let fired = self.is_fired(key);
        self.unlink(key.0);
        if !fired {
            self.pending -= 1;
        }
        self.entries.remove(key.0);
    }

    /// Moves the entry, pending or fired, to `deadline`, keeping its waker (an entry that already fired
    /// has none until [`set_waker`](Self::set_waker) gives it one). O(1).
    ///
    /// It becomes pending again and is ordered as if inserted now: among equal deadlines it fires after
    /// the entries inserted or reset before this call.
    ///
    /// # Panics
    ///
    /// If `key` is not in the wheel.
    pub(crate) fn reset(&mut self, key: TimerKey, deadline: u64) {
        if self.is_fired(key) {
            self.pending += 1;
        } else {
            self.unlink(key.0);
        }
        let seq = self.take_seq();
        let entry = self.entry_mut(key);
        entry.deadline = deadline;
        entry.seq = seq;
        self.place(key.0);
    }

    /// The earliest tick at which [`advance`](Self::advance) has work to do, or `None` if nothing is
    /// pending.
    ///
    /// It is `elapsed()` if some entry is already due, and never later than the earliest pending
    /// deadline. It may be earlier: the start of a slot that only needs to cascade, or, for entries
    /// beyond the wheel's range, the start of the 2^36-tick block of the earliest one. Advancing to it
    /// and asking again makes progress; a caller may also just advance to its own clock.
    pub(crate) fn next_expiration(&self) -> Option<u64> {
        if self.lists[DUE].head != NIL {
            return Some(self.elapsed);
        }
        self.next_list().map(|(_, tick)| tick)
    }

    /// Advances the wheel to tick `now` and fires every entry with `deadline <= now`.
    ///
    /// A `now` before [`elapsed`](Self::elapsed) counts as `elapsed()`. Each fired entry's waker is
    /// pushed to `fired`, in `(deadline, insertion order)` order, and the entry is marked fired; it stays
    /// in the wheel until [`remove`](Self::remove) or [`reset`](Self::reset).
    pub(crate) fn advance(&mut self, now: u64, fired: &mut Vec<Waker>) {
        let now = now.max(self.elapsed);
        let mut batch = std::mem::take(&mut self.batch);
        // Every due entry fires; then visit occupied slots (and parked blocks) in tick order.
        self.drain(DUE, now, &mut batch);
        while let Some((list, tick)) = self.next_list() {
            if tick > now {
                break;
            }
            debug_assert!(tick > self.elapsed, "each step moves the wheel forward");
            self.elapsed = tick;
            self.drain(list, now, &mut batch);
        }
        self.elapsed = now;

        // Slots come out in tick order with equal deadlines in insertion order, so sorting is only
        // needed when a batch mixes due entries or cascades with entries fired straight from a slot.
        if !batch.is_sorted() {
            batch.sort_unstable();
        }
        for &(_, _, index) in &batch {
            // An entry reset after it fired keeps no waker until it is polled again.
            if let Some(waker) = self.entries[index].waker.take() {
                fired.push(waker);
            }
        }
        batch.clear();
        self.batch = batch;
    }

    /// Empties `list` at the current `elapsed`: entries due by `now` join `batch` as fired, the others are
    /// placed again relative to `elapsed` (a cascade to a lower level, or back to the parked list).
    fn drain(&mut self, list: usize, now: u64, batch: &mut Vec<(u64, u64, usize)>) {
        let mut index = self.lists[list].head;
        self.lists[list] = List::EMPTY;
        if list < DUE {
            self.occupied[list / SLOTS] &= !(1 << (list % SLOTS));
        }
        while index != NIL {
            let entry = &mut self.entries[index];
            let next = entry.next;
            if entry.deadline <= now {
                // Firing now rather than cascading down to level 0 keeps one `advance` over a long
                // span proportional to the entries, not to the levels they would pass through.
                entry.list = FIRED;
                batch.push((entry.deadline, entry.seq, index));
                self.pending -= 1;
            } else {
                self.place(index);
            }
            index = next;
        }
    }

    /// The next list `advance` must process and the tick at which to process it: the lowest occupied
    /// slot of the lowest occupied level, else the parked list at its floor. Ignores the due list.
    fn next_list(&self) -> Option<(usize, u64)> {
        for (level, &bits) in self.occupied.iter().enumerate() {
            if bits != 0 {
                // Every occupied slot lies ahead of `elapsed`'s slot at this level and the levels below
                // are empty, so the lowest occupied slot is the earliest work.
                let slot = bits.trailing_zeros() as usize;
                let shift = SLOT_BITS * level as u32;
                let level_start = self.elapsed & !((1u64 << (shift + SLOT_BITS)) - 1);
                return Some((level * SLOTS + slot, level_start + ((slot as u64) << shift)));
            }
        }
        (self.lists[PARKED].head != NIL).then_some((PARKED, self.parked_floor))
    }

    /// Puts a pending entry, in no list, where its deadline belongs relative to `elapsed`.
    fn place(&mut self, index: usize) {
        let deadline = self.entries[index].deadline;
        let list = if deadline <= self.elapsed {
            DUE
        } else {
            // The level of the highest bit where they differ (there is one: deadline > elapsed).
            let highest_bit = 63 - (self.elapsed ^ deadline).leading_zeros();
            let level = (highest_bit / SLOT_BITS) as usize;
            if level < LEVELS {
                let slot = (deadline >> (SLOT_BITS * level as u32)) as usize % SLOTS;
                level * SLOTS + slot
            } else {
                let block_start = deadline & !((1u64 << RANGE_BITS) - 1);
                // An empty parked list's floor is meaningless (e.g. left by entries removed long ago,
                // or by the scan that is re-parking this entry): start afresh.
                if self.lists[PARKED].head == NIL || block_start < self.parked_floor {
                    self.parked_floor = block_start;
                }
                PARKED
            }
        };
        self.push_back(list, index);
    }

    /// Appends entry `index`, in no list, to the tail of `list`.
    fn push_back(&mut self, list: usize, index: usize) {
        let tail = self.lists[list].tail;
        let entry = &mut self.entries[index];
        entry.list = list as u16;
        entry.prev = tail;
        entry.next = NIL;
        if tail == NIL {
            self.lists[list].head = index;
        } else {
            self.entries[tail].next = index;
        }
        self.lists[list].tail = index;
        if list < DUE {
            self.occupied[list / SLOTS] |= 1 << (list % SLOTS);
        }
    }

    /// Takes entry `index` out of its list, if it is in one (a fired entry is not).
    fn unlink(&mut self, index: usize) {
        let Entry { list, prev, next, .. } = self.entries[index];
        if list == FIRED {
            return;
        }
        let list = list as usize;
        match prev {
            NIL => self.lists[list].head = next,
            prev => self.entries[prev].next = next,
        }
        match next {
            NIL => self.lists[list].tail = prev,
            next => self.entries[next].prev = prev,
        }
        if list < DUE && self.lists[list].head == NIL {
            self.occupied[list / SLOTS] &= !(1 << (list % SLOTS));
        }
        let entry = &mut self.entries[index];
        entry.list = FIRED;
        entry.prev = NIL;
        entry.next = NIL;
    }

    /// Hands out the next insertion sequence number.
    fn take_seq(&mut self) -> u64 {
        let seq = self.next_seq;
        // 2^64 inserts would take centuries; wrapping only weakens tie-breaking, never correctness.
        self.next_seq = seq.wrapping_add(1);
        seq
    }

    /// The entry behind `key`.
    fn entry(&self, key: TimerKey) -> &Entry {
        match self.entries.get(key.0) {
            Some(entry) => entry,
            None => panic!("timer wheel: {key:?} is not in the wheel"),
        }
    }

    /// The entry behind `key`, mutably.
    fn entry_mut(&mut self, key: TimerKey) -> &mut Entry {
        match self.entries.get_mut(key.0) {
            Some(entry) => entry,
            None => panic!("timer wheel: {key:?} is not in the wheel"),
        }
    }
}

impl fmt::Debug for Wheel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wheel")
            .field("elapsed", &self.elapsed)
            .field("len", &self.len())
            .field("pending", &self.pending)
            .field("next_expiration", &self.next_expiration())
            .finish()
    }
}
