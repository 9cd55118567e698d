//! racewise-lints: the rules racewise checks, and the semantic model they share.
//!
//! - [`semantic`]: name resolution, types, the crate index, macro parsing and the walker.
//! - [`rules`]: one module per rule, each opening with its documentation.
//! - [`registry`]: the catalog of rules by name.

pub mod finding;
pub mod lint;
pub mod registry;
pub mod rules;
pub mod semantic;

pub use finding::{Finding, Fix, Region, Related, Safety, Severity, TextEdit};
pub use lint::{CrateFinding, Lint, RuleMeta};
