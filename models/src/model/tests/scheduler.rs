//! Sequential behaviour of the scheduler model, plus its correct scenarios on real threads.

use super::scheduler::*;

fn sched(max: usize, tokens: u32, refill: u64, lease: u64) -> Scheduler {
    let config = SchedulerConfig {
        max_concurrent: max,
        rate_capacity: tokens,
        refill_every: refill,
        lease,
    };
    Scheduler::new(SchedulerVariant::Correct, config, ManualClock::new(0))
}

#[test]
fn dispatches_by_priority_then_fifo() {
    let s = sched(10, 10, 0, 100);
    assert!(s.submit(1, 1));
    assert!(s.submit(2, 9));
    assert!(s.submit(3, 9));
    assert!(!s.submit(3, 1), "duplicate submit is refused");
    let order: Vec<_> = std::iter::from_fn(|| s.next_task().map(|l| l.task)).collect();
    assert_eq!(order, [2, 3, 1]);
}

#[test]
fn respects_max_concurrent() {
    let s = sched(2, 10, 0, 100);
    for t in 1..=3 {
        s.submit(t, 0);
    }
    let a = s.next_task().unwrap();
    let _b = s.next_task().unwrap();
    assert_eq!(s.next_task(), None);
    assert!(s.complete(&a));
    assert!(s.next_task().is_some());
    assert_eq!(s.stats().running, 2);
}

#[test]
fn rate_limiter_throttles_on_injected_time() {
    let s = sched(10, 1, 5, 100);
    for t in 1..=3 {
        s.submit(t, 0);
    }
    assert!(s.next_task().is_some());
    assert_eq!(s.next_task(), None);
    assert_eq!(s.stats().rate_limited, 1);
    s.clock().advance(5);
    assert!(s.next_task().is_some());
    assert_eq!(s.next_task(), None);
}

#[test]
fn zombies_are_reaped_and_their_late_complete_ignored() {
    let s = sched(1, 10, 0, 3);
    s.submit(7, 0);
    let first = s.next_task().unwrap();
    s.clock().advance(2);
    assert!(s.reap_zombies().is_empty());
    s.clock().advance(1);
    assert_eq!(s.reap_zombies(), [7]);
    let second = s.next_task().unwrap();
    assert_eq!(second.attempt, 2);
    assert!(!s.complete(&first), "stale lease");
    assert!(s.complete(&second));
    let stats = s.stats();
    assert_eq!((stats.completed, stats.reaped, stats.running), (1, 1, 0));
}

#[test]
fn scenarios_pass_on_real_threads() {
    for _ in 0..50 {
        scenarios::three_workers_two_slots(SchedulerVariant::Correct);
        scenarios::zombie_reaped_under_rate_limit(SchedulerVariant::Correct);
    }
}
