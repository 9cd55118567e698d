//! Crate-local file helpers (not std::fs): infallible wrappers that already log.

pub fn rename(from: &str, to: &str) {
    if let Err(e) = std::fs::rename(from, to) {
        tracing::warn!("rename {from} -> {to} failed: {e}");
    }
}
