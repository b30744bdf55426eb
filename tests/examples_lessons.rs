//! The lessons of the asyncio tutorials (`examples/lesson_*.rs`): each runs on the paused clock and its
//! output is checked line by line, content and order.

mod examples_support;

use examples_support::{assert_lines, run_example, run_example_output};

/// Coroutine basics: define, run with `solio::run`, await; building a coroutine runs nothing.
#[test]
fn lesson_coroutines() {
    let lines = run_example("lesson_coroutines", &[]);
    assert_lines(
        &lines,
        &[
            "Hello!",
            "Start process...",
            "Process finished!",
            "Got: Result",
            "Hello!",
            "Hello!",
            "Hello, Alice!",
        ],
    );
}

/// Sync vs async: 2 + 3 + 1 s take 6.0 s one after the other, 3.0 s with gather.
#[test]
fn lesson_sync_vs_async() {
    let lines = run_example("lesson_sync_vs_async", &[]);
    assert_lines(
        &lines,
        &[
            "Fetching api/users...",
            "Got api/users",
            "Fetching api/posts...",
            "Got api/posts",
            "Fetching api/comments...",
            "Got api/comments",
            "Sync total: 6.0s",
            "Fetching api/users...",
            "Fetching api/posts...",
            "Fetching api/comments...",
            "Got api/comments",
            "Got api/users",
            "Got api/posts",
            "Async total: 3.0s",
        ],
    );
}

/// gather: started in call order, finished in order of duration, results in call order, 3 s in all.
#[test]
fn lesson_gather() {
    let lines = run_example("lesson_gather", &[]);
    assert_lines(
        &lines,
        &[
            "Start download file1.txt...",
            "Start download file2.txt...",
            "Start download file3.txt...",
            "Finished download file3.txt",
            "Finished download file1.txt",
            "Finished download file2.txt",
            "All results: [\"file1.txt downloaded\", \"file2.txt downloaded\", \"file3.txt downloaded\"]",
            "Total time: 3.0 seconds (not 6 seconds)",
        ],
    );
}

/// create_task: a background task ticks at 0, 1 and 2 s and is cancelled at 3 s; tasks A and B awaited in turn.
#[test]
fn lesson_create_task() {
    let lines = run_example("lesson_create_task", &[]);
    assert_lines(
        &lines,
        &[
            "Background task running...",
            "Background task running...",
            "Background task running...",
            "Task cancelled",
            "Tasks created",
            "A starting",
            "B starting",
            "B done",
            "A done",
            "Results: A, B",
        ],
    );
}

/// The event loop: tasks A, B and C start together and complete after 2, 1 and 3 s.
#[test]
fn lesson_event_loop() {
    let lines = run_example("lesson_event_loop", &[]);
    assert_lines(
        &lines,
        &[
            "Task A starting",
            "Task B starting",
            "Task C starting",
            "Task B completed after 1s",
            "Task A completed after 2s",
            "Task C completed after 3s",
            "All done: [\"A\", \"B\", \"C\"]",
        ],
    );
}

/// wait_for and the timeout scope: both give up after 2 s of a 10 s operation.
#[test]
fn lesson_timeout() {
    let lines = run_example("lesson_timeout", &[]);
    assert_lines(
        &lines,
        &[
            "Operation timeout!",
            "Starting slow operation inside the timeout scope",
            "Timeout! (the scope was cancelled after 2.0s)",
        ],
    );
}

/// Async context manager: opened, queried, closed; and closed by its guard when the query fails or is
/// cancelled.
#[test]
fn lesson_context_manager() {
    let lines = run_example("lesson_context_manager", &[]);
    assert_lines(
        &lines,
        &[
            "Opening database connection...",
            "Query result: [\"result1\", \"result2\"]",
            "Closing database connection...",
            "Opening database connection...",
            "Closing database connection (dropped without close)...",
            "Query failed: no such table: missing_table",
            "Opening database connection...",
            "Closing database connection (dropped without close)...",
            "Query cancelled by timeout",
        ],
    );
}

/// Async iterator, async generator, async comprehensions and a paginating generator.
#[test]
fn lesson_async_iter() {
    let lines = run_example("lesson_async_iter", &[]);
    assert_lines(
        &lines,
        &[
            "Count: 1",
            "Count: 2",
            "Count: 3",
            "Count: 4",
            "Count: 5",
            "Got: 0",
            "Got: 1",
            "Got: 2",
            "Got: 3",
            "Got: 4",
            "Got: 5",
            "Got: 6",
            "Got: 7",
            "Got: 8",
            "Got: 9",
            "Values: [0, 1, 2, 3, 4]",
            "Even squares: [0, 4, 16, 36, 64]",
            "Processing page: [1, 2, 3]",
            "Processing page: [4, 5, 6]",
            "Processing page: [7]",
        ],
    );
}

