//! # broadcast_lagged_exit
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
    name: "broadcast_lagged_exit",
    default_severity: Severity::High,
    summary: "broadcast receive loop that ends (or select! arm that disables) on Lagged",
    source: include_str!("broadcast_lagged_exit.rs"),
};

#[derive(Default)]
pub struct BroadcastLaggedExit;

impl Lint for BroadcastLaggedExit {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
}
