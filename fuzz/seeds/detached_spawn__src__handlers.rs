//! axum handlers.

use axum::extract::{Json, State};
use axum::http::StatusCode;

use crate::state::AppState;

// Positive: the welcome mail is sent from a detached task: a failure is never seen.
pub async fn signup(State(state): State<AppState>, Json(email): Json<String>) -> StatusCode {
    let mailer = state.mailer.clone();
    tokio::spawn(async move { //~ detached_spawn
        let _ = mailer.send_welcome(&email).await;
    });
    StatusCode::CREATED
}

// Negative: the send is awaited within the request and its error mapped.
pub async fn signup_sync(State(state): State<AppState>, Json(email): Json<String>) -> StatusCode {
    match state.mailer.send_welcome(&email).await {
        Ok(()) => StatusCode::CREATED,
        Err(_) => StatusCode::BAD_GATEWAY,
    }
}

// Negative: the handle is awaited with a timeout.
pub async fn signup_bounded(State(state): State<AppState>, Json(email): Json<String>) -> StatusCode {
    let mailer = state.mailer.clone();
    let handle = tokio::spawn(async move { mailer.send_welcome(&email).await });
    match tokio::time::timeout(std::time::Duration::from_secs(5), handle).await {
        Ok(Ok(Ok(()))) => StatusCode::CREATED,
        _ => StatusCode::ACCEPTED,
    }
}
