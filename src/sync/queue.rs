//! [`Queue`], [`PriorityQueue`] and [`LifoQueue`]: asyncio's queues, with `task_done`/`join` and
//! `shutdown`.
//!
//! The three types share one engine ([`engine`]) over a small storage trait ([`storage`]); the public
//! surface below is stamped out once per type by `queue_type!` so that each type carries its own
//! documentation and examples.

mod engine;
mod storage;

use std::fmt;
use std::future::Future;

use self::engine::{Engine, Get, Join, Put};
use self::storage::{Fifo, Lifo, Priority};

/// Defines one public queue type over the shared engine with the storage `$storage`; `$bound` is the
/// bound the storage puts on `T` (empty, or `: Ord`).
macro_rules! queue_type {
    (
        $(#[$attr:meta])*
        $name:ident, $storage:ident, [$($bound:tt)*]
    ) => {
        $(#[$attr])*
        pub struct $name<T> {
            engine: Engine<T, $storage<T>>,
        }

        impl<T $($bound)*> $name<T> {
            /// Creates an unbounded queue: [`put`](Self::put) never waits.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!("let queue = solio::sync::", stringify!($name), "::<u32>::new();")]
            /// assert_eq!(queue.capacity(), None);
            /// assert!(!queue.is_full());
            /// ```
            pub fn new() -> Self {
                $name { engine: Engine::new(None) }
            }

            /// Creates a queue that holds at most `capacity` items; [`put`](Self::put) waits while it
            /// is full.
            ///
            /// # Panics
            ///
            /// If `capacity` is zero. (asyncio reads `maxsize=0` as "unbounded"; here that is spelled
            /// [`new`](Self::new), and a queue that could never hold an item is refused.)
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!("let queue = solio::sync::", stringify!($name), "::bounded(2);")]
            /// queue.try_put(1).unwrap();
            /// queue.try_put(2).unwrap();
            /// assert!(queue.is_full());
            /// assert_eq!(queue.capacity(), Some(2));
            /// ```
            pub fn bounded(capacity: usize) -> Self {
                assert!(
                    capacity > 0,
                    "a bounded queue needs a capacity of at least 1; use `new()` for an unbounded queue",
                );
                $name { engine: Engine::new(Some(capacity)) }
            }

            /// Puts `item` in the queue, waiting for space while it is full.
            ///
            /// Putters waiting for space are served in FIFO order, and a newcomer does not overtake
            /// them. When space appears the first waiting item is moved into the queue on its
            /// putter's behalf, before the putter runs again.
            ///
            /// # Errors
            ///
            /// [`QueueShutDown`] carrying `item` back if the queue is shut down, before or while
            /// waiting.
            ///
            /// # Cancel safety
            ///
            /// Dropping the future while it waits for space gives up its place in line, and the item
            /// is dropped with it, never put. Once space was handed to it the item is already in the
            /// queue, and dropping the future changes nothing. Either way no item already in the
            /// queue is lost.
            ///
            /// # Examples
            ///
            /// ```
            /// solio::run(async {
            #[doc = concat!("    let queue = solio::sync::", stringify!($name), "::bounded(1);")]
            ///     queue.put(1).await.unwrap();
            ///     assert_eq!(queue.len(), 1);
            /// });
            /// ```
            pub fn put(&self, item: T) -> impl Future<Output = Result<(), QueueShutDown<T>>> {
                Put::new(&self.engine, item)
            }

            /// Puts `item` in the queue if there is space and no putter is waiting, without waiting.
            ///
            /// # Errors
            ///
            /// [`TryPutError::Full`] or [`TryPutError::ShutDown`], each carrying `item` back.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!("use solio::sync::{", stringify!($name), ", TryPutError};")]
            ///
            #[doc = concat!("let queue = ", stringify!($name), "::bounded(1);")]
            /// assert_eq!(queue.try_put(1), Ok(()));
            /// assert_eq!(queue.try_put(2), Err(TryPutError::Full(2)));
            /// queue.shutdown();
            /// assert_eq!(queue.try_put(3), Err(TryPutError::ShutDown(3)));
            /// ```
            pub fn try_put(&self, item: T) -> Result<(), TryPutError<T>> {
                self.engine.try_put(item)
            }

            /// Takes the next item, waiting while the queue is empty.
            ///
            /// Getters are served in FIFO order: each item that arrives is promised to the longest
            /// waiting getter, which takes the item due next (in this queue's order) when it runs. A
            /// newcomer never takes an item promised to a waiter.
            ///
            /// # Errors
            ///
            /// [`QueueShutDown`] once the queue is shut down and holds no item for this getter: after
            /// [`shutdown`](Self::shutdown) getters still drain what is left, after
            /// [`shutdown_immediate`](Self::shutdown_immediate) they fail at once.
            ///
            /// # Cancel safety
            ///
            /// Cancel safe: dropping the future never loses an item. A getter dropped while waiting
            /// just leaves the line; one dropped after an item was promised to it (woken but not yet
            /// run) gives the promise back, and it passes to the next waiting getter. The item itself
            /// never left the queue.
            ///
            /// # Examples
            ///
            /// ```
            /// solio::run(async {
            #[doc = concat!("    let queue = solio::sync::", stringify!($name), "::new();")]
            ///     queue.put(7).await.unwrap();
            ///     assert_eq!(queue.get().await, Ok(7));
            /// });
            /// ```
            pub fn get(&self) -> impl Future<Output = Result<T, QueueShutDown>> {
                Get::new(&self.engine)
            }

            /// Takes the next item if one is there for the taking, without waiting.
            ///
            /// Items promised to waiting getters are not for the taking.
            ///
            /// # Errors
            ///
            /// [`TryGetError::Empty`] if no item is available, or [`TryGetError::ShutDown`] if none
            /// is and the queue is shut down.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!("use solio::sync::{", stringify!($name), ", TryGetError};")]
            ///
            #[doc = concat!("let queue = ", stringify!($name), "::new();")]
            /// assert_eq!(queue.try_get(), Err(TryGetError::Empty));
            /// queue.try_put(1).unwrap();
            /// assert_eq!(queue.try_get(), Ok(1));
            /// queue.shutdown();
            /// assert_eq!(queue.try_get(), Err(TryGetError::ShutDown));
            /// ```
            pub fn try_get(&self) -> Result<T, TryGetError> {
                self.engine.try_get()
            }

            /// Marks one taken item as processed; [`join`](Self::join) returns once every item put
            /// has been taken and marked.
            ///
            /// # Errors
            ///
            /// [`TaskDoneError`] if called more times than items were taken.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!("let queue = solio::sync::", stringify!($name), "::new();")]
            /// queue.try_put("job").unwrap();
            /// let _job = queue.try_get().unwrap();
            /// assert!(queue.task_done().is_ok());
            /// assert!(queue.task_done().is_err());
            /// ```
            pub fn task_done(&self) -> Result<(), TaskDoneError> {
                self.engine.task_done()
            }

            /// Waits until every item put has been taken and marked with
            /// [`task_done`](Self::task_done); returns at once if nothing is unfinished.
            ///
            /// Items discarded by [`shutdown_immediate`](Self::shutdown_immediate) count as finished.
            ///
            /// # Cancel safety
            ///
            /// Cancel safe: dropping the future just removes the waiter.
            ///
            /// # Examples
            ///
            /// ```
            /// use std::rc::Rc;
            ///
            /// solio::run(async {
            #[doc = concat!("    let queue = Rc::new(solio::sync::", stringify!($name), "::new());")]
            ///     for job in 0..3 {
            ///         queue.try_put(job).unwrap();
            ///     }
            ///     let worker = {
            ///         let queue = queue.clone();
            ///         solio::spawn(async move {
            ///             while let Ok(_job) = queue.get().await {
            ///                 queue.task_done().unwrap();
            ///             }
            ///         })
            ///     };
            ///     queue.join().await;
            ///     assert!(queue.is_empty());
            ///     queue.shutdown(); // lets the worker's `get` fail, ending its loop
            ///     worker.await.unwrap();
            /// });
            /// ```
            pub fn join(&self) -> impl Future<Output = ()> {
                Join::new(&self.engine)
            }

            /// Shuts the queue down: puts fail from now on (waiting putters at once, getting their
            /// items back), while getters drain the items left and then fail.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!("use solio::sync::{", stringify!($name), ", TryGetError};")]
            ///
            #[doc = concat!("let queue = ", stringify!($name), "::new();")]
            /// queue.try_put(1).unwrap();
            /// queue.shutdown();
            /// assert!(queue.try_put(2).is_err());
            /// assert_eq!(queue.try_get(), Ok(1));
            /// assert_eq!(queue.try_get(), Err(TryGetError::ShutDown));
            /// ```
            pub fn shutdown(&self) {
                self.engine.shutdown(false);
            }

            /// Shuts the queue down and discards the items left: puts and gets fail from now on, and
            /// [`join`](Self::join) waits only for items already taken.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!("use solio::sync::{", stringify!($name), ", TryGetError};")]
            ///
            #[doc = concat!("let queue = ", stringify!($name), "::new();")]
            /// queue.try_put(1).unwrap();
            /// queue.shutdown_immediate();
            /// assert!(queue.is_empty());
            /// assert_eq!(queue.try_get(), Err(TryGetError::ShutDown));
            /// ```
            pub fn shutdown_immediate(&self) {
                self.engine.shutdown(true);
            }

            /// Whether the queue has been shut down.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!("let queue = solio::sync::", stringify!($name), "::<u8>::new();")]
            /// assert!(!queue.is_shut_down());
            /// queue.shutdown();
            /// assert!(queue.is_shut_down());
            /// ```
            pub fn is_shut_down(&self) -> bool {
                self.engine.is_shut_down()
            }

            /// The number of items in the queue (including any promised to getters that have not run
            /// yet).
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!("let queue = solio::sync::", stringify!($name), "::new();")]
            /// queue.try_put(1).unwrap();
            /// assert_eq!(queue.len(), 1);
            /// ```
            pub fn len(&self) -> usize {
                self.engine.len()
            }

            /// Whether the queue holds no item.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!("let queue = solio::sync::", stringify!($name), "::new();")]
            /// assert!(queue.is_empty());
            /// queue.try_put(1).unwrap();
            /// assert!(!queue.is_empty());
            /// ```
            pub fn is_empty(&self) -> bool {
                self.engine.len() == 0
            }

            /// Whether the queue holds as many items as its capacity (never true when unbounded).
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!("let queue = solio::sync::", stringify!($name), "::bounded(1);")]
            /// assert!(!queue.is_full());
            /// queue.try_put(1).unwrap();
            /// assert!(queue.is_full());
            /// ```
            pub fn is_full(&self) -> bool {
                self.engine.is_full()
            }

            /// The most items the queue holds, or `None` when unbounded.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!("use solio::sync::", stringify!($name), ";")]
            ///
            #[doc = concat!("assert_eq!(", stringify!($name), "::<u8>::bounded(8).capacity(), Some(8));")]
            #[doc = concat!("assert_eq!(", stringify!($name), "::<u8>::new().capacity(), None);")]
            /// ```
            pub fn capacity(&self) -> Option<usize> {
                self.engine.capacity()
            }
        }

        impl<T $($bound)*> Default for $name<T> {
            /// Same as [`new`](Self::new): an unbounded queue.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!("let queue: solio::sync::", stringify!($name), "<u8> = Default::default();")]
            /// assert_eq!(queue.capacity(), None);
            /// ```
            fn default() -> Self {
                Self::new()
            }
        }

        impl<T $($bound)*> fmt::Debug for $name<T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let mut d = f.debug_struct(stringify!($name));
                self.engine.fmt_fields(&mut d);
                d.finish()
            }
        }
    };
}

