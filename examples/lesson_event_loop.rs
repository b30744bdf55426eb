//! Lesson: the event loop — it schedules tasks A, B and C, and switches between them whenever one waits.
//!
//! Mirrors `001_c31585d46506d196.txt` ("The Event Loop"); `003_110b421e7e6c0f11.txt` ("3. asyncio
//! Event Loop") makes the same point. `solio::run` creates the loop (the runtime), runs `main_async`
//! on it, and drops it at the end, like `asyncio.run`. Python prints the list as `['A', 'B', 'C']`;
//! Rust's `{:?}` writes it with double quotes.
//!
//! ```sh
//! cargo run --example lesson_event_loop
//! ```

use std::time::Duration;

use solio::time::sleep;

async fn task(name: &'static str, duration: u64) -> &'static str {
    println!("Task {name} starting");
    sleep(Duration::from_secs(duration)).await;
    println!("Task {name} completed after {duration}s");
    name
}

async fn main_async() {
    // Create and schedule multiple tasks
    let task1 = solio::spawn(task("A", 2));
    let task2 = solio::spawn(task("B", 1));
    let task3 = solio::spawn(task("C", 3));

    // Wait for all tasks to complete
    let results: Vec<&str> =
        solio::gather([task1, task2, task3]).await.into_iter().map(|r| r.expect("task failed")).collect();
    println!("All done: {results:?}");
}

fn main() {
    solio::run(main_async())
}
