//! Reads and writes of locked and atomic state, and the conditions that decide on them: what a
//! check-then-act question needs beyond guard liveness. The interpreter calls these as it
//! evaluates; they only record facts (`FileFacts::accesses`, `decisions`, `calls`).
//!
//! A condition's reads are collected while it is evaluated, together with the reads of every
//! `let` binding it mentions (`let full = q.lock().len() >= max; if full { .. }`), so a value
//! read under a lock and merely carried elsewhere (`let id = lc.read().id.clone();`) never
//! becomes a condition unless something decides on it.

use super::Walker;
use crate::finding::Region;
use crate::semantic::facts::{
    AccessId, AccessKind, AccessTarget, Decision, GatedCall, GuardId, LocalUse, SelfField,
    StateAccess, Written,
};
use crate::semantic::syntax::{collect_idents, member_name, pat_names, path_segments, peel};
use crate::semantic::words::Words;

/// Methods that modify the value behind a guard, or hand out mutable access to it.
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
    // `lru::LruCache`'s
    "pop_lru",
    "pop_mru",
    "pop_entry",
    "put",
    "drain",
    "take",
    "replace",
    "entry",
    "try_insert",
    "get_mut",
    "iter_mut",
    "values_mut",
    "as_mut",
    "deref_mut",
    "set",
    "sort",
    "sort_by",
    "sort_by_key",
    "dedup",
    "resize",
];

/// Writes that may decide each element for itself (see `Written::SelfDecided`).
const SELF_DECIDING: &[&str] = &[
    "retain",
    "retain_mut",
    "sort",
    "sort_by",
    "sort_by_key",
    "sort_unstable",
    "sort_unstable_by",
    "sort_unstable_by_key",
    "dedup",
    "dedup_by",
    "dedup_by_key",
];

/// An argument that reads nothing but what it is handed: a closure whose body names no local
/// other than its own parameters (`|d| !d.is_gone()`, not `|_, q| q.front() != Some(first)`).
fn uses_only_own_params(arg: &syn::Expr) -> bool {
    let syn::Expr::Closure(cl) = peel(arg) else {
        return false;
    };
    let mut params = Vec::new();
    for p in &cl.inputs {
        crate::semantic::syntax::pat_names(p, &mut params);
    }
    let mut outer = false;
    crate::semantic::syntax::for_each_local_path(&cl.body, &mut |name| {
        outer |= !params.iter().any(|p| p == name);
    });
    !outer
}

/// `?`'s operand without the adapters that only turn a miss into the error it returns
/// (`map.get_mut(id).context("not found")?`: the test stays on the write's result).
pub(crate) fn peel_miss_to_error(e: &syn::Expr) -> &syn::Expr {
    let mut e = peel(e);
    while let syn::Expr::MethodCall(mc) = e
        && MISS_TO_ERROR.contains(&&*mc.method.to_string())
    {
        e = peel(&mc.receiver);
    }
    e
}

/// Adapters that turn an `Option`'s miss or a `Result`'s error into the error `?` returns.
const MISS_TO_ERROR: &[&str] = &[
    "context",
    "with_context",
    "ok_or",
    "ok_or_else",
    "map_err",
    "wrap_err",
    "wrap_err_with",
];

/// Atomic operations (with an explicit `Ordering` argument).
const ATOMIC_OPS: &[&str] = &[
    "load",
    "store",
    "swap",
    "fetch_add",
    "fetch_sub",
    "fetch_or",
    "fetch_and",
    "fetch_xor",
    "fetch_nand",
    "fetch_max",
    "fetch_min",
    "fetch_update",
    "compare_exchange",
    "compare_exchange_weak",
    "compare_and_swap",
];

const ORDERINGS: &[&str] = &["Relaxed", "Acquire", "Release", "AcqRel", "SeqCst"];

/// Words in a constructor's or method's name that make its result an identity: a sync primitive,
/// a handle, a connection, a fresh id.
static IDENTITY_WORDS: Words = Words::new(&[
    "semaphore",
    "mutex",
    "rwlock",
    "notify",
    "channel",
    "sender",
    "receiver",
    "client",
    "conn",
    "pool",
    "session",
    "socket",
    "handle",
    "limiter",
    "uuid",
    "spawn",
    "connect",
    "reconnect",
    "resubscribe",
    "listener",
    "watcher",
    "subscribe",
    "next_id",
    "new_v4",
    "fetch_add",
]);

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

/// `x.load(Ordering::Acquire)`, `x.fetch_add(1, Relaxed)`: the method of an atomic operation.
pub(crate) fn atomic_op(mc: &syn::ExprMethodCall) -> Option<&'static str> {
    let name = mc.method.to_string();
    let op = ATOMIC_OPS.iter().find(|o| **o == name)?;
    mc.args.iter().any(is_ordering).then_some(*op)
}

