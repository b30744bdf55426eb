//! `sync::oneshot`.

use solio::sync::oneshot::{self, RecvError, TryRecvError};

#[test]
fn value_crosses_between_tasks() {
    let got = solio::run(async {
        let (tx, rx) = oneshot::channel();
        let waiter = solio::spawn(rx);
        solio::yield_now().await;
        tx.send(vec![1, 2, 3]).unwrap();
        waiter.await.unwrap()
    });
    assert_eq!(got, Ok(vec![1, 2, 3]));
}

#[test]
fn dropping_the_sender_wakes_the_receiver_with_an_error() {
    let got = solio::run(async {
        let (tx, rx) = oneshot::channel::<u8>();
        let waiter = solio::spawn(rx);
        solio::yield_now().await;
        drop(tx);
        waiter.await.unwrap()
    });
    assert_eq!(got, Err(RecvError::default_for_test()));
}

trait DefaultForTest {
    fn default_for_test() -> Self;
}

impl DefaultForTest for RecvError {
    fn default_for_test() -> Self {
        solio::run(async {
            let (tx, rx) = oneshot::channel::<()>();
            drop(tx);
            rx.await.unwrap_err()
        })
    }
}

#[test]
fn send_to_a_dropped_or_closed_receiver_gives_the_value_back() {
    let (tx, rx) = oneshot::channel();
    drop(rx);
    assert!(tx.is_closed());
    assert_eq!(tx.send("x"), Err("x"));

    let (tx, mut rx) = oneshot::channel();
    rx.close();
    assert_eq!(tx.send(1), Err(1));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
}

#[test]
fn try_recv_states_and_messages() {
    let (tx, mut rx) = oneshot::channel();
    assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    tx.send(9).unwrap();
    assert_eq!(rx.try_recv(), Ok(9));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    assert_eq!(TryRecvError::Empty.to_string(), "channel empty");
    assert_eq!(TryRecvError::Closed.to_string(), "channel closed");
    let e = RecvError::default_for_test();
    assert_eq!(e.to_string(), "channel closed: the sender was dropped without sending");
}
