//! Dispatch: takes `queue` then `running` (see reaper.rs for the other direction).

use std::time::Instant;

use crate::state::{Job, JobId, Scheduler, Worker};

impl Scheduler {
    // Positive: queue → running; reaper.rs takes running → queue.
    pub fn dispatch(&self) -> Option<JobId> {
        let mut queue = self.queue.lock().unwrap();
        let mut running = self.running.lock().unwrap(); //~ lock_order_inversion
        if running.len() >= self.max_concurrent {
            return None;
        }
        let job = queue.pop_front()?;
        running.insert(job.id, Instant::now());
        Some(job.id)
    }

    // Positive: a second queue → running site (temporary receiver guard alive during the argument).
    pub fn dispatch_urgent(&self, job: Job) {
        let mut queue = self.queue.lock().unwrap();
        queue.push_front(Job { priority: self.running.lock().unwrap().len() as u8, ..job }); //~ lock_order_inversion
    }

    // Negative: stats → history here and in `archive`: one consistent order, no cycle.
    pub fn count_started(&self, id: JobId) {
        let mut stats = self.stats.lock().unwrap();
        stats.started += 1;
        self.history.write().unwrap().push(id);
    }

    // Negative: same order as `count_started`.
    pub fn archive(&self) -> usize {
        let stats = self.stats.lock().unwrap();
        let history = self.history.read().unwrap();
        history.len() + stats.started as usize
    }

    // Negative: RefCell borrows in opposite orders (see `undo_trace`): single-threaded, not locks.
    pub fn trace(&self, id: JobId) {
        let mut trace = self.trace.borrow_mut();
        self.undo.borrow_mut().retain(|u| *u != id);
        trace.push(id);
    }

    pub fn undo_trace(&self) {
        let mut undo = self.undo.borrow_mut();
        if let Some(last) = self.trace.borrow_mut().pop() {
            undo.push(last);
        }
    }

    // Negative: the same RwLock read twice is re-entrancy, not an order between two locks.
    pub fn history_twice(&self) -> usize {
        let a = self.history.read().unwrap();
        let b = self.history.read().unwrap();
        a.len() + b.len()
    }
}

impl Worker {
    // Negative: `Worker.queue` → `Worker.running`; reaper.rs has `Worker.running` → nothing, and
    // `Scheduler`'s fields of the same names are different locks.
    pub fn take(&self) -> Option<JobId> {
        let mut queue = self.queue.lock().unwrap();
        let mut running = self.running.lock().unwrap();
        let job = queue.pop_front()?;
        running.insert(job.id);
        Some(job.id)
    }
}
