//! `Semaphore` and `BoundedSemaphore`: FIFO order, head-of-line `acquire_many`, cancellation hand-on,
//! close, forget and the bound; then asyncio's `test_locks.py` semaphore scenarios on the runtime.

mod support;

use std::rc::Rc;

use solio::sync::{AcquireError, BoundedSemaphore, Semaphore, TryAcquireError};
use support::Manual;

#[test]
fn acquire_is_immediate_while_permits_are_free() {
    let sem = Semaphore::new(2);
    let a = Manual::new(sem.acquire()).ready().unwrap();
    let b = Manual::new(sem.acquire()).ready().unwrap();
    assert_eq!(sem.available_permits(), 0);
    assert_eq!((a.num_permits(), b.num_permits()), (1, 1));
    drop(a);
    assert_eq!(sem.available_permits(), 1);
    drop(b);
    assert_eq!(sem.available_permits(), 2);
}

#[test]
fn waiters_are_served_in_arrival_order() {
    let sem = Semaphore::new(0);
    let mut waiters: Vec<_> = (0..3).map(|_| Manual::new(sem.acquire())).collect();
    for waiter in &mut waiters {
        waiter.pending();
    }
    let mut order = Vec::new();
    for _ in 0..3 {
        sem.add_permits(1);
        let woken: Vec<usize> = (0..3).filter(|&i| waiters[i].woken()).collect();
        assert_eq!(woken.len(), 1, "one release wakes exactly one waiter");
        let i = woken[0];
        waiters[i].ready().unwrap().forget();
        order.push(i);
    }
    assert_eq!(order, [0, 1, 2]);
    assert_eq!(sem.available_permits(), 0);
}

#[test]
fn newcomer_never_overtakes_a_queued_waiter() {
    let sem = Semaphore::new(1);
    let held = sem.try_acquire().unwrap();
    let mut queued = Manual::new(sem.acquire());
    queued.pending();

    drop(held);
    // The permit went to the queued waiter before it ran: nothing is free for a newcomer.
    assert!(queued.woken());
    assert_eq!(sem.available_permits(), 0);
    assert_eq!(sem.try_acquire().unwrap_err(), TryAcquireError::NoPermits);
    let mut newcomer = Manual::new(sem.acquire());
    newcomer.pending();

    drop(queued.ready().unwrap());
    assert!(newcomer.woken());
    drop(newcomer.ready().unwrap());
}

#[test]
fn newcomer_waits_behind_a_queue_even_with_free_permits() {
    let sem = Semaphore::new(1);
    let mut big = Manual::new(sem.acquire_many(2));
    big.pending();
    // One permit is free, but `big` is first in line.
    assert_eq!(sem.available_permits(), 1);
    assert_eq!(sem.try_acquire().unwrap_err(), TryAcquireError::NoPermits);
    let mut small = Manual::new(sem.acquire());
    small.pending();

    sem.add_permits(1);
    assert!(big.woken());
    assert!(!small.woken());
    let big_permit = big.ready().unwrap();
    assert_eq!(big_permit.num_permits(), 2);
    drop(big_permit);
    assert!(small.woken());
    drop(small.ready().unwrap());
}

#[test]
fn acquire_many_is_head_of_line() {
    let sem = Semaphore::new(0);
    let mut a = Manual::new(sem.acquire_many(3));
    let mut b = Manual::new(sem.acquire());
    let mut c = Manual::new(sem.acquire_many(2));
    a.pending();
    b.pending();
    c.pending();

    sem.add_permits(2);
    assert!(!a.woken() && !b.woken() && !c.woken());
    sem.add_permits(2);
    // `a` takes 3 of 4; `b` takes the last; `c` keeps waiting.
    assert!(a.woken() && b.woken() && !c.woken());
    assert_eq!(sem.available_permits(), 0);
    let a = a.ready().unwrap();
    let b = b.ready().unwrap();
    drop(b);
    assert!(!c.woken());
    drop(a);
    assert!(c.woken());
    assert_eq!(c.ready().unwrap().num_permits(), 2);
    assert_eq!(sem.available_permits(), 4);
}

