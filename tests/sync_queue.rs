//! `Queue`, `PriorityQueue`, `LifoQueue`: orders, bounded puts, FIFO hand-off to waiting getters and
//! putters, cancellation without loss, `task_done`/`join`, `shutdown` and `shutdown_immediate`; then
//! asyncio's `test_queues.py` scenarios on the runtime.

mod sync_support;

use std::cell::Cell;
use std::rc::Rc;

use solio::sync::{LifoQueue, PriorityQueue, Queue, QueueShutDown, TaskDoneError, TryGetError, TryPutError};
use std::time::Duration;

use solio::sync::Event;
use solio::time::{sleep, timeout};
use sync_support::{Log, Manual, run_paused, yields};

/// Spawns a task waiting in `queue.get()`.
fn spawn_get<T: 'static>(queue: &Rc<Queue<T>>) -> solio::JoinHandle<Result<T, QueueShutDown>> {
    let queue = queue.clone();
    solio::spawn(async move { queue.get().await })
}

/// Spawns a task waiting in `queue.put(item)`.
fn spawn_put<T: 'static>(queue: &Rc<Queue<T>>, item: T) -> solio::JoinHandle<Result<(), QueueShutDown<T>>> {
    let queue = queue.clone();
    solio::spawn(async move { queue.put(item).await })
}

fn drain<T>(mut try_get: impl FnMut() -> Result<T, TryGetError>) -> Vec<T> {
    std::iter::from_fn(|| try_get().ok()).collect()
}

#[test]
fn each_queue_keeps_its_order() {
    let fifo = Queue::new();
    let lifo = LifoQueue::new();
    let prio = PriorityQueue::new();
    for i in [1, 3, 2] {
        fifo.try_put(i).unwrap();
        lifo.try_put(i).unwrap();
        prio.try_put(i).unwrap();
    }
    assert_eq!(drain(|| fifo.try_get()), [1, 3, 2]);
    assert_eq!(drain(|| lifo.try_get()), [2, 3, 1]);
    assert_eq!(drain(|| prio.try_get()), [1, 2, 3]);
}

#[test]
fn priority_ties_come_out_in_put_order() {
    let queue = PriorityQueue::new();
    for item in [(2, 'a'), (1, 'b'), (2, 'c'), (1, 'd'), (0, 'e')] {
        queue.try_put(item).unwrap();
    }
    let order: String = drain(|| queue.try_get()).into_iter().map(|(_, c)| c).collect();
    assert_eq!(order, "ebdac");
}

#[test]
fn empty_full_len_capacity() {
    let queue = Queue::bounded(2);
    assert!(queue.is_empty() && !queue.is_full());
    assert_eq!((queue.len(), queue.capacity()), (0, Some(2)));
    queue.try_put(1).unwrap();
    queue.try_put(2).unwrap();
    assert!(!queue.is_empty() && queue.is_full());
    assert_eq!(queue.len(), 2);
    assert_eq!(queue.try_put(3), Err(TryPutError::Full(3)));

    let unbounded = Queue::new();
    for i in 0..1000 {
        unbounded.try_put(i).unwrap();
    }
    assert!(!unbounded.is_full());
    assert_eq!(unbounded.capacity(), None);
    assert_eq!(Queue::<u8>::default().capacity(), None);
}

#[test]
#[should_panic(expected = "a bounded queue needs a capacity of at least 1")]
fn bounded_zero_panics() {
    let _ = Queue::<u8>::bounded(0);
}

#[test]
fn put_waits_while_full_and_its_item_is_moved_in_on_hand_off() {
    let queue = Queue::bounded(2);
    Manual::new(queue.put(0)).ready().unwrap();
    Manual::new(queue.put(1)).ready().unwrap();
    let mut third = Manual::new(queue.put(2));
    third.pending();
    assert_eq!(queue.len(), 2);

    assert_eq!(queue.try_get(), Ok(0));
    // The waiting item went in as soon as there was room, before its putter ran.
    assert!(third.woken());
    assert_eq!(queue.len(), 2);
    assert!(queue.is_full());
    third.ready().unwrap();
    assert_eq!(drain(|| queue.try_get()), [1, 2]);
}

