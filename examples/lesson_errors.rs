//! Lesson: error handling — `gather(..., return_exceptions=True)`, a task's exception caught where it is
//! awaited, and a `TaskGroup` whose failing child cancels its siblings.
//!
//! Mirrors `001_c31585d46506d196.txt` ("Error Handling in Async Code": `risky_operation` with
//! `return_exceptions` and `TaskGroup`) and `003_110b421e7e6c0f11.txt` ("return_exceptions=True" with
//! `might_fail`, "12. Error Handling": `risky_task`).
//!
//! Rust has no exceptions: a coroutine that can fail returns `Result`, so gathering them *is*
//! `return_exceptions=True` — each slot holds its `Ok` or its `Err`. A spawned task's `Err` comes back
//! when its handle is awaited. The tutorial's `TaskGroup` only runs two children that succeed; a third
//! group here adds a failing child and a slow one, to show the failure cancelling the slow sibling.
//! Python prints the `might_fail` results as `[1, ValueError('Error!'), 3]`; Rust's `{:?}` shows the
//! same three slots as `[Ok(1), Err(ValueError("Error!")), Ok(3)]`.
//!
//! ```sh
//! cargo run --example lesson_errors
//! ```

use std::fmt;
use std::time::Duration;

use solio::task::TaskGroup;
use solio::time::{Instant, sleep};

// Python's ValueError.
#[derive(Debug)]
struct ValueError(String);

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ValueError {}

async fn risky_operation(n: u32) -> Result<u32, ValueError> {
    sleep(Duration::from_millis(500)).await;
    if n == 3 {
        return Err(ValueError(format!("Bad value: {n}")));
    }
    Ok(n * 10)
}

async fn might_fail(n: u32) -> Result<u32, ValueError> {
    if n == 2 {
        return Err(ValueError("Error!".to_string()));
    }
    sleep(Duration::from_secs(1)).await;
    Ok(n)
}

async fn risky_task() -> Result<(), ValueError> {
    sleep(Duration::from_secs(1)).await;
    Err(ValueError("Error!".to_string()))
}

async fn slow_operation() -> Result<u32, ValueError> {
    sleep(Duration::from_secs(10)).await;
    println!("Slow operation finished"); // never printed: the group cancels it
    Ok(0)
}

async fn main_async() {
    // Method 1: gather with return_exceptions
    let results =
        solio::gather([risky_operation(1), risky_operation(2), risky_operation(3), risky_operation(4)]).await;
    for r in results {
        match r {
            Err(e) => println!("Error: {e}"),
            Ok(r) => println!("Result: {r}"),
        }
    }

    // The same, printed whole: [1, ValueError('Error!'), 3]
    let results = solio::gather([might_fail(1), might_fail(2), might_fail(3)]).await;
    println!("{results:?}");

    // A task's exception, caught where the task is awaited
    let task = solio::spawn(risky_task());
    match task.await.expect("the task neither panicked nor was cancelled") {
        Err(e) => println!("Exception caught: {e}"),
        Ok(()) => println!("No exception"),
    }

    // Method 2: TaskGroup — both children succeed
    let tg = TaskGroup::new();
    tg.spawn(risky_operation(1)).unwrap();
    tg.spawn(risky_operation(2)).unwrap();
    match tg.join().await {
        Ok(results) => println!("TaskGroup results: {results:?}"),
        Err(eg) => {
            for (_, exc) in eg.failures() {
                println!("Caught: {exc}");
            }
        }
    }

    // A TaskGroup with a failing child: the first failure cancels the siblings still running
    let start = Instant::now();
    let tg = TaskGroup::new();
    tg.spawn(risky_operation(1)).unwrap();
    tg.spawn(risky_operation(3)).unwrap();
    tg.spawn(slow_operation()).unwrap();
    match tg.join().await {
        Ok(results) => println!("TaskGroup results: {results:?}"),
        Err(eg) => {
            for (_, exc) in eg.failures() {
                println!("Caught: {exc}");
            }
        }
    }
    println!("TaskGroup done after {:.1}s: the 10 s sibling was cancelled", start.elapsed().as_secs_f64());
}

fn main() {
    solio::run(main_async())
}
