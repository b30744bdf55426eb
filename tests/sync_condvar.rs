//! `Condvar` with solio's `Mutex`: wait releases and re-takes the lock, FIFO notification, passing a
//! notification on when a notified waiter is cancelled; then asyncio's `Condition` scenarios on the
//! runtime.

mod sync_support;

use solio::sync::{Condvar, Mutex};
use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use solio::time::timeout;
use sync_support::{Log, Manual, run_paused, yields};

#[test]
fn wait_unlocks_and_relocks() {
    let mutex = Mutex::new(0);
    let cond = Condvar::new();
    let mut waiter = Manual::new(cond.wait(mutex.try_lock().unwrap()));
    assert!(mutex.is_locked(), "the lock is held until the wait is first polled");
    waiter.pending();
    assert!(!mutex.is_locked());

    *mutex.try_lock().unwrap() = 5;
    cond.notify_one();
    assert!(waiter.woken());
    let guard = waiter.ready();
    assert_eq!(*guard, 5);
    assert!(mutex.is_locked());
}

#[test]
fn notified_waiter_queues_for_the_lock() {
    let mutex = Mutex::new(());
    let cond = Condvar::new();
    let mut waiter = Manual::new(cond.wait(mutex.try_lock().unwrap()));
    waiter.pending();

    let guard = mutex.try_lock().unwrap();
    cond.notify_one();
    assert!(waiter.woken());
    waiter.pending(); // notified, but the lock is held
    drop(guard);
    assert!(waiter.woken());
    drop(waiter.ready());
}

#[test]
fn notify_wakes_in_fifo_order_and_counts() {
    let mutex = Mutex::new(());
    let cond = Condvar::new();
    let mut waiters: Vec<_> = (0..4)
        .map(|_| {
            let mut waiter = Manual::new(cond.wait(mutex.try_lock().unwrap()));
            waiter.pending();
            waiter
        })
        .collect();
    let woken = |waiters: &mut Vec<Manual<_>>| -> Vec<usize> {
        (0..waiters.len()).filter(|&i| waiters[i].woken()).collect()
    };

    cond.notify_one();
    assert_eq!(woken(&mut waiters), [0]);
    cond.notify(2);
    assert_eq!(woken(&mut waiters), [1, 2]);
    cond.notify(2048);
    assert_eq!(woken(&mut waiters), [3]);
    for waiter in &mut waiters {
        drop(waiter.ready());
    }
}

#[test]
fn notify_all_wakes_everyone_and_notifications_are_not_stored() {
    let mutex = Mutex::new(());
    let cond = Condvar::new();
    cond.notify_all();
    cond.notify_one();
    let mut a = Manual::new(cond.wait(mutex.try_lock().unwrap()));
    a.pending();
    let mut b = Manual::new(cond.wait(mutex.try_lock().unwrap()));
    b.pending();
    assert!(!a.woken() && !b.woken(), "earlier notifications do not count");
    cond.notify_all();
    assert!(a.woken() && b.woken());
    let guard = a.ready();
    b.pending(); // `a` holds the lock now
    drop(guard);
    assert!(b.woken());
    drop(b.ready());
}

#[test]
fn cancelled_notified_waiter_passes_the_notification_on() {
    let mutex = Mutex::new(());
    let cond = Condvar::new();
    let mut a = Manual::new(cond.wait(mutex.try_lock().unwrap()));
    a.pending();
    let mut b = Manual::new(cond.wait(mutex.try_lock().unwrap()));
    b.pending();

    cond.notify_one();
    assert!(a.woken() && !b.woken());
    drop(a); // notified but never ran
    assert!(b.woken());
    drop(b.ready());
}

#[test]
fn cancelled_waiter_while_relocking_passes_the_notification_on() {
    let mutex = Mutex::new(());
    let cond = Condvar::new();
    let mut a = Manual::new(cond.wait(mutex.try_lock().unwrap()));
    a.pending();
    let mut b = Manual::new(cond.wait(mutex.try_lock().unwrap()));
    b.pending();

    let guard = mutex.try_lock().unwrap();
    cond.notify_one();
    a.pending(); // took the notification, now waits for the lock
    assert!(!b.woken());
    drop(a);
    assert!(b.woken(), "the notification is passed on");
    drop(guard);
    drop(b.ready());
    assert!(!mutex.is_locked());
}

#[test]
fn cancelled_unnotified_waiter_just_leaves() {
    let mutex = Mutex::new(());
    let cond = Condvar::new();
    let mut a = Manual::new(cond.wait(mutex.try_lock().unwrap()));
    a.pending();
    let mut b = Manual::new(cond.wait(mutex.try_lock().unwrap()));
    b.pending();
    drop(a);
    assert!(!b.woken());
    cond.notify_one();
    assert!(b.woken());
    drop(b.ready());
}

