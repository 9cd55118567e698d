//! Per-key execution queue: at most one running execution per key, FIFO waiting list per key.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Mutex;

use crate::state::Job;

pub struct ExecutionQueue {
    running: Mutex<HashSet<String>>,
    waiting: Mutex<HashMap<String, VecDeque<Job>>>,
    max_queue: usize,
}

pub enum Submit {
    Run(Job),
    Queued,
    Full,
}

impl ExecutionQueue {
    // Positive: `waiting` is locked while the `running` guard is alive.
    pub fn submit(&self, job: Job) -> Submit {
        let mut running = self.running.lock().unwrap();
        if running.insert(job.key.clone()) {
            return Submit::Run(job);
        }
        let mut waiting = self.waiting.lock().unwrap(); //~ multiple_locks_held
        let q = waiting.entry(job.key.clone()).or_default();
        if q.len() >= self.max_queue {
            return Submit::Full;
        }
        q.push_back(job);
        Submit::Queued
    }

    // Positive: same order in `complete`; each site is reported on its own.
    pub fn complete(&self, key: &str) -> Option<Job> {
        let mut running = self.running.lock().unwrap();
        let next = self.waiting.lock().unwrap().get_mut(key).and_then(|q| q.pop_front()); //~ multiple_locks_held
        if next.is_none() {
            running.remove(key);
        }
        next
    }

    // Negative: the guard is released by `std::mem::drop` before the waiting list is read.
    pub fn queued_for(&self, key: &str) -> usize {
        let running = self.running.lock().unwrap();
        let busy = running.contains(key);
        std::mem::drop(running);
        if !busy {
            return 0;
        }
        self.waiting.lock().unwrap().get(key).map_or(0, |q| q.len())
    }

    // Negative: the lock in the loop body is released at the end of every iteration.
    pub fn cancel_all(&self, keys: &[String]) {
        for key in keys {
            let mut waiting = self.waiting.lock().unwrap();
            waiting.remove(key);
        }
        self.running.lock().unwrap().clear();
    }
}

// Negative: the mutexes arrive as parameters of a generic type racewise cannot resolve.
pub fn move_between<L: Lockable>(from: &L, to: &L) {
    let a = from.lock();
    let b = to.lock();
    b.absorb(a);
}

pub trait Lockable {
    type Guard<'a>: Absorb where Self: 'a;
    fn lock(&self) -> Self::Guard<'_>;
}

pub trait Absorb {
    fn absorb<T>(self, other: T);
}
