use std::thread::sleep as block_for;
use std::time::Duration;

use axum::extract::{Json, Path, State};
use axum::http::StatusCode;
use serde::Deserialize;

#[derive(Clone)]
pub struct AppState {
    pub client: reqwest::Client,
    pub upstream: String,
}

#[derive(Deserialize)]
pub struct DelayRequest {
    pub millis: u64,
}

// Positive: `block_for` is `std::thread::sleep` through an `as` alias; the handler stalls the worker.
pub async fn simulate_latency(Json(req): Json<DelayRequest>) -> StatusCode {
    block_for(Duration::from_millis(req.millis)); //~ blocking_sleep_in_async
    StatusCode::OK
}

// Positive: sleeping between upstream calls in a handler, inside a `match` arm.
pub async fn warm_cache(State(state): State<AppState>, Path(count): Path<u32>) -> StatusCode {
    for i in 0..count {
        match state.client.get(format!("{}/warm/{i}", state.upstream)).send().await {
            Ok(resp) if resp.status().is_success() => {}
            Ok(_) | Err(_) => {
                if i + 1 < count {
                    block_for(Duration::from_millis(50)); //~ blocking_sleep_in_async
                }
            }
        }
    }
    StatusCode::NO_CONTENT
}

// Negative: the delay is awaited on tokio's timer.
pub async fn simulate_latency_fixed(Json(req): Json<DelayRequest>) -> StatusCode {
    tokio::time::sleep(Duration::from_millis(req.millis)).await;
    StatusCode::OK
}

pub mod throttle {
    use std::thread::sleep;
    use std::time::Duration;

    // Positive: `sleep` is imported from `std::thread` in this nested module.
    pub async fn throttle_upload(chunks: Vec<Vec<u8>>, sink: tokio::sync::mpsc::Sender<Vec<u8>>) {
        for chunk in chunks {
            if sink.send(chunk).await.is_err() {
                break;
            }
            sleep(Duration::from_millis(5)); //~ blocking_sleep_in_async
        }
    }

    // Negative: the same `sleep` in a sync fn.
    pub fn throttle_blocking(chunks: Vec<Vec<u8>>, sink: std::sync::mpsc::Sender<Vec<u8>>) {
        for chunk in chunks {
            if sink.send(chunk).is_err() {
                break;
            }
            sleep(Duration::from_millis(5));
        }
    }
}
