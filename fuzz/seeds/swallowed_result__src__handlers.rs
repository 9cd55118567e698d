//! axum handlers.

use axum::extract::{Json, State};
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use tracing::info;

use crate::AppState;

#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub actor: String,
    pub action: &'static str,
}

#[derive(Deserialize)]
pub struct NewOrder {
    pub sku: String,
    pub qty: u32,
}

// Positive: the audit entry is dropped when the audit queue is full or closed.
pub async fn create_order(State(state): State<AppState>, Json(order): Json<NewOrder>) -> StatusCode {
    _ = state.audit.try_send(AuditEntry { actor: order.sku.clone(), action: "create" }); //~ swallowed_result
    state.bus.order_placed(u64::from(order.qty));
    StatusCode::CREATED
}

// Positive: webhook delivery failure (the receiver task is gone) is discarded, in a match arm.
pub async fn cancel_order(State(state): State<AppState>, Json(id): Json<u64>) -> StatusCode {
    match sqlx::query("UPDATE orders SET state = 'cancelled' WHERE id = $1").bind(id as i64).execute(&state.pool).await {
        Ok(_) => {
            let _ = state.audit.send(AuditEntry { actor: id.to_string(), action: "cancel" }).await; //~ swallowed_result
            StatusCode::OK
        }
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

// Negative: header values that are not valid UTF-8 or numbers are treated as absent, on purpose.
pub async fn list_orders(headers: HeaderMap) -> String {
    let tenant = headers.get("x-tenant").and_then(|v| v.to_str().ok()).unwrap_or("default");
    let pages: Vec<u16> = headers.get_all("x-page").iter().filter_map(|v| v.to_str().ok()).filter_map(|s| s.trim().parse::<u16>().ok()).collect();
    format!("{tenant}: {pages:?}")
}

// Negative: an HTTP request builder's `send()` (no argument) is not a channel send.
pub async fn ping_upstream(State(state): State<AppState>) -> StatusCode {
    let _ = state.http.get("http://inventory.internal/ping").send().await;
    info!("pinged");
    StatusCode::NO_CONTENT
}

// Negative: the match arm logs the error.
pub async fn delete_order(State(state): State<AppState>, Json(id): Json<u64>) -> StatusCode {
    match sqlx::query("DELETE FROM orders WHERE id = $1").bind(id as i64).execute(&state.pool).await {
        Ok(_) => StatusCode::NO_CONTENT,
        Err(e) => {
            tracing::error!("delete failed: {e}");
            StatusCode::INTERNAL_SERVER_ERROR
        }
    }
}
