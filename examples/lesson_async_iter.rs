//! Lesson: async iteration — an async iterator (`AsyncCounter`), an async generator (`async_range`) and
//! async comprehensions.
//!
//! Mirrors `000_7a59b8a5099f8c89.txt` ("Async Iterator": `AsyncCounter`) and `001_c31585d46506d196.txt`
//! ("Async Generators": `async_range` and `[num async for num in ...]`), and the paginating generator
//! `fetch_pages` of `002_cec8404425c8aefd.txt` ("Async Iterators", which leaves `fetch_page` open: here
//! three pages of items, then an empty one); `003_110b421e7e6c0f11.txt` ("8. Async Iterators") shows
//! the same two forms.
//!
//! Rust's `async for` is a `Stream` and `while let Some(x) = stream.next().await`. `__anext__` becomes
//! `poll_next`; an async generator is written with `solio::stream::generate`; a comprehension is
//! `StreamExt`'s `filter` / `map` / `collect`.
//!
//! ```sh
//! cargo run --example lesson_async_iter
//! ```

use std::future::Future;
use std::pin::{Pin, pin};
use std::task::{Context, Poll, ready};
use std::time::Duration;

use futures_lite::{Stream, StreamExt};
use solio::stream::generate;
use solio::time::{Sleep, sleep};

// An async iterator: a struct with `__anext__`, here `Stream::poll_next`.
struct AsyncCounter {
    max_count: u32,
    current: u32,
    delay: Option<Pin<Box<Sleep>>>,
}

impl AsyncCounter {
    fn new(max_count: u32) -> AsyncCounter {
        AsyncCounter { max_count, current: 0, delay: None }
    }
}

impl Stream for AsyncCounter {
    type Item = u32;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<u32>> {
        if self.current >= self.max_count {
            return Poll::Ready(None); // raise StopAsyncIteration
        }
        // await asyncio.sleep(0.5): keep the timer between polls until it fires.
        let delay = self.delay.get_or_insert_with(|| Box::pin(sleep(Duration::from_millis(500))));
        ready!(delay.as_mut().poll(cx));
        self.delay = None;
        self.current += 1;
        Poll::Ready(Some(self.current))
    }
}

// An async generator: numbers from start to stop, each after `delay`.
fn async_range(start: u32, stop: u32, delay: Duration) -> impl Stream<Item = u32> {
    generate(move |mut co| async move {
        for i in start..stop {
            sleep(delay).await;
            co.yield_(i).await;
        }
    })
}

// A paginated API: pages 1 to 3 hold items, page 4 is empty.
async fn fetch_page(page: u32) -> Vec<u32> {
    sleep(Duration::from_millis(100)).await;
    match page {
        1 => vec![1, 2, 3],
        2 => vec![4, 5, 6],
        3 => vec![7],
        _ => vec![],
    }
}

// An async generator that walks the pages until an empty one.
fn fetch_pages() -> impl Stream<Item = Vec<u32>> {
    generate(|mut co| async move {
        let mut page = 1;
        loop {
            let data = fetch_page(page).await;
            if data.is_empty() {
                break;
            }
            co.yield_(data).await;
            page += 1;
        }
    })
}

async fn main_async() {
    // async for num in AsyncCounter(5)
    let mut counter = AsyncCounter::new(5);
    while let Some(num) = counter.next().await {
        println!("Count: {num}");
    }

    // async for num in async_range(0, 10, 0.2)
    let mut numbers = pin!(async_range(0, 10, Duration::from_millis(200)));
    while let Some(num) = numbers.next().await {
        println!("Got: {num}");
    }

    // Async comprehension: [num async for num in async_range(0, 5)]
    let values: Vec<u32> = async_range(0, 5, Duration::from_millis(100)).collect().await;
    println!("Values: {values:?}");

    // With a condition and a transformation: [num * num async for num in async_range(0, 10) if num % 2 == 0]
    let even_squares: Vec<u32> = async_range(0, 10, Duration::from_millis(100))
        .filter(|num| num % 2 == 0)
        .map(|num| num * num)
        .collect()
        .await;
    println!("Even squares: {even_squares:?}");

    // async for page in fetch_pages(): process(page)
    let mut pages = pin!(fetch_pages());
    while let Some(page) = pages.next().await {
        println!("Processing page: {page:?}");
    }
}

fn main() {
    solio::run(main_async())
}
