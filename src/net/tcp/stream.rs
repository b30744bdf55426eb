//! `TcpStream`: a TCP connection.

use std::io;
use std::net::{Shutdown, SocketAddr};
use std::task::Poll;

use mio::Interest;

use crate::net::addr::{self, ToSocketAddrs};
use crate::net::split::{self, OwnedReadHalf, OwnedWriteHalf, ReadHalf, WriteHalf};
use crate::net::stream as ops;
use crate::reactor::{Direction, IoSource};

/// A TCP connection between a local and a remote socket, made by [`TcpStream::connect`] or
/// [`TcpListener::accept`](super::TcpListener::accept).
///
/// Reading and writing take `&mut self`; to do both at once, [`split`](TcpStream::split) it (borrowed
/// halves) or [`into_split`](TcpStream::into_split) it (owned halves for two tasks). It implements
/// [`futures_io::AsyncRead`] and [`futures_io::AsyncWrite`], so the helpers of `futures-lite` and
/// `futures-util` (buffered readers, `copy`, `lines`) work on it. Dropping it closes the connection.
///
/// A stream belongs to the runtime it was created in; dropping it after that runtime is fine.
///
/// # Examples
/// ```
/// use solio::net::{TcpListener, TcpStream};
///
/// solio::run(async {
///     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
///     let addr = listener.local_addr().unwrap();
///     let server = solio::spawn(async move {
///         let (mut stream, _) = listener.accept().await.unwrap();
///         let mut buf = [0; 5];
///         stream.read_exact(&mut buf).await.unwrap();
///         stream.write_all(&buf).await.unwrap();
///     });
///     let mut client = TcpStream::connect(addr).await.unwrap();
///     client.write_all(b"hello").await.unwrap();
///     let mut echo = [0; 5];
///     client.read_exact(&mut echo).await.unwrap();
///     assert_eq!(&echo, b"hello");
///     server.await.unwrap();
/// });
/// ```
pub struct TcpStream {
    io: IoSource<mio::net::TcpStream>,
}

impl TcpStream {
    /// Opens a connection to `addr`. A host name is resolved on the blocking pool; each address it
    /// names is tried in turn until one accepts, else the last error is returned (`ConnectionRefused`
    /// when nothing listens there).
    ///
    /// # Panics
    /// When polled outside a solio runtime.
    ///
    /// # Cancel safety
    /// Dropping the future abandons the attempt and closes its socket.
    ///
    /// # Examples
    /// ```
    /// use solio::net::{TcpListener, TcpStream};
    ///
    /// solio::run(async {
    ///     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let stream = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
    ///     assert_eq!(stream.peer_addr().unwrap(), listener.local_addr().unwrap());
    /// });
    /// ```
    pub async fn connect(addr: impl ToSocketAddrs) -> io::Result<TcpStream> {
        addr::each_addr(&addr, connect_addr).await
    }

    pub(crate) fn from_mio(
        stream: mio::net::TcpStream,
        core: std::rc::Rc<crate::runtime::scheduler::Core>,
    ) -> io::Result<TcpStream> {
        Ok(TcpStream { io: IoSource::with_core(core, stream, Interest::READABLE | Interest::WRITABLE)? })
    }

    /// Wraps a connected standard-library stream, switching it to non-blocking mode.
    ///
    /// # Errors
    /// If the mode cannot be set or the socket cannot be registered with the reactor.
    ///
    /// # Panics
    /// Outside a solio runtime.
    ///
    /// # Examples
    /// ```
    /// solio::run(async {
    ///     let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    ///     let std_stream = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    ///     let stream = solio::net::TcpStream::from_std(std_stream).unwrap();
    ///     assert_eq!(stream.peer_addr().unwrap(), listener.local_addr().unwrap());
    /// });
    /// ```
    #[track_caller]
    pub fn from_std(stream: std::net::TcpStream) -> io::Result<TcpStream> {
        stream.set_nonblocking(true)?;
        let io = IoSource::new(
            mio::net::TcpStream::from_std(stream),
            Interest::READABLE | Interest::WRITABLE,
            "TcpStream::from_std",
        )?;
        Ok(TcpStream { io })
    }

