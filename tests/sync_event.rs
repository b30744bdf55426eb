//! `Event`: set releases every waiter, a released waiter returns even after `clear`, cancellation;
//! then asyncio's `Event` scenarios on the runtime.

mod sync_support;

use solio::sync::Event;
use std::cell::RefCell;
use std::future::Future;
use std::pin::{Pin, pin};
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Wake, Waker};
use std::time::Duration;

use solio::time::{sleep, timeout};
use sync_support::{Log, Manual, run_paused, yields};

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

// ---- asyncio's test_locks.py (EventTests), on the runtime ----

fn waiter(event: &Rc<Event>, log: &Log<u32>, id: u32) -> solio::JoinHandle<()> {
    let (event, log) = (event.clone(), log.clone());
    solio::spawn(async move {
        event.wait().await;
        log.push(id);
    })
}

#[test]
fn asyncio_wait() {
    sync_support::run(async {
        let event = Rc::new(Event::new());
        let log = Log::new();
        let t1 = waiter(&event, &log, 1);
        let t2 = waiter(&event, &log, 2);
        yields(1).await;
        assert_eq!(log.get(), []);

        let t3 = waiter(&event, &log, 3);
        event.set();
        yields(1).await;
        // t3 was already queued to run when `set` woke t1 and t2, and never had to wait.
        assert_eq!(log.get(), [3, 1, 2]);
        for task in [t1, t2, t3] {
            assert!(task.is_finished());
            task.await.unwrap();
        }
    });
}

#[test]
fn asyncio_wait_on_set() {
    sync_support::run(async {
        let event = Event::new();
        event.set();
        event.wait().await;
    });
}

#[test]
fn asyncio_wait_cancel() {
    sync_support::run(async {
        let event = Rc::new(Event::new());
        let task = waiter(&event, &Log::new(), 1);
        yields(1).await;
        task.abort();
        assert!(task.await.unwrap_err().is_cancelled());
        assert_eq!(format!("{event:?}"), "Event { is_set: false, waiters: 0 }");
    });
}

#[test]
fn asyncio_clear_with_waiters() {
    sync_support::run(async {
        let event = Rc::new(Event::new());
        let log = Log::new();
        let task = waiter(&event, &log, 1);
        yields(1).await;
        assert_eq!(log.get(), []);

        event.set();
        event.clear();
        assert!(!event.is_set());
        event.set();
        event.set();
        yields(1).await;
        assert_eq!(log.get(), [1]);
        task.await.unwrap();
    });
}

#[test]
fn released_waiters_return_though_cleared_and_later_waiters_block() {
    sync_support::run(async {
        let event = Rc::new(Event::new());
        let log = Log::new();
        let early: Vec<_> = (1..=3).map(|id| waiter(&event, &log, id)).collect();
        yields(1).await;
        event.set();
        event.clear();
        let late = waiter(&event, &log, 4);
        yields(2).await;
        assert_eq!(log.get(), [1, 2, 3]);
        assert!(!late.is_finished());
        event.set();
        late.await.unwrap();
        for task in early {
            task.await.unwrap();
        }
        assert_eq!(log.get(), [1, 2, 3, 4]);
    });
}

#[test]
fn wait_with_a_timeout() {
    run_paused(async {
        let event = Rc::new(Event::new());
        assert!(timeout(Duration::from_secs(1), event.wait()).await.is_err());
        let setter = {
            let event = event.clone();
            solio::spawn(async move {
                sleep(Duration::from_millis(300)).await;
                event.set();
            })
        };
        let start = solio::time::Instant::now();
        timeout(Duration::from_secs(1), event.wait()).await.unwrap();
        assert_eq!(start.elapsed(), Duration::from_millis(300));
        setter.await.unwrap();
        assert_eq!(format!("{event:?}"), "Event { is_set: true, waiters: 0 }");
    });
}

thread_local! {
    static INLINE_EVENT: RefCell<Option<Rc<Event>>> = const { RefCell::new(None) };
    static NEXT_WAIT: RefCell<Option<Pin<Box<dyn Future<Output = ()>>>>> = const { RefCell::new(None) };
}

/// A waker that, when woken, clears `INLINE_EVENT` and starts waiting for the next `set` right there,
/// as a waker of another executor that polls inline could.
struct WaitsAgainWhenWoken;

impl Wake for WaitsAgainWhenWoken {
    fn wake(self: Arc<Self>) {
        let event = INLINE_EVENT.with_borrow(|e| e.clone().unwrap());
        NEXT_WAIT.with_borrow_mut(|next| {
            event.clear();
            let next = next.get_or_insert_with(|| Box::pin(async move { event.wait().await }));
            let _ = next.as_mut().poll(&mut Context::from_waker(Waker::noop()));
        });
    }
}

#[test]
fn a_wait_begun_while_set_releases_waiters_is_for_the_next_set() {
    let event = Rc::new(Event::new());
    INLINE_EVENT.set(Some(event.clone()));
    let mut waiter = pin!(event.wait());
    let waits_again = Waker::from(Arc::new(WaitsAgainWhenWoken));
    assert!(waiter.as_mut().poll(&mut Context::from_waker(&waits_again)).is_pending());
    event.set();
    assert!(waiter.as_mut().poll(&mut Context::from_waker(Waker::noop())).is_ready());
    // The waker cleared the event and waited again: that wait is still waiting.
    assert!(!event.is_set());
    NEXT_WAIT.with_borrow_mut(|next| {
        let next = next.as_mut().expect("the waker waited again");
        assert!(next.as_mut().poll(&mut Context::from_waker(Waker::noop())).is_pending());
    });
    event.set();
    NEXT_WAIT.with_borrow_mut(|next| {
        assert!(next.as_mut().unwrap().as_mut().poll(&mut Context::from_waker(Waker::noop())).is_ready());
    });
}