queue_type! {
    /// A first-in, first-out queue for passing items between tasks: asyncio's `Queue`.
    ///
    /// Unbounded ([`new`](Queue::new)) or bounded ([`bounded`](Queue::bounded)), with
    /// [`put`](Queue::put)/[`get`](Queue::get) that wait, `try_` forms that don't, and asyncio's
    /// work tracking: [`task_done`](Queue::task_done) after processing each item taken, and
    /// [`join`](Queue::join) to wait until all are processed. [`shutdown`](Queue::shutdown) ends the
    /// stream for both sides. Waiting putters and getters are each served in FIFO order.
    ///
    /// Borrow the queue from futures in the same task, or share it with [`Rc`](std::rc::Rc) across
    /// spawned tasks.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::rc::Rc;
    /// use solio::sync::Queue;
    ///
    /// solio::run(async {
    ///     let queue = Rc::new(Queue::bounded(2));
    ///     let producer = {
    ///         let queue = queue.clone();
    ///         solio::spawn(async move {
    ///             for i in [1, 3, 2] {
    ///                 queue.put(i).await.unwrap();
    ///             }
    ///             queue.shutdown();
    ///         })
    ///     };
    ///     let mut got = Vec::new();
    ///     while let Ok(item) = queue.get().await {
    ///         got.push(item);
    ///     }
    ///     producer.await.unwrap();
    ///     assert_eq!(got, [1, 3, 2]);
    /// });
    /// ```
    Queue, Fifo, []
}

