//! The examples' HTTP support (`examples/support/http.rs`): keep-alive and pipelining, end to end.
//!
//! The pipelining `Client` against the examples' `Server` (which counts connections and answers), and
//! against hand-written servers that misbehave on purpose: a server that closes mid-pipeline, one that
//! resets, one that announces a body too large to buffer, one that says it closes and does not, one
//! that sends interim 1xx responses. Then the server against raw requests (`Connection: close`,
//! HTTP/1.0, 405 with a body, 400, bodiless statuses, a client that never reads), and the parser on its
//! own, fed a pipelined stream cut at every byte. Everything runs on the paused
//! clock, so a hang would show as a `timeout` firing, not as a stuck test, and the durations asserted
//! are exact virtual times.

#[path = "../examples/support/http.rs"]
mod http;

use std::future::Future;
use std::io::ErrorKind;
use std::net::SocketAddr;
use std::time::Duration;

use solio::net::{TcpListener, TcpStream};
use solio::time::{Instant, sleep, timeout};

/// A runtime on the paused clock.
fn paused() -> solio::Runtime {
    solio::Runtime::builder().paused_clock(true).build().unwrap()
}

/// Starts a hand-written server on loopback, `script` serving on its listener: the tests' misbehaving
/// servers. Returns its address and its task.
async fn scripted_server<T: 'static, F: Future<Output = T> + 'static>(
    script: impl FnOnce(TcpListener) -> F,
) -> (SocketAddr, solio::JoinHandle<T>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    (addr, solio::spawn(script(listener)))
}

/// The number of request (or response) heads in `bytes`.
fn heads(bytes: &[u8]) -> usize {
    bytes.windows(4).filter(|w| w == b"\r\n\r\n").count()
}

/// Reads from `stream` until `bytes` holds at least `n` heads; false if the peer closed first.
async fn read_heads(stream: &mut TcpStream, bytes: &mut Vec<u8>, n: usize) -> bool {
    let mut buf = [0; 4096];
    while heads(bytes) < n {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return false,
            Ok(k) => bytes.extend_from_slice(&buf[..k]),
        }
    }
    true
}

/// A 200 response with `body`.
fn ok(body: &str) -> String {
    format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}", body.len())
}

/// What the server expects to answer for `path`: status and body.
fn expected(path: &str) -> (u16, String) {
    if let Some(n) = path.strip_prefix("/delay/") {
        (200, format!("{{\"path\": \"{path}\", \"delay\": \"{n}\"}}\n"))
    } else if let Some(code) = path.strip_prefix("/status/") {
        (code.parse().unwrap(), format!("{{\"status\": {code}}}\n"))
    } else {
        (404, "not found\n".to_string())
    }
}

// ---- the client against the examples' server ----------------------------------------------------

#[test]
fn many_pipelined_requests_share_one_connection_and_run_concurrently() {
    paused().block_on(async {
        let server = http::Server::start().await.unwrap();
        let client = http::Client::new();
        // Delays, statuses and misses interleaved: every caller must get the answer to its own path.
        let paths: Vec<String> = (0..300)
            .map(|i| match i % 4 {
                0 => format!("/delay/{}ms", 10 + i % 7),
                1 => format!("/status/{}", [200, 201, 404, 418, 500, 503][i / 4 % 6]),
                2 => format!("/nothing/{i}"),
                _ => format!("/delay/0.00{}", i % 10),
            })
            .collect();
        let urls: Vec<String> = paths.iter().map(|p| server.url(p)).collect();
        let start = Instant::now();
        let responses = solio::gather(urls.iter().map(|u| client.get(u))).await;
        // 300 requests of up to 16 ms each: one after the other they would take over a second; run
        // concurrently the slowest sets the pace.
        assert_eq!(start.elapsed(), Duration::from_millis(16));
        for (path, response) in paths.iter().zip(responses) {
            let response = response.unwrap();
            assert_eq!((response.status, response.body), expected(path), "{path}");
        }
        assert_eq!(server.connections_accepted(), 1);
        assert_eq!(server.requests_served(), 300);
    });
}

