//! Runs the example programs as the test suite sees them: as child processes, on the paused clock
//! (`SOLIO_CLOCK=paused`), so lessons that sleep for seconds finish in milliseconds with the same output.
#![allow(dead_code)] // each test binary uses its own subset
#![allow(unreachable_pub)] // `pub` so every test binary can use them; nothing is exported

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Where cargo put the example binaries (`cargo test` builds every example first).
pub fn example_path(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let profile_dir = exe.parent().and_then(|deps| deps.parent()).expect("target/<profile>");
    profile_dir.join("examples").join(name)
}

/// Builds the examples once per test binary (`cargo test --test examples_io` alone builds only the test,
/// so without this the tests would run whatever example binaries an earlier build left behind).
fn build_examples() {
    static BUILT: OnceLock<()> = OnceLock::new();
    BUILT.get_or_init(|| {
        let exe = std::env::current_exe().expect("test binary path");
        let profile_dir = exe.parent().and_then(|deps| deps.parent()).expect("target/<profile>");
        let target_dir = profile_dir.parent().expect("target");
        let mut cargo = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
        cargo.args(["build", "--examples", "--quiet", "--target-dir"]).arg(target_dir);
        if profile_dir.ends_with("release") {
            cargo.arg("--release");
        }
        let status = cargo.current_dir(env!("CARGO_MANIFEST_DIR")).status().expect("run cargo build");
        assert!(status.success(), "cargo build --examples failed");
    });
}

/// Runs example `name` with `args` on the paused clock; fails the test if it takes more than 60 s of
/// real time or exits with an error. Returns its whole output.
pub fn run_example_output(name: &str, args: &[&str]) -> Output {
    build_examples();
    let path = example_path(name);
    assert!(path.exists(), "example binary {} missing: the build above should have made it", path.display());
    let mut child = Command::new(&path)
        .args(args)
        .env("SOLIO_CLOCK", "paused")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn example");
    // Drain both pipes while waiting: a child with more output than a pipe holds (64 KiB) would
    // otherwise block on write and never exit.
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            pipe.read_to_end(&mut buf).map(|_| buf)
        })
    };
    let stdout = drain(Box::new(child.stdout.take().expect("piped stdout")));
    let stderr = drain(Box::new(child.stderr.take().expect("piped stderr")));
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            let out =
                |h: std::thread::JoinHandle<std::io::Result<Vec<u8>>>| h.join().unwrap().unwrap_or_default();
            panic!(
                "example {name} did not finish within 60 s\nstdout:\n{}\nstderr:\n{}",
                String::from_utf8_lossy(&out(stdout)),
                String::from_utf8_lossy(&out(stderr))
            );
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let stdout = stdout.join().expect("stdout reader").expect("read stdout");
    let stderr = stderr.join().expect("stderr reader").expect("read stderr");
    Output { status, stdout, stderr }
}

/// Runs example `name` and returns its standard output, line by line; panics (showing stderr) if it
/// failed.
pub fn run_example(name: &str, args: &[&str]) -> Vec<String> {
    let out = run_example_output(name, args);
    assert!(
        out.status.success(),
        "example {name} failed ({})\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output").lines().map(str::to_owned).collect()
}

/// Asserts the output equals `expected`, line by line, with a readable diff on failure.
pub fn assert_lines(actual: &[String], expected: &[&str]) {
    for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
        assert_eq!(a, e, "line {} differs\nwhole output:\n{}", i + 1, actual.join("\n"));
    }
    assert_eq!(actual.len(), expected.len(), "line count differs\nwhole output:\n{}", actual.join("\n"));
}
