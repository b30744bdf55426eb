//! The task cell: one allocation holding the header, the future and later its output.
//!
//! Everything `unsafe` about tasks lives here and in [`super::waker`]. The rules of who may touch which
//! field, and when, are in the docs of [`crate::task`].

use std::any::Any;
use std::cell::{Cell, UnsafeCell};
use std::future::Future;
use std::mem::ManuallyDrop;
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::ptr::NonNull;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering, fence};
use std::task::{Context, Poll, Waker};

use super::JoinError;
use crate::runtime::scheduler::Shared;

/// The task sits in a run queue (local or remote); set by a wake, cleared just before a poll.
const NOTIFIED: usize = 0b01;
/// `abort()` was called; the scheduler drops the future instead of polling it.
const ABORT: usize = 0b10;
/// The future is gone and the output (if any) stored; set once, on the runtime thread.
const COMPLETE: usize = 0b100;
/// One reference; the count lives above the three flag bits.
const REF_ONE: usize = 0b1000;

/// Flag in `Header::flags`, touched only on the runtime thread: a `JoinHandle` exists.
const JOIN_INTEREST: u8 = 0b1;

/// What every task cell starts with. `#[repr(C)]` on [`TaskCell`] puts it at offset 0, so a pointer to the
/// header is a pointer to the cell.
pub(crate) struct Header {
    /// `NOTIFIED | ABORT | COMPLETE | refs * REF_ONE`. The only field other threads write.
    state: AtomicUsize,
    /// Functions that know the concrete future type.
    vtable: &'static Vtable,
    /// The scheduler half that other threads can reach; never changes.
    pub(crate) shared: Arc<Shared>,
    /// Runtime thread only: `JOIN_INTEREST`.
    flags: Cell<u8>,
    /// Runtime thread only: who to wake when the task completes.
    join_waker: Cell<Option<Waker>>,
    /// Runtime thread only: the key of this task in the scheduler's table of live tasks.
    owned_key: Cell<usize>,
    /// Unique per runtime, starting at 1.
    pub(crate) id: u64,
}

struct Vtable {
    poll: unsafe fn(NonNull<Header>) -> bool,
    cancel: unsafe fn(NonNull<Header>),
    read_output: unsafe fn(NonNull<Header>, *mut ()),
    drop_output: unsafe fn(NonNull<Header>),
    dealloc: unsafe fn(NonNull<Header>),
}

enum Stage<F: Future> {
    Running(F),
    Finished(Result<F::Output, JoinError>),
    Consumed,
}

#[repr(C)]
struct TaskCell<F: Future> {
    header: Header,
    stage: UnsafeCell<Stage<F>>,
}

/// One counted reference to a task. Dropping it releases the reference; the last one frees the cell.
///
/// A `RawTask` may be sent to and dropped on any thread (see the safety argument on `Send` below), but the
/// methods that touch the future, the output or the runtime-only fields must be called on the runtime
/// thread; they are `unsafe` or only reachable from runtime-thread code.
pub(crate) struct RawTask {
    ptr: NonNull<Header>,
}

// SAFETY: other threads only reach `state` (atomic) and `shared` (an `Arc` of a `Sync` type) through a
// `RawTask`: remote wakes push it on the mutex-protected remote queue and drop it. Dropping the last
// reference frees the cell, and by then the future and output are gone: the scheduler's table holds a
// reference until the future is dropped (on the runtime thread), and the output is dropped on the runtime
// thread either at completion (no `JoinHandle`) or by the `!Send` `JoinHandle`.
unsafe impl Send for RawTask {}

