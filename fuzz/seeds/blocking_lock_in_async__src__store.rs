use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;

use crate::state::{Job, JobId};

#[async_trait]
pub trait JobStore: Send + Sync {
    async fn load(&self, id: JobId) -> Option<Job>;
    async fn save(&self, job: Job);
}

#[derive(Default)]
pub struct MemoryStore {
    rows: Mutex<HashMap<JobId, Job>>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self { rows: Mutex::new(HashMap::new()) }
    }
}

#[async_trait]
impl JobStore for MemoryStore {
    // Positive: `#[async_trait]` methods are async fns; `rows` is a std `Mutex`.
    async fn load(&self, id: JobId) -> Option<Job> {
        self.rows.lock().unwrap().get(&id).cloned() //~ blocking_lock_in_async
    }

    // Positive: same field, written.
    async fn save(&self, job: Job) {
        self.rows.lock().unwrap().insert(job.id, job); //~ blocking_lock_in_async
    }
}

pub struct RemoteStore {
    client: reqwest::Client,
    base: String,
    pending: tokio::sync::Mutex<Vec<Job>>,
}

#[async_trait]
impl JobStore for RemoteStore {
    // Negative: no lock at all.
    async fn load(&self, id: JobId) -> Option<Job> {
        let _ = self.client.get(format!("{}/jobs/{id}", self.base)).send().await.ok()?;
        None
    }

    // Negative: `pending` is a tokio mutex, locked with `.await`.
    async fn save(&self, job: Job) {
        self.pending.lock().await.push(job);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Status;

    fn job(id: JobId) -> Job {
        Job { id, name: format!("job-{id}"), status: Status::Queued, updated: None }
    }

    // Negative: test code (`#[cfg(test)]` modules, `#[test]`/`#[tokio::test]` fns, `tests/`)
    // does not run on a production runtime; the blocking rules leave it alone.
    #[tokio::test]
    async fn save_then_load() {
        let store = MemoryStore::new();
        store.save(job(1)).await;
        assert_eq!(store.rows.lock().unwrap().len(), 1);
    }

    // Negative: a plain `#[test]` fn is sync.
    #[test]
    fn starts_empty() {
        let store = MemoryStore::new();
        assert!(store.rows.lock().unwrap().is_empty());
    }
}
