//! The scheduler core shared with the workers. Declared here, used through `state.inner.*`.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::AtomicBool;
use std::sync::Mutex as StdMutex;
use std::time::Instant;

use parking_lot::RwLock;

use crate::state::JobId;

pub type WorkerId = u32;

#[derive(Debug)]
pub struct QueuedJob {
    pub id: JobId,
    pub name: String,
}

#[derive(Debug, Clone)]
pub struct Lease {
    pub job: JobId,
    pub expires: Instant,
}

#[derive(Default)]
pub struct Inner {
    pub queue: StdMutex<VecDeque<QueuedJob>>,
    pub leases: RwLock<HashMap<WorkerId, Lease>>,
    pub paused: AtomicBool,
}
