//! `Semaphore` and `BoundedSemaphore`: FIFO order, head-of-line `acquire_many`, cancellation hand-on,
//! close, forget and the bound; then asyncio's `test_locks.py` semaphore scenarios on the runtime.

mod sync_support;

use std::rc::Rc;

use solio::sync::{AcquireError, BoundedSemaphore, Semaphore, TryAcquireError};
use std::cell::RefCell;
use std::time::Duration;

use solio::task::AbortHandle;
use solio::time::{sleep, timeout};
use sync_support::{Log, Manual, run_paused, yields};

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
    assert_eq!(Manual::new(sem.acquire_many(0)).ready().unwrap().num_permits(), 0);
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
fn cancelled_waiter_failed_by_close_gives_nothing_back() {
    let sem = Rc::new(Semaphore::new(1));
    let mut borrowed = Manual::new(sem.acquire_many(2));
    let mut owned = Manual::new(sem.clone().acquire_many_owned(3));
    borrowed.pending();
    owned.pending();
    sem.close();
    assert!(borrowed.woken() && owned.woken());
    drop(borrowed);
    drop(owned);
    // Closing took no permits on their behalf, so there are none for them to give back.
    assert_eq!(sem.available_permits(), 1);
    assert_eq!(Rc::strong_count(&sem), 1);
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
    assert_eq!(err.to_string(), "semaphore released too many times (bound 2)");

    let guard = sem.try_acquire().unwrap();
    assert!(sem.release().is_err(), "a guarded permit is not out to release");
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
    assert_eq!(TryAcquireError::NoPermits.to_string(), "no permits available");
    assert_eq!(TryAcquireError::Closed.to_string(), "semaphore closed");
    assert_eq!(AcquireError::default_for_tests().to_string(), "semaphore closed");
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

// ---- asyncio's test_locks.py (SemaphoreTests), on the runtime ----

/// Spawns a task that acquires one permit of `sem` and keeps it (asyncio's bare `await sem.acquire()`),
/// then logs `id`.
fn acquirer(sem: &Rc<Semaphore>, log: &Log<u32>, id: u32) -> solio::JoinHandle<()> {
    let (sem, log) = (sem.clone(), log.clone());
    solio::spawn(async move {
        sem.acquire().await.unwrap().forget();
        log.push(id);
    })
}

#[test]
fn asyncio_acquire() {
    sync_support::run(async {
        let sem = Rc::new(Semaphore::new(3));
        let log = Log::new();
        sem.acquire().await.unwrap().forget();
        sem.acquire().await.unwrap().forget();
        let t1 = acquirer(&sem, &log, 1);
        let t2 = acquirer(&sem, &log, 2);
        let t3 = acquirer(&sem, &log, 3);
        yields(1).await;
        assert_eq!(log.get(), [1]);
        assert_eq!(sem.available_permits(), 0);

        let t4 = acquirer(&sem, &log, 4);
        sem.add_permits(2); // asyncio's two `release()` calls
        // Both permits were handed to t2 and t3 at once; nothing is left for t4.
        assert_eq!(sem.available_permits(), 0);
        yields(1).await;
        assert_eq!(log.get(), [1, 2, 3]);
        assert_eq!(sem.available_permits(), 0);
        assert!(t1.is_finished() && t2.is_finished() && t3.is_finished());
        assert!(!t4.is_finished());

        sem.add_permits(1);
        t4.await.unwrap();
        assert_eq!(log.get(), [1, 2, 3, 4]);
    });
}

#[test]
fn asyncio_acquire_cancel() {
    sync_support::run(async {
        let sem = Rc::new(Semaphore::new(1));
        let held = sem.clone().acquire_owned().await.unwrap();
        let task = acquirer(&sem, &Log::new(), 1);
        yields(1).await;
        task.abort();
        assert!(task.await.unwrap_err().is_cancelled());
        assert_eq!(format!("{sem:?}"), "Semaphore { permits: 0, waiters: 0, closed: false }");
        drop(held);
        assert_eq!(sem.available_permits(), 1);
    });
}

#[test]
fn asyncio_acquire_cancel_before_awoken() {
    sync_support::run(async {
        let sem = Rc::new(Semaphore::new(0));
        let log = Log::new();
        let t1 = acquirer(&sem, &log, 1);
        let t2 = acquirer(&sem, &log, 2);
        let t3 = acquirer(&sem, &log, 3);
        let t4 = acquirer(&sem, &log, 4);
        yields(1).await;

        t1.abort();
        t2.abort();
        sem.add_permits(1);
        yields(2).await;
        assert!(t3.is_finished());
        assert!(!t4.is_finished());
        assert_eq!(log.get(), [3]);

        t4.abort();
        assert!(t1.await.unwrap_err().is_cancelled());
        assert!(t2.await.unwrap_err().is_cancelled());
        assert!(t4.await.unwrap_err().is_cancelled());
        assert_eq!(sem.available_permits(), 0);
    });
}

#[test]
fn asyncio_acquire_hang() {
    sync_support::run(async {
        let sem = Rc::new(Semaphore::new(0));
        let t1 = acquirer(&sem, &Log::new(), 1);
        let t2 = acquirer(&sem, &Log::new(), 2);
        yields(1).await;
        t1.abort();
        sem.add_permits(1);
        yields(2).await;
        assert_eq!(sem.available_permits(), 0, "the permit went to t2, not back to the pool");
        assert!(t2.is_finished());
        assert!(t1.await.unwrap_err().is_cancelled());
    });
}

#[test]
fn asyncio_acquire_no_hang() {
    run_paused(async {
        let sem = Rc::new(Semaphore::new(1));
        let victim: Rc<RefCell<Option<AbortHandle>>> = Rc::default();
        let t1 = {
            let (sem, victim) = (sem.clone(), victim.clone());
            solio::spawn(async move {
                let permit = sem.acquire().await.unwrap();
                solio::yield_now().await;
                drop(permit); // hands the permit to t2...
                victim.borrow().as_ref().unwrap().abort(); // ...which is cancelled before it runs
            })
        };
        let t2 = {
            let sem = sem.clone();
            solio::spawn(async move {
                let _permit = sem.acquire().await.unwrap();
                unreachable!("t2 is cancelled before it runs");
            })
        };
        *victim.borrow_mut() = Some(t2.abort_handle());
        t1.await.unwrap();
        assert!(t2.await.unwrap_err().is_cancelled());
        let permit = timeout(Duration::from_secs(1), sem.acquire()).await;
        assert!(permit.expect("the permit was passed back").is_ok());
    });
}

#[test]
fn asyncio_acquire_fifo_order() {
    run_paused(async {
        let sem = Rc::new(Semaphore::new(1));
        let log = Log::new();
        let tasks: Vec<_> = ["c1", "c2", "c3"]
            .into_iter()
            .map(|tag| {
                let (sem, log) = (sem.clone(), log.clone());
                solio::spawn(async move {
                    for round in 1..=2 {
                        let permit = sem.acquire().await.unwrap();
                        log.push(format!("{tag}_{round}"));
                        sleep(Duration::from_millis(10)).await;
                        drop(permit);
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(log.get(), ["c1_1", "c2_1", "c3_1", "c1_2", "c2_2", "c3_2"]);
    });
}

#[test]
fn asyncio_acquire_fifo_order_2() {
    sync_support::run(async {
        let sem = Rc::new(Semaphore::new(1));
        let log = Log::new();
        let t1 = acquirer(&sem, &log, 1);
        let t2 = {
            let (sem, log) = (sem.clone(), log.clone());
            solio::spawn(async move {
                let permit = sem.acquire().await.unwrap();
                log.push(2);
                drop(permit);
                sem.acquire().await.unwrap().forget();
                log.push(4);
            })
        };
        let t3 = acquirer(&sem, &log, 3);
        yields(1).await;
        sem.add_permits(2);
        for task in [t1, t2, t3] {
            task.await.unwrap();
        }
        // asyncio logs [1, 2, 3, 4]. Here the two permits were handed to t2 and t3 at once, so when t2
        // gives its permit back nobody is in line, and its second acquire takes it without waiting:
        // permits went out in the order t1, t2, t3, t2; t3 simply logs when it next runs.
        assert_eq!(log.get(), [1, 2, 4, 3]);
        assert_eq!(sem.available_permits(), 0);
    });
}

#[test]
fn asyncio_acquire_fifo_order_3() {
    sync_support::run(async {
        let sem = Rc::new(Semaphore::new(0));
        let log = Log::new();
        let t1 = acquirer(&sem, &log, 1);
        let t2 = acquirer(&sem, &log, 2);
        let t3 = acquirer(&sem, &log, 3);
        yields(1).await;
        t1.abort();
        yields(1).await;
        sem.add_permits(2);
        assert!(t1.await.unwrap_err().is_cancelled());
        t2.await.unwrap();
        t3.await.unwrap();
        assert_eq!(log.get(), [2, 3]);
    });
}

#[test]
fn at_most_n_tasks_hold_permits_and_they_enter_in_spawn_order() {
    run_paused(async {
        let sem = Rc::new(Semaphore::new(3));
        let inside = Rc::new(std::cell::Cell::new(0));
        let entered = Log::new();
        let tasks: Vec<_> = (0..12)
            .map(|i| {
                let (sem, inside, entered) = (sem.clone(), inside.clone(), entered.clone());
                solio::spawn(async move {
                    let _permit = sem.acquire_owned().await.unwrap();
                    entered.push(i);
                    inside.set(inside.get() + 1);
                    assert!(inside.get() <= 3);
                    sleep(Duration::from_millis(5 + (i % 4) * 3)).await;
                    inside.set(inside.get() - 1);
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(entered.get(), (0..12).collect::<Vec<_>>());
        assert_eq!(sem.available_permits(), 3);
    });
}

#[test]
fn an_owned_permit_moves_into_a_spawned_task() {
    sync_support::run(async {
        let sem = Rc::new(Semaphore::new(1));
        let permit = sem.clone().acquire_owned().await.unwrap();
        let waiter = {
            let sem = sem.clone();
            solio::spawn(async move { sem.acquire_owned().await.unwrap().num_permits() })
        };
        let holder = solio::spawn(async move {
            solio::yield_now().await;
            drop(permit);
        });
        holder.await.unwrap();
        assert_eq!(waiter.await.unwrap(), 1);
        assert_eq!(sem.available_permits(), 1);
    });
}

#[test]
fn close_wakes_waiting_tasks_with_an_error() {
    sync_support::run(async {
        let sem = Rc::new(Semaphore::new(0));
        let waiters: Vec<_> = (0..3)
            .map(|_| {
                let sem = sem.clone();
                solio::spawn(async move { sem.acquire().await.map(|p| p.num_permits()) })
            })
            .collect();
        yields(1).await;
        sem.close();
        for waiter in waiters {
            assert_eq!(waiter.await.unwrap().unwrap_err().to_string(), "semaphore closed");
        }
    });
}

#[test]
fn timed_out_acquire_leaves_the_line() {
    run_paused(async {
        let sem = Semaphore::new(1);
        let held = sem.acquire().await.unwrap();
        assert!(timeout(Duration::from_millis(50), sem.acquire()).await.is_err());
        let mut late = Manual::new(sem.acquire());
        late.pending();
        drop(held);
        assert!(late.woken());
        drop(late.ready().unwrap());
        assert_eq!(sem.available_permits(), 1);
    });
}

#[test]
#[should_panic(
    expected = "Semaphore::add_permits on the semaphore of a BoundedSemaphore would pass its bound"
)]
fn a_bounded_semaphore_cannot_be_pushed_past_its_bound_through_an_owned_permit() {
    let sem = solio::sync::BoundedSemaphore::new(1);
    let permit = sem.try_acquire_owned().unwrap();
    permit.semaphore().add_permits(1);
}
