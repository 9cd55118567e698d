//! Websocket fan-out: every connected client gets the event stream.

use axum::extract::ws::{Message, WebSocket};
use axum::extract::{State, WebSocketUpgrade};
use axum::response::Response;
use std::sync::Arc;
use tokio::sync::broadcast;
use tokio::sync::broadcast::error::RecvError;
use tokio_util::sync::CancellationToken;

use crate::state::AppState;

pub async fn ws_handler(ws: WebSocketUpgrade, State(state): State<Arc<AppState>>) -> Response {
    ws.on_upgrade(move |socket| push_events(socket, state))
}

// Positive: an `Ok(..)` select! arm is disabled on `Lagged`; the loop then ends via `else`.
async fn push_events(mut socket: WebSocket, state: Arc<AppState>) {
    let mut rx = state.bus.subscribe();
    loop {
        tokio::select! {
            Ok(event) = rx.recv() => { //~ broadcast_lagged_exit
                let text = serde_json::to_string(&event).unwrap_or_default();
                if socket.send(Message::Text(text)).await.is_err() {
                    break;
                }
            }
            Some(Ok(_ping)) = socket.recv() => {}
            else => break,
        }
    }
}

// Positive: a select! arm binding the whole result, whose handler breaks on any `Err`.
pub async fn forward_until_shutdown(mut rx: broadcast::Receiver<crate::Event>, shutdown: CancellationToken, out: tokio::sync::mpsc::Sender<crate::Event>) {
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => break,
            res = rx.recv() => match res { //~ broadcast_lagged_exit
                Ok(event) => {
                    if out.send(event).await.is_err() {
                        break;
                    }
                }
                Err(_) => break,
            },
        }
    }
}

// Negative: the select! arm keeps the `Result` and tells `Lagged` from `Closed`.
pub async fn forward_resilient(mut rx: broadcast::Receiver<crate::Event>, shutdown: CancellationToken, out: tokio::sync::mpsc::Sender<crate::Event>) {
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => break,
            res = rx.recv() => match res {
                Ok(event) => {
                    let _ = out.send(event).await;
                }
                Err(RecvError::Lagged(n)) => tracing::warn!(n, "forwarder lagged"),
                Err(RecvError::Closed) => break,
            },
        }
    }
}

// Negative: the mpsc receiver's `recv()` yields an `Option`; `Some(..)` arms are fine.
pub async fn relay(mut inbox: tokio::sync::mpsc::Receiver<String>, shutdown: CancellationToken) {
    loop {
        tokio::select! {
            Some(line) = inbox.recv() => tracing::info!(%line, "relay"),
            _ = shutdown.cancelled() => break,
        }
    }
}
