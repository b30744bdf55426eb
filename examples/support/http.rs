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
//! Connections are kept alive (HTTP/1.1's default) until the client closes or sends
//! `Connection: close`. Requests may be pipelined: each runs in its own task as soon as it is read, so
//! request 2's delay runs while request 1's does, and the answers go back in request order, every
//! answer that is ready written in one `write`. Every answer has a `Content-Length`.
//!
//! Two clients:
//! - [`get`]: one request on a connection of its own (`Connection: close`), like `urllib`;
//! - [`Client`]: one connection per host, kept open across calls; the requests of all callers are
//!   pipelined on it (aiohttp's `ClientSession`, httpx's `AsyncClient`).
//!
//! The protocol itself (parsing and formatting) is a set of pure functions in `http_protocol.rs`, which
//! `benches/sequential_vs_concurrent.rs` shares with its tokio port of the I/O parts.
#![allow(dead_code)] // each example uses its own part

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::future::{Future, poll_fn};
use std::io;
use std::net::{Shutdown, SocketAddr};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
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
}

/// The static pages and how long each takes to serve.
struct Pages {
    /// Path → HTML.
    pages: HashMap<String, String>,
    /// How long each page takes.
    delay: Duration,
}

/// The answers of one connection, oldest first. Each request runs in a task of its own, so a slow one
/// does not hold back the ones behind it; the answers still go out in request order, as HTTP/1.1 wants.
struct Answers {
    /// One task per request read and not yet answered, with whether the connection closes after it.
    queue: VecDeque<(JoinHandle<Answer>, bool)>,
    /// The reader has stopped: no more answers will be queued.
    done: bool,
    /// The writer, waiting for an answer to be queued.
    writer: Option<Waker>,
}

impl Drop for Answers {
    /// The connection is gone: nobody will read these answers.
    fn drop(&mut self) {
        for (task, _) in &self.queue {
            task.abort();
        }
    }
}

/// Serves one connection: reads requests and writes answers at the same time, until the client closes
/// its side or asks to close (then lingers until it does, so that the close cannot reset the connection
/// under answers the client has yet to read).
async fn serve(mut stream: TcpStream, pages: &Rc<Pages>, stats: &Stats) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let answers = RefCell::new(Answers { queue: VecDeque::new(), done: false, writer: None });
    let (mut rd, mut wr) = stream.split();
    try_zip(read_requests(&mut rd, &answers, pages), write_answers(&mut wr, &answers, stats)).await?;
    stream.shutdown(Shutdown::Write)?;
    let _ = solio::time::timeout(LINGER, async {
        let mut discard = [0; 1024];
        while stream.read(&mut discard).await? > 0 {}
        io::Result::Ok(())
    })
    .await;
    Ok(())
}

/// Reads requests and starts a task for each, until the client closes its side or asks to close.
async fn read_requests(
    rd: &mut ReadHalf<'_, TcpStream>,
    answers: &RefCell<Answers>,
    pages: &Rc<Pages>,
) -> io::Result<()> {
    let mut inbox = Inbox::new();
    loop {
        let Some(request) = parse_request(inbox.unparsed()) else {
            let n = rd.read(inbox.room()).await?;
            if n == 0 {
                break;
            }
            inbox.filled(n);
            continue;
        };
        let (len, close) = (request.len, request.close);
        let task = match request.message {
            Ok(path) => solio::spawn(route(path.to_owned(), pages.clone())),
            Err(answer) => solio::spawn(std::future::ready(answer)),
        };
        inbox.consume(len);
        let mut answers = answers.borrow_mut();
        answers.queue.push_back((task, close));
        if let Some(writer) = answers.writer.take() {
            writer.wake();
        }
        if close {
            break;
        }
    }
    let mut answers = answers.borrow_mut();
    answers.done = true;
    if let Some(writer) = answers.writer.take() {
        writer.wake();
    }
    Ok(())
}

/// Writes the answers in request order: waits for the oldest, then writes it together with every answer
/// already finished behind it, in one `write_all`. Returns after the last one.
async fn write_answers(
    wr: &mut WriteHalf<'_, TcpStream>,
    answers: &RefCell<Answers>,
    stats: &Stats,
) -> io::Result<()> {
    let mut out = Vec::new();
    loop {
        let (count, last) = poll_fn(|cx| poll_answers(cx, &mut answers.borrow_mut(), &mut out)).await?;
        wr.write_all(&out).await?;
        out.clear();
        stats.requests.set(stats.requests.get() + count);
        if last {
            return Ok(());
        }
    }
}

