//! `Builder::slow_poll_threshold`: asyncio's debug-mode warning for a poll that blocks the thread.
//!
//! The warning goes to standard error, so the scenario runs in a child process (this same test binary,
//! re-executed) whose stderr is checked line by line.

use std::process::Command;
use std::time::Duration;

const CHILD: &str = "SOLIO_SLOW_POLL_CHILD";

fn scenario() {
    let rt = solio::Runtime::builder().slow_poll_threshold(Duration::from_millis(40)).build().unwrap();
    rt.block_on(async {
        let named = solio::task::Builder::new().name("blocker").spawn(async {
            std::thread::sleep(Duration::from_millis(80));
        });
        let fast = solio::task::Builder::new().name("fast").spawn(async {
            solio::yield_now().await;
        });
        named.await.unwrap();
        fast.await.unwrap();
        let unnamed = solio::spawn(async { std::thread::sleep(Duration::from_millis(80)) });
        let id = unnamed.id();
        unnamed.await.unwrap();
        eprintln!("unnamed id {id}");
        std::thread::sleep(Duration::from_millis(80));
    });
}

#[test]
fn slow_polls_are_reported_with_the_task_name() {
    if std::env::var_os(CHILD).is_some() {
        scenario();
        return;
    }
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "slow_polls_are_reported_with_the_task_name", "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .output()
        .unwrap();
    assert!(out.status.success(), "child failed: {}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8(out.stderr).unwrap();
    let lines: Vec<&str> =
        stderr.lines().filter(|l| l.starts_with("solio:") || l.starts_with("unnamed id")).collect();
    assert_eq!(lines.len(), 4, "{stderr}");
    assert!(lines[0].starts_with("solio: task 'blocker' blocked the runtime for "), "{}", lines[0]);
    assert!(lines[0].ends_with(
        "in one poll (slow_poll_threshold 40ms); move blocking work to solio::task::spawn_blocking"
    ));
    let id = lines[2].strip_prefix("unnamed id ").unwrap();
    assert!(
        lines[1].starts_with(&format!("solio: task 'task-{id}' blocked the runtime for ")),
        "{}",
        lines[1]
    );
    assert!(lines[3].starts_with("solio: the block_on future blocked the runtime for "), "{}", lines[3]);
}

#[test]
fn no_warning_without_a_threshold() {
    if std::env::var_os(CHILD).is_some() {
        solio::run(async {
            solio::spawn(async { std::thread::sleep(Duration::from_millis(20)) }).await.unwrap()
        });
        return;
    }
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "no_warning_without_a_threshold", "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(!String::from_utf8_lossy(&out.stderr).contains("solio:"));
}
