//! A small HTTP/1.1 server and client for the examples: just enough HTTP to stand in for httpbin.org and
//! a tiny web site on loopback, so the lessons that use aiohttp/httpx run without the internet.
//!
//! Examples include it with `#[path = "support/http.rs"] mod http;` (a file under `examples/support/`
//! without `main` is not an example of its own).
//!
//! Routes of the [`Server`]:
//! - `GET /delay/{n}`: answers 200 after `n` seconds (`1`, `0.25`) or milliseconds (`250ms`);
//! - `GET /status/{code}`: answers with that status code (and no body for 1xx, 204 and 304);
//! - any page given to [`Server::start_with_pages`], as `text/html`, after that call's page delay;
//! - anything else: 404; a method other than GET: 405; a request it cannot parse: 400 (and it closes).
//!
//! Connections are kept alive (HTTP/1.1's default) until the client closes its side, or a request ends
//! the connection: one with `Connection: close`, an HTTP/1.0 one without `Connection: keep-alive`, or
//! one it cannot parse (answered 400). Requests may be pipelined: each runs in its own task as soon as it
//! is read, so request 2's delay runs while request 1's does, and the answers go back in request order,
//! every answer that is ready written in one `write`. While 1,024 answers wait to be written the server
//! reads no more requests, so a client that never reads cannot make it buffer without bound. Every
//! answer has a `Content-Length`, except 204 and 304, which have no body.
//!
//! Two clients:
//! - [`get`]: one request on a connection of its own (`Connection: close`), like `urllib`;
//! - [`Client`]: one connection per host, kept open across calls; the requests of all callers are
//!   pipelined on it. Like aiohttp's `ClientSession` or httpx's `AsyncClient` it keeps connections
//!   open across calls; unlike their pools (several connections per host, one request at a time on
//!   each) it pipelines every request on one connection.
//!
//! The protocol itself (parsing, formatting, routing, and the state of each end of a connection) is in
//! `http_protocol.rs`, which `benches/sequential_vs_concurrent.rs` shares with its tokio port of the I/O
//! parts.
#![allow(dead_code)] // each example uses its own part

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::convert::Infallible;
use std::future::{Future, poll_fn};
use std::io;
use std::net::{Shutdown, SocketAddr};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_lite::future::{or, try_zip};
use solio::JoinHandle;
use solio::net::{ReadHalf, TcpListener, TcpStream, WriteHalf};
use solio::sync::oneshot;

// The parsing and formatting, shared with the benchmark's tokio port.
#[path = "http_protocol.rs"]
mod protocol;
pub(crate) use protocol::*;

/// How long a server waits, after the last answer of a connection, for the client to close its side.
const LINGER: Duration = Duration::from_secs(1);

// ---- the server ---------------------------------------------------------------------------------

/// A running server; it stops accepting when dropped (or when the program's main future returns).
/// Connections already open are served until their clients close them.
pub(crate) struct Server {
    addr: SocketAddr,
    stats: Rc<Stats>,
    accept_loop: JoinHandle<()>,
}

/// What a server counts, for the examples and tests to report.
#[derive(Default)]
struct Stats {
    /// Answers written.
    requests: Cell<usize>,
    /// Connections accepted.
    accepted: Cell<usize>,
    /// Connections accepted and not yet closed.
    open: Cell<usize>,
    /// The most answers one connection has held queued at once.
    most_queued: Cell<usize>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.accept_loop.abort();
    }
}

impl Server {
    /// Starts a server on `127.0.0.1` at a port the OS picks; it serves `/delay` and `/status`.
    pub(crate) async fn start() -> io::Result<Server> {
        Server::start_with_pages(HashMap::new(), Duration::ZERO).await
    }

    /// Starts a server that also serves `pages` (path → HTML), each after `page_delay`.
    pub(crate) async fn start_with_pages(
        pages: HashMap<String, String>,
        page_delay: Duration,
    ) -> io::Result<Server> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let stats = Rc::new(Stats::default());
        let pages = Rc::new(Pages { pages, delay: page_delay });
        let counts = stats.clone();
        let accept_loop = solio::spawn(async move {
            loop {
                let stream = match listener.accept().await {
                    Ok((stream, _)) => stream,
                    Err(_) => {
                        // Out of file descriptors, most likely: let connections finish, then retry.
                        // (Retrying at once would spin and starve the very tasks that free them.)
                        solio::time::sleep(Duration::from_millis(1)).await;
                        continue;
                    }
                };
                counts.accepted.set(counts.accepted.get() + 1);
                counts.open.set(counts.open.get() + 1);
                let (pages, counts) = (pages.clone(), counts.clone());
                // Detached: a connection in progress finishes even if the server is dropped meanwhile.
                let _connection = solio::spawn(async move {
                    // A client that goes away early is its own business: nothing to report.
                    let _ = serve(stream, &pages, &counts).await;
                    counts.open.set(counts.open.get() - 1);
                });
            }
        });
        Ok(Server { addr, stats, accept_loop })
    }

    /// `http://127.0.0.1:{port}{path}`.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The address it listens on.
    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// How many requests it has answered so far (answers written to the socket).
    pub(crate) fn requests_served(&self) -> usize {
        self.stats.requests.get()
    }

    /// How many connections it has accepted so far.
    pub(crate) fn connections_accepted(&self) -> usize {
        self.stats.accepted.get()
    }

    /// How many of its connections are still open.
    pub(crate) fn connections_open(&self) -> usize {
        self.stats.open.get()
    }

    /// The most answers one of its connections has held queued (running, or waiting to be written) at
    /// once: never more than [`MAX_QUEUED`].
    pub(crate) fn most_answers_queued(&self) -> usize {
        self.stats.most_queued.get()
    }
}

