//! The walker: one pass over a file that resolves names, tracks bodies and their async context,
//! interprets statements and expressions for lock-guard liveness, records facts for the
//! crate-wide phase, and calls every rule's hooks on the way.

mod access;
mod attr_methods;
mod exprs;
mod items;
mod sharing;
pub(crate) mod spans;
mod state;
mod typing;

use std::cell::{OnceCell, RefCell};

use crate::finding::Region;
use crate::lint::Lint;

use super::facts::{FileFacts, GuardId};
use super::paths::UseScopes;
use super::types::Ty;
use super::{EmitCell, Emitted, FileOptions, SourceText};
pub(crate) use exprs::expr_text;
pub(crate) use state::{Binding, Body, Boundary, Env, Flow, Owner};

/// Nesting beyond this is not interpreted (10,000-deep generated expressions must not overflow
/// the stack); the hooks still see the outer levels.
const MAX_DEPTH: u32 = 256;

pub(crate) struct ItemCtx {
    /// `Some` for an `impl` block: its self type.
    self_ty: Option<Ty>,
    /// The impl's type name or the fn's name.
    name: String,
    is_fn: bool,
    /// A method taking `&mut self` or `self`: what it reaches through `self` is its own.
    exclusive_self: bool,
    /// An impl's self type path or a trait's path, as this file resolved it (methods' owner in
    /// the call graph).
    owner_path: Option<String>,
    /// `impl Trait for Type`: the trait's path.
    trait_path: Option<String>,
    /// A `trait` definition (its default method bodies).
    is_trait: bool,
}

/// See [`Core::spawn_points`]: (fn, started a task, byte ranges it never reaches).
pub(crate) type SpawnPoint = (u32, bool, Vec<(u32, u32)>);

