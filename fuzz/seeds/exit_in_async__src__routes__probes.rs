//! Liveness probes. Imports come through the parent module (`routes/mod.rs`), which resolving
//! needs the crate's module tree for.

use super::process;
use super::thread as os_thread;
use crate::lifecycle;

// Positive: `super::process` is `routes/mod.rs`'s `use std::{process, ..}`.
pub async fn liveness_failed(reason: &str) {
    tracing::error!(%reason, "liveness probe failed; exiting for the orchestrator to restart us");
    process::exit(70); //~ exit_in_async
}

// Positive: the parent's `std::thread`, renamed, then `process::abort` too.
pub async fn watchdog_tripped() {
    os_thread::yield_now();
    self::process::abort(); //~ exit_in_async
}

// Negative: `lifecycle` is a crate module; its `shutdown` is a graceful stop, not an exit.
pub async fn drain() {
    lifecycle::request_shutdown().await;
}
