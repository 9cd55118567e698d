//! # exit_in_async
//!
//! ## What it does
//! Flags `std::process::exit` and `std::process::abort` called in async context: an `async fn`,
//! an `async` block or closure, or a task passed to `tokio::spawn`. Inside `async fn main`, and
//! in the `async` block a sync `fn main` runs with `block_on` (`rt.block_on(async { .. })`,
//! or hands as its last statement or value to another crate's runner,
//! `oxide_tokio_rt::run(async { .. })`: main's startup all the same; a task spawned from
//! there is not), it is reported with low
//! severity, and only once main has started something an exit cuts off (below); an exit that
//! is `async fn main`'s last statement only when main keeps a value alive for its destructor
//! (returning there would end the runtime's tasks all the same). The `async`
//! block a sync fn other than `main` runs to completion with `block_on` is that fn's own code,
//! run on its caller's thread: an exit there counts as one in the sync fn (reported where async
//! code calls the fn, below); so does the body of a `#[tokio::main]` fn other than `main`
//! (`#[tokio::main] async fn start_server(..)`), which its attribute makes such a sync fn. An
//! `async` block awaited where it is written (`async { .. }.await`,
//! also under `timeout(d, async { .. })`) is part of the body that awaits it. The `async` block
//! a `block_on` runs inside a closure handed elsewhere (`std::thread::spawn(move ||
//! rt.block_on(async { .. }))`, even in an `async fn`) is the top-level code of that thread,
//! not a task of any runtime: an exit there is not flagged (a task it spawns still is).
//!
//! It follows calls too: an async-context call of a sync fn of the workspace that does the same
//! thing within 4 calls of the async code (`load_settings()` in a handler, which calls
//! `read_layer()`, which calls `std::process::exit`) is reported at the call in the async code,
//! with each step of the chain as a related location (a SARIF `codeFlow`). Calls are followed
//! through module paths, `Self::`, the receiver's type (this crate's or a workspace member's, also
//! through a wrapper's `impl Deref` to its `Target`), and a trait with exactly one body for the
//! method; calls through trait objects, generic parameters, stored closures or fn pointers end the
//! chain (no finding). A call inside a closure handed to `spawn_blocking`/`block_in_place` (or to
//! any other fn that may run it elsewhere), and a sync fn that only spawns a thread or builds a
//! future, block nothing; a closure that runs in place during the call (an iterator adaptor's,
//! `retain`'s, `Option::map`'s, diesel's `conn.transaction(|c| ..)`) is the async code's own. The sync fn itself is not reported, and an
//! async fn calling the same helper several times is reported at its first call — as is one
//! whose own body reaches the same deciding fn (the last before the exit helper) through
//! several calls (every arm of a CLI's dispatch calling `ctx.chain_or_exit()`, directly or
//! inside an argument builder): one thing to fix, and after the first call the later ones exit
//! only if what it checked changed in between. Two checks sharing one `die()` helper
//! (`config_or_die()`, `db_or_die()`) are two findings, and a task the fn spawns is reported
//! apart.
//!
//! Not flagged: a logged fail-stop, an `abort()` right after an error-level report
//! (`error!(..)`, `eprintln!(..)`) in the same block, directly or in a helper the async code
//! calls (`fn on_fatal_io_error(e: &io::Error) -> ! { error!(..); std::process::abort() }`).
//! It guards state that must not be used any further (a poisoned write-ahead log, a storage
//! error nothing inside the process can fix): the crash is the design, like `panic = "abort"`,
//! and a graceful shutdown would keep serving from broken state. `exit()` stays flagged
//! whatever precedes it (it is a shutdown taken as a shortcut), and so does an `abort()` that
//! nothing announces. Nor is an exit in the child of a `fork()` (`match unsafe { fork() }? {
//! ForkResult::Child => .. exit(1) }`, or `if pid == 0 { .. }` after `let pid = libc::fork()`;
//! a method `tree.fork()` or a `pid` bound anew since is no such call):
//! it ends the forked copy (typically when `exec` failed), a new process with one thread and
//! no runtime of its own; the async process goes on in the parent's branch.
//!
//! An exit directly in an async fn that only `main`'s startup reaches is reported at low
//! severity, like one in `main`: "only startup reaches it" means every chain of resolved calls
//! into the fn (followed up to 8 levels) starts in a `main` fn (or a Windows service's entry
//! point, the fn `define_windows_service!` names) and runs in place (no call from a
//! spawned task or a closure handed elsewhere, and an async fn's future awaited right there,
//! directly, through a wrapper awaited in place (`timeout(d, run()).await`,
//! `span.in_scope(|| async { .. }).await`), in an `async` block the fn binds and then awaits
//! (`let main_task = async { .. };` in a `select!`), or, where the fn races futures, a call's
//! future bound the same way (`let run = runner.run(); select! { r = run => .. }`):
//! `tokio::spawn(on_signal())` in `main` runs it as a task; the `async` block a sync fn runs with
//! `block_on` runs in place, so `fn start() { rt.block_on(async { shutdown().await }) }`,
//! called only by `main`, keeps `shutdown` startup-only), and no caller of the chain is
//! unknown (a fn that nothing visibly calls, such as a handler registered by name, counts as
//! reachable from anywhere; a call from test code is no path the program takes and is left
//! out). The `block_on` of an executor under another name (`fluvio_future::task::run_block_on`) runs
//! its future in place like any `block_on`. A chain from `async fn main` (or main's `block_on` block) is low too; from a
//! handler or a task it stays critical.
//!
//! Startup before anything runs is not flagged at all: an exit (directly, or through a chain
//! of calls each made in place, not in a task a fn of the chain spawns: that task runs later,
//! alongside the rest) that only main's startup reaches, where no fn of the chain has yet spawned a task
//! or a thread (a call or method named `spawn*` earlier in its body, or a call earlier in its
//! body of a workspace fn that does, itself or through the fns it calls: `let workers =
//! start_collectors(&rt);`; one in another `match` arm or `if` branch does not count, nor
//! does a fn whose every spawn goes into a `JoinSet` it declares and never hands on, whose
//! tasks end when it returns; a spawn whose handle the fn awaits (`let h = spawn(..); ..
//! h.await`, handles from `.map(|c| spawn_blocking(..)).collect()` awaited in a `for` loop or
//! by `join_all`, a `select!` arm's `_ = &mut h =>`; aborting or asking the handle,
//! `h.abort_handle().abort()`, is no other use) or joins where it starts it
//! (`thread::spawn(..).join()`, `tokio::spawn(..).await`) counts only until that join, and
//! never beyond the fn; a child
//! process's `Command::spawn` outlives the exit and does not count) or keeps a value alive only for its
//! destructor (`let _guard = init_logging();`, `let (writer, _guard) = non_blocking(out);`: a
//! log flush guard, a buffered writer, a temporary directory; a lock's `_lock` and a span's
//! `_enter` are released with the process anyway, and so is a plain value's memory (a
//! `_`-named `String`, number or `Vec` of them: `let mut _tmp_username = String::new();`; an
//! `Option` or `Result` of one, `()`; where racewise does not know the value's type, a name
//! for a call's outcome, `let _r = rl.add_history_entry(..);`, `_res`, `_result`, `_unused`); a
//! `drop(_guard)` before the exit ends it there). A path's first segment is looked up among
//! modules and types first: `use log::debug;` beside `mod debug;` imports a macro, and
//! `debug::run(..)` calls the module's fn. There the exit only sets the process's
//! status, as `clippy::exit` allows in `main`: a CLI's argument check, a configuration that
//! does not load, a one-shot command's failure. Once main has spawned its workers, or holds a
//! flush guard, the same exit cuts them off and is reported (low).
//!
//! ## Why is this bad
//! `exit` ends the process on the spot: no destructor runs, buffered writers are not flushed,
//! in-flight requests on other tasks are cut off, database transactions are abandoned and
//! `tracing` spans and metrics exporters lose their last batch. Called from a request handler,
//! one bad request takes the whole server down.
//!
//! ## Example
//! ```rust,ignore
//! async fn restart_handler(State(app): State<AppState>) -> StatusCode {
//!     app.flush().await;
//!     std::process::exit(0);
//! }
//! ```
//!
//! ## Use instead
//! ```rust,ignore
//! async fn restart_handler(State(app): State<AppState>) -> StatusCode {
//!     app.shutdown.cancel(); // CancellationToken; main awaits it and returns
//!     StatusCode::ACCEPTED
//! }
//! ```

