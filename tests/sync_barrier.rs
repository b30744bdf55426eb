//! `Barrier`: rounds, arrival indices and the leader, reuse, and waiters cancelled while a round
//! fills; then asyncio's `Barrier` scenarios on the runtime.

mod sync_support;

use solio::sync::{Barrier, BarrierWaitResult};
use std::cell::RefCell;
use std::future::Future;
use std::pin::{Pin, pin};
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use solio::sync::Event;
use sync_support::{Log, Manual, yields};

#[test]
fn a_round_releases_everyone_with_indices_in_arrival_order() {
    let barrier = Barrier::new(3);
    assert_eq!(barrier.parties(), 3);
    let mut a = Manual::new(barrier.wait());
    let mut b = Manual::new(barrier.wait());
    a.pending();
    assert_eq!(barrier.n_waiting(), 1);
    b.pending();
    assert_eq!(barrier.n_waiting(), 2);

    let c = Manual::new(barrier.wait()).ready();
    assert_eq!((c.index(), c.is_leader()), (2, true));
    assert_eq!(barrier.n_waiting(), 0);
    assert!(a.woken() && b.woken());
    let a = a.ready();
    let b = b.ready();
    assert_eq!((a.index(), a.is_leader()), (0, false));
    assert_eq!((b.index(), b.is_leader()), (1, false));
}

#[test]
fn barrier_of_one_never_waits() {
    let barrier = Barrier::new(1);
    for _ in 0..3 {
        let result = Manual::new(barrier.wait()).ready();
        assert_eq!((result.index(), result.is_leader()), (0, true));
        assert_eq!(barrier.n_waiting(), 0);
    }
}

#[test]
fn the_barrier_is_reusable_round_after_round() {
    let barrier = Barrier::new(2);
    for _ in 0..5 {
        let mut first = Manual::new(barrier.wait());
        first.pending();
        let second = Manual::new(barrier.wait()).ready();
        assert!(second.is_leader());
        let first = first.ready();
        assert_eq!((first.index(), first.is_leader()), (0, false));
    }
}

#[test]
fn next_round_fills_while_the_last_one_drains() {
    let barrier = Barrier::new(2);
    let mut a = Manual::new(barrier.wait());
    a.pending();
    let _leader = Manual::new(barrier.wait()).ready();
    // `a` was released but has not run; the next round starts empty.
    assert_eq!(barrier.n_waiting(), 0);
    let mut c = Manual::new(barrier.wait());
    c.pending();
    assert_eq!(barrier.n_waiting(), 1);
    assert_eq!(a.ready().index(), 0);
    let d = Manual::new(barrier.wait()).ready();
    assert!(d.is_leader());
    assert_eq!(c.ready().index(), 0);
}

#[test]
fn a_waiter_cancelled_while_the_round_fills_does_not_break_it() {
    let barrier = Barrier::new(3);
    let mut a = Manual::new(barrier.wait());
    let mut b = Manual::new(barrier.wait());
    a.pending();
    b.pending();
    assert_eq!(barrier.n_waiting(), 2);
    drop(a);
    assert_eq!(barrier.n_waiting(), 1);

    let mut c = Manual::new(barrier.wait());
    c.pending();
    assert_eq!(barrier.n_waiting(), 2);
    assert!(!b.woken());
    let d = Manual::new(barrier.wait()).ready();
    assert_eq!((d.index(), d.is_leader()), (2, true));
    // Indices stay dense and in arrival order among the waiters that stayed.
    assert_eq!(b.ready().index(), 0);
    assert_eq!(c.ready().index(), 1);
}

#[test]
fn a_released_waiter_cancelled_before_it_runs_does_not_disturb_the_next_round() {
    let barrier = Barrier::new(2);
    let mut a = Manual::new(barrier.wait());
    a.pending();
    let _leader = Manual::new(barrier.wait()).ready();
    drop(a);
    assert_eq!(barrier.n_waiting(), 0);
    let mut b = Manual::new(barrier.wait());
    b.pending();
    assert!(Manual::new(barrier.wait()).ready().is_leader());
    assert_eq!(b.ready().index(), 0);
}

thread_local! {
    static INLINE_BARRIER: RefCell<Option<Rc<Barrier>>> = const { RefCell::new(None) };
    static LATE_ARRIVAL: RefCell<Option<Pin<Box<dyn Future<Output = BarrierWaitResult>>>>> =
        const { RefCell::new(None) };
}

/// A waker that, when woken, starts (or polls again) one more `wait` on `INLINE_BARRIER` right there,
/// as a waker of another executor that polls inline could.
struct ArrivesWhenWoken;

impl Wake for ArrivesWhenWoken {
    fn wake(self: Arc<Self>) {
        let barrier = INLINE_BARRIER.with_borrow(|b| b.clone().unwrap());
        LATE_ARRIVAL.with_borrow_mut(|late| {
            let late = late.get_or_insert_with(|| Box::pin(async move { barrier.wait().await }));
            let _ = late.as_mut().poll(&mut Context::from_waker(Waker::noop()));
        });
    }
}