queue_type! {
    /// A queue that hands out its smallest item first: asyncio's `PriorityQueue`.
    ///
    /// Items equal under [`Ord`] come out in the order they were put. Everything else is as for
    /// [`Queue`]; `(priority, payload)` tuples work as in Python.
    ///
    /// An `Ord` that panics is a logic error, as for [`std::collections::BinaryHeap`]: the panic reaches
    /// the task whose call was comparing items. A waiting `put` served at that moment still completes,
    /// its item stored; an item being taken out when a comparison panicked is lost, and the waiters the
    /// take would have served wait for the queue's next change.
    ///
    /// # Examples
    ///
    /// ```
    /// use solio::sync::PriorityQueue;
    ///
    /// solio::run(async {
    ///     let queue = PriorityQueue::new();
    ///     for item in [(2, "two"), (1, "one"), (3, "three")] {
    ///         queue.put(item).await.unwrap();
    ///     }
    ///     assert_eq!(queue.get().await.unwrap(), (1, "one"));
    ///     assert_eq!(queue.get().await.unwrap(), (2, "two"));
    ///     assert_eq!(queue.get().await.unwrap(), (3, "three"));
    /// });
    /// ```
    PriorityQueue, Priority, [: Ord]
}

queue_type! {
    /// A last-in, first-out queue (a stack): asyncio's `LifoQueue`.
    ///
    /// Everything but the order is as for [`Queue`].
    ///
    /// # Examples
    ///
    /// ```
    /// use solio::sync::LifoQueue;
    ///
    /// solio::run(async {
    ///     let queue = LifoQueue::new();
    ///     for i in [1, 3, 2] {
    ///         queue.put(i).await.unwrap();
    ///     }
    ///     assert_eq!(queue.get().await, Ok(2));
    ///     assert_eq!(queue.get().await, Ok(3));
    ///     assert_eq!(queue.get().await, Ok(1));
    /// });
    /// ```
    LifoQueue, Lifo, []
}

