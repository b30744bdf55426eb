//! `TaskGroup`: structured concurrency, asyncio's `TaskGroup`.
//!
//! Each child is a spawned task whose future is wrapped in a `Member`: when the child's future returns,
//! panics (caught in the member's poll) or is dropped unfinished (aborted), the member reports to the
//! group's shared state, so the group learns of a failure at once, without anyone polling it, and aborts
//! the other children right away. `join` only waits for the count of running children to reach zero.
//! Members hold the state weakly: a dropped group leaves nothing behind but aborted tasks.

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::rc::{Rc, Weak};
use std::task::{Context, Poll, Waker};

use pin_project_lite::pin_project;

use super::{JoinError, JoinHandle};

/// A scope for spawned tasks that succeed or fail together (asyncio's `TaskGroup`).
///
/// [`spawn`](TaskGroup::spawn) starts children, each returning `Result<T, E>`; [`join`](TaskGroup::join)
/// waits for every one of them and resolves to their `Ok` values in spawn order. The **first failure** (a
/// child returning `Err`, or panicking) aborts all the other children at once, and `join` then reports
/// the failures together in a [`GroupError`], each with its child's index, in the order they happened.
/// Children cancelled by the abort are not failures, unless dropping them panics (asyncio's child
/// raising from its `except CancelledError:`): a panicking destructor is reported as a failure.
///
/// One difference from asyncio: the abort takes effect at once, so siblings already woken in the same
/// scheduler turn are not polled again. asyncio lets them run one more step (its cancellation is
/// delivered later), which is how several children crashing "at the same moment" all get reported
/// there; in solio only the first one does.
///
/// Children are aborted as with [`JoinHandle::abort`]: their futures are dropped at the scheduler's next
/// turn. `join` returns only once every child's future is gone. After a failure, spawning into the group
/// is an error, as it is once the group has been joined.
///
/// **No orphans:** dropping the group (or its `join` future, for example because the task awaiting it
/// was aborted) aborts every child still running.
///
/// Unlike asyncio, a child's failure cannot interrupt the code between `TaskGroup::new()` and `join()`
/// (the "body"): that code runs on until it awaits `join`, which then reports the failures; its spawns
/// fail meanwhile. Children that should spawn siblings get a [`Spawner`].
///
/// # Examples
/// ```
/// use std::time::Duration;
/// use solio::task::{TaskFailure, TaskGroup};
/// use solio::time::sleep;
///
/// let rt = solio::Runtime::builder().paused_clock(true).build().unwrap();
/// rt.block_on(async {
///     // All succeed: the outputs, in spawn order.
///     let group = TaskGroup::new();
///     for secs in [2, 1] {
///         group.spawn(async move {
///             sleep(Duration::from_secs(secs)).await;
///             Ok::<_, String>(secs * 10)
///         }).unwrap();
///     }
///     assert_eq!(group.join().await.unwrap(), [20, 10]);
///
///     // One fails: the others are aborted, the failure comes back with its child's index.
///     let group = TaskGroup::new();
///     group.spawn(async { sleep(Duration::from_secs(3600)).await; Ok(()) }).unwrap();
///     group.spawn(async { sleep(Duration::from_secs(1)).await; Err("disk full") }).unwrap();
///     let err = group.join().await.unwrap_err();
///     assert_eq!(err.failures().len(), 1);
///     let (index, failure) = &err.failures()[0];
///     assert_eq!(*index, 1);
///     assert!(matches!(failure, TaskFailure::Error("disk full")));
/// });
/// ```
pub struct TaskGroup<T, E> {
    state: Rc<RefCell<State<T, E>>>,
}

struct State<T, E> {
    phase: Phase,
    /// One entry per child, by index.
    children: Vec<Child<T>>,
    /// The failures, in the order they happened.
    failures: Vec<(usize, TaskFailure<E>)>,
    /// Children whose future is still alive.
    running: usize,
    /// The `join` future's waker.
    waker: Option<Waker>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Children may be spawned.
    Open,
    /// A child failed: the others were aborted; no more spawns.
    Failed,
    /// Joined, or dropped: no more spawns.
    Closed,
}

