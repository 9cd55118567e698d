//! Small syntax helpers shared by the walker and the rules.

use std::collections::BTreeSet;

use proc_macro2::{Literal, TokenStream, TokenTree};

/// An expression without its parentheses and invisible groups: `((x))` → `x`.
pub fn peel(e: &syn::Expr) -> &syn::Expr {
    match e {
        syn::Expr::Paren(p) => peel(&p.expr),
        syn::Expr::Group(g) => peel(&g.expr),
        _ => e,
    }
}

/// An expression without its parentheses and one `.await`: `rx.recv().await` → `rx.recv()`.
pub fn peel_await(e: &syn::Expr) -> &syn::Expr {
    match peel(e) {
        syn::Expr::Await(a) => peel(&a.base),
        other => other,
    }
}

/// The terminal name of a plain variable or field (`key`, `cfg.tls_key`), through `&`, `*`,
/// parentheses and the pass-through methods `through` (`.clone()`, `.as_str()`, ...).
pub fn plain_value_name(e: &syn::Expr, through: &[&str]) -> Option<String> {
    match e {
        syn::Expr::Reference(r) => plain_value_name(&r.expr, through),
        syn::Expr::Paren(p) => plain_value_name(&p.expr, through),
        syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => {
            plain_value_name(&u.expr, through)
        }
        syn::Expr::Path(p) if p.qself.is_none() => p.path.get_ident().map(|i| i.to_string()),
        syn::Expr::Field(f) => match &f.member {
            syn::Member::Named(m) => Some(m.to_string()),
            syn::Member::Unnamed(_) => None,
        },
        syn::Expr::MethodCall(mc) if through.contains(&mc.method.to_string().as_str()) => {
            plain_value_name(&mc.receiver, through)
        }
        _ => None,
    }
}

/// An expression without its parentheses, `.await`s and `?`s: `client.query(q).await?` →
/// `client.query(q)`.
pub fn peel_await_try(e: &syn::Expr) -> &syn::Expr {
    match peel(e) {
        syn::Expr::Await(a) => peel_await_try(&a.base),
        syn::Expr::Try(t) => peel_await_try(&t.expr),
        e => e,
    }
}

/// The last segment of a `::`-separated path (`spawn` of `tokio::task::spawn`), the whole
/// path if it has one. A byte search for the last `:`: the walker asks this of most calls it
/// sees, and a `"::"` substring search set up a searcher each time.
pub fn last_segment(path: &str) -> &str {
    split_last(path).1
}

/// Whether a called fn (its resolved path) runs a future to completion on the calling thread:
/// `block_on`, and another crate's executor under another name
/// (`fluvio_future::task::run_block_on`); a crate's own `place_block_on` is its business.
pub fn is_block_on_path(path: &str) -> bool {
    let name = last_segment(path);
    name == "block_on"
        || (name.ends_with("_block_on") && path.contains("::") && !path.starts_with("crate::"))
}

/// Another crate's executor fn that runs the future it is handed alone on the calling thread,
/// no runtime's tasks beside it (`futures::executor::block_on`, `pollster::block_on`,
/// `async_std::task::block_on`, `fluvio_future::task::run_block_on`). Not tokio's
/// (`tokio_test::block_on`, `Runtime::block_on(&rt, f)`: a runtime whose tasks may share the
/// thread), nor a crate's own wrapper, which may be either.
pub fn is_free_executor(path: &str) -> bool {
    const EXECUTORS: &[&str] = &[
        "futures",
        "futures_executor",
        "futures_lite",
        "pollster",
        "async_std",
        "smol",
        "async_global_executor",
        "async_io",
        "fluvio_future",
    ];
    is_block_on_path(path) && EXECUTORS.contains(&path.split("::").next().unwrap_or(path))
}

/// Another crate's entry point that a sync `main` hands its future to, which builds a runtime
/// and runs the future with its `block_on` on the calling thread (`oxide_tokio_rt::run(run())`):
/// the future is its only argument, or the second after a runtime builder to a `run*` entry
/// (`run_builder(&mut builder, run())`; a `supervisor::start(handle, serve())` may spawn it on
/// that handle); no spawn, nothing of std, and no runtime that runs every task on the calling
/// thread ([`runs_on_one_thread`]). `arg`: the future's position among `argc` arguments.
pub fn runner_entry(path: &str, argc: usize, arg: usize) -> bool {
    let name = last_segment(path);
    (argc == 1 && arg == 0 || argc == 2 && arg == 1 && name.starts_with("run"))
        && !name.contains("spawn")
        && !["std::", "core::", "alloc::"]
            .iter()
            .any(|r| path.starts_with(r))
        && !runs_on_one_thread(path)
}

/// The `async` block (its address) that a sync `main`'s last statement or value hands to a
/// call as its last argument (`oxide_tokio_rt::run(async { .. })`, also under `?`, `return`,
/// `.unwrap()`/`.expect(..)`); 0 if there is none. A call of a type's constructor
/// (`Either::Left(async { .. })`) hands nothing to run.
pub fn main_runner_block(block: &syn::Block) -> usize {
    let Some(syn::Stmt::Expr(last, _)) = block.stmts.last() else {
        return 0;
    };
    let mut e = peel(last);
    loop {
        e = match e {
            syn::Expr::Try(t) => peel(&t.expr),
            syn::Expr::Return(syn::ExprReturn { expr: Some(v), .. }) => peel(v),
            syn::Expr::MethodCall(mc)
                if matches!(mc.method.to_string().as_str(), "unwrap" | "expect") =>
            {
                peel(&mc.receiver)
            }
            _ => break,
        };
    }
    let syn::Expr::Call(c) = e else { return 0 };
    let lowercase_fn = path_segments(&c.func).is_some_and(|s| {
        s.len() >= 2
            && s.last()
                .is_some_and(|l| l.starts_with(|ch: char| ch.is_ascii_lowercase()))
    });
    match c.args.last().map(peel) {
        Some(syn::Expr::Async(ab)) if lowercase_fn => ab as *const syn::ExprAsync as usize,
        _ => 0,
    }
}

/// A runtime whose entry point runs the future and every task it spawns on the calling thread
/// (`tokio_uring::start`, monoio's, glommio's, compio's, actix's `System`): blocking there
/// stalls them all, as on a current-thread runtime.
fn runs_on_one_thread(path: &str) -> bool {
    let root = path.split("::").next().unwrap_or(path);
    matches!(
        root,
        "tokio_uring" | "monoio" | "glommio" | "compio" | "actix_rt" | "actix_web" | "ntex"
    )
}

/// A clock read by its resolved path: `now`/`now_utc` of a clock or timestamp type
/// (`std::time::SystemTime::now`, `chrono::Utc::now`, `time::OffsetDateTime::now_utc`).
pub fn is_clock_read(path: &str) -> bool {
    let (owner, name) = split_last(path);
    matches!(name, "now" | "now_utc" | "now_local")
        && owner.is_some_and(|o| {
            matches!(
                last_segment(o),
                "Instant"
                    | "SystemTime"
                    | "Utc"
                    | "Local"
                    | "OffsetDateTime"
                    | "Timestamp"
                    | "Zoned"
                    | "DateTime"
                    | "NaiveDateTime"
            )
        })
}

/// A path split before its last segment: `(Some("tokio::task"), "spawn")`, `(None, "spawn")`.
pub fn split_last(path: &str) -> (Option<&str>, &str) {
    match memchr::memrchr(b':', path.as_bytes()) {
        Some(i) => {
            let head = path[..i].strip_suffix(':').unwrap_or(&path[..i]);
            (Some(head), &path[i + 1..])
        }
        None => (None, path),
    }
}

/// A field's name as written: `name`, or `0` for a tuple field.
pub fn member_name(m: &syn::Member) -> String {
    match m {
        syn::Member::Named(i) => i.to_string(),
        syn::Member::Unnamed(i) => i.index.to_string(),
    }
}

/// The segment names of a path expression (`Result::ok` → `["Result", "ok"]`), or `None` for
/// any other expression.
pub fn path_segments(e: &syn::Expr) -> Option<Vec<String>> {
    let syn::Expr::Path(p) = peel(e) else {
        return None;
    };
    Some(
        p.path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect(),
    )
}

/// Every identifier in a token stream, nested groups included — what "is this name used" means
/// inside macro bodies racewise cannot parse. Attributes (doc comments among them) are skipped.
pub fn collect_idents(tokens: TokenStream, out: &mut BTreeSet<String>) {
    let mut attr = false;
    for tt in tokens {
        match tt {
            TokenTree::Ident(i) => {
                out.insert(i.to_string());
            }
            // `#[doc = ".."]` (a doc comment) and other attributes name no value.
            TokenTree::Group(g) if attr && g.delimiter() == proc_macro2::Delimiter::Bracket => {}
            TokenTree::Group(g) => collect_idents(g.stream(), out),
            TokenTree::Punct(ref p) if p.as_char() == '#' => {
                attr = true;
                continue;
            }
            TokenTree::Punct(ref p) if attr && p.as_char() == '!' => continue,
            _ => {}
        }
        attr = false;
    }
}

