//! A fixed set of pinned slots, each with a waker of its own, in one allocation: the engine of `gather`,
//! `try_gather`, `wait` and `as_completed`.
//!
//! Those combinators run many child futures inside one task. When a child's waker fires, only that child
//! should be polled again, so that a wake costs O(woken) rather than O(children). A [`WakerSet`] gives
//! every slot a waker that knows its index: waking it pushes the index on a ready list and wakes the
//! *parent* (the task polling the combinator). The combinator then polls exactly the woken slots, through
//! [`WakerSet::poll_ready`]: each combinator is that one call plus what it does with a child that finished.
//!
//! # Layout: one allocation
//! ```text
//! ┌────────┬──────────────────────────┬──────────────────────┐
//! │ Header │ Node 0 │ Node 1 │ … │ n-1 │ T 0 │ T 1 │ … │ n-1  │
//! └────────┴──────────────────────────┴──────────────────────┘
//!   refs, shared ready stack, parent waker    the slots (pinned: never moved until dropped in place)
//! ```
//! A child's `Waker` is a counted reference to the allocation whose data pointer is its `Node`; the node
//! holds its index, from which the header is found by pointer arithmetic. The vtable never touches the
//! slots, so it does not depend on `T`.
//!
//! # Who touches what
//! | field | who |
//! |---|---|
//! | `Header::refs` | every waker and the handle, atomically (like `Arc`) |
//! | `Header::head`, `Node::queued` | wakers (any thread) and the handle, atomically |
//! | `Node::next` | the waker that set `queued` (before publishing the node on `head`), then the handle (after taking it off `head`, until it clears `queued`) |
//! | `Header::parent` | under its mutex: the handle stores the parent waker, a waker takes it to wake it |
//! | the slots | the handle only, through `&mut self`; wakers never read them |
//!
//! # The ready list
//! Woken nodes go on a lock-free stack (`Header::head`, linked through `Node::next` by index): a waker
//! first swaps its node's `queued` flag to true and pushes only if it was false, so a node is on the list
//! at most once; the waker that makes the stack non-empty wakes the parent. The handle takes the whole
//! stack with one swap (no ABA: nothing is ever popped one by one), reverses it into wake order and appends
//! it to its private *batch*. It polls from the batch, clearing `queued` just before each child's poll, so
//! a child woken during its own poll goes back on the shared stack for the next round: within one round
//! (one [`WakerSet::poll_ready`]) each index comes out at most once. Indices left in the batch when a
//! consumer stops early (`as_completed` returning an item) stay there for the next round. The very first
//! round needs no list: it sweeps the slots in order, with no atomic operation at all.
//!
//! Orderings: the `queued` swaps are read-modify-writes with `AcqRel` on both sides, so a wake whose swap
//! found the node already queued still happens-before the handle's clearing swap, and the child's poll
//! sees what the waker published. The push's `Release` CAS on `head` and the handle's `Acquire` swap make
//! the `next` links visible. The handle stores the parent waker before it swaps `head`, and a pusher that
//! found the stack empty read `head` from that swap, so its lock of `parent` comes after the store.

use std::alloc::{self, Layout};
use std::fmt;
use std::marker::PhantomData;
use std::mem::{ManuallyDrop, align_of, size_of};
use std::ops::ControlFlow;
use std::pin::Pin;
use std::ptr::{self, NonNull};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering, fence};
use std::sync::{Mutex, PoisonError};
use std::task::{Context, RawWaker, RawWakerVTable, Waker};

/// The end of a chain of nodes, and the value of an empty stack.
const END: usize = usize::MAX;

/// The shared part, at the start of the allocation.
struct Header {
    /// The handle's reference plus one per cloned waker.
    refs: AtomicUsize,
    /// Top of the stack of woken nodes (an index, or `END`).
    head: AtomicUsize,
    /// Who to wake when the stack becomes non-empty.
    parent: Mutex<Option<Waker>>,
    /// The layout of the whole allocation, to free it from any thread without knowing `T`.
    layout: Layout,
}

