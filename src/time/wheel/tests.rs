//! Tests of the timer wheel: targeted cases, then a randomized comparison against a `BTreeMap` model.

use super::*;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::task::Wake;

/// Ticks covered by the whole wheel.
const RANGE: u64 = 1 << RANGE_BITS;

/// A waker that logs its id when woken, so a test can tell which entries fired and in what order.
struct IdWaker {
    /// The entry's id (not its key: keys are reused).
    id: u64,
    /// Shared log of woken ids.
    log: Arc<Mutex<Vec<u64>>>,
}

impl Wake for IdWaker {
    fn wake(self: Arc<Self>) {
        self.log.lock().unwrap().push(self.id);
    }
}

/// A wheel plus the log its wakers write to.
struct Harness {
    /// The wheel under test.
    wheel: Wheel,
    /// Ids woken so far, drained by `advance`.
    log: Arc<Mutex<Vec<u64>>>,
    /// Reused output buffer of `Wheel::advance`.
    fired: Vec<Waker>,
}

impl Harness {
    fn new() -> Harness {
        Harness { wheel: Wheel::new(), log: Arc::default(), fired: Vec::new() }
    }

    fn waker(&self, id: u64) -> Waker {
        Waker::from(Arc::new(IdWaker { id, log: self.log.clone() }))
    }

    fn insert(&mut self, deadline: u64, id: u64) -> TimerKey {
        let waker = self.waker(id);
        self.wheel.insert(deadline, waker)
    }

    fn reset(&mut self, key: TimerKey, deadline: u64, id: u64) {
        let waker = self.waker(id);
        self.wheel.reset(key, deadline);
        self.wheel.set_waker(key, &waker);
    }

    /// Advances to `now`, wakes what fired, and returns the ids in firing order.
    fn advance(&mut self, now: u64) -> Vec<u64> {
        self.wheel.advance(now, &mut self.fired);
        self.fired.drain(..).for_each(Waker::wake);
        std::mem::take(&mut *self.log.lock().unwrap())
    }
}

/// Deadlines on every level, on slot and level boundaries, and beyond the wheel's range.
fn interesting_deadlines() -> Vec<u64> {
    let mut deadlines = vec![1, 2, 63, 64, 65, 127, 128, 4095, 4096, 4097, 100_000];
    for bits in [18, 24, 30, 36, 37, 42, 48, 60, 63] {
        deadlines.extend([(1 << bits) - 1, 1 << bits, (1 << bits) + 1]);
    }
    deadlines.extend([3 * RANGE + 12_345, u64::MAX - RANGE, u64::MAX - 1, u64::MAX]);
    deadlines
}

#[test]
fn fires_at_deadline_never_before() {
    for start in [0, 12_345, RANGE - 3, u64::MAX - RANGE - 5] {
        for offset in interesting_deadlines() {
            let deadline = start.saturating_add(offset);
            let mut h = Harness::new();
            assert!(h.advance(start).is_empty());
            let key = h.insert(deadline, 7);
            assert!(h.advance(deadline - 1).is_empty(), "early at {deadline}");
            assert!(!h.wheel.is_fired(key));
            assert_eq!(h.advance(deadline), [7], "deadline {deadline} from {start}");
            assert!(h.wheel.is_fired(key));
            assert!(!h.wheel.has_pending());
            assert_eq!(h.wheel.len(), 1);
        }
    }
}

#[test]
fn fires_tick_by_tick() {
    let mut h = Harness::new();
    for deadline in 1..=300 {
        h.insert(deadline, deadline);
    }
    for now in 1..=300 {
        assert_eq!(h.advance(now), [now]);
    }
}

#[test]
fn equal_deadlines_fire_in_insertion_order() {
    let mut h = Harness::new();
    for id in 0..10 {
        h.insert(5_000, id);
    }
    assert!(h.advance(4_999).is_empty());
    assert_eq!(h.advance(5_000), (0..10).collect::<Vec<_>>());
}

