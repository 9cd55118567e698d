//! Zombie reaping: walks the running set and requeues expired jobs.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::state::{Job, Scheduler, Worker};

// Positive: running → queue, the opposite of `Scheduler::dispatch` in scheduler.rs.
pub fn reap(sched: &Scheduler, max_age: Duration) -> usize {
    let mut running = sched.running.lock().unwrap();
    let expired: Vec<_> = running.iter().filter(|(_, t)| t.elapsed() > max_age).map(|(id, _)| *id).collect();
    let mut queue = sched.queue.lock().unwrap(); //~ lock_order_inversion
    for id in &expired {
        running.remove(id);
        queue.push_back(Job { id: *id, priority: 0, deadline: None });
    }
    expired.len()
}

// Negative: running, then queue — but the running guard is dropped first.
pub fn reap_split(sched: &Scheduler, max_age: Duration) -> usize {
    let mut running = sched.running.lock().unwrap();
    let before = running.len();
    running.retain(|_, t| t.elapsed() <= max_age);
    let n = before - running.len();
    drop(running);
    sched.queue.lock().unwrap().truncate(n);
    n
}

// Negative: `try_lock` in the reverse direction never waits, so it cannot close a cycle.
pub fn opportunistic(sched: &Scheduler) {
    let running = sched.running.lock().unwrap();
    if let Ok(mut queue) = sched.queue.try_lock() {
        queue.retain(|j| !running.contains_key(&j.id));
    }
}

// Negative: the other lock is taken on another thread, which does not hold this guard.
pub fn reap_in_background(sched: Arc<Scheduler>) {
    let running = sched.running.lock().unwrap();
    let s2 = Arc::clone(&sched);
    std::thread::spawn(move || {
        s2.queue.lock().unwrap().clear();
    });
    drop(running);
}

// Negative: `Worker.running` then nothing else: no edge at all.
pub fn worker_busy(w: &Worker) -> bool {
    !w.running.lock().unwrap().is_empty()
}

// Negative: an `if` condition's temporary guard is gone before the body locks `queue`.
pub fn nudge(sched: &Scheduler) {
    if sched.running.lock().unwrap().is_empty() {
        sched.queue.lock().unwrap().rotate_left(0);
    }
    let _ = Instant::now();
}

#[cfg(test)]
mod tests {
    use super::*;

    // Negative: test code does not take part in the graph (history → stats would close a cycle).
    #[test]
    fn reverse_in_test() {
        let s: Scheduler = todo!();
        let h = s.history.write().unwrap();
        let st = s.stats.lock().unwrap();
        assert_eq!(h.len() as u64, st.started);
    }
}
