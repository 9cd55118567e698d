//! The interpreter for statements and expressions: evaluation order, scopes, temporaries and
//! moves, so that at every `.await` the walker knows which lock guards are (may be) alive.
//!
//! The rules it encodes are Rust's drop rules: a `let`-bound guard lives to the end of its block
//! (`_`-prefixed names too; a `_` pattern drops at once); temporaries live to the end of their
//! statement — except in an `if` or `while` condition — and through a `match`, `if let` (up to the
//! `else` from edition 2024) and `while let` body; `drop(g)`, a move into a call, or returning it
//! ends a guard early; a branch's state merges with its sibling's (a guard dropped in only one
//! branch may still be alive).

use quote::ToTokens;
use syn::spanned::Spanned;

use super::access::{atomic_op, range_of};
use super::spans;
use super::{Binding, Boundary, Flow, Owner, Walker, hook};
use crate::finding::Region;
use crate::semantic::facts::{
    AccessId, AccessKind, Acquisition, AwaitPoint, CallContext, CallShape, CallSite, Callee,
    GuardId, LocalUse, SelfField,
};
use crate::semantic::macros::{self, MacroKind};
use crate::semantic::syntax::peel;
use crate::semantic::types::{Ty, TyExpr, is_acquire_method};
use crate::semantic::{MacroView, walk::state::LoopCx};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Mode {
    /// The value is moved (call arguments, `let` initializers, returns).
    Value,
    /// The value is only borrowed (method receivers, `&x`, operands, format arguments).
    Place,
}

/// What evaluating an expression yields, for guard tracking.
#[derive(Default, Debug)]
pub(crate) struct Val {
    /// Guards the value owns (a guard, a `Result` holding one, `Some(guard)`).
    pub guards: Vec<GuardId>,
    /// Guards at the root of a place expression (`temp.field`, `*temp`): a `let x = &...` extends
    /// their lifetime.
    pub root: Vec<GuardId>,
}

/// `Condvar` waits that take the guard by value and hand it back once woken (std's; parking_lot's
/// borrow it): `state = cv.wait(state).unwrap()` is still the guard the lock gave.
const GUARD_RETURNING_WAITS: &[&str] = &[
    "wait",
    "wait_while",
    "wait_timeout",
    "wait_timeout_while",
    "wait_timeout_ms",
];

/// Methods that take `self` and hand back what it held: `lock().unwrap()` is still the guard.
const PROPAGATING: &[&str] = &[
    "unwrap",
    "expect",
    "unwrap_or_else",
    "unwrap_or_default",
    "unwrap_unchecked",
    "map_err",
    "ok",
    "into_inner",
    "context",
    "with_context",
    "wrap_err",
];

/// `Result`/`Option` combinators that take their receiver by value and hand its content to a
/// closure: a guard in it is the closure's to drop.
const MOVING_CLOSURE_COMBINATORS: &[&str] = &[
    "map",
    "map_or",
    "map_or_else",
    "and_then",
    "is_ok_and",
    "is_some_and",
    "is_none_or",
];

/// An acquisition as the walker sees it, before the body's state is attached.
struct Acquired {
    receiver: TyExpr,
    local_identity: Option<String>,
    receiver_text: String,
    method: String,
    span: proc_macro2::Span,
    awaited: bool,
    via_call: bool,
    exclusive_root: Option<SelfField>,
    local: Option<LocalUse>,
    /// Reached through a value the fn owns alone (see `Core::owned_locals`): the types along
    /// the way, none of which may be a shared handle.
    owned: Option<Vec<TyExpr>>,
}

/// Methods no crate defines to hand out a guard in practice (std's and iterators' own names):
/// a `let` bound to one of them is not worth a candidate acquisition. (`get`/`get_mut` are
/// not among them: a dataflow stream's `fn get(&self) -> Ref<'_, T>` hands out a `RefCell`'s.)
const NEVER_GUARD_METHODS: &[&str] = &[
    "clone",
    "len",
    "is_empty",
    "to_string",
    "to_owned",
    "iter",
    "iter_mut",
    "into_iter",
    "collect",
    "map",
    "contains",
    "contains_key",
    "insert",
    "remove",
    "push",
    "pop",
    "keys",
    "values",
    "as_ref",
    "as_mut",
    // On a guard, the guarded value: `let state = locked.deref_mut();` takes no second lock.
    "deref",
    "deref_mut",
    "as_str",
    "parse",
    "subscribe",
    "spawn",
    "send",
    "recv",
    "try_recv",
    "new",
    "build",
    "finish",
    "into",
    "from",
    "cloned",
    "copied",
    "filter",
    "entry",
    "unwrap_or",
    "unwrap_or_default",
    "ok",
    "err",
    "take",
];

/// Macros with no code to analyze: not counted as skipped.
const INERT_MACROS: &[&str] = &[
    "macro_rules",
    "include_str",
    "include_bytes",
    "include",
    "concat",
    "env",
    "option_env",
    "stringify",
    "cfg",
    "line",
    "column",
    "file",
    "module_path",
    "compile_error",
    "concat_idents",
    "debug_assert_matches",
];

/// Fns that never return.
const DIVERGING: &[&str] = &[
    "std::process::exit",
    "std::process::abort",
    "std::panic::panic_any",
    "std::panic::resume_unwind",
];

/// Methods that call their closure argument right away, on the caller's thread (iterator,
/// `Option`/`Result` and collection combinators). A plain closure handed to anything else — a
/// fn like `asyncify(move || ..)`, `spawn_blocking`, a thread pool, a callback registry — may run
/// anywhere, so it is not treated as async context (silence beats a guess).
const INLINE_CLOSURE_METHODS: &[&str] = &[
    // tracing's `span.in_scope(|| ..)`: runs the closure right there, inside the span.
    "in_scope",
    // diesel's `conn.transaction(|c| ..)` (sea-orm's too): begins, runs the closure on the
    // caller's thread, commits.
    "transaction",
    "map",
    "map_err",
    "and_then",
    "or_else",
    "unwrap_or_else",
    "map_or",
    "map_or_else",
    "ok_or_else",
    "filter",
    "filter_map",
    "flat_map",
    "for_each",
    "try_for_each",
    "any",
    "all",
    "find",
    "find_map",
    "position",
    "rposition",
    "fold",
    "try_fold",
    "reduce",
    "retain",
    "retain_mut",
    "sort_by",
    "sort_by_key",
    "sort_unstable_by",
    "sort_unstable_by_key",
    "max_by_key",
    "min_by_key",
    "max_by",
    "min_by",
    "take_while",
    "skip_while",
    "map_while",
    "inspect",
    "then",
    "then_some",
    "get_or_insert_with",
    "or_insert_with",
    "or_insert_with_key",
    "and_modify",
    "with",
    "with_borrow",
    "with_borrow_mut",
    "is_some_and",
    "is_ok_and",
    "is_none_or",
    "is_err_and",
    "partition",
    "scan",
    "dedup_by",
    "dedup_by_key",
    "binary_search_by",
    "binary_search_by_key",
    "chunk_by",
    "get_or_init",
    "get_or_try_init",
    "call_once",
    "fetch_update",
];

/// Combinators whose closure's first parameter is an element of the receiver (an iterator's
/// item): `peers.iter().for_each(|(_, p)| p.lock())` types `p` as a `for` loop over the same
/// receiver would.
const ITEM_CLOSURE_METHODS: &[&str] = &[
    // An `Option`'s or `Result`'s value (see `Ty::element`).
    "and_then",
    "is_some_and",
    "is_none_or",
    "is_ok_and",
    "for_each",
    "try_for_each",
    "map",
    "filter",
    "filter_map",
    "flat_map",
    "any",
    "all",
    "find",
    "find_map",
    "position",
    "inspect",
    "take_while",
    "skip_while",
    "map_while",
    "max_by_key",
    "min_by_key",
    "partition",
    "retain",
    "retain_mut",
    "sort_by_key",
    "sort_unstable_by_key",
    "sort_by_cached_key",
    "dedup_by_key",
    "rposition",
    "reduce",
    "sort_by",
    "sort_unstable_by",
    "dedup_by",
    "max_by",
    "min_by",
];

/// Item combinators whose closure compares two items (`list.sort_by(|a, b| ..)`): both
/// parameters are items.
const PAIR_CLOSURE_METHODS: &[&str] = &[
    "sort_by",
    "sort_unstable_by",
    "dedup_by",
    "max_by",
    "min_by",
    "reduce",
];

fn is_acquire_call(e: &syn::Expr) -> Option<&syn::ExprMethodCall> {
    match peel(e) {
        syn::Expr::MethodCall(mc)
            if mc.args.is_empty() && is_acquire_method(&mc.method.to_string()) =>
        {
            Some(mc)
        }
        _ => None,
    }
}

/// Compact source text of an expression, for messages (`self.state.jobs`).
pub(crate) fn expr_text(e: &syn::Expr) -> String {
    let mut s = String::new();
    if !write_simple(e, &mut s) {
        s = token_text(e);
    }
    if s.chars().count() > 80 {
        s = s.chars().take(77).collect::<String>() + "...";
    }
    s
}

/// [`expr_text`] of a path, field or argument-less method chain (`self.pool.inner()`,
/// `state::DB`), written straight from the syntax tree: what printing its tokens and closing
/// up the spaces gives, without the token stream (most receivers are such chains, and printing
/// tokens was a third of recording a candidate guard). `false` (with `out` partly written) for
/// anything else.
fn write_simple(e: &syn::Expr, out: &mut String) -> bool {
    use std::fmt::Write;
    match e {
        syn::Expr::Path(p) if p.qself.is_none() && p.attrs.is_empty() => {
            if p.path.leading_colon.is_some() {
                return false;
            }
            for (i, seg) in p.path.segments.iter().enumerate() {
                if !seg.arguments.is_none() {
                    return false;
                }
                if i > 0 {
                    out.push_str("::");
                }
                let _ = write!(out, "{}", seg.ident);
            }
            true
        }
        // A borrow as a base, receiver or callee prints in parentheses (`(&x).y`): left to the
        // printer, as is a field as a callee (`(x.f)()`). syn's parser builds neither.
        syn::Expr::Field(f) if f.attrs.is_empty() && !is_reference(&f.base) => {
            write_simple(&f.base, out) && {
                out.push('.');
                match &f.member {
                    syn::Member::Named(i) => {
                        let _ = write!(out, "{i}");
                    }
                    syn::Member::Unnamed(i) => {
                        let _ = write!(out, "{}", i.index);
                    }
                }
                true
            }
        }
        syn::Expr::MethodCall(mc)
            if mc.attrs.is_empty()
                && mc.args.len() <= 1
                && mc.turbofish.is_none()
                && !is_reference(&mc.receiver) =>
        {
            write_simple(&mc.receiver, out) && {
                let _ = write!(out, ".{}", mc.method);
                write_args(&mc.args, out)
            }
        }
        // `Type::new()`, `web::resource("/")`: a constructor or free fn of at most one argument.
        syn::Expr::Call(c)
            if c.attrs.is_empty()
                && c.args.len() <= 1
                && !is_reference(&c.func)
                && !matches!(&*c.func, syn::Expr::Field(_)) =>
        {
            write_simple(&c.func, out) && write_args(&c.args, out)
        }
        // The token printer's spaces are closed up inside literals too (`"a (b)"` reads
        // `"a(b)"`): such a literal is left to it, so messages read as they did.
        syn::Expr::Lit(l) if l.attrs.is_empty() => {
            let text = l.lit.to_token_stream().to_string();
            out.push_str(&text);
            !CLOSED_UP.iter().any(|(from, _)| text.contains(from))
        }
        syn::Expr::Reference(r) if r.attrs.is_empty() => {
            out.push('&');
            if r.mutability.is_some() {
                out.push_str("mut ");
            }
            write_simple(&r.expr, out)
        }
        _ => false,
    }
}

fn is_reference(e: &syn::Expr) -> bool {
    matches!(e, syn::Expr::Reference(_))
}

/// `(arg)` or `()`: a lone argument prints without the spaces a comma would bring.
fn write_args(
    args: &syn::punctuated::Punctuated<syn::Expr, syn::Token![,]>,
    out: &mut String,
) -> bool {
    if args.trailing_punct() {
        return false;
    }
    out.push('(');
    if let Some(a) = args.first()
        && !write_simple(a, out)
    {
        return false;
    }
    out.push(')');
    true
}

/// An expression's tokens printed, with the spaces the printer puts around punctuation closed
/// up.
fn token_text(e: &syn::Expr) -> String {
    let mut s = e.to_token_stream().to_string();
    for (from, to) in CLOSED_UP {
        s = s.replace(from, to);
    }
    s
}

/// The spaces [`token_text`] closes up.
const CLOSED_UP: [(&str, &str); 9] = [
    (" . ", "."),
    (" :: ", "::"),
    (" (", "("),
    ("( ", "("),
    (" )", ")"),
    ("& ", "&"),
    (" [", "["),
    ("[ ", "["),
    (" ]", "]"),
];

impl<'a, 'l> Walker<'a, 'l> {
    fn flow_mut(&mut self) -> Option<&mut Flow> {
        self.core.bodies.last_mut().map(|b| &mut b.flow)
    }

    fn take_flow(&mut self) -> Flow {
        self.flow_mut()
            .map(std::mem::take)
            .unwrap_or_else(Flow::unreachable)
    }

    fn set_flow(&mut self, flow: Flow) {
        if let Some(f) = self.flow_mut() {
            *f = flow;
        }
    }

    fn clone_flow(&self) -> Flow {
        self.core
            .body()
            .map(|b| b.flow.clone())
            .unwrap_or_else(Flow::unreachable)
    }

    fn set_unreachable(&mut self) {
        if let Some(f) = self.flow_mut() {
            f.reachable = false;
            f.live.clear();
        }
    }

    fn temp_level(&self) -> u32 {
        self.core.body().map(|b| b.temp_level).unwrap_or(0)
    }

    fn temp_enter(&mut self) -> u32 {
        match self.core.bodies.last_mut() {
            Some(b) => {
                b.temp_level += 1;
                b.temp_level
            }
            None => 0,
        }
    }

    /// End temp scope `level`: its temporaries (and those of inner scopes) are dropped.
    fn temp_exit(&mut self, level: u32) {
        if let Some(b) = self.core.bodies.last_mut() {
            b.flow
                .live
                .retain(|_, o| !matches!(o, Owner::Temp(l) if *l >= level));
            b.temp_level = level.saturating_sub(1);
        }
    }

    /// Live guards of this body that are temporaries of temp scope `level`, no receiver or
    /// argument still in use, and that `keep` accepts (see `Acquisition::sibling_temps`).
    fn spent_temps(&self, level: u32, keep: impl Fn(GuardId) -> bool) -> Vec<GuardId> {
        let Some(body) = self.core.body() else {
            return Vec::new();
        };
        body.flow
            .live
            .iter()
            .filter(|(g, o)| {
                **o == Owner::Temp(level)
                    && **g >= body.first_guard
                    && !self.core.receivers_in_use.contains(g)
                    && keep(**g)
            })
            .map(|(g, _)| *g)
            .collect()
    }

    fn kill(&mut self, ids: &[GuardId]) {
        if let Some(f) = self.flow_mut() {
            for id in ids {
                f.live.remove(id);
            }
        }
    }

    fn reown(&mut self, ids: &[GuardId], owner: Owner) {
        if let Some(f) = self.flow_mut() {
            for id in ids {
                if let Some(o) = f.live.get_mut(id) {
                    *o = owner;
                }
            }
        }
    }

    /// The guards of `ids` still alive.
    fn live(&self, ids: &[GuardId]) -> Vec<GuardId> {
        let mut out: Vec<GuardId> = ids.iter().copied().filter(|g| self.is_live(*g)).collect();
        out.dedup();
        out
    }

    fn is_live(&self, id: GuardId) -> bool {
        self.core
            .body()
            .is_some_and(|b| b.flow.live.contains_key(&id))
    }

    fn owner(&self, id: GuardId) -> Option<Owner> {
        self.core.body().and_then(|b| b.flow.live.get(&id).copied())
    }

    /// Leave a lexical frame: guards its bindings own are dropped.
    fn frame_exit(&mut self, frame: usize) {
        if let Some(f) = self.flow_mut() {
            scrub_frames(f, frame);
        }
        self.core.env.pop();
    }

    pub(crate) fn walk_block_body(&mut self, block: &syn::Block) {
        let outer = std::mem::replace(
            &mut self.core.ending_blocks,
            vec![(block as *const syn::Block as usize, false)],
        );
        self.walk_block(block);
        self.core.ending_blocks = outer;
    }

