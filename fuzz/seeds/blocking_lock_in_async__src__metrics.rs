use std::time::Duration;

#[derive(Debug, Default, Clone)]
pub struct Metrics {
    pub completed: u64,
    pub failed: u64,
    pub total_latency: Duration,
}

impl Metrics {
    pub fn observe(&mut self, ok: bool, latency: Duration) {
        if ok {
            self.completed += 1;
        } else {
            self.failed += 1;
        }
        self.total_latency += latency;
    }
}
