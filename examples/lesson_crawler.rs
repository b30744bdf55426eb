//! Exercise: a web crawler — fetch a site's pages concurrently, each page once, a bounded number at once.
//!
//! Mirrors "Exercise 1: Web Crawler" of `003_110b421e7e6c0f11.txt` ("write an async crawler that fetches
//! multiple URLs concurrently"), built from that tutorial's parts: `gather` to fetch many pages at
//! once, a `Semaphore` to bound how many requests are in flight, and a `seen` set so no page is fetched
//! twice.
//!
//! The site is served on loopback by `support/http.rs`: nine linked pages, each answered after 100 ms,
//! one broken link (404) and one link to another site, which the crawler does not follow. The crawl
//! goes breadth first: every page of one depth at once (at most three requests in flight), then the
//! pages they link to.
//!
//! ```sh
//! cargo run --example lesson_crawler
//! ```

#[path = "support/http.rs"]
mod http;

use std::cell::Cell;
use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use solio::sync::Semaphore;
use solio::time::Instant;

const MAX_CONCURRENT: usize = 3;

/// The site: path → links on that page.
const SITE: [(&str, &[&str]); 8] = [
    ("/", &["/about", "/blog", "/docs"]),
    ("/about", &["/", "https://example.com/"]),
    ("/blog", &["/", "/blog/1", "/blog/2"]),
    ("/blog/1", &["/blog", "/blog/2", "/about"]),
    ("/blog/2", &["/blog", "/blog/1", "/docs/api"]),
    ("/docs", &["/", "/docs/start", "/docs/api", "/docs/old"]),
    ("/docs/start", &["/docs", "/docs/api"]),
    ("/docs/api", &["/docs", "/docs/start"]),
];

fn html(path: &str, links: &[&str]) -> String {
    let items: String = links.iter().map(|l| format!("<li><a href=\"{l}\">{l}</a></li>")).collect();
    format!("<html><head><title>{path}</title></head><body><ul>{items}</ul></body></html>")
}

/// The `href="…"` targets of a page.
fn links(page: &str) -> Vec<String> {
    page.split("href=\"").skip(1).filter_map(|rest| rest.split('"').next()).map(String::from).collect()
}

/// What fetching one page found.
struct Page {
    path: String,
    status: u16,
    links: Vec<String>,
}

/// Fetches one page, holding a permit of `limit` while the request is in flight.
async fn fetch(
    server: &http::Server,
    path: String,
    limit: &Semaphore,
    in_flight: &Cell<usize>,
    peak: &Cell<usize>,
) -> Page {
    let _permit = limit.acquire().await.expect("the semaphore is never closed");
    in_flight.set(in_flight.get() + 1);
    peak.set(peak.get().max(in_flight.get()));
    let response = http::get(&server.url(&path)).await;
    in_flight.set(in_flight.get() - 1);
    match response {
        Ok(r) if r.status == 200 => Page { path, status: 200, links: links(&r.body) },
        Ok(r) => Page { path, status: r.status, links: Vec::new() },
        Err(e) => {
            println!("  {path}: error: {e}");
            Page { path, status: 0, links: Vec::new() }
        }
    }
}

async fn main_async() {
    let pages: HashMap<String, String> =
        SITE.iter().map(|(path, links)| (path.to_string(), html(path, links))).collect();
    let server =
        http::Server::start_with_pages(pages, Duration::from_millis(100)).await.expect("start the site");

    println!("Crawling from / with at most {MAX_CONCURRENT} requests at once");
    let limit = Semaphore::new(MAX_CONCURRENT);
    let (in_flight, peak) = (Cell::new(0), Cell::new(0));
    let start = Instant::now();
    let mut seen: BTreeSet<String> = BTreeSet::from(["/".to_string()]);
    let mut frontier = vec!["/".to_string()];
    let mut external = BTreeSet::new();
    let mut depth = 0;
    while !frontier.is_empty() {
        let found =
            solio::gather(frontier.drain(..).map(|path| fetch(&server, path, &limit, &in_flight, &peak)))
                .await;
        println!("depth {depth}: {} pages, done at {} ms", found.len(), start.elapsed().as_millis());
        let mut next = BTreeSet::new();
        for page in &found {
            println!("  {} -> {}, {} links", page.path, page.status, page.links.len());
            for link in &page.links {
                if !link.starts_with('/') {
                    external.insert(link.clone());
                } else if seen.insert(link.clone()) {
                    next.insert(link.clone()); // new: crawl it at the next depth
                }
            }
        }
        frontier.extend(next);
        depth += 1;
    }
    println!(
        "Crawled {} pages in {} ms; the server answered {} requests, so no page twice",
        seen.len(),
        start.elapsed().as_millis(),
        server.requests_served()
    );
    println!("At most {} requests were in flight at once", peak.get());
    println!("Not followed (other sites): {}", external.into_iter().collect::<Vec<_>>().join(", "));
}

fn main() {
    solio::run(main_async())
}
