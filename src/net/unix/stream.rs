//! `UnixStream`: a Unix-domain stream connection.

use std::io;
use std::net::Shutdown;
use std::os::unix::net::SocketAddr;
use std::path::Path;
use std::rc::Rc;
use std::task::{Poll, ready};

use mio::Interest;

use crate::net::split::{self, OwnedReadHalf, OwnedWriteHalf, ReadHalf, WriteHalf};
use crate::net::stream as ops;
use crate::reactor::{Direction, IoSource, current_core};
use crate::runtime::scheduler::Core;

/// A Unix-domain stream connection, made by [`UnixStream::connect`], [`UnixStream::pair`] or
/// [`UnixListener::accept`](super::UnixListener::accept). Same surface as
/// [`TcpStream`](crate::net::TcpStream): `read`/`write` families, `split`, `into_split`, and
/// [`futures_io::AsyncRead`]/[`futures_io::AsyncWrite`].
///
/// # Examples
/// ```
/// use solio::net::UnixStream;
///
/// solio::run(async {
///     let (mut a, mut b) = UnixStream::pair().unwrap();
///     a.write_all(b"over the socket").await.unwrap();
///     drop(a);
///     let mut got = String::new();
///     futures_lite::AsyncReadExt::read_to_string(&mut b, &mut got).await.unwrap();
///     assert_eq!(got, "over the socket");
/// });
/// ```
pub struct UnixStream {
    io: IoSource<mio::net::UnixStream>,
}

impl UnixStream {
    /// Connects to the socket at `path`.
    ///
    /// # Errors
    /// `NotFound` if nothing is at `path`, `ConnectionRefused` if nobody listens there.
    ///
    /// # Panics
    /// When polled outside a solio runtime.
    ///
    /// # Cancel safety
    /// Dropping the future abandons the attempt and closes its socket.
    ///
    /// # Examples
    /// See [`UnixListener`](super::UnixListener).
    pub async fn connect(path: impl AsRef<Path>) -> io::Result<UnixStream> {
        let core = current_core("UnixStream::connect");
        let stream = UnixStream::from_mio(mio::net::UnixStream::connect(path)?, core)?;
        std::future::poll_fn(|cx| {
            ready!(stream.io.poll_ready(Direction::Write, cx));
            Poll::Ready(match stream.io.get_ref().take_error() {
                Ok(Some(e)) | Err(e) => Err(e),
                Ok(None) => Ok(()),
            })
        })
        .await?;
        Ok(stream)
    }

    /// A pair of connected streams (`socketpair`).
    ///
    /// # Panics
    /// Outside a solio runtime.
    ///
    /// # Examples
    /// See [`UnixStream`].
    #[track_caller]
    pub fn pair() -> io::Result<(UnixStream, UnixStream)> {
        let core = current_core("UnixStream::pair");
        let (a, b) = mio::net::UnixStream::pair()?;
        Ok((UnixStream::from_mio(a, core.clone())?, UnixStream::from_mio(b, core)?))
    }

    pub(crate) fn from_mio(stream: mio::net::UnixStream, core: Rc<Core>) -> io::Result<UnixStream> {
        Ok(UnixStream { io: IoSource::with_core(core, stream, Interest::READABLE | Interest::WRITABLE)? })
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
    ///     let (a, _b) = std::os::unix::net::UnixStream::pair().unwrap();
    ///     let a = solio::net::UnixStream::from_std(a).unwrap();
    ///     # drop(a);
    /// });
    /// ```
    #[track_caller]
    pub fn from_std(stream: std::os::unix::net::UnixStream) -> io::Result<UnixStream> {
        stream.set_nonblocking(true)?;
        let stream = mio::net::UnixStream::from_std(stream);
        let io = IoSource::new(stream, Interest::READABLE | Interest::WRITABLE, "UnixStream::from_std")?;
        Ok(UnixStream { io })
    }

    /// Reads some bytes into `buf` and returns how many; `Ok(0)` means end of stream (or an empty `buf`).
    ///
    /// # Cancel safety
    /// Cancel safe: when the future is dropped before it completes, no bytes were read.
    ///
    /// # Examples
    /// ```
    /// solio::run(async {
    ///     let (mut a, mut b) = solio::net::UnixStream::pair().unwrap();
    ///     a.write_all(b"abc").await.unwrap();
    ///     let mut buf = [0; 8];
    ///     let n = b.read(&mut buf).await.unwrap();
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
    /// See [`UnixListener`](super::UnixListener).
    pub async fn read_exact(&mut self, buf: &mut [u8]) -> io::Result<()> {
        ops::read_exact(self, buf).await
    }

    /// Reads until end of stream, appending to `buf`; returns the number of bytes read.
    ///
    /// # Cancel safety
    /// The bytes read before the future is dropped stay appended to `buf`; only the count is lost.
    ///
    /// # Examples
    /// ```
    /// solio::run(async {
    ///     let (mut a, mut b) = solio::net::UnixStream::pair().unwrap();
    ///     a.write_all(b"abc").await.unwrap();
    ///     drop(a);
    ///     let mut buf = Vec::new();
    ///     assert_eq!(b.read_to_end(&mut buf).await.unwrap(), 3);
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
    /// solio::run(async {
    ///     let (mut a, _b) = solio::net::UnixStream::pair().unwrap();
    ///     assert_eq!(a.write(b"hi").await.unwrap(), 2);
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
    /// See [`UnixStream`].
    pub async fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        ops::write_all(self, buf).await
    }