#[test]
fn dropping_an_unpolled_wait_keeps_nothing_locked() {
    let mutex = Mutex::new(());
    let cond = Condvar::new();
    let wait = cond.wait(mutex.try_lock().unwrap());
    assert!(mutex.is_locked());
    drop(wait);
    assert!(!mutex.is_locked());
}

#[test]
fn wait_while_checks_under_the_lock() {
    let mutex = Mutex::new(0);
    let cond = Condvar::new();
    let mut checks = 0;
    let mut waiter = Manual::new(cond.wait_while(mutex.try_lock().unwrap(), |n| {
        checks += 1;
        *n < 2
    }));
    waiter.pending();
    *mutex.try_lock().unwrap() = 1;
    cond.notify_one();
    assert!(waiter.woken());
    waiter.pending(); // 1 < 2: waits again
    *mutex.try_lock().unwrap() = 2;
    cond.notify_all();
    let guard = waiter.ready();
    assert_eq!(*guard, 2);
    drop(guard);
    drop(waiter);
    assert_eq!(checks, 3);
}

#[test]
fn wait_while_returns_at_once_when_the_condition_is_false() {
    let mutex = Mutex::new(true);
    let cond = Condvar::new();
    let guard = Manual::new(cond.wait_while(mutex.try_lock().unwrap(), |flag| !*flag)).ready();
    assert!(*guard);
}

// ---- asyncio's test_locks.py (ConditionTests), on the runtime ----

type Shared = Rc<(Mutex<()>, Condvar)>;

/// Spawns a task that locks, waits once on the condvar, logs `id` and unlocks.
fn waiter(shared: &Shared, log: &Log<u32>, id: u32) -> solio::JoinHandle<()> {
    let (shared, log) = (shared.clone(), log.clone());
    solio::spawn(async move {
        let (mutex, cond) = &*shared;
        let guard = cond.wait(mutex.lock().await).await;
        log.push(id);
        drop(guard);
    })
}

#[test]
fn asyncio_wait() {
    sync_support::run(async {
        let shared: Shared = Rc::default();
        let (mutex, cond) = &*shared;
        let log = Log::new();
        let tasks = [1, 2, 3].map(|id| waiter(&shared, &log, id));
        yields(1).await;
        assert_eq!(log.get(), []);
        assert!(!mutex.is_locked());

        let guard = mutex.lock().await;
        cond.notify_one();
        yields(1).await;
        assert_eq!(log.get(), [], "notified, but the lock is held");
        assert!(mutex.is_locked());
        drop(guard);
        yields(1).await;
        assert_eq!(log.get(), [1]);

        let guard = mutex.lock().await;
        cond.notify(2);
        yields(1).await;
        assert_eq!(log.get(), [1]);
        drop(guard);
        yields(1).await;
        assert_eq!(log.get(), [1, 2]);
        yields(1).await;
        assert_eq!(log.get(), [1, 2, 3]);
        for task in tasks {
            task.await.unwrap();
        }
        assert!(!mutex.is_locked());
    });
}

#[test]
fn asyncio_wait_cancel() {
    sync_support::run(async {
        let shared: Shared = Rc::default();
        let (mutex, cond) = &*shared;
        let task = waiter(&shared, &Log::new(), 1);
        yields(1).await;
        task.abort();
        assert!(task.await.unwrap_err().is_cancelled());
        assert_eq!(format!("{cond:?}"), "Condvar { waiters: 0 }");
        // asyncio re-acquires the lock on cancellation; a dropped future cannot, so the lock is free.
        assert!(!mutex.is_locked());
    });
}

#[test]
fn asyncio_wait_cancel_contested() {
    // Notify, then cancel the waiter while the notifier still holds the lock: the notification is
    // passed on, here to a second waiter.
    sync_support::run(async {
        let shared: Shared = Rc::default();
        let (mutex, cond) = &*shared;
        let log = Log::new();
        let first = waiter(&shared, &log, 1);
        let second = waiter(&shared, &log, 2);
        yields(1).await;
        assert!(!mutex.is_locked());

        let guard = mutex.lock().await;
        cond.notify_one();
        first.abort();
        drop(guard);
        assert!(first.await.unwrap_err().is_cancelled());
        second.await.unwrap();
        assert_eq!(log.get(), [2]);
        assert!(!mutex.is_locked());
    });
}

