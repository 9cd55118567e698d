//! # unused_suppression
//!
//! ## What it does
//! Reports a racewise suppression comment — `// racewise: allow(rule) -- reason` — that
//! suppressed nothing, names an unknown rule, or gives no reason after `--`.
//!
//! ## Why is this bad
//! A suppression that matches nothing is noise that outlives the code it was written for, and
//! it will silently hide the next real finding that lands on that line. A suppression without a
//! reason leaves reviewers and auditors unable to tell a considered exception from a shortcut.
//!
//! ## Example
//! ```rust,ignore
//! // racewise: allow(blocking_fs_in_async)
//! let cfg = tokio::fs::read_to_string(path).await?; // nothing to suppress, and no reason
//! ```
//!
//! ## Use instead
//! ```rust,ignore
//! let cfg = tokio::fs::read_to_string(path).await?;
//! // or, where a suppression is really needed:
//! // racewise: allow(blocking_fs_in_async) -- startup, before the server accepts requests
//! let cfg = std::fs::read_to_string(path)?;
//! ```
//!
//! `racewise check --fix` deletes a suppression that suppresses nothing (safe fix): its whole
//! line, or the comment after code. One naming an unknown rule, malformed, or only missing its
//! reason is left for a person to correct.

use crate::finding::Severity;
use crate::lint::{Hooks, Lint, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    name: "unused_suppression",
    default_severity: Severity::Low,
    summary: "racewise suppression that suppresses nothing or has no reason",
    source: include_str!("unused_suppression.rs"),
};

/// Suppression comments are parsed and matched by the analyzer (`analyzer/src/suppress.rs`),
/// which reports this rule's findings once every other rule's findings in the file were
/// matched; this type only carries the rule's identity.
#[derive(Default)]
pub struct UnusedSuppression;

impl Lint for UnusedSuppression {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn hooks(&self) -> Hooks {
        Hooks::NONE
    }
}