/// Each single-name path an expression reads that may be a local (`first` in
/// `q.front() != Some(first)`; not `Self`, `None` or `MAX`), and each lowercase identifier in
/// its macros' tokens (where a local may hide as well as a field).
pub fn for_each_local_path(e: &syn::Expr, f: &mut impl FnMut(&str)) {
    struct Paths<'f, F>(&'f mut F);
    impl<'a, F: FnMut(&str)> syn::visit::Visit<'a> for Paths<'_, F> {
        fn visit_expr_path(&mut self, p: &'a syn::ExprPath) {
            if p.qself.is_none()
                && let Some(i) = p.path.get_ident()
            {
                let name = i.to_string();
                if name.starts_with(|c: char| c.is_lowercase() || c == '_') && name != "self" {
                    (self.0)(&name);
                }
            }
        }
        fn visit_macro(&mut self, m: &'a syn::Macro) {
            let mut idents = BTreeSet::new();
            collect_idents(m.tokens.clone(), &mut idents);
            for name in idents
                .iter()
                .filter(|n| n.starts_with(|c: char| c.is_lowercase() || c == '_'))
            {
                (self.0)(name);
            }
        }
    }
    syn::visit::Visit::visit_expr(&mut Paths(f), e);
}

/// Names a pattern binds (`x`, `(a, b)`, `Some(x)`, `Json(Login { password, .. })`,
/// `ref mut x`, `a @ Some(_)`), in source order; `_` binds nothing.
pub fn pat_names(p: &syn::Pat, out: &mut Vec<String>) {
    match p {
        syn::Pat::Ident(pi) => {
            out.push(pi.ident.to_string());
            if let Some((_, sub)) = &pi.subpat {
                pat_names(sub, out);
            }
        }
        syn::Pat::Type(pt) => pat_names(&pt.pat, out),
        syn::Pat::Reference(r) => pat_names(&r.pat, out),
        syn::Pat::Paren(pp) => pat_names(&pp.pat, out),
        syn::Pat::Tuple(t) => t.elems.iter().for_each(|e| pat_names(e, out)),
        syn::Pat::TupleStruct(t) => t.elems.iter().for_each(|e| pat_names(e, out)),
        syn::Pat::Slice(s) => s.elems.iter().for_each(|e| pat_names(e, out)),
        syn::Pat::Or(o) => o.cases.iter().for_each(|e| pat_names(e, out)),
        syn::Pat::Struct(s) => s.fields.iter().for_each(|f| pat_names(&f.pat, out)),
        _ => {}
    }
}

/// Whether `ident` occurs as an identifier token anywhere in `tokens`, nested groups included.
pub fn mentions_ident(tokens: TokenStream, ident: &str) -> bool {
    any_ident(tokens, &|i| i == ident)
}

/// How often `ident` occurs as an identifier token in `tokens`, nested groups included.
pub fn count_ident(tokens: TokenStream, ident: &str) -> usize {
    tokens
        .into_iter()
        .map(|t| match t {
            TokenTree::Ident(i) => usize::from(i == ident),
            TokenTree::Group(g) => count_ident(g.stream(), ident),
            _ => 0,
        })
        .sum()
}

/// Whether `tokens` call a task spawn (`spawn`, `spawn_local`, `spawn_on`; not
/// `spawn_blocking`, whose closure runs on a thread of its own) with arguments naming `ident`.
pub fn spawns_with(tokens: TokenStream, ident: &str) -> bool {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    trees.iter().enumerate().any(|(i, t)| match t {
        TokenTree::Ident(id) => {
            let name = id.to_string();
            is_spawn(&name)
                && !name.starts_with("spawn_blocking")
                && matches!(trees.get(i + 1), Some(TokenTree::Group(g))
                    if g.delimiter() == proc_macro2::Delimiter::Parenthesis
                        && mentions_ident(g.stream(), ident))
        }
        TokenTree::Group(g) => spawns_with(g.stream(), ident),
        _ => false,
    })
}

/// Whether any of `idents` occurs as an identifier token anywhere in `tokens`.
pub fn mentions_any_ident(tokens: TokenStream, idents: &[&str]) -> bool {
    any_ident(tokens, &|i| idents.iter().any(|n| i == n))
}

/// Whether an identifier token anywhere in `tokens` (nested groups included) satisfies `f`.
pub fn any_ident(tokens: TokenStream, f: &dyn Fn(&proc_macro2::Ident) -> bool) -> bool {
    tokens.into_iter().any(|t| match t {
        TokenTree::Ident(i) => f(&i),
        TokenTree::Group(g) => any_ident(g.stream(), f),
        _ => false,
    })
}

/// Mentions of `name` as a binding in tokens: not a field or method (`x.rx`), not a path
/// segment (`rx::f`, `m::rx`), not a struct field's name (`rx: value`).
pub fn binding_mentions(tokens: TokenStream, name: &str) -> usize {
    binding_uses(tokens, name).0
}

/// [`binding_mentions`], and how many of them are a method call's receiver (`name.f(..)`).
fn binding_uses(tokens: TokenStream, name: &str) -> (usize, usize) {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let (mut mentions, mut receivers) = (0, 0);
    for (i, tt) in trees.iter().enumerate() {
        match tt {
            TokenTree::Group(g) => {
                let (m, r) = binding_uses(g.stream(), name);
                mentions += m;
                receivers += r;
            }
            TokenTree::Ident(id) if id == name => {
                let punct = |j: Option<usize>| match j.and_then(|j| trees.get(j)) {
                    Some(TokenTree::Punct(p)) => Some(p.as_char()),
                    _ => None,
                };
                let at = |k: isize| punct(i.checked_add_signed(k));
                let path_before = at(-1) == Some(':') && at(-2) == Some(':');
                let path_after = at(1) == Some(':') && at(2) == Some(':');
                let field_name = at(1) == Some(':') && !path_after;
                if at(-1) != Some('.') && !path_before && !path_after && !field_name {
                    mentions += 1;
                    receivers += usize::from(at(1) == Some('.'));
                }
            }
            _ => {}
        }
    }
    (mentions, receivers)
}

/// Whether `block` declares `name` with a `let` and otherwise only calls methods on it
/// (`js.spawn(..)`, `js.join_next().await`): the value is never returned, stored or handed on,
/// so it is dropped when the block ends.
pub fn local_used_only_by_methods(block: &syn::Block, name: &str) -> bool {
    struct Lets<'n> {
        name: &'n str,
        found: bool,
    }
    impl<'ast> syn::visit::Visit<'ast> for Lets<'_> {
        fn visit_local(&mut self, l: &'ast syn::Local) {
            if let syn::Pat::Ident(p) = strip_pat_type(&l.pat) {
                self.found |= p.ident == self.name;
            }
            syn::visit::visit_local(self, l);
        }
        fn visit_item(&mut self, _: &'ast syn::Item) {}
    }
    let mut lets = Lets { name, found: false };
    syn::visit::Visit::visit_block(&mut lets, block);
    // One mention may be the `let` itself (not counted when it has a type: `js: JoinSet<_>`);
    // every other one must be followed by a method call.
    let (mentions, receivers) = binding_uses(quote::ToTokens::to_token_stream(block), name);
    lets.found && mentions <= receivers + 1
}

/// Whether a condition holds a `let` (`if let ..`, `while a && let Some(x) = b`).
pub fn has_let(e: &syn::Expr) -> bool {
    match peel(e) {
        syn::Expr::Let(_) => true,
        syn::Expr::Binary(b) => has_let(&b.left) || has_let(&b.right),
        _ => false,
    }
}

/// A string literal token as a `LitStr` (`None` for other literals), without a parser run.
pub fn lit_str(l: &Literal) -> Option<syn::LitStr> {
    match syn::Lit::new(l.clone()) {
        syn::Lit::Str(s) => Some(s),
        _ => None,
    }
}

/// Parse tokens as an expression: built directly when it has one of the usual shapes of macro
/// arguments ([`super::quick_expr`]), by syn's parser otherwise.
pub fn parse_expr(trees: &[TokenTree]) -> Option<syn::Expr> {
    super::quick_expr::build(trees)
        .or_else(|| syn::parse2::<syn::Expr>(trees.iter().cloned().collect()).ok())
}

/// Whether the binding `name` in scope at the start of `block` (a parameter) is used in it: a
/// path expression `name` that no inner binding of the same name shadows — a `let`, a closure
/// parameter, a `match`/`if let`/`while let`/`for` pattern. A field (`self.name`), a method
/// (`x.name()`) or a path with more segments (`name::f`) is not the binding. Inside a macro's
/// tokens every `name` not after a `.` counts (its grammar is unknown).
pub fn uses_binding(block: &syn::Block, name: &str) -> bool {
    uses_binding_in(&block.stmts, name)
}

/// [`uses_binding`] over statements: the rest of a block after the `let` that binds `name`.
pub fn uses_binding_in(stmts: &[syn::Stmt], name: &str) -> bool {
    let mut v = BindingUse {
        name,
        shadowed: false,
        used: false,
        site: None,
    };
    v.visit_stmts(stmts);
    v.used
}

/// Whether `stmts` use the binding `name` (shadowing as in [`uses_binding`]) in an expression
/// `site` accepts: `site(e, name)` sees each expression and says whether it is such a use (say,
/// `name.unwrap_or(..)`). Uses inside macro tokens do not count: their grammar is unknown.
pub fn uses_binding_where(
    stmts: &[syn::Stmt],
    name: &str,
    site: fn(&syn::Expr, &str) -> bool,
) -> bool {
    let mut v = BindingUse {
        name,
        shadowed: false,
        used: false,
        site: Some(site),
    };
    v.visit_stmts(stmts);
    v.used
}

