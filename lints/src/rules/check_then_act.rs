//! # check_then_act
//!
//! ## What it does
//! Flags a lock whose state is checked under one acquisition and modified under a later,
//! separate acquisition in the same function, with the decision made in between:
//!
//! - the check reads through a temporary guard in a condition —
//!   `if self.jobs.lock().unwrap().contains_key(&id) { return .. }`, or
//!   `let full = self.running.lock().unwrap().len() >= self.max; if full { return }`, or a
//!   `let .. else { return }` — or through a bound guard that is dropped (`drop(guard)`) after the
//!   condition;
//! - the act is a later acquisition of the same lock (same receiver) that mutates it: `insert`,
//!   `push`/`push_back`, `remove`, `pop*`, `extend`, `clear`, `retain`, `take`, `entry`, or an
//!   assignment through the guard (`*g = ..`, `g.field = ..`, `g.n += 1`), either as a temporary
//!   or through a guard bound with `let` — on the path where the condition lets execution continue
//!   (after an early `return`/`continue`/`break`, or inside the `if`/`else` it gates).
//!
//! The atomic form is flagged too, in its two unambiguous shapes: a flag *claimed* with
//! `load` + `store` (`if started.load(..) { return false } started.store(true, ..);` followed
//! by the work the flag protects, or by reporting success), and a *lost update*
//! (`let n = hits.load(..); if n >= max { return } hits.store(n + 1, ..)`). Stores of constants
//! or of freshly computed values after a load (lazy caches, single-writer state machines) are
//! left alone: they are the normal shape of correct lock-free code.
//!
//! A get-or-create lookup (`if let Some(s) = map.lock()..get(&k) { return s.clone() }`, then an
//! `insert` under a new acquisition) is reported with its own message: concurrent misses each
//! create a value, so callers can hold different instances (two semaphores for one session).
//!
//! Not flagged: a second acquisition that re-checks under the lock (its guard is tested in an
//! `if`/`match`/`while`/`let .. else`, its mutation's result decides a condition —
//! `if !set.lock().insert(id)` — or it uses `entry()` after a key lookup), a single guard held
//! across check and act, check and act both under another guard bound earlier (the outer lock
//! serializes them), `self.field` in a `&mut self`/`self` method unless the field is an `Arc`
//! (nobody else can reach it), `RefCell` borrows, `try_lock`, and receivers whose
//! type is not a std/parking_lot/async `Mutex`/`RwLock` once the crate is indexed. Mutations
//! inside closures and `async` blocks are not matched with checks outside them.
//!
//! ## Why is this bad
//! Between the two acquisitions the lock is free: another thread or task can make the same check,
//! reach the same conclusion and act too. Two jobs with the same id both start, the capacity limit
//! is exceeded by every concurrent caller, an entry is popped that is no longer there (and the
//! `unwrap` panics), an initialisation runs twice. Tests rarely hit the window; production load
//! does.
//!
//! ## Example
//! ```rust,ignore
//! fn submit(&self, job: Job) -> Result<(), Error> {
//!     if self.running.lock().unwrap().len() >= self.max_concurrent {
//!         return Err(Error::Busy);
//!     }
//!     // another thread can pass the same check here
//!     self.running.lock().unwrap().insert(job.id, job);
//!     Ok(())
//! }
//! ```
//!
//! ## Use instead
//! ```rust,ignore
//! fn submit(&self, job: Job) -> Result<(), Error> {
//!     let mut running = self.running.lock().unwrap(); // one acquisition for check and act
//!     if running.len() >= self.max_concurrent {
//!         return Err(Error::Busy);
//!     }
//!     running.insert(job.id, job);
//!     Ok(())
//! }
//! ```
//! For atomics use `compare_exchange`, `swap` or `fetch_update` instead of `load` then `store`.

use quote::ToTokens;
use syn::visit::{self, Visit};

use crate::finding::{Region, Related, Severity};
use crate::lint::{ExprKinds, Hooks, Lint, RuleMeta};
use crate::semantic::syntax::peel;
use crate::semantic::{Condition, Cx, LockKind, Ty};

pub static META: RuleMeta = RuleMeta {
    name: "check_then_act",
    default_severity: Severity::Medium,
    summary: "condition checked under one lock acquisition, acted on under a later one (TOCTOU)",
    source: include_str!("check_then_act.rs"),
};

/// Methods that modify the collection (or value) behind a guard.
const MUTATORS: &[&str] = &[
    "insert",
    "push",
    "push_back",
    "push_front",
    "remove",
    "swap_remove",
    "remove_entry",
    "extend",
    "clear",
    "append",
    "truncate",
    "retain",
    "pop",
    "pop_front",
    "pop_back",
    "pop_first",
    "pop_last",
    "drain",
    "take",
    "replace",
    "entry",
    "try_insert",
];

/// Methods that hand back the guard they were called on (poison handling, `.await` aside).
const PASSTHROUGH: &[&str] = &["unwrap", "expect", "map_err", "unwrap_or_else"];

/// Methods that mutate without being a plain "act" we can describe; never treated as a read.
const MUTABLE_ACCESS: &[&str] = &["get_mut", "iter_mut", "values_mut", "as_mut", "deref_mut"];

/// A check by key: an `entry()` act after one re-checks the key under the second guard.
const KEY_LOOKUPS: &[&str] = &["contains_key", "contains", "get", "get_key_value"];