impl RawTask {
    /// Allocates a task cell for `future` holding three references: the caller's table entry, the run queue
    /// entry and the `JoinHandle`.
    pub(crate) fn new<F>(future: F, shared: Arc<Shared>, id: u64) -> (RawTask, RawTask, RawTask)
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let cell = Box::new(TaskCell {
            header: Header {
                state: AtomicUsize::new(NOTIFIED | (3 * REF_ONE)),
                vtable: &Vtable {
                    poll: poll::<F>,
                    cancel: cancel::<F>,
                    read_output: read_output::<F>,
                    drop_output: drop_output::<F>,
                    dealloc: dealloc::<F>,
                },
                shared,
                flags: Cell::new(JOIN_INTEREST),
                join_waker: Cell::new(None),
                owned_key: Cell::new(usize::MAX),
                id,
            },
            stage: UnsafeCell::new(Stage::Running(future)),
        });
        let ptr = NonNull::from(Box::leak(cell)).cast::<Header>();
        (RawTask { ptr }, RawTask { ptr }, RawTask { ptr })
    }

    /// Turns a waker's data pointer back into a counted reference, without changing the count.
    ///
    /// # Safety
    /// `ptr` must come from [`RawTask::into_raw`] (or be a header pointer whose reference the caller owns),
    /// and that reference is handed to the returned value.
    pub(crate) unsafe fn from_raw(ptr: *const ()) -> RawTask {
        // SAFETY: the caller passes a pointer obtained from a live task, never null.
        RawTask { ptr: unsafe { NonNull::new_unchecked(ptr as *mut Header) } }
    }

    /// Gives up this reference as a raw pointer (for a `RawWaker`).
    pub(crate) fn into_raw(self) -> *const () {
        ManuallyDrop::new(self).ptr.as_ptr() as *const ()
    }

    pub(crate) fn header(&self) -> &Header {
        // SAFETY: we hold a reference, so the cell is allocated; the header is never moved.
        unsafe { self.ptr.as_ref() }
    }

    /// A second counted reference to the same task.
    pub(crate) fn clone_ref(&self) -> RawTask {
        self.header().inc_ref();
        RawTask { ptr: self.ptr }
    }

    /// Polls the future once (runtime thread only). Returns true when the task completed in this poll:
    /// its output (or panic) is stored and the caller must call [`RawTask::complete`]. Panics in the future
    /// are caught.
    pub(crate) fn poll(&self) -> bool {
        // SAFETY: called by the scheduler on the runtime thread, the only place futures are polled; the
        // scheduler never polls a task whose `COMPLETE` flag is set.
        unsafe { (self.header().vtable.poll)(self.ptr) }
    }

    /// Drops the future (runtime thread only) and records the task as cancelled; the caller must then call
    /// [`RawTask::complete`]. A panic raised by the future's destructor is caught and dropped.
    pub(crate) fn cancel(&self) {
        // SAFETY: runtime thread only, on a task that is not complete (checked by the caller).
        unsafe { (self.header().vtable.cancel)(self.ptr) }
    }

    /// Marks the task complete and wakes its joiner (runtime thread only).
    pub(crate) fn complete(&self) {
        let h = self.header();
        h.state.fetch_or(COMPLETE, Ordering::AcqRel);
        if h.flags.get() & JOIN_INTEREST == 0 {
            // Nobody will read the output: drop it now, on this thread. A detached task's panicking
            // output destructor is caught like a panic of the task itself, not let loose in `block_on`.
            let drop_output = || {
                // SAFETY: the task is complete, the stage holds its output (or is consumed already).
                unsafe { (h.vtable.drop_output)(self.ptr) }
            };
            let _ = panic::catch_unwind(AssertUnwindSafe(drop_output));
        }
        if let Some(w) = h.join_waker.take() {
            w.wake();
        }
    }

    /// Clears `NOTIFIED` before a poll, returning what the scheduler must do with the task.
    pub(crate) fn take_notified(&self) -> Next {
        let prev = self.header().state.fetch_and(!NOTIFIED, Ordering::AcqRel);
        if prev & COMPLETE != 0 {
            Next::Skip
        } else if prev & ABORT != 0 {
            Next::Cancel
        } else {
            Next::Poll
        }
    }

    /// Sets `NOTIFIED`; returns a new reference for a run queue if the task was not queued already.
    pub(crate) fn notify(&self) -> Option<RawTask> {
        let h = self.header();
        let mut cur = h.state.load(Ordering::Acquire);
        loop {
            if cur & (NOTIFIED | COMPLETE) != 0 {
                return None;
            }
            assert!(cur <= isize::MAX as usize, "task reference count overflow");
            match h.state.compare_exchange_weak(
                cur,
                (cur | NOTIFIED) + REF_ONE,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return Some(RawTask { ptr: self.ptr }),
                Err(actual) => cur = actual,
            }
        }
    }

    /// Like [`RawTask::notify`], but consumes this reference: it becomes the queue's if the task was not
    /// queued, and is released otherwise.
    pub(crate) fn notify_by_val(self) -> Option<RawTask> {
        let prev = self.header().state.fetch_or(NOTIFIED, Ordering::AcqRel);
        if prev & (NOTIFIED | COMPLETE) == 0 { Some(self) } else { None }
    }

    /// Requests an abort in one CAS loop on the state word; returns a queue reference when the caller
    /// must schedule the task. A finished task, or one aborted already, is left as it is: the first
    /// abort's queue entry sees `ABORT` in its [`RawTask::take_notified`] (or did, and the task is being
    /// cancelled), so aborting twice schedules at most once. A queued task (`NOTIFIED`) only gets `ABORT`:
    /// its entry cancels instead of polling. Any other task (idle, or running a poll) gets
    /// `ABORT | NOTIFIED` and a reference for the queue, as in [`RawTask::notify`]; `scheduler::schedule`
    /// takes it through the remote queue when called from another thread.
    pub(crate) fn request_abort(&self) -> Option<RawTask> {
        // `fetch_update` is the CAS loop: load, then `compare_exchange_weak` until it sticks.
        let prev = self.header().state.fetch_update(Ordering::AcqRel, Ordering::Acquire, |cur| {
            if cur & (ABORT | COMPLETE) != 0 {
                None
            } else if cur & NOTIFIED != 0 {
                Some(cur | ABORT)
            } else {
                assert!(cur <= isize::MAX as usize, "task reference count overflow");
                Some((cur | ABORT | NOTIFIED) + REF_ONE)
            }
        });
        match prev {
            // The task was idle: the reference counted above is the queue's.
            Ok(prev) if prev & NOTIFIED == 0 => Some(RawTask { ptr: self.ptr }),
            _ => None,
        }
    }

    /// True once the future is gone (finished, panicked or cancelled). Any thread.
    pub(crate) fn is_complete(&self) -> bool {
        self.header().state.load(Ordering::Acquire) & COMPLETE != 0
    }

    pub(crate) fn set_owned_key(&self, key: usize) {
        self.header().owned_key.set(key);
    }

    pub(crate) fn owned_key(&self) -> usize {
        self.header().owned_key.get()
    }

    /// The `JoinHandle` side (runtime thread only): moves the output into `dst` if the task is complete,
    /// otherwise stores `waker` to be woken at completion.
    ///
    /// # Safety
    /// `dst` must point to a `Poll<Result<T, JoinError>>` where `T` is the task's output type. (A second
    /// read is caught: it panics.)
    pub(crate) unsafe fn poll_join(&self, dst: *mut (), waker: &Waker) {
        let h = self.header();
        if self.is_complete() {
            // SAFETY: forwarded from the caller; the task is complete so its stage is `Finished`.
            unsafe { (h.vtable.read_output)(self.ptr, dst) };
        } else {
            let old = h.join_waker.take();
            let new = match old {
                Some(w) if w.will_wake(waker) => w,
                _ => waker.clone(),
            };
            h.join_waker.set(Some(new));
        }
    }

    /// The `JoinHandle` is going away (runtime thread only): forget the joiner and drop an unread output.
    pub(crate) fn drop_join_interest(&self) {
        let h = self.header();
        h.flags.set(h.flags.get() & !JOIN_INTEREST);
        drop(h.join_waker.take());
        if self.is_complete() {
            // SAFETY: runtime thread (the `JoinHandle` is `!Send`), and the task is complete.
            unsafe { (h.vtable.drop_output)(self.ptr) };
        }
    }
}

