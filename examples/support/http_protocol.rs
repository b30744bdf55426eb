//! The HTTP/1.1 of `http.rs` without the I/O: parsing requests and responses from the front of an
//! [`Inbox`] of bytes read, formatting them into a buffer to write, routing a request to its answer, and
//! the state of a connection's two ends ([`Answers`] on the server, [`Pipeline`] on the client), generic
//! over the runtime's task handle and one-shot sender. The solio server and clients of `http.rs` do the
//! I/O around them, and so does the tokio port in `benches/sequential_vs_concurrent.rs`, so both
//! runtimes run the same protocol code.
//!
//! A pipelined connection parses and formats a message per request, so this is the hot path of the
//! `sequential_vs_concurrent` benchmark: the parser looks only at the headers it acts on and finds line
//! ends eight bytes at a time (measured: see [`find_byte`]), the formatter appends to one output buffer.

use std::collections::{HashMap, VecDeque};
use std::io;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

/// Heads (and request bodies) larger than this are refused: the examples never come near it.
const MAX_HEAD: usize = 16 * 1024;

/// Response bodies larger than this are refused (`InvalidData`) rather than buffered.
pub(crate) const MAX_BODY: usize = 16 * 1024 * 1024;

/// A server connection stops reading requests while this many answers wait to be written: a client
/// that pipelines requests and never reads the answers cannot make the server buffer without bound.
pub(crate) const MAX_QUEUED: usize = 1024;

/// An answer of the server: status, content type, body.
pub(crate) type Answer = (u16, &'static str, String);

/// The content type of the server's plain answers (errors, 404).
pub(crate) const TEXT: &str = "text/plain";
/// The content type of `/delay` and `/status` answers.
pub(crate) const JSON: &str = "application/json";

/// What a client gets back: the status code and the body as text.
#[derive(Debug)]
pub(crate) struct Response {
    /// The status code: 200, 404, …
    pub(crate) status: u16,
    /// The body, which must be UTF-8 text.
    pub(crate) body: String,
}

impl Response {
    /// An interim response (`100 Continue`, `103 Early Hints`, …): the final one to the same request
    /// follows it. `101 Switching Protocols` is final: what follows it is no longer HTTP.
    pub(crate) fn is_interim(&self) -> bool {
        (100..200).contains(&self.status) && self.status != 101
    }
}

/// A message parsed from the front of a buffer.
#[derive(Debug)]
pub(crate) struct Parsed<T> {
    /// The request or response.
    pub(crate) message: T,
    /// Its length in the buffer: head and body.
    pub(crate) len: usize,
    /// The connection closes after it (`Connection: close`, HTTP/1.0 without keep-alive, or a message
    /// that leaves the rest of the stream unreadable).
    pub(crate) close: bool,
}

/// Bytes read from a connection and not yet parsed: read into at the end, parsed from the front.
#[derive(Debug)]
pub(crate) struct Inbox {
    /// Zeroed once when it grows, then reused: no read pays for clearing it.
    buf: Vec<u8>,
    /// `buf[start..end]` is unparsed; `buf[end..]` is room for the next read.
    start: usize,
    end: usize,
    /// The last read filled all the room it had: give the next one more. Measured in the benchmark's CPU
    /// mode (best of five runs) against growing only when less than `FIRST / 4` is left: 506 ns per
    /// request on solio against 542 (7 %); on tokio within the noise.
    grow: bool,
}

impl Inbox {
    /// Room for the first read; it doubles whenever a read fills it.
    const FIRST: usize = 4 * 1024;
    /// A read that fills the room doubles it only up to here; past it the buffer still doubles when
    /// less than a quarter of [`FIRST`](Inbox::FIRST) is left, so a message of any length fits.
    const MAX: usize = 256 * 1024;

    /// An empty inbox.
    pub(crate) fn new() -> Inbox {
        Inbox { buf: Vec::new(), start: 0, end: 0, grow: false }
    }

    /// The bytes read and not yet consumed.
    pub(crate) fn unparsed(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }

    /// Marks the first `n` unparsed bytes as parsed.
    pub(crate) fn consume(&mut self, n: usize) {
        self.start += n;
    }

    /// Room to read into, after the unparsed bytes (moved to the front first: usually less than one
    /// message).
    pub(crate) fn room(&mut self) -> &mut [u8] {
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        let len = self.buf.len();
        if len == 0 || (self.grow && len < Inbox::MAX) || len - self.end < Inbox::FIRST / 4 {
            self.buf.resize((2 * len).max(Inbox::FIRST), 0);
        }
        &mut self.buf[self.end..]
    }

    /// Records that a read put `n` bytes at the start of [`room`](Inbox::room).
    pub(crate) fn filled(&mut self, n: usize) {
        self.grow = self.end + n == self.buf.len();
        self.end += n;
    }
}

/// The parts of a message head that these examples act on.
struct Head<'a> {
    /// The request line or the status line.
    first_line: &'a [u8],
    /// The body's length, when given.
    content_length: Option<usize>,
    /// A `Transfer-Encoding`: a body in chunks, which these examples do not speak.
    chunked: bool,
    /// `Connection: close`.
    close: bool,
    /// `Connection: keep-alive` (which only HTTP/1.0 needs).
    keep_alive: bool,
    /// Its length in bytes, the blank line included.
    len: usize,
}

