//! The main program, `examples/sequential_vs_concurrent.rs`: options, errors and the timelines.
//!
//! On the paused clock every total is exact, the real HTTP mode's too: connecting, sending and answering
//! over loopback take no virtual time, only the server's delay does.

mod examples_support;

use examples_support::{assert_lines, run_example, run_example_output};

#[test]
fn bad_values_exit_with_code_2_and_a_clear_message() {
    for (args, msg) in [
        (&["--requests", "0"][..], "error: --requests must be a whole number from 1 to 1000, got \"0\""),
        (&["--latency-ms", "x"][..], "error: --latency-ms must be a whole number from 1 to 10000, got \"x\""),
        (&["--requests"][..], "error: --requests needs a value"),
        (
            &["--requests", "1001"][..],
            "error: --requests must be a whole number from 1 to 1000, got \"1001\"",
        ),
        (
            &["--concurrency", "0"][..],
            "error: --concurrency must be a whole number from 1 to 1000, got \"0\"",
        ),
        (
            &["--concurrency", "-3"][..],
            "error: --concurrency must be a whole number from 1 to 1000, got \"-3\"",
        ),
        (&["--concurrency"][..], "error: --concurrency needs a value"),
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
    assert!(lines.iter().any(|l| l.trim_start().starts_with("--concurrency K")));
    assert!(lines.iter().any(|l| l.contains("simulated") && l.contains("real")));
    assert!(lines.iter().any(|l| l.starts_with("Exit status: 0 when done, 2 for a bad option")));
}

#[test]
fn both_modes_sequential_then_concurrent_with_exact_totals() {
    let lines = run_example("sequential_vs_concurrent", &["--requests", "3", "--latency-ms", "100"]);
    assert_lines(
        &lines,
        &[
            "3 requests of 100ms each",
            "simulated, sequential (total 300.00ms)",
            "  req   1 |#################",
            "  req   2 |                 ################",
            "  req   3 |                                 #################",
            "simulated, concurrent (total 100.00ms)",
            "  req   1 |##################################################",
            "  req   2 |##################################################",
            "  req   3 |##################################################",
            "simulated: sequential 300.00ms, concurrent 100.00ms: 3.0x faster",
            "real HTTP, sequential (total 300.00ms)",
            "  req   1 |#################",
            "  req   2 |                 ################",
            "  req   3 |                                 #################",
            "real HTTP, concurrent (total 100.00ms)",
            "  req   1 |##################################################",
            "  req   2 |##################################################",
            "  req   3 |##################################################",
            "real HTTP: sequential 300.00ms, concurrent 100.00ms: 3.0x faster",
        ],
    );
}

#[test]
fn concurrency_limit_runs_the_requests_in_waves() {
    let lines = run_example(
        "sequential_vs_concurrent",
        &["--requests", "5", "--latency-ms", "50", "--concurrency", "2"],
    );
    let waves = [
        "  req   1 |#################",
        "  req   2 |#################",
        "  req   3 |                 ################",
        "  req   4 |                 ################",
        "  req   5 |                                 #################",
    ];
    let sequential = [
        "  req   1 |##########",
        "  req   2 |          ##########",
        "  req   3 |                    ##########",
        "  req   4 |                              ##########",
        "  req   5 |                                        ##########",
    ];
    let mut expected = vec!["5 requests of 50ms each, at most 2 at once".to_string()];
    for mode in ["simulated", "real HTTP"] {
        expected.push(format!("{mode}, sequential (total 250.00ms)"));
        expected.extend(sequential.map(String::from));
        expected.push(format!("{mode}, concurrent (total 150.00ms)"));
        expected.extend(waves.map(String::from));
        expected.push(format!("{mode}: sequential 250.00ms, concurrent 150.00ms: 1.7x faster"));
    }
    assert_lines(&lines, &expected.iter().map(String::as_str).collect::<Vec<_>>());
}

#[test]
fn defaults_ten_requests_of_200ms_and_a_thousand_over_loopback() {
    let lines = run_example("sequential_vs_concurrent", &[]);
    assert_eq!(lines.len(), 1 + 2 * (2 + 2 * 10 + 1));
    assert_eq!(lines[0], "10 requests of 200ms each");
    assert_eq!(lines[23], "simulated: sequential 2.00s, concurrent 200.00ms: 10.0x faster");
    assert_eq!(lines[46], "real HTTP: sequential 2.00s, concurrent 200.00ms: 10.0x faster");

    // The largest N: 1,000 requests at once, pipelined on one connection to the server in the same
    // thread.
    let lines = run_example("sequential_vs_concurrent", &["--requests", "1000", "--latency-ms", "10"]);
    let totals: Vec<String> = lines.into_iter().filter(|l| !l.starts_with("  req")).collect();
    assert_lines(
        &totals,
        &[
            "1000 requests of 10ms each",
            "simulated, sequential (total 10.00s)",
            "simulated, concurrent (total 10.00ms)",
            "simulated: sequential 10.00s, concurrent 10.00ms: 1000.0x faster",
            "real HTTP, sequential (total 10.00s)",
            "real HTTP, concurrent (total 10.00ms)",
            "real HTTP: sequential 10.00s, concurrent 10.00ms: 1000.0x faster",
        ],
    );
}
