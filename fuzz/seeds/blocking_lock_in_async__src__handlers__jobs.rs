use std::sync::Arc;

use axum::extract::{Json, Path, State};
use axum::http::StatusCode;
use serde::Deserialize;

use crate::inner::QueuedJob;
use crate::state::{AppState, Job, JobId, Status};

#[derive(Deserialize)]
pub struct NewJob {
    pub id: JobId,
    pub name: String,
}

// Positive: the axum `State` extractor types `state`; `jobs` is a std `Mutex` declared in state/mod.rs.
pub async fn get_job(State(state): State<Arc<AppState>>, Path(id): Path<JobId>) -> Result<Json<Job>, StatusCode> {
    let job = state.jobs.lock().unwrap().get(&id).cloned(); //~ blocking_lock_in_async
    job.map(Json).ok_or(StatusCode::NOT_FOUND)
}

// Positive: nested fields across files: `inner: Arc<Inner>` (state/mod.rs), `queue: StdMutex<..>` (inner.rs).
pub async fn enqueue(State(state): State<Arc<AppState>>, Json(req): Json<NewJob>) -> StatusCode {
    state.inner.queue.lock().unwrap().push_back(QueuedJob { id: req.id, name: req.name }); //~ blocking_lock_in_async
    StatusCode::ACCEPTED
}

// Positive: a closure nested in an async handler runs on the runtime thread.
pub async fn batch_status(State(state): State<Arc<AppState>>, Json(ids): Json<Vec<JobId>>) -> Json<Vec<Option<Status>>> {
    let statuses = ids.iter().map(|id| state.jobs.lock().unwrap().get(id).map(|job| job.status)).collect(); //~ blocking_lock_in_async
    Json(statuses)
}

// Positive: arguments of `tracing` macros are analyzed as code.
pub async fn queue_depth(State(state): State<Arc<AppState>>) -> String {
    tracing::info!("queue depth requested: {}", state.inner.queue.lock().unwrap().len()); //~ blocking_lock_in_async
    String::from("ok")
}

// Negative: `sessions` is a tokio `Mutex` (`AsyncMutex` alias in state/mod.rs).
pub async fn whoami(State(state): State<Arc<AppState>>, Path(token): Path<String>) -> Result<String, StatusCode> {
    let sessions = state.sessions.lock().await;
    sessions.get(&token).map(|s| s.user.clone()).ok_or(StatusCode::UNAUTHORIZED)
}
