//! Job runner: a scheduler with a queue and a running set, per-key execution queues, a
//! connection registry, a token-bucket limiter and an axum admin API.

pub mod accounts;
pub mod handlers;
pub mod keyed;
pub mod limiter;
pub mod registry;
pub mod scheduler;
pub mod state;
