//! # lock_across_await
//!
//! ## What it does
//! Flags a `std::sync`/`parking_lot` lock guard (or a `RefCell` borrow) that is still alive at an
//! `.await` (or at a `select!`/`join!`, which await). Liveness follows Rust's drop rules: a guard
//! bound with `let` (including `let _guard`) lives to the end of its block; temporaries live to
//! the end of their statement, through a `match`, `if let` or `while let` body and a `for` loop
//! over them. A guard passed to `drop(..)`, moved into a call, or confined to an inner block that
//! closes before the await is not flagged, nor is one dropped on every path that reaches the
//! await. tokio's async mutex guards are never flagged. One finding per guard, at the lock call,
//! pointing at the first await it is held across.
//!
//! A guard the code already allows clippy's own lint for is not reported again:
//! `#[allow(..)]`/`#[expect(..)]` of `clippy::await_holding_lock` (`await_holding_refcell_ref`
//! for a `RefCell` borrow) where clippy reads it — on the async fn, or on a statement around the
//! `async` block or closure that holds the guard (clippy takes the level at the async body, so
//! an allow on the guard's own `let` silences neither clippy nor racewise). An allow on a whole
//! impl, module or crate is a blanket, not a decision about this guard: every guard under it is
//! still reported, and `broad_lint_allow` reports the allow.
//!
//! An async fn that holds a guard across its own await is reported once, in that fn, not again
//! at each caller that awaits it: the fix is in the callee. A caller whose own guard is alive
//! across `helper().await` is flagged as any other await; and if `helper` takes another lock,
//! `lock_order_inversion`/`multiple_locks_held` see that as a pair at the call.
//!
//! ## Why is this bad
//! While the task is suspended at the await, the lock stays held: every other task (or thread)
//! that wants it blocks a runtime worker, and if one of them runs on the worker that must resume
//! the holder, the program deadlocks. The future also stops being `Send`, or — with
//! `parking_lot`'s `send_guard` — becomes `Send` and unlocks on the wrong thread.
//!
//! ## Example
//! ```rust,ignore
//! async fn refresh(&self) {
//!     let mut cache = self.cache.lock().unwrap();
//!     let fresh = self.client.fetch_all().await; // lock held while waiting on the network
//!     cache.replace(fresh);
//! }
//! ```
//!
//! ## Use instead
//! ```rust,ignore
//! async fn refresh(&self) {
//!     let fresh = self.client.fetch_all().await;
//!     self.cache.lock().unwrap().replace(fresh); // lock taken after the await, held briefly
//! }
//! ```
//! If the lock really must be held across the await, use `tokio::sync::Mutex`.

use crate::finding::{Finding, Related, Severity};
use crate::lint::{CrateFinding, Hooks, Lint, RuleMeta};
use crate::semantic::syntax::{ALLOWS_AWAIT_HOLDING_LOCK, ALLOWS_AWAIT_HOLDING_REFCELL};
use crate::semantic::{CrateCx, LockKind};

pub static META: RuleMeta = RuleMeta {
    name: "lock_across_await",
    default_severity: Severity::High,
    summary: "std/parking_lot guard or RefCell borrow alive at an .await",
    source: include_str!("lock_across_await.rs"),
};

#[derive(Default)]
pub struct LockAcrossAwait;

impl Lint for LockAcrossAwait {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn hooks(&self) -> Hooks {
        Hooks::NONE
    }

    fn check_crate(&self, cx: &CrateCx, out: &mut Vec<CrateFinding>) {
        for file in 0..cx.files.len() {
            for (guard, point) in cx.first_awaits_held_across(file) {
                let Some(a) = cx.acquisition(file, guard) else {
                    continue;
                };
                let Some(kind) = cx.lock_kind(a) else {
                    continue;
                };
                let clippy_lint = match kind {
                    LockKind::RefCell => ALLOWS_AWAIT_HOLDING_REFCELL,
                    _ => ALLOWS_AWAIT_HOLDING_LOCK,
                };
                if a.clippy_allows & clippy_lint != 0 {
                    continue;
                }
                let what = if point.what == ".await" {
                    "`.await`".to_string()
                } else {
                    format!("`{}`", point.what)
                };
                out.push(CrateFinding {
                    file,
                    finding: Finding {
                        fix: None,
                        rule: META.name,
                        severity: META.default_severity,
                        region: a.region,
                        message: format!(
                            "{} guard from `{}` is held across the {what} at line {}",
                            kind.describe(),
                            a.call_text(),
                            point.region.line
                        ),
                        help: "drop the guard before awaiting (end its block or call drop(guard)), or use tokio::sync::Mutex if it must be held"
                            .into(),
                        function: a.function.clone(),
                        snippet: a.snippet.clone(),
                        related: vec![Related {
                            file: None,
                            region: point.region,
                            message: format!("{what} while the guard is alive"),
                        }],
                        in_test: a.in_test,
                    },
                });
            }
        }
    }
}
