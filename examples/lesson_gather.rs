//! Lesson: `asyncio.gather()` — run several coroutines concurrently; they finish in order of duration,
//! the results come back in call order.
//!
//! Mirrors `000_7a59b8a5099f8c89.txt` ("Running Tasks Concurrently: asyncio.gather()"). Python prints
//! the results list as `['file1.txt downloaded', ...]`; Rust's `{:?}` writes the same list with double
//! quotes.
//!
//! ```sh
//! cargo run --example lesson_gather
//! ```

use std::time::Duration;

use solio::time::{Instant, sleep};

async fn download_file(name: &str, duration: u64) -> String {
    println!("Start download {name}...");
    sleep(Duration::from_secs(duration)).await;
    println!("Finished download {name}");
    format!("{name} downloaded")
}

async fn main_async() {
    let start = Instant::now();
    // Run all concurrently
    let results = solio::gather([
        download_file("file1.txt", 2),
        download_file("file2.txt", 3),
        download_file("file3.txt", 1),
    ])
    .await;
    println!("All results: {results:?}");
    println!("Total time: {:.1} seconds (not 6 seconds)", start.elapsed().as_secs_f64());
}

fn main() {
    solio::run(main_async())
}
