//! # Networking benchmarks: solio against tokio's current-thread runtime
//!
//! - `echo_{1,64}x{64B,16KiB}`: an echo server and its clients on one runtime thread, over loopback; one
//!   iteration is [`ROUNDS`] round trips on each connection, the connections running concurrently.
//! - `connect_accept`: one iteration opens a connection and accepts it.
//!
//! Each group holds `"<name>/solio"` and `"<name>/tokio"`, so the report shows the ratio.
//! Run: `cargo bench --bench net`.

use std::net::SocketAddr;
use std::rc::Rc;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};

/// Round trips per connection in one iteration.
const ROUNDS: usize = 10;

fn configure() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
}

mod with_solio {
    use super::*;
    use solio::net::{TcpListener, TcpStream};

    pub(crate) async fn echo_server() -> SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        drop(solio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                stream.set_nodelay(true).unwrap();
                drop(solio::spawn(async move {
                    let mut buf = vec![0; 64 * 1024];
                    loop {
                        match stream.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => {
                                if stream.write_all(&buf[..n]).await.is_err() {
                                    return;
                                }
                            }
                        }
                    }
                }));
            }
        }));
        addr
    }

    pub(crate) fn echo(c: &mut Criterion, group: &str, conns: usize, size: usize) {
        let rt = solio::Runtime::new().unwrap();
        let streams = rt.block_on(async {
            let addr = echo_server().await;
            let mut streams = Vec::new();
            for _ in 0..conns {
                let s = TcpStream::connect(addr).await.unwrap();
                s.set_nodelay(true).unwrap();
                streams.push(s);
            }
            streams
        });
        let streams = Rc::new(std::cell::RefCell::new(streams));
        let mut g = c.benchmark_group(group);
        g.throughput(Throughput::Bytes((conns * ROUNDS * size * 2) as u64));
        g.bench_function("solio", |b| {
            b.iter_custom(|iters| {
                rt.block_on(async {
                    let start = Instant::now();
                    for _ in 0..iters {
                        let taken: Vec<TcpStream> = streams.borrow_mut().drain(..).collect();
                        let tasks: Vec<_> = taken
                            .into_iter()
                            .map(|mut s| {
                                solio::spawn(async move {
                                    let msg = vec![7u8; size];
                                    let mut back = vec![0u8; size];
                                    for _ in 0..ROUNDS {
                                        s.write_all(&msg).await.unwrap();
                                        s.read_exact(&mut back).await.unwrap();
                                    }
                                    s
                                })
                            })
                            .collect();
                        for t in tasks {
                            let s = t.await.unwrap();
                            streams.borrow_mut().push(s);
                        }
                    }
                    start.elapsed()
                })
            })
        });
        g.finish();
    }

    pub(crate) fn connect_accept(c: &mut Criterion) {
        let rt = solio::Runtime::new().unwrap();
        let listener = rt.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
        let addr = listener.local_addr().unwrap();
        let mut g = c.benchmark_group("connect_accept");
        g.throughput(Throughput::Elements(1));
        g.bench_function("solio", |b| {
            b.iter_custom(|iters| {
                rt.block_on(async {
                    let start = Instant::now();
                    for _ in 0..iters {
                        let (c, a) =
                            futures_lite::future::zip(TcpStream::connect(addr), listener.accept()).await;
                        drop((c.unwrap(), a.unwrap()));
                    }
                    start.elapsed()
                })
            })
        });
        g.finish();
    }
}