impl Drop for RawTask {
    fn drop(&mut self) {
        let h = self.header();
        if h.state.fetch_sub(REF_ONE, Ordering::Release) & !(REF_ONE - 1) != REF_ONE {
            return;
        }
        // Pairs with the `Release` above in other threads' drops, as in `Arc`.
        fence(Ordering::Acquire);
        // SAFETY: this was the last reference, so nobody else can reach the cell; the argument on
        // `impl Send for RawTask` shows the stage holds no future and no output by now.
        unsafe { (h.vtable.dealloc)(self.ptr) };
    }
}

impl std::fmt::Debug for RawTask {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawTask").field("id", &self.header().id).finish()
    }
}

impl Header {
    fn inc_ref(&self) {
        let prev = self.state.fetch_add(REF_ONE, Ordering::Relaxed);
        // Guard against wrap-around from leaked wakers, as `Arc` does.
        if prev > isize::MAX as usize {
            std::process::abort();
        }
    }
}

/// Gets the stage of the cell behind `ptr`.
///
/// # Safety
/// `ptr` must point to a live `TaskCell<F>` and the caller must be the only one accessing the stage for the
/// lifetime it picks (the runtime thread, outside of any other stage access).
unsafe fn stage<'a, F: Future>(ptr: NonNull<Header>) -> &'a mut Stage<F> {
    // SAFETY: `TaskCell` is `repr(C)` with the header first, so the header pointer is the cell pointer;
    // exclusivity is the caller's promise.
    unsafe { &mut *ptr.cast::<TaskCell<F>>().as_ref().stage.get() }
}

