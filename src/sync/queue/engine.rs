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

use std::cell::RefCell;
use std::fmt;
use std::marker::PhantomData;
use std::mem;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use super::storage::Storage;
use super::{QueueShutDown, TaskDoneError, TryGetError, TryPutError};
use crate::sync::waiters::WaiterList;

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
    getters: WaiterList<GetSlot>,
    putters: WaiterList<PutSlot<T>>,
    /// Each joiner's data says whether it has been released.
    joiners: WaiterList<bool>,
}

#[derive(Debug, Clone, Copy)]
enum GetSlot {
    Waiting,
    /// Promised a stored item (counted in `reserved`).
    Granted,
    ShutDown,
}

enum PutSlot<T> {
    /// Waiting for space, holding the item to put.
    Waiting(T),
    /// The item has been moved into the queue.
    Done,
    /// The queue shut down; the item is handed back.
    ShutDown(T),
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
            let waker = self.state.borrow_mut().serve_one();
            match waker {
                Some(waker) => waker.wake(),
                None => return,
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

    /// Performs one hand-off the rules call for and returns the waker of the waiter served.
    fn serve_one(&mut self) -> Option<Waker> {
        if !self.putters.is_empty() && (self.shut_down || self.items.len() < self.limit) {
            let (key, waker) = self.putters.pop_front().expect("a putter is in line");
            let slot = self.putters.data_mut(key);
            let PutSlot::Waiting(item) = mem::replace(slot, PutSlot::Done) else {
                unreachable!("a putter still in line holds its item");
            };
            if self.shut_down {
                *slot = PutSlot::ShutDown(item);
            } else {
                self.items.push(item);
            }
            return Some(waker);
        }
        if !self.getters.is_empty() {
            if self.items.len() > self.reserved {
                self.reserved += 1;
                return Some(self.pop_getter(GetSlot::Granted));
            }
            if self.shut_down {
                return Some(self.pop_getter(GetSlot::ShutDown));
            }
        }
        if self.items.len() == 0 && self.outstanding == 0 {
            let (key, waker) = self.joiners.pop_front()?;
            *self.joiners.data_mut(key) = true;
            return Some(waker);
        }
        None
    }

    fn pop_getter(&mut self, outcome: GetSlot) -> Waker {
        let (key, waker) = self.getters.pop_front().expect("a getter is in line");
        *self.getters.data_mut(key) = outcome;
        waker
    }
}

#[derive(Debug, Clone, Copy)]
enum Stage {
    Idle,
    Queued(usize),
    Done,
}

pub(crate) struct Put<'a, T, S> {
    engine: &'a Engine<T, S>,
    item: Option<T>,
    stage: Stage,
}

impl<'a, T, S> Put<'a, T, S> {
    pub(crate) fn new(engine: &'a Engine<T, S>, item: T) -> Self {
        Put { engine, item: Some(item), stage: Stage::Idle }
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
        match this.stage {
            Stage::Idle => {
                let item = this.item.take().expect("checked by `stage`");
                this.stage = Stage::Done;
                match engine.try_put(item) {
                    Ok(()) => Poll::Ready(Ok(())),
                    Err(TryPutError::ShutDown(item)) => Poll::Ready(Err(QueueShutDown(item))),
                    Err(TryPutError::Full(item)) => {
                        let mut state = engine.state.borrow_mut();
                        let key = state.putters.push_back(PutSlot::Waiting(item), cx.waker());
                        this.stage = Stage::Queued(key);
                        Poll::Pending
                    }
                }
            }
            Stage::Queued(key) => {
                let mut state = engine.state.borrow_mut();
                if let PutSlot::Waiting(_) = state.putters.data(key) {
                    state.putters.set_waker(key, cx.waker());
                    return Poll::Pending;
                }
                let (slot, _) = state.putters.remove(key);
                drop(state);
                this.stage = Stage::Done;
                match slot {
                    PutSlot::ShutDown(item) => Poll::Ready(Err(QueueShutDown(item))),
                    PutSlot::Done => Poll::Ready(Ok(())),
                    PutSlot::Waiting(_) => unreachable!("checked above"),
                }
            }
            Stage::Done => panic!("queue put polled after it completed"),
        }
    }
}