/// One child's waker state.
struct Node {
    /// True while the node is on the shared stack or in the handle's batch.
    queued: AtomicBool,
    /// The next node (index) in the stack or the batch, or `END`.
    next: AtomicUsize,
    /// This node's index, to find the header and to push itself.
    index: usize,
}

/// Where the nodes start: right after the header (both are word-aligned), whatever `T` is.
const NODES_OFFSET: usize = size_of::<Header>().next_multiple_of(align_of::<Node>());

/// The layout of a set of `cap` slots of `T`, and the offset of the slots.
fn layout_for<T>(cap: usize) -> (Layout, usize) {
    let overflow = || -> ! { panic!("capacity overflow: too many futures for one set") };
    let header = Layout::new::<Header>();
    let nodes = Layout::array::<Node>(cap).unwrap_or_else(|_| overflow());
    let (with_nodes, nodes_offset) = header.extend(nodes).unwrap_or_else(|_| overflow());
    debug_assert_eq!(nodes_offset, NODES_OFFSET);
    let slots = Layout::array::<T>(cap).unwrap_or_else(|_| overflow());
    let (all, slots_offset) = with_nodes.extend(slots).unwrap_or_else(|_| overflow());
    (all.pad_to_align(), slots_offset)
}

/// `n` pinned slots of `T`, each with its own waker, in one allocation. See the [module docs](self).
///
/// The handle owns the slots: it drops them in place when it is dropped, on the thread that owns it.
/// Wakers may outlive it (they keep the memory, never the slots, alive) and may be used from any thread.
pub(crate) struct WakerSet<T> {
    header: NonNull<Header>,
    /// Slot 0; the slots never move.
    slots: NonNull<T>,
    len: usize,
    /// The first round visits every slot once, in order, without touching the ready list: `sweep` is the
    /// next slot to visit (`len` once done). Nodes start not queued, so a slot woken once swept goes on the
    /// ready list like any other. A slot not yet swept cannot have been woken, since its waker has not been
    /// handed out (and if it were, it would merely be polled twice).
    sweep: usize,
    /// The handle's private FIFO of woken indices not yet handed out (`END` when empty).
    batch_head: usize,
    batch_tail: usize,
    _owns: PhantomData<T>,
}

// SAFETY: the handle owns its `T`s (so it may move to another thread when `T: Send`); the header and
// nodes it shares with the wakers are atomics, a `Mutex` and immutable data, all `Send + Sync`.
unsafe impl<T: Send> Send for WakerSet<T> {}
// SAFETY: through `&WakerSet` one can only read the length; every method that touches the batch or the
// slots takes `&mut self`.
unsafe impl<T: Sync> Sync for WakerSet<T> {}
// The slots live on the heap and never move, whatever happens to the handle.
impl<T> Unpin for WakerSet<T> {}

impl<T> WakerSet<T> {
    /// Moves the items of `iter` into a new set; the first round visits every slot, in order.
    ///
    /// One allocation when the iterator reports an exact length (`size_hint` with equal bounds: `Vec`,
    /// arrays, ranges and their `map`s); otherwise the items are first collected into a temporary `Vec`.
    /// An iterator that reports a wrong exact length is handled correctly, just not in one allocation.
    pub(crate) fn new<I: IntoIterator<Item = T>>(iter: I) -> WakerSet<T> {
        let mut iter = iter.into_iter();
        let items: Vec<T> = match iter.size_hint() {
            (lo, Some(hi)) if lo == hi => match WakerSet::fill(lo, &mut iter) {
                Ok(set) => return set,
                Err(mut items) => {
                    items.extend(iter);
                    items
                }
            },
            _ => iter.collect(),
        };
        let len = items.len();
        WakerSet::fill(len, &mut items.into_iter())
            .unwrap_or_else(|_| unreachable!("vec::IntoIter lied about its length"))
    }

