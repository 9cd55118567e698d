//! # nonunique_temp_path
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
    name: "nonunique_temp_path",
    default_severity: Severity::Medium,
    summary: "temp-file path made unique only by std::process::id()",
    source: include_str!("nonunique_temp_path.rs"),
};

#[derive(Default)]
pub struct NonuniqueTempPath;

impl Lint for NonuniqueTempPath {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
}
