use std::process::exit as die;
use std::process::{self, abort as crash};
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use tracing::{error, warn};

use super::AppState;
use crate::lifecycle;

#[derive(Deserialize)]
pub struct RestartRequest {
    pub drain: bool,
    pub code: Option<i32>,
}

// Positive: `die` is `std::process::exit` through an `as` alias; in-flight requests are cut off.
pub async fn restart(State(state): State<AppState>, Json(req): Json<RestartRequest>) -> StatusCode {
    if req.drain {
        state.jobs.drain().await;
    }
    warn!("restart requested through the admin API");
    die(req.code.unwrap_or(0)) //~ exit_in_async
}

// Positive: `process::exit` via `use std::process::{self, ..}` in a handler's error path.
pub async fn reload(State(state): State<AppState>) -> StatusCode {
    match crate::config::load("jobrunner.toml").await {
        Ok(cfg) => {
            warn!("reloaded config for {} workers (was {})", cfg.workers, state.cfg.workers);
            StatusCode::NO_CONTENT
        }
        Err(err) => {
            error!("reload failed, configuration is unrecoverable: {err}");
            process::exit(78); //~ exit_in_async
        }
    }
}

// Positive: `crash` is `std::process::abort`, aliased inside a `use` group.
pub async fn verify_shard(State(state): State<AppState>, Path(shard): Path<u32>) -> StatusCode {
    if let Err(reason) = state.jobs.verify_shard(shard).await {
        error!("shard {shard} failed verification: {reason}");
        crash(); //~ exit_in_async
    }
    StatusCode::OK
}

// Positive: the future handed to `tokio::spawn` is async context; the delayed exit still skips destructors.
pub async fn restart_later(State(state): State<AppState>, Json(req): Json<RestartRequest>) -> StatusCode {
    let grace = Duration::from_secs(if req.drain { 30 } else { 1 });
    tokio::spawn(async move {
        tokio::time::sleep(grace).await;
        state.jobs.drain().await;
        die(req.code.unwrap_or(0)); //~ exit_in_async
    });
    StatusCode::ACCEPTED
}

// Negative: `lifecycle::exit` is the crate's own graceful-shutdown request, not std's.
pub async fn shutdown(State(state): State<AppState>) -> StatusCode {
    state.jobs.drain().await;
    lifecycle::exit(0);
    StatusCode::ACCEPTED
}

// Negative: reading the pid is harmless; only `exit`/`abort` are flagged.
pub async fn info() -> Json<serde_json::Value> {
    let pid = process::id();
    Json(serde_json::json!({ "pid": pid, "shutdown": "POST /admin/shutdown" }))
}