    pub(crate) fn walk_block(&mut self, block: &syn::Block) -> Val {
        let has_items = block.stmts.iter().any(|s| matches!(s, syn::Stmt::Item(_)));
        if has_items {
            let label = format!("{}()", self.core.fn_name().unwrap_or("const"));
            self.core.uses.push_block(&block.stmts, &label);
        }
        let frame = self.core.env.push(Boundary::Block);
        let mut val = Val::default();
        let n = block.stmts.len();
        let at = block as *const syn::Block as usize;
        let ending = self.core.ending_blocks.iter().find(|(b, _)| *b == at);
        let ends = ending.is_some();
        let ends_failing = ending.is_some_and(|&(_, failure)| failure);
        for (i, stmt) in block.stmts.iter().enumerate() {
            // `#[cfg(test)] if let Some(tx) = &self.observer { .. }`: test-only code in a
            // production fn is test code, like a `#[cfg(test)]` item.
            let attrs = stmt_attrs(stmt);
            let test_only = attrs.iter().any(super::items::is_cfg_test);
            self.core.test_depth += u32::from(test_only);
            let allows_before = self.core.clippy_allows;
            if !attrs.is_empty() {
                self.core.clippy_allows |= crate::semantic::syntax::await_holding_allows(attrs);
            }
            let outer_start = self.core.stmt_start;
            if let Some(first) = spans::stmt_first(stmt) {
                self.core.stmt_start = Region::from_span(first).start_byte;
            }
            let endings = self.core.ending_blocks.len();
            if i + 1 == n
                && ends
                && let syn::Stmt::Expr(e, _) = stmt
            {
                self.core.ending_blocks.extend(branch_blocks(e));
            }
            // Only where a failure is handled: after a check, work and then a store at the end
            // (`if !INIT.load(..) { init(); INIT.store(true, ..) }`) is the classic claim.
            let ends_body = i + 1 == n && ends_failing;
            self.core.last_stmt_ends_body = ends_body;
            // `closed.store(true, ..); Err(Error::Closed)` as a block the body ends with: the
            // tail is the fn's failure, as `return Err(Error::Closed)` would be (not an
            // `Ok(())` after the work a check guards: `init()?; INIT.store(true, ..); Ok(())`).
            self.core.inert_tail_next = ends
                && i + 2 == n
                && matches!(&block.stmts[n - 1], syn::Stmt::Expr(e, None)
                    if inert(e) && is_err_ctor(e));
            match stmt {
                syn::Stmt::Expr(e, None) if i + 1 == n => {
                    // `FLAG.store(true, ..)` as the body's tail leaves right after, too.
                    if let (true, syn::Expr::MethodCall(mc)) = (ends_body, peel(e)) {
                        self.core.then_leaves = mc as *const syn::ExprMethodCall as usize;
                    }
                    val = self.walk_tail(stmt, e);
                    self.core.then_leaves = 0;
                }
                _ => self.walk_stmt(stmt, &block.stmts[i + 1..]),
            }
            self.core.ending_blocks.truncate(endings);
            self.core.stmt_start = outer_start;
            self.core.clippy_allows = allows_before;
            self.core.test_depth -= u32::from(test_only);
        }
        let level = self.temp_level();
        self.reown(&val.guards, Owner::Temp(level));
        self.frame_exit(frame);
        if has_items {
            self.core.uses.pop();
        }
        val
    }

    fn walk_tail(&mut self, stmt: &syn::Stmt, e: &syn::Expr) -> Val {
        hook!(self, check_stmt, stmt, crate::lint::Hooks::STMT);
        if self.core.opts.edition >= 2024 {
            let level = self.temp_enter();
            let v = self.eval(e, Mode::Value);
            self.reown(&v.guards, Owner::Temp(level.saturating_sub(1)));
            self.temp_exit(level);
            v
        } else {
            self.eval(e, Mode::Value)
        }
    }

    /// `rest`: the statements after this one in its block, where a closure bound here is used.
    fn walk_stmt(&mut self, stmt: &syn::Stmt, rest: &[syn::Stmt]) {
        hook!(self, check_stmt, stmt, crate::lint::Hooks::STMT);
        match stmt {
            syn::Stmt::Local(local) => {
                let level = self.temp_enter();
                self.walk_local(local, rest);
                self.temp_exit(level);
            }
            syn::Stmt::Item(item) => self.walk_item(item),
            syn::Stmt::Expr(e, semi) => {
                let level = self.temp_enter();
                if semi.is_some()
                    && let syn::Expr::MethodCall(mc) = peel(e)
                {
                    self.core.dropped_result = mc as *const syn::ExprMethodCall as usize;
                    if rest.first().is_some_and(leaves)
                        || (rest.is_empty() && self.core.last_stmt_ends_body)
                        || self.core.inert_tail_next
                    {
                        self.core.then_leaves = self.core.dropped_result;
                    }
                }
                self.eval(e, Mode::Value);
                // Not left for a later call that a macro's parse puts at the same address.
                self.core.dropped_result = 0;
                self.core.then_leaves = 0;
                self.temp_exit(level);
            }
            syn::Stmt::Macro(m) => {
                let level = self.temp_enter();
                self.eval_macro(&m.mac);
                self.temp_exit(level);
            }
        }
    }

    fn walk_local(&mut self, local: &syn::Local, rest: &[syn::Stmt]) {
        let Some(init) = &local.init else {
            self.bind_let(&local.pat, None, Val::default());
            return;
        };
        if matches!(local.pat, syn::Pat::Wild(_))
            && let syn::Expr::MethodCall(mc) = peel(&init.expr)
        {
            self.core.dropped_result = mc as *const syn::ExprMethodCall as usize;
        }
        // `let (a, b) = (m1.lock(), m2.lock());` binds pairwise.
        if let (syn::Pat::Tuple(pt), syn::Expr::Tuple(et)) = (&local.pat, peel(&init.expr))
            && pt.elems.len() == et.elems.len()
        {
            for (p, e) in pt.elems.iter().zip(et.elems.iter()) {
                let v = self.eval(e, Mode::Value);
                self.bind_let(p, Some(e), v);
            }
            return;
        }
        // `let watchdog = move || ..; std::thread::spawn(watchdog);`: a closure bound here runs
        // where its uses say. Only one that is only ever called in place (`watchdog()`, or
        // handed to `map`/`for_each`-style combinators) stays in this async context.
        let offloaded = match (&local.pat, peel(&init.expr)) {
            (syn::Pat::Ident(pi), syn::Expr::Closure(cl)) if cl.asyncness.is_none() => {
                let in_place = closure_runs_in_place(&pi.ident, rest);
                if in_place {
                    self.core.inline_closure = Some(cl as *const syn::ExprClosure as usize);
                }
                !in_place
            }
            _ => false,
        };
        let state = self.local_source(&local.pat, &init.expr);
        self.collect_begin();
        let calls_before = self.core.facts.calls.len();
        let first_guard = self.core.next_guard;
        let mut v = self.eval_arg(&init.expr, offloaded);
        // `let _lifecycle = if matches!(&req, Req::Reset(_)) { None } else { Some(l.read()) };`
        // The guard must be taken right there (not a guard held already, moved into `Some`).
        if !v.guards.is_empty()
            && v.guards.iter().all(|&g| g >= first_guard)
            && matches!(
                crate::semantic::syntax::strip_pat_type(&local.pat),
                syn::Pat::Ident(_)
            )
            && let Some(mut g) = crate::semantic::cond_guards::conditional_guard(&init.expr)
        {
            g.binding = self.core.env.locate(&g.scrutinee);
            if g.binding.is_some() {
                self.core.cond_guards.push((g, v.guards.clone()));
            }
        }
        // `let run = runner.run(); .. select! { r = run => .. }`: the future the call makes is
        // awaited below, so its body runs here.
        if self
            .core
            .awaited_lets
            .contains(&(peel(&init.expr) as *const syn::Expr as usize))
        {
            self.mark_awaited(&init.expr, calls_before);
        }
        self.core.alias_source = 0;
        self.core.dropped_result = 0;
        let reads = self.collect_end();
        if v.guards.is_empty()
            && init.diverge.is_none()
            && matches!(&local.pat, syn::Pat::Ident(_) | syn::Pat::Type(_))
            && let Some(g) = self.acquire_returned(&init.expr)
        {
            v.guards.push(g);
        }
        if let Some((_, diverge)) = &init.diverge {
            // `let .. else { .. }`: the else block must diverge, so its state never flows on.
            self.record_decision(
                &init.expr,
                reads.clone(),
                self.rest_after(range_of(local.semi_token.span).1),
                false,
            );
            let saved = self.clone_flow();
            // The initializer's temporaries are dropped before the `else` block runs (Rust
            // 1.65): `let Some(s) = cell.borrow().get(id) else { retry().await; return };`
            // holds no borrow across that await.
            if let Some(f) = self.flow_mut() {
                scrub_temps_from(f, first_guard);
            }
            self.eval(diverge, Mode::Value);
            self.set_flow(saved);
        }
        self.bind_let(&local.pat, Some(&init.expr), v);
        if let Some(state) = state {
            self.bind_local(&local.pat, state);
        }
        self.taint_bindings(&local.pat, &init.expr, &reads);
    }

    fn bind_let(&mut self, pat: &syn::Pat, init: Option<&syn::Expr>, v: Val) {
        let (pat, annotated) = match pat {
            syn::Pat::Type(pt) => (&*pt.pat, Some(Ty::from_syn(&pt.ty, &self.core.uses))),
            p => (p, None),
        };
        if let syn::Pat::Ident(pi) = pat {
            let name = pi.ident.to_string();
            self.core.compared_bools.retain(|(n, _)| *n != name);
            let compared = init.map_or_else(Vec::new, |e| {
                super::access::compared_locals(crate::semantic::syntax::block_tail(e), &[])
            });
            if !compared.is_empty() {
                self.core.compared_bools.push((name, compared));
            }
        }
        let ty = match (annotated, init) {
            (Some(t), _) => TyExpr::Known(t),
            (None, Some(e)) => self.core.ty_of(e),
            (None, None) => TyExpr::Unknown,
        };
        let mut guards = v.guards;
        // `let x = &temp.field;` extends the temporary to the enclosing block.
        if init.is_some_and(|e| matches!(peel(e), syn::Expr::Reference(_))) {
            let level = self.temp_level();
            for g in v.root {
                if self.owner(g) == Some(Owner::Temp(level)) {
                    guards.push(g);
                }
            }
        }
        if matches!(pat, syn::Pat::Wild(_)) {
            return;
        }
        // `let _guard = init_logging();`: see `Core::exit_cuts_off`. (A match arm's `_args`
        // is a value it does not use.) A plain value's destructor does nothing the process's
        // end would not (kanidm's `let mut _tmp_username = String::new();`). The type decides,
        // not `mut`: `let mut _events: Option<Handler> = None;` is assigned its guard later.
        let (mut names, mut underscored) = (0, false);
        for_each_name(pat, &mut |i| {
            names += 1;
            underscored |= i.to_string().starts_with('_');
        });
        if underscored && !ty.known().is_some_and(is_plain_value) {
            let mut kept = Vec::new();
            for_each_name(pat, &mut |i| {
                let name = i.to_string();
                if super::kept_for_drop(&name, names == 1, ty.known().is_some()) {
                    kept.push(name);
                }
            });
            if let Some(f) = self.core.env.frames.last_mut() {
                f.kept_for_drop.extend(kept);
            }
        }
        self.bind_pattern(pat, ty, &guards);
    }

    /// Bind every name in `pat`. A lone name (also inside `Some(..)`/`Ok(..)`) gets `ty`; all
    /// names share ownership of `guards`.
    pub(crate) fn bind_pattern(&mut self, pat: &syn::Pat, ty: TyExpr, guards: &[GuardId]) {
        if let syn::Pat::Struct(ps) = pat {
            self.note_pattern_fields(ps);
            // `let QueuedTask { tx, span, .. } = *self;`: each field's pattern gets that field's
            // type, which the crate index settles from the struct the pattern names.
            let strukt = if ps.path.is_ident("Self") {
                self.core.self_ty().cloned().map(TyExpr::Known)
            } else {
                self.variant_path(&ps.path)
                    .or_else(|| Some(self.core.uses.resolve(&ps.path)))
                    .map(|p| variant_of(&ty, p))
            };
            if let Some(strukt) = strukt {
                for f in &ps.fields {
                    let field = match &f.member {
                        syn::Member::Named(name) => name.to_string(),
                        syn::Member::Unnamed(ix) => ix.index.to_string(),
                    };
                    let ty = strukt.clone().field(field);
                    self.bind_pattern(&f.pat, ty, guards);
                }
                return;
            }
        }
        // `let (tx, rx) = broadcast::channel(16)`: a tuple pattern over a known tuple type binds
        // each name with its element's type.
        if let (syn::Pat::Tuple(pt), TyExpr::Known(Ty::Tuple(elems))) = (pat, &ty)
            && pt.elems.len() == elems.len()
        {
            for (p, t) in pt.elems.iter().zip(elems) {
                self.bind_pattern(p, TyExpr::Known(t.clone()), guards);
            }
            return;
        }
        // The same over a type the crate index settles (`oneshot::channel()` through a glob
        // import, a channel item `while let Some((req, reply)) = rx.recv().await`): each name
        // gets its element of the settled tuple.
        if let syn::Pat::Tuple(pt) = pat
            && !ty.is_unknown()
            && ty.known().is_none()
        {
            for (i, p) in pt.elems.iter().enumerate() {
                self.bind_pattern(p, ty.clone().field(i.to_string()), guards);
            }
            return;
        }
        // `Cmd::Login(opt)`, `Wrapper(inner)`: a tuple variant or tuple struct of the workspace
        // binds each element with that field's type, which the crate index settles.
        if let syn::Pat::TupleStruct(ts) = pat
            && let Some(resolved) = self.variant_path(&ts.path)
        {
            let owner = variant_of(&ty, resolved);
            for (i, p) in ts.elems.iter().enumerate() {
                let ty = owner.clone().field(i.to_string());
                self.bind_pattern(p, ty, guards);
            }
            return;
        }
        // `Ok(peer)`/`Some(peer)` bind the value inside; an `Err(e)` binds nothing racewise
        // types.
        if let syn::Pat::TupleStruct(ts) = pat
            && ts.elems.len() == 1
            && let Some(variant) = ts.path.segments.last()
        {
            let inner = match variant.ident.to_string().as_str() {
                "Ok" | "Some" => ty.clone().ok(),
                "Err" => TyExpr::Unknown,
                _ => ty.clone(),
            };
            if let Some(p) = ts.elems.first() {
                self.bind_pattern(p, inner, guards);
                return;
            }
        }
        let mut names = Vec::new();
        collect_names(pat, &mut names);
        let single = names.len() == 1;
        for name in names {
            self.core.env.bind(Binding {
                name,
                ty: if single { ty.clone() } else { TyExpr::Unknown },
                guards: guards.to_vec(),
                reads: Vec::new(),
                identity: false,
                local: None,
            });
        }
        let depth = self.core.env.depth();
        self.reown(guards, Owner::Frame(depth));
    }

    pub(crate) fn eval(&mut self, e: &syn::Expr, mode: Mode) -> Val {
        if self.core.depth >= super::MAX_DEPTH {
            return Val::default();
        }
        self.core.depth += 1;
        *self.core.callee_memo.get_mut() = None;
        // Marks for this expression are taken here (parentheses pass them on), so one left for
        // an expression that was never evaluated cannot match a later one at the same address
        // (a macro's arguments are parsed and dropped as the walk goes).
        if !matches!(e, syn::Expr::Paren(_) | syn::Expr::Group(_)) {
            let here = e as *const syn::Expr as usize;
            self.core.benign_now = std::mem::take(&mut self.core.benign) == here;
            self.core.assigned_now = std::mem::take(&mut self.core.assign_target) == here;
        }
        hook!(
            self,
            check_expr,
            e,
            crate::lint::Hooks::EXPR,
            Some(crate::lint::ExprKinds::of(e))
        );
        let v = self.eval_inner(e, mode);
        self.core.depth -= 1;
        v
    }

