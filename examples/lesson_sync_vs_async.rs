//! Lesson: sync vs async — three requests of 2 + 3 + 1 s take ~6 s one after the other, ~3 s together.
//!
//! Mirrors `001_c31585d46506d196.txt` ("Sync vs Async: A Visual Comparison"); the same point opens
//! `000_7a59b8a5099f8c89.txt` ("Why Asynchronous?"), `002_cec8404425c8aefd.txt` ("The Problem" /
//! "The Solution") and `003_110b421e7e6c0f11.txt` ("Synchronous vs Asynchronous").
//!
//! The tutorial's synchronous version blocks in `time.sleep`. Here it awaits each request before
//! starting the next, which takes the same 6 s and keeps the program runnable on the test suite's
//! virtual clock; blocking the thread for real is the subject of `lesson_blocking_pitfall`.
//!
//! ```sh
//! cargo run --example lesson_sync_vs_async
//! ```

use std::time::Duration;

use solio::time::{Instant, sleep};

// One simulated request that takes `delay` seconds.
async fn fetch_data(url: &str, delay: u64) -> String {
    println!("Fetching {url}...");
    sleep(Duration::from_secs(delay)).await; // Non-blocking wait
    println!("Got {url}");
    format!("Data from {url}")
}

// SEQUENTIAL - each request must finish before the next one starts
async fn main_sync() {
    let start = Instant::now();
    fetch_data("api/users", 2).await;
    fetch_data("api/posts", 3).await;
    fetch_data("api/comments", 1).await;
    println!("Sync total: {:.1}s", start.elapsed().as_secs_f64()); // ~6 seconds
}

// CONCURRENT - requests run together; the total is the slowest one
async fn main_async() {
    let start = Instant::now();
    let _results = solio::gather([
        fetch_data("api/users", 2),
        fetch_data("api/posts", 3),
        fetch_data("api/comments", 1),
    ])
    .await;
    println!("Async total: {:.1}s", start.elapsed().as_secs_f64()); // ~3 seconds
}

fn main() {
    solio::run(main_sync());
    solio::run(main_async());
}