/// The field of the guarded value a place goes through: `available` in `g.available` or
/// `m.lock().unwrap().available.x`; `None` for the value itself (`*g`, `g.len()`).
fn first_field(e: &syn::Expr) -> Option<String> {
    match peel(e) {
        syn::Expr::Field(f) => first_field(&f.base).or_else(|| Some(member_name(&f.member))),
        syn::Expr::Index(i) => first_field(&i.expr),
        syn::Expr::Unary(u) => first_field(&u.expr),
        _ => None,
    }
}

/// `self.a` of `self.a.b.c` (the field of `self` something is reached through).
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

fn is_constant(e: &syn::Expr) -> Option<String> {
    match peel(e) {
        syn::Expr::Lit(l) => Some(quote::ToTokens::to_token_stream(&l.lit).to_string()),
        syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Neg(_)) => is_constant(&u.expr),
        syn::Expr::Path(p) if p.path.segments.len() > 1 || p.path.get_ident().is_some() => {
            let last = p.path.segments.last()?.ident.to_string();
            last.starts_with(char::is_uppercase).then_some(last)
        }
        _ => None,
    }
}

fn has_identity_word(name: &str) -> bool {
    // `resolve_socket_addr(..)`, `connection_string(..)`: a description of a resource (where
    // it is, how to reach it), not one.
    let bytes = name.as_bytes();
    if ["addr", "address", "string", "str", "url", "uri"]
        .iter()
        .any(|s| {
            bytes.len() >= s.len()
                && bytes[bytes.len() - s.len()..].eq_ignore_ascii_case(s.as_bytes())
        })
    {
        return false;
    }
    // At a word's start: a `RespawnPoint` is no spawned task, a `Spawner`'s `spawn_x` is.
    // Asked first: most names have no such word, and the word split below allocates.
    IDENTITY_WORDS.any_word_start_in(name)
        // A type's name whose last word names a value, not a resource (`ClientOrderId` is an
        // id, `ClientConfig` a configuration; `ClientInner`, `SessionState` stay a client's, a
        // session's).
        && !(name.starts_with(|c: char| c.is_ascii_uppercase())
            && !name.contains('_')
            && crate::semantic::secret_names::split_words(name)
                .last()
                .is_some_and(|head| VALUE_WORDS.contains(&head.as_str())))
}

/// The last words of a type's name that make its value data, whatever the words before it
/// (`ClientOrderId`, `ConnectionConfig`, `SessionInfo`).
const VALUE_WORDS: &[&str] = &[
    "id",
    "ids",
    "config",
    "configuration",
    "cfg",
    "info",
    "options",
    "opts",
    "settings",
    "kind",
    "type",
    "name",
    "params",
    "spec",
    "metadata",
    "stats",
    "key",
];

/// `SessionId::new()`, `RequestId::random()`: an id type's generator makes a fresh id (not
/// `ClientOrderId::from(order_ref)`, which names the one the data carries, nor
/// `OrderId::new(seq)`, made from a value).
fn generates_id(type_name: &str, func: &str, args: usize) -> bool {
    let generator = match func {
        "new" => args == 0,
        "random" | "generate" | "new_v4" | "new_v7" | "new_random" => true,
        _ => false,
    };
    generator
        && crate::semantic::secret_names::split_words(type_name)
            .last()
            .is_some_and(|w| w == "id")
}

/// The same for a variant or struct named for a handler (`MaybeBuilt::Handler(..)`,
/// `StealTlsHandler { .. }`): `handler` is no `handle`, so what it holds decides.
fn has_identity_word_but_handler(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if lower.contains("handler") {
        return has_identity_word(&lower.replace("handler", ""));
    }
    has_identity_word(name)
}

impl Walker<'_, '_> {
    /// `self.tracker.write().set(off, ptr)?`: a write whose `Err` is propagated can fail, so it
    /// checks for itself: the write the `?` applies to counts as deciding, like `if
    /// !set.insert(id)`.
    pub(crate) fn note_propagated_write(&mut self, operand: &syn::Expr, reads: &[AccessId]) {
        let mut e = peel_miss_to_error(operand);
        while let syn::Expr::Await(a) = e {
            e = peel_miss_to_error(&a.base);
        }
        let syn::Expr::MethodCall(mc) = e else {
            return;
        };
        let method = mc.method.to_string();
        let last_write = reads.iter().rev().find_map(|&r| {
            self.core
                .facts
                .accesses
                .get(r as usize)
                .filter(|a| a.kind == AccessKind::Write && a.op == method)
                .map(|_| r)
        });
        if let Some(r) = last_write
            && let Some(a) = self.core.facts.accesses.get_mut(r as usize)
        {
            a.decided = true;
        }
    }

