//! Job service: scheduler, per-key execution queue, connection registry, rate limiter and
//! semaphore, feature flags, a resolver cache and an axum API.

pub mod cache;
pub mod exec_queue;
pub mod flags;
pub mod handlers;
pub mod limiter;
pub mod registry;
pub mod scheduler;
pub mod state;