#[test]
fn answers_come_back_in_request_order() {
    paused().block_on(async {
        let server = http::Server::start().await.unwrap();
        let client = http::Client::new();
        let start = Instant::now();
        let done = |path: &'static str| {
            let url = server.url(path);
            let client = &client;
            async move {
                let response = client.get(&url).await.unwrap();
                assert_eq!((response.status, response.body), expected(path));
                start.elapsed()
            }
        };
        // The slow one first: the quick ones behind it run at once but wait for it to be answered, as
        // HTTP/1.1 pipelining wants.
        let times = solio::gather!(done("/delay/30ms"), done("/status/418"), done("/delay/10ms")).await;
        let ms = Duration::from_millis;
        assert_eq!(times, (ms(30), ms(30), ms(30)));
        // Slow one last: each is answered when it is done.
        let times = solio::gather!(done("/status/418"), done("/delay/10ms"), done("/delay/30ms")).await;
        assert_eq!(times, (ms(30), ms(40), ms(60)));
        assert_eq!(server.connections_accepted(), 1);
    });
}

#[test]
fn sequential_requests_reuse_the_connection() {
    paused().block_on(async {
        let server = http::Server::start().await.unwrap();
        let client = http::Client::new();
        for i in 0..5 {
            let response = client.get(&server.url(&format!("/status/{}", 200 + i))).await.unwrap();
            assert_eq!(response.status, 200 + i);
        }
        assert_eq!((server.connections_accepted(), server.requests_served()), (1, 5));
        // Another host (the same server under another name) gets a connection of its own.
        let other = format!("http://localhost:{}/status/201", server.addr().port());
        assert_eq!(client.get(&other).await.unwrap().status, 201);
        assert_eq!(server.connections_accepted(), 2);
    });
}

#[test]
fn a_request_cancelled_mid_pipeline_does_not_desynchronise_the_rest() {
    paused().block_on(async {
        let server = http::Server::start().await.unwrap();
        let client = http::Client::new();
        let get = |path: &'static str| {
            let url = server.url(path);
            let client = &client;
            async move { client.get(&url).await.unwrap() }
        };
        let (a, b, c, d, e) = solio::gather!(
            get("/delay/10ms"),
            // Given up at 20 ms: its answer (at 50 ms) must be read and dropped, not handed to `c`.
            timeout(Duration::from_millis(20), get("/delay/50ms")),
            get("/status/418"),
            get("/delay/30ms"),
            // Queued after the give-up, before the answer it gave up on arrives.
            async {
                sleep(Duration::from_millis(25)).await;
                get("/status/202").await
            },
        )
        .await;
        assert_eq!((a.status, a.body), expected("/delay/10ms"));
        assert!(b.is_err());
        assert_eq!((c.status, c.body), expected("/status/418"));
        assert_eq!((d.status, d.body), expected("/delay/30ms"));
        assert_eq!((e.status, e.body), expected("/status/202"));
        // The connection is still in step: the next request gets its own answer.
        let f = get("/status/201").await;
        assert_eq!((f.status, f.body), expected("/status/201"));
        assert_eq!((server.connections_accepted(), server.requests_served()), (1, 6));
    });
}

#[test]
fn a_status_without_a_body_does_not_desynchronise_the_pipeline() {
    paused().block_on(async {
        let server = http::Server::start().await.unwrap();
        let client = http::Client::new();
        let urls = ["/status/204", "/status/200", "/status/304", "/status/201"].map(|p| server.url(p));
        let responses = solio::gather(urls.iter().map(|u| client.get(u))).await;
        let got: Vec<(u16, String)> =
            responses.into_iter().map(|r| r.map(|r| (r.status, r.body)).unwrap()).collect();
        assert_eq!(
            got,
            [(204, String::new()), expected("/status/200"), (304, String::new()), expected("/status/201")]
        );
    });
}