enum Child<T> {
    Running(JoinHandle<()>),
    Succeeded(T),
    /// Failed, or cancelled.
    Gone,
}

/// How a child ended.
enum Outcome<T, E> {
    Ok(T),
    Failed(TaskFailure<E>),
    Cancelled,
}

impl<T, E> TaskGroup<T, E> {
    /// An empty group.
    ///
    /// # Examples
    /// ```
    /// solio::run(async {
    ///     let group = solio::task::TaskGroup::<u32, std::io::Error>::new();
    ///     assert_eq!(group.join().await.unwrap(), Vec::<u32>::new());
    /// });
    /// ```
    pub fn new() -> TaskGroup<T, E> {
        TaskGroup {
            state: Rc::new(RefCell::new(State {
                phase: Phase::Open,
                children: Vec::new(),
                failures: Vec::new(),
                running: 0,
                waker: None,
            })),
        }
    }

    /// Spawns `future` as a child of the group (asyncio's `tg.create_task`) and returns its index, which
    /// is its place in `join`'s output and in [`GroupError::failures`].
    ///
    /// The child starts at the scheduler's next turn, like [`spawn`](crate::spawn).
    ///
    /// # Errors
    /// A [`SpawnError`] holding `future` back if a child has failed already (the group is shutting down).
    ///
    /// # Panics
    /// When called outside a solio runtime.
    ///
    /// # Examples
    /// ```
    /// solio::run(async {
    ///     let group = solio::task::TaskGroup::new();
    ///     assert_eq!(group.spawn(async { Ok::<_, ()>("a") }).unwrap(), 0);
    ///     assert_eq!(group.spawn(async { Ok("b") }).unwrap(), 1);
    ///     assert_eq!(group.join().await.unwrap(), ["a", "b"]);
    /// });
    /// ```
    #[track_caller]
    pub fn spawn<F>(&self, future: F) -> Result<usize, SpawnError<F>>
    where
        F: Future<Output = Result<T, E>> + 'static,
        T: 'static,
        E: 'static,
    {
        spawn_into(&self.state, future)
    }

    /// A handle that spawns into this group from elsewhere, typically from inside a child (asyncio's
    /// children calling `tg.create_task`). It does not keep the group alive.
    ///
    /// # Examples
    /// ```
    /// use solio::task::TaskGroup;
    ///
    /// solio::run(async {
    ///     let group = TaskGroup::new();
    ///     let spawner = group.spawner();
    ///     group.spawn(async move {
    ///         spawner.spawn(async { Ok::<_, ()>("child of a child") }).unwrap();
    ///         Ok("parent")
    ///     }).unwrap();
    ///     assert_eq!(group.join().await.unwrap(), ["parent", "child of a child"]);
    /// });
    /// ```
    pub fn spawner(&self) -> Spawner<T, E> {
        Spawner { state: Rc::downgrade(&self.state) }
    }

    /// The number of children still running (whose future is alive).
    ///
    /// # Examples
    /// ```
    /// solio::run(async {
    ///     let group = solio::task::TaskGroup::new();
    ///     group.spawn(async { solio::yield_now().await; Ok::<_, ()>(()) }).unwrap();
    ///     assert_eq!(group.running(), 1);
    ///     group.join().await.unwrap();
    /// });
    /// ```
    pub fn running(&self) -> usize {
        self.state.borrow().running
    }

    /// True once a child has failed: the others have been aborted and spawning is refused.
    ///
    /// # Examples
    /// ```
    /// solio::run(async {
    ///     let group = solio::task::TaskGroup::<(), &str>::new();
    ///     group.spawn(async { Err("boom") }).unwrap();
    ///     assert!(!group.is_failed());
    ///     solio::yield_now().await; // the child runs
    ///     assert!(group.is_failed());
    ///     assert!(group.spawn(async { Ok(()) }).is_err());
    /// });
    /// ```
    pub fn is_failed(&self) -> bool {
        self.state.borrow().phase == Phase::Failed
    }

