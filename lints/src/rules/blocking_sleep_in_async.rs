//! # blocking_sleep_in_async
//!
//! ## What it does
//! Flags `std::thread::sleep` (however it is imported or aliased) in async context. Closures
//! handed to `spawn_blocking`, `block_in_place` or `std::thread::spawn` are not async context.
//! Test code is checked too: a sleep in a `#[tokio::test]` stalls the test's single-threaded
//! runtime. Its findings carry `in_test` and are lowered one severity level by default
//! (`[tests] mode` in `racewise.toml`).
//!
//! Not a worker, so not flagged: the body of `#[tokio::main]` (multi-thread, the default), of
//! `#[rocket::main]` (the same runtime) and of `#[tokio::test(flavor = "multi_thread")]`, and
//! closures it runs in place, directly or through a call. The runtime's `block_on` polls that future on the calling thread (tokio: it
//! "does not run as a worker"), so blocking there parks no task; tasks it spawns run on the
//! workers and are checked. The same holds for the `async` block of a runtime's `block_on`
//! called from any sync code (`rt.block_on(async { .. })` in a `thread::spawn` closure, a
//! `spawn_blocking` body or a test that builds its own runtime), and for an async fn such a
//! future awaits: `rt.block_on(migrate(&root))` (also under tracing's `.instrument(span)`,
//! `.boxed()` or `Box::pin(..)`), `run().await` in `#[tokio::main]`, and the
//! async fns those await in place, provided every call of the fn is one of these. One spawned
//! or unawaited call, a call in any other `async` block, a caller the call graph cannot see (a fn
//! nothing resolved calls) or a call racewise cannot follow that may be a call of it keeps its
//! body checked: one bearing the fn's name with as many arguments (a method on a receiver of
//! unknown type; `conn.execute(query)` is no call of a two-parameter `execute`, and a method
//! call never reaches a free fn; a method of a value another crate's type made right there,
//! `let updater = AxoUpdater::new_for("app"); updater.run()`,
//! is that crate's or a trait's;
//! a method called on a value of a type parameter of the calling fn or its impl (`cmd.execute(runner)`
//! with `cmd: SubCmd`, also bound from a field or variant typed by one: `Commands::Ext(cmd)`
//! over a `Commands<C, SubCmd>`) is a trait's: a call of each impl's method of that name of
//! the workspace traits bounding the parameter (`job.apply(storage)` with `J: StorageJob`),
//! or else of another crate's trait; and a generic type's field has the type the
//! value's arguments give it (`Task::Once(cmd)` over a `Task<Verify>` binds a `Verify`)), or the fn's
//! path used as a value — in the fn's own crate or a workspace member that names it
//! (a trait's method: in any crate, through the trait). Not such a call: `Type::name(..)` for a
//! free fn (`Config::init()` is no call of `init()`) or `name(..)`/`module::name(..)` for an
//! associated one; a path rooted in a crate that is no workspace member, also through a
//! member's re-export of it (`Regex::new(p)` after `use regex::Regex`,
//! `.map_err(anyhow::Error::new)`); a member's path that leads nowhere reaches only that
//! member's fns; and a test's call reaches only test code. A call through a type parameter
//! bound by one trait of the workspace (`C::load_config(id).await` in `fn switch<C: CliClient>`)
//! is a call of every impl's fn of that name without a `self`, in whichever crate it is. A
//! call of unknown receiver type awaited right where an async fn makes it (`cmd.build(o).await?
//! .run().await`) is followed as that fn's call — for a fn the graph also sees called, or an
//! impl of a trait of the workspace, which only the workspace calls.
//! A fn handed as an argument to a workspace fn that calls that parameter in place in its own
//! body (`init_protocol("ftp", init_ftp).await`, where `init_protocol` does `init().await`) is
//! a call made right there, not a value: followed like one. A future handed to a workspace fn
//! that runs that parameter with a runtime's `block_on` — in its own sync body, in a closure of
//! its own thread (`spawn_blocking(move || handle.block_on(fut))`), through a wrapper it hands
//! it to, or made by a closure parameter it calls (`runner.run_command_until_exit(|ctx|
//! cmd.execute(ctx))`) — runs off the workers, unless a spawn inside the `block_on` is handed
//! it or the fn calls that closure elsewhere too; an `async` block handed there runs what it
//! awaits in its own code in that `block_on` (`runner.run_until_ctrl_c(async move {
//! cmd.execute().await })`). A method called on an enum variant's value
//! (`Stage::Merkle { .. }.execute(input)`) is the enum's.
//! `flavor = "current_thread"`, the default `#[tokio::test]` and the `block_on` of a
//! current-thread runtime (`Builder::new_current_thread`) are checked: there the calling
//! thread is the runtime's only one. The runtime of `rt.block_on(..)` is the one its
//! receiver was built as: the builder written as the receiver, or in the nearest `let rt =`
//! (or `let rt: Runtime =`) before the call in the same fn, also one step through a builder
//! bound there (`let mut b = Builder::new_multi_thread(); ..; let rt = b.build()?;`). A
//! runtime from a helper (`let rt = plugin_runtime();`) is current-thread if the file builds
//! one anywhere; one bound nowhere in the fn (a parameter, a field) takes the fn's own
//! builders, then the file's. So a multi-thread runtime is not tainted by a debug-only smoke
//! test beside it that builds a current-thread one. These are
//! checked except in the program's startup before anything else runs: a call every chain
//! into which starts in `main` and runs in place (as for `exit_in_async`, and no unfollowed
//! call may reach it), with no task spawned before it (by the fn itself or by a call earlier
//! in a caller; a spawn of a sync closure, `std::thread::spawn(|| ..)` or
//! `spawn_blocking(|| ..)`, starts a thread or a blocking job, which this thread's blocking
//! does not stall), blocks no other task,
//! because none exists yet. After the first `spawn` the same call is reported.
//!
//! It follows calls too: an async-context call of a sync fn of the workspace that does the same
//! thing within 4 calls of the async code (`load_settings()` in a handler, which calls
//! `read_layer()`, which calls `std::thread::sleep`) is reported at the call in the async code,
//! with each step of the chain as a related location (a SARIF `codeFlow`). Calls are followed
//! through module paths, `Self::`, the receiver's type (this crate's or a workspace member's, also
//! through a wrapper's `impl Deref` to its `Target`), and a trait with exactly one body for the
//! method; calls through trait objects, generic parameters, stored closures or fn pointers end the
//! chain (no finding). A call inside a closure handed to `spawn_blocking`/`block_in_place` (or to
//! any other fn that may run it elsewhere), and a sync fn that only spawns a thread or builds a
//! future, block nothing; a closure that runs in place during the call (an iterator adaptor's,
//! `retain`'s, `Option::map`'s, diesel's `conn.transaction(|c| ..)`) is the async code's own. A closure bound with `let` runs where
//! its uses say: one handed to a thread by name (`thread::spawn(watchdog)`) or called inside
//! a closure handed to a spawn (`thread::spawn(move || tx.send(check()))`, `spawn_blocking`) is
//! off the worker; one only called in place (`check()`, `.map(|n| check(n))`,
//! `catch_unwind(|| check())`) is not. The sync fn itself is not reported, and an
//! async fn calling the same helper several times is reported at its first call.
//!
//! ## Why is this bad
//! An async runtime multiplexes many tasks over a few worker threads. `thread::sleep` parks the
//! worker itself: every other task scheduled on it stalls for the whole duration, timers fire
//! late, and on a current-thread runtime the entire program freezes.
//!
//! ## Example
//! ```rust,ignore
//! async fn retry_publish(bus: &Bus, event: Event) {
//!     while bus.publish(&event).await.is_err() {
//!         std::thread::sleep(Duration::from_millis(200));
//!     }
//! }
//! ```
//!
//! ## Use instead
//! ```rust,ignore
//! async fn retry_publish(bus: &Bus, event: Event) {
//!     while bus.publish(&event).await.is_err() {
//!         tokio::time::sleep(Duration::from_millis(200)).await;
//!     }
//! }
//! ```
//!
//! `racewise check --fix --unsafe-fixes` rewrites `std::thread::sleep(d)` to
//! `tokio::time::sleep(d).await` (unsafe fix: the fn now yields there) — only directly in an
//! async fn/block body, never inside a closure, and only when the crate's `Cargo.toml` enables
//! tokio's `time` feature (or `full`).

