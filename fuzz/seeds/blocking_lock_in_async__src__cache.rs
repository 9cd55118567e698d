//! A sharded result cache: `Vec<Mutex<Shard>>` plus a parking_lot index.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Mutex;

use bytes::Bytes;
use parking_lot::RwLock;

#[derive(Default)]
pub struct Shard {
    entries: HashMap<String, Bytes>,
}

impl Shard {
    pub fn get(&self, key: &str) -> Option<&Bytes> {
        self.entries.get(key)
    }

    pub fn insert(&mut self, key: String, value: Bytes) {
        self.entries.insert(key, value);
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

pub struct ShardedCache {
    shards: Vec<Mutex<Shard>>,
    index: RwLock<HashMap<String, usize>>,
}

impl ShardedCache {
    pub fn new(n: usize) -> Self {
        Self { shards: (0..n).map(|_| Mutex::new(Shard::default())).collect(), index: RwLock::new(HashMap::new()) }
    }

    fn shard_for(&self, key: &str) -> usize {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        key.hash(&mut h);
        (h.finish() as usize) % self.shards.len()
    }

    // Positive: an element of a `Vec<Mutex<..>>` field, indexed then locked.
    pub async fn get(&self, key: &str) -> Option<Bytes> {
        let idx = self.shard_for(key);
        self.shards[idx].lock().unwrap().get(key).cloned() //~ blocking_lock_in_async
    }

    // Positive: parking_lot `RwLock::write` on the index (no `unwrap`: parking_lot does not poison).
    pub async fn insert(&self, key: String, value: Bytes) {
        let idx = self.shard_for(&key);
        self.index.write().insert(key.clone(), idx); //~ blocking_lock_in_async
        tokio::task::yield_now().await;
        self.shards[idx].lock().unwrap().insert(key, value); //~ blocking_lock_in_async
    }

    // Negative: a sync fn; the closure over the shards is sync too.
    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| s.lock().unwrap().len()).sum()
    }

    // Negative: `&mut self` lets `get_mut` reach the data without locking.
    pub async fn clear(&mut self) {
        for shard in &mut self.shards {
            shard.get_mut().unwrap().clear();
        }
        self.index.get_mut().clear();
        tokio::task::yield_now().await;
    }

    // Negative: `try_lock` never blocks.
    pub async fn try_len(&self, idx: usize) -> Option<usize> {
        match self.shards[idx].try_lock() {
            Ok(shard) => Some(shard.len()),
            Err(_) => None,
        }
    }
}