/// The task answering a request, as the connection state of `http_protocol.rs` sees it.
impl AnswerTask for JoinHandle<Answer> {
    fn poll_answer(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Answer>> {
        Pin::new(self).poll(cx).map_err(io::Error::other)
    }

    fn abort(&self) {
        JoinHandle::abort(self);
    }
}

/// Serves one connection: reads requests and writes answers at the same time, until the client closes
/// its side or a request ends the connection (then lingers until the client closes, so that the close
/// cannot reset the connection under answers the client has yet to read).
async fn serve(mut stream: TcpStream, pages: &Pages, stats: &Stats) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let answers = RefCell::new(Answers::new());
    let (mut rd, mut wr) = stream.split();
    try_zip(read_requests(&mut rd, &answers, pages, stats), write_answers(&mut wr, &answers, stats)).await?;
    stream.shutdown(Shutdown::Write)?;
    let _ = solio::time::timeout(LINGER, async {
        let mut discard = [0; 1024];
        while stream.read(&mut discard).await? > 0 {}
        io::Result::Ok(())
    })
    .await;
    Ok(())
}

/// Reads requests and starts a task for each, until the client closes its side or a request ends the
/// connection. Stops reading while [`MAX_QUEUED`] answers are queued.
async fn read_requests(
    rd: &mut ReadHalf<'_, TcpStream>,
    answers: &RefCell<Answers<JoinHandle<Answer>>>,
    pages: &Pages,
    stats: &Stats,
) -> io::Result<()> {
    let mut inbox = Inbox::new();
    loop {
        poll_fn(|cx| answers.borrow_mut().poll_room(cx)).await;
        let Some(request) = parse_request(inbox.unparsed()) else {
            let n = rd.read(inbox.room()).await?;
            if n == 0 {
                break;
            }
            inbox.filled(n);
            continue;
        };
        let (len, close) = (request.len, request.close);
        let (delay, answer) = match request.message {
            Ok(path) => route(path, pages),
            Err(answer) => (Duration::ZERO, answer),
        };
        inbox.consume(len);
        let mut answers = answers.borrow_mut();
        answers.push(solio::spawn(answer_after(delay, answer)), close);
        stats.most_queued.set(stats.most_queued.get().max(answers.len()));
        if close {
            break;
        }
    }
    answers.borrow_mut().finish();
    Ok(())
}

/// `answer`, after `delay`: the task of one request.
async fn answer_after(delay: Duration, answer: Answer) -> Answer {
    if !delay.is_zero() {
        solio::time::sleep(delay).await;
    }
    answer
}

/// Writes the answers in request order: waits for the oldest, then writes it together with every answer
/// already finished behind it, in one `write_all`. Returns after the last one.
async fn write_answers(
    wr: &mut WriteHalf<'_, TcpStream>,
    answers: &RefCell<Answers<JoinHandle<Answer>>>,
    stats: &Stats,
) -> io::Result<()> {
    let mut out = Vec::new();
    loop {
        let (count, last) = poll_fn(|cx| answers.borrow_mut().poll_answers(cx, &mut out)).await?;
        wr.write_all(&out).await?;
        out.clear();
        stats.requests.set(stats.requests.get() + count);
        if last {
            return Ok(());
        }
    }
}

// ---- the pipelining client --------------------------------------------------------------------

/// An HTTP/1.1 client that keeps one connection per host open across calls and pipelines the
/// requests of all its callers on it. Unlike aiohttp's `ClientSession` or httpx's `AsyncClient`, which
/// pool several connections per host and send one request at a time on each, it pipelines.
///
/// A request queues its bytes and waits; the connection's driver task writes everything queued in one
/// `write` per turn (so a `gather` of 1,000 requests goes out in a few system calls), reads the
/// responses (skipping interim 1xx ones) and hands each to the oldest waiting request: HTTP/1.1 answers
/// pipelined requests in order. One connection costs the fewest system calls on one thread, but it
/// has head-of-line blocking: a slow answer holds back every answer behind it, however quick (a pool
/// of connections would let those through on another one). The examples' server answers in request
/// order anyway, so here that costs nothing.
///
/// When the connection fails, or the server closes it (`Connection: close` on a response), every
/// request still waiting on it fails at once with an `io::Error`, and the next [`get`](Client::get)
/// opens a new connection. Dropping the client closes its connections.
pub(crate) struct Client {
    /// Host (`127.0.0.1:8080`) and its connection. A client talks to a handful of hosts: a list
    /// searched in order costs less than hashing the host on every request.
    connections: RefCell<Vec<(String, Connection)>>,
}

