//! TCP over loopback: echo under load, half-close, refused and reset connections, an accept loop that
//! survives failing clients, cancellation, and sockets that outlive their runtime.

use std::io::ErrorKind;
use std::net::{Shutdown, SocketAddr};
use std::rc::Rc;
use std::time::Duration;

use futures_lite::future::zip;
use solio::net::{TcpListener, TcpStream};
use solio::time::{sleep, timeout};

/// The byte at `offset` of client `id`'s payload: varies with both, so a misrouted or shifted byte shows.
fn pattern(id: usize, offset: usize) -> u8 {
    (offset.wrapping_mul(31).wrapping_add(id.wrapping_mul(7)) ^ (offset >> 11)) as u8
}

/// Echoes one connection until end of stream, then closes its write side.
async fn echo(mut stream: TcpStream) -> std::io::Result<u64> {
    let mut buf = vec![0; 16 * 1024];
    let mut total = 0;
    loop {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            stream.shutdown(Shutdown::Write)?;
            return Ok(total);
        }
        stream.write_all(&buf[..n]).await?;
        total += n as u64;
    }
}

/// An echo server on a fresh port: one task per connection, errors end that connection only.
async fn echo_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(solio::spawn(async move {
        loop {
            match listener.accept().await {
                Ok((stream, _)) => drop(solio::spawn(echo(stream))),
                Err(e) => eprintln!("accept failed: {e}"),
            }
        }
    }));
    addr
}

#[test]
fn echo_100_clients_of_1_mib_each() {
    const CLIENTS: usize = 100;
    const BYTES: usize = 1 << 20;
    solio::run(async {
        let addr = echo_server().await;
        let clients: Vec<_> = (0..CLIENTS)
            .map(|id| {
                solio::spawn(async move {
                    let mut stream = TcpStream::connect(addr).await.unwrap();
                    let (mut rd, mut wr) = stream.split();
                    let send = async {
                        let data: Vec<u8> = (0..BYTES).map(|i| pattern(id, i)).collect();
                        for chunk in data.chunks(64 * 1024) {
                            wr.write_all(chunk).await.unwrap();
                        }
                        wr.as_ref().shutdown(Shutdown::Write).unwrap();
                    };
                    let recv = async {
                        let mut got = 0;
                        let mut buf = vec![0; 32 * 1024];
                        loop {
                            let n = rd.read(&mut buf).await.unwrap();
                            if n == 0 {
                                break;
                            }
                            for (i, &b) in buf[..n].iter().enumerate() {
                                assert_eq!(b, pattern(id, got + i), "client {id}, byte {}", got + i);
                            }
                            got += n;
                        }
                        got
                    };
                    zip(send, recv).await.1
                })
            })
            .collect();
        for (id, client) in clients.into_iter().enumerate() {
            assert_eq!(client.await.unwrap(), BYTES, "client {id} got every byte back");
        }
    });
}

#[test]
fn half_close_lets_the_other_direction_go_on() {
    solio::run(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
        let (mut server, _) = listener.accept().await.unwrap();

        client.write_all(b"request").await.unwrap();
        client.shutdown(Shutdown::Write).unwrap();

        let mut req = Vec::new();
        server.read_to_end(&mut req).await.unwrap();
        assert_eq!(req, b"request");
        // The server's write side is still open after the client's half-close.
        server.write_all(b"response").await.unwrap();
        drop(server);

        let mut resp = Vec::new();
        client.read_to_end(&mut resp).await.unwrap();
        assert_eq!(resp, b"response");
        // Reading past the end keeps answering 0.
        assert_eq!(client.read(&mut [0; 8]).await.unwrap(), 0);
    });
}

#[test]
fn connecting_to_a_closed_port_is_refused() {
    solio::run(async {
        // Bind, learn the port, close: nothing listens there now.
        let addr = TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap();
        let err = TcpStream::connect(addr).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ConnectionRefused);
        // Every address is tried: the last error is returned.
        let addrs = [addr, addr];
        let err = TcpStream::connect(&addrs[..]).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ConnectionRefused);
    });
}

#[test]
fn reset_by_peer_fails_that_stream_alone() {
    solio::run(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut doomed = TcpStream::connect(addr).await.unwrap();
        let (server_side, _) = listener.accept().await.unwrap();
        let mut healthy = TcpStream::connect(addr).await.unwrap();
        let (mut healthy_server, _) = listener.accept().await.unwrap();

        // Closing a socket with unread data makes the kernel send a reset instead of a FIN.
        doomed.write_all(b"never read").await.unwrap();
        sleep(Duration::from_millis(20)).await;
        drop(server_side);

        let err = doomed.read(&mut [0; 16]).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ConnectionReset);
        // Writing to a reset connection fails too (EPIPE), without a SIGPIPE killing the process.
        let err = loop {
            match doomed.write(b"more").await {
                Ok(_) => sleep(Duration::from_millis(1)).await,
                Err(e) => break e,
            }
        };
        assert!(matches!(err.kind(), ErrorKind::BrokenPipe | ErrorKind::ConnectionReset), "{err:?}");

        // The other connection is unaffected.
        healthy.write_all(b"fine").await.unwrap();
        let mut buf = [0; 4];
        healthy_server.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"fine");
    });
}

