//! # detached_spawn
//!
//! ## What it does
//! (not implemented yet)
//!
//! ## Why is this bad
//! (not implemented yet)
//!
//! ## Example
//! (not implemented yet)
//!
//! ## Use instead
//! (not implemented yet)

use crate::finding::Severity;
use crate::lint::{Lint, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    name: "detached_spawn",
    default_severity: Severity::Low,
    summary: "spawned task's JoinHandle dropped",
    source: include_str!("detached_spawn.rs"),
};

#[derive(Default)]
pub struct DetachedSpawn;

impl Lint for DetachedSpawn {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
}
