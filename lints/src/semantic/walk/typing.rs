//! Expression typing: what an expression's type is, as far as racewise needs (possibly deferred to
//! the crate index). Pure: no effect on guard liveness.

use std::sync::Arc;

use super::Core;
use crate::semantic::syntax::peel;
use crate::semantic::types::{
    CONSTRUCTORS, ELEMENT_METHODS, Ty, TyExpr, WRAPPER_CTORS, channel_pair, generic_types,
    is_external, known_method_ret,
};

/// Methods whose result has the receiver's type, for racewise's purposes (smart-pointer plumbing,
/// `OnceLock::get`, iterator adapters over a collection).
const SAME_TYPE: &[&str] = &[
    "clone",
    "as_ref",
    "as_mut",
    "deref",
    "deref_mut",
    "to_owned",
    "as_deref",
    "get_or_init",
    "get_or_try_init",
    "force",
    "iter",
    "iter_mut",
    "into_iter",
    "values",
    "values_mut",
    "load",
    "load_full",
    "cloned",
    "copied",
    "by_ref",
    "as_slice",
    "upgrade",
    // `Option::take`: the slot's own type (`self.reply.take()` is the oneshot sender).
    "take",
    // `#[pin_project]`'s projection: a struct of the same fields (as `Pin<&mut T>` or
    // `&mut T`, which typing looks through).
    "project",
    "project_ref",
];

/// Adapters of a `Result`/`Option` that change only its error (`.context("..")?`,
/// `.ok_or(e)?`, `.map_err(..)?`): the value a `?` takes out stays the receiver's. Only with
/// their one argument, so a crate type's own `context()` accessor is not mistaken for one.
pub(super) const ERROR_ADAPTERS: &[&str] = &[
    "context",
    "with_context",
    "wrap_err",
    "wrap_err_with",
    "map_err",
    "ok_or",
    "ok_or_else",
];

/// Methods that take the value out of a `Result`/`Option`.
const UNWRAP: &[&str] = &["unwrap", "expect", "unwrap_or_default", "unwrap_unchecked"];

/// Receives on a channel: the message (a receiver's element), through the `Option`/`Result`
/// they wrap it in (`Some(msg)` and `Ok(msg)` patterns take it out as they do of the message).
const RECEIVE: &[&str] = &["recv", "recv_async", "blocking_recv", "recv_timeout"];

/// What an async socket constructor or `accept` gives once awaited (`io::Result` of a socket,
/// or of the `(socket, peer)` pair): the same type as the sync call's, so `.await` keeps it.
fn is_socket_io(t: &Ty) -> bool {
    let socket = |t: &Ty| {
        t.ok_value()
            .path_str()
            .is_some_and(|p| crate::semantic::types::SOCKET_TYPES.contains(&p))
    };
    match t.ok_value() {
        Ty::Tuple(parts) => parts.first().is_some_and(socket),
        other => socket(&other),
    }
}

const MAX_DEPTH: u32 = 64;

impl<'a> Core<'a> {
    /// Whether a method chain starts at `OpenOptions::new()` / `File::options()` from `std::fs`,
    /// or at a binding of type `std::fs::OpenOptions`: its `open(path)` opens a file.
    pub(crate) fn is_open_options_chain(&self, mut e: &syn::Expr) -> bool {
        loop {
            match e {
                syn::Expr::MethodCall(mc) => e = &mc.receiver,
                syn::Expr::Paren(p) => e = &p.expr,
                syn::Expr::Reference(r) => e = &r.expr,
                syn::Expr::Call(c) => {
                    return matches!(
                        self.callee(c).as_deref(),
                        Some("std::fs::OpenOptions::new" | "std::fs::File::options")
                    );
                }
                other => {
                    return matches!(self.ty_of(other), TyExpr::Known(Ty::Path { ref path, .. }) if path == "std::fs::OpenOptions");
                }
            }
        }
    }

    pub(crate) fn ty_of(&self, e: &syn::Expr) -> TyExpr {
        self.ty_of_depth(e, 0)
    }

