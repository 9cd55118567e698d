//! Order service: an event bus, SQL repositories, a job worker and file storage.

pub mod db;
pub mod events;
pub mod fs;
pub mod handlers;
pub mod storage;
pub mod worker;

use std::sync::Arc;

use tokio::sync::{broadcast, mpsc};

#[derive(Clone)]
pub struct AppState {
    pub bus: Arc<events::EventBus>,
    pub audit: mpsc::Sender<handlers::AuditEntry>,
    pub pool: sqlx::PgPool,
    pub http: reqwest::Client,
}

pub fn channel() -> (broadcast::Sender<events::Event>, broadcast::Receiver<events::Event>) {
    broadcast::channel(1024)
}
