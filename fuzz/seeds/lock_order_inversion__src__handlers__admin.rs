use std::sync::Arc;

use axum::extract::State;
use axum::Json;

use crate::state::AppState;

// Positive: counts → conns closes the three-lock cycle (registry.rs, metrics.rs).
pub async fn connection_report(State(app): State<Arc<AppState>>) -> Json<Vec<String>> {
    let counts = app.registry.metrics.counts.lock();
    let conns = app.registry.conns.read(); //~ lock_order_inversion
    Json(conns.values().map(|c| format!("{} {}", c.peer, counts.len())).collect())
}

// Negative: the gauges guard is dropped before conns is read (gauges → conns would close a
// cycle through counts → gauges in metrics.rs).
pub async fn gauge_report(State(app): State<Arc<AppState>>) -> Json<usize> {
    let gauges = app.registry.metrics.gauges.lock();
    let n = gauges.len();
    drop(gauges);
    let conns = app.registry.conns.read();
    Json(n + conns.len())
}
