//! Lesson: the blocking-the-loop pitfall — a blocking call inside a task stops every other task, and
//! the fix is to move it to the blocking pool.
//!
//! Mirrors the "Blocking the event loop" pitfall of `001_c31585d46506d196.txt` ("Common Pitfalls") and
//! `002_cec8404425c8aefd.txt` ("Blocking in Async Code": `time.sleep(1)  # Blocks everything!`).
//!
//! asyncio's debug mode logs "Executing <Task ...> took 0.300 seconds" when one step of a task holds
//! the loop too long. solio's runtime builder has the same switch, `slow_poll_threshold`: this program
//! builds its runtime with it, so a task that calls `std::thread::sleep` gets a warning on stderr naming
//! it. A heartbeat task due after 100 ms shows the damage: it waits for the blocking call to end. With
//! the call moved to `spawn_blocking`, there is no warning and the heartbeat is on time.
//!
//! The sleeps are real (the builder's runtime does not read the test suite's `SOLIO_CLOCK`) and short.
//!
//! ```sh
//! cargo run --example lesson_blocking_pitfall
//! ```

use std::time::Duration;

use solio::task::{self, spawn_blocking};
use solio::time::{Instant, sleep};

const HEARTBEAT: Duration = Duration::from_millis(100);
const BLOCKING_CALL: Duration = Duration::from_millis(300);

// A task that should run every 100 ms; returns how long it actually waited.
async fn heartbeat() -> Duration {
    let start = Instant::now();
    sleep(HEARTBEAT).await;
    start.elapsed()
}

// Bad - blocks the event loop
async fn bad() {
    std::thread::sleep(BLOCKING_CALL); // Blocks everything!
}

// Good - the blocking call runs on a pool thread; the task only awaits it
async fn good() {
    spawn_blocking(|| std::thread::sleep(BLOCKING_CALL)).await.expect("sleep does not panic");
}

async fn main_async() {
    println!("Blocking call inside a task: std::thread::sleep(300 ms)");
    let beat = task::Builder::new().name("heartbeat").spawn(heartbeat());
    task::Builder::new().name("bad").spawn(bad()).await.unwrap();
    let waited = beat.await.unwrap();
    println!("Heartbeat due after 100 ms waited for the blocking call: {}", waited >= BLOCKING_CALL);
    println!("The runtime warned on stderr that task 'bad' blocked it");

    println!("Fix: spawn_blocking(|| std::thread::sleep(300 ms))");
    let beat = task::Builder::new().name("heartbeat").spawn(heartbeat());
    task::Builder::new().name("good").spawn(good()).await.unwrap();
    let waited = beat.await.unwrap();
    println!("Heartbeat due after 100 ms waited for the blocking call: {}", waited >= BLOCKING_CALL);
    println!("No warning this time: the loop kept running");
}

fn main() {
    // asyncio's debug mode: report any task step that holds the loop for more than 100 ms.
    let runtime = solio::Runtime::builder()
        .slow_poll_threshold(Duration::from_millis(100))
        .build()
        .expect("create the runtime");
    runtime.block_on(main_async())
}