#[test]
fn dropping_the_client_closes_its_connections() {
    paused().block_on(async {
        let server = http::Server::start().await.unwrap();
        let client = http::Client::new();
        assert_eq!(client.get(&server.url("/status/200")).await.unwrap().status, 200);
        sleep(Duration::from_millis(1)).await;
        assert_eq!(server.connections_open(), 1, "kept alive between requests");
        drop(client);
        sleep(Duration::from_millis(1)).await;
        assert_eq!(server.connections_open(), 0);
    });
}

// ---- the client against servers that fail -----------------------------------------------------

#[test]
fn a_server_closing_mid_pipeline_fails_every_request_in_flight_then_a_new_connection_works() {
    paused().block_on(async {
        let (addr, server) = scripted_server(|listener| async move {
            // First connection: five requests read, two answered, then closed.
            let (mut stream, _) = listener.accept().await.unwrap();
            let mut got = Vec::new();
            assert!(read_heads(&mut stream, &mut got, 5).await);
            stream.write_all(format!("{}{}", ok("one"), ok("two")).as_bytes()).await.unwrap();
            drop(stream);
            // Second connection: answered properly.
            let (mut stream, _) = listener.accept().await.unwrap();
            let mut got = Vec::new();
            assert!(read_heads(&mut stream, &mut got, 1).await);
            stream.write_all(ok("again").as_bytes()).await.unwrap();
            sleep(Duration::from_secs(3600)).await; // keep it open
        })
        .await;
        let client = http::Client::new();
        let url = format!("http://{addr}/x");
        let results = timeout(Duration::from_secs(5), solio::gather((0..5).map(|_| client.get(&url))))
            .await
            .expect("no hang");
        let bodies: Vec<Option<String>> = results.into_iter().map(|r| r.ok().map(|r| r.body)).collect();
        assert_eq!(bodies, [Some("one".into()), Some("two".into()), None, None, None]);
        // A later request opens a new connection.
        let again = timeout(Duration::from_secs(5), client.get(&url)).await.expect("no hang").unwrap();
        assert_eq!(again.body, "again");
        server.abort();
    });
}

#[test]
fn a_server_resetting_or_refusing_fails_the_requests_with_an_error() {
    paused().block_on(async {
        // A server that accepts and drops every connection at once (a reset if the requests arrived).
        let (addr, server) = scripted_server(|listener| async move {
            loop {
                drop(listener.accept().await);
            }
        })
        .await;
        let client = http::Client::new();
        let url = format!("http://{addr}/x");
        let results = timeout(Duration::from_secs(5), solio::gather((0..10).map(|_| client.get(&url))))
            .await
            .expect("no hang");
        assert!(results.iter().all(|r| r.is_err()), "{results:?}");
        server.abort();

        // Nobody listening: the connect error itself, for every request queued on the connection.
        let closed = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).unwrap();
        let url = format!("http://{closed}/x");
        let results = solio::gather((0..3).map(|_| client.get(&url))).await;
        for result in results {
            assert_eq!(result.unwrap_err().kind(), ErrorKind::ConnectionRefused);
        }
    });
}

#[test]
fn a_response_split_across_reads_at_every_byte_reaches_the_right_callers() {
    paused().block_on(async {
        let (addr, server) = scripted_server(|listener| async move {
            let (mut stream, _) = listener.accept().await.unwrap();
            let mut got = Vec::new();
            assert!(read_heads(&mut stream, &mut got, 3).await);
            // One byte per write, a pause between them: the client sees many short reads.
            let answers = format!("{}{}{}", ok("first"), ok(""), ok("third"));
            for byte in answers.as_bytes() {
                stream.write_all(&[*byte]).await.unwrap();
                sleep(Duration::from_millis(1)).await;
            }
            sleep(Duration::from_secs(3600)).await;
        })
        .await;
        let client = http::Client::new();
        let url = format!("http://{addr}/x");
        let results = solio::gather((0..3).map(|_| client.get(&url))).await;
        let bodies: Vec<String> = results.into_iter().map(|r| r.unwrap().body).collect();
        assert_eq!(bodies, ["first", "", "third"]);
        server.abort();
    });
}

