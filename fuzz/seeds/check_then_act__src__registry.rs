//! Connection registry.

use std::collections::HashMap;
use std::sync::{Mutex, RwLock};

use parking_lot::RwLockUpgradableReadGuard;

pub struct Conn {
    pub id: u32,
    pub peer: String,
}

#[derive(Debug)]
pub enum RegistryError {
    Duplicate(u32),
}

pub static GLOBAL: Mutex<Option<HashMap<String, u32>>> = Mutex::new(None);

pub struct Registry {
    conns: RwLock<HashMap<u32, Conn>>,
    peers: parking_lot::RwLock<HashMap<String, u32>>,
}

impl Registry {
    // Positive: a read lock for the duplicate check, a write lock for the insert.
    pub fn add(&self, conn: Conn) -> Result<(), RegistryError> {
        if self.conns.read().unwrap().contains_key(&conn.id) {
            return Err(RegistryError::Duplicate(conn.id));
        }
        self.conns.write().unwrap().insert(conn.id, conn); //~ check_then_act
        Ok(())
    }

    // Negative: an upgradable read keeps the lock between the check and the insert.
    pub fn add_peer(&self, peer: String, id: u32) -> bool {
        let peers = self.peers.upgradable_read();
        if peers.contains_key(&peer) {
            return false;
        }
        let mut peers = RwLockUpgradableReadGuard::upgrade(peers);
        peers.insert(peer, id);
        true
    }

    // Positive: gated form: the insert sits in the branch the check decided.
    pub fn alias(&self, peer: String, id: u32) {
        if !self.peers.read().contains_key(&peer) {
            self.peers.write().insert(peer, id); //~ check_then_act
        }
    }

    // Negative: the check decides nothing (no early return, no branch around the write).
    pub fn touch(&self, peer: String, id: u32) {
        if self.peers.read().is_empty() {
            tracing::info!("first peer");
        }
        self.peers.write().insert(peer, id);
    }
}

// Positive: a global registry in a static, initialised lazily: two callers both initialise.
pub fn global_insert(name: &str, id: u32) {
    if GLOBAL.lock().unwrap().is_none() {
        *GLOBAL.lock().unwrap() = Some(HashMap::new()); //~ check_then_act
    }
    if let Some(map) = GLOBAL.lock().unwrap().as_mut() {
        map.insert(name.to_string(), id);
    }
}