#[test]
fn equal_deadlines_keep_insertion_order_across_cascades() {
    const DEADLINE: u64 = 5_000_000_000;
    // Each entry is inserted at a different elapsed, so each starts on a different level.
    for final_now in [DEADLINE, DEADLINE + 1, u64::MAX] {
        let mut h = Harness::new();
        let mut expected = Vec::new();
        for (id, at) in [0, 1 << 31, DEADLINE - 300_000, DEADLINE - 5_000, DEADLINE - 70, DEADLINE - 1]
            .into_iter()
            .enumerate()
        {
            assert!(h.advance(at).is_empty());
            h.insert(DEADLINE, id as u64);
            expected.push(id as u64);
        }
        // A neighbour on each side, inserted last, still fires in deadline order.
        h.insert(DEADLINE + 1, 101);
        h.insert(DEADLINE - 1, 99);
        expected.insert(0, 99);
        if final_now > DEADLINE {
            expected.push(101);
        }
        // The entry due at DEADLINE - 1 fires first, then the others in insertion order.
        assert_eq!(h.advance(final_now), expected);
    }
}

#[test]
fn one_long_advance_orders_by_deadline_then_insertion() {
    let mut h = Harness::new();
    // Inserted in scrambled order at various levels; one advance fires them all.
    let deadlines = [70_000, 3, 70_000, RANGE + 9, 64, 3, 1 << 20, 64, 70_000, 5];
    for (id, &deadline) in deadlines.iter().enumerate() {
        h.insert(deadline, id as u64);
    }
    let mut expected: Vec<_> = (0..deadlines.len() as u64).collect();
    expected.sort_by_key(|&id| (deadlines[id as usize], id));
    assert_eq!(h.advance(u64::MAX), expected);
}

#[test]
fn remove_pending_and_fired() {
    let mut h = Harness::new();
    let a = h.insert(10, 1);
    let b = h.insert(10, 2);
    let c = h.insert(RANGE * 2, 3);
    assert_eq!(h.wheel.len(), 3);
    h.wheel.remove(a);
    h.wheel.remove(c);
    assert_eq!(h.wheel.len(), 1);
    assert_eq!(h.advance(10), [2]);
    assert!(h.wheel.is_fired(b));
    assert!(!h.wheel.has_pending());
    assert!(!h.wheel.is_empty());
    h.wheel.remove(b);
    assert!(h.wheel.is_empty());
    assert_eq!(h.wheel.next_expiration(), None);
    assert!(h.advance(u64::MAX).is_empty());
}

#[test]
#[should_panic(expected = "not in the wheel")]
fn remove_twice_panics() {
    let mut h = Harness::new();
    let key = h.insert(10, 1);
    h.wheel.remove(key);
    h.wheel.remove(key);
}

#[test]
fn reset_earlier_later_and_after_fired() {
    let mut h = Harness::new();
    let early = h.insert(1_000_000, 1);
    let late = h.insert(100, 2);
    let other = h.insert(500, 3);
    h.reset(early, 50, 1);
    h.reset(late, 2_000_000, 2);
    assert!(h.advance(49).is_empty());
    assert_eq!(h.advance(500), [1, 3]);
    assert!(h.advance(1_999_999).is_empty());
    assert_eq!(h.advance(2_000_000), [2]);

    // A fired entry becomes pending again, ordered after entries inserted before the reset.
    assert!(h.wheel.is_fired(other));
    h.insert(2_000_100, 4);
    h.reset(other, 2_000_100, 3);
    assert!(!h.wheel.is_fired(other));
    assert!(h.wheel.has_pending());
    assert_eq!(h.wheel.len(), 4);
    assert_eq!(h.advance(2_000_100), [4, 3]);

    // Reset to the past fires on the next advance, even one to an earlier tick.
    h.reset(early, 7, 1);
    assert_eq!(h.wheel.next_expiration(), Some(2_000_100));
    assert_eq!(h.advance(0), [1]);
}