use std::collections::BTreeSet;

use syn::spanned::Spanned;

use crate::finding::Severity;
use crate::lint::{CrateFinding, ExprKinds, Hooks, Lint, RuleMeta};
use crate::semantic::facts::CallSite;
use crate::semantic::syntax::{expr_span, path_ends_with, span_key, stmt_macro};
use crate::semantic::{CrateCx, Cx, FnView, Ty, TyExpr};

fn is_exit(path: &str) -> bool {
    path == "std::process::exit" || path == "std::process::abort"
}

pub static META: RuleMeta = RuleMeta {
    name: "exit_in_async",
    default_severity: Severity::Critical,
    summary: "std::process::exit/abort in async context",
    source: include_str!("exit_in_async.rs"),
};

#[derive(Default)]
pub struct ExitInAsync {
    /// Exit calls of the fn being walked that end no async process: `abort()` that an error
    /// log right before it announces, and exits in the child of a `fork()`.
    exempt: BTreeSet<(usize, usize)>,
    /// The call that is `async fn main`'s last statement, if any (see `check_expr`).
    main_tail: Option<(usize, usize)>,
}

/// Error-level reports: the line a fail-stop leaves behind.
fn is_error_log(m: &syn::Macro) -> bool {
    m.path.segments.last().is_some_and(|s| {
        matches!(
            s.ident.to_string().as_str(),
            "error" | "eprintln" | "crit" | "fatal"
        )
    })
}

