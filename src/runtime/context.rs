//! The thread-local pointer to the runtime currently driving this thread.
//!
//! `spawn`, wakers, timers and I/O find their runtime through it. It is set by [`enter`] for the length
//! of `block_on` (and of the runtime's shutdown), and the guard's owner keeps the runtime's core alive
//! meanwhile.

use std::cell::Cell;
use std::marker::PhantomData;
use std::ptr;
use std::rc::Rc;

use super::scheduler::Core;

thread_local! {
    static CURRENT: Cell<*const Core> = const { Cell::new(ptr::null()) };
}

/// Restores the previous context when dropped.
pub(crate) struct EnterGuard<'a> {
    prev: *const Core,
    _core: PhantomData<&'a Rc<Core>>,
}

/// Makes `core` the current runtime of this thread.
///
/// # Panics
/// If a runtime is already running on this thread: `block_on` cannot nest, because the outer runtime's
/// tasks would stall for as long as the inner one runs.
pub(crate) fn enter(core: &Rc<Core>) -> EnterGuard<'_> {
    if !CURRENT.get().is_null() {
        panic!(
            "cannot start a solio runtime from within a running runtime: `block_on`/`solio::run` would \
             block the thread that drives the outer runtime's tasks; use `.await` or `solio::spawn` instead"
        );
    }
    enter_unchecked(core)
}

/// Like [`enter`], but may nest: used to drop a runtime's tasks from anywhere, even inside another
/// runtime's task.
pub(crate) fn enter_unchecked(core: &Rc<Core>) -> EnterGuard<'_> {
    let prev = CURRENT.replace(Rc::as_ptr(core));
    EnterGuard { prev, _core: PhantomData }
}

impl Drop for EnterGuard<'_> {
    fn drop(&mut self) {
        CURRENT.set(self.prev);
    }
}

/// Runs `f` with the current runtime's core, or returns `None` outside a runtime.
#[inline]
pub(crate) fn with_current<R>(f: impl FnOnce(&Core) -> R) -> Option<R> {
    let ptr = CURRENT.get();
    if ptr.is_null() {
        return None;
    }
    // SAFETY: `CURRENT` is non-null only while an `EnterGuard` lives, and the guard borrows the `Rc<Core>`
    // it was made from, so the core is alive; only shared references to it are ever made.
    Some(f(unsafe { &*ptr }))
}

/// A new strong reference to the current runtime's core, or `None` outside a runtime.
pub(crate) fn current() -> Option<Rc<Core>> {
    let ptr = CURRENT.get();
    if ptr.is_null() {
        return None;
    }
    // SAFETY: as in `with_current`, the pointer comes from `Rc::as_ptr` of an `Rc<Core>` that is alive for
    // as long as the guard, so adding a strong count and taking it back with `from_raw` is sound.
    unsafe {
        Rc::increment_strong_count(ptr);
        Some(Rc::from_raw(ptr))
    }
}
