//! The main program, `examples/sequential_vs_concurrent.rs`: options, errors and the timelines.

mod examples_support;

use examples_support::{run_example, run_example_output};

#[test]
fn bad_values_exit_with_code_2_and_a_clear_message() {
    for (args, msg) in [
        (&["--requests", "0"][..], "error: --requests must be a whole number from 1 to 1000, got \"0\""),
        (&["--latency-ms", "x"][..], "error: --latency-ms must be a whole number from 1 to 10000, got \"x\""),
        (&["--requests"][..], "error: --requests needs a value"),
        (&["--frobnicate"][..], "error: unknown argument \"--frobnicate\""),
    ] {
        let out = run_example_output("sequential_vs_concurrent", args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.lines().next(), Some(msg), "{args:?}");
        assert!(stderr.contains("usage: sequential_vs_concurrent"));
    }
}

#[test]
fn help_explains_the_options() {
    let lines = run_example("sequential_vs_concurrent", &["--help"]);
    assert!(lines[0].starts_with("usage: sequential_vs_concurrent"));
    assert!(lines.iter().any(|l| l.trim_start().starts_with("--requests N")));
    assert!(lines.iter().any(|l| l.trim_start().starts_with("--latency-ms MS")));
}