/// The parameters a fn's own body calls in place (bit `i`: the `i`-th after `self`): in an
/// async fn a call awaited right there (`match init().await`), in a sync fn any call
/// (`f(item)`), neither inside a closure, an async block or a nested item (those run it
/// elsewhere, or later) — and nothing else: a parameter also mentioned any other way (handed
/// on, stored, spawned, named in a macro) or shadowed by a binding of the same name anywhere in
/// the body is not in place. `candidates` are the parameters worth a look (`(position, name)`):
/// the caller picks those whose name the body's text follows with `(`.
pub fn params_called_in_place(
    block: &syn::Block,
    is_async: bool,
    candidates: &[(u8, String)],
) -> u64 {
    struct InPlace<'a> {
        candidates: &'a [(u8, String)],
        awaited_only: bool,
        /// Inside a closure or an async block: what is called there runs elsewhere, or later.
        deferred: u32,
        calls: Vec<u32>,
        mentions: Vec<u32>,
        rebound: Vec<bool>,
    }
    impl InPlace<'_> {
        fn param(&self, ident: &proc_macro2::Ident) -> Option<usize> {
            self.candidates.iter().position(|(_, n)| ident == n)
        }
        fn param_call(&mut self, c: &syn::ExprCall) {
            if self.deferred == 0
                && let syn::Expr::Path(p) = &*c.func
                && p.qself.is_none()
                && let Some(k) = p.path.get_ident().and_then(|i| self.param(i))
            {
                self.calls[k] += 1;
            }
        }
        fn deferred(&mut self, visit: impl FnOnce(&mut Self)) {
            self.deferred += 1;
            visit(self);
            self.deferred -= 1;
        }
    }
    impl<'ast> syn::visit::Visit<'ast> for InPlace<'_> {
        fn visit_expr_await(&mut self, aw: &'ast syn::ExprAwait) {
            if self.awaited_only
                && let syn::Expr::Call(c) = peel(&aw.base)
            {
                self.param_call(c);
            }
            syn::visit::visit_expr_await(self, aw);
        }
        fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
            if !self.awaited_only {
                self.param_call(c);
            }
            syn::visit::visit_expr_call(self, c);
        }
        fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
            if p.qself.is_none()
                && let Some(k) = p.path.get_ident().and_then(|i| self.param(i))
            {
                self.mentions[k] += 1;
            }
            syn::visit::visit_expr_path(self, p);
        }
        fn visit_pat_ident(&mut self, p: &'ast syn::PatIdent) {
            if let Some(k) = self.param(&p.ident) {
                self.rebound[k] = true;
            }
            syn::visit::visit_pat_ident(self, p);
        }
        fn visit_macro(&mut self, m: &'ast syn::Macro) {
            // Whatever a macro does with the name, it is no call seen in place.
            for (k, (_, name)) in self.candidates.iter().enumerate() {
                if mentions_ident(m.tokens.clone(), name) {
                    self.mentions[k] += 1;
                }
            }
        }
        fn visit_expr_closure(&mut self, c: &'ast syn::ExprClosure) {
            self.deferred(|v| syn::visit::visit_expr_closure(v, c));
        }
        fn visit_expr_async(&mut self, a: &'ast syn::ExprAsync) {
            self.deferred(|v| syn::visit::visit_expr_async(v, a));
        }
        fn visit_item(&mut self, _: &'ast syn::Item) {}
    }
    if candidates.is_empty() {
        return 0;
    }
    let mut v = InPlace {
        candidates,
        awaited_only: is_async,
        deferred: 0,
        calls: vec![0; candidates.len()],
        mentions: vec![0; candidates.len()],
        rebound: vec![false; candidates.len()],
    };
    syn::visit::Visit::visit_block(&mut v, block);
    let mut found = 0u64;
    for (k, (i, _)) in candidates.iter().enumerate() {
        if *i < 64 && v.calls[k] > 0 && v.calls[k] == v.mentions[k] && !v.rebound[k] {
            found |= 1 << i;
        }
    }
    found
}

/// Methods that wrap a future in one polled right where the wrapper is: tracing's
/// `instrument(span)` and `in_current_span()`, futures' `boxed()`, `boxed_local()`, `fuse()`.
const FUTURE_ADAPTERS: &[&str] = &[
    "instrument",
    "in_current_span",
    "boxed",
    "boxed_local",
    "fuse",
];

/// Combinators of futures' `FutureExt`/`TryFutureExt` whose future polls the one it wraps in
/// place, and the `AssertUnwindSafe(..)` a `catch_unwind` needs: `AssertUnwindSafe(run(s))
/// .catch_unwind().map_err(Error::from_panic).unwrap_or_else(Err).boxed()`. Their names are
/// `Result`'s and `Option`'s too, so they mark no future by themselves (see
/// [`peel_future_adapters_marked`]).
const FUTURE_COMBINATORS: &[&str] = &[
    "catch_unwind",
    "map_err",
    "map_ok",
    "err_into",
    "ok_into",
    "inspect_err",
    "inspect_ok",
    "unwrap_or_else",
];

/// The future under adapters that poll it right where they are polled: tracing's
/// `run().instrument(span)` (see [`FUTURE_ADAPTERS`]), `Box::pin(run())`, and the
/// [`FUTURE_COMBINATORS`]. For an expression known to be a future (awaited, handed over as one).
pub fn peel_future_adapters(e: &syn::Expr) -> &syn::Expr {
    peel_future_adapters_marked(e).0
}

/// [`peel_future_adapters`], and whether a [`FUTURE_ADAPTERS`] method (`boxed()`,
/// `instrument(..)`: named for futures and streams, not for `Result`s) or `Box::pin(..)` was
/// peeled: what marks a returned value as a future where nothing else says so.
pub fn peel_future_adapters_marked(e: &syn::Expr) -> (&syn::Expr, bool) {
    let mut e = peel(e);
    let mut marked = false;
    loop {
        e = match e {
            syn::Expr::MethodCall(mc)
                if mc.args.len() <= 1
                    && FUTURE_ADAPTERS.contains(&mc.method.to_string().as_str()) =>
            {
                marked = true;
                peel(&mc.receiver)
            }
            syn::Expr::MethodCall(mc)
                if mc.args.len() <= 1
                    && FUTURE_COMBINATORS.contains(&mc.method.to_string().as_str()) =>
            {
                peel(&mc.receiver)
            }
            syn::Expr::Call(c) if c.args.len() == 1 => match path_segments(&c.func) {
                Some(s) if s.len() >= 2 && s[s.len() - 2] == "Box" && s[s.len() - 1] == "pin" => {
                    marked = true;
                    peel(&c.args[0])
                }
                Some(s) if s.last().is_some_and(|l| l == "AssertUnwindSafe") => peel(&c.args[0]),
                _ => return (e, marked),
            },
            other => return (other, marked),
        };
    }
}

/// The calls a block awaits in its own code (`cmd.execute().await` in `async move {
/// cmd.execute().await }`), not in a closure, a nested async block, an item or a macro: they
/// run wherever the block runs.
pub fn awaited_in_place(block: &syn::Block) -> Vec<&syn::Expr> {
    struct Awaited<'a> {
        out: Vec<&'a syn::Expr>,
    }
    impl<'a> syn::visit::Visit<'a> for Awaited<'a> {
        fn visit_expr_await(&mut self, aw: &'a syn::ExprAwait) {
            let base = peel(&aw.base);
            if matches!(base, syn::Expr::Call(_) | syn::Expr::MethodCall(_)) {
                self.out.push(base);
            }
            syn::visit::visit_expr_await(self, aw);
        }
        fn visit_expr_closure(&mut self, _: &'a syn::ExprClosure) {}
        fn visit_expr_async(&mut self, _: &'a syn::ExprAsync) {}
        fn visit_item(&mut self, _: &'a syn::Item) {}
    }
    let mut v = Awaited { out: Vec::new() };
    syn::visit::Visit::visit_block(&mut v, block);
    v.out
}

/// The bindings of a fn that hold a value it owns alone: a `let` of the fn's own statements
/// made fresh by a type's `new()`, `empty()` or `default()` with no arguments (`let gns =
/// GnsData::empty();`; not `Arc::new(..)`, not `Registry::global()`); whether that type is a
/// plain struct of the workspace is the crate index's to say (`CrateCx::owned_alone`). None
/// when the body may run code beside the fn on a borrow of it or on what it hands a task (a
/// scoped thread, rayon, any spawn), and a binding the body clones (`gns.clone()`,
/// `Arc::clone(&gns)`, any mention in a macro) or binds twice is left out. A by-value parameter
/// is not one: a handle type passed by value (`pool: Pool`) may be a clone another holder
/// shares.
pub fn owned_locals(sig: &syn::Signature, block: &syn::Block) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for stmt in &block.stmts {
        let syn::Stmt::Local(local) = stmt else {
            continue;
        };
        let (syn::Pat::Ident(pi), Some(init)) = (strip_pat_type(&local.pat), &local.init) else {
            continue;
        };
        // A fresh value made of nothing handed in: `Catalog::new()`, `::empty()`, `::default()`.
        let made = match peel(&init.expr) {
            syn::Expr::Call(c) => {
                c.args.is_empty()
                    && path_segments(&c.func).is_some_and(|segs| {
                        segs.len() >= 2
                            && segs[segs.len() - 2].starts_with(|c: char| c.is_ascii_uppercase())
                            && !matches!(segs[segs.len() - 2].as_str(), "Arc" | "Rc" | "Box")
                            && matches!(segs[segs.len() - 1].as_str(), "new" | "empty" | "default")
                    })
            }
            _ => false,
        };
        if made && init.diverge.is_none() {
            names.push(pi.ident.to_string());
        }
    }
    if names.is_empty() {
        return names;
    }
    // Code that may run beside the fn on a borrow of it, or on what it hands a task: a scoped
    // thread, rayon (`join`, `scope`, any `par_*`/`into_par_*`), any spawn.
    let tokens = quote::ToTokens::to_token_stream(block);
    if any_ident(tokens, &|i| {
        let i = i.to_string();
        matches!(i.as_str(), "scope" | "join" | "par_bridge")
            || i.starts_with("par_")
            || i.starts_with("into_par")
            || i.contains("spawn")
    }) {
        return Vec::new();
    }
    names.retain(|n| {
        bindings_named(block, n) <= usize::from(!sig_binds(sig, n)) && !clones_binding(block, n)
    });
    names
}

