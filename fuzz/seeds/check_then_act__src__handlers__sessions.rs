use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::state::AppState;

// Positive: tokio mutex: `contains_key` under one `.lock().await`, `insert` under another.
pub async fn login(State(app): State<Arc<AppState>>, Path(user): Path<String>) -> StatusCode {
    if app.sessions.lock().await.contains_key(&user) {
        return StatusCode::CONFLICT;
    }
    app.sessions.lock().await.insert(user, Instant::now()); //~ check_then_act
    StatusCode::CREATED
}

// Negative: one async guard for both.
pub async fn login_fixed(State(app): State<Arc<AppState>>, Path(user): Path<String>) -> StatusCode {
    let mut sessions = app.sessions.lock().await;
    if sessions.contains_key(&user) {
        return StatusCode::CONFLICT;
    }
    sessions.insert(user, Instant::now());
    StatusCode::CREATED
}

// Positive: tokio RwLock: read for the check, write for the act, in the `else` it gates.
pub async fn mark_seen(State(app): State<Arc<AppState>>, Path(id): Path<String>) -> StatusCode {
    if app.seen.read().await.contains(&id) {
        StatusCode::NOT_MODIFIED
    } else {
        app.seen.write().await.insert(id); //~ check_then_act
        StatusCode::OK
    }
}

// Negative: the value read first decides nothing before the removal (it only picks the status).
pub async fn forget(State(app): State<Arc<AppState>>, Path(id): Path<String>) -> StatusCode {
    let known = app.seen.read().await.len();
    app.seen.write().await.remove(&id);
    if known == 0 { StatusCode::NO_CONTENT } else { StatusCode::OK }
}
