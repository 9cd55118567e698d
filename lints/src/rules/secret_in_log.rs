//! # secret_in_log
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
    name: "secret_in_log",
    default_severity: Severity::High,
    summary: "token/secret/password/api key formatted into a log or print macro",
    source: include_str!("secret_in_log.rs"),
};

#[derive(Default)]
pub struct SecretInLog;

impl Lint for SecretInLog {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
}
