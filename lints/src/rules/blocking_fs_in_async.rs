//! # blocking_fs_in_async
//!
//! ## What it does
//! Flags blocking filesystem calls in async context: the `std::fs` free functions (`read`,
//! `write`, `read_to_string`, `create_dir_all`, `remove_file`, `rename`, `copy`, `metadata`,
//! `read_dir`, ...), `std::fs::File::open`/`create`/`create_new`, and `.open(..)` at the end of a
//! `std::fs::OpenOptions` (or `File::options()`) chain. Names are resolved through `use`, so
//! `use std::fs; fs::write(..)` is found and `tokio::fs::write` or a crate-local `fs` module is
//! not. Closures handed to `spawn_blocking`/`block_in_place` are not checked. Test code is
//! checked too; its findings carry `in_test` and are lowered one severity level by default
//! (`[tests] mode` in `racewise.toml`).
//!
//! It also flags calls to the project's own blocking functions, listed in `racewise.toml` as
//! `blocking_paths = ["crate::db::query_sync", "reqwest::blocking::*"]` (`*` matches anything,
//! `::` included): a function called by its resolved path (`query_sync(..)` imported with
//! `use crate::db::query_sync`), or a method whose receiver's type is known
//! (`client.get(..)` on a `reqwest::blocking::Client`, `self.db.get(..)` on a field typed by a
//! `Db` declared in another file of the crate). An entry matches the resolved path in full or
//! its trailing segments: `"Db::get"` and `"crate::store::Db::get"` both name
//! `crate::store::Db::get`. Methods on a receiver whose type stays unknown are not flagged.
//! Paths through a crate of your own that re-exports or wraps a well-known one are resolved as
//! `[resolve] reexports = { common = "tokio", "common::fs" = "std::fs" }` says.
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
//! async fns those await in place — also through a wrapper awaited right there
//! (`timeout(d, run()).await`, tracing-forest's `.on(main_inner(args)).await`, a span's
//! `.in_scope(|| async { .. }).await`, a retry's closure: tokio-retry's `Retry::spawn(strategy,
//! || download(url)).await`, which despite its name starts no task; not a `spawn*`), and in an `async` block the fn binds and
//! awaits itself (`let main_task = async { .. };` raced in a `select!`; where the fn races
//! futures, a call's future bound the same way: `let run = runner.run();`) — provided every
//! call of the fn is one of these. An executor fn of futures, pollster, async-std, smol or
//! fluvio-future (`futures::executor::block_on`, `fluvio_future::task::run_block_on`) runs the
//! future it is handed alone on the calling thread: in a sync fn that only sync calls reach
//! from the sync `main` (a CLI subcommand's `process`, in any member of the workspace), that
//! future runs off the workers too — not so a current-thread runtime's `block_on` (tokio's,
//! `tokio_test::block_on`, or a crate's own wrapper, which may build one), whose tasks share
//! the thread with it (they are checked as above). A sync fn that hands back a future it
//! builds is an async fn spelled by hand: the `async` blocks it returns (`fn launch(self) ->
//! OutcomeFuture { match self.op { Op::Show(a) => Box::pin(async move { a.list()? .. }), ..
//! } }`, also `.boxed()`)
//! and the calls whose future it returns (`Box::pin(args.replay())`, or any returned call
//! where its return type names a future) run where its callers poll its value —
//! `global.block_on(cmd.launch())` — under the same conditions; a
//! `Box::pin(async move { .. }).await` runs in place like `async { .. }.await`. Calls inside
//! a file's own one-rule `macro_rules!` helper are seen where it is invoked
//! (`try_cf!(load_prelude(&dir).await)` with `($e:expr) => { match $e { .. } }`). One spawned
//! or unawaited call, a call in any other `async` block, a caller the call graph cannot see (a fn
//! nothing resolved calls) or a call racewise cannot follow that may be a call of it keeps its
//! body checked: one bearing the fn's name with as many arguments (a method on a receiver of
//! unknown type; `conn.execute(query)` is no call of a two-parameter `execute`, and a method
//! call never reaches a free fn; a closure parameter of an `Option`'s or `Result`'s `map`,
//! `and_then`, `is_some_and` has the value's type, so `tls_cert.as_ref().map(|c| c.load(dir))`
//! is a call of the certificate's `load`; a method of a value another crate's type made right
//! there, `let updater = AxoUpdater::new_for("app"); updater.run()`,
//! is that crate's or a trait's;
//! a method called on a value of a type parameter of the calling fn or its impl (`cmd.execute(runner)`
//! with `cmd: SubCmd`, also bound from a field or variant typed by one: `Commands::Ext(cmd)`
//! over a `Commands<C, SubCmd>`) is a trait's: a call of each impl's method of that name of
//! the workspace traits bounding the parameter (`job.apply(storage)` with `J: StorageJob`),
//! or else of another crate's trait; and a generic type's field has the type the
//! value's arguments give it (`Task::Once(cmd)` over a `Task<Verify>` binds a `Verify`)), or the
//! fn's path used as a value — in the fn's own crate or a workspace member that names it
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
//! that runs that parameter with a runtime's `block_on` in its own sync body
//! (`with_enough_stack(cli::init(cfg))`, where `with_enough_stack` builds a multi-thread runtime
//! and does `rt.block_on(fut)`) runs off the workers, as `rt.block_on(cli::init(cfg))` would —
//! also where that fn's `block_on` runs in a closure of its own thread
//! (`spawn_blocking(move || handle.block_on(fut))`), polls the parameter through a wrapper it
//! hands it to (`rt.block_on(until_ctrl_c(fut))`) or in an `async` block it hands the
//! `block_on` (`rt.block_on(async move { select! { _ = ctrl_c() => .., r = fut => r } })`;
//! not one whose body spawns it), or makes the future by calling a closure
//! parameter (`runner.run_command_until_exit(|ctx| cmd.execute(ctx))`, where the runner does
//! `rt.block_on(until_ctrl_c(command(ctx)))`); a method call's argument as a path call's.
//! An `async` block handed there runs what it awaits in its own code in that `block_on`
//! (`runner.run_blocking_until_ctrl_c(async move { cmd.execute().await })`).
//! A `block_on` there does not run what a spawn inside it is handed
//! (`rt.block_on(tokio::spawn(fut))`), nor the futures of a closure parameter the fn also
//! calls elsewhere (`rt.block_on(job()); loop { rt.spawn(job()); .. }`). A method called on an
//! enum variant's value (`Stage::Merkle { .. }.execute(input)`) is the enum's. The future a
//! sync `main` hands as the only argument (or the second, after a runtime builder:
//! `run_builder(&mut builder, main_impl())`) to a fn of a crate outside the workspace that is no
//! spawn runs off the workers too (`fn main() { oxide_tokio_rt::run(run()) }`: a runtime wrapper
//! crate's entry point, which runs it with its `block_on` on the main thread; so does an `async`
//! block `main` hands such a runner as its last statement or value, `oxide_tokio_rt::run(async
//! { .. })`) — unless that
//! crate's runtime runs every task on that one thread (`tokio_uring::start`, monoio, glommio,
//! compio, actix), where it is checked as on a current-thread runtime.
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
//! because none exists yet (a one-shot command's config read). After the first `spawn` the
//! same call is reported.
//!
//! It follows calls too: an async-context call of a sync fn of the workspace that does the same
//! thing within 4 calls of the async code (`load_settings()` in a handler, which calls
//! `read_layer()`, which calls `std::fs::read_to_string`) is reported at the call in the async
//! code, with each step of the chain as a related location (a SARIF `codeFlow`). Calls are followed
//! through module paths, `Self::`, the receiver's type (this crate's or a workspace member's, also
//! through a wrapper's `impl Deref` to its `Target`), and a trait with exactly one body for the
//! method; calls through trait objects, generic parameters, stored closures or fn pointers end the
//! chain (no finding). A call inside a closure handed to `spawn_blocking`/`block_in_place` (or to
//! any other fn that may run it elsewhere), and a sync fn that only spawns a thread or builds a
//! future, block nothing; a closure that runs in place during the call (an iterator adaptor's,
//! `retain`'s, `Option::map`'s, diesel's `conn.transaction(|c| ..)`) is the async code's own. The sync fn itself is not reported, and an
//! async fn calling the same helper several times is reported at its first call.
//!
//! ## Why is this bad
//! File I/O blocks the calling thread. On an async runtime that thread is a worker shared by many
//! tasks; a slow disk, a network filesystem or a large file stalls every task scheduled on it,
//! and latency spikes show up far from the cause.
//!
//! ## Example
//! ```rust,ignore
//! async fn save_snapshot(State(app): State<AppState>) -> Result<(), AppError> {
//!     let bytes = app.snapshot().await?;
//!     std::fs::write(&app.snapshot_path, bytes)?;
//!     Ok(())
//! }
//! ```
//!
//! ## Use instead
//! ```rust,ignore
//! async fn save_snapshot(State(app): State<AppState>) -> Result<(), AppError> {
//!     let bytes = app.snapshot().await?;
//!     tokio::fs::write(&app.snapshot_path, bytes).await?;
//!     Ok(())
//! }
//! ```
//!
//! `racewise check --fix --unsafe-fixes` rewrites the `std::fs` functions `tokio::fs` mirrors
//! with the same arguments (`read`, `read_to_string`, `write`, `create_dir_all`, `create_dir`,
//! `remove_file`, `remove_dir`, `remove_dir_all`, `rename`, `metadata`, `copy`, `hard_link`,
//! `canonicalize`) to `tokio::fs::..(..).await` (unsafe fix: the fn now yields) — only directly
//! in an async fn/block body, never inside a closure, and only when the crate's `Cargo.toml`
//! enables tokio's `fs` feature (or `full`). `read_dir` is not among them: tokio's `ReadDir` is
//! no iterator, so every loop over it would stop compiling. `File::open`/`OpenOptions` are left
//! to rewrite by hand.

