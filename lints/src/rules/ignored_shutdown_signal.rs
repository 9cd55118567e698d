//! # ignored_shutdown_signal
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
    name: "ignored_shutdown_signal",
    default_severity: Severity::Medium,
    summary: "shutdown/cancellation parameter that is _-named or never used",
    source: include_str!("ignored_shutdown_signal.rs"),
};

#[derive(Default)]
pub struct IgnoredShutdownSignal;

impl Lint for IgnoredShutdownSignal {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
}
