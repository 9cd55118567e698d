//! Background workers.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::task::JoinHandle;

use crate::db::{AsyncDb, Row, SharedDb};
use crate::metrics::Metrics;

// Positive: `SharedDb` is a type alias for `Arc<Mutex<Db>>`, declared in db.rs.
pub async fn persist(db: SharedDb, row: Row) {
    db.lock().unwrap().insert(row); //~ blocking_lock_in_async
}

// Negative: `AsyncDb` wraps a tokio mutex.
pub async fn persist_async(db: AsyncDb, row: Row) {
    db.lock().await.insert(row);
}

// Positive: a local typed by its constructor, `Arc::new(Mutex::new(..))` with std's `Mutex`.
pub async fn crawl(client: reqwest::Client, seeds: Vec<String>) -> usize {
    let seen = Arc::new(Mutex::new(HashSet::new()));
    let mut fetched = 0;
    for url in seeds {
        if !seen.lock().unwrap().insert(url.clone()) { //~ blocking_lock_in_async
            continue;
        }
        if client.get(&url).send().await.is_ok() {
            fetched += 1;
        }
    }
    fetched
}

// Positive: an `async move` block spawned from a sync fn; `beats` is typed by its constructor.
pub fn start_heartbeat() -> JoinHandle<()> {
    let beats = Arc::new(Mutex::new(0u64));
    tokio::spawn(async move {
        loop {
            *beats.lock().unwrap() += 1; //~ blocking_lock_in_async
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    })
}

// Positive: a typed parameter `&Arc<parking_lot::Mutex<..>>`.
pub async fn record(metrics: &Arc<parking_lot::Mutex<Metrics>>, ok: bool, took: Duration) {
    metrics.lock().observe(ok, took); //~ blocking_lock_in_async
}

// Negative: a dedicated OS thread from `std::thread::spawn` may block.
pub async fn start_flusher(db: SharedDb) {
    std::thread::spawn(move || loop {
        db.lock().unwrap().flush();
        std::thread::sleep(Duration::from_secs(10));
    });
}

// Negative: the closure passed to `spawn_blocking` runs on the blocking pool.
pub async fn count_rows(db: SharedDb) -> usize {
    tokio::task::spawn_blocking(move || db.lock().unwrap().len()).await.unwrap_or(0)
}

pub trait Lockable {
    type Guard;
    fn lock(&self) -> Self::Guard;
}

// Negative: `L` is a generic type; racewise cannot tell what its `lock()` does.
pub async fn with_resource<L: Lockable>(resource: &L) {
    let _guard = resource.lock();
    tokio::task::yield_now().await;
}

// Negative: inside this module `Mutex` is tokio's, so the local is an async mutex.
pub mod pipeline {
    use std::sync::Arc;
    use tokio::sync::Mutex;

    pub async fn collect(batches: Vec<Vec<u32>>) -> usize {
        let out = Arc::new(Mutex::new(Vec::new()));
        for batch in batches {
            out.lock().await.extend(batch);
        }
        let n = out.lock().await.len();
        n
    }
}
