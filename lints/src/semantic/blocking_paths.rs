//! Blocking calls: std's own (`std::fs`, `std::thread::sleep`, a `File`'s I/O, waits), those of
//! synchronous clients, and the project-specific ones (`blocking_paths` in `racewise.toml`):
//! which calls match a configured path. The blocking-in-async rules use this to flag them in
//! async context, the context-aware deny list that clippy's `disallowed_methods` cannot be; the
//! lock queries use it to tell a lock held across such a call (held long).
//!
//! An entry matches a resolved path in full or its trailing segments (`Db::get` and
//! `store::Db::get` both match `crate::store::Db::get`). A method matches by its receiver's
//! type: known in the file, or settled in the crate phase when the type is declared elsewhere
//! (`self.db.get(..)` with `db: Db` a field of a struct in another file).

use crate::finding::Finding;

use super::facts::{ConfiguredMethod, Pending};
use super::types::Ty;
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

const FILE_OPENERS: &[&str] = &[
    "std::fs::File::open",
    "std::fs::File::create",
    "std::fs::File::create_new",
];

/// A `std::fs` blocking call: a free function (`std::fs::write`, not the type `std::fs::File`)
/// or a file opener.
pub fn is_blocking_fs(path: &str) -> bool {
    is_fs_function(path) || FILE_OPENERS.contains(&path)
}

/// A `std::fs` free function (`std::fs::write`), not a type (`std::fs::File`).
fn is_fs_function(path: &str) -> bool {
    path.strip_prefix("std::fs::").is_some_and(|rest| {
        !rest.contains("::") && rest.chars().next().is_some_and(char::is_lowercase)
    })
}

/// Synchronous clients whose every call waits on the network or a database: a method on one of
/// these types (or a fn under these paths) blocks the calling thread.
const BLOCKING_CLIENTS: &[&str] = &["rusqlite::", "postgres::", "reqwest::blocking::", "ureq::"];

fn is_blocking_client(path: &str) -> bool {
    BLOCKING_CLIENTS.iter().any(|c| path.starts_with(c))
}

/// A `std::fs::File` method that does I/O (an `Option<File>`'s `take()` or `as_mut()` does not).
fn is_file_io(method: &str) -> bool {
    method.starts_with("read")
        || method.starts_with("write")
        || method.starts_with("sync_")
        || matches!(
            method,
            "flush" | "set_len" | "seek" | "rewind" | "metadata" | "set_permissions" | "set_times"
        )
}

/// A std socket's calls that wait for the peer (binding, addresses and options return at once).
fn is_blocking_socket_call(owner: &str, method: &str) -> bool {
    match owner {
        "std::net::TcpStream" => {
            method.starts_with("connect")
                || method.starts_with("read")
                || method.starts_with("write")
                || matches!(method, "peek" | "flush")
        }
        "std::net::TcpListener" => matches!(method, "accept" | "incoming"),
        "std::net::UdpSocket" => {
            method.starts_with("recv") || method.starts_with("send") || method.starts_with("peek")
        }
        _ => false,
    }
}

/// Whether a path call (by its resolved path) blocks the calling thread on I/O or time: a
/// `std::fs` call, `std::thread::sleep`, a synchronous network or database client, a
/// future run to completion (`futures::executor::block_on`), or a configured blocking path.
pub fn is_blocking_call(path: &str, configured: &[String]) -> bool {
    is_blocking_fs(path)
        || path == "std::thread::sleep"
        || (path.contains("::") && super::syntax::is_block_on_path(path))
        || is_blocking_client(path)
        || path
            .rsplit_once("::")
            .is_some_and(|(owner, f)| is_blocking_socket_call(owner, f))
        || (!configured.is_empty() && matching(configured, path).is_some())
}

/// Whether method `method` on a receiver of type `owner` (its resolved path) blocks the calling
/// thread: I/O on a `std::fs::File` or a synchronous client, waiting for a thread, a child
/// process, a std channel or a runtime's `block_on`, or a configured blocking path.
pub fn is_blocking_method(owner: &str, method: &str, configured: &[String]) -> bool {
    is_blocking_client(owner)
        || is_blocking_socket_call(owner, method)
        || (owner == "std::fs::File" && is_file_io(method))
        || (method == "block_on" && owner.starts_with("tokio::runtime::"))
        || matches!(
            (owner, method),
            ("std::fs::OpenOptions", "open")
                | (
                    "std::thread::JoinHandle" | "std::thread::ScopedJoinHandle",
                    "join"
                )
                | ("std::sync::mpsc::Receiver", "recv" | "recv_timeout")
                | ("std::process::Child", "wait" | "wait_with_output")
                | ("std::process::Command", "output" | "status")
        )
        || (!configured.is_empty() && matching(configured, &format!("{owner}::{method}")).is_some())
}

/// Whether some blocking method (see [`is_blocking_method`]) bears the name `method`: a call on
/// a receiver whose type only the crate index can settle is worth recording only then.
pub fn may_block_method(method: &str, configured: &[String]) -> bool {
    is_file_io(method)
        || method.starts_with("connect")
        || method.starts_with("recv")
        || method.starts_with("peek")
        || method.starts_with("query")
        || method.starts_with("prepare")
        || matches!(
            method,
            "accept"
                | "incoming"
                | "open"
                | "join"
                | "wait"
                | "wait_with_output"
                | "output"
                | "status"
                | "block_on"
                | "execute"
                | "execute_batch"
                | "batch_execute"
                | "transaction"
                | "call"
                | "send_to"
        )
        || may_name_method(configured, method)
}

/// If method `method` on a receiver of type `ty` blocks (see [`is_blocking_method`]), the
/// receiver's type path. A guard stands for what it guards (`f.write_all(..)` on a
/// `MutexGuard<File>`).
pub fn blocking_method_owner<'t>(
    ty: &'t Ty,
    method: &str,
    configured: &[String],
) -> Option<&'t str> {
    let mut ty = ty.peel();
    if super::types::guard_kind(ty).is_some()
        && let Ty::Path { args, .. } = ty
        && let Some(inner) = args.first()
    {
        ty = inner.peel();
    }
    let owner = ty.path_str()?;
    is_blocking_method(owner, method, configured).then_some(owner)
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
        let unless_callers = self.worker_fn(finding.region.start_byte);
        self.core.out.borrow_mut().pending.push(Pending {
            finding,
            conditions: Vec::new(),
            configured: Some(ConfiguredMethod {
                receiver,
                method: mc.method.to_string(),
                message,
            }),
            unless_callee: None,
            unless_callers,
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
