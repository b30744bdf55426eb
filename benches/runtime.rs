//! solio against its peers on the same single-threaded, `!Send` workloads.
//!
//! One criterion group per workload; in each, one benchmark per runtime, so the report reads
//! `spawn_many/solio` next to `spawn_many/tokio`, `spawn_many/async-executor` and `spawn_many/futures`.
//! The workloads follow tokio's `benches/rt_current_thread.rs` and `benches/rt_multi_threaded.rs`, and
//! async-executor's `benches/local_executor.rs`:
//!
//! | workload | what one iteration does |
//! |---|---|
//! | `spawn_one` | `block_on` a future that spawns one empty task and joins it |
//! | `spawn_many` | spawns 25,000 empty tasks, then joins them all |
//! | `yield_many` | 300 tasks that each yield 300 times, all joined |
//! | `chained_spawn` | a chain of 1,000 tasks, each spawning the next; the last one signals |
//! | `ping_pong` | 1,000 round trips, each a pair of tasks exchanging two oneshot messages |
//! | `timers_register_drop` | 100,000 sleeps created, each polled once (registered), then all dropped |
//! | `timers_concurrent` | 10,000 tasks each sleeping `i % 10 + 1` ms on the real clock, all joined |
//!
//! The peers, all on one thread with tasks that need not be `Send`:
//! - `tokio`: a current-thread runtime with a `LocalSet` (`spawn_local`), `tokio::sync::oneshot`,
//!   `tokio::time::sleep`;
//! - `async-executor`: a `LocalExecutor` driven by `futures_lite::future::block_on`, or by
//!   `async_io::block_on` for the timer workloads (timers are `async_io::Timer`), with
//!   `futures::channel::oneshot`;
//! - `futures`: a `LocalPool` and its `LocalSpawner`, with `futures::channel::oneshot`; it has no timers.
//!
//! Every workload is written once, generic over [`Peer`], so the shapes are the same by construction.
//! Each runtime is built once per group, outside the timed loop; an iteration measures the workload only.
//!
//! Run with `cargo bench --bench runtime` (about 3 minutes); one group with
//! `cargo bench --bench runtime -- spawn_many`.

use std::cell::Cell;
use std::fmt::Debug;
use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

use async_executor::LocalExecutor;
use criterion::measurement::WallTime;
use criterion::{Bencher, BenchmarkGroup, Criterion, SamplingMode};
use futures::executor::{LocalPool, LocalSpawner};
use futures::future::RemoteHandle;
use futures::task::LocalSpawnExt;

/// Tasks spawned by `spawn_many`.
const SPAWN_MANY: usize = 25_000;
/// Tasks in `yield_many`, each yielding [`YIELDS`] times.
const YIELD_TASKS: usize = 300;
/// Yields per task in `yield_many`.
const YIELDS: usize = 300;
/// Length of the chain in `chained_spawn`.
const CHAIN: usize = 1_000;
/// Round trips in `ping_pong`.
const PINGS: usize = 1_000;
/// Sleeps registered and dropped by `timers_register_drop`.
const TIMERS: usize = 100_000;
/// Sleeping tasks in `timers_concurrent`.
const SLEEPERS: usize = 10_000;

// ---------------------------------------------------------------------------------------------------
// What a workload needs from a runtime.
// ---------------------------------------------------------------------------------------------------

/// A single-threaded runtime, seen through the operations the workloads use.
trait Peer: 'static {
    /// The benchmark id within a group.
    const NAME: &'static str;
    /// What a task needs in order to spawn: `()` for runtimes with a thread-local context.
    type Spawner: Clone + 'static;
    /// Awaits a spawned task's output (panicking if the task failed).
    type JoinHandle<T: 'static>: Future<Output = T> + 'static;
    /// The sending half of a oneshot channel.
    type Sender<T: 'static>: 'static;
    /// The receiving half of a oneshot channel (panicking if the sender was dropped).
    type Receiver<T: 'static>: Future<Output = T> + 'static;

    /// A spawner to move into tasks.
    fn spawner(&self) -> Self::Spawner;
    /// Runs `future` to completion, driving the spawned tasks meanwhile.
    fn block_on<F: Future>(&mut self, future: F) -> F::Output;
    /// Spawns a task whose output is awaited.
    fn spawn<F>(spawner: &Self::Spawner, future: F) -> Self::JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static;
    /// Spawns a task nobody joins.
    fn spawn_detached<F: Future<Output = ()> + 'static>(spawner: &Self::Spawner, future: F);
    /// Lets the other ready tasks run first.
    fn yield_now() -> impl Future<Output = ()> + 'static;
    /// A oneshot channel.
    fn oneshot<T: 'static>() -> (Self::Sender<T>, Self::Receiver<T>);
    /// Sends on a oneshot channel (panicking if the receiver is gone).
    fn send<T: 'static>(tx: Self::Sender<T>, value: T);
}

