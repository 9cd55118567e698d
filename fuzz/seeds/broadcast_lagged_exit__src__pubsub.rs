//! Bridge to an external pub/sub client. Nothing here is a tokio broadcast channel.

use tracing::info;

pub struct Subscription;

pub struct Message {
    pub payload: Vec<u8>,
}

pub async fn connect(url: &str) -> Subscription {
    let _ = url;
    Subscription
}

// Negative: an untyped receiver in a file that does not use tokio broadcast: `Err` may mean closed.
pub async fn pump(client: impl std::ops::DerefMut<Target = Subscription>) {
    let mut sub = client;
    while let Ok(msg) = sub.recv().await {
        info!(len = msg.payload.len(), "message");
    }
}