    /// Waits for every child, including those spawned meanwhile through a [`Spawner`], and resolves to
    /// their outputs in spawn order, or to a [`GroupError`] listing every failure.
    ///
    /// # Cancel safety
    /// Dropping the `Join` drops the group, which aborts every child still running: what asyncio does
    /// when the task waiting in `async with` is cancelled.
    ///
    /// # Examples
    /// ```
    /// use solio::task::{TaskFailure, TaskGroup};
    ///
    /// solio::run(async {
    ///     let group = TaskGroup::<(), String>::new();
    ///     group.spawn(async { panic!("oops") }).unwrap();
    ///     let err = group.join().await.unwrap_err();
    ///     let (index, failure) = err.into_failures().pop().unwrap();
    ///     assert_eq!(index, 0);
    ///     let TaskFailure::Panic(join_error) = failure else { unreachable!() };
    ///     assert_eq!(join_error.to_string(), "task panicked: oops");
    /// });
    /// ```
    pub fn join(self) -> Join<T, E> {
        Join { group: Some(self) }
    }
}

impl<T, E> Default for TaskGroup<T, E> {
    fn default() -> TaskGroup<T, E> {
        TaskGroup::new()
    }
}

impl<T, E> Drop for TaskGroup<T, E> {
    fn drop(&mut self) {
        let (children, failures) = {
            let mut st = self.state.borrow_mut();
            st.phase = Phase::Closed;
            for child in &st.children {
                if let Child::Running(handle) = child {
                    handle.abort();
                }
            }
            (std::mem::take(&mut st.children), std::mem::take(&mut st.failures))
        };
        // Outputs and errors are user values: drop them with no borrow held.
        drop((children, failures));
    }
}

impl<T, E> fmt::Debug for TaskGroup<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let st = self.state.borrow();
        f.debug_struct("TaskGroup")
            .field("children", &st.children.len())
            .field("running", &st.running)
            .field("failures", &st.failures.len())
            .field("phase", &st.phase)
            .finish()
    }
}

/// Spawns into a [`TaskGroup`] without owning it: from children, or from anywhere the group itself is
/// not at hand. Get one with [`TaskGroup::spawner`]; it is cheap to clone.
///
/// # Examples
/// ```
/// use solio::task::TaskGroup;
///
/// solio::run(async {
///     let group = TaskGroup::<u32, ()>::new();
///     let spawner = group.spawner();
///     spawner.spawn(async { Ok(1) }).unwrap();
///     assert_eq!(group.join().await.unwrap(), [1]);
///     // The group is finished: spawning is refused, and the future handed back.
///     let err = spawner.spawn(async { Ok(2) }).unwrap_err();
///     assert!(err.is_closed());
/// });
/// ```
pub struct Spawner<T, E> {
    state: Weak<RefCell<State<T, E>>>,
}

impl<T, E> Spawner<T, E> {
    /// Spawns `future` into the group, as [`TaskGroup::spawn`]; also while the group is being joined.
    ///
    /// # Errors
    /// A [`SpawnError`] holding `future` back if a child has failed, or if the group was joined or
    /// dropped.
    ///
    /// # Panics
    /// When called outside a solio runtime.
    ///
    /// # Examples
    /// ```
    /// solio::run(async {
    ///     let group = solio::task::TaskGroup::<&str, ()>::new();
    ///     let spawner = group.spawner();
    ///     assert_eq!(spawner.spawn(async { Ok("x") }).unwrap(), 0);
    ///     assert_eq!(group.join().await.unwrap(), ["x"]);
    /// });
    /// ```
    #[track_caller]
    pub fn spawn<F>(&self, future: F) -> Result<usize, SpawnError<F>>
    where
        F: Future<Output = Result<T, E>> + 'static,
        T: 'static,
        E: 'static,
    {
        match self.state.upgrade() {
            Some(state) => spawn_into(&state, future),
            None => Err(SpawnError { future, failed: false }),
        }
    }
}

impl<T, E> Clone for Spawner<T, E> {
    fn clone(&self) -> Spawner<T, E> {
        Spawner { state: self.state.clone() }
    }
}

impl<T, E> fmt::Debug for Spawner<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Spawner").field("group_alive", &(self.state.strong_count() > 0)).finish()
    }
}