#[test]
fn waiting_putters_are_served_in_order_and_not_overtaken() {
    let queue = Queue::bounded(1);
    queue.try_put('a').unwrap();
    let mut b = Manual::new(queue.put('b'));
    let mut c = Manual::new(queue.put('c'));
    b.pending();
    c.pending();
    assert_eq!(queue.try_put('x'), Err(TryPutError::Full('x')));

    assert_eq!(queue.try_get(), Ok('a'));
    assert!(b.woken() && !c.woken());
    assert_eq!(queue.try_put('x'), Err(TryPutError::Full('x')));
    assert_eq!(queue.try_get(), Ok('b'));
    assert!(c.woken());
    assert_eq!(queue.try_get(), Ok('c'));
    b.ready().unwrap();
    c.ready().unwrap();
}

#[test]
fn waiting_getters_are_served_in_order() {
    let queue = Queue::new();
    let mut getters: Vec<_> = (0..3).map(|_| Manual::new(queue.get())).collect();
    for getter in &mut getters {
        getter.pending();
    }
    for (i, item) in ["x", "y", "z"].into_iter().enumerate() {
        queue.try_put(item).unwrap();
        let woken: Vec<usize> = (0..3).filter(|&j| getters[j].woken()).collect();
        assert_eq!(woken, [i]);
    }
    let got: Vec<_> = getters.iter_mut().map(|g| g.ready().unwrap()).collect();
    assert_eq!(got, ["x", "y", "z"]);
}

#[test]
fn items_promised_to_waiting_getters_are_not_for_newcomers() {
    let queue = Queue::new();
    let mut getter = Manual::new(queue.get());
    getter.pending();
    queue.try_put(1).unwrap();
    assert_eq!(queue.len(), 1);
    assert_eq!(queue.try_get(), Err(TryGetError::Empty));
    let mut newcomer = Manual::new(queue.get());
    newcomer.pending();
    assert_eq!(getter.ready(), Ok(1));
    queue.try_put(2).unwrap();
    assert_eq!(newcomer.ready(), Ok(2));
}

#[test]
fn a_cancelled_getter_that_was_promised_an_item_passes_it_on() {
    let queue = Queue::new();
    let mut a = Manual::new(queue.get());
    let mut b = Manual::new(queue.get());
    a.pending();
    b.pending();
    queue.try_put(1).unwrap();
    assert!(a.woken() && !b.woken());
    drop(a);
    assert!(b.woken());
    assert_eq!(b.ready(), Ok(1));
    assert!(queue.is_empty());
}

#[test]
fn a_cancelled_promised_getter_with_nobody_behind_leaves_the_item() {
    // asyncio's test_get_cancel_drop_one_pending_reader.
    let queue = Queue::new();
    let mut reader = Manual::new(queue.get());
    reader.pending();
    queue.try_put(1).unwrap();
    queue.try_put(2).unwrap();
    drop(reader);
    assert_eq!(Manual::new(queue.get()).ready(), Ok(1));
    assert_eq!(queue.try_get(), Ok(2));
}

#[test]
fn cancelled_getters_with_several_items_lose_nothing() {
    // asyncio's test_get_cancel_drop_many_pending_readers.
    let queue = Queue::new();
    let mut r1 = Manual::new(queue.get());
    let mut r2 = Manual::new(queue.get());
    let mut r3 = Manual::new(queue.get());
    r1.pending();
    r2.pending();
    r3.pending();
    queue.try_put(1).unwrap();
    queue.try_put(2).unwrap();
    drop(r1);
    assert!(r2.woken() && r3.woken());
    assert_eq!(r2.ready(), Ok(1));
    assert_eq!(r3.ready(), Ok(2));
    assert!(queue.is_empty());
}

#[test]
fn a_cancelled_waiting_getter_just_leaves() {
    // asyncio's test_get_cancelled_race.
    let queue = Queue::new();
    let mut t1 = Manual::new(queue.get());
    let mut t2 = Manual::new(queue.get());
    t1.pending();
    t2.pending();
    drop(t1);
    queue.try_put('a').unwrap();
    assert!(t2.woken());
    assert_eq!(t2.ready(), Ok('a'));
}

#[test]
fn a_cancelled_waiting_put_takes_its_item_with_it() {
    // asyncio's test_put_cancelled_race.
    let queue = Queue::bounded(1);
    Manual::new(queue.put('a')).ready().unwrap();
    let mut put_b = Manual::new(queue.put('b'));
    let mut put_x = Manual::new(queue.put('X'));
    put_b.pending();
    put_x.pending();
    drop(put_x);
    assert_eq!(queue.try_get(), Ok('a'));
    assert_eq!(queue.try_get(), Ok('b'));
    assert_eq!(queue.try_get(), Err(TryGetError::Empty));
    put_b.ready().unwrap();
}