pub struct Core<'a> {
    pub(crate) file: &'a syn::File,
    pub(crate) src: &'a SourceText<'a>,
    /// `secret_names::has_auth_context` of `file`, computed on first use: only a bare `token` of
    /// unknown type asks, and scanning every file for it cost 4% of a run.
    pub(crate) auth_context: OnceCell<bool>,
    /// `secret_names::non_secret_names` of `file`, computed when a secret-named value is reported.
    pub(crate) non_secret_names: OnceCell<std::collections::HashSet<String>>,
    pub(crate) opts: FileOptions,
    pub(crate) uses: UseScopes,
    pub(crate) env: Env,
    pub(crate) bodies: Vec<Body>,
    pub(crate) items: Vec<ItemCtx>,
    pub(crate) facts: FileFacts,
    pub(crate) out: EmitCell,
    pub(crate) next_body: u32,
    pub(crate) next_guard: GuardId,
    pub(crate) depth: u32,
    pub(crate) test_depth: u32,
    /// clippy's await-holding lints an `allow`/`expect` on the enclosing fns or statements names
    /// (`syntax::await_holding_allows` bits); each body takes the value it starts with.
    pub(crate) clippy_allows: u8,
    /// The last call whose callee was resolved, by address: the walker and several rules ask
    /// for the same call in a row. Cleared whenever an expression's evaluation starts, so an
    /// address reused by a later (macro-parsed, already dropped) call never hits.
    pub(crate) callee_memo: RefCell<Option<(usize, Option<String>)>>,
    /// The types of the parameters of the closure about to be walked, by position, set by an
    /// iterator combinator (`peers.iter().for_each(|(_, p)| ..)`, `list.sort_by(|a, b| ..)`,
    /// `map.retain(|_, v| ..)`) and taken by `walk_closure`.
    pub(crate) closure_params: Vec<crate::semantic::types::TyExpr>,
    /// The address of a closure that ends a block handed to a fn (`spawn_blocking({ ..; || .. })`):
    /// walked as offloaded, not as async context.
    pub(crate) offloaded_tail: Option<usize>,
    /// Paths handed as arguments to the call being evaluated (their addresses): fns passed as
    /// values there become call sites of their own once that call is recorded (see
    /// `CallSite::handed_to`), not calls the graph cannot follow.
    pub(crate) handed_values: Vec<usize>,
    /// Open collections of the state accesses an expression reads (a condition, a `let`
    /// initializer, a stored value); an inner one's reads flow into the outer one.
    pub(crate) collectors: Vec<Vec<crate::semantic::facts::AccessId>>,
    /// Inside a format macro's arguments (`info!("{}", p.display())`).
    pub(crate) in_format: u32,
    /// Inside a deferred block (`defer! { .. }`): code that runs when the scope is dropped.
    pub(crate) in_defer: u32,
    /// The fn `walk_fn` registered, taken by the body it enters.
    pub(crate) entering_fn: Option<u32>,
    /// The address of a closure known to run in place (a combinator's argument, a `let` only
    /// called right there), taken by `walk_closure`.
    pub(crate) inline_closure: Option<usize>,
    /// Guards the receiver of a method call being evaluated goes through, while its arguments
    /// are evaluated (`queue.lock().unwrap().push_back(f(running.lock()))`): still in use when
    /// a lock is taken there, so not a mere sibling temporary (see
    /// [`crate::semantic::Acquisition::sibling_temps`]).
    pub(crate) receivers_in_use: Vec<crate::semantic::facts::GuardId>,
    /// Where the statement being walked starts (byte offset).
    pub(crate) stmt_start: u32,
    /// Guards an explicit `drop(name)` ended (see `Walker::assign`).
    pub(crate) dropped_guards: Vec<crate::semantic::facts::GuardId>,
    /// The type parameters of the `impl` being walked (`impl<E> Worker<E>`): unknown in its
    /// methods' declared return types.
    pub(crate) impl_type_params: Vec<String>,
    /// The type parameters of the fn being walked (`fn send<R: Request>(..)`).
    pub(crate) fn_type_params: Vec<String>,
    /// The workspace traits bounding those of the impl and the fn being walked, by parameter
    /// (`C: CliClient`, also from a `where` clause), resolved where they are declared.
    pub(crate) type_bounds: Vec<(String, Box<str>)>,
    /// Bool locals of the fn being walked bound to an equality test of state, with the locals
    /// it compares (`let changed = { g.as_ref() != &creds };`): a condition on the local is
    /// that test (see `compared_locals`).
    pub(crate) compared_bools: Vec<(String, Vec<String>)>,
    /// The impl being walked declares `type Error = ();` (see
    /// `fallible::impl_errs_with_unit`).
    pub(crate) impl_errs_with_unit: bool,
    /// The parameter names of the fn being walked, `self` not counted (`""` for a pattern),
    /// as `FnDef::block_on_params` numbers them.
    pub(crate) fn_params: Vec<String>,
    /// The bindings of the fn being walked that hold a value it owns alone (see
    /// [`crate::semantic::syntax::owned_locals`]).
    pub(crate) owned_locals: Vec<String>,
    /// The byte range of the body of the fn being walked: where a runtime its `block_on` runs
    /// on is built (`Builder::new_multi_thread()` right there) decides that runtime's flavor.
    pub(crate) fn_bytes: std::ops::Range<usize>,
    /// The address of the expression being evaluated as the receiver of a lock or atomic
    /// operation, the base of a field, or the source of a `let` clone: a use of local state or
    /// of a field that does not hand its value out.
    pub(crate) benign: usize,
    /// The address of a closure handed to a `spawn`-like fn (runs once), taken by
    /// `walk_closure`.
    pub(crate) spawned_closure: Option<usize>,
    /// The address of an `async` block a `block_on` runs in place during a sync fn
    /// (`rt.block_on(async { .. })`), and whether that fn is `main` (then the block is main's
    /// startup, like the body of an `async fn main`), and whether the block runs off the
    /// runtime's workers (see [`Core::note_block_on`]). Taken by the walk of that block.
    pub(crate) block_on_block: Option<(usize, bool, bool)>,
    /// The address of the `async` block a sync `main` hands another crate's runner as its
    /// last statement or value (see `syntax::main_runner_block`); 0 if none.
    pub(crate) main_runner_block: usize,
    /// The address of an `async` block a `block_on` runs in a sync body that is not run in
    /// place (see `Body::thread_block_on`). Taken by the walk of that block.
    pub(crate) thread_block_on: usize,
    /// Where the callee of a call a `block_on` runs is named (`serve` in
    /// `rt.block_on(serve(cfg))`), and whether it runs off the workers there (see
    /// [`Core::note_block_on`]), and whether a free executor fn runs it (not a runtime's
    /// method): that call site is awaited in place. Taken by `record_call`.
    pub(crate) block_on_call: Option<(Region, bool, bool)>,
    /// The address of the place an assignment writes (`g.running` in `g.running = None`): its
    /// evaluation is no read of the guarded value.
    pub(crate) assign_target: usize,
    /// The address of the binding a `let` initializer clones (`flag` in `let f = flag.clone()`),
    /// while that initializer is evaluated.
    pub(crate) alias_source: usize,
    /// `benign`/`assign_target` named the expression being evaluated (taken by `eval`).
    pub(crate) benign_now: bool,
    pub(crate) assigned_now: bool,
    /// See `FileFacts::handed_out_fields`.
    pub(crate) handed_out: std::collections::BTreeSet<String>,
    /// Attributes that declare a free fn a method of the type they name (`attr_methods`).
    pub(crate) method_attrs: std::collections::BTreeSet<String>,
    /// The file's own one-rule `macro_rules!`, expanded where invoked (see `local_macros`),
    /// and how deep such expansions are nested (a macro expanding to itself stops there).
    pub(crate) local_macros:
        rustc_hash::FxHashMap<String, Option<crate::semantic::local_macros::LocalMacro>>,
    pub(crate) macro_depth: u32,
    /// Nested expansions left for the file (see `local_macros`).
    pub(crate) macro_budget: u32,
    /// Fns other than `main` that start the process (see [`crate::semantic::macros::windows_service_mains`]).
    pub(crate) entry_fns: Vec<String>,
    /// Byte ranges of the `if`/`else` branches and `match` arms being walked, innermost last
    /// (see [`crate::semantic::facts::CallSite::branch`]).
    pub(crate) branches: Vec<(u32, u32)>,
    /// Per entry of `branches`: where the `if`/`match` it belongs to ends (its later siblings
    /// lie between the branch's end and there).
    pub(crate) branch_siblings_end: Vec<u32>,
    /// The fns (index into `FileFacts::fns`) whose walk has passed a call or method named
    /// `spawn*`: from there on a task or thread they started may be running.
    pub(crate) spawned_fns: Vec<u32>,
    /// Of those, the fns that started a task (not only a thread or a blocking job: a spawn of a
    /// sync closure, `thread::spawn(|| ..)`, `spawn_blocking(|| ..)`): from there on blocking
    /// this thread may stall a task.
    pub(crate) task_spawned_fns: Vec<u32>,
    /// Each spawn of the fn being walked: its fn, whether it started a task, and the later sibling arms and
    /// `else` branches of the `match`es and `if`s around it (from a branch's end to its
    /// siblings' end), which never run after it.
    pub(crate) spawn_points: Vec<SpawnPoint>,
    /// The spawn calls of the fn being walked whose handles it joins (see
    /// [`crate::semantic::joined`]): call address → end byte of the join.
    pub(crate) joined_spawns: rustc_hash::FxHashMap<usize, u32>,
    /// The `async` blocks the fn being walked binds and then awaits in place, by address (see
    /// [`crate::semantic::joined::awaited_async_lets`]).
    pub(crate) awaited_lets: rustc_hash::FxHashSet<usize>,
    /// Guards the fn being walked holds as an `Option` for some kinds of a value only (see
    /// [`crate::semantic::cond_guards`]), with their ids.
    pub(crate) cond_guards: Vec<(crate::semantic::cond_guards::CondGuard, Vec<GuardId>)>,
    /// (fn, end byte of the join, a task rather than a thread or blocking job) per joined
    /// spawn walked: it runs until the join.
    pub(crate) spawn_windows: Vec<(u32, u32, bool)>,
    /// Per fn that spawned: the local `JoinSet`s its spawns went into, or `None` once one went
    /// elsewhere (see [`Core::note_spawn_into`]).
    pub(crate) spawn_sets: std::collections::BTreeMap<u32, Option<Vec<String>>>,
    /// Fns whose spawns may outlive them (see [`Core::outliving_spawns`]), decided as each
    /// fn's walk ends.
    pub(crate) outliving: Vec<u32>,
    /// The address of an `async` block being awaited where it is written (see
    /// `syntax::awaited_block`), taken by the walk of that block.
    pub(crate) awaited_block: usize,
    /// The call (`ExprCall`/`ExprMethodCall` address) an `.await` is about to evaluate: what
    /// its arguments read does not flow into its result (see `Walker::eval_await`).
    pub(crate) awaited_call: usize,
    /// The `.await` (`ExprAwait` address) whose error the enclosing `?` propagates (also
    /// through `.map_err(..)`/`.context(..)`): only its call's arguments stay out of what its
    /// value decides (see `Walker::eval_await`).
    pub(crate) tried_await: usize,
    /// The address of a method call whose result its statement drops (`m.remove(&k);`, `let _
    /// = ..`), taken by the access it makes (see `Written::KeyRemoved`).
    pub(crate) dropped_result: usize,
    /// The address of a method call statement the next statement leaves after (`FLAG.store(true,
    /// ..); break;`), taken by the atomic write it makes (see `StateAccess::then_leaves`).
    pub(crate) then_leaves: usize,
    /// The blocks whose end is the end of the body being walked (a fn's or an `async` block's
    /// own block, and the branches of an `if`/`match` that is its last statement), each with
    /// whether it handles a failure (`if let Err(e) = schedule(task) { .. }`): the last
    /// statement of such a branch leaves like one followed by `return;` (see `then_leaves`).
    pub(crate) ending_blocks: Vec<(usize, bool)>,
    /// The statement being walked is the last of a failure branch of `ending_blocks`.
    pub(crate) last_stmt_ends_body: bool,
    /// The `#[cfg(..)]` predicates of the inline modules and the impl around the item being
    /// walked (`#[cfg(feature = "p2p")] mod inner { .. }`): its fns are built under them too.
    pub(crate) cfg_scope: Vec<Box<str>>,
    /// The statement being walked is followed only by its block's tail, an `Err(..)` that
    /// runs no code, in a block the fn's body ends with (see `then_leaves`).
    pub(crate) inert_tail_next: bool,
}

