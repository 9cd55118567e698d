//! Feed poller. In this file `sleep` is tokio's.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::{interval, sleep, sleep_until, Instant, MissedTickBehavior};

use crate::clock::Clock;

pub struct Poller {
    pub client: reqwest::Client,
    pub feeds: Vec<String>,
    pub clock: Arc<dyn Clock>,
    pub period: Duration,
}

impl Poller {
    // Negative: `sleep` resolves to `tokio::time::sleep` through this file's `use`.
    pub async fn poll_once_then_rest(&self) {
        for feed in &self.feeds {
            let _ = self.client.get(feed).send().await;
        }
        sleep(self.period).await;
    }

    // Negative: `sleep_until` and `interval` ticks are tokio timers.
    pub async fn run_aligned(&self, start_at: Instant) {
        sleep_until(start_at).await;
        let mut tick = interval(self.period);
        tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            for feed in &self.feeds {
                let _ = self.client.get(feed).send().await;
            }
        }
    }

    // Negative: `self.clock.sleep` is a trait method on an injected clock, not `std::thread::sleep`.
    pub async fn run_with_clock(&self) {
        loop {
            for feed in &self.feeds {
                let _ = self.client.get(feed).send().await;
            }
            self.clock.sleep(self.period).await;
        }
    }

    // Positive: fully qualified `::std::thread::sleep` in an async method, despite tokio's `sleep` being imported.
    pub async fn run_throttled(&self) {
        for feed in &self.feeds {
            let _ = self.client.get(feed).send().await;
            ::std::thread::sleep(Duration::from_millis(250)); //~ blocking_sleep_in_async
        }
    }

    // Negative: `tokio::time::sleep` used as a `select!` branch future.
    pub async fn run_until_shutdown(&self, mut shutdown: watch::Receiver<bool>) {
        loop {
            tokio::select! {
                _ = sleep(self.period) => {
                    for feed in &self.feeds {
                        let _ = self.client.get(feed).send().await;
                    }
                }
                _ = shutdown.changed() => break,
            }
        }
    }

    // Negative: `std::thread::yield_now` is not a sleep.
    pub async fn spin_until_ready(&self, ready: &std::sync::atomic::AtomicBool) {
        while !ready.load(std::sync::atomic::Ordering::Acquire) {
            std::thread::yield_now();
            tokio::task::yield_now().await;
        }
    }
}