use syn::spanned::Spanned;

use crate::finding::Severity;
use crate::lint::{CrateFinding, ExprKinds, Hooks, Lint, RuleMeta};
use crate::semantic::blocking_paths::is_blocking_fs;
use crate::semantic::paths::glob_has;
use crate::semantic::types::Ty;
use crate::semantic::{CrateCx, Cx, TyExpr};

pub static META: RuleMeta = RuleMeta {
    name: "blocking_fs_in_async",
    default_severity: Severity::Medium,
    summary: "blocking std::fs call in async context",
    source: include_str!("blocking_fs_in_async.rs"),
};

/// `std::fs` functions that `tokio::fs` mirrors with the same arguments: the fix swaps the path
/// and awaits the call.
const TOKIO_MIRRORS: &[&str] = &[
    "read",
    "read_to_string",
    "write",
    "create_dir_all",
    "create_dir",
    "remove_file",
    "remove_dir",
    "remove_dir_all",
    "rename",
    "metadata",
    "copy",
    "hard_link",
    "canonicalize",
];

#[derive(Default)]
pub struct BlockingFsInAsync;

/// A crate path that may be `std::fs` re-exported (`crate::prelude::fs::read`, a `read` a
/// `use super::*;` brought in): its last segments spell a `std::fs` call, so the crate index
/// settles it. Gated on std::fs's own names: deferring every crate call costs too much.
fn maybe_reexported_fs(path: &str) -> Option<String> {
    if !path.starts_with("crate::") {
        return None;
    }
    let (head, last) = crate::semantic::syntax::split_last(path);
    let std_path = match head.map(crate::semantic::syntax::last_segment) {
        Some("File") => format!("std::fs::File::{last}"),
        _ if glob_has("std::fs", last) => format!("std::fs::{last}"),
        _ => return None,
    };
    is_blocking_fs(&std_path).then_some(std_path)
}