impl<'a> Core<'a> {
    pub(crate) fn body(&self) -> Option<&Body> {
        self.bodies.last()
    }

    /// The current fn has started a task, or (`task` false) a thread or blocking job (see
    /// `spawned_fns`, `task_spawned_fns`).
    pub(crate) fn note_spawn(&mut self, task: bool) {
        let Some(f) = self.body().and_then(|b| b.fn_id) else {
            return;
        };
        if !self.spawned_fns.contains(&f) {
            self.spawned_fns.push(f);
        }
        if task && !self.task_spawned_fns.contains(&f) {
            self.task_spawned_fns.push(f);
        }
        // In a loop, a later round may take any arm: only branches around the outermost loop
        // (which ends last) keep their siblings apart.
        let outer_loop_end = self
            .bodies
            .iter()
            .filter_map(|b| b.loops.first().map(|l| l.end))
            .max();
        let siblings = self
            .branches
            .iter()
            .zip(&self.branch_siblings_end)
            .filter(|&(&(_, end), &siblings_end)| {
                siblings_end > end && outer_loop_end.is_none_or(|l| end > l)
            })
            .map(|(&(_, end), &siblings_end)| (end, siblings_end))
            .collect();
        self.spawn_points.push((f, task, siblings));
    }

    /// Where the current fn's task just spawned went: into the local `JoinSet` named `set`, or
    /// (`None`) anywhere else. See [`Core::outliving_spawns`].
    pub(crate) fn note_spawn_into(&mut self, set: Option<String>) {
        let Some(f) = self.body().and_then(|b| b.fn_id) else {
            return;
        };
        let entry = self.spawn_sets.entry(f).or_insert(Some(Vec::new()));
        match (entry.as_mut(), set) {
            (Some(sets), Some(set)) => {
                if !sets.contains(&set) {
                    sets.push(set);
                }
            }
            _ => *entry = None,
        }
    }