#[test]
fn cancelling_a_waiting_head_lets_smaller_requests_through() {
    let sem = Semaphore::new(1);
    let mut big = Manual::new(sem.acquire_many(5));
    let mut small = Manual::new(sem.acquire());
    big.pending();
    small.pending();
    drop(big);
    assert!(small.woken());
    drop(small.ready().unwrap());
}

#[test]
fn cancelled_waiter_that_was_granted_passes_the_permit_on() {
    let sem = Semaphore::new(1);
    let held = sem.try_acquire().unwrap();
    let mut b = Manual::new(sem.acquire());
    let mut c = Manual::new(sem.acquire());
    b.pending();
    c.pending();

    drop(held);
    assert!(b.woken() && !c.woken());
    drop(b); // woken but never ran
    assert!(c.woken());
    assert_eq!(sem.available_permits(), 0);
    drop(c.ready().unwrap());
    assert_eq!(sem.available_permits(), 1);
}

#[test]
fn cancelled_granted_waiter_with_nobody_behind_returns_the_permit() {
    let sem = Semaphore::new(0);
    let mut a = Manual::new(sem.acquire_many(2));
    a.pending();
    sem.add_permits(2);
    assert!(a.woken());
    drop(a);
    assert_eq!(sem.available_permits(), 2);
}

#[test]
fn cancelled_waiting_waiter_leaves_the_line() {
    let sem = Semaphore::new(0);
    let mut a = Manual::new(sem.acquire());
    let mut b = Manual::new(sem.acquire());
    a.pending();
    b.pending();
    drop(a);
    sem.add_permits(1);
    assert!(b.woken());
    b.ready().unwrap().forget();
    assert_eq!(sem.available_permits(), 0);
}

#[test]
fn acquire_zero_permits_waits_only_for_its_turn() {
    let sem = Semaphore::new(0);
    assert_eq!(
        Manual::new(sem.acquire_many(0))
            .ready()
            .unwrap()
            .num_permits(),
        0
    );
    let mut a = Manual::new(sem.acquire());
    let mut zero = Manual::new(sem.acquire_many(0));
    a.pending();
    zero.pending();
    sem.add_permits(1);
    assert!(a.woken() && zero.woken());
    drop(zero.ready().unwrap());
    drop(a.ready().unwrap());
}

#[test]
fn close_fails_waiters_and_later_acquires_but_keeps_held_permits() {
    let sem = Semaphore::new(1);
    let held = sem.try_acquire().unwrap();
    let mut a = Manual::new(sem.acquire());
    let mut b = Manual::new(sem.acquire_many(3));
    a.pending();
    b.pending();

    sem.close();
    assert!(sem.is_closed());
    assert!(a.woken() && b.woken());
    assert_eq!(a.ready().unwrap_err(), AcquireError::default_for_tests());
    assert!(b.ready().is_err());
    assert!(Manual::new(sem.acquire()).ready().is_err());
    assert_eq!(sem.try_acquire().unwrap_err(), TryAcquireError::Closed);

    drop(held);
    assert_eq!(sem.available_permits(), 1);
    assert_eq!(sem.try_acquire().unwrap_err(), TryAcquireError::Closed);
}

#[test]
fn forget_takes_permits_out_for_good() {
    let sem = Semaphore::new(3);
    sem.try_acquire_many(2).unwrap().forget();
    assert_eq!(sem.available_permits(), 1);
    let rc = Rc::new(Semaphore::new(1));
    rc.clone().try_acquire_owned().unwrap().forget();
    assert_eq!(rc.available_permits(), 0);
}

