//! Periodic snapshots and compaction of the data directory.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio::sync::watch;
use tokio::task;

// Negative: the closure handed to `spawn_blocking` runs on the blocking pool.
pub async fn compact(dir: PathBuf) -> io::Result<u64> {
    task::spawn_blocking(move || {
        let mut freed = 0;
        for entry in fs::read_dir(&dir)? {
            let entry = entry?;
            if entry.file_name().to_string_lossy().ends_with(".tmp") {
                freed += entry.metadata()?.len();
                fs::remove_file(entry.path())?;
            }
        }
        Ok(freed)
    })
    .await?
}

// Positive: only the `spawn_blocking` closure is exempt; the `fs::copy` after it runs on the runtime.
pub async fn snapshot(dir: PathBuf, dest: PathBuf) -> io::Result<u64> {
    let manifest_path = dir.join("MANIFEST");
    let manifest = task::spawn_blocking(move || fs::read(manifest_path)).await??;
    tracing::debug!("manifest has {} bytes", manifest.len());
    fs::copy(dir.join("data.db"), &dest) //~ blocking_fs_in_async
}

// Negative: `crate::fs::write_atomic` is the crate's own tokio-based helper, not `std::fs`.
pub async fn save_checkpoint(dir: &Path, seq: u64) -> io::Result<()> {
    crate::fs::write_atomic(&dir.join("CHECKPOINT"), seq.to_string().as_bytes()).await
}

// Negative: `block_in_place` tells the runtime this worker thread is about to block.
pub async fn fsync_dir(dir: PathBuf) -> io::Result<()> {
    task::block_in_place(|| fs::File::open(&dir)?.sync_all())
}

// Negative: the janitor runs on its own named OS thread.
pub async fn start_janitor(dir: PathBuf, every: Duration) -> std::thread::JoinHandle<()> {
    std::thread::Builder::new()
        .name("janitor".into())
        .spawn(move || loop {
            let _ = fs::remove_dir_all(dir.join("trash"));
            std::thread::sleep(every);
        })
        .expect("spawn janitor thread")
}

// Negative: a nested non-async `fn` item is sync code even though it sits inside an async fn.
pub async fn restore(dir: PathBuf) -> io::Result<Vec<u8>> {
    fn read_latest(dir: &Path) -> io::Result<Vec<u8>> {
        let name = fs::read_to_string(dir.join("LATEST"))?;
        fs::read(dir.join(name.trim()))
    }
    task::spawn_blocking(move || read_latest(&dir)).await?
}

// Positive: `fs::copy` inside a `tokio::select!` arm body.
pub async fn backup_until_shutdown(src: PathBuf, dst: PathBuf, mut shutdown: watch::Receiver<bool>) -> io::Result<()> {
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    loop {
        tokio::select! {
            _ = tick.tick() => {
                fs::copy(&src, &dst)?; //~ blocking_fs_in_async
            }
            _ = shutdown.changed() => return Ok(()),
        }
    }
}

// Positive: the `async move` block passed to `tokio::spawn` is async context.
pub fn spawn_rotation(dir: PathBuf) -> tokio::task::JoinHandle<io::Result<()>> {
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(3600)).await;
        fs::create_dir_all(dir.join("archive"))?; //~ blocking_fs_in_async
        Ok(())
    })
}

// Negative: `tokio::fs::metadata` and `tokio::fs::read_dir` are async.
pub async fn disk_usage(dir: &Path) -> io::Result<u64> {
    let mut total = tokio::fs::metadata(dir).await?.len();
    let mut entries = tokio::fs::read_dir(dir).await?;
    while let Some(entry) = entries.next_entry().await? {
        total += entry.metadata().await?.len();
    }
    Ok(total)
}

pub mod legacy {
    use std::fs::*;

    // Positive: `read_dir` comes from the glob import `use std::fs::*`.
    pub async fn count_segments(dir: &std::path::Path) -> std::io::Result<usize> {
        Ok(read_dir(dir)?.count()) //~ blocking_fs_in_async
    }
}