/// Whether the signature binds `name` as a parameter.
fn sig_binds(sig: &syn::Signature, name: &str) -> bool {
    sig.inputs.iter().any(|a| {
        matches!(a, syn::FnArg::Typed(pt) if matches!(&*pt.pat, syn::Pat::Ident(pi) if pi.ident == name))
    })
}

/// `name.clone()` or `Arc::clone(&name)` / `Rc::clone(&name)` anywhere in `block`.
fn clones_binding(block: &syn::Block, name: &str) -> bool {
    struct Clones<'n> {
        name: &'n str,
        found: bool,
    }
    impl<'a> syn::visit::Visit<'a> for Clones<'_> {
        fn visit_expr_method_call(&mut self, mc: &'a syn::ExprMethodCall) {
            if mc.method == "clone" && is_binding(&mc.receiver, self.name) {
                self.found = true;
            }
            syn::visit::visit_expr_method_call(self, mc);
        }
        fn visit_expr_call(&mut self, c: &'a syn::ExprCall) {
            if path_segments(&c.func).is_some_and(|s| s.last().is_some_and(|l| l == "clone"))
                && c.args.iter().any(|a| is_binding(a, self.name))
            {
                self.found = true;
            }
            syn::visit::visit_expr_call(self, c);
        }
        fn visit_macro(&mut self, m: &'a syn::Macro) {
            // Whatever a macro does with it is unseen: a mention counts as a clone.
            if mentions_ident(m.tokens.clone(), self.name) {
                self.found = true;
            }
        }
    }
    let mut v = Clones { name, found: false };
    syn::visit::Visit::visit_block(&mut v, block);
    v.found
}

/// The pattern under a type ascription (`x: T` → `x`), or the pattern itself.
pub fn strip_pat_type(p: &syn::Pat) -> &syn::Pat {
    match p {
        syn::Pat::Type(pt) => &pt.pat,
        p => p,
    }
}

/// `e` is the plain path `name` (through parentheses, references and `as_ref()`/`as_deref()`).
pub fn is_binding(e: &syn::Expr, name: &str) -> bool {
    match peel(e) {
        syn::Expr::Path(p) => p.qself.is_none() && p.path.is_ident(name),
        syn::Expr::Reference(r) => is_binding(&r.expr, name),
        syn::Expr::MethodCall(m)
            if m.args.is_empty() && (m.method == "as_ref" || m.method == "as_deref") =>
        {
            is_binding(&m.receiver, name)
        }
        _ => false,
    }
}

struct BindingUse<'n> {
    name: &'n str,
    shadowed: bool,
    used: bool,
    /// Only uses this accepts count (see [`uses_binding_where`]).
    site: Option<fn(&syn::Expr, &str) -> bool>,
}

impl BindingUse<'_> {
    fn binds(&self, pat: &syn::Pat) -> bool {
        let mut names = Vec::new();
        pat_names(pat, &mut names);
        names.iter().any(|n| n == self.name)
    }

    /// Run `f` with the binding shadowed if `shadows`, then restore.
    fn scoped(&mut self, shadows: bool, f: impl FnOnce(&mut Self)) {
        let saved = self.shadowed;
        self.shadowed |= shadows;
        f(self);
        self.shadowed = saved;
    }

    /// An `if`/`while` condition, then its body: in a let chain (`let Some(x) = a && x == b`)
    /// each `let` shadows from the operand after it on, through the body.
    fn visit_cond_then(&mut self, cond: &syn::Expr, then: &dyn Fn(&mut Self)) {
        match peel(cond) {
            syn::Expr::Let(l) => {
                syn::visit::Visit::visit_expr(self, &l.expr);
                let shadows = self.binds(&l.pat);
                self.scoped(shadows, then);
            }
            syn::Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_)) => {
                self.visit_cond_then(&b.left, &|v| v.visit_cond_then(&b.right, then));
            }
            other => {
                syn::visit::Visit::visit_expr(self, other);
                then(self);
            }
        }
    }

    /// Statements in order; a `let` shadows until the end of its block.
    fn visit_stmts(&mut self, stmts: &[syn::Stmt]) {
        self.scoped(false, |v| {
            for stmt in stmts {
                if v.used {
                    return;
                }
                match stmt {
                    syn::Stmt::Local(l) => {
                        if let Some(init) = &l.init {
                            syn::visit::Visit::visit_expr(v, &init.expr);
                            if let Some((_, diverge)) = &init.diverge {
                                syn::visit::Visit::visit_expr(v, diverge);
                            }
                        }
                        if v.binds(&l.pat) {
                            v.shadowed = true;
                        }
                    }
                    other => syn::visit::Visit::visit_stmt(v, other),
                }
            }
        });
    }

    fn tokens_mention(&self, tokens: TokenStream) -> bool {
        let mut after_dot = false;
        for tt in tokens {
            match tt {
                TokenTree::Ident(i) => {
                    if !after_dot && i == self.name {
                        return true;
                    }
                    after_dot = false;
                }
                TokenTree::Group(g) => {
                    if self.tokens_mention(g.stream()) {
                        return true;
                    }
                    after_dot = false;
                }
                TokenTree::Punct(p) => after_dot = p.as_char() == '.',
                TokenTree::Literal(_) => after_dot = false,
            }
        }
        false
    }
}

impl<'ast> syn::visit::Visit<'ast> for BindingUse<'_> {
    fn visit_expr(&mut self, e: &'ast syn::Expr) {
        if let Some(site) = self.site
            && !self.shadowed
            && site(e, self.name)
        {
            self.used = true;
            return;
        }
        syn::visit::visit_expr(self, e);
    }

    fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
        if self.site.is_none() && !self.shadowed && p.qself.is_none() && p.path.is_ident(self.name)
        {
            self.used = true;
        }
    }

    fn visit_block(&mut self, b: &'ast syn::Block) {
        self.visit_stmts(&b.stmts);
    }

    fn visit_expr_closure(&mut self, c: &'ast syn::ExprClosure) {
        let shadows = c.inputs.iter().any(|p| self.binds(p));
        self.scoped(shadows, |v| v.visit_expr(&c.body));
    }

    fn visit_arm(&mut self, a: &'ast syn::Arm) {
        let shadows = self.binds(&a.pat);
        self.scoped(shadows, |v| {
            if let Some((_, g)) = &a.guard {
                v.visit_expr(g);
            }
            v.visit_expr(&a.body);
        });
    }

    fn visit_expr_if(&mut self, i: &'ast syn::ExprIf) {
        self.visit_cond_then(&i.cond, &|v| v.visit_block(&i.then_branch));
        if let Some((_, e)) = &i.else_branch {
            self.visit_expr(e);
        }
    }

    fn visit_expr_while(&mut self, w: &'ast syn::ExprWhile) {
        self.visit_cond_then(&w.cond, &|v| v.visit_block(&w.body));
    }

    fn visit_expr_for_loop(&mut self, f: &'ast syn::ExprForLoop) {
        self.visit_expr(&f.expr);
        let shadows = self.binds(&f.pat);
        self.scoped(shadows, |v| v.visit_block(&f.body));
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        if self.site.is_none() && !self.shadowed && self.tokens_mention(m.tokens.clone()) {
            self.used = true;
        }
    }

    // A nested fn cannot see the enclosing fn's bindings.
    fn visit_item(&mut self, _: &'ast syn::Item) {}
}

/// `e.span()` without printing the expression back (see `walk::spans`).
pub(crate) use super::walk::spans::expr_span;

/// A span's start as (line, column): a key for matching a node seen in one hook (`check_fn`,
/// `check_stmt`) with the same node in a later one, since syn nodes are not comparable.
pub fn span_key(span: proc_macro2::Span) -> (usize, usize) {
    let s = span.start();
    (s.line, s.column)
}

/// The outer attributes written on an expression (`#[cfg(test)] if ..`, `#[allow(..)] x`).
pub fn expr_attrs(e: &syn::Expr) -> &[syn::Attribute] {
    use syn::Expr as E;
    match e {
        E::Array(x) => &x.attrs,
        E::Assign(x) => &x.attrs,
        E::Async(x) => &x.attrs,
        E::Await(x) => &x.attrs,
        E::Binary(x) => &x.attrs,
        E::Block(x) => &x.attrs,
        E::Break(x) => &x.attrs,
        E::Call(x) => &x.attrs,
        E::Cast(x) => &x.attrs,
        E::Closure(x) => &x.attrs,
        E::Const(x) => &x.attrs,
        E::Continue(x) => &x.attrs,
        E::Field(x) => &x.attrs,
        E::ForLoop(x) => &x.attrs,
        E::Group(x) => &x.attrs,
        E::If(x) => &x.attrs,
        E::Index(x) => &x.attrs,
        E::Infer(x) => &x.attrs,
        E::Let(x) => &x.attrs,
        E::Lit(x) => &x.attrs,
        E::Loop(x) => &x.attrs,
        E::Macro(x) => &x.attrs,
        E::Match(x) => &x.attrs,
        E::MethodCall(x) => &x.attrs,
        E::Paren(x) => &x.attrs,
        E::Path(x) => &x.attrs,
        E::Range(x) => &x.attrs,
        E::RawAddr(x) => &x.attrs,
        E::Reference(x) => &x.attrs,
        E::Repeat(x) => &x.attrs,
        E::Return(x) => &x.attrs,
        E::Struct(x) => &x.attrs,
        E::Try(x) => &x.attrs,
        E::TryBlock(x) => &x.attrs,
        E::Tuple(x) => &x.attrs,
        E::Unary(x) => &x.attrs,
        E::Unsafe(x) => &x.attrs,
        E::While(x) => &x.attrs,
        E::Yield(x) => &x.attrs,
        _ => &[],
    }
}

