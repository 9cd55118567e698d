//! # blocking_lock_in_async
//!
//! ## What it does
//! Flags `.lock()`, `.read()` and `.write()` on a `std::sync::Mutex`/`RwLock` or a
//! `parking_lot::Mutex`/`RwLock` in async context **when another holder of that same lock keeps
//! it long**: somewhere else in the crate's non-test code a guard of it is alive across
//! - a blocking call: a `std::fs` function, a file opened or a `std::fs::File` read, written or
//!   flushed (also through the guard of a `Mutex<File>`), `std::thread::sleep`, a
//!   `JoinHandle::join`, a std channel's `recv`, a child process waited for, a std socket read,
//!   written or connected, a synchronous database or HTTP client (`rusqlite`, `postgres`,
//!   `reqwest::blocking`, `ureq`), a `block_on`, or a path listed in `blocking_paths`;
//! - a call of a sync fn of the workspace that makes one (within 4 calls);
//! - an `.await` (see `lock_across_await`);
//! - the wait for another lock that is held long.
//!
//! The message names that holder and where it holds the lock (also a related location). "The same
//! lock" is its crate-wide identity: a struct field by its declaring type (`AppState.jobs`,
//! whichever binding reaches it), a static by its path, a fn-local lock within its fn. A lock no
//! holder keeps long only guards short critical sections: taking it in async code costs the
//! worker next to nothing (tokio's own advice is to prefer the std mutex there), so it is not
//! flagged. Nor is a lock whose identity racewise cannot name, or one only held long by tests,
//! or one whose only long holder is the reported acquisition itself (a job's own log file,
//! written under its lock by that job alone): it waits for nobody but another run of itself,
//! and its blocking work is the blocking rules' to report. A `read()` of an `RwLock` waits for
//! writers only: it is flagged when a *write* (or `lock()`) holder keeps the lock long, not when
//! only other readers do (`config.read()` in every handler, held across a file write, with the
//! one `write()` a short hot-reload). It waits on a long reader only while a writer is queued
//! in between, and that writer's own wait is what is reported (at the `write()`, when it is in
//! async code).
//!
//! The receiver's type is resolved through `use` declarations, struct fields declared anywhere
//! in the crate, statics (`LazyLock`, `OnceLock`, `lazy_static!`), type aliases and
//! `Arc`/`Option`/`&` wrappers; tokio's async locks, unknown types are never flagged — except
//! tokio's entry points for sync code, `blocking_lock()`, `blocking_read()` and
//! `blocking_write()`: called in async context they panic (tokio: "must not be called in an
//! asynchronous execution context"). They are always reported there (directly in async code
//! also off the workers, where they panic all the same) and through a sync helper's call chain.
//! Test code is checked too; its findings carry `in_test` and are lowered one severity level by
//! default (`[tests] mode` in `racewise.toml`).
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
//! test beside it that builds a current-thread one.
//!
//! It follows calls too: an async-context call of a sync fn of the workspace that takes such a
//! lock within 4 calls of the async code (`load_settings()` in a handler, which calls
//! `read_layer()`, which calls `self.jobs.lock()`) is reported at the call in the async code, with
//! each step of the chain as a related location (a SARIF `codeFlow`). Calls are followed through
//! module paths, `Self::`, the receiver's type (this crate's or a workspace member's, also through
//! a wrapper's `impl Deref` to its `Target`), and a trait with exactly one body for the method;
//! calls through trait objects, generic parameters, stored closures or fn pointers end the chain
//! (no finding). A call inside a closure handed to `spawn_blocking`/`block_in_place` (or to any
//! other fn that may run it elsewhere), and a sync fn that only spawns a thread or builds a future,
//! block nothing; a closure that runs in place during the call (an iterator adaptor's, `retain`'s,
//! `Option::map`'s, diesel's `conn.transaction(|c| ..)`) is the async code's own. The sync fn itself is not reported, and an async fn
//! calling the same helper several times is reported at its first call.
//!
//! ## Why is this bad
//! A blocking lock parks the runtime's worker thread while it waits. When the holder keeps the
//! lock across file I/O, a sleep or an await, every acquirer in async code waits that long, and
//! every task queued on that worker stalls with it; if the holder is a task waiting to be polled
//! on the same worker, the runtime deadlocks.
//!
//! ## Example
//! ```rust,ignore
//! impl Journal {
//!     // Runs on a maintenance thread every few seconds.
//!     fn persist(&self) -> std::io::Result<()> {
//!         let entries = self.entries.lock().unwrap(); // std::sync::Mutex
//!         std::fs::write(&self.path, entries.join("\n")) // held across the write
//!     }
//! }
//!
//! async fn append(State(j): State<Arc<Journal>>, body: String) -> StatusCode {
//!     j.entries.lock().unwrap().push(body); // waits for a whole file write
//!     StatusCode::ACCEPTED
//! }
//! ```
//!
//! ## Use instead
//! ```rust,ignore
//! impl Journal {
//!     fn persist(&self) -> std::io::Result<()> {
//!         let snapshot = self.entries.lock().unwrap().join("\n"); // copy out, release
//!         std::fs::write(&self.path, snapshot)
//!     }
//! }
//! ```
//! (or use `tokio::sync::Mutex` and do the write with `tokio::fs` while holding it).