/// Blocking lock acquisitions that can start a check or an act (not `try_*`, not `borrow`).
const ACQUIRE: &[&str] = &[
    "lock",
    "read",
    "write",
    "lock_owned",
    "read_owned",
    "write_owned",
    "upgradable_read",
];

const ORDERINGS: &[&str] = &["Relaxed", "Acquire", "Release", "AcqRel", "SeqCst"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Lock,
    Atomic,
}

/// What is done with a guard right after it is acquired.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Op {
    Method(String),
    Field,
    Deref,
    Assign,
    Other,
}

impl Op {
    fn is_read(&self) -> bool {
        match self {
            Op::Method(m) => {
                !MUTATORS.contains(&m.as_str()) && !MUTABLE_ACCESS.contains(&m.as_str())
            }
            Op::Field | Op::Deref => true,
            Op::Assign | Op::Other => false,
        }
    }

    fn is_mutation(&self) -> bool {
        match self {
            Op::Method(m) => MUTATORS.contains(&m.as_str()),
            Op::Assign => true,
            _ => false,
        }
    }
}

/// A lock acquisition (or atomic load/store) found in the syntax, with what is done to it.
#[derive(Debug, Clone)]
struct Use {
    kind: Kind,
    text: String,
    /// The acquisition's method name (`lock`, `load`, `store`).
    region: Region,
    op: Op,
    /// For an atomic `store`: the stored value is a `true`/`false` literal.
    stores_flag: bool,
    /// For an atomic `store`: the local names the stored value is computed from.
    value_names: Vec<String>,
    /// For an atomic `store`: the stored value loads the same atomic again (`x.load(..) + 1`).
    value_loads: bool,
}

/// A check, remembered until the walker reaches the act and can type its receiver.
#[derive(Debug, Clone)]
struct Candidate {
    kind: Kind,
    text: String,
    check: Region,
    check_op: Op,
    act: Region,
    act_op: Op,
    /// The check was a get-or-create lookup (`if let Some(v) = ..get(k) { return v }`).
    memo: bool,
    /// In a `&mut self`/`self` method: `self.field` is exclusively ours unless `field` is a shared
    /// handle (`Arc`), so the act only races if it is.
    exclusive_self: bool,
}

#[derive(Default)]
pub struct CheckThenAct {
    candidates: Vec<Candidate>,
}

impl Lint for CheckThenAct {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn expr_kinds(&self) -> ExprKinds {
        ExprKinds::METHOD_CALL
    }

    fn hooks(&self) -> Hooks {
        Hooks::FN | Hooks::EXPR
    }

    fn check_fn(&mut self, _cx: &Cx, f: &crate::semantic::FnView) {
        // Every check and act is a method call named in `ACQUIRE` or `load`/`store`; a body
        // whose text names none of them (most bodies) has nothing to visit. Five SIMD substring
        // searches beat one aho-corasick automaton here by 5x (1,500-byte bodies, 10 MB corpus).
        let body = f.body_text();
        if !["lock", "read", "write", "load", "store"]
            .iter()
            .any(|w| body.contains(w))
        {
            return;
        }
        let mut blocks = Blocks {
            out: Vec::new(),
            held: 0,
        };
        blocks.visit_block(f.block);
        let exclusive = f.sig.receiver().is_some_and(|r| {
            r.colon_token.is_none() && (r.reference.is_none() || r.mutability.is_some())
        });
        for mut c in blocks.out {
            c.exclusive_self = exclusive && c.text.starts_with("self.");
            if !self.candidates.iter().any(|o| o.act == c.act) {
                self.candidates.push(c);
            }
        }
    }

    fn check_expr(&mut self, cx: &Cx, e: &syn::Expr) {
        let syn::Expr::MethodCall(mc) = e else { return };
        if self.candidates.is_empty() {
            return;
        }
        let region = Region::from_span(mc.method.span());
        let Some(pos) = self.candidates.iter().position(|c| c.act == region) else {
            return;
        };
        let c = self.candidates.swap_remove(pos);
        let what = describe_op(&c.act_op);
        match c.kind {
            Kind::Lock => {
                let (message, help) = if c.memo {
                    (
                        format!(
                            "`{}` is looked up under one acquisition (line {}) and, on a miss, filled ({what}) under this separate one: concurrent misses each create and insert, so callers can end up with different instances",
                            c.text, c.check.line
                        ),
                        "get-or-create under one guard: `entry(key).or_insert_with(..)` (or re-check after re-acquiring)",
                    )
                } else {
                    (
                        format!(
                            "`{}` is modified ({what}) under this acquisition, but the condition was checked under a separate one at line {}: another thread can change it in between",
                            c.text, c.check.line
                        ),
                        "check and act under one guard (keep the first guard and reuse it, or use `entry()`), or re-check the condition after re-acquiring",
                    )
                };
                let mut f = cx.finding(&META, mc.method.span(), message, help);
                f.related.push(Related {
                    file: None,
                    region: c.check,
                    message: format!(
                        "checked here (`{}` via {}), then released",
                        c.text,
                        describe_op(&c.check_op)
                    ),
                });
                let mut conds = vec![Condition {
                    ty: cx.type_of(&mc.receiver),
                    holds: is_shared_lock,
                }];
                if c.exclusive_self {
                    let Some(root) = self_field(&mc.receiver) else {
                        return;
                    };
                    conds.push(Condition {
                        ty: cx.type_of(root),
                        holds: is_shared_handle,
                    });
                }
                cx.emit_if_all(conds, f);
            }
            Kind::Atomic => {
                let mut f = cx.finding(
                    &META,
                    mc.method.span(),
                    format!(
                        "`{}` is loaded in a condition (line {}) and stored here: another thread can store in between",
                        c.text, c.check.line
                    ),
                    "use one atomic read-modify-write: compare_exchange, swap or fetch_update",
                );
                f.related.push(Related {
                    file: None,
                    region: c.check,
                    message: format!("`{}.load(..)` checked here", c.text),
                });
                if c.exclusive_self {
                    let Some(root) = self_field(&mc.receiver) else {
                        return;
                    };
                    cx.emit_if(cx.type_of(root), is_shared_handle, f);
                } else {
                    cx.emit(f);
                }
            }
        }
    }
}

