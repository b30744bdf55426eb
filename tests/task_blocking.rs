//! The blocking pool: many jobs, panics, limits, keep-alive, abort, the paused clock, runtime drop.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use solio::task::spawn_blocking;
use solio::time::{sleep, timeout};

#[test]
fn a_thousand_jobs() {
    let rt = solio::Runtime::new().unwrap();
    assert_eq!(rt.metrics().blocking_threads, 0, "threads start lazily");
    let sum = rt.block_on(async {
        let handles: Vec<_> = (0..1000u64)
            .map(|i| {
                spawn_blocking(move || {
                    std::thread::sleep(Duration::from_micros(100));
                    i * i
                })
            })
            .collect();
        let mut sum = 0;
        for (i, h) in handles.into_iter().enumerate() {
            let v = h.await.unwrap();
            assert_eq!(v, (i * i) as u64);
            sum += v;
        }
        sum
    });
    assert_eq!(sum, (0..1000u64).map(|i| i * i).sum());
    let threads = rt.metrics().blocking_threads;
    assert!((1..=solio::task::DEFAULT_MAX_BLOCKING_THREADS).contains(&threads), "{threads} threads");
}

#[test]
fn a_panic_becomes_a_join_error() {
    solio::run(async {
        let err = spawn_blocking(|| -> u32 { panic!("in the pool") }).await.unwrap_err();
        assert!(err.is_panic());
        assert_eq!(err.into_panic().downcast_ref::<&str>(), Some(&"in the pool"));
        // The pool thread survives to run the next job.
        assert_eq!(spawn_blocking(|| 5).await.unwrap(), 5);
    });
}

#[test]
fn the_thread_limit_holds_and_queued_jobs_run_in_order() {
    let rt = solio::Runtime::builder().max_blocking_threads(1).build().unwrap();
    let order = Arc::new(Mutex::new(Vec::new()));
    rt.block_on(async {
        let handles: Vec<_> = (0..20)
            .map(|i| {
                let order = order.clone();
                spawn_blocking(move || order.lock().unwrap().push(i))
            })
            .collect();
        for h in handles {
            h.await.unwrap();
        }
    });
    assert_eq!(*order.lock().unwrap(), (0..20).collect::<Vec<_>>());
    assert_eq!(rt.metrics().blocking_threads, 1);

    let rt = solio::Runtime::builder().max_blocking_threads(3).build().unwrap();
    let running = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    rt.block_on(async {
        let handles: Vec<_> = (0..30)
            .map(|_| {
                let (running, peak) = (running.clone(), peak.clone());
                spawn_blocking(move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(2));
                    running.fetch_sub(1, Ordering::SeqCst);
                })
            })
            .collect();
        for h in handles {
            h.await.unwrap();
        }
    });
    assert_eq!(peak.load(Ordering::SeqCst), 3);
    assert_eq!(rt.metrics().blocking_threads, 3);
}

#[test]
fn idle_threads_retire_after_the_keep_alive() {
    let rt = solio::Runtime::builder().thread_keep_alive(Duration::from_millis(300)).build().unwrap();
    rt.block_on(async {
        let hs: Vec<_> =
            (0..4).map(|_| spawn_blocking(|| std::thread::sleep(Duration::from_millis(5)))).collect();
        for h in hs {
            h.await.unwrap();
        }
    });
    assert!(rt.metrics().blocking_threads >= 1);
    let deadline = Instant::now() + Duration::from_secs(60); // generous: valgrind and a loaded machine
    while rt.metrics().blocking_threads > 0 {
        assert!(Instant::now() < deadline, "threads still alive");
        std::thread::sleep(Duration::from_millis(10));
    }
    // A new job starts a thread again.
    assert_eq!(rt.block_on(async { spawn_blocking(|| 1).await.unwrap() }), 1);
}

