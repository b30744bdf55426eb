//! `UdpSocket`: datagrams.

use std::fmt;
use std::future::poll_fn;
use std::io;
use std::net::SocketAddr;

use mio::Interest;

use crate::net::addr::{self, ToSocketAddrs};
use crate::reactor::{Direction, IoSource, current_core};

/// A UDP socket (asyncio's `create_datagram_endpoint`, without the protocol class).
///
/// Its methods take `&self`, so one socket can be shared between tasks with `Rc` (say, one task receiving
/// while another sends); several tasks waiting in the same direction are all woken when it becomes ready.
///
/// # Examples
/// ```
/// use solio::net::UdpSocket;
///
/// solio::run(async {
///     let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
///     let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
///     a.send_to(b"ping", b.local_addr().unwrap()).await.unwrap();
///     let mut buf = [0; 16];
///     let (n, from) = b.recv_from(&mut buf).await.unwrap();
///     assert_eq!((&buf[..n], from), (&b"ping"[..], a.local_addr().unwrap()));
/// });
/// ```
pub struct UdpSocket {
    io: IoSource<mio::net::UdpSocket>,
}

impl UdpSocket {
    /// Binds a socket to `addr` (port 0 picks a free port). A host name is resolved on the blocking
    /// pool; the first address that binds wins.
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
    ///     let socket = solio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     assert_ne!(socket.local_addr().unwrap().port(), 0);
    /// });
    /// ```
    pub async fn bind(addr: impl ToSocketAddrs) -> io::Result<UdpSocket> {
        addr::each_addr(&addr, |a| {
            std::future::ready((|| {
                let core = current_core("UdpSocket::bind");
                let socket = mio::net::UdpSocket::bind(a)?;
                Ok(UdpSocket {
                    io: IoSource::with_core(core, socket, Interest::READABLE | Interest::WRITABLE)?,
                })
            })())
        })
        .await
    }

    /// Wraps a standard-library socket, switching it to non-blocking mode.
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
    ///     let std_socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    ///     let socket = solio::net::UdpSocket::from_std(std_socket).unwrap();
    ///     # drop(socket);
    /// });
    /// ```
    #[track_caller]
    pub fn from_std(socket: std::net::UdpSocket) -> io::Result<UdpSocket> {
        socket.set_nonblocking(true)?;
        let socket = mio::net::UdpSocket::from_std(socket);
        let io = IoSource::new(socket, Interest::READABLE | Interest::WRITABLE, "UdpSocket::from_std")?;
        Ok(UdpSocket { io })
    }

    /// Sets the default destination of [`send`](UdpSocket::send) and the only source
    /// [`recv`](UdpSocket::recv) accepts. A host name is resolved on the blocking pool; the first address
    /// that the socket accepts wins.
    ///
    /// # Cancel safety
    /// Dropping the future before it completes leaves the socket as it was.
    ///
    /// # Examples
    /// ```
    /// use solio::net::UdpSocket;
    ///
    /// solio::run(async {
    ///     let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     a.connect(b.local_addr().unwrap()).await.unwrap();
    ///     b.connect(a.local_addr().unwrap()).await.unwrap();
    ///     a.send(b"hi").await.unwrap();
    ///     let mut buf = [0; 8];
    ///     assert_eq!(b.recv(&mut buf).await.unwrap(), 2);
    ///     assert_eq!(a.peer_addr().unwrap(), b.local_addr().unwrap());
    /// });
    /// ```
    pub async fn connect(&self, addr: impl ToSocketAddrs) -> io::Result<()> {
        addr::each_addr(&addr, |a| std::future::ready(self.io.get_ref().connect(a))).await
    }

    /// Sends `buf` as one datagram to the connected peer; returns the number of bytes sent.
    ///
    /// # Errors
    /// If the socket is not connected, or the datagram is too large.
    ///
    /// # Cancel safety
    /// Cancel safe: when the future is dropped before it completes, nothing was sent.
    ///
    /// # Examples
    /// See [`UdpSocket::connect`].
    pub async fn send(&self, buf: &[u8]) -> io::Result<usize> {
        poll_fn(|cx| self.io.poll_io(Direction::Write, cx, |s| s.send(buf))).await
    }

    /// Receives one datagram from the connected peer into `buf`; bytes that do not fit are discarded.
    ///
    /// # Cancel safety
    /// Cancel safe: when the future is dropped before it completes, no datagram was taken.
    ///
    /// # Examples
    /// See [`UdpSocket::connect`].
    pub async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        poll_fn(|cx| self.io.poll_io(Direction::Read, cx, |s| s.recv(buf))).await
    }

    /// Sends `buf` as one datagram to `target` (resolved on the blocking pool if it is a host name; the
    /// first address is used); returns the number of bytes sent.
    ///
    /// # Cancel safety
    /// Cancel safe: when the future is dropped before it completes, nothing was sent.
    ///
    /// # Examples
    /// See [`UdpSocket`].
    pub async fn send_to(&self, buf: &[u8], target: impl ToSocketAddrs) -> io::Result<usize> {
        let target = addr::resolve_one(&target).await?;
        poll_fn(|cx| self.io.poll_io(Direction::Write, cx, |s| s.send_to(buf, target))).await
    }

    /// Receives one datagram into `buf` and returns its length and sender; bytes that do not fit are
    /// discarded.
    ///
    /// # Cancel safety
    /// Cancel safe: when the future is dropped before it completes, no datagram was taken.
    ///
    /// # Examples
    /// See [`UdpSocket`].
    pub async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        poll_fn(|cx| self.io.poll_io(Direction::Read, cx, |s| s.recv_from(buf))).await
    }

    /// The address the socket is bound to.
    ///
    /// # Examples
    /// See [`UdpSocket::bind`].
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().local_addr()
    }

    /// The address of the connected peer.
    ///
    /// # Errors
    /// `NotConnected` if [`connect`](UdpSocket::connect) was not called.
    ///
    /// # Examples
    /// See [`UdpSocket::connect`].
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().peer_addr()
    }
}

impl fmt::Debug for UdpSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.io.fmt(f)
    }
}