    fn ty_of_depth(&self, e: &syn::Expr, depth: u32) -> TyExpr {
        if depth > MAX_DEPTH {
            return TyExpr::Unknown;
        }
        let rec = |e: &syn::Expr| self.ty_of_depth(e, depth + 1);
        match e {
            syn::Expr::Path(p) if p.qself.is_none() => {
                if let Some(ident) = p.path.get_ident()
                    && let Some(b) = self.env.lookup(&ident.to_string())
                {
                    return b.ty.clone();
                }
                // A static or const, named through this module's scopes: the crate index finds
                // its declaration from the resolved path.
                let full = self.uses.resolve(&p.path);
                if is_external(&full) {
                    return TyExpr::Unknown;
                }
                TyExpr::Static(full)
            }
            syn::Expr::Field(f) => {
                rec(&f.base).field(crate::semantic::syntax::member_name(&f.member))
            }
            syn::Expr::MethodCall(mc) => {
                let name = mc.method.to_string();
                // `iter.sum::<usize>()`, `.collect::<Vec<_>>()`, `s.parse::<u16>()`: the
                // turbofish names what the call makes, whatever the receiver is.
                if let Some(made) = turbofish_made(mc, &name, &self.uses) {
                    return TyExpr::Known(made);
                }
                let recv = rec(&mc.receiver);
                if SAME_TYPE.contains(&name.as_str())
                    || (name == "get" && mc.args.is_empty())
                    || (mc.args.len() == 1 && ERROR_ADAPTERS.contains(&name.as_str()))
                {
                    recv
                } else if UNWRAP.contains(&name.as_str()) {
                    recv.ok()
                } else if RECEIVE.contains(&name.as_str())
                    || (ELEMENT_METHODS.contains(&name.as_str()) && !recv.may_be_crate_type())
                {
                    recv.elem()
                } else if let Some(t) = recv.known().and_then(|t| known_method_ret(t, &name)) {
                    TyExpr::Known(t)
                } else if recv.is_unknown() {
                    TyExpr::Unknown
                } else {
                    recv.method_ret(name)
                }
            }
            syn::Expr::Call(c) => self.ty_of_call(c, depth),
            syn::Expr::Reference(r) => rec(&r.expr),
            syn::Expr::Paren(p) => rec(&p.expr),
            syn::Expr::Tuple(t) if !t.elems.is_empty() => {
                TyExpr::tuple(t.elems.iter().map(rec).collect())
            }
            // `rx.recv().await`: the message; `TcpStream::connect(addr).await`,
            // `listener.accept().await`: the socket; a crate `async fn`'s call: its declared
            // return type (other futures' outputs are not typed).
            syn::Expr::Await(a) => {
                // `timeout(d, fut).await`: the future's output, through the `Result` that a
                // second `?`/`.unwrap()` takes off (`Ok(Ok(x))` patterns too).
                if let syn::Expr::Call(c) = peel(&a.base)
                    && let syn::Expr::Path(p) = peel(&c.func)
                    && c.args.len() == 2
                    && matches!(
                        self.uses.resolve(&p.path).as_str(),
                        "tokio::time::timeout" | "tokio::time::timeout_at"
                    )
                {
                    return rec(&c.args[1]).awaited();
                }
                let awaited = rec(&a.base);
                let receive = matches!(&*a.base, syn::Expr::MethodCall(mc)
                    if RECEIVE.contains(&mc.method.to_string().as_str()));
                if receive || awaited.known().is_some_and(is_socket_io) {
                    awaited
                } else {
                    awaited.awaited()
                }
            }
            syn::Expr::Group(g) => rec(&g.expr),
            syn::Expr::Try(t) => rec(&t.expr).ok(),
            // `*Lazy::force(..)` is what the made value derefs to, not that value.
            syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => match rec(&u.expr) {
                TyExpr::Made(call) => (*call).clone(),
                t => t,
            },
            syn::Expr::Index(i) => rec(&i.expr).elem(),
            syn::Expr::Block(b) => self.ty_of_block(&b.block, depth),
            syn::Expr::Unsafe(b) => self.ty_of_block(&b.block, depth),
            syn::Expr::If(i) => self.ty_of_block(&i.then_branch, depth),
            syn::Expr::Match(m) => self.ty_of_match(m, depth),
            syn::Expr::Struct(s) => TyExpr::Known(Ty::path(&self.uses.resolve(&s.path))),
            syn::Expr::Macro(m) if m.mac.path.is_ident("format") => {
                TyExpr::Known(Ty::path("std::string::String"))
            }
            // `sqlx::migrate!("./migrations")`, `sqlx::query!(..)`: a value another crate's
            // macro made right there, whose methods are that crate's (see
            // `CrateIndex::made_outside`); what it is stays unknown.
            syn::Expr::Macro(m) => {
                let path = self.uses.resolve(&m.mac.path);
                match path.split_once("::") {
                    Some((root, _))
                        if root.starts_with(|c: char| c.is_ascii_lowercase())
                            && !matches!(
                                root,
                                "crate" | "self" | "super" | "std" | "core" | "alloc"
                            ) =>
                    {
                        TyExpr::Made(Arc::new(TyExpr::Known(Ty::path(&path)).method_ret("!")))
                    }
                    _ => TyExpr::Unknown,
                }
            }
            _ => TyExpr::Unknown,
        }
    }