/// A request's one-shot channel, as the connection state of `http_protocol.rs` sees it.
impl Waiter for oneshot::Sender<io::Result<Response>> {
    fn answer(self, response: io::Result<Response>) {
        // An error means the request gave up waiting: its response is dropped.
        let _ = self.send(response);
    }
}

/// One open (or opening) connection of a [`Client`]; dropping it stops its driver, which closes it.
struct Connection {
    /// Shared with the driver.
    pipeline: Rc<RefCell<Pipeline<oneshot::Sender<io::Result<Response>>>>>,
    /// The task that owns the socket.
    driver: JoinHandle<()>,
}

impl Drop for Connection {
    /// Cancelling the driver drops its socket, which closes the connection; whoever still waits on it
    /// gets an error (see [`FailOnDrop`]).
    fn drop(&mut self) {
        self.driver.abort();
    }
}

impl Client {
    /// A client with no connection yet; the first request to a host opens one.
    pub(crate) fn new() -> Client {
        Client { connections: RefCell::new(Vec::new()) }
    }

    /// `GET url` (`http://host:port/path` only) on the host's connection: the status and the body.
    ///
    /// # Cancel safety
    /// Dropping the future after its first poll does not take the request back: it is still sent, and
    /// its response is read and dropped, so the requests behind it get their own responses.
    pub(crate) async fn get(&self, url: &str) -> io::Result<Response> {
        let (host, path) = split_url(url)?;
        let response = self.send(host, path);
        response.await.unwrap_or_else(|_| Err(io::Error::other("the connection's driver was cancelled")))
    }

    /// Queues `GET path` on the connection to `host` (opening one if there is none, or if it has ended)
    /// and wakes its driver. Returns where the response will come.
    fn send(&self, host: &str, path: &str) -> oneshot::Receiver<io::Result<Response>> {
        let mut connections = self.connections.borrow_mut();
        let index = match connections.iter().position(|(h, _)| h == host) {
            Some(i) if !connections[i].1.pipeline.borrow().is_closed() => i,
            // The old connection has ended; dropping it stops its driver if it has not stopped yet.
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
    /// Starts a driver that connects to `host`; requests can be queued at once.
    fn open(host: &str) -> Connection {
        let pipeline = Rc::new(RefCell::new(Pipeline::new()));
        let driver = solio::spawn(drive(host.to_owned(), pipeline.clone()));
        Connection { pipeline, driver }
    }
}

/// Runs one connection: connects, then writes queued requests and reads responses until either fails or
/// the server closes, then fails every request still waiting with a copy of that error (also if the
/// driver is cancelled or panics: the guard does it).
async fn drive(host: String, pipeline: Rc<RefCell<Pipeline<oneshot::Sender<io::Result<Response>>>>>) {
    let mut guard = FailOnDrop { pipeline: &pipeline, error: None };
    let Err(error) = async {
        let mut stream = TcpStream::connect(&host).await?;
        stream.set_nodelay(true)?;
        let (mut rd, mut wr) = stream.split();
        // Both loops end only by failing (end of stream is an error here): the first failure ends both.
        or(send_requests(&mut wr, &pipeline), receive_responses(&mut rd, &pipeline)).await
    }
    .await;
    guard.error = Some(error);
}

/// Writes the requests queued since the last write, all in one `write_all`, whenever there are some.
async fn send_requests<W: Waiter>(
    wr: &mut WriteHalf<'_, TcpStream>,
    pipeline: &RefCell<Pipeline<W>>,
) -> io::Result<Infallible> {
    let mut batch = Vec::new();
    loop {
        poll_fn(|cx| pipeline.borrow_mut().poll_queued(cx, &mut batch)).await;
        wr.write_all(&batch).await?;
        batch.clear();
    }
}

/// Reads responses and hands each to the oldest waiting request, until the connection ends.
async fn receive_responses<W: Waiter>(
    rd: &mut ReadHalf<'_, TcpStream>,
    pipeline: &RefCell<Pipeline<W>>,
) -> io::Result<Infallible> {
    let mut inbox = Inbox::new();
    loop {
        let n = rd.read(inbox.room()).await?;
        inbox.filled(n);
        pipeline.borrow_mut().hand_over(&mut inbox, n == 0)?;
    }
}

// ---- the one-shot client ---------------------------------------------------------------------

/// `GET url` (`http://host:port/path` only) on a connection of its own: connects, sends the request with
/// `Connection: close`, and reads the status line, the headers and the body.
pub(crate) async fn get(url: &str) -> io::Result<Response> {
    let (host, path) = split_url(url)?;
    let mut request = Vec::new();
    push_request(&mut request, host, path, true);
    let mut stream = TcpStream::connect(host).await?;
    stream.write_all(&request).await?;

    let mut inbox = Inbox::new();
    loop {
        let n = stream.read(inbox.room()).await?;
        inbox.filled(n);
        while let Some(response) = parse_response(inbox.unparsed(), n == 0)? {
            inbox.consume(response.len);
            if !response.message.is_interim() {
                return Ok(response.message);
            }
        }
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "connection closed before the response ended",
            ));
        }
    }
}
