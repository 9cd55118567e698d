//! Background maintenance, started from main.

use std::time::Duration;

use tokio::runtime::Runtime;
use tokio::spawn as go;
use tokio::task::{spawn_blocking, spawn_local, JoinHandle};

use crate::rt::{self, Pool};
use crate::state::{ping, Peer};

async fn compact() {}

fn rebuild_index() {}

// Positive: alias of `tokio::spawn`, assigned to `_`.
pub fn start_compactor() {
    _ = go(compact()); //~ detached_spawn
}

// Positive: a `!Send` task on the local set, handle discarded.
pub fn start_local(peer: Peer) {
    spawn_local(ping(peer)); //~ detached_spawn
}

// Positive: `rt.spawn` on a runtime parameter.
pub fn start_on(rt: &Runtime) {
    rt.spawn(compact()); //~ detached_spawn
}

// Positive: typed `let _` is still a discard.
pub fn start_typed() {
    let _: JoinHandle<()> = tokio::task::spawn(compact()); //~ detached_spawn
}

// Negative: a blocking task (not cancellable anyway) and an OS thread are out of scope.
pub fn start_index_rebuild() {
    spawn_blocking(rebuild_index);
    std::thread::spawn(|| {
        std::thread::sleep(Duration::from_secs(60));
        rebuild_index();
    });
}

// Negative: the crate-local executor's `spawn`, free fn and method, is not tokio's.
pub fn start_on_pool(pool: &Pool) {
    rt::spawn(compact());
    pool.spawn(compact());
}

// Negative: the handles are collected and awaited.
pub async fn run_all(peers: Vec<Peer>) {
    let handles: Vec<_> = peers.into_iter().map(|p| tokio::spawn(ping(p))).collect();
    for h in handles {
        let _ = h.await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Negative: test code.
    #[tokio::test]
    async fn compactor_runs() {
        tokio::spawn(compact());
        let _ = tokio::spawn(compact());
    }
}
