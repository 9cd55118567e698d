//! Connection acceptance and fan-out.

use tokio::net::TcpStream;
use tokio::runtime::Handle;
use tokio::sync::mpsc;
use tokio::task;
use tokio::task::JoinHandle;

use crate::state::{ping, refresh_presence, Gateway, Peer};

async fn handle_conn(_conn: TcpStream) {}

impl Gateway {
    // Positive: the presence refresher is detached with a bare statement.
    pub fn start_presence(&self) {
        tokio::spawn(refresh_presence(self.peers.clone())); //~ detached_spawn
    }

    // Positive: `let _ =` on `task::spawn` (resolved through `use tokio::task`).
    pub fn start_pinger(&self) {
        let peers = self.peers.clone();
        let _ = task::spawn(async move { //~ detached_spawn
            for p in peers {
                ping(p).await;
            }
        });
    }

    // Positive: each ping is detached inside a `for_each` closure.
    pub fn ping_all(&self) {
        self.peers.iter().for_each(|p| {
            tokio::spawn(ping(p.clone())); //~ detached_spawn
        });
    }

    // Positive: spawned on the gateway's own runtime (field typed in another file), handle dropped.
    pub fn start_on_runtime(&self) {
        self.runtime.spawn(refresh_presence(self.peers.clone())); //~ detached_spawn
    }

    // Positive: `Handle::current().spawn(..)` discarded.
    pub fn start_on_current(&self, peer: Peer) {
        Handle::current().spawn(ping(peer)); //~ detached_spawn
    }

    // Positive: `drop(..)` of a fresh handle is explicit, but still detaches.
    pub fn kick(&self, peer: Peer) {
        drop(tokio::spawn(ping(peer))); //~ detached_spawn
    }

    // Positive: every accepted connection runs detached, from inside `select!`.
    pub async fn accept_loop(&mut self, mut conns: mpsc::Receiver<TcpStream>, mut stop: mpsc::Receiver<()>) {
        loop {
            tokio::select! {
                Some(conn) = conns.recv() => {
                    tokio::spawn(handle_conn(conn)); //~ detached_spawn
                }
                _ = stop.recv() => break,
            }
        }
    }

    // Negative: handles are kept in a Vec and a map.
    pub fn start_tracked(&mut self, id: u64, peer: Peer) {
        self.tasks.push(tokio::spawn(ping(peer.clone())));
        let jh = tokio::spawn(ping(peer));
        self.sessions.insert(id, jh);
    }

    // Negative: spawned on a JoinSet and a TaskTracker, which keep the tasks.
    pub fn start_supervised(&mut self, peer: Peer) {
        let p = peer.clone();
        self.set.spawn(async move {
            ping(p).await;
            Ok(())
        });
        self.tracker.spawn(ping(peer));
    }

    // Negative: the handle is returned to the caller.
    pub fn start_returning(&self) -> JoinHandle<()> {
        tokio::spawn(refresh_presence(self.peers.clone()))
    }

    // Negative: awaited right away, and aborted on demand.
    pub async fn refresh_now(&self, peer: Peer) -> anyhow::Result<()> {
        tokio::spawn(refresh_presence(self.peers.clone())).await?;
        let h = tokio::spawn(ping(peer));
        h.abort();
        Ok(())
    }

    // Negative: a handle kept in an Option field-like local and awaited later.
    pub async fn with_optional(&self, peer: Option<Peer>) {
        let pending = peer.map(|p| tokio::spawn(ping(p)));
        if let Some(h) = pending {
            let _ = h.await;
        }
    }
}
