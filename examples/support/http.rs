//! A small HTTP/1.1 server and client for the examples: just enough HTTP to stand in for httpbin.org and
//! a tiny web site on loopback, so the lessons that use aiohttp/httpx run without the internet.
//!
//! Examples include it with `#[path = "support/http.rs"] mod http;` (a file under `examples/support/`
//! without `main` is not an example of its own).
//!
//! The server answers one request per connection and says so (`Connection: close`); every answer has
//! a `Content-Length`. Routes:
//! - `GET /delay/{n}`: answers 200 after `n` seconds (`1`, `0.25`) or milliseconds (`250ms`);
//! - `GET /status/{code}`: answers with that status code;
//! - any page given to [`Server::start_with_pages`], as `text/html`, after that call's page delay;
//! - anything else: 404; a method other than GET: 405; a request it cannot parse: 400.
//!
//! The client, [`get`], opens a connection, sends one GET, and returns the status and the body.
#![allow(dead_code)] // each example uses its own part

use std::cell::Cell;
use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;
use std::rc::Rc;
use std::time::Duration;

use solio::net::{TcpListener, TcpStream};

/// Requests and answers larger than this are refused: the examples never come near it.
const MAX_HEAD: usize = 16 * 1024;

/// A running server; it stops accepting when dropped (or when the program's main future returns).
pub(crate) struct Server {
    addr: SocketAddr,
    served: Rc<Cell<usize>>,
    accept_loop: solio::JoinHandle<()>,
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
        let served = Rc::new(Cell::new(0));
        let pages = Rc::new(Pages { pages, delay: page_delay });
        let count = served.clone();
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
                let (pages, count) = (pages.clone(), count.clone());
                // Detached: a connection in progress finishes even if the server is dropped meanwhile.
                let _connection = solio::spawn(async move {
                    // A client that goes away early is its own business: nothing to report.
                    if serve(stream, &pages).await.is_ok() {
                        count.set(count.get() + 1);
                    }
                });
            }
        });
        Ok(Server { addr, served, accept_loop })
    }

    /// `http://127.0.0.1:{port}{path}`.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The address it listens on.
    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// How many requests it has answered so far.
    pub(crate) fn requests_served(&self) -> usize {
        self.served.get()
    }
}

/// The static pages and how long each takes to serve.
struct Pages {
    pages: HashMap<String, String>,
    delay: Duration,
}

/// Reads one request from `stream`, answers it, and closes the connection.
async fn serve(mut stream: TcpStream, pages: &Pages) -> io::Result<()> {
    let (head, _) = read_head(&mut stream).await?;
    let (status, content_type, body) = match request_target(&head) {
        Ok(path) => route(path, pages).await,
        Err(answer) => answer,
    };
    stream.write_all(response(status, content_type, &body).as_bytes()).await?;
    stream.shutdown(std::net::Shutdown::Write)
}

/// The path of a `GET` request head, or the answer to give when it is not one (405 or 400).
pub(crate) fn request_target(head: &str) -> Result<&str, (u16, &'static str, String)> {
    let mut words = head.lines().next().unwrap_or("").split(' ');
    match (words.next(), words.next(), words.next()) {
        (Some("GET"), Some(path), Some(v)) if v.starts_with("HTTP/1.") => Ok(path),
        (Some(_), Some(_), Some(v)) if v.starts_with("HTTP/1.") => {
            Err((405, TEXT, "method not allowed\n".into()))
        }
        _ => Err((400, TEXT, "bad request\n".into())),
    }
}

/// A whole response: status line, headers (one request per connection) and body.
pub(crate) fn response(status: u16, content_type: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        reason(status),
        body.len()
    )
}

const TEXT: &str = "text/plain";
const JSON: &str = "application/json";

async fn route(path: &str, pages: &Pages) -> (u16, &'static str, String) {
    if let Some(page) = pages.pages.get(path) {
        solio::time::sleep(pages.delay).await;
        return (200, "text/html", page.clone());
    }
    if let Some(n) = path.strip_prefix("/delay/") {
        return match parse_delay(n) {
            Some(delay) => {
                solio::time::sleep(delay).await;
                delay_answer(path, n)
            }
            None => (400, TEXT, "bad delay\n".into()),
        };
    }
    if let Some(code) = path.strip_prefix("/status/") {
        return match code.parse::<u16>() {
            Ok(code @ 100..=599) => (code, JSON, format!("{{\"status\": {code}}}\n")),
            _ => (400, TEXT, "bad status\n".into()),
        };
    }
    (404, TEXT, "not found\n".into())
}

