//! Benchmarks for `solio::sync`: semaphores and queues against tokio's (on its current-thread runtime)
//! and async-channel.
//!
//! Each group holds the peers side by side, with ids `"<case>/<peer>"`:
//!
//! * `semaphore_uncontended`, `semaphore_contended`: six futures joined in one `block_on`, each
//!   acquiring and releasing one permit of a `Semaphore(10)` / `Semaphore(5)`, as in tokio's
//!   `sync_semaphore` bench (`futures::join!` for every peer, so the join costs the same).
//! * `semaphore_tasks`: 10,000 spawned tasks through a `Semaphore(100)`, each holding its permit across
//!   one yield.
//! * `queue_spsc`: 100,000 items from one producer task to the consumer over a queue bounded at 100.
//! * `queue_mpsc`: 5 producer tasks × 1,000 items to one consumer over a queue bounded at 100.
//!
//! tokio runs on its own current-thread runtime; async-channel runs on solio's runtime, so its rows
//! compare the channels on the same executor.
//!
//! Run with `cargo bench --bench sync`.

// `criterion_group!` defines an undocumented `pub fn`.
#![allow(missing_docs)]

use std::rc::Rc;
use std::sync::Arc;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

const SPSC_ITEMS: usize = 100_000;
const MPSC_PRODUCERS: usize = 5;
const MPSC_ITEMS: usize = 1_000;
const QUEUE_CAPACITY: usize = 100;
const TASKS: usize = 10_000;

fn solio_rt() -> solio::Runtime {
    solio::Runtime::new().expect("solio runtime")
}

fn tokio_rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().build().expect("tokio runtime")
}

fn semaphore_joined(c: &mut Criterion) {
    for (group, permits) in [("semaphore_uncontended", 10), ("semaphore_contended", 5)] {
        let mut g = c.benchmark_group(group);

        let rt = solio_rt();
        let sem = solio::sync::Semaphore::new(permits);
        g.bench_function(BenchmarkId::from_parameter("solio"), |b| {
            async fn task(sem: &solio::sync::Semaphore) {
                drop(sem.acquire().await.unwrap());
            }
            b.iter(|| {
                rt.block_on(async {
                    futures::join!(task(&sem), task(&sem), task(&sem), task(&sem), task(&sem), task(&sem))
                })
            });
        });

        let rt = tokio_rt();
        let sem = Arc::new(tokio::sync::Semaphore::new(permits));
        g.bench_function(BenchmarkId::from_parameter("tokio"), |b| {
            async fn task(sem: Arc<tokio::sync::Semaphore>) {
                drop(sem.acquire().await.unwrap());
            }
            b.iter(|| {
                rt.block_on(async {
                    futures::join!(
                        task(sem.clone()),
                        task(sem.clone()),
                        task(sem.clone()),
                        task(sem.clone()),
                        task(sem.clone()),
                        task(sem.clone())
                    )
                })
            });
        });
        g.finish();
    }
}

fn semaphore_tasks(c: &mut Criterion) {
    let mut g = c.benchmark_group("semaphore_tasks");
    g.sample_size(20);

    let rt = solio_rt();
    g.bench_function(BenchmarkId::from_parameter("solio"), |b| {
        b.iter(|| {
            rt.block_on(async {
                let sem = Rc::new(solio::sync::Semaphore::new(100));
                let handles: Vec<_> = (0..TASKS)
                    .map(|_| {
                        let sem = sem.clone();
                        solio::spawn(async move {
                            let _permit = sem.acquire_owned().await.unwrap();
                            solio::yield_now().await;
                        })
                    })
                    .collect();
                for handle in handles {
                    handle.await.unwrap();
                }
            })
        });
    });

    let rt = tokio_rt();
    g.bench_function(BenchmarkId::from_parameter("tokio"), |b| {
        b.iter(|| {
            rt.block_on(async {
                let sem = Arc::new(tokio::sync::Semaphore::new(100));
                let handles: Vec<_> = (0..TASKS)
                    .map(|_| {
                        let sem = sem.clone();
                        tokio::spawn(async move {
                            let _permit = sem.acquire_owned().await.unwrap();
                            tokio::task::yield_now().await;
                        })
                    })
                    .collect();
                for handle in handles {
                    handle.await.unwrap();
                }
            })
        });
    });
    g.finish();
}