    pub(crate) fn collect_begin(&mut self) {
        self.core.collectors.push(Vec::new());
    }

    /// Close the innermost collection; its reads also count for the enclosing one.
    pub(crate) fn collect_end(&mut self) -> Vec<AccessId> {
        let top = self.core.collectors.pop().unwrap_or_default();
        if let Some(outer) = self.core.collectors.last_mut() {
            outer.extend(top.iter().copied());
        }
        top
    }

    /// Start collecting the reads of call arguments. Returns the first access id they can
    /// record.
    pub(crate) fn collect_args_begin(&mut self) -> AccessId {
        self.core.collectors.push(Vec::new());
        self.core.facts.accesses.len() as AccessId
    }

    /// The reads of call arguments (for a stored value: what it was computed from). Only the
    /// accesses made inside the arguments count for the enclosing condition: a binding handed
    /// to a fn (`index.clear_children(path, &snapshot)`) yields a new value, not a check of the
    /// state the binding was read from.
    pub(crate) fn collect_args_end(&mut self, first: AccessId) -> Vec<AccessId> {
        let top = self.core.collectors.pop().unwrap_or_default();
        if let Some(outer) = self.core.collectors.last_mut() {
            outer.extend(top.iter().copied().filter(|&id| id >= first));
        }
        top
    }

    /// A call that does something (not formatting a message) in a body that decided on state.
    pub(crate) fn record_work(&mut self, span: proc_macro2::Span) {
        if self.core.in_format > 0 {
            return;
        }
        let Some(body) = self.core.body() else { return };
        if body.decided && body.flow.reachable {
            let at = Region::from_span(span).start_byte;
            self.core.facts.work.push((body.id, at));
        }
    }

    /// A binding's value is read: so are the accesses it was computed from.
    pub(crate) fn collect_binding(&mut self, reads: &[AccessId]) {
        if let Some(top) = self.core.collectors.last_mut() {
            top.extend(reads.iter().copied());
        }
    }

    /// Whether a value has an identity of its own (see `Written::Identity`).
    pub(crate) fn is_identity(&self, e: &syn::Expr, depth: u32) -> bool {
        if depth > 8 {
            return false;
        }
        match peel(e) {
            syn::Expr::Call(c) => {
                let Some(segs) = path_segments(&c.func) else {
                    return false;
                };
                let ctor = segs
                    .last()
                    .is_some_and(|s| s.starts_with(char::is_uppercase));
                if segs.iter().enumerate().any(|(i, s)| {
                    // The fn or variant named for a handler (`build_handler(..)`,
                    // `Slot::Handler(..)`); a type's own name (`EventHandler::start()`) stays.
                    if i + 1 == segs.len() {
                        has_identity_word_but_handler(s)
                    } else {
                        has_identity_word(s)
                            || (i + 2 == segs.len() && generates_id(s, &segs[i + 1], c.args.len()))
                    }
                }) {
                    return true;
                }
                // `Arc::new(x)`, `Arc::clone(&x)`, `Some(x)`, a variant or tuple struct
                // (`Slot::Upstream(x)`): the identity of what it wraps.
                let wraps = segs.len() == 1
                    || ctor
                    || segs
                        .iter()
                        .any(|s| matches!(s.as_str(), "Arc" | "Rc" | "Box" | "Some" | "Ok"));
                wraps && c.args.iter().any(|a| self.is_identity(a, depth + 1))
            }
            syn::Expr::MethodCall(mc) => {
                let m = mc.method.to_string();
                if has_identity_word(&m) {
                    return true;
                }
                matches!(
                    m.as_str(),
                    "clone" | "unwrap" | "expect" | "into" | "to_owned" | "context"
                ) && self.is_identity(&mc.receiver, depth + 1)
            }
            syn::Expr::Await(a) => self.is_identity(&a.base, depth + 1),
            syn::Expr::Try(t) => self.is_identity(&t.expr, depth + 1),
            syn::Expr::Reference(r) => self.is_identity(&r.expr, depth + 1),
            // By its name, or for a handler by its fields (`TenantHandler { permits:
            // Arc::new(Semaphore::new(n)) }` holds a limiter of its own).
            syn::Expr::Struct(s) => s.path.segments.last().is_some_and(|seg| {
                let name = seg.ident.to_string();
                has_identity_word_but_handler(&name)
                    || (name.to_ascii_lowercase().contains("handler")
                        && s.fields
                            .iter()
                            .any(|f| self.is_identity(&f.expr, depth + 1)))
            }),
            syn::Expr::Path(p) => p
                .path
                .get_ident()
                .and_then(|i| self.core.env.lookup(&i.to_string()))
                .is_some_and(|b| b.identity),
            _ => false,
        }
    }