/// `error!(..); std::process::abort();`: the `abort` call's key, for every such pair in `block`
/// (closures and async blocks included, nested fns not).
fn logged_aborts(block: &syn::Block, out: &mut BTreeSet<(usize, usize)>) {
    struct Pairs<'o>(&'o mut BTreeSet<(usize, usize)>);
    impl<'ast> syn::visit::Visit<'ast> for Pairs<'_> {
        fn visit_block(&mut self, b: &'ast syn::Block) {
            for pair in b.stmts.windows(2) {
                if let (Some(log), syn::Stmt::Expr(syn::Expr::Call(call), _)) =
                    (stmt_macro(&pair[0]), &pair[1])
                    && is_error_log(log)
                    && path_ends_with(&call.func, "abort")
                {
                    self.0.insert(span_key(expr_span(&call.func)));
                }
            }
            syn::visit::visit_block(self, b);
        }
        fn visit_item(&mut self, _: &'ast syn::Item) {}
    }
    syn::visit::Visit::visit_block(&mut Pairs(out), block);
}

/// The exit calls (`exit`, `_exit`, `abort`) in `block` that run in the child of a `fork()`: in
/// an arm matching `ForkResult::Child` (under `Ok(..)` too) of a `match` on a call of a fn
/// named `fork` (`unsafe { fork() }?`, `nix::unistd::fork()`), or in the `then` branch of `if
/// pid == 0` where the block last bound `pid` from such a call (`libc::fork()`).
fn fork_child_exits(block: &syn::Block, out: &mut BTreeSet<(usize, usize)>) {
    use quote::ToTokens;
    struct Exits<'o>(&'o mut BTreeSet<(usize, usize)>);
    impl<'ast> syn::visit::Visit<'ast> for Exits<'_> {
        fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
            if ["exit", "_exit", "abort"]
                .iter()
                .any(|n| path_ends_with(&c.func, n))
            {
                self.0.insert(span_key(expr_span(&c.func)));
            }
            syn::visit::visit_expr_call(self, c);
        }
    }
    /// Whether `e` calls a fn named `fork` (a path call, not a method: `tree.fork()`).
    fn calls_fork(e: &syn::Expr) -> bool {
        struct Fork(bool);
        impl<'ast> syn::visit::Visit<'ast> for Fork {
            fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
                self.0 |= path_ends_with(&c.func, "fork");
                syn::visit::visit_expr_call(self, c);
            }
        }
        let mut f = Fork(false);
        syn::visit::Visit::visit_expr(&mut f, e);
        f.0
    }
    struct Forks<'o> {
        out: &'o mut BTreeSet<(usize, usize)>,
        /// Bindings of a `fork()` result, by name; a later `let` of the name rebinds it.
        pids: BTreeSet<String>,
    }
    impl<'ast> syn::visit::Visit<'ast> for Forks<'_> {
        fn visit_expr_match(&mut self, m: &'ast syn::ExprMatch) {
            if calls_fork(&m.expr) {
                for arm in &m.arms {
                    let pat = arm.pat.to_token_stream().to_string();
                    if pat.contains("ForkResult") && pat.contains("Child") {
                        syn::visit::Visit::visit_expr(&mut Exits(self.out), &arm.body);
                    }
                }
            }
            syn::visit::visit_expr_match(self, m);
        }
        fn visit_local(&mut self, l: &'ast syn::Local) {
            if let syn::Pat::Ident(pi) = &l.pat {
                let name = pi.ident.to_string();
                if l.init.as_ref().is_some_and(|i| calls_fork(&i.expr)) {
                    self.pids.insert(name);
                } else {
                    self.pids.remove(&name);
                }
            }
            syn::visit::visit_local(self, l);
        }
        fn visit_expr_if(&mut self, i: &'ast syn::ExprIf) {
            use crate::semantic::syntax::peel;
            if let syn::Expr::Binary(b) = peel(&i.cond)
                && matches!(b.op, syn::BinOp::Eq(_))
                && let (syn::Expr::Path(p), syn::Expr::Lit(lit)) = (peel(&b.left), peel(&b.right))
                && matches!(&lit.lit, syn::Lit::Int(n) if n.base10_digits() == "0")
                && p.path
                    .get_ident()
                    .is_some_and(|id| self.pids.contains(&id.to_string()))
            {
                syn::visit::Visit::visit_block(&mut Exits(self.out), &i.then_branch);
            }
            syn::visit::visit_expr_if(self, i);
        }
        fn visit_item(&mut self, _: &'ast syn::Item) {}
    }
    syn::visit::Visit::visit_block(
        &mut Forks {
            out,
            pids: BTreeSet::new(),
        },
        block,
    );
}