    /// Completes at once: a socket has no user-space buffer to flush.
    ///
    /// # Cancel safety
    /// Cancel safe (it never waits).
    ///
    /// # Examples
    /// ```
    /// solio::run(async {
    ///     let (mut a, _b) = solio::net::UnixStream::pair().unwrap();
    ///     a.flush().await.unwrap();
    /// });
    /// ```
    pub async fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }

    /// Shuts down the read side, the write side or both; after `Shutdown::Write` the peer reads end of
    /// stream while this side can still read.
    ///
    /// # Examples
    /// ```
    /// use std::net::Shutdown;
    ///
    /// solio::run(async {
    ///     let (a, mut b) = solio::net::UnixStream::pair().unwrap();
    ///     a.shutdown(Shutdown::Write).unwrap();
    ///     assert_eq!(b.read(&mut [0; 4]).await.unwrap(), 0);
    /// });
    /// ```
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        self.io.get_ref().shutdown(how)
    }

    /// The address of the remote end (unnamed for a client socket or a pair).
    ///
    /// # Examples
    /// ```
    /// solio::run(async {
    ///     let (a, _b) = solio::net::UnixStream::pair().unwrap();
    ///     assert!(a.peer_addr().unwrap().is_unnamed());
    /// });
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().peer_addr()
    }

    /// The address of the local end.
    ///
    /// # Examples
    /// ```
    /// solio::run(async {
    ///     let (a, _b) = solio::net::UnixStream::pair().unwrap();
    ///     assert!(a.local_addr().unwrap().is_unnamed());
    /// });
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().local_addr()
    }

    /// Splits the stream into borrowed read and write halves usable at the same time.
    ///
    /// # Examples
    /// ```
    /// solio::run(async {
    ///     let (mut a, mut b) = solio::net::UnixStream::pair().unwrap();
    ///     let (mut rd, mut wr) = a.split();
    ///     let send = async { wr.write_all(b"x").await };
    ///     let recv = async { b.write_all(b"y").await?; let mut c = [0]; rd.read_exact(&mut c).await.map(|_| c) };
    ///     let (sent, got) = futures_lite::future::zip(send, recv).await;
    ///     sent.unwrap();
    ///     assert_eq!(got.unwrap(), *b"y");
    /// });
    /// ```
    pub fn split(&mut self) -> (ReadHalf<'_, UnixStream>, WriteHalf<'_, UnixStream>) {
        split::split(self)
    }

    /// Splits the stream into owned halves that can move into different tasks. Dropping the write half
    /// shuts down the write direction; the connection closes when both are dropped.
    ///
    /// # Examples
    /// ```
    /// solio::run(async {
    ///     let (a, mut b) = solio::net::UnixStream::pair().unwrap();
    ///     let (_rd, mut wr) = a.into_split();
    ///     wr.write_all(b"bye").await.unwrap();
    ///     drop(wr);
    ///     let mut got = Vec::new();
    ///     b.read_to_end(&mut got).await.unwrap();
    ///     assert_eq!(got, b"bye");
    /// });
    /// ```
    pub fn into_split(self) -> (OwnedReadHalf<UnixStream>, OwnedWriteHalf<UnixStream>) {
        split::into_split(self)
    }
}

ops::stream_impls!(UnixStream);
