//! `ToSocketAddrs`: what the socket constructors accept, and name resolution on the blocking pool.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

use crate::task::spawn_blocking;

/// Anything that names one or more socket addresses: a [`SocketAddr`], an `(ip, port)` pair, a
/// `"host:port"` string, a `(host, port)` pair or a slice of addresses.
///
/// Addresses given as IP literals are used as they are. A host name is resolved with the system resolver
/// (std's [`ToSocketAddrs`](std::net::ToSocketAddrs)) on the [blocking pool](crate::task::spawn_blocking),
/// never on the runtime's thread, so a slow DNS server stalls no other task.
///
/// The trait is sealed: it is implemented for the types above only.
///
/// # Examples
/// ```
/// use std::net::{Ipv4Addr, SocketAddr};
/// use solio::net::TcpListener;
///
/// solio::run(async {
///     let a = TcpListener::bind("127.0.0.1:0").await.unwrap();
///     let b = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
///     let c = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await.unwrap();
///     let d = TcpListener::bind(("localhost", 0)).await.unwrap(); // resolved on the pool
///     # drop((a, b, c, d));
/// });
/// ```
pub trait ToSocketAddrs: sealed::ToSocketAddrsPriv {}

pub(crate) mod sealed {
    use super::Resolve;

    /// The method behind [`super::ToSocketAddrs`], kept out of the public API.
    #[allow(unreachable_pub)] // public in a private module: the sealed-trait pattern
    pub trait ToSocketAddrsPriv {
        /// The addresses, or the name to resolve.
        fn to_resolve(&self) -> Resolve;
    }
}

/// Addresses known without a lookup, or a name that needs one.
#[allow(unreachable_pub, missing_debug_implementations)] // reachable only through the sealed trait
pub enum Resolve {
    /// One address.
    One(SocketAddr),
    /// Several addresses, tried in order.
    Many(Vec<SocketAddr>),
    /// `"host:port"`.
    Name(String),
    /// `(host, port)`.
    NamePort(String, u16),
}

/// The addresses that `addr` names, looking names up on the blocking pool.
pub(crate) async fn resolve<A: ToSocketAddrs + ?Sized>(addr: &A) -> io::Result<Vec<SocketAddr>> {
    let job: Box<dyn FnOnce() -> io::Result<Vec<SocketAddr>> + Send> = match addr.to_resolve() {
        Resolve::One(a) => return Ok(vec![a]),
        Resolve::Many(v) => return Ok(v),
        Resolve::Name(s) => Box::new(move || lookup(std::net::ToSocketAddrs::to_socket_addrs(&s))),
        Resolve::NamePort(h, p) => {
            Box::new(move || lookup(std::net::ToSocketAddrs::to_socket_addrs(&(h.as_str(), p))))
        }
    };
    spawn_blocking(job).await?
}

/// The first address `addr` names.
pub(crate) async fn resolve_one<A: ToSocketAddrs + ?Sized>(addr: &A) -> io::Result<SocketAddr> {
    if let Resolve::One(a) = addr.to_resolve() {
        return Ok(a);
    }
    resolve(addr).await?.into_iter().next().ok_or_else(no_addresses)
}

fn lookup(addrs: io::Result<std::vec::IntoIter<SocketAddr>>) -> io::Result<Vec<SocketAddr>> {
    Ok(addrs?.collect())
}

pub(crate) fn no_addresses() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, "could not resolve to any address")
}

/// Runs `op` on each address in turn; the first success wins, else the last error is returned.
pub(crate) async fn each_addr<A, T, F, Fut>(addr: &A, mut op: F) -> io::Result<T>
where
    A: ToSocketAddrs + ?Sized,
    F: FnMut(SocketAddr) -> Fut,
    Fut: std::future::Future<Output = io::Result<T>>,
{
    if let Resolve::One(a) = addr.to_resolve() {
        return op(a).await;
    }
    let mut last = None;
    for a in resolve(addr).await? {
        match op(a).await {
            Ok(t) => return Ok(t),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(no_addresses))
}

use sealed::ToSocketAddrsPriv;

macro_rules! direct {
    ($($ty:ty),*) => {$(
        impl ToSocketAddrs for $ty {}
        impl ToSocketAddrsPriv for $ty {
            fn to_resolve(&self) -> Resolve {
                Resolve::One(SocketAddr::from(*self))
            }
        }
    )*};
}

direct!(SocketAddr, SocketAddrV4, SocketAddrV6, (IpAddr, u16), (Ipv4Addr, u16), (Ipv6Addr, u16));

impl ToSocketAddrs for [SocketAddr] {}
impl ToSocketAddrsPriv for [SocketAddr] {
    fn to_resolve(&self) -> Resolve {
        Resolve::Many(self.to_vec())
    }
}

impl ToSocketAddrs for str {}
impl ToSocketAddrsPriv for str {
    fn to_resolve(&self) -> Resolve {
        match self.parse() {
            Ok(a) => Resolve::One(a),
            Err(_) => Resolve::Name(self.to_owned()),
        }
    }
}

impl ToSocketAddrs for String {}
impl ToSocketAddrsPriv for String {
    fn to_resolve(&self) -> Resolve {
        self.as_str().to_resolve()
    }
}

impl ToSocketAddrs for (&str, u16) {}
impl ToSocketAddrsPriv for (&str, u16) {
    fn to_resolve(&self) -> Resolve {
        match self.0.parse::<IpAddr>() {
            Ok(ip) => Resolve::One(SocketAddr::new(ip, self.1)),
            Err(_) => Resolve::NamePort(self.0.to_owned(), self.1),
        }
    }
}

impl ToSocketAddrs for (String, u16) {}
impl ToSocketAddrsPriv for (String, u16) {
    fn to_resolve(&self) -> Resolve {
        (self.0.as_str(), self.1).to_resolve()
    }
}

impl<T: ToSocketAddrs + ?Sized> ToSocketAddrs for &T {}
impl<T: ToSocketAddrs + ?Sized> ToSocketAddrsPriv for &T {
    fn to_resolve(&self) -> Resolve {
        (**self).to_resolve()
    }
}