impl Lint for ExitInAsync {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn expr_kinds(&self) -> ExprKinds {
        ExprKinds::CALL
    }

    fn hooks(&self) -> Hooks {
        Hooks::FN | Hooks::EXPR
    }

    fn check_fn(&mut self, _cx: &Cx, f: &FnView) {
        self.exempt.clear();
        if f.sig.asyncness.is_some() && f.name == "main" {
            self.main_tail = f.block.stmts.last().and_then(|s| match s {
                syn::Stmt::Expr(e, _) => match crate::semantic::syntax::peel(e) {
                    syn::Expr::Call(c) => Some(span_key(expr_span(&c.func))),
                    _ => None,
                },
                _ => None,
            });
        }
        if f.body_text().contains("abort") {
            logged_aborts(f.block, &mut self.exempt);
        }
        if f.body_text().contains("fork") {
            fork_child_exits(f.block, &mut self.exempt);
        }
    }

    fn check_crate(&self, cx: &CrateCx, out: &mut Vec<CrateFinding>) {
        for (file, facts) in cx.files.iter().enumerate() {
            for ff in &facts.fn_findings {
                if ff.finding.rule != META.name {
                    continue;
                }
                if !ff.cuts_off
                    && cx.calls.is_some_and(|c| {
                        c.startup_before_work(file, ff.func, ff.finding.region.start_byte)
                    })
                {
                    continue;
                }
                let mut f = ff.finding.clone();
                if cx.calls.is_some_and(|c| c.startup_only(file, ff.func)) {
                    f.severity = Severity::Low;
                    f.message = f.message.replace(
                        "inside async code",
                        "in async code only main's startup reaches",
                    );
                }
                out.push(CrateFinding { file, finding: f });
            }
        }
        let Some(calls) = cx.calls else { return };
        // Startup before anything runs (see the docs): no finding. Only for a call its fn's
        // body makes in place: one in a task it spawns (or a closure it hands on) runs later,
        // alongside whatever else runs by then.
        let quiet = |file: usize, site: &CallSite| {
            site.inline
                && !site.cuts_off
                && calls.startup_before_work(file, site.caller, site.region.start_byte)
        };
        for call in calls.hazard_calls_where(META.name, &|file, site| !quiet(file, site)) {
            let startup = call.site.async_main
                || (call.site.inline && calls.startup_only(call.file, call.site.caller));
            let mut f = calls.chain_finding(
                &META,
                &call,
                ": the process exits from async code, skipping destructors and pending I/O",
                "return an error to the caller and let main decide; signal a graceful shutdown instead of exiting",
            );
            if startup {
                f.finding.severity = Severity::Low;
            }
            out.push(f);
        }
    }

