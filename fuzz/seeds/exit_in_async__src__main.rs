//! Job runner: an admin HTTP API plus a pool of background workers.

mod cli;
mod config;
mod lifecycle;
mod routes;
mod worker;

use std::process::ExitCode;

use tokio::net::TcpListener;
use tracing::info;

// Positive (reported at low severity): even in `#[tokio::main] async fn main`, exit skips the runtime's shutdown.
// Negative: the listener error path returns an `ExitCode` instead of exiting.
#[tokio::main]
async fn main() -> ExitCode {
    let cfg = match config::load("jobrunner.toml").await {
        Ok(cfg) => cfg,
        Err(err) => {
            eprintln!("invalid configuration: {err}");
            std::process::exit(78); //~ exit_in_async
        }
    };
    lifecycle::install_panic_hook();

    let listener = match TcpListener::bind(&cfg.listen).await {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!("cannot bind {}: {err}", cfg.listen);
            return ExitCode::FAILURE;
        }
    };
    info!("listening on {}", cfg.listen);

    let app = routes::router(cfg.clone());
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(lifecycle::token().cancelled_owned())
        .await;
    if served.is_err() {
        return ExitCode::FAILURE;
    }
    ExitCode::from(lifecycle::exit_code() as u8)
}