/// Parses the head at the front of `buf`, or `None` while its blank line has not arrived. Header names
/// are matched by length first: most lines are none of the three it looks for.
fn parse_head(buf: &[u8]) -> io::Result<Option<Head<'_>>> {
    let mut head = Head {
        first_line: b"",
        content_length: None,
        chunked: false,
        close: false,
        keep_alive: false,
        len: 0,
    };
    let mut pos = 0;
    while let Some(newline) = find_byte(&buf[pos..], b'\n') {
        let line = &buf[pos..pos + newline];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let first = pos == 0;
        pos += newline + 1;
        if first {
            head.first_line = line;
            continue;
        }
        if line.is_empty() {
            head.len = pos;
            return Ok(Some(head));
        }
        let colon = find_byte(line, b':').ok_or_else(|| invalid("bad header line"))?;
        let (name, value) = (&line[..colon], line[colon + 1..].trim_ascii());
        match name.len() {
            14 if name.eq_ignore_ascii_case(b"content-length") => {
                head.content_length =
                    Some(parse_decimal(value).ok_or_else(|| invalid("bad Content-Length"))?);
            }
            17 if name.eq_ignore_ascii_case(b"transfer-encoding") => head.chunked = true,
            10 if name.eq_ignore_ascii_case(b"connection") => {
                for token in value.split(|&b| b == b',').map(<[u8]>::trim_ascii) {
                    head.close |= token.eq_ignore_ascii_case(b"close");
                    head.keep_alive |= token.eq_ignore_ascii_case(b"keep-alive");
                }
            }
            _ => {}
        }
    }
    if buf.len() > MAX_HEAD { Err(invalid("head too large")) } else { Ok(None) }
}

/// The index of the first `byte` in `haystack`, eight bytes at a time: a word-wise zero-byte test on
/// `word ^ byte…byte` (the lowest flagged byte is the first match; only bytes above it can be flagged
/// falsely). Heads are scanned for every line end, so this is the parser's inner loop: measured against
/// `haystack.iter().position(..)` in the benchmark's CPU mode (five interleaved runs of 300 iterations
/// of N = 1,000, best run), it saves 5 % of the CPU per request on solio (506 ns against 534) and 14 % on
/// tokio (993 ns against 1,157).
fn find_byte(haystack: &[u8], byte: u8) -> Option<usize> {
    const LOW: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let pattern = LOW * u64::from(byte);
    let mut chunks = haystack.chunks_exact(8);
    let mut offset = 0;
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().expect("chunks of 8")) ^ pattern;
        let zero = word.wrapping_sub(LOW) & !word & HIGH;
        if zero != 0 {
            return Some(offset + (zero.trailing_zeros() / 8) as usize);
        }
        offset += 8;
    }
    chunks.remainder().iter().position(|&b| b == byte).map(|i| offset + i)
}