#[test]
fn an_arrival_made_while_a_round_is_released_waits_for_the_next_round() {
    let barrier = Rc::new(Barrier::new(2));
    INLINE_BARRIER.set(Some(barrier.clone()));
    let arrives = Waker::from(Arc::new(ArrivesWhenWoken));
    let mut first = pin!(barrier.wait());
    assert!(first.as_mut().poll(&mut Context::from_waker(&arrives)).is_pending());
    // The second arrival fills the round; releasing `first` wakes it, and its waker arrives again.
    let mut second = pin!(barrier.wait());
    let Poll::Ready(second) = second.as_mut().poll(&mut Context::from_waker(Waker::noop())) else {
        panic!("the second arrival fills the round");
    };
    assert_eq!(second.index(), 1);
    let Poll::Ready(first) = first.as_mut().poll(&mut Context::from_waker(Waker::noop())) else {
        panic!("the first arrival was released");
    };
    assert_eq!(first.index(), 0);
    // The late arrival is alone in the next round.
    assert_eq!(barrier.n_waiting(), 1);
    LATE_ARRIVAL.with_borrow_mut(|late| {
        let late = late.as_mut().expect("the waker arrived");
        assert!(late.as_mut().poll(&mut Context::from_waker(Waker::noop())).is_pending());
    });
}

#[test]
#[should_panic(expected = "a barrier needs at least one party")]
fn zero_parties_panics() {
    let _ = Barrier::new(0);
}

#[test]
fn debug_shows_the_round() {
    let barrier = Barrier::new(2);
    let mut a = Manual::new(barrier.wait());
    a.pending();
    assert_eq!(format!("{barrier:?}"), "Barrier { parties: 2, n_waiting: 1 }");
}

// ---- asyncio's test_locks.py (BarrierTests), on the runtime ----

const N: usize = 5;

/// Spawns `n` tasks running `body(barrier)` and awaits them all, returning their outputs in spawn order.
async fn gather_tasks<T, F, Fut>(n: usize, barrier: &Rc<Barrier>, body: F) -> Vec<T>
where
    T: 'static,
    F: Fn(Rc<Barrier>) -> Fut,
    Fut: std::future::Future<Output = T> + 'static,
{
    let handles: Vec<_> = (0..n).map(|_| solio::spawn(body(barrier.clone()))).collect();
    let mut out = Vec::new();
    for handle in handles {
        out.push(handle.await.unwrap());
    }
    out
}

#[test]
fn asyncio_filling_one_task_twice() {
    sync_support::run(async {
        let barrier = Rc::new(Barrier::new(1));
        let t1 = solio::spawn({
            let barrier = barrier.clone();
            async move { barrier.wait().await }
        });
        yields(1).await;
        assert_eq!(barrier.n_waiting(), 0);
        let t2 = solio::spawn({
            let barrier = barrier.clone();
            async move { barrier.wait().await }
        });
        yields(1).await;
        assert_eq!(t1.await.unwrap(), t2.await.unwrap());
    });
}

#[test]
fn asyncio_filling_task_by_task() {
    sync_support::run(async {
        let barrier = Rc::new(Barrier::new(3));
        let spawn_waiter = || {
            let barrier = barrier.clone();
            solio::spawn(async move { barrier.wait().await })
        };
        let t1 = spawn_waiter();
        yields(1).await;
        assert_eq!(barrier.n_waiting(), 1);
        let t2 = spawn_waiter();
        yields(1).await;
        assert_eq!(barrier.n_waiting(), 2);
        let t3 = spawn_waiter();
        yields(1).await;
        assert_eq!(barrier.n_waiting(), 0);
        let results = [t1.await.unwrap(), t2.await.unwrap(), t3.await.unwrap()];
        assert_eq!(results.map(|r| (r.index(), r.is_leader())), [(0, false), (1, false), (2, true)]);
    });
}

#[test]
fn asyncio_filling_tasks_wait_twice() {
    sync_support::run(async {
        let barrier = Rc::new(Barrier::new(N));
        let log = Log::new();
        let results = gather_tasks(N, &barrier, |barrier| {
            let log = log.clone();
            async move {
                barrier.wait().await;
                log.push(true);
                barrier.wait().await;
                log.push(false);
            }
        })
        .await;
        assert_eq!(results.len(), N);
        // Every task passes the first round before any passes the second.
        let expected: Vec<_> = [true; N].into_iter().chain([false; N]).collect();
        assert_eq!(log.get(), expected);
        assert_eq!(barrier.n_waiting(), 0);
    });
}