const CONFIGURED_HELP: &str =
    "call it inside tokio::task::spawn_blocking, or use an async equivalent";

fn configured_message(path: &str, pattern: &str) -> String {
    format!(
        "{path} blocks the async runtime's worker thread (listed in blocking_paths as `{pattern}`)"
    )
}

impl Lint for BlockingFsInAsync {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn expr_kinds(&self) -> ExprKinds {
        ExprKinds::CALL | ExprKinds::METHOD_CALL
    }

    fn hooks(&self) -> Hooks {
        Hooks::EXPR
    }

    fn check_crate(&self, cx: &CrateCx, out: &mut Vec<CrateFinding>) {
        let Some(calls) = cx.calls else { return };
        for call in calls.hazard_calls(META.name) {
            out.push(calls.chain_finding(
                &META,
                &call,
                ": blocking file I/O on the async runtime's worker thread",
                "make the helper async (tokio::fs), or call it inside tokio::task::spawn_blocking",
            ));
        }
    }

    fn check_expr(&mut self, cx: &Cx, e: &syn::Expr) {
        // In a sync fn's body the same calls are recorded as hazards: the call graph reports the
        // async code that calls the fn.
        let hazard = !cx.in_async();
        if (hazard && !cx.in_sync_fn_body()) || cx.off_worker() {
            return;
        }
        // Configured paths first; std's own blocking calls keep the messages below (and
        // `std::thread::sleep` stays blocking_sleep_in_async's), so nothing is reported twice.
        if let Some(hit) = cx.configured_blocking_call(e)
            && !hit.path.starts_with("std::fs::")
            && hit.path != "std::thread::sleep"
        {
            if hazard {
                cx.record_hazard(&META, hit.path, hit.span);
                return;
            }
            cx.emit_on_worker(cx.finding(
                &META,
                hit.span,
                configured_message(&hit.path, &hit.pattern),
                CONFIGURED_HELP,
            ));
            return;
        }
        if !hazard && let syn::Expr::MethodCall(mc) = e {
            // `self.db.get(..)` with `db` typed in another file: settled crate-wide.
            let finding = || {
                cx.finding(
                    &META,
                    mc.method.span(),
                    configured_message(&mc.method.to_string(), "?"),
                    CONFIGURED_HELP,
                )
            };
            cx.defer_configured_method(e, finding, configured_message);
        }
        match e {
            syn::Expr::Call(call) => {
                let Some(callee) = cx.callee(call) else {
                    return;
                };
                if is_blocking_fs(&callee) {
                    if hazard {
                        cx.record_hazard(&META, callee, call.func.span());
                        return;
                    }
                    let mut f = cx.finding(
                        &META,
                        call.func.span(),
                        format!("{callee} blocks the async runtime's worker thread on file I/O"),
                        "use the tokio::fs equivalent, or run the I/O in tokio::task::spawn_blocking",
                    );
                    if let Some(name) = callee.strip_prefix("std::fs::")
                        && TOKIO_MIRRORS.contains(&name)
                        && cx.tokio_fs()
                    {
                        f.fix = cx.await_call_fix(
                            call,
                            &format!("tokio::fs::{name}"),
                            format!("replace {callee} with tokio::fs::{name}(..).await"),
                        );
                    }
                    cx.emit_on_worker(f);
                } else if !hazard && let Some(std_path) = maybe_reexported_fs(&callee) {
                    let finding = cx.finding(
                        &META,
                        call.func.span(),
                        format!("{std_path} (re-exported) blocks the async runtime's worker thread on file I/O"),
                        "use the tokio::fs equivalent, or run the I/O in tokio::task::spawn_blocking",
                    );
                    cx.emit_on_worker_if(
                        TyExpr::Known(Ty::path(&callee)),
                        |t| t.path_str().is_some_and(is_blocking_fs),
                        finding,
                    );
                }
            }
            syn::Expr::MethodCall(mc)
                if mc.method == "open"
                    && mc.args.len() == 1
                    && cx.is_open_options_chain(&mc.receiver) =>
            {
                if hazard {
                    cx.record_hazard(&META, "std::fs::OpenOptions::open", mc.method.span());
                    return;
                }
                cx.emit_on_worker(cx.finding(
                    &META,
                    mc.method.span(),
                    "std::fs::OpenOptions::open blocks the async runtime's worker thread on file I/O",
                    "use tokio::fs::OpenOptions, or run the I/O in tokio::task::spawn_blocking",
                ));
            }
            _ => {}
        }
    }
}
