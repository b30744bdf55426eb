//! Benchmarks for the combinators: `solio::gather` against futures' `join_all` and `FuturesUnordered`.
//!
//! Every peer runs on solio's runtime, inside one `block_on` per iteration, so the rows compare the
//! combinators on the same executor. Ids are `"<case>/<peer>"`:
//!
//! * `gather_ready`: 10,000 futures that are ready at their first poll.
//! * `gather_yield`: 10,000 futures that each yield 10 times (`solio::yield_now()`), so every round wakes
//!   every child: 110,000 child polls and 100,000 wakes per iteration.
//!
//! `join_all` switches to `FuturesOrdered` (over `FuturesUnordered`) above 30 futures; the
//! `FuturesUnordered` row collects in completion order into a `Vec`.
//!
//! Run with `cargo bench --bench combinators`.

// `criterion_group!` defines an undocumented `pub fn`.
#![allow(missing_docs)]

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use futures::StreamExt;
use futures::stream::FuturesUnordered;

const N: usize = 10_000;
const YIELDS: usize = 10;

async fn ready(i: usize) -> usize {
    i
}

async fn yielding(i: usize) -> usize {
    for _ in 0..YIELDS {
        solio::yield_now().await;
    }
    i
}

fn bench_case<F, Fut>(c: &mut Criterion, case: &str, make: F)
where
    F: Fn(usize) -> Fut + Copy,
    Fut: std::future::Future<Output = usize>,
{
    let rt = solio::Runtime::new().expect("solio runtime");
    let mut g = c.benchmark_group(case);
    g.bench_function(BenchmarkId::from_parameter("solio"), |b| {
        b.iter(|| {
            let out = rt.block_on(solio::gather((0..N).map(make)));
            assert_eq!(out.len(), N);
        })
    });
    g.bench_function(BenchmarkId::from_parameter("join_all"), |b| {
        b.iter(|| {
            let out = rt.block_on(futures::future::join_all((0..N).map(make)));
            assert_eq!(out.len(), N);
        })
    });
    g.bench_function(BenchmarkId::from_parameter("futures_unordered"), |b| {
        b.iter(|| {
            let out: Vec<usize> = rt.block_on((0..N).map(make).collect::<FuturesUnordered<_>>().collect());
            assert_eq!(out.len(), N);
        })
    });
    g.finish();
}

fn gather_ready(c: &mut Criterion) {
    bench_case(c, "gather_ready", ready);
}

fn gather_yield(c: &mut Criterion) {
    bench_case(c, "gather_yield", yielding);
}

criterion_group!(benches, gather_ready, gather_yield);
criterion_main!(benches);
