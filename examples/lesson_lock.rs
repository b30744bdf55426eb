//! Lesson: `asyncio.Lock` — workers A, B and C take turns inside the lock.
//!
//! Mirrors `003_110b421e7e6c0f11.txt` ("11. Semaphores and Locks": Lock). `async with lock:` is
//! `let _guard = lock.lock().await;`, released when the guard goes out of scope. `solio::sync::Mutex`
//! is the lock; `Mutex<()>` guards no data, only the section of code, as asyncio's `Lock` does. The
//! last line (not in the tutorial) shows the price: one worker at a time, 3 s in all.
//!
//! ```sh
//! cargo run --example lesson_lock
//! ```

use std::time::Duration;

use solio::sync::Mutex;
use solio::time::{Instant, sleep};

async fn worker(lock: &Mutex<()>, name: &str) {
    let _guard = lock.lock().await;
    println!("{name} acquired");
    sleep(Duration::from_secs(1)).await;
    println!("{name} released");
}

async fn main_async() {
    let start = Instant::now();
    let lock = Mutex::new(());

    solio::gather!(worker(&lock, "A"), worker(&lock, "B"), worker(&lock, "C")).await;

    println!("Total: {:.1}s", start.elapsed().as_secs_f64());
}

fn main() {
    solio::run(main_async())
}