#[test]
fn set_waker_replaces_the_waker() {
    let mut h = Harness::new();
    let key = h.insert(10, 1);
    let same = h.waker(1);
    h.wheel.set_waker(key, &same);
    let replacement = h.waker(2);
    h.wheel.set_waker(key, &replacement);
    assert_eq!(h.advance(10), [2]);
}

#[test]
fn past_deadline_fires_on_next_advance() {
    let mut h = Harness::new();
    assert!(h.advance(100).is_empty());
    h.insert(100, 1);
    h.insert(50, 2);
    h.insert(0, 3);
    assert_eq!(h.wheel.next_expiration(), Some(100));
    // `now` before elapsed counts as elapsed; the due entries fire in deadline order.
    assert_eq!(h.advance(3), [3, 2, 1]);
    assert_eq!(h.wheel.elapsed(), 100);
    assert_eq!(h.wheel.next_expiration(), None);
}

#[test]
fn huge_deadlines_fire_only_when_reached() {
    let mut h = Harness::new();
    h.insert(u64::MAX, 1);
    h.insert(u64::MAX - 1, 2);
    h.insert(1 << 63, 3);
    h.insert(5 * RANGE + 7, 4);
    h.insert(u64::MAX, 5);
    let floor = 5 * RANGE;
    assert_eq!(h.wheel.next_expiration(), Some(floor));
    assert!(h.advance(5 * RANGE + 6).is_empty());
    assert_eq!(h.advance((1 << 63) - 1), [4]);
    assert_eq!(h.advance(u64::MAX - 2), [3]);
    assert_eq!(h.advance(u64::MAX - 1), [2]);
    assert_eq!(h.wheel.next_expiration(), Some(u64::MAX));
    assert_eq!(h.advance(u64::MAX), [1, 5]);
    // At the end of time, every insert is already due.
    h.insert(u64::MAX, 6);
    h.insert(3, 7);
    assert_eq!(h.wheel.next_expiration(), Some(u64::MAX));
    assert_eq!(h.advance(u64::MAX), [7, 6]);
}

#[test]
fn advance_to_end_of_time_in_one_call() {
    let mut h = Harness::new();
    h.insert(u64::MAX, 1);
    assert_eq!(h.wheel.next_expiration(), Some(u64::MAX - (RANGE - 1)));
    assert_eq!(h.advance(u64::MAX), [1]);

    // Parked entries spread over many blocks, walked block by block through next_expiration.
    let mut h = Harness::new();
    for i in 0..64 {
        h.insert(u64::MAX - i * (u64::MAX / 64), i);
    }
    let mut fired = Vec::new();
    let mut steps = 0;
    while let Some(next) = h.wheel.next_expiration() {
        fired.extend(h.advance(next));
        steps += 1;
        assert!(steps < 64 * (LEVELS + 2), "no progress");
    }
    assert_eq!(fired, (0..64).rev().collect::<Vec<_>>());
}

#[test]
fn parked_floor_does_not_outlive_removed_entries() {
    let mut h = Harness::new();
    let gone = h.insert(5 * RANGE + 1, 1);
    h.wheel.remove(gone);
    assert!(h.advance(7 * RANGE).is_empty());
    h.insert(9 * RANGE + 3, 2);
    let next = h.wheel.next_expiration().unwrap();
    assert!(next > 7 * RANGE && next <= 9 * RANGE + 3);
    assert!(h.advance(9 * RANGE + 2).is_empty());
    assert_eq!(h.advance(9 * RANGE + 3), [2]);
}