    /// Whether fn `f` (whose body is `block`) starts tasks or threads that may outlive it: any
    /// spawn, unless every one went into a `JoinSet` the fn declares with `let` and only calls
    /// methods on (never returns, stores or hands on): its tasks are aborted when it drops.
    pub(crate) fn outliving_spawns(&self, f: u32, block: &syn::Block) -> bool {
        if !self.spawned_fns.contains(&f) {
            return false;
        }
        match self.spawn_sets.get(&f) {
            Some(Some(sets)) => !sets
                .iter()
                .all(|s| crate::semantic::syntax::local_used_only_by_methods(block, s)),
            _ => true,
        }
    }

    /// Whether exiting the process here would cut off something the current fn started: a
    /// task or thread spawned earlier in its walk, or a `let` binding kept only for its
    /// destructor (see [`kept_for_drop`]) in one of its blocks still open here. A parameter
    /// named `_x` is no such binding: the caller owns what it drops.
    pub(crate) fn exit_cuts_off(&self, at: u32) -> bool {
        self.spawned_before(at) || self.keeps_for_drop()
    }

    /// The fn being walked has started a task or thread that may still run at byte `at`.
    pub(crate) fn spawned_before(&self, at: u32) -> bool {
        self.started_before(at, false)
    }

    /// The fn being walked has started a task that may still run at byte `at`: one a blocked
    /// runtime thread may stall (a thread or a blocking job runs elsewhere).
    pub(crate) fn task_spawned_before(&self, at: u32) -> bool {
        self.started_before(at, true)
    }

    fn started_before(&self, at: u32, tasks_only: bool) -> bool {
        let Some(f) = self.body().and_then(|b| b.fn_id) else {
            return false;
        };
        // A spawn in one `match` arm starts nothing for another arm.
        self.spawn_points.iter().any(|(g, task, siblings)| {
            *g == f
                && (*task || !tasks_only)
                && !siblings.iter().any(|&(end, to)| end < at && at <= to)
        }) || self
            .spawn_windows
            .iter()
            .any(|&(g, until, task)| g == f && at < until && (task || !tasks_only))
    }

    /// A spawn call (by address) whose handle the fn joins (see
    /// [`crate::semantic::joined`]): its task is running until the join, not past it.
    pub(crate) fn note_joined_spawn(&mut self, call: usize, task: bool) -> bool {
        let Some(&until) = self.joined_spawns.get(&call) else {
            return false;
        };
        if let Some(f) = self.body().and_then(|b| b.fn_id) {
            self.spawn_windows.push((f, until, task));
        }
        true
    }

    /// A `let` binding kept only for its destructor (see [`kept_for_drop`]) is alive here, in a
    /// block of the current fn.
    pub(crate) fn keeps_for_drop(&self) -> bool {
        for frame in self.env.frames.iter().rev() {
            match frame.boundary {
                Boundary::Item => break,
                Boundary::Capture => continue,
                Boundary::Block => {}
            }
            if !frame.kept_for_drop.is_empty() {
                return true;
            }
        }
        false
    }

    /// `drop(name)`: a value kept for its destructor ends here, not at its scope's end (docs.rs'
    /// `drop(_guard); std::process::exit(1);` flushes the logger before exiting).
    pub(crate) fn release_kept_for_drop(&mut self, name: &str) {
        for frame in self.env.frames.iter_mut().rev() {
            if let Some(i) = frame.kept_for_drop.iter().position(|n| n == name) {
                frame.kept_for_drop.remove(i);
                return;
            }
            if frame.bindings.iter().any(|b| b.name == name)
                || matches!(frame.boundary, Boundary::Item)
            {
                return;
            }
        }
    }

    /// Runs in place during a sync `fn main`: its own body, or a closure it calls right there.
    pub(crate) fn in_sync_main(&self) -> bool {
        self.body().is_some_and(|b| {
            !b.is_async
                && b.inline
                && b.fn_id
                    .and_then(|f| self.facts.fns.get(f as usize))
                    .is_some_and(|d| d.is_main)
        })
    }

