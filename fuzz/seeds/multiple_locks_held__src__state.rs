//! Shared state. `Mutex`/`RwLock` are std's here; parking_lot and tokio types are spelled out.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

pub type JobId = u64;
pub type ConnId = u32;

#[derive(Debug, Clone)]
pub struct Job {
    pub id: JobId,
    pub key: String,
    pub priority: u8,
    pub payload: Vec<u8>,
}

#[derive(Debug, Default)]
pub struct Stats {
    pub started: u64,
    pub finished: u64,
    pub rejected: u64,
}

pub struct Scheduler {
    pub queue: Mutex<VecDeque<Job>>,
    pub running: Mutex<HashSet<JobId>>,
    pub stats: parking_lot::Mutex<Stats>,
    pub config: RwLock<SchedulerConfig>,
    pub max_concurrent: usize,
    pub trace: RefCell<Vec<JobId>>,
}

#[derive(Debug, Clone, Default)]
pub struct SchedulerConfig {
    pub max_queue: usize,
    pub paused: bool,
}

pub struct Connection {
    pub id: ConnId,
    pub peer: String,
    pub opened: Instant,
}

pub struct Registry {
    pub conns: parking_lot::RwLock<HashMap<ConnId, Connection>>,
    pub by_peer: parking_lot::RwLock<BTreeMap<String, ConnId>>,
    pub closed: parking_lot::Mutex<Vec<ConnId>>,
}

pub struct AppState {
    pub scheduler: Arc<Scheduler>,
    pub registry: Arc<Registry>,
    pub sessions: tokio::sync::Mutex<HashMap<String, Instant>>,
    pub audit: tokio::sync::Mutex<Vec<String>>,
}
