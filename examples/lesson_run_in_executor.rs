//! Lesson: `run_in_executor` / `to_thread` — run a blocking function on a thread pool and await its
//! result without blocking the event loop.
//!
//! Mirrors `003_110b421e7e6c0f11.txt` ("10. Mixing with Synchronous Code": `run_in_executor()` and
//! `to_thread()`); `002_cec8404425c8aefd.txt` ("Running Sync Code in Async") shows the same call.
//! solio has one function for both: `solio::task::spawn_blocking` runs the closure on the runtime's
//! blocking pool and returns an ordinary `JoinHandle`. The blocking sleeps are real: even on the test
//! suite's virtual clock this program takes 4 s.
//!
//! ```sh
//! cargo run --example lesson_run_in_executor
//! ```

use std::time::Duration;

use solio::task::spawn_blocking;

fn blocking_io() -> &'static str {
    // Synchronous I/O operation
    std::thread::sleep(Duration::from_secs(2));
    "Result"
}

async fn main_async() {
    // loop.run_in_executor(None, blocking_io): run in the thread pool
    let result = spawn_blocking(blocking_io).await.expect("blocking_io does not panic");
    println!("{result}");

    // asyncio.to_thread(blocking_io)
    let result = spawn_blocking(blocking_io).await.expect("blocking_io does not panic");
    println!("{result}");
}

fn main() {
    solio::run(main_async())
}
