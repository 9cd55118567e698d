//! Stream adapters and subscribers that are handed their receivers in different ways.

use futures::StreamExt;
use tokio::sync::broadcast;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;
use tokio_stream::wrappers::BroadcastStream;
use tracing::{info, warn};

use crate::Event;

/// Anything events can be subscribed from (the bus, a test double).
pub trait EventSource: Send + Sync {
    fn subscribe(&self) -> broadcast::Receiver<Event>;
}

// Positive: `let (tx, mut rx) = broadcast::channel(..)` types `rx` as a broadcast receiver.
pub fn spawn_metrics() -> broadcast::Sender<Event> {
    let (tx, mut rx) = broadcast::channel(256);
    tokio::spawn(async move {
        let mut placed = 0u64;
        while let Ok(event) = rx.recv().await { //~ broadcast_lagged_exit
            if matches!(event, Event::OrderPlaced { .. }) {
                placed += 1;
                info!(placed, "orders placed");
            }
        }
    });
    tx
}

// Positive: fully qualified `tokio::sync::broadcast::channel` with a turbofish, `if let .. else`.
pub async fn collect_prices(limit: usize) -> Vec<String> {
    let (_tx, mut rx) = tokio::sync::broadcast::channel::<Event>(64);
    let mut skus = Vec::new();
    while skus.len() < limit {
        if let Ok(Event::PriceChanged { sku }) = rx.recv().await { //~ broadcast_lagged_exit
            skus.push(sku);
        } else {
            break;
        }
    }
    skus
}

// Positive: the source is a trait object (untyped receiver), but it came from `.subscribe()`.
pub async fn log_events(source: &dyn EventSource) {
    let mut rx = source.subscribe();
    while let Ok(event) = rx.recv().await { //~ broadcast_lagged_exit
        info!(?event, "event");
    }
}

// Positive: a `BroadcastStream` yields `Err(Lagged)` items; `Some(Ok(..))` ends the loop on one.
pub async fn stream_events(rx: broadcast::Receiver<Event>) -> usize {
    let mut stream = BroadcastStream::new(rx);
    let mut n = 0;
    while let Some(Ok(_event)) = stream.next().await { //~ broadcast_lagged_exit
        n += 1;
    }
    n
}

// Negative: the stream's `Lagged` item is logged and the loop goes on.
pub async fn stream_events_resilient(rx: broadcast::Receiver<Event>) -> usize {
    let mut stream = BroadcastStream::new(rx);
    let mut n = 0;
    while let Some(item) = stream.next().await {
        match item {
            Ok(_event) => n += 1,
            Err(BroadcastStreamRecvError::Lagged(skipped)) => warn!(skipped, "lagged"),
        }
    }
    n
}

// Negative: a watch channel signals changes with `changed()`, which only fails when closed.
pub async fn follow_config(mut rx: tokio::sync::watch::Receiver<String>) {
    while rx.changed().await.is_ok() {
        info!(config = %*rx.borrow(), "config changed");
    }
}

/// A crate-local inbox whose `recv` returns `Err` only when closed.
pub struct Inbox {
    items: tokio::sync::mpsc::Receiver<Event>,
}

pub struct Closed;

impl Inbox {
    pub async fn recv(&mut self) -> Result<Event, Closed> {
        self.items.recv().await.ok_or(Closed)
    }
}

// Negative: `inbox` is a crate type (not a broadcast receiver) even though this file imports broadcast.
pub async fn drain_inbox(mut inbox: Inbox) -> usize {
    let mut n = 0;
    while let Ok(_event) = inbox.recv().await {
        n += 1;
    }
    n
}