    fn eval_all<'e>(
        &mut self,
        exprs: impl IntoIterator<Item = &'e syn::Expr>,
        mode: Mode,
    ) -> Vec<GuardId> {
        let mut guards = Vec::new();
        for e in exprs {
            guards.extend(self.eval(e, mode).guards);
        }
        guards
    }

    fn eval_inner(&mut self, e: &syn::Expr, mode: Mode) -> Val {
        match e {
            syn::Expr::Array(a) => Val {
                guards: self.eval_all(&a.elems, Mode::Value),
                root: Vec::new(),
            },
            syn::Expr::Tuple(t) => Val {
                guards: self.eval_all(&t.elems, Mode::Value),
                root: Vec::new(),
            },
            syn::Expr::Assign(a) => {
                self.forget_cond_guards(&a.left);
                self.collect_begin();
                let v = self.eval(&a.right, Mode::Value);
                let value_reads = self.collect_end();
                // The place assigned to is written, not read.
                self.mark_assigned(&a.left);
                let place = self.eval(&a.left, Mode::Place);
                let through = self.live(&place.root);
                if !through.is_empty() {
                    self.guard_assign(&through, &a.left, Some(&a.right), value_reads, "assign");
                } else if let syn::Expr::Path(p) = peel(&a.left)
                    && let Some(ident) = p.path.get_ident()
                    && let Some((_, b)) = self.core.env.lookup_mut(&ident.to_string())
                {
                    // `v = compute();`: `v` no longer carries what it was read from, unless
                    // the new value comes from the same write again (`counter =
                    // next.fetch_add(1, ..)` in a loop after `let mut counter =
                    // next.fetch_add(1, ..)`): a check of `v` then decides either.
                    let accesses = &self.core.facts.accesses;
                    let target_of = |r: &AccessId| {
                        accesses
                            .get(*r as usize)
                            .filter(|a| a.kind == AccessKind::Write)
                            .map(|a| (a.target.clone(), a.op.clone()))
                    };
                    let again: Vec<_> = value_reads.iter().filter_map(target_of).collect();
                    let kept: Vec<AccessId> = b
                        .reads
                        .iter()
                        .filter(|r| target_of(r).is_some_and(|t| again.contains(&t)))
                        .copied()
                        .collect();
                    b.reads = value_reads;
                    b.reads.extend(kept);
                    b.identity = false;
                }
                self.assign(&a.left, v.guards);
                Val::default()
            }
            syn::Expr::Async(ab) => {
                // Run in place by a sync fn's `block_on` (in `main`: startup, like an `async
                // fn main`).
                let here = ab as *const syn::ExprAsync as usize;
                let mut sync_block_on = false;
                let (in_place, main, off_worker) = match self.core.block_on_block.take() {
                    Some((at, main, off)) if at == here => {
                        sync_block_on = !main;
                        (true, main, off)
                    }
                    // `async { .. }.await`, or a `let` of one the fn awaits below: part of the
                    // awaiting body, as it runs.
                    _ if std::mem::take(&mut self.core.awaited_block) == here
                        || self.core.awaited_lets.contains(&here) =>
                    {
                        match self.core.body() {
                            Some(b) => {
                                sync_block_on = b.sync_block_on;
                                (true, b.async_main, b.off_worker)
                            }
                            None => (false, false, false),
                        }
                    }
                    _ => (false, false, false),
                };
                let thread_top = std::mem::take(&mut self.core.thread_block_on) == here;
                self.enter_body(true, main, Boundary::Capture, in_place);
                if let Some(b) = self.core.bodies.last_mut() {
                    b.off_worker |= off_worker;
                    b.sync_block_on = sync_block_on && b.inline;
                    b.thread_block_on = thread_top;
                }
                self.walk_block_body(&ab.block);
                self.exit_body();
                Val::default()
            }
            syn::Expr::Await(aw) => self.eval_await(aw),
            // Each operand of `&&`/`||` is a temporary scope of its own (rustc drops the
            // left operand's temporaries before the right one runs, editions 2021 and 2024):
            // `*a.read().unwrap() && b.read().unwrap().ok` never holds both guards. A `let`
            // operand of a let chain binds, so its scrutinee lives on into the body.
            syn::Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_) | syn::BinOp::Or(_)) => {
                for operand in [&b.left, &b.right] {
                    if crate::semantic::syntax::has_let(operand) {
                        self.eval(operand, Mode::Place);
                    } else {
                        let level = self.temp_enter();
                        self.eval(operand, Mode::Place);
                        self.temp_exit(level);
                    }
                }
                Val::default()
            }
            syn::Expr::Binary(b) => {
                let left = self.eval(&b.left, Mode::Place);
                self.eval(&b.right, Mode::Place);
                let through = self.live(&left.root);
                if is_compound_assign(&b.op) && !through.is_empty() {
                    self.guard_assign(&through, &b.left, None, Vec::new(), "compound");
                }
                Val::default()
            }
            syn::Expr::Block(b) => match &b.label {
                Some(label) => self.eval_loop_like(
                    Some(label.name.ident.to_string()),
                    range_of(b.block.brace_token.span.join()).1,
                    |w| w.walk_block(&b.block),
                ),
                None => self.walk_block(&b.block),
            },
            syn::Expr::Break(br) => {
                if let Some(v) = &br.expr {
                    let v = self.eval(v, Mode::Value);
                    self.kill(&v.guards);
                }
                let label = br.label.as_ref().map(|l| l.ident.to_string());
                self.exit_loop(label);
                Val::default()
            }
            syn::Expr::Continue(_) => {
                self.set_unreachable();
                Val::default()
            }
            syn::Expr::Return(r) => {
                if let Some(v) = &r.expr {
                    self.eval(v, Mode::Value);
                }
                self.set_unreachable();
                Val::default()
            }
            syn::Expr::Call(c) => self.eval_call(c),
            syn::Expr::MethodCall(mc) => self.eval_method_call(mc),
            syn::Expr::Cast(c) => {
                self.eval(&c.expr, Mode::Value);
                Val::default()
            }
            syn::Expr::Closure(cl) => {
                let offloaded = self.core.offloaded_tail == Some(e as *const syn::Expr as usize);
                self.walk_closure(cl, offloaded);
                Val::default()
            }
            syn::Expr::Const(c) => {
                self.enter_body(false, false, Boundary::Capture, false);
                self.walk_block_body(&c.block);
                self.exit_body();
                Val::default()
            }
            syn::Expr::Field(f) => {
                self.note_field_use(f);
                self.mark_benign(&f.base);
                let assigned = self.core.assigned_now;
                // `s.meta.started = now()`: the whole place is written, `s.meta` not read.
                if assigned && matches!(peel(&f.base), syn::Expr::Field(_)) {
                    self.mark_assigned(&f.base);
                }
                let mut v = self.eval(&f.base, Mode::Place);
                if !v.guards.is_empty() && !assigned {
                    self.guard_read(&v.guards, e, "field");
                }
                // `reg.stats().served += 1`: the returned guard is the field's root.
                v.root.extend(self.acquire_returned_temp(&f.base));
                Val {
                    guards: Vec::new(),
                    root: [v.guards, v.root].concat(),
                }
            }
            syn::Expr::ForLoop(fl) => self.eval_for(fl),
            syn::Expr::Group(g) => self.eval(&g.expr, mode),
            syn::Expr::Paren(p) => self.eval(&p.expr, mode),
            syn::Expr::If(i) => self.eval_if(i),
            syn::Expr::Index(ix) => {
                self.mark_benign(&ix.expr);
                let v = self.eval(&ix.expr, Mode::Place);
                self.eval(&ix.index, Mode::Value);
                Val {
                    guards: Vec::new(),
                    root: [v.guards, v.root].concat(),
                }
            }
            syn::Expr::Let(l) => {
                let v = self.eval(&l.expr, Mode::Place);
                let ty = self.core.ty_of(&l.expr);
                self.bind_pattern(&l.pat, ty, &v.guards);
                Val::default()
            }
            syn::Expr::Loop(lp) => {
                let label = lp.label.as_ref().map(|l| l.name.ident.to_string());
                let end = range_of(lp.body.brace_token.span.join()).1;
                self.eval_loop_like(label, end, |w| {
                    w.walk_block(&lp.body);
                    // Falling off the end of a `loop` body goes around again, not out.
                    w.set_unreachable();
                    Val::default()
                })
            }
            syn::Expr::Macro(m) => self.eval_macro(&m.mac),
            syn::Expr::Match(m) => self.eval_match(m),
            syn::Expr::Path(p) => self.eval_path(e, p, mode),
            syn::Expr::Range(r) => {
                self.eval_all(
                    r.start.iter().chain(r.end.iter()).map(|b| &**b),
                    Mode::Value,
                );
                Val::default()
            }
            syn::Expr::RawAddr(r) => {
                self.eval(&r.expr, Mode::Place);
                Val::default()
            }
            syn::Expr::Reference(r) => {
                if r.mutability.is_some() {
                    self.forget_cond_guards(&r.expr);
                }
                let mut v = self.eval(&r.expr, Mode::Place);
                // `peek(&stream.get())`: a guard a crate fn returns, borrowed as a temporary
                // until the end of the statement.
                v.root.extend(self.acquire_returned_temp(&r.expr));
                Val {
                    guards: Vec::new(),
                    root: [v.guards, v.root].concat(),
                }
            }
            syn::Expr::Repeat(r) => {
                let g = self.eval(&r.expr, Mode::Value).guards;
                self.eval(&r.len, Mode::Value);
                Val {
                    guards: g,
                    root: Vec::new(),
                }
            }
            syn::Expr::Struct(s) => {
                self.note_struct_fields(s);
                let mut guards = self.eval_all(s.fields.iter().map(|f| &f.expr), Mode::Value);
                if let Some(rest) = &s.rest {
                    guards.extend(self.eval(rest, Mode::Value).guards);
                }
                Val {
                    guards,
                    root: Vec::new(),
                }
            }
            syn::Expr::Try(t) => {
                if let syn::Expr::Await(aw) = super::access::peel_miss_to_error(&t.expr) {
                    self.core.tried_await = aw as *const syn::ExprAwait as usize;
                }
                self.collect_begin();
                let v = self.eval(&t.expr, Mode::Value);
                let reads = self.collect_end();
                self.note_propagated_write(&t.expr, &reads);
                Val {
                    guards: v.guards,
                    root: Vec::new(),
                }
            }
            syn::Expr::TryBlock(tb) => self.walk_block(&tb.block),
            syn::Expr::Unary(u) => {
                let assigned = self.core.assigned_now;
                let v = self.eval(&u.expr, Mode::Place);
                if matches!(u.op, syn::UnOp::Deref(_)) && !v.guards.is_empty() && !assigned {
                    self.guard_read(&v.guards, e, "deref");
                }
                match u.op {
                    syn::UnOp::Deref(_) => Val {
                        guards: Vec::new(),
                        root: [v.guards, v.root].concat(),
                    },
                    _ => Val::default(),
                }
            }
            syn::Expr::Unsafe(u) => self.walk_block(&u.block),
            syn::Expr::While(w) => self.eval_while(w),
            syn::Expr::Yield(y) => {
                if let Some(v) = &y.expr {
                    self.eval(v, Mode::Value);
                }
                Val::default()
            }
            _ => Val::default(),
        }
    }

    fn eval_path(&mut self, e: &syn::Expr, p: &syn::ExprPath, mode: Mode) -> Val {
        // Every path expression of a body comes here: its name is not made a `String` first.
        let binding = p
            .path
            .get_ident()
            .and_then(|ident| Some((ident, self.core.env.lookup_ident(ident)?)));
        let Some((ident, b)) = binding else {
            // Not a local: an item, maybe a fn handed on as a value.
            if mode == Mode::Value {
                self.note_fn_value(&p.path);
            }
            return Val::default();
        };
        let local = b.local;
        if !b.reads.is_empty() && !self.core.collectors.is_empty() {
            let reads = b.reads.clone();
            self.collect_binding(&reads);
        }
        if local.is_some() {
            self.note_local_use(e, local);
        }
        let Some(b) = self.core.env.lookup_ident(ident) else {
            return Val::default();
        };
        let mut live: Vec<GuardId> = b
            .guards
            .iter()
            .copied()
            .filter(|g| self.is_live(*g))
            .collect();
        // A binding reassigned after its guard moved into another (`pinned = Some(shard);
        // shard = fallback.lock();`) lists that guard for the paths that did not move it (see
        // `assign`); where the other binding holds it, it is that binding's.
        if live.len() > 1 {
            let name = ident.to_string();
            live.retain(|&g| !self.core.env.held_by_other(&name, g));
        }
        if mode == Mode::Value && !live.is_empty() {
            // Moved out of its binding: now a value in flight.
            let level = self.temp_level();
            self.reown(&live, Owner::Temp(level));
        }
        Val {
            guards: live,
            root: Vec::new(),
        }
    }

    /// A path used as a value that may name a fn (`post(upload)`, `.map(Self::parse)`): the fn
    /// is called from wherever the value goes, which the call graph does not see.
    fn note_fn_value(&mut self, path: &syn::Path) {
        if self
            .core
            .handed_values
            .contains(&(path as *const syn::Path as usize))
        {
            return;
        }
        self.note_unfollowed_value(path);
    }

    /// A path used as a value the graph does not follow (see [`Self::note_fn_value`]). One
    /// rooted in another crate's name (`anyhow::Error::new`, `Regex::new` after `use
    /// regex::Regex`) is kept with its path: the crate phase counts it only when the path may
    /// lead into the workspace (see `FileFacts::unfollowed_elsewhere`).
    fn note_unfollowed_value(&mut self, path: &syn::Path) {
        if fn_name(path).is_none() {
            return;
        }
        let resolved = self.core.uses.resolve(path);
        let generic =
            crate::semantic::facts::owner_segment(&resolved).is_some_and(|o| self.is_type_param(o));
        let name = crate::semantic::facts::value_call_name(&resolved, generic);
        match resolved.split_once("::") {
            Some((root, _))
                if root.starts_with(|c: char| c.is_ascii_lowercase())
                    && !matches!(root, "crate" | "self" | "super") =>
            {
                let key = crate::semantic::facts::call_key(&name, CallShape::Value);
                let key = crate::semantic::facts::scoped_key(key, self.core.in_test());
                self.core.facts.unfollowed_elsewhere.push((resolved, key));
            }
            _ => self.note_unfollowed(&name, CallShape::Value),
        }
    }

    /// A type parameter of the fn or impl being walked (`Backend` in `impl<Backend: Storage>`).
    fn is_type_param(&self, name: &str) -> bool {
        self.core.fn_type_params.iter().any(|p| p == name)
            || self.core.impl_type_params.iter().any(|p| p == name)
    }

    /// `Backend::open(..)` with `Backend` a type parameter (see `CallSite::generic_owner`).
    fn owner_is_type_param(&self, callee: &Callee) -> bool {
        match callee {
            Callee::Path(p) => {
                crate::semantic::facts::owner_segment(p).is_some_and(|o| self.is_type_param(o))
            }
            Callee::Method(..) => false,
        }
    }

    /// The one workspace trait bounding the type parameter that owns path call `path`
    /// (`C::try_load(id)` in `fn f<C: CliClient>`); `None` when there are none or several.
    fn bounding_trait(&self, path: &str) -> Option<Box<str>> {
        let owner = crate::semantic::facts::owner_segment(path)?;
        let mut traits = self.core.type_bounds.iter().filter(|(p, _)| p == owner);
        let (_, first) = traits.next()?;
        traits.all(|(_, t)| t == first).then(|| first.clone())
    }

    /// A method call on a trait object or a type parameter (see `FileFacts::trait_method_calls`).
    fn note_trait_method_call(&mut self, name: &str, argc: usize, composite: u8) {
        let key = crate::semantic::facts::call_key(
            name,
            CallShape::method(CallShape::count(argc), composite),
        );
        let key = crate::semantic::facts::scoped_key(key, self.core.in_test());
        self.core.facts.trait_method_calls.push(key);
    }

    /// No argument is a closure or a fn (`(0..n).map(|i| thread::spawn(..))` does what its
    /// closure does, whose calls are the closure body's work, not the caller's): plain values
    /// and locals only (`.skip(last_working)`).
    fn runs_no_code(
        &self,
        args: &syn::punctuated::Punctuated<syn::Expr, syn::token::Comma>,
    ) -> bool {
        args.iter().all(|a| match peel(a) {
            syn::Expr::Closure(cl) => crate::semantic::syntax::only_makes_values(&cl.body),
            syn::Expr::Path(p) => p
                .path
                .get_ident()
                .is_some_and(|i| self.core.env.lookup(&i.to_string()).is_some()),
            _ => true,
        })
    }

    /// A method call on a receiver of unknown type: unfollowed, and kept with its fn when it is
    /// made in place in an async body (see `FileFacts::untyped_awaits`).
    fn note_untyped(&mut self, name: &str, argc: usize, composite: u8, span: proc_macro2::Span) {
        let shape = CallShape::method(CallShape::count(argc), composite);
        let in_place = self.core.body().and_then(|b| {
            (b.is_async && !b.sync_block_on && b.inline && b.flow.reachable)
                .then_some((b.fn_id?, b.off_worker))
        });
        let Some((caller, off_worker)) = in_place else {
            self.note_unfollowed(name, shape);
            return;
        };
        let key = crate::semantic::facts::call_key(name, shape);
        let region = Region::from_span(span);
        self.core
            .facts
            .untyped_awaits
            .push(crate::semantic::facts::UntypedAwait {
                key: crate::semantic::facts::scoped_key(key, self.core.in_test()),
                caller,
                span: (region.start_byte, region.end_byte),
                awaited: false,
                off_worker,
            });
    }

    /// A call (or fn value) named `name` the call graph will not follow (see
    /// `FileFacts::unfollowed_names`).
    fn note_unfollowed(&mut self, name: &str, shape: CallShape) {
        let hash = crate::semantic::facts::call_key(name, shape);
        let hash = crate::semantic::facts::scoped_key(hash, self.core.in_test());
        self.core.facts.unfollowed_names.push(hash);
    }

    /// The arguments of call `c` that may be fns handed on as values (`init_ftp_system` in
    /// `init_protocol("ftp", init_ftp_system)`): plain paths naming no local binding, whose
    /// last segment is snake_case, with their positions.
    fn handed_values<'c>(&self, c: &'c syn::ExprCall) -> Vec<(u8, &'c syn::ExprPath)> {
        c.args
            .iter()
            .enumerate()
            .filter_map(|(i, arg)| match arg {
                syn::Expr::Path(p) if p.qself.is_none() => Some((u8::try_from(i).ok()?, p)),
                _ => None,
            })
            .filter(|(_, p)| {
                let local = p
                    .path
                    .get_ident()
                    .is_some_and(|i| self.core.env.lookup_ident(i).is_some());
                !local && fn_name(&p.path).is_some()
            })
            .collect()
    }

    /// After call `c` was (maybe) recorded as site `sites_before`: each fn handed to it as a
    /// value becomes a site of its own beside it (see `CallSite::handed_to`). Where the call
    /// was not recorded (another crate's fn, unreachable code), the fns are values the graph
    /// cannot follow, as before.
    fn record_handed_values(&mut self, handed: &[(u8, &syn::ExprPath)], sites_before: usize) {
        if handed.is_empty() {
            return;
        }
        let outer = (self.core.facts.calls.len() == sites_before + 1)
            .then(|| self.core.facts.calls.last().cloned())
            .flatten()
            .filter(|s| s.handed_to.is_none());
        for &(arg, p) in handed {
            let path = self.core.rebase_self(self.core.uses.resolve(&p.path));
            let site = match (&outer, path) {
                (Some(o), Some(path))
                    if path.contains("::") && !crate::semantic::types::is_external(&path) =>
                {
                    let region = Region::from_span(spans::path_span(&p.path));
                    let callee = Callee::Path(path);
                    let mut site = CallSite {
                        generic_owner: self.owner_is_type_param(&callee),
                        callee,
                        region,
                        argc: 0,
                        handed_to: Some((sites_before as u32, arg)),
                        dispatch: None,
                        ..o.clone()
                    };
                    if let Some(c) = site.context.as_mut() {
                        c.snippet = self.core.src.snippet(&region);
                    }
                    Some(site)
                }
                _ => None,
            };
            match site {
                Some(site) => self.core.facts.calls.push(site),
                None => self.note_unfollowed_value(&p.path),
            }
        }
    }

    /// `x = value`: a local binding takes ownership of the new guards (and its old one drops);
    /// anything else (a field, an index) stores them out of sight.
    fn assign(&mut self, left: &syn::Expr, guards: Vec<GuardId>) {
        if let syn::Expr::Path(p) = peel(left)
            && let Some(ident) = p.path.get_ident()
        {
            let name = ident.to_string();
            let old = match self.core.env.lookup_mut(&name) {
                Some((frame, b)) => {
                    let mut old = std::mem::replace(&mut b.guards, guards.clone());
                    // `state = cv.wait(state)`: the guard comes back to its binding.
                    old.retain(|g| !guards.contains(g));
                    Some((frame, old))
                }
                None => None,
            };
            if let Some((frame, old)) = old {
                // A guard moved into another binding first (`pinned = Some(shard); shard =
                // fallback.lock();`) lives on there: not ended here.
                let (moved, ended): (Vec<GuardId>, Vec<GuardId>) = old
                    .into_iter()
                    .partition(|&g| self.core.env.held_by_other(&name, g));
                // Gone on this path only: where it joins a path that never reassigned (`if
                // slow { drop(g); g = m.read(); }`), the binding may hold either, and a later
                // `drop(g)` ends both (those another binding still holds then excepted). Kept:
                // the guard this assignment drops, one an explicit `drop` of the binding
                // ended, one moved into another binding; not one moved into a call
                // (`held.push(cur); cur = next.lock();`), which lives on where it went.
                let kept: Vec<GuardId> = ended
                    .iter()
                    .copied()
                    .filter(|&g| self.is_live(g) || self.core.dropped_guards.contains(&g))
                    .chain(moved)
                    .collect();
                self.kill(&ended);
                self.reown(&guards, Owner::Frame(frame));
                if let Some((_, b)) = self.core.env.lookup_mut(&name) {
                    b.guards.extend(kept);
                }
                return;
            }
        }
        self.kill(&guards);
    }

    fn eval_arg(&mut self, arg: &syn::Expr, offloaded: bool) -> Val {
        // `spawn_blocking({ let src = src.clone(); move || fs::copy(&src, &dst) })`: the block's
        // tail closure is what the fn receives.
        if offloaded
            && let syn::Expr::Block(b) = peel(arg)
            && b.label.is_none()
            && let Some(syn::Stmt::Expr(tail, None)) = b.block.stmts.last()
            && matches!(peel(tail), syn::Expr::Closure(cl) if cl.asyncness.is_none())
        {
            self.core.offloaded_tail = Some(peel(tail) as *const syn::Expr as usize);
            let v = self.eval(arg, Mode::Value);
            self.core.offloaded_tail = None;
            return v;
        }
        if offloaded
            && let syn::Expr::Closure(cl) = peel(arg)
            && cl.asyncness.is_none()
        {
            hook!(
                self,
                check_expr,
                arg,
                crate::lint::Hooks::EXPR,
                Some(crate::lint::ExprKinds::of(arg))
            );
            self.walk_closure(cl, true);
            return Val::default();
        }
        self.eval(arg, Mode::Value)
    }

    fn eval_call(&mut self, c: &syn::ExprCall) -> Val {
        let awaited = std::mem::take(&mut self.core.awaited_call) == c as *const _ as usize;
        let callee = self.core.callee(c);
        // A closure passed to a fn runs wherever that fn decides (`spawn_blocking`, `asyncify`, a
        // thread pool): not in this async context.
        self.eval(&c.func, Mode::Place);
        let mut guards = Vec::new();
        let first = self.collect_args_begin();
        // `Retry::spawn(strategy, || fetch(..)).await`: the retry runs the closure's future
        // where the call's own future is awaited, not in a task.
        let retries = callee
            .as_deref()
            .is_some_and(crate::semantic::syntax::retries_in_place);
        // `thread::spawn(move || ..)`: the closure runs once.
        let spawns = !retries
            && callee
                .as_deref()
                .is_some_and(|c| crate::semantic::syntax::last_segment(c).contains("spawn"));
        if let Some(callee) = callee.as_deref() {
            self.core.note_block_on(callee, &c.args, None);
        }
        let in_use = self.core.receivers_in_use.len();
        // `mem::take(&mut *counts)`, `mem::replace(&mut g.state, Idle)`: the place is written
        // (its old value moved out), not read.
        let moves_out = callee.as_deref().is_some_and(|c| {
            matches!(
                c,
                "std::mem::take"
                    | "std::mem::replace"
                    | "std::mem::swap"
                    | "core::mem::take"
                    | "core::mem::replace"
                    | "core::mem::swap"
            )
        });
        let handed = self.handed_values(c);
        let outer_handed = std::mem::replace(
            &mut self.core.handed_values,
            handed
                .iter()
                .map(|(_, p)| &p.path as *const syn::Path as usize)
                .collect(),
        );
        let mut futures = Vec::new();
        for (i, arg) in c.args.iter().enumerate() {
            if moves_out
                && i == 0
                && let syn::Expr::Reference(r) = peel(arg)
                && r.mutability.is_some()
            {
                self.mark_assigned(&r.expr);
                let place = self.eval(&r.expr, Mode::Place);
                let through = self.live(&place.root);
                if !through.is_empty() {
                    self.guard_assign(&through, &r.expr, None, Vec::new(), "take");
                }
                continue;
            }
            if spawns && let syn::Expr::Closure(cl) = peel(arg) {
                self.core.spawned_closure = Some(cl as *const syn::ExprClosure as usize);
            }
            if retries && let syn::Expr::Closure(cl) = peel(arg) {
                self.core.inline_closure = Some(cl as *const syn::ExprClosure as usize);
            }
            // An argument that is (or borrows) a guard, `absorb(&mut a.lock(), ..)`, keeps it in
            // use until the call, while the later arguments run; a field read through one
            // (`sum(a.lock().n, ..)`) copies the field and is done with it.
            let calls_before = self.core.facts.calls.len();
            let a = self.eval_arg(arg, !retries);
            // `with_enough_stack(cli::init(c))`: the future the argument's call makes.
            futures.extend(self.futures_of_arg(arg, calls_before, i));
            let keeps = match peel(arg) {
                syn::Expr::Reference(_) => true,
                syn::Expr::Field(_) => false,
                _ => !a.guards.is_empty(),
            };
            if keeps {
                self.core
                    .receivers_in_use
                    .extend(a.guards.iter().chain(&a.root).copied());
            }
            guards.extend(a.guards);
        }
        self.core.receivers_in_use.truncate(in_use);
        self.collect_args_end(if awaited { AccessId::MAX } else { first });
        let task = !crate::semantic::syntax::runs_sync_closure(&c.args);
        if spawns
            && !self
                .core
                .note_joined_spawn(c as *const syn::ExprCall as usize, task)
        {
            self.core.note_spawn(task);
            self.core.note_spawn_into(None);
        }
        let callee = callee.unwrap_or_default();
        if !callee.is_empty() && !callee.contains("::") {
            self.core.facts.unresolved_calls += 1;
            // Under a workspace glob, in a fn, the name is recorded as a call site below: the
            // crate phase looks it up through the glob, and keeps it unfollowed only if that
            // finds nothing. (A `static`'s initialiser has no fn to record it in.)
            let site = self.core.uses.has_workspace_globs()
                && self
                    .core
                    .body()
                    .is_some_and(|b| b.fn_id.is_some() && b.flow.reachable);
            if !site {
                self.note_unfollowed(&callee, CallShape::Path(CallShape::count(c.args.len())));
            }
        }
        let func_span = spans::expr_span(&c.func);
        if let Some(segs) = crate::semantic::syntax::path_segments(&c.func) {
            match segs.as_slice() {
                [f] => self.record_gated_call(f.clone(), func_span),
                [s, f] if s == "Self" => {
                    if let Some(imp) = self.impl_name() {
                        self.record_gated_call(format!("{imp}::{f}"), func_span);
                    }
                }
                _ => {}
            }
        }
        self.core.handed_values = outer_handed;
        let sites_before = self.core.facts.calls.len();
        self.record_path_call(&callee, c.args.len(), func_span);
        if self.core.facts.calls.len() > sites_before {
            for (k, arg) in futures {
                if let Some(site) = self.core.facts.calls.get_mut(k) {
                    site.future_to = Some((sites_before as u32, arg));
                }
            }
        }
        self.record_handed_values(&handed, sites_before);
        self.note_blocking_call(&callee, func_span);
        if DIVERGING.contains(&callee.as_str()) {
            self.set_unreachable();
            return Val::default();
        }
        let last = crate::semantic::syntax::last_segment(&callee);
        let is_ctor = last.chars().next().is_some_and(char::is_uppercase)
            || matches!(
                callee.as_str(),
                "std::boxed::Box::new"
                    | "std::sync::Arc::new"
                    | "std::rc::Rc::new"
                    | "std::boxed::Box::pin"
            );
        if is_ctor {
            return Val {
                guards,
                root: Vec::new(),
            };
        }
        // A clock read (`SystemTime::now()`) is a value, and `drop(..)` releases: neither is
        // work a decision could make twice.
        if !(crate::semantic::syntax::is_clock_read(&callee) || callee == "std::mem::drop") {
            self.record_work(func_span);
        }
        // Moved into a fn (`drop(guard)`, `consume(guard)`): it ends there. What `drop` ends is
        // remembered for a reassignment of the binding later (see `assign`).
        self.kill(&guards);
        if last == "drop" {
            self.core.dropped_guards.extend(&guards);
            if let [arg] = c.args.iter().collect::<Vec<_>>().as_slice()
                && let Some(name) = crate::semantic::syntax::path_last_ident(arg)
            {
                self.core.release_kept_for_drop(&name.to_string());
            }
        }
        Val::default()
    }

    fn eval_method_call(&mut self, mc: &syn::ExprMethodCall) -> Val {
        let awaited = std::mem::take(&mut self.core.awaited_call) == mc as *const _ as usize;
        let name = mc.method.to_string();
        if !self.core.cond_guards.is_empty()
            && !matches!(
                name.as_str(),
                "clone" | "as_ref" | "as_str" | "to_string" | "to_owned" | "borrow" | "len"
            )
            && !name.starts_with("is_")
        {
            // It may change the value's kind (`request.upgrade()` on `&mut self`).
            self.forget_cond_guards(&mc.receiver);
        }
        if mc.args.len() == 1 && matches!(name.as_str(), "push" | "push_back" | "push_front") {
            self.note_pushed_element(&mc.receiver, &mc.args[0]);
        }
        if mc.args.is_empty() && is_acquire_method(&name) {
            self.mark_benign(&mc.receiver);
            self.eval(&mc.receiver, Mode::Place);
            // `self.rcu.read()` on a workspace type that is no lock is a call into its `read`
            // (the crate phase drops the acquisition when the type turns out to be no lock).
            // Recorded before the guard exists: a wrapper's `lock()` that hands out its inner
            // guard is not a second lock taken while the first is held.
            let receiver_ty = self.core.ty_of(&mc.receiver);
            self.record_method_call(
                receiver_ty.clone(),
                name,
                (0, 0),
                mc.method.span(),
                &mc.receiver,
            );
            let g = self.acquire(&mc.receiver, receiver_ty, &mc.method, false);
            return Val {
                guards: vec![g],
                root: Vec::new(),
            };
        }
        if PROPAGATING.contains(&name.as_str()) {
            let v = self.eval(&mc.receiver, Mode::Value);
            let offloaded = !INLINE_CLOSURE_METHODS.contains(&name.as_str());
            for arg in &mc.args {
                if !offloaded && let syn::Expr::Closure(cl) = peel(arg) {
                    self.core.inline_closure = Some(cl as *const syn::ExprClosure as usize);
                }
                let a = self.eval_arg(arg, offloaded);
                self.kill(&a.guards);
            }
            return Val {
                guards: v.guards,
                root: Vec::new(),
            };
        }
        let atomic = atomic_op(mc);
        if atomic.is_some() {
            self.mark_benign(&mc.receiver);
        }
        // `state.command_proto.take()`, `g.pending.replace(next)`: the field is moved out of, a
        // write (recorded as the method's), not read.
        if matches!((name.as_str(), mc.args.len()), ("take", 0) | ("replace", 1))
            && matches!(peel(&mc.receiver), syn::Expr::Field(_))
        {
            self.mark_assigned(&mc.receiver);
        }
        let made_from = self.core.next_guard;
        let mut recv = self.eval(&mc.receiver, Mode::Place);
        let receiver_ty = self.core.ty_of(&mc.receiver);
        let waits = GUARD_RETURNING_WAITS.contains(&name.as_str());
        let mut passed = Vec::new();
        // `reg.routes_mut().insert(..)`: a guard a crate fn returns lives as a temporary until
        // the end of the statement.
        recv.root.extend(self.acquire_returned_temp(&mc.receiver));
        let offloaded = !INLINE_CLOSURE_METHODS.contains(&name.as_str());
        let item = ITEM_CLOSURE_METHODS
            .contains(&name.as_str())
            .then(|| receiver_ty.clone().elem());
        let first = self.collect_args_begin();
        // Every guard the receiver chain made (`a.lock().values().zip(..)`: the iterator
        // borrows it) is still in use while the arguments run.
        let in_use = self.core.receivers_in_use.len();
        // A std `fmt` builder (`f.debug_struct(..).field("a", &a.read())`) formats each
        // argument during its call and hands back only itself: the guards earlier calls of the
        // chain took as arguments are done with.
        let made_to = if self.core.next_guard != made_from && formats_in_place(&mc.receiver) {
            made_from
        } else {
            self.core.next_guard
        };
        self.core.receivers_in_use.extend(
            recv.guards
                .iter()
                .chain(&recv.root)
                .copied()
                .chain(made_from..made_to),
        );
        let spawns = name.contains("spawn");
        // A child process outlives an exit of this one: no task of its own cut off. The
        // builder's type is lost through its `&mut Self` methods
        // (`Command::new(..).arg(..).spawn()`), so the chain's start is asked too; and a
        // `spawn()` without an argument starts no code of this process (a task or a thread is
        // given its future or closure): a command's, however the command was built.
        let child_process = || {
            if name == "spawn" && mc.args.is_empty() {
                return true;
            }
            let mut start = &*mc.receiver;
            while let syn::Expr::MethodCall(inner) = peel(start) {
                start = &inner.receiver;
            }
            receiver_ty
                .known()
                .and_then(|t| t.peel().path_str())
                .is_some_and(|p| p.ends_with("process::Command"))
                || matches!(peel(start), syn::Expr::Call(c)
                    if self.core.callee(c).is_some_and(|p| p.ends_with("process::Command::new")))
        };
        let task = !crate::semantic::syntax::runs_sync_closure(&mc.args);
        if spawns
            && !child_process()
            && !self
                .core
                .note_joined_spawn(mc as *const syn::ExprMethodCall as usize, task)
        {
            self.core.note_spawn(task);
            // `set.spawn(task)` on a `JoinSet`: its tasks end when the set is dropped, so they
            // outlive the fn only if the set does (checked when the fn's walk ends).
            let into_set = receiver_ty
                .known()
                .and_then(|t| t.peel().path_str())
                .is_some_and(|p| p.ends_with("::JoinSet"))
                .then(|| crate::semantic::syntax::root_ident(&mc.receiver))
                .flatten();
            self.core.note_spawn_into(into_set.map(|i| i.to_string()));
        }
        // A method `block_on` is a runtime's (`rt.block_on(..)`, `handle.block_on(..)`; the
        // executors without a runtime are free fns: `futures::executor::block_on(..)`).
        self.core.note_block_on(&name, &mc.args, Some(&mc.receiver));
        // `fold(init, |acc, x| ..)`: the accumulator has the initial value's type.
        let acc = matches!(name.as_str(), "fold" | "try_fold")
            .then(|| mc.args.first().map(|init| self.core.ty_of(init)))
            .flatten();
        let mut futures: Vec<(usize, u8)> = Vec::new();
        for (i, arg) in mc.args.iter().enumerate() {
            self.core.closure_params = match (&acc, &item) {
                (Some(acc), item) if i == 1 => {
                    vec![acc.clone(), item.clone().unwrap_or(TyExpr::Unknown)]
                }
                (_, Some(item)) if PAIR_CLOSURE_METHODS.contains(&name.as_str()) => {
                    vec![item.clone(), item.clone()]
                }
                // A map's `retain(|k, v| ..)`: the value is the item, the key comes first.
                (_, Some(item))
                    if name.starts_with("retain")
                        && matches!(peel(arg), syn::Expr::Closure(cl) if cl.inputs.len() == 2) =>
                {
                    vec![TyExpr::Unknown, item.clone()]
                }
                (_, item) => item.iter().cloned().collect(),
            };
            if spawns && let syn::Expr::Closure(cl) = peel(arg) {
                self.core.spawned_closure = Some(cl as *const syn::ExprClosure as usize);
            }
            if !offloaded && let syn::Expr::Closure(cl) = peel(arg) {
                self.core.inline_closure = Some(cl as *const syn::ExprClosure as usize);
            }
            let calls_before = self.core.facts.calls.len();
            let a = self.eval_arg(arg, offloaded);
            // `runner.run_until_ctrl_c(cmd.execute())`: the future the argument's call makes,
            // numbered as a path call numbers it (the receiver is the method's first argument).
            futures.extend(self.futures_of_arg(arg, calls_before, i + 1));
            self.core.closure_params.clear();
            if waits && i == 0 {
                passed = a.guards;
            } else {
                self.kill(&a.guards);
            }
        }
        self.core.receivers_in_use.truncate(in_use);
        let arg_reads = self.collect_args_end(if awaited { AccessId::MAX } else { first });
        if let Some(op) = atomic {
            self.atomic_access(mc, op, arg_reads);
        } else {
            let through = self.live(&[recv.guards.as_slice(), &recv.root].concat());
            if !through.is_empty() {
                self.guard_method_access(&through, mc, arg_reads);
            } else if !(crate::semantic::syntax::makes_a_value(&name)
                && self.runs_no_code(&mc.args))
            {
                self.record_work(mc.method.span());
            }
        }
        // `m.lock().map(|g| g.is_some())`: a by-value combinator moves the `LockResult` (or
        // `Option`) and the guard in it into the closure, which drops it when it returns,
        // unless it hands the guard back (`|g| g`).
        // Not on a guard itself (parking_lot's, tokio's): `g.map(..)` there goes through
        // `Deref` to the value and the guard stays a temporary of the statement.
        let on_guard = receiver_ty
            .known()
            .and_then(|t| t.path_str())
            .is_some_and(|p| !p.ends_with("Result") && !p.ends_with("Option"));
        if MOVING_CLOSURE_COMBINATORS.contains(&name.as_str())
            && !on_guard
            && mc.args.iter().any(|a| {
                matches!(peel(a), syn::Expr::Closure(cl) if !crate::semantic::syntax::returns_param(cl))
            })
        {
            self.kill(&recv.guards);
        }
        if let syn::Expr::Path(p) = peel(&mc.receiver)
            && p.path.is_ident("self")
            && let Some(imp) = self.impl_name()
        {
            self.record_gated_call(format!("{imp}::{name}"), mc.method.span());
        }
        match &receiver_ty {
            _ if name == "open"
                && mc.args.len() == 1
                && self.core.is_open_options_chain(&mc.receiver) =>
            {
                self.note_blocking("std::fs::OpenOptions::open", mc.method.span(), None);
            }
            TyExpr::Known(t) => {
                if let Some(owner) = crate::semantic::blocking_paths::blocking_method_owner(
                    t,
                    &name,
                    &self.core.opts.blocking_paths,
                ) {
                    self.note_blocking(&format!("{owner}::{name}"), mc.method.span(), None);
                }
            }
            TyExpr::Unknown => {}
            // Only names some blocking method bears are worth settling (`guard.push(..)` under
            // a guard is the common case, and is none).
            deferred
                if crate::semantic::blocking_paths::may_block_method(
                    &name,
                    &self.core.opts.blocking_paths,
                ) =>
            {
                let deferred = deferred.clone();
                self.note_blocking(&name, mc.method.span(), Some(deferred));
            }
            _ => {}
        }
        let sites_before = self.core.facts.calls.len();
        self.record_method_call(
            receiver_ty,
            name,
            (mc.args.len(), CallShape::composite(&mc.args)),
            mc.method.span(),
            &mc.receiver,
        );
        if self.core.facts.calls.len() > sites_before {
            for (k, arg) in futures {
                if let Some(site) = self.core.facts.calls.get_mut(k) {
                    site.future_to = Some((sites_before as u32, arg));
                }
            }
        }
        Val {
            guards: passed,
            root: Vec::new(),
        }
    }

    /// A path call that may name a workspace fn: a `crate::` path, `Self::f`, or a path into a
    /// crate racewise does not know as external (a workspace member, or a dependency the crate
    /// phase then leaves alone).
    fn record_path_call(&mut self, callee: &str, argc: usize, span: proc_macro2::Span) {
        // A bare name no `use` explains may come through a glob import of a workspace module
        // (`use mylib::*;`): the crate phase looks it up there.
        let bare = !callee.contains("::");
        if (bare && !self.core.uses.has_workspace_globs())
            || crate::semantic::types::is_external(callee)
        {
            return;
        }
        let Some(path) = self.core.rebase_self(callee.to_string()) else {
            return;
        };
        if let Some((root, _)) = path.split_once("::")
            && !matches!(root, "crate" | "self" | "super" | "Self")
            && root.starts_with(|c: char| c.is_ascii_lowercase())
            && !self.core.facts.index.path_roots.iter().any(|r| r == root)
        {
            self.core.facts.index.path_roots.push(root.to_string());
        }
        self.record_call(Callee::Path(path), argc, span, None);
    }

    /// A method call whose receiver may be a workspace type (a known crate path, or a type the
    /// crate index settles); receivers of unknown or external type are not candidates.
    /// `composite`: which arguments are closures or struct literals (see `CallShape::composite`).
    fn record_method_call(
        &mut self,
        receiver: TyExpr,
        name: String,
        (argc, composite): (usize, u8),
        span: proc_macro2::Span,
        receiver_expr: &syn::Expr,
    ) {
        match &receiver {
            TyExpr::Unknown => {
                self.core.facts.untyped_method_calls += 1;
                self.note_untyped(&name, argc, composite, span);
                return;
            }
            TyExpr::Known(t) => match t.peel().path_str() {
                Some(p) if p.contains("::") && !crate::semantic::types::is_external(p) => {}
                // A trait object's (`Box<dyn Command>`) or a type parameter's method: a call of
                // some impl's, which the graph cannot pick (see `FileFacts::trait_method_calls`).
                None => return self.note_trait_method_call(&name, argc, composite),
                // A type parameter a workspace trait bounds (`job.run(s)`, `J: Runnable`): the
                // call graph dispatches it to that trait's impls (`Resolver::on_type_param`).
                Some(p)
                    if self.is_type_param(p)
                        && self.core.type_bounds.iter().any(|(b, _)| b == p) => {}
                Some(p) if !p.contains("::") => {
                    return self.note_trait_method_call(&name, argc, composite);
                }
                // Another crate's wrapper of a workspace type (`RwLockReadGuard<Svc>`, a
                // `OnceCell<Arc<Svc>>`): through its `Deref` the method may be the type's own.
                _ if holds_workspace_type(t) => {
                    return self.note_unfollowed(
                        &name,
                        CallShape::method(CallShape::count(argc), composite),
                    );
                }
                _ => return,
            },
            _ => {}
        }
        let before = self.core.facts.calls.len();
        self.record_call(
            Callee::Method(receiver, name.into_boxed_str()),
            argc,
            span,
            Some(receiver_expr),
        );
        if self.core.facts.calls.len() > before
            && let Some(site) = self.core.facts.calls.last_mut()
        {
            site.composite_args = composite;
        }
    }

    /// A path call that blocks (by its resolved path), for the lock queries whichever rules
    /// run: see `note_blocking`.
    fn note_blocking_call(&mut self, callee: &str, span: proc_macro2::Span) {
        if crate::semantic::blocking_paths::is_blocking_call(callee, &self.core.opts.blocking_paths)
        {
            self.note_blocking(callee, span, None);
        }
    }

    /// A blocking call (`what`: the path it calls): with guards alive, their locks are held as
    /// long as it takes; in a sync fn's own body, the fn blocks its callers. With `receiver`, a
    /// method call (`what`: its name) that blocks only if the crate index settles the type to
    /// one whose method blocks: it counts under guards, once settled.
    fn note_blocking(&mut self, callee: &str, span: proc_macro2::Span, receiver: Option<TyExpr>) {
        let Some(body) = self.core.body() else { return };
        if !body.flow.reachable {
            return;
        }
        let held = body.flow.held();
        if receiver.is_some() && held.is_empty() {
            return;
        }
        let region = Region::from_span(span);
        // The summaries keep one witness per fn: its first blocking call is enough.
        let known = |h: &crate::semantic::facts::Hazard, caller: u32| {
            h.caller == caller && h.rule == crate::semantic::facts::BLOCKING_CALL
        };
        if let (false, true, Some(caller), None) =
            (body.is_async, body.inline, body.fn_id, &receiver)
            && !self
                .core
                .facts
                .hazards
                .last()
                .is_some_and(|h| known(h, caller))
        {
            self.core
                .facts
                .hazards
                .push(crate::semantic::facts::Hazard {
                    caller,
                    rule: crate::semantic::facts::BLOCKING_CALL,
                    what: callee.to_string(),
                    region,
                });
        }
        if !held.is_empty() {
            self.core
                .facts
                .held_blocks
                .push(crate::semantic::facts::HeldBlock {
                    held,
                    receiver,
                    what: callee.to_string(),
                    region,
                });
        }
    }

    /// `receiver`: a method call's receiver (where the call's expression starts).
    fn record_call(
        &mut self,
        callee: Callee,
        argc: usize,
        span: proc_macro2::Span,
        receiver: Option<&syn::Expr>,
    ) {
        let level = self.temp_level();
        let Some(body) = self.core.body() else { return };
        let Some(caller) = body.fn_id else { return };
        if !body.flow.reachable {
            return;
        }
        let region = Region::from_span(span);
        // A sync fn's `block_on` body (its `#[tokio::main]` body too) is that fn's own code: a
        // call there is the sync fn's, which its callers inherit (see `Cx::in_sync_block_on`).
        let (in_async, async_main, mut off_worker, inline, held) = (
            body.is_async && !body.sync_block_on,
            body.async_main,
            body.off_worker,
            body.inline,
            body.flow.held(),
        );
        // Guards of this statement's other operands that the call's own expression neither
        // made nor borrows (`new(a.read().pruning_point(), self.parents(h))`): temporaries
        // done with before the call runs, like `Acquisition::sibling_temps`.
        let sibling_temps = match held.is_empty() {
            true => Vec::new(),
            false => {
                let start = receiver.map_or(region.start_byte, |r| {
                    Region::from_span(spans::expr_span(r)).start_byte
                });
                // Made by this statement (not kept by the scrutinee of a `while let` or `if
                // let` around it, whose temporaries live through its body), before the call.
                let stmt_start = self.core.stmt_start;
                let acquired_before = |g: GuardId| {
                    self.core
                        .facts
                        .acquisitions
                        .iter()
                        .rev()
                        .find(|a| a.id == g)
                        .is_some_and(|a| {
                            a.region.start_byte >= stmt_start && a.region.end_byte <= start
                        })
                };
                self.spent_temps(level, acquired_before)
            }
        };
        // `rt.block_on(serve(cfg))`: the future runs to completion right here, on this thread.
        let (run_by_block_on, by_executor) = match self.core.block_on_call {
            Some((at, off, free)) if at == region => {
                self.core.block_on_call = None;
                off_worker |= off;
                (true, free)
            }
            _ => (false, false),
        };
        let context = (in_async || !held.is_empty()).then(|| {
            Box::new(CallContext {
                held,
                sibling_temps,
                function: self.core.function(),
                snippet: self.core.src.snippet(&region),
            })
        });
        let in_test = self.core.in_test();
        let cuts_off = self.core.exit_cuts_off(region.start_byte);
        let spawned_before = self.core.spawned_before(region.start_byte);
        let tasks_before = self.core.task_spawned_before(region.start_byte);
        let branch = self.core.branches.last().copied().unwrap_or((0, u32::MAX));
        let generic_owner = self.owner_is_type_param(&callee);
        let dispatch = match &callee {
            Callee::Path(p) if generic_owner => self.bounding_trait(p),
            _ => None,
        };
        self.core.facts.calls.push(CallSite {
            caller,
            callee,
            region,
            in_async,
            async_main,
            off_worker,
            inline,
            in_test,
            awaited: run_by_block_on,
            by_executor,
            cuts_off,
            spawned_before,
            tasks_before,
            branch,
            argc: CallShape::count(argc),
            generic_owner,
            dispatch,
            context,
            handed_to: None,
            future_to: None,
            composite_args: 0,
            returned: false,
        });
    }

    fn eval_await(&mut self, aw: &syn::ExprAwait) -> Val {
        if let Some(mc) = is_acquire_call(&aw.base) {
            // `m.lock().await`: waiting for an async lock is itself an await point.
            hook!(
                self,
                check_expr,
                &aw.base,
                crate::lint::Hooks::EXPR,
                Some(crate::lint::ExprKinds::of(&aw.base))
            );
            self.mark_benign(&mc.receiver);
            self.eval(&mc.receiver, Mode::Place);
            self.record_await(aw.await_token.span, ".await");
            let receiver_ty = self.core.ty_of(&mc.receiver);
            let g = self.acquire(&mc.receiver, receiver_ty, &mc.method, true);
            return Val {
                guards: vec![g],
                root: Vec::new(),
            };
        }
        let before = self.core.facts.calls.len();
        // `tokio_timeout(d, async { .. }).await` through a renaming `use`.
        let timed = |c: &syn::ExprCall| {
            self.core
                .callee(c)
                .is_some_and(|p| p.ends_with("time::timeout") || p.ends_with("time::timeout_at"))
        };
        let block =
            crate::semantic::syntax::awaited_block(&aw.base).or_else(|| match peel(&aw.base) {
                syn::Expr::Call(c) if timed(c) => c
                    .args
                    .last()
                    .and_then(crate::semantic::syntax::awaited_block),
                _ => None,
            });
        if let Some(ab) = block {
            self.core.awaited_block = ab as *const syn::ExprAsync as usize;
        }
        // `let out = send_request(req, &*state.headers.read().await).await?;`: a fallible
        // awaited call's result is what the I/O it does answered, not a value computed from the
        // state its arguments read, so a condition on `out` checks no locked state. (An awaited
        // predicate, `is_full(&*q.lock().await).await`, still answers about that state.)
        let tried = std::mem::take(&mut self.core.tried_await) == aw as *const _ as usize;
        self.core.awaited_call = match peel(&aw.base) {
            syn::Expr::Call(c) if tried => c as *const syn::ExprCall as usize,
            syn::Expr::MethodCall(mc) if tried => mc as *const syn::ExprMethodCall as usize,
            _ => 0,
        };
        let v = self.eval(&aw.base, Mode::Value);
        self.core.awaited_block = 0;
        self.core.awaited_call = 0;
        self.mark_awaited(&aw.base, before);
        self.record_await(aw.await_token.span, ".await");
        self.kill(&v.guards);
        Val::default()
    }

    /// A binding assigned, lent mutably or handed to a method: a conditional guard's test of
    /// it (see `cond_guards`) no longer says what kind it is.
    fn forget_cond_guards(&mut self, place: &syn::Expr) {
        if let syn::Expr::Path(p) = peel(place)
            && let Some(name) = p.path.get_ident()
        {
            self.core.cond_guards.retain(|(g, _)| *name != g.scrutinee);
        }
    }

    /// `let mut jobs = Vec::with_capacity(n); .. jobs.push(Job::Local(spec));`: a local vector
    /// made without its element type takes the type of what is pushed first, so `for job in
    /// jobs { job.run().await }` calls `Job`'s `run`.
    fn note_pushed_element(&mut self, receiver: &syn::Expr, value: &syn::Expr) {
        let syn::Expr::Path(p) = peel(receiver) else {
            return;
        };
        let Some(name) = p.path.get_ident().map(|i| i.to_string()) else {
            return;
        };
        let untyped_vec = |t: &TyExpr| match t {
            TyExpr::Known(Ty::Path { path, args }) => {
                matches!(
                    crate::semantic::syntax::last_segment(path),
                    "Vec" | "VecDeque"
                ) && args.iter().all(|a| matches!(a, Ty::Unknown))
            }
            _ => false,
        };
        if !self
            .core
            .env
            .lookup(&name)
            .is_some_and(|b| untyped_vec(&b.ty))
        {
            return;
        }
        // A variant's constructor (`Job::Local(spec)`) makes its enum.
        let variant_of = |m: &TyExpr| match m {
            TyExpr::MethodRet(owner, f) if f.starts_with(|c: char| c.is_ascii_uppercase()) => {
                owner.known().cloned()
            }
            _ => None,
        };
        let ty = self.core.ty_of(value);
        let made = match &ty {
            TyExpr::Made(m) => m.as_ref(),
            other => other,
        };
        let elem = match made {
            TyExpr::Known(t) => t.clone(),
            other => match variant_of(other) {
                Some(t) => t,
                None => return,
            },
        };
        if elem == Ty::Unknown {
            return;
        }
        if let Some((_, b)) = self.core.env.lookup_mut(&name)
            && let TyExpr::Known(Ty::Path { args, .. }) = &mut b.ty
        {
            *args = vec![elem];
        }
    }

    /// The workspace path of a variant or struct a pattern names (`Cmd::Login`, `Self::Client`
    /// in the enum's impl), `None` for another crate's (`Ok`, `Poll::Ready`).
    fn variant_path(&self, path: &syn::Path) -> Option<String> {
        let resolved = self.core.rebase_self(self.core.uses.resolve(path))?;
        let (root, _) = resolved.split_once("::")?;
        // `Self::` of an impl on a type without a path (`impl Trait for [u8]`).
        if root.is_empty() {
            return None;
        }
        (!crate::semantic::types::is_external(root)).then_some(resolved)
    }

    /// The sites (recorded since `before`) of the futures argument `arg` (at position `pos`)
    /// makes, with that position: its call's (`cli::init(c)`, a closure's tail call `|ctx|
    /// cmd.execute(ctx)`), or the calls an `async` block argument awaits in its own code
    /// (`async move { cmd.execute().await }`), which run where the block is polled.
    fn futures_of_arg(&self, arg: &syn::Expr, before: usize, pos: usize) -> Vec<(usize, u8)> {
        let pos = u8::try_from(pos).unwrap_or(u8::MAX);
        let made = future_made_by(arg);
        let calls = match made {
            syn::Expr::Async(ab) => crate::semantic::syntax::awaited_in_place(&ab.block),
            other => vec![other],
        };
        calls
            .into_iter()
            .filter_map(|e| self.call_site_of(e, before))
            .map(|k| (k, pos))
            .collect()
    }

    /// The types along `receiver` from a binding the fn owns alone (see `Core::owned_locals`):
    /// the binding's own, then each field's (`c`, `c.models` of `c.models.write()`); `None`
    /// when it starts anywhere else or goes through anything but plain fields (an accessor
    /// may hand out shared state).
    fn owned_step(&self, receiver: &syn::Expr) -> Option<Vec<TyExpr>> {
        let root = crate::semantic::syntax::chain_root(receiver)?;
        if !self.core.owned_locals.iter().any(|o| root == o) {
            return None;
        }
        let mut steps = Vec::new();
        let mut step = peel(receiver);
        loop {
            steps.push(self.core.ty_of(step));
            match step {
                syn::Expr::Field(f) => step = peel(&f.base),
                syn::Expr::Path(_) => return Some(steps),
                _ => return None,
            }
        }
    }

    /// The site recorded (since `before`) for call expression `e`, if it is one and was.
    pub(super) fn call_site_of(&self, e: &syn::Expr, before: usize) -> Option<usize> {
        let region = Region::from_span(call_span(e)?);
        let calls = &self.core.facts.calls;
        (before..calls.len())
            .rev()
            .find(|&k| calls[k].handed_to.is_none() && calls[k].region == region)
    }

    /// `init_db().await`, a `select!` arm's `opt.exec()`, a `join!` operand: the call just
    /// recorded for future `e` (after its arguments), if `e` is one, is awaited where it is
    /// made. `before` is the call count before `e` was evaluated.
    fn mark_awaited(&mut self, e: &syn::Expr, before: usize) {
        if let Some(span) = call_span(e) {
            // The call's own site is the last one but for the fns handed to it.
            let calls = &self.core.facts.calls;
            let mut k = calls.len();
            while k > before && calls[k - 1].handed_to.is_some() {
                k -= 1;
            }
            let region = Region::from_span(span);
            if k > before && calls[k - 1].region == region {
                self.set_awaited(k - 1);
            }
            if let Some(u) = self.core.facts.untyped_awaits.last_mut()
                && u.span == (region.start_byte, region.end_byte)
            {
                u.awaited = true;
            }
        }
        // `timeout(d, run(..)).await`, `worker.on(main_inner(args)).await`: a wrapper awaited
        // right here runs the future it is handed right here too (a spawn does not).
        let (wrapper, args) = match peel(e) {
            syn::Expr::Call(c) => (
                crate::semantic::syntax::path_last_ident(&c.func).map(|i| i.to_string()),
                &c.args,
            ),
            syn::Expr::MethodCall(mc) => (Some(mc.method.to_string()), &mc.args),
            _ => return,
        };
        // Resolved only for the names a retry combinator bears: every awaited call comes here.
        let retries = match peel(e) {
            syn::Expr::Call(c)
                if wrapper
                    .as_deref()
                    .is_some_and(crate::semantic::syntax::may_retry_in_place) =>
            {
                self.core
                    .callee(c)
                    .is_some_and(|c| crate::semantic::syntax::retries_in_place(&c))
            }
            _ => false,
        };
        if !retries && wrapper.is_none_or(|w| w.starts_with("spawn")) {
            return;
        }
        for a in args {
            // A retry's closure makes the future it awaits: `|| fetch(url)`.
            let a = match peel(a) {
                syn::Expr::Closure(cl) if retries => crate::semantic::syntax::block_tail(&cl.body),
                a => a,
            };
            let span = match peel(a) {
                syn::Expr::Call(c) => spans::expr_span(&c.func),
                syn::Expr::MethodCall(mc) => mc.method.span(),
                _ => continue,
            };
            let at = Region::from_span(span);
            let from = before.min(self.core.facts.calls.len());
            if let Some(k) = self.core.facts.calls[from..]
                .iter()
                .position(|c| c.region == at)
            {
                self.set_awaited(from + k);
            }
        }
    }

    /// Site `k` is awaited where it is made, and so are the fns handed to it as values.
    fn set_awaited(&mut self, k: usize) {
        let calls = &mut self.core.facts.calls;
        if let Some(site) = calls.get_mut(k) {
            site.awaited = true;
        }
        for site in calls.iter_mut().skip(k + 1) {
            if site.handed_to.is_some_and(|(o, _)| o as usize == k) {
                site.awaited = true;
            }
        }
    }

    pub(crate) fn record_await(&mut self, span: proc_macro2::Span, what: &str) {
        let Some(body) = self.core.body() else { return };
        if !body.flow.reachable {
            return;
        }
        let point = AwaitPoint {
            region: Region::from_span(span),
            held: body.flow.held(),
            body: body.id,
            in_test: self.core.in_test(),
            what: what.to_string(),
        };
        self.core.facts.awaits.push(point);
    }

    /// `ty`: the receiver's type, as `self.core.ty_of(receiver)` gives it.
    fn acquire(
        &mut self,
        receiver: &syn::Expr,
        ty: TyExpr,
        method: &syn::Ident,
        awaited: bool,
    ) -> GuardId {
        let local_identity = match (peel(receiver), &ty) {
            (syn::Expr::Path(p), TyExpr::Known(_)) => p.path.get_ident().map(|i| {
                let function = self.core.function();
                format!("{}::{i}", function.as_deref().unwrap_or_default())
            }),
            _ => None,
        };
        self.record_acquisition(Acquired {
            receiver: ty,
            local_identity,
            receiver_text: expr_text(receiver),
            method: method.to_string(),
            span: method.span(),
            awaited,
            via_call: false,
            exclusive_root: self.exclusive_root(receiver),
            local: self.local_use(receiver),
            owned: self.owned_step(receiver),
        })
    }

    /// A call whose result is used in place (a method's receiver, a field's base): the guard it
    /// may return is a temporary of the statement. Only calls qualify (`reg.stats()`, not
    /// `reg.stats`), after the unwrapping `acquire_returned` sees through.
    fn acquire_returned_temp(&mut self, e: &syn::Expr) -> Option<GuardId> {
        let mut call = peel(e);
        while let syn::Expr::Try(t) = call {
            call = peel(&t.expr);
        }
        if let syn::Expr::MethodCall(mc) = call
            && matches!(mc.method.to_string().as_str(), "unwrap" | "expect")
        {
            call = peel(&mc.receiver);
        }
        match call {
            syn::Expr::MethodCall(_) | syn::Expr::Call(_) => self.acquire_returned(e),
            _ => None,
        }
    }

    /// `let stats = self.stats();` where `stats()` may return a guard: a candidate acquisition
    /// the crate phase keeps only if the callee's declared return type is a guard type. The
    /// candidates are `let`-bound results (a guard that can outlive its statement) and the
    /// temporaries `acquire_returned_temp` names (a receiver, a field's base, a borrowed
    /// argument), and only calls of crate fns/methods, whose return types the crate index
    /// knows.
    fn acquire_returned(&mut self, init: &syn::Expr) -> Option<GuardId> {
        let mut call = peel(init);
        // `self.stats().unwrap()`, `self.stats()?`: the caller unwraps a `LockResult`; an
        // error adapter (`.context(..)?`) keeps the value too.
        loop {
            match call {
                syn::Expr::Try(t) => call = peel(&t.expr),
                syn::Expr::MethodCall(mc)
                    if mc.args.len() <= 1
                        && matches!(mc.method.to_string().as_str(), "unwrap" | "expect") =>
                {
                    call = peel(&mc.receiver)
                }
                syn::Expr::MethodCall(mc)
                    if mc.args.len() == 1
                        && super::typing::ERROR_ADAPTERS
                            .contains(&mc.method.to_string().as_str()) =>
                {
                    call = peel(&mc.receiver)
                }
                _ => break,
            }
        }
        let (receiver, receiver_text, method, span) = match call {
            syn::Expr::MethodCall(mc) => {
                let name = mc.method.to_string();
                if is_acquire_method(&name) || NEVER_GUARD_METHODS.contains(&name.as_str()) {
                    return None;
                }
                let recv = self.core.ty_of(&mc.receiver);
                if recv.is_unknown() || recv.known().is_some_and(|t| !t.mentions_crate_path()) {
                    return None;
                }
                // The typing takes a bare `x.get()` for a cell's (`OnceLock`: the value itself);
                // here the crate index decides whether `x`'s type has a `get` of its own.
                let returned = match (name.as_str(), mc.args.is_empty()) {
                    ("get", true) => recv.method_ret(name.clone()),
                    _ => self.core.ty_of(call),
                };
                (returned, expr_text(&mc.receiver), name, mc.method.span())
            }
            syn::Expr::Call(c) => {
                let ty = self.core.ty_of(call);
                if !matches!(ty, TyExpr::FnRet(..)) {
                    return None;
                }
                let syn::Expr::Path(p) = &*c.func else {
                    return None;
                };
                (ty, String::new(), expr_text(&c.func), p.path.span())
            }
            _ => return None,
        };
        Some(self.record_acquisition(Acquired {
            receiver,
            local_identity: None,
            receiver_text,
            method,
            span,
            awaited: false,
            via_call: true,
            exclusive_root: None,
            local: None,
            owned: None,
        }))
    }

    fn record_acquisition(&mut self, acq: Acquired) -> GuardId {
        let id = self.core.next_guard;
        self.core.next_guard += 1;
        let level = self.temp_level();
        let Some(body) = self.core.body() else {
            return id;
        };
        if body.flow.reachable {
            let region = Region::from_span(acq.span);
            let acq = Acquisition {
                id,
                receiver: acq.receiver,
                local_identity: acq.local_identity,
                receiver_text: acq.receiver_text,
                method: acq.method,
                region,
                function: self.core.function(),
                snippet: self.core.src.snippet(&region),
                in_async: body.is_async,
                off_worker: body.off_worker,
                in_test: self.core.in_test(),
                awaited: acq.awaited,
                held: body.flow.held(),
                sibling_temps: if body.flow.reachable {
                    self.spent_temps(level, |_| true)
                } else {
                    Vec::new()
                },
                body: body.id,
                via_call: acq.via_call,
                exclusive_root: acq.exclusive_root,
                local: acq.local,
                // Only where it runs as part of the fn's own run: a task or thread it hands
                // the value to runs beside it.
                owned: acq.owned.filter(|_| body.inline),
                caller: body.fn_id,
                inline: body.inline,
                clippy_allows: body.clippy_allows,
            };
            self.core.facts.acquisitions.push(acq);
        }
        if let Some(f) = self.flow_mut()
            && f.reachable
        {
            f.live.insert(id, Owner::Temp(level));
        }
        id
    }

    fn eval_if(&mut self, i: &syn::ExprIf) -> Val {
        let has_let = crate::semantic::syntax::has_let(&i.cond);
        let first_guard = self.core.next_guard;
        let frame = self.core.env.push(Boundary::Block);
        self.collect_begin();
        if has_let {
            self.eval(&i.cond, Mode::Place);
        } else {
            // An `if` condition is a temporary scope of its own.
            let level = self.temp_enter();
            self.eval(&i.cond, Mode::Place);
            self.temp_exit(level);
        }
        let reads = self.collect_end();
        if !reads.is_empty()
            && let Some(b) = self.core.bodies.last_mut()
        {
            b.decided = true;
        }
        let after_cond = self.clone_flow();
        let if_end = range_of(spans::if_last(i)).1;
        self.branch_enter(range_of(i.then_branch.brace_token.span.join()), if_end);
        let then_val = self.walk_block(&i.then_branch);
        self.branch_exit();
        self.frame_exit(frame);
        let then_flow = self.take_flow();
        let then_leaves = !then_flow.reachable;

        let mut else_flow = after_cond;
        scrub_frames(&mut else_flow, frame);
        let drop_scrutinee = has_let && self.core.opts.edition >= 2024;
        if drop_scrutinee {
            scrub_temps_from(&mut else_flow, first_guard);
        }
        self.set_flow(else_flow);
        let else_val = match &i.else_branch {
            Some((_, e)) => {
                self.branch_enter(range_of(spans::expr_span(e)), if_end);
                let v = self.eval(e, Mode::Value);
                self.branch_exit();
                v
            }
            None => Val::default(),
        };
        let else_flow = self.take_flow();
        if !reads.is_empty() {
            let else_leaves = i.else_branch.is_some() && !else_flow.reachable;
            let mut gated = vec![range_of(i.then_branch.brace_token.span.join())];
            if let Some((_, e)) = &i.else_branch {
                gated.push(range_of(spans::expr_span(e)));
            }
            // What follows is decided only where one branch leaves and the other goes on: after
            // an `if` whose every branch leaves, the code is reached past it, not through it.
            if then_leaves != else_leaves {
                gated.extend(self.rest_after(if_end));
            }
            // The hit hands the found value back: by `return`, or as the `if let`'s value
            // (`if let Some(v) = hit { Ok(v.clone()) } else { ..fill.. }`).
            let memo = has_let
                && !returns_err(&i.then_branch)
                && (then_leaves || (i.else_branch.is_some() && yields_found(i)));
            let decisions = self.core.facts.decisions.len();
            self.record_decision(&i.cond, reads, gated, memo);
            // Only an `if`'s then-branch is the path its condition's claim succeeded on (a
            // `match`'s first arm may be either outcome).
            if self.core.facts.decisions.len() > decisions
                && let Some(d) = self.core.facts.decisions.last_mut()
            {
                d.try_claim = super::access::try_claim(&i.cond);
            }
            if then_leaves
                && returns_bool(&i.then_branch)
                && let Some(d) = self.core.facts.decisions.last_mut()
            {
                d.reports_outcome = true;
            }
            if !then_leaves
                && !else_leaves
                && !yields_value(i)
                && !assigns_local(i)
                && let Some(d) = self.core.facts.decisions.last_mut()
            {
                d.side_effects_only = true;
            }
        }
        let mut merged = then_flow.merge(else_flow);
        if drop_scrutinee {
            scrub_temps_from(&mut merged, first_guard);
        }
        self.set_flow(merged);
        Val {
            guards: [then_val.guards, else_val.guards].concat(),
            root: Vec::new(),
        }
    }

    fn eval_match(&mut self, m: &syn::ExprMatch) -> Val {
        // Guards held only for some kinds of the value matched on (the same binding, not
        // assigned or lent mutably since).
        let cond_guards: Vec<_> = match self.core.cond_guards.is_empty() {
            true => Vec::new(),
            false => {
                let scrutinee = crate::semantic::cond_guards::scrutinee_text(&m.expr);
                let at = self.core.env.locate(&scrutinee);
                self.core
                    .cond_guards
                    .iter()
                    .filter(|(g, _)| g.scrutinee == scrutinee && g.binding == at)
                    .cloned()
                    .collect()
            }
        };
        self.collect_begin();
        let v = self.eval(&m.expr, Mode::Place);
        let reads = self.collect_end();
        if !reads.is_empty()
            && let Some(b) = self.core.bodies.last_mut()
        {
            b.decided = true;
        }
        let mut gated = Vec::new();
        let mut an_arm_leaves = false;
        let ty = self.core.ty_of(&m.expr);
        let entry = self.clone_flow();
        let mut out = Flow::unreachable();
        let mut guards = Vec::new();
        let match_end = range_of(m.brace_token.span.close()).1;
        for arm in &m.arms {
            // `#[cfg(test)] Options::Test { .. } => ..`: an arm only test builds have.
            let test_only = arm.attrs.iter().any(super::items::is_cfg_test);
            self.core.test_depth += u32::from(test_only);
            self.set_flow(entry.clone());
            for (g, ids) in &cond_guards {
                if !crate::semantic::cond_guards::held_in_arm(g, &arm.pat) {
                    self.kill(ids);
                }
            }
            self.branch_enter(range_of(spans::arm_span(arm)), match_end);
            let frame = self.core.env.push(Boundary::Block);
            self.bind_pattern(&arm.pat, ty.clone(), &v.guards);
            if let Some((_, g)) = &arm.guard {
                // A match guard is a temporary scope of its own, like an `if` condition.
                let level = self.temp_enter();
                self.eval(g, Mode::Place);
                self.temp_exit(level);
            }
            // An arm's body is a temporary scope of its own: what it makes and does not hand
            // on as its value is dropped when the arm ends.
            let level = self.temp_enter();
            let av = self.eval(&arm.body, Mode::Value);
            self.reown(&av.guards, Owner::Temp(level.saturating_sub(1)));
            self.temp_exit(level);
            guards.extend(av.guards);
            self.frame_exit(frame);
            let arm_flow = self.take_flow();
            an_arm_leaves |= !arm_flow.reachable;
            gated.push(range_of(spans::expr_span(&arm.body)));
            self.branch_exit();
            self.core.test_depth -= u32::from(test_only);
            out = out.merge(arm_flow);
        }
        if !reads.is_empty() {
            // As for an `if`: only when some arm goes on past the match.
            if an_arm_leaves && out.reachable {
                gated.extend(self.rest_after(match_end));
            }
            // `match cache.get(&k) { Some(Built(h)) => return Ok(h.clone()), .. }`: an arm
            // that returns what its pattern found is a cache hit, like an `if let`'s.
            // An arm that refuses (`Some(InFlight { .. }) => return Err(Busy)`) makes the
            // match a state machine's, not a cache's: the insert on a miss is a claim.
            let memo = m.arms.iter().any(returns_found) && !m.arms.iter().any(arm_returns_err);
            self.record_decision(&m.expr, reads, gated, memo);
        }
        if m.arms.is_empty() {
            out = entry;
        }
        self.set_flow(out);
        Val {
            guards,
            root: Vec::new(),
        }
    }

    fn eval_for(&mut self, fl: &syn::ExprForLoop) -> Val {
        // The iterator expression's temporaries live for the whole loop.
        self.eval(&fl.expr, Mode::Value);
        let elem = self.core.ty_of(&fl.expr).elem();
        let label = fl.label.as_ref().map(|l| l.name.ident.to_string());
        let entry = self.clone_flow();
        let end = range_of(fl.body.brace_token.span.join()).1;
        let v = self.eval_loop_like(label, end, |w| {
            let frame = w.core.env.push(Boundary::Block);
            w.bind_pattern(&fl.pat, elem, &[]);
            w.walk_block(&fl.body);
            w.frame_exit(frame);
            Val::default()
        });
        let after = self.take_flow().merge(entry);
        self.set_flow(after);
        v
    }

    fn eval_while(&mut self, w: &syn::ExprWhile) -> Val {
        let has_let = crate::semantic::syntax::has_let(&w.cond);
        let label = w.label.as_ref().map(|l| l.name.ident.to_string());
        let frame = self.core.env.push(Boundary::Block);
        let level = self.temp_enter();
        self.collect_begin();
        self.eval(&w.cond, Mode::Place);
        let reads = self.collect_end();
        if !has_let {
            self.temp_exit(level);
        }
        self.record_decision(
            &w.cond,
            reads,
            vec![range_of(w.body.brace_token.span.join())],
            false,
        );
        // The loop may not run (or may end when the condition fails).
        let mut exit_by_cond = self.clone_flow();
        let end = range_of(w.body.brace_token.span.join()).1;
        self.eval_loop_like(label, end, |w2| {
            w2.walk_block(&w.body);
            Val::default()
        });
        if has_let {
            self.temp_exit(level);
        }
        self.frame_exit(frame);
        scrub_frames(&mut exit_by_cond, frame);
        exit_by_cond
            .live
            .retain(|_, o| !matches!(o, Owner::Temp(l) if *l >= level));
        let after = self.take_flow().merge(exit_by_cond);
        self.set_flow(after);
        Val::default()
    }

    /// Run `body` as a loop (or labeled block) that `break` can leave; the flow after it is the
    /// join of its normal end and every `break`.
    fn eval_loop_like(
        &mut self,
        label: Option<String>,
        end: u32,
        body: impl FnOnce(&mut Self) -> Val,
    ) -> Val {
        let first_frame = self.core.env.frames.len();
        let first_guard = self.core.next_guard;
        if let Some(b) = self.core.bodies.last_mut() {
            b.loops.push(LoopCx {
                label,
                exits: Vec::new(),
                end,
                first_frame,
                first_guard,
            });
        }
        let v = body(self);
        let exits = self
            .core
            .bodies
            .last_mut()
            .and_then(|b| b.loops.pop())
            .map(|l| l.exits)
            .unwrap_or_default();
        let mut flow = self.take_flow();
        for e in exits {
            flow = flow.merge(e);
        }
        self.set_flow(flow);
        v
    }

    fn exit_loop(&mut self, label: Option<String>) {
        let mut flow = self.clone_flow();
        if let Some(b) = self.core.bodies.last_mut() {
            let target = match &label {
                Some(l) => b
                    .loops
                    .iter_mut()
                    .rev()
                    .find(|lp| lp.label.as_deref() == Some(l)),
                None => b.loops.iter_mut().rev().find(|_| true),
            };
            if let Some(lp) = target {
                // `None => { let mut g = m.lock().unwrap(); g.insert(k, v); break; }`: the
                // scopes the `break` leaves drop their guards before the code after the loop.
                scrub_frames(&mut flow, lp.first_frame);
                scrub_temps_from(&mut flow, lp.first_guard);
                lp.exits.push(flow);
            }
        }
        self.set_unreachable();
    }

    pub(crate) fn walk_closure(&mut self, cl: &syn::ExprClosure, force_sync: bool) {
        let (parent_async, parent_main) = self
            .core
            .body()
            .map(|b| (b.is_async, b.async_main))
            .unwrap_or((false, false));
        let is_async = cl.asyncness.is_some() || (!force_sync && parent_async);
        let async_main = !force_sync && cl.asyncness.is_none() && parent_main;
        let mut params = std::mem::take(&mut self.core.closure_params).into_iter();
        // A plain closure run in place runs while the caller's guards are alive
        // (`a.lock().unwrap().iter().any(|x| *b.read().unwrap())` holds both): its body starts
        // with them held, owned by nothing inside it.
        let inherited = (!force_sync && cl.asyncness.is_none()).then(|| {
            let mut flow = self.clone_flow();
            for owner in flow.live.values_mut() {
                *owner = Owner::Temp(0);
            }
            flow
        });
        // Runs whenever its fn runs only if known to be called in place (a combinator's
        // argument, a `let` called right there); one returned or stored runs later, elsewhere.
        let in_place = self.core.inline_closure.take() == Some(cl as *const _ as usize);
        let inline = !force_sync && cl.asyncness.is_none() && in_place;
        let spawned = self.core.spawned_closure.take() == Some(cl as *const _ as usize);
        self.enter_body(is_async, async_main, Boundary::Capture, inline);
        // A closure may be called any number of times (concurrently, for all the walker
        // knows), unless a `spawn` runs it.
        if !spawned && let Some(b) = self.core.bodies.last_mut() {
            b.repeats = true;
        }
        if cl.asyncness.is_none()
            && let Some(b) = self.core.bodies.last_mut()
        {
            b.own_async = false;
        }
        if let Some(flow) = inherited
            && flow.reachable
        {
            self.set_flow(flow);
        }
        for input in &cl.inputs {
            match input {
                syn::Pat::Type(pt) => {
                    let ty = Ty::from_syn(&pt.ty, &self.core.uses);
                    self.bind_typed_pattern(&pt.pat, ty);
                }
                p => {
                    let ty = params.next().unwrap_or(TyExpr::Unknown);
                    self.bind_pattern(p, ty, &[]);
                    continue;
                }
            }
            params.next();
        }
        self.eval(&cl.body, Mode::Value);
        self.exit_body();
    }

    fn eval_macro(&mut self, mac: &syn::Macro) -> Val {
        let name = macros::macro_name(mac);
        let kind = MacroKind::classify(&name);
        match kind {
            Some(MacroKind::Format) => {
                let f = macros::parse_format(mac.tokens.clone());
                let view = MacroView {
                    mac,
                    name: name.clone(),
                    format: Some(&f),
                    select: None,
                };
                hook!(self, check_macro, &view, crate::lint::Hooks::MACRO);
                // Formatting a message is not work a claimed flag protects.
                self.core.in_format += 1;
                // An assertion's condition decides the rest of the body (a failed one leaves
                // it): `assert!(matches!(state.get(&k), Some(Reserved)))` re-checks the state
                // a write after it then replaces. Not a `debug_assert!`: release builds drop it.
                let conditions = match name.as_str() {
                    "assert" => 1,
                    "assert_eq" | "assert_ne" => 2,
                    _ => 0,
                };
                let (conds, rest) = f.args.split_at(if f.args.len() >= conditions {
                    conditions
                } else {
                    0
                });
                if let Some(first) = conds.first() {
                    self.collect_begin();
                    for arg in conds {
                        self.eval(&arg.expr, Mode::Place);
                    }
                    let reads = self.collect_end();
                    let end = range_of(mac.delimiter.span().close()).1;
                    let gated = self.rest_after(end);
                    self.record_assertion(&first.expr, reads, gated);
                }
                for arg in rest {
                    self.eval(&arg.expr, Mode::Place);
                }
                self.core.in_format -= 1;
                if MacroKind::diverges(&name) {
                    self.set_unreachable();
                }
                Val::default()
            }
            Some(MacroKind::Exprs) => {
                self.macro_hook(mac, &name);
                let (exprs, _) = macros::parse_exprs(mac.tokens.clone(), &name);
                let mode = if name == "matches" {
                    Mode::Place
                } else {
                    Mode::Value
                };
                Val {
                    guards: self.eval_all(&exprs, mode),
                    root: Vec::new(),
                }
            }
            Some(MacroKind::Stmts) => {
                self.macro_hook(mac, &name);
                // A closure run in place where it is written: the deferred code runs later,
                // on the same thread, in the same (async) body, and its `return` leaves only
                // itself.
                let tokens = &mac.tokens;
                match syn::parse2::<syn::ExprClosure>(quote::quote!(|| { #tokens })) {
                    Ok(cl) => {
                        self.core.inline_closure = Some(&cl as *const syn::ExprClosure as usize);
                        self.core.in_defer += 1;
                        self.walk_closure(&cl, false);
                        self.core.in_defer -= 1;
                    }
                    Err(_) => self.core.facts.skipped_macros += 1,
                }
                Val::default()
            }
            Some(MacroKind::Join) => {
                self.macro_hook(mac, &name);
                let (exprs, _) = macros::parse_exprs(mac.tokens.clone(), &name);
                let mut g = Vec::new();
                for e in &exprs {
                    let before = self.core.facts.calls.len();
                    g.extend(self.eval(e, Mode::Value).guards);
                    self.mark_awaited(e, before);
                }
                self.record_await(mac.path.span(), &format!("{name}!"));
                self.kill(&g);
                Val::default()
            }
            Some(MacroKind::Select) => {
                let sel = macros::parse_select(mac.tokens.clone()).ok();
                let view = MacroView {
                    mac,
                    name: name.clone(),
                    format: None,
                    select: sel.as_ref(),
                };
                hook!(self, check_macro, &view, crate::lint::Hooks::MACRO);
                match sel {
                    Some(sel) => self.eval_select(&sel, mac.path.span()),
                    None => self.core.facts.skipped_macros += 1,
                }
                Val::default()
            }
            None => {
                self.macro_hook(mac, &name);
                // The file's own helper macro: its expansion is code like any other.
                // Only `name!(..)` names the file's macro (`other::name!` is another's); a
                // budget per file keeps macros that invoke each other from multiplying.
                let expanded = match self.core.local_macros.get(&name) {
                    Some(Some(m))
                        if self.core.macro_depth < 4
                            && self.core.macro_budget > 0
                            && mac.path.get_ident().is_some() =>
                    {
                        m.expand(&mac.tokens, mac.path.span())
                    }
                    _ => None,
                };
                if let Some(e) = expanded {
                    // Only nested expansions spend it: a file's own invocations are as many
                    // as it has.
                    if self.core.macro_depth > 0 {
                        self.core.macro_budget -= 1;
                    }
                    self.core.macro_depth += 1;
                    let v = self.eval(&e, Mode::Value);
                    self.core.macro_depth -= 1;
                    return v;
                }
                if !INERT_MACROS.contains(&name.as_str()) {
                    self.core.facts.skipped_macros += 1;
                }
                Val::default()
            }
        }
    }

    fn macro_hook(&mut self, mac: &syn::Macro, name: &str) {
        let view = MacroView {
            mac,
            name: name.to_string(),
            format: None,
            select: None,
        };
        hook!(self, check_macro, &view, crate::lint::Hooks::MACRO);
    }

    fn eval_select(&mut self, sel: &macros::Select, span: proc_macro2::Span) {
        for arm in &sel.arms {
            if let Some(g) = &arm.guard {
                self.eval(g, Mode::Place);
            }
            let before = self.core.facts.calls.len();
            let v = self.eval(&arm.future, Mode::Value);
            self.mark_awaited(&arm.future, before);
            self.kill(&v.guards);
        }
        self.record_await(span, "select!");
        let entry = self.clone_flow();
        let mut out = Flow::unreachable();
        let handlers = sel
            .arms
            .iter()
            .map(|a| (Some(&a.pat), &a.handler))
            .chain(sel.else_arm.iter().map(|e| (None, e)));
        for (pat, handler) in handlers {
            self.set_flow(entry.clone());
            let frame = self.core.env.push(Boundary::Block);
            if let Some(p) = pat {
                self.bind_pattern(p, TyExpr::Unknown, &[]);
            }
            self.eval(handler, Mode::Value);
            self.frame_exit(frame);
            out = out.merge(self.take_flow());
        }
        self.set_flow(out);
    }
}

/// Where a call expression's site is recorded: a call's callee path, a method call's name.
/// Whether a type's arguments name a type that is no other crate's (`RwLockReadGuard<Svc>`).
fn holds_workspace_type(t: &Ty) -> bool {
    t.args().iter().any(|a| match a {
        Ty::Path { path, .. } => {
            !crate::semantic::types::is_external(path) || holds_workspace_type(a)
        }
        Ty::Tuple(parts) => parts.iter().any(holds_workspace_type),
        Ty::Slice(inner) => holds_workspace_type(inner),
        Ty::Unknown => false,
    })
}

fn call_span(e: &syn::Expr) -> Option<proc_macro2::Span> {
    match peel(e) {
        syn::Expr::Call(c) => Some(spans::expr_span(&c.func)),
        syn::Expr::MethodCall(mc) => Some(mc.method.span()),
        _ => None,
    }
}

/// Whether every use of closure binding `name` in `rest` runs it on the spot: a direct call
/// (`name(..)`) or an argument of a combinator that calls it right away (`iter.map(name)`). Any
/// other use (an argument of a fn such as `thread::spawn(name)`, a method receiver, a move into
/// a struct or a macro) may run it elsewhere. A name rebound by a later `let` ends the search.
fn closure_runs_in_place(name: &syn::Ident, rest: &[syn::Stmt]) -> bool {
    use syn::visit::Visit;

    struct Uses<'n> {
        name: &'n syn::Ident,
        in_place: bool,
        /// Inside a closure handed to a spawn, which runs it on another thread
        /// (`thread::spawn(move || tx.send(check()))`): a call of the name there is no call
        /// made in place. (An `async` block is async context wherever it runs.)
        deferred: u32,
    }
    impl Uses<'_> {
        fn is_name(&self, e: &syn::Expr) -> bool {
            matches!(peel(e), syn::Expr::Path(p) if p.qself.is_none() && p.path.is_ident(self.name))
        }
        /// An argument; a closure handed to a spawn (`thread::spawn`, `spawn_blocking`, a
        /// scope's `s.spawn`) runs on another thread. (`catch_unwind(|| f())`,
        /// `thread::scope(|s| f())` run theirs right here.)
        fn visit_arg(&mut self, a: &syn::Expr, spawns: bool) {
            let handed = spawns && matches!(peel(a), syn::Expr::Closure(_));
            self.deferred += u32::from(handed);
            self.visit_expr(a);
            self.deferred -= u32::from(handed);
        }
    }
    impl<'ast> Visit<'ast> for Uses<'_> {
        fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
            if !self.is_name(&c.func) {
                self.visit_expr(&c.func);
            } else if self.deferred > 0 {
                self.in_place = false;
            }
            let spawns = crate::semantic::syntax::path_last_ident(&c.func)
                .is_some_and(|i| i.to_string().contains("spawn"));
            for a in &c.args {
                self.visit_arg(a, spawns);
            }
        }
        fn visit_expr_method_call(&mut self, mc: &'ast syn::ExprMethodCall) {
            self.visit_expr(&mc.receiver);
            let method = mc.method.to_string();
            let inline = INLINE_CLOSURE_METHODS.contains(&method.as_str());
            for a in &mc.args {
                if !(inline && self.is_name(a)) {
                    self.visit_arg(a, method.contains("spawn"));
                }
            }
        }

        fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
            if p.path.is_ident(self.name) {
                self.in_place = false;
            }
        }
        fn visit_macro(&mut self, m: &'ast syn::Macro) {
            if m.tokens
                .clone()
                .into_iter()
                .any(|t| matches!(&t, proc_macro2::TokenTree::Ident(i) if i == self.name))
            {
                self.in_place = false;
            }
        }
    }
    let mut uses = Uses {
        name,
        in_place: true,
        deferred: 0,
    };
    for stmt in rest {
        if let syn::Stmt::Local(l) = stmt
            && let syn::Pat::Ident(pi) = &l.pat
            && pi.ident == *name
        {
            if let Some(init) = &l.init {
                uses.visit_expr(&init.expr);
            }
            break;
        }
        uses.visit_stmt(stmt);
        if !uses.in_place {
            return false;
        }
    }
    uses.in_place
}