use crate::finding::{Finding, Severity};
use crate::lint::{CrateFinding, Hooks, Lint, RuleMeta};
use crate::semantic::CrateCx;

pub static META: RuleMeta = RuleMeta {
    name: "blocking_lock_in_async",
    default_severity: Severity::Medium,
    summary: "blocking std/parking_lot lock acquired in async context",
    source: include_str!("blocking_lock_in_async.rs"),
};

#[derive(Default)]
pub struct BlockingLockInAsync;

impl Lint for BlockingLockInAsync {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn hooks(&self) -> Hooks {
        Hooks::NONE
    }

    fn check_crate(&self, cx: &CrateCx, out: &mut Vec<CrateFinding>) {
        if let Some(calls) = cx.calls {
            for call in calls.hazard_calls(META.name) {
                out.push(calls.chain_finding(
                    &META,
                    &call,
                    ": the async runtime's worker thread blocks on it",
                    "keep the lock out of code async callers reach, or use tokio::sync::Mutex/RwLock",
                ));
            }
        }
        for (file, facts) in cx.files.iter().enumerate() {
            for a in &facts.acquisitions {
                if !a.in_async || a.awaited || a.method.starts_with("try_") {
                    continue;
                }
                let Some(kind) = cx.lock_kind(a) else {
                    continue;
                };
                // tokio's `blocking_lock()`/`blocking_read()`/`blocking_write()` panic in any
                // async context, off the workers too (the `block_on` future's thread included).
                let panics = kind.panics_in_async(&a.method);
                if !panics && (!kind.is_thread_lock() || a.off_worker) {
                    continue;
                }
                // An async fn only ever awaited where no worker polls it (see
                // `CallGraph::stalls_nothing`; "before anything started" is not asked: the
                // lock's other holder may be a thread a library started).
                if !panics
                    && a.inline
                    && let (Some(f), Some(calls)) = (a.caller, cx.calls)
                    && calls.stalls_nothing(file, f, a.region.start_byte, true)
                {
                    continue;
                }
                // A lock no holder keeps long is only ever held for a short critical section:
                // waiting for it costs the worker next to nothing.
                let hold = if panics { None } else { cx.long_hold(file, a) };
                if !panics && hold.is_none() {
                    continue;
                }
                let (message, help) = if panics {
                    (
                        format!(
                            "`{}` panics in async code: tokio's {}() is for sync code off the runtime",
                            a.call_text(),
                            a.method
                        ),
                        format!(
                            "await the lock here (`.{}().await`); keep {}() for spawn_blocking bodies and plain threads",
                            a.method.trim_start_matches("blocking_"),
                            a.method
                        ),
                    )
                } else {
                    let hold = hold.map(|h| h.describe());
                    (
                        format!(
                            "`{}` blocks the async runtime's worker thread on a {} that is held long: {}",
                            a.call_text(),
                            kind.describe(),
                            hold.unwrap_or_default()
                        ),
                        "keep blocking work out of the lock's critical sections, or use tokio::sync::Mutex/RwLock"
                            .to_string(),
                    )
                };
                let related = hold
                    .map(|h| crate::finding::Related {
                        file: h.path.clone().filter(|p| Some(p.as_str()) != cx.path(file)),
                        region: h.region,
                        message: format!("the lock is held across {} here", h.across),
                    })
                    .into_iter()
                    .collect();
                out.push(CrateFinding {
                    file,
                    finding: Finding {
                        fix: None,
                        rule: META.name,
                        severity: META.default_severity,
                        region: a.region,
                        message,
                        help,
                        function: a.function.clone(),
                        snippet: a.snippet.clone(),
                        related,
                        in_test: a.in_test,
                    },
                });
            }
        }
    }
}
