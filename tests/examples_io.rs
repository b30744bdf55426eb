//! The network and file lessons, run as child processes on the paused clock; output checked line by
//! line. Ports are ephemeral and never printed, so every line is exact.

mod examples_support;

use examples_support::{assert_lines, run_example};

#[test]
fn lesson_http() {
    assert_lines(
        &run_example("lesson_http", &[]),
        &[
            "/delay/0: 200 (35 bytes)",
            "/delay/1: 200 (35 bytes)",
            "/delay/2: 200 (35 bytes)",
            "/delay/0: 200 (35 bytes)",
            "/delay/1: 200 (35 bytes)",
            "/delay/2: 200 (35 bytes)",
            "/delay/0: 200 (35 bytes)",
            "/delay/1: 200 (35 bytes)",
            "/delay/2: 200 (35 bytes)",
            "/delay/0: 200 (35 bytes)",
            "/status/500: 500 (16 bytes)",
            "/refused: error: connection refused",
            "Fetched 12 URLs in 2.00s (the slowest answers after 2 s)",
            "Timeout fetching /delay/10",
            "Client error: connection refused",
            "safe_fetch returned None and None after 3.00s",
        ],
    );
}
