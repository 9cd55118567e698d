//! Single-instance guard with an advisory file lock.

use std::io::Write;

use fd_lock::RwLock;

pub struct PidFile {
    _lock: RwLock<std::fs::File>,
}

// Negative: `RwLock` here is `fd_lock::RwLock` (an advisory file lock), neither std nor parking_lot.
pub async fn acquire(path: &str) -> std::io::Result<PidFile> {
    let file = tokio::fs::OpenOptions::new().create(true).write(true).open(path).await?.into_std().await;
    let mut lock = RwLock::new(file);
    {
        let mut guard = lock.write()?;
        guard.set_len(0)?;
        guard.write_all(std::process::id().to_string().as_bytes())?;
    }
    Ok(PidFile { _lock: lock })
}
