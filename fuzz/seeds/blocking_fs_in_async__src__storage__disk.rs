//! Blob store on the local disk, written with std::fs (the bug this rule finds).

use std::fs::{self, File as StdFile, OpenOptions};
use std::io::{self, Read, Write};
use std::path::PathBuf;

use async_trait::async_trait;

use super::BlobStore;

pub struct DiskStore {
    root: PathBuf,
}

impl DiskStore {
    pub fn new(root: PathBuf) -> Self {
        Self { root }
    }

    fn path(&self, key: &str) -> PathBuf {
        self.root.join(key)
    }

    // Negative: a sync constructor helper; runs at startup, not on the runtime.
    pub fn open_existing(root: PathBuf) -> io::Result<Self> {
        fs::create_dir_all(&root)?;
        Ok(Self { root })
    }
}

#[async_trait]
impl BlobStore for DiskStore {
    // Positive: `StdFile` is `std::fs::File` through an alias in a `use` group; `create` blocks.
    async fn put(&self, key: &str, data: &[u8]) -> io::Result<()> {
        let mut file = StdFile::create(self.path(key))?; //~ blocking_fs_in_async
        file.write_all(data)?;
        file.sync_all()
    }

    // Positive: `StdFile::open` blocks; the reads after it are methods on the file and are not flagged.
    async fn get(&self, key: &str) -> io::Result<Vec<u8>> {
        let mut file = StdFile::open(self.path(key))?; //~ blocking_fs_in_async
        let mut buf = Vec::new();
        file.read_to_end(&mut buf)?;
        Ok(buf)
    }

    // Positive: an `OpenOptions` chain is flagged at its `.open(` call.
    async fn append(&self, key: &str, data: &[u8]) -> io::Result<()> {
        let mut log = OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.path(key))?; //~ blocking_fs_in_async
        log.write_all(data)
    }

    // Positive: `fs::remove_file` from `use std::fs::{self, ..}`.
    async fn delete(&self, key: &str) -> io::Result<()> {
        fs::remove_file(self.path(key)) //~ blocking_fs_in_async
    }

    // Positive: `fs::create_dir_all` then `fs::rename`: two blocking calls on two lines.
    async fn rename(&self, from: &str, to: &str) -> io::Result<()> {
        if let Some(parent) = self.path(to).parent() {
            fs::create_dir_all(parent)?; //~ blocking_fs_in_async
        }
        fs::rename(self.path(from), self.path(to)) //~ blocking_fs_in_async
    }
}
