use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::state::AppState;

// Positive: tokio mutexes deadlock too: sessions → audit here, audit → sessions in `purge`.
pub async fn login(State(app): State<Arc<AppState>>, Path(user): Path<String>) -> StatusCode {
    let mut sessions = app.sessions.lock().await;
    let mut audit = app.audit.lock().await; //~ lock_order_inversion
    sessions.insert(user.clone(), Instant::now());
    audit.push(format!("login {user}"));
    StatusCode::OK
}

// Positive: audit → sessions.
pub async fn purge(State(app): State<Arc<AppState>>) -> StatusCode {
    let mut audit = app.audit.lock().await;
    let n = app.sessions.lock().await.drain().count(); //~ lock_order_inversion
    audit.push(format!("purged {n}"));
    StatusCode::OK
}

// Negative: tenants → sessions, the same order in both handlers.
pub async fn tenant_sessions(State(app): State<Arc<AppState>>, Path(t): Path<String>) -> String {
    let tenants = app.tenants.read().await;
    let sessions = app.sessions.lock().await;
    format!("{} {}", tenants.get(&t).copied().unwrap_or(0), sessions.len())
}

pub async fn add_tenant(State(app): State<Arc<AppState>>, Path(t): Path<String>) -> StatusCode {
    let mut tenants = app.tenants.write().await;
    tenants.insert(t.clone(), 0);
    app.sessions.lock().await.retain(|k, _| k.starts_with(&t));
    StatusCode::CREATED
}
