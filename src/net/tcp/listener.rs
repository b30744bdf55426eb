//! `TcpListener`: a TCP socket accepting connections.

use std::fmt;
use std::future::poll_fn;
use std::io;
use std::net::SocketAddr;

use mio::Interest;
use socket2::{Domain, Protocol, Socket, Type};

use super::TcpStream;
use crate::net::addr::{self, ToSocketAddrs};
use crate::reactor::{Direction, IoSource, current_core};

use crate::net::BACKLOG;

/// A TCP socket listening for connections (asyncio's `start_server` without the callback).
///
/// # Examples
/// An echo server that handles each client in its own task:
/// ```
/// use solio::net::{TcpListener, TcpStream};
///
/// solio::run(async {
///     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
///     let addr = listener.local_addr().unwrap();
///     solio::spawn(async move {
///         loop {
///             let Ok((stream, _)) = listener.accept().await else { continue };
///             solio::spawn(async move {
///                 let (mut rd, mut wr) = stream.into_split();
///                 let _ = futures_lite::io::copy(&mut rd, &mut wr).await;
///             });
///         }
///     });
///     let mut client = TcpStream::connect(addr).await.unwrap();
///     client.write_all(b"echo").await.unwrap();
///     let mut buf = [0; 4];
///     client.read_exact(&mut buf).await.unwrap();
///     assert_eq!(&buf, b"echo");
/// });
/// ```
pub struct TcpListener {
    io: IoSource<mio::net::TcpListener>,
}

impl TcpListener {
    /// Binds a listener to `addr` (port 0 picks a free port; see [`local_addr`](TcpListener::local_addr)).
    /// A host name is resolved on the blocking pool; the first address that binds wins. The socket has
    /// `SO_REUSEADDR` set and a backlog of 1024.
    ///
    /// # Panics
    /// When polled outside a solio runtime.
    ///
    /// # Cancel safety
    /// Dropping the future before it completes binds nothing.
    ///
    /// # Examples
    /// ```
    /// solio::run(async {
    ///     let listener = solio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     assert_ne!(listener.local_addr().unwrap().port(), 0);
    /// });
    /// ```
    pub async fn bind(addr: impl ToSocketAddrs) -> io::Result<TcpListener> {
        addr::each_addr(&addr, |a| std::future::ready(bind_addr(a))).await
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
    ///     let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    ///     let addr = std_listener.local_addr().unwrap();
    ///     let listener = solio::net::TcpListener::from_std(std_listener).unwrap();
    ///     assert_eq!(listener.local_addr().unwrap(), addr);
    /// });
    /// ```
    #[track_caller]
    pub fn from_std(listener: std::net::TcpListener) -> io::Result<TcpListener> {
        listener.set_nonblocking(true)?;
        let listener = mio::net::TcpListener::from_std(listener);
        Ok(TcpListener { io: IoSource::new(listener, Interest::READABLE, "TcpListener::from_std")? })
    }

    /// Waits for a connection and returns it with the peer's address.
    ///
    /// An error concerns this one attempt (a client that gave up, or too many open files): the listener
    /// stays usable, so an accept loop should log it and go on.
    ///
    /// Several tasks may wait on the same listener (shared with `Rc`); each connection goes to one.
    ///
    /// # Cancel safety
    /// Cancel safe: when the future is dropped before it completes, no connection was taken from the
    /// queue.
    ///
    /// # Examples
    /// ```
    /// use solio::net::{TcpListener, TcpStream};
    ///
    /// solio::run(async {
    ///     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
    ///     let (server, peer) = listener.accept().await.unwrap();
    ///     assert_eq!(peer, client.local_addr().unwrap());
    ///     assert_eq!(server.peer_addr().unwrap(), peer);
    /// });
    /// ```
    pub async fn accept(&self) -> io::Result<(TcpStream, SocketAddr)> {
        let (stream, addr) = poll_fn(|cx| self.io.poll_io(Direction::Read, cx, |l| l.accept())).await?;
        Ok((TcpStream::from_mio(stream, self.io.core().clone())?, addr))
    }

    /// The address the listener is bound to.
    ///
    /// # Examples
    /// See [`TcpListener::bind`].
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().local_addr()
    }
}

fn bind_addr(addr: SocketAddr) -> io::Result<TcpListener> {
    let core = current_core("TcpListener::bind");
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    socket.set_nonblocking(true)?;
    socket.set_reuse_address(true)?;
    socket.bind(&addr.into())?;
    socket.listen(BACKLOG)?;
    let listener = mio::net::TcpListener::from_std(socket.into());
    Ok(TcpListener { io: IoSource::with_core(core, listener, Interest::READABLE)? })
}

impl fmt::Debug for TcpListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.io.fmt(f)
    }
}
