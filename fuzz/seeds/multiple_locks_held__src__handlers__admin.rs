use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;

use crate::state::AppState;

// Positive: two tokio mutex guards alive at once in a handler.
pub async fn login(State(app): State<Arc<AppState>>, Path(user): Path<String>) -> StatusCode {
    let mut sessions = app.sessions.lock().await;
    let mut audit = app.audit.lock().await; //~ multiple_locks_held
    sessions.insert(user.clone(), Instant::now());
    audit.push(format!("login {user}"));
    StatusCode::OK
}

// Negative: the session guard is dropped before the audit log is locked.
pub async fn logout(State(app): State<Arc<AppState>>, Path(user): Path<String>) -> StatusCode {
    let removed = {
        let mut sessions = app.sessions.lock().await;
        sessions.remove(&user).is_some()
    };
    if removed {
        app.audit.lock().await.push(format!("logout {user}"));
    }
    StatusCode::NO_CONTENT
}

// Positive: a std guard through the shared scheduler, then a tokio one.
pub async fn queue_depth(State(app): State<Arc<AppState>>) -> Json<usize> {
    let queue = app.scheduler.queue.lock().unwrap();
    app.audit.lock().await.push(format!("depth {}", queue.len())); //~ multiple_locks_held
    Json(queue.len())
}

// Negative: one guard per statement.
pub async fn stats(State(app): State<Arc<AppState>>) -> Json<(usize, usize)> {
    let sessions = app.sessions.lock().await.len();
    let audit = app.audit.lock().await.len();
    Json((sessions, audit))
}

// Negative: the spawned task holds its own guard; the handler's guard is a different body.
pub async fn flush(State(app): State<Arc<AppState>>) -> StatusCode {
    let audit = app.audit.lock().await;
    let n = audit.len();
    let app2 = app.clone();
    tokio::spawn(async move {
        app2.sessions.lock().await.clear();
    });
    if n > 0 { StatusCode::OK } else { StatusCode::NO_CONTENT }
}
