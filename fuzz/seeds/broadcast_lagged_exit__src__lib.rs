//! An order service: an in-process event bus (tokio broadcast) with subscribers that keep
//! caches warm, push updates to websockets and write an audit trail.

pub mod audit;
pub mod bus;
pub mod cache;
pub mod jobs;
pub mod notify;
pub mod pubsub;
pub mod state;
pub mod streams;
pub mod ws;

#[derive(Clone, Debug, serde::Serialize)]
pub enum Event {
    OrderPlaced { id: u64, total_cents: i64 },
    OrderCancelled { id: u64 },
    PriceChanged { sku: String },
}
