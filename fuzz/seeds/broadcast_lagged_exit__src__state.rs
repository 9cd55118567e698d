use std::sync::Arc;

use tokio::sync::broadcast::Receiver;
use tokio::sync::Mutex;

use crate::bus::EventBus;
use crate::Event;

pub struct AppState {
    pub bus: EventBus,
    pub db: Arc<Mutex<Vec<String>>>,
}

/// A subscriber task with its receiver stored in a field (typed here, used in `audit.rs`).
pub struct AuditWriter {
    pub rx: Receiver<Event>,
    pub path: std::path::PathBuf,
}
