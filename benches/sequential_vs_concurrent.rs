//! # Sequential vs concurrent requests over loopback HTTP: solio against tokio's current-thread runtime
//!
//! The main program's real mode as a benchmark: N = 1, 10, 100, 1,000 HTTP GETs of `/delay/1ms` to a
//! server on the same runtime thread, each answered after 1 ms; one iteration runs all N, either one
//! after the other (`sequential/N/…`) or all at once with `gather` (`concurrent/N/…`). The ideal is
//! N ms sequentially and 1 ms concurrently; the rest is the runtime's (and the kernel's) overhead.
//!
//! solio runs the examples' own server and client (`examples/support/http.rs`); tokio runs a line-for-line
//! port of the same code (below), with `futures::future::join_all` as its gather. One connection per
//! request on both.
//!
//! Run: `cargo bench --bench sequential_vs_concurrent`.

#[path = "../examples/support/http.rs"]
mod http;

use std::time::Duration;

use criterion::{BenchmarkGroup, Criterion, SamplingMode, measurement::WallTime};

const LATENCY_PATH: &str = "/delay/1ms";
const SIZES: [usize; 4] = [1, 10, 100, 1000];

fn configure() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
}

/// Sequential runs of 100 and more take ≥ 100 ms an iteration: few samples, one iteration each.
fn sample_for(g: &mut BenchmarkGroup<'_, WallTime>, shape: &str, n: usize) {
    if shape == "sequential" && n >= 100 {
        g.sample_size(10).sampling_mode(SamplingMode::Flat);
    } else {
        g.sample_size(20).sampling_mode(SamplingMode::Auto);
    }
}

fn solio_bench(g: &mut BenchmarkGroup<'_, WallTime>, shape: &str, n: usize) {
    let rt = solio::Runtime::new().unwrap();
    let (server, url) = rt.block_on(async {
        let server = http::Server::start().await.unwrap();
        let url = server.url(LATENCY_PATH);
        (server, url)
    });
    sample_for(g, shape, n);
    g.bench_function(format!("{shape}/{n}/solio"), |b| {
        b.iter(|| {
            rt.block_on(async {
                if shape == "sequential" {
                    for _ in 0..n {
                        assert_eq!(http::get(&url).await.unwrap().status, 200);
                    }
                } else {
                    for r in solio::gather((0..n).map(|_| http::get(&url))).await {
                        assert_eq!(r.unwrap().status, 200);
                    }
                }
            })
        })
    });
    rt.block_on(async { drop(server) });
}

fn tokio_bench(g: &mut BenchmarkGroup<'_, WallTime>, shape: &str, n: usize) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let local = tokio::task::LocalSet::new();
    let (server, url) = local.block_on(&rt, async {
        let server = tokio_http::Server::start().await.unwrap();
        let url = server.url(LATENCY_PATH);
        (server, url)
    });
    sample_for(g, shape, n);
    g.bench_function(format!("{shape}/{n}/tokio"), |b| {
        b.iter(|| {
            local.block_on(&rt, async {
                if shape == "sequential" {
                    for _ in 0..n {
                        assert_eq!(tokio_http::get(&url).await.unwrap().status, 200);
                    }
                } else {
                    for r in futures::future::join_all((0..n).map(|_| tokio_http::get(&url))).await {
                        assert_eq!(r.unwrap().status, 200);
                    }
                }
            })
        })
    });
    drop(server);
}

fn main() {
    let mut c = configure().configure_from_args();
    let mut g = c.benchmark_group("sequential_vs_concurrent");
    for shape in ["sequential", "concurrent"] {
        for n in SIZES {
            solio_bench(&mut g, shape, n);
            tokio_bench(&mut g, shape, n);
        }
    }
    g.finish();
    c.final_summary();
}

/// `examples/support/http.rs` on tokio, as close to line for line as the two APIs allow (only the
/// parts the benchmark uses: the `/delay` route and `get`).
mod tokio_http {
    use std::io;
    use std::net::SocketAddr;
    use std::time::Duration;

    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::{TcpSocket, TcpStream};

    use super::http;

    pub(crate) struct Server {
        addr: SocketAddr,
        accept_loop: tokio::task::JoinHandle<()>,
    }

    impl Drop for Server {
        fn drop(&mut self) {
            self.accept_loop.abort();
        }
    }

    impl Server {
        pub(crate) async fn start() -> io::Result<Server> {
            // `TcpListener::bind` would listen with mio's backlog of 128: at 1,000 simultaneous
            // connects the kernel then drops SYNs and the clients retransmit after 1 s. Listen with
            // 1,024 like solio's `bind`, which is what a tokio server expecting such bursts does.
            let socket = TcpSocket::new_v4()?;
            socket.set_reuseaddr(true)?;
            socket.bind("127.0.0.1:0".parse().unwrap())?;
            let listener = socket.listen(1024)?;
            let addr = listener.local_addr()?;
            let accept_loop = tokio::task::spawn_local(async move {
                loop {
                    let stream = match listener.accept().await {
                        Ok((stream, _)) => stream,
                        Err(_) => {
                            tokio::time::sleep(Duration::from_millis(1)).await;
                            continue;
                        }
                    };
                    let _connection = tokio::task::spawn_local(async move {
                        let _ = serve(stream).await;
                    });
                }
            });
            Ok(Server { addr, accept_loop })
        }

        pub(crate) fn url(&self, path: &str) -> String {
            format!("http://{}{path}", self.addr)
        }
    }

    async fn serve(mut stream: TcpStream) -> io::Result<()> {
        let (head, _) = read_head(&mut stream).await?;
        let (status, content_type, body) = match http::request_target(&head) {
            Ok(path) => route(path).await,
            Err(answer) => answer,
        };
        stream.write_all(http::response(status, content_type, &body).as_bytes()).await?;
        stream.shutdown().await
    }

    async fn route(path: &str) -> (u16, &'static str, String) {
        if let Some(n) = path.strip_prefix("/delay/") {
            if let Some(delay) = http::parse_delay(n) {
                tokio::time::sleep(delay).await;
                return http::delay_answer(path, n);
            }
        }
        (404, "text/plain", "not found\n".into())
    }

    async fn read_head(stream: &mut TcpStream) -> io::Result<(String, Vec<u8>)> {
        let mut buf = Vec::with_capacity(1024);
        let mut chunk = [0u8; 1024];
        loop {
            if let Some(split) = http::split_head(&mut buf)? {
                return Ok(split);
            }
            let n = stream.read(&mut chunk).await?;
            http::read_more(&mut buf, &chunk[..n])?;
        }
    }

    pub(crate) struct Response {
        pub(crate) status: u16,
    }

    pub(crate) async fn get(url: &str) -> io::Result<Response> {
        let (host, request) = http::request(url)?;
        let mut stream = TcpStream::connect(host).await?;
        stream.write_all(request.as_bytes()).await?;

        let (head, mut body) = read_head(&mut stream).await?;
        let (status, length) = http::parse_response_head(&head)?;
        match length {
            Some(length) if body.len() < length => {
                let have = body.len();
                body.resize(length, 0);
                stream.read_exact(&mut body[have..]).await?;
            }
            Some(length) => body.truncate(length),
            None => {
                stream.read_to_end(&mut body).await?;
            }
        }
        let _body = String::from_utf8(body)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "body is not UTF-8"))?;
        Ok(Response { status })
    }
}
