//! Replays recorded sessions against a staging server.

// Negative: `expect` on main, and `warn` on a helper.
#[expect(clippy::let_underscore_future, reason = "fire-and-forget replay requests")]
#[tokio::main]
async fn main() {
    let _ = replay("staging");
}

#[warn(clippy::await_holding_lock)]
async fn replay(target: &str) {
    tracing::info!("replaying against {target}");
}
