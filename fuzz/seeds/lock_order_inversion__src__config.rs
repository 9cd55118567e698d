//! Global configuration and caches in statics.

use std::collections::BTreeMap;
use std::sync::{LazyLock, Mutex, RwLock};

#[derive(Debug, Clone, Default)]
pub struct Config {
    pub ttl_secs: u64,
    pub upstream: String,
}

pub static CONFIG: LazyLock<RwLock<Config>> = LazyLock::new(|| RwLock::new(Config::default()));
pub static CACHE: Mutex<BTreeMap<String, String>> = Mutex::new(BTreeMap::new());
pub static ROUTES: Mutex<Vec<String>> = Mutex::new(Vec::new());

// Positive: CONFIG → CACHE; handlers/api.rs takes CACHE → CONFIG.
pub fn reload(new: Config) {
    let mut cfg = CONFIG.write().unwrap();
    CACHE.lock().unwrap().clear(); //~ lock_order_inversion
    *cfg = new;
}

// Negative: CONFIG → ROUTES; nothing takes ROUTES before CONFIG.
pub fn reroute(routes: Vec<String>) {
    let cfg = CONFIG.read().unwrap();
    let mut r = ROUTES.lock().unwrap();
    r.clear();
    r.extend(routes.into_iter().map(|x| format!("{}{x}", cfg.upstream)));
}

// Negative: the TTL is copied out; the CONFIG temporary is gone when CACHE is locked.
pub fn expire_all() {
    let ttl = CONFIG.read().unwrap().ttl_secs;
    if ttl == 0 {
        CACHE.lock().unwrap().clear();
    }
}
