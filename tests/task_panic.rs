//! Panics: caught in spawned tasks, propagated from `block_on`'s own future.

use std::panic::{AssertUnwindSafe, catch_unwind};

#[test]
fn a_panicking_task_does_not_take_the_runtime_down() {
    let (err, others) = solio::run(async {
        let bad = solio::spawn(async {
            solio::yield_now().await;
            panic!("task exploded");
        });
        let good: Vec<_> = (0..3).map(|i| solio::spawn(async move { i * 10 })).collect();
        let err = bad.await.unwrap_err();
        let mut others = Vec::new();
        for g in good {
            others.push(g.await.unwrap());
        }
        (err, others)
    });
    assert!(err.is_panic() && !err.is_cancelled());
    assert_eq!(err.to_string(), "task panicked: task exploded");
    assert_eq!(others, [0, 10, 20]);
    let payload = err.into_panic();
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"task exploded"));
}

#[test]
fn formatted_panic_messages_are_kept() {
    let err = solio::run(async {
        solio::spawn(async {
            let n = 7;
            panic!("bad value {n}");
        })
        .await
        .unwrap_err()
    });
    assert_eq!(err.to_string(), "task panicked: bad value 7");
    assert_eq!(format!("{err:?}"), "JoinError::Panic(\"bad value 7\")");
    assert_eq!(err.into_panic().downcast_ref::<String>().map(String::as_str), Some("bad value 7"));
}

#[test]
fn try_into_panic_on_a_cancelled_task_gives_the_error_back() {
    let err = solio::run(async {
        let h = solio::spawn(std::future::pending::<()>());
        h.abort();
        h.await.unwrap_err()
    });
    let err = err.try_into_panic().unwrap_err();
    assert!(err.is_cancelled());
    let io: std::io::Error = err.into();
    assert_eq!(io.to_string(), "task was cancelled");
}

#[test]
fn a_panic_in_the_block_on_future_propagates_and_the_runtime_stays_usable() {
    let rt = solio::Runtime::new().unwrap();
    let caught = catch_unwind(AssertUnwindSafe(|| {
        rt.block_on(async {
            solio::yield_now().await;
            panic!("main failed");
        })
    }));
    let payload = caught.unwrap_err();
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"main failed"));
    assert_eq!(rt.block_on(async { solio::spawn(async { 1 }).await.unwrap() }), 1);
}

#[test]
fn a_panic_in_a_destructor_of_a_finished_future_is_reported() {
    struct Bomb;
    impl Drop for Bomb {
        fn drop(&mut self) {
            panic!("drop exploded");
        }
    }
    let err = solio::run(async {
        solio::spawn(async {
            let _b = Bomb;
            solio::yield_now().await;
        })
        .await
        .unwrap_err()
    });
    assert!(err.is_panic());
    assert_eq!(err.to_string(), "task panicked: drop exploded");
}