    /// Reads some bytes into `buf` and returns how many; `Ok(0)` means the peer closed its write side (or
    /// `buf` is empty). Waits until at least one byte is available.
    ///
    /// # Cancel safety
    /// Cancel safe: when the future is dropped before it completes, no bytes were read.
    ///
    /// # Examples
    /// ```
    /// use solio::net::{TcpListener, TcpStream};
    ///
    /// solio::run(async {
    ///     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let mut client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
    ///     let (mut server, _) = listener.accept().await.unwrap();
    ///     client.write_all(b"abc").await.unwrap();
    ///     let mut buf = [0; 16];
    ///     let n = server.read(&mut buf).await.unwrap();
    ///     assert_eq!(&buf[..n], b"abc");
    /// });
    /// ```
    pub async fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        ops::read(self, buf).await
    }

    /// Reads exactly `buf.len()` bytes; fails with `UnexpectedEof` if the stream ends first.
    ///
    /// # Cancel safety
    /// Not cancel safe: bytes read before the future is dropped are in `buf`, but how many is lost.
    ///
    /// # Examples
    /// See [`TcpStream`].
    pub async fn read_exact(&mut self, buf: &mut [u8]) -> io::Result<()> {
        ops::read_exact(self, buf).await
    }

    /// Reads until the peer closes its write side, appending to `buf`; returns the number of bytes read.
    ///
    /// # Cancel safety
    /// The bytes read before the future is dropped stay appended to `buf`; only the count is lost.
    ///
    /// # Examples
    /// ```
    /// use solio::net::{TcpListener, TcpStream};
    ///
    /// solio::run(async {
    ///     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let mut client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
    ///     let (mut server, _) = listener.accept().await.unwrap();
    ///     client.write_all(b"all of it").await.unwrap();
    ///     drop(client);
    ///     let mut buf = Vec::new();
    ///     assert_eq!(server.read_to_end(&mut buf).await.unwrap(), 9);
    ///     assert_eq!(buf, b"all of it");
    /// });
    /// ```
    pub async fn read_to_end(&mut self, buf: &mut Vec<u8>) -> io::Result<usize> {
        ops::read_to_end(self, buf).await
    }

    /// Writes some bytes of `buf` and returns how many; waits until the socket takes at least one.
    ///
    /// # Cancel safety
    /// Cancel safe: when the future is dropped before it completes, nothing was written.
    ///
    /// # Examples
    /// ```
    /// use solio::net::{TcpListener, TcpStream};
    ///
    /// solio::run(async {
    ///     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let mut client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
    ///     assert_eq!(client.write(b"hi").await.unwrap(), 2);
    /// });
    /// ```
    pub async fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        ops::write(self, buf).await
    }

    /// Writes all of `buf`, waiting for room in the socket buffer as needed.
    ///
    /// # Cancel safety
    /// Not cancel safe: a prefix of `buf` may have been written when the future is dropped.
    ///
    /// # Examples
    /// See [`TcpStream`].
    pub async fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        ops::write_all(self, buf).await
    }

    /// Completes at once: a socket has no user-space buffer to flush (provided for symmetry with
    /// buffered writers).
    ///
    /// # Cancel safety
    /// Cancel safe (it never waits).
    ///
    /// # Examples
    /// ```
    /// # use solio::net::{TcpListener, TcpStream};
    /// solio::run(async {
    ///     # let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let mut stream = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
    ///     stream.flush().await.unwrap();
    /// });
    /// ```
    pub async fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }

    /// Shuts down the read side, the write side or both. After `Shutdown::Write` the peer reads end of
    /// stream while this side can still read (a half-close).
    ///
    /// # Errors
    /// `NotConnected` if the connection is already gone.
    ///
    /// # Examples
    /// ```
    /// use std::net::Shutdown;
    /// use solio::net::{TcpListener, TcpStream};
    ///
    /// solio::run(async {
    ///     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
    ///     let (mut server, _) = listener.accept().await.unwrap();
    ///     client.shutdown(Shutdown::Write).unwrap();
    ///     assert_eq!(server.read(&mut [0; 8]).await.unwrap(), 0);
    /// });
    /// ```
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        self.io.get_ref().shutdown(how)
    }

    /// The address of the remote end.
    ///
    /// # Examples
    /// See [`TcpStream::connect`].
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().peer_addr()
    }

    /// The address of the local end.
    ///
    /// # Examples
    /// ```
    /// # use solio::net::{TcpListener, TcpStream};
    /// solio::run(async {
    ///     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
    ///     let (_server, from) = listener.accept().await.unwrap();
    ///     assert_eq!(client.local_addr().unwrap(), from);
    /// });
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().local_addr()
    }

    /// Sets `TCP_NODELAY`: when true, small writes are sent at once instead of being coalesced (Nagle's
    /// algorithm off).
    ///
    /// # Examples
    /// ```
    /// # use solio::net::{TcpListener, TcpStream};
    /// solio::run(async {
    ///     # let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let stream = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
    ///     stream.set_nodelay(true).unwrap();
    ///     assert!(stream.nodelay().unwrap());
    /// });
    /// ```
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.io.get_ref().set_nodelay(nodelay)
    }

    /// Whether `TCP_NODELAY` is set; see [`TcpStream::set_nodelay`].
    pub fn nodelay(&self) -> io::Result<bool> {
        self.io.get_ref().nodelay()
    }

    /// Splits the stream into a read half and a write half that borrow it and can be used at the same
    /// time (for example both awaited in one task).
    ///
    /// # Examples
    /// See [`ReadHalf`].
    pub fn split(&mut self) -> (ReadHalf<'_, TcpStream>, WriteHalf<'_, TcpStream>) {
        split::split(self)
    }

    /// Splits the stream into owned halves that can move into different tasks. Dropping the write half
    /// shuts down the write direction; the connection closes when both are dropped.
    ///
    /// # Examples
    /// See [`OwnedReadHalf`].
    pub fn into_split(self) -> (OwnedReadHalf<TcpStream>, OwnedWriteHalf<TcpStream>) {
        split::into_split(self)
    }
}

/// Connects to one address: a non-blocking `connect`, then a wait for writability.
async fn connect_addr(addr: SocketAddr) -> io::Result<TcpStream> {
    let core = crate::reactor::current_core("TcpStream::connect");
    let stream = TcpStream::from_mio(mio::net::TcpStream::connect(addr)?, core)?;
    std::future::poll_fn(|cx| {
        loop {
            std::task::ready!(stream.io.poll_ready(Direction::Write, cx));
            let sock = stream.io.get_ref();
            if let Some(e) = sock.take_error()? {
                return Poll::Ready(Err(e));
            }
            // epoll reports a connecting socket writable only once the handshake is over (or failed), so
            // on Linux the `getpeername` that guards against early wakeups elsewhere is one system call
            // too many.
            if cfg!(any(target_os = "linux", target_os = "android")) {
                return Poll::Ready(Ok(()));
            }
            match sock.peer_addr() {
                Ok(_) => return Poll::Ready(Ok(())),
                // Still connecting: that edge was not the end of the handshake.
                Err(e) if e.kind() == io::ErrorKind::NotConnected => stream.io.clear_ready(Direction::Write),
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
    })
    .await?;
    Ok(stream)
}

ops::stream_impls!(TcpStream);
