//! Rate limiter and semaphore built from a Mutex + counter.

use std::sync::{Arc, Mutex};

pub struct Bucket {
    pub available: u32,
    pub capacity: u32,
}

pub struct Limiter {
    bucket: Mutex<Bucket>,
    permits: parking_lot::Mutex<usize>,
    limit: usize,
}

pub trait KvStore: Send + Sync {
    fn read(&self) -> Snapshot;
    fn write(&self) -> Batch;
}

pub struct Snapshot;
pub struct Batch;

impl Snapshot {
    pub fn contains(&self, _k: &str) -> bool {
        false
    }
}

impl Batch {
    pub fn insert(&mut self, _k: &str) {}
}

impl Limiter {
    // Positive: the token count is checked, then decremented through a new bound guard.
    pub fn try_take(&self) -> bool {
        if self.bucket.lock().unwrap().available == 0 {
            return false;
        }
        let mut bucket = self.bucket.lock().unwrap(); //~ check_then_act
        bucket.available -= 1;
        true
    }

    // Negative: check and decrement under one guard.
    pub fn try_take_fixed(&self) -> bool {
        let mut bucket = self.bucket.lock().unwrap();
        if bucket.available == 0 {
            return false;
        }
        bucket.available -= 1;
        true
    }

    // Positive: a semaphore from a parking_lot mutex + counter: read, then increment separately.
    pub fn acquire(&self) -> Result<(), &'static str> {
        let in_use = *self.permits.lock();
        if in_use >= self.limit {
            return Err("no permits");
        }
        *self.permits.lock() += 1; //~ check_then_act
        Ok(())
    }

    // Negative: release decrements without a prior check.
    pub fn release(&self) {
        *self.permits.lock() -= 1;
    }

    // Negative: the second bound guard re-checks before refilling.
    pub fn refill(&self, n: u32) {
        if self.bucket.lock().unwrap().available >= 1000 {
            return;
        }
        let mut b = self.bucket.lock().unwrap();
        if b.available < b.capacity {
            b.available = (b.available + n).min(b.capacity);
        }
    }
}

// Negative: `read()`/`write()` of a trait object are not locks.
pub fn remember(store: Arc<dyn KvStore>, key: &str) {
    if store.read().contains(key) {
        return;
    }
    store.write().insert(key);
}
