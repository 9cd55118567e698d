//! The interface every rule implements, and the contexts rules see.
//!
//! Per-file hooks (`check_*`) are called by the semantic walker as it interprets the file, so a
//! rule sees every expression — including those re-parsed from inside known macros — together with
//! the facts the walker maintains (async context, resolved paths, local types). Crate-wide rules
//! implement `check_crate` and read the facts all files left behind (acquisitions, awaits, the
//! crate index).

use crate::finding::{Finding, Severity};
use crate::semantic::{CrateCx, Cx, FnView, ItemView, MacroView};

/// A rule's public identity. `docs` is the rule file's own `//!` documentation.
#[derive(Debug)]
pub struct RuleMeta {
    pub name: &'static str,
    pub default_severity: Severity,
    pub summary: &'static str,
    pub source: &'static str,
}

impl RuleMeta {
    /// The four-part documentation at the top of the rule's file, without the `//!` markers.
    pub fn docs(&self) -> String {
        let mut out = String::new();
        for line in self.source.lines() {
            let Some(rest) = line.strip_prefix("//!") else {
                break;
            };
            out.push_str(rest.strip_prefix(' ').unwrap_or(rest));
            out.push('\n');
        }
        out
    }
}

pub trait Lint {
    fn meta(&self) -> &'static RuleMeta;
    fn check_file(&mut self, _cx: &Cx, _file: &syn::File) {}
    fn check_item(&mut self, _cx: &Cx, _item: &ItemView) {}
    fn check_fn(&mut self, _cx: &Cx, _f: &FnView) {}
    fn check_stmt(&mut self, _cx: &Cx, _stmt: &syn::Stmt) {}
    fn check_expr(&mut self, _cx: &Cx, _expr: &syn::Expr) {}
    fn check_macro(&mut self, _cx: &Cx, _mac: &MacroView) {}
    /// Crate-wide phase: called once per crate, after every file was walked.
    fn check_crate(&self, _cx: &CrateCx, _out: &mut Vec<CrateFinding>) {}
    /// A `Cargo.toml` (crate or workspace manifest) under the scan root, as text. Findings are
    /// reported against that manifest.
    fn check_manifest(&self, _text: &str) -> Vec<Finding> {
        Vec::new()
    }
}

/// A finding from the crate-wide phase, with the index of its file in `CrateCx::files`.
#[derive(Debug, Clone)]
pub struct CrateFinding {
    pub file: usize,
    pub finding: Finding,
}
