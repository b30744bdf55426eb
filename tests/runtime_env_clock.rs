//! `SOLIO_CLOCK=paused` makes `solio::run` use the paused clock (checked in child processes, since the
//! environment is process-wide).

use std::process::Command;
use std::time::Duration;

const CHILD: &str = "SOLIO_ENV_CLOCK_CHILD";

fn child_main() {
    let wall = std::time::Instant::now();
    let virtual_elapsed = solio::run(async {
        let start = solio::time::Instant::now();
        solio::time::sleep(Duration::from_secs(30)).await;
        start.elapsed()
    });
    println!("virtual {:?} wall_under_5s {}", virtual_elapsed, wall.elapsed() < Duration::from_secs(5));
}

fn run_child(clock: &str) -> std::process::Output {
    Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "solio_clock_env", "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .env("SOLIO_CLOCK", clock)
        .output()
        .unwrap()
}

#[test]
fn solio_clock_env() {
    if std::env::var_os(CHILD).is_some() {
        child_main();
        return;
    }
    let out = run_child("paused");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("virtual 30s wall_under_5s true"));

    let out = run_child("sometimes");
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("SOLIO_CLOCK must be `paused` or `real`, got \"sometimes\"")
    );
}