/// Semaphore: 10 downloads in groups of three, 8 s, never more than 3 at once.
#[test]
fn lesson_semaphore() {
    let lines = run_example("lesson_semaphore", &[]);
    assert_lines(
        &lines,
        &[
            "Downloading file_0.txt...",
            "Downloading file_1.txt...",
            "Downloading file_2.txt...",
            "Finished file_0.txt",
            "Finished file_1.txt",
            "Finished file_2.txt",
            "Downloading file_3.txt...",
            "Downloading file_4.txt...",
            "Downloading file_5.txt...",
            "Finished file_3.txt",
            "Finished file_4.txt",
            "Finished file_5.txt",
            "Downloading file_6.txt...",
            "Downloading file_7.txt...",
            "Downloading file_8.txt...",
            "Finished file_6.txt",
            "Finished file_7.txt",
            "Finished file_8.txt",
            "Downloading file_9.txt...",
            "Finished file_9.txt",
            "10 downloads in 8.0s, at most 3 at once",
        ],
    );
}

/// as_completed: results in completion order, url2, url3, url1.
#[test]
fn lesson_as_completed() {
    let lines = run_example("lesson_as_completed", &[]);
    assert_lines(&lines, &["url2 data", "url3 data", "url1 data"]);
}

/// wait(FIRST_COMPLETED): one done at 1 s, the two pending ones cancelled and never finishing.
#[test]
fn lesson_wait() {
    let lines = run_example("lesson_wait", &[]);
    assert_lines(
        &lines,
        &[
            "Fetched url2",
            "Done: 1, Pending: 2",
            "First result: url2 data after 1.0s",
            "Task 0 cancelled: true",
            "Task 2 cancelled: true",
        ],
    );
}

/// Queue: one producer, three consumers; join returns when every item is done (2 s), then the consumers are cancelled.
#[test]
fn lesson_queue() {
    let lines = run_example("lesson_queue", &[]);
    assert_lines(
        &lines,
        &[
            "Produced item 1",
            "Produced item 2",
            "Produced item 3",
            "Produced item 4",
            "Produced item 5",
            "Produced item 6",
            "Consumer 0 processed item 1",
            "Consumer 1 processed item 2",
            "Consumer 2 processed item 3",
            "Consumer 0 processed item 4",
            "Consumer 1 processed item 5",
            "Consumer 2 processed item 6",
            "All items processed after 2.0s",
            "Consumers cancelled: 3",
        ],
    );
}

/// Errors: gathered Results (return_exceptions), a task's error at await, TaskGroup success and a failure cancelling the slow sibling.
#[test]
fn lesson_errors() {
    let lines = run_example("lesson_errors", &[]);
    assert_lines(
        &lines,
        &[
            "Result: 10",
            "Result: 20",
            "Error: Bad value: 3",
            "Result: 40",
            "[Ok(1), Err(ValueError(\"Error!\")), Ok(3)]",
            "Exception caught: Error!",
            "TaskGroup results: [10, 20]",
            "Caught: Bad value: 3",
            "TaskGroup done after 0.5s: the 10 s sibling was cancelled",
        ],
    );
}

/// Lock: A, B and C take turns, one second each.
#[test]
fn lesson_lock() {
    let lines = run_example("lesson_lock", &[]);
    assert_lines(
        &lines,
        &["A acquired", "A released", "B acquired", "B released", "C acquired", "C released", "Total: 3.0s"],
    );
}

/// run_in_executor / to_thread: two blocking calls of 2 s each, run on the blocking pool (real time: the
/// paused clock waits for pool jobs for real).
#[test]
fn lesson_run_in_executor() {
    let lines = run_example("lesson_run_in_executor", &[]);
    assert_lines(&lines, &["Result", "Result"]);
}

/// The blocking pitfall: `std::thread::sleep` in task 'bad' draws exactly one slow-poll warning on stderr
/// and delays the heartbeat; the `spawn_blocking` version draws none and the heartbeat is on time.
#[test]
fn lesson_blocking_pitfall() {
    let out = run_example_output("lesson_blocking_pitfall", &[]);
    assert!(out.status.success(), "{out:?}");
    let stdout: Vec<String> = String::from_utf8(out.stdout).unwrap().lines().map(str::to_owned).collect();
    assert_lines(
        &stdout,
        &[
            "Blocking call inside a task: std::thread::sleep(300 ms)",
            "Heartbeat due after 100 ms waited for the blocking call: true",
            "The runtime warned on stderr that task 'bad' blocked it",
            "Fix: spawn_blocking(|| std::thread::sleep(300 ms))",
            "Heartbeat due after 100 ms waited for the blocking call: false",
            "No warning this time: the loop kept running",
        ],
    );

    let stderr = String::from_utf8(out.stderr).unwrap();
    let warnings: Vec<&str> = stderr.lines().collect();
    assert_eq!(warnings.len(), 1, "exactly one warning, for task 'bad':\n{stderr}");
    let took = warnings[0]
        .strip_prefix("solio: task 'bad' blocked the runtime for ")
        .and_then(|rest| {
            rest.strip_suffix(
                " in one poll (slow_poll_threshold 100ms); move blocking work to solio::task::spawn_blocking",
            )
        })
        .unwrap_or_else(|| panic!("unexpected warning: {}", warnings[0]));
    let ms: f64 = took.strip_suffix("ms").and_then(|ms| ms.parse().ok()).unwrap_or_else(|| panic!("{took}"));
    assert!(ms >= 300.0, "the poll took {took}, less than the 300 ms sleep");
}
