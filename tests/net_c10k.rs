//! 10,000 concurrent loopback connections, all held open at once, each echoing one message.
//!
//! Both ends run on solio, in two processes: this test re-runs its own binary as the echo server (an
//! environment variable selects the role), because 10,000 connections are 20,000 descriptors and a
//! process's hard `RLIMIT_NOFILE` is often exactly 20,000. Each process raises its soft limit to what it
//! needs; the test is skipped, with a message, only when the hard limit is below that.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
use solio::net::{TcpListener, TcpStream};

const CONNECTIONS: usize = 10_000;
/// Descriptors each process needs: one per connection, plus the runtime's, the harness's and some slack.
const FDS_NEEDED: u64 = CONNECTIONS as u64 + 200;
const ROLE: &str = "SOLIO_C10K_SERVER";
const TEST_NAME: &str = "ten_thousand_concurrent_connections";

/// Raises the soft descriptor limit to `need`; `Err` with the hard limit when that is too low.
fn raise_nofile(need: u64) -> Result<(), u64> {
    let limit = getrlimit(Resource::Nofile);
    let hard = limit.maximum.unwrap_or(u64::MAX);
    if hard < need {
        return Err(hard);
    }
    if limit.current.is_some_and(|soft| soft < need) {
        setrlimit(Resource::Nofile, Rlimit { current: Some(need), maximum: limit.maximum }).unwrap();
    }
    Ok(())
}

#[test]
fn ten_thousand_concurrent_connections() {
    if std::env::var_os(ROLE).is_some() {
        return server();
    }
    if let Err(hard) = raise_nofile(FDS_NEEDED) {
        println!(
            "SKIPPED {TEST_NAME}: the hard RLIMIT_NOFILE is {hard}, below the {FDS_NEEDED} descriptors each \
             process needs (raise it with `ulimit -Hn` as root)"
        );
        return;
    }
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([TEST_NAME, "--exact", "--nocapture", "--test-threads=1"])
        .env(ROLE, "1")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let addr: SocketAddr = loop {
        let line = lines.next().expect("the server printed its address").unwrap();
        // libtest may have written "test NAME ... " on the same line first.
        if let Some(at) = line.find("LISTENING ") {
            break line[at + "LISTENING ".len()..].trim().parse().unwrap();
        }
    };

    let start = Instant::now();
    solio::run(async move {
        // Open every connection first, 500 attempts in flight at a time, and keep them all.
        let mut streams = Vec::with_capacity(CONNECTIONS);
        while streams.len() < CONNECTIONS {
            let batch: Vec<_> = (0..500.min(CONNECTIONS - streams.len()))
                .map(|_| solio::spawn(TcpStream::connect(addr)))
                .collect();
            for h in batch {
                streams.push(h.await.unwrap().unwrap());
            }
        }
        let opened = start.elapsed();

        // Then all 10,000 echo once, concurrently.
        let echoes: Vec<_> = streams
            .into_iter()
            .enumerate()
            .map(|(i, mut stream)| {
                solio::spawn(async move {
                    let msg = (i as u64).to_le_bytes();
                    stream.write_all(&msg).await.unwrap();
                    let mut back = [0; 8];
                    stream.read_exact(&mut back).await.unwrap();
                    assert_eq!(back, msg, "connection {i}");
                    stream
                })
            })
            .collect();
        let mut streams = Vec::with_capacity(CONNECTIONS);
        for h in echoes {
            streams.push(h.await.unwrap());
        }
        println!("{CONNECTIONS} connections opened in {opened:?}, all echoed after {:?}", start.elapsed());
        assert_eq!(streams.len(), CONNECTIONS);
    });

    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "the server did not finish");
        std::thread::sleep(Duration::from_millis(10));
    };
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(status.success(), "server failed: {rest:?}");
    assert!(rest.iter().any(|l| l.contains(&format!("SERVED {CONNECTIONS}"))), "server output: {rest:?}");
}

/// The child process: accepts `CONNECTIONS` connections, echoes each until its end of stream, and exits
/// when all are done (or after a minute, should the parent die).
fn server() {
    raise_nofile(FDS_NEEDED).expect("the parent checked the hard limit");
    solio::run(async {
        let served = solio::time::timeout(Duration::from_secs(60), async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            println!("LISTENING {}", listener.local_addr().unwrap());
            let mut tasks = Vec::with_capacity(CONNECTIONS);
            for _ in 0..CONNECTIONS {
                let (mut stream, _) = listener.accept().await.unwrap();
                tasks.push(solio::spawn(async move {
                    let mut buf = [0; 64];
                    loop {
                        match stream.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => {
                                if stream.write_all(&buf[..n]).await.is_err() {
                                    return;
                                }
                            }
                        }
                    }
                }));
            }
            for t in tasks {
                t.await.unwrap();
            }
            CONNECTIONS
        })
        .await
        .expect("served every connection within a minute");
        println!("SERVED {served}");
    });
}