/// ASCII digits as a number (no sign, no overflow), else `None`.
fn parse_decimal(digits: &[u8]) -> Option<usize> {
    if digits.is_empty() {
        return None;
    }
    digits.iter().try_fold(0usize, |n, &d| {
        d.is_ascii_digit().then_some(())?;
        n.checked_mul(10)?.checked_add(usize::from(d - b'0'))
    })
}

/// Appends `n` in decimal.
fn push_decimal(out: &mut Vec<u8>, n: usize) {
    use std::io::Write as _;
    write!(out, "{n}").expect("a Vec takes every byte");
}

/// Parses the request at the front of `buf`: the path of a GET, or the answer to give when it is not one
/// (405, or 400 and close when it cannot be parsed); `None` while it is incomplete. A request body is
/// skipped.
pub(crate) fn parse_request(buf: &[u8]) -> Option<Parsed<Result<&str, Answer>>> {
    let bad = |len| Some(Parsed { message: Err((400, TEXT, "bad request\n".into())), len, close: true });
    let head = match parse_head(buf) {
        Ok(Some(head)) => head,
        Ok(None) => return None,
        // Nothing after a head that cannot be parsed can be trusted.
        Err(_) => return bad(buf.len()),
    };
    let body = head.content_length.unwrap_or(0);
    if head.chunked || body > MAX_HEAD {
        return bad(buf.len());
    }
    let len = head.len + body;
    if buf.len() < len {
        return None;
    }
    let message = request_target(head.first_line);
    if matches!(message, Err((400, ..))) {
        return bad(len);
    }
    let http10 = head.first_line.ends_with(b" HTTP/1.0");
    Some(Parsed { message, len, close: head.close || (http10 && !head.keep_alive) })
}

/// The path of a `GET` request line, or the answer to give when it is not one (405 or 400).
pub(crate) fn request_target(line: &[u8]) -> Result<&str, Answer> {
    let mut words = line.splitn(3, |&b| b == b' ');
    match (words.next(), words.next().map(std::str::from_utf8), words.next()) {
        (Some(b"GET"), Some(Ok(path)), Some(v)) if v.starts_with(b"HTTP/1.") => Ok(path),
        // Another method on a path that parses: the request is fine, the method is not served.
        (Some(_), Some(Ok(_)), Some(v)) if v.starts_with(b"HTTP/1.") => {
            Err((405, TEXT, "method not allowed\n".into()))
        }
        _ => Err((400, TEXT, "bad request\n".into())),
    }
}

/// Appends a whole response to `out`: status line, headers (`Connection: close` when the server closes
/// after it; HTTP/1.1 keeps the connection otherwise) and body. 1xx, 204 and 304 have no body, and so no
/// `Content-Length` (RFC 9110, 8.6): the client knows their end by their status.
pub(crate) fn write_response(out: &mut Vec<u8>, (status, content_type, body): &Answer, close: bool) {
    out.extend_from_slice(b"HTTP/1.1 ");
    push_decimal(out, usize::from(*status));
    for part in [" ", reason(*status), "\r\nContent-Type: ", content_type] {
        out.extend_from_slice(part.as_bytes());
    }
    if !matches!(status, 100..=199 | 204 | 304) {
        out.extend_from_slice(b"\r\nContent-Length: ");
        push_decimal(out, body.len());
    }
    out.extend_from_slice(if close { b"\r\nConnection: close\r\n\r\n" } else { b"\r\n\r\n" });
    out.extend_from_slice(body.as_bytes());
}

/// The pages a server serves besides its routes, and how long each takes.
#[derive(Debug, Default)]
pub(crate) struct Pages {
    /// Path → HTML.
    pub(crate) pages: HashMap<String, String>,
    /// How long each page takes.
    pub(crate) delay: Duration,
}

