//! HTTP server setup.

use tokio::net::TcpListener;
use tokio::sync::oneshot;

// Negative: the shutdown receiver drives axum's graceful shutdown.
pub async fn serve(listener: TcpListener, app: axum::Router, shutdown: oneshot::Receiver<()>) -> std::io::Result<()> {
    axum::serve(listener, app).with_graceful_shutdown(async {
        let _ = shutdown.await;
    }).await
}

// Positive: the server never wires the receiver into graceful shutdown.
pub async fn serve_plain(listener: TcpListener, app: axum::Router, shutdown: oneshot::Receiver<()>) -> std::io::Result<()> { //~ ignored_shutdown_signal
    axum::serve(listener, app).await
}
