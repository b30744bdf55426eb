//! `Mutex`: FIFO hand-off, no barging, cancellation hand-on; then asyncio's `test_locks.py` lock
//! scenarios on the runtime.

mod sync_support;

use std::rc::Rc;

use solio::sync::Mutex;
use std::cell::Cell;
use std::time::Duration;

use solio::sync::Event;
use sync_support::{Log, Manual, run_paused, yields};

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

// ---- asyncio's test_locks.py (LockTests), on the runtime ----

/// Spawns a task that locks `mutex`, logs `id` and unlocks.
fn locker(mutex: &Rc<Mutex<()>>, log: &Log<u32>, id: u32) -> solio::JoinHandle<()> {
    let (mutex, log) = (mutex.clone(), log.clone());
    solio::spawn(async move {
        let _guard = mutex.lock().await;
        log.push(id);
    })
}

#[test]
fn asyncio_acquire() {
    sync_support::run(async {
        let mutex = Rc::new(Mutex::new(()));
        let log = Log::new();
        let guard = mutex.lock().await;
        let t1 = locker(&mutex, &log, 1);
        let t2 = locker(&mutex, &log, 2);
        yields(1).await;
        assert_eq!(log.get(), []);

        drop(guard);
        yields(1).await;
        assert_eq!(log.get(), [1]);
        yields(1).await;
        assert_eq!(log.get(), [1, 2]);

        let guard = mutex.lock().await;
        let t3 = locker(&mutex, &log, 3);
        yields(1).await;
        assert_eq!(log.get(), [1, 2]);
        drop(guard);
        yields(1).await;
        assert_eq!(log.get(), [1, 2, 3]);
        for task in [t1, t2, t3] {
            assert!(task.is_finished());
            task.await.unwrap();
        }
        assert!(!mutex.is_locked());
    });
}

#[test]
fn asyncio_acquire_cancel() {
    sync_support::run(async {
        let mutex = Rc::new(Mutex::new(()));
        let guard = mutex.lock().await;
        let task = locker(&mutex, &Log::new(), 1);
        yields(1).await;
        task.abort();
        assert!(task.await.unwrap_err().is_cancelled());
        assert_eq!(format!("{mutex:?}"), "Mutex { data: <locked>, waiters: 0 }");
        drop(guard);
        assert!(!mutex.is_locked());
    });
}

#[test]
fn asyncio_cancel_race() {
    // A holds the lock and B, C wait; then at once A is let go and B is cancelled. The lock must
    // reach C rather than stay with the dead B.
    sync_support::run(async {
        let mutex = Rc::new(Mutex::new(()));
        let log = Log::new();
        let blocker = Rc::new(Event::new());
        let ta = {
            let (mutex, blocker, log) = (mutex.clone(), blocker.clone(), log.clone());
            solio::spawn(async move {
                let _guard = mutex.lock().await;
                blocker.wait().await;
                log.push(1);
            })
        };
        yields(1).await;
        assert!(mutex.is_locked());
        let tb = locker(&mutex, &log, 2);
        yields(1).await;
        let tc = locker(&mutex, &log, 3);
        yields(1).await;

        blocker.set();
        tb.abort();
        yields(1).await;
        assert!(ta.is_finished() && tb.is_finished());
        // A handed the lock to B, whose cancellation handed it on to C.
        assert!(mutex.is_locked());
        tc.await.unwrap();
        assert!(tb.await.unwrap_err().is_cancelled());
        assert_eq!(log.get(), [1, 3]);
        assert!(!mutex.is_locked());
    });
}

#[test]
fn asyncio_cancel_release_race() {
    // Three tasks wait; the first is cancelled just as the lock is released: exactly one task gets it.
    sync_support::run(async {
        let mutex = Rc::new(Mutex::new(()));
        let lock_count = Rc::new(Cell::new(0));
        let call_count = Rc::new(Cell::new(0));
        let lockit = || {
            let (mutex, lock_count, call_count) = (mutex.clone(), lock_count.clone(), call_count.clone());
            solio::spawn(async move {
                call_count.set(call_count.get() + 1);
                // Keep the lock for good, as asyncio's `await lock.acquire()` without a release.
                std::mem::forget(mutex.lock().await);
                lock_count.set(lock_count.get() + 1);
            })
        };
        let guard = mutex.lock().await;
        let t1 = lockit();
        let t2 = lockit();
        let t3 = lockit();
        yields(1).await;

        t1.abort();
        drop(guard);
        assert!(t1.await.unwrap_err().is_cancelled());
        yields(1).await;
        assert_eq!(lock_count.get(), 1);
        assert_eq!(call_count.get(), 3);
        assert!(t2.is_finished());
        assert!(!t3.is_finished());
        t3.abort();
        assert!(t3.await.unwrap_err().is_cancelled());
    });
}

#[test]
fn asyncio_finished_waiter_cancelled() {
    sync_support::run(async {
        let mutex = Rc::new(Mutex::new(()));
        let log = Log::new();
        let guard = mutex.lock().await;
        let tb = locker(&mutex, &log, 2);
        yields(1).await;
        // A second waiter; then wake the first and cancel it before it runs.
        let tc = locker(&mutex, &log, 3);
        tb.abort();
        drop(guard);
        yields(1).await;
        assert!(mutex.is_locked(), "the lock went on to tc");
        assert!(tb.await.unwrap_err().is_cancelled());
        tc.await.unwrap();
        assert_eq!(log.get(), [3]);
    });
}

#[test]
fn asyncio_context_manager_is_the_guard() {
    sync_support::run(async {
        let mutex = Mutex::new(());
        assert!(!mutex.is_locked());
        {
            let _guard = mutex.lock().await;
            assert!(mutex.is_locked());
        }
        assert!(!mutex.is_locked());
    });
}

#[test]
fn tasks_holding_the_lock_across_awaits_take_turns_in_fifo_order() {
    run_paused(async {
        let mutex = Rc::new(Mutex::new(Vec::new()));
        let tasks: Vec<_> = (0..4)
            .map(|id| {
                let mutex = mutex.clone();
                solio::spawn(async move {
                    for round in 0..3 {
                        let mut log = mutex.lock().await;
                        log.push((round, id));
                        solio::time::sleep(Duration::from_millis(1)).await;
                        solio::yield_now().await;
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        let log = mutex.lock().await.clone();
        let expected: Vec<_> = (0..3).flat_map(|r| (0..4).map(move |id| (r, id))).collect();
        assert_eq!(log, expected);
    });
}

#[test]
fn timed_out_lock_leaves_the_line() {
    run_paused(async {
        let mutex = Mutex::new(0);
        let guard = mutex.lock().await;
        let late = solio::time::timeout(Duration::from_millis(10), mutex.lock()).await;
        assert!(late.is_err());
        drop(late);
        drop(guard);
        assert!(!mutex.is_locked());
        *mutex.lock().await += 1;
        assert_eq!(mutex.into_inner(), 1);
    });
}