fn scrub_frames(flow: &mut Flow, frame: usize) {
    flow.live
        .retain(|_, o| !matches!(o, Owner::Frame(f) if *f >= frame));
}

/// Drop temporaries created since guard `first` (an `if let` scrutinee's, from edition 2024).
fn scrub_temps_from(flow: &mut Flow, first: GuardId) {
    flow.live
        .retain(|g, o| !(*g >= first && matches!(o, Owner::Temp(_))));
}

fn collect_names(pat: &syn::Pat, out: &mut Vec<String>) {
    for_each_name(pat, &mut |i| out.push(i.to_string()));
}

/// Each name `pat` binds (an or-pattern's first alternative's).
fn for_each_name(pat: &syn::Pat, f: &mut impl FnMut(&proc_macro2::Ident)) {
    match pat {
        syn::Pat::Ident(pi) => {
            f(&pi.ident);
            if let Some((_, sub)) = &pi.subpat {
                for_each_name(sub, f);
            }
        }
        syn::Pat::Or(o) => {
            if let Some(first) = o.cases.first() {
                for_each_name(first, f);
            }
        }
        syn::Pat::Paren(p) => for_each_name(&p.pat, f),
        syn::Pat::Reference(r) => for_each_name(&r.pat, f),
        syn::Pat::Slice(s) => s.elems.iter().for_each(|p| for_each_name(p, f)),
        syn::Pat::Struct(s) => s.fields.iter().for_each(|fp| for_each_name(&fp.pat, f)),
        syn::Pat::Tuple(t) => t.elems.iter().for_each(|p| for_each_name(p, f)),
        syn::Pat::TupleStruct(t) => t.elems.iter().for_each(|p| for_each_name(p, f)),
        syn::Pat::Type(t) => for_each_name(&t.pat, f),
        _ => {}
    }
}

