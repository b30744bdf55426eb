//! Fairness: a task that keeps waking itself cannot starve timers, remote wakes or other tasks.

use std::cell::Cell;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

const SPIN_LIMIT: u64 = 5_000_000;

/// Yields in a loop until `stop` is set or the limit is reached; returns how many times it yielded.
async fn spinner(stop: Rc<Cell<bool>>) -> u64 {
    let mut n = 0;
    while !stop.get() && n < SPIN_LIMIT {
        n += 1;
        solio::yield_now().await;
    }
    n
}

#[test]
fn a_busy_task_does_not_starve_a_timer() {
    let spins = solio::run(async {
        let stop = Rc::new(Cell::new(false));
        let spin = solio::spawn(spinner(stop.clone()));
        solio::time::sleep(Duration::from_millis(5)).await;
        stop.set(true);
        spin.await.unwrap()
    });
    assert!(spins < SPIN_LIMIT, "the timer fired while the spinner was still busy ({spins} spins)");
}

#[test]
fn a_busy_task_does_not_starve_a_remote_wake() {
    let spins = solio::run(async {
        let stop = Rc::new(Cell::new(false));
        let spin = solio::spawn(spinner(stop.clone()));
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let flag = Arc::new(AtomicBool::new(false));
        let waiter = solio::spawn({
            let flag = flag.clone();
            std::future::poll_fn(move |cx| {
                if flag.load(Ordering::SeqCst) {
                    return std::task::Poll::Ready(());
                }
                let _ = tx.send(());
                let w = cx.waker().clone();
                let flag = flag.clone();
                std::thread::spawn(move || {
                    flag.store(true, Ordering::SeqCst);
                    w.wake();
                });
                std::task::Poll::Pending
            })
        });
        waiter.await.unwrap();
        drop(rx);
        stop.set(true);
        spin.await.unwrap()
    });
    assert!(spins < SPIN_LIMIT, "the remote wake was served while the spinner was busy");
}

#[test]
fn two_busy_tasks_interleave() {
    let order = solio::run(async {
        let log = Rc::new(std::cell::RefCell::new(Vec::new()));
        let mk = |name: char| {
            let log = log.clone();
            solio::spawn(async move {
                for _ in 0..3 {
                    log.borrow_mut().push(name);
                    solio::yield_now().await;
                }
            })
        };
        let (a, b) = (mk('a'), mk('b'));
        a.await.unwrap();
        b.await.unwrap();
        log.borrow().iter().collect::<String>()
    });
    assert_eq!(order, "ababab");
}

#[test]
fn event_interval_one_still_completes_everything() {
    let rt = solio::Runtime::builder().event_interval(1).build().unwrap();
    let sum = rt.block_on(async {
        let hs: Vec<_> = (0..100).map(|i| solio::spawn(async move { i })).collect();
        let mut s = 0;
        for h in hs {
            s += h.await.unwrap();
        }
        s
    });
    assert_eq!(sum, 4950);
}

#[test]
#[should_panic(expected = "event_interval must be at least 1")]
fn event_interval_zero_is_rejected() {
    let _ = solio::Runtime::builder().event_interval(0);
}
