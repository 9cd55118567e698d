//! # detached_spawn
//!
//! ## What it does
//! Flags a tokio task whose `JoinHandle` is thrown away at the spawn: a bare
//! `tokio::spawn(..);` statement, `let _ = tokio::spawn(..);`, `_ = tokio::spawn(..);` and
//! `drop(tokio::spawn(..))`. The spawn functions are resolved through `use`: `tokio::spawn`,
//! `tokio::task::spawn`, `tokio::task::spawn_local` (so `use tokio::task; task::spawn(..)` is
//! found), and the method forms `rt.spawn(..)` / `handle.spawn(..)` / `local_set.spawn_local(..)`
//! when the receiver is known to be a tokio `Runtime`, `Handle` or `LocalSet`
//! (`Handle::current().spawn(..)` included).
//!
//! Not flagged: a handle that is stored, returned, pushed into a collection or awaited; spawns on
//! a `JoinSet` or `TaskTracker` (they keep the tasks); `spawn_blocking` (a blocking task cannot be
//! cancelled, so its handle buys far less); `std::thread::spawn` (a thread is a different
//! lifecycle); spawns whose callee or receiver cannot be resolved. Test code is checked too
//! (findings carry `in_test`, one severity lower by default).
//!
//! ## Why is this bad
//! A detached task outlives the code that started it. Nothing awaits it, so a panic inside it is
//! reported only to the panic hook and its error result is lost; nothing can abort it, so at
//! shutdown it is killed mid-work wherever it happens to be (half-written files, un-acked
//! messages); and tests cannot wait for it. Detached tasks are the usual cause of "the background
//! sync silently stopped weeks ago".
//!
//! ## Example
//! ```rust,ignore
//! pub async fn start(state: AppState) {
//!     tokio::spawn(refresh_loop(state.clone()));
//!     let _ = tokio::spawn(metrics_exporter(state));
//! }
//! ```
//!
//! ## Use instead
//! ```rust,ignore
//! pub async fn start(state: AppState, tasks: &mut JoinSet<anyhow::Result<()>>) {
//!     tasks.spawn(refresh_loop(state.clone()));
//!     tasks.spawn(metrics_exporter(state));
//!     // on shutdown: cancel, then `while let Some(r) = tasks.join_next().await { .. }`
//! }
//! ```
//! Or keep the `JoinHandle` and await/abort it on shutdown; `tokio_util::task::TaskTracker`
//! does the bookkeeping for fire-and-forget tasks.

use syn::spanned::Spanned;

use crate::finding::Severity;
use crate::lint::{ExprKinds, Hooks, Lint, RuleMeta};
use crate::semantic::syntax::peel;
use crate::semantic::types::Ty;
use crate::semantic::{Cx, TyExpr};

pub static META: RuleMeta = RuleMeta {
    name: "detached_spawn",
    default_severity: Severity::Low,
    summary: "spawned task's JoinHandle dropped (bare spawn statement, `let _ =`, `drop(..)`)",
    source: include_str!("detached_spawn.rs"),
};

const SPAWN_FNS: &[&str] = &[
    "tokio::spawn",
    "tokio::task::spawn",
    "tokio::task::spawn_local",
];

/// Types whose `spawn`/`spawn_local` method returns a `JoinHandle` and keeps no record of it.
const SPAWNERS: &[&str] = &[
    "tokio::runtime::Runtime",
    "tokio::runtime::Handle",
    "tokio::task::LocalSet",
];

#[derive(Default)]
pub struct DetachedSpawn;

fn is_spawner(t: &Ty) -> bool {
    t.peel().path_str().is_some_and(|p| SPAWNERS.contains(&p))
}

/// How the handle got discarded, for the message.
#[derive(Clone, Copy)]
enum Discard {
    Statement,
    LetUnderscore,
    Drop,
}

impl Discard {
    fn describe(self) -> &'static str {
        match self {
            Discard::Statement => "is discarded (the spawn is a bare statement)",
            Discard::LetUnderscore => "is discarded with `let _ =`",
            Discard::Drop => "is dropped with `drop(..)`",
        }
    }
}

fn check_spawn(cx: &Cx, e: &syn::Expr, how: Discard) {
    let help = "keep the handle (or spawn on a JoinSet / TaskTracker) and await or abort it on shutdown; if the task is truly fire-and-forget, suppress with a reason";
    match peel(e) {
        syn::Expr::Call(call) => {
            let Some(callee) = cx.callee(call) else {
                return;
            };
            if !SPAWN_FNS.contains(&callee.as_str()) {
                return;
            }
            cx.emit(cx.finding(
                &META,
                call.func.span(),
                format!(
                    "the JoinHandle of this `{callee}` {}: the task's panic or error is lost and nothing can cancel or await it",
                    how.describe()
                ),
                help,
            ));
        }
        syn::Expr::MethodCall(mc)
            if (mc.method == "spawn" || mc.method == "spawn_local") && mc.args.len() == 1 =>
        {
            let finding = cx.finding(
                &META,
                mc.method.span(),
                format!(
                    "the JoinHandle of this `.{}(..)` on a tokio runtime {}: the task's panic or error is lost and nothing can cancel or await it",
                    mc.method,
                    how.describe()
                ),
                help,
            );
            // `Handle::current().spawn(..)`: the receiver is the runtime handle itself.
            if let syn::Expr::Call(c) = peel(&mc.receiver)
                && matches!(
                    cx.callee(c).as_deref(),
                    Some("tokio::runtime::Handle::current" | "tokio::runtime::Handle::try_current")
                )
            {
                cx.emit(finding);
                return;
            }
            let ty = cx.type_of(&mc.receiver);
            if matches!(ty, TyExpr::Unknown) {
                return;
            }
            cx.emit_if(ty, is_spawner, finding);
        }
        _ => {}
    }
}

impl Lint for DetachedSpawn {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn expr_kinds(&self) -> ExprKinds {
        ExprKinds::CALL
    }

    fn hooks(&self) -> Hooks {
        Hooks::STMT | Hooks::EXPR
    }

    fn check_stmt(&mut self, cx: &Cx, stmt: &syn::Stmt) {
        match stmt {
            syn::Stmt::Expr(e, Some(_)) => match peel(e) {
                syn::Expr::Assign(a) if matches!(peel(&a.left), syn::Expr::Infer(_)) => {
                    check_spawn(cx, &a.right, Discard::LetUnderscore);
                }
                other => check_spawn(cx, other, Discard::Statement),
            },
            syn::Stmt::Local(local) => {
                let pat = crate::semantic::syntax::strip_pat_type(&local.pat);
                if matches!(pat, syn::Pat::Wild(_))
                    && let Some(init) = &local.init
                {
                    check_spawn(cx, &init.expr, Discard::LetUnderscore);
                }
            }
            _ => {}
        }
    }

    fn check_expr(&mut self, cx: &Cx, e: &syn::Expr) {
        let syn::Expr::Call(call) = e else { return };
        if call.args.len() != 1 {
            return;
        }
        if !matches!(
            cx.callee(call).as_deref(),
            Some("std::mem::drop" | "drop" | "core::mem::drop")
        ) {
            return;
        }
        if let Some(arg) = call.args.first() {
            check_spawn(cx, arg, Discard::Drop);
        }
    }
}
