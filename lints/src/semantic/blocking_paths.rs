//! Project-specific blocking functions (`blocking_paths` in `racewise.toml`): which calls match
//! a configured path. The blocking-in-async rules use this to flag them in async context, the
//! context-aware deny list that clippy's `disallowed_methods` cannot be.
//!
//! An entry matches a resolved path in full or its trailing segments (`Db::get` and
//! `store::Db::get` both match `crate::store::Db::get`). A method matches by its receiver's
//! type: known in the file, or settled in the crate phase when the type is declared elsewhere
//! (`self.db.get(..)` with `db: Db` a field of a struct in another file).

use crate::finding::Finding;

use super::facts::{ConfiguredMethod, Pending};
use super::{Cx, TyExpr};

/// The first entry of `patterns` that matches `path` in full or at a `::` boundary inside it.
pub fn matching<'p>(patterns: &'p [String], path: &str) -> Option<&'p String> {
    patterns.iter().find(|p| {
        matches(p, path)
            || path
                .match_indices("::")
                .any(|(i, _)| matches(p, &path[i + 2..]))
    })
}

/// Whether some entry could name a method called `method` (its last segment is the name, or a
/// glob): only those calls are worth deferring.
fn may_name_method(patterns: &[String], method: &str) -> bool {
    patterns.iter().any(|p| {
        let last = crate::semantic::syntax::last_segment(p);
        last.contains('*') || last == method
    })
}

/// Whether `path` matches `pattern`, where `*` stands for any run of characters, `::` included
/// (`reqwest::blocking::*` matches `reqwest::blocking::get` and `reqwest::blocking::Client::new`).
pub fn matches(pattern: &str, path: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == path;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !path.starts_with(first) || path.len() < first.len() + last.len() {
        return false;
    }
    let mut rest = &path[first.len()..];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(i) => rest = &rest[i + mid.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

/// A call to a configured blocking path.
#[derive(Debug, Clone)]
pub struct BlockingCall {
    /// The called path as racewise resolved it (`crate::db::query_sync`,
    /// `reqwest::blocking::Client::get`).
    pub path: String,
    /// The `blocking_paths` entry it matched.
    pub pattern: String,
    pub span: proc_macro2::Span,
}

impl Cx<'_> {
    /// If `e` calls a function (by its resolved path) or a method (on a receiver whose type is
    /// known in this file) listed in `blocking_paths`, which one. Calls through local bindings,
    /// and methods on receivers of unknown type, are not matched: silence over a guess.
    pub fn configured_blocking_call(&self, e: &syn::Expr) -> Option<BlockingCall> {
        use syn::spanned::Spanned;
        let patterns = &self.core.opts.blocking_paths;
        if patterns.is_empty() {
            return None;
        }
        let (path, span) = match e {
            syn::Expr::Call(call) => (self.callee(call)?, call.func.span()),
            syn::Expr::MethodCall(mc) => {
                let TyExpr::Known(ty) = self.type_of(&mc.receiver) else {
                    return None;
                };
                let owner = ty.peel().path_str()?.to_string();
                (format!("{owner}::{}", mc.method), mc.method.span())
            }
            _ => return None,
        };
        let pattern = matching(patterns, &path)?;
        Some(BlockingCall {
            path,
            pattern: pattern.clone(),
            span,
        })
    }
}

impl Cx<'_> {
    /// A method call `configured_blocking_call` could not settle because its receiver's type
    /// is only known crate-wide (a field or return type declared in another file, a re-export):
    /// `finding()` is reported in the crate phase if the type's method is listed, with the
    /// message `message(resolved path, entry)`. Made only when that can happen: this is asked
    /// for every method call in async code, and nearly never with `blocking_paths` set.
    pub fn defer_configured_method(
        &self,
        e: &syn::Expr,
        finding: impl FnOnce() -> Finding,
        message: fn(&str, &str) -> String,
    ) {
        let patterns = &self.core.opts.blocking_paths;
        let syn::Expr::MethodCall(mc) = e else {
            return;
        };
        if patterns.is_empty() || !may_name_method(patterns, &mc.method.to_string()) {
            return;
        }
        let receiver = self.type_of(&mc.receiver);
        let settled_here = match &receiver {
            TyExpr::Known(t) => !t.mentions_crate_path(),
            other => other.is_unknown(),
        };
        if settled_here {
            return;
        }
        let finding = finding();
        self.core.out.borrow_mut().pending.push(Pending {
            finding,
            conditions: Vec::new(),
            configured: Some(ConfiguredMethod {
                receiver,
                method: mc.method.to_string(),
                message,
            }),
            unless_callee: None,
            worker_fn: self.worker_fn(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::{matches, matching};

    #[test]
    fn globs() {
        assert!(matches("crate::db::query_sync", "crate::db::query_sync"));
        assert!(!matches("crate::db::query_sync", "crate::db::query_sync2"));
        assert!(matches("reqwest::blocking::*", "reqwest::blocking::get"));
        assert!(matches(
            "reqwest::blocking::*",
            "reqwest::blocking::Client::new"
        ));
        assert!(!matches("reqwest::blocking::*", "reqwest::get"));
        assert!(matches("crate::db::*_sync", "crate::db::query_sync"));
        assert!(!matches("crate::db::*_sync", "crate::db::query_async_now"));
        assert!(matches("*::query_sync", "crate::db::query_sync"));
        let p = ["Db::get".to_string(), "crate::cache::*_sync".to_string()];
        assert!(matching(&p, "crate::store::Db::get").is_some());
        assert!(matching(&p, "crate::store::OldDb::get").is_none());
        assert!(matching(&p, "crate::store::Db::get_many").is_none());
        assert!(matching(&p, "crate::cache::flush_sync").is_some());
    }
}
