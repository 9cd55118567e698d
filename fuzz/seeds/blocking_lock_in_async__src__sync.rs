//! The crate's lock types in one place, so switching implementations is a one-line change.

pub use parking_lot::{Mutex, RwLock};

/// Async-aware lock for state held across awaits.
pub use tokio::sync::Mutex as AsyncMutex;
