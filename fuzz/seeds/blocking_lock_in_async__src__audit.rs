//! Append-only audit trail. `AuditLog::lock` seals the open segment; it is not a mutex.

use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Debug, Clone)]
pub struct Event {
    pub actor: String,
    pub action: String,
}

#[derive(Debug)]
pub struct SealedSegment {
    pub seq: u64,
}

#[derive(Default)]
pub struct AuditLog {
    segments: tokio::sync::Mutex<Vec<Vec<Event>>>,
    sealed: AtomicU64,
}

impl AuditLog {
    /// Seal the current segment so no more events are appended to it.
    pub fn lock(&self) -> SealedSegment {
        SealedSegment { seq: self.sealed.fetch_add(1, Ordering::SeqCst) }
    }

    // Negative: `segments` is a tokio mutex; its `lock()` is awaited.
    pub async fn append(&self, event: Event) {
        let mut segments = self.segments.lock().await;
        match segments.last_mut() {
            Some(open) => open.push(event),
            None => segments.push(vec![event]),
        }
    }

    pub async fn archive(&self, segment: SealedSegment) -> usize {
        let segments = self.segments.lock().await;
        segments.get(segment.seq as usize).map_or(0, Vec::len)
    }
}
