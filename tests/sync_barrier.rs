//! `Barrier`: rounds, arrival indices and the leader, reuse, and waiters cancelled while a round
//! fills; then asyncio's `Barrier` scenarios on the runtime.

mod support;

use solio::sync::Barrier;
use support::Manual;

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
    assert_eq!(
        format!("{barrier:?}"),
        "Barrier { parties: 2, n_waiting: 1 }"
    );
}