#[track_caller]
fn spawn_into<T, E, F>(state: &Rc<RefCell<State<T, E>>>, future: F) -> Result<usize, SpawnError<F>>
where
    F: Future<Output = Result<T, E>> + 'static,
    T: 'static,
    E: 'static,
{
    let index = {
        let st = state.borrow();
        match st.phase {
            Phase::Open => st.children.len(),
            Phase::Failed => return Err(SpawnError { future, failed: true }),
            Phase::Closed => return Err(SpawnError { future, failed: false }),
        }
    };
    let member =
        Member { future: Some(future), guard: Guard { group: Rc::downgrade(state), index, settled: false } };
    // `spawn` only queues the task: the member cannot report before it is registered below. If `spawn`
    // panics (no runtime), the member's guard finds no entry at `index` and does nothing.
    let handle = crate::spawn(member);
    let mut st = state.borrow_mut();
    st.children.push(Child::Running(handle));
    st.running += 1;
    Ok(index)
}

/// Future returned by [`TaskGroup::join`].
#[must_use = "futures do nothing unless awaited; dropping the Join aborts the group's children"]
pub struct Join<T, E> {
    group: Option<TaskGroup<T, E>>,
}

impl<T, E> Future for Join<T, E> {
    type Output = Result<Vec<T>, GroupError<E>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let group = this.group.as_ref().expect("Join polled after it returned its output");
        let mut st = group.state.borrow_mut();
        if st.running > 0 {
            match &st.waker {
                Some(w) if w.will_wake(cx.waker()) => {}
                _ => st.waker = Some(cx.waker().clone()),
            }
            return Poll::Pending;
        }
        st.phase = Phase::Closed;
        st.waker = None;
        let children = std::mem::take(&mut st.children);
        let failures = std::mem::take(&mut st.failures);
        drop(st);
        this.group = None;
        if !failures.is_empty() {
            return Poll::Ready(Err(GroupError { failures }));
        }
        let outputs = children
            .into_iter()
            .map(|child| match child {
                Child::Succeeded(v) => v,
                _ => unreachable!("no failure, and every child has finished"),
            })
            .collect();
        Poll::Ready(Ok(outputs))
    }
}

impl<T, E> fmt::Debug for Join<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Join").field("group", &self.group).finish()
    }
}

pin_project! {
    /// A child's future, reporting how it ended to the group.
    struct Member<F, T, E> {
        // `None` once finished: the member drops the future itself (catching a panicking destructor)
        // before it reports, so `join` never returns while a child's future is alive.
        #[pin]
        future: Option<F>,
        guard: Guard<T, E>,
    }

    impl<F, T, E> PinnedDrop for Member<F, T, E> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            if this.guard.settled {
                return;
            }
            // Dropped unfinished: aborted (by the group, or by the runtime's shutdown), or never run.
            let outcome = match drop_future(this.future) {
                Ok(()) => Outcome::Cancelled,
                Err(panic) => Outcome::Failed(TaskFailure::Panic(panic)),
            };
            this.guard.settle(outcome);
        }
    }
}

/// Drops the member's future in place, catching a panic of its destructor.
fn drop_future<F>(future: Pin<&mut Option<F>>) -> Result<(), JoinError> {
    let mut future = future;
    panic::catch_unwind(AssertUnwindSafe(|| future.set(None))).map_err(JoinError::panic)
}

impl<F, T, E> Future for Member<F, T, E>
where
    F: Future<Output = Result<T, E>>,
{
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut this = self.project();
        let Some(future) = this.future.as_mut().as_pin_mut() else { return Poll::Ready(()) };
        let mut outcome = match panic::catch_unwind(AssertUnwindSafe(|| future.poll(cx))) {
            Ok(Poll::Pending) => return Poll::Pending,
            Ok(Poll::Ready(Ok(value))) => Outcome::Ok(value),
            Ok(Poll::Ready(Err(e))) => Outcome::Failed(TaskFailure::Error(e)),
            // The panic is the group's to report; the task itself ends normally.
            Err(payload) => Outcome::Failed(TaskFailure::Panic(JoinError::panic(payload))),
        };
        if let Err(panic) = drop_future(this.future) {
            if let Outcome::Ok(_) = outcome {
                outcome = Outcome::Failed(TaskFailure::Panic(panic));
            }
        }
        this.guard.settle(outcome);
        Poll::Ready(())
    }
}

