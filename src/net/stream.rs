//! What TCP and Unix streams (and their halves) share: the sealed [`sealed::Stream`] trait and the
//! `read`/`write` family written once over it.

use std::future::poll_fn;
use std::io::{self, IoSlice};
use std::net::Shutdown;
use std::task::{Context, Poll, ready};

pub(crate) mod sealed {
    use super::*;

    /// A stream socket: the operations the halves need, kept out of the public API.
    #[allow(unreachable_pub)] // public in a private module: the sealed-trait pattern
    pub trait Stream {
        /// Reads into `buf`, or registers the task for the next read edge.
        fn poll_read_priv(&self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>>;
        /// Writes from `buf`, or registers the task for the next write edge.
        fn poll_write_priv(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>>;
        /// Writes from `bufs` (one `writev`), or registers the task for the next write edge.
        fn poll_write_vectored_priv(
            &self,
            cx: &mut Context<'_>,
            bufs: &[IoSlice<'_>],
        ) -> Poll<io::Result<usize>>;
        /// Shuts down one or both directions.
        fn shutdown_priv(&self, how: Shutdown) -> io::Result<()>;
    }
}

use sealed::Stream;

pub(crate) async fn read<T: Stream + ?Sized>(s: &T, buf: &mut [u8]) -> io::Result<usize> {
    poll_fn(|cx| s.poll_read_priv(cx, buf)).await
}

pub(crate) async fn write<T: Stream + ?Sized>(s: &T, buf: &[u8]) -> io::Result<usize> {
    poll_fn(|cx| s.poll_write_priv(cx, buf)).await
}

pub(crate) async fn read_exact<T: Stream + ?Sized>(s: &T, mut buf: &mut [u8]) -> io::Result<()> {
    poll_fn(|cx| {
        while !buf.is_empty() {
            let n = ready!(s.poll_read_priv(cx, buf))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::UnexpectedEof.into()));
            }
            buf = &mut std::mem::take(&mut buf)[n..];
        }
        Poll::Ready(Ok(()))
    })
    .await
}

pub(crate) async fn write_all<T: Stream + ?Sized>(s: &T, mut buf: &[u8]) -> io::Result<()> {
    poll_fn(|cx| {
        while !buf.is_empty() {
            let n = ready!(s.poll_write_priv(cx, buf))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            buf = &buf[n..];
        }
        Poll::Ready(Ok(()))
    })
    .await
}

/// Reads until end of stream, appending to `vec`. Each read goes to a zeroed window of at most 64 KiB of
/// spare room, trimmed within the same poll, so a cancelled call leaves exactly the bytes read so far.
pub(crate) async fn read_to_end<T: Stream + ?Sized>(s: &T, vec: &mut Vec<u8>) -> io::Result<usize> {
    let start = vec.len();
    poll_fn(|cx| {
        loop {
            if vec.capacity() - vec.len() < 1024 {
                vec.reserve(vec.len().clamp(8 * 1024, 1024 * 1024));
            }
            let filled = vec.len();
            vec.resize(vec.capacity().min(filled + 64 * 1024), 0);
            let poll = s.poll_read_priv(cx, &mut vec[filled..]);
            let n = match &poll {
                Poll::Ready(Ok(n)) => *n,
                _ => 0,
            };
            vec.truncate(filled + n);
            match poll {
                Poll::Ready(Ok(0)) => return Poll::Ready(Ok(vec.len() - start)),
                Poll::Ready(Ok(_)) => {}
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
    })
    .await
}

/// The trait impls every stream type shares (the sealed [`sealed::Stream`] plus `futures-io`'s
/// `AsyncRead`/`AsyncWrite`, and `Debug`), all delegating to the type's `io` source.
macro_rules! stream_impls {
    ($t:ty) => {
        impl $crate::net::stream::sealed::Stream for $t {
            fn poll_read_priv(
                &self,
                cx: &mut std::task::Context<'_>,
                buf: &mut [u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                self.io.poll_read(cx, buf)
            }

            fn poll_write_priv(
                &self,
                cx: &mut std::task::Context<'_>,
                buf: &[u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                self.io.poll_write(cx, buf)
            }

            fn poll_write_vectored_priv(
                &self,
                cx: &mut std::task::Context<'_>,
                bufs: &[std::io::IoSlice<'_>],
            ) -> std::task::Poll<std::io::Result<usize>> {
                self.io.poll_write_vectored(cx, bufs)
            }

            fn shutdown_priv(&self, how: std::net::Shutdown) -> std::io::Result<()> {
                self.shutdown(how)
            }
        }

        impl futures_io::AsyncRead for $t {
            fn poll_read(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &mut [u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                self.io.poll_read(cx, buf)
            }
        }

        impl futures_io::AsyncWrite for $t {
            fn poll_write(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &[u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                self.io.poll_write(cx, buf)
            }

            fn poll_write_vectored(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                bufs: &[std::io::IoSlice<'_>],
            ) -> std::task::Poll<std::io::Result<usize>> {
                self.io.poll_write_vectored(cx, bufs)
            }

            fn poll_flush(
                self: std::pin::Pin<&mut Self>,
                _: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                std::task::Poll::Ready(Ok(()))
            }

            /// Shuts down the write direction.
            fn poll_close(
                self: std::pin::Pin<&mut Self>,
                _: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                std::task::Poll::Ready(self.shutdown(std::net::Shutdown::Write))
            }
        }

        impl std::fmt::Debug for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.io.fmt(f)
            }
        }
    };
}
pub(crate) use stream_impls;
