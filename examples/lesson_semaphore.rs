//! Lesson: rate limiting with a semaphore — 10 downloads, at most 3 at once.
//!
//! Mirrors `000_7a59b8a5099f8c89.txt` ("Semaphore for Rate Limiting"); `001_c31585d46506d196.txt`,
//! `002_cec8404425c8aefd.txt` and `003_110b421e7e6c0f11.txt` ("Semaphore") teach the same pattern.
//! `async with semaphore:` is a `SemaphorePermit` held until the end of the block.
//!
//! The lines come in groups of three: three downloads start, those three finish, then the next three
//! start (every download takes 2 s, so the 10 take 4 rounds: 8 s). The last line counts the
//! downloads in flight at the busiest moment.
//!
//! ```sh
//! cargo run --example lesson_semaphore
//! ```

use std::cell::Cell;
use std::time::Duration;

use solio::sync::Semaphore;
use solio::time::{Instant, sleep};

// How many downloads are running now, and the most seen at once.
#[derive(Default)]
struct InFlight {
    now: Cell<usize>,
    most: Cell<usize>,
}

async fn download(semaphore: &Semaphore, in_flight: &InFlight, url: String) -> String {
    let _permit = semaphore.acquire().await.expect("semaphore is never closed"); // Only N concurrent
    in_flight.now.set(in_flight.now.get() + 1);
    in_flight.most.set(in_flight.most.get().max(in_flight.now.get()));
    println!("Downloading {url}...");
    sleep(Duration::from_secs(2)).await;
    println!("Finished {url}");
    in_flight.now.set(in_flight.now.get() - 1);
    url
}

async fn main_async() {
    let start = Instant::now();
    // Max 3 concurrent downloads
    let semaphore = Semaphore::new(3);
    let in_flight = InFlight::default();

    let urls: Vec<String> = (0..10).map(|i| format!("file_{i}.txt")).collect();
    let tasks = urls.into_iter().map(|url| download(&semaphore, &in_flight, url));
    let results = solio::gather(tasks).await;

    println!(
        "{} downloads in {:.1}s, at most {} at once",
        results.len(),
        start.elapsed().as_secs_f64(),
        in_flight.most.get()
    );
}

fn main() {
    solio::run(main_async())
}
