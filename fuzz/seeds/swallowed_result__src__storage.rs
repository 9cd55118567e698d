//! Blob storage on local disk with atomic replace.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use tokio::io::AsyncWriteExt;

pub struct BlobStore {
    root: PathBuf,
}

impl BlobStore {
    // Positive: a leftover temp file is never reported.
    pub fn cleanup(&self, tmp: &Path) {
        let _ = fs::remove_file(tmp); //~ swallowed_result
    }

    // Positive: the atomic rename fails silently: readers keep seeing the old blob.
    pub async fn commit(&self, tmp: &Path, name: &str) {
        let _ = tokio::fs::rename(tmp, self.root.join(name)).await; //~ swallowed_result
    }

    // Positive: a failed write is discarded with `.ok();`, and so is the flush.
    pub async fn put(&self, name: &str, data: &[u8]) -> std::io::Result<()> {
        let mut file = tokio::fs::File::create(self.root.join(name)).await?;
        file.write_all(data).await.ok(); //~ swallowed_result
        let _ = file.flush().await; //~ swallowed_result
        Ok(())
    }

    // Positive: a synchronous write of the index, error dropped.
    pub fn write_index(&self, body: &str) {
        let _ = std::fs::write(self.root.join("index.json"), body); //~ swallowed_result
    }

    // Positive: reading a manifest, lines that fail to read are skipped silently.
    pub fn manifest(&self) -> std::io::Result<Vec<String>> {
        use std::io::BufRead;
        let f = std::io::BufReader::new(fs::File::open(self.root.join("MANIFEST"))?);
        Ok(f.lines().flat_map(|line| line.ok()).collect()) //~ swallowed_result
    }

    // Negative: the crate-local `fs::rename` is not std's (and it logs itself).
    pub fn rotate(&self, from: &str, to: &str) {
        let _ = crate::fs::rename(from, to);
    }

    // Negative: `write!` into a String cannot fail; not a known fallible call.
    pub fn describe(&self) -> String {
        use std::fmt::Write as _;
        let mut s = String::new();
        let _ = write!(s, "blobs at {}", self.root.display());
        s
    }

    // Negative: the write error is handled.
    pub fn append_log(&self, line: &str) {
        match fs::OpenOptions::new().append(true).open(self.root.join("log")) {
            Ok(mut f) => {
                if let Err(e) = f.write_all(line.as_bytes()) {
                    tracing::error!("append failed: {e}");
                }
            }
            Err(e) => tracing::error!("open failed: {e}"),
        }
    }
}
