//! The waker vtable of spawned tasks: a `Waker` is a counted reference to the task cell.
//!
//! Cloning adds a reference, dropping releases one, waking sets `NOTIFIED` and hands the task to the
//! scheduler: the local run queue when called on the runtime's own thread, the remote queue otherwise.
//! None of these allocate.

use std::mem::ManuallyDrop;
use std::ptr::NonNull;
use std::task::{RawWaker, RawWakerVTable, Waker};

use super::raw::{Header, RawTask};
use crate::runtime::scheduler;

static VTABLE: RawWakerVTable = RawWakerVTable::new(clone, wake, wake_by_ref, drop_waker);

/// A waker for the task behind `ptr` that does not own a reference: the caller must keep one alive for as
/// long as the waker is used, and must not drop it (wrap it in `ManuallyDrop`).
///
/// # Safety
/// `ptr` points to a live task cell.
pub(crate) unsafe fn borrowed(ptr: NonNull<Header>) -> Waker {
    // SAFETY: the vtable functions uphold the `RawWaker` contract for task header pointers, and the caller
    // keeps the task alive while this waker is used.
    unsafe { Waker::from_raw(RawWaker::new(ptr.as_ptr() as *const (), &VTABLE)) }
}

/// Borrows `ptr` as a `RawTask` without taking over its reference.
///
/// # Safety
/// `ptr` is the data pointer of one of our wakers, which owns a reference for as long as this is used.
unsafe fn borrow(ptr: *const ()) -> ManuallyDrop<RawTask> {
    // SAFETY: forwarded: the waker's reference keeps the task alive, and `ManuallyDrop` never releases it.
    ManuallyDrop::new(unsafe { RawTask::from_raw(ptr) })
}

unsafe fn clone(ptr: *const ()) -> RawWaker {
    // SAFETY: `ptr` comes from a live waker of ours.
    let task = unsafe { borrow(ptr) };
    RawWaker::new(task.clone_ref().into_raw(), &VTABLE)
}

unsafe fn wake(ptr: *const ()) {
    // SAFETY: waking by value consumes the waker's reference, which we take over here.
    let task = unsafe { RawTask::from_raw(ptr) };
    if let Some(queued) = task.notify_by_val() {
        scheduler::schedule(queued);
    }
}

unsafe fn wake_by_ref(ptr: *const ()) {
    // SAFETY: `ptr` comes from a live waker of ours.
    let task = unsafe { borrow(ptr) };
    if let Some(queued) = task.notify() {
        scheduler::schedule(queued);
    }
}

unsafe fn drop_waker(ptr: *const ()) {
    // SAFETY: dropping the waker releases its reference, which we take over and drop.
    drop(unsafe { RawTask::from_raw(ptr) });
}