#[test]
fn a_content_length_too_large_fails_every_request_instead_of_hanging() {
    paused().block_on(async {
        let (addr, server) = scripted_server(|listener| async move {
            // The largest `usize` (whose sum with the head's length overflows), then one byte over the
            // limit: each on a connection of its own, with two requests waiting on it.
            for length in [u64::MAX, http::MAX_BODY as u64 + 1] {
                let (mut stream, _) = listener.accept().await.unwrap();
                let mut got = Vec::new();
                assert!(read_heads(&mut stream, &mut got, 2).await);
                let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {length}\r\n\r\n");
                stream.write_all(head.as_bytes()).await.unwrap();
                // Kept open: only the client can end the wait.
                let mut rest = Vec::new();
                assert!(!read_heads(&mut stream, &mut rest, 1).await, "the client closes");
            }
        })
        .await;
        let client = http::Client::new();
        let url = format!("http://{addr}/x");
        for _ in 0..2 {
            let start = Instant::now();
            let (a, b) = timeout(Duration::from_secs(5), solio::gather!(client.get(&url), client.get(&url)))
                .await
                .expect("no hang");
            assert_eq!(start.elapsed(), Duration::ZERO, "failed at once");
            assert_eq!(a.unwrap_err().kind(), ErrorKind::InvalidData);
            assert_eq!(b.unwrap_err().kind(), ErrorKind::InvalidData);
        }
        timeout(Duration::from_secs(5), server).await.expect("both connections closed").unwrap();
    });
}

#[test]
fn interim_responses_are_skipped_not_handed_to_a_request() {
    paused().block_on(async {
        let (addr, server) = scripted_server(|listener| async move {
            let (mut stream, _) = listener.accept().await.unwrap();
            let mut got = Vec::new();
            assert!(read_heads(&mut stream, &mut got, 2).await);
            let hints = "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n";
            let answers = format!("HTTP/1.1 100 Continue\r\n\r\n{hints}{}{hints}{}", ok("a"), ok("b"));
            stream.write_all(answers.as_bytes()).await.unwrap();
            // The one-shot client skips them too.
            let (mut stream, _) = listener.accept().await.unwrap();
            let mut got = Vec::new();
            assert!(read_heads(&mut stream, &mut got, 1).await);
            stream.write_all(format!("{hints}{}", ok("c")).as_bytes()).await.unwrap();
            sleep(Duration::from_secs(3600)).await;
        })
        .await;
        let client = http::Client::new();
        let url = format!("http://{addr}/x");
        let (a, b) = solio::gather!(client.get(&url), client.get(&url)).await;
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!([(a.status, a.body), (b.status, b.body)], [(200, "a".into()), (200, "b".into())]);
        let c = timeout(Duration::from_secs(5), http::get(&url)).await.expect("no hang").unwrap();
        assert_eq!((c.status, c.body), (200, "c".into()));
        server.abort();
    });
}

#[test]
fn a_server_that_says_close_but_stays_open_fails_the_requests_behind_at_once() {
    paused().block_on(async {
        let (addr, server) = scripted_server(|listener| async move {
            let (mut stream, _) = listener.accept().await.unwrap();
            let mut got = Vec::new();
            assert!(read_heads(&mut stream, &mut got, 3).await);
            let close = "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\na";
            stream.write_all(close.as_bytes()).await.unwrap();
            // It does not close: the client must, right after the answer that said so.
            let mut rest = Vec::new();
            assert!(!read_heads(&mut stream, &mut rest, 1).await);
            Instant::now()
        })
        .await;
        let client = http::Client::new();
        let url = format!("http://{addr}/x");
        let start = Instant::now();
        let (a, b, c) = timeout(
            Duration::from_secs(5),
            solio::gather!(client.get(&url), client.get(&url), client.get(&url)),
        )
        .await
        .expect("no hang");
        assert_eq!(start.elapsed(), Duration::ZERO, "failed at once");
        assert_eq!(a.unwrap().body, "a");
        assert_eq!(b.unwrap_err().kind(), ErrorKind::ConnectionAborted);
        assert_eq!(c.unwrap_err().kind(), ErrorKind::ConnectionAborted);
        let closed_at = timeout(Duration::from_secs(5), server).await.expect("the client closed").unwrap();
        assert_eq!(closed_at, start);
    });
}