/// What the server answers to `GET path`, and after how long: a page or `/delay/{n}` after its delay,
/// `/status/{code}` at once, anything else 404 at once.
pub(crate) fn route(path: &str, pages: &Pages) -> (Duration, Answer) {
    if let Some(page) = pages.pages.get(path) {
        return (pages.delay, (200, "text/html", page.clone()));
    }
    if let Some(n) = path.strip_prefix("/delay/") {
        return match parse_delay(n) {
            Some(delay) => (delay, delay_answer(path, n)),
            None => (Duration::ZERO, (400, TEXT, "bad delay\n".into())),
        };
    }
    let answer = match path.strip_prefix("/status/").map(str::parse::<u16>) {
        // No body may follow these on a kept-alive connection: the client would take it for the next
        // response.
        Some(Ok(code @ (204 | 304))) => (code, TEXT, String::new()),
        // A 1xx is not a final answer: the client would go on waiting for one.
        Some(Ok(code @ 200..=599)) => (code, JSON, format!("{{\"status\": {code}}}\n")),
        Some(_) => (400, TEXT, "bad status\n".into()),
        None => (404, TEXT, "not found\n".into()),
    };
    (Duration::ZERO, answer)
}

/// The answer of `/delay/{n}` once the delay is over.
fn delay_answer(path: &str, n: &str) -> Answer {
    let mut body = String::with_capacity(path.len() + n.len() + 26);
    for part in ["{\"path\": \"", path, "\", \"delay\": \"", n, "\"}\n"] {
        body.push_str(part);
    }
    (200, JSON, body)
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

/// The reason phrase of the status line (empty for codes the examples do not name).
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

/// The host (`127.0.0.1:8080`) and the path (`/` when empty) of an `http://` URL.
pub(crate) fn split_url(url: &str) -> io::Result<(&str, &str)> {
    let rest = url.strip_prefix("http://").ok_or_else(|| invalid("only http:// URLs"))?;
    let (host, path) = rest.split_at(find_byte(rest.as_bytes(), b'/').unwrap_or(rest.len()));
    Ok((host, if path.is_empty() { "/" } else { path }))
}

/// Appends `GET path` for `host` to `out`; `close` asks the server to close after answering.
pub(crate) fn push_request(out: &mut Vec<u8>, host: &str, path: &str, close: bool) {
    for part in ["GET ", path, " HTTP/1.1\r\nHost: ", host, "\r\n"] {
        out.extend_from_slice(part.as_bytes());
    }
    if close {
        out.extend_from_slice(b"Connection: close\r\n");
    }
    out.extend_from_slice(b"\r\n");
}

/// Parses the response at the front of `buf`, or `None` while it is incomplete. `at_eof`: no more bytes
/// will come, so a body without `Content-Length` ends here.
pub(crate) fn parse_response(buf: &[u8], at_eof: bool) -> io::Result<Option<Parsed<Response>>> {
    let Some(head) = parse_head(buf)? else { return Ok(None) };
    let line = head.first_line;
    // `HTTP/1.x 200 OK`: three digits after the version, then a space or nothing.
    let status = match line.get(..12) {
        Some([b'H', b'T', b'T', b'P', b'/', b'1', b'.', _, b' ', code @ ..])
            if line.get(12).is_none_or(|&b| b == b' ') =>
        {
            parse_decimal(code).and_then(|code| u16::try_from(code).ok())
        }
        _ => None,
    }
    .ok_or_else(|| invalid("bad status line"))?;
    if head.chunked {
        return Err(invalid("chunked bodies are not supported"));
    }
    let no_body = matches!(status, 100..=199 | 204 | 304);
    let body = match head.content_length {
        _ if no_body => 0,
        Some(length) => length,
        // No length: the body runs to the end of the stream.
        None => buf.len() - head.len,
    };
    if body > MAX_BODY {
        return Err(invalid("response body too large"));
    }
    // Cannot overflow now (the head is in `buf`, the body at most `MAX_BODY`), but stays checked.
    let len = head.len.checked_add(body).ok_or_else(|| invalid("response body too large"))?;
    if buf.len() < len || (head.content_length.is_none() && !no_body && !at_eof) {
        return Ok(None);
    }
    let body = std::str::from_utf8(&buf[head.len..len]).map_err(|_| invalid("body is not UTF-8"))?;
    let http10 = line.starts_with(b"HTTP/1.0 ");
    let close = head.close
        || (http10 && !head.keep_alive)
        || (head.content_length.is_none() && !no_body)
        || status == 101;
    Ok(Some(Parsed { message: Response { status, body: body.to_owned() }, len, close }))
}

/// An `InvalidData` error: the peer sent something this HTTP does not understand.
pub(crate) fn invalid(msg: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg.to_owned())
}

