//! `UnixListener`: a Unix-domain stream socket accepting connections.

use std::fmt;
use std::future::poll_fn;
use std::io;
use std::os::unix::net::SocketAddr;
use std::path::Path;

use mio::Interest;
use socket2::{Domain, SockAddr, Socket, Type};

use super::UnixStream;
use crate::reactor::{Direction, IoSource};

/// A Unix-domain socket listening for connections at a path (asyncio's `start_unix_server`).
///
/// The socket file is not removed when the listener is dropped (as with std's listener): remove it with
/// [`fs::remove_file`](crate::fs::remove_file) when done, or before binding again.
///
/// # Examples
/// ```
/// use solio::net::{UnixListener, UnixStream};
///
/// solio::run(async {
///     let path = std::env::temp_dir().join(format!("solio-doc-{}.sock", std::process::id()));
///     let _ = std::fs::remove_file(&path);
///     let listener = UnixListener::bind(&path).unwrap();
///     let mut client = UnixStream::connect(&path).await.unwrap();
///     let (mut server, _) = listener.accept().await.unwrap();
///     client.write_all(b"hi").await.unwrap();
///     let mut buf = [0; 2];
///     server.read_exact(&mut buf).await.unwrap();
///     assert_eq!(&buf, b"hi");
///     std::fs::remove_file(&path).unwrap();
/// });
/// ```
pub struct UnixListener {
    io: IoSource<mio::net::UnixListener>,
}

impl UnixListener {
    /// Creates a socket file at `path` and listens on it, with a backlog of 1024.
    ///
    /// # Errors
    /// If `path` exists already (`AddrInUse`), or cannot be created.
    ///
    /// # Panics
    /// Outside a solio runtime.
    ///
    /// # Examples
    /// See [`UnixListener`].
    #[track_caller]
    pub fn bind(path: impl AsRef<Path>) -> io::Result<UnixListener> {
        let socket = Socket::new(Domain::UNIX, Type::STREAM, None)?;
        socket.set_nonblocking(true)?;
        socket.bind(&SockAddr::unix(path)?)?;
        socket.listen(crate::net::BACKLOG)?;
        let listener = std::os::unix::net::UnixListener::from(std::os::fd::OwnedFd::from(socket));
        let listener = mio::net::UnixListener::from_std(listener);
        Ok(UnixListener { io: IoSource::new(listener, Interest::READABLE, "UnixListener::bind")? })
    }

    /// Wraps a listening standard-library socket, switching it to non-blocking mode.
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
    ///     let path = std::env::temp_dir().join(format!("solio-doc-std-{}.sock", std::process::id()));
    ///     let _ = std::fs::remove_file(&path);
    ///     let std_listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
    ///     let listener = solio::net::UnixListener::from_std(std_listener).unwrap();
    ///     assert_eq!(listener.local_addr().unwrap().as_pathname(), Some(path.as_path()));
    ///     std::fs::remove_file(&path).unwrap();
    /// });
    /// ```
    #[track_caller]
    pub fn from_std(listener: std::os::unix::net::UnixListener) -> io::Result<UnixListener> {
        listener.set_nonblocking(true)?;
        let listener = mio::net::UnixListener::from_std(listener);
        Ok(UnixListener { io: IoSource::new(listener, Interest::READABLE, "UnixListener::from_std")? })
    }

    /// Waits for a connection and returns it with the peer's address (usually unnamed).
    ///
    /// An error concerns this one attempt: the listener stays usable.
    ///
    /// # Cancel safety
    /// Cancel safe: when the future is dropped before it completes, no connection was taken from the
    /// queue.
    ///
    /// # Examples
    /// See [`UnixListener`].
    pub async fn accept(&self) -> io::Result<(UnixStream, SocketAddr)> {
        let (stream, addr) = poll_fn(|cx| self.io.poll_io(Direction::Read, cx, |l| l.accept())).await?;
        Ok((UnixStream::from_mio(stream, self.io.core().clone())?, addr))
    }

    /// The address the listener is bound to.
    ///
    /// # Examples
    /// See [`UnixListener::from_std`].
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().local_addr()
    }
}

impl fmt::Debug for UnixListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.io.fmt(f)
    }
}
