//! Networking: TCP, UDP and Unix-domain sockets driven by the runtime's reactor (asyncio's streams and
//! transports).
//!
//! Every socket is non-blocking and registered with the reactor of the runtime it was created in. An
//! operation waits until the reactor has reported the socket ready, then makes the system call; when the
//! OS answers "would block", the readiness is cleared, the task's waker is stored and the task is woken
//! at the socket's next readiness event. Errors are
//! plain [`std::io::Error`]s, and a failing connection (refused, reset by peer, broken pipe) fails only
//! the calls on that socket.
//!
//! | asyncio | solio |
//! |---|---|
//! | `asyncio.start_server(cb, host, port)` | [`TcpListener::bind`] + a loop of [`TcpListener::accept`] and [`spawn`](crate::spawn) |
//! | `asyncio.open_connection(host, port)` | [`TcpStream::connect`] (then [`TcpStream::into_split`] for reader/writer) |
//! | `reader.read(n)` / `readexactly(n)` / `read()` | [`TcpStream::read`] / [`TcpStream::read_exact`] / [`TcpStream::read_to_end`] |
//! | `writer.write(b); await writer.drain()` | [`TcpStream::write_all`] |
//! | `writer.write_eof()` | [`TcpStream::shutdown`]`(Shutdown::Write)` |
//! | `reader.readline()` | `futures_lite::io::BufReader::new(stream).lines()` |
//! | `create_datagram_endpoint` | [`UdpSocket`] |
//! | `start_unix_server` / `open_unix_connection` | [`UnixListener`] / [`UnixStream`] |
//!
//! Addresses are anything [`ToSocketAddrs`]; host names are resolved on the blocking pool.
//!
//! # Examples
//! ```
//! use futures_lite::{AsyncBufReadExt, StreamExt, io::BufReader};
//! use solio::net::{TcpListener, TcpStream};
//!
//! solio::run(async {
//!     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
//!     let addr = listener.local_addr().unwrap();
//!     solio::spawn(async move {
//!         let (mut stream, _) = listener.accept().await.unwrap();
//!         stream.write_all(b"one\ntwo\n").await.unwrap();
//!     });
//!     let stream = TcpStream::connect(addr).await.unwrap();
//!     let lines: Vec<String> = BufReader::new(stream).lines().try_collect().await.unwrap();
//!     assert_eq!(lines, ["one", "two"]);
//! });
//! ```

mod addr;
/// The listen backlog of TCP and Unix listeners, as tokio's: room for bursts of connections between two
/// `accept` calls (std and mio use 128; the kernel caps it at `net.core.somaxconn`).
const BACKLOG: i32 = 1024;

mod split;
mod stream;
mod tcp;
mod udp;
mod unix;

pub use addr::ToSocketAddrs;
pub use split::{OwnedReadHalf, OwnedWriteHalf, ReadHalf, WriteHalf};
pub use tcp::{TcpListener, TcpStream};
pub use udp::UdpSocket;
pub use unix::{UnixListener, UnixStream};