    /// The runtime whose `block_on` is called on `receiver` is a current-thread one. Its builder
    /// decides: written as the receiver itself (`Builder::new_multi_thread()..build()?
    /// .block_on(..)`), or as the initializer of the nearest `let` before the call in this fn
    /// that bound it (`let rt = Builder::new_multi_thread()..build()?;`, `let rt: Runtime =
    /// ..`), also one step through a builder bound the same way (`let rt = builder.build()?;`).
    /// A runtime from a helper (`let rt = plugin_runtime();`) is current-thread if its file
    /// builds one anywhere; one bound nowhere in the fn (a parameter, a field) takes the fn's
    /// own builders (current-thread if it builds one), then the file's.
    fn builds_current_thread(&self, receiver: &syn::Expr) -> bool {
        let text = self.src.text.as_bytes();
        let has = |t: &[u8], w: &[u8]| memchr::memmem::find(t, w).is_some();
        let flavor = |t: &[u8]| match has(t, b"new_current_thread") {
            true => Some(true),
            false => has(t, b"new_multi_thread").then_some(false),
        };
        let file = || has(text, b"new_current_thread");
        let fn_wide = || {
            let here = text.get(self.fn_bytes.clone()).unwrap_or_default();
            flavor(here).unwrap_or_else(file)
        };
        if let Some(own) = flavor(crate::semantic::walk::exprs::expr_text(receiver).as_bytes()) {
            return own;
        }
        let at = Region::from_span(syn::spanned::Spanned::span(receiver)).start_byte as usize;
        let before = text
            .get(self.fn_bytes.start..at.max(self.fn_bytes.start))
            .unwrap_or_default();
        // The initializer of the nearest `let name` (`=` or `: T =`) before the call.
        let init_of = |name: &str, upto: &[u8]| -> Option<(usize, usize)> {
            let at = [
                format!("let {name} "),
                format!("let mut {name} "),
                format!("let {name}:"),
            ]
            .iter()
            .filter_map(|l| memchr::memmem::rfind(upto, l.as_bytes()))
            .max()?;
            let end = memchr::memchr(b';', &upto[at..]).map_or(upto.len(), |e| at + e);
            Some((at, end))
        };
        let name =
            crate::semantic::syntax::plain_value_name(crate::semantic::syntax::peel(receiver), &[]);
        let Some((from, to)) = name.and_then(|n| init_of(&n, before)) else {
            return fn_wide();
        };
        let init = &before[from..to];
        if let Some(f) = flavor(init) {
            return f;
        }
        // `let rt = builder.build()?;`: the builder's own `let`.
        let rhs = init
            .iter()
            .position(|&b| b == b'=')
            .map_or(&init[..0], |e| &init[e + 1..]);
        let rhs = std::str::from_utf8(rhs).unwrap_or_default().trim_start();
        let builder: String = rhs
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if !builder.is_empty()
            && rhs[builder.len()..].trim_start().starts_with(".build")
            && let Some((bf, bt)) = init_of(&builder, &before[..from])
            && let Some(f) = flavor(&before[bf..bt])
        {
            return f;
        }
        file()
    }

    /// `block_on(async { .. })` in a sync body: the block runs right there on the calling
    /// thread; in a sync fn's own body, during the call of that fn (and in a sync `fn main`, it
    /// is main's startup).
    ///
    /// `runtime`: the call is a runtime's method (`rt.block_on(async { .. })`) on it. Its
    /// future runs on the calling thread, not on a worker, so a blocking call there stalls no
    /// task of a multi-thread runtime: the block is off the workers unless the file builds a
    /// current-thread runtime (whose one thread also runs every task spawned on it).
    pub(crate) fn note_block_on(
        &mut self,
        callee: &str,
        args: &syn::punctuated::Punctuated<syn::Expr, syn::Token![,]>,
        runtime: Option<&syn::Expr>,
    ) {
        let Some(body) = self.body() else { return };
        if body.is_async {
            return;
        }
        if !crate::semantic::syntax::is_block_on_path(callee) {
            // `fn main() -> Result<()> { oxide_tokio_rt::run(async { .. }) }`: another crate's
            // runner (see `syntax::runner_entry`) that main hands its whole work as its last
            // statement or value drives that block on the main thread (had it only spawned
            // it, main would return and end the process).
            // The block's address places the call: only the sync `main`'s walk sets it.
            let outside = callee.contains("::")
                && callee.starts_with(|c: char| c.is_ascii_lowercase())
                && !["crate::", "self::", "super::"]
                    .iter()
                    .any(|p| callee.starts_with(p));
            if let Some((k, syn::Expr::Async(ab))) = args
                .iter()
                .map(crate::semantic::syntax::peel)
                .enumerate()
                .last()
                && self.main_runner_block == ab as *const syn::ExprAsync as usize
                && outside
                && crate::semantic::syntax::runner_entry(callee, args.len(), k)
            {
                self.block_on_block = Some((self.main_runner_block, true, false));
            }
            return;
        }
        // On any thread of its own (a `thread::spawn` closure's too); in place in its fn only
        // when the sync body itself runs whenever the fn does.
        let (inline, fn_id) = (body.inline, body.fn_id);
        let off_worker = runtime.is_some_and(|rt| !self.builds_current_thread(rt));
        let main = inline && self.in_sync_main();
        let by_executor = runtime.is_none() && crate::semantic::syntax::is_free_executor(callee);
        for arg in args {
            // `block_on(run(&options).instrument(span))` polls `run(..)`'s future right there.
            let arg = crate::semantic::syntax::peel_future_adapters(arg);
            match arg {
                syn::Expr::Async(ab) => {
                    let at = ab as *const syn::ExprAsync as usize;
                    if inline || off_worker {
                        self.block_on_block = Some((at, main, off_worker));
                    }
                    if !inline {
                        self.thread_block_on = at;
                    }
                    // `rt.block_on(async move { select! { _ = shutdown() => .., r = fut => r
                    // } })`: a parameter the block names is polled in it.
                    if off_worker && !self.fn_params.is_empty() {
                        self.note_block_on_block_params(ab, fn_id);
                    }
                }
                // `rt.block_on(fut)` on the fn's own parameter: a future its callers make
                // as that argument runs here (see `FnDef::block_on_params`). Also in a closure
                // of its own thread (`spawn_blocking(move || handle.block_on(fut))`).
                syn::Expr::Path(_) if off_worker => self.note_block_on_params(arg, fn_id),
                // `block_on(serve(cfg))` awaits that call right here, whatever the runtime.
                syn::Expr::Call(c) => {
                    let at = Region::from_span(syn::spanned::Spanned::span(&*c.func));
                    self.block_on_call = Some((at, off_worker, by_executor));
                    if off_worker {
                        self.note_block_on_params(arg, fn_id);
                    }
                }
                syn::Expr::MethodCall(mc) => {
                    self.block_on_call =
                        Some((Region::from_span(mc.method.span()), off_worker, by_executor));
                    if off_worker {
                        self.note_block_on_params(arg, fn_id);
                    }
                }
                _ => {}
            }
        }
    }

