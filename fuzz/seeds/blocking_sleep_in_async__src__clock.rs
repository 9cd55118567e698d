//! Injectable clock so tests can run the poller without real time passing.

use std::time::Duration;

use async_trait::async_trait;

#[async_trait]
pub trait Clock: Send + Sync {
    async fn sleep(&self, d: Duration);
}

pub struct TokioClock;

#[async_trait]
impl Clock for TokioClock {
    // Negative: the real clock delegates to `tokio::time::sleep`.
    async fn sleep(&self, d: Duration) {
        tokio::time::sleep(d).await;
    }
}

pub struct SpinClock;

#[async_trait]
impl Clock for SpinClock {
    // Positive: `#[async_trait]` methods are async fns; this one parks the worker thread.
    async fn sleep(&self, d: Duration) {
        std::thread::sleep(d); //~ blocking_sleep_in_async
    }
}
