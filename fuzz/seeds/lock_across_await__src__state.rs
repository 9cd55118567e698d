//! Shared state. `Mutex`/`RwLock` are std's here; parking_lot and tokio types are spelled out.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

use crate::inner::Inner;

pub type SessionId = u64;
pub type PeerId = String;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Message {
    pub topic: String,
    pub body: String,
}

#[derive(Debug)]
pub struct Session {
    pub token: String,
    pub expires: Instant,
    pub tx: mpsc::Sender<Message>,
}

impl Session {
    pub fn expired(&self) -> bool {
        self.expires <= Instant::now()
    }

    pub async fn close(self) {
        let _ = self.tx.send(Message { topic: "control".into(), body: "bye".into() }).await;
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Config {
    pub upstream_url: String,
    pub audit_url: String,
    pub primary: String,
    pub secondary: String,
}

#[derive(Debug, Default)]
pub struct Metrics {
    pub requests: u64,
    pub latency: Duration,
}

impl Metrics {
    pub fn observe(&mut self, took: Duration) {
        self.requests += 1;
        self.latency += took;
    }
}

#[derive(Debug, Clone)]
pub struct Subscriber {
    pub id: u64,
    pub tx: mpsc::Sender<Message>,
}

#[derive(Debug, Default)]
pub struct Peer {
    pub addr: String,
}

impl Peer {
    pub async fn connect(&mut self) -> std::io::Result<()> {
        tokio::net::TcpStream::connect(&self.addr).await.map(|_| ())
    }
}

pub struct AppState {
    pub sessions: Mutex<HashMap<SessionId, Session>>,
    pub config: RwLock<Config>,
    pub queue: Mutex<VecDeque<Message>>,
    pub metrics: parking_lot::Mutex<Metrics>,
    pub subscribers: parking_lot::RwLock<Vec<Subscriber>>,
    pub peers: tokio::sync::Mutex<HashMap<PeerId, Peer>>,
    pub routes: tokio::sync::RwLock<HashMap<String, String>>,
    pub inner: Arc<Inner>,
    pub http: reqwest::Client,
}
