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
#[test]
fn lesson_crawler() {
    assert_lines(
        &run_example("lesson_crawler", &[]),
        &[
            "Crawling from / with at most 3 requests at once",
            "depth 0: 1 pages, done at 100 ms",
            "  / -> 200, 3 links",
            "depth 1: 3 pages, done at 200 ms",
            "  /about -> 200, 2 links",
            "  /blog -> 200, 3 links",
            "  /docs -> 200, 4 links",
            "depth 2: 5 pages, done at 400 ms",
            "  /blog/1 -> 200, 3 links",
            "  /blog/2 -> 200, 3 links",
            "  /docs/api -> 200, 2 links",
            "  /docs/old -> 404, 0 links",
            "  /docs/start -> 200, 2 links",
            "Crawled 9 pages in 400 ms; the server answered 9 requests, so no page twice",
            "At most 3 requests were in flight at once",
            "Not followed (other sites): https://example.com/",
        ],
    );
}

#[test]
fn lesson_rate_limiter() {
    assert_lines(
        &run_example("lesson_rate_limiter", &[]),
        &[
            "12 requests, at most 5 per second",
            "request  1 sent at    0 ms -> 200",
            "request  2 sent at    0 ms -> 200",
            "request  3 sent at    0 ms -> 200",
            "request  4 sent at    0 ms -> 200",
            "request  5 sent at    0 ms -> 200",
            "request  6 sent at 1000 ms -> 200",
            "request  7 sent at 1000 ms -> 503",
            "request  8 sent at 1000 ms -> 200",
            "request  9 sent at 1000 ms -> 200",
            "request 10 sent at 1000 ms -> 200",
            "request 11 sent at 2000 ms -> 200",
            "request 12 sent at 2000 ms -> 200",
            "Busiest one-second window: 5 requests",
            "All done after 2000 ms",
        ],
    );
}

#[test]
fn lesson_chat() {
    assert_lines(
        &run_example("lesson_chat", &[]),
        &[
            "[   0 ms] server: alice joined (1 online)",
            "[ 100 ms] server: bob joined (2 online)",
            "[ 200 ms] server: carol joined (3 online)",
            "[ 300 ms] server: alice says \"hi all\"",
            "[ 400 ms] server: bob says \"hey alice\"",
            "[ 500 ms] server: carol says \"hello!\"",
            "[ 550 ms] server: alice says \"got to go, bye!\"",
            "[ 600 ms] server: alice left (2 online)",
            "[ 700 ms] server: bob says \"just us now, carol\"",
            "[ 750 ms] server: carol says \"see you bob\"",
            "[ 800 ms] server: bob left (1 online)",
            "[ 900 ms] server: carol left (0 online)",
            "Chat over after 900 ms",
            "alice heard:",
            "  * bob joined",
            "  * carol joined",
            "  bob: hey alice",
            "  carol: hello!",
            "bob heard:",
            "  * carol joined",
            "  alice: hi all",
            "  carol: hello!",
            "  alice: got to go, bye!",
            "  * alice left",
            "  carol: see you bob",
            "carol heard:",
            "  alice: hi all",
            "  bob: hey alice",
            "  alice: got to go, bye!",
            "  * alice left",
            "  bob: just us now, carol",
            "  * bob left",
        ],
    );
}

// ---- the examples' HTTP support, on its own -------------------------------------------------------

#[path = "../examples/support/http.rs"]
mod http;

#[test]
fn http_delay_values() {
    use std::time::Duration;
    assert_eq!(http::parse_delay("2"), Some(Duration::from_secs(2)));
    assert_eq!(http::parse_delay("0.25"), Some(Duration::from_millis(250)));
    assert_eq!(http::parse_delay("0.001"), Some(Duration::from_millis(1)));
    assert_eq!(http::parse_delay("250ms"), Some(Duration::from_millis(250)));
    for bad in ["", "x", "1.", ".5x", "-1", "61", "1.0000000001", "ms"] {
        assert_eq!(http::parse_delay(bad), None, "{bad:?}");
    }
}

#[test]
fn http_client_reads_an_answer_that_arrives_byte_by_byte() {
    use solio::net::TcpListener;
    let rt = solio::Runtime::builder().paused_clock(true).build().unwrap();
    rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = solio::spawn(async move {
            let (mut stream, _) = listener.accept().await.unwrap();
            let mut request = Vec::new();
            while !request.ends_with(b"\r\n\r\n") {
                let mut byte = [0];
                stream.read_exact(&mut byte).await.unwrap();
                request.push(byte[0]);
            }
            // One byte per write, a pause between them: the client sees many short reads.
            let answer = b"HTTP/1.1 201 Created\r\ncontent-length: 5\r\nX-Other: a:b\r\n\r\nhello";
            for byte in answer {
                stream.write_all(&[*byte]).await.unwrap();
                solio::time::sleep(std::time::Duration::from_millis(1)).await;
            }
            String::from_utf8(request).unwrap()
        });
        let response = http::get(&format!("http://{addr}/some/path")).await.unwrap();
        assert_eq!((response.status, response.body.as_str()), (201, "hello"));
        let request = server.await.unwrap();
        assert!(request.starts_with("GET /some/path HTTP/1.1\r\nHost: 127.0.0.1:"), "{request}");
    });
}

#[test]
fn http_server_routes() {
    let rt = solio::Runtime::builder().paused_clock(true).build().unwrap();
    rt.block_on(async {
        let pages = [("/".to_string(), "<a href=\"/x\">x</a>".to_string())].into();
        let server =
            http::Server::start_with_pages(pages, std::time::Duration::from_millis(5)).await.unwrap();
        let start = solio::time::Instant::now();
        let get = |path: &str| {
            let url = server.url(path);
            async move {
                let r = http::get(&url).await.unwrap();
                (r.status, r.body)
            }
        };
        assert_eq!(get("/").await, (200, "<a href=\"/x\">x</a>".to_string()));
        assert_eq!(get("/delay/1.5").await.0, 200);
        assert_eq!(get("/status/418").await, (418, "{\"status\": 418}\n".to_string()));
        assert_eq!(get("/status/99").await.0, 400);
        assert_eq!(get("/delay/x").await.0, 400);
        assert_eq!(get("/nothing").await.0, 404);
        assert_eq!(start.elapsed(), std::time::Duration::from_millis(1505));
        assert_eq!(server.requests_served(), 6);
    });
}