/// A runtime with timers.
trait TimerPeer: Peer {
    /// The runtime's sleep future (its output, if any, is ignored).
    type Sleep: Future + 'static;
    /// A sleep of `duration` on the real clock.
    fn sleep(duration: Duration) -> Self::Sleep;
}

/// Turns a future of `Result<T, E>` into a future of `T` that panics on `Err`.
struct Unwrap<F>(F);

impl<F, T, E> Future for Unwrap<F>
where
    F: Future<Output = Result<T, E>> + Unpin,
    E: Debug,
{
    type Output = T;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        Pin::new(&mut self.0).poll(cx).map(|r| r.expect("peer operation failed"))
    }
}

/// solio's default runtime.
struct Solio(solio::Runtime);

impl Solio {
    fn new() -> Solio {
        Solio(solio::Runtime::new().expect("solio runtime"))
    }
}

impl Peer for Solio {
    const NAME: &'static str = "solio";
    type Spawner = ();
    type JoinHandle<T: 'static> = Unwrap<solio::JoinHandle<T>>;
    type Sender<T: 'static> = solio::sync::oneshot::Sender<T>;
    type Receiver<T: 'static> = Unwrap<solio::sync::oneshot::Receiver<T>>;

    fn spawner(&self) {}
    fn block_on<F: Future>(&mut self, future: F) -> F::Output {
        self.0.block_on(future)
    }
    fn spawn<F>(_: &(), future: F) -> Self::JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        Unwrap(solio::spawn(future))
    }
    fn spawn_detached<F: Future<Output = ()> + 'static>(_: &(), future: F) {
        drop(solio::spawn(future));
    }
    fn yield_now() -> impl Future<Output = ()> + 'static {
        solio::yield_now()
    }
    fn oneshot<T: 'static>() -> (Self::Sender<T>, Self::Receiver<T>) {
        let (tx, rx) = solio::sync::oneshot::channel();
        (tx, Unwrap(rx))
    }
    fn send<T: 'static>(tx: Self::Sender<T>, value: T) {
        assert!(tx.send(value).is_ok(), "receiver dropped");
    }
}

impl TimerPeer for Solio {
    type Sleep = solio::time::Sleep;
    fn sleep(duration: Duration) -> Self::Sleep {
        solio::time::sleep(duration)
    }
}

/// tokio's current-thread runtime with a `LocalSet`, so that tasks need not be `Send`.
struct Tokio {
    rt: tokio::runtime::Runtime,
    local: tokio::task::LocalSet,
}

impl Tokio {
    fn new() -> Tokio {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio runtime");
        Tokio { rt, local: tokio::task::LocalSet::new() }
    }
}

impl Peer for Tokio {
    const NAME: &'static str = "tokio";
    type Spawner = ();
    type JoinHandle<T: 'static> = Unwrap<tokio::task::JoinHandle<T>>;
    type Sender<T: 'static> = tokio::sync::oneshot::Sender<T>;
    type Receiver<T: 'static> = Unwrap<tokio::sync::oneshot::Receiver<T>>;

    fn spawner(&self) {}
    fn block_on<F: Future>(&mut self, future: F) -> F::Output {
        self.local.block_on(&self.rt, future)
    }
    fn spawn<F>(_: &(), future: F) -> Self::JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        Unwrap(tokio::task::spawn_local(future))
    }
    fn spawn_detached<F: Future<Output = ()> + 'static>(_: &(), future: F) {
        drop(tokio::task::spawn_local(future));
    }
    fn yield_now() -> impl Future<Output = ()> + 'static {
        tokio::task::yield_now()
    }
    fn oneshot<T: 'static>() -> (Self::Sender<T>, Self::Receiver<T>) {
        let (tx, rx) = tokio::sync::oneshot::channel();
        (tx, Unwrap(rx))
    }
    fn send<T: 'static>(tx: Self::Sender<T>, value: T) {
        assert!(tx.send(value).is_ok(), "receiver dropped");
    }
}