#[test]
fn a_put_cancelled_after_its_item_went_in_changes_nothing() {
    // asyncio's test_put_cancel_drop: here the item is already in the queue, so it stays.
    let queue = Queue::bounded(1);
    queue.try_put(1).unwrap();
    let mut writer = Manual::new(queue.put(2));
    writer.pending();
    assert_eq!(queue.try_get(), Ok(1));
    drop(writer);
    assert_eq!(queue.try_get(), Ok(2));
    assert_eq!(queue.len(), 0);
}

#[test]
fn a_put_dropped_before_its_first_poll_drops_its_item_and_leaves_the_queue_alone() {
    let drops = Rc::new(Cell::new(0));
    let queue = PriorityQueue::new();
    drop(queue.put(Tracked(drops.clone())));
    assert_eq!(drops.get(), 1);
    assert!(queue.is_empty());
}

#[test]
fn a_put_cancelled_after_shutdown_handed_its_item_back_drops_it() {
    let drops = Rc::new(Cell::new(0));
    let queue = PriorityQueue::bounded(1);
    queue.try_put(Tracked(drops.clone())).unwrap();
    let mut put = Manual::new(queue.put(Tracked(drops.clone())));
    put.pending();
    queue.shutdown();
    assert!(put.woken());
    drop(put);
    assert_eq!(drops.get(), 1, "the item handed back was dropped with the put, not put");
    assert_eq!(queue.len(), 1);
    drop(queue);
    assert_eq!(drops.get(), 2);
}

#[test]
fn a_getter_cancelled_after_shutdown_failed_it_gives_nothing_back() {
    let queue = Queue::new();
    let mut promised = Manual::new(queue.get());
    let mut failed = Manual::new(queue.get());
    promised.pending();
    failed.pending();
    queue.try_put(1).unwrap();
    queue.shutdown();
    assert!(promised.woken() && failed.woken());
    // `failed` was promised nothing: dropping it must not free the item promised to `promised`.
    drop(failed);
    assert_eq!(queue.try_get(), Err(TryGetError::ShutDown));
    assert_eq!(promised.ready(), Ok(1));
    assert!(queue.is_empty());
}

#[test]
fn a_released_join_cancelled_before_it_runs_is_harmless() {
    let queue = Queue::new();
    queue.try_put(()).unwrap();
    let mut a = Manual::new(queue.join());
    let mut b = Manual::new(queue.join());
    a.pending();
    b.pending();
    queue.try_get().unwrap();
    queue.task_done().unwrap();
    assert!(a.woken() && b.woken());
    drop(a);
    b.ready();
    // The joiners' line is intact: a new joiner waits for new work and is released when it is done.
    queue.try_put(()).unwrap();
    let mut c = Manual::new(queue.join());
    c.pending();
    queue.try_get().unwrap();
    queue.task_done().unwrap();
    assert!(c.woken());
    c.ready();
}

#[test]
fn getting_lets_waiting_putters_feed_waiting_getters() {
    // asyncio's test_get_with_waiting_putters, with getters queued as well.
    let queue = Queue::bounded(1);
    queue.try_put('a').unwrap();
    let mut put_b = Manual::new(queue.put('b'));
    put_b.pending();
    assert_eq!(Manual::new(queue.get()).ready(), Ok('a'));
    assert!(put_b.woken());
    assert_eq!(Manual::new(queue.get()).ready(), Ok('b'));
    put_b.ready().unwrap();
}

struct Tracked(Rc<Cell<usize>>);

impl Drop for Tracked {
    fn drop(&mut self) {
        self.0.set(self.0.get() + 1);
    }
}

