//! The queue engine shared by [`Queue`](super::Queue), [`PriorityQueue`](super::PriorityQueue) and
//! [`LifoQueue`](super::LifoQueue); they differ only in their [`Storage`].
//!
//! All state sits in one `RefCell`: the stored items, three FIFO [`WaiterList`]s (getters, putters,
//! joiners) and three counters. Waiters are served by hand-off, never by "wake up and retry", so that
//! a newcomer cannot overtake a waiter and a cancelled waiter cannot lose anything:
//!
//! * **putters** wait only while the queue is full. When space appears, the head putter's item (kept in
//!   its waiter node) is moved into the storage on its behalf and the putter is woken with its put
//!   already done. A put dropped while waiting takes its item with it; one dropped after the hand-off
//!   has nothing to undo.
//! * **getters** wait only while every stored item is promised to an earlier getter. When an item
//!   arrives, the head getter is *granted* it: `reserved` goes up, the item stays in the storage, and
//!   the getter takes whichever item comes out next when it runs (so each storage's order holds exactly).
//!   A granted getter dropped before it runs gives its grant back, and the grant passes to the next
//!   getter. Non-waiting takers see only the unpromised items (`len - reserved`).
//! * **joiners** wait until no item is stored and none is out being processed (`outstanding`: taken
//!   but not yet marked done with `task_done`); they are released like [`Event`](crate::sync::Event)
//!   waiters.
//!
//! After every change, [`Engine::settle`] applies these rules one step at a time, waking each served
//! waiter outside the borrow. Between calls the invariants are: putters wait only if the queue is full
//! and open; getters wait only if no unpromised item is stored (`len <= reserved`) and it is open.

use std::cell::{RefCell, RefMut};
use std::fmt;
use std::marker::PhantomData;
use std::mem;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use super::storage::Storage;
use super::{QueueShutDown, TaskDoneError, TryGetError, TryPutError};
use crate::sync::waiters::{Slot, Waiter, WaiterList};

pub(crate) struct Engine<T, S> {
    state: RefCell<State<T, S>>,
}

struct State<T, S> {
    items: S,
    /// The most items the storage may hold (`usize::MAX` when unbounded).
    limit: usize,
    capacity: Option<usize>,
    /// Stored items promised to granted getters that have not run yet.
    reserved: usize,
    /// Items taken out and not yet marked done.
    outstanding: usize,
    shut_down: bool,
    getters: WaiterList<(), Grant>,
    /// Each putter waits with its item; it is served `Ok` once the item is moved in, or the item back
    /// when the queue shuts down.
    putters: WaiterList<T, Result<(), QueueShutDown<T>>>,
    joiners: WaiterList<(), ()>,
}

/// What a waiting getter is served.
#[derive(Debug, Clone, Copy)]
enum Grant {
    /// Promised a stored item (counted in `reserved`).
    Item,
    /// The queue shut down with no item for it.
    ShutDown,
}