fn is_shared_lock(t: &Ty) -> bool {
    t.lock_kind().is_some_and(|k| k != LockKind::RefCell)
}

/// A handle other owners may hold too: what a `&mut self` method reaches through it is shared.
fn is_shared_handle(t: &Ty) -> bool {
    matches!(
        t.path_str(),
        Some("std::sync::Arc" | "std::rc::Rc" | "triomphe::Arc")
    )
}

/// `self.a` of a receiver `self.a.b.c` (the field of `self` the lock is reached through).
fn self_field(e: &syn::Expr) -> Option<&syn::Expr> {
    match peel(e) {
        syn::Expr::Field(f) => match peel(&f.base) {
            syn::Expr::Path(p) if p.path.is_ident("self") => Some(e),
            _ => self_field(&f.base),
        },
        syn::Expr::MethodCall(mc) => self_field(&mc.receiver),
        syn::Expr::Index(i) => self_field(&i.expr),
        _ => None,
    }
}

fn describe_op(op: &Op) -> String {
    match op {
        Op::Method(m) => format!("`{m}`"),
        Op::Field => "a field read".into(),
        Op::Deref => "a dereference".into(),
        Op::Assign => "an assignment".into(),
        Op::Other => "the guard".into(),
    }
}

/// Compact token text of an expression (`self.jobs`, `state.inner.queue`).
fn text(e: &syn::Expr) -> String {
    let mut s = e.to_token_stream().to_string();
    for (from, to) in [
        (" . ", "."),
        (" :: ", "::"),
        ("& ", "&"),
        (" (", "("),
        ("( ", "("),
    ] {
        s = s.replace(from, to);
    }
    s.replace(" )", ")")
}

/// `m.lock()`: the receiver and method of a blocking acquisition.
fn as_acquisition(mc: &syn::ExprMethodCall) -> Option<(&syn::Expr, &syn::Ident)> {
    let name = mc.method.to_string();
    (mc.args.is_empty() && ACQUIRE.contains(&name.as_str())).then_some((&*mc.receiver, &mc.method))
}

fn is_ordering(e: &syn::Expr) -> bool {
    match peel(e) {
        syn::Expr::Path(p) => p
            .path
            .segments
            .last()
            .is_some_and(|s| ORDERINGS.contains(&s.ident.to_string().as_str())),
        _ => false,
    }
}

/// `x.load(Ordering::..)`.
fn as_load(mc: &syn::ExprMethodCall) -> bool {
    mc.method == "load" && mc.args.len() == 1 && mc.args.first().is_some_and(is_ordering)
}

/// `x.store(v, Ordering::..)`.
fn as_store(mc: &syn::ExprMethodCall) -> bool {
    mc.method == "store" && mc.args.len() == 2 && mc.args.last().is_some_and(is_ordering)
}

/// The acquisition an expression is the guard of: `m.lock().unwrap()`, `m.lock().await?`.
/// With `places`, also through fields and indexing of the guarded value (`m.lock().unwrap().a`).
fn guard_of(e: &syn::Expr, places: bool) -> Option<&syn::ExprMethodCall> {
    match peel(e) {
        syn::Expr::MethodCall(mc) => {
            if as_acquisition(mc).is_some() {
                return Some(mc);
            }
            if PASSTHROUGH.contains(&mc.method.to_string().as_str()) {
                return guard_of(&mc.receiver, places);
            }
            None
        }
        syn::Expr::Await(a) => guard_of(&a.base, places),
        syn::Expr::Try(t) => guard_of(&t.expr, places),
        syn::Expr::Field(f) if places => guard_of(&f.base, places),
        syn::Expr::Index(i) if places => guard_of(&i.expr, places),
        syn::Expr::Unary(u) if places && matches!(u.op, syn::UnOp::Deref(_)) => {
            guard_of(&u.expr, places)
        }
        _ => None,
    }
}

fn lock_use(mc: &syn::ExprMethodCall, op: Op) -> Use {
    Use {
        kind: Kind::Lock,
        text: text(&mc.receiver),
        region: Region::from_span(mc.method.span()),
        op,
        stores_flag: false,
        value_names: Vec::new(),
        value_loads: false,
    }
}

/// Local names in an expression's tokens: lowercase identifiers other than `self` (constants and
/// types are not what a lost update is computed from).
fn local_names(tokens: proc_macro2::TokenStream, out: &mut Vec<String>) {
    for t in tokens {
        match t {
            proc_macro2::TokenTree::Ident(i) => {
                let s = i.to_string();
                if s != "self" && s.starts_with(|c: char| c.is_lowercase() || c == '_') {
                    out.push(s);
                }
            }
            proc_macro2::TokenTree::Group(g) => local_names(g.stream(), out),
            _ => {}
        }
    }
}

