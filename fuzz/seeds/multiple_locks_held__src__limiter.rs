//! A token-bucket rate limiter and a counting semaphore built from a Mutex + Condvar.

use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

pub struct Bucket {
    pub tokens: f64,
    pub last: Instant,
}

pub struct Limiter {
    global: Mutex<Bucket>,
    per_client: Mutex<std::collections::HashMap<String, Bucket>>,
    rate: f64,
}

pub struct Semaphore {
    permits: Mutex<usize>,
    cond: Condvar,
}

impl Limiter {
    // Positive: the global bucket stays locked while the client's bucket is taken.
    pub fn allow(&self, client: &str) -> bool {
        let mut global = self.global.lock().unwrap();
        let mut clients = self.per_client.lock().unwrap(); //~ multiple_locks_held
        let bucket = clients.entry(client.to_string()).or_insert(Bucket { tokens: 1.0, last: Instant::now() });
        if global.tokens < 1.0 || bucket.tokens < 1.0 {
            return false;
        }
        global.tokens -= 1.0;
        bucket.tokens -= 1.0;
        true
    }

    // Negative: refill one bucket at a time.
    pub fn refill(&self) {
        let now = Instant::now();
        {
            let mut g = self.global.lock().unwrap();
            g.tokens += self.rate * now.duration_since(g.last).as_secs_f64();
            g.last = now;
        }
        for b in self.per_client.lock().unwrap().values_mut() {
            b.tokens += self.rate * now.duration_since(b.last).as_secs_f64();
            b.last = now;
        }
    }
}

impl Semaphore {
    // Negative: `Condvar::wait` consumes and returns the same mutex's guard: one lock.
    pub fn acquire(&self, timeout: Duration) -> bool {
        let mut permits = self.permits.lock().unwrap();
        while *permits == 0 {
            let (p, res) = self.cond.wait_timeout(permits, timeout).unwrap();
            permits = p;
            if res.timed_out() {
                return false;
            }
        }
        *permits -= 1;
        true
    }

    // Negative: a bare local mutex taken once.
    pub fn release(&self) {
        let local = Mutex::new(0u32);
        *local.lock().unwrap() += 1;
        *self.permits.lock().unwrap() += 1;
        self.cond.notify_one();
    }
}