    /// Allocates room for `cap` slots and fills them from `iter`. If `iter` has more than `cap` items,
    /// gives back what it took (plus one) as a `Vec` instead, and frees the allocation.
    fn fill(cap: usize, iter: &mut impl Iterator<Item = T>) -> Result<WakerSet<T>, Vec<T>> {
        let (layout, slots_offset) = layout_for::<T>(cap);
        // SAFETY: `layout` has a non-zero size: it holds at least the header.
        let base = unsafe { alloc::alloc(layout) };
        let Some(base) = NonNull::new(base) else { alloc::handle_alloc_error(layout) };
        let header = base.cast::<Header>();
        // SAFETY: `base` is a fresh allocation of `layout`, which starts with room for a `Header`.
        unsafe {
            header.write(Header {
                refs: AtomicUsize::new(1),
                head: AtomicUsize::new(END),
                parent: Mutex::new(None),
                layout,
            })
        };
        // SAFETY: `slots_offset` is within the allocation (`layout_for`), aligned for `T`.
        let slots = unsafe { base.add(slots_offset) }.cast::<T>();

        // Frees everything written so far if `iter` panics (or gives more items than announced).
        struct Partial<T> {
            header: NonNull<Header>,
            slots: NonNull<T>,
            written: usize,
            keep: bool,
        }
        impl<T> Drop for Partial<T> {
            fn drop(&mut self) {
                if self.keep {
                    return;
                }
                // SAFETY: the first `written` slots were initialized by `fill` and never handed out;
                // the header was written and no waker exists yet, so this is the only reference.
                unsafe {
                    ptr::drop_in_place(ptr::slice_from_raw_parts_mut(self.slots.as_ptr(), self.written));
                    free(self.header);
                }
            }
        }
        let mut partial = Partial { header, slots, written: 0, keep: false };

        while partial.written < cap {
            let Some(item) = iter.next() else { break };
            let i = partial.written;
            // SAFETY: `i < cap`: slot `i` and node `i` are in bounds of the allocation and uninitialized.
            unsafe {
                slots.add(i).write(item);
                node_ptr(header, i).write(Node {
                    queued: AtomicBool::new(false),
                    next: AtomicUsize::new(END),
                    index: i,
                });
            }
            partial.written += 1;
        }
        let len = partial.written;
        if len == cap {
            if let Some(extra) = iter.next() {
                // The iterator lied about its length: hand the items back (never pinned, so they may move).
                let mut items = Vec::with_capacity(len + 1);
                for i in 0..len {
                    // SAFETY: slot `i` is initialized; reading it out moves it, so forget it below.
                    items.push(unsafe { slots.add(i).read() });
                }
                partial.written = 0;
                drop(partial);
                items.push(extra);
                return Err(items);
            }
        }
        partial.keep = true;
        Ok(WakerSet { header, slots, len, sweep: 0, batch_head: END, batch_tail: END, _owns: PhantomData })
    }

