//! The audit trail writer: appends every order event to a file.

use tokio::io::AsyncWriteExt;
use tracing::error;

use crate::state::AuditWriter;
use crate::Event;

impl AuditWriter {
    // Positive: `self.rx` is a `Receiver<Event>` field declared in `state.rs` (resolved at crate level).
    pub async fn run(mut self) -> std::io::Result<()> {
        let mut file = tokio::fs::OpenOptions::new().append(true).create(true).open(&self.path).await?;
        loop {
            let event = match self.rx.recv().await { //~ broadcast_lagged_exit
                Ok(event) => event,
                Err(_) => break,
            };
            let line = format!("{event:?}\n");
            if let Err(err) = file.write_all(line.as_bytes()).await {
                error!(%err, "audit write failed");
            }
        }
        file.flush().await
    }

    // Positive: `let .. else` that leaves the loop on any `Err`.
    pub async fn run_until_closed(&mut self, out: &mut Vec<Event>) {
        loop {
            let Ok(event) = self.rx.recv().await else { //~ broadcast_lagged_exit
                return;
            };
            out.push(event);
        }
    }

    // Negative: `let .. else { continue }` keeps receiving after a lag.
    pub async fn run_skipping(&mut self, out: &mut Vec<Event>) {
        for _ in 0..16 {
            let Ok(event) = self.rx.recv().await else {
                continue;
            };
            out.push(event);
        }
    }
}