#[test]
fn next_expiration_is_never_later_than_the_earliest_deadline() {
    let mut h = Harness::new();
    let deadlines = interesting_deadlines();
    for (id, &deadline) in deadlines.iter().enumerate() {
        h.insert(deadline, id as u64);
    }
    let mut remaining: Vec<u64> = deadlines.clone();
    remaining.sort_unstable();
    let mut steps = 0;
    while let Some(next) = h.wheel.next_expiration() {
        assert!(next > h.wheel.elapsed(), "progress: nothing is due");
        assert!(next <= remaining[0], "{next} is after {}", remaining[0]);
        let due = remaining.iter().filter(|&&d| d <= next).count();
        remaining.retain(|&d| d > next);
        assert_eq!(h.advance(next).len(), due);
        steps += 1;
        assert!(steps <= deadlines.len() * (LEVELS + 2), "no progress");
    }
    assert!(remaining.is_empty());
    assert!(!h.wheel.has_pending());
}

#[test]
fn len_and_is_empty_follow_removals() {
    let mut h = Harness::new();
    assert!(h.wheel.is_empty());
    let keys: Vec<_> = (0..100).map(|i| h.insert(i * 1_000, i)).collect();
    assert_eq!(h.wheel.len(), 100);
    assert_eq!(h.advance(49_000).len(), 50);
    assert_eq!(h.wheel.len(), 100);
    for (i, &key) in keys.iter().enumerate() {
        h.wheel.remove(key);
        assert_eq!(h.wheel.len(), 99 - i);
        assert_eq!(h.wheel.has_pending(), i < 99);
    }
    assert!(h.wheel.is_empty());
    assert_eq!(h.wheel.next_expiration(), None);
    assert!(format!("{:?}", h.wheel).contains("len: 0"));
}

/// SplitMix64: a tiny deterministic generator, so a failing seed replays exactly.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform enough in `0..n` for a test (`n > 0`).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// The reference: pending entries ordered by `(deadline, seq)`, plus every live entry's state.
#[derive(Default)]
struct Model {
    /// Pending entries: `(deadline, seq)` → id.
    pending: BTreeMap<(u64, u64), u64>,
    /// Live entries (pending or fired): id → (key, `Some((deadline, seq))` while pending).
    live: HashMap<u64, (TimerKey, Option<(u64, u64)>)>,
    /// Live ids, to pick one at random.
    ids: Vec<u64>,
    /// Next sequence number, mirroring the wheel's.
    seq: u64,
    /// Next entry id.
    next_id: u64,
}

/// Picks a deadline: near, far, beyond range, huge, equal to a pending one, or already past.
fn random_deadline(rng: &mut SplitMix64, elapsed: u64, model: &Model) -> u64 {
    match rng.below(100) {
        0..30 => elapsed.saturating_add(rng.below(64)),
        30..50 => elapsed.saturating_add(rng.below(5_000)),
        50..65 => elapsed.saturating_add(rng.below(1 << 30)),
        65..75 => elapsed.saturating_add(rng.below(1 << 40)),
        75..80 => rng.next(),
        80..83 => u64::MAX,
        83..93 if !model.pending.is_empty() => {
            let nth = rng.below(model.pending.len().min(8) as u64) as usize;
            model.pending.keys().nth(nth).unwrap().0
        }
        _ => elapsed.saturating_sub(rng.below(100)),
    }
}

/// Checks `next_expiration`, `len` and `has_pending` against the model.
fn check_summary(wheel: &Wheel, model: &Model) {
    assert_eq!(wheel.len(), model.live.len());
    assert_eq!(wheel.has_pending(), !model.pending.is_empty());
    let next = wheel.next_expiration();
    match model.pending.keys().next() {
        None => assert_eq!(next, None),
        Some(&(earliest, _)) if earliest <= wheel.elapsed() => {
            assert_eq!(next, Some(wheel.elapsed()))
        }
        Some(&(earliest, _)) => {
            let next = next.expect("pending entries but no next expiration");
            assert!(next > wheel.elapsed() && next <= earliest, "{next} vs {earliest}");
        }
    }
}

