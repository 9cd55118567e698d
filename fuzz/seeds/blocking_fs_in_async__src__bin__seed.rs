//! `seed`: creates the data directory layout and an empty index.

use std::fs;
use std::path::{Path, PathBuf};

// Negative: a sync helper that runs before the runtime is built.
fn default_root() -> PathBuf {
    let root = PathBuf::from(std::env::var("BLOB_ROOT").unwrap_or_else(|_| "/var/lib/blobs".into()));
    if !root.is_dir() {
        fs::create_dir_all(&root).expect("create blob root");
    }
    root
}

// Positive: `std::fs` calls in `#[tokio::main] async fn main` still block the runtime.
#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let root = default_root();
    fs::create_dir_all(root.join("manifests"))?; //~ blocking_fs_in_async
    write_index(&root).await?;
    Ok(())
}

// Negative: `tokio::fs::File::create` fully qualified, then async writes.
async fn write_index(root: &Path) -> anyhow::Result<()> {
    use tokio::io::AsyncWriteExt;
    let mut index = tokio::fs::File::create(root.join("INDEX")).await?;
    index.write_all(b"[]").await?;
    Ok(())
}