unsafe fn poll<F: Future>(ptr: NonNull<Header>) -> bool {
    // A waker borrowed for this poll: the run queue's reference keeps the task alive meanwhile, and
    // `ManuallyDrop` keeps us from releasing a reference we do not own. A clone takes its own reference.
    // SAFETY: `ptr` is a live task and the vtable implements the `RawWaker` contract.
    let waker = ManuallyDrop::new(unsafe { super::waker::borrowed(ptr) });
    let mut cx = Context::from_waker(&waker);
    // SAFETY: runtime thread, and no other stage access is live: user code run by the poll can only reach
    // this task through its header (flags, join waker), never its stage.
    let stage = unsafe { stage::<F>(ptr) };
    let Stage::Running(future) = stage else {
        unreachable!("polled a task that is not running");
    };
    // SAFETY: the future lives inside the heap cell and is never moved until it is dropped in place.
    let future = unsafe { Pin::new_unchecked(future) };
    let result = match panic::catch_unwind(AssertUnwindSafe(|| future.poll(&mut cx))) {
        Ok(Poll::Pending) => return false,
        Ok(Poll::Ready(output)) => Ok(output),
        Err(payload) => Err(JoinError::panic(payload)),
    };
    // The future is done (or poisoned by its panic): drop it here, catching a panicking destructor.
    finish(stage, result);
    true
}

unsafe fn cancel<F: Future>(ptr: NonNull<Header>) {
    // SAFETY: runtime thread, no other stage access live (the scheduler calls this between polls).
    let stage = unsafe { stage::<F>(ptr) };
    finish(stage, Err(JoinError::cancelled()));
}

/// Replaces a running stage by its result, dropping the future; a panic in the future's destructor is
/// caught (and reported as the task's panic if the task had otherwise succeeded).
fn finish<F: Future>(stage: &mut Stage<F>, result: Result<F::Output, JoinError>) {
    let dropped = panic::catch_unwind(AssertUnwindSafe(|| *stage = Stage::Consumed));
    *stage = Stage::Finished(match (result, dropped) {
        (Ok(_), Err(payload)) => Err(JoinError::panic(payload)),
        (result, _) => result,
    });
}