impl TimerPeer for Tokio {
    type Sleep = tokio::time::Sleep;
    fn sleep(duration: Duration) -> Self::Sleep {
        tokio::time::sleep(duration)
    }
}

/// async-executor's `LocalExecutor`. Leaked, as in async-executor's own benches, so that tasks can hold
/// a `&'static` to it and spawn without a thread-local lookup (one small leak per group).
struct AsyncExecutor {
    ex: &'static LocalExecutor<'static>,
    /// Drive with `async_io::block_on`, which also runs async-io's reactor and timers.
    with_io: bool,
}

impl AsyncExecutor {
    fn new() -> AsyncExecutor {
        AsyncExecutor { ex: Box::leak(Box::new(LocalExecutor::new())), with_io: false }
    }

    fn with_timers() -> AsyncExecutor {
        AsyncExecutor { with_io: true, ..AsyncExecutor::new() }
    }
}

impl Peer for AsyncExecutor {
    const NAME: &'static str = "async-executor";
    type Spawner = &'static LocalExecutor<'static>;
    type JoinHandle<T: 'static> = async_executor::Task<T>;
    type Sender<T: 'static> = futures::channel::oneshot::Sender<T>;
    type Receiver<T: 'static> = Unwrap<futures::channel::oneshot::Receiver<T>>;

    fn spawner(&self) -> Self::Spawner {
        self.ex
    }
    fn block_on<F: Future>(&mut self, future: F) -> F::Output {
        if self.with_io {
            async_io::block_on(self.ex.run(future))
        } else {
            futures_lite::future::block_on(self.ex.run(future))
        }
    }
    fn spawn<F>(ex: &Self::Spawner, future: F) -> Self::JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        ex.spawn(future)
    }
    fn spawn_detached<F: Future<Output = ()> + 'static>(ex: &Self::Spawner, future: F) {
        ex.spawn(future).detach();
    }
    fn yield_now() -> impl Future<Output = ()> + 'static {
        futures_lite::future::yield_now()
    }
    fn oneshot<T: 'static>() -> (Self::Sender<T>, Self::Receiver<T>) {
        let (tx, rx) = futures::channel::oneshot::channel();
        (tx, Unwrap(rx))
    }
    fn send<T: 'static>(tx: Self::Sender<T>, value: T) {
        assert!(tx.send(value).is_ok(), "receiver dropped");
    }
}

impl TimerPeer for AsyncExecutor {
    type Sleep = async_io::Timer;
    fn sleep(duration: Duration) -> Self::Sleep {
        async_io::Timer::after(duration)
    }
}

/// futures' `LocalPool`. Join handles are `RemoteHandle`s (`spawn_local_with_handle`).
struct Futures {
    pool: LocalPool,
    spawner: LocalSpawner,
}

impl Futures {
    fn new() -> Futures {
        let pool = LocalPool::new();
        let spawner = pool.spawner();
        Futures { pool, spawner }
    }
}

impl Peer for Futures {
    const NAME: &'static str = "futures";
    type Spawner = LocalSpawner;
    type JoinHandle<T: 'static> = RemoteHandle<T>;
    type Sender<T: 'static> = futures::channel::oneshot::Sender<T>;
    type Receiver<T: 'static> = Unwrap<futures::channel::oneshot::Receiver<T>>;

