//! Exercise: a rate limiter — at most N requests per second, however many callers want to go at once.
//!
//! Mirrors "Exercise 3: Rate Limiter" of `003_110b421e7e6c0f11.txt` ("write an async function that
//! limits requests per second"), built from the tutorials' `Semaphore`: the limiter holds N permits;
//! each request takes one for good and gives it back one second later. So no one-second window ever
//! holds more than N requests.
//!
//! Twelve requests to the loopback HTTP server (`support/http.rs`) all start at once; at 5 per second
//! they go out in bursts at 0, 1 and 2 s. The timestamps prove it.
//!
//! ```sh
//! cargo run --example lesson_rate_limiter
//! ```

#[path = "support/http.rs"]
mod http;

use std::rc::Rc;
use std::time::Duration;

use solio::sync::Semaphore;
use solio::time::{Instant, sleep};

/// At most `rate` acquisitions in any window of `per`.
struct RateLimiter {
    permits: Rc<Semaphore>,
    per: Duration,
}

impl RateLimiter {
    fn new(rate: usize, per: Duration) -> RateLimiter {
        RateLimiter { permits: Rc::new(Semaphore::new(rate)), per }
    }

    /// Waits for a slot; the slot comes free again `per` after it was taken.
    async fn acquire(&self) {
        let permit = self.permits.acquire().await.expect("the semaphore is never closed");
        permit.forget();
        let (permits, per) = (self.permits.clone(), self.per);
        let _refill = solio::spawn(async move {
            sleep(per).await;
            permits.add_permits(1);
        });
    }
}

/// One rate-limited request: returns when it was sent (ms since `t0`) and the status.
async fn limited_get(limiter: &RateLimiter, url: &str, t0: Instant) -> (u128, u16) {
    limiter.acquire().await;
    let sent = t0.elapsed().as_millis();
    let status = match http::get(url).await {
        Ok(response) => response.status,
        Err(e) => panic!("request failed: {e}"),
    };
    (sent, status)
}

async fn main_async() {
    let server = http::Server::start().await.expect("start the loopback server");
    let limiter = RateLimiter::new(5, Duration::from_secs(1));
    println!("12 requests, at most 5 per second");

    let t0 = Instant::now();
    let urls: Vec<String> =
        (1..=12).map(|i| server.url(&format!("/status/{}", if i == 7 { 503 } else { 200 }))).collect();
    let results = solio::gather(urls.iter().map(|url| limited_get(&limiter, url, t0))).await;
    for (i, (sent, status)) in results.iter().enumerate() {
        println!("request {:2} sent at {sent:4} ms -> {status}", i + 1);
    }

    // The proof: count the requests in every one-second window that starts at a request.
    let times: Vec<u128> = results.iter().map(|(sent, _)| *sent).collect();
    let busiest =
        times.iter().map(|&from| times.iter().filter(|&&t| t >= from && t < from + 1000).count()).max();
    println!("Busiest one-second window: {} requests", busiest.unwrap_or(0));
    println!("All done after {} ms", t0.elapsed().as_millis());
}

fn main() {
    solio::run(main_async())
}