/// `producers` tasks each put `0..items` into a solio `Queue` bounded at `QUEUE_CAPACITY`; the consumer
/// gets every item and returns their sum.
async fn solio_queue(producers: usize, items: usize) -> usize {
    let queue = Rc::new(solio::sync::Queue::bounded(QUEUE_CAPACITY));
    let producers: Vec<_> = (0..producers)
        .map(|_| {
            let queue = queue.clone();
            solio::spawn(async move {
                for i in 0..items {
                    queue.put(i).await.unwrap();
                }
            })
        })
        .collect();
    let mut sum = 0;
    for _ in 0..producers.len() * items {
        sum += queue.get().await.unwrap();
    }
    for producer in producers {
        producer.await.unwrap();
    }
    sum
}

/// [`solio_queue`] with a tokio `mpsc` channel and `tokio::spawn`, inside a tokio runtime.
async fn tokio_queue(producers: usize, items: usize) -> usize {
    let (tx, mut rx) = tokio::sync::mpsc::channel(QUEUE_CAPACITY);
    let producers: Vec<_> = (0..producers)
        .map(|_| {
            let tx = tx.clone();
            tokio::spawn(async move {
                for i in 0..items {
                    tx.send(i).await.unwrap();
                }
            })
        })
        .collect();
    let mut sum = 0;
    for _ in 0..producers.len() * items {
        sum += rx.recv().await.unwrap();
    }
    for producer in producers {
        producer.await.unwrap();
    }
    sum
}

/// [`solio_queue`] with an async-channel bounded channel, inside a solio runtime.
async fn async_channel_queue(producers: usize, items: usize) -> usize {
    let (tx, rx) = async_channel::bounded(QUEUE_CAPACITY);
    let producers: Vec<_> = (0..producers)
        .map(|_| {
            let tx = tx.clone();
            solio::spawn(async move {
                for i in 0..items {
                    tx.send(i).await.unwrap();
                }
            })
        })
        .collect();
    let mut sum = 0;
    for _ in 0..producers.len() * items {
        sum += rx.recv().await.unwrap();
    }
    for producer in producers {
        producer.await.unwrap();
    }
    sum
}

/// One queue group, `producers` × `items` items through each peer.
fn queue_group(c: &mut Criterion, name: &str, producers: usize, items: usize, samples: usize) {
    let mut g = c.benchmark_group(name);
    g.sample_size(samples);
    let solio = solio_rt();
    g.bench_function(BenchmarkId::from_parameter("solio"), |b| {
        b.iter(|| solio.block_on(solio_queue(producers, items)))
    });
    let tokio = tokio_rt();
    g.bench_function(BenchmarkId::from_parameter("tokio"), |b| {
        b.iter(|| tokio.block_on(tokio_queue(producers, items)))
    });
    g.bench_function(BenchmarkId::from_parameter("async-channel"), |b| {
        b.iter(|| solio.block_on(async_channel_queue(producers, items)))
    });
    g.finish();
}

fn queue_spsc(c: &mut Criterion) {
    queue_group(c, "queue_spsc", 1, SPSC_ITEMS, 20);
}

fn queue_mpsc(c: &mut Criterion) {
    // Criterion's default sample size.
    queue_group(c, "queue_mpsc", MPSC_PRODUCERS, MPSC_ITEMS, 100);
}

criterion_group!(benches, semaphore_joined, semaphore_tasks, queue_spsc, queue_mpsc);
criterion_main!(benches);