    /// The parameters of fn `fn_id` whose futures the expression a `block_on` runs drives:
    /// the parameter itself (`fut`), handed on to the calls it is made of
    /// (`block_on(run_until_ctrl_c(fut))`, a wrapper that polls what it is handed), or called
    /// to make the future (`block_on(command(context))` on `command: impl FnOnce(Ctx) -> F`).
    fn note_block_on_params(&mut self, e: &syn::Expr, fn_id: Option<u32>) {
        let param = |p: &syn::Expr| match crate::semantic::syntax::peel(p) {
            syn::Expr::Path(p) => p
                .path
                .get_ident()
                .and_then(|i| self.fn_params.iter().position(|n| i == n.as_str())),
            _ => None,
        };
        // A closure parameter named anywhere else in the fn's body (`rt.block_on(job()); loop {
        // rt.spawn(job()); .. }`) makes futures that run anywhere. Tokens, so a comment
        // naming it (`// Spawn the command on the blocking pool`) is no use.
        // The fn body's tokens, lexed once and only if a parameter is met.
        let body = std::cell::OnceCell::new();
        let body = || body.get_or_init(|| self.fn_tokens());
        let called_once = |name: &str| {
            body()
                .clone()
                .is_some_and(|body| crate::semantic::syntax::count_ident(body, name) == 1)
        };
        let handed_to_task = |name: &str| {
            body()
                .clone()
                .is_none_or(|body| crate::semantic::syntax::spawns_with(body, name))
        };
        let mut bits = 0u64;
        let mut stack = vec![e];
        while let Some(e) = stack.pop() {
            match crate::semantic::syntax::peel(e) {
                // A parameter the body also hands to a task (`block_on(fut)` on one branch,
                // `spawn(fut)` on another) may run on a worker.
                p @ syn::Expr::Path(_) => {
                    if let Some(k) = param(p).filter(|&k| k < 64)
                        && !handed_to_task(&self.fn_params[k])
                    {
                        bits |= 1 << k;
                    }
                }
                syn::Expr::Call(c) => {
                    if let Some(k) = param(&c.func).filter(|&k| k < 64)
                        && called_once(&self.fn_params[k])
                    {
                        bits |= 1 << k;
                    }
                    // What a spawn is handed runs as a task, not in the `block_on`.
                    let spawns = crate::semantic::syntax::path_last_ident(&c.func)
                        .is_some_and(|i| crate::semantic::syntax::is_spawn(&i.to_string()));
                    if !spawns {
                        stack.extend(c.args.iter());
                    }
                }
                syn::Expr::MethodCall(mc)
                    if !crate::semantic::syntax::is_spawn(&mc.method.to_string()) =>
                {
                    stack.extend(mc.args.iter());
                }
                _ => {}
            }
        }
        if let Some(def) = fn_id.and_then(|f| self.facts.fns.get_mut(f as usize)) {
            def.block_on_params |= bits;
        }
    }

    /// The parameters of fn `fn_id` that the `async` block a `block_on` runs names (awaits,
    /// races in a `select!`, joins), unless the fn also hands them to a task: their futures are
    /// polled in that `block_on` (see [`Self::note_block_on_params`]).
    fn note_block_on_block_params(&mut self, ab: &syn::ExprAsync, fn_id: Option<u32>) {
        // As a value, not a method or field of the same name (`node.start()`).
        let block = quote::ToTokens::to_token_stream(&ab.block);
        let Some(body) = self.fn_tokens() else {
            return;
        };
        let mut bits = 0u64;
        for (k, p) in self.fn_params.iter().enumerate().take(64) {
            if crate::semantic::syntax::binding_mentions(block.clone(), p) > 0
                && !crate::semantic::syntax::spawns_with(body.clone(), p)
            {
                bits |= 1 << k;
            }
        }
        if let Some(def) = fn_id.and_then(|f| self.facts.fns.get_mut(f as usize)) {
            def.block_on_params |= bits;
        }
    }

    /// The current fn's source text, lexed: what a token scan of its body reads (comments
    /// dropped).
    fn fn_tokens(&self) -> Option<proc_macro2::TokenStream> {
        self.src
            .text
            .get(self.fn_bytes.clone())
            .and_then(|text| text.parse::<proc_macro2::TokenStream>().ok())
    }

    /// In a `trait` definition's default bodies.
    pub(crate) fn in_trait_def(&self) -> bool {
        self.items
            .iter()
            .rev()
            .find(|i| !i.is_fn)
            .is_some_and(|i| i.is_trait)
    }

    /// In test code: a file under `tests/`/`benches/`/`examples/`, a `#[cfg(test)]` item or a
    /// `#[test]`-style fn.
    pub(crate) fn in_test(&self) -> bool {
        self.opts.test_file || self.body().is_some_and(|b| b.in_test) || self.test_depth > 0
    }

    pub(crate) fn fn_name(&self) -> Option<&str> {
        let f = self.items.iter().rfind(|i| i.is_fn)?;
        Some(f.name.as_str())
    }

    pub(crate) fn function(&self) -> Option<String> {
        let fn_pos = self.items.iter().rposition(|i| i.is_fn)?;
        let name = &self.items[fn_pos].name;
        match self.items[..fn_pos]
            .iter()
            .rev()
            .find(|i| i.self_ty.is_some())
        {
            Some(imp) => Some(format!("{}::{name}", imp.name)),
            None => Some(name.clone()),
        }
    }