impl<T, S: Storage<T>> Engine<T, S> {
    pub(crate) fn new(capacity: Option<usize>) -> Self {
        Engine {
            state: RefCell::new(State {
                items: S::default(),
                limit: capacity.unwrap_or(usize::MAX),
                capacity,
                reserved: 0,
                outstanding: 0,
                shut_down: false,
                getters: WaiterList::new(),
                putters: WaiterList::new(),
                joiners: WaiterList::new(),
            }),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.state.borrow().items.len()
    }

    pub(crate) fn capacity(&self) -> Option<usize> {
        self.state.borrow().capacity
    }

    pub(crate) fn is_full(&self) -> bool {
        let state = self.state.borrow();
        state.items.len() >= state.limit
    }

    pub(crate) fn is_shut_down(&self) -> bool {
        self.state.borrow().shut_down
    }

    pub(crate) fn try_put(&self, item: T) -> Result<(), TryPutError<T>> {
        {
            let mut state = self.state.borrow_mut();
            if state.shut_down {
                return Err(TryPutError::ShutDown(item));
            }
            if !state.putters.is_empty() || state.items.len() >= state.limit {
                return Err(TryPutError::Full(item));
            }
            state.items.push(item);
        }
        self.settle();
        Ok(())
    }

    pub(crate) fn try_get(&self) -> Result<T, TryGetError> {
        let item = {
            let mut state = self.state.borrow_mut();
            match state.take_unpromised() {
                Some(item) => item,
                None if state.shut_down => return Err(TryGetError::ShutDown),
                None => return Err(TryGetError::Empty),
            }
        };
        self.settle();
        Ok(item)
    }

    pub(crate) fn task_done(&self) -> Result<(), TaskDoneError> {
        {
            let mut state = self.state.borrow_mut();
            if state.outstanding == 0 {
                return Err(TaskDoneError(()));
            }
            state.outstanding -= 1;
        }
        self.settle();
        Ok(())
    }

    pub(crate) fn shutdown(&self, immediate: bool) {
        let discarded = {
            let mut state = self.state.borrow_mut();
            state.shut_down = true;
            immediate.then(|| mem::take(&mut state.items))
        };
        self.settle();
        // Dropped last: an item's destructor may use this queue.
        drop(discarded);
    }

    /// Serves every waiter the current state allows, one at a time, waking each outside the borrow.
    fn settle(&self) {
        loop {
            // Bound first: the borrow ends with this statement, before the push below borrows again.
            let served = self.state.borrow_mut().serve_one();
            let Some((waker, moved_in)) = served else { return };
            // Declared before the push's borrow, so that if a `PriorityQueue`'s `Ord` panics in the push
            // (the item stays stored: `BinaryHeap` keeps it), the putter already served `Ok` is still
            // woken, after that borrow is released, instead of waiting forever.
            let _wake = WakeOnDrop(Some(waker));
            if let Some(item) = moved_in {
                self.state.borrow_mut().items.push(item);
            }
        }
    }

    pub(crate) fn fmt_fields(&self, d: &mut fmt::DebugStruct<'_, '_>) {
        let state = self.state.borrow();
        d.field("len", &state.items.len())
            .field("capacity", &state.capacity)
            .field("unfinished", &(state.items.len() + state.outstanding))
            .field("getters", &state.getters.len())
            .field("putters", &state.putters.len())
            .field("shut_down", &state.shut_down);
    }
}

impl<T, S: Storage<T>> State<T, S> {
    /// Takes a stored item nobody has been promised, if there is one and no getter is in line.
    fn take_unpromised(&mut self) -> Option<T> {
        if !self.getters.is_empty() || self.items.len() <= self.reserved {
            return None;
        }
        let item = self.items.pop()?;
        self.outstanding += 1;
        Some(item)
    }

    /// Performs one hand-off the rules call for and returns the waker of the waiter served, with the
    /// item of a putter served `Ok`, which the caller must push into the storage at once. (Pushing it
    /// here would run a user `Ord` with the waiter served but its waker not yet handed out.)
    fn serve_one(&mut self) -> Option<(Waker, Option<T>)> {
        if !self.putters.is_empty() && (self.shut_down || self.items.len() < self.limit) {
            let shut_down = self.shut_down;
            let mut moved_in = None;
            let waker = self.putters.serve_next(|item| {
                if shut_down {
                    return Err(QueueShutDown(item));
                }
                moved_in = Some(item);
                Ok(())
            })?;
            return Some((waker, moved_in));
        }
        let waker = if !self.getters.is_empty() && self.items.len() > self.reserved {
            self.reserved += 1;
            self.getters.serve_next(|()| Grant::Item)
        } else if !self.getters.is_empty() && self.shut_down {
            self.getters.serve_next(|()| Grant::ShutDown)
        } else if self.items.len() == 0 && self.outstanding == 0 {
            self.joiners.serve_next(|()| ())
        } else {
            None
        };
        waker.map(|waker| (waker, None))
    }
}

/// Wakes its waker when dropped, also while unwinding.
struct WakeOnDrop(Option<Waker>);

impl Drop for WakeOnDrop {
    fn drop(&mut self) {
        if let Some(waker) = self.0.take() {
            waker.wake();
        }
    }
}

pub(crate) struct Put<'a, T, S> {
    engine: &'a Engine<T, S>,
    /// Holds the item until the first poll, when it goes into the queue or, with the putter, in line.
    waiter: Waiter<T>,
}

impl<'a, T, S> Put<'a, T, S> {
    pub(crate) fn new(engine: &'a Engine<T, S>, item: T) -> Self {
        Put { engine, waiter: Waiter::new(item) }
    }
}