    fn spawner(&self) -> LocalSpawner {
        self.spawner.clone()
    }
    fn block_on<F: Future>(&mut self, future: F) -> F::Output {
        self.pool.run_until(future)
    }
    fn spawn<F>(spawner: &LocalSpawner, future: F) -> Self::JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        spawner.spawn_local_with_handle(future).expect("pool alive")
    }
    fn spawn_detached<F: Future<Output = ()> + 'static>(spawner: &LocalSpawner, future: F) {
        spawner.spawn_local(future).expect("pool alive");
    }
    fn yield_now() -> impl Future<Output = ()> + 'static {
        futures_lite::future::yield_now()
    }
    fn oneshot<T: 'static>() -> (Self::Sender<T>, Self::Receiver<T>) {
        let (tx, rx) = futures::channel::oneshot::channel();
        (tx, Unwrap(rx))
    }
    fn send<T: 'static>(tx: Self::Sender<T>, value: T) {
        assert!(tx.send(value).is_ok(), "receiver dropped");
    }
}

// ---------------------------------------------------------------------------------------------------
// The workloads, each written once for every peer.
// ---------------------------------------------------------------------------------------------------

fn spawn_one<P: Peer>(b: &mut Bencher<'_>, peer: &mut P) {
    let s = peer.spawner();
    b.iter(|| peer.block_on(async { P::spawn(&s, async {}).await }));
}

fn spawn_many<P: Peer>(b: &mut Bencher<'_>, peer: &mut P) {
    let s = peer.spawner();
    let mut handles = Vec::with_capacity(SPAWN_MANY);
    b.iter(|| {
        peer.block_on(async {
            for _ in 0..SPAWN_MANY {
                handles.push(P::spawn(&s, async {}));
            }
            for handle in handles.drain(..) {
                handle.await;
            }
        })
    });
}

fn yield_many<P: Peer>(b: &mut Bencher<'_>, peer: &mut P) {
    let s = peer.spawner();
    let mut handles = Vec::with_capacity(YIELD_TASKS);
    b.iter(|| {
        peer.block_on(async {
            for _ in 0..YIELD_TASKS {
                handles.push(P::spawn(&s, async {
                    for _ in 0..YIELDS {
                        P::yield_now().await;
                    }
                }));
            }
            for handle in handles.drain(..) {
                handle.await;
            }
        })
    });
}

fn chained_spawn<P: Peer>(b: &mut Bencher<'_>, peer: &mut P) {
    /// Spawns the next link of the chain, or signals `done` at its end.
    fn link<P: Peer>(spawner: P::Spawner, left: usize, done: P::Sender<()>) {
        if left == 0 {
            P::send(done, ());
        } else {
            let next = spawner.clone();
            P::spawn_detached(&spawner, async move { link::<P>(next, left - 1, done) });
        }
    }

    let s = peer.spawner();
    b.iter(|| {
        peer.block_on(async {
            let (done_tx, done_rx) = P::oneshot();
            link::<P>(s.clone(), CHAIN, done_tx);
            done_rx.await;
        })
    });
}

fn ping_pong<P: Peer>(b: &mut Bencher<'_>, peer: &mut P) {
    /// Counts finished round trips; the last one signals `done`.
    struct Countdown<P: Peer> {
        left: Cell<usize>,
        done: Cell<Option<P::Sender<()>>>,
    }

    let s = peer.spawner();
    b.iter(|| {
        peer.block_on(async {
            let (done_tx, done_rx) = P::oneshot();
            let countdown =
                Rc::new(Countdown::<P> { left: Cell::new(PINGS), done: Cell::new(Some(done_tx)) });
            for _ in 0..PINGS {
                let countdown = countdown.clone();
                let spawner = s.clone();
                P::spawn_detached(&s, async move {
                    let (ping_tx, ping_rx) = P::oneshot();
                    let (pong_tx, pong_rx) = P::oneshot();
                    P::spawn_detached(&spawner, async move {
                        ping_rx.await;
                        P::send(pong_tx, ());
                    });
                    P::send(ping_tx, ());
                    pong_rx.await;
                    countdown.left.set(countdown.left.get() - 1);
                    if countdown.left.get() == 0 {
                        P::send(countdown.done.take().expect("signalled once"), ());
                    }
                });
            }
            done_rx.await;
        })
    });
}

