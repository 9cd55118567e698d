//! Shared state. `Mutex`/`RwLock` are std's here; parking_lot and tokio types are spelled out.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

pub type JobId = u64;

#[derive(Debug, Clone)]
pub struct Job {
    pub id: JobId,
    pub priority: u8,
    pub deadline: Option<Instant>,
}

#[derive(Debug, Default)]
pub struct Stats {
    pub started: u64,
    pub reaped: u64,
}

pub struct Scheduler {
    pub queue: Mutex<VecDeque<Job>>,
    pub running: Mutex<HashMap<JobId, Instant>>,
    pub stats: Mutex<Stats>,
    pub history: RwLock<Vec<JobId>>,
    pub trace: RefCell<Vec<JobId>>,
    pub undo: RefCell<Vec<JobId>>,
    pub max_concurrent: usize,
}

/// A second scheduler flavour with the same field names: its locks are different locks.
pub struct Worker {
    pub queue: Mutex<VecDeque<Job>>,
    pub running: Mutex<HashSet<JobId>>,
}

pub struct AppState {
    pub scheduler: Arc<Scheduler>,
    pub registry: Arc<crate::registry::Registry>,
    pub sessions: tokio::sync::Mutex<HashMap<String, Instant>>,
    pub audit: tokio::sync::Mutex<Vec<String>>,
    pub tenants: tokio::sync::RwLock<BTreeMap<String, u32>>,
}
