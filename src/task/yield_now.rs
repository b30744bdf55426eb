//! `yield_now`: let the other ready tasks run first.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Yields to the scheduler: the current task goes to the back of the run queue and every task that was
/// ready before it runs first (asyncio's `await asyncio.sleep(0)`).
///
/// # Examples
/// ```
/// use std::{cell::RefCell, rc::Rc};
///
/// solio::run(async {
///     let log = Rc::new(RefCell::new(Vec::new()));
///     let mut tasks = Vec::new();
///     for name in ["a", "b"] {
///         let log = log.clone();
///         tasks.push(solio::spawn(async move {
///             log.borrow_mut().push(format!("{name}1"));
///             solio::yield_now().await;
///             log.borrow_mut().push(format!("{name}2"));
///         }));
///     }
///     for t in tasks {
///         t.await.unwrap();
///     }
///     assert_eq!(*log.borrow(), ["a1", "b1", "a2", "b2"]);
/// });
/// ```
pub fn yield_now() -> YieldNow {
    YieldNow { yielded: false }
}

/// Future returned by [`yield_now`].
#[derive(Debug)]
#[must_use = "futures do nothing unless awaited"]
pub struct YieldNow {
    yielded: bool,
}

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