/// Appends the oldest answer and every finished one right behind it to `out`: how many, and whether
/// they are the connection's last. Waits while the oldest is not finished (or none is queued).
fn poll_answers(
    cx: &mut Context<'_>,
    answers: &mut Answers,
    out: &mut Vec<u8>,
) -> Poll<io::Result<(usize, bool)>> {
    let mut count = 0;
    while let Some((task, close)) = answers.queue.front_mut() {
        let answer = match Pin::new(task).poll(cx) {
            Poll::Ready(Ok(answer)) => answer,
            // The route panicked: nothing sensible can follow on this connection.
            Poll::Ready(Err(e)) => return Poll::Ready(Err(io::Error::other(e))),
            Poll::Pending => break,
        };
        let close = *close;
        answers.queue.pop_front();
        write_response(out, &answer, close);
        count += 1;
        if close {
            return Poll::Ready(Ok((count, true)));
        }
    }
    if count > 0 {
        Poll::Ready(Ok((count, false)))
    } else if answers.queue.is_empty() && answers.done {
        Poll::Ready(Ok((0, true)))
    } else {
        if answers.queue.is_empty() {
            answers.writer = Some(cx.waker().clone());
        }
        // Otherwise the oldest task holds our waker.
        Poll::Pending
    }
}

/// Answers one request: a page or `/delay` after its delay, `/status` at once, else 404.
async fn route(path: String, pages: Rc<Pages>) -> Answer {
    if let Some(page) = pages.pages.get(&path) {
        solio::time::sleep(pages.delay).await;
        return (200, "text/html", page.clone());
    }
    if let Some(n) = path.strip_prefix("/delay/") {
        return match parse_delay(n) {
            Some(delay) => {
                solio::time::sleep(delay).await;
                delay_answer(&path, n)
            }
            None => (400, TEXT, "bad delay\n".into()),
        };
    }
    if let Some(code) = path.strip_prefix("/status/") {
        return match code.parse::<u16>() {
            // No body may follow these on a kept-alive connection: the client would take it for the
            // next response.
            Ok(code @ (100..=199 | 204 | 304)) => (code, TEXT, String::new()),
            Ok(code @ 100..=599) => (code, JSON, format!("{{\"status\": {code}}}\n")),
            _ => (400, TEXT, "bad status\n".into()),
        };
    }
    (404, TEXT, "not found\n".into())
}

// ---- the pipelining client --------------------------------------------------------------------

/// An HTTP/1.1 client that keeps one connection per host open across calls and pipelines the
/// requests of all its callers on it (aiohttp's `ClientSession`, httpx's `AsyncClient`).
///
/// A request queues its bytes and waits; the connection's driver task writes everything queued in one
/// `write` per turn (so a `gather` of 1,000 requests goes out in a few system calls), reads the
/// responses and hands each to the oldest waiting request: HTTP/1.1 answers pipelined requests in
/// order. One connection is enough on one thread: a second would only add system calls.
///
/// When the connection fails or the server closes it, every request in flight on it fails with an
/// `io::Error`, and the next [`get`](Client::get) opens a new one. Dropping the client closes its
/// connections.
pub(crate) struct Client {
    /// Host (`127.0.0.1:8080`) and its connection. A client talks to a handful of hosts: a list
    /// searched in order costs less than hashing the host on every request.
    connections: RefCell<Vec<(String, Connection)>>,
}

/// One open (or opening) connection of a [`Client`].
struct Connection {
    /// Shared with the driver.
    pipeline: Rc<RefCell<Pipeline>>,
    /// The task that owns the socket.
    driver: JoinHandle<()>,
}

impl Drop for Client {
    /// Cancelling the drivers drops their sockets, which closes the connections.
    fn drop(&mut self) {
        for (_, connection) in self.connections.get_mut() {
            connection.driver.abort();
        }
    }
}

/// The requests of one connection: those still to be written, and who waits for which response.
struct Pipeline {
    /// Requests queued and not yet written, end to end.
    out: Vec<u8>,
    /// One sender per request queued or written, oldest first: responses come back in that order. A
    /// request that gave up waiting (dropped by a timeout) leaves its sender here, so its response is
    /// still read off the stream, and then dropped.
    waiting: VecDeque<oneshot::Sender<io::Result<Response>>>,
    /// The driver, waiting for requests to write.
    writer: Option<Waker>,
    /// The connection failed or is closing: new requests go to a new connection.
    closed: bool,
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

