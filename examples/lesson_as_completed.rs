//! Lesson: `asyncio.as_completed()` — handle each result as soon as it is ready, in completion order.
//!
//! Mirrors `003_110b421e7e6c0f11.txt` ("asyncio.as_completed()": url1 takes 3 s, url2 1 s, url3 2 s);
//! `002_cec8404425c8aefd.txt` ("as_completed - Process as Ready") shows the same loop.
//! `solio::as_completed` is a stream of the outputs, in the order the futures finish.
//!
//! ```sh
//! cargo run --example lesson_as_completed
//! ```

use std::time::Duration;

use futures_lite::StreamExt;
use solio::time::sleep;

async fn fetch(url: &str, delay: u64) -> String {
    sleep(Duration::from_secs(delay)).await;
    format!("{url} data")
}

async fn main_async() {
    let tasks = [fetch("url1", 3), fetch("url2", 1), fetch("url3", 2)];

    let mut completed = solio::as_completed(tasks);
    while let Some(result) = completed.next().await {
        println!("{result}"); // Completion order: url2, url3, url1
    }
}

fn main() {
    solio::run(main_async())
}
