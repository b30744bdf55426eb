//! UDP over loopback: round trips, connected sockets, sharing a socket between tasks.

use std::rc::Rc;
use std::time::Duration;

use solio::net::UdpSocket;
use solio::time::timeout;

#[test]
fn round_trip() {
    solio::run(async {
        let server = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let client = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let server_addr = server.local_addr().unwrap();
        let echo = solio::spawn(async move {
            let mut buf = [0; 1500];
            for _ in 0..100 {
                let (n, from) = server.recv_from(&mut buf).await.unwrap();
                server.send_to(&buf[..n], from).await.unwrap();
            }
        });
        let mut buf = [0; 1500];
        for i in 0..100u32 {
            let msg = i.to_be_bytes().repeat(i as usize % 50 + 1);
            assert_eq!(client.send_to(&msg, server_addr).await.unwrap(), msg.len());
            let (n, from) = client.recv_from(&mut buf).await.unwrap();
            assert_eq!((&buf[..n], from), (&msg[..], server_addr));
        }
        echo.await.unwrap();
    });
}

#[test]
fn connected_sockets_send_and_recv() {
    solio::run(async {
        let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        assert_eq!(a.peer_addr().unwrap_err().kind(), std::io::ErrorKind::NotConnected);
        a.connect(b.local_addr().unwrap()).await.unwrap();
        b.connect(a.local_addr().unwrap()).await.unwrap();
        a.send(b"to b").await.unwrap();
        b.send(b"to a").await.unwrap();
        let mut buf = [0; 8];
        let n = b.recv(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"to b");
        let n = a.recv(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"to a");
        // A datagram too long for the buffer is truncated, not split.
        a.send(&[7; 20]).await.unwrap();
        let n = b.recv(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], &[7; 8]);
    });
}

#[test]
fn host_names_are_resolved_for_send_to() {
    solio::run(async {
        let a = UdpSocket::bind("localhost:0").await.unwrap();
        let b = UdpSocket::bind(("127.0.0.1", 0)).await.unwrap();
        let port = b.local_addr().unwrap().port();
        a.send_to(b"hi", ("localhost", port)).await.unwrap();
        let mut buf = [0; 2];
        let (_, from) = b.recv_from(&mut buf).await.unwrap();
        assert_eq!(from, a.local_addr().unwrap());
    });
}

#[test]
fn recv_is_cancel_safe_and_a_socket_can_be_shared() {
    solio::run(async {
        let rx = Rc::new(UdpSocket::bind("127.0.0.1:0").await.unwrap());
        let tx = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let addr = rx.local_addr().unwrap();
        let mut buf = [0; 4];
        assert!(timeout(Duration::from_millis(5), rx.recv_from(&mut buf)).await.is_err());

        // Two receivers on one socket: both are woken, each datagram goes to one of them.
        let receivers: Vec<_> = (0..2)
            .map(|_| {
                let rx = rx.clone();
                solio::spawn(async move {
                    let mut buf = [0; 4];
                    let (n, _) = rx.recv_from(&mut buf).await.unwrap();
                    u32::from_be_bytes(buf[..n].try_into().unwrap())
                })
            })
            .collect();
        solio::yield_now().await;
        tx.send_to(&1u32.to_be_bytes(), addr).await.unwrap();
        tx.send_to(&2u32.to_be_bytes(), addr).await.unwrap();
        let mut got = Vec::new();
        for r in receivers {
            got.push(r.await.unwrap());
        }
        got.sort();
        assert_eq!(got, [1, 2]);
    });
}