/// Reports a child's end to its group, once.
struct Guard<T, E> {
    group: Weak<RefCell<State<T, E>>>,
    index: usize,
    settled: bool,
}

impl<T, E> Guard<T, E> {
    fn settle(&mut self, outcome: Outcome<T, E>) {
        self.settled = true;
        let Some(state) = self.group.upgrade() else { return };
        let (own_handle, waker) = {
            let mut st = state.borrow_mut();
            let st = &mut *st;
            let Some(entry) = st.children.get_mut(self.index) else { return };
            let old = std::mem::replace(entry, Child::Gone);
            st.running -= 1;
            match outcome {
                Outcome::Ok(value) => *entry = Child::Succeeded(value),
                Outcome::Failed(failure) => {
                    st.failures.push((self.index, failure));
                    if st.phase == Phase::Open {
                        st.phase = Phase::Failed;
                        // Aborting only flags the tasks and queues them: no user code runs here.
                        for child in &st.children {
                            if let Child::Running(handle) = child {
                                handle.abort();
                            }
                        }
                    }
                }
                // Cancelled by the group (after a failure, or when it was dropped): not a failure.
                // Cancelled while the group was open: only the runtime's shutdown does that.
                Outcome::Cancelled if st.phase == Phase::Open => {
                    st.failures.push((self.index, TaskFailure::Cancelled));
                }
                Outcome::Cancelled => {}
            }
            (old, if st.running == 0 { st.waker.take() } else { None })
        };
        drop(own_handle);
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

/// Why a child of a [`TaskGroup`] failed.
///
/// # Examples
/// ```
/// use solio::task::TaskFailure;
///
/// let f: TaskFailure<&str> = TaskFailure::Error("timeout");
/// assert_eq!(f.to_string(), "timeout");
/// assert_eq!(TaskFailure::<&str>::Cancelled.to_string(), "task was cancelled");
/// ```
#[derive(Debug)]
pub enum TaskFailure<E> {
    /// The child returned `Err`.
    Error(E),
    /// The child panicked; the [`JoinError`] holds the payload ([`JoinError::into_panic`]).
    Panic(JoinError),
    /// The child was cancelled from outside the group while the group was running normally; only a
    /// runtime shutting down does that (children aborted by the group are not failures).
    Cancelled,
}

impl<E: fmt::Display> fmt::Display for TaskFailure<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TaskFailure::Error(e) => e.fmt(f),
            TaskFailure::Panic(j) => j.fmt(f),
            TaskFailure::Cancelled => f.write_str("task was cancelled"),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for TaskFailure<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            TaskFailure::Error(e) => Some(e),
            TaskFailure::Panic(j) => Some(j),
            TaskFailure::Cancelled => None,
        }
    }
}

/// The error of [`TaskGroup::join`]: one or more children failed (asyncio's `ExceptionGroup`).
///
/// # Examples
/// ```
/// use solio::task::TaskGroup;
///
/// solio::run(async {
///     let group = TaskGroup::<(), String>::new();
///     group.spawn(async { Err("first".to_string()) }).unwrap();
///     group.spawn(async { Err("second".to_string()) }).unwrap();
///     let err = group.join().await.unwrap_err();
///     // The first failure aborted the second child before it ran.
///     let indices: Vec<usize> = err.failures().iter().map(|(i, _)| *i).collect();
///     assert_eq!(indices, [0]);
///     assert_eq!(err.to_string(), "task 0 of the group failed: first");
/// });
/// ```
pub struct GroupError<E> {
    failures: Vec<(usize, TaskFailure<E>)>,
}