mod with_tokio {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::{TcpListener, TcpStream};

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
    }

    pub(crate) async fn echo_server() -> SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                stream.set_nodelay(true).unwrap();
                tokio::spawn(async move {
                    let mut buf = vec![0; 64 * 1024];
                    loop {
                        match stream.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => {
                                if stream.write_all(&buf[..n]).await.is_err() {
                                    return;
                                }
                            }
                        }
                    }
                });
            }
        });
        addr
    }

    pub(crate) fn echo(c: &mut Criterion, group: &str, conns: usize, size: usize) {
        let rt = runtime();
        let streams = rt.block_on(async {
            let addr = echo_server().await;
            let mut streams = Vec::new();
            for _ in 0..conns {
                let s = TcpStream::connect(addr).await.unwrap();
                s.set_nodelay(true).unwrap();
                streams.push(s);
            }
            streams
        });
        let streams = std::cell::RefCell::new(streams);
        let mut g = c.benchmark_group(group);
        g.throughput(Throughput::Bytes((conns * ROUNDS * size * 2) as u64));
        g.bench_function("tokio", |b| {
            b.iter_custom(|iters| {
                rt.block_on(async {
                    let start = Instant::now();
                    for _ in 0..iters {
                        let taken: Vec<TcpStream> = streams.borrow_mut().drain(..).collect();
                        let tasks: Vec<_> = taken
                            .into_iter()
                            .map(|mut s| {
                                tokio::spawn(async move {
                                    let msg = vec![7u8; size];
                                    let mut back = vec![0u8; size];
                                    for _ in 0..ROUNDS {
                                        s.write_all(&msg).await.unwrap();
                                        s.read_exact(&mut back).await.unwrap();
                                    }
                                    s
                                })
                            })
                            .collect();
                        for t in tasks {
                            let s = t.await.unwrap();
                            streams.borrow_mut().push(s);
                        }
                    }
                    start.elapsed()
                })
            })
        });
        g.finish();
    }

    pub(crate) fn connect_accept(c: &mut Criterion) {
        let rt = runtime();
        let listener = rt.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
        let addr = listener.local_addr().unwrap();
        let mut g = c.benchmark_group("connect_accept");
        g.throughput(Throughput::Elements(1));
        g.bench_function("tokio", |b| {
            b.iter_custom(|iters| {
                rt.block_on(async {
                    let start = Instant::now();
                    for _ in 0..iters {
                        let (c, a) = tokio::join!(TcpStream::connect(addr), listener.accept());
                        drop((c.unwrap(), a.unwrap()));
                    }
                    start.elapsed()
                })
            })
        });
        g.finish();
    }
}

fn echo(c: &mut Criterion) {
    for (conns, size, name) in [
        (1, 64, "echo_1x64B"),
        (1, 16 * 1024, "echo_1x16KiB"),
        (64, 64, "echo_64x64B"),
        (64, 16 * 1024, "echo_64x16KiB"),
    ] {
        with_solio::echo(c, name, conns, size);
        with_tokio::echo(c, name, conns, size);
    }
}

fn connect_accept(c: &mut Criterion) {
    with_solio::connect_accept(c);
    with_tokio::connect_accept(c);
}

fn benches() {
    let mut c = configure().configure_from_args();
    echo(&mut c);
    connect_accept(&mut c);
}

/// `NET_BENCH_ROUND_TRIPS=<n> NET_BENCH_RUNTIME=<solio|tokio>` skips criterion and runs exactly `n` round
/// trips of 64 B on one connection, for counting system calls: run it under `strace -c -f` with `n` and
/// with 0, and divide the difference by `n`. With `NET_BENCH_CONNECT=1`, `n` connect+accept pairs instead.
fn count_mode(rounds: usize, runtime: &str) {
    if std::env::var_os("NET_BENCH_CONNECT").is_some() {
        return count_connects(rounds, runtime);
    }
    let msg = [7u8; 64];
    let mut back = [0u8; 64];
    match runtime {
        "solio" => solio::run(async {
            let mut s = solio::net::TcpStream::connect(with_solio::echo_server().await).await.unwrap();
            s.set_nodelay(true).unwrap();
            for _ in 0..rounds {
                s.write_all(&msg).await.unwrap();
                s.read_exact(&mut back).await.unwrap();
            }
        }),
        "tokio" => {
            tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
                use tokio::io::{AsyncReadExt, AsyncWriteExt};
                let mut s = tokio::net::TcpStream::connect(with_tokio::echo_server().await).await.unwrap();
                s.set_nodelay(true).unwrap();
                for _ in 0..rounds {
                    s.write_all(&msg).await.unwrap();
                    s.read_exact(&mut back).await.unwrap();
                }
            })
        }
        other => panic!("NET_BENCH_RUNTIME must be solio or tokio, not {other:?}"),
    }
}

/// Like [`count_mode`], for `n` connect+accept pairs (`NET_BENCH_CONNECT=1`).
fn count_connects(n: usize, runtime: &str) {
    match runtime {
        "solio" => solio::run(async {
            let listener = solio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            for _ in 0..n {
                let (c, a) =
                    futures_lite::future::zip(solio::net::TcpStream::connect(addr), listener.accept()).await;
                drop((c.unwrap(), a.unwrap()));
            }
        }),
        "tokio" => {
            tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                let addr = listener.local_addr().unwrap();
                for _ in 0..n {
                    let (c, a) = tokio::join!(tokio::net::TcpStream::connect(addr), listener.accept());
                    drop((c.unwrap(), a.unwrap()));
                }
            })
        }
        other => panic!("NET_BENCH_RUNTIME must be solio or tokio, not {other:?}"),
    }
}

fn main() {
    if let Ok(rounds) = std::env::var("NET_BENCH_ROUND_TRIPS") {
        let runtime = std::env::var("NET_BENCH_RUNTIME").unwrap_or_else(|_| "solio".into());
        return count_mode(rounds.parse().expect("a number of round trips"), &runtime);
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
