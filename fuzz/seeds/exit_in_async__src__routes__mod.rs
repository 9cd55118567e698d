pub mod admin;
pub mod jobs;
pub mod probes;

use std::collections::HashMap;
use std::sync::Arc;
use std::{process, thread};

use axum::routing::{delete, get, post};
use axum::Router;
use tokio::sync::Mutex;
use tokio::task::JoinHandle;

use crate::config::Config;

#[derive(Clone)]
pub struct AppState {
    pub cfg: Arc<Config>,
    pub jobs: Arc<JobTable>,
}

#[derive(Default)]
pub struct JobTable {
    handles: Mutex<HashMap<u64, JoinHandle<()>>>,
}

impl JobTable {
    pub async fn drain(&self) {
        let handles: Vec<_> = self.handles.lock().await.drain().map(|(_, h)| h).collect();
        for handle in handles {
            let _ = handle.await;
        }
    }

    pub async fn take_handle(&self, id: u64) -> Option<JoinHandle<()>> {
        self.handles.lock().await.remove(&id)
    }

    pub async fn verify_shard(&self, shard: u32) -> Result<(), String> {
        if shard > 64 {
            return Err(format!("no shard {shard}"));
        }
        Ok(())
    }
}

pub fn router(cfg: Config) -> Router {
    let state = AppState { cfg: Arc::new(cfg), jobs: Arc::new(JobTable::default()) };
    Router::new()
        .route("/admin/restart", post(admin::restart))
        .route("/admin/reload", post(admin::reload))
        .route("/admin/shutdown", post(admin::shutdown))
        .route("/admin/shards/:shard/verify", post(admin::verify_shard))
        .route("/admin/info", get(admin::info))
        .route("/jobs/:id", delete(jobs::cancel))
        .route("/jobs/:id/fail", post(jobs::fail))
        .with_state(state)
}