/// `e` is a path whose last segment is `name` (`abort`, `process::abort`, `Err`): the callee of
/// a call by its name, whatever `use` spelled before it.
pub fn path_ends_with(e: &syn::Expr, name: &str) -> bool {
    path_last_ident(e).is_some_and(|i| i == name)
}

/// The last segment of a path expression (`tokio::spawn` → `spawn`).
pub fn path_last_ident(e: &syn::Expr) -> Option<&proc_macro2::Ident> {
    match peel(e) {
        syn::Expr::Path(p) => p.path.segments.last().map(|s| &s.ident),
        _ => None,
    }
}

/// The macro a statement is (`error!(..);`, or a macro in expression position), if any.
pub fn stmt_macro(s: &syn::Stmt) -> Option<&syn::Macro> {
    match s {
        syn::Stmt::Macro(m) => Some(&m.mac),
        syn::Stmt::Expr(syn::Expr::Macro(m), _) => Some(&m.mac),
        _ => None,
    }
}

/// Whether a body runs to its end in one go: no `.await` (nor a macro that awaits: `select!`,
/// `join!`, or `await` among its tokens), no `loop`/`while`/`for`, and nothing spawned (a call
/// or method whose name starts with `spawn`), closures and async blocks included. Such a body
/// has no point between steps where a stop signal could be checked, and leaves nothing running
/// that one could stop.
pub fn runs_to_end_at_once(block: &syn::Block) -> bool {
    let mut v = StepScan { more: false };
    syn::visit::Visit::visit_block(&mut v, block);
    !v.more
}

/// The `async { .. }` block an awaited expression is, written in place (`async { .. }.await`,
/// also `.instrument(span)`ed, `boxed`, `fuse`d or `Box::pin`ned, or returned by a closure a
/// span runs in place: `span.in_scope(|| async { .. }).await`): its body runs right there, as
/// part of the awaiting body.
pub fn awaited_block(e: &syn::Expr) -> Option<&syn::ExprAsync> {
    match peel_future_adapters(e) {
        syn::Expr::Async(ab) => Some(ab),
        syn::Expr::MethodCall(m) if m.method == "in_scope" && m.args.len() == 1 => {
            match peel(&m.args[0]) {
                syn::Expr::Closure(cl) if cl.inputs.is_empty() => awaited_block(&cl.body),
                _ => None,
            }
        }
        _ => None,
    }
}

/// A retry combinator that runs its closure's futures where its own future is awaited:
/// tokio-retry's `Retry::spawn`/`RetryIf::spawn` (despite the name, no task), backoff's
/// `future::retry`/`retry_notify`, tryhard's `retry_fn`.
pub fn retries_in_place(callee: &str) -> bool {
    let (ty, f) = split_last(callee);
    let ty = ty.map(last_segment);
    matches!((ty, f), (Some("Retry" | "RetryIf"), "spawn"))
        || (callee.starts_with("backoff::") && matches!(f, "retry" | "retry_notify"))
        || (callee.starts_with("tryhard::") && f == "retry_fn")
}

/// Whether a fn so named may be one of [`retries_in_place`]'s (a test before resolving it).
pub fn may_retry_in_place(name: &str) -> bool {
    matches!(name, "spawn" | "retry" | "retry_notify" | "retry_fn")
}

/// `|g| g`: the closure hands its (only) parameter back.
pub fn returns_param(cl: &syn::ExprClosure) -> bool {
    let mut params = Vec::new();
    for p in &cl.inputs {
        pat_names(p, &mut params);
    }
    matches!(block_tail(&cl.body), syn::Expr::Path(p)
        if p.path.get_ident().is_some_and(|i| params.iter().any(|n| i == n)))
}

/// A closure body's value: the expression itself, or a block's tail (`|| { let u = url.clone();
/// fetch(u) }`).
pub fn block_tail(e: &syn::Expr) -> &syn::Expr {
    match peel(e) {
        syn::Expr::Block(b) => match b.block.stmts.last() {
            Some(syn::Stmt::Expr(tail, None)) => peel(tail),
            _ => peel(e),
        },
        other => other,
    }
}

struct StepScan {
    more: bool,
}

/// A fn or method that starts a task or thread by its name (`spawn`, `spawn_blocking`,
/// `spawn_local`).
pub fn is_spawn(name: &str) -> bool {
    name.starts_with("spawn")
}

impl<'ast> syn::visit::Visit<'ast> for StepScan {
    fn visit_expr(&mut self, e: &'ast syn::Expr) {
        if self.more {
            return;
        }
        match e {
            // Awaiting an `async { .. }` written in place (`.instrument(span)`ed, maybe)
            // suspends only where its body does.
            syn::Expr::Await(a) if awaited_block(&a.base).is_some() => {
                syn::visit::visit_expr(self, &a.base)
            }
            syn::Expr::Await(_)
            | syn::Expr::Loop(_)
            | syn::Expr::While(_)
            | syn::Expr::ForLoop(_) => self.more = true,
            syn::Expr::Call(c)
                if path_last_ident(&c.func).is_some_and(|i| is_spawn(&i.to_string())) =>
            {
                self.more = true
            }
            syn::Expr::MethodCall(m) if is_spawn(&m.method.to_string()) => self.more = true,
            _ => syn::visit::visit_expr(self, e),
        }
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        let name = m.path.segments.last().map(|s| s.ident.to_string());
        if matches!(
            name.as_deref(),
            Some("select" | "join" | "try_join" | "pending")
        ) || any_ident(m.tokens.clone(), &|i| {
            let i = i.to_string();
            matches!(i.as_str(), "await" | "loop" | "while" | "for") || is_spawn(&i)
        }) {
            self.more = true;
        }
    }

    // A nested fn is not this body's work.
    fn visit_item(&mut self, _: &'ast syn::Item) {}
}

/// `allow`/`expect` of clippy's `await_holding_lock` in `attrs` (bit [`ALLOWS_AWAIT_HOLDING_LOCK`])
/// and of `await_holding_refcell_ref` (bit [`ALLOWS_AWAIT_HOLDING_REFCELL`]), directly or behind
/// `cfg_attr(..)` (the allow then holds in some build, where clippy is silent too).
pub fn await_holding_allows(attrs: &[syn::Attribute]) -> u8 {
    let mut bits = 0;
    for attr in attrs {
        let path = attr.path();
        let listed = match &attr.meta {
            syn::Meta::List(l) if path.is_ident("allow") || path.is_ident("expect") => {
                l.tokens.clone()
            }
            syn::Meta::List(l) if path.is_ident("cfg_attr") => {
                let grants = any_ident(l.tokens.clone(), &|i| i == "allow" || i == "expect");
                if !grants {
                    continue;
                }
                l.tokens.clone()
            }
            _ => continue,
        };
        if mentions_ident(listed.clone(), "await_holding_lock") {
            bits |= ALLOWS_AWAIT_HOLDING_LOCK;
        }
        if mentions_ident(listed, "await_holding_refcell_ref") {
            bits |= ALLOWS_AWAIT_HOLDING_REFCELL;
        }
    }
    bits
}

/// `e` without the `&`, `*`, parentheses and groups around it.
pub fn peel_refs(e: &syn::Expr) -> &syn::Expr {
    match e {
        syn::Expr::Reference(r) => peel_refs(&r.expr),
        syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => peel_refs(&u.expr),
        syn::Expr::Paren(p) => peel_refs(&p.expr),
        syn::Expr::Group(g) => peel_refs(&g.expr),
        other => other,
    }
}

/// Methods that only make a value from their receiver (`u.clone().into()`, `urls.iter()
/// .skip(i).collect()`): no work a decision could make twice (the caller checks that no
/// argument runs code of its own).
pub fn makes_a_value(method: &str) -> bool {
    matches!(
        method,
        "clone"
            | "cloned"
            | "copied"
            | "into"
            | "to_owned"
            | "to_string"
            | "to_vec"
            | "as_ref"
            | "as_str"
            | "as_slice"
            | "as_deref"
            | "borrow"
            | "iter"
            | "into_iter"
            | "map"
            | "filter"
            | "filter_map"
            | "cycle"
            | "skip"
            | "take"
            | "chain"
            | "zip"
            | "enumerate"
            | "rev"
            | "collect"
            | "len"
            | "is_empty"
            | "unwrap_or"
            | "unwrap_or_default"
            // A clock read (`self.start.elapsed()`): a value, nothing done.
            | "elapsed"
    )
}

/// Whether expression `e` (a closure's body) only makes values: its method calls are
/// [`makes_a_value`]s and its calls constructors (`Some(..)`, `Point(..)`), with no macro but
/// `format!`/`vec!` — `|u| u.clone().into()`, not `|i| thread::spawn(..)`.
pub fn only_makes_values(e: &syn::Expr) -> bool {
    struct V(bool);
    impl<'ast> syn::visit::Visit<'ast> for V {
        fn visit_expr_method_call(&mut self, mc: &'ast syn::ExprMethodCall) {
            self.0 &= makes_a_value(&mc.method.to_string());
            syn::visit::visit_expr_method_call(self, mc);
        }
        fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
            self.0 &= path_last_ident(&c.func)
                .is_some_and(|i| i.to_string().starts_with(|c: char| c.is_ascii_uppercase()));
            syn::visit::visit_expr_call(self, c);
        }
        fn visit_macro(&mut self, m: &'ast syn::Macro) {
            self.0 &= m.path.is_ident("format") || m.path.is_ident("vec");
        }
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {
            // Runs only where it is handed on: judged there.
            self.0 = false;
        }
    }
    let mut v = V(true);
    syn::visit::Visit::visit_expr(&mut v, e);
    v.0
}

