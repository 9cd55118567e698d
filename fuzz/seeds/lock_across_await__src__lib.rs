//! Notification gateway: sessions, a job scheduler, a resolver cache and fan-out to subscribers.

pub mod fanout;
pub mod handlers;
pub mod inner;
pub mod local;
pub mod plugins;
pub mod resolver;
pub mod scheduler;
pub mod state;
