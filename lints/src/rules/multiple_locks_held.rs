//! # multiple_locks_held
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
    name: "multiple_locks_held",
    default_severity: Severity::Low,
    summary: "two or more lock guards alive at once",
    source: include_str!("multiple_locks_held.rs"),
};

#[derive(Default)]
pub struct MultipleLocksHeld;

impl Lint for MultipleLocksHeld {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
}