/// The variant or struct `path` a pattern names, over the matched value of type `value`
/// (see [`TyExpr::VariantOf`]).
fn variant_of(value: &TyExpr, path: String) -> TyExpr {
    match value {
        TyExpr::Unknown => TyExpr::Known(Ty::path(&path)),
        value => TyExpr::VariantOf(std::sync::Arc::new(value.clone()), path),
    }
}

/// The name a path used as a value gives a fn, if it may name one: fns are snake_case;
/// constants, types and variants are not.
fn fn_name(path: &syn::Path) -> Option<String> {
    let name = path.segments.last()?.ident.to_string();
    name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        .then_some(name)
}

fn is_compound_assign(op: &syn::BinOp) -> bool {
    use syn::BinOp::*;
    matches!(
        op,
        AddAssign(_)
            | SubAssign(_)
            | MulAssign(_)
            | DivAssign(_)
            | RemAssign(_)
            | BitXorAssign(_)
            | BitAndAssign(_)
            | BitOrAssign(_)
            | ShlAssign(_)
            | ShrAssign(_)
    )
}

/// The value a leaving block returns, if it says: `return Err(..)`, `return false`.
fn returned(b: &syn::Block) -> Option<&syn::Expr> {
    b.stmts.iter().find_map(|s| match s {
        syn::Stmt::Expr(syn::Expr::Return(r), _) => r.expr.as_deref(),
        _ => None,
    })
}

