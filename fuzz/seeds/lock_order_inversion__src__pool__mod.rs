//! A worker pool; the shared state lives in `Inner`, reached as `self.inner` here and as an
//! `Arc<Inner>` in worker.rs: both are the same locks (`Inner.queue`, `Inner.workers`).

pub mod worker;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

pub struct Task {
    pub id: u64,
}

pub struct Slot {
    pub busy: bool,
}

pub struct Inner {
    pub queue: Mutex<VecDeque<Task>>,
    pub workers: Mutex<Vec<Slot>>,
}

pub struct Pool {
    inner: Arc<Inner>,
}

impl Pool {
    // Positive: Inner.queue → Inner.workers; worker.rs takes workers → queue.
    pub fn submit(&self, task: Task) -> bool {
        let mut queue = self.inner.queue.lock().unwrap();
        let workers = self.inner.workers.lock().unwrap(); //~ lock_order_inversion
        queue.push_back(task);
        workers.iter().any(|w| !w.busy)
    }

    // Negative: the two locks in sequence, never together.
    pub fn len(&self) -> (usize, usize) {
        let q = self.inner.queue.lock().unwrap().len();
        let w = self.inner.workers.lock().unwrap().len();
        (q, w)
    }
}