    fn written(&self, value: Option<&syn::Expr>) -> Written {
        let Some(v) = value else {
            return Written::Other;
        };
        if let Some(c) = is_constant(v) {
            return Written::Constant(c);
        }
        // `Instant::now()`, also a deadline from it (`Instant::now() + retry_after`).
        let clock = match peel(v) {
            syn::Expr::Binary(b) if matches!(b.op, syn::BinOp::Add(_) | syn::BinOp::Sub(_)) => {
                &b.left
            }
            other => other,
        };
        if let syn::Expr::Call(c) = peel(clock)
            && let syn::Expr::Path(p) = peel(&c.func)
            && crate::semantic::syntax::is_clock_read(&self.core.uses.resolve(&p.path))
        {
            return Written::Clock;
        }
        if self.is_identity(v, 0) {
            Written::Identity
        } else if let Some(name) = local_name(v) {
            Written::Local(name)
        } else if let Some(names) = self.built_from_locals(v) {
            Written::Built(
                names,
                Region::from_span(super::spans::expr_span(v)).end_byte,
            )
        } else {
            Written::Other
        }
    }

    /// The locals a struct literal or a constructor call (`Some(..)`, `Point(..)`,
    /// `Health::new(..)`, `from(..)`) names, when `v` is one.
    fn built_from_locals(&self, v: &syn::Expr) -> Option<Vec<String>> {
        let built = match peel(v) {
            syn::Expr::Struct(_) => true,
            syn::Expr::Call(c) => {
                crate::semantic::syntax::path_last_ident(&c.func).is_some_and(|i| {
                    let i = i.to_string();
                    i.starts_with(|c: char| c.is_ascii_uppercase()) || i == "new" || i == "from"
                })
            }
            _ => false,
        };
        if !built {
            return None;
        }
        let mut idents = std::collections::BTreeSet::new();
        collect_idents(quote::ToTokens::to_token_stream(v), &mut idents);
        Some(
            idents
                .into_iter()
                .filter(|i| self.core.env.lookup(i).is_some())
                .collect(),
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn push_access(
        &mut self,
        span: proc_macro2::Span,
        target: AccessTarget,
        kind: AccessKind,
        op: &str,
        field: Option<String>,
        value: Option<&syn::Expr>,
        value_reads: Vec<AccessId>,
        exclusive_root: Option<SelfField>,
        local: Option<LocalUse>,
    ) {
        let Some(body) = self.core.body() else { return };
        if !body.flow.reachable {
            return;
        }
        let (body_id, held) = (body.id, body.flow.held());
        let region = Region::from_span(span);
        let id = self.core.facts.accesses.len() as AccessId;
        let written = match kind {
            AccessKind::Write => self.written(value),
            AccessKind::Read => Written::Other,
        };
        // A lock's act is reported at its acquisition (which has its snippet); only an atomic
        // write is reported where it is.
        let snippet = match (&target, kind) {
            (AccessTarget::Atomic(_), AccessKind::Write) => self.core.src.snippet(&region),
            _ => String::new(),
        };
        self.core.facts.accesses.push(StateAccess {
            id,
            body: body_id,
            region,
            target,
            kind,
            op: op.to_string(),
            field,
            held,
            decided: false,
            written,
            value_reads,
            exclusive_root,
            local,
            function: self.core.function(),
            in_test: self.core.in_test(),
            snippet,
            then_leaves: false,
            then_errs: false,
            key: None,
        });
        if let Some(top) = self.core.collectors.last_mut() {
            top.push(id);
        }
    }

    /// A method called on (a place inside) the value of live guards `guards`.
    pub(crate) fn guard_method_access(
        &mut self,
        guards: &[GuardId],
        mc: &syn::ExprMethodCall,
        arg_reads: Vec<AccessId>,
    ) {
        let name = mc.method.to_string();
        let kind = if MUTATORS.contains(&name.as_str()) {
            AccessKind::Write
        } else {
            AccessKind::Read
        };
        // `insert(k, v)`, `push(v)`: the stored value is the last argument.
        let value = mc.args.last();
        let field = first_field(&mc.receiver);
        let dropped = self.core.dropped_result == mc as *const syn::ExprMethodCall as usize;
        // `swap_remove(&key)` is IndexMap's removal by key; `Vec::swap_remove(i)` takes a
        // position by value.
        let by_key_ref = matches!(mc.args.first().map(peel), Some(syn::Expr::Reference(_)));
        let key_removed = dropped
            && mc.args.len() == 1
            && (matches!(
                name.as_str(),
                "remove"
                    | "remove_entry"
                    | "pop"
                    | "pop_entry"
                    | "take"
                    | "shift_remove"
                    | "shift_remove_entry"
                    | "swap_remove_entry"
            ) || (name == "swap_remove" && by_key_ref));
        let first = self.core.facts.accesses.len();
        for &g in guards {
            self.push_access(
                mc.method.span(),
                AccessTarget::Guard(g),
                kind,
                &name,
                field.clone(),
                value,
                arg_reads.clone(),
                None,
                None,
            );
        }
        // `set.insert(k);`: a set's insert (a map's takes a value too) whose result is dropped.
        let key_inserted = dropped && mc.args.len() == 1 && name == "insert";
        let key = match mc.args.first() {
            Some(a) if mc.args.len() == 1 && matches!(name.as_str(), "insert" | "contains") => {
                key_text(a)
            }
            _ => None,
        };
        for a in &mut self.core.facts.accesses[first..] {
            a.key = key.clone();
        }
        if SELF_DECIDING.contains(&name.as_str()) && mc.args.iter().all(uses_only_own_params) {
            for a in &mut self.core.facts.accesses[first..] {
                a.written = Written::SelfDecided;
            }
        }
        if key_removed || key_inserted {
            for a in &mut self.core.facts.accesses[first..] {
                a.written = if key_removed {
                    Written::KeyRemoved
                } else {
                    Written::KeyInserted
                };
            }
        }
    }

    /// A field read or deref of a guard's value (`g.available`, `*m.lock()`).
    pub(crate) fn guard_read(&mut self, guards: &[GuardId], e: &syn::Expr, op: &str) {
        let field = match peel(e) {
            syn::Expr::Field(f) => Some(member_name(&f.member)),
            _ => None,
        };
        for &g in guards {
            self.push_access(
                super::spans::expr_span(e),
                AccessTarget::Guard(g),
                AccessKind::Read,
                op,
                field.clone(),
                None,
                Vec::new(),
                None,
                None,
            );
        }
    }

    /// `*g = v`, `g.n += 1`, `*m.lock() = v`: a write through guards `guards`.
    pub(crate) fn guard_assign(
        &mut self,
        guards: &[GuardId],
        left: &syn::Expr,
        value: Option<&syn::Expr>,
        value_reads: Vec<AccessId>,
        op: &str,
    ) {
        let field = first_field(left);
        let span = super::spans::expr_span(left);
        // Asked only of a timestamp written through a guard (see `StateAccess::then_errs`), and
        // once for all the guards written through.
        let mut then_errs = None;
        for &g in guards {
            let before = self.core.facts.accesses.len();
            self.push_access(
                span,
                AccessTarget::Guard(g),
                AccessKind::Write,
                op,
                field.clone(),
                value,
                value_reads.clone(),
                None,
                None,
            );
            let pushed_clock = op == "assign"
                && self.core.facts.accesses.len() > before
                && self
                    .core
                    .facts
                    .accesses
                    .last()
                    .is_some_and(|a| a.written == Written::Clock);
            if pushed_clock {
                let errs = *then_errs.get_or_insert_with(|| {
                    crate::semantic::exit_path::error_exit_follows(
                        self.core.file,
                        Region::from_span(span).start_byte as usize,
                    )
                });
                if let Some(a) = self.core.facts.accesses.last_mut() {
                    a.then_errs = errs;
                }
            }
        }
    }

    /// An atomic operation: `load` reads, everything else writes.
    pub(crate) fn atomic_access(
        &mut self,
        mc: &syn::ExprMethodCall,
        op: &str,
        arg_reads: Vec<AccessId>,
    ) {
        let kind = if op == "load" {
            AccessKind::Read
        } else {
            AccessKind::Write
        };
        let value = (kind == AccessKind::Write)
            .then(|| mc.args.first())
            .flatten();
        let exclusive_root = self.exclusive_root(&mc.receiver);
        let local = self.local_use(&mc.receiver);
        let then_leaves = self.core.then_leaves == mc as *const syn::ExprMethodCall as usize;
        let before = self.core.facts.accesses.len();
        self.push_access(
            mc.method.span(),
            AccessTarget::Atomic(super::expr_text(&mc.receiver)),
            kind,
            op,
            None,
            value,
            arg_reads,
            exclusive_root,
            local,
        );
        if let Some(a) = self.core.facts.accesses.get_mut(before) {
            a.then_leaves = then_leaves;
        }
    }

    /// In a `&mut self`/`self` method, the `self.field` an expression goes through.
    pub(crate) fn exclusive_root(&self, receiver: &syn::Expr) -> Option<SelfField> {
        let exclusive = self
            .core
            .items
            .iter()
            .rfind(|i| i.is_fn)
            .is_some_and(|i| i.exclusive_self);
        if !exclusive {
            return None;
        }
        let root = self_field(receiver)?;
        let syn::Expr::Field(f) = peel(root) else {
            return None;
        };
        Some(SelfField {
            ty: self.core.ty_of(root),
            // Unknown owner of a tuple field: a name nothing hands out, so the method keeps it.
            name: self
                .field_key(&f.base, &f.member)
                .unwrap_or_else(|| member_name(&f.member)),
        })
    }

    /// Record a condition that read state (`reads`), deciding the code in `gated`. Writes whose
    /// result it tests become re-checks.
    pub(crate) fn record_decision(
        &mut self,
        cond: &syn::Expr,
        reads: Vec<AccessId>,
        gated: Vec<(u32, u32)>,
        memo: bool,
    ) {
        self.push_decision(cond, reads, gated, memo, false);
    }

    /// Record an `assert!`'s condition that read state: a [`Decision`] only for re-checks (see
    /// `Decision::assertion`), which decides no write and no body.
    pub(crate) fn record_assertion(
        &mut self,
        cond: &syn::Expr,
        reads: Vec<AccessId>,
        gated: Vec<(u32, u32)>,
    ) {
        self.push_decision(cond, reads, gated, false, true);
    }

    fn push_decision(
        &mut self,
        cond: &syn::Expr,
        reads: Vec<AccessId>,
        gated: Vec<(u32, u32)>,
        memo: bool,
        assertion: bool,
    ) {
        if reads.is_empty() {
            return;
        }
        let Some(body) = self.core.bodies.last_mut() else {
            return;
        };
        let body_id = body.id;
        let inline_fn = body.fn_id.filter(|_| body.inline);
        if !assertion {
            body.decided = true;
            for &r in &reads {
                if let Some(a) = self.core.facts.accesses.get_mut(r as usize)
                    && a.kind == AccessKind::Write
                {
                    a.decided = true;
                }
            }
        }
        let mut idents = std::collections::BTreeSet::new();
        collect_idents(quote::ToTokens::to_token_stream(cond), &mut idents);
        // `if new == *g { return }`: the local the state is compared with for equality.
        let compared = compared_locals(cond, &self.core.compared_bools);
        self.core.facts.decisions.push(Decision {
            compared,
            body: body_id,
            region: Region::from_span(super::spans::expr_span(cond)),
            reads,
            gated,
            memo,
            reports_outcome: false,
            side_effects_only: false,
            idents: idents.into_iter().collect(),
            assertion,
            try_claim: None,
            inline_fn,
        });
    }

    /// What a branch that leaves skips from `start` on: the rest of the innermost loop body
    /// (else of the fn body), but for the later arms and `else` branches of the `match`es and
    /// `if`s around it, which never run on the path that reached `start`.
    pub(crate) fn rest_after(&self, start: u32) -> Vec<(u32, u32)> {
        let end = self.rest_end();
        let mut out = Vec::new();
        let mut from = start;
        for (&(_, branch_end), &siblings_end) in self
            .core
            .branches
            .iter()
            .zip(&self.core.branch_siblings_end)
            .rev()
        {
            // A branch around the loop the rest is bounded by.
            if siblings_end > end {
                break;
            }
            if branch_end >= from && siblings_end > branch_end {
                out.push((from, branch_end));
                from = siblings_end;
            }
        }
        out.push((from, end));
        out
    }

    /// Enter an `if`/`else` branch or `match` arm spanning `range`, whose later siblings end
    /// at `siblings_end`.
    pub(crate) fn branch_enter(&mut self, range: (u32, u32), siblings_end: u32) {
        self.core.branches.push(range);
        self.core.branch_siblings_end.push(siblings_end);
    }

    pub(crate) fn branch_exit(&mut self) {
        self.core.branches.pop();
        self.core.branch_siblings_end.pop();
    }

    /// Where the code a leaving branch skips ends: the innermost loop body, else the fn body.
    pub(crate) fn rest_end(&self) -> u32 {
        self.core
            .body()
            .and_then(|b| b.loops.last())
            .map(|l| l.end)
            .unwrap_or(u32::MAX)
    }

    /// After `let pat = init;`: the names it bound carry what `init` read, and whether it has
    /// an identity.
    pub(crate) fn taint_bindings(&mut self, pat: &syn::Pat, init: &syn::Expr, reads: &[AccessId]) {
        let single = matches!(pat, syn::Pat::Ident(_))
            || matches!(pat, syn::Pat::Type(pt) if matches!(&*pt.pat, syn::Pat::Ident(_)));
        let identity = single && self.is_identity(init, 0);
        if reads.is_empty() && !identity {
            return;
        }
        let mut names = Vec::new();
        pat_names(pat, &mut names);
        for n in names {
            if let Some((_, b)) = self.core.env.lookup_mut(&n) {
                b.reads = reads.to_vec();
                b.identity = identity;
            }
        }
    }

    /// A call of a crate fn in a body that decided on state: `self.helper(..)`, `helper(..)`,
    /// `Self::helper(..)`.
    pub(crate) fn record_gated_call(&mut self, callee: String, span: proc_macro2::Span) {
        let Some(body) = self.core.body() else { return };
        if !body.decided || !body.flow.reachable {
            return;
        }
        let (body_id, held) = (body.id, body.flow.held());
        let region = Region::from_span(span);
        let snippet = self.core.src.snippet(&region);
        self.core.facts.gated_calls.push(GatedCall {
            body: body_id,
            region,
            callee,
            held,
            snippet,
        });
    }

    /// The impl type the current fn belongs to (`Scheduler`), as `Acquisition::function` names it.
    pub(crate) fn impl_name(&self) -> Option<String> {
        let fn_pos = self.core.items.iter().rposition(|i| i.is_fn)?;
        self.core.items[..fn_pos]
            .iter()
            .rev()
            .find(|i| i.self_ty.is_some())
            .map(|i| i.name.clone())
    }
}

/// Byte range of a block or expression.
pub(crate) fn range_of(span: proc_macro2::Span) -> (u32, u32) {
    let r = Region::from_span(span);
    (r.start_byte, r.end_byte)
}

/// The key a set is asked about or given, as text, with borrows, derefs and copies peeled
/// (`&id`, `*id`, `id.clone()`, `word.to_vec()` are all `id`/`word`).
fn key_text(e: &syn::Expr) -> Option<String> {
    let mut e = e;
    loop {
        match e {
            syn::Expr::Reference(r) => e = &r.expr,
            syn::Expr::Paren(p) => e = &p.expr,
            syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => e = &u.expr,
            syn::Expr::MethodCall(mc)
                if mc.args.is_empty()
                    && matches!(
                        mc.method.to_string().as_str(),
                        "clone"
                            | "to_vec"
                            | "to_owned"
                            | "to_string"
                            | "into"
                            | "as_ref"
                            | "as_str"
                            | "as_bytes"
                    ) =>
            {
                e = &mc.receiver
            }
            _ => break,
        }
    }
    Some(quote::ToTokens::to_token_stream(e).to_string())
}

/// A plain local binding's name (`available` in `*g = available`): lowercase, one segment.
fn local_name(e: &syn::Expr) -> Option<String> {
    let syn::Expr::Path(p) = peel(e) else {
        return None;
    };
    let id = p.path.get_ident()?.to_string();
    (p.qself.is_none()
        && id.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && id != "self")
        .then_some(id)
}

/// See `Decision::try_claim`: for an `if`'s condition.
pub(crate) fn try_claim(cond: &syn::Expr) -> Option<bool> {
    const CLAIM_VERBS: &[&str] = &[
        "mark", "claim", "reserve", "insert", "acquire", "register", "add", "push", "begin",
        "start", "enter", "put", "lease", "book", "take", "set", "occupy", "admit", "schedule",
    ];
    // `try_mark`, `try_reserve_slot`: a claim verb, alone or first.
    let claims = |e: &syn::Expr| {
        let syn::Expr::MethodCall(mc) = peel(e) else {
            return false;
        };
        let name = mc.method.to_string();
        name.strip_prefix("try_").is_some_and(|verb| {
            CLAIM_VERBS.iter().any(|v| {
                verb.strip_prefix(v)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('_'))
            })
        })
    };
    match peel(cond) {
        syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Not(_)) => claims(&u.expr).then_some(true),
        e => claims(e).then_some(false),
    }
}