#[test]
fn asyncio_filling_tasks_check_return_value() {
    sync_support::run(async {
        let barrier = Rc::new(Barrier::new(N));
        let results = gather_tasks(N, &barrier, |barrier| async move {
            let first = barrier.wait().await;
            let second = barrier.wait().await;
            (first, second)
        })
        .await;
        for round in [results.iter().map(|r| r.0).collect::<Vec<_>>(), results.iter().map(|r| r.1).collect()]
        {
            let mut indices: Vec<_> = round.iter().map(|r| r.index()).collect();
            indices.sort();
            assert_eq!(indices, (0..N).collect::<Vec<_>>());
            assert_eq!(round.iter().filter(|r| r.is_leader()).count(), 1);
            assert!(round.iter().all(|r| r.is_leader() == (r.index() == N - 1)));
        }
        // Spawned in order, the tasks arrive in order in the first round.
        let first: Vec<_> = results.iter().map(|r| r.0.index()).collect();
        assert_eq!(first, (0..N).collect::<Vec<_>>());
    });
}

#[test]
fn asyncio_blocking_tasks_while_draining() {
    sync_support::run(async {
        let barrier = Rc::new(Barrier::new(N));
        let rewait = Rc::new(std::cell::Cell::new(2));
        let barrier_nowaiting = Rc::new(Barrier::new(N - 2));
        gather_tasks(N, &barrier, |barrier| {
            let (rewait, barrier_nowaiting) = (rewait.clone(), barrier_nowaiting.clone());
            async move {
                barrier.wait().await;
                if rewait.get() > 0 {
                    rewait.set(rewait.get() - 1);
                    barrier.wait().await;
                } else {
                    barrier_nowaiting.wait().await;
                    barrier.wait().await;
                }
            }
        })
        .await;
        assert_eq!(barrier.n_waiting(), 0);
        assert_eq!(barrier_nowaiting.n_waiting(), 0);
    });
}

#[test]
fn asyncio_filling_tasks_cancel_one() {
    sync_support::run(async {
        let barrier = Rc::new(Barrier::new(3));
        let log = Log::new();
        let spawn_waiter = || {
            let (barrier, log) = (barrier.clone(), log.clone());
            solio::spawn(async move {
                barrier.wait().await;
                log.push(true);
            })
        };
        let t1 = spawn_waiter();
        yields(1).await;
        assert_eq!(barrier.n_waiting(), 1);
        let t2 = spawn_waiter();
        yields(1).await;
        assert_eq!(barrier.n_waiting(), 2);

        t1.abort();
        yields(1).await;
        assert_eq!(barrier.n_waiting(), 1);
        assert!(t1.await.unwrap_err().is_cancelled());

        let t3 = spawn_waiter();
        yields(1).await;
        assert_eq!(barrier.n_waiting(), 2);
        let t4 = spawn_waiter();
        for task in [t2, t3, t4] {
            task.await.unwrap();
        }
        assert_eq!(log.len(), 3);
        assert_eq!(barrier.n_waiting(), 0);
    });
}

#[test]
fn many_rounds_one_leader_each() {
    sync_support::run(async {
        let barrier = Rc::new(Barrier::new(4));
        let leaders = Log::new();
        let start = Rc::new(Event::new());
        let tasks: Vec<_> = (0..4)
            .map(|id| {
                let (barrier, leaders, start) = (barrier.clone(), leaders.clone(), start.clone());
                solio::spawn(async move {
                    start.wait().await;
                    for round in 0..10 {
                        for _ in 0..id {
                            solio::yield_now().await; // arrive in a different order each task
                        }
                        if barrier.wait().await.is_leader() {
                            leaders.push((round, id));
                        }
                    }
                })
            })
            .collect();
        start.set();
        for task in tasks {
            task.await.unwrap();
        }
        let rounds: Vec<_> = leaders.get().iter().map(|&(round, _)| round).collect();
        assert_eq!(rounds, (0..10).collect::<Vec<_>>());
        assert!(leaders.get().iter().all(|&(_, id)| id == 3), "the slowest arrives last");
    });
}

/// A waker whose last drop looks at `INLINE_BARRIER`, as a foreign waker's destructor may.
struct LooksAtTheBarrierWhenDropped;

impl Wake for LooksAtTheBarrierWhenDropped {
    fn wake(self: Arc<Self>) {}
}

impl Drop for LooksAtTheBarrierWhenDropped {
    fn drop(&mut self) {
        INLINE_BARRIER.with_borrow(|barrier| assert_eq!(barrier.as_ref().unwrap().n_waiting(), 0));
    }
}

#[test]
fn a_cancelled_waiter_drops_its_waker_after_the_barrier_is_released() {
    let barrier = Rc::new(Barrier::new(2));
    INLINE_BARRIER.set(Some(barrier.clone()));
    let mut wait = Box::pin(barrier.wait());
    let waker = Waker::from(Arc::new(LooksAtTheBarrierWhenDropped));
    assert!(wait.as_mut().poll(&mut Context::from_waker(&waker)).is_pending());
    drop(waker);
    // The barrier now holds the last reference to the waker: cancelling drops it, with the barrier's
    // list no longer borrowed.
    drop(wait);
}
