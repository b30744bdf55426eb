//! Waking, cloning and dropping a task's waker allocate nothing (counted by a global allocator).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::future::poll_fn;
use std::task::Poll;

struct Counting;

thread_local! {
    static ALLOCS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: defers every operation to `System`, only counting allocations in a thread-local.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
        // SAFETY: same contract as ours.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
        // SAFETY: same contract as ours.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocs() -> usize {
    ALLOCS.with(Cell::get)
}

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
