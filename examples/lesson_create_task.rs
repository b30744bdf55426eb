//! Lesson: `asyncio.create_task()` — start a task in the background, do other work, then cancel it or
//! await its result.
//!
//! Mirrors `000_7a59b8a5099f8c89.txt` ("asyncio.create_task()": a background task cancelled after
//! 3 s) and `003_110b421e7e6c0f11.txt` ("4. Creating Tasks": tasks A and B awaited in turn).
//! `solio::spawn` is `create_task`; `JoinHandle::abort` is `task.cancel()`.
//!
//! ```sh
//! cargo run --example lesson_create_task
//! ```

use std::time::Duration;

use solio::time::sleep;

async fn background_task() {
    loop {
        println!("Background task running...");
        sleep(Duration::from_secs(1)).await;
    }
}

async fn cancel_after_3s() {
    // Create task (it starts when this coroutine next waits)
    let task = solio::spawn(background_task());

    // Do something else. The background task's fourth tick is also due at 3 s; timers due at the same
    // moment fire in the order they were set, so this one (set at 0 s) wins and cancels it first.
    sleep(Duration::from_secs(3)).await;

    // Cancel task
    task.abort();
    assert!(task.await.unwrap_err().is_cancelled());
    println!("Task cancelled");
}

async fn task(name: &'static str, seconds: u64) -> &'static str {
    println!("{name} starting");
    sleep(Duration::from_secs(seconds)).await;
    println!("{name} done");
    name
}

async fn await_results() {
    // Create tasks (scheduled immediately)
    let task1 = solio::spawn(task("A", 2));
    let task2 = solio::spawn(task("B", 1));

    // Can do other work
    println!("Tasks created");

    // Wait for results
    let result1 = task1.await.unwrap();
    let result2 = task2.await.unwrap();

    println!("Results: {result1}, {result2}");
}

fn main() {
    solio::run(cancel_after_3s());
    solio::run(await_results());
}