impl<E> GroupError<E> {
    /// The failures as `(child index, failure)`, in the order they happened; never empty.
    ///
    /// # Examples
    /// ```
    /// solio::run(async {
    ///     let group = solio::task::TaskGroup::<(), i32>::new();
    ///     group.spawn(async { Err(7) }).unwrap();
    ///     let err = group.join().await.unwrap_err();
    ///     assert!(matches!(err.failures(), [(0, solio::task::TaskFailure::Error(7))]));
    /// });
    /// ```
    pub fn failures(&self) -> &[(usize, TaskFailure<E>)] {
        &self.failures
    }

    /// The failures, by value.
    ///
    /// # Examples
    /// ```
    /// solio::run(async {
    ///     let group = solio::task::TaskGroup::<(), i32>::new();
    ///     group.spawn(async { Err(7) }).unwrap();
    ///     let failures = group.join().await.unwrap_err().into_failures();
    ///     assert_eq!(failures.len(), 1);
    /// });
    /// ```
    pub fn into_failures(self) -> Vec<(usize, TaskFailure<E>)> {
        self.failures
    }
}

impl<E: fmt::Debug> fmt::Debug for GroupError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GroupError").field("failures", &self.failures).finish()
    }
}

impl<E: fmt::Display> fmt::Display for GroupError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.failures.as_slice() {
            [] => f.write_str("no task of the group failed"),
            [(i, failure)] => write!(f, "task {i} of the group failed: {failure}"),
            [(i, failure), ..] => {
                write!(f, "{} tasks of the group failed; the first, task {i}: {failure}", self.failures.len())
            }
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for GroupError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.failures.first().map(|(_, failure)| failure as &(dyn std::error::Error + 'static))
    }
}

/// The error of [`TaskGroup::spawn`] and [`Spawner::spawn`]: the group takes no more children. Holds
/// the future that was not spawned.
///
/// # Examples
/// ```
/// solio::run(async {
///     let group = solio::task::TaskGroup::<(), &str>::new();
///     group.spawn(async { Err("boom") }).unwrap();
///     solio::yield_now().await;
///     let err = group.spawn(async { Ok(()) }).unwrap_err();
///     assert!(err.is_failed());
///     assert_eq!(err.to_string(), "task group is shutting down after a failure");
///     let _future = err.into_inner(); // not spawned: run it elsewhere, or drop it
/// });
/// ```
pub struct SpawnError<F> {
    future: F,
    failed: bool,
}

impl<F> SpawnError<F> {
    /// The future that was not spawned.
    ///
    /// # Examples
    /// ```
    /// solio::run(async {
    ///     let group = solio::task::TaskGroup::<u8, ()>::new();
    ///     let spawner = group.spawner();
    ///     drop(group);
    ///     let future = spawner.spawn(async { Ok(5) }).unwrap_err().into_inner();
    ///     assert_eq!(future.await, Ok(5));
    /// });
    /// ```
    pub fn into_inner(self) -> F {
        self.future
    }

    /// True if the group refused because a child failed (it is aborting the others).
    ///
    /// # Examples
    /// ```
    /// solio::run(async {
    ///     let group = solio::task::TaskGroup::<(), ()>::new();
    ///     group.spawn(async { Err(()) }).unwrap();
    ///     solio::yield_now().await;
    ///     assert!(group.spawn(async { Ok(()) }).unwrap_err().is_failed());
    /// });
    /// ```
    pub fn is_failed(&self) -> bool {
        self.failed
    }

    /// True if the group refused because it was joined or dropped.
    ///
    /// # Examples
    /// ```
    /// solio::run(async {
    ///     let group = solio::task::TaskGroup::<(), ()>::new();
    ///     let spawner = group.spawner();
    ///     group.join().await.unwrap();
    ///     assert!(spawner.spawn(async { Ok(()) }).unwrap_err().is_closed());
    /// });
    /// ```
    pub fn is_closed(&self) -> bool {
        !self.failed
    }
}

impl<F> fmt::Debug for SpawnError<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SpawnError").field("failed", &self.failed).finish_non_exhaustive()
    }
}

impl<F> fmt::Display for SpawnError<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.failed {
            "task group is shutting down after a failure"
        } else {
            "task group is finished"
        })
    }
}

impl<F> std::error::Error for SpawnError<F> {}
