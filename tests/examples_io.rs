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
#[test]
fn lesson_files() {
    assert_lines(
        &run_example("lesson_files", &[]),
        &[
            "Hello, Async!",
            "notes.txt: 45 characters",
            "poem.txt: 83 characters",
            "data.csv: 26 characters",
            "empty.txt: 0 characters",
            "Read 4 files, 8 lines in all",
            "Temporary directory removed: true",
        ],
    );
}

#[test]
fn lesson_file_processing() {
    assert_lines(
        &run_example("lesson_file_processing", &[]),
        &[
            "Wrote 10 log files",
            "server01.log: 3 lines, 1 errors, 0 warnings",
            "server02.log: 4 lines, 1 errors, 1 warnings",
            "server03.log: 5 lines, 1 errors, 1 warnings",
            "server04.log: 6 lines, 2 errors, 1 warnings",
            "server05.log: 7 lines, 2 errors, 1 warnings",
            "server06.log: 8 lines, 2 errors, 2 warnings",
            "server07.log: 9 lines, 3 errors, 2 warnings",
            "server08.log: 10 lines, 3 errors, 2 warnings",
            "server09.log: 11 lines, 3 errors, 2 warnings",
            "server10.log: 12 lines, 4 errors, 2 warnings",
            "Total: 75 lines, 22 errors",
            "At most 3 files were open at once",
            "summary.txt: 443 bytes",
            "Temporary directory removed: true",
        ],
    );
}

#[test]
fn lesson_db_pool() {
    assert_lines(
        &run_example("lesson_db_pool", &[]),
        &[
            "Pool created with 3 connections",
            "Active users: alice,true; carol,true; dave,true",
            "query 1 on connection 1 from 0 ms to 100 ms: 3 rows",
            "query 2 on connection 2 from 0 ms to 100 ms: error: syntax error in \"SELEKT oops\"",
            "query 3 on connection 3 from 0 ms to 100 ms: 3 rows",
            "query 4 on connection 3 from 100 ms to 200 ms: 1 rows",
            "query 5 on connection 2 from 100 ms to 200 ms: 3 rows",
            "query 6 on connection 1 from 100 ms to 200 ms: 1 rows",
            "6 queries on 3 connections took 200.00ms",
            "Pool closed: 3 connections, 3 opened in all",
        ],
    );
}
