use tokio::sync::broadcast;

use crate::Event;

/// The process-wide event bus. Publishing never blocks; slow subscribers lag.
#[derive(Clone)]
pub struct EventBus {
    tx: broadcast::Sender<Event>,
}

impl EventBus {
    pub fn new(capacity: usize) -> Self {
        let (tx, _rx) = broadcast::channel(capacity);
        EventBus { tx }
    }

    pub fn publish(&self, event: Event) {
        let _ = self.tx.send(event);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.tx.subscribe()
    }

    pub fn sender(&self) -> broadcast::Sender<Event> {
        self.tx.clone()
    }
}
