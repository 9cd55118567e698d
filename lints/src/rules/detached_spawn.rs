//! # detached_spawn
//!
//! ## What it does
//! Flags a tokio task whose `JoinHandle` is thrown away at the spawn while the task's output
//! is a `Result` that can be an error: the error goes nowhere. Thrown away means a bare
//! `tokio::spawn(..);` statement, `let _ = tokio::spawn(..);`, `_ = tokio::spawn(..);` or
//! `drop(tokio::spawn(..))`. The spawn functions are resolved through `use`: `tokio::spawn`,
//! `tokio::task::spawn`, `tokio::task::spawn_local` (so `use tokio::task; task::spawn(..)` is
//! found), and the method forms `rt.spawn(..)` / `handle.spawn(..)` / `local_set.spawn_local(..)`
//! when the receiver is known to be a tokio `Runtime`, `Handle` or `LocalSet`
//! (`Handle::current().spawn(..)` included).
//!
//! The task can end in an error when:
//! - it is a call of a fn declared to return a `Result` (`tokio::spawn(sync_peers(state))`, a
//!   method `worker.run()`, also through `.instrument(span)`, `.in_current_span()` or
//!   `Box::pin`), unless that fn is one of the workspace's whose every exit is `Ok(..)` (errors
//!   logged inside, a `loop` left only by `return Ok(())`) or the `Err` of a cancellation
//!   marker (`return Err(LoopError::Cancelled)`: the end its caller asked for), or one that
//!   reports each error where it makes it: every `Err(..)`, `bail!` or `return` of an error
//!   comes after a log macro in its own branch (`Err(e) => { debug!(?e, ".."); return
//!   Err(..) }`, not a log at the top of the fn), every `?` converts the error in a closure
//!   that logs (`.map_err(|e| { error!(..); .. })?`, `ok_or_else`), and every `?` on a call
//!   and tail call hands on the error of a workspace fn that does the same (followed a few
//!   levels through the call graph) — a per-connection task that has said why each
//!   connection ended. A `?` on a library call (`stream.write_all(..).await?`) hands on an
//!   error nobody reported, and keeps the finding;
//! - it is an `async` block that ends in `Ok(..)`/`Err(..)` and can produce the error: a `?` at
//!   the block's own level (also inside a `select!` arm), a `return Err(..)`, a `bail!` or
//!   `ensure!` — unless, as for a called fn, each of those exits is logged where it is made
//!   (`Err(e) => { warn!(..); return Err(e) }`) and its `?`s are channel sends (below), or
//!   its one unreported exit is a `?` handing on the error of a call that, as a spawned fn
//!   above, loses none (`Self::worker_loop(..).await?; anyhow::Ok(())`, where the loop's
//!   only `?` is its send to the consumer);
//! - it is an `async` block whose last expression is such a call (`async move {
//!   worker.run().await }`), or any call returning a `Result` after the block's own `?`
//!   (`let t = req.since.ok_or(Status::invalid_argument(..))?; stream(tx, t).await`): that
//!   `?` ends the task with an error whatever the called fn returns, and the message names it.
//!
//! Not flagged:
//! - a task whose output is `()`: it has dealt with its errors itself (the tokio-postgres
//!   `if let Err(e) = connection.await { .. }` idiom, a per-connection task that logs, a
//!   heartbeat loop, a one-shot delayed message). It is the task's own business whether it
//!   runs forever or ends when its channel closes; `ignored_shutdown_signal` covers tasks that
//!   drop their shutdown signal;
//! - an `Option` output (`None` is no error), `Result<T, ()>`, `Result<T, Infallible>`, a
//!   channel's `Result<T, SendError<M>>` (an `mpsc`, crossbeam, flume or async-channel
//!   `SendError`, by its resolved path: a forwarder fn declared so, or a block ending in
//!   `Ok::<_, SendError<M>>(())` with no `Err(..)` end: its only error says the receiver is
//!   gone, as below; `TrySendError` is also a full queue, a `broadcast` one only says nobody
//!   subscribes now, and a project's own `SendError` is a failure: they stay), and a
//!   generic wrapper whose error type is the caller's choice (`cancelable::<E>(..)`) or an
//!   associated type of a generic parameter (`spawner_task::<S>(..) -> Result<(), S::Error>`:
//!   what each implementation's error carries is not known there);
//! - a `?` inside a closure or a nested `async` block (it returns from that, not from the task),
//!   and a `?` on a channel send (`inner_event_tx.send(ev)?`, on a sender named `tx`, `*_tx`,
//!   `sender` or `*_sender`; also with its error replaced by a closure,
//!   `reply_tx.send(r).map_err(|_| "no reply")?` or `.map_err(|e| Error::Send(e.to_string()))?`,
//!   not through `.context(..)`): its `Err` only says the receiver is gone,
//!   which is how a forwarding task learns it is done;
//! - a handle that is stored, returned, pushed into a collection or awaited; spawns on a
//!   `JoinSet` or `TaskTracker` (they keep the tasks); `spawn_blocking`; `std::thread::spawn`;
//! - test code: a test's runtime ends its tasks with the test, and a failing helper task (a mock
//!   server) shows as the test's own failure;
//! - tasks whose output type racewise cannot tell (a call into another crate whose signature it
//!   does not know, a future built earlier from an `async` block), and spawns whose callee or
//!   receiver cannot be resolved.
//!
//! ## Why is this bad
//! A task's `Result` is delivered to exactly one place: whoever awaits its `JoinHandle`. Drop
//! the handle and an `Err` vanishes without a log line: the sync that failed on its first
//! request, the listener that could not bind, the cache refresh that stopped. The task has
//! also left the reach of shutdown (nothing can abort or await it). This is the usual cause of
//! "the background sync silently stopped weeks ago".
//!
//! ## Example
//! ```rust,ignore
//! pub fn start(state: AppState) {
//!     // `sync_peers` returns `anyhow::Result<()>`
//!     tokio::spawn(sync_peers(state.clone()));
//!     let _ = tokio::spawn(async move {
//!         let listener = TcpListener::bind(&state.metrics_addr).await?;
//!         serve_metrics(listener).await
//!     });
//! }
//! ```
//!
//! ## Use instead
//! ```rust,ignore
//! pub fn start(state: AppState, tasks: &mut JoinSet<anyhow::Result<()>>) {
//!     tasks.spawn(sync_peers(state.clone()));
//!     // on shutdown: cancel, then `while let Some(r) = tasks.join_next().await { .. }`
//!     tokio::spawn(async move {
//!         if let Err(e) = run_metrics(&state).await {
//!             tracing::error!(error = %e, "metrics endpoint failed");
//!         }
//!     });
//! }
//! ```
//! Or keep the `JoinHandle` and await it; `tokio_util::task::TaskTracker` does the bookkeeping
//! for many tasks.

