//! Delivery plugins behind a trait object.

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;

use crate::state::Message;

#[async_trait]
pub trait Sink: Send + Sync {
    async fn deliver(&self, msg: Message) -> anyhow::Result<()>;
}

pub struct WebhookSink {
    http: reqwest::Client,
    endpoints: Mutex<HashMap<String, String>>,
    sent: tokio::sync::Mutex<u64>,
}

#[async_trait]
impl Sink for WebhookSink {
    // Positive: `#[async_trait]` methods are async fns; the std guard is alive at the await.
    async fn deliver(&self, msg: Message) -> anyhow::Result<()> {
        let endpoints = self.endpoints.lock().unwrap(); //~ lock_across_await
        let url = endpoints.get(&msg.topic).ok_or_else(|| anyhow::anyhow!("no endpoint"))?;
        self.http.post(url).json(&msg).send().await?;
        Ok(())
    }
}

pub struct CountingSink {
    inner: WebhookSink,
}

#[async_trait]
impl Sink for CountingSink {
    // Negative: a tokio mutex guard (the counter) across the await is fine.
    async fn deliver(&self, msg: Message) -> anyhow::Result<()> {
        let mut sent = self.inner.sent.lock().await;
        self.inner.deliver(msg).await?;
        *sent += 1;
        Ok(())
    }
}
