//! The tool interface every agent tool implements, and the built-in tools.

use std::time::Duration;

use async_trait::async_trait;
use serde_json::Value;
use tokio_util::sync::CancellationToken;
use tokio_util::sync::CancellationToken as Token;

#[async_trait]
pub trait Tool: Send + Sync {
    fn name(&self) -> &str;

    // Negative: a declaration without a body promises nothing yet.
    async fn run(&self, input: Value, shutdown: CancellationToken) -> anyhow::Result<Value>;

    // Positive: the default implementation ignores the signal.
    async fn warmup(&self, _shutdown: CancellationToken) -> anyhow::Result<()> { //~ ignored_shutdown_signal
        Ok(())
    }
}

pub struct WebFetch {
    client: reqwest::Client,
}

#[async_trait]
impl Tool for WebFetch {
    fn name(&self) -> &str {
        "web_fetch"
    }

    // Positive: `_shutdown`: the fetch runs to completion whatever happens.
    async fn run(&self, input: Value, _shutdown: CancellationToken) -> anyhow::Result<Value> { //~ ignored_shutdown_signal
        let url = input["url"].as_str().unwrap_or_default();
        let body = self.client.get(url).send().await?.text().await?;
        Ok(Value::String(body))
    }
}

pub struct Shell;

#[async_trait]
impl Tool for Shell {
    fn name(&self) -> &str {
        "shell"
    }

    // Positive: named, but never looked at.
    async fn run(&self, input: Value, shutdown: CancellationToken) -> anyhow::Result<Value> { //~ ignored_shutdown_signal
        let cmd = input["cmd"].as_str().unwrap_or("true").to_string();
        let out = tokio::process::Command::new("sh").arg("-c").arg(cmd).output().await?;
        Ok(Value::String(String::from_utf8_lossy(&out.stdout).into_owned()))
    }
}

pub struct Echo;

#[async_trait]
impl Tool for Echo {
    fn name(&self) -> &str {
        "echo"
    }

    // Positive: the parameter is a bare `_` of a cancellation type (through an alias).
    async fn run(&self, input: Value, _: Token) -> anyhow::Result<Value> { //~ ignored_shutdown_signal
        Ok(input)
    }
}

pub struct Sleep;

#[async_trait]
impl Tool for Sleep {
    fn name(&self) -> &str {
        "sleep"
    }

    // Negative: the token is raced against the work inside `select!`.
    async fn run(&self, input: Value, shutdown: CancellationToken) -> anyhow::Result<Value> {
        let secs = input["secs"].as_u64().unwrap_or(1);
        tokio::select! {
            _ = shutdown.cancelled() => anyhow::bail!("cancelled"),
            _ = tokio::time::sleep(Duration::from_secs(secs)) => Ok(Value::Null),
        }
    }

    // Negative: the default-ignoring warmup is overridden by one that checks the token.
    async fn warmup(&self, shutdown: CancellationToken) -> anyhow::Result<()> {
        if shutdown.is_cancelled() {
            anyhow::bail!("cancelled before warmup");
        }
        Ok(())
    }
}

/// Wraps another tool with a timeout.
pub struct Timeout<T> {
    inner: T,
    limit: Duration,
}

#[async_trait]
impl<T: Tool> Tool for Timeout<T> {
    fn name(&self) -> &str {
        self.inner.name()
    }

    // Negative: the token is passed on to the wrapped tool.
    async fn run(&self, input: Value, shutdown: CancellationToken) -> anyhow::Result<Value> {
        tokio::time::timeout(self.limit, self.inner.run(input, shutdown)).await?
    }
}

/// Registry of tools; owns the token it hands out.
pub struct Registry {
    shutdown: Token,
}

impl Registry {
    // Negative: stored through the field shorthand.
    pub fn new(shutdown: Token) -> Self {
        Self { shutdown }
    }

    // Positive: a borrowed token that is never consulted.
    pub async fn run_all(&self, tools: &[Box<dyn Tool>], token: &CancellationToken) -> usize { //~ ignored_shutdown_signal
        let mut ok = 0;
        for t in tools {
            if t.run(Value::Null, self.shutdown.child_token()).await.is_ok() {
                ok += 1;
            }
        }
        ok
    }
}
