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

bitflags::bitflags! {
    /// The kinds of expression a rule's `check_expr` looks at. The walker visits every
    /// expression and calls `check_expr` only on rules whose kinds include it: most rules look
    /// at calls or method calls, and calling every rule on every expression was a measurable
    /// share of a run.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct ExprKinds: u16 {
        const CALL = 1 << 0;
        const METHOD_CALL = 1 << 1;
        const BINARY = 1 << 2;
        const MATCH = 1 << 3;
        const IF = 1 << 4;
        const WHILE = 1 << 5;
        const CLOSURE = 1 << 6;
        const MACRO = 1 << 7;
        const AWAIT = 1 << 8;
        /// Every other kind of expression.
        const OTHER = 1 << 15;
    }
}

impl ExprKinds {
    pub const ALL: ExprKinds = ExprKinds::all();

    pub fn of(e: &syn::Expr) -> ExprKinds {
        match e {
            syn::Expr::Call(_) => Self::CALL,
            syn::Expr::MethodCall(_) => Self::METHOD_CALL,
            syn::Expr::Binary(_) => Self::BINARY,
            syn::Expr::Match(_) => Self::MATCH,
            syn::Expr::If(_) => Self::IF,
            syn::Expr::While(_) => Self::WHILE,
            syn::Expr::Closure(_) => Self::CLOSURE,
            syn::Expr::Macro(_) => Self::MACRO,
            syn::Expr::Await(_) => Self::AWAIT,
            _ => Self::OTHER,
        }
    }
}

bitflags::bitflags! {
    /// The per-file hooks a rule implements, so the walker skips calling the others (a call per
    /// statement per rule adds up).
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct Hooks: u8 {
        const FILE = 1 << 0;
        const ITEM = 1 << 1;
        const FN = 1 << 2;
        const STMT = 1 << 3;
        const EXPR = 1 << 4;
        const MACRO = 1 << 5;
    }
}

impl Hooks {
    pub const NONE: Hooks = Hooks::empty();
    pub const ALL: Hooks = Hooks::all();
}

pub trait Lint {
    fn meta(&self) -> &'static RuleMeta;
    /// Which `check_*` hooks this rule implements (see [`Hooks`]); all by default.
    fn hooks(&self) -> Hooks {
        Hooks::ALL
    }
    /// What `check_expr` looks at (see [`ExprKinds`]); consulted only when `hooks` has `EXPR`.
    fn expr_kinds(&self) -> ExprKinds {
        ExprKinds::ALL
    }
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
