//! An idle runtime with open sockets uses no CPU: it parks in `epoll_wait` instead of spinning.
//!
//! Each test measures the CPU time of the runtime's thread (`CLOCK_THREAD_CPUTIME_ID`) across an idle
//! stretch of about 200 ms and asserts it stays well under 20 ms (it is typically tens of microseconds).
//! Under valgrind, whose instrumentation costs CPU of its own, the bound is a quarter of the idle time:
//! still far below the whole stretch a spinning runtime would burn.

use std::time::Duration;

use rustix::time::{ClockId, clock_gettime};
use solio::net::{TcpListener, TcpStream, UdpSocket};
use solio::time::sleep;

fn thread_cpu() -> Duration {
    let t = clock_gettime(ClockId::ThreadCPUTime);
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

/// The most CPU an idle stretch of `wall` may use.
fn limit(wall: Duration) -> Duration {
    let under_valgrind = std::env::var("LD_PRELOAD").is_ok_and(|p| p.contains("valgrind"));
    if under_valgrind { wall / 4 } else { Duration::from_millis(20) }
}

#[test]
fn idle_with_open_sockets_and_a_timer() {
    solio::run(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
        let (mut server, _) = listener.accept().await.unwrap();
        let udp = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        // Tasks waiting on every socket: an accept, two reads, a datagram.
        let waiting = [
            solio::spawn(async move { drop(listener.accept().await) }),
            solio::spawn(async move { drop(server.read(&mut [0; 8]).await) }),
            solio::spawn(async move { drop(udp.recv_from(&mut [0; 8]).await) }),
        ];
        let reader = async { client.read(&mut [0; 8]).await };
        let before = thread_cpu();
        let start = std::time::Instant::now();
        let idle = futures_lite::future::or(
            async {
                sleep(Duration::from_millis(200)).await;
                Ok(0)
            },
            reader,
        );
        idle.await.unwrap();
        let (wall, cpu) = (start.elapsed(), thread_cpu() - before);
        println!("idle {wall:?} with 5 sockets waited on: {cpu:?} of CPU");
        assert!(wall >= Duration::from_millis(200));
        assert!(cpu < limit(wall), "the runtime spun: {cpu:?} of CPU in {wall:?}");
        for w in waiting {
            w.abort();
        }
    });
}

#[test]
fn idle_without_timers_parks_until_io() {
    solio::run(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        // Another thread connects after 200 ms; until then nothing but the accept is pending.
        let peer = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(200));
            std::net::TcpStream::connect(addr).unwrap()
        });
        let before = thread_cpu();
        let start = std::time::Instant::now();
        let (_stream, _) = listener.accept().await.unwrap();
        let (wall, cpu) = (start.elapsed(), thread_cpu() - before);
        println!("parked {wall:?} on an accept: {cpu:?} of CPU");
        assert!(wall >= Duration::from_millis(150));
        assert!(cpu < limit(wall), "the runtime spun: {cpu:?} of CPU in {wall:?}");
        drop(peer.join().unwrap());
    });
}

#[test]
fn paused_clock_waiting_for_a_blocking_job_does_not_spin() {
    let rt = solio::Runtime::builder().paused_clock(true).build().unwrap();
    // Let real time run ahead of the virtual clock, so a wait computed from real time against the
    // virtual deadline would be in the past (and spin).
    std::thread::sleep(Duration::from_millis(50));
    rt.block_on(async {
        let job = solio::task::spawn_blocking(|| std::thread::sleep(Duration::from_millis(200)));
        let before = thread_cpu();
        let start = std::time::Instant::now();
        // A timer is pending (the timeout, due after the job): the runtime parks until the job is done.
        solio::time::timeout(Duration::from_secs(5), job).await.unwrap().unwrap();
        let (wall, cpu) = (start.elapsed(), thread_cpu() - before);
        println!("paused clock, waited {wall:?} for a blocking job: {cpu:?} of CPU");
        assert!(cpu < limit(wall), "the runtime spun: {cpu:?} of CPU in {wall:?}");
    });
}