    /// The number of slots.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    fn header(&self) -> &Header {
        // SAFETY: the handle holds a reference, so the header is alive; it is only ever shared.
        unsafe { self.header.as_ref() }
    }

    fn node(&self, i: usize) -> &Node {
        assert!(i < self.len, "index {i} out of range for a set of {}", self.len);
        // SAFETY: `i < len`, so node `i` was initialized by `fill`; the handle keeps it alive.
        unsafe { node_ptr(self.header, i).as_ref() }
    }

    /// One round, the whole poll of a combinator over its children: registers `cx`'s waker as the parent,
    /// then calls `poll(index, slot, child_cx)` for every slot woken since the last round, in wake order
    /// (the first round: every slot, in order), with a context holding that slot's own waker. Stops early
    /// when `poll` breaks, and returns its value; the slots still waiting stay first in line for the next
    /// round. A slot woken during its own poll is polled again in the next round, not in this one.
    ///
    /// Call it at the start of every poll of the parent: a wake that arrives after the woken slots were
    /// taken then finds the parent registered, so no wake is lost.
    pub(crate) fn poll_ready<B>(
        &mut self,
        cx: &Context<'_>,
        mut poll: impl FnMut(usize, Pin<&mut T>, &mut Context<'_>) -> ControlFlow<B>,
    ) -> ControlFlow<B> {
        self.begin_round(cx.waker());
        while let Some(i) = self.next_ready() {
            // Derived from the allocation's pointer, not from a `&Node`: the waker walks back to the header.
            // SAFETY: `next_ready` yields only indices below `len` (the sweep stops at `len`, the batch
            // holds nodes' own indices): node `i` is in bounds and initialized.
            let node = unsafe { node_ptr(self.header, i) };
            let raw = RawWaker::new(node.as_ptr() as *const (), &VTABLE);
            // SAFETY: `node` belongs to this live set, and the vtable's functions uphold the `RawWaker`
            // contract for node pointers. This waker owns no reference, so it is never dropped
            // (`ManuallyDrop`); `poll` only borrows it through the `Context` for this call (a clone takes a
            // reference of its own), while `&mut self` keeps the allocation alive.
            let waker = ManuallyDrop::new(unsafe { Waker::from_raw(raw) });
            poll(i, self.get_pin_mut(i), &mut Context::from_waker(&waker))?;
        }
        ControlFlow::Continue(())
    }

    /// Starts a round: remembers `parent` as the waker to wake when a slot is woken, and moves the slots
    /// woken since the last round to the end of the batch that [`WakerSet::next_ready`] drains.
    ///
    /// Called first in every round, before `next_ready`: a wake that arrives after the stack was taken
    /// then finds `parent` registered, so no wake is lost.
    fn begin_round(&mut self, parent: &Waker) {
        // One lock per round. Cloning under it is fine (a clone never wakes, so it cannot come back to
        // this mutex); the old waker is dropped after the lock is released.
        let old = {
            let mut slot = self.header().parent.lock().unwrap_or_else(PoisonError::into_inner);
            match &*slot {
                Some(w) if w.will_wake(parent) => None,
                _ => slot.replace(parent.clone()),
            }
        };
        drop(old);
        let taken = self.header().head.swap(END, Ordering::AcqRel);
        if taken == END {
            return;
        }
        // The stack holds the newest first: reverse it into wake order. These nodes are ours until their
        // `queued` flag is cleared, so their links may be rewritten.
        let (mut cur, mut prev) = (taken, END);
        while cur != END {
            let node = self.node(cur);
            let next = node.next.load(Ordering::Relaxed);
            node.next.store(prev, Ordering::Relaxed);
            prev = cur;
            cur = next;
        }
        if self.batch_head == END {
            self.batch_head = prev;
        } else {
            self.node(self.batch_tail).next.store(prev, Ordering::Relaxed);
        }
        self.batch_tail = taken;
    }

    /// The next woken slot of this round, in wake order, or `None` when the batch is empty. The slot is
    /// marked not woken, so a wake from now on (even during its poll) queues it for the next round.
    fn next_ready(&mut self) -> Option<usize> {
        if self.sweep < self.len {
            self.sweep += 1;
            return Some(self.sweep - 1);
        }
        let i = self.batch_head;
        if i == END {
            return None;
        }
        let node = self.node(i);
        // Read the link before clearing `queued`: from then on a waker may rewrite it.
        let next = node.next.load(Ordering::Relaxed);
        node.queued.swap(false, Ordering::AcqRel);
        self.batch_head = next;
        if next == END {
            self.batch_tail = END;
        }
        Some(i)
    }

    /// Slot `i`, pinned.
    ///
    /// # Panics
    /// If `i >= len`.
    pub(crate) fn get_pin_mut(&mut self, i: usize) -> Pin<&mut T> {
        assert!(i < self.len, "index {i} out of range for a set of {}", self.len);
        // SAFETY: `i < len` (checked above): the slot is initialized. The handle owns it exclusively
        // (`&mut self`), and slots are never moved until they are dropped in place, so pinning holds.
        unsafe { Pin::new_unchecked(&mut *self.slots.as_ptr().add(i)) }
    }
}