fn timers_register_drop<P: TimerPeer>(b: &mut Bencher<'_>, peer: &mut P) {
    // Reused across iterations, so the 100,000-slot buffer is allocated (and paged in) only once.
    let mut sleeps: Vec<P::Sleep> = Vec::with_capacity(TIMERS);
    b.iter(|| {
        peer.block_on(async {
            for _ in 0..TIMERS {
                sleeps.push(P::sleep(Duration::from_secs(60)));
            }
            poll_fn(|cx| {
                for sleep in sleeps.iter_mut() {
                    // SAFETY: the vector is full (no push reallocates it while these are pinned) and is
                    // only ever emptied by `clear`, which drops every sleep in place: a pinned sleep is
                    // never moved before its destructor runs. (tokio's `Sleep` is `!Unpin`; pinning in
                    // place spares it the `Box` per sleep that would otherwise dominate the figures.)
                    let sleep = unsafe { Pin::new_unchecked(sleep) };
                    assert!(sleep.poll(cx).is_pending(), "a 60 s sleep completed");
                }
                Poll::Ready(())
            })
            .await;
            sleeps.clear();
        })
    });
}

fn timers_concurrent<P: TimerPeer>(b: &mut Bencher<'_>, peer: &mut P) {
    let s = peer.spawner();
    let mut handles = Vec::with_capacity(SLEEPERS);
    b.iter(|| {
        peer.block_on(async {
            for i in 0..SLEEPERS {
                let ms = (i % 10 + 1) as u64;
                handles.push(P::spawn(&s, async move {
                    P::sleep(Duration::from_millis(ms)).await;
                }));
            }
            for handle in handles.drain(..) {
                handle.await;
            }
        })
    });
}

// ---------------------------------------------------------------------------------------------------
// Groups.
// ---------------------------------------------------------------------------------------------------

/// A group sized for a workload whose iteration takes `per_iter` or so, keeping the whole run near
/// 3 minutes on 2 cores: 1 s of warm-up and 4 s of measurement per benchmark; 20 samples instead of 100
/// from 1 ms per iteration, and flat sampling (the same iteration count in every sample, as criterion
/// advises for long routines) from 10 ms.
fn group<'a>(c: &'a mut Criterion, name: &str, per_iter: Duration) -> BenchmarkGroup<'a, WallTime> {
    let mut g = c.benchmark_group(name);
    g.warm_up_time(Duration::from_secs(1));
    g.measurement_time(Duration::from_secs(4));
    if per_iter >= Duration::from_millis(1) {
        g.sample_size(20);
    }
    if per_iter >= Duration::from_millis(10) {
        g.sampling_mode(SamplingMode::Flat);
    }
    g
}

/// Adds `workload` on `peer` to the group, under the peer's name.
fn on<P: Peer>(g: &mut BenchmarkGroup<'_, WallTime>, mut peer: P, workload: fn(&mut Bencher<'_>, &mut P)) {
    g.bench_function(P::NAME, |b| workload(b, &mut peer));
}

/// One group running `workload` on each of the given peers, in that order (each built just before it
/// runs); without a list, on the four executors.
macro_rules! group_of {
    ($c:expr, $name:literal, $per_iter:expr, $workload:ident: $($peer:expr),+) => {{
        let mut g = group($c, $name, $per_iter);
        $(on(&mut g, $peer, $workload);)+
        g.finish();
    }};
    ($c:expr, $name:literal, $per_iter:expr, $workload:ident) => {
        group_of!($c, $name, $per_iter, $workload: Solio::new(), Tokio::new(), AsyncExecutor::new(), Futures::new())
    };
}

fn benches(c: &mut Criterion) {
    let us = Duration::from_micros;
    group_of!(c, "spawn_one", us(1), spawn_one);
    group_of!(c, "spawn_many", us(2_000), spawn_many);
    group_of!(c, "yield_many", us(5_000), yield_many);
    group_of!(c, "chained_spawn", us(100), chained_spawn);
    group_of!(c, "ping_pong", us(500), ping_pong);
    // futures has no timers.
    group_of!(c, "timers_register_drop", us(10_000), timers_register_drop:
        Solio::new(), Tokio::new(), AsyncExecutor::with_timers());
    group_of!(c, "timers_concurrent", us(11_000), timers_concurrent:
        Solio::new(), Tokio::new(), AsyncExecutor::with_timers());
}

// What `criterion_group!`/`criterion_main!` expand to, without their undocumented `pub fn`.
fn main() {
    let mut c = Criterion::default().configure_from_args();
    benches(&mut c);
    c.final_summary();
}
