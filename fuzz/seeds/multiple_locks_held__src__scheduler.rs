//! The scheduler's hot paths. Lock order (documented): `queue` before `running` before `stats`.

use std::sync::MutexGuard;

use crate::state::{Job, JobId, Scheduler, Stats};

fn record(mut stats: parking_lot::MutexGuard<'_, Stats>, started: bool) {
    if started {
        stats.started += 1;
    } else {
        stats.rejected += 1;
    }
}

impl Scheduler {
    // Positive: the queue guard is still alive when the running set is locked.
    pub fn start_next(&self) -> Option<JobId> {
        let mut queue = self.queue.lock().unwrap();
        let mut running = self.running.lock().unwrap(); //~ multiple_locks_held
        if running.len() >= self.max_concurrent {
            return None;
        }
        let job = queue.pop_front()?;
        running.insert(job.id);
        Some(job.id)
    }

    // Positive: three locks: `running` is taken under `queue`, `stats` under both (two findings in all).
    pub fn start_and_count(&self) -> Option<JobId> {
        let mut queue = self.queue.lock().unwrap();
        let mut running = self.running.lock().unwrap(); //~ multiple_locks_held
        let mut stats = self.stats.lock(); //~ multiple_locks_held
        let job = queue.pop_front()?;
        running.insert(job.id);
        stats.started += 1;
        Some(job.id)
    }

    // Negative: the queue guard is dropped before the running set is locked.
    pub fn start_next_split(&self) -> Option<JobId> {
        let mut queue = self.queue.lock().unwrap();
        let job = queue.pop_front()?;
        drop(queue);
        self.running.lock().unwrap().insert(job.id);
        Some(job.id)
    }

    // Negative: each guard lives in its own block.
    pub fn snapshot(&self) -> (usize, usize) {
        let queued = {
            let queue = self.queue.lock().unwrap();
            queue.len()
        };
        let running = {
            let running = self.running.lock().unwrap();
            running.len()
        };
        (queued, running)
    }

    // Negative: temporaries of a `let` die at the end of the statement.
    pub fn load(&self) -> f64 {
        let queued = self.queue.lock().unwrap().len();
        let running = self.running.lock().unwrap().len();
        running as f64 / (queued + running).max(1) as f64
    }

    // Positive: the receiver's temporary guard is alive while the argument locks another mutex.
    pub fn requeue(&self, job: Job) {
        self.queue.lock().unwrap().push_back(Job { priority: self.running.lock().unwrap().len() as u8, ..job }); //~ multiple_locks_held
    }

    // Positive: an `if let` scrutinee's guard lives through the body, where `stats` is locked.
    pub fn finish(&self, id: JobId) {
        if let Some(_) = self.running.lock().unwrap().take(&id) {
            self.stats.lock().finished += 1; //~ multiple_locks_held
        }
    }

    // Negative: an `if` condition's temporaries are dropped before the body runs.
    pub fn admit(&self, job: Job) -> bool {
        if self.running.lock().unwrap().len() >= self.max_concurrent {
            self.stats.lock().rejected += 1;
            return false;
        }
        self.queue.lock().unwrap().push_back(job);
        true
    }

    // Negative: the stats guard is moved into `record`, which releases it before `queue` is locked.
    pub fn reject(&self, job: Job) {
        let stats = self.stats.lock();
        record(stats, false);
        self.queue.lock().unwrap().retain(|j| j.id != job.id);
    }

    // Negative: the two locks are taken on different branches, never together.
    pub fn touch(&self, id: JobId, queued: bool) {
        if queued {
            let mut queue = self.queue.lock().unwrap();
            queue.retain(|j| j.id != id);
        } else {
            let mut running = self.running.lock().unwrap();
            running.remove(&id);
        }
    }

    // Negative: `try_lock` never waits, so it adds no ordering constraint.
    pub fn try_count(&self) -> Option<u64> {
        let queue = self.queue.lock().unwrap();
        let stats = self.stats.try_lock()?;
        Some(stats.started + queue.len() as u64)
    }

    // Negative: `RefCell` borrows are single-threaded bookkeeping, not locks.
    pub fn trace_start(&self, id: JobId) {
        let mut running = self.running.lock().unwrap();
        running.insert(id);
        self.trace.borrow_mut().push(id);
    }

    // Positive: `match` scrutinee temporaries live through the arms.
    pub fn priority_of(&self, id: JobId) -> u8 {
        match self.queue.lock().unwrap().iter().find(|j| j.id == id) {
            Some(job) => job.priority,
            None if self.running.lock().unwrap().contains(&id) => u8::MAX, //~ multiple_locks_held
            None => 0,
        }
    }

    // Positive: an RwLock read guard held while the queue mutex is taken.
    pub fn enqueue_checked(&self, job: Job) -> bool {
        let config = self.config.read().unwrap();
        if config.paused {
            return false;
        }
        let mut queue = self.queue.lock().unwrap(); //~ multiple_locks_held
        if queue.len() >= config.max_queue {
            return false;
        }
        queue.push_back(job);
        true
    }

    // Negative: the same mutex taken again after its guard was dropped: one lock at a time.
    pub fn drain_twice(&self) -> usize {
        let mut queue: MutexGuard<'_, _> = self.queue.lock().unwrap();
        let n = queue.len();
        queue.clear();
        drop(queue);
        queue = self.queue.lock().unwrap();
        n + queue.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Negative: test code is not checked.
    #[test]
    fn both_locks() {
        let s: Scheduler = todo!();
        let q = s.queue.lock().unwrap();
        let r = s.running.lock().unwrap();
        assert_eq!(q.len(), r.len());
    }
}