/// The answer of `/delay/{n}` once the delay is over.
pub(crate) fn delay_answer(path: &str, n: &str) -> (u16, &'static str, String) {
    (200, JSON, format!("{{\"path\": \"{path}\", \"delay\": \"{n}\"}}\n"))
}

/// `"2"`, `"0.25"` (seconds) or `"250ms"`; at most 60 s, to the nanosecond, no floating point.
pub(crate) fn parse_delay(s: &str) -> Option<Duration> {
    let delay = if let Some(ms) = s.strip_suffix("ms") {
        Duration::from_millis(ms.parse().ok()?)
    } else {
        let (whole, frac) = s.split_once('.').unwrap_or((s, "0"));
        if frac.is_empty() || frac.len() > 9 || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let nanos: u32 = format!("{frac:0<9}").parse().ok()?;
        Duration::new(whole.parse().ok()?, nanos)
    };
    (delay <= Duration::from_secs(60)).then_some(delay)
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "",
    }
}

/// Reads until the blank line that ends the head (it may arrive in any number of pieces). Returns the
/// head as text and whatever body bytes came in the same reads.
async fn read_head(stream: &mut TcpStream) -> io::Result<(String, Vec<u8>)> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    loop {
        if let Some(split) = split_head(&mut buf)? {
            return Ok(split);
        }
        let n = stream.read(&mut chunk).await?;
        read_more(&mut buf, &chunk[..n])?;
    }
}

/// The head and the body bytes after it, once `buf` holds the blank line that ends the head.
pub(crate) fn split_head(buf: &mut Vec<u8>) -> io::Result<Option<(String, Vec<u8>)>> {
    if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
        let rest = buf.split_off(end + 4);
        let head = String::from_utf8(std::mem::take(buf)).map_err(|_| invalid("head is not UTF-8"))?;
        return Ok(Some((head, rest)));
    }
    if buf.len() > MAX_HEAD {
        return Err(invalid("head too large"));
    }
    Ok(None)
}

/// Appends what one read returned; an empty read before the head ended is an error.
pub(crate) fn read_more(buf: &mut Vec<u8>, got: &[u8]) -> io::Result<()> {
    if got.is_empty() {
        return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "connection closed before the head ended"));
    }
    buf.extend_from_slice(got);
    Ok(())
}

/// The host to connect to and the request to send for `GET url` (`http://host:port/path` only).
pub(crate) fn request(url: &str) -> io::Result<(&str, String)> {
    let rest = url.strip_prefix("http://").ok_or_else(|| invalid("only http:// URLs"))?;
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let path = if path.is_empty() { "/" } else { path };
    Ok((host, format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")))
}

/// The status code and the `Content-Length` (if any) of a response head.
pub(crate) fn parse_response_head(head: &str) -> io::Result<(u16, Option<usize>)> {
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or("");
    let status = match status_line.split(' ').collect::<Vec<_>>()[..] {
        [version, code, ..] if version.starts_with("HTTP/1.") => code.parse().ok(),
        _ => None,
    }
    .ok_or_else(|| invalid("bad status line"))?;
    let length = lines
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
        .map(|(_, value)| value.trim().parse::<usize>().map_err(|_| invalid("bad Content-Length")))
        .transpose()?;
    Ok((status, length))
}

fn invalid(msg: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg.to_owned())
}

/// What [`get`] returns: the status code and the body as text.
#[derive(Debug)]
pub(crate) struct Response {
    pub(crate) status: u16,
    pub(crate) body: String,
}

/// `GET url` (`http://host:port/path` only): connects, sends the request, reads the status line, the
/// headers and `Content-Length` bytes of body.
pub(crate) async fn get(url: &str) -> io::Result<Response> {
    let (host, request) = request(url)?;
    let mut stream = TcpStream::connect(host).await?;
    stream.write_all(request.as_bytes()).await?;

    let (head, mut body) = read_head(&mut stream).await?;
    let (status, length) = parse_response_head(&head)?;
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
    let body = String::from_utf8(body).map_err(|_| invalid("body is not UTF-8"))?;
    Ok(Response { status, body })
}
