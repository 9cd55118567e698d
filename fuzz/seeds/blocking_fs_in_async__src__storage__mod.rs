pub mod blob;
pub mod disk;

use std::io;
use std::path::PathBuf;
use std::sync::Arc;

use async_trait::async_trait;
use tokio::sync::RwLock;

#[derive(Clone)]
pub struct AppState {
    pub root: PathBuf,
    pub index: Arc<Index>,
    pub store: Arc<dyn BlobStore>,
}

#[derive(Default)]
pub struct Index {
    names: RwLock<Vec<String>>,
}

impl Index {
    pub async fn names(&self) -> Vec<String> {
        self.names.read().await.clone()
    }
}

#[async_trait]
pub trait BlobStore: Send + Sync {
    async fn put(&self, key: &str, data: &[u8]) -> io::Result<()>;
    async fn get(&self, key: &str) -> io::Result<Vec<u8>>;
    async fn append(&self, key: &str, data: &[u8]) -> io::Result<()>;
    async fn delete(&self, key: &str) -> io::Result<()>;
    async fn rename(&self, from: &str, to: &str) -> io::Result<()>;
}
