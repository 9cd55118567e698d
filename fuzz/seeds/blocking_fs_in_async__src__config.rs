use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use tokio::sync::watch;

#[derive(Clone, Debug, Deserialize)]
pub struct Config {
    pub root: PathBuf,
    pub max_blob_bytes: u64,
}

// Negative: a sync loader called once from `main` before the runtime starts.
pub fn load(path: &Path) -> anyhow::Result<Config> {
    let raw = fs::read_to_string(path)?;
    Ok(serde_json::from_str(&raw)?)
}

// Negative: a closure defined in a sync fn is not async context.
pub fn loader(path: PathBuf) -> impl Fn() -> std::io::Result<String> {
    move || fs::read_to_string(&path)
}

// Positive: the body of an async closure is async context.
pub async fn watch_config(path: PathBuf, tx: watch::Sender<Config>) {
    let reload = async move |p: PathBuf| -> anyhow::Result<Config> {
        let raw = fs::read_to_string(&p)?; //~ blocking_fs_in_async
        Ok(serde_json::from_str(&raw)?)
    };
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(30));
    loop {
        tick.tick().await;
        if let Ok(cfg) = reload(path.clone()).await {
            let _ = tx.send(cfg);
        }
    }
}
