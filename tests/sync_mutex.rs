//! `Mutex`: FIFO hand-off, no barging, cancellation hand-on; then asyncio's `test_locks.py` lock
//! scenarios on the runtime.

mod support;

use std::rc::Rc;

use solio::sync::Mutex;
use support::Manual;

#[test]
fn lock_try_lock_and_unlock() {
    let mutex = Mutex::new(1);
    assert!(!mutex.is_locked());
    let mut guard = Manual::new(mutex.lock()).ready();
    assert!(mutex.is_locked());
    *guard += 1;
    let err = mutex.try_lock().unwrap_err();
    assert_eq!(err.to_string(), "mutex is locked");
    drop(guard);
    assert!(!mutex.is_locked());
    assert_eq!(*mutex.try_lock().unwrap(), 2);
}

#[test]
fn waiters_get_the_lock_in_arrival_order() {
    let mutex = Mutex::new(Vec::new());
    let first = mutex.try_lock().unwrap();
    let mut waiters: Vec<_> = (0..4).map(|_| Manual::new(mutex.lock())).collect();
    for waiter in &mut waiters {
        waiter.pending();
    }
    drop(first);
    for i in 0..4 {
        let woken: Vec<usize> = (0..4).filter(|&j| waiters[j].woken()).collect();
        assert_eq!(woken, [i], "only the next in line is woken");
        let mut guard = waiters[i].ready();
        guard.push(i);
        drop(guard);
    }
    drop(waiters);
    assert!(!mutex.is_locked());
    assert_eq!(mutex.into_inner(), [0, 1, 2, 3]);
}

#[test]
fn unlock_hands_off_so_newcomers_cannot_barge() {
    let mutex = Mutex::new(());
    let guard = mutex.try_lock().unwrap();
    let mut waiter = Manual::new(mutex.lock());
    waiter.pending();
    drop(guard);
    // Handed to the waiter, which has not run yet: still locked for everybody else.
    assert!(mutex.is_locked());
    assert!(mutex.try_lock().is_err());
    let mut newcomer = Manual::new(mutex.lock());
    newcomer.pending();
    drop(waiter.ready());
    assert!(newcomer.woken());
    drop(newcomer.ready());
    assert!(!mutex.is_locked());
}

#[test]
fn cancelled_waiter_leaves_the_line() {
    let mutex = Mutex::new(());
    let guard = mutex.try_lock().unwrap();
    let mut a = Manual::new(mutex.lock());
    let mut b = Manual::new(mutex.lock());
    a.pending();
    b.pending();
    drop(a);
    drop(guard);
    assert!(b.woken());
    drop(b.ready());
    assert!(!mutex.is_locked());
}

#[test]
fn cancelled_waiter_that_was_handed_the_lock_hands_it_on() {
    let mutex = Mutex::new(());
    let guard = mutex.try_lock().unwrap();
    let mut a = Manual::new(mutex.lock());
    let mut b = Manual::new(mutex.lock());
    a.pending();
    b.pending();
    drop(guard);
    assert!(a.woken() && !b.woken());
    drop(a);
    assert!(b.woken());
    assert!(mutex.is_locked());
    drop(b.ready());
    assert!(!mutex.is_locked());
}

#[test]
fn cancelled_last_waiter_that_was_handed_the_lock_unlocks() {
    let mutex = Mutex::new(());
    let guard = mutex.try_lock().unwrap();
    let mut a = Manual::new(mutex.lock());
    a.pending();
    drop(guard);
    drop(a);
    assert!(!mutex.is_locked());
    assert!(mutex.try_lock().is_ok());
}

#[test]
fn get_mut_into_inner_default_from_and_debug() {
    let mut mutex = Mutex::new(String::from("a"));
    mutex.get_mut().push('b');
    assert_eq!(format!("{mutex:?}"), r#"Mutex { data: "ab", waiters: 0 }"#);
    let guard = mutex.try_lock().unwrap();
    assert_eq!(format!("{guard:?} {guard}"), r#""ab" ab"#);
    assert_eq!(format!("{mutex:?}"), "Mutex { data: <locked>, waiters: 0 }");
    drop(guard);
    assert_eq!(mutex.into_inner(), "ab");
    assert_eq!(Mutex::<u8>::default().into_inner(), 0);
    assert_eq!(Mutex::from(4).into_inner(), 4);
}

#[test]
fn shared_through_rc() {
    let mutex = Rc::new(Mutex::new(0));
    let other = mutex.clone();
    *Manual::new(other.lock()).ready() += 5;
    assert_eq!(*mutex.try_lock().unwrap(), 5);
}