impl<T> Drop for WakerSet<T> {
    fn drop(&mut self) {
        // Release our reference even if a slot's destructor panics.
        struct Release(NonNull<Header>);
        impl Drop for Release {
            fn drop(&mut self) {
                // SAFETY: this is the handle's own reference, released exactly once.
                unsafe { release(self.0) };
            }
        }
        let release = Release(self.header);
        // Let go of the parent's waker first: a child whose destructor wakes its own waker then finds no
        // parent to wake, instead of waking a task whose combinator is already gone.
        let parent = self.header().parent.lock().unwrap_or_else(PoisonError::into_inner).take();
        drop(parent);
        // SAFETY: the first `len` slots are initialized and owned by the handle; they are dropped in place
        // (as pinning demands) and never touched again: wakers do not read slots. Should one destructor
        // panic, slice drop glue still drops the others before `release` runs.
        unsafe { ptr::drop_in_place(ptr::slice_from_raw_parts_mut(self.slots.as_ptr(), self.len)) };
        drop(release);
    }
}

impl<T> fmt::Debug for WakerSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WakerSet").field("len", &self.len).finish_non_exhaustive()
    }
}

/// Node `i` of the set whose header is at `header`.
///
/// # Safety
/// `header` points to a live set allocated with room for more than `i` nodes.
unsafe fn node_ptr(header: NonNull<Header>, i: usize) -> NonNull<Node> {
    // SAFETY: the nodes start at `NODES_OFFSET` and node `i` is in bounds (caller's promise).
    unsafe { header.cast::<u8>().add(NODES_OFFSET).cast::<Node>().add(i) }
}

/// The header of the set that `node` belongs to.
///
/// # Safety
/// `node` points to an initialized node of a live set.
unsafe fn header_of(node: NonNull<Node>) -> NonNull<Header> {
    // SAFETY: node `index` sits `index` nodes after node 0, which sits `NODES_OFFSET` bytes after the
    // header, all in one allocation (the pointer was derived from the header's).
    unsafe {
        let index = node.as_ref().index;
        node.sub(index).cast::<u8>().sub(NODES_OFFSET).cast::<Header>()
    }
}

/// Drops the header and frees the allocation. The slots must be gone already (or never written).
///
/// # Safety
/// `header` points to a set that nobody else references any more.
unsafe fn free(header: NonNull<Header>) {
    // SAFETY: the caller holds the only reference: nothing reads the header after this.
    unsafe {
        let layout = header.as_ref().layout;
        ptr::drop_in_place(header.as_ptr());
        alloc::dealloc(header.as_ptr().cast::<u8>(), layout);
    }
}

/// Releases one reference; the last one frees the allocation.
///
/// # Safety
/// The caller owns one reference to the live set behind `header`, and gives it up.
unsafe fn release(header: NonNull<Header>) {
    // SAFETY: our reference keeps the header alive until the decrement.
    let refs = unsafe { &header.as_ref().refs };
    if refs.fetch_sub(1, Ordering::Release) != 1 {
        return;
    }
    // Pairs with the `Release` of the other references' drops, as in `Arc`: their uses happen-before the
    // free.
    fence(Ordering::Acquire);
    // SAFETY: that was the last reference. The slots were dropped by the handle before it released its
    // reference (the handle's reference is released last or before wakers', never before the slots go).
    unsafe { free(header) };
}

/// The child wakers' vtable. Each function receives the data pointer of a waker made by
/// [`WakerSet::poll_ready`] (or cloned from one): a pointer to a node, derived from the allocation's pointer.
static VTABLE: RawWakerVTable = RawWakerVTable::new(clone_waker, wake, wake_by_ref, drop_waker);