/// `if let Some(v) = found { Ok(v.clone()) } else { .. }`: the `then` block is only its value
/// (no statement), and that value is what the `let` bound, handed back ([`hands_back`]).
fn yields_found(i: &syn::ExprIf) -> bool {
    let syn::Expr::Let(l) = peel(&i.cond) else {
        return false;
    };
    let [syn::Stmt::Expr(tail, None)] = i.then_branch.stmts.as_slice() else {
        return false;
    };
    let mut bound = Vec::new();
    crate::semantic::syntax::pat_names(&l.pat, &mut bound);
    hands_back(tail, &bound)
}

/// A `match` arm that returns the value its pattern bound (`Some(Handler(h)) => return
/// Ok(Some(h.clone()))`, also as a block's `return` statement).
fn returns_found(arm: &syn::Arm) -> bool {
    // Also as the arm's value (`Some(hash) => Ok(hash),` of a `match` that is the fn's value):
    // an arm yields a value only where the `match` hands one on.
    let value = match peel(&arm.body) {
        syn::Expr::Block(_) | syn::Expr::Return(_) => None,
        other => Some(other),
    };
    let Some(back) = arm_returned(arm).or(value) else {
        return false;
    };
    let mut bound = Vec::new();
    crate::semantic::syntax::pat_names(&arm.pat, &mut bound);
    !bound.is_empty() && hands_back(back, &bound)
}

