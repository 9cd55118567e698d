use axum::extract::{Path, State};
use axum::http::StatusCode;
use tracing::warn;

use super::AppState;
use crate::lifecycle::exit;

// Negative: `JoinHandle::abort` cancels one task; it is not `std::process::abort`.
pub async fn cancel(State(state): State<AppState>, Path(id): Path<u64>) -> StatusCode {
    match state.jobs.take_handle(id).await {
        Some(handle) => {
            handle.abort();
            StatusCode::NO_CONTENT
        }
        None => StatusCode::NOT_FOUND,
    }
}

// Negative: `exit` is imported from `crate::lifecycle`, the crate's graceful shutdown.
pub async fn fail(State(state): State<AppState>, Path(id): Path<u64>) -> StatusCode {
    warn!("job {id} reported an unrecoverable failure; shutting down");
    state.jobs.drain().await;
    exit(70);
    StatusCode::ACCEPTED
}
