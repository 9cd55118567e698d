//! Shared application state. Field types decide which locks are blocking:
//! `Mutex`/`RwLock` below are std's; the `Async*` aliases are tokio's.

mod ops;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use tokio::sync::Mutex as AsyncMutex;
use tokio::sync::RwLock as AsyncRwLock;

use crate::audit::AuditLog;
use crate::cache::ShardedCache;
use crate::inner::Inner;
use crate::metrics::Metrics;

pub type JobId = u64;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    Queued,
    Running,
    Done,
    Failed,
}

#[derive(Clone, Debug, Serialize)]
pub struct Job {
    pub id: JobId,
    pub name: String,
    pub status: Status,
    #[serde(skip)]
    pub updated: Option<Instant>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Config {
    pub workers: usize,
    pub max_queue: usize,
    pub maintenance: bool,
}

#[derive(Clone, Debug)]
pub struct Session {
    pub user: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Route {
    pub path: String,
    pub upstream: String,
}

pub struct AppState {
    pub jobs: Mutex<HashMap<JobId, Job>>,
    pub config: RwLock<Config>,
    pub inner: Arc<Inner>,
    pub metrics: parking_lot::Mutex<Metrics>,
    pub sessions: AsyncMutex<HashMap<String, Session>>,
    pub routes: AsyncRwLock<Vec<Route>>,
    pub audit: AuditLog,
    pub cache: ShardedCache,
}