/// The locals an `==`/`!=` condition compares with, through `&&` (each comparison of
/// `!forced && dim == p.dim && pos == p.pos`). None when a conjunct is anything but such a
/// comparison, a `let` pattern or a (negated) bool local: an ordering test (`offset <=
/// cur.offset`) makes it no change check. A bool local bound to such a comparison (`bound`,
/// see `Core::compared_bools`) compares what that comparison does.
pub(super) fn compared_locals(cond: &syn::Expr, bound: &[(String, Vec<String>)]) -> Vec<String> {
    fn conjuncts(e: &syn::Expr, bound: &[(String, Vec<String>)], out: &mut Vec<String>) -> bool {
        match peel(e) {
            syn::Expr::Binary(b) if matches!(b.op, syn::BinOp::Eq(_) | syn::BinOp::Ne(_)) => {
                // `guard.as_ref() != &creds`: a borrowed local is that local, and so is one in
                // `Some(..)` (`cache.get(&id) != Some(update)`, a map's entry compared).
                fn side(e: &syn::Expr) -> Option<String> {
                    match peel(e) {
                        syn::Expr::Reference(r) => side(&r.expr),
                        syn::Expr::Call(c)
                            if c.args.len() == 1
                                && crate::semantic::syntax::path_last_ident(&c.func)
                                    .is_some_and(|i| i == "Some") =>
                        {
                            c.args.first().and_then(side)
                        }
                        e => local_name(e),
                    }
                }
                out.extend([&*b.left, &*b.right].into_iter().filter_map(side));
                true
            }
            syn::Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_)) => {
                conjuncts(&b.left, bound, out) && conjuncts(&b.right, bound, out)
            }
            syn::Expr::Let(_) => true,
            syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Not(_)) => {
                conjuncts(&u.expr, bound, out)
            }
            other => match local_name(other) {
                Some(name) => {
                    if let Some((_, locals)) = bound.iter().rev().find(|(n, _)| *n == name) {
                        out.extend(locals.iter().cloned());
                    }
                    true
                }
                None => false,
            },
        }
    }
    let mut out = Vec::new();
    if conjuncts(cond, bound, &mut out) {
        out
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use crate::semantic::facts::{AccessKind, AccessTarget};

    use crate::semantic::walk::facts_of as facts;

    fn line_of(text: &str, byte: u32) -> usize {
        text[..byte as usize].matches('\n').count() + 1
    }

    #[test]
    fn a_bound_condition_decides_the_rest_of_the_body() {
        let text = "fn f(q: &std::sync::Mutex<Vec<u8>>, max: usize) {\n\
                    let full = q.lock().unwrap().len() >= max;\n\
                    if full { return; }\n\
                    q.lock().unwrap().push(1);\n\
                    }\n";
        let f = facts(text);
        assert_eq!(f.decisions.len(), 1, "{:?}", f.decisions);
        let d = &f.decisions[0];
        let read = &f.accesses[d.reads[0] as usize];
        assert_eq!((read.op.as_str(), read.kind), ("len", AccessKind::Read));
        let push = f.accesses.iter().find(|a| a.op == "push").expect("push");
        assert_eq!(push.kind, AccessKind::Write);
        assert!(d.gates(&push.region), "{d:?} {push:?}");
        assert_eq!(line_of(text, push.region.start_byte), 4);
    }

    #[test]
    fn a_carried_value_or_a_fn_result_is_no_condition() {
        let f = facts(
            "fn f(lc: &std::sync::RwLock<L>, live: &[u64]) {\n\
             let id = lc.read().unwrap().id.clone();\n\
             lc.write().unwrap().name = id;\n\
             let snap = lc.read().unwrap().seen.clone();\n\
             let stale = stale_ids(&snap, live);\n\
             if stale.is_empty() { return; }\n\
             }\n",
        );
        // `stale_ids(..)` may return a guard (the crate phase decides): a decision on it is
        // fine, one on what `lc.read()` gave is not.
        let through_read = |id: &u32| {
            matches!(f.accesses[*id as usize].target, AccessTarget::Guard(g)
                if f.acquisitions.iter().any(|a| a.id == g && a.method == "read"))
        };
        let reads: Vec<&u32> = f.decisions.iter().flat_map(|d| &d.reads).collect();
        assert!(!reads.is_empty(), "the fn result is still tested");
        assert!(!reads.into_iter().any(through_read), "{:?}", f.decisions);
    }

    #[test]
    fn an_assigned_place_is_not_read() {
        let f = facts(
            "fn f(m: &std::sync::Mutex<S>) {\n\
             let mut g = m.lock().unwrap();\n\
             g.running = None;\n\
             *g = S::default();\n\
             g.count += 1;\n\
             }\n",
        );
        let ops: Vec<(&str, AccessKind)> =
            f.accesses.iter().map(|a| (a.op.as_str(), a.kind)).collect();
        assert_eq!(
            ops,
            [
                ("assign", AccessKind::Write),
                ("assign", AccessKind::Write),
                ("field", AccessKind::Read),
                ("compound", AccessKind::Write),
            ]
        );
    }

    #[test]
    fn a_write_whose_result_is_tested_is_decided() {
        let f = facts(
            "fn f(s: &std::sync::Mutex<std::collections::HashSet<u64>>, id: u64) -> bool {\n\
             if !s.lock().unwrap().insert(id) { return false; }\n\
             let prev = s.lock().unwrap().remove(&id);\n\
             if prev { return true; }\n\
             s.lock().unwrap().clear();\n\
             true\n\
             }\n",
        );
        let decided: Vec<(&str, bool)> = f
            .accesses
            .iter()
            .map(|a| (a.op.as_str(), a.decided))
            .collect();
        assert_eq!(
            decided,
            [("insert", true), ("remove", true), ("clear", false)]
        );
        assert!(f.decisions.iter().all(|d| d.reports_outcome));
    }
}
