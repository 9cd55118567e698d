//! # check_then_act
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
    name: "check_then_act",
    default_severity: Severity::Medium,
    summary: "condition checked under one lock acquisition, acted on under a later one (TOCTOU)",
    source: include_str!("check_then_act.rs"),
};

#[derive(Default)]
pub struct CheckThenAct;

impl Lint for CheckThenAct {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
}
