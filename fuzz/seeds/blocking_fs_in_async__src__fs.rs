//! The crate's own async filesystem helpers: thin wrappers over `tokio::fs`.

use std::io::{self, Read};
use std::path::Path;

// Negative: only `tokio::fs` calls; nothing from `std::fs`.
pub async fn write_atomic(path: &Path, data: &[u8]) -> io::Result<()> {
    let tmp = path.with_extension("tmp");
    tokio::fs::write(&tmp, data).await?;
    tokio::fs::rename(&tmp, path).await
}

// Negative: `write_atomic` is this module's own fn.
pub async fn write(path: impl AsRef<Path>, data: &[u8]) -> io::Result<()> {
    write_atomic(path.as_ref(), data).await
}

pub async fn ensure_dir(path: &Path) -> io::Result<()> {
    tokio::fs::create_dir_all(path).await
}

// Positive: even in a module named `fs`, `std::fs::File::open` is std's blocking open.
pub async fn checksum(path: &Path) -> io::Result<u32> {
    let mut file = std::fs::File::open(path)?; //~ blocking_fs_in_async
    let mut buf = Vec::new();
    file.read_to_end(&mut buf)?;
    Ok(buf.iter().fold(0u32, |acc, b| acc.rotate_left(5) ^ u32::from(*b)))
}