/// Takes one more reference for the new waker.
///
/// # Safety
/// `data` is the node pointer of a live waker of ours.
unsafe fn clone_waker(data: *const ()) -> RawWaker {
    let node = data as *mut Node;
    // SAFETY: `data` is the node pointer of a live waker of ours (never null), which keeps the set alive.
    let header = unsafe { header_of(NonNull::new_unchecked(node)) };
    // SAFETY: as above, the header is alive.
    let prev = unsafe { header.as_ref() }.refs.fetch_add(1, Ordering::Relaxed);
    // Guard against wrap-around from leaked wakers, as `Arc` does.
    if prev > isize::MAX as usize {
        std::process::abort();
    }
    RawWaker::new(data, &VTABLE)
}

/// Wakes the child, then releases the waker's reference.
///
/// # Safety
/// `data` is the node pointer of a live waker of ours, whose reference this call consumes.
unsafe fn wake(data: *const ()) {
    // SAFETY: waking by value is waking by reference, then dropping the waker.
    unsafe {
        wake_by_ref(data);
        drop_waker(data);
    }
}

/// Queues the child on the ready stack (once) and wakes the parent if the stack was empty.
///
/// # Safety
/// `data` is the node pointer of a live waker of ours.
unsafe fn wake_by_ref(data: *const ()) {
    // SAFETY: `data` is the node pointer of a live waker of ours, which keeps the set alive meanwhile.
    let node = unsafe { NonNull::new_unchecked(data as *mut Node) };
    // SAFETY: as above.
    let (node, header) = unsafe { (node.as_ref(), header_of(node).as_ref()) };
    if node.queued.swap(true, Ordering::AcqRel) {
        return; // Already on the stack or in the batch: it will be polled.
    }
    // We set `queued`: the node is ours to link until the handle takes it off the stack.
    let mut head = header.head.load(Ordering::Relaxed);
    loop {
        node.next.store(head, Ordering::Relaxed);
        match header.head.compare_exchange_weak(head, node.index, Ordering::AcqRel, Ordering::Relaxed) {
            Ok(_) => break,
            Err(actual) => head = actual,
        }
    }
    if head == END {
        // We made the stack non-empty: the parent must come and look.
        wake_parent(header);
    }
}

/// Takes the parent's waker and wakes it, outside the lock in case it runs arbitrary code. Out of line:
/// inlined, the lock (and its poison handling) made every wake save and restore the callee-saved
/// registers only this slow path uses.
#[inline(never)]
fn wake_parent(header: &Header) {
    let parent = header.parent.lock().unwrap_or_else(PoisonError::into_inner).take();
    if let Some(parent) = parent {
        parent.wake();
    }
}

/// Releases the waker's reference.
///
/// # Safety
/// `data` is the node pointer of a live waker of ours, whose reference this call consumes.
unsafe fn drop_waker(data: *const ()) {
    // SAFETY: `data` is the node pointer of a live waker of ours, whose reference we now give up.
    unsafe { release(header_of(NonNull::new_unchecked(data as *mut Node))) };
}

#[cfg(test)]
mod tests {
    use std::ops::ControlFlow;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::task::{Context, Wake, Waker};

    use super::WakerSet;

