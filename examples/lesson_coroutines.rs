//! Lesson: coroutine basics — define a coroutine, run it, await it.
//!
//! Mirrors `000_7a59b8a5099f8c89.txt` ("Coroutine", "await", "Running Coroutines"), with the
//! "calling it does not run it" point of `001_c31585d46506d196.txt` ("Coroutines").
//!
//! An `async fn` is asyncio's `async def`: calling it builds a future and runs nothing; `.await` (inside
//! another `async fn`) or `solio::run` (from plain code, asyncio's `asyncio.run`) drives it.
//!
//! ```sh
//! cargo run --example lesson_coroutines
//! ```

use std::time::Duration;

use solio::time::sleep;

// `async def greeting()`: a coroutine.
async fn greeting() -> &'static str {
    println!("Hello!");
    "Done"
}

// `await` waits for the result of a coroutine or an async operation.
async fn long_process() -> &'static str {
    println!("Start process...");
    sleep(Duration::from_secs(2)).await; // Simulate async operation
    println!("Process finished!");
    "Result"
}

async fn main_async() {
    let result = long_process().await;
    println!("Got: {result}");
}

// Several ways to run a coroutine.
async fn hello() -> &'static str {
    sleep(Duration::from_secs(1)).await;
    "Hello!"
}

async fn main_hello() {
    // Method 2: await - from inside another coroutine
    let result = hello().await;
    println!("{result}");
}

// Calling a coroutine does not run it.
async fn greet(name: &str) -> String {
    sleep(Duration::from_secs(1)).await;
    format!("Hello, {name}!")
}

fn main() {
    // Executing coroutine: asyncio.run(greeting())
    solio::run(greeting());

    // asyncio.run(main())
    solio::run(main_async());

    // Method 1: solio::run() - for a standalone program
    let result = solio::run(hello());
    println!("{result}");
    solio::run(main_hello());

    // This does NOT run the coroutine: it only builds it (nothing is printed, no time passes).
    let coro = greet("Alice");
    // This DOES run it:
    let result = solio::run(coro);
    println!("{result}");
}
