//! Lesson: async HTTP requests — fetching many URLs concurrently (aiohttp / httpx).
//!
//! Mirrors "Async HTTP Requests with aiohttp" in `001_c31585d46506d196.txt` (ten `httpbin.org/delay/{i % 3}`
//! URLs fetched with `gather(..., return_exceptions=True)`, status and length printed per URL), the httpx
//! `fetch_all` of `002_cec8404425c8aefd.txt`, section 9 of `003_110b421e7e6c0f11.txt`, and `safe_fetch`
//! (a timeout and a client error caught) of `004_b6df50e6339effad.txt`.
//!
//! Instead of httpbin.org, a small HTTP/1.1 server on loopback (`support/http.rs`) answers
//! `/delay/{n}` after n seconds and `/status/{code}` with that code. Two URLs fail on purpose: one
//! answers 500, one points at a port nobody listens on (connection refused). aiohttp's `ClientSession`
//! becomes `http::Client`: like a session it keeps connections open across requests, but unlike aiohttp's
//! pool (several connections per host, one request at a time on each) it pipelines: the concurrent
//! requests to the server share one connection and are answered in order.
//!
//! ```sh
//! cargo run --example lesson_http
//! ```

#[path = "support/http.rs"]
mod http;

use std::io;
use std::time::Duration;

use solio::time::{Instant, timeout};

/// Fetches one URL with the session: its status and the length of its body (aiohttp's `fetch_url`).
async fn fetch_url(session: &http::Client, url: &str) -> io::Result<(u16, usize)> {
    let response = session.get(url).await?;
    Ok((response.status, response.body.len()))
}

/// `safe_fetch`: a session of its own; a timeout and a client error become a message and `None`.
async fn safe_fetch(url: &str, path: &str) -> Option<String> {
    let session = http::Client::new();
    match timeout(Duration::from_secs(3), session.get(url)).await {
        Ok(Ok(response)) => Some(response.body),
        Ok(Err(e)) => {
            println!("Client error: {}", e.kind());
            None
        }
        Err(_) => {
            println!("Timeout fetching {path}");
            None
        }
    }
}

async fn main_async() {
    let server = http::Server::start().await.expect("start the loopback server");

    // A port nobody listens on: bind one, note it, close it.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("free port");

    // Fetch 10 URLs concurrently instead of sequentially, plus two that fail.
    let mut paths: Vec<String> = (0..10).map(|i| format!("/delay/{}", i % 3)).collect();
    paths.push("/status/500".to_string());
    let mut urls: Vec<String> = paths.iter().map(|p| server.url(p)).collect();
    paths.push("/refused".to_string());
    urls.push(format!("http://{closed}/refused"));

    let start = Instant::now();
    // Like `gather(..., return_exceptions=True)`: every result comes back, errors included, in input
    // order.
    let session = http::Client::new();
    let results = solio::gather(urls.iter().map(|url| fetch_url(&session, url))).await;
    for (path, result) in paths.iter().zip(&results) {
        match result {
            Ok((status, length)) => println!("{path}: {status} ({length} bytes)"),
            Err(e) => println!("{path}: error: {}", e.kind()),
        }
    }
    println!("Fetched {} URLs in {:.2?} (the slowest answers after 2 s)", urls.len(), start.elapsed());

    // Error handling: a timeout and a client error, each reported, neither fatal.
    let start = Instant::now();
    let slow = safe_fetch(&server.url("/delay/10"), "/delay/10").await;
    let refused = safe_fetch(&format!("http://{closed}/"), "/").await;
    println!("safe_fetch returned {:?} and {:?} after {:.2?}", slow, refused, start.elapsed());
}

fn main() {
    solio::run(main_async())
}
