//! Methods on `AppState`. The struct and its field types live in `state/mod.rs`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use tokio::sync::watch;
use tracing::info;

use super::{AppState, Config, Job, JobId, Status};
use crate::audit::{AuditLog, Event};
use crate::cache::ShardedCache;
use crate::inner::Inner;

impl AppState {
    pub fn new() -> Self {
        Self {
            jobs: Mutex::new(HashMap::new()),
            config: RwLock::new(Config::default()),
            inner: Arc::new(Inner::default()),
            metrics: parking_lot::Mutex::new(Default::default()),
            sessions: Default::default(),
            routes: Default::default(),
            audit: AuditLog::default(),
            cache: ShardedCache::new(16),
        }
    }

    // Positive: `self.jobs` is a std `Mutex` declared in state/mod.rs.
    pub async fn complete(&self, id: JobId, ok: bool) {
        if let Some(job) = self.jobs.lock().unwrap().get_mut(&id) { //~ blocking_lock_in_async
            job.status = if ok { Status::Done } else { Status::Failed };
            job.updated = Some(Instant::now());
        }
        let event = Event { actor: "scheduler".into(), action: format!("complete {id}") };
        self.audit.append(event).await;
    }

    // Negative: a sync accessor; callers on the runtime only hold it for a `len()`.
    pub fn job_count(&self) -> usize {
        self.jobs.lock().unwrap().len()
    }

    // Negative: `self.jobs.get_mut()` through `&mut self` takes no lock at all.
    pub async fn reset(&mut self) {
        self.jobs.get_mut().unwrap().clear();
        self.audit.append(Event { actor: "admin".into(), action: "reset".into() }).await;
    }

    // Negative: the nested `fn` item is sync code, and it is run under `block_in_place`.
    pub async fn prune(&self, max_age: Duration) {
        fn prune_locked(jobs: &Mutex<HashMap<JobId, Job>>, max_age: Duration) -> usize {
            let mut jobs = jobs.lock().unwrap();
            let before = jobs.len();
            jobs.retain(|_, job| job.updated.map_or(true, |t| t.elapsed() < max_age));
            before - jobs.len()
        }
        let removed = tokio::task::block_in_place(|| prune_locked(&self.jobs, max_age));
        info!("pruned {removed} jobs");
    }

    // Positive: `self: Arc<Self>`; the parking_lot `RwLock` in inner.rs is read in a `select!` arm.
    pub async fn run_reaper(self: Arc<Self>, mut shutdown: watch::Receiver<bool>) {
        let mut tick = tokio::time::interval(Duration::from_secs(5));
        loop {
            tokio::select! {
                _ = tick.tick() => {
                    let leased = self.inner.leases.read().len(); //~ blocking_lock_in_async
                    info!("{leased} active leases");
                }
                _ = shutdown.changed() => break,
            }
        }
    }
}