pub const ALLOWS_AWAIT_HOLDING_LOCK: u8 = 1;
pub const ALLOWS_AWAIT_HOLDING_REFCELL: u8 = 2;

/// A statement that leaves its fn with an error: `return Err(..);`, `bail!(..)`, `panic!(..)`,
/// `Err(e)?`, an `Err(..)` tail, or `process::exit(1)`.
pub fn leaves_with_error(stmt: &syn::Stmt) -> bool {
    exit_of(stmt) == Some(Exit::Error)
}

/// How a statement leaves the code after it, if it does unconditionally.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// `return Err(..)`, `bail!(..)`, a panic, `Err(e)?`, an `Err(..)` tail, `process::exit(1)`.
    Error,
    /// Any other `return`, or an `Ok(..)` tail.
    Return,
    Break,
    Continue,
}

/// The unconditional exit a statement is, if any (see [`Exit`]).
pub fn exit_of(stmt: &syn::Stmt) -> Option<Exit> {
    let error_if = |b: bool| Some(if b { Exit::Error } else { Exit::Return });
    let e = match stmt {
        syn::Stmt::Expr(e, _) => e,
        syn::Stmt::Macro(m) => return is_error_exit_macro(&m.mac).then_some(Exit::Error),
        _ => return None,
    };
    match peel(e) {
        syn::Expr::Return(r) => {
            error_if(r.expr.as_deref().is_some_and(|v| is_variant_call(v, "Err")))
        }
        syn::Expr::Break(_) => Some(Exit::Break),
        syn::Expr::Continue(_) => Some(Exit::Continue),
        syn::Expr::Try(t) => is_variant_call(&t.expr, "Err").then_some(Exit::Error),
        syn::Expr::Macro(m) => is_error_exit_macro(&m.mac).then_some(Exit::Error),
        syn::Expr::Call(c) if is_failure_exit(c) => Some(Exit::Error),
        tail if matches!(stmt, syn::Stmt::Expr(_, None)) => {
            if is_variant_call(tail, "Err") {
                Some(Exit::Error)
            } else if is_variant_call(tail, "Ok") {
                Some(Exit::Return)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// `std::process::exit(1)`, `exit(2)`: the process ends with a failure status, which the user
/// hears about (after the message printed before it).
fn is_failure_exit(c: &syn::ExprCall) -> bool {
    let Some(segs) = path_segments(&c.func) else {
        return false;
    };
    let named = match segs.as_slice() {
        [.., parent, last] => parent == "process" && last == "exit",
        [only] => only == "exit",
        [] => false,
    };
    named
        && matches!(c.args.first().map(peel), Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Int(i), .. }))
            if i.base10_parse::<i64>().is_ok_and(|n| n != 0))
}

/// `bail!(..)` (anyhow's, eyre's): returns an error.
pub fn is_bail(mac: &syn::Macro) -> bool {
    crate::semantic::macros::macro_name(mac) == "bail"
}

/// `bail!(..)`, or a panic (`panic!`, `unreachable!`, `todo!`, `unimplemented!`): the body
/// ends with a failure its caller (or the task's, the thread's owner) hears about.
fn is_error_exit_macro(mac: &syn::Macro) -> bool {
    matches!(
        crate::semantic::macros::macro_name(mac).as_str(),
        "bail" | "panic" | "unreachable" | "todo" | "unimplemented"
    )
}

/// `Ok(..)` / `Err(..)` / `Some(..)` (by `variant`): a call of that variant.
pub fn is_variant_call(e: &syn::Expr, variant: &str) -> bool {
    matches!(peel(e), syn::Expr::Call(c) if path_ends_with(&c.func, variant))
}

/// The binding a place expression starts from: `x` in `x.a.b`, `&x`, `*x`.
pub fn root_ident(e: &syn::Expr) -> Option<&syn::Ident> {
    match peel(e) {
        syn::Expr::Path(p) => p.path.get_ident(),
        syn::Expr::Field(f) => root_ident(&f.base),
        syn::Expr::Reference(r) => root_ident(&r.expr),
        syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => root_ident(&u.expr),
        _ => None,
    }
}

/// The binding a receiver chain starts from, through method calls and indexing too: `tx` in
/// `tx.clone().send(..)`, `self` in `self.taps[i].tx`.
pub fn chain_root(e: &syn::Expr) -> Option<&syn::Ident> {
    match peel(e) {
        syn::Expr::MethodCall(mc) => chain_root(&mc.receiver),
        syn::Expr::Index(i) => chain_root(&i.expr),
        syn::Expr::Field(f) => chain_root(&f.base),
        syn::Expr::Reference(r) => chain_root(&r.expr),
        syn::Expr::Unary(u) => chain_root(&u.expr),
        other => root_ident(other),
    }
}

/// A local or a field path as text (`api_key`, `request_info.request_api_key`), through `&`,
/// `*` and parentheses.
pub fn place_name(e: &syn::Expr) -> Option<String> {
    match peel(e) {
        syn::Expr::Path(p) => p.path.get_ident().map(|i| i.to_string()),
        syn::Expr::Field(f) => {
            let base = place_name(&f.base)?;
            Some(format!("{base}.{}", member_name(&f.member)))
        }
        syn::Expr::Reference(r) => place_name(&r.expr),
        syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => place_name(&u.expr),
        _ => None,
    }
}

/// The locals of a fn that a `match` takes apart by an enum's fieldless variants, every arm a
/// unit variant or `_` (`match api_key { AdminApiKey::Create => .., AdminApiKey::Delete |
/// AdminApiKey::List => .., _ => .. }`): an enum's value, which carries no text, whatever its
/// name says. A variant with fields (`Auth::Bearer(t)`) may carry the secret; `Option::`/
/// `Result::` say nothing of the value inside; a name the fn binds with more than one `let`
/// may be something else elsewhere. A field path (`info.request_api_key`) is read the same way.
pub fn variant_matched_locals(block: &syn::Block) -> BTreeSet<String> {
    use syn::visit::Visit;
    #[derive(Default)]
    struct Scan {
        matched: BTreeSet<String>,
        lets: std::collections::BTreeMap<String, usize>,
    }
    /// A unit variant named through its enum (`Kind::Create`), `_`, or an `|` of them; `Some`
    /// for a variant.
    fn unit_arm(p: &syn::Pat) -> Option<bool> {
        match p {
            syn::Pat::Wild(_) => Some(false),
            syn::Pat::Path(p) => {
                let segs = &p.path.segments;
                let enum_name = segs.iter().rev().nth(1)?.ident.to_string();
                (segs.len() >= 2 && !matches!(enum_name.as_str(), "Option" | "Result"))
                    .then_some(true)
            }
            syn::Pat::Or(o) => {
                let mut any = false;
                for c in &o.cases {
                    any |= unit_arm(c)?;
                }
                Some(any)
            }
            _ => None,
        }
    }
    impl<'ast> Visit<'ast> for Scan {
        fn visit_expr_match(&mut self, m: &'ast syn::ExprMatch) {
            if let Some(name) = place_name(&m.expr) {
                let arms: Option<Vec<bool>> = m.arms.iter().map(|a| unit_arm(&a.pat)).collect();
                if arms.is_some_and(|a| a.contains(&true)) {
                    self.matched.insert(name);
                }
            }
            syn::visit::visit_expr_match(self, m);
        }
        fn visit_local(&mut self, l: &'ast syn::Local) {
            let mut names = Vec::new();
            pat_names(&l.pat, &mut names);
            for n in names {
                *self.lets.entry(n).or_default() += 1;
            }
            syn::visit::visit_local(self, l);
        }
    }
    let mut scan = Scan::default();
    scan.visit_block(block);
    let lets = scan.lets;
    scan.matched
        .into_iter()
        .filter(|n| lets.get(n).copied().unwrap_or(0) <= 1)
        .collect()
}

/// The local names of a fn every binding and assignment of which holds text fixed in the
/// source: a string literal, a conversion or method chain over literals (`String::from("..")`,
/// `"..".red().to_string()`), or an `if`/`match` each branch of which is one. Such a name holds
/// a message whatever it is called (`let mut credentials = String::from("As set in P_PASSWORD")`).
/// A name also bound by any other pattern (a parameter, a `match` arm, a closure) is left out.
pub fn literal_text_bindings(sig: &syn::Signature, block: &syn::Block) -> BTreeSet<String> {
    use syn::visit::Visit;
    #[derive(Default)]
    struct Scan {
        fixed: BTreeSet<String>,
        not: BTreeSet<String>,
    }
    /// The local an expression is (`token` in `token.push_str(..)`, `&mut token`).
    fn local(e: &syn::Expr) -> Option<String> {
        match peel(e) {
            syn::Expr::Path(p) => p.path.get_ident().map(|i| i.to_string()),
            _ => None,
        }
    }
    impl Scan {
        fn note(&mut self, name: String, fixed: bool) {
            if fixed {
                self.fixed.insert(name);
            } else {
                self.not.insert(name);
            }
        }
    }
    impl<'ast> Visit<'ast> for Scan {
        fn visit_local(&mut self, l: &'ast syn::Local) {
            let pat = match &l.pat {
                syn::Pat::Type(t) => &*t.pat,
                p => p,
            };
            match (pat, &l.init) {
                (syn::Pat::Ident(pi), init) if pi.subpat.is_none() => {
                    let fixed = init
                        .as_ref()
                        .is_none_or(|i| i.diverge.is_none() && is_literal_text(&i.expr));
                    self.note(pi.ident.to_string(), fixed);
                }
                _ => self.visit_pat(&l.pat),
            }
            if let Some(init) = &l.init {
                self.visit_expr(&init.expr);
                if let Some((_, d)) = &init.diverge {
                    self.visit_expr(d);
                }
            }
        }
        fn visit_pat_ident(&mut self, p: &'ast syn::PatIdent) {
            self.note(p.ident.to_string(), false);
            syn::visit::visit_pat_ident(self, p);
        }
        // Changed in place: `token.push_str(key)`, `token += key`, `read_line(&mut token)`.
        fn visit_expr_method_call(&mut self, mc: &'ast syn::ExprMethodCall) {
            let m = mc.method.to_string();
            if [
                "push",
                "insert",
                "extend",
                "append",
                "read",
                "clear",
                "truncate",
                "retain",
                "drain",
                "replace_range",
                "make_ascii",
            ]
            .iter()
            .any(|p| m.starts_with(p))
                && let Some(name) = local(&mc.receiver)
            {
                self.note(name, false);
            }
            syn::visit::visit_expr_method_call(self, mc);
        }
        fn visit_expr_binary(&mut self, b: &'ast syn::ExprBinary) {
            if matches!(
                b.op,
                syn::BinOp::AddAssign(_) | syn::BinOp::SubAssign(_) | syn::BinOp::BitOrAssign(_)
            ) && let Some(name) = local(&b.left)
            {
                self.note(name, false);
            }
            syn::visit::visit_expr_binary(self, b);
        }
        fn visit_expr_reference(&mut self, r: &'ast syn::ExprReference) {
            if r.mutability.is_some()
                && let Some(name) = local(&r.expr)
            {
                self.note(name, false);
            }
            syn::visit::visit_expr_reference(self, r);
        }
        // `write!(token, "{key}")`: the macro's first argument is written to.
        fn visit_macro(&mut self, m: &'ast syn::Macro) {
            if let Some(proc_macro2::TokenTree::Ident(i)) = m.tokens.clone().into_iter().next() {
                self.note(i.to_string(), false);
            }
        }
        fn visit_expr_assign(&mut self, a: &'ast syn::ExprAssign) {
            if let syn::Expr::Path(p) = &*a.left
                && let Some(i) = p.path.get_ident()
            {
                self.note(i.to_string(), is_literal_text(&a.right));
            }
            syn::visit::visit_expr_assign(self, a);
        }
    }
    let mut scan = Scan::default();
    for input in &sig.inputs {
        scan.visit_fn_arg(input);
    }
    scan.visit_block(block);
    scan.fixed.retain(|n| !scan.not.contains(n));
    scan.fixed
}

/// Text fixed in the source (see [`literal_text_bindings`]).
fn is_literal_text(e: &syn::Expr) -> bool {
    let tail = |b: &syn::Block| matches!(b.stmts.last(), Some(syn::Stmt::Expr(e, None)) if is_literal_text(e));
    match peel(e) {
        // Prose, not a token: a hard-coded key (`"sk_live_.."`) has no spaces.
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => s.value().contains(char::is_whitespace),
        syn::Expr::Reference(r) => is_literal_text(&r.expr),
        // `"..".red().to_string()`: a method of the text itself, with literal arguments.
        syn::Expr::MethodCall(mc) => {
            is_literal_text(&mc.receiver)
                && mc.args.iter().all(|a| matches!(peel(a), syn::Expr::Lit(_)))
        }
        // `String::from("..")`, `Cow::from("..")`: conversions only, not any call that takes a
        // literal (`std::env::var("DB_PASSWORD")`).
        syn::Expr::Call(c) => {
            c.args.len() == 1
                && path_last_ident(&c.func).is_some_and(|i| {
                    matches!(
                        i.to_string().as_str(),
                        "from" | "to_string" | "to_owned" | "Borrowed" | "Owned"
                    )
                })
                && c.args.iter().all(is_literal_text)
        }
        syn::Expr::If(i) => {
            tail(&i.then_branch)
                && i.else_branch
                    .as_ref()
                    .is_some_and(|(_, e)| is_literal_text(e))
        }
        syn::Expr::Block(b) => tail(&b.block),
        syn::Expr::Match(m) => {
            !m.arms.is_empty() && m.arms.iter().all(|a| is_literal_text(&a.body))
        }
        _ => false,
    }
}

/// The span of the method name of the lock acquisition a block ends in, through nested blocks,
/// poison handling (`.unwrap()`, `.expect(..)`, `.unwrap_or_else(..)`), `?` and `.await`:
/// `{ USERS.get().expect("set").read() }` → the span of `read`.
pub fn tail_acquisition(block: &syn::Block) -> Option<proc_macro2::Span> {
    let Some(syn::Stmt::Expr(tail, None)) = block.stmts.last() else {
        return None;
    };
    let mut e: &syn::Expr = tail;
    loop {
        match peel(e) {
            syn::Expr::Block(b) => match b.block.stmts.last() {
                Some(syn::Stmt::Expr(inner, None)) => e = inner,
                _ => return None,
            },
            syn::Expr::Try(t) => e = &t.expr,
            syn::Expr::Await(a) => e = &a.base,
            syn::Expr::MethodCall(mc)
                if matches!(
                    mc.method.to_string().as_str(),
                    "unwrap" | "expect" | "unwrap_or_else" | "unwrap_or_default"
                ) =>
            {
                e = &mc.receiver
            }
            syn::Expr::MethodCall(mc)
                if mc.args.is_empty()
                    && crate::semantic::types::is_acquire_method(&mc.method.to_string()) =>
            {
                return Some(mc.method.span());
            }
            _ => return None,
        }
    }
}

/// A send on a channel (`events_tx.send(ev)`, `.await`ed or not; the receiver named as a
/// sender: `tx`, `*_tx`, `sender`, `*_sender`): its `Err` only says the receiver is gone, the
/// ordinary end of a task that forwards into it, and a `?` on it stops the task for that
/// reason alone; also with that error replaced (`sender.send(r).map_err(|_| "no reply")?`,
/// and on a `tx`/`*_tx` sender `.map_err(|e| Error::Closed(e.to_string()))?`: for a channel the
/// error only hands back the unsent value; a `mail_sender`'s kept error is a failure, and a
/// `.context(..)` is not looked through).
pub fn channel_send(e: &syn::Expr) -> bool {
    let syn::Expr::MethodCall(mc) = peel_await(e) else {
        return false;
    };
    if mc.method == "map_err" {
        let Some(syn::Expr::Closure(c)) = mc.args.first().map(peel) else {
            return false;
        };
        let ignores_error = matches!(c.inputs.first(), Some(syn::Pat::Wild(_)))
            || matches!(c.inputs.first(), Some(syn::Pat::Ident(i))
                if i.ident.to_string().starts_with('_'));
        // A `tx` is a channel's by name; a `sender` may be a mail transport's, whose error
        // kept by the closure is a failure.
        let tx = sender_name(&mc.receiver).is_some_and(|n| n == "tx" || n.ends_with("_tx"));
        return (ignores_error || tx) && channel_send(&mc.receiver);
    }
    let sender = plain_value_name(peel(&mc.receiver), &[]);
    mc.args.len() == 1
        && matches!(
            mc.method.to_string().as_str(),
            "send" | "unbounded_send" | "blocking_send" | "send_async"
        )
        && sender.is_some_and(|n| {
            n == "tx" || n == "sender" || n.ends_with("_tx") || n.ends_with("_sender")
        })
}

/// A spawn handed a sync closure (`thread::spawn(move || ..)`, `spawn_blocking(|| ..)`, a
/// thread `Builder`'s or a scope's `spawn`, rayon's): it starts a thread or a blocking job,
/// which a blocked runtime thread does not stall, not a task (`spawn(async { .. })`,
/// `spawn(serve(cfg))`, `spawn_local(|| async { .. })`'s future).
pub fn runs_sync_closure(args: &syn::punctuated::Punctuated<syn::Expr, syn::Token![,]>) -> bool {
    matches!(args.first().map(peel), Some(syn::Expr::Closure(c))
        if c.asyncness.is_none() && !matches!(peel(&c.body), syn::Expr::Async(_)))
}

/// The sender a send is called on (`events_tx` of `events_tx.send(ev).await`).
fn sender_name(send: &syn::Expr) -> Option<String> {
    let syn::Expr::MethodCall(mc) = peel_await(send) else {
        return None;
    };
    plain_value_name(peel(&mc.receiver), &[])
}

/// How many patterns in `body` bind `name` (`let`s, closure and match patterns, at any depth).
pub fn bindings_named(body: &syn::Block, name: &str) -> usize {
    struct Count<'n> {
        name: &'n str,
        n: usize,
    }
    impl<'a> syn::visit::Visit<'a> for Count<'_> {
        fn visit_pat_ident(&mut self, p: &'a syn::PatIdent) {
            if p.ident == self.name {
                self.n += 1;
            }
            syn::visit::visit_pat_ident(self, p);
        }
    }
    let mut c = Count { name, n: 0 };
    syn::visit::Visit::visit_block(&mut c, body);
    c.n
}