    /// The path of the impl's self type (or the trait) whose method is being walked.
    /// `path` with a leading `Self::` spelled as the enclosing impl's (or trait's) path
    /// (`Self::Login` → `crate::Cmd::Login`); `None` for `Self::` outside any.
    pub(crate) fn rebase_self(&self, path: String) -> Option<String> {
        match path.strip_prefix("Self::") {
            Some(rest) => Some(format!("{}::{rest}", self.impl_owner()?)),
            None => Some(path),
        }
    }

    pub(crate) fn impl_owner(&self) -> Option<&str> {
        self.items
            .iter()
            .rev()
            .find(|i| !i.is_fn)
            .and_then(|i| i.owner_path.as_deref())
    }

    pub(crate) fn self_ty(&self) -> Option<&Ty> {
        self.items.iter().rev().find_map(|i| i.self_ty.as_ref())
    }

    /// The resolved path of a call's callee; `None` for closures, locals and other non-paths.
    pub(crate) fn callee(&self, call: &syn::ExprCall) -> Option<String> {
        let key = call as *const syn::ExprCall as usize;
        if let Some((k, v)) = &*self.callee_memo.borrow()
            && *k == key
        {
            return v.clone();
        }
        let v = self.resolve_callee(call);
        *self.callee_memo.borrow_mut() = Some((key, v.clone()));
        v
    }

    fn resolve_callee(&self, call: &syn::ExprCall) -> Option<String> {
        let syn::Expr::Path(p) = &*call.func else {
            return None;
        };
        if p.qself.is_some() {
            return None;
        }
        if let Some(ident) = p.path.get_ident()
            && self.env.lookup(&ident.to_string()).is_some()
        {
            return None;
        }
        Some(self.uses.resolve(&p.path))
    }

    fn region(&self, span: proc_macro2::Span) -> Region {
        Region::from_span(span)
    }
}

pub(crate) struct Walker<'a, 'l> {
    pub(crate) core: Core<'a>,
    lints: &'l mut [Box<dyn Lint>],
    /// Per lint: it panicked earlier in this file, so it is not called again (its state may be
    /// half-updated); the engine reports it as an `internal_error` naming the rule.
    disabled: Vec<bool>,
    /// Per lint: the expressions its `check_expr` looks at.
    expr_kinds: Vec<crate::lint::ExprKinds>,
    /// Per lint: the hooks it implements.
    hooks: Vec<crate::lint::Hooks>,
}

/// Call one hook of every (still enabled) lint. Each call is its own panic boundary: a rule that
/// panics is recorded in `facts.panicked` and disabled for the rest of the file, while the other
/// rules and the walk go on.
macro_rules! hook {
    // `$hook`: the `Hooks` flag of `$method`; only lints implementing it are called.
    ($w:expr, $method:ident, $arg:expr, $hook:expr) => {
        hook!($w, $method, $arg, $hook, None)
    };
    // `$kinds`: `Some(kinds)` calls only lints whose `expr_kinds` intersect it (`check_expr`).
    ($w:expr, $method:ident, $arg:expr, $hook:expr, $kinds:expr) => {{
        let cx = $crate::semantic::Cx { core: &$w.core };
        let hook: $crate::lint::Hooks = $hook;
        let kinds: Option<$crate::lint::ExprKinds> = $kinds;
        let mut panics = Vec::new();
        for (((lint, disabled), wants), implements) in $w
            .lints
            .iter_mut()
            .zip($w.disabled.iter_mut())
            .zip($w.expr_kinds.iter())
            .zip($w.hooks.iter())
        {
            if *disabled
                || !implements.contains(hook)
                || kinds.is_some_and(|k| !wants.intersects(k))
            {
                continue;
            }
            let call = std::panic::AssertUnwindSafe(|| lint.$method(&cx, $arg));
            if let Err(payload) = std::panic::catch_unwind(call) {
                *disabled = true;
                panics.push((
                    lint.meta().name,
                    $crate::semantic::walk::panic_message(&*payload),
                ));
            }
        }
        if !panics.is_empty() {
            $w.core.facts.panicked.extend(panics);
        }
    }};
}
pub(crate) use hook;

/// The text of a panic payload (`panic!("..")` gives a `&str` or a `String`).
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

/// The facts of a source text with no rules, as the walker's unit tests read them.
#[cfg(test)]
pub(crate) fn facts_of(text: &str) -> FileFacts {
    let file = syn::parse_file(text).expect("parses");
    let src = SourceText::parsed(text, &file);
    analyze_file(&file, &src, FileOptions::default(), &mut [])
}