    fn check_expr(&mut self, cx: &Cx, e: &syn::Expr) {
        let syn::Expr::Call(call) = e else { return };
        // The top-level code of a thread of its own, whose closure is sync code nobody awaits.
        if cx.in_thread_block_on() {
            return;
        }
        // A sync fn's `block_on` block is that fn's code: its exit, like one in the fn's own
        // body, is reported where async code calls the fn.
        let block_on = cx.in_sync_block_on();
        let hazard = !cx.in_async() || block_on;
        if hazard && !block_on && !cx.in_sync_fn_body() {
            return;
        }
        // A logged fail-stop or a forked child's exit (see the rule's docs): the crash is the
        // design, or ends another process. Matched by the call's last path segment, whatever
        // `use` brought it.
        if self.exempt.contains(&span_key(expr_span(&call.func))) {
            return;
        }
        let Some(callee) = cx.callee(call) else {
            return;
        };
        if hazard {
            // A sync fn that exits (`fn fatal(..) -> !`): the call graph reports async callers.
            if is_exit(&callee) {
                cx.record_hazard(&META, callee, call.func.span());
            }
            return;
        }
        // A `crate::` path may re-export `std::process` (`use super::process;` across files);
        // the crate index settles it. A re-export that renames `exit` is not followed: deferring
        // every crate call in async code cost more than the rest of the rule.
        let deferred = callee.starts_with("crate::")
            && (callee.ends_with("::exit") || callee.ends_with("::abort"));
        if !deferred && !is_exit(&callee) {
            return;
        }
        let shown = if deferred {
            "process exit"
        } else {
            callee.as_str()
        };
        let mut f = cx.finding(
            &META,
            call.func.span(),
            format!("{shown} inside async code skips destructors and pending I/O"),
            "signal a graceful shutdown (CancellationToken / shutdown channel) and exit from main",
        );
        if cx.in_async_main() {
            // At main's very end, returning would end the runtime's tasks all the same: only
            // the destructors of what main keeps alive for them are skipped.
            let at_end = self.main_tail == Some(span_key(expr_span(&call.func)));
            if !(if at_end {
                cx.keeps_for_drop()
            } else {
                cx.exit_cuts_off(f.region.start_byte)
            }) {
                return;
            }
            f.severity = Severity::Low;
            f.message =
                format!("{shown} in async main skips destructors of everything main still owns");
            f.help = "return from main (e.g. an ExitCode) after the runtime's tasks have shut down"
                .into();
        }
        // Directly in an async fn's body: how severe depends on who calls the fn (see
        // `check_crate`).
        if !deferred
            && !cx.in_async_main()
            && let Some(func) = cx.fn_body()
        {
            cx.emit_for_fn(func, f);
            return;
        }
        // Emitted at once for an exit path; a `crate::` path waits for the crate index.
        cx.emit_if(
            TyExpr::Known(Ty::path(&callee)),
            |t| t.path_str().is_some_and(is_exit),
            f,
        );
    }
}