#[test]
fn dropping_the_client_closes_a_replaced_connection_too() {
    paused().block_on(async {
        let (addr, server) = scripted_server(|listener| async move {
            // The first connection says it closes, and stays open.
            let (mut first, _) = listener.accept().await.unwrap();
            let mut got = Vec::new();
            assert!(read_heads(&mut first, &mut got, 1).await);
            let close = "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\na";
            first.write_all(close.as_bytes()).await.unwrap();
            // The second one replaces it.
            let (mut second, _) = listener.accept().await.unwrap();
            let mut got = Vec::new();
            assert!(read_heads(&mut second, &mut got, 1).await);
            second.write_all(ok("b").as_bytes()).await.unwrap();
            let mut rest = Vec::new();
            assert!(!read_heads(&mut first, &mut rest, 1).await, "the first connection is closed");
            assert!(!read_heads(&mut second, &mut rest, 1).await, "the second connection is closed");
        })
        .await;
        let client = http::Client::new();
        let url = format!("http://{addr}/x");
        let get = || async { timeout(Duration::from_secs(5), client.get(&url)).await.expect("no hang") };
        assert_eq!(get().await.unwrap().body, "a");
        assert_eq!(get().await.unwrap().body, "b");
        drop(client);
        timeout(Duration::from_millis(1), server).await.expect("both closed").unwrap();
    });
}

// ---- the server against raw requests -------------------------------------------------------------

/// Sends `raw` on a new connection and reads until the server closes: every response, as text.
async fn exchange(addr: SocketAddr, raw: &str) -> Vec<String> {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(raw.as_bytes()).await.unwrap();
    let mut all = Vec::new();
    timeout(Duration::from_secs(5), stream.read_to_end(&mut all)).await.expect("the server closes").unwrap();
    let text = String::from_utf8(all).unwrap();
    text.split("HTTP/1.1 ").skip(1).map(|r| format!("HTTP/1.1 {r}")).collect()
}

#[test]
fn the_server_keeps_connections_alive_and_honours_connection_close() {
    paused().block_on(async {
        let server = http::Server::start().await.unwrap();
        let responses = exchange(
            server.addr(),
            "GET /status/201 HTTP/1.1\r\nHost: x\r\n\r\n\
             GET /delay/5ms HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n\
             GET /status/202 HTTP/1.1\r\nHost: x\r\n\r\n",
        )
        .await;
        // Two answers: the request after `Connection: close` is not served.
        assert_eq!(responses.len(), 2, "{responses:?}");
        assert!(responses[0].starts_with("HTTP/1.1 201 \r\n"), "{}", responses[0]);
        assert!(responses[0].contains("\r\nContent-Length: 16\r\n"));
        assert!(!responses[0].to_lowercase().contains("connection: close"), "a kept-alive answer");
        assert!(responses[1].starts_with("HTTP/1.1 200 OK\r\n"));
        assert!(responses[1].contains("\r\nContent-Length: 39\r\n"));
        assert!(responses[1].contains("\r\nConnection: close\r\n"));
        assert!(responses[1].ends_with("\r\n\r\n{\"path\": \"/delay/5ms\", \"delay\": \"5ms\"}\n"));

        // HTTP/1.0 closes unless asked to keep alive.
        let responses = exchange(server.addr(), "GET /status/200 HTTP/1.0\r\n\r\n").await;
        assert_eq!(responses.len(), 1);
        assert!(responses[0].contains("\r\nConnection: close\r\n"));

        // The one-shot client sends `Connection: close` and gets its answer.
        let response = http::get(&server.url("/status/503")).await.unwrap();
        assert_eq!((response.status, response.body), expected("/status/503"));
        sleep(Duration::from_millis(1)).await;
        assert_eq!(server.connections_open(), 0, "every connection above was closed");
        assert_eq!(server.requests_served(), 4);
    });
}