/// Walk one parsed file with the given rules. Must run on the thread that parsed `file` (spans
/// are thread-local); everything returned is plain data.
pub fn analyze_file<'a>(
    file: &'a syn::File,
    src: &'a SourceText<'a>,
    opts: FileOptions,
    lints: &mut [Box<dyn Lint>],
) -> FileFacts {
    let core = Core {
        file,
        src,
        auth_context: OnceCell::new(),
        non_secret_names: OnceCell::new(),
        uses: UseScopes::for_module(opts.module_path.clone())
            .with_crate_root(opts.crate_root.clone())
            .with_reexports(opts.reexports.clone()),
        opts,
        env: Env::default(),
        bodies: Vec::new(),
        items: Vec::new(),
        facts: FileFacts::default(),
        out: RefCell::new(Emitted::default()),
        next_body: 0,
        next_guard: 0,
        depth: 0,
        // `#![cfg(test)]` at the top of a module's file: all of it is test code.
        test_depth: u32::from(file.attrs.iter().any(items::is_cfg_test)),
        clippy_allows: 0,
        callee_memo: RefCell::new(None),
        closure_params: Vec::new(),
        offloaded_tail: None,
        handed_values: Vec::new(),
        collectors: Vec::new(),
        in_format: 0,
        in_defer: 0,
        entering_fn: None,
        inline_closure: None,
        receivers_in_use: Vec::new(),
        dropped_guards: Vec::new(),
        stmt_start: 0,
        impl_type_params: Vec::new(),
        fn_type_params: Vec::new(),
        type_bounds: Vec::new(),
        compared_bools: Vec::new(),
        impl_errs_with_unit: false,
        fn_params: Vec::new(),
        owned_locals: Vec::new(),
        fn_bytes: 0..0,
        benign: 0,
        assign_target: 0,
        alias_source: 0,
        benign_now: false,
        assigned_now: false,
        spawned_closure: None,
        block_on_block: None,
        main_runner_block: 0,
        thread_block_on: 0,
        block_on_call: None,
        handed_out: Default::default(),
        method_attrs: attr_methods::method_attrs(&file.items),
        entry_fns: crate::semantic::macros::windows_service_mains(&file.items),
        local_macros: crate::semantic::local_macros::local_macros(&file.items),
        macro_depth: 0,
        macro_budget: 512,
        branches: Vec::new(),
        branch_siblings_end: Vec::new(),
        spawned_fns: Vec::new(),
        spawn_points: Vec::new(),
        task_spawned_fns: Vec::new(),
        joined_spawns: Default::default(),
        awaited_lets: Default::default(),
        cond_guards: Vec::new(),
        spawn_windows: Vec::new(),
        spawn_sets: Default::default(),
        outliving: Vec::new(),
        awaited_block: 0,
        awaited_call: 0,
        tried_await: 0,
        dropped_result: 0,
        then_leaves: 0,
        ending_blocks: Vec::new(),
        last_stmt_ends_body: false,
        cfg_scope: Vec::new(),
        inert_tail_next: false,
    };
    let disabled = vec![false; lints.len()];
    let expr_kinds = lints.iter().map(|l| l.expr_kinds()).collect();
    let hooks = lints.iter().map(|l| l.hooks()).collect();
    let mut w = Walker {
        core,
        lints,
        disabled,
        expr_kinds,
        hooks,
    };
    hook!(w, check_file, file, crate::lint::Hooks::FILE);
    w.core.uses.push_module(None, &file.items);
    let spliced = w.core.opts.spliced_items.clone();
    w.core.uses.declare_items(&spliced);
    w.core.facts.module = w.core.uses.module_path();
    w.core
        .facts
        .index
        .modules
        .extend(w.core.uses.module_export());
    for item in &file.items {
        w.walk_item(item);
    }
    w.core.uses.pop();
    let emitted = w.core.out.into_inner();
    let mut facts = w.core.facts;
    for f in w.core.outliving {
        if let Some(def) = facts.fns.get_mut(f as usize) {
            def.spawns = true;
            def.spawns_task = w.core.task_spawned_fns.contains(&f);
        }
    }
    facts.handed_out_fields = w.core.handed_out.into_iter().collect();
    let (awaited, not): (Vec<_>, Vec<_>) = std::mem::take(&mut facts.untyped_awaits)
        .into_iter()
        .partition(|u| u.awaited);
    facts.untyped_awaits = awaited;
    facts
        .unfollowed_names
        .extend(not.into_iter().map(|u| u.key));
    facts.trait_method_calls.sort_unstable();
    facts.trait_method_calls.dedup();
    facts.unfollowed_names.sort_unstable();
    facts.unfollowed_names.dedup();
    facts.unfollowed_elsewhere.sort_unstable();
    facts.unfollowed_elsewhere.dedup();
    facts.findings.extend(emitted.findings);
    facts.pending.extend(emitted.pending);
    facts.allows.extend(emitted.allows);
    facts.hazards.extend(emitted.hazards);
    facts.fn_findings.extend(emitted.fn_findings);
    facts
}

/// A name a pattern binds to keep a value alive only for what its destructor does:
/// `let _guard = init_logging();` (a `_`-prefixed name bound alone: `_log_flush`, `_tmp_dir`),
/// or a `_`-prefixed guard anywhere in a pattern (`let (writer, _guard) = non_blocking(out);`),
/// where that destructor is more than a release the process's end makes anyway: a lock's
/// (`_lock`, `_repo_lock`: the OS drops a file lock with the process) or a tracing span's
/// (`_enter`, `_span`) is not. `let (auth, _disabled) = ..` names a value it does not use here,
/// and, where its type is unknown (`typed` false), so does a name for a call's outcome (`let _r
/// = rl.add_history_entry(..);`, `_res`, `_result`, `_ret`, `_ok`, `_e`, `_err`, `_unused`,
/// `_ignored`). Where the type is known, the type decides, whatever the name.
pub(crate) fn kept_for_drop(name: &str, alone: bool, typed: bool) -> bool {
    let Some(rest) = name.strip_prefix('_') else {
        return false;
    };
    const OUTCOMES: &[&str] = &[
        "r", "res", "result", "ret", "ok", "e", "err", "unused", "ignored",
    ];
    (alone || rest.contains("guard"))
        && !rest.is_empty()
        && (typed || !OUTCOMES.contains(&rest))
        && !rest.contains("lock")
        && !rest.contains("enter")
        && !rest.contains("span")
}