/// The values the `break`s of one loop's body pass out (`None` for a bare `break`), in source
/// order; nested loops, closures and async blocks have breaks of their own. `None` when a
/// labeled `break` appears anywhere inside: which loop it leaves is not followed.
pub fn loop_break_values(body: &syn::Block) -> Option<Vec<Option<&syn::Expr>>> {
    struct Breaks<'a> {
        values: Vec<Option<&'a syn::Expr>>,
        labeled: bool,
        depth: usize,
    }
    impl<'a> syn::visit::Visit<'a> for Breaks<'a> {
        fn visit_expr_break(&mut self, b: &'a syn::ExprBreak) {
            if b.label.is_some() {
                self.labeled = true;
            } else if self.depth == 0 {
                self.values.push(b.expr.as_deref());
            }
            syn::visit::visit_expr_break(self, b);
        }
        fn visit_expr_loop(&mut self, l: &'a syn::ExprLoop) {
            self.depth += 1;
            syn::visit::visit_expr_loop(self, l);
            self.depth -= 1;
        }
        fn visit_expr_while(&mut self, w: &'a syn::ExprWhile) {
            self.depth += 1;
            syn::visit::visit_expr_while(self, w);
            self.depth -= 1;
        }
        fn visit_expr_for_loop(&mut self, f: &'a syn::ExprForLoop) {
            self.depth += 1;
            syn::visit::visit_expr_for_loop(self, f);
            self.depth -= 1;
        }
        fn visit_expr_closure(&mut self, _: &'a syn::ExprClosure) {}
        fn visit_expr_async(&mut self, _: &'a syn::ExprAsync) {}
        fn visit_item(&mut self, _: &'a syn::Item) {}
    }
    let mut v = Breaks {
        values: Vec::new(),
        labeled: false,
        depth: 0,
    };
    syn::visit::Visit::visit_block(&mut v, body);
    (!v.labeled).then_some(v.values)
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;

    #[test]
    fn only_values_the_fn_made_and_keeps_are_its_own() {
        let owned = |src: &str| {
            let f: syn::ItemFn = syn::parse_str(src).expect("fn parses");
            super::owned_locals(&f.sig, &f.block)
        };
        assert_eq!(
            owned(
                "fn f(p: Pool) { let c = Catalog::empty(); let m = Mutex::new(0); \
                 let w = Worker { n: 1 }; let g = Registry::global(); let a = Catalog::new(s); }"
            ),
            vec!["c"]
        );
        // A shared handle, a clone, a second binding of the name, a macro's mention: not alone.
        assert!(owned("fn f() { let a = Arc::new(Catalog::empty()); }").is_empty());
        assert!(owned("fn f() { let c = Catalog::empty(); let d = c.clone(); }").is_empty());
        assert!(owned("fn f() { let c = Catalog::empty(); spawn(Arc::clone(&c)); }").is_empty());
        assert!(owned("fn f() { let c = Catalog::empty(); let c = Catalog::empty(); }").is_empty());
        assert!(owned("fn f() { let c = Catalog::empty(); log!(\"{c:?}\", c); }").is_empty());
        // Code that may run beside the fn on a borrow of it.
        assert!(owned("fn f() { let c = Catalog::empty(); std::thread::scope(|s| { s.spawn(|| c.a.lock()); }); }").is_empty());
    }

    #[test]
    fn split_last_agrees_with_splitting_at_double_colons() {
        for path in [
            "tokio::task::spawn",
            "spawn",
            "",
            "Type::new",
            "a::b::",
            "::std::fs",
            "crate::x::Y::z",
        ] {
            let mut segs = path.rsplit("::");
            let last = segs.next().unwrap_or(path);
            let head = path.rsplit_once("::").map(|(h, _)| h);
            assert_eq!(super::split_last(path), (head, last), "{path}");
            assert_eq!(super::last_segment(path), last, "{path}");
        }
    }

    #[test]
    fn params_called_in_place_only_where_the_body_runs_them() {
        let bits = |sig: &str, body: &str| {
            let f: syn::ItemFn = syn::parse_str(&format!("{sig} {body}")).expect(body);
            let candidates: Vec<(u8, String)> = ["a", "init", "f"]
                .iter()
                .enumerate()
                .map(|(i, n)| (i as u8, n.to_string()))
                .collect();
            params_called_in_place(&f.block, f.sig.asyncness.is_some(), &candidates)
        };
        let af = "async fn h(a: u8, init: F, f: G)";
        assert_eq!(
            bits(af, "{ match init().await { Ok(v) => v, Err(e) => e } }"),
            0b010
        );
        assert_eq!(bits(af, "{ let x = f(a).await?; init().await }"), 0b110);
        // Not awaited, in a task, in a closure, in an async block: not in place.
        assert_eq!(bits(af, "{ let fut = init(); fut.await }"), 0);
        assert_eq!(
            bits(af, "{ tokio::spawn(async move { init().await }); }"),
            0
        );
        assert_eq!(bits(af, "{ let g = || init(); g().await }"), 0);
        // Also used another way: in place once, then run by a task, stored, or logged.
        let twice = "{ init().await; tokio::spawn(async move { init().await }); }";
        assert_eq!(bits(af, twice), 0);
        assert_eq!(
            bits(af, "{ init().await; Sup { restart: Box::new(init) } }"),
            0
        );
        assert_eq!(bits(af, "{ tracing::debug!(?init); init().await }"), 0);
        // A binding of the same name is another value.
        assert_eq!(
            bits(af, "{ if let Some(init) = retry { init().await; } }"),
            0
        );
        assert_eq!(bits(af, "{ fn inner(init: u8) { init(); } }"), 0);
        let sf = "fn h(a: u8, init: F, f: G)";
        assert_eq!(bits(sf, "{ for x in xs { f(x); } }"), 0b100);
        assert_eq!(bits(sf, "{ std::thread::spawn(move || f(1)); }"), 0);
    }

    #[test]
    fn uses_binding_sees_only_the_binding_itself() {
        let used = |body: &str| {
            let block: syn::Block = syn::parse_str(body).expect(body);
            uses_binding(&block, "stop")
        };
        for body in [
            "{ stop.cancelled().await; }",
            "{ let stop = stop.child_token(); stop.cancel(); }",
            "{ tokio::select! { _ = stop.cancelled() => {} } }",
            "{ Worker { stop } }",
            "{ match x { Some(stop) => f(stop), None => g(stop) } }",
            "{ if let Some(s) = stop { s.await } }",
            "{ items.iter().for_each(|x| x.run(&stop)); }",
        ] {
            assert!(used(body), "{body}");
        }
        for body in [
            "{ self.stop.cancelled().await; }",
            "{ cfg.stop(); }",
            "{ let stop = Token::new(); stop.cancel(); }",
            "{ items.iter().for_each(|stop| stop.cancel()); }",
            "{ match x { Some(stop) => f(stop), None => {} } }",
            "{ if let Some(stop) = other { stop.await } }",
            "{ for stop in stops { stop.cancel(); } }",
            "{ let stop = 1; m!(stop); }",
            "{ fn inner(stop: u8) -> u8 { stop } }",
            "{ stop::now(); }",
        ] {
            assert!(!used(body), "{body}");
        }
    }

    /// The shortcut builds exactly what syn's parser builds, and declines everything else.
    #[test]
    fn quick_expressions_agree_with_syn() {
        for src in [
            "id",
            "\"text\"",
            "42u8",
            "self.name",
            "&req.headers.host",
            "&x",
            "r#type",
            "true",
            "x.0",
            "a..b",
            "&&x",
            "&mut x",
            "x.len()",
            "fut.await",
            "a.b.await",
            "move",
            "Some(x)",
            "-1",
            "path.display()",
            "&self.name.as_str()",
            "a.b().c.d()",
            "x.len() + 1",
            "x.f(y)",
            "x.f()?",
            "x.f() .await",
            "x.f[0]",
            "x.f().0",
            "f()",
            "x.r#type()",
            "x.f::<u8>()",
            "x . f ( )",
        ] {
            let trees: Vec<TokenTree> = src.parse::<TokenStream>().unwrap().into_iter().collect();
            let by_syn = syn::parse2::<syn::Expr>(trees.iter().cloned().collect()).ok();
            if let Some(e) = super::super::quick_expr::build(&trees) {
                assert_eq!(Some(e), by_syn, "{src}");
            }
            assert_eq!(
                parse_expr(&trees).map(|e| e.to_token_stream().to_string()),
                by_syn.map(|e| e.to_token_stream().to_string()),
                "{src}"
            );
        }
        let covered = [
            "id",
            "self.name",
            "&req.headers.host",
            "\"text\"",
            "path.display()",
            "a.b().c.d()",
        ];
        for src in covered {
            let trees: Vec<TokenTree> = src.parse::<TokenStream>().unwrap().into_iter().collect();
            assert!(
                super::super::quick_expr::build(&trees).is_some(),
                "{src} takes the shortcut"
            );
        }
    }
    #[test]
    fn a_body_runs_to_its_end_at_once_without_awaits_loops_or_spawns() {
        let once = |src: &str| {
            let b: syn::Block = syn::parse_str(src).expect("test block parses");
            runs_to_end_at_once(&b)
        };
        assert!(once("{ let n = state.read().len(); json(n) }"));
        assert!(once(
            "{ async { let t = m.get(&id)?; ok(t) }.instrument(span).await }"
        ));
        assert!(once("{ tracing::info!(%id, \"read\"); Ok(()) }"));
        assert!(!once("{ let b = remote.download(&n).await?; Ok(b) }"));
        assert!(!once("{ async { remote.download(&n).await }.await }"));
        assert!(!once("{ for t in tenants { t.flush(); } }"));
        assert!(!once("{ tokio::spawn(async move { w.run() }); }"));
        assert!(!once("{ rt.spawn_blocking(move || w.run()); }"));
        assert!(!once("{ let (a, b) = tokio::join!(x(), y()); }"));
        assert!(!once("{ my_retry!(client.get(u).send().await) }"));
        // A nested fn is not this body's work.
        assert!(once("{ fn helper() { loop {} } 1 }"));
    }
}
