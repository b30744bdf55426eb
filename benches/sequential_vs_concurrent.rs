//! # Sequential vs concurrent requests over loopback HTTP: solio against tokio's current-thread runtime
//!
//! The main program's real mode as a benchmark: N = 1, 10, 100, 1,000 HTTP GETs of `/delay/1ms` to a
//! server on the same runtime thread, each answered after 1 ms; one iteration runs all N, either one
//! after the other (`sequential/N/…`) or all at once with `gather` (`concurrent/N/…`). The ideal is
//! N ms sequentially and 1 ms concurrently. The rest is each runtime's (and the kernel's) overhead, and,
//! at this 1 ms latency, each runtime's timer resolution as well: tokio rounds a sleep up to its 1 ms
//! ticks (and epoll's timeout rounds up again), while solio's timers fire to the microsecond. For the
//! overhead alone, without the timers, use the CPU-time mode below.
//!
//! solio runs the examples' own server and pipelining client (`examples/support/http.rs`); tokio runs a
//! line-for-line port of the same code (below) on a `LocalSet`, with `futures::future::join_all` as its
//! gather. Both share the parsing, formatting, routing and connection state of
//! `examples/support/http_protocol.rs`. On both, the client keeps one connection to the server open
//! across iterations (opened in the warm-up) and pipelines every request on it: the requests polled in
//! one turn go out in one `write`; the server runs each request in a task of its own (`spawn` /
//! `spawn_local`) as soon as it reads it and writes the answers that are ready, in request order, in one
//! `write`, and the rest is each runtime's own task, timer, one-shot channel and wakes.
//!
//! One difference is tokio's, and kept because it is what a tokio user gets: its cooperative budget (128
//! operations per task per turn, each `JoinHandle` poll counting one) makes the port's `poll_answers`
//! see the tasks past the first ~127 as pending, so tokio writes the answers of 1,000 requests in
//! batches of ~127 (about eight `write`s and writer wake-ups), where solio writes all that are ready in
//! one. Measured once with the port's server connection (`serve`) and client driver (`drive`) wrapped
//! in `tokio::task::unconstrained` (not kept): tokio's CPU per request rose to 1,106–1,165 ns from
//! 954–974 (three CPU-mode runs each), and `concurrent/1000/tokio` stayed at 3.21 ms against 3.26 ms
//! (solio: 500–568 ns, 1.43–1.47 ms). Writing in batches costs tokio nothing measurable here.
//!
//! Run: `cargo bench --bench sequential_vs_concurrent`. For the CPU time per request instead (no
//! criterion, no timer wait mixed in): `SVC_BENCH_CPU_ITERATIONS=300 cargo bench --bench
//! sequential_vs_concurrent` (see [`cpu_mode`]).

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

/// One iteration on solio: `n` requests on `client`, one after the other or all at once.
async fn solio_run(client: &http::Client, url: &str, shape: &str, n: usize) {
    if shape == "sequential" {
        for _ in 0..n {
            assert_eq!(client.get(url).await.unwrap().status, 200);
        }
    } else {
        for r in solio::gather((0..n).map(|_| client.get(url))).await {
            assert_eq!(r.unwrap().status, 200);
        }
    }
}

/// One iteration on tokio, the same shape.
async fn tokio_run(client: &tokio_http::Client, url: &str, shape: &str, n: usize) {
    if shape == "sequential" {
        for _ in 0..n {
            assert_eq!(client.get(url).await.unwrap().status, 200);
        }
    } else {
        for r in futures::future::join_all((0..n).map(|_| client.get(url))).await {
            assert_eq!(r.unwrap().status, 200);
        }
    }
}

fn solio_bench(g: &mut BenchmarkGroup<'_, WallTime>, shape: &str, n: usize) {
    let rt = solio::Runtime::new().unwrap();
    let (server, client, url) = rt.block_on(async {
        let server = http::Server::start().await.unwrap();
        let url = server.url(LATENCY_PATH);
        (server, http::Client::new(), url)
    });
    sample_for(g, shape, n);
    g.bench_function(format!("{shape}/{n}/solio"), |b| {
        b.iter(|| rt.block_on(solio_run(&client, &url, shape, n)))
    });
    // Inside the runtime, so that the connection's driver is cancelled (its socket closed) right away.
    rt.block_on(async { drop((client, server)) });
}

