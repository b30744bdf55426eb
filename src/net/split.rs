//! Read and write halves of a [`TcpStream`](super::TcpStream) or [`UnixStream`](super::UnixStream).
//!
//! `split` borrows the stream and gives two halves that can be used at the same time, for example both
//! awaited inside one task with `gather!`; `into_split` consumes it and gives owned halves, shared through
//! an `Rc`, that can move into different tasks. The halves are generic over the stream type, and each
//! dereferences to it through [`AsRef`] for its address getters.

use std::fmt;
use std::io::{self, IoSlice};
use std::net::Shutdown;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use super::stream::{self as ops, sealed::Stream};

/// The borrowed read half of a stream, from `split`.
///
/// # Examples
/// ```
/// use solio::net::{TcpListener, TcpStream};
///
/// solio::run(async {
///     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
///     let mut client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
///     let (mut server, _) = listener.accept().await.unwrap();
///
///     // Echo: read from one half and write to the other, concurrently, in one task.
///     let (mut rd, mut wr) = server.split();
///     let echo = async { futures_lite::io::copy(&mut rd, &mut wr).await };
///     let talk = async {
///         client.write_all(b"ping").await.unwrap();
///         let mut buf = [0; 4];
///         client.read_exact(&mut buf).await.unwrap();
///         client.shutdown(std::net::Shutdown::Write).unwrap();
///         buf
///     };
///     let (copied, reply) = futures_lite::future::zip(echo, talk).await;
///     assert_eq!((copied.unwrap(), &reply), (4, b"ping"));
/// });
/// ```
pub struct ReadHalf<'a, T> {
    stream: &'a T,
}

/// The borrowed write half of a stream, from `split`. See [`ReadHalf`] for an example.
pub struct WriteHalf<'a, T> {
    stream: &'a T,
}

/// The owned read half of a stream, from `into_split`.
///
/// # Examples
/// ```
/// use solio::net::{TcpListener, TcpStream};
///
/// solio::run(async {
///     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
///     let client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
///     let (mut server, _) = listener.accept().await.unwrap();
///
///     let (mut rd, mut wr) = client.into_split();
///     let writer = solio::spawn(async move {
///         wr.write_all(b"hello").await.unwrap();
///         // Dropping the owned write half shuts down the write direction: the peer sees EOF.
///     });
///     let mut got = Vec::new();
///     server.read_to_end(&mut got).await.unwrap();
///     assert_eq!(got, b"hello");
///     writer.await.unwrap();
///     server.write_all(b"bye").await.unwrap();
///     drop(server);
///     got.clear();
///     rd.read_to_end(&mut got).await.unwrap();
///     assert_eq!(got, b"bye");
/// });
/// ```
pub struct OwnedReadHalf<T> {
    stream: Rc<T>,
}

/// The owned write half of a stream, from `into_split`. Dropping it shuts down the stream's write
/// direction (the peer reads end of stream), even while the read half lives on. See [`OwnedReadHalf`]
/// for an example.
pub struct OwnedWriteHalf<T: Stream> {
    stream: Rc<T>,
}

pub(crate) fn split<T>(stream: &mut T) -> (ReadHalf<'_, T>, WriteHalf<'_, T>) {
    (ReadHalf { stream }, WriteHalf { stream })
}

pub(crate) fn into_split<T: Stream>(stream: T) -> (OwnedReadHalf<T>, OwnedWriteHalf<T>) {
    let stream = Rc::new(stream);
    (OwnedReadHalf { stream: stream.clone() }, OwnedWriteHalf { stream })
}