#[test]
fn the_server_answers_405_and_400() {
    paused().block_on(async {
        let server = http::Server::start().await.unwrap();
        // A POST gets 405, its body is skipped, and the connection goes on.
        let responses = exchange(
            server.addr(),
            "POST /x HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello\
             GET /status/200 HTTP/1.1\r\nConnection: close\r\n\r\n",
        )
        .await;
        assert_eq!(responses.len(), 2, "{responses:?}");
        assert!(responses[0].starts_with("HTTP/1.1 405 Method Not Allowed\r\n"));
        assert!(responses[0].ends_with("\r\n\r\nmethod not allowed\n"));
        assert!(responses[1].starts_with("HTTP/1.1 200 OK\r\n"));

        // A request it cannot parse gets 400, and nothing after it is trusted.
        let responses = exchange(server.addr(), "garbage\r\n\r\nGET /status/200 HTTP/1.1\r\n\r\n").await;
        assert_eq!(responses.len(), 1, "{responses:?}");
        assert!(responses[0].starts_with("HTTP/1.1 400 Bad Request\r\n"));
        assert!(responses[0].contains("\r\nConnection: close\r\n"));
        assert!(responses[0].ends_with("\r\n\r\nbad request\n"));

        // A GET of a path that is not UTF-8 is a bad request, not a method it does not allow.
        let mut stream = TcpStream::connect(server.addr()).await.unwrap();
        stream.write_all(b"GET /\xff HTTP/1.1\r\n\r\n").await.unwrap();
        let mut all = Vec::new();
        timeout(Duration::from_secs(5), stream.read_to_end(&mut all)).await.expect("closes").unwrap();
        let text = String::from_utf8(all).unwrap();
        assert!(text.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{text}");
        assert!(text.contains("\r\nConnection: close\r\n"));
        assert!(text.ends_with("\r\n\r\nbad request\n"));
    });
}

#[test]
fn the_server_sends_no_1xx_as_a_final_answer_and_no_length_without_a_body() {
    paused().block_on(async {
        let server = http::Server::start().await.unwrap();
        let responses = exchange(
            server.addr(),
            "GET /status/100 HTTP/1.1\r\n\r\n\
             GET /status/103 HTTP/1.1\r\n\r\n\
             GET /status/204 HTTP/1.1\r\n\r\n\
             GET /status/304 HTTP/1.1\r\nConnection: close\r\n\r\n",
        )
        .await;
        let bad =
            "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\nbad status\n";
        assert_eq!(
            responses,
            [
                bad,
                bad,
                "HTTP/1.1 204 \r\nContent-Type: text/plain\r\n\r\n",
                "HTTP/1.1 304 \r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n",
            ]
        );
    });
}

#[test]
fn the_server_stops_reading_while_its_answers_queue_is_full() {
    paused().block_on(async {
        let server = http::Server::start().await.unwrap();
        let mut stream = TcpStream::connect(server.addr()).await.unwrap();
        let (mut rd, mut wr) = stream.split();
        let n = 5_000;
        let start = Instant::now();
        // Many requests, none of whose answers is read for a while: the server reads them only as
        // fast as it can queue answers.
        let requests = "GET /delay/50ms HTTP/1.1\r\n\r\n".repeat(n);
        let write = async { wr.write_all(requests.as_bytes()).await.unwrap() };
        let read = async {
            sleep(Duration::from_millis(10)).await;
            assert_eq!(server.most_answers_queued(), http::MAX_QUEUED, "reading stopped at the limit");
            assert_eq!(server.requests_served(), 0);
            let mut got = Vec::new();
            let mut buf = vec![0; 64 * 1024];
            while heads(&got) < n {
                let k = rd.read(&mut buf).await.unwrap();
                assert!(k > 0);
                got.extend_from_slice(&buf[..k]);
            }
        };
        solio::gather!(write, read).await;
        assert_eq!(server.requests_served(), n);
        assert_eq!(server.most_answers_queued(), http::MAX_QUEUED);
        // The answers come in rounds of `MAX_QUEUED`: a round's requests are read once the previous
        // round's answers are written, and take 50 ms.
        let rounds = n.div_ceil(http::MAX_QUEUED) as u32;
        assert_eq!(start.elapsed(), Duration::from_millis(50) * rounds);
    });
}

#[test]
fn the_server_writes_answers_that_are_ready_together() {
    paused().block_on(async {
        let server = http::Server::start().await.unwrap();
        let mut stream = TcpStream::connect(server.addr()).await.unwrap();
        let requests = "GET /delay/10ms HTTP/1.1\r\n\r\n".repeat(50);
        stream.write_all(requests.as_bytes()).await.unwrap();
        // All 50 finish at 10 ms, in one scheduler turn: the answers come in one write, which loopback
        // hands over whole.
        let mut got = Vec::new();
        let mut buf = vec![0; 64 * 1024];
        let mut reads = 0;
        while heads(&got) < 50 {
            let n = stream.read(&mut buf).await.unwrap();
            got.extend_from_slice(&buf[..n]);
            reads += 1;
        }
        assert_eq!(reads, 1);
        assert_eq!(server.requests_served(), 50);
    });
}

// ---- the protocol on its own ---------------------------------------------------------------------

#[test]
fn parse_response_waits_for_whole_messages_at_every_split() {
    let stream = format!(
        "{}HTTP/1.1 404 Not Found\r\ncontent-length: 3\r\nX-Other: a:b\r\n\r\nnopHTTP/1.1 204 No Content\r\n\r\n{}",
        ok("first"),
        ok("a somewhat longer body, to cross more than one word of eight bytes")
    );
    let stream = stream.as_bytes();
    let mut all = Vec::new();
    let mut rest = stream;
    while let Some(parsed) = http::parse_response(rest, false).unwrap() {
        assert!(!parsed.close);
        all.push((parsed.message.status, parsed.message.body));
        rest = &rest[parsed.len..];
    }
    assert!(rest.is_empty());
    assert_eq!(
        all,
        [
            (200, "first".to_string()),
            (404, "nop".to_string()),
            (204, String::new()),
            (200, "a somewhat longer body, to cross more than one word of eight bytes".to_string()),
        ]
    );
    // Cut anywhere (two reads): the first part gives exactly the messages that end in it, and the rest
    // of them come once the second part is appended to what was left over.
    let mut ends = Vec::new();
    let mut end = 0;
    while let Some(parsed) = http::parse_response(&stream[end..], false).unwrap() {
        end += parsed.len;
        ends.push(end);
    }
    let parse_all = |buf: &mut Vec<u8>, got: &mut Vec<(u16, String)>| {
        while let Some(parsed) = http::parse_response(buf, false).unwrap() {
            got.push((parsed.message.status, parsed.message.body));
            buf.drain(..parsed.len);
        }
    };
    for cut in 0..=stream.len() {
        let mut buf = stream[..cut].to_vec();
        let mut got = Vec::new();
        parse_all(&mut buf, &mut got);
        assert_eq!(got.len(), ends.iter().filter(|&&end| end <= cut).count(), "cut at {cut}");
        buf.extend_from_slice(&stream[cut..]);
        parse_all(&mut buf, &mut got);
        assert!(buf.is_empty(), "cut at {cut}");
        assert_eq!(got, all, "cut at {cut}");
    }
}

#[test]
fn parse_response_edge_cases() {
    // No Content-Length: the body runs to the end of the stream, and the connection ends there.
    let raw = b"HTTP/1.1 200 OK\r\n\r\nuntil the end";
    assert!(http::parse_response(raw, false).unwrap().is_none());
    let parsed = http::parse_response(raw, true).unwrap().unwrap();
    assert_eq!((parsed.message.body.as_str(), parsed.close), ("until the end", true));
    // The server says it closes.
    let raw = b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
    assert!(http::parse_response(raw, false).unwrap().unwrap().close);
    // Not spoken here, or not HTTP.
    for bad in [
        &b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"[..],
        b"HTTP/1.1 2x0 OK\r\n\r\n",
        b"SMTP 220 hello\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nno colon\r\n\r\n",
        // A length whose sum with the head's overflows, and one just over the limit.
        b"HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551615\r\n\r\n",
        format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", http::MAX_BODY + 1).as_bytes(),
    ] {
        let error = http::parse_response(bad, false).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidData, "{}", String::from_utf8_lossy(bad));
    }
    // Header lines of every length, so every position of a line end within a word of eight is hit.
    let mut raw = String::from("HTTP/1.1 200 OK\r\n");
    for len in 0..40 {
        raw.push_str(&format!("X:{}\r\n", "v".repeat(len)));
    }
    raw.push_str("Content-Length: 2\r\n\r\nok");
    let parsed = http::parse_response(raw.as_bytes(), false).unwrap().unwrap();
    assert_eq!((parsed.message.body.as_str(), parsed.len), ("ok", raw.len()));
}

