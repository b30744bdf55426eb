//! Lesson: `asyncio.Queue` — a producer and three consumers; `task_done` after each item, `join` to wait
//! until every item is processed, then the consumers are cancelled.
//!
//! Mirrors `002_cec8404425c8aefd.txt` ("Queue - Producer/Consumer"). The tutorial leaves `items` and
//! `process` open; here the producer puts items 1 to 6 and processing one takes 1 s, so the three
//! consumers clear the queue in 2 s.
//!
//! ```sh
//! cargo run --example lesson_queue
//! ```

use std::rc::Rc;
use std::time::Duration;

use solio::sync::Queue;
use solio::time::{Instant, sleep};

async fn producer(queue: Rc<Queue<u32>>) {
    for item in 1..=6 {
        queue.put(item).await.expect("the queue is never shut down");
        println!("Produced item {item}");
    }
}

async fn process(consumer: usize, item: u32) {
    sleep(Duration::from_secs(1)).await;
    println!("Consumer {consumer} processed item {item}");
}

async fn consumer(id: usize, queue: Rc<Queue<u32>>) {
    loop {
        let item = queue.get().await.expect("the queue is never shut down");
        process(id, item).await;
        queue.task_done().expect("one task_done per item taken");
    }
}

async fn main_async() {
    let start = Instant::now();
    let queue = Rc::new(Queue::new());

    let producers = vec![solio::spawn(producer(queue.clone()))];
    let consumers: Vec<_> = (0..3).map(|id| solio::spawn(consumer(id, queue.clone()))).collect();

    solio::gather(producers).await;
    queue.join().await; // Wait for all items processed
    println!("All items processed after {:.1}s", start.elapsed().as_secs_f64());

    for c in &consumers {
        c.abort();
    }
    let mut cancelled = 0;
    for c in consumers {
        if c.await.is_err_and(|e| e.is_cancelled()) {
            cancelled += 1;
        }
    }
    println!("Consumers cancelled: {cancelled}");
}

fn main() {
    solio::run(main_async())
}
