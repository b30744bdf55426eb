//! Lesson: `asyncio.wait()` with `FIRST_COMPLETED` — return as soon as one task finishes, then cancel
//! the ones still pending.
//!
//! Mirrors `003_110b421e7e6c0f11.txt` ("asyncio.wait()": url1 takes 2 s, url2 1 s, url3 3 s).
//! `solio::wait` takes the tasks' `JoinHandle`s and returns `Waited { done, pending }`, each entry with
//! the task's index in the input; `JoinHandle::abort` is `task.cancel()`. Two additions to the
//! tutorial make the cancellation visible: `fetch` prints a line when it finishes (only url2 ever does,
//! though the program waits past 3 s), and the last lines await the cancelled tasks.
//!
//! ```sh
//! cargo run --example lesson_wait
//! ```

use std::time::Duration;

use solio::time::{Instant, sleep};
use solio::{ReturnWhen, Waited};

async fn fetch(url: &str, delay: u64) -> String {
    sleep(Duration::from_secs(delay)).await;
    println!("Fetched {url}");
    format!("{url} data")
}

async fn main_async() {
    let start = Instant::now();
    let tasks =
        vec![solio::spawn(fetch("url1", 2)), solio::spawn(fetch("url2", 1)), solio::spawn(fetch("url3", 3))];

    // Return when first completes
    let Waited { done, pending } = solio::wait(tasks, ReturnWhen::FirstCompleted).await;

    println!("Done: {}, Pending: {}", done.len(), pending.len());

    // Cancel remaining
    for (_, task) in &pending {
        task.abort();
    }

    for (_, result) in done {
        println!("First result: {} after {:.1}s", result.unwrap(), start.elapsed().as_secs_f64());
    }
    for (index, task) in pending {
        let cancelled = task.await.unwrap_err().is_cancelled();
        println!("Task {index} cancelled: {cancelled}");
    }
    // Give the cancelled tasks' timers time to pass: nothing more is printed.
    sleep(Duration::from_secs(3)).await;
}

fn main() {
    solio::run(main_async())
}
