//! Per-key execution queue: at most one running execution per key, FIFO waiting list per key.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Mutex;

use crate::state::Job;

pub struct ExecutionQueue {
    running: Mutex<HashSet<String>>,
    waiting: Mutex<HashMap<String, VecDeque<Job>>>,
    max_queue: usize,
}

pub enum Submitted {
    Run(Job),
    Queued,
    Full,
}

impl ExecutionQueue {
    // Positive: check-then-set on submit: two submitters of one key both start.
    pub fn submit(&self, job: Job) -> Submitted {
        if self.running.lock().unwrap().contains(&job.key) {
            self.waiting.lock().unwrap().entry(job.key.clone()).or_default().push_back(job);
            return Submitted::Queued;
        }
        self.running.lock().unwrap().insert(job.key.clone()); //~ check_then_act
        Submitted::Run(job)
    }

    // Negative: the running slot is tested and taken by one `insert`.
    pub fn submit_fixed(&self, job: Job) -> Submitted {
        if self.running.lock().unwrap().insert(job.key.clone()) {
            return Submitted::Run(job);
        }
        let mut waiting = self.waiting.lock().unwrap();
        let q = waiting.entry(job.key.clone()).or_default();
        if q.len() >= self.max_queue {
            return Submitted::Full;
        }
        q.push_back(job);
        Submitted::Queued
    }

    // Positive: the key's slot is released under a new acquisition after the waiting check.
    pub fn complete(&self, key: &str) -> Option<Job> {
        let idle = self.waiting.lock().unwrap().get(key).map_or(true, |q| q.is_empty());
        if idle {
            self.running.lock().unwrap().remove(key);
            return None;
        }
        let next = self.waiting.lock().unwrap().remove(key); //~ check_then_act
        next.and_then(|mut q| q.pop_front())
    }

    // Positive: `let .. else` leaves early; the retain runs under another acquisition.
    pub fn drop_first(&self, key: &str) -> Option<u64> {
        let Some(first) = self.waiting.lock().unwrap().get(key).and_then(|q| q.front()).map(|j| j.id) else {
            return None;
        };
        self.waiting.lock().unwrap().retain(|_, q| q.front().map(|j| j.id) != Some(first)); //~ check_then_act
        Some(first)
    }

    // Negative: the waiting list is only read twice; nothing is modified.
    pub fn depth(&self, key: &str) -> usize {
        if !self.waiting.lock().unwrap().contains_key(key) {
            return 0;
        }
        self.waiting.lock().unwrap().get(key).map_or(0, |q| q.len())
    }
}
