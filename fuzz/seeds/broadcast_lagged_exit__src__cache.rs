//! Cache invalidation subscribers.

use std::collections::HashMap;
use std::sync::Arc;

use tokio::sync::broadcast::{self, error::RecvError};
use tokio::sync::RwLock;
use tracing::{debug, warn};

use crate::bus::EventBus;
use crate::Event;

pub type PriceCache = Arc<RwLock<HashMap<String, i64>>>;

// Positive: `while let Ok` over a crate method returning `broadcast::Receiver` (typed through the index).
pub fn spawn_price_invalidator(bus: &EventBus, cache: PriceCache) {
    let mut rx = bus.subscribe();
    tokio::spawn(async move {
        while let Ok(event) = rx.recv().await { //~ broadcast_lagged_exit
            if let Event::PriceChanged { sku } = event {
                cache.write().await.remove(&sku);
            }
        }
    });
}

// Positive: the receiver is a parameter typed `broadcast::Receiver<Event>`.
pub async fn run_invalidator(mut rx: broadcast::Receiver<Event>, cache: PriceCache) {
    while let Ok(Event::PriceChanged { sku }) = rx.recv().await { //~ broadcast_lagged_exit
        cache.write().await.remove(&sku);
    }
    debug!("invalidator stopped");
}

// Positive: a `match` that treats every `Err` as closed, logging it first.
pub async fn run_counter(bus: EventBus, counts: Arc<RwLock<HashMap<u64, u32>>>) {
    let mut rx = bus.subscribe();
    loop {
        match rx.recv().await { //~ broadcast_lagged_exit
            Ok(Event::OrderPlaced { id, .. }) => {
                *counts.write().await.entry(id).or_default() += 1;
            }
            Ok(_) => {}
            Err(err) => {
                warn!(%err, "event bus closed");
                break;
            }
        }
    }
}

// Positive: `tx.subscribe()` on a `broadcast::Sender` parameter; `_ => return` ends the task.
pub async fn first_cancellations(tx: broadcast::Sender<Event>, limit: usize) -> Vec<u64> {
    let mut rx = tx.subscribe();
    let mut out = Vec::new();
    while out.len() < limit {
        match rx.recv().await { //~ broadcast_lagged_exit
            Ok(Event::OrderCancelled { id }) => out.push(id),
            Ok(_) => continue,
            _ => return out,
        }
    }
    out
}

// Negative: `Lagged` is handled explicitly (logged, then keep receiving); only `Closed` ends it.
pub async fn run_resilient(bus: EventBus, cache: PriceCache) {
    let mut rx = bus.subscribe();
    loop {
        match rx.recv().await {
            Ok(Event::PriceChanged { sku }) => {
                cache.write().await.remove(&sku);
            }
            Ok(_) => {}
            Err(RecvError::Lagged(skipped)) => {
                warn!(skipped, "price invalidator lagged; clearing the cache");
                cache.write().await.clear();
            }
            Err(RecvError::Closed) => break,
        }
    }
}

// Negative: fully qualified `Lagged` in a guard-less arm, catch-all afterwards.
pub async fn run_qualified(mut rx: broadcast::Receiver<Event>) {
    loop {
        match rx.recv().await {
            Ok(event) => debug!(?event, "event"),
            Err(broadcast::error::RecvError::Lagged(_)) => continue,
            Err(_) => break,
        }
    }
}

// Negative: the error arm neither breaks nor returns, so a lag does not end the loop.
pub async fn run_logging_errors(mut rx: broadcast::Receiver<Event>) {
    loop {
        match rx.recv().await {
            Ok(event) => debug!(?event, "event"),
            Err(err) => {
                warn!(%err, "recv failed");
                continue;
            }
        }
    }
}

// Negative: a single receive outside any loop.
pub async fn next_event(bus: &EventBus) -> Option<Event> {
    let mut rx = bus.subscribe();
    match rx.recv().await {
        Ok(event) => Some(event),
        Err(_) => None,
    }
}

// Negative: a `try_recv` drain loop is meant to stop at the first `Err` (`Empty`).
pub fn drain_pending(rx: &mut broadcast::Receiver<Event>) -> Vec<Event> {
    let mut out = Vec::new();
    while let Ok(event) = rx.try_recv() {
        out.push(event);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // Negative: test code drives the channel itself.
    #[tokio::test]
    async fn receives_what_was_published() {
        let bus = EventBus::new(4);
        let mut rx = bus.subscribe();
        bus.publish(Event::OrderCancelled { id: 1 });
        drop(bus);
        let mut seen = 0;
        while let Ok(_event) = rx.recv().await {
            seen += 1;
        }
        assert_eq!(seen, 1);
    }
}
