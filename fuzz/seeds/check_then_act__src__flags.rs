//! Feature flags and one-time initialisation with atomics.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::atomic::Ordering::{Acquire, Release};

use arc_swap::ArcSwap;

static INITIALIZED: AtomicBool = AtomicBool::new(false);
static HIGH_WATER: AtomicU64 = AtomicU64::new(0);

pub struct Flags {
    pub maintenance: AtomicBool,
    pub config: ArcSwap<String>,
}

fn init_logging() {}

// Positive: the classic double-initialisation race.
pub fn init() {
    if !INITIALIZED.load(Acquire) {
        init_logging();
        INITIALIZED.store(true, Release); //~ check_then_act
    }
}

// Positive: a high-water mark kept with load + store loses concurrent maxima.
pub fn observe(v: u64) {
    let prev = HIGH_WATER.load(Ordering::Relaxed);
    if v <= prev {
        return;
    }
    HIGH_WATER.store(v, Ordering::Relaxed); //~ check_then_act
}

// Negative: `fetch_max` is one atomic operation.
pub fn observe_fixed(v: u64) {
    HIGH_WATER.fetch_max(v, Ordering::Relaxed);
}

impl Flags {
    // Negative: an unconditional store.
    pub fn enter_maintenance(&self) {
        self.maintenance.store(true, Ordering::SeqCst);
    }

    // Negative: `swap` returns the previous value: one atomic check-and-set.
    pub fn leave_maintenance(&self) -> bool {
        self.maintenance.swap(false, Ordering::SeqCst)
    }

    // Negative: ArcSwap's `load()`/`store(..)` take no ordering: not this atomic pattern.
    pub fn reload(&self, new: String) {
        if self.config.load().as_str() == new {
            return;
        }
        self.config.store(std::sync::Arc::new(new));
    }
}