#[test]
fn asyncio_wait_cancel_after_notify() {
    // bpo-32841: the waiter is notified and has queued for the lock when it is cancelled.
    sync_support::run(async {
        let shared: Shared = Rc::default();
        let (mutex, cond) = &*shared;
        let log = Log::new();
        let waited = Rc::new(Cell::new(false));
        let first = {
            let (shared, waited) = (shared.clone(), waited.clone());
            solio::spawn(async move {
                let (mutex, cond) = &*shared;
                let guard = mutex.lock().await;
                waited.set(true);
                drop(cond.wait(guard).await);
            })
        };
        let second = waiter(&shared, &log, 2);
        yields(1).await;

        let guard = mutex.lock().await;
        cond.notify_one();
        yields(1).await; // `first` takes the notification and queues for the lock
        first.abort();
        yields(1).await; // the cancellation takes effect and passes the notification on
        drop(guard);
        yields(1).await;
        assert!(first.await.unwrap_err().is_cancelled());
        assert!(waited.get());
        second.await.unwrap();
        assert_eq!(log.get(), [2]);
    });
}

#[test]
fn asyncio_wait_for() {
    sync_support::run(async {
        let shared: Rc<(Mutex<bool>, Condvar)> = Rc::default();
        let (mutex, cond) = &*shared;
        let log = Log::new();
        let task = {
            let (shared, log) = (shared.clone(), log.clone());
            solio::spawn(async move {
                let (mutex, cond) = &*shared;
                let guard = cond.wait_while(mutex.lock().await, |ready| !*ready).await;
                log.push(1);
                drop(guard);
            })
        };
        yields(1).await;
        assert_eq!(log.get(), []);

        let guard = mutex.lock().await;
        cond.notify_one();
        drop(guard);
        yields(1).await;
        assert_eq!(log.get(), [], "the condition is still false");

        *mutex.lock().await = true;
        cond.notify_one();
        yields(1).await;
        assert_eq!(log.get(), [1]);
        task.await.unwrap();
    });
}

#[test]
fn asyncio_notify() {
    sync_support::run(async {
        let shared: Shared = Rc::default();
        let (mutex, cond) = &*shared;
        let log = Log::new();
        let tasks = [1, 2, 3].map(|id| waiter(&shared, &log, id));
        yields(1).await;

        let guard = mutex.lock().await;
        cond.notify(1);
        drop(guard);
        yields(1).await;
        assert_eq!(log.get(), [1]);

        let guard = mutex.lock().await;
        cond.notify(1);
        cond.notify(2048);
        drop(guard);
        yields(2).await;
        assert_eq!(log.get(), [1, 2, 3]);
        for task in tasks {
            task.await.unwrap();
        }
    });
}

#[test]
fn asyncio_notify_all() {
    sync_support::run(async {
        let shared: Shared = Rc::default();
        let (mutex, cond) = &*shared;
        let log = Log::new();
        let tasks = [1, 2].map(|id| waiter(&shared, &log, id));
        yields(1).await;
        let guard = mutex.lock().await;
        cond.notify_all();
        drop(guard);
        yields(2).await;
        assert_eq!(log.get(), [1, 2]);
        for task in tasks {
            task.await.unwrap();
        }
    });
}

#[test]
fn asyncio_timeout_in_block() {
    run_paused(async {
        let mutex = Mutex::new(());
        let cond = Condvar::new();
        let start = solio::time::Instant::now();
        let waited = timeout(Duration::from_millis(500), cond.wait(mutex.lock().await)).await;
        assert!(waited.is_err());
        drop(waited);
        assert_eq!(start.elapsed(), Duration::from_millis(500));
        assert!(!mutex.is_locked(), "the guard went with the timed-out wait");
        assert_eq!(format!("{cond:?}"), "Condvar { waiters: 0 }");
    });
}

#[test]
fn producer_and_consumers_with_wait_while() {
    run_paused(async {
        let shared: Rc<(Mutex<Vec<u32>>, Condvar)> = Rc::default();
        let log = Log::new();
        let consumers: Vec<_> = (0..3)
            .map(|id| {
                let (shared, log) = (shared.clone(), log.clone());
                solio::spawn(async move {
                    let (items, cond) = &*shared;
                    for _ in 0..4 {
                        let mut items = cond.wait_while(items.lock().await, |i| i.is_empty()).await;
                        let item = items.remove(0);
                        log.push((id, item));
                    }
                })
            })
            .collect();
        let (items, cond) = &*shared;
        for item in 0..12 {
            solio::time::sleep(Duration::from_millis(1)).await;
            items.lock().await.push(item);
            cond.notify_one();
        }
        for consumer in consumers {
            consumer.await.unwrap();
        }
        // One item at a time, each to the consumer that has waited longest.
        let expected: Vec<_> = (0..12).map(|item| (item % 3, item)).collect();
        assert_eq!(log.get(), expected);
    });
}