/// A `match` arm that leaves with an error (`=> return Err(..)`, also from its block).
fn arm_returns_err(arm: &syn::Arm) -> bool {
    arm_returned(arm).is_some_and(|e| crate::semantic::syntax::is_variant_call(e, "Err"))
}

/// The value a `match` arm returns: `=> return v`, or a `return v;` statement of its block.
fn arm_returned(arm: &syn::Arm) -> Option<&syn::Expr> {
    match peel(&arm.body) {
        syn::Expr::Return(r) => r.expr.as_deref(),
        syn::Expr::Block(b) => returned(&b.block),
        _ => None,
    }
}

/// `v`, `v.clone()`, `Ok(v)`, `Some(Arc::clone(&v))`, `*v`: one of `names` handed back as it
/// is (no work done with it, no write through it).
fn hands_back(e: &syn::Expr, names: &[String]) -> bool {
    match peel(e) {
        syn::Expr::Path(p) => p
            .path
            .get_ident()
            .is_some_and(|i| names.iter().any(|n| i == n)),
        syn::Expr::Reference(r) => hands_back(&r.expr, names),
        syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => hands_back(&u.expr, names),
        syn::Expr::MethodCall(mc)
            if mc.args.is_empty()
                && matches!(
                    mc.method.to_string().as_str(),
                    "clone" | "to_owned" | "to_string" | "cloned" | "copied"
                ) =>
        {
            hands_back(&mc.receiver, names)
        }
        syn::Expr::Call(c) if c.args.len() == 1 => {
            crate::semantic::syntax::path_last_ident(&c.func)
                .is_some_and(|f| matches!(f.to_string().as_str(), "Ok" | "Some" | "clone"))
                && hands_back(&c.args[0], names)
        }
        // `Ok(Self { parts, cached_sql, sql: None, cache, .. })`: the found parts wrapped as
        // they are, beside values that do not come from them.
        syn::Expr::Struct(st) if st.rest.as_deref().is_none_or(|r| !mentions_any(r, names)) => {
            wraps_found(st.fields.iter().map(|f| &f.expr), names)
        }
        syn::Expr::Tuple(t) => wraps_found(t.elems.iter(), names),
        _ => false,
    }
}