#[test]
fn owned_permits_move_into_other_futures() {
    let sem = Rc::new(Semaphore::new(1));
    let permit = Manual::new(sem.clone().acquire_owned()).ready().unwrap();
    assert!(Rc::ptr_eq(permit.semaphore(), &sem));
    let mut waiter = Manual::new(sem.clone().acquire_many_owned(1));
    waiter.pending();
    let holder = move || drop(permit);
    holder();
    assert!(waiter.woken());
    let permit = waiter.ready().unwrap();
    assert_eq!(sem.available_permits(), 0);
    drop(permit);
    assert_eq!(sem.available_permits(), 1);
    assert_eq!(Rc::strong_count(&sem), 1);
}

#[test]
fn cancelled_owned_acquire_passes_the_permit_on() {
    let sem = Rc::new(Semaphore::new(0));
    let mut a = Manual::new(sem.clone().acquire_owned());
    let mut b = Manual::new(sem.clone().acquire_owned());
    a.pending();
    b.pending();
    sem.add_permits(1);
    drop(a);
    assert!(b.woken());
    drop(b.ready().unwrap());
    assert_eq!(Rc::strong_count(&sem), 1);
}

#[test]
#[should_panic(expected = "semaphore permit count overflowed usize")]
fn add_permits_overflow_panics() {
    let sem = Semaphore::new(usize::MAX);
    sem.add_permits(1);
}

#[test]
fn default_is_one_permit() {
    assert_eq!(Semaphore::default().available_permits(), 1);
}

#[test]
fn bounded_release_needs_a_forgotten_permit() {
    let sem = BoundedSemaphore::new(2);
    assert_eq!(sem.bound(), 2);
    let err = sem.release().unwrap_err();
    assert_eq!(
        err.to_string(),
        "semaphore released too many times (bound 2)"
    );

    let guard = sem.try_acquire().unwrap();
    assert!(
        sem.release().is_err(),
        "a guarded permit is not out to release"
    );
    sem.try_acquire().unwrap().forget();
    assert_eq!(sem.available_permits(), 0);
    sem.release().unwrap();
    assert_eq!(sem.available_permits(), 1);
    assert!(sem.release().is_err());
    drop(guard);
    assert_eq!(sem.available_permits(), 2);
}

#[test]
fn bounded_release_serves_a_waiter() {
    let sem = BoundedSemaphore::new(1);
    sem.try_acquire().unwrap().forget();
    let mut waiter = Manual::new(sem.acquire());
    waiter.pending();
    sem.release().unwrap();
    assert!(waiter.woken());
    assert_eq!(waiter.ready().unwrap().num_permits(), 1);
    assert_eq!(sem.available_permits(), 1);
}

#[test]
fn bounded_owned_and_close() {
    let sem = BoundedSemaphore::new(1);
    let permit = Manual::new(sem.acquire_owned()).ready().unwrap();
    assert!(sem.try_acquire_owned().is_err());
    drop(permit);
    assert_eq!(sem.available_permits(), 1);
    sem.close();
    assert!(sem.is_closed());
    assert!(Manual::new(sem.acquire()).ready().is_err());
}

#[test]
fn error_messages() {
    assert_eq!(
        TryAcquireError::NoPermits.to_string(),
        "no permits available"
    );
    assert_eq!(TryAcquireError::Closed.to_string(), "semaphore closed");
    assert_eq!(
        AcquireError::default_for_tests().to_string(),
        "semaphore closed"
    );
    fn is_error<E: std::error::Error>(_: &E) {}
    is_error(&TryAcquireError::Closed);
    is_error(&AcquireError::default_for_tests());
}

/// `AcquireError` has no public constructor; make one the way users meet it.
trait DefaultForTests {
    fn default_for_tests() -> Self;
}

impl DefaultForTests for AcquireError {
    fn default_for_tests() -> Self {
        let sem = Semaphore::new(0);
        sem.close();
        Manual::new(sem.acquire()).ready().unwrap_err()
    }
}
