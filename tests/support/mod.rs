//! Helpers shared by the integration tests.
#![allow(dead_code)] // each test binary uses its own subset
#![allow(unreachable_pub)] // `pub` so every test binary can use them; nothing is exported

use std::cell::RefCell;
use std::rc::Rc;

/// A runtime on the paused clock: time-based tests run instantly and deterministically.
pub fn paused() -> solio::Runtime {
    solio::Runtime::builder().paused_clock(true).build().expect("runtime")
}

/// A shared, ordered log of events.
#[derive(Clone, Default)]
pub struct Log(Rc<RefCell<Vec<String>>>);

impl Log {
    pub fn new() -> Log {
        Log::default()
    }

    pub fn push(&self, s: impl Into<String>) {
        self.0.borrow_mut().push(s.into());
    }

    pub fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.borrow_mut())
    }

    pub fn snapshot(&self) -> Vec<String> {
        self.0.borrow().clone()
    }
}

/// Pushes `msg` to the log when dropped.
pub struct DropGuard {
    pub log: Log,
    pub msg: &'static str,
}

impl Drop for DropGuard {
    fn drop(&mut self) {
        self.log.push(self.msg);
    }
}
