//! Connection registry on parking_lot locks. Part of a three-lock cycle:
//! `Registry.conns` → `Registry.peers` (here) → `Metrics.counts` (metrics.rs) → `Registry.conns`
//! (handlers/admin.rs).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use parking_lot::{Mutex, RwLock};

use crate::metrics::Metrics;

pub struct Conn {
    pub id: u32,
    pub peer: String,
}

pub struct Registry {
    pub conns: RwLock<HashMap<u32, Conn>>,
    pub peers: Mutex<BTreeMap<String, u32>>,
    pub metrics: Arc<Metrics>,
}

impl Registry {
    // Positive: conns → peers, first edge of the three-lock cycle.
    pub fn add(&self, conn: Conn) {
        let mut conns = self.conns.write();
        let mut peers = self.peers.lock(); //~ lock_order_inversion
        peers.insert(conn.peer.clone(), conn.id);
        conns.insert(conn.id, conn);
    }

    // Negative: peers is read into a temporary and released before conns is written.
    pub fn remove_peer(&self, peer: &str) {
        let id = self.peers.lock().remove(peer);
        if let Some(id) = id {
            self.conns.write().remove(&id);
        }
    }
}
