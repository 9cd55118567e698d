//! Background workers: where code runs decides whether a blocking sleep is a bug.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::{thread, time::Duration};

use tokio::sync::{mpsc, watch};
use tokio::task::{self, spawn_blocking, JoinHandle};
use tracing::info;

// Positive: the future passed to `tokio::spawn` is async context.
pub fn spawn_heartbeat(tx: mpsc::Sender<()>) -> JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            if tx.send(()).await.is_err() {
                break;
            }
            thread::sleep(Duration::from_secs(1)); //~ blocking_sleep_in_async
        }
    })
}

// Negative: `spawn_blocking` (imported by name) runs the closure on the blocking pool.
pub async fn legacy_sync_job(id: u64) -> anyhow::Result<()> {
    spawn_blocking(move || {
        info!("legacy job {id} started");
        thread::sleep(Duration::from_secs(2));
        info!("legacy job {id} finished");
    })
    .await?;
    Ok(())
}

// Positive: only the closure is exempt; the sleep after `spawn_blocking` returns runs on the runtime.
pub async fn legacy_job_with_cooldown(id: u64) -> anyhow::Result<()> {
    task::spawn_blocking(move || info!("legacy job {id}")).await?;
    thread::sleep(Duration::from_millis(500)); //~ blocking_sleep_in_async
    Ok(())
}

// Negative: `std::thread::spawn` starts a dedicated OS thread.
pub async fn start_ticker(stop: Arc<AtomicBool>) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        while !stop.load(Ordering::Relaxed) {
            thread::sleep(Duration::from_millis(100));
        }
    })
}

// Negative: `thread::Builder::new().spawn` also runs on its own OS thread.
pub async fn start_named_ticker(stop: Arc<AtomicBool>) -> std::io::Result<thread::JoinHandle<()>> {
    thread::Builder::new().name("ticker".into()).spawn(move || {
        while !stop.load(Ordering::Relaxed) {
            thread::sleep(Duration::from_millis(100));
        }
    })
}

// Negative: closures given to a `thread::scope` spawn run on scoped OS threads.
pub async fn parallel_probe(targets: Vec<String>) -> usize {
    let reachable = std::sync::atomic::AtomicUsize::new(0);
    thread::scope(|s| {
        for target in &targets {
            let reachable = &reachable;
            s.spawn(move || {
                thread::sleep(Duration::from_millis(10));
                if !target.is_empty() {
                    reachable.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    reachable.into_inner()
}

// Negative: `block_in_place` tells the runtime this worker is about to block.
pub async fn calibrate() {
    task::block_in_place(|| thread::sleep(Duration::from_millis(20)));
}

// Negative: a nested non-async `fn` item is sync code even inside an async fn.
pub async fn run_legacy_step(step: u32) {
    fn settle(step: u32) {
        thread::sleep(Duration::from_millis(u64::from(step) * 10));
    }
    task::spawn_blocking(move || settle(step)).await.ok();
}

// Positive: sleep inside a `tokio::select!` arm body.
pub async fn drain_queue(mut rx: mpsc::Receiver<String>, mut shutdown: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            Some(item) = rx.recv() => {
                info!("processing {item}");
                thread::sleep(Duration::from_millis(10)); //~ blocking_sleep_in_async
            }
            _ = shutdown.changed() => break,
        }
    }
}

// Positive: async blocks inside `tokio::join!` are async context.
pub async fn warm_both(a: reqwest::Client, b: reqwest::Client) {
    let (_ra, _rb) = tokio::join!(
        async move { a.get("http://a.internal/warm").send().await },
        async move {
            thread::sleep(Duration::from_millis(100)); //~ blocking_sleep_in_async
            b.get("http://b.internal/warm").send().await
        },
    );
}

// Positive: an `async` block returned from a sync fn is async context when polled.
pub fn delayed(msg: String, after: Duration) -> impl Future<Output = String> {
    async move {
        thread::sleep(after); //~ blocking_sleep_in_async
        msg
    }
}

// Positive: the body of an async closure is async context.
pub async fn retry_all(urls: Vec<String>, client: reqwest::Client) {
    let attempt = async |url: String| {
        if client.get(&url).send().await.is_err() {
            thread::sleep(Duration::from_millis(200)); //~ blocking_sleep_in_async
            let _ = client.get(&url).send().await;
        }
    };
    for url in urls {
        attempt(url).await;
    }
}

// Negative: a closure defined in a sync fn and run on a thread pool outside the runtime.
pub fn pacing_hook(gap: Duration) -> impl Fn() + Send + Sync + 'static {
    move || thread::sleep(gap)
}

pub mod compat {
    use std::thread::*;
    use std::time::Duration;

    // Positive: `sleep` comes from the glob import `use std::thread::*`.
    pub async fn settle_after_reconnect() {
        sleep(Duration::from_millis(300)); //~ blocking_sleep_in_async
    }
}
