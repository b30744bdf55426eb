//! Waking, cloning and dropping a task's waker allocate nothing (counted by a global allocator).

use std::future::poll_fn;
use std::task::Poll;

mod alloc_support;

use alloc_support::allocs;

#[test]
fn clone_wake_and_drop_do_not_allocate() {
    solio::run(async {
        let h = solio::spawn(async {
            let mut round = 0;
            poll_fn(|cx| {
                round += 1;
                if round == 1 {
                    // Warm up: the run queue already has room, this must not matter.
                    cx.waker().wake_by_ref();
                    return Poll::Pending;
                }
                if round == 2 {
                    let before = allocs();
                    for _ in 0..1000 {
                        let w = cx.waker().clone();
                        w.wake_by_ref();
                        let w2 = w.clone();
                        drop(w);
                        w2.wake();
                    }
                    let after = allocs();
                    assert_eq!(after - before, 0, "waker operations allocated");
                    return Poll::Pending;
                }
                Poll::Ready(())
            })
            .await
        });
        h.await.unwrap();
    });
}

#[test]
fn spawn_costs_one_allocation() {
    solio::run(async {
        // Warm the run queue and the task table.
        let warm: Vec<_> = (0..64).map(|_| solio::spawn(async {})).collect();
        for h in warm {
            h.await.unwrap();
        }
        let before = allocs();
        let h = solio::spawn(async { 1u64 });
        let after = allocs();
        assert_eq!(after - before, 1, "one allocation per task");
        assert_eq!(h.await.unwrap(), 1);
    });
}