fn tokio_bench(g: &mut BenchmarkGroup<'_, WallTime>, shape: &str, n: usize) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let local = tokio::task::LocalSet::new();
    let (server, client, url) = local.block_on(&rt, async {
        let server = tokio_http::Server::start().await.unwrap();
        let url = server.url(LATENCY_PATH);
        (server, tokio_http::Client::new(), url)
    });
    sample_for(g, shape, n);
    g.bench_function(format!("{shape}/{n}/tokio"), |b| {
        b.iter(|| local.block_on(&rt, tokio_run(&client, &url, shape, n)))
    });
    local.block_on(&rt, async { drop((client, server)) });
}

/// The CPU time this thread has used so far.
fn thread_cpu() -> Duration {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

/// Times `iterations` runs of `run` after a first one (which opens the connection): wall and thread CPU
/// time of each.
async fn samples<F: Future<Output = ()>>(
    iterations: usize,
    run: impl Fn() -> F,
) -> Vec<(Duration, Duration)> {
    run().await;
    let mut samples = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        let (wall, cpu) = (std::time::Instant::now(), thread_cpu());
        run().await;
        samples.push((wall.elapsed(), thread_cpu() - cpu));
    }
    samples
}

/// `SVC_BENCH_CPU_ITERATIONS=<k>` skips criterion and runs `k` iterations of `concurrent/N` on each
/// runtime (N = 1,000, or `SVC_BENCH_N`), then prints the median wall time and the median CPU time of
/// the thread per iteration and per request: the work per request, which the wall time mixes with the
/// wait for the timers. Client and server share the thread, so the CPU time covers both.
fn cpu_mode(iterations: usize, n: usize) {
    let report = |runtime: &str, mut samples: Vec<(Duration, Duration)>| {
        let mid = samples.len() / 2;
        samples.sort_by_key(|s| s.0);
        let wall = samples[mid].0;
        samples.sort_by_key(|s| s.1);
        let cpu = samples[mid].1;
        println!(
            "{runtime}: concurrent/{n}: wall {wall:.2?}, CPU {cpu:.2?} per iteration, {} ns CPU per request",
            cpu.as_nanos() / n as u128
        );
    };
    let rt = solio::Runtime::new().unwrap();
    let solio = rt.block_on(async {
        let server = http::Server::start().await.unwrap();
        let (client, url) = (http::Client::new(), server.url(LATENCY_PATH));
        samples(iterations, || solio_run(&client, &url, "concurrent", n)).await
    });
    report("solio", solio);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let tokio = tokio::task::LocalSet::new().block_on(&rt, async {
        let server = tokio_http::Server::start().await.unwrap();
        let (client, url) = (tokio_http::Client::new(), server.url(LATENCY_PATH));
        samples(iterations, || tokio_run(&client, &url, "concurrent", n)).await
    });
    report("tokio", tokio);
}

