//! Wakers: cross-thread delivery, wakes after completion or after the runtime is gone.

use std::future::{Future, poll_fn};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Poll, Waker};
use std::time::Duration;

/// A mailbox fed from other threads: items plus the waker of the task reading them.
#[derive(Default)]
struct Mailbox {
    items: Mutex<Vec<u32>>,
    waker: Mutex<Option<Waker>>,
}

impl Mailbox {
    fn post(&self, item: u32) {
        self.items.lock().unwrap().push(item);
        let w = self.waker.lock().unwrap().clone();
        if let Some(w) = w {
            w.wake();
        }
    }

    /// Receives `n` items; registers the waker before the last check so that no wake is lost.
    fn receive(self: Arc<Self>, n: usize) -> impl Future<Output = Vec<u32>> {
        let mut got = Vec::new();
        poll_fn(move |cx| {
            loop {
                got.append(&mut self.items.lock().unwrap());
                if got.len() >= n {
                    return Poll::Ready(std::mem::take(&mut got));
                }
                *self.waker.lock().unwrap() = Some(cx.waker().clone());
                if self.items.lock().unwrap().is_empty() {
                    return Poll::Pending;
                }
            }
        })
    }
}

#[test]
fn four_threads_deliver_100_000_wakes_and_none_is_lost() {
    const THREADS: u32 = 4;
    const PER_THREAD: u32 = 25_000;
    let boxes: Vec<Arc<Mailbox>> = (0..THREADS).map(|_| Arc::default()).collect();
    let wakes = Arc::new(AtomicUsize::new(0));
    let results = solio::run({
        let boxes = boxes.clone();
        let wakes = wakes.clone();
        async move {
            let tasks: Vec<_> =
                boxes.iter().map(|b| solio::spawn(b.clone().receive(PER_THREAD as usize))).collect();
            // Let every task park before the threads start.
            solio::yield_now().await;
            let threads: Vec<_> = boxes
                .iter()
                .map(|b| {
                    let (b, wakes) = (b.clone(), wakes.clone());
                    std::thread::spawn(move || {
                        for i in 0..PER_THREAD {
                            b.post(i);
                            wakes.fetch_add(1, Ordering::Relaxed);
                        }
                    })
                })
                .collect();
            let deadline = solio::time::timeout(Duration::from_secs(120), async {
                let mut out = Vec::new();
                for t in tasks {
                    out.push(t.await.unwrap());
                }
                out
            });
            let out = deadline.await.expect("all wakes delivered within 120 s");
            for t in threads {
                t.join().unwrap();
            }
            out
        }
    });
    assert_eq!(wakes.load(Ordering::Relaxed), 100_000);
    for items in results {
        assert_eq!(items, (0..PER_THREAD).collect::<Vec<_>>(), "every item arrives, in order");
    }
}

#[test]
fn wakers_used_after_the_runtime_is_dropped_are_harmless() {
    let slot: Arc<Mutex<Option<Waker>>> = Arc::default();
    let rt = solio::Runtime::new().unwrap();
    rt.block_on({
        let slot = slot.clone();
        async move {
            drop(solio::spawn(poll_fn(move |cx| {
                *slot.lock().unwrap() = Some(cx.waker().clone());
                Poll::<()>::Pending
            })));
            solio::yield_now().await;
        }
    });
    drop(rt);
    let waker = slot.lock().unwrap().take().expect("the task stored its waker");
    waker.wake_by_ref();
    let clone = waker.clone();
    std::thread::spawn(move || {
        clone.wake_by_ref();
        clone.wake();
    })
    .join()
    .unwrap();
    waker.wake();
}

#[test]
fn waking_a_finished_task_is_a_noop() {
    let rt = solio::Runtime::new().unwrap();
    let waker = rt.block_on(async {
        let h = solio::spawn(poll_fn(|cx| Poll::Ready(cx.waker().clone())));
        h.await.unwrap()
    });
    rt.block_on(async {
        waker.wake_by_ref();
        std::thread::scope(|s| {
            s.spawn(|| waker.wake_by_ref());
        });
        solio::yield_now().await;
    });
    assert_eq!(rt.metrics().tasks, 0);
    waker.wake();
}

#[test]
fn a_wake_from_another_thread_unparks_the_runtime() {
    let slot: Arc<Mutex<Option<Waker>>> = Arc::default();
    let flag = Arc::new(AtomicUsize::new(0));
    solio::run({
        let (slot, flag) = (slot.clone(), flag.clone());
        async move {
            let t = {
                let (slot, flag) = (slot.clone(), flag.clone());
                std::thread::spawn(move || {
                    loop {
                        if let Some(w) = slot.lock().unwrap().take() {
                            flag.store(1, Ordering::SeqCst);
                            w.wake();
                            break;
                        }
                        std::thread::sleep(Duration::from_millis(1));
                    }
                })
            };
            // No timers, no I/O: the runtime parks until the other thread wakes the main future.
            poll_fn(|cx| {
                if flag.load(Ordering::SeqCst) == 1 {
                    Poll::Ready(())
                } else {
                    *slot.lock().unwrap() = Some(cx.waker().clone());
                    Poll::Pending
                }
            })
            .await;
            t.join().unwrap();
        }
    });
}
