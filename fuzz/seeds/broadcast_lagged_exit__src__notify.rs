//! Email/webhook notifiers driven by the event bus.

use std::sync::Arc;

use tokio::sync::broadcast;
use tracing::info;

use crate::state::AppState;
use crate::Event;

/// Something that can hand out event receivers (implemented by plugins).
pub trait Notifier: Send + Sync {
    fn events(&self) -> broadcast::Receiver<Event>;
}

pub struct Mailer {
    pub state: Arc<AppState>,
}

impl Mailer {
    // Positive: `self.state.bus.subscribe()` — a field chain typed across files, then a crate method.
    pub async fn run(&self) -> anyhow::Result<()> {
        let mut rx = self.state.bus.subscribe();
        loop {
            match rx.recv().await { //~ broadcast_lagged_exit
                Ok(Event::OrderPlaced { id, .. }) => info!(id, "sending receipt"),
                Ok(_) => {}
                Err(_) => return Ok(()),
            }
        }
    }
}

// Positive: an untyped receiver (trait object method) in a file that works with tokio broadcast.
pub async fn run_plugin(plugin: Box<dyn Notifier>) {
    let mut rx = plugin.events();
    while let Ok(event) = rx.recv().await { //~ broadcast_lagged_exit
        info!(?event, "plugin event");
    }
}

// Negative: `Lagged` is matched in an `if let` on the error before deciding to stop.
pub async fn run_plugin_resilient(plugin: Box<dyn Notifier>) {
    let mut rx = plugin.events();
    loop {
        match rx.recv().await {
            Ok(event) => info!(?event, "plugin event"),
            Err(err) => {
                if let broadcast::error::RecvError::Lagged(n) = err {
                    info!(n, "plugin lagged");
                    continue;
                }
                break;
            }
        }
    }
}
