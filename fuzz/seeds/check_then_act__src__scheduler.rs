//! The scheduler: capacity check + insert into the running set.

use std::sync::atomic::Ordering;

use crate::state::{Job, JobId, Phase, SchedError, Scheduler};

impl Scheduler {
    // Positive: capacity checked under one acquisition, insert under another.
    pub fn submit(&self, job: Job) -> Result<(), SchedError> {
        if self.running.lock().unwrap().len() >= self.max_concurrent {
            return Err(SchedError::Busy);
        }
        self.running.lock().unwrap().insert(job.id, job); //~ check_then_act
        Ok(())
    }

    // Negative: one guard for the check and the insert.
    pub fn submit_fixed(&self, job: Job) -> Result<(), SchedError> {
        let mut running = self.running.lock().unwrap();
        if running.len() >= self.max_concurrent {
            return Err(SchedError::Busy);
        }
        running.insert(job.id, job);
        Ok(())
    }

    // Positive: the check's result is bound first, then decides an early return.
    pub fn enqueue(&self, job: Job) -> bool {
        let full = self.queue.lock().unwrap().len() >= self.max_queue;
        if full {
            tracing::warn!(job = job.id, "queue full");
            return false;
        }
        self.queue.lock().unwrap().push_back(job); //~ check_then_act
        true
    }

    // Negative: the bound value is only logged, nothing is decided on it.
    pub fn enqueue_logged(&self, job: Job) {
        let depth = self.queue.lock().unwrap().len();
        tracing::debug!(depth, "enqueue");
        self.queue.lock().unwrap().push_back(job);
    }

    // Positive: pop after an emptiness check under a separate acquisition (the `unwrap` can panic).
    pub fn next(&self) -> Option<Job> {
        if self.queue.lock().unwrap().is_empty() {
            return None;
        }
        let job = self.queue.lock().unwrap().pop_front().unwrap(); //~ check_then_act
        Some(job)
    }

    // Negative: the second acquisition re-checks under its own guard.
    pub fn next_rechecked(&self) -> Option<Job> {
        if self.queue.lock().unwrap().is_empty() {
            return None;
        }
        let mut queue = self.queue.lock().unwrap();
        if queue.is_empty() {
            return None;
        }
        queue.pop_front()
    }

    // Negative: the popped `Option` is what decides: the second acquisition handles "empty".
    pub fn next_slot(&self) -> Option<usize> {
        if self.free_slots.lock().unwrap().is_empty() {
            return None;
        }
        let slot = self.free_slots.lock().unwrap().pop();
        if slot.is_none() {
            tracing::debug!("slot taken concurrently");
        }
        slot
    }

    // Positive: a guard bound for the check, dropped, and the lock taken again for the act.
    pub fn start(&self, job: Job) -> bool {
        let running = self.running.lock().unwrap();
        if running.len() >= self.max_concurrent {
            return false;
        }
        drop(running);
        tracing::info!(job = job.id, "starting");
        let mut running = self.running.lock().unwrap(); //~ check_then_act
        running.insert(job.id, job);
        true
    }

    // Positive: phase read through a temporary, then assigned through another one.
    pub fn begin(&self) {
        if *self.phase.lock().unwrap() == Phase::Running {
            return;
        }
        *self.phase.lock().unwrap() = Phase::Running; //~ check_then_act
    }

    // Negative: the phase is tested and assigned under one guard.
    pub fn drain(&self) {
        let mut phase = self.phase.lock().unwrap();
        if *phase == Phase::Draining {
            return;
        }
        *phase = Phase::Draining;
    }

    // Positive: `continue` skips ids already done; the insert happens under a new acquisition.
    pub fn mark_done(&self, ids: &[JobId]) -> usize {
        let mut n = 0;
        for id in ids {
            if self.done.lock().unwrap().contains(id) {
                continue;
            }
            self.running.lock().unwrap().remove(id);
            self.done.lock().unwrap().insert(*id); //~ check_then_act
            n += 1;
        }
        n
    }

    // Negative: `insert` itself answers "was it new?": check and act are one operation.
    pub fn mark_once(&self, id: JobId) -> bool {
        if !self.done.lock().unwrap().insert(id) {
            return false;
        }
        self.running.lock().unwrap().remove(&id);
        true
    }

    // Negative: checking `done` but modifying `running`: different locks.
    pub fn cancel(&self, id: JobId) -> Result<(), SchedError> {
        if self.done.lock().unwrap().contains(&id) {
            return Err(SchedError::NotFound);
        }
        self.running.lock().unwrap().remove(&id);
        Ok(())
    }

    // Negative: `match` on what `remove` returned: the second acquisition decides by itself.
    pub fn finish(&self, id: JobId) -> Result<Job, SchedError> {
        if !self.running.lock().unwrap().contains_key(&id) {
            return Err(SchedError::NotFound);
        }
        match self.running.lock().unwrap().remove(&id) {
            Some(job) => Ok(job),
            None => Err(SchedError::NotFound),
        }
    }

    // Negative: `entry().or_insert` after a key lookup re-checks the key under the second guard.
    pub fn register(&self, job: Job) -> Result<(), SchedError> {
        if self.running.lock().unwrap().contains_key(&job.id) {
            return Err(SchedError::Duplicate(job.id));
        }
        self.running.lock().unwrap().entry(job.id).or_insert(job);
        Ok(())
    }

    // Positive: a capacity check is not re-checked by `entry`.
    pub fn register_bounded(&self, job: Job) -> Result<(), SchedError> {
        if self.running.lock().unwrap().len() >= self.max_concurrent {
            return Err(SchedError::Busy);
        }
        self.running.lock().unwrap().entry(job.id).or_insert(job); //~ check_then_act
        Ok(())
    }

    // Negative: RefCell borrows are single-threaded.
    pub fn remember(&self, id: JobId) {
        if self.local.borrow().contains(&id) {
            return;
        }
        self.local.borrow_mut().insert(id);
    }

    // Negative: two different shards.
    pub fn rebalance(&self, from: usize, to: usize) {
        if self.shards[from].lock().unwrap().is_empty() {
            return;
        }
        self.shards[to].lock().unwrap().clear();
    }

    // Positive: the atomic form: `load` decides, then `store` — two callers both get past the check.
    pub fn start_once(&self) -> bool {
        if self.started.load(Ordering::SeqCst) {
            return false;
        }
        self.started.store(true, Ordering::SeqCst); //~ check_then_act
        true
    }

    // Negative: `compare_exchange` is one atomic check-and-set.
    pub fn start_once_fixed(&self) -> bool {
        self.started
            .compare_exchange(false, true, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
    }

    // Negative: the history is written under one guard, checked under the same guard.
    pub fn record(&self, id: JobId) {
        let mut history = self.history.write().unwrap();
        if history.last() == Some(&id) {
            return;
        }
        history.push(id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Negative: test code is not checked.
    #[test]
    fn racy_in_test() {
        let s: Scheduler = todo!();
        if s.queue.lock().unwrap().is_empty() {
            return;
        }
        s.queue.lock().unwrap().clear();
    }
}