#[test]
fn accept_loop_survives_failing_clients() {
    solio::run(async {
        let addr = echo_server().await;
        for round in 0..20 {
            // A client that resets at once (linger 0), one that closes without a word, one that is fine.
            let rude = std::net::TcpStream::connect(addr).unwrap();
            socket2::SockRef::from(&rude).set_linger(Some(Duration::ZERO)).unwrap();
            drop(rude);
            drop(TcpStream::connect(addr).await.unwrap());
            let mut good = TcpStream::connect(addr).await.unwrap();
            good.write_all(format!("round {round}").as_bytes()).await.unwrap();
            good.shutdown(Shutdown::Write).unwrap();
            let mut got = Vec::new();
            good.read_to_end(&mut got).await.unwrap();
            assert_eq!(got, format!("round {round}").as_bytes());
        }
    });
}

#[test]
fn read_is_cancel_safe() {
    solio::run(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
        let (mut server, _) = listener.accept().await.unwrap();
        let mut buf = [0; 8];
        // Time out a few reads with nothing to read: nothing may be lost when data comes later.
        for _ in 0..3 {
            assert!(timeout(Duration::from_millis(5), server.read(&mut buf)).await.is_err());
        }
        client.write_all(b"late").await.unwrap();
        let n = server.read(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"late");
    });
}

#[test]
fn dropping_a_waiting_stream_frees_its_registration() {
    let rt = solio::Runtime::new().unwrap();
    rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
        let (server, _) = listener.accept().await.unwrap();
        let reader = solio::spawn(async move {
            let mut server = server;
            let mut buf = [0; 8];
            server.read(&mut buf).await
        });
        solio::yield_now().await;
        solio::yield_now().await;
        assert!(!reader.is_finished(), "the reader waits");
        reader.abort();
        assert!(reader.await.unwrap_err().is_cancelled());
        // The aborted task's stream is gone: the peer sees end of stream, and data sent now finds no one.
        assert_eq!(client.read(&mut [0; 8]).await.unwrap(), 0);
        let _ = client.write_all(b"to nobody").await;
        sleep(Duration::from_millis(10)).await;
        drop(listener);
    });
    assert_eq!(rt.metrics().io_sources, 0);
}

#[test]
fn registrations_are_freed_and_slots_reused() {
    let rt = solio::Runtime::new().unwrap();
    rt.block_on(async {
        let addr = echo_server().await;
        for i in 0..200u32 {
            let mut s = TcpStream::connect(addr).await.unwrap();
            s.write_all(&i.to_le_bytes()).await.unwrap();
            let mut back = [0; 4];
            s.read_exact(&mut back).await.unwrap();
            assert_eq!(u32::from_le_bytes(back), i);
        }
        // Let the server tasks see the ends of stream and finish.
        sleep(Duration::from_millis(20)).await;
    });
    assert_eq!(rt.metrics().io_sources, 1, "only the listener is left");
}

#[test]
fn owned_halves_work_from_two_tasks() {
    solio::run(async {
        let addr = echo_server().await;
        let (mut rd, mut wr) = TcpStream::connect(addr).await.unwrap().into_split();
        assert_eq!(rd.as_ref().peer_addr().unwrap(), addr);
        let writer = solio::spawn(async move {
            for i in 0..100u8 {
                wr.write_all(&[i; 100]).await.unwrap();
            }
            // Dropping the owned write half shuts the write direction down.
        });
        let mut got = Vec::new();
        rd.read_to_end(&mut got).await.unwrap();
        writer.await.unwrap();
        assert_eq!(got.len(), 10_000);
        assert!(got.chunks(100).enumerate().all(|(i, c)| c.iter().all(|&b| b == i as u8)));
    });
}

#[test]
fn futures_io_traits_work_with_futures_lite() {
    use futures_lite::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
    use futures_lite::stream::StreamExt;

    solio::run(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = solio::spawn(async move {
            // `io::copy` echoes: the read half in, the write half out.
            let (stream, _) = listener.accept().await.unwrap();
            let (rd, mut wr) = stream.into_split();
            futures_lite::io::copy(rd, &mut wr).await.unwrap()
        });
        let mut client = TcpStream::connect(addr).await.unwrap();
        let text: String = (0..1000).map(|i| format!("line {i}\n")).collect();
        let (mut rd, mut wr) = client.split();
        let send = async {
            wr.write_all(text.as_bytes()).await.unwrap();
            wr.close().await.unwrap();
        };
        let recv =
            async { BufReader::new(&mut rd).lines().try_collect::<_, _, Vec<String>>().await.unwrap() };
        let ((), lines) = zip(send, recv).await;
        assert_eq!(lines.len(), 1000);
        assert_eq!(lines[999], "line 999");
        assert_eq!(server.await.unwrap(), text.len() as u64);

        // The whole stream as `AsyncRead`.
        let mut s = TcpStream::connect(echo_server().await).await.unwrap();
        AsyncWriteExt::write_all(&mut s, b"xyz").await.unwrap();
        AsyncWriteExt::close(&mut s).await.unwrap();
        let mut out = String::new();
        AsyncReadExt::read_to_string(&mut s, &mut out).await.unwrap();
        assert_eq!(out, "xyz");
    });
}

