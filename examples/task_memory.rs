//! What one idle task costs in memory, in solio and in tokio.
//!
//! An idle task is the common case of a server: a connection waiting for data, a job waiting for its
//! timeout. This example spawns 1,000,000 tasks that each await a one-hour sleep, waits until every task
//! has run once (so its sleep sits registered in the timer wheel), and reads the resident set size of the
//! process (`VmRSS` in `/proc/self/status`, so Linux only) before spawning and after. The growth divided
//! by the number of tasks is what one idle task costs: its allocation (header, future, the sleep inside
//! it), its timer entry, and the runtime's bookkeeping for it.
//!
//! tokio is measured the same way, on a current-thread runtime with a `LocalSet` (`spawn_local`, so that
//! both run the same `!Send` shape) and `tokio::time::sleep`. Each runtime runs in a child process of its
//! own (the example starts itself again with an argument), so that memory one of them allocated cannot
//! hide in the other's figure.
//!
//! Run it with:
//!
//! ```text
//! cargo run --release --example task_memory            # 1,000,000 tasks per runtime
//! cargo run --release --example task_memory -- 100000  # a quicker run
//! ```
//!
//! and read, for example:
//!
//! ```text
//! solio: 1000000 idle tasks, 150 bytes/task
//! tokio: 1000000 idle tasks, 300 bytes/task
//! ratio solio/tokio: 0.50
//! ```

use std::cell::Cell;
use std::process::Command;
use std::time::Duration;

/// Tasks spawned when no count is given.
const DEFAULT_TASKS: usize = 1_000_000;

/// What every task sleeps: far longer than the measurement.
const IDLE: Duration = Duration::from_secs(3600);

thread_local! {
    /// Tasks that have run once. A thread-local rather than a shared counter, so that the tasks carry
    /// nothing but their sleep.
    static STARTED: Cell<usize> = const { Cell::new(0) };
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        // A child: measure one runtime and print the bytes per task.
        Some("--child") => {
            let runtime = args.get(2).expect("--child needs a runtime name");
            let tasks = parse_count(args.get(3));
            let bytes = match runtime.as_str() {
                "solio" => solio_bytes_per_task(tasks),
                "tokio" => tokio_bytes_per_task(tasks),
                other => panic!("unknown runtime {other:?}"),
            };
            println!("{bytes}");
        }
        // The parent: one child per runtime, then the ratio.
        count => {
            let tasks = parse_count(count.map(str::to_owned).as_ref());
            let solio = measure_in_child("solio", tasks);
            println!("solio: {tasks} idle tasks, {solio:.0} bytes/task");
            let tokio = measure_in_child("tokio", tasks);
            println!("tokio: {tasks} idle tasks, {tokio:.0} bytes/task");
            println!("ratio solio/tokio: {:.2}", solio / tokio);
        }
    }
}

fn parse_count(arg: Option<&String>) -> usize {
    arg.map_or(DEFAULT_TASKS, |s| s.parse().expect("the task count must be a positive integer"))
}

/// Runs this example again as `--child <runtime> <tasks>` and reads the figure it prints.
fn measure_in_child(runtime: &str, tasks: usize) -> f64 {
    let exe = std::env::current_exe().expect("path of this example");
    let out = Command::new(exe)
        .args(["--child", runtime, &tasks.to_string()])
        .output()
        .expect("start the child process");
    assert!(out.status.success(), "{runtime} child failed: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).expect("utf-8 output");
    text.trim().parse().expect("the child prints a number")
}

fn solio_bytes_per_task(tasks: usize) -> f64 {
    let rt = solio::Runtime::new().expect("solio runtime");
    rt.block_on(async {
        let before = resident_bytes();
        for _ in 0..tasks {
            // Detached: a kept handle would add its own size to what we measure.
            drop(solio::spawn(async {
                STARTED.set(STARTED.get() + 1);
                solio::time::sleep(IDLE).await;
            }));
        }
        // The runtime polls the queued tasks while this future yields.
        while STARTED.get() < tasks {
            solio::yield_now().await;
        }
        let after = resident_bytes();
        let metrics = rt.metrics();
        assert_eq!((metrics.tasks, metrics.timers), (tasks, tasks), "every task idle on its timer");
        after.saturating_sub(before) as f64 / tasks as f64
    })
}

fn tokio_bytes_per_task(tasks: usize) -> f64 {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio runtime");
    let local = tokio::task::LocalSet::new();
    local.block_on(&rt, async {
        let before = resident_bytes();
        for _ in 0..tasks {
            drop(tokio::task::spawn_local(async {
                STARTED.set(STARTED.get() + 1);
                tokio::time::sleep(IDLE).await;
            }));
        }
        while STARTED.get() < tasks {
            tokio::task::yield_now().await;
        }
        let after = resident_bytes();
        after.saturating_sub(before) as f64 / tasks as f64
    })
}

/// The process's resident set size, from `VmRSS` in `/proc/self/status`.
fn resident_bytes() -> usize {
    let status = std::fs::read_to_string("/proc/self/status").expect("read /proc/self/status (Linux only)");
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).expect("a VmRSS line");
    let kib: usize =
        line.trim_start_matches("VmRSS:").trim().trim_end_matches("kB").trim().parse().expect("VmRSS in kB");
    kib * 1024
}
