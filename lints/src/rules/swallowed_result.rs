//! # swallowed_result
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
    name: "swallowed_result",
    default_severity: Severity::Medium,
    summary: "error silenced with .ok(), filter_map(Result::ok), Err(_) => {} or let _ = on a fallible call",
    source: include_str!("swallowed_result.rs"),
};

#[derive(Default)]
pub struct SwallowedResult;

impl Lint for SwallowedResult {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
}
