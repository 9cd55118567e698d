//! Small helpers. `sleep` here is the crate's own jittered async sleep.

use std::time::Duration;

use rand::Rng;

/// Sleeps for `base` plus up to 20% jitter, without blocking the runtime.
pub async fn sleep(base: Duration) {
    let jitter = rand::thread_rng().gen_range(0..=base.as_millis() as u64 / 5);
    tokio::time::sleep(base + Duration::from_millis(jitter)).await;
}

/// Exponential backoff schedule: 100ms, 200ms, 400ms, ...
pub fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(100u64.saturating_mul(1 << attempt.min(10)))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Negative: a plain `#[test]` fn is sync; sleeping there is fine.
    #[test]
    fn backoff_grows() {
        let a = backoff(1);
        std::thread::sleep(Duration::from_millis(1));
        assert!(backoff(2) > a);
    }
}
