//! Job scheduler service: HTTP API, in-memory job table, background reaper and workers.

mod audit;
mod cache;
mod db;
mod handlers;
mod inner;
mod metrics;
mod pidfile;
mod registry;
mod state;
mod sessions;
mod store;
mod sync;
mod worker;

use std::sync::Arc;

use tokio::net::TcpListener;

use crate::registry::Settings;
use crate::state::AppState;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _pid = pidfile::acquire("/run/scheduler.pid").await?;
    registry::init_settings(Settings::from_env());
    let state = Arc::new(AppState::new());
    let (_shutdown_tx, shutdown_rx) = tokio::sync::watch::channel(false);
    tokio::spawn(state.clone().run_reaper(shutdown_rx));
    let listener = TcpListener::bind("0.0.0.0:8080").await?;
    axum::serve(listener, handlers::router(state)).await?;
    Ok(())
}
