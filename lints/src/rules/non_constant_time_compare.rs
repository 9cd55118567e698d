//! # non_constant_time_compare
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
    name: "non_constant_time_compare",
    default_severity: Severity::Medium,
    summary: "==/!= on a token/secret/signature/HMAC value",
    source: include_str!("non_constant_time_compare.rs"),
};

#[derive(Default)]
pub struct NonConstantTimeCompare;

impl Lint for NonConstantTimeCompare {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
}