#[test]
fn abort_skips_a_queued_job_and_drops_a_running_job_s_result() {
    #[derive(Debug)]
    struct Tracked(Arc<AtomicBool>);
    impl Drop for Tracked {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }

    let rt = solio::Runtime::builder().max_blocking_threads(1).build().unwrap();
    rt.block_on(async {
        let (release, gate) = mpsc::channel::<()>();
        let dropped = Arc::new(AtomicBool::new(false));
        let ran_queued = Arc::new(AtomicBool::new(false));

        let running = spawn_blocking({
            let dropped = dropped.clone();
            move || {
                gate.recv().unwrap();
                Tracked(dropped)
            }
        });
        let queued = spawn_blocking({
            let ran = ran_queued.clone();
            move || ran.store(true, Ordering::SeqCst)
        });
        sleep(Duration::from_millis(10)).await;
        running.abort();
        queued.abort();
        assert!(running.await.unwrap_err().is_cancelled());
        assert!(queued.await.unwrap_err().is_cancelled());

        release.send(()).unwrap();
        // The running job completes on its thread and its result is dropped there.
        let deadline = Instant::now() + Duration::from_secs(60); // generous: valgrind and a loaded machine
        while !dropped.load(Ordering::SeqCst) {
            assert!(Instant::now() < deadline);
            sleep(Duration::from_millis(1)).await;
        }
        // A later job proves the queue moved past the skipped one.
        spawn_blocking(|| ()).await.unwrap();
        assert!(!ran_queued.load(Ordering::SeqCst), "the aborted queued job never ran");
    });
}

#[test]
fn the_paused_clock_waits_for_jobs_in_flight() {
    let rt = solio::Runtime::builder().paused_clock(true).build().unwrap();
    rt.block_on(async {
        let start = solio::time::Instant::now();
        let job = spawn_blocking(|| {
            std::thread::sleep(Duration::from_millis(50));
            "done"
        });
        // Without the inhibition the clock would jump straight to this timeout's deadline.
        let out = timeout(Duration::from_secs(1), job).await.expect("the clock did not jump past the job");
        assert_eq!(out.unwrap(), "done");
        assert!(start.elapsed() < Duration::from_secs(1));
        // Once the job is done, virtual time jumps again.
        sleep(Duration::from_secs(60)).await;
        assert!(start.elapsed() >= Duration::from_secs(60));
    });
}

#[test]
fn dropping_the_runtime_never_waits_for_a_stuck_job() {
    let (release, gate) = mpsc::channel::<()>();
    let finished = Arc::new(AtomicBool::new(false));
    let rt = solio::Runtime::new().unwrap();
    rt.block_on(async {
        let finished = finished.clone();
        drop(spawn_blocking(move || {
            gate.recv().ok();
            finished.store(true, Ordering::SeqCst);
        }));
        // And queued jobs behind it on a one-thread pool would be dropped unrun.
        sleep(Duration::from_millis(5)).await;
    });
    let start = Instant::now();
    drop(rt);
    assert!(start.elapsed() < Duration::from_secs(1), "drop returned at once");
    assert!(!finished.load(Ordering::SeqCst));
    // The detached thread finishes its job when it can.
    release.send(()).unwrap();
    let deadline = Instant::now() + Duration::from_secs(60); // generous: valgrind and a loaded machine
    while !finished.load(Ordering::SeqCst) {
        assert!(Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(1));
    }
}

#[test]
#[should_panic(expected = "spawn_blocking called outside a solio runtime")]
fn outside_a_runtime_panics() {
    drop(spawn_blocking(|| ()));
}

#[test]
fn on_the_paused_clock_a_timeout_around_a_stuck_job_still_fires() {
    let rt = solio::Runtime::builder().paused_clock(true).build().unwrap();
    rt.block_on(async {
        let start = solio::time::Instant::now();
        let (release, gate) = mpsc::channel::<()>();
        let job = spawn_blocking(move || gate.recv());
        // While the job runs, virtual time runs at real speed: the 50 ms timeout fires.
        assert!(timeout(Duration::from_millis(50), job).await.is_err());
        assert_eq!(start.elapsed(), Duration::from_millis(50), "the clock stops exactly at the deadline");
        drop(release);
    });
}
