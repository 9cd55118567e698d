//! Token-bucket rate limiting on injected time.
//!
//! The scheduler's rate limiter. Time is a plain tick count handed in by the caller (the models
//! read it from an injected [`Clock`](crate::sync_models::scheduler::Clock)), because neither loom nor
//! shuttle models wall-clock time: a check drives the clock explicitly instead.

/// A bucket of at most `capacity` tokens, refilled by one token every `refill_every` ticks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenBucket {
    capacity: u32,
    tokens: u32,
    refill_every: u64,
    /// The tick up to which refills have been credited.
    credited_until: u64,
}

impl TokenBucket {
    /// A full bucket. `refill_every = 0` means the bucket never refills.
    pub fn new(capacity: u32, refill_every: u64, now: u64) -> Self {
        Self {
            capacity,
            tokens: capacity,
            refill_every,
            credited_until: now,
        }
    }

    /// Credits the tokens earned since the last refill. Time going backwards earns nothing.
    pub fn refill(&mut self, now: u64) {
        if self.refill_every == 0 || now <= self.credited_until {
            return;
        }
        let earned = (now - self.credited_until) / self.refill_every;
        if earned == 0 {
            return;
        }
        let earned32 = u32::try_from(earned).unwrap_or(u32::MAX);
        self.tokens = self.tokens.saturating_add(earned32).min(self.capacity);
        if self.tokens == self.capacity {
            // A full bucket does not bank time: the next token is a full period away.
            self.credited_until = now;
        } else {
            self.credited_until += earned * self.refill_every;
        }
    }

    /// Whether a token is available at `now` (after refilling).
    pub fn has_token(&mut self, now: u64) -> bool {
        self.refill(now);
        self.tokens > 0
    }

    /// Takes one token if available at `now`.
    pub fn try_take(&mut self, now: u64) -> bool {
        if self.has_token(now) {
            self.tokens -= 1;
            true
        } else {
            false
        }
    }

    /// Tokens currently in the bucket (as of the last refill).
    pub fn tokens(&self) -> u32 {
        self.tokens
    }

    /// The bucket's capacity.
    pub fn capacity(&self) -> u32 {
        self.capacity
    }
}

#[cfg(test)]
mod tests {
    use super::TokenBucket;

    #[test]
    fn starts_full_and_drains() {
        let mut b = TokenBucket::new(2, 10, 0);
        assert!(b.try_take(0));
        assert!(b.try_take(0));
        assert!(!b.try_take(0));
        assert_eq!(b.tokens(), 0);
    }

    #[test]
    fn refills_one_token_per_period_up_to_capacity() {
        let mut b = TokenBucket::new(2, 10, 0);
        assert!(b.try_take(0) && b.try_take(0));
        assert!(!b.try_take(9));
        assert!(b.try_take(10));
        assert!(!b.try_take(19));
        assert!(b.has_token(25));
        assert_eq!(b.tokens(), 1);
        b.refill(1_000);
        assert_eq!(b.tokens(), 2);
    }

    #[test]
    fn partial_periods_carry_over() {
        let mut b = TokenBucket::new(3, 10, 0);
        assert!(b.try_take(0) && b.try_take(0) && b.try_take(0));
        b.refill(15);
        assert_eq!(b.tokens(), 1);
        b.refill(20);
        assert_eq!(b.tokens(), 2);
    }

    #[test]
    fn full_bucket_does_not_bank_time_and_clock_going_back_is_harmless() {
        let mut b = TokenBucket::new(1, 10, 0);
        b.refill(100);
        assert!(b.try_take(100));
        assert!(!b.try_take(105));
        assert!(!b.try_take(50));
        assert!(b.try_take(110));
    }

    #[test]
    fn zero_period_never_refills() {
        let mut b = TokenBucket::new(1, 0, 0);
        assert!(b.try_take(0));
        assert!(!b.try_take(u64::MAX));
    }
}
