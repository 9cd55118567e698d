//! Connection registry on parking_lot locks.

use std::time::Instant;

use parking_lot::RwLockUpgradableReadGuard;

use crate::state::{ConnId, Connection, Registry};

impl Registry {
    // Positive: two parking_lot write guards at once.
    pub fn register(&self, conn: Connection) {
        let mut conns = self.conns.write();
        let mut by_peer = self.by_peer.write(); //~ multiple_locks_held
        by_peer.insert(conn.peer.clone(), conn.id);
        conns.insert(conn.id, conn);
    }

    // Positive: read guards of two RwLocks are still two locks held at once.
    pub fn peer_of(&self, id: ConnId) -> Option<String> {
        let conns = self.conns.read();
        let by_peer = self.by_peer.read(); //~ multiple_locks_held
        let peer = &conns.get(&id)?.peer;
        by_peer.contains_key(peer).then(|| peer.clone())
    }

    // Negative: the read is finished (temporary) before the write lock is taken.
    pub fn close(&self, id: ConnId) {
        let peer = self.conns.read().get(&id).map(|c| c.peer.clone());
        if let Some(peer) = peer {
            self.by_peer.write().remove(&peer);
        }
        self.closed.lock().push(id);
    }

    // Positive: the `closed` list is locked inside a loop over the live connections.
    pub fn reap_idle(&self, max_age_secs: u64) {
        let conns = self.conns.read();
        for (id, conn) in conns.iter() {
            if conn.opened.elapsed().as_secs() > max_age_secs {
                self.closed.lock().push(*id); //~ multiple_locks_held
            }
        }
    }

    // Negative: the upgradable read is the only guard; upgrading it is the same lock.
    pub fn ensure(&self, conn: Connection) {
        let conns = self.conns.upgradable_read();
        if conns.contains_key(&conn.id) {
            return;
        }
        let mut conns = RwLockUpgradableReadGuard::upgrade(conns);
        conns.insert(conn.id, conn);
    }

    // Negative: a closure handed to another thread runs on its own; the guard is not alive there.
    pub fn flush_closed_later(&'static self) {
        let closed = self.closed.lock();
        let n = closed.len();
        std::thread::spawn(move || {
            self.conns.write().retain(|id, _| *id as usize > n);
        });
        let _ = Instant::now();
    }
}
