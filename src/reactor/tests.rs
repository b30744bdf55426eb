//! Unit tests of the slab, the tokens and the readiness cache; the socket types are tested in `tests/`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Wake, Waker};

use mio::Interest;
use mio::net::UdpSocket;

use super::*;

struct Count(AtomicUsize);

impl Wake for Count {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

fn counter() -> (Arc<Count>, Waker) {
    let count = Arc::new(Count(AtomicUsize::new(0)));
    (count.clone(), Waker::from(count))
}

fn socket() -> UdpSocket {
    UdpSocket::bind("127.0.0.1:0".parse().unwrap()).unwrap()
}

/// Runs `dispatch` as `poll` does, then wakes what it collected.
fn deliver(reactor: &Reactor, token: usize, ready: u8) {
    let mut out = Vec::new();
    dispatch(&mut reactor.slots.borrow_mut(), token, ready, &mut out);
    out.into_iter().for_each(Waker::wake);
}

#[test]
fn tokens_round_trip_and_never_collide_with_unpark() {
    for (index, generation) in [(0, 0), (5, 7), (INDEX_MASK - 1, GEN_MASK), (INDEX_MASK - 1, usize::MAX)] {
        let token = encode(index, generation);
        assert_ne!(token, UNPARK.0);
        assert_eq!(decode(token), (index, generation & GEN_MASK));
    }
}

#[test]
fn stale_event_for_a_reused_slot_is_ignored() {
    let (reactor, _unpark) = Reactor::new().unwrap();
    let mut old = socket();
    let old_key = reactor.register(&mut old, Interest::READABLE).unwrap();
    reactor.deregister(old_key, &mut old).unwrap();

    // The new registration takes the same slot with a new generation.
    let mut new = socket();
    let new_key = reactor.register(&mut new, Interest::READABLE).unwrap();
    assert_eq!(decode(old_key).0, decode(new_key).0, "slot reused");
    assert_ne!(old_key, new_key, "generation differs");

    let (count, waker) = counter();
    let mut cx = Context::from_waker(&waker);
    assert!(reactor.poll_ready(new_key, Direction::Read, &mut cx).is_pending());

    // An event still carrying the old token wakes nobody and sets no readiness.
    deliver(&reactor, old_key, READ | WRITE);
    assert_eq!(count.0.load(Ordering::SeqCst), 0);
    let (_, other) = counter();
    assert!(reactor.poll_ready(new_key, Direction::Read, &mut Context::from_waker(&other)).is_pending());

    // The new token does.
    deliver(&reactor, new_key, READ);
    assert_eq!(count.0.load(Ordering::SeqCst), 1);
    assert!(reactor.poll_ready(new_key, Direction::Read, &mut cx).is_ready());
    reactor.deregister(new_key, &mut new).unwrap();
    assert!(!reactor.has_sources());
}

#[test]
fn event_for_a_freed_slot_is_ignored() {
    let (reactor, _unpark) = Reactor::new().unwrap();
    let mut s = socket();
    let key = reactor.register(&mut s, Interest::READABLE).unwrap();
    let (count, waker) = counter();
    assert!(reactor.poll_ready(key, Direction::Read, &mut Context::from_waker(&waker)).is_pending());
    reactor.deregister(key, &mut s).unwrap();
    // The waiter was dropped with the slot, not woken, and a late event finds nothing.
    deliver(&reactor, key, READ);
    assert_eq!(count.0.load(Ordering::SeqCst), 0);
    assert_eq!(Arc::strong_count(&count), 2, "the slot's waker clone was dropped");
    assert_eq!(reactor.num_sources(), 0);
}

#[test]
fn readers_and_writers_are_woken_separately() {
    let (reactor, _unpark) = Reactor::new().unwrap();
    let mut s = socket();
    let key = reactor.register(&mut s, Interest::READABLE | Interest::WRITABLE).unwrap();
    let (reads, rw) = counter();
    let (writes, ww) = counter();
    assert!(reactor.poll_ready(key, Direction::Read, &mut Context::from_waker(&rw)).is_pending());
    assert!(reactor.poll_ready(key, Direction::Write, &mut Context::from_waker(&ww)).is_pending());
    deliver(&reactor, key, WRITE);
    assert_eq!((reads.0.load(Ordering::SeqCst), writes.0.load(Ordering::SeqCst)), (0, 1));
    deliver(&reactor, key, READ);
    assert_eq!((reads.0.load(Ordering::SeqCst), writes.0.load(Ordering::SeqCst)), (1, 1));
    reactor.deregister(key, &mut s).unwrap();
}

#[test]
fn readiness_is_cached_until_cleared() {
    let (reactor, _unpark) = Reactor::new().unwrap();
    let mut s = socket();
    let key = reactor.register(&mut s, Interest::READABLE).unwrap();
    let (count, waker) = counter();
    let mut cx = Context::from_waker(&waker);
    deliver(&reactor, key, READ);
    assert!(reactor.poll_ready(key, Direction::Read, &mut cx).is_ready());
    assert!(reactor.poll_ready(key, Direction::Read, &mut cx).is_ready());
    reactor.clear_ready(key, Direction::Read);
    assert!(reactor.poll_ready(key, Direction::Read, &mut cx).is_pending());
    assert_eq!(count.0.load(Ordering::SeqCst), 0);
    reactor.deregister(key, &mut s).unwrap();
}

#[test]
fn several_waiters_are_all_woken_and_duplicates_are_merged() {
    let (reactor, _unpark) = Reactor::new().unwrap();
    let mut s = socket();
    let key = reactor.register(&mut s, Interest::READABLE).unwrap();
    let (a, wa) = counter();
    let (b, wb) = counter();
    for w in [&wa, &wb, &wa, &wb] {
        assert!(reactor.poll_ready(key, Direction::Read, &mut Context::from_waker(w)).is_pending());
    }
    deliver(&reactor, key, READ);
    assert_eq!((a.0.load(Ordering::SeqCst), b.0.load(Ordering::SeqCst)), (1, 1));
    reactor.deregister(key, &mut s).unwrap();
}

#[test]
fn a_real_event_reaches_the_waiter() {
    let (reactor, _unpark) = Reactor::new().unwrap();
    let mut s = socket();
    let key = reactor.register(&mut s, Interest::READABLE).unwrap();
    let (count, waker) = counter();
    assert!(reactor.poll_ready(key, Direction::Read, &mut Context::from_waker(&waker)).is_pending());
    let sender = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    sender.send_to(b"x", s.local_addr().unwrap()).unwrap();
    for _ in 0..100 {
        reactor.poll(Some(std::time::Duration::from_millis(50)));
        if count.0.load(Ordering::SeqCst) > 0 {
            break;
        }
    }
    assert_eq!(count.0.load(Ordering::SeqCst), 1);
    reactor.deregister(key, &mut s).unwrap();
}

#[test]
fn a_short_read_keeps_a_hang_up_seen_in_the_same_edge() {
    let (reactor, _unpark) = Reactor::new().unwrap();
    let mut s = socket();
    let key = reactor.register(&mut s, Interest::READABLE).unwrap();
    let (_, waker) = counter();
    let mut cx = Context::from_waker(&waker);
    deliver(&reactor, key, READ | READ_CLOSED);
    reactor.clear_drained(key, Direction::Read);
    assert!(reactor.poll_ready(key, Direction::Read, &mut cx).is_ready(), "end of stream still to read");
    reactor.clear_ready(key, Direction::Read);
    assert!(reactor.poll_ready(key, Direction::Read, &mut cx).is_pending());
    reactor.deregister(key, &mut s).unwrap();
}