#[test]
fn host_names_are_resolved() {
    solio::run(async {
        let listener = TcpListener::bind(("localhost", 0)).await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (client, accepted) =
            zip(TcpStream::connect(format!("localhost:{port}")), listener.accept()).await;
        let client = client.unwrap();
        assert_eq!(client.local_addr().unwrap(), accepted.unwrap().1);
        let err = TcpStream::connect("no-such-host.invalid:80").await.unwrap_err();
        assert_ne!(err.kind(), ErrorKind::ConnectionRefused, "a lookup error, not a connect error: {err}");
    });
}

#[test]
fn loopback_works_under_the_paused_clock() {
    let rt = solio::Runtime::builder().paused_clock(true).build().unwrap();
    rt.block_on(async {
        let start = solio::time::Instant::now();
        let addr = echo_server().await;
        let round_trips = async {
            for i in 0..50u32 {
                let mut s = TcpStream::connect(addr).await.unwrap();
                s.write_all(&i.to_be_bytes()).await.unwrap();
                let mut back = [0; 4];
                s.read_exact(&mut back).await.unwrap();
                assert_eq!(u32::from_be_bytes(back), i);
            }
        };
        // Pending timers may not jump past I/O that is about to complete.
        timeout(Duration::from_secs(3600), round_trips).await.expect("no virtual timeout");
        assert_eq!(start.elapsed(), Duration::ZERO, "virtual time never moved");
    });
}

#[test]
fn sockets_may_outlive_their_runtime() {
    let rt = solio::Runtime::new().unwrap();
    let (listener, stream) = rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let stream = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
        (listener, stream)
    });
    drop(rt);
    // Deregistration still finds a live poller; nothing panics or leaks.
    drop(stream);
    drop(listener);
}

#[test]
#[should_panic(expected = "outside a solio runtime")]
fn from_std_outside_a_runtime_panics() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let _ = TcpListener::from_std(listener);
}

#[test]
#[should_panic(expected = "outside the runtime that created it")]
fn a_socket_polled_by_another_runtime_panics() {
    let rt1 = solio::Runtime::new().unwrap();
    let (listener, _) = rt1.block_on(async {
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let a = l.local_addr().unwrap();
        (l, a)
    });
    let rt2 = solio::Runtime::new().unwrap();
    rt2.block_on(async move {
        let _ = listener.accept().await;
    });
}

#[test]
fn a_listener_can_be_shared_by_several_acceptors() {
    use futures_lite::stream::StreamExt;

    solio::run(async {
        let listener = Rc::new(TcpListener::bind("127.0.0.1:0").await.unwrap());
        let addr = listener.local_addr().unwrap();
        let acceptors: Vec<_> = (0..4)
            .map(|_| {
                let listener = listener.clone();
                solio::spawn(async move { listener.accept().await.map(|_| ()) })
            })
            .collect();
        solio::yield_now().await;
        let clients: Vec<_> =
            futures_lite::stream::iter(0..4).then(|_| TcpStream::connect(addr)).collect::<Vec<_>>().await;
        for a in acceptors {
            a.await.unwrap().unwrap();
        }
        assert_eq!(clients.len(), 4);
    });
}

#[test]
fn a_flooded_socket_does_not_starve_other_tasks() {
    use std::io::Write;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    solio::run(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        // A peer on another thread writes as fast as it can until told to stop.
        let flooder = std::thread::spawn({
            let stop = stop.clone();
            move || {
                let mut s = std::net::TcpStream::connect(addr).unwrap();
                let chunk = [1u8; 64 * 1024];
                while !stop.load(Ordering::Relaxed) {
                    if s.write_all(&chunk).is_err() {
                        break;
                    }
                }
            }
        });
        let (mut stream, _) = listener.accept().await.unwrap();
        // Small reads always fill the buffer, so the socket never looks drained: without a budget this
        // task would never return `Pending`.
        let reader = solio::spawn(async move {
            let mut buf = [0; 16];
            let mut total = 0u64;
            while let Ok(n @ 1..) = stream.read(&mut buf).await {
                total += n as u64;
            }
            total
        });
        let start = std::time::Instant::now();
        sleep(Duration::from_millis(20)).await;
        assert!(start.elapsed() < Duration::from_secs(5), "the timer was starved");
        stop.store(true, Ordering::Relaxed);
        reader.abort();
        let _ = reader.await;
        flooder.join().unwrap();
    });
}