// The item is only ever moved, never pinned or borrowed across polls, so `Put` may move even when `T`
// is not `Unpin`.
impl<T, S> Unpin for Put<'_, T, S> {}

impl<T, S: Storage<T>> Future for Put<'_, T, S> {
    type Output = Result<(), QueueShutDown<T>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let engine = this.engine;
        if let Some(item) = this.waiter.first_poll() {
            return match engine.try_put(item) {
                Ok(()) => Poll::Ready(Ok(())),
                Err(TryPutError::ShutDown(item)) => Poll::Ready(Err(QueueShutDown(item))),
                Err(TryPutError::Full(item)) => {
                    this.waiter = engine.state.borrow_mut().putters.push_back(item, cx.waker());
                    Poll::Pending
                }
            };
        }
        this.waiter.poll_served(&mut engine.state.borrow_mut().putters, cx)
    }
}

impl<T, S> Drop for Put<'_, T, S> {
    fn drop(&mut self) {
        // A put still waiting takes its item with it (dropped once `cancel` has let go of the queue,
        // since the item's destructor may use it); one already moved in has nothing to undo.
        self.waiter.cancel(|| RefMut::map(self.engine.state.borrow_mut(), |state| &mut state.putters));
    }
}

pub(crate) struct Get<'a, T, S: Storage<T>> {
    engine: &'a Engine<T, S>,
    waiter: Waiter<()>,
    _item: PhantomData<fn() -> T>,
}

impl<'a, T, S: Storage<T>> Get<'a, T, S> {
    pub(crate) fn new(engine: &'a Engine<T, S>) -> Self {
        Get { engine, waiter: Waiter::new(()), _item: PhantomData }
    }
}

impl<T, S: Storage<T>> Future for Get<'_, T, S> {
    type Output = Result<T, QueueShutDown>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let engine = this.engine;
        let mut state = engine.state.borrow_mut();
        let item = if this.waiter.first_poll().is_some() {
            match state.take_unpromised() {
                Some(item) => item,
                None if state.shut_down => return Poll::Ready(Err(QueueShutDown(()))),
                None => {
                    this.waiter = state.getters.push_back((), cx.waker());
                    return Poll::Pending;
                }
            }
        } else {
            match std::task::ready!(this.waiter.poll_served(&mut state.getters, cx)) {
                Grant::ShutDown => return Poll::Ready(Err(QueueShutDown(()))),
                Grant::Item => {
                    state.reserved -= 1;
                    // The promised item can only be gone if `shutdown_immediate` discarded it.
                    let Some(item) = state.items.pop() else {
                        return Poll::Ready(Err(QueueShutDown(())));
                    };
                    state.outstanding += 1;
                    item
                }
            }
        };
        drop(state);
        // Taking an item may make room for a waiting putter.
        engine.settle();
        Poll::Ready(Ok(item))
    }
}

impl<T, S: Storage<T>> Drop for Get<'_, T, S> {
    fn drop(&mut self) {
        let engine = self.engine;
        let getters = || RefMut::map(engine.state.borrow_mut(), |state| &mut state.getters);
        if let Some(Slot::Served(Grant::Item)) = self.waiter.cancel(getters) {
            // Give the promised item back; `settle` promises it to the next getter, if any.
            engine.state.borrow_mut().reserved -= 1;
            engine.settle();
        }
    }
}

pub(crate) struct Join<'a, T, S> {
    engine: &'a Engine<T, S>,
    waiter: Waiter<()>,
}

impl<'a, T, S> Join<'a, T, S> {
    pub(crate) fn new(engine: &'a Engine<T, S>) -> Self {
        Join { engine, waiter: Waiter::new(()) }
    }
}

impl<T, S: Storage<T>> Future for Join<'_, T, S> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        let mut state = this.engine.state.borrow_mut();
        if this.waiter.first_poll().is_some() {
            if state.items.len() == 0 && state.outstanding == 0 {
                return Poll::Ready(());
            }
            this.waiter = state.joiners.push_back((), cx.waker());
            return Poll::Pending;
        }
        this.waiter.poll_served(&mut state.joiners, cx)
    }
}

impl<T, S> Drop for Join<'_, T, S> {
    fn drop(&mut self) {
        // A released joiner has nothing to pass on: releases go to every joiner at once.
        self.waiter.cancel(|| RefMut::map(self.engine.state.borrow_mut(), |state| &mut state.joiners));
    }
}
