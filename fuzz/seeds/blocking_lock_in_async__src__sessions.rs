//! Session table. Lock types come from `crate::sync` (re-exports), so resolving them needs the
//! crate's module tree, not just this file's imports.

use std::collections::HashMap;
use std::sync::Arc;

use crate::sync::{AsyncMutex, Mutex, RwLock};

pub struct Session {
    pub user: String,
    pub expires_at: u64,
}

pub struct Sessions {
    by_id: Mutex<HashMap<String, Session>>,
    revoked: RwLock<Vec<String>>,
    audit: AsyncMutex<Vec<String>>,
}

impl Sessions {
    // Positive: `Mutex` is `crate::sync::Mutex`, a re-export of `parking_lot::Mutex`.
    pub async fn touch(&self, id: &str, now: u64) {
        if let Some(s) = self.by_id.lock().get_mut(id) { //~ blocking_lock_in_async
            s.expires_at = now + 3600;
        }
    }

    // Positive: the re-exported `parking_lot::RwLock`.
    pub async fn is_revoked(&self, id: &str) -> bool {
        self.revoked.read().iter().any(|r| r == id) //~ blocking_lock_in_async
    }

    // Negative: `AsyncMutex` is the re-exported tokio mutex.
    pub async fn record(&self, line: String) {
        self.audit.lock().await.push(line);
    }
}

pub mod cleanup {
    // `super::*` brings in the parent's imports (`Arc`, the `crate::sync` re-exports) and items.
    use super::*;

    // Positive: typed through the glob import of the parent module.
    pub async fn purge(table: Arc<Mutex<HashMap<String, Session>>>, now: u64) {
        table.lock().retain(|_, s| s.expires_at > now); //~ blocking_lock_in_async
    }

    // Negative: the same glob brings in the async mutex.
    pub async fn purge_audit(log: Arc<AsyncMutex<Vec<String>>>) {
        log.lock().await.clear();
    }
}
