//! Fan-out of messages to subscribers, peer sync and metrics export.

use std::sync::Arc;
use std::time::Duration;

use parking_lot::MutexGuard;
use tokio::task::JoinHandle;

use crate::state::{AppState, Message, Metrics, SessionId};

pub struct Report {
    pub requests: u64,
    pub avg_latency_ms: u64,
}

// Consumes the guard: the lock is released when this returns.
fn summarize(metrics: MutexGuard<'_, Metrics>) -> Report {
    let avg = metrics.latency.as_millis() as u64 / metrics.requests.max(1);
    Report { requests: metrics.requests, avg_latency_ms: avg }
}

async fn push_report(http: &reqwest::Client, report: &Report) {
    let body = format!("requests={} avg_ms={}", report.requests, report.avg_latency_ms);
    let _ = http.post("http://metrics.internal/report").body(body).send().await;
}

async fn push_metrics(http: &reqwest::Client, metrics: &Metrics) {
    let _ = http.post("http://metrics.internal/raw").body(format!("{metrics:?}")).send().await;
}

// Negative: the awaits are inside spawned tasks, i.e. other futures; this fn never awaits under the guard.
pub async fn broadcast(state: Arc<AppState>, msg: Message) -> usize {
    let subscribers = state.subscribers.read();
    for sub in subscribers.iter() {
        let (tx, msg) = (sub.tx.clone(), msg.clone());
        tokio::spawn(async move {
            let _ = tx.send(msg).await;
        });
    }
    subscribers.len()
}

// Positive: the guard is alive at `tokio::join!`, which awaits both requests.
pub async fn sync_peers(state: Arc<AppState>) -> bool {
    let cfg = state.config.read().unwrap(); //~ lock_across_await
    let (a, b) = tokio::join!(state.http.get(&cfg.primary).send(), state.http.get(&cfg.secondary).send());
    a.is_ok() && b.is_ok()
}

// Negative: the guard is moved into `summarize` before the await.
pub async fn export_summary(state: Arc<AppState>) {
    let metrics = state.metrics.lock();
    let report = summarize(metrics);
    push_report(&state.http, &report).await;
}

// Positive: passing `&guard` is a borrow, not a move; the guard is alive during the await.
pub async fn export_raw(state: Arc<AppState>) {
    let metrics = state.metrics.lock(); //~ lock_across_await
    push_metrics(&state.http, &metrics).await;
}

// Negative: the guard lives in the `spawn_blocking` closure; the outer fn only awaits the handle.
pub async fn compact(state: Arc<AppState>) {
    let st = Arc::clone(&state);
    let handle = tokio::task::spawn_blocking(move || {
        let mut events = st.inner.events.lock().unwrap();
        events.retain(|m| m.topic != "debug");
        events.len()
    });
    let _ = handle.await;
}

// Positive: inside the spawned task's own future the guard lives to the end of the loop body.
pub fn spawn_janitor(state: Arc<AppState>) -> JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let mut sessions = state.sessions.lock().unwrap(); //~ lock_across_await
            sessions.retain(|_, s| !s.expired());
            tokio::time::sleep(Duration::from_secs(30)).await;
        }
    })
}

// Negative: `std::mem::drop` releases the guard before the await.
pub async fn expire(state: Arc<AppState>, id: SessionId) {
    let mut sessions = state.sessions.lock().unwrap();
    let removed = sessions.remove(&id);
    std::mem::drop(sessions);
    if let Some(session) = removed {
        session.close().await;
    }
}

// Positive: two guards bound in one `let` are both alive at the await: two findings on that line.
pub async fn audit_session(state: Arc<AppState>, id: SessionId) {
    let (sessions, cfg) = (state.sessions.lock().unwrap(), state.config.read().unwrap()); //~ lock_across_await lock_across_await
    let alive = sessions.contains_key(&id);
    let _ = state.http.post(&cfg.audit_url).body(format!("{id} alive={alive}")).send().await;
}
