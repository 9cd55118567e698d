//! Blob/manifest storage service.

pub mod config;
pub mod fs;
pub mod handlers;
pub mod service;
pub mod snapshot;
pub mod storage;

use std::path::Path;

// Negative: at the crate root, `fs` is the crate's own `mod fs` declared above (tokio-based helpers).
pub async fn init(root: &Path) -> std::io::Result<()> {
    fs::ensure_dir(root).await?;
    fs::ensure_dir(&root.join("manifests")).await
}