/// Some of `parts` hand back one of `names` as it is, and no other part uses them.
fn wraps_found<'e>(parts: impl Iterator<Item = &'e syn::Expr>, names: &[String]) -> bool {
    let mut handed = false;
    for e in parts {
        if hands_back(e, names) {
            handed = true;
        } else if mentions_any(e, names) {
            return false;
        }
    }
    handed
}

fn mentions_any(e: &syn::Expr, names: &[String]) -> bool {
    let tokens = quote::ToTokens::to_token_stream(e);
    names
        .iter()
        .any(|n| crate::semantic::syntax::mentions_ident(tokens.clone(), n))
}

/// `{ ..; return Err(..) }`: the hit is an error (a duplicate), not a cached value handed back.
fn returns_err(b: &syn::Block) -> bool {
    returned(b).is_some_and(|e| crate::semantic::syntax::is_variant_call(e, "Err"))
}

/// `{ return false; }`: the fn reports the check's outcome to its caller.
fn returns_bool(b: &syn::Block) -> bool {
    matches!(
        returned(b).map(peel),
        Some(syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Bool(_),
            ..
        }))
    )
}

/// `continue;`, `break;` or `return;` without a value, or a `break`/`return` of a literal, a
/// path or a constructor of those (`return Err(Error::Corrupt)`, a search loop's `break
/// Some(salt)`): the path ends here
/// and runs nothing more (`return spawn_workers();` still runs a call).
/// A call chain on a std `fmt` builder (`Formatter::debug_struct`, `debug_tuple`, `debug_list`,
/// `debug_set`, `debug_map`): its `field`/`entry` calls format their arguments right away.
fn formats_in_place(mut receiver: &syn::Expr) -> bool {
    while let syn::Expr::MethodCall(mc) = peel(receiver) {
        if matches!(
            mc.method.to_string().as_str(),
            "debug_struct" | "debug_tuple" | "debug_list" | "debug_set" | "debug_map"
        ) {
            return true;
        }
        receiver = &mc.receiver;
    }
    false
}

/// A value that runs no code: a literal, a path, a tuple or a constructor (`Ok(())`,
/// `Err(Error::Corrupt)`, not a fn call) of such values.
fn inert(e: &syn::Expr) -> bool {
    match peel(e) {
        syn::Expr::Lit(_) | syn::Expr::Path(_) => true,
        syn::Expr::Tuple(t) => t.elems.iter().all(inert),
        syn::Expr::Call(c) => {
            matches!(peel(&c.func), syn::Expr::Path(p) if p.path.segments.last()
                .is_some_and(|s| s.ident.to_string().starts_with(|c: char| c.is_ascii_uppercase())))
                && c.args.iter().all(inert)
        }
        _ => false,
    }
}

/// `Err(..)`, `Result::Err(..)`.
fn is_err_ctor(e: &syn::Expr) -> bool {
    matches!(peel(e), syn::Expr::Call(c)
        if crate::semantic::syntax::path_last_ident(&c.func).is_some_and(|i| i == "Err"))
}

fn leaves(stmt: &syn::Stmt) -> bool {
    match stmt {
        syn::Stmt::Expr(syn::Expr::Continue(_), _) => true,
        syn::Stmt::Expr(syn::Expr::Break(b), _) => b.expr.as_deref().is_none_or(inert),
        syn::Stmt::Expr(syn::Expr::Return(r), _) => r.expr.as_deref().is_none_or(inert),
        _ => false,
    }
}

/// The outer attributes written on a statement (an item's are its own business).
fn stmt_attrs(stmt: &syn::Stmt) -> &[syn::Attribute] {
    match stmt {
        syn::Stmt::Local(l) => &l.attrs,
        syn::Stmt::Macro(m) => &m.attrs,
        syn::Stmt::Expr(e, _) => crate::semantic::syntax::expr_attrs(e),
        syn::Stmt::Item(_) => &[],
    }
}

/// A value whose destructor only frees memory: a string, a number, `bool` or `char`, a `Vec`
/// of those (a `Vec` of temporary dirs or of guards is not), the unit value, and an `Option` or
/// `Result` holding one (`Result<bool, ReadlineError>`: an error is no guard).
fn is_plain_value(t: &Ty) -> bool {
    let t = t.peel();
    if matches!(t, Ty::Tuple(elems) if elems.is_empty()) {
        return true;
    }
    match t.path_str() {
        Some("std::vec::Vec" | "std::option::Option") => {
            return matches!(t.args(), [elem] if is_plain_value(elem));
        }
        Some("std::result::Result") => {
            return matches!(t.args(), [ok, ..] if is_plain_value(ok));
        }
        _ => {}
    }
    t.path_str().is_some_and(|p| {
        p == "std::string::String"
            || p == "char"
            || crate::semantic::types::NUMBERS_AND_BOOL.contains(&p)
    })
}

/// An `if` whose branches set a local (`is_new = true;`, `n += 1`): what they decided flows
/// on.
fn assigns_local(i: &syn::ExprIf) -> bool {
    use syn::visit::Visit;
    struct Scan(bool);
    impl<'a> Visit<'a> for Scan {
        fn visit_expr_assign(&mut self, a: &'a syn::ExprAssign) {
            self.0 |= matches!(peel(&a.left), syn::Expr::Path(p) if p.path.get_ident().is_some());
            syn::visit::visit_expr_assign(self, a);
        }
        fn visit_expr_binary(&mut self, b: &'a syn::ExprBinary) {
            self.0 |= is_compound_assign(&b.op)
                && matches!(peel(&b.left), syn::Expr::Path(p) if p.path.get_ident().is_some());
            syn::visit::visit_expr_binary(self, b);
        }
        fn visit_expr_closure(&mut self, _: &'a syn::ExprClosure) {}
        fn visit_item(&mut self, _: &'a syn::Item) {}
    }
    let mut scan = Scan(false);
    scan.visit_block(&i.then_branch);
    if let Some((_, e)) = &i.else_branch {
        scan.visit_expr(e);
    }
    scan.0
}

/// An `if` whose branches hand a value on (`if seen { NOT_MODIFIED } else { ..; OK }`): a
/// branch block ends in an expression that is no statement-like one (`if`, `match`, a
/// block, a loop, a macro).
fn yields_value(i: &syn::ExprIf) -> bool {
    fn tail(b: &syn::Block) -> bool {
        matches!(b.stmts.last(), Some(syn::Stmt::Expr(e, None)) if !matches!(e,
            syn::Expr::If(_) | syn::Expr::Match(_) | syn::Expr::Block(_) | syn::Expr::Loop(_)
            | syn::Expr::While(_) | syn::Expr::ForLoop(_) | syn::Expr::Macro(_)
            | syn::Expr::Unsafe(_)))
    }
    tail(&i.then_branch)
        || match i.else_branch.as_ref().map(|(_, e)| &**e) {
            Some(syn::Expr::Block(b)) => tail(&b.block),
            Some(syn::Expr::If(inner)) => yields_value(inner),
            _ => false,
        }
}

/// The blocks an `if`/`match`/block expression runs one of, whose ends are its own end, each
/// with whether it handles a failure (`if let Err(e) = ..`, an `Err(..) =>` arm).
fn branch_blocks(e: &syn::Expr) -> Vec<(usize, bool)> {
    let failure = |p: &syn::Pat| matches!(p, syn::Pat::TupleStruct(ts) if ts.path.segments.last().is_some_and(|s| s.ident == "Err"));
    // Only a branch that logs and then stores: one that works first (`spawn_workers();
    // started.store(true, ..)`) claims like any other.
    let only_logs_before_last = |b: &syn::Block| {
        let n = b.stmts.len();
        b.stmts.iter().take(n.saturating_sub(1)).all(|s| {
            matches!(
                s,
                syn::Stmt::Macro(_) | syn::Stmt::Expr(syn::Expr::Macro(_), _)
            )
        })
    };
    let mut out = Vec::new();
    let mut stack = vec![(e, false)];
    while let Some((e, on_failure)) = stack.pop() {
        match peel(e) {
            syn::Expr::If(i) => {
                let fails = matches!(&*i.cond, syn::Expr::Let(l) if failure(&l.pat))
                    && only_logs_before_last(&i.then_branch);
                out.push((&i.then_branch as *const syn::Block as usize, fails));
                if let Some((_, els)) = &i.else_branch {
                    stack.push((els, false));
                }
            }
            syn::Expr::Block(b) => out.push((
                &b.block as *const syn::Block as usize,
                on_failure && only_logs_before_last(&b.block),
            )),
            syn::Expr::Match(m) => {
                stack.extend(m.arms.iter().map(|a| (&*a.body, failure(&a.pat))));
            }
            _ => {}
        }
    }
    out
}

/// The expression whose value an argument hands over as a future: the argument itself
/// (`cli::init(c)`), or what a closure argument returns (`|ctx| command.execute(ctx)`, which the
/// receiving fn calls to make the future).
fn future_made_by(arg: &syn::Expr) -> &syn::Expr {
    match peel(arg) {
        syn::Expr::Closure(cl) => crate::semantic::syntax::peel_future_adapters(
            crate::semantic::syntax::block_tail(&cl.body),
        ),
        other => crate::semantic::syntax::peel_future_adapters(other),
    }
}

#[cfg(test)]
mod text_tests {
    use super::{token_text, write_simple};

    /// The direct writer gives what the token printer gives, wherever it answers.
    #[test]
    fn simple_chains_read_as_their_printed_tokens() {
        for src in [
            "self",
            "self.state",
            "self.state.jobs",
            "self.0",
            "self.0.inner",
            "state::DB",
            "crate::state::POOL",
            "self.pool()",
            "self.pool.inner()",
            "r#type.r#match",
            "a.b().c().d",
            "x.1.2",
            "ContentVisitor::new()",
            "f.debug_tuple(\"Regex\")",
            "web::resource(\"/one\")",
            "buf.split_to(len)",
            "expect::span().named(\"runtime.resource\")",
            "file.once().in_sequence(&mut seq)",
            "self.get(&key)",
            "self.get(1)",
            "rt()",
            "\"abc\".to_string()",
            "b\"POST / HTTP/1.1\\r\\n\".len()",
            "self.pool(r#\"x\"#)",
            "Arc::new(Mutex::new(0u8))",
            "x.f('c')",
            "&self.x",
            "&mut self.x.y()",
            "Self::global().conns",
        ] {
            let e: syn::Expr = syn::parse_str(src).expect(src);
            let mut out = String::new();
            assert!(write_simple(&e, &mut out), "{src}");
            assert_eq!(out, token_text(&e), "{src}");
        }
        for src in [
            "::std::sync::ONCE",
            "Vec::<u8>::new",
            "self.get(1, 2)",
            "f(a,)",
            "self.iter().map(|x| x)",
            "(*self).x",
            "self.x::<u8>()",
            "query(\"values (?)\")",
            "f.g(\"[ x\")",
        ] {
            let e: syn::Expr = syn::parse_str(src).expect(src);
            assert!(!write_simple(&e, &mut String::new()), "{src}");
        }
        // Trees the parser never builds, which the printer parenthesizes: `(x.f)()`, `(&x).m()`.
        let parse = |src: &str| syn::parse_str::<syn::Expr>(src).expect(src);
        let field_callee = syn::Expr::Call(syn::ExprCall {
            attrs: Vec::new(),
            func: Box::new(parse("x.f")),
            paren_token: Default::default(),
            args: Default::default(),
        });
        let mut borrowed_receiver = parse("y.m()");
        if let syn::Expr::MethodCall(mc) = &mut borrowed_receiver {
            *mc.receiver = parse("&x");
        }
        for e in [field_callee, borrowed_receiver] {
            let mut out = String::new();
            assert!(!write_simple(&e, &mut out), "{}", token_text(&e));
        }
    }
}
