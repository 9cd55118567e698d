//! # lock_order_inversion
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
    name: "lock_order_inversion",
    default_severity: Severity::High,
    summary: "two locks taken in opposite orders in different places of the crate",
    source: include_str!("lock_order_inversion.rs"),
};

#[derive(Default)]
pub struct LockOrderInversion;

impl Lint for LockOrderInversion {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
}