    /// `match r { Ok(v) => v, Err(_) => return }`: the type of an arm that is not a way out.
    /// An arm handing out what its `Ok(..)`/`Some(..)` pattern took (`Ok(Ok(pair)) => pair`
    /// too) has the scrutinee's inner type. An arm whose value names another binding of its
    /// pattern is skipped: that binding is not in scope here, and an outer one of the same
    /// name would answer for it.
    fn ty_of_match(&self, m: &syn::ExprMatch, depth: u32) -> TyExpr {
        for arm in &m.arms {
            let body = match peel(&arm.body) {
                syn::Expr::Block(b) if b.block.stmts.len() == 1 => match &b.block.stmts[0] {
                    syn::Stmt::Expr(e, None) => peel(e),
                    _ => continue,
                },
                e => e,
            };
            if let Some(levels) = unwrapped_binding(&arm.pat, body) {
                return (0..levels).fold(self.ty_of_depth(&m.expr, depth + 1), |t, _| t.ok());
            }
            let mut names = Vec::new();
            crate::semantic::syntax::pat_names(&arm.pat, &mut names);
            let tokens = quote::ToTokens::to_token_stream(body);
            if names
                .iter()
                .any(|n| crate::semantic::syntax::mentions_ident(tokens.clone(), n))
            {
                continue;
            }
            let t = self.ty_of_depth(body, depth + 1);
            if !t.is_unknown() {
                return t;
            }
        }
        TyExpr::Unknown
    }

    fn ty_of_block(&self, b: &syn::Block, depth: u32) -> TyExpr {
        match b.stmts.last() {
            Some(syn::Stmt::Expr(e, None)) => self.ty_of_depth(e, depth + 1),
            _ => TyExpr::Unknown,
        }
    }

    fn ty_of_call(&self, c: &syn::ExprCall, depth: u32) -> TyExpr {
        let syn::Expr::Path(p) = &*c.func else {
            return TyExpr::Unknown;
        };
        if p.qself.is_some() {
            return TyExpr::Unknown;
        }
        let full = self.uses.resolve(&p.path);
        if WRAPPER_CTORS.contains(&full.as_str()) {
            return c
                .args
                .first()
                .map(|a| self.ty_of_depth(a, depth + 1))
                .unwrap_or(TyExpr::Unknown);
        }
        // `broadcast::channel::<E>(16)`: a `(Sender<E>, Receiver<E>)` pair.
        let turbofish = p
            .path
            .segments
            .last()
            .map(|s| generic_types(&s.arguments, &self.uses))
            .unwrap_or_default();
        if let Some(pair) = channel_pair(&full, turbofish.clone()) {
            return TyExpr::Known(pair);
        }
        // `TcpStream::connect(addr)`, `TcpListener::bind(addr)`: the socket (through the
        // `io::Result` that `?`/`.expect(..)` take it out of).
        if let Some((prefix, last)) = full.rsplit_once("::")
            && matches!(last, "connect" | "bind")
            && crate::semantic::types::SOCKET_TYPES.contains(&prefix)
        {
            return TyExpr::Known(Ty::path(prefix));
        }
        let seg_count = p.path.segments.len();
        // `Type::f(..)` (type then fn); a bare `new(..)` is just a fn.
        if let Some((prefix, last)) = full.rsplit_once("::")
            && seg_count >= 2
            && p.path.segments[seg_count - 2]
                .ident
                .to_string()
                .starts_with(|c: char| c.is_ascii_uppercase())
        {
            let ty = Ty::Path {
                path: prefix.to_string(),
                args: generic_types(&p.path.segments[seg_count - 2].arguments, &self.uses),
            };
            // A workspace type's associated fn (`Core::new(dir).await?`,
            // `TenantHarness::create(name)`): its declared return type, settled by the crate
            // index (a constructor it does not declare, `Config::default()`, is the type).
            if !is_external(prefix) && prefix != "Self" {
                let call = TyExpr::Known(ty).method_ret(last);
                // Maybe std's `Arc::new` through a glob: the index tells, and needs the argument.
                return match c.args.first() {
                    Some(arg)
                        if c.args.len() == 1
                            && WRAPPER_CTORS
                                .iter()
                                .any(|w| crate::semantic::syntax::last_segment(w) == last) =>
                    {
                        TyExpr::WrapperCall(
                            Arc::new(call),
                            Arc::new(self.ty_of_depth(arg, depth + 1)),
                        )
                    }
                    _ if turbofish.is_empty() && c.args.iter().all(carries_no_value) => {
                        TyExpr::Made(Arc::new(call))
                    }
                    _ => call,
                };
            }
            // `Mutex::new`: std's and other crates' constructors give their type.
            if CONSTRUCTORS.contains(&last) {
                return TyExpr::Known(ty);
            }
        }
        if is_external(&full) {
            return TyExpr::Unknown;
        }
        if seg_count_is_fn(&full) {
            TyExpr::FnRet(full, turbofish)
        } else {
            TyExpr::Unknown
        }
    }
}