/// Runs `ops` random operations with at most `cap` live entries: a small cap often leaves the wheel
/// empty or holding only parked entries, a large one keeps many levels busy.
fn run_against_model(seed: u64, ops: usize, cap: usize) {
    let mut rng = SplitMix64(seed);
    let mut h = Harness::new();
    let mut model = Model::default();
    for op in 0..ops {
        let elapsed = h.wheel.elapsed();
        let choice = rng.below(100);
        let pick = if model.ids.is_empty() { None } else { Some(rng.below(model.ids.len() as u64) as usize) };
        match (choice, pick) {
            (0..35, _) | (_, None) if model.ids.len() < cap => {
                let deadline = random_deadline(&mut rng, elapsed, &model);
                let id = model.next_id;
                model.next_id += 1;
                let key = h.insert(deadline, id);
                let seq = model.seq;
                model.seq += 1;
                model.pending.insert((deadline, seq), id);
                model.live.insert(id, (key, Some((deadline, seq))));
                model.ids.push(id);
            }
            (0..50, Some(i)) => {
                let id = model.ids.swap_remove(i);
                let (key, state) = model.live.remove(&id).unwrap();
                if let Some(at) = state {
                    model.pending.remove(&at);
                }
                h.wheel.remove(key);
            }
            (50..65, Some(i)) => {
                let id = model.ids[i];
                let deadline = random_deadline(&mut rng, elapsed, &model);
                let (key, state) = model.live.get_mut(&id).unwrap();
                assert_eq!(h.wheel.is_fired(*key), state.is_none());
                if let Some(at) = state.take() {
                    model.pending.remove(&at);
                }
                let at = (deadline, model.seq);
                model.seq += 1;
                *state = Some(at);
                model.pending.insert(at, id);
                let key = *key;
                h.reset(key, deadline, id);
            }
            (65..70, Some(i)) => {
                let id = model.ids[i];
                let key = model.live[&id].0;
                let waker = h.waker(id);
                h.wheel.set_waker(key, &waker);
            }
            _ => {
                let now = match rng.below(100) {
                    0..40 => elapsed.saturating_add(rng.below(8)),
                    40..60 => elapsed.saturating_add(rng.below(200)),
                    60..75 => elapsed.saturating_add(rng.below(100_000)),
                    75..85 => elapsed.saturating_add(rng.below(1 << 37)),
                    85..96 => h.wheel.next_expiration().unwrap_or(elapsed),
                    _ => elapsed.saturating_sub(rng.below(10)),
                };
                let fired = h.advance(now);
                let now = now.max(elapsed);
                let still_pending = match now.checked_add(1) {
                    Some(after) => model.pending.split_off(&(after, 0)),
                    None => BTreeMap::new(),
                };
                let due = std::mem::replace(&mut model.pending, still_pending);
                let expected: Vec<u64> = due.into_values().collect();
                assert_eq!(fired, expected, "seed {seed}, op {op}, advance {elapsed} -> {now}");
                for id in expected {
                    model.live.get_mut(&id).unwrap().1 = None;
                }
                assert_eq!(h.wheel.elapsed(), now);
            }
        }
        check_summary(&h.wheel, &model);
    }

    // The end of time fires everything left, in order, and the wheel empties cleanly.
    let fired = h.advance(u64::MAX);
    let expected: Vec<u64> = std::mem::take(&mut model.pending).into_values().collect();
    assert_eq!(fired, expected, "seed {seed}, final advance");
    for id in model.ids {
        h.wheel.remove(model.live[&id].0);
    }
    assert!(h.wheel.is_empty());
    assert_eq!(h.wheel.next_expiration(), None);
}

#[test]
fn randomized_against_btreemap_model() {
    for (seed, cap) in [(1, 300), (0xDEAD_BEEF, 40), (42, 8), (2024, 2)] {
        run_against_model(seed, 50_000, cap);
    }
}
