use std::future::Future;
use std::path::PathBuf;
use std::process;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use tokio::sync::{mpsc, oneshot};
use tokio::task::{self, JoinHandle, JoinSet};
use tracing::{error, info, warn};

#[derive(Debug, Clone)]
pub struct Job {
    pub id: u64,
    pub name: String,
    pub deadline: Option<Instant>,
}

pub async fn run_once(job: &str) -> anyhow::Result<()> {
    info!("running {job} once");
    Ok(())
}

async fn execute(job: &Job) -> anyhow::Result<()> {
    info!("executing {}", job.name);
    Ok(())
}

fn migrate_sync(path: &PathBuf) -> std::io::Result<()> {
    info!("migrating {}", path.display());
    Ok(())
}

// Positive: the future passed to `tokio::spawn` is async context; exiting there kills every worker mid-job.
pub fn spawn_ctrl_c_handler() -> JoinHandle<()> {
    tokio::spawn(async {
        let _ = tokio::signal::ctrl_c().await;
        info!("ctrl-c received");
        std::process::exit(130); //~ exit_in_async
    })
}

// Positive: a plain closure lexically inside an async fn runs on the runtime thread too.
pub async fn run_worker(mut rx: mpsc::Receiver<Job>, worker: usize) {
    while let Some(job) = rx.recv().await {
        let deadline = job.deadline.unwrap_or_else(|| {
            error!("worker {worker}: job {} has no deadline", job.id);
            ::std::process::exit(70) //~ exit_in_async
        });
        if Instant::now() < deadline {
            let _ = execute(&job).await;
        }
    }
}

// Positive: exit inside a `tokio::select!` arm body.
pub async fn supervise(mut workers: JoinSet<()>, mut fatal_rx: mpsc::Receiver<String>) {
    loop {
        tokio::select! {
            Some(res) = workers.join_next() => {
                if let Err(err) = res {
                    error!("worker crashed: {err}");
                }
            }
            Some(reason) = fatal_rx.recv() => {
                error!("fatal: {reason}");
                std::process::exit(2); //~ exit_in_async
            }
            else => break,
        }
    }
}

// Positive: an `async move` block built by a sync fn is async context once it is polled.
pub fn abort_when_orphaned(parent_alive: oneshot::Receiver<()>) -> impl Future<Output = ()> {
    async move {
        if parent_alive.await.is_err() {
            process::abort(); //~ exit_in_async
        }
    }
}

// Positive: an async closure body is async context.
pub async fn run_with_fatal_handler(jobs: Vec<Job>) {
    let on_fatal = async |code: i32| {
        warn!("flushing before exit");
        tokio::time::sleep(Duration::from_millis(50)).await;
        process::exit(code) //~ exit_in_async
    };
    for job in &jobs {
        if execute(job).await.is_err() {
            on_fatal(3).await;
        }
    }
}

// Negative: the closure given to `spawn_blocking` runs on the blocking pool, not in async context.
pub async fn run_migration(path: PathBuf) -> anyhow::Result<()> {
    task::spawn_blocking(move || {
        if let Err(err) = migrate_sync(&path) {
            eprintln!("migration failed: {err}");
            std::process::exit(65);
        }
    })
    .await?;
    Ok(())
}

// Negative: a dedicated OS thread from `std::thread::spawn` is not async context.
pub async fn start_watchdog(heartbeat: Arc<AtomicU64>) {
    let last_seen = heartbeat.load(Ordering::Relaxed);
    std::thread::spawn(move || loop {
        std::thread::sleep(Duration::from_secs(10));
        if heartbeat.load(Ordering::Relaxed) == last_seen {
            eprintln!("event loop stalled");
            std::process::abort();
        }
    });
}

// Negative: a nested non-async `fn` item is its own sync context, even inside an async fn.
pub async fn run_all(jobs: Vec<Job>) {
    fn fatal(msg: &str) -> ! {
        eprintln!("supervisor: {msg}");
        std::process::exit(1)
    }
    if jobs.is_empty() {
        fatal("no jobs configured");
    }
    for job in &jobs {
        let _ = execute(job).await;
    }
}

#[async_trait]
pub trait FailureHook: Send + Sync {
    async fn on_failure(&self, job: &Job, err: &anyhow::Error);
}

pub struct FailFast;

#[async_trait]
impl FailureHook for FailFast {
    // Positive: `#[async_trait]` methods are async fns in the source racewise reads.
    async fn on_failure(&self, job: &Job, err: &anyhow::Error) {
        error!("job {} failed: {err:#}", job.id);
        std::process::exit(1); //~ exit_in_async
    }
}

pub struct LogOnly;

#[async_trait]
impl FailureHook for LogOnly {
    // Negative: logs and carries on.
    async fn on_failure(&self, job: &Job, err: &anyhow::Error) {
        warn!("job {} failed: {err:#}", job.id);
    }
}

pub mod watchdog {
    // `process` here is the parent module's `use std::process;`.
    use super::process;

    // Positive: `super::process` resolves to `std::process`, so this is `std::process::exit`.
    pub async fn on_stall(secs: u64) {
        tracing::error!("event loop stalled for {secs}s");
        process::exit(75); //~ exit_in_async
    }
}
