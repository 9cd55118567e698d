//! Upstream poller: fetches feeds with retries, exposes status over HTTP.

pub mod clock;
pub mod handlers;
pub mod poller;
pub mod retry;
pub mod util;
pub mod workers;
