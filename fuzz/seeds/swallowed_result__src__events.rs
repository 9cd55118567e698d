//! In-process event bus (broadcast) plus a NATS bridge for other services.

use serde::Serialize;
use tokio::sync::broadcast;
use tracing::{debug, warn};

#[derive(Debug, Clone, Serialize)]
pub enum Event {
    OrderPlaced { id: u64 },
    OrderShipped { id: u64 },
    Shutdown,
}

pub struct EventBus {
    tx: broadcast::Sender<Event>,
    nats: async_nats::Client,
}

impl EventBus {
    // Positive: the error (no subscriber left) is dropped with `let _ =`.
    pub fn order_placed(&self, id: u64) {
        let _ = self.tx.send(Event::OrderPlaced { id }); //~ swallowed_result
    }

    // Positive: `.ok();` as a statement on a channel send.
    pub fn shutdown(&self) {
        self.tx.send(Event::Shutdown).ok(); //~ swallowed_result
    }

    // Positive: the bridge publish to NATS fails silently (awaited, still discarded).
    pub async fn bridge(&self, event: &Event) {
        let payload = serde_json::to_vec(event).unwrap_or_default();
        let _ = self.nats.publish("orders.events", payload.into()).await; //~ swallowed_result
    }

    // Negative: the failure is logged.
    pub fn order_shipped(&self, id: u64) {
        if let Err(e) = self.tx.send(Event::OrderShipped { id }) {
            debug!("no subscriber for order events: {e}");
        }
    }

    // Negative: `.ok()` used as a value: the caller learns whether it was delivered.
    pub fn try_announce(&self, event: Event) -> bool {
        let delivered = self.tx.send(event).ok();
        delivered.is_some()
    }

    // Negative: the same statement logs the error through `map_err`.
    pub fn announce_logged(&self, event: Event) {
        let _ = self.tx.send(event).map_err(|e| warn!("event dropped: {e}"));
    }

    // Negative: `inspect_err` logs before `.ok()` discards.
    pub fn announce_inspected(&self, event: Event) {
        self.tx.send(event).inspect_err(|e| tracing::error!(error = %e, "event dropped")).ok();
    }

    // Negative: the error is propagated with `?`.
    pub fn announce_strict(&self, event: Event) -> anyhow::Result<()> {
        let _ = self.tx.send(event)?;
        Ok(())
    }
}

// Negative: draining a receiver with `try_recv`: `Err` means "empty", not failure.
pub fn drain(rx: &mut broadcast::Receiver<Event>) -> Vec<Event> {
    let mut out = Vec::new();
    loop {
        match rx.try_recv() {
            Ok(ev) => out.push(ev),
            Err(_) => {}
        }
        if out.len() > 64 {
            return out;
        }
    }
}
