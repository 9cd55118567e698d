//! Background job worker driven by a `select!` loop.

use std::collections::HashMap;
use std::sync::RwLock;

use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

pub struct Job {
    pub id: u64,
}

impl Job {
    pub async fn run(&self) -> anyhow::Result<()> {
        Ok(())
    }
}

pub struct Worker {
    pub jobs: mpsc::Receiver<Job>,
    pub results: mpsc::Sender<u64>,
    pub stats: RwLock<HashMap<u64, u32>>,
}

impl Worker {
    // Positive: job failures are swallowed by an empty arm; the result send inside `select!` too.
    pub async fn run(mut self, mut shutdown: oneshot::Receiver<()>) -> usize {
        let mut done = 0;
        loop {
            tokio::select! {
                Some(job) = self.jobs.recv() => {
                    match job.run().await {
                        Ok(()) => done += 1,
                        Err(_) => {} //~ swallowed_result
                    }
                    let _ = self.results.send(job.id).await; //~ swallowed_result
                }
                _ = &mut shutdown => break,
            }
        }
        done
    }

    // Positive: `Err(_e) => ()` does nothing either.
    pub async fn run_one(&self, job: Job) {
        match job.run().await {
            Ok(()) => {}
            Err(_e) => (), //~ swallowed_result
        }
    }

    // Negative: failures skip to the next job visibly (`continue`) and a default is used.
    pub async fn run_batch(&self, jobs: Vec<Job>) -> u32 {
        let mut ok = 0;
        for job in jobs {
            let attempts = match self.stats.read() {
                Ok(s) => s.get(&job.id).copied().unwrap_or(0),
                Err(_) => 0,
            };
            match job.run().await {
                Ok(()) => ok += 1 + attempts,
                Err(_) => continue,
            }
        }
        ok
    }

    // Negative: `write()` without an argument is an RwLock acquisition, not io::Write.
    pub fn reset(&self) {
        let _ = self.stats.write();
    }

    // Negative: awaiting a JoinHandle is not on the known-fallible list.
    pub async fn join(handle: JoinHandle<()>) {
        let _ = handle.await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Negative: test code.
    #[tokio::test]
    async fn results_flow() {
        let (tx, mut rx) = mpsc::channel(1);
        let _ = tx.send(1).await;
        tx.send(2).await.ok();
        assert_eq!(rx.recv().await, Some(1));
    }
}
