//! Project-specific blocking functions (`blocking_paths` in `racewise.toml`): which calls match
//! a configured path. The blocking-in-async rules use this to flag them in async context, the
//! context-aware deny list that clippy's `disallowed_methods` cannot be.

use super::{Cx, TyExpr};

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
        let pattern = patterns.iter().find(|p| matches(p, &path))?;
        Some(BlockingCall {
            path,
            pattern: pattern.clone(),
            span,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::matches;

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
    }
}