    #[derive(Default)]
    struct Count(AtomicUsize);
    impl Wake for Count {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// One round under `parent`: the indices `poll_ready` hands out, breaking after `limit` of them.
    fn round(set: &mut WakerSet<u32>, parent: &Waker, limit: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let _ = set.poll_ready(&Context::from_waker(parent), |i, _, _| {
            out.push(i);
            if out.len() == limit { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
        });
        out
    }

    fn drain(set: &mut WakerSet<u32>, parent: &Waker) -> Vec<usize> {
        round(set, parent, usize::MAX)
    }

    /// The first round under `parent`, which sweeps every slot in order: a clone of each slot's waker.
    fn first_round<T>(set: &mut WakerSet<T>, parent: &Waker) -> Vec<Waker> {
        let mut wakers = Vec::new();
        let _ = set.poll_ready(&Context::from_waker(parent), |i, _, cx| {
            assert_eq!(i, wakers.len(), "in order");
            wakers.push(cx.waker().clone());
            ControlFlow::<()>::Continue(())
        });
        wakers
    }

    #[test]
    fn first_round_sweeps_in_order_then_only_woken_slots_come_out() {
        let parent = Arc::new(Count::default());
        let pw = Waker::from(parent.clone());
        let mut set = WakerSet::new(0..5u32);
        let w = first_round(&mut set, &pw);
        assert_eq!(w.len(), 5);
        assert_eq!(drain(&mut set, &pw), []);
        w[3].wake_by_ref();
        w[1].wake_by_ref();
        w[3].wake_by_ref();
        assert_eq!(parent.0.load(Ordering::SeqCst), 1, "only the wake that made the list non-empty");
        assert_eq!(drain(&mut set, &pw), [3, 1]);
    }

    #[test]
    fn leftovers_stay_ahead_of_later_wakes() {
        let pw = Waker::from(Arc::new(Count::default()));
        let mut set = WakerSet::new(0..6u32);
        let w = first_round(&mut set, &pw);
        for i in [4, 0, 2] {
            w[i].wake_by_ref();
        }
        assert_eq!(round(&mut set, &pw, 1), [4]);
        // Stopped early; 0 and 2 stay in the batch. Wakes meanwhile go after them, once each.
        w[5].wake_by_ref();
        w[0].wake_by_ref();
        w[4].wake_by_ref();
        assert_eq!(drain(&mut set, &pw), [0, 2, 5, 4]);
    }

    #[test]
    fn a_slot_woken_during_its_poll_comes_back_next_round() {
        let pw = Waker::from(Arc::new(Count::default()));
        let mut set = WakerSet::new([7u32]);
        let mut seen = Vec::new();
        let _ = set.poll_ready(&Context::from_waker(&pw), |i, slot, cx| {
            seen.push((i, *slot));
            cx.waker().wake_by_ref(); // the slot's own waker
            ControlFlow::<()>::Continue(())
        });
        assert_eq!(seen, [(0, 7)], "not twice in one round");
        assert_eq!(drain(&mut set, &pw), [0]);
        assert_eq!(*set.get_pin_mut(0), 7);
    }

    #[test]
    fn the_latest_parent_is_woken() {
        let (a, b) = (Arc::new(Count::default()), Arc::new(Count::default()));
        let mut set = WakerSet::new(0..2u32);
        let w = first_round(&mut set, &Waker::from(a.clone()));
        let _ = drain(&mut set, &Waker::from(b.clone()));
        w[0].wake_by_ref();
        assert_eq!((a.0.load(Ordering::SeqCst), b.0.load(Ordering::SeqCst)), (0, 1));
    }

    #[test]
    fn wakers_keep_the_memory_not_the_slots() {
        let slot = Arc::new(());
        let mut set = WakerSet::new([slot.clone(), slot.clone()]);
        let w = first_round(&mut set, &Waker::from(Arc::new(Count::default()))).remove(1);
        assert_eq!(Arc::strong_count(&slot), 3);
        drop(set);
        assert_eq!(Arc::strong_count(&slot), 1, "the handle dropped its slots");
        let w2 = w.clone();
        std::thread::spawn(move || w2.wake()).join().unwrap();
        w.wake();
    }

    #[test]
    fn empty_set() {
        let mut set = WakerSet::<u32>::new(std::iter::empty());
        assert_eq!(set.len(), 0);
        assert_eq!(drain(&mut set, &Waker::from(Arc::new(Count::default()))), []);
    }

    #[test]
    #[should_panic(expected = "out of range")]
    fn slot_out_of_range_panics() {
        let mut set = WakerSet::new([1u32]);
        let _ = set.get_pin_mut(1);
    }
}
