//! Unix-domain stream sockets: echo through a listener, pairs, half-close, errors.

use std::io::ErrorKind;
use std::net::Shutdown;
use std::path::PathBuf;

use futures_lite::future::zip;
use solio::net::{UnixListener, UnixStream};

fn socket_path(name: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("solio-test-{}-{name}.sock", std::process::id()));
    let _ = std::fs::remove_file(&path);
    path
}

#[test]
fn echo_through_a_listener() {
    let path = socket_path("echo");
    solio::run(async {
        let listener = UnixListener::bind(&path).unwrap();
        assert_eq!(listener.local_addr().unwrap().as_pathname(), Some(path.as_path()));
        let server = solio::spawn(async move {
            for _ in 0..10 {
                let (stream, _) = listener.accept().await.unwrap();
                solio::spawn(async move {
                    let (mut rd, mut wr) = stream.into_split();
                    futures_lite::io::copy(&mut rd, &mut wr).await.unwrap();
                })
                .await
                .unwrap();
            }
        });
        for i in 0..10usize {
            let mut client = UnixStream::connect(&path).await.unwrap();
            let msg = vec![i as u8; 100_000 * (i + 1)];
            let (mut rd, mut wr) = client.split();
            let send = async {
                wr.write_all(&msg).await.unwrap();
                wr.as_ref().shutdown(Shutdown::Write).unwrap();
            };
            let recv = async {
                let mut got = Vec::new();
                rd.read_to_end(&mut got).await.unwrap();
                got
            };
            let ((), got) = zip(send, recv).await;
            assert!(got == msg, "client {i}");
        }
        server.await.unwrap();
    });
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn pair_half_close_and_errors() {
    let path = socket_path("missing");
    solio::run(async {
        let (mut a, mut b) = UnixStream::pair().unwrap();
        a.write_all(b"question").await.unwrap();
        a.shutdown(Shutdown::Write).unwrap();
        let mut q = Vec::new();
        b.read_to_end(&mut q).await.unwrap();
        assert_eq!(q, b"question");
        b.write_all(b"answer").await.unwrap();
        drop(b);
        let mut ans = Vec::new();
        a.read_to_end(&mut ans).await.unwrap();
        assert_eq!(ans, b"answer");

        assert_eq!(UnixStream::connect(&path).await.unwrap_err().kind(), ErrorKind::NotFound);
        // A socket file nobody listens on refuses.
        drop(UnixListener::bind(&path).unwrap());
        assert_eq!(UnixStream::connect(&path).await.unwrap_err().kind(), ErrorKind::ConnectionRefused);
        assert_eq!(UnixListener::bind(&path).unwrap_err().kind(), ErrorKind::AddrInUse);
    });
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn futures_io_lines_over_a_pair() {
    use futures_lite::io::{AsyncBufReadExt, BufReader};
    use futures_lite::stream::StreamExt;

    solio::run(async {
        let (mut a, b) = UnixStream::pair().unwrap();
        let writer = solio::spawn(async move {
            for i in 0..100 {
                a.write_all(format!("{i}\n").as_bytes()).await.unwrap();
            }
        });
        let lines: Vec<String> = BufReader::new(b).lines().try_collect().await.unwrap();
        writer.await.unwrap();
        assert_eq!(lines.len(), 100);
        assert_eq!(lines[42], "42");
    });
}
