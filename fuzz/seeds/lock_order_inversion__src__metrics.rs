//! Metrics counters.

use std::collections::HashMap;

use parking_lot::Mutex;

use crate::registry::Registry;

#[derive(Default)]
pub struct Metrics {
    pub counts: Mutex<HashMap<String, u64>>,
    pub gauges: Mutex<HashMap<String, f64>>,
}

// Positive: peers → counts, second edge of the three-lock cycle.
pub fn count_peers(reg: &Registry) {
    let peers = reg.peers.lock();
    let mut counts = reg.metrics.counts.lock(); //~ lock_order_inversion
    counts.insert("peers".into(), peers.len() as u64);
}

impl Metrics {
    // Negative: counts → gauges here and in `export`: consistent, and gauges never leads back.
    pub fn ratio(&self, a: &str, b: &str) {
        let counts = self.counts.lock();
        let r = counts.get(a).copied().unwrap_or(0) as f64 / counts.get(b).copied().unwrap_or(1) as f64;
        self.gauges.lock().insert(format!("{a}/{b}"), r);
    }

    pub fn export(&self) -> String {
        let counts = self.counts.lock();
        let gauges = self.gauges.lock();
        format!("{} counters, {} gauges", counts.len(), gauges.len())
    }
}