use syn::spanned::Spanned;

use crate::finding::Severity;
use crate::lint::{CrateFinding, ExprKinds, Hooks, Lint, RuleMeta};
use crate::semantic::{CrateCx, Cx, Ty, TyExpr};

pub static META: RuleMeta = RuleMeta {
    name: "blocking_sleep_in_async",
    default_severity: Severity::High,
    summary: "std::thread::sleep in async context",
    source: include_str!("blocking_sleep_in_async.rs"),
};

#[derive(Default)]
pub struct BlockingSleepInAsync;

impl Lint for BlockingSleepInAsync {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn expr_kinds(&self) -> ExprKinds {
        ExprKinds::CALL
    }

    fn hooks(&self) -> Hooks {
        Hooks::EXPR
    }

    fn check_crate(&self, cx: &CrateCx, out: &mut Vec<CrateFinding>) {
        let Some(calls) = cx.calls else { return };
        for call in calls.hazard_calls(META.name) {
            out.push(calls.chain_finding(&META, &call, ": the worker thread sleeps with it", "make the helper async (tokio::time::sleep), or call it inside tokio::task::spawn_blocking"));
        }
    }

    fn check_expr(&mut self, cx: &Cx, e: &syn::Expr) {
        let syn::Expr::Call(call) = e else { return };
        let hazard = !cx.in_async();
        if (hazard && !cx.in_sync_fn_body()) || cx.off_worker() {
            return;
        }
        let Some(callee) = cx.callee(call) else {
            return;
        };
        if hazard {
            // A sync fn that sleeps: the call graph reports its async callers.
            if callee == "std::thread::sleep" {
                cx.record_hazard(&META, callee, call.func.span());
            }
            return;
        }
        // Possibly a re-export of `std::thread` followed across files (`crate::rt::sleep`); a
        // re-export that renames `sleep` is not followed.
        let deferred = callee.starts_with("crate::") && callee.ends_with("::sleep");
        if callee != "std::thread::sleep" && !deferred {
            return;
        }
        let mut f = cx.finding(
            &META,
            call.func.span(),
            "std::thread::sleep blocks the async runtime's worker thread",
            "use tokio::time::sleep(..).await (or move the blocking work into spawn_blocking)",
        );
        if callee == "std::thread::sleep" && cx.tokio_time() {
            f.fix = cx.await_call_fix(
                call,
                "tokio::time::sleep",
                "replace std::thread::sleep with tokio::time::sleep(..).await".into(),
            );
        }
        // Emitted at once for `std::thread::sleep`; a `crate::` path waits for the crate index.
        let is_sleep = |t: &Ty| t.path_str() == Some("std::thread::sleep");
        cx.emit_on_worker_if(TyExpr::Known(Ty::path(&callee)), is_sleep, f);
    }
}
