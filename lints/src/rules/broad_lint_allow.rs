//! # broad_lint_allow
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
    name: "broad_lint_allow",
    default_severity: Severity::Medium,
    summary: "#[allow(clippy::await_holding_lock)]-style allow on a whole fn/impl/module/crate",
    source: include_str!("broad_lint_allow.rs"),
};

#[derive(Default)]
pub struct BroadLintAllow;

impl Lint for BroadLintAllow {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
}