fn main() {
    if let Ok(iterations) = std::env::var("SVC_BENCH_CPU_ITERATIONS") {
        let n = std::env::var("SVC_BENCH_N").map_or(1000, |n| n.parse().expect("SVC_BENCH_N: a number"));
        cpu_mode(iterations.parse().expect("SVC_BENCH_CPU_ITERATIONS: a number"), n);
        return;
    }
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

/// `examples/support/http.rs` on tokio, as close to line for line as the two APIs allow: the same
/// server connection (a task per request, answers in order, batched writes) and the same pipelining
/// client (one connection, a driver task, a one-shot channel per request). The parsing, formatting,
/// routing and the state of each end of a connection (`Answers`, `Pipeline`) are not ported but shared:
/// `http_protocol.rs` is generic over the runtime's task handle and one-shot sender. Only the parts the
/// benchmark uses: no counters, no one-shot `get`; the pages are an empty map, looked up per request as
/// solio's server does.
mod tokio_http {
    use std::cell::RefCell;
    use std::convert::Infallible;
    use std::future::{Future, poll_fn};
    use std::io;
    use std::net::SocketAddr;
    use std::pin::Pin;
    use std::rc::Rc;
    use std::task::{Context, Poll};
    use std::time::Duration;

    use futures_lite::future::{or, try_zip};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::tcp::{ReadHalf, WriteHalf};
    use tokio::net::{TcpSocket, TcpStream};
    use tokio::sync::oneshot;
    use tokio::task::JoinHandle;

    use super::http::{
        self, Answer, AnswerTask, Answers, FailOnDrop, Inbox, Pages, Pipeline, Response, Waiter,
    };

    const LINGER: Duration = Duration::from_secs(1);

    // ---- the server

    pub(crate) struct Server {
        addr: SocketAddr,
        accept_loop: JoinHandle<()>,
    }

    impl Drop for Server {
        fn drop(&mut self) {
            self.accept_loop.abort();
        }
    }

    impl Server {
        pub(crate) async fn start() -> io::Result<Server> {
            // `TcpListener::bind` would listen with mio's backlog of 128; listen with 1,024 like
            // solio's `bind` (the benchmark opens one connection, but the port stays the same code).
            let socket = TcpSocket::new_v4()?;
            socket.set_reuseaddr(true)?;
            socket.bind("127.0.0.1:0".parse().unwrap())?;
            let listener = socket.listen(1024)?;
            let addr = listener.local_addr()?;
            let pages = Rc::new(Pages::default());
            let accept_loop = tokio::task::spawn_local(async move {
                loop {
                    let stream = match listener.accept().await {
                        Ok((stream, _)) => stream,
                        Err(_) => {
                            tokio::time::sleep(Duration::from_millis(1)).await;
                            continue;
                        }
                    };
                    let pages = pages.clone();
                    let _connection = tokio::task::spawn_local(async move {
                        let _ = serve(stream, &pages).await;
                    });
                }
            });
            Ok(Server { addr, accept_loop })
        }

        pub(crate) fn url(&self, path: &str) -> String {
            format!("http://{}{path}", self.addr)
        }
    }

    impl AnswerTask for JoinHandle<Answer> {
        fn poll_answer(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Answer>> {
            Pin::new(self).poll(cx).map_err(io::Error::other)
        }

        fn abort(&self) {
            JoinHandle::abort(self);
        }
    }

    async fn serve(mut stream: TcpStream, pages: &Pages) -> io::Result<()> {
        stream.set_nodelay(true)?;
        let answers = RefCell::new(Answers::new());
        let (mut rd, mut wr) = stream.split();
        try_zip(read_requests(&mut rd, &answers, pages), write_answers(&mut wr, &answers)).await?;
        stream.shutdown().await?;
        let _ = tokio::time::timeout(LINGER, async {
            let mut discard = [0; 1024];
            while stream.read(&mut discard).await? > 0 {}
            io::Result::Ok(())
        })
        .await;
        Ok(())
    }

    async fn read_requests(
        rd: &mut ReadHalf<'_>,
        answers: &RefCell<Answers<JoinHandle<Answer>>>,
        pages: &Pages,
    ) -> io::Result<()> {
        let mut inbox = Inbox::new();
        loop {
            poll_fn(|cx| answers.borrow_mut().poll_room(cx)).await;
            let Some(request) = http::parse_request(inbox.unparsed()) else {
                let n = rd.read(inbox.room()).await?;
                if n == 0 {
                    break;
                }
                inbox.filled(n);
                continue;
            };
            let (len, close) = (request.len, request.close);
            let (delay, answer) = match request.message {
                Ok(path) => http::route(path, pages),
                Err(answer) => (Duration::ZERO, answer),
            };
            inbox.consume(len);
            answers.borrow_mut().push(tokio::task::spawn_local(answer_after(delay, answer)), close);
            if close {
                break;
            }
        }
        answers.borrow_mut().finish();
        Ok(())
    }

    async fn answer_after(delay: Duration, answer: Answer) -> Answer {
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        answer
    }

    async fn write_answers(
        wr: &mut WriteHalf<'_>,
        answers: &RefCell<Answers<JoinHandle<Answer>>>,
    ) -> io::Result<()> {
        let mut out = Vec::new();
        loop {
            let (_count, last) = poll_fn(|cx| answers.borrow_mut().poll_answers(cx, &mut out)).await?;
            wr.write_all(&out).await?;
            out.clear();
            if last {
                return Ok(());
            }
        }
    }

    // ---- the pipelining client

    pub(crate) struct Client {
        connections: RefCell<Vec<(String, Connection)>>,
    }

    impl Waiter for oneshot::Sender<io::Result<Response>> {
        fn answer(self, response: io::Result<Response>) {
            let _ = self.send(response);
        }
    }

    struct Connection {
        pipeline: Rc<RefCell<Pipeline<oneshot::Sender<io::Result<Response>>>>>,
        driver: JoinHandle<()>,
    }

    impl Drop for Connection {
        fn drop(&mut self) {
            self.driver.abort();
        }
    }

    impl Client {
        pub(crate) fn new() -> Client {
            Client { connections: RefCell::new(Vec::new()) }
        }

        pub(crate) async fn get(&self, url: &str) -> io::Result<Response> {
            let (host, path) = http::split_url(url)?;
            let response = self.send(host, path);
            response.await.unwrap_or_else(|_| Err(io::Error::other("the connection's driver was cancelled")))
        }

        fn send(&self, host: &str, path: &str) -> oneshot::Receiver<io::Result<Response>> {
            let mut connections = self.connections.borrow_mut();
            let index = match connections.iter().position(|(h, _)| h == host) {
                Some(i) if !connections[i].1.pipeline.borrow().is_closed() => i,
                Some(i) => {
                    connections[i].1 = Connection::open(host);
                    i
                }
                None => {
                    connections.push((host.to_owned(), Connection::open(host)));
                    connections.len() - 1
                }
            };
            let (tx, rx) = oneshot::channel();
            connections[index].1.pipeline.borrow_mut().push(host, path, tx);
            rx
        }
    }

    impl Connection {
        fn open(host: &str) -> Connection {
            let pipeline = Rc::new(RefCell::new(Pipeline::new()));
            let driver = tokio::task::spawn_local(drive(host.to_owned(), pipeline.clone()));
            Connection { pipeline, driver }
        }
    }

    async fn drive(host: String, pipeline: Rc<RefCell<Pipeline<oneshot::Sender<io::Result<Response>>>>>) {
        let mut guard = FailOnDrop { pipeline: &pipeline, error: None };
        let Err(error) = async {
            let mut stream = TcpStream::connect(&host).await?;
            stream.set_nodelay(true)?;
            let (mut rd, mut wr) = stream.split();
            or(send_requests(&mut wr, &pipeline), receive_responses(&mut rd, &pipeline)).await
        }
        .await;
        guard.error = Some(error);
    }

    async fn send_requests<W: Waiter>(
        wr: &mut WriteHalf<'_>,
        pipeline: &RefCell<Pipeline<W>>,
    ) -> io::Result<Infallible> {
        let mut batch = Vec::new();
        loop {
            poll_fn(|cx| pipeline.borrow_mut().poll_queued(cx, &mut batch)).await;
            wr.write_all(&batch).await?;
            batch.clear();
        }
    }

    async fn receive_responses<W: Waiter>(
        rd: &mut ReadHalf<'_>,
        pipeline: &RefCell<Pipeline<W>>,
    ) -> io::Result<Infallible> {
        let mut inbox = Inbox::new();
        loop {
            let n = rd.read(inbox.room()).await?;
            inbox.filled(n);
            pipeline.borrow_mut().hand_over(&mut inbox, n == 0)?;
        }
    }
}
