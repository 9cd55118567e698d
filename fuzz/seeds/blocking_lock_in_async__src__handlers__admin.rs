use std::io::Write;
use std::sync::Arc;

use axum::extract::{Json, Path, State};
use axum::http::StatusCode;
use serde::Serialize;

use crate::registry::{WorkerInfo, REGISTRY};
use crate::state::{AppState, Config, Route};

#[derive(Serialize)]
pub struct Snapshot {
    pub jobs: usize,
    pub config: Config,
}

// Positive: std `RwLock::read` on `config`.
pub async fn get_config(State(state): State<Arc<AppState>>) -> Json<Config> {
    Json(state.config.read().unwrap().clone()) //~ blocking_lock_in_async
}

// Positive: std `RwLock::write` on `config`.
pub async fn update_config(State(state): State<Arc<AppState>>, Json(new): Json<Config>) -> StatusCode {
    *state.config.write().unwrap() = new; //~ blocking_lock_in_async
    StatusCode::NO_CONTENT
}

// Positive: two blocking acquisitions on one line are two findings.
pub async fn snapshot(State(state): State<Arc<AppState>>) -> Json<Snapshot> {
    let (jobs, config) = (state.jobs.lock().unwrap(), state.config.read().unwrap()); //~ blocking_lock_in_async blocking_lock_in_async
    Json(Snapshot { jobs: jobs.len(), config: config.clone() })
}

// Positive: parking_lot `Mutex` field (declared with its full path in state/mod.rs).
pub async fn metrics(State(state): State<Arc<AppState>>) -> String {
    let m = state.metrics.lock(); //~ blocking_lock_in_async
    format!("completed {} failed {}", m.completed, m.failed)
}

// Positive: a `Lazy<Mutex<..>>` static imported from registry.rs.
pub async fn register_worker(Path(name): Path<String>, Json(capacity): Json<usize>) -> StatusCode {
    REGISTRY.lock().unwrap().insert(name.clone(), WorkerInfo { name, capacity }); //~ blocking_lock_in_async
    StatusCode::CREATED
}

// Positive: `matches!` arguments are analyzed.
pub async fn maintenance(State(state): State<Arc<AppState>>) -> StatusCode {
    if matches!(state.config.read().unwrap().maintenance, true) { //~ blocking_lock_in_async
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    }
}

// Negative: `routes` is a tokio `RwLock` (`AsyncRwLock` alias in state/mod.rs).
pub async fn list_routes(State(state): State<Arc<AppState>>) -> Json<Vec<Route>> {
    Json(state.routes.read().await.clone())
}

// Negative: `AuditLog::lock` (audit.rs) is a plain method that seals a segment.
pub async fn seal_audit(State(state): State<Arc<AppState>>) -> String {
    let sealed = state.audit.lock();
    let events = state.audit.archive(sealed).await;
    format!("archived {events} events")
}

// Negative: the closure given to `spawn_blocking` runs on the blocking pool; `write(..)` takes arguments.
pub async fn export(State(state): State<Arc<AppState>>) -> Result<Vec<u8>, StatusCode> {
    let body = tokio::task::spawn_blocking(move || {
        let jobs = state.jobs.lock().unwrap();
        serde_json::to_vec(&jobs.values().collect::<Vec<_>>())
    })
    .await
    .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?
    .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    let mut out = Vec::with_capacity(body.len() + 1);
    out.write(&body).map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    out.write(b"\n").map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    Ok(out)
}

// Negative: `RefCell::borrow_mut` is not a lock; this rule only covers `lock`/`read`/`write`.
pub async fn render_report(State(state): State<Arc<AppState>>) -> String {
    let buf = std::cell::RefCell::new(String::new());
    buf.borrow_mut().push_str("jobs: ");
    buf.borrow_mut().push_str(&state.job_count().to_string());
    buf.into_inner()
}
