//! Shared state. `Mutex`/`RwLock` are std's here; parking_lot and tokio types are spelled out.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicUsize};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

pub type JobId = u64;

#[derive(Debug, Clone)]
pub struct Job {
    pub id: JobId,
    pub key: String,
    pub priority: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Idle,
    Running,
    Draining,
}

#[derive(Debug, thiserror::Error)]
pub enum SchedError {
    #[error("busy")]
    Busy,
    #[error("duplicate job {0}")]
    Duplicate(JobId),
    #[error("not found")]
    NotFound,
}

pub struct Scheduler {
    pub queue: Mutex<VecDeque<Job>>,
    pub running: Mutex<HashMap<JobId, Job>>,
    pub done: Mutex<HashSet<JobId>>,
    pub free_slots: Mutex<Vec<usize>>,
    pub phase: Mutex<Phase>,
    pub history: RwLock<Vec<JobId>>,
    pub local: RefCell<BTreeSet<JobId>>,
    pub started: AtomicBool,
    pub inflight: AtomicUsize,
    pub max_concurrent: usize,
    pub max_queue: usize,
    pub shards: Vec<Mutex<Vec<Job>>>,
}

pub struct AppState {
    pub scheduler: Arc<Scheduler>,
    pub sessions: tokio::sync::Mutex<HashMap<String, Instant>>,
    pub seen: tokio::sync::RwLock<HashSet<String>>,
}