unsafe fn read_output<F: Future>(ptr: NonNull<Header>, dst: *mut ()) {
    // SAFETY: runtime thread, called by the `JoinHandle` outside of any poll of this task's stage.
    let stage = unsafe { stage::<F>(ptr) };
    match std::mem::replace(stage, Stage::Consumed) {
        Stage::Finished(output) => {
            // SAFETY: the caller promises `dst` is a `Poll<Result<F::Output, JoinError>>`.
            unsafe { *(dst as *mut Poll<Result<F::Output, JoinError>>) = Poll::Ready(output) };
        }
        _ => panic!("JoinHandle polled after it returned the task's output"),
    }
}

unsafe fn drop_output<F: Future>(ptr: NonNull<Header>) {
    // SAFETY: runtime thread, no other stage access live.
    let stage = unsafe { stage::<F>(ptr) };
    // A panicking `Drop` of the output is the user's panic to see, but must not leave a half-dropped
    // stage behind: replace first, then drop.
    let old = std::mem::replace(stage, Stage::Consumed);
    drop(old);
}

unsafe fn dealloc<F: Future>(ptr: NonNull<Header>) {
    // SAFETY: the cell was allocated by `Box::new` in `RawTask::new` as a `TaskCell<F>` and the last
    // reference is gone.
    drop(unsafe { Box::from_raw(ptr.cast::<TaskCell<F>>().as_ptr()) });
}

/// What the scheduler does with a task it popped from a run queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Next {
    /// Poll the future.
    Poll,
    /// `abort()` was called: drop the future.
    Cancel,
    /// Already complete (woken during its last poll): just release the queue's reference.
    Skip,
}

/// The payload of a caught panic.
pub(crate) type Panic = Box<dyn Any + Send + 'static>;

#[cfg(test)]
mod tests {
    use std::future::pending;
    use std::sync::atomic::Ordering;

    use super::{ABORT, COMPLETE, NOTIFIED, Next, REF_ONE, RawTask};
    use crate::runtime::context;

    /// A task on no queue: the caller holds its three references (table, queue entry, join handle).
    fn task() -> (RawTask, RawTask, RawTask) {
        let rt = crate::Runtime::new().unwrap();
        let shared = rt.block_on(async { context::with_current(|core| core.shared.clone()).unwrap() });
        RawTask::new(pending::<()>(), shared, 1)
    }

    fn state(task: &RawTask) -> usize {
        task.header().state.load(Ordering::SeqCst)
    }

    #[test]
    fn abort_schedules_an_idle_task_once() {
        let (task, queued, _join) = task();
        assert_eq!(queued.take_notified(), Next::Poll, "polled, then idle");
        let idle = state(&task);
        let scheduled = task.request_abort().expect("an idle task is scheduled");
        assert_eq!(state(&task), (idle | ABORT | NOTIFIED) + REF_ONE, "with one reference for the queue");
        assert!(task.request_abort().is_none(), "queued already");
        assert_eq!(scheduled.take_notified(), Next::Cancel);
        // The scheduler is cancelling it (say, the future's destructor aborts it again): no second entry.
        assert!(task.request_abort().is_none(), "cancelled already");
        assert_eq!(state(&task), (idle | ABORT) + REF_ONE);
    }

    #[test]
    fn abort_of_a_queued_or_finished_task_takes_no_reference() {
        let (task, queued, _join) = task();
        let before = state(&task);
        assert!(task.request_abort().is_none(), "its queue entry will see ABORT");
        assert_eq!(state(&task), before | ABORT);
        assert_eq!(queued.take_notified(), Next::Cancel);

        let (task, queued, _join) = self::task();
        assert_eq!(queued.take_notified(), Next::Poll);
        task.cancel();
        task.complete();
        let finished = state(&task);
        assert_eq!(finished & COMPLETE, COMPLETE);
        assert!(task.request_abort().is_none());
        assert_eq!(state(&task), finished, "aborting a finished task changes nothing");
    }
}
