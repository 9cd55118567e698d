use std::collections::HashMap;
use std::sync::Arc;

use tokio::runtime::Runtime;
use tokio::task::{JoinHandle, JoinSet};
use tokio_util::task::TaskTracker;

#[derive(Clone)]
pub struct Peer {
    pub addr: String,
}

pub struct Gateway {
    pub runtime: Arc<Runtime>,
    pub tasks: Vec<JoinHandle<()>>,
    pub sessions: HashMap<u64, JoinHandle<()>>,
    pub set: JoinSet<anyhow::Result<()>>,
    pub tracker: TaskTracker,
    pub peers: Vec<Peer>,
}

#[derive(Clone)]
pub struct AppState {
    pub mailer: Arc<Mailer>,
}

pub struct Mailer;

impl Mailer {
    pub async fn send_welcome(&self, _to: &str) -> anyhow::Result<()> {
        Ok(())
    }
}

pub async fn ping(_peer: Peer) {}

pub async fn refresh_presence(_peers: Vec<Peer>) {}