    /// Queues `GET path` on the connection to `host` (opening one if there is none, or if it failed)
    /// and wakes its driver. Returns where the response will come.
    fn send(&self, host: &str, path: &str) -> oneshot::Receiver<io::Result<Response>> {
        let mut connections = self.connections.borrow_mut();
        let index = match connections.iter().position(|(h, _)| h == host) {
            Some(i) if !connections[i].1.pipeline.borrow().closed => i,
            // Replacing a failed or closing connection detaches its driver, which ends at the
            // connection's end of stream, failing whatever was still sent on it.
            Some(i) => {
                connections[i].1 = Connection::open(host);
                i
            }
            None => {
                connections.push((host.to_owned(), Connection::open(host)));
                connections.len() - 1
            }
        };
        let mut pipeline = connections[index].1.pipeline.borrow_mut();
        push_request(&mut pipeline.out, host, path, false);
        let (tx, rx) = oneshot::channel();
        pipeline.waiting.push_back(tx);
        if let Some(writer) = pipeline.writer.take() {
            writer.wake();
        }
        rx
    }
}

impl Connection {
    /// Starts a driver that connects to `host`; requests can be queued at once.
    fn open(host: &str) -> Connection {
        let pipeline = Rc::new(RefCell::new(Pipeline {
            out: Vec::new(),
            waiting: VecDeque::new(),
            writer: None,
            closed: false,
        }));
        let driver = solio::spawn(drive(host.to_owned(), pipeline.clone()));
        Connection { pipeline, driver }
    }
}

/// Runs one connection: connects, then writes queued requests and reads responses until either fails,
/// then fails every request still waiting with a copy of that error.
async fn drive(host: String, pipeline: Rc<RefCell<Pipeline>>) {
    let Err(error) = async {
        let mut stream = TcpStream::connect(&host).await?;
        stream.set_nodelay(true)?;
        let (mut rd, mut wr) = stream.split();
        // Both loops end only by failing (end of stream is an error here): the first failure ends both.
        or(send_requests(&mut wr, &pipeline), receive_responses(&mut rd, &pipeline)).await
    }
    .await;
    let waiting = {
        let mut pipeline = pipeline.borrow_mut();
        pipeline.closed = true;
        pipeline.out = Vec::new();
        std::mem::take(&mut pipeline.waiting)
    };
    for tx in waiting {
        let _ = tx.send(Err(io::Error::new(error.kind(), error.to_string())));
    }
}

/// Writes the requests queued since the last write, all in one `write_all`, whenever there are some.
async fn send_requests(
    wr: &mut WriteHalf<'_, TcpStream>,
    pipeline: &RefCell<Pipeline>,
) -> io::Result<Infallible> {
    let mut batch = Vec::new();
    loop {
        poll_fn(|cx| take_queued(cx, &mut pipeline.borrow_mut(), &mut batch)).await;
        wr.write_all(&batch).await?;
        batch.clear();
    }
}

/// Swaps the queued requests into `batch` (empty), or waits for some.
fn take_queued(cx: &mut Context<'_>, pipeline: &mut Pipeline, batch: &mut Vec<u8>) -> Poll<()> {
    if pipeline.out.is_empty() {
        if !pipeline.writer.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
            pipeline.writer = Some(cx.waker().clone());
        }
        return Poll::Pending;
    }
    std::mem::swap(batch, &mut pipeline.out);
    Poll::Ready(())
}

/// Reads responses and hands each to the oldest waiting request.
async fn receive_responses(
    rd: &mut ReadHalf<'_, TcpStream>,
    pipeline: &RefCell<Pipeline>,
) -> io::Result<Infallible> {
    let mut inbox = Inbox::new();
    loop {
        let n = rd.read(inbox.room()).await?;
        inbox.filled(n);
        while let Some(response) = parse_response(inbox.unparsed(), n == 0)? {
            inbox.consume(response.len);
            let tx = {
                let mut pipeline = pipeline.borrow_mut();
                // The server closes after this one: what was sent behind it will fail.
                pipeline.closed |= response.close;
                pipeline.waiting.pop_front().ok_or_else(|| invalid("a response nobody asked for"))?
            };
            // An error means the request gave up waiting: its response is dropped.
            let _ = tx.send(Ok(response.message));
        }
        if n == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the server closed the connection"));
        }
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
        if let Some(response) = parse_response(inbox.unparsed(), n == 0)? {
            return Ok(response.message);
        }
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "connection closed before the response ended",
            ));
        }
    }
}