// The read-side methods, once for both read halves.
macro_rules! read_methods {
    () => {
        /// Reads some bytes into `buf` and returns how many; `Ok(0)` means end of stream (or an empty
        /// `buf`). Waits until at least one byte is available.
        ///
        /// # Cancel safety
        /// Cancel safe: when the future is dropped before it completes, no bytes were read.
        pub async fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            ops::read(&*self.stream, buf).await
        }

        /// Reads exactly `buf.len()` bytes; fails with `UnexpectedEof` if the stream ends first.
        ///
        /// # Cancel safety
        /// Not cancel safe: bytes read before the future is dropped are in `buf`, but how many is lost.
        pub async fn read_exact(&mut self, buf: &mut [u8]) -> io::Result<()> {
            ops::read_exact(&*self.stream, buf).await
        }

        /// Reads until end of stream, appending to `buf`; returns the number of bytes read.
        ///
        /// # Cancel safety
        /// The bytes read before the future is dropped stay appended to `buf`; only the count is lost.
        pub async fn read_to_end(&mut self, buf: &mut Vec<u8>) -> io::Result<usize> {
            ops::read_to_end(&*self.stream, buf).await
        }
    };
}

macro_rules! write_methods {
    () => {
        /// Writes some bytes of `buf` and returns how many; waits until the socket takes at least one.
        ///
        /// # Cancel safety
        /// Cancel safe: when the future is dropped before it completes, nothing was written.
        pub async fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            ops::write(&*self.stream, buf).await
        }

        /// Writes all of `buf`.
        ///
        /// # Cancel safety
        /// Not cancel safe: a prefix of `buf` may have been written when the future is dropped.
        pub async fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
            ops::write_all(&*self.stream, buf).await
        }

        /// Completes at once: sockets have no user-space buffer to flush.
        ///
        /// # Cancel safety
        /// Cancel safe (it never waits).
        pub async fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    };
}

impl<T: Stream> ReadHalf<'_, T> {
    read_methods!();
}

impl<T: Stream> OwnedReadHalf<T> {
    read_methods!();
}

impl<T: Stream> WriteHalf<'_, T> {
    write_methods!();
}

impl<T: Stream> OwnedWriteHalf<T> {
    write_methods!();
}

impl<T: Stream> Drop for OwnedWriteHalf<T> {
    fn drop(&mut self) {
        // Fails only if the peer is already gone (`NotConnected`): nothing left to tell it.
        let _ = self.stream.shutdown_priv(Shutdown::Write);
    }
}

impl<T> AsRef<T> for ReadHalf<'_, T> {
    fn as_ref(&self) -> &T {
        self.stream
    }
}

impl<T> AsRef<T> for WriteHalf<'_, T> {
    fn as_ref(&self) -> &T {
        self.stream
    }
}

impl<T> AsRef<T> for OwnedReadHalf<T> {
    fn as_ref(&self) -> &T {
        &self.stream
    }
}

impl<T: Stream> AsRef<T> for OwnedWriteHalf<T> {
    fn as_ref(&self) -> &T {
        &self.stream
    }
}

fn poll_close<T: Stream>(stream: &T) -> Poll<io::Result<()>> {
    Poll::Ready(stream.shutdown_priv(Shutdown::Write))
}

impl<T: Stream> futures_io::AsyncRead for ReadHalf<'_, T> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        self.stream.poll_read_priv(cx, buf)
    }
}

impl<T: Stream> futures_io::AsyncRead for OwnedReadHalf<T> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        self.stream.poll_read_priv(cx, buf)
    }
}

impl<T: Stream> futures_io::AsyncWrite for WriteHalf<'_, T> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.stream.poll_write_priv(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.stream.poll_write_vectored_priv(cx, bufs)
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    /// Shuts down the write direction of the stream.
    fn poll_close(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        poll_close(self.stream)
    }
}

impl<T: Stream> futures_io::AsyncWrite for OwnedWriteHalf<T> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.stream.poll_write_priv(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.stream.poll_write_vectored_priv(cx, bufs)
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    /// Shuts down the write direction of the stream.
    fn poll_close(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        poll_close(&*self.stream)
    }
}

impl<T: fmt::Debug> fmt::Debug for ReadHalf<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ReadHalf").field(self.stream).finish()
    }
}

impl<T: fmt::Debug> fmt::Debug for WriteHalf<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("WriteHalf").field(self.stream).finish()
    }
}

impl<T: fmt::Debug> fmt::Debug for OwnedReadHalf<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("OwnedReadHalf").field(&self.stream).finish()
    }
}

impl<T: Stream + fmt::Debug> fmt::Debug for OwnedWriteHalf<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("OwnedWriteHalf").field(&self.stream).finish()
    }
}