use syn::spanned::Spanned;

use crate::finding::Severity;
use crate::lint::{ExprKinds, Hooks, Lint, RuleMeta};
use crate::semantic::Cx;
use crate::semantic::facts::{Condition, Holds};
use crate::semantic::syntax::peel;
use crate::semantic::types::Ty;

pub static META: RuleMeta = RuleMeta {
    name: "detached_spawn",
    default_severity: Severity::Low,
    summary: "spawned task's JoinHandle dropped while the task returns a `Result`: its error is lost",
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

const HELP: &str = "keep the handle (or spawn on a JoinSet / TaskTracker) and await it, or handle the error inside the task (log it, send it on) so that its output is `()`";

fn message(what: &str, how: Discard, why: &str) -> String {
    format!(
        "the JoinHandle of this {what} {}, yet the task can end in an error ({why}): nothing will ever see that error, nor await or cancel the task",
        how.describe()
    )
}

fn check_spawn(cx: &Cx, e: &syn::Expr, how: Discard) {
    match peel(e) {
        syn::Expr::Call(call) => {
            let Some(callee) = cx.callee(call) else {
                return;
            };
            if !SPAWN_FNS.contains(&callee.as_str()) || call.args.len() != 1 {
                return;
            }
            cx.emit_if_task_errs(&call.args[0], Vec::new(), |why| {
                cx.finding(
                    &META,
                    call.func.span(),
                    message(&format!("`{callee}`"), how, why),
                    HELP,
                )
            });
        }
        syn::Expr::MethodCall(mc)
            if (mc.method == "spawn" || mc.method == "spawn_local") && mc.args.len() == 1 =>
        {
            let what = format!("`.{}(..)` on a tokio runtime", mc.method);
            let finding =
                |why: &str| cx.finding(&META, mc.method.span(), message(&what, how, why), HELP);
            // `Handle::current().spawn(..)`: the receiver is the runtime handle itself.
            if let syn::Expr::Call(c) = peel(&mc.receiver)
                && matches!(
                    cx.callee(c).as_deref(),
                    Some("tokio::runtime::Handle::current" | "tokio::runtime::Handle::try_current")
                )
            {
                cx.emit_if_task_errs(&mc.args[0], Vec::new(), finding);
                return;
            }
            let ty = cx.type_of(&mc.receiver);
            if ty.is_unknown() {
                return;
            }
            let receiver = Condition {
                ty,
                holds: Holds::Ty(is_spawner),
            };
            cx.emit_if_task_errs(&mc.args[0], vec![receiver], finding);
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
        if cx.in_test() {
            return;
        }
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
        if cx.in_test() {
            return;
        }
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
