use std::fs;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;

use crate::storage::AppState;

#[derive(Serialize)]
pub struct ManifestInfo {
    pub name: String,
    pub size: u64,
}

// Positive: `fs` is `std::fs` in this file; reading the manifest blocks a runtime worker.
pub async fn get_manifest(State(state): State<AppState>, Path(name): Path<String>) -> Result<String, StatusCode> {
    let path = state.root.join("manifests").join(&name);
    fs::read_to_string(&path).map_err(|_| StatusCode::NOT_FOUND) //~ blocking_fs_in_async
}

// Positive: fully qualified `std::fs::write` inside a handler.
pub async fn put_manifest(State(state): State<AppState>, Path(name): Path<String>, body: Bytes) -> StatusCode {
    let path = state.root.join("manifests").join(&name);
    match std::fs::write(&path, &body) { //~ blocking_fs_in_async
        Ok(()) => StatusCode::CREATED,
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

// Positive: a closure nested in an async fn runs on the runtime thread, so `fs::metadata` blocks it.
pub async fn list_manifests(State(state): State<AppState>) -> Json<Vec<ManifestInfo>> {
    let names = state.index.names().await;
    let infos = names
        .into_iter()
        .filter_map(|name| {
            let meta = fs::metadata(state.root.join("manifests").join(&name)).ok()?; //~ blocking_fs_in_async
            Some(ManifestInfo { name, size: meta.len() })
        })
        .collect();
    Json(infos)
}

// Positive: arguments of logging macros are analyzed as code.
pub async fn debug_manifest(State(state): State<AppState>, Path(name): Path<String>) -> StatusCode {
    let path = state.root.join("manifests").join(&name);
    tracing::info!("manifest {} is {} bytes on disk", name, fs::read(&path).map(|b| b.len()).unwrap_or(0)); //~ blocking_fs_in_async
    StatusCode::OK
}

// Negative: `Path::exists` probes metadata but is not in this rule's scope.
pub async fn head_manifest(State(state): State<AppState>, Path(name): Path<String>) -> StatusCode {
    if state.root.join("manifests").join(&name).exists() {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    }
}

// Negative: `tokio::fs::remove_file` is the async API.
pub async fn delete_manifest(State(state): State<AppState>, Path(name): Path<String>) -> StatusCode {
    let path = state.root.join("manifests").join(&name);
    match tokio::fs::remove_file(&path).await {
        Ok(()) => StatusCode::NO_CONTENT,
        Err(_) => StatusCode::NOT_FOUND,
    }
}

// Negative: the write goes through the crate's own `crate::fs` module (tokio-based).
pub async fn put_manifest_atomic(State(state): State<AppState>, Path(name): Path<String>, body: Bytes) -> StatusCode {
    let path = state.root.join("manifests").join(&name);
    match crate::fs::write(&path, &body).await {
        Ok(()) => StatusCode::CREATED,
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}
