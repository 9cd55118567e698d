use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// The embedded job history table behind a std mutex.
pub type SharedDb = Arc<Mutex<Db>>;

/// The same table behind tokio's mutex.
pub type AsyncDb = Arc<tokio::sync::Mutex<Db>>;

#[derive(Debug, Clone)]
pub struct Row {
    pub job: u64,
    pub outcome: String,
}

#[derive(Default)]
pub struct Db {
    rows: BTreeMap<u64, Row>,
    dirty: bool,
}

impl Db {
    pub fn insert(&mut self, row: Row) {
        self.rows.insert(row.job, row);
        self.dirty = true;
    }

    pub fn flush(&mut self) {
        self.dirty = false;
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }
}
