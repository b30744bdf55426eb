//! `Condvar` with solio's `Mutex`: wait releases and re-takes the lock, FIFO notification, passing a
//! notification on when a notified waiter is cancelled; then asyncio's `Condition` scenarios on the
//! runtime.

mod support;

use solio::sync::{Condvar, Mutex};
use support::Manual;

#[test]
fn wait_unlocks_and_relocks() {
    let mutex = Mutex::new(0);
    let cond = Condvar::new();
    let mut waiter = Manual::new(cond.wait(mutex.try_lock().unwrap()));
    assert!(
        mutex.is_locked(),
        "the lock is held until the wait is first polled"
    );
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
    assert!(
        !a.woken() && !b.woken(),
        "earlier notifications do not count"
    );
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
