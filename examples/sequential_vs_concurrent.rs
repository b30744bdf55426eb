//! Sequential vs concurrent: the first lesson of every asyncio tutorial.
//!
//! N simulated requests, each taking LATENCY, are run one after the other and then all at once. The
//! sequential run takes about N × LATENCY, the concurrent one about LATENCY. Each run is drawn as a
//! timeline: one bar per request on a common time axis.
//!
//! ```sh
//! cargo run --release --example sequential_vs_concurrent -- --requests 10 --latency-ms 200
//! ```

use std::process::ExitCode;
use std::time::Duration;

use solio::time::{Instant, sleep};

struct Options {
    requests: usize,
    latency: Duration,
}

const USAGE: &str = "\
usage: sequential_vs_concurrent [--requests N] [--latency-ms MS]

Runs N simulated requests of MS milliseconds each, first sequentially, then concurrently,
and draws both as timelines.

  --requests N     number of requests, 1..=1000 (default 10)
  --latency-ms MS  latency of one request in milliseconds, 1..=10000 (default 200)
  -h, --help       show this help";

fn parse(args: &[String]) -> Result<Option<Options>, String> {
    let mut opts = Options { requests: 10, latency: Duration::from_millis(200) };
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
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Some(opts))
}

/// One simulated request: waits `latency` and reports when it started and ended, relative to `t0`.
async fn request(t0: Instant, latency: Duration) -> (Duration, Duration) {
    let start = t0.elapsed();
    sleep(latency).await;
    (start, t0.elapsed())
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

async fn compare(opts: &Options) -> (Duration, Duration) {
    let t0 = Instant::now();
    let mut spans = Vec::with_capacity(opts.requests);
    for _ in 0..opts.requests {
        spans.push(request(t0, opts.latency).await);
    }
    let sequential = t0.elapsed();
    draw("sequential", &spans, sequential);

    let t0 = Instant::now();
    let handles: Vec<_> = (0..opts.requests).map(|_| solio::spawn(request(t0, opts.latency))).collect();
    let mut spans = Vec::with_capacity(opts.requests);
    for h in handles {
        spans.push(h.await.expect("request task"));
    }
    let concurrent = t0.elapsed();
    draw("concurrent", &spans, concurrent);
    (sequential, concurrent)
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
    println!("{} requests of {:?} each", opts.requests, opts.latency);
    let (sequential, concurrent) = solio::run(compare(&opts));
    println!(
        "sequential {:.2?}, concurrent {:.2?}: {:.1}x faster",
        sequential,
        concurrent,
        sequential.as_secs_f64() / concurrent.as_secs_f64()
    );
    ExitCode::SUCCESS
}