impl PartialEq for Tracked {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for Tracked {}

impl PartialOrd for Tracked {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Tracked {
    fn cmp(&self, _: &Self) -> std::cmp::Ordering {
        std::cmp::Ordering::Equal
    }
}

#[test]
fn task_done_and_join() {
    let queue = Queue::new();
    Manual::new(queue.join()).ready();
    assert_eq!(
        queue.task_done().unwrap_err().to_string(),
        "task_done called more times than items were taken"
    );

    queue.try_put(1).unwrap();
    queue.try_put(2).unwrap();
    let mut join = Manual::new(queue.join());
    join.pending();
    assert_eq!(queue.try_get(), Ok(1));
    assert!(queue.task_done().is_ok());
    assert!(queue.task_done().is_err(), "only one item was taken");
    assert!(!join.woken());
    assert_eq!(queue.try_get(), Ok(2));
    assert!(!join.woken());
    queue.task_done().unwrap();
    assert!(join.woken());
    join.ready();
    assert!(matches!(queue.task_done(), Err(TaskDoneError { .. })));
}

#[test]
fn a_released_join_returns_even_if_work_arrives_before_it_runs() {
    let queue = Queue::new();
    queue.try_put(()).unwrap();
    let mut join = Manual::new(queue.join());
    join.pending();
    queue.try_get().unwrap();
    queue.task_done().unwrap();
    queue.try_put(()).unwrap();
    join.ready();
    Manual::new(queue.join()).pending();
}

#[test]
fn cancelled_join_is_removed() {
    let queue = Queue::new();
    queue.try_put(()).unwrap();
    let mut a = Manual::new(queue.join());
    let mut b = Manual::new(queue.join());
    a.pending();
    b.pending();
    drop(a);
    queue.try_get().unwrap();
    queue.task_done().unwrap();
    assert!(b.woken());
    b.ready();
}

#[test]
fn shutdown_of_an_empty_queue() {
    // asyncio's test_shutdown_empty.
    let queue = Queue::<&str>::new();
    let mut getter = Manual::new(queue.get());
    getter.pending();
    queue.shutdown();
    assert!(queue.is_shut_down());
    assert!(getter.woken());
    assert_eq!(getter.ready(), Err(QueueShutDown(())));
    Manual::new(queue.join()).ready();
    assert_eq!(Manual::new(queue.put("data")).ready(), Err(QueueShutDown("data")));
    assert_eq!(queue.try_put("data"), Err(TryPutError::ShutDown("data")));
    assert_eq!(Manual::new(queue.get()).ready(), Err(QueueShutDown(())));
    assert_eq!(queue.try_get(), Err(TryGetError::ShutDown));
}

#[test]
fn shutdown_of_a_non_empty_queue() {
    // asyncio's test_shutdown_nonempty.
    let queue = Queue::bounded(1);
    queue.try_put("data").unwrap();
    let mut join = Manual::new(queue.join());
    join.pending();
    let mut put = Manual::new(queue.put("data2"));
    put.pending();

    queue.shutdown();
    assert_eq!(queue.len(), 1);
    assert!(put.woken());
    assert_eq!(put.ready().unwrap_err().into_inner(), "data2");
    assert_eq!(Manual::new(queue.get()).ready(), Ok("data"));
    assert!(!join.woken());
    assert!(Manual::new(queue.put("data")).ready().is_err());
    assert_eq!(queue.try_put("data"), Err(TryPutError::ShutDown("data")));
    assert_eq!(Manual::new(queue.get()).ready(), Err(QueueShutDown(())));
    assert_eq!(queue.try_get(), Err(TryGetError::ShutDown));

    queue.task_done().unwrap();
    assert!(join.woken());
    join.ready();
    assert!(queue.task_done().is_err());
}

#[test]
fn shutdown_lets_promised_getters_drain_and_fails_the_rest() {
    let queue = Queue::new();
    let mut a = Manual::new(queue.get());
    let mut b = Manual::new(queue.get());
    let mut c = Manual::new(queue.get());
    a.pending();
    b.pending();
    c.pending();
    queue.try_put(1).unwrap();
    queue.shutdown();
    assert!(a.woken() && b.woken() && c.woken());
    assert_eq!(c.ready(), Err(QueueShutDown(())));
    assert_eq!(b.ready(), Err(QueueShutDown(())));
    assert_eq!(a.ready(), Ok(1));
}

#[test]
fn shutdown_immediate_discards_items_and_releases_join() {
    // asyncio's test_shutdown_immediate.
    let drops = Rc::new(Cell::new(0));
    let queue = Queue::new();
    queue.try_put(Tracked(drops.clone())).unwrap();
    queue.try_put(Tracked(drops.clone())).unwrap();
    let mut join = Manual::new(queue.join());
    join.pending();

    queue.shutdown_immediate();
    assert_eq!(drops.get(), 2);
    assert_eq!(queue.len(), 0);
    assert!(join.woken());
    join.ready();
    assert!(Manual::new(queue.get()).ready().is_err());
    assert!(matches!(queue.try_get(), Err(TryGetError::ShutDown)));
    assert!(queue.try_put(Tracked(drops.clone())).is_err());
    assert_eq!(drops.get(), 3);
    assert!(queue.task_done().is_err());
}

#[test]
fn shutdown_immediate_with_unfinished_work() {
    // asyncio's test_shutdown_immediate_with_unfinished.
    let queue = Queue::new();
    queue.try_put("data").unwrap();
    queue.try_put("data").unwrap();
    let mut join = Manual::new(queue.join());
    join.pending();
    assert_eq!(queue.try_get(), Ok("data"));
    queue.shutdown_immediate();
    assert_eq!(queue.len(), 0);
    assert!(!join.woken());
    assert!(Manual::new(queue.put("data")).ready().is_err());
    assert_eq!(queue.try_get(), Err(TryGetError::ShutDown));
    queue.task_done().unwrap();
    assert!(queue.task_done().is_err());
    assert!(join.woken());
    join.ready();
}

#[test]
fn shutdown_immediate_fails_getters_already_promised_an_item() {
    let queue = Queue::new();
    let mut getter = Manual::new(queue.get());
    getter.pending();
    queue.try_put(1).unwrap();
    queue.shutdown_immediate();
    assert_eq!(getter.ready(), Err(QueueShutDown(())));
    Manual::new(queue.join()).ready();
}

#[test]
fn shutdown_wakes_blocked_putters_with_their_items() {
    let queue = LifoQueue::bounded(1);
    queue.try_put(0).unwrap();
    let mut putters: Vec<_> = (1..=3).map(|i| Manual::new(queue.put(i))).collect();
    for putter in &mut putters {
        putter.pending();
    }
    queue.shutdown();
    let returned: Vec<_> = putters.iter_mut().map(|p| p.ready().unwrap_err().into_inner()).collect();
    assert_eq!(returned, [1, 2, 3]);
    assert_eq!(queue.try_get(), Ok(0));
}

#[test]
fn dropping_a_queue_drops_its_items_and_waiting_putters_keep_theirs() {
    let drops = Rc::new(Cell::new(0));
    let queue = PriorityQueue::bounded(1);
    // `Tracked` ranks equal to every other, so the priority queue keeps put order.
    queue.try_put(Tracked(drops.clone())).unwrap();
    let mut put = Manual::new(queue.put(Tracked(drops.clone())));
    put.pending();
    drop(put);
    assert_eq!(drops.get(), 1, "the cancelled put dropped its item");
    drop(queue);
    assert_eq!(drops.get(), 2);
}

#[test]
fn error_values_and_messages() {
    assert_eq!(TryPutError::Full(1).to_string(), "queue is full");
    assert_eq!(TryPutError::ShutDown(1).to_string(), "queue is shut down");
    assert_eq!(TryPutError::Full(7).into_inner(), 7);
    assert_eq!(format!("{:?}", TryPutError::ShutDown(1)), "ShutDown(..)");
    assert_eq!(TryGetError::Empty.to_string(), "queue is empty");
    assert_eq!(TryGetError::ShutDown.to_string(), "queue is shut down");
    assert_eq!(QueueShutDown(()).to_string(), "queue is shut down");
    assert_eq!(QueueShutDown("x").into_inner(), "x");
    fn is_error<E: std::error::Error>(_: E) {}
    is_error(TryPutError::Full(1));
    is_error(TryGetError::Empty);
    is_error(QueueShutDown(()));
    is_error(Queue::<u8>::new().task_done().unwrap_err());
}

#[test]
fn debug_shows_the_state() {
    let queue = Queue::bounded(3);
    queue.try_put(1).unwrap();
    assert_eq!(
        format!("{queue:?}"),
        "Queue { len: 1, capacity: Some(3), unfinished: 1, getters: 0, putters: 0, shut_down: false }"
    );
    let lifo = LifoQueue::<u8>::new();
    assert!(format!("{lifo:?}").starts_with("LifoQueue {"));
}

// ---- asyncio's test_queues.py, on the runtime ----

#[test]
fn asyncio_maxsize() {
    sync_support::run(async {
        let queue = Rc::new(Queue::bounded(2));
        assert_eq!(queue.capacity(), Some(2));
        let have_been_put = Log::new();
        let putter = {
            let (queue, have_been_put) = (queue.clone(), have_been_put.clone());
            solio::spawn(async move {
                for i in 0..3 {
                    queue.put(i).await.unwrap();
                    have_been_put.push(i);
                }
            })
        };
        yields(2).await;
        assert_eq!(have_been_put.get(), [0, 1], "the putter is blocked after two items");
        assert_eq!(queue.get().await, Ok(0));
        yields(1).await;
        assert_eq!(have_been_put.get(), [0, 1, 2]);
        assert_eq!(queue.get().await, Ok(1));
        assert_eq!(queue.get().await, Ok(2));
        assert!(putter.is_finished());
        putter.await.unwrap();
    });
}

#[test]
fn asyncio_blocking_get_wait() {
    run_paused(async {
        let queue = Rc::new(Queue::new());
        let started = Rc::new(Event::new());
        let getter = {
            let (queue, started) = (queue.clone(), started.clone());
            solio::spawn(async move {
                started.set();
                queue.get().await
            })
        };
        started.wait().await;
        assert!(!getter.is_finished());
        sleep(Duration::from_millis(10)).await;
        queue.try_put(1).unwrap();
        assert_eq!(getter.await.unwrap(), Ok(1));
    });
}

#[test]
fn asyncio_blocking_put_wait() {
    run_paused(async {
        let queue = Rc::new(Queue::bounded(1));
        let started = Rc::new(Event::new());
        let putter = {
            let (queue, started) = (queue.clone(), started.clone());
            solio::spawn(async move {
                started.set();
                queue.put(1).await.unwrap();
                queue.put(2).await.unwrap();
            })
        };
        let taker = {
            let queue = queue.clone();
            solio::spawn(async move {
                sleep(Duration::from_millis(10)).await;
                queue.try_get()
            })
        };
        started.wait().await;
        assert!(!putter.is_finished());
        putter.await.unwrap();
        assert_eq!(taker.await.unwrap(), Ok(1));
        assert_eq!(queue.try_get(), Ok(2));
    });
}

#[test]
fn asyncio_get_cancelled_race() {
    sync_support::run(async {
        let queue = Rc::new(Queue::new());
        let getter = || spawn_get(&queue);
        let t1 = getter();
        let t2 = getter();
        yields(1).await;
        t1.abort();
        yields(1).await;
        assert!(t1.is_finished());
        queue.put('a').await.unwrap();
        yields(1).await;
        assert_eq!(t2.await.unwrap(), Ok('a'));
        assert!(t1.await.unwrap_err().is_cancelled());
    });
}

#[test]
fn asyncio_get_with_waiting_putters() {
    sync_support::run(async {
        let queue = Rc::new(Queue::bounded(1));
        let putters: Vec<_> = ['a', 'b'].into_iter().map(|item| spawn_put(&queue, item)).collect();
        assert_eq!(queue.get().await, Ok('a'));
        assert_eq!(queue.get().await, Ok('b'));
        for putter in putters {
            putter.await.unwrap().unwrap();
        }
    });
}

#[test]
fn asyncio_why_are_getters_waiting() {
    sync_support::run(async {
        let queue = Rc::new(Queue::bounded(1));
        let consumer = {
            let queue = queue.clone();
            solio::spawn(async move {
                let mut got = Vec::new();
                for _ in 0..5 {
                    got.push(queue.get().await.unwrap());
                }
                got
            })
        };
        let producer = {
            let queue = queue.clone();
            solio::spawn(async move {
                for i in 0..5 {
                    queue.put(i).await.unwrap();
                }
            })
        };
        producer.await.unwrap();
        assert_eq!(consumer.await.unwrap(), [0, 1, 2, 3, 4]);
    });
}

#[test]
fn asyncio_why_are_putters_waiting() {
    sync_support::run(async {
        let queue = Rc::new(Queue::bounded(2));
        let getter = {
            let queue = queue.clone();
            solio::spawn(async move {
                solio::yield_now().await;
                let n = queue.len();
                (0..n).map(|_| queue.try_get().unwrap()).collect::<Vec<_>>()
            })
        };
        let putters: Vec<_> = (0..4).map(|i| spawn_put(&queue, i)).collect();
        for putter in putters {
            putter.await.unwrap().unwrap();
        }
        assert_eq!(getter.await.unwrap(), [0, 1]);
        assert_eq!(drain(|| queue.try_get()), [2, 3]);
    });
}

#[test]
fn asyncio_cancelled_getters_not_being_held_in_getters() {
    run_paused(async {
        let queue = Queue::<u8>::bounded(5);
        assert!(timeout(Duration::from_millis(100), queue.get()).await.is_err());
        assert!(format!("{queue:?}").contains("getters: 0"));
    });
}

#[test]
fn asyncio_cancelled_puts_not_being_held_in_putters() {
    sync_support::run(async {
        let queue = Rc::new(Queue::bounded(1));
        queue.try_put(1).unwrap();
        let put_task = spawn_put(&queue, 1);
        yields(1).await;
        assert!(format!("{queue:?}").contains("putters: 1"));
        put_task.abort();
        assert!(put_task.await.unwrap_err().is_cancelled());
        assert!(format!("{queue:?}").contains("putters: 0"));
    });
}

#[test]
fn asyncio_get_cancel_drop_one_pending_reader() {
    sync_support::run(async {
        let queue = Rc::new(Queue::new());
        let reader = spawn_get(&queue);
        yields(1).await;
        queue.try_put(1).unwrap();
        queue.try_put(2).unwrap();
        reader.abort();
        assert!(reader.await.unwrap_err().is_cancelled());
        let reader = spawn_get(&queue);
        assert_eq!(reader.await.unwrap(), Ok(1), "getting 2 would mean 1 was dropped");
    });
}

#[test]
fn asyncio_get_cancel_drop_many_pending_readers() {
    sync_support::run(async {
        let queue = Rc::new(Queue::new());
        let readers: Vec<_> = (0..3).map(|_| spawn_get(&queue)).collect();
        yields(1).await;
        queue.try_put(1).unwrap();
        queue.try_put(2).unwrap();
        readers[0].abort();
        let mut readers = readers.into_iter();
        assert!(readers.next().unwrap().await.unwrap_err().is_cancelled());
        let got: Vec<_> = {
            let mut got = Vec::new();
            for reader in readers {
                got.push(reader.await.unwrap().unwrap());
            }
            got
        };
        assert_eq!(got, [1, 2]);
    });
}

#[test]
fn asyncio_put_cancel_drop() {
    // Also test_cancelled_put_silence_value_error_exception: the put was served, then cancelled.
    sync_support::run(async {
        let queue = Rc::new(Queue::bounded(1));
        queue.try_put(1).unwrap();
        let writer = spawn_put(&queue, 2);
        yields(1).await;
        assert_eq!(queue.try_get(), Ok(1));
        writer.abort();
        assert!(writer.await.unwrap_err().is_cancelled());
        // asyncio retries the put here; in solio the item went in when the space was handed over.
        assert_eq!(queue.try_get(), Ok(2));
        assert_eq!(queue.len(), 0);
    });
}

#[test]
fn asyncio_put_with_waiting_getters() {
    sync_support::run(async {
        let queue = Rc::new(Queue::new());
        let getter = spawn_get(&queue);
        yields(1).await;
        queue.put('a').await.unwrap();
        assert_eq!(getter.await.unwrap(), Ok('a'));
    });
}

#[test]
fn asyncio_task_done() {
    sync_support::run(async {
        let queue = Rc::new(Queue::new());
        for i in 0..100u32 {
            queue.try_put(i).unwrap();
        }
        let total = Rc::new(std::cell::Cell::new(0));
        let workers: Vec<_> = (0..2)
            .map(|_| {
                let (queue, total) = (queue.clone(), total.clone());
                solio::spawn(async move {
                    let mut taken = 0;
                    while let Ok(item) = queue.get().await {
                        total.set(total.get() + item);
                        solio::yield_now().await;
                        queue.task_done().unwrap();
                        taken += 1;
                    }
                    taken
                })
            })
            .collect();
        queue.join().await;
        assert_eq!(total.get(), (0..100).sum::<u32>());
        queue.shutdown();
        let mut taken = Vec::new();
        for worker in workers {
            taken.push(worker.await.unwrap());
        }
        assert_eq!(taken, [50, 50], "the two workers alternate");
    });
}

#[test]
fn asyncio_join_empty_queue() {
    sync_support::run(async {
        for queue in [Queue::<u8>::new(), Queue::bounded(3)] {
            queue.join().await;
            queue.join().await;
        }
        LifoQueue::<u8>::new().join().await;
        PriorityQueue::<u8>::new().join().await;
    });
}

#[test]
fn asyncio_shutdown_empty_wakes_a_blocked_getter_task() {
    sync_support::run(async {
        let queue = Rc::new(PriorityQueue::<u8>::new());
        let getter = {
            let queue = queue.clone();
            solio::spawn(async move { queue.get().await })
        };
        yields(1).await;
        queue.shutdown();
        assert_eq!(queue.len(), 0);
        queue.join().await;
        yields(1).await;
        assert!(getter.is_finished());
        assert_eq!(getter.await.unwrap(), Err(QueueShutDown(())));
    });
}

#[test]
fn asyncio_shutdown_nonempty_with_tasks() {
    sync_support::run(async {
        let queue = Rc::new(LifoQueue::bounded(1));
        queue.try_put("data").unwrap();
        let join_task = {
            let queue = queue.clone();
            solio::spawn(async move { queue.join().await })
        };
        let put_task = {
            let queue = queue.clone();
            solio::spawn(async move { queue.put("data2").await })
        };
        yields(1).await;
        assert!(!put_task.is_finished());
        queue.shutdown();
        assert_eq!(queue.len(), 1);
        yields(1).await;
        assert!(put_task.is_finished());
        assert_eq!(put_task.await.unwrap(), Err(QueueShutDown("data2")));
        assert_eq!(queue.get().await, Ok("data"));
        yields(1).await;
        assert!(!join_task.is_finished());
        queue.task_done().unwrap();
        yields(1).await;
        assert!(join_task.is_finished());
        join_task.await.unwrap();
        assert!(queue.task_done().is_err());
    });
}

#[test]
fn asyncio_shutdown_immediate_releases_a_join_task() {
    sync_support::run(async {
        let queue = Rc::new(Queue::new());
        queue.try_put("data").unwrap();
        let join_task = {
            let queue = queue.clone();
            solio::spawn(async move { queue.join().await })
        };
        yields(1).await;
        queue.shutdown_immediate();
        assert_eq!(queue.len(), 0);
        yields(1).await;
        assert!(join_task.is_finished());
        join_task.await.unwrap();
    });
}

#[test]
fn producers_and_consumers_until_shutdown() {
    run_paused(async {
        let queue = Rc::new(Queue::bounded(3));
        let consumers: Vec<_> = (0..2)
            .map(|_| {
                let queue = queue.clone();
                solio::spawn(async move {
                    let mut got = Vec::new();
                    while let Ok(item) = queue.get().await {
                        sleep(Duration::from_millis(3)).await;
                        got.push(item);
                        queue.task_done().unwrap();
                    }
                    got
                })
            })
            .collect();
        let producers: Vec<_> = (0..3)
            .map(|p| {
                let queue = queue.clone();
                solio::spawn(async move {
                    for i in 0..10 {
                        queue.put(p * 100 + i).await.unwrap();
                        sleep(Duration::from_millis(1)).await;
                    }
                })
            })
            .collect();
        for producer in producers {
            producer.await.unwrap();
        }
        queue.join().await;
        queue.shutdown();
        let mut all = Vec::new();
        for consumer in consumers {
            let got = consumer.await.unwrap();
            assert!(!got.is_empty());
            all.extend(got);
        }
        all.sort();
        let expected: Vec<_> = (0..3).flat_map(|p| (0..10).map(move |i| p * 100 + i)).collect();
        assert_eq!(all, expected);
    });
}

/// Compares by value, but panics when either side is 3: a logic error in a user `Ord`.
#[derive(Debug, PartialEq, Eq)]
struct PanicsOnThree(u32);

impl Ord for PanicsOnThree {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        assert!(self.0 != 3 && other.0 != 3, "cannot compare 3");
        self.0.cmp(&other.0)
    }
}

impl PartialOrd for PanicsOnThree {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

#[test]
fn a_put_served_while_the_ord_panics_is_still_woken_with_its_item_stored() {
    run_paused(async {
        let queue = Rc::new(PriorityQueue::bounded(2));
        queue.put(PanicsOnThree(1)).await.unwrap();
        queue.put(PanicsOnThree(2)).await.unwrap();
        let putter = solio::spawn({
            let queue = queue.clone();
            async move { queue.put(PanicsOnThree(3)).await }
        });
        yields(1).await;
        // The get frees a place: the waiting put is served, and pushing its item panics in `cmp`.
        let got = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| queue.try_get()));
        assert!(got.is_err(), "the comparison with 3 panicked");
        // The putter was served before the push: it completes, and `BinaryHeap` kept the item.
        let put = timeout(Duration::from_secs(1), putter).await;
        assert!(matches!(put, Ok(Ok(Ok(())))), "{put:?}");
        assert_eq!(queue.len(), 2);
    });
}