// ---- the state of a connection, generic over the runtime ---------------------------------------------

/// The task that answers one request: solio's or tokio's `JoinHandle<Answer>`.
pub(crate) trait AnswerTask: Unpin {
    /// Polls for the answer; an error if the task panicked or was cancelled.
    fn poll_answer(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Answer>>;
    /// Cancels the task: nobody will read its answer.
    fn abort(&self);
}

/// The sending half of a request's one-shot channel: solio's or tokio's `oneshot::Sender`.
pub(crate) trait Waiter {
    /// Hands the request its response or its error (dropped if the request gave up waiting).
    fn answer(self, response: io::Result<Response>);
}

/// The answers of one server connection, oldest first. Each request runs in a task of its own, so a slow
/// one does not hold back the ones behind it; the answers still go out in request order, as HTTP/1.1
/// wants. The reader queues tasks and the writer takes their answers; the two wake each other.
#[derive(Debug)]
pub(crate) struct Answers<T: AnswerTask> {
    /// One task per request read and not yet answered, with whether the connection closes after it.
    queue: VecDeque<(T, bool)>,
    /// The reader has stopped: no more answers will be queued.
    done: bool,
    /// The writer, waiting for an answer to be queued.
    writer: Option<Waker>,
    /// The reader, waiting for the queue to fall below [`MAX_QUEUED`].
    reader: Option<Waker>,
}

impl<T: AnswerTask> Drop for Answers<T> {
    /// The connection is gone: nobody will read these answers.
    fn drop(&mut self) {
        for (task, _) in &self.queue {
            task.abort();
        }
    }
}

impl<T: AnswerTask> Answers<T> {
    /// No answers yet.
    pub(crate) fn new() -> Answers<T> {
        Answers { queue: VecDeque::new(), done: false, writer: None, reader: None }
    }

    /// How many answers are queued: running, or finished and not yet written.
    pub(crate) fn len(&self) -> usize {
        self.queue.len()
    }

    /// Ready while fewer than [`MAX_QUEUED`] answers are queued; otherwise the reader waits for the
    /// writer to drain them. The writer reads nothing, so this cannot hold back a client that reads its
    /// answers while it writes (as a pipelining client must).
    pub(crate) fn poll_room(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        if self.queue.len() < MAX_QUEUED {
            return Poll::Ready(());
        }
        self.reader = Some(cx.waker().clone());
        Poll::Pending
    }

    /// Queues the task answering the next request; `close`: the connection closes after its answer.
    pub(crate) fn push(&mut self, task: T, close: bool) {
        self.queue.push_back((task, close));
        if let Some(writer) = self.writer.take() {
            writer.wake();
        }
    }

    /// The reader has stopped: the writer ends once the queue is empty.
    pub(crate) fn finish(&mut self) {
        self.done = true;
        if let Some(writer) = self.writer.take() {
            writer.wake();
        }
    }

    /// Appends the oldest answer and every finished one right behind it to `out`: how many, and whether
    /// they are the connection's last. Waits while the oldest is not finished (or none is queued).
    pub(crate) fn poll_answers(
        &mut self,
        cx: &mut Context<'_>,
        out: &mut Vec<u8>,
    ) -> Poll<io::Result<(usize, bool)>> {
        let mut count = 0;
        let mut last = false;
        while let Some((task, close)) = self.queue.front_mut() {
            let answer = match task.poll_answer(cx) {
                Poll::Ready(Ok(answer)) => answer,
                // The route panicked: nothing sensible can follow on this connection.
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => break,
            };
            let close = *close;
            self.queue.pop_front();
            write_response(out, &answer, close);
            count += 1;
            if close {
                last = true;
                break;
            }
        }
        if count > 0 {
            if self.queue.len() < MAX_QUEUED {
                if let Some(reader) = self.reader.take() {
                    reader.wake();
                }
            }
            Poll::Ready(Ok((count, last)))
        } else if self.queue.is_empty() && self.done {
            Poll::Ready(Ok((0, true)))
        } else {
            if self.queue.is_empty() {
                self.writer = Some(cx.waker().clone());
            }
            // Otherwise the oldest task holds our waker.
            Poll::Pending
        }
    }
}

/// The requests of one client connection: those still to be written, and who waits for which response.
#[derive(Debug)]
pub(crate) struct Pipeline<W: Waiter> {
    /// Requests queued and not yet written, end to end.
    out: Vec<u8>,
    /// One waiter per request queued or written, oldest first: responses come back in that order. A
    /// request that gave up waiting (dropped by a timeout) leaves its waiter here, so its response is
    /// still read off the stream, and then dropped.
    waiting: VecDeque<W>,
    /// The driver, waiting for requests to write.
    writer: Option<Waker>,
    /// The connection has ended: new requests go to a new connection.
    closed: bool,
}

impl<W: Waiter> Pipeline<W> {
    /// No requests yet.
    pub(crate) fn new() -> Pipeline<W> {
        Pipeline { out: Vec::new(), waiting: VecDeque::new(), writer: None, closed: false }
    }

