//! Process-wide registries kept in statics.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex, OnceLock, RwLock};

use once_cell::sync::Lazy;

#[derive(Debug, Clone)]
pub struct WorkerInfo {
    pub name: String,
    pub capacity: usize,
}

#[derive(Debug, Clone)]
pub struct Peer {
    pub addr: String,
}

#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub region: String,
    pub drain_timeout_secs: u64,
}

impl Settings {
    pub fn from_env() -> Self {
        Settings { region: std::env::var("REGION").unwrap_or_default(), drain_timeout_secs: 30 }
    }
}

pub static REGISTRY: Lazy<Mutex<HashMap<String, WorkerInfo>>> = Lazy::new(|| Mutex::new(HashMap::new()));
pub static PEERS: LazyLock<RwLock<Vec<Peer>>> = LazyLock::new(|| RwLock::new(Vec::new()));
pub static SETTINGS: OnceLock<RwLock<Settings>> = OnceLock::new();
pub static CONNECTIONS: Lazy<tokio::sync::Mutex<Vec<Peer>>> = Lazy::new(Default::default);

// Negative: runs once from `main` before serving; a sync fn.
pub fn init_settings(settings: Settings) {
    let _ = SETTINGS.set(RwLock::new(settings));
    PEERS.write().unwrap().clear();
}

// Positive: a `LazyLock<RwLock<..>>` static read from an async fn.
pub async fn peers_snapshot() -> Vec<Peer> {
    PEERS.read().unwrap().clone() //~ blocking_lock_in_async
}

// Positive: a `OnceLock<RwLock<..>>` static, reached through `get().expect(..)`.
pub async fn current_region() -> String {
    SETTINGS.get().expect("settings initialised in main").read().unwrap().region.clone() //~ blocking_lock_in_async
}

// Negative: the `Lazy` static wraps a tokio mutex.
pub async fn open_connections() -> usize {
    CONNECTIONS.lock().await.len()
}
