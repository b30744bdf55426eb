//! Sequential vs concurrent: the first lesson of every asyncio tutorial.
//!
//! N requests, each taking LATENCY, are run one after the other and then all at once (`gather`),
//! twice: first simulated (each request is a `sleep`), then real (each request is an HTTP GET over
//! loopback to a server this program starts, which answers after LATENCY; the requests share one
//! kept-alive connection, the concurrent ones pipelined on it). The sequential run takes
//! about N × LATENCY, the concurrent one about LATENCY (or ⌈N / LIMIT⌉ × LATENCY with a concurrency
//! limit, enforced by a `Semaphore`). Each run is drawn as a timeline, the comparison diagram of the
//! tutorials: one bar per request on a common time axis; then the totals and the speedup.
//!
//! ```sh
//! cargo run --release --example sequential_vs_concurrent -- --requests 10 --latency-ms 200
//! ```

#[path = "support/http.rs"]
mod http;

use std::io;
use std::process::ExitCode;
use std::time::Duration;

use solio::sync::Semaphore;
use solio::time::{Instant, sleep};

struct Options {
    requests: usize,
    latency: Duration,
    /// At most this many requests in flight in the concurrent runs; `None`: all of them.
    concurrency: Option<usize>,
}

const USAGE: &str = "\
usage: sequential_vs_concurrent [--requests N] [--latency-ms MS] [--concurrency K]

Runs N requests of MS milliseconds each, first sequentially, then concurrently, and draws both
as timelines; twice: simulated (each request sleeps MS) and real (each request is an HTTP GET
to a server on 127.0.0.1 that this program starts, which answers after MS). Prints each mode's
totals and the speedup.

  --requests N     number of requests, 1..=1000 (default 10)
  --latency-ms MS  latency of one request in milliseconds, 1..=10000 (default 200)
  --concurrency K  at most K requests at once in the concurrent runs, 1..=1000
                   (default: no limit, all N at once)
  -h, --help       show this help

Exit status: 0 when done, 2 for a bad option (with a message), 1 if a request fails.";

fn parse(args: &[String]) -> Result<Option<Options>, String> {
    let mut opts = Options { requests: 10, latency: Duration::from_millis(200), concurrency: None };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str, max: u64| -> Result<u64, String> {
            let v = it.next().ok_or_else(|| format!("{name} needs a value"))?;
            match v.parse::<u64>() {
                Ok(n) if (1..=max).contains(&n) => Ok(n),
                _ => Err(format!("{name} must be a whole number from 1 to {max}, got {v:?}")),
            }
        };
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--requests" => opts.requests = value("--requests", 1000)? as usize,
            "--latency-ms" => opts.latency = Duration::from_millis(value("--latency-ms", 10_000)?),
            "--concurrency" => opts.concurrency = Some(value("--concurrency", 1000)? as usize),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Some(opts))
}

/// Runs one request and reports when it started and ended, relative to `t0`.
async fn timed(
    t0: Instant,
    request: impl Future<Output = io::Result<()>>,
) -> io::Result<(Duration, Duration)> {
    let start = t0.elapsed();
    request.await?;
    Ok((start, t0.elapsed()))
}

/// A simulated request: it just takes `latency`.
async fn simulated(latency: Duration) -> io::Result<()> {
    sleep(latency).await;
    Ok(())
}

/// A real request: `GET url` on the client's connection, which must answer 200.
async fn real(client: &http::Client, url: &str) -> io::Result<()> {
    let response = client.get(url).await?;
    if response.status != 200 {
        return Err(io::Error::other(format!("{url} answered {}", response.status)));
    }
    Ok(())
}

fn draw(title: &str, spans: &[(Duration, Duration)], total: Duration) {
    const WIDTH: f64 = 50.0;
    println!("{title} (total {:.2?})", total);
    let scale = WIDTH / total.as_secs_f64().max(f64::EPSILON);
    for (i, (start, end)) in spans.iter().enumerate() {
        let from = (start.as_secs_f64() * scale).round() as usize;
        let to = ((end.as_secs_f64() * scale).round() as usize).max(from + 1);
        println!("  req {:>3} |{}{}", i + 1, " ".repeat(from), "#".repeat(to - from));
    }
}

/// Runs the requests sequentially, then concurrently (at most `opts.concurrency` at once), drawing
/// each run; returns both totals.
async fn compare<F, Fut>(mode: &str, opts: &Options, request: F) -> io::Result<(Duration, Duration)>
where
    F: Fn() -> Fut,
    Fut: Future<Output = io::Result<()>>,
{
    let t0 = Instant::now();
    let mut spans = Vec::with_capacity(opts.requests);
    for _ in 0..opts.requests {
        spans.push(timed(t0, request()).await?);
    }
    let sequential = t0.elapsed();
    draw(&format!("{mode}, sequential"), &spans, sequential);

    let limit = Semaphore::new(opts.concurrency.unwrap_or(opts.requests));
    let t0 = Instant::now();
    let spans = solio::try_gather((0..opts.requests).map(|_| async {
        let _permit = limit.acquire().await.expect("the semaphore is never closed");
        timed(t0, request()).await
    }))
    .await?;
    let concurrent = t0.elapsed();
    draw(&format!("{mode}, concurrent"), &spans, concurrent);
    println!(
        "{mode}: sequential {:.2?}, concurrent {:.2?}: {:.1}x faster",
        sequential,
        concurrent,
        sequential.as_secs_f64() / concurrent.as_secs_f64()
    );
    Ok((sequential, concurrent))
}

async fn both_modes(opts: &Options) -> io::Result<()> {
    compare("simulated", opts, || simulated(opts.latency)).await?;
    let server = http::Server::start().await?;
    let url = server.url(&format!("/delay/{}ms", opts.latency.as_millis()));
    let client = http::Client::new();
    compare("real HTTP", opts, || real(&client, &url)).await?;
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let opts = match parse(&args) {
        Ok(Some(opts)) => opts,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(msg) => {
            eprintln!("error: {msg}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match opts.concurrency {
        Some(k) => println!("{} requests of {:?} each, at most {k} at once", opts.requests, opts.latency),
        None => println!("{} requests of {:?} each", opts.requests, opts.latency),
    }
    if let Err(e) = solio::run(both_modes(&opts)) {
        eprintln!("error: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