    /// True once the connection has ended (failed, or closed by the server).
    pub(crate) fn is_closed(&self) -> bool {
        self.closed
    }

    /// Queues `GET path` for `host`, whose response goes to `waiter`, and wakes the driver.
    pub(crate) fn push(&mut self, host: &str, path: &str, waiter: W) {
        push_request(&mut self.out, host, path, false);
        self.waiting.push_back(waiter);
        if let Some(writer) = self.writer.take() {
            writer.wake();
        }
    }

    /// Swaps the queued requests into `batch` (empty), or waits for some.
    pub(crate) fn poll_queued(&mut self, cx: &mut Context<'_>, batch: &mut Vec<u8>) -> Poll<()> {
        if self.out.is_empty() {
            if !self.writer.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
                self.writer = Some(cx.waker().clone());
            }
            return Poll::Pending;
        }
        std::mem::swap(batch, &mut self.out);
        Poll::Ready(())
    }

    /// Hands every whole response at the front of `inbox` to the oldest waiting request, skipping
    /// interim (1xx) responses. An error when the connection must end: the stream is over (`at_eof`),
    /// unreadable, or the server said it closes after the response just handed over, so that nothing
    /// sent behind it will be answered.
    pub(crate) fn hand_over(&mut self, inbox: &mut Inbox, at_eof: bool) -> io::Result<()> {
        while let Some(response) = parse_response(inbox.unparsed(), at_eof)? {
            inbox.consume(response.len);
            if response.message.is_interim() {
                continue;
            }
            let waiter = self.waiting.pop_front().ok_or_else(|| invalid("a response nobody asked for"))?;
            waiter.answer(Ok(response.message));
            if response.close {
                return Err(io::Error::new(
                    io::ErrorKind::ConnectionAborted,
                    "the server closed the connection after answering an earlier request",
                ));
            }
        }
        if at_eof {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the server closed the connection"));
        }
        Ok(())
    }

    /// Ends the connection: fails every request still waiting with a copy of `error`.
    pub(crate) fn fail(&mut self, error: &io::Error) {
        self.closed = true;
        self.out = Vec::new();
        for waiter in std::mem::take(&mut self.waiting) {
            waiter.answer(Err(io::Error::new(error.kind(), error.to_string())));
        }
    }
}

/// Fails the requests of a [`Pipeline`] when dropped, with [`error`](FailOnDrop::error) or, if none was
/// set, as stopped: a driver holds one, so that however it ends (an error, a panic, `abort`) no request
/// is left waiting for a response that will never come.
#[derive(Debug)]
pub(crate) struct FailOnDrop<'a, W: Waiter> {
    /// The connection's requests.
    pub(crate) pipeline: &'a std::cell::RefCell<Pipeline<W>>,
    /// Why the connection ended.
    pub(crate) error: Option<io::Error>,
}

impl<W: Waiter> Drop for FailOnDrop<'_, W> {
    fn drop(&mut self) {
        let error = self.error.take().unwrap_or_else(|| io::Error::other("the connection's driver stopped"));
        self.pipeline.borrow_mut().fail(&error);
    }
}