/// The queue is shut down: returned by `put` with the item that was not put (`QueueShutDown<T>`), and
/// by `get` when no item is left for it (`QueueShutDown`, i.e. `QueueShutDown<()>`).
///
/// # Examples
///
/// ```
/// use solio::sync::{Queue, QueueShutDown};
///
/// solio::run(async {
///     let queue = Queue::new();
///     queue.shutdown();
///     let err = queue.put("late").await.unwrap_err();
///     assert_eq!(err.to_string(), "queue is shut down");
///     assert_eq!(err.into_inner(), "late");
///     assert_eq!(queue.get().await, Err(QueueShutDown(())));
/// });
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct QueueShutDown<T = ()>(pub T);

impl<T> QueueShutDown<T> {
    /// The item that could not be put.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(solio::sync::QueueShutDown(5).into_inner(), 5);
    /// ```
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> fmt::Debug for QueueShutDown<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("QueueShutDown(..)")
    }
}

impl<T> fmt::Display for QueueShutDown<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("queue is shut down")
    }
}

impl<T> std::error::Error for QueueShutDown<T> {}

/// Why `try_put` could not put its item, with the item handed back.
///
/// # Examples
///
/// ```
/// use solio::sync::{Queue, TryPutError};
///
/// let queue = Queue::bounded(1);
/// queue.try_put('a').unwrap();
/// let err = queue.try_put('b').unwrap_err();
/// assert_eq!(err, TryPutError::Full('b'));
/// assert_eq!(err.to_string(), "queue is full");
/// assert_eq!(err.into_inner(), 'b');
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum TryPutError<T> {
    /// The queue is at capacity, or putters are already waiting.
    Full(T),
    /// The queue is shut down.
    ShutDown(T),
}

impl<T> TryPutError<T> {
    /// The item that was not put.
    ///
    /// # Examples
    ///
    /// ```
    /// use solio::sync::TryPutError;
    ///
    /// assert_eq!(TryPutError::ShutDown(1).into_inner(), 1);
    /// ```
    pub fn into_inner(self) -> T {
        match self {
            TryPutError::Full(item) | TryPutError::ShutDown(item) => item,
        }
    }
}

impl<T> fmt::Debug for TryPutError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TryPutError::Full(_) => "Full(..)",
            TryPutError::ShutDown(_) => "ShutDown(..)",
        })
    }
}

impl<T> fmt::Display for TryPutError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TryPutError::Full(_) => "queue is full",
            TryPutError::ShutDown(_) => "queue is shut down",
        })
    }
}

impl<T> std::error::Error for TryPutError<T> {}

/// Why `try_get` could not take an item.
///
/// # Examples
///
/// ```
/// use solio::sync::{Queue, TryGetError};
///
/// let queue = Queue::<u8>::new();
/// assert_eq!(queue.try_get(), Err(TryGetError::Empty));
/// assert_eq!(TryGetError::Empty.to_string(), "queue is empty");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TryGetError {
    /// No item is available (or all are promised to waiting getters).
    Empty,
    /// No item is available and the queue is shut down, so none will be.
    ShutDown,
}

impl fmt::Display for TryGetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TryGetError::Empty => "queue is empty",
            TryGetError::ShutDown => "queue is shut down",
        })
    }
}

impl std::error::Error for TryGetError {}

/// `task_done` was called more times than items were taken from the queue.
///
/// # Examples
///
/// ```
/// let queue = solio::sync::Queue::<u8>::new();
/// let err = queue.task_done().unwrap_err();
/// assert_eq!(err.to_string(), "task_done called more times than items were taken");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskDoneError(());

impl fmt::Display for TaskDoneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("task_done called more times than items were taken")
    }
}

impl std::error::Error for TaskDoneError {}
