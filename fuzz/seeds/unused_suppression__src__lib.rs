//! Startup and maintenance tasks of a small ingest service, with the suppressions its team
//! wrote over the years — some still needed, some stale.

pub mod maintenance;

use std::sync::Mutex;
use std::time::Duration;

pub struct Ingest {
    pub buffer: Mutex<Vec<Vec<u8>>>,
}

// Negative: a used suppression with a reason (line-above form).
pub async fn load_config(path: &str) -> String {
    // racewise: allow(blocking_fs_in_async) -- runs once at startup, before the listener binds
    std::fs::read_to_string(path).unwrap_or_default()
}

// Negative: a used suppression with a reason (same-line form).
pub async fn backoff() {
    std::thread::sleep(Duration::from_millis(5)); // racewise: allow(blocking_sleep_in_async) -- 5ms spin on a dedicated runtime
}

// Positive: used, but no reason.
pub async fn write_marker(path: &str) {
    // racewise: allow(blocking_fs_in_async) //~ unused_suppression
    std::fs::write(path, b"ok").ok();
}

// Positive: suppresses nothing — the code moved to tokio::fs long ago.
pub async fn read_manifest(path: &str) -> Vec<u8> {
    // racewise: allow(blocking_fs_in_async) -- legacy sync read //~ unused_suppression
    tokio::fs::read(path).await.unwrap_or_default()
}

// Positive: names a rule that does not exist.
pub async fn flush(ingest: &Ingest) {
    // racewise: allow(blocking_lock) -- typo of the rule name //~ unused_suppression
    let n = ingest.buffer.lock().unwrap().len();
    tracing::info!(n, "flushed");
}

// Negative: a used suppression naming two rules, both of which fire on the next line.
pub async fn drain(ingest: &Ingest, out: &tokio::sync::mpsc::Sender<Vec<u8>>) {
    // racewise: allow(blocking_lock_in_async, lock_across_await) -- single-threaded runtime, see ADR-12
    let mut buf = ingest.buffer.lock().unwrap();
    for chunk in buf.drain(..) {
        let _ = out.send(chunk).await;
    }
}

// Positive: a suppression for the wrong rule suppresses nothing (the sleep is still reported,
// under its own rule).
pub async fn throttle() {
    // racewise: allow(exit_in_async) -- wrong rule //~ unused_suppression
    std::thread::sleep(Duration::from_millis(1));
}

// Negative: an ordinary comment that merely mentions racewise.
pub async fn noop() {
    // the racewise: allow(...) syntax is documented in the README
}