/// A crate-local free fn call (`registry()`, `crate::state::db()`), not `Type::assoc()`.
fn seg_count_is_fn(full: &str) -> bool {
    let (head, last) = crate::semantic::syntax::split_last(full);
    last.chars()
        .next()
        .is_some_and(|c| c.is_lowercase() || c == '_')
        && !head
            .map(crate::semantic::syntax::last_segment)
            .is_some_and(|ty| ty.chars().next().is_some_and(|c| c.is_uppercase()))
}

/// How many `Ok(..)`/`Some(..)` layers an arm's pattern peels before binding the very name
/// its value is (`Ok(Ok(pair)) => pair`: 2); `None` for any other arm.
fn unwrapped_binding(pat: &syn::Pat, body: &syn::Expr) -> Option<usize> {
    let syn::Expr::Path(p) = body else {
        return None;
    };
    let name = p.path.get_ident()?;
    let mut pat = pat;
    let mut levels = 0;
    loop {
        match pat {
            syn::Pat::TupleStruct(ts)
                if ts.elems.len() == 1
                    && ts
                        .path
                        .segments
                        .last()
                        .is_some_and(|s| s.ident == "Ok" || s.ident == "Some") =>
            {
                levels += 1;
                pat = &ts.elems[0];
            }
            syn::Pat::Ident(pi) if pi.subpat.is_none() && levels > 0 => {
                return (pi.ident == *name).then_some(levels);
            }
            _ => return None,
        }
    }
}

/// The type a consuming iterator or parse method is told to make by its turbofish: `T` for
/// `sum::<T>()`, `product::<T>()`, `collect::<T>()`, `Result<T, _>` for `parse::<T>()`. `_`
/// says nothing.
fn turbofish_made(
    mc: &syn::ExprMethodCall,
    name: &str,
    uses: &crate::semantic::paths::UseScopes,
) -> Option<Ty> {
    let parse = match name {
        "sum" | "product" | "collect" => false,
        "parse" => true,
        _ => return None,
    };
    let tf = mc.turbofish.as_ref().filter(|tf| tf.args.len() == 1)?;
    let Some(syn::GenericArgument::Type(t)) = tf.args.first() else {
        return None;
    };
    let made = Ty::from_syn(t, uses);
    match made {
        Ty::Unknown => None,
        made if parse => Some(Ty::Path {
            path: "std::result::Result".into(),
            args: vec![made],
        }),
        made => Some(made),
    }
}

/// An argument that hands an associated fn no value whose type could come back in its result:
/// a literal, a binding, a field or a constant (`AxoUpdater::new_for("atuin")`,
/// `Client::new(cfg.url)`), not a closure, a call, a borrow or a block
/// (`Retry::spawn(s, || Db::connect(u))`, `WrapErr::wrap_err(load(), ..)`).
fn carries_no_value(e: &syn::Expr) -> bool {
    matches!(
        peel(e),
        syn::Expr::Lit(_) | syn::Expr::Path(_) | syn::Expr::Field(_)
    )
}

#[cfg(test)]
mod tests {
    use super::{carries_no_value, turbofish_made};
    use crate::semantic::paths::UseScopes;
    use crate::semantic::types::Ty;

    #[test]
    fn a_turbofish_names_what_sum_collect_and_parse_make() {
        let uses = UseScopes::for_module(Vec::new());
        let made = |s: &str| {
            let syn::Expr::MethodCall(mc) = syn::parse_str::<syn::Expr>(s).expect("parses") else {
                panic!("{s} is no method call");
            };
            turbofish_made(&mc, &mc.method.to_string(), &uses)
        };
        assert_eq!(made("lens.iter().sum::<usize>()"), Some(Ty::path("usize")));
        assert_eq!(
            made("v.parse::<u16>()").and_then(|t| t.path_str().map(str::to_string)),
            Some("std::result::Result".to_string())
        );
        assert_eq!(made("it.collect::<_>()"), None);
        assert_eq!(made("it.sum()"), None);
        assert_eq!(made("x.into::<usize>()"), None);
    }

    #[test]
    fn only_plain_arguments_leave_an_associated_fns_value_its_own() {
        let arg = |s: &str| syn::parse_str::<syn::Expr>(s).expect("argument parses");
        for plain in ["\"atuin\"", "cfg.url", "ROOT", "port", "(port)"] {
            assert!(carries_no_value(&arg(plain)), "{plain}");
        }
        for carrier in [
            "|| Db::connect(u)",
            "load()",
            "&mut rx",
            "async { db }",
            "{ db }",
        ] {
            assert!(!carries_no_value(&arg(carrier)), "{carrier}");
        }
    }
}