#[test]
fn parse_request_one_pipelined_request_at_a_time() {
    let raw = b"GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nconnection: Keep-Alive, Close\r\n\r\nGET /c HTTP/1.0\r\n\r\nGET /d HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /e HTTP/1.1\r\n";
    let mut rest = &raw[..];
    let mut got = Vec::new();
    while let Some(parsed) = http::parse_request(rest) {
        got.push((parsed.message.unwrap().to_string(), parsed.close));
        rest = &rest[parsed.len..];
    }
    let want = [("/a", false), ("/b", true), ("/c", true), ("/d", false)];
    assert_eq!(got, want.map(|(p, c)| (p.to_string(), c)));
    assert_eq!(rest, b"GET /e HTTP/1.1\r\n", "incomplete: left for the next read");

    // Another method gets 405 and the connection goes on; a path that is not UTF-8 is a bad request,
    // whatever the method, and closes it.
    let parsed = http::parse_request(b"POST /x HTTP/1.1\r\n\r\n").unwrap();
    assert_eq!((parsed.message.unwrap_err().0, parsed.close), (405, false));
    for raw in [&b"GET /\xff HTTP/1.1\r\n\r\n"[..], b"POST /\xff HTTP/1.1\r\n\r\n"] {
        let parsed = http::parse_request(raw).unwrap();
        assert_eq!((parsed.message.unwrap_err().0, parsed.close), (400, true));
    }
}

#[test]
fn a_pipeline_larger_than_the_socket_buffers_flows_both_ways() {
    paused().block_on(async {
        let server = http::Server::start().await.unwrap();
        let client = http::Client::new();
        // Megabytes each way, so that both sides find their socket buffers full while the other is
        // still writing: each keeps reading while its writes wait, or the pair would deadlock.
        let path = format!("/nothing/{}", "x".repeat(200));
        let url = server.url(&path);
        let n = 20_000;
        let results = timeout(Duration::from_secs(5), solio::gather((0..n).map(|_| client.get(&url))))
            .await
            .expect("no deadlock");
        assert!(results.iter().all(|r| r.as_ref().is_ok_and(|r| r.status == 404)));
        assert_eq!((server.connections_accepted(), server.requests_served()), (1, n));
    });
}