impl<T, S> Drop for Put<'_, T, S> {
    fn drop(&mut self) {
        if let Stage::Queued(key) = mem::replace(&mut self.stage, Stage::Done) {
            // A put still waiting takes its item with it; one already moved in has nothing to undo.
            // Dropped after the borrow ends, since the item's destructor may use the queue.
            let (slot, _) = self.engine.state.borrow_mut().putters.remove(key);
            drop(slot);
        }
    }
}

pub(crate) struct Get<'a, T, S: Storage<T>> {
    engine: &'a Engine<T, S>,
    stage: Stage,
    _item: PhantomData<fn() -> T>,
}

impl<'a, T, S: Storage<T>> Get<'a, T, S> {
    pub(crate) fn new(engine: &'a Engine<T, S>) -> Self {
        Get { engine, stage: Stage::Idle, _item: PhantomData }
    }
}

impl<T, S: Storage<T>> Future for Get<'_, T, S> {
    type Output = Result<T, QueueShutDown>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let engine = this.engine;
        let mut state = engine.state.borrow_mut();
        let item = match this.stage {
            Stage::Idle => match state.take_unpromised() {
                Some(item) => item,
                None if state.shut_down => {
                    this.stage = Stage::Done;
                    return Poll::Ready(Err(QueueShutDown(())));
                }
                None => {
                    let key = state.getters.push_back(GetSlot::Waiting, cx.waker());
                    this.stage = Stage::Queued(key);
                    return Poll::Pending;
                }
            },
            Stage::Queued(key) => match *state.getters.data(key) {
                GetSlot::Waiting => {
                    state.getters.set_waker(key, cx.waker());
                    return Poll::Pending;
                }
                GetSlot::ShutDown => {
                    state.getters.remove(key);
                    this.stage = Stage::Done;
                    return Poll::Ready(Err(QueueShutDown(())));
                }
                GetSlot::Granted => {
                    state.getters.remove(key);
                    state.reserved -= 1;
                    this.stage = Stage::Done;
                    // The promised item can only be gone if `shutdown_immediate` discarded it.
                    let Some(item) = state.items.pop() else {
                        return Poll::Ready(Err(QueueShutDown(())));
                    };
                    state.outstanding += 1;
                    item
                }
            },
            Stage::Done => panic!("queue get polled after it completed"),
        };
        this.stage = Stage::Done;
        drop(state);
        // Taking an item may make room for a waiting putter.
        engine.settle();
        Poll::Ready(Ok(item))
    }
}

impl<T, S: Storage<T>> Drop for Get<'_, T, S> {
    fn drop(&mut self) {
        if let Stage::Queued(key) = mem::replace(&mut self.stage, Stage::Done) {
            let mut state = self.engine.state.borrow_mut();
            let (slot, _) = state.getters.remove(key);
            if let GetSlot::Granted = slot {
                // Give the promised item back; `settle` promises it to the next getter, if any.
                state.reserved -= 1;
                drop(state);
                self.engine.settle();
            }
        }
    }
}

pub(crate) struct Join<'a, T, S> {
    engine: &'a Engine<T, S>,
    stage: Stage,
}

impl<'a, T, S> Join<'a, T, S> {
    pub(crate) fn new(engine: &'a Engine<T, S>) -> Self {
        Join { engine, stage: Stage::Idle }
    }
}

impl<T, S: Storage<T>> Future for Join<'_, T, S> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        let mut state = this.engine.state.borrow_mut();
        match this.stage {
            Stage::Idle => {
                if state.items.len() == 0 && state.outstanding == 0 {
                    this.stage = Stage::Done;
                    return Poll::Ready(());
                }
                this.stage = Stage::Queued(state.joiners.push_back(false, cx.waker()));
                Poll::Pending
            }
            Stage::Queued(key) => {
                if !*state.joiners.data(key) {
                    state.joiners.set_waker(key, cx.waker());
                    return Poll::Pending;
                }
                state.joiners.remove(key);
                this.stage = Stage::Done;
                Poll::Ready(())
            }
            Stage::Done => panic!("queue join polled after it completed"),
        }
    }
}

impl<T, S> Drop for Join<'_, T, S> {
    fn drop(&mut self) {
        if let Stage::Queued(key) = mem::replace(&mut self.stage, Stage::Done) {
            self.engine.state.borrow_mut().joiners.remove(key);
        }
    }
}
