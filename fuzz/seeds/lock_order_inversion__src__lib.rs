//! Job platform: scheduler + reaper, a connection registry with metrics, global config/caches,
//! a worker pool and an axum API. The lock-order cycles span several files on purpose.

pub mod config;
pub mod handlers;
pub mod metrics;
pub mod pool;
pub mod reaper;
pub mod registry;
pub mod scheduler;
pub mod router;
pub mod state;
