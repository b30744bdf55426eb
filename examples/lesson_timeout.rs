//! Lesson: timeouts — `asyncio.wait_for()` on one coroutine, and the `asyncio.timeout()` scope around a
//! block of code.
//!
//! Mirrors `000_7a59b8a5099f8c89.txt` ("Timeout and Error Handling") and `003_110b421e7e6c0f11.txt`
//! ("6. Timeouts": `wait_for` and `asyncio.timeout()`); `002_cec8404425c8aefd.txt` ("Timeouts") shows
//! the same `wait_for`. `solio::time::timeout` serves both: give it one future (`wait_for`) or an
//! `async` block (the scope). On expiry it returns `Err(Elapsed)` (asyncio's `TimeoutError`) and drops
//! the unfinished work, which is how the operation is cancelled.
//!
//! ```sh
//! cargo run --example lesson_timeout
//! ```

use std::time::Duration;

use solio::time::{Instant, sleep, timeout};

async fn long_operation() -> &'static str {
    sleep(Duration::from_secs(10)).await;
    "Done"
}

// asyncio.wait_for(long_operation(), timeout=2.0)
async fn wait_for() {
    // Set timeout 2 seconds
    match timeout(Duration::from_secs_f64(2.0), long_operation()).await {
        Ok(result) => println!("{result}"),
        Err(_elapsed) => println!("Operation timeout!"),
    }
}

async fn slow_operation() -> &'static str {
    sleep(Duration::from_secs(10)).await;
    "Done"
}

// async with asyncio.timeout(2.0): ... — every await inside the block shares one deadline.
async fn timeout_scope() {
    let start = Instant::now();
    let scope = timeout(Duration::from_secs_f64(2.0), async {
        println!("Starting slow operation inside the timeout scope");
        let result = slow_operation().await;
        println!("Slow operation returned {result}"); // never reached: the scope expires first
    });
    if scope.await.is_err() {
        println!("Timeout! (the scope was cancelled after {:.1}s)", start.elapsed().as_secs_f64());
    }
}

fn main() {
    solio::run(wait_for());
    solio::run(timeout_scope());
}
