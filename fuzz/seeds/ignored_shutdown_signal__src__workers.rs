//! Background workers started by main.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tokio::signal::unix::SignalKind;
use tokio::sync::{broadcast, mpsc, oneshot, watch, Notify};
use tokio_util::sync::CancellationToken;

pub struct Job;
#[derive(Clone, Debug)]
pub struct Event;
pub struct Response;
pub struct Config;

async fn process(_job: Job) {}

// Positive: the oneshot shutdown receiver is accepted and forgotten.
pub async fn job_worker(mut jobs: mpsc::Receiver<Job>, shutdown_rx: oneshot::Receiver<()>) { //~ ignored_shutdown_signal
    while let Some(job) = jobs.recv().await {
        process(job).await;
    }
}

// Negative: the same worker, racing the receiver against the next job.
pub async fn job_worker_graceful(mut jobs: mpsc::Receiver<Job>, mut shutdown_rx: oneshot::Receiver<()>) {
    loop {
        tokio::select! {
            _ = &mut shutdown_rx => break,
            Some(job) = jobs.recv() => process(job).await,
        }
    }
}

// Positive: a `watch::Receiver<bool>` shutdown flag, `_`-prefixed.
pub async fn metrics_exporter(interval: std::time::Duration, _shutdown: watch::Receiver<bool>) { //~ ignored_shutdown_signal
    loop {
        tokio::time::sleep(interval).await;
    }
}

// Positive: an optional oneshot (any payload) that is never awaited.
pub async fn reaper(cancel: Option<oneshot::Receiver<u8>>) { //~ ignored_shutdown_signal
    loop {
        tokio::time::sleep(std::time::Duration::from_secs(30)).await;
    }
}

// Positive: a `broadcast::Receiver<()>` stop channel next to the event stream.
pub async fn consume(mut events: broadcast::Receiver<Event>, stop: broadcast::Receiver<()>) { //~ ignored_shutdown_signal
    while let Ok(ev) = events.recv().await {
        tracing::info!(?ev, "event");
    }
}

// Positive: named like a signal (type not known as one): a `Notify`.
pub async fn pump(stop_signal: Arc<Notify>, mut rx: mpsc::Receiver<Event>) { //~ ignored_shutdown_signal
    while let Some(ev) = rx.recv().await {
        tracing::debug!(?ev);
    }
}

// Positive: a graceful-shutdown future that is never awaited.
pub async fn serve_forever(graceful_shutdown: impl Future<Output = ()>) { //~ ignored_shutdown_signal
    loop {
        tokio::task::yield_now().await;
    }
}

// Positive: a blocking loop given a cancel flag it never reads.
pub fn scan_disk(root: &str, cancel: &AtomicBool) -> usize { //~ ignored_shutdown_signal
    std::fs::read_dir(root).map(|d| d.count()).unwrap_or(0)
}

// Negative: the flag is read in a closure.
pub fn scan_disk_cancellable(root: &str, cancel: &AtomicBool) -> usize {
    std::fs::read_dir(root).map(|d| d.take_while(|_| !cancel.load(Ordering::Relaxed)).count()).unwrap_or(0)
}

// Positive: two ignored signals in one function: one finding.
pub fn start(_cancel: CancellationToken, _shutdown_rx: oneshot::Receiver<()>) -> usize { //~ ignored_shutdown_signal
    0
}

// Negative: the token is used inside a spawned task's closure.
pub fn start_watchdog(shutdown: CancellationToken) {
    tokio::spawn(async move {
        shutdown.cancelled().await;
        tracing::info!("watchdog stopping");
    });
}

// Negative: names that only contain a signal word, or data-typed parameters.
pub fn describe(signal_strength: i32, stop: usize, cancel_reason: String, shutdown: bool, stop_words: Vec<String>) -> &'static str {
    "radio"
}

// Negative: a unix signal kind is a signal number, not a shutdown signal.
pub fn install_handler(signal: SignalKind) -> bool {
    true
}

// Negative: a result channel and a config watch are not shutdown signals.
pub async fn request(reply_rx: oneshot::Receiver<Response>, config_rx: watch::Receiver<Config>) {}

// Negative: the cancel flag is checked through a macro argument.
pub fn checked(cancel: &AtomicBool) {
    debug_assert!(!cancel.load(Ordering::SeqCst), "cancelled before start");
}

#[cfg(test)]
mod tests {
    use super::*;

    // Negative: test helpers.
    async fn fake_worker(_shutdown: CancellationToken) {}
}
