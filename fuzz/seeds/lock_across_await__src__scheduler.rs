//! Job scheduler: a queue of jobs drained by async workers.

use std::collections::VecDeque;
use std::mem;
use std::sync::Arc;
use std::sync::Mutex as StdMutex;
use std::time::Duration;

use tokio::sync::{mpsc, watch, Notify};

use crate::inner::Inner;

#[derive(Debug, Clone)]
pub struct Job {
    pub id: u64,
    pub owner: String,
}

#[derive(Debug, Default)]
pub struct Stats {
    pub paused: bool,
    pub wakeups: u64,
    pub shutdowns: u64,
}

pub struct Reporter {
    http: reqwest::Client,
}

impl Reporter {
    pub async fn gauge(&self, name: &str, value: usize) {
        let _ = self.http.post("http://metrics.internal/gauge").body(format!("{name} {value}")).send().await;
    }
}

pub struct Scheduler {
    pub queue: StdMutex<VecDeque<Job>>,
    pub stats: StdMutex<Stats>,
    pub wakeup: Notify,
    pub reporter: Reporter,
    pub inner: Arc<Inner>,
}

impl Scheduler {
    async fn run(&self, job: Job) {
        tokio::time::sleep(Duration::from_millis(job.id % 10)).await;
    }

    async fn park(&self, job: Job) {
        tokio::time::sleep(Duration::from_secs(1)).await;
        self.queue.lock().unwrap().push_back(job);
    }

    async fn pick_owner(&self, id: u64) -> String {
        tokio::task::yield_now().await;
        format!("worker-{}", id % 4)
    }

    // Positive: a `while let` scrutinee's temporary guard lives for the whole loop body.
    pub async fn drain(&self) {
        while let Some(job) = self.queue.lock().unwrap().pop_front() { //~ lock_across_await
            self.run(job).await;
        }
    }

    // Negative: the pop is its own statement, so its temporary guard is gone before the await.
    pub async fn drain_fixed(&self) {
        loop {
            let next = self.queue.lock().unwrap().pop_front();
            let Some(job) = next else { break };
            self.run(job).await;
        }
    }

    // Negative: a `let .. else` initializer's temporaries are dropped at the end of that statement.
    pub async fn drain_let_else(&self) {
        loop {
            let Some(job) = self.queue.lock().unwrap().pop_front() else { break };
            self.run(job).await;
        }
    }

    // Positive: a `for` loop's iterator expression (and its temporary guard) lives for the whole loop.
    pub async fn flush_all(&self) {
        for job in self.queue.lock().unwrap().drain(..) { //~ lock_across_await
            self.run(job).await;
        }
    }

    // Negative: the jobs are taken out under a short-lived guard, then run.
    pub async fn flush_all_fixed(&self) {
        let jobs = mem::take(&mut *self.queue.lock().unwrap());
        for job in jobs {
            self.run(job).await;
        }
    }

    // Positive: the guard is alive while `tokio::select!` awaits its branches.
    pub async fn wait_tick(&self, shutdown: &mut watch::Receiver<bool>) {
        let mut stats = self.stats.lock().unwrap(); //~ lock_across_await
        tokio::select! {
            _ = self.wakeup.notified() => stats.wakeups += 1,
            _ = shutdown.changed() => stats.shutdowns += 1,
        }
    }

    // Positive: the guard is taken inside a `select!` arm body and held across an await in that body.
    pub async fn serve(&self, mut rx: mpsc::Receiver<Job>, mut shutdown: watch::Receiver<bool>) {
        loop {
            tokio::select! {
                Some(job) = rx.recv() => {
                    let mut queue = self.queue.lock().unwrap(); //~ lock_across_await
                    queue.push_back(job);
                    self.reporter.gauge("queued", queue.len()).await;
                }
                _ = shutdown.changed() => break,
            }
        }
    }

    // Positive: dropped on one path only; on the other the guard is still alive at the await.
    pub async fn maybe_backoff(&self, failures: u32) {
        let stats = self.stats.lock().unwrap(); //~ lock_across_await
        if stats.paused {
            drop(stats);
        }
        tokio::time::sleep(Duration::from_millis(100 * u64::from(failures))).await;
    }

    // Negative: dropped on every path before either await.
    pub async fn run_or_park(&self, job: Job) {
        let stats = self.stats.lock().unwrap();
        if stats.paused {
            drop(stats);
            self.park(job).await;
        } else {
            drop(stats);
            self.run(job).await;
        }
    }

    // Positive: shadowing the binding does not drop the guard it held.
    pub async fn report_depth(&self) {
        let pending = self.queue.lock().unwrap(); //~ lock_across_await
        let pending = pending.len();
        self.reporter.gauge("pending", pending).await;
    }

    // Positive: a temporary guard in an awaited call's argument lives to the end of the statement, past the await.
    pub async fn report_len(&self) {
        self.reporter.gauge("pending", self.queue.lock().unwrap().len()).await; //~ lock_across_await
    }

    // Negative: the guard in the logging macro's arguments is a temporary of that statement only.
    pub async fn log_len(&self) {
        tracing::info!("pending jobs: {}", self.queue.lock().unwrap().len());
        self.reporter.gauge("logged", 1).await;
    }

    // Positive: one guard alive across several awaits is one finding; `owners` is declared in inner.rs.
    pub async fn rebalance(&self, ids: &[u64]) {
        let mut owners = self.inner.owners.lock().unwrap(); //~ lock_across_await
        for id in ids {
            let owner = self.pick_owner(*id).await;
            owners.insert(*id, owner);
            self.reporter.gauge("rebalanced", owners.len()).await;
        }
    }

    // Negative: the guard lives in an inner block that closes before the await.
    pub async fn requeue(&self, failed: Vec<Job>) {
        {
            let mut queue = self.queue.lock().unwrap();
            queue.extend(failed);
        }
        self.wakeup.notify_one();
        self.reporter.gauge("requeued", 1).await;
    }

    // Negative: `mem::drop` (std's drop via `use std::mem`) releases the guard before the await.
    pub async fn pause(&self) {
        let mut stats = self.stats.lock().unwrap();
        stats.paused = true;
        mem::drop(stats);
        self.reporter.gauge("paused", 1).await;
    }
}
