//! Background jobs fed through MPMC work queues (async-channel): `recv()` returns `Err` only
//! once every sender is gone, so `while let Ok` is the right loop here.

use async_channel::Receiver;
use tokio::sync::mpsc;
use tracing::info;

pub struct Job {
    pub id: u64,
}

// Negative: `async_channel::Receiver::recv` fails only when the channel is closed.
pub async fn worker(rx: Receiver<Job>) {
    while let Ok(job) = rx.recv().await {
        info!(job = job.id, "running");
    }
}

// Negative: an untyped receiver in a file that uses async-channel is ambiguous: stay silent.
pub async fn worker_from(queue: &crate::state::AppState, rx: impl std::ops::Deref<Target = Receiver<Job>>) {
    let _ = queue;
    loop {
        match rx.recv().await {
            Ok(job) => info!(job = job.id, "running"),
            Err(_) => break,
        }
    }
}

// Negative: mpsc's `recv()` returns an `Option`.
pub async fn mpsc_worker(mut rx: mpsc::Receiver<Job>) {
    while let Some(job) = rx.recv().await {
        info!(job = job.id, "running");
    }
}

// Negative: mpsc of `Result`s — `Some(Ok(..))` over `recv()` is not a broadcast receive.
pub async fn results(mut rx: mpsc::UnboundedReceiver<Result<Job, String>>) {
    while let Some(Ok(job)) = rx.recv().await {
        info!(job = job.id, "done");
    }
}
