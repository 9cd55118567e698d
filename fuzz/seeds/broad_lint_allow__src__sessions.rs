//! Session management.

use std::cell::RefCell;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::state::{fetch_token, Session, SessionStore};

// Positive: the impl-wide allow covers `refresh`, which really holds the guard across the fetch.
#[allow(clippy::await_holding_lock)] //~ broad_lint_allow
impl SessionStore {
    pub async fn refresh(&self, id: u64) {
        let mut sessions = self.sessions.lock().unwrap();
        if let Some(s) = sessions.get_mut(&id) {
            s.token = fetch_token(&self.http, &s.user).await;
        }
    }

    pub fn count(&self) -> usize {
        self.sessions.lock().unwrap().len()
    }
}

impl SessionStore {
    // Positive: method-level allow, but the guard is dropped before the await: it hides nothing.
    #[allow(clippy::await_holding_lock)] //~ broad_lint_allow
    pub async fn evict(&self, id: u64) -> Option<Session> {
        let removed = self.sessions.lock().unwrap().remove(&id);
        if let Some(s) = &removed {
            let _ = fetch_token(&self.http, &s.user).await;
        }
        removed
    }

    // Positive: through `cfg_attr`, on a fn holding the guard across an await.
    #[cfg_attr(not(feature = "strict"), allow(clippy::await_holding_lock))] //~ broad_lint_allow
    pub async fn rotate_all(&self) {
        let sessions = self.sessions.lock().unwrap();
        for s in sessions.values() {
            fetch_token(&self.http, &s.user).await;
        }
    }

    // Positive: two watched lints in one attribute: two findings on the line.
    #[allow(clippy::await_holding_lock, clippy::await_holding_refcell_ref)] //~ broad_lint_allow broad_lint_allow
    pub async fn touch(&self, id: u64) -> bool {
        self.sessions.lock().unwrap().contains_key(&id)
    }

    // Negative: `expect` with a reason on the one statement that needs it.
    pub async fn refresh_one(&self, id: u64) {
        #[expect(clippy::await_holding_lock, reason = "single-threaded admin runtime")]
        let sessions = self.sessions.lock().unwrap();
        if let Some(s) = sessions.get(&id) {
            fetch_token(&self.http, &s.user).await;
        }
    }

    // Negative: unrelated clippy lints, and an `expect` on a fn.
    #[allow(clippy::too_many_arguments, clippy::needless_pass_by_value)]
    #[expect(clippy::await_holding_lock, reason = "audited: see ADR-12")]
    pub async fn export(&self, a: u8, b: u8, c: u8, d: u8, e: u8, f: u8, g: u8, h: u8) -> u32 {
        let sessions = self.sessions.lock().unwrap();
        fetch_token(&self.http, "export").await;
        sessions.len() as u32 + u32::from(a + b + c + d + e + f + g + h)
    }
}

// Positive: an allow on an axum handler that holds nothing across its await.
#[allow(clippy::await_holding_lock)] //~ broad_lint_allow
pub async fn refresh_handler(State(store): State<Arc<SessionStore>>, Path(id): Path<u64>) -> StatusCode {
    store.refresh(id).await;
    StatusCode::OK
}

// Positive: inner attribute of an inline module.
pub mod legacy {
    #![allow(clippy::await_holding_lock)] //~ broad_lint_allow

    use super::*;

    pub async fn warm(store: &SessionStore) {
        let n = store.sessions.lock().unwrap().len();
        tracing::info!("warming {n} sessions");
        tokio::task::yield_now().await;
    }
}

thread_local! {
    static SCRATCH: RefCell<Vec<u8>> = RefCell::new(Vec::new());
}

// Negative: warn/deny levels and a doc string that mentions the lint.
#[warn(clippy::await_holding_refcell_ref)]
#[deny(clippy::await_holding_lock)]
#[doc = "allow(clippy::await_holding_lock) is forbidden here"]
pub async fn strict(store: &SessionStore) -> usize {
    store.count()
}

#[cfg(test)]
mod tests {
    use super::*;

    // Negative: test code (tests hold a lock across awaits on purpose to serialize).
    #[allow(clippy::await_holding_lock)]
    #[tokio::test]
    async fn serialized() {
        tokio::task::yield_now().await;
    }
}