/// Every lock acquisition and atomic load/store in an expression, each with the first thing done
/// to its guard. Closures, async blocks and nested items are other bodies and are not entered;
/// with `skip_conditions`, neither are conditions and scrutinees (what is decided there is a
/// re-check, not an act).
struct Uses {
    out: Vec<Use>,
    skip_conditions: bool,
}

impl Uses {
    fn of_expr(e: &syn::Expr, skip_conditions: bool) -> Vec<Use> {
        let mut u = Uses {
            out: Vec::new(),
            skip_conditions,
        };
        u.visit_expr(e);
        u.out
    }

    fn record(&mut self, u: Use) {
        if !self.out.iter().any(|o| o.region == u.region) {
            self.out.push(u);
        }
    }

    fn record_place(&mut self, left: &syn::Expr) {
        if let Some(mc) = guard_of(left, true)
            && !matches!(peel(left), syn::Expr::MethodCall(_))
        {
            self.record(lock_use(mc, Op::Assign));
        }
    }
}

impl<'ast> Visit<'ast> for Uses {
    fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
    fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {}
    fn visit_item(&mut self, _: &'ast syn::Item) {}
    fn visit_macro(&mut self, _: &'ast syn::Macro) {}

    fn visit_expr_if(&mut self, i: &'ast syn::ExprIf) {
        if !self.skip_conditions {
            self.visit_expr(&i.cond);
        }
        self.visit_block(&i.then_branch);
        if let Some((_, e)) = &i.else_branch {
            self.visit_expr(e);
        }
    }

    fn visit_expr_while(&mut self, w: &'ast syn::ExprWhile) {
        if !self.skip_conditions {
            self.visit_expr(&w.cond);
        }
        self.visit_block(&w.body);
    }

    fn visit_expr_match(&mut self, m: &'ast syn::ExprMatch) {
        if !self.skip_conditions {
            self.visit_expr(&m.expr);
        }
        for arm in &m.arms {
            if !self.skip_conditions
                && let Some((_, g)) = &arm.guard
            {
                self.visit_expr(g);
            }
            self.visit_expr(&arm.body);
        }
    }

    fn visit_local(&mut self, l: &'ast syn::Local) {
        if let Some(init) = &l.init {
            if !(self.skip_conditions && init.diverge.is_some()) {
                self.visit_expr(&init.expr);
            }
            if let Some((_, e)) = &init.diverge {
                self.visit_expr(e);
            }
        }
    }

    fn visit_expr_method_call(&mut self, mc: &'ast syn::ExprMethodCall) {
        let name = mc.method.to_string();
        if as_load(mc) || as_store(mc) {
            let value = mc.args.first().filter(|_| as_store(mc));
            let mut value_names = Vec::new();
            if let Some(v) = value {
                local_names(v.to_token_stream(), &mut value_names);
            }
            self.record(Use {
                kind: Kind::Atomic,
                text: text(&mc.receiver),
                region: Region::from_span(mc.method.span()),
                op: Op::Method(name.clone()),
                stores_flag: value.is_some_and(
                    |v| matches!(peel(v), syn::Expr::Lit(l) if matches!(l.lit, syn::Lit::Bool(_))),
                ),
                value_names,
                value_loads: value
                    .is_some_and(|v| text(v).contains(&format!("{}.load(", text(&mc.receiver)))),
            });
        }
        if !PASSTHROUGH.contains(&name.as_str())
            && as_acquisition(mc).is_none()
            && let Some(acq) = guard_of(&mc.receiver, true)
        {
            self.record(lock_use(acq, Op::Method(name)));
        }
        if as_acquisition(mc).is_some() {
            self.record(lock_use(mc, Op::Other));
        }
        visit::visit_expr_method_call(self, mc);
    }

    fn visit_expr_field(&mut self, f: &'ast syn::ExprField) {
        if let Some(acq) = guard_of(&f.base, true) {
            self.record(lock_use(acq, Op::Field));
        }
        visit::visit_expr_field(self, f);
    }

    fn visit_expr_unary(&mut self, u: &'ast syn::ExprUnary) {
        if matches!(u.op, syn::UnOp::Deref(_))
            && let Some(acq) = guard_of(&u.expr, true)
        {
            self.record(lock_use(acq, Op::Deref));
        }
        visit::visit_expr_unary(self, u);
    }

    fn visit_expr_assign(&mut self, a: &'ast syn::ExprAssign) {
        self.record_place(&a.left);
        visit::visit_expr_assign(self, a);
    }

    fn visit_expr_binary(&mut self, b: &'ast syn::ExprBinary) {
        if is_compound_assign(&b.op) {
            self.record_place(&b.left);
        }
        visit::visit_expr_binary(self, b);
    }
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

/// Whether a block always leaves the enclosing flow: `return`, `break`, `continue`, a panic.
fn diverges(b: &syn::Block) -> bool {
    b.stmts.iter().any(|s| match s {
        syn::Stmt::Expr(e, _) => expr_diverges(e),
        syn::Stmt::Macro(m) => macro_diverges(&m.mac),
        _ => false,
    })
}

fn expr_diverges(e: &syn::Expr) -> bool {
    match peel(e) {
        syn::Expr::Return(_) | syn::Expr::Break(_) | syn::Expr::Continue(_) => true,
        syn::Expr::Macro(m) => macro_diverges(&m.mac),
        syn::Expr::Block(b) => diverges(&b.block),
        _ => false,
    }
}

fn macro_diverges(m: &syn::Macro) -> bool {
    m.path.segments.last().is_some_and(|s| {
        matches!(
            s.ident.to_string().as_str(),
            "panic" | "unreachable" | "bail" | "todo" | "unimplemented"
        )
    })
}

/// Whether `ident` occurs as a token anywhere in `tokens`.
fn mentions(tokens: proc_macro2::TokenStream, ident: &str) -> bool {
    tokens.into_iter().any(|t| match t {
        proc_macro2::TokenTree::Ident(i) => i == ident,
        proc_macro2::TokenTree::Group(g) => mentions(g.stream(), ident),
        _ => false,
    })
}

/// Names bound by a `let` pattern (`full`, `(a, b)`, `Some(x)`), ignoring `_`.
fn pat_names(p: &syn::Pat, out: &mut Vec<String>) {
    match p {
        syn::Pat::Ident(pi) => out.push(pi.ident.to_string()),
        syn::Pat::Type(pt) => pat_names(&pt.pat, out),
        syn::Pat::Tuple(t) => t.elems.iter().for_each(|e| pat_names(e, out)),
        syn::Pat::TupleStruct(t) => t.elems.iter().for_each(|e| pat_names(e, out)),
        syn::Pat::Reference(r) => pat_names(&r.pat, out),
        syn::Pat::Struct(s) => s.fields.iter().for_each(|f| pat_names(&f.pat, out)),
        _ => {}
    }
}

/// The bound guard variable of `let [mut] g = m.lock()..;` with its acquisition.
fn guard_binding(l: &syn::Local) -> Option<(String, &syn::ExprMethodCall)> {
    let init = l.init.as_ref()?;
    if init.diverge.is_some() {
        return None;
    }
    let pat = match &l.pat {
        syn::Pat::Type(pt) => &*pt.pat,
        p => p,
    };
    let syn::Pat::Ident(pi) = pat else {
        return None;
    };
    let acq = guard_of(&init.expr, false)?;
    Some((pi.ident.to_string(), acq))
}

/// A check: reads of locks/atomics whose outcome decides whether `region` runs.
struct Check {
    reads: Vec<Use>,
    /// Names bound by `let n = x.load(..)`: a `store` of a value computed from them is a lost
    /// update.
    loaded: Vec<String>,
    /// `if let Some(v) = map.lock()..get(k) { return v }`: get-or-create.
    memo: bool,
    /// What the early exit returns (`false` in `if flag.load(..) { return false }`).
    exit: Option<String>,
}

impl Check {
    fn new(reads: Vec<Use>) -> Check {
        Check {
            reads,
            loaded: Vec::new(),
            memo: false,
            exit: None,
        }
    }
}

/// Finds, in every block of a fn body, the checks and their acts.
struct Blocks {
    out: Vec<Candidate>,
    /// Guards bound (with `let`) in enclosing blocks and still alive: a check and act under such
    /// a guard are serialized by it (`let _w = self.waiters.lock(); if flag.load(..) {..}`).
    held: usize,
}

impl<'ast> Visit<'ast> for Blocks {
    fn visit_item(&mut self, _: &'ast syn::Item) {}
    fn visit_macro(&mut self, _: &'ast syn::Macro) {}

    fn visit_block(&mut self, b: &'ast syn::Block) {
        let outer = self.held;
        let mut guards: Vec<String> = Vec::new();
        for (i, stmt) in b.stmts.iter().enumerate() {
            if self.held == 0 {
                self.check_at(stmt, &b.stmts[i + 1..]);
            }
            self.visit_stmt(stmt);
            match stmt {
                syn::Stmt::Local(l) => {
                    if let Some((name, _)) = guard_binding(l) {
                        guards.push(name);
                    }
                }
                syn::Stmt::Expr(syn::Expr::Call(c), _) => {
                    guards.retain(|g| !is_drop_of(c, g));
                }
                _ => {}
            }
            self.held = outer + guards.len();
        }
        self.held = outer;
    }
}

impl Blocks {
    fn check_at(&mut self, stmt: &syn::Stmt, rest: &[syn::Stmt]) {
        match stmt {
            syn::Stmt::Expr(syn::Expr::If(ifx), _) => {
                let reads = condition_reads(&ifx.cond);
                if !reads.is_empty() {
                    self.gated(&Check::new(reads), ifx, rest);
                }
            }
            syn::Stmt::Local(l) => self.local(l, rest),
            _ => {}
        }
    }

    /// `if COND { .. } else { .. }` decided by `check`: acts in a branch it gates, or (when a
    /// branch leaves early) in the statements after it.
    fn gated(&mut self, check: &Check, ifx: &syn::ExprIf, rest: &[syn::Stmt]) {
        let is_let = has_let(&ifx.cond);
        let memo = Check {
            reads: check.reads.clone(),
            loaded: check.loaded.clone(),
            memo: is_memo(ifx),
            exit: exit_value(&ifx.then_branch),
        };
        let check = &memo;
        // An `if let` scrutinee's guard is still alive in its branches: not a separate acquisition.
        if !is_let {
            self.acts_in_block(check, &ifx.then_branch.stmts);
            if let Some((_, e)) = &ifx.else_branch {
                self.acts_in_expr(check, e);
            }
        }
        let else_diverges = match &ifx.else_branch {
            Some((_, e)) => expr_diverges(e),
            None => false,
        };
        if diverges(&ifx.then_branch) || else_diverges {
            self.acts_in_block(check, rest);
        }
    }

    fn local(&mut self, l: &syn::Local, rest: &[syn::Stmt]) {
        let Some(init) = &l.init else { return };
        // `let g = m.lock()..;` then `if g.. { return }` then `drop(g);`.
        if let Some((name, acq)) = guard_binding(l) {
            self.bound_check(&name, acq, rest);
            return;
        }
        let reads = condition_reads(&init.expr);
        if reads.is_empty() {
            return;
        }
        let mut check = Check::new(reads);
        if let Some((_, e)) = &init.diverge {
            if expr_diverges(e) {
                self.acts_in_block(&check, rest);
            }
            return;
        }
        // `let full = m.lock()..len() >= max;` decided later by `if full { .. }`.
        let mut names = Vec::new();
        pat_names(&l.pat, &mut names);
        if check.reads.iter().any(|r| r.kind == Kind::Atomic) {
            check.loaded = names.clone();
        }
        for (j, stmt) in rest.iter().enumerate() {
            if let syn::Stmt::Expr(syn::Expr::If(ifx), _) = stmt
                && names
                    .iter()
                    .any(|n| mentions(ifx.cond.to_token_stream(), n))
            {
                self.gated(&check, ifx, &rest[j + 1..]);
                return;
            }
        }
    }

    /// A guard bound with `let`, tested by an early-leaving `if`, then explicitly dropped.
    fn bound_check(&mut self, name: &str, acq: &syn::ExprMethodCall, rest: &[syn::Stmt]) {
        let mut tested = false;
        for (j, stmt) in rest.iter().enumerate() {
            match stmt {
                syn::Stmt::Expr(syn::Expr::If(ifx), _)
                    if mentions(ifx.cond.to_token_stream(), name)
                        && (diverges(&ifx.then_branch)
                            || ifx
                                .else_branch
                                .as_ref()
                                .is_some_and(|(_, e)| expr_diverges(e))) =>
                {
                    tested = true;
                }
                syn::Stmt::Expr(syn::Expr::Call(c), _) if tested && is_drop_of(c, name) => {
                    let check = Check::new(vec![lock_use(acq, Op::Other)]);
                    self.acts_in_block(&check, &rest[j + 1..]);
                    return;
                }
                _ => {}
            }
        }
    }

    fn acts_in_expr(&mut self, check: &Check, e: &syn::Expr) {
        match peel(e) {
            syn::Expr::Block(b) => self.acts_in_block(check, &b.block.stmts),
            syn::Expr::If(ifx) => {
                let mut acts = Acts::new(check, &mut self.out);
                acts.visit_expr_if(ifx);
            }
            other => {
                let mut acts = Acts::new(check, &mut self.out);
                acts.visit_expr(other);
            }
        }
    }

    fn acts_in_block(&mut self, check: &Check, stmts: &[syn::Stmt]) {
        let mut acts = Acts::new(check, &mut self.out);
        acts.stmts(stmts);
    }
}

/// `if let Some(v) = .. { return v.clone() }`: the early exit hands back what the check found.
fn is_memo(ifx: &syn::ExprIf) -> bool {
    let syn::Expr::Let(l) = peel(&ifx.cond) else {
        return false;
    };
    let mut names = Vec::new();
    pat_names(&l.pat, &mut names);
    diverges(&ifx.then_branch)
        && names
            .iter()
            .any(|n| mentions(ifx.then_branch.to_token_stream(), n))
}

/// The value a diverging block returns (`return false;` → `false`).
fn exit_value(b: &syn::Block) -> Option<String> {
    b.stmts.iter().find_map(|s| match s {
        syn::Stmt::Expr(syn::Expr::Return(r), _) => r.expr.as_deref().map(text),
        _ => None,
    })
}

/// Whether a statement calls something (work a claimed flag protects); constructors such as
/// `Ok(..)`/`Poll::Ready(..)` and macros (logging) are not work.
fn does_work(s: &syn::Stmt) -> bool {
    struct Work(bool);
    impl<'ast> Visit<'ast> for Work {
        fn visit_macro(&mut self, _: &'ast syn::Macro) {}
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
        fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
            let ctor = match &*c.func {
                syn::Expr::Path(p) => p
                    .path
                    .segments
                    .last()
                    .is_some_and(|s| s.ident.to_string().starts_with(char::is_uppercase)),
                _ => false,
            };
            if !ctor {
                self.0 = true;
            }
            visit::visit_expr_call(self, c);
        }
        fn visit_expr_method_call(&mut self, _: &'ast syn::ExprMethodCall) {
            self.0 = true;
        }
    }
    let mut w = Work(false);
    w.visit_stmt(s);
    w.0
}

/// Locals assigned (`v = ..`) in a statement.
struct Assigned(Vec<String>);

impl<'ast> Visit<'ast> for Assigned {
    fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
    fn visit_expr_assign(&mut self, a: &'ast syn::ExprAssign) {
        if let syn::Expr::Path(p) = peel(&a.left)
            && let Some(i) = p.path.get_ident()
        {
            self.0.push(i.to_string());
        }
        visit::visit_expr_assign(self, a);
    }
}

fn has_let(e: &syn::Expr) -> bool {
    match peel(e) {
        syn::Expr::Let(_) => true,
        syn::Expr::Binary(b) => has_let(&b.left) || has_let(&b.right),
        _ => false,
    }
}

fn is_drop_of(c: &syn::ExprCall, name: &str) -> bool {
    let syn::Expr::Path(p) = &*c.func else {
        return false;
    };
    let is_drop = p.path.segments.last().is_some_and(|s| s.ident == "drop");
    is_drop
        && c.args.len() == 1
        && c.args.first().is_some_and(|a| match peel(a) {
            syn::Expr::Path(ap) => ap.path.is_ident(name),
            _ => false,
        })
}

/// Lock reads and atomic loads in a condition (temporaries: released when it is decided).
fn condition_reads(cond: &syn::Expr) -> Vec<Use> {
    Uses::of_expr(cond, false)
        .into_iter()
        .filter(|u| match u.kind {
            Kind::Lock => u.op.is_read(),
            Kind::Atomic => u.op == Op::Method("load".into()),
        })
        .collect()
}

/// Looks for acts matching a check in a stretch of code.
struct Acts<'c, 'o> {
    check: &'c Check,
    out: &'o mut Vec<Candidate>,
    /// The statement being looked at is followed by more work in its block (a call).
    work_after: bool,
    /// ... or preceded by some: a flag stored after the work records an outcome obtained some
    /// other way; a claim comes first.
    work_before: bool,
    /// The value its block ends with, if any (`true` in `flag.store(true, ..); true`).
    tail_after: Option<String>,
    /// Locals assigned since the check (`v = compute();`): a store of them stores a recomputed
    /// value, not an update of the loaded one.
    reassigned: Vec<String>,
}

impl<'c, 'o> Acts<'c, 'o> {
    fn new(check: &'c Check, out: &'o mut Vec<Candidate>) -> Self {
        Acts {
            check,
            out,
            work_after: false,
            work_before: false,
            tail_after: None,
            reassigned: Vec::new(),
        }
    }
}

impl Acts<'_, '_> {
    fn stmts(&mut self, stmts: &[syn::Stmt]) {
        let outer = (self.work_after, self.work_before, self.tail_after.take());
        for (i, stmt) in stmts.iter().enumerate() {
            let rest = &stmts[i + 1..];
            self.work_after = rest.iter().any(does_work);
            self.work_before = stmts[..i].iter().any(does_work);
            self.tail_after = match rest.last() {
                Some(syn::Stmt::Expr(e, None)) => Some(text(e)),
                _ => None,
            };
            let mut assigned = Assigned(Vec::new());
            assigned.visit_stmt(stmt);
            self.reassigned.extend(assigned.0);
            if let syn::Stmt::Local(l) = stmt {
                if let Some((name, acq)) = guard_binding(l) {
                    self.bound_act(&name, acq, rest);
                }
                if let Some(init) = &l.init
                    && init.diverge.is_none()
                {
                    // `let prev = m.lock().insert(..); if prev.is_some() { .. }` re-checks.
                    let mut names = Vec::new();
                    pat_names(&l.pat, &mut names);
                    let decided_later = rest
                        .iter()
                        .any(|s| names.iter().any(|n| condition_mentions(s, n)));
                    if decided_later {
                        continue;
                    }
                }
            }
            self.visit_stmt(stmt);
        }
        (self.work_after, self.work_before, self.tail_after) = outer;
    }

    /// `let mut g = m.lock()..;` then `g.insert(..)` / `*g = ..` without re-testing `g`.
    fn bound_act(&mut self, name: &str, acq: &syn::ExprMethodCall, rest: &[syn::Stmt]) {
        let u = lock_use(acq, Op::Other);
        let Some(read) = self.matching(&u) else {
            return;
        };
        let mut scan = GuardScan {
            name,
            rechecked: false,
            mutation: None,
        };
        for s in rest {
            scan.visit_stmt(s);
        }
        let Some(op) = scan.mutation else { return };
        if scan.rechecked || self.entry_rechecks(&read, &op) {
            return;
        }
        self.push(read, Use { op, ..u });
    }

    /// The block goes on to report a different outcome than the early exit did
    /// (`if f.load(..) { return false } f.store(true, ..); true`): the caller acts on the claim.
    fn claims(&self) -> bool {
        matches!((&self.check.exit, &self.tail_after), (Some(a), Some(b)) if a != b)
    }

    /// The check read this use acts upon, if any.
    fn matching(&self, u: &Use) -> Option<Use> {
        self.check
            .reads
            .iter()
            .find(|r| r.kind == u.kind && r.text == u.text && r.region != u.region)
            .cloned()
    }

    fn entry_rechecks(&self, read: &Use, act: &Op) -> bool {
        act == &Op::Method("entry".into())
            && matches!(&read.op, Op::Method(m) if KEY_LOOKUPS.contains(&m.as_str()))
    }

    fn push(&mut self, read: Use, act: Use) {
        if self.out.iter().any(|c| c.act == act.region) {
            return;
        }
        self.out.push(Candidate {
            kind: act.kind,
            text: act.text,
            check: read.region,
            check_op: read.op,
            act: act.region,
            act_op: act.op,
            exclusive_self: false,
            memo: self.check.memo,
        });
    }

    fn consider(&mut self, uses: Vec<Use>) {
        for u in uses {
            let acts = match u.kind {
                Kind::Lock => u.op.is_mutation(),
                // A flag claimed (`store(true)` after `if !flag.load()`), or a value computed
                // from what the check decided on (a lost update). Other stores are usually
                // single-writer protocols.
                Kind::Atomic => {
                    u.op == Op::Method("store".into())
                        && ((u.stores_flag
                            && !self.work_before
                            && (self.work_after || self.claims()))
                            || u.value_names.iter().any(|n| {
                                self.check.loaded.contains(n) && !self.reassigned.contains(n)
                            })
                            || u.value_loads)
                }
            };
            if !acts {
                continue;
            }
            let Some(read) = self.matching(&u) else {
                continue;
            };
            if self.entry_rechecks(&read, &u.op) {
                continue;
            }
            self.push(read, u);
        }
    }
}

impl<'ast> Visit<'ast> for Acts<'_, '_> {
    fn visit_item(&mut self, _: &'ast syn::Item) {}
    fn visit_macro(&mut self, _: &'ast syn::Macro) {}
    fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
    fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {}

    fn visit_block(&mut self, b: &'ast syn::Block) {
        self.stmts(&b.stmts);
    }

    fn visit_stmt(&mut self, s: &'ast syn::Stmt) {
        match s {
            syn::Stmt::Expr(e, _) => self.visit_expr(e),
            syn::Stmt::Local(l) => {
                if let Some(init) = &l.init {
                    if init.diverge.is_none() {
                        self.visit_expr(&init.expr);
                    }
                    if let Some((_, e)) = &init.diverge {
                        self.visit_expr(e);
                    }
                }
            }
            _ => {}
        }
    }

    fn visit_expr(&mut self, e: &'ast syn::Expr) {
        match e {
            // Blocks are walked statement by statement (bound guards, re-checks).
            syn::Expr::Block(b) => self.stmts(&b.block.stmts),
            syn::Expr::If(i) => {
                self.stmts(&i.then_branch.stmts);
                if let Some((_, e)) = &i.else_branch {
                    self.visit_expr(e);
                }
            }
            syn::Expr::While(w) => self.stmts(&w.body.stmts),
            syn::Expr::Loop(l) => self.stmts(&l.body.stmts),
            syn::Expr::ForLoop(f) => {
                self.consider(Uses::of_expr(&f.expr, true));
                self.stmts(&f.body.stmts);
            }
            syn::Expr::Match(m) => {
                for arm in &m.arms {
                    self.visit_expr(&arm.body);
                }
            }
            syn::Expr::Closure(_) | syn::Expr::Async(_) => {}
            other => self.consider(Uses::of_expr(other, true)),
        }
    }
}

/// Whether statement `s` decides something on `name`: an `if`/`match`/`while` condition or a
/// `let .. else` initializer mentioning it.
fn condition_mentions(s: &syn::Stmt, name: &str) -> bool {
    let mut scan = GuardScan {
        name,
        rechecked: false,
        mutation: None,
    };
    scan.visit_stmt(s);
    scan.rechecked
}

/// How a bound guard is used in the rest of its block.
struct GuardScan<'n> {
    name: &'n str,
    rechecked: bool,
    mutation: Option<Op>,
}

impl GuardScan<'_> {
    fn is_guard(&self, e: &syn::Expr) -> bool {
        match peel(e) {
            syn::Expr::Path(p) => p.path.is_ident(self.name),
            syn::Expr::Field(f) => self.is_guard(&f.base),
            syn::Expr::Index(i) => self.is_guard(&i.expr),
            syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => self.is_guard(&u.expr),
            _ => false,
        }
    }

    fn tests(&mut self, cond: &syn::Expr) {
        if mentions(cond.to_token_stream(), self.name) {
            self.rechecked = true;
        }
    }

    fn mutated(&mut self, op: Op) {
        if self.mutation.is_none() {
            self.mutation = Some(op);
        }
    }
}

impl<'ast> Visit<'ast> for GuardScan<'_> {
    fn visit_item(&mut self, _: &'ast syn::Item) {}

    fn visit_expr_if(&mut self, i: &'ast syn::ExprIf) {
        self.tests(&i.cond);
        visit::visit_expr_if(self, i);
    }

    fn visit_expr_while(&mut self, w: &'ast syn::ExprWhile) {
        self.tests(&w.cond);
        visit::visit_expr_while(self, w);
    }

    fn visit_expr_match(&mut self, m: &'ast syn::ExprMatch) {
        self.tests(&m.expr);
        visit::visit_expr_match(self, m);
    }

    fn visit_local(&mut self, l: &'ast syn::Local) {
        if let Some(init) = &l.init
            && init.diverge.is_some()
        {
            self.tests(&init.expr);
        }
        visit::visit_local(self, l);
    }

    fn visit_expr_method_call(&mut self, mc: &'ast syn::ExprMethodCall) {
        let m = mc.method.to_string();
        if MUTATORS.contains(&m.as_str()) && self.is_guard(&mc.receiver) {
            self.mutated(Op::Method(m));
        }
        visit::visit_expr_method_call(self, mc);
    }

    fn visit_expr_assign(&mut self, a: &'ast syn::ExprAssign) {
        if self.is_guard(&a.left) && !matches!(peel(&a.left), syn::Expr::Path(_)) {
            self.mutated(Op::Assign);
        }
        visit::visit_expr_assign(self, a);
    }

    fn visit_expr_binary(&mut self, b: &'ast syn::ExprBinary) {
        if is_compound_assign(&b.op) && self.is_guard(&b.left) {
            self.mutated(Op::Assign);
        }
        visit::visit_expr_binary(self, b);
    }
}
