//! The one list of "known fallible" operations: calls whose `Result` carries an error somebody
//! should hear about, so discarding it (`let _ = ..`, `.ok();`) silently loses a failure.
//!
//! The list is deliberately short and concrete. A call is only "known" when racewise can tell
//! what it is without type checking:
//!
//! - **Methods**, by name *and* argument count, because the argument count separates the fallible
//!   operation from unrelated methods of the same name: `tx.send(msg)` (one argument: a channel,
//!   sink or socket send) versus `request.send()` (none: an HTTP request builder), `w.write(buf)`
//!   (`io::Write`) versus `lock.write()` (an `RwLock` guard).
//! - **Free functions**, by their resolved path: every `std::fs` / `tokio::fs` function (all of
//!   them return `io::Result`), plus the file operations of the common fs wrappers. A path that
//!   does not resolve to one of these modules (a crate-local `fs::rename`) is not "known".
//!
//! Separately, [`expected_failure`] lists operations whose `Err` is an ordinary answer ("not
//! now": an empty channel, a lock held elsewhere) rather than a failure; ignoring that error is
//! how they are meant to be used.

use proc_macro2::Span;
use syn::spanned::Spanned;

/// Fallible methods: `(name, argument count)`. Grouped by what they fail at.
const METHODS: &[(&str, usize)] = &[
    // Channels and sinks: the receiver is gone (or full); the message is lost.
    ("send", 1),
    ("try_send", 1),
    ("blocking_send", 1),
    ("send_timeout", 2),
    ("unbounded_send", 1),
    ("send_to", 2),
    // Event buses / pub-sub clients: the event never reached the bus.
    ("publish", 1),
    ("publish", 2),
    ("publish", 3),
    // Writers (`std::io::Write`, `tokio::io::AsyncWriteExt`): data not written.
    ("write", 1),
    ("write_all", 1),
    ("write_all_buf", 1),
    ("write_fmt", 1),
    ("flush", 0),
    ("sync_all", 0),
    ("sync_data", 0),
];

/// Modules whose free functions all return `io::Result`.
const FS_MODULES: &[&str] = &[
    "std::fs::",
    "tokio::fs::",
    "async_std::fs::",
    "fs_err::",
    "fs_err::tokio::",
];

/// A method call (`recv.name(args..)`) known to return an error worth handling.
pub fn is_fallible_method(name: &str, args: usize) -> bool {
    METHODS.iter().any(|&(n, a)| n == name && a == args)
}

/// A resolved free-function path (`std::fs::remove_file`) known to return an error worth
/// handling. Types (`std::fs::File`) and their constructors are not free functions.
pub fn is_fallible_fn(path: &str) -> bool {
    FS_MODULES.iter().any(|m| {
        path.strip_prefix(m).is_some_and(|rest| {
            !rest.contains("::") && rest.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        })
    })
}

/// Methods whose `Err` means "not now" (an empty or full queue on a poll, a lock held elsewhere,
/// a borrow in progress) rather than a failure: `match rx.try_recv() { .., Err(_) => {} }` is
/// how they are used. Also the process-wide one-time setters, whose `Err` only says "already
/// set" like `OnceLock::set`'s (`tracing::subscriber::set_global_default(..).ok()` in every
/// test that wants logs), and loading an optional `.env` file (`dotenvy::dotenv().ok()`, the
/// first line of many a service's `main`: the file is absent wherever the environment is set
/// for real).
pub fn expected_failure(method: &str) -> bool {
    matches!(
        method,
        "dotenv"
            | "dotenv_override"
            | "set_global_default"
            | "set_logger"
            | "set_boxed_logger"
            // The `metrics` crate's recorder, installed once per process like a logger.
            | "set_global_recorder"
            | "set_boxed_recorder"
            // rustls' `CryptoProvider::install_default`: `Err` hands back the provider when
            // one is installed already. A subscriber's or logger's `try_init`: the same.
            | "install_default"
            // `slog_stdlog::init_with_level(..)`, `simple_logger::init_with_level(..)`:
            // `log::set_boxed_logger` underneath, whose only error is "already set".
            | "init_with_level"
            | "init_with_env"
            | "try_init"
            | "try_recv"
            | "try_next"
            | "try_lock"
            | "try_read"
            | "try_write"
            | "try_borrow"
            | "try_borrow_mut"
            | "try_acquire"
            | "try_acquire_owned"
            | "try_acquire_many"
            | "try_wait"
            | "try_reserve"
            | "try_current"
            // http-body's `Frame::into_data`/`into_trailers`: `Err` hands back a frame of the
            // other kind (trailers after the data), which a body reader skips.
            | "into_data"
            | "into_trailers"
            // `Arc::try_unwrap`/`Rc::try_unwrap`: `Err` hands back the pointer, still shared.
            | "try_unwrap"
    )
}

/// Conversions whose `Err` only says "not a valid value" (`"12".parse()`, a header's `to_str()`,
/// `NonZeroU32::new`, `u16::try_from(n)`, a `downcast` to another type):
/// `.and_then(|v| v.to_str().ok())` turns an invalid value into an absent one on purpose. `op`
/// is the producing method or the callee's last segment; `ty` is the segment before it for a
/// path call (`u16` in `u16::try_from`).
///
/// `try_from`/`from_row` on a domain type (`User::try_from(&row)`) is *not* here: that is the
/// decoding of a record, and dropping its error makes rows vanish.
pub fn is_validation_conversion(op: &str, ty: Option<&str>) -> bool {
    const PRIMITIVES: &[&str] = &[
        "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize",
        "char", "f32", "f64",
    ];
    op.starts_with("parse")
        // `Uuid::try_parse_ascii(b)`: a parse that says so (not clap's `try_parse_from(args)`).
        || matches!(op, "try_parse" | "try_parse_ascii")
        || op.starts_with("checked_")
        // `Box<dyn Any>::downcast::<T>()`: the `Err` is "another type", handed back.
        || op.starts_with("downcast")
        // wasm-bindgen's `JsCast::dyn_into::<Element>()`: the same type test on a JS value,
        // whose `Err` hands the value back.
        || op == "dyn_into"
        // `StatusCode::from_u16(n)`, `Level::from_i32(n)`: a number checked against a range.
        || op
            .strip_prefix("from_")
            .and_then(|rest| rest.strip_prefix(['u', 'i']))
            .is_some_and(|bits| matches!(bits, "8" | "16" | "32" | "64" | "128" | "size"))
        || op.starts_with("from_str")
        || op.starts_with("from_utf8")
        // A project's own wrapper named for what it checks (`string_from_bytes(&body)`).
        || op.ends_with("_from_utf8")
        || op.ends_with("_from_bytes")
        || op.ends_with("_from_str")
        || matches!(
            op,
            "to_str" | "try_into" | "into_string" | "from_bytes" | "from_digit" | "from_u32"
        )
        // `attr.as_str().ok()` (an X.509 attribute, an ASN.1 value): a `Result`-returning
        // `as_str` is a test of the value's type.
        || matches!(op, "as_str" | "as_string")
        // `path.strip_prefix(dir).ok()`: `Path::strip_prefix`'s `Err` only says the path is
        // not under `dir` (`find_map(|d| bin.strip_prefix(d).ok())` is a search).
        || op == "strip_prefix"
        // `now.duration_since(UNIX_EPOCH).ok()`: `SystemTime::duration_since`'s `Err` only says
        // the other time is later (a clock set before 1970), a comparison of two times.
        || op == "duration_since"
        // `socket.peer_addr().ok()`: the `Err` is "not connected" (`ENOTCONN`: the peer left or
        // never was), which is the accessor's "no address" answer.
        || op == "peer_addr"
        // `NotNan::new(x)`, `NonZeroU64::new(n)`: validating constructors.
        || (op == "new" && ty.is_some())
        || (op == "try_from" && ty.is_some_and(|t| PRIMITIVES.contains(&t)))
}

/// A fn declared to return a `Result` (its return type's last segment is named `Result`:
/// `io::Result<()>`, a crate's `Result` alias) whose body can only return `Ok(..)`: its tail is
/// `Ok(..)` or a `loop`, every `return` (and valued `break`) gives `Ok(..)`, and it holds no `?`,
/// no `Err` outside patterns and no macro other than logging and assertions (a project's
/// `bail!`/`Err!` may return an error). An `Err` of a cancellation marker (`return
/// Err(YieldingLoopError::Cancelled)`: a unit variant named `Cancelled`/`Canceled`/`Cancellation`
/// or `ShuttingDown`) is no failure either: the caller asked for it. Closures and async blocks
/// inside do not return from the fn, but their `?` and `Err` are counted too: the test stays
/// syntactic and errs towards "may fail".
pub fn never_errs(sig: &syn::Signature, block: &syn::Block) -> bool {
    let Some(tp) = result_return(sig) else {
        return false;
    };
    // `Ok(std::fs::write(..))` in a `Result<io::Result<()>>`: the payload is an error.
    if crate::semantic::syntax::mentions_ident(
        match &tp.path.segments.last().map(|s| &s.arguments) {
            Some(syn::PathArguments::AngleBracketed(a)) => {
                quote::ToTokens::to_token_stream(&a.args)
            }
            _ => proc_macro2::TokenStream::new(),
        },
        "Result",
    ) {
        return false;
    }
    let Some(syn::Stmt::Expr(tail, None)) = block.stmts.last() else {
        return false;
    };
    // A tail `loop { .. }` only ends through its `return`s and `break`s, which are checked
    // below like the rest of the body.
    if !is_ok_call(tail) && !matches!(tail, syn::Expr::Loop(_)) {
        return false;
    }
    let mut v = MayErr(false);
    syn::visit::Visit::visit_block(&mut v, block);
    !v.0
}

/// Whether a fn of a conversion impl fails with `()`: `-> Result<Self, Self::Error>` (or
/// `Self::Err`) in an impl whose `type Error = ()` (`unit_impl_error`: a `TryFrom` or `FromStr`
/// that says only "not of this kind"). Its `Err` holds nothing to report. A plain `-> Result<T,
/// ()>` may have thrown a real error away on the way (`.map_err(|_| ())`): not this.
pub fn errs_with_unit(sig: &syn::Signature, unit_impl_error: bool) -> bool {
    let Some(tp) = result_return(sig) else {
        return false;
    };
    let Some(syn::PathArguments::AngleBracketed(a)) = tp.path.segments.last().map(|s| &s.arguments)
    else {
        return false;
    };
    let mut types = a.args.iter().filter_map(|g| match g {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    });
    match types.nth(1) {
        Some(syn::Type::Tuple(t)) => unit_impl_error && t.elems.is_empty(),
        Some(syn::Type::Path(p)) => {
            unit_impl_error
                && p.qself.is_none()
                && p.path.segments.len() == 2
                && p.path.segments[0].ident == "Self"
                && matches!(
                    p.path.segments[1].ident.to_string().as_str(),
                    "Error" | "Err"
                )
        }
        _ => false,
    }
}

/// Whether an impl declares `type Error = ();` (or `type Err = ();`, `FromStr`'s).
pub fn impl_errs_with_unit(imp: &syn::ItemImpl) -> bool {
    imp.items.iter().any(|i| {
        matches!(i, syn::ImplItem::Type(t)
            if (t.ident == "Error" || t.ident == "Err")
                && matches!(&t.ty, syn::Type::Tuple(tt) if tt.elems.is_empty()))
    })
}

/// The declared return type, when its last segment is named `Result`.
fn result_return(sig: &syn::Signature) -> Option<&syn::TypePath> {
    let syn::ReturnType::Type(_, ty) = &sig.output else {
        return None;
    };
    let syn::Type::Path(tp) = &**ty else {
        return None;
    };
    tp.path
        .segments
        .last()
        .is_some_and(|s| s.ident == "Result")
        .then_some(tp)
}

/// Whether a fn declared to return a `Result` reports every error it returns where the error is
/// made, so that a caller dropping the `Result` (a detached task's, a discarded call's) loses
/// nothing: each `Err(..)`, `bail!`-like macro, `return` of another value and `?` on something
/// other than a call comes after a log macro in its own (innermost, not the fn's top-level)
/// block — `Err(e) => { error!(%e, ".."); return Err(e.into()) }` — and each `?` converts the
/// error in a closure that logs (`.map_err(|e| { error!(..); .. })?`, `ok_or_else`,
/// `inspect_err`); a `?` on a channel's send is no error exit (see
/// [`super::syntax::channel_send`]). `Some(calls)`: so do the callees named at `calls` (the
/// callee spans of each
/// `call(..)?` and of a tail or `return` that hands a call's `Result` on), which only the call
/// graph can tell. `None`: an error goes out unreported, or the fn returns no `Result`.
/// Closures and async blocks inside return their own errors, not the fn's.
pub fn logged_error_exits(sig: &syn::Signature, block: &syn::Block) -> Option<Vec<Span>> {
    result_return(sig)?;
    logged_error_exits_of(block)
}

/// [`logged_error_exits`] of a body whose `Result` type is not declared: a spawned `async`
/// block's (whose tail or `return`s already say it ends in a `Result`).
pub fn logged_error_exits_of(block: &syn::Block) -> Option<Vec<Span>> {
    let mut v = LoggedExits {
        ok: true,
        via: Vec::new(),
        logged: Vec::new(),
    };
    v.block(block, false, false);
    if let Some(syn::Stmt::Expr(tail, None)) = block.stmts.last() {
        v.exit(tail);
    }
    v.ok.then_some(v.via)
}

/// See [`logged_error_exits`].
struct LoggedExits {
    ok: bool,
    via: Vec<Span>,
    /// Per open block, innermost last: whether a log macro came earlier in it (never set for
    /// the fn's own block: a log at the top says nothing about a later error).
    logged: Vec<Option<bool>>,
}

impl LoggedExits {
    /// Walks a block with its own log flag (`settable`; never for the fn's own block: a log at
    /// the top says nothing of a later error). In a loop's turn (`turn`), a log reports only an
    /// error exit that is one of the turn's own statements after it (`let Err(e) = .. else {
    /// continue }; warn!(%e, ..); return Err(e);`), not one inside a later statement
    /// (`debug!("waiting"); let line = match next().await { Some(Err(e)) => return Err(e), ..
    /// };`: the log says nothing of it).
    fn block(&mut self, b: &syn::Block, settable: bool, turn: bool) {
        self.logged.push(settable.then_some(false));
        for stmt in &b.stmts {
            let mac = super::syntax::stmt_macro(stmt);
            let nested = turn
                && super::syntax::exit_of(stmt).is_none()
                && !matches!(stmt, syn::Stmt::Expr(syn::Expr::Return(_), _));
            if nested {
                self.logged.push(Some(false));
            }
            syn::visit::Visit::visit_stmt(self, stmt);
            if nested {
                self.logged.pop();
            }
            if mac.is_some_and(|m| super::macros::is_log_macro(&super::macros::macro_name(m)))
                && let Some(Some(flag)) = self.logged.last_mut()
            {
                *flag = true;
            }
        }
        self.logged.pop();
    }

    fn logged(&self) -> bool {
        matches!(self.logged.last(), Some(Some(true)))
    }

    fn need_log(&mut self) {
        if !self.logged() {
            self.ok = false;
        }
    }

    /// A value the fn returns (a `return`'s, its tail, a tail `match`'s arms').
    fn exit(&mut self, e: &syn::Expr) {
        match super::syntax::peel(e) {
            syn::Expr::Await(a) => self.exit(&a.base),
            // `Ok(()) as CacheResult<()>`: the cast names the block's `Result` type.
            syn::Expr::Cast(c) => self.exit(&c.expr),
            // `Err(..)` is judged where it is visited; `Ok(..)` is no error.
            // `anyhow::Ok(())` too.
            syn::Expr::Call(c)
                if super::syntax::path_last_ident(&c.func)
                    .is_some_and(|i| i == "Ok" || i == "Err") => {}
            syn::Expr::Call(c) => self.via.push(c.func.span()),
            syn::Expr::MethodCall(mc) if logging_closure(&mc.args) => {}
            syn::Expr::MethodCall(mc) => self.via.push(mc.method.span()),
            syn::Expr::Match(m) => m.arms.iter().for_each(|a| self.exit(&a.body)),
            syn::Expr::If(i) => {
                self.exit_block(&i.then_branch);
                if let Some((_, e)) = &i.else_branch {
                    self.exit(e);
                }
            }
            syn::Expr::Block(b) => self.exit_block(&b.block),
            // Diverges, or a `loop` whose `break`s are not followed: no value of its own.
            syn::Expr::Return(_) | syn::Expr::Loop(_) | syn::Expr::Macro(_) => {}
            _ => self.need_log(),
        }
    }

    fn exit_block(&mut self, b: &syn::Block) {
        if let Some(syn::Stmt::Expr(tail, None)) = b.stmts.last() {
            self.exit(tail);
        }
    }
}

/// A closure argument that logs (`.map_err(|e| { error!(..); e })`).
fn logging_closure(args: &syn::punctuated::Punctuated<syn::Expr, syn::Token![,]>) -> bool {
    args.iter()
        .any(|a| matches!(a, syn::Expr::Closure(c) if super::macros::logs_in(&c.body)))
}

impl<'ast> syn::visit::Visit<'ast> for LoggedExits {
    fn visit_block(&mut self, b: &'ast syn::Block) {
        self.block(b, true, false);
    }

    fn visit_expr_loop(&mut self, l: &'ast syn::ExprLoop) {
        self.block(&l.body, true, true);
    }

    fn visit_expr_while(&mut self, w: &'ast syn::ExprWhile) {
        self.visit_expr(&w.cond);
        self.block(&w.body, true, true);
    }

    fn visit_expr_for_loop(&mut self, f: &'ast syn::ExprForLoop) {
        self.visit_expr(&f.expr);
        self.block(&f.body, true, true);
    }

    fn visit_expr_try(&mut self, t: &'ast syn::ExprTry) {
        // A channel's send: its error only says the receiver is gone (no failure to report).
        if super::syntax::channel_send(&t.expr) {
            syn::visit::visit_expr_try(self, t);
            return;
        }
        let mut operand = super::syntax::peel(&t.expr);
        while let syn::Expr::Await(a) = operand {
            operand = super::syntax::peel(&a.base);
        }
        match operand {
            syn::Expr::MethodCall(mc) if logging_closure(&mc.args) => {}
            syn::Expr::MethodCall(mc) => self.via.push(mc.method.span()),
            syn::Expr::Call(c) => self.via.push(c.func.span()),
            _ => self.need_log(),
        }
        syn::visit::visit_expr_try(self, t);
    }

    fn visit_expr_return(&mut self, r: &'ast syn::ExprReturn) {
        if let Some(e) = &r.expr {
            self.exit(e);
        }
        syn::visit::visit_expr_return(self, r);
    }

    // A valued `break` may end a tail `loop`: judged like a `return` (for a `loop` whose value
    // is bound instead, that only errs towards "unreported").
    fn visit_expr_break(&mut self, b: &'ast syn::ExprBreak) {
        if let Some(e) = &b.expr {
            self.exit(e);
        }
        syn::visit::visit_expr_break(self, b);
    }

    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        // `Err(..)`, `Result::Err(..)`.
        if super::syntax::path_last_ident(&c.func).is_some_and(|i| i == "Err")
            && !is_cancelled_err(c)
        {
            self.need_log();
        }
        syn::visit::visit_expr_call(self, c);
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        // `bail!`, `ensure!`, a project's `err!`: may return an error from here.
        if !returns_no_error(&super::macros::macro_name(m)) {
            self.need_log();
        }
    }

    fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
    fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {}
    fn visit_item(&mut self, _: &'ast syn::Item) {}
    fn visit_pat(&mut self, _: &'ast syn::Pat) {}
}

fn is_ok_call(e: &syn::Expr) -> bool {
    // `Ok(..)` and `Ok::<_, Error>(..)`.
    matches!(e, syn::Expr::Call(c)
        if matches!(&*c.func, syn::Expr::Path(p)
            if p.qself.is_none() && p.path.segments.len() == 1 && p.path.segments[0].ident == "Ok"))
}

/// A closure's body (`|r| Ok::<_, Error>(Hit { .. })`) that can only produce `Ok(..)`: the
/// test [`never_errs`] makes of a fn's body, over an expression.
pub fn expr_never_errs(body: &syn::Expr) -> bool {
    let tail = match crate::semantic::syntax::peel(body) {
        syn::Expr::Block(b) => match b.block.stmts.last() {
            Some(syn::Stmt::Expr(e, None)) => e,
            _ => return false,
        },
        e => e,
    };
    if !is_ok_call(crate::semantic::syntax::peel(tail)) {
        return false;
    }
    let mut v = MayErr(false);
    syn::visit::Visit::visit_expr(&mut v, body);
    !v.0
}

/// `Err(Error::Cancelled)`: an error that only says the caller's cancellation came.
fn is_cancelled_err(c: &syn::ExprCall) -> bool {
    let mut args = c.args.iter();
    let (Some(syn::Expr::Path(variant)), None) = (args.next(), args.next()) else {
        return false;
    };
    matches!(&*c.func, syn::Expr::Path(p) if p.path.is_ident("Err"))
        && variant.path.segments.last().is_some_and(|s| {
            matches!(
                s.ident.to_string().as_str(),
                "Cancelled" | "Canceled" | "Cancellation" | "ShuttingDown"
            )
        })
}

/// A macro that cannot return an error from the body it is in: logging, assertions (a panic
/// is no `Err`), formatting (`write!` gives its `Result` as a value; a `?` after it is seen on
/// its own).
fn returns_no_error(name: &str) -> bool {
    super::macros::is_log_macro(name)
        || matches!(
            name,
            "assert"
                | "assert_eq"
                | "assert_ne"
                | "debug_assert"
                | "debug_assert_eq"
                | "debug_assert_ne"
                | "format"
                | "vec"
                | "matches"
                | "unreachable"
                | "panic"
                | "write"
                | "writeln"
        )
}

/// Set when the body may produce an `Err` (see [`never_errs`]).
struct MayErr(bool);

impl<'ast> syn::visit::Visit<'ast> for MayErr {
    fn visit_expr_try(&mut self, _: &'ast syn::ExprTry) {
        self.0 = true;
    }

    fn visit_expr_return(&mut self, r: &'ast syn::ExprReturn) {
        if !r.expr.as_deref().is_some_and(|e| {
            is_ok_call(e) || matches!(e, syn::Expr::Call(c) if is_cancelled_err(c))
        }) {
            self.0 = true;
        }
        syn::visit::visit_expr_return(self, r);
    }

    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        if !is_cancelled_err(c) {
            syn::visit::visit_expr_call(self, c);
        }
    }

    fn visit_expr_break(&mut self, b: &'ast syn::ExprBreak) {
        if b.expr.as_deref().is_some_and(|e| !is_ok_call(e)) {
            self.0 = true;
        }
        syn::visit::visit_expr_break(self, b);
    }

    // `Err(e) => ..` matches an error; it does not make one.
    fn visit_pat(&mut self, _: &'ast syn::Pat) {}

    fn visit_ident(&mut self, i: &'ast proc_macro2::Ident) {
        if i == "Err" {
            self.0 = true;
        }
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        let harmless = returns_no_error(&super::macros::macro_name(m));
        if !harmless || crate::semantic::syntax::mentions_ident(m.tokens.clone(), "Err") {
            self.0 = true;
        }
    }

    // A nested fn's body is its own.
    fn visit_item(&mut self, _: &'ast syn::Item) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_by_arity() {
        assert!(is_fallible_method("send", 1));
        assert!(!is_fallible_method("send", 0));
        assert!(is_fallible_method("write_all", 1));
        assert!(!is_fallible_method("write", 0));
    }

    #[test]
    fn fs_functions_not_types() {
        assert!(is_fallible_fn("std::fs::remove_file"));
        assert!(is_fallible_fn("tokio::fs::rename"));
        assert!(!is_fallible_fn("std::fs::File::open"));
        assert!(!is_fallible_fn("crate::fs::rename"));
    }

    /// `Some(callee names to follow)` when every error exit is reported (see
    /// [`super::logged_error_exits`]).
    fn logged_src(src: &str) -> Option<Vec<String>> {
        let f: syn::ItemFn = syn::parse_str(src).expect("fn");
        let via = super::logged_error_exits(&f.sig, &f.block)?;
        Some(
            via.into_iter()
                .map(|s| s.source_text().unwrap_or_default())
                .collect(),
        )
    }

    #[test]
    fn logged_error_exits_need_a_log_in_the_exits_own_block() {
        // Logged where made: in the arm, in a `map_err`/`ok_or_else` closure, in the tail.
        assert_eq!(
            logged_src(
                "async fn f(s: S) -> io::Result<()> {\n\
                 match timeout(T, s.readable()).await { Ok(Ok(_)) => {} Ok(Err(err)) => { debug!(?err, \"closed\"); return Err(io::Error::from(K)); } Err(_) => { error!(\"timeout\"); return Err(io::Error::from(T)); } };\n\
                 let c = parse(&s).map_err(|e| { error!(?e, \"bad\"); io::Error::from(K) })?;\n\
                 let k = digest(&c).ok_or_else(|| { warn!(\"odd\"); io::Error::from(K) })?;\n\
                 serve(s).await.map_err(|e| { debug!(\"{e:?}\"); io::Error::from(K) })\n\
                 }"
            ),
            Some(vec![])
        );
        // Handed on from a call: the callee must report it (the call graph follows `process`
        // and `finish`).
        assert_eq!(
            logged_src(
                "async fn f(s: S) -> io::Result<()> { let s = process(s).await?; finish(s).await }"
            ),
            Some(vec!["process".to_string(), "finish".to_string()])
        );
        assert_eq!(
            logged_src("fn f(s: S) -> io::Result<()> { s.check()?; Ok(()) }"),
            Some(vec!["check".to_string()])
        );
        // A log at the top of the fn says nothing about a later error.
        assert_eq!(
            logged_src(
                "fn f(a: bool) -> Result<()> { debug!(\"start\"); if a { return Err(E); } Ok(()) }"
            ),
            None
        );
        // An error returned bare, a `?` on a value, `bail!`, an arm without a log.
        assert_eq!(
            logged_src("fn f() -> Result<()> { if a { return Err(E); } Ok(()) }"),
            None
        );
        assert_eq!(
            logged_src("fn f(r: Result<()>) -> Result<()> { r?; Ok(()) }"),
            None
        );
        assert_eq!(
            logged_src("fn f() -> anyhow::Result<()> { if a { bail!(\"no\"); } Ok(()) }"),
            None
        );
        assert_eq!(
            logged_src(
                "fn f(x: R) -> Result<u8> { match x { Ok(v) => Ok(v), Err(e) => Err(e.into()) } }"
            ),
            None
        );
        assert_eq!(
            logged_src(
                "fn f(x: R) -> Result<u8> { match x { Ok(v) => Ok(v), Err(e) => { error!(%e); Err(e.into()) } } }"
            ),
            Some(vec![])
        );
        // A closure's or async block's `?` is its own; a fn returning no `Result` has none.
        assert_eq!(
            logged_src(
                "fn f(v: Vec<S>) -> Result<()> { let n: Vec<_> = v.iter().map(|s| s.parse()).collect(); let t = async { g().await?; Ok::<_, E>(()) }; Ok(()) }"
            ),
            Some(vec![])
        );
        assert_eq!(logged_src("fn f() -> Option<()> { None }"), None);
    }

    fn never_errs_src(src: &str) -> bool {
        let f: syn::ItemFn = syn::parse_str(src).expect("fn");
        super::never_errs(&f.sig, &f.block)
    }

    #[test]
    fn never_errs_needs_a_result_an_ok_tail_and_no_error_path() {
        assert!(never_errs_src(
            "fn f(&self) -> Result { self.m.remove(&1); debug!(\"x\"); Ok(()) }"
        ));
        assert!(never_errs_src(
            "fn f() -> io::Result<u8> { if a { return Ok(1); } Ok(2) }"
        ));
        assert!(!never_errs_src("fn f() -> Result<()> { g()?; Ok(()) }"));
        assert!(!never_errs_src(
            "fn f() -> Result<()> { if a { return Err(e); } Ok(()) }"
        ));
        assert!(!never_errs_src(
            "fn f() -> Result<()> { if a { return g(); } Ok(()) }"
        ));
        assert!(!never_errs_src("fn f() -> Result<()> { g() }"));
        assert!(!never_errs_src(
            "fn f() -> Result<()> { ensure!(a, \"no\"); Ok(()) }"
        ));
        assert!(!never_errs_src(
            "fn f() -> Result<()> { debug!(\"{:?}\", Err::<(), ()>(())); Ok(()) }"
        ));
        assert!(!never_errs_src("fn f() -> Option<()> { Some(()) }"));
        assert!(!never_errs_src("fn f() { }"));
        assert!(never_errs_src(
            "async fn f(c: &Token) -> Result<(), LoopError> { for i in 0..9 { if c.is_cancelled() { return Err(LoopError::Cancelled); } } Ok(()) }"
        ));
        assert!(!never_errs_src(
            "async fn f(c: &Token) -> Result<(), LoopError> { for i in 0..9 { if c.is_cancelled() { return Err(LoopError::Timeout); } } Ok(()) }"
        ));
        assert!(!never_errs_src(
            "fn f() -> Result<(), E> { if g() { return Err(E::Cancelled(reason())); } Ok(()) }"
        ));
        // A diverging tail loop whose exits are all `Ok`; matching `Err` makes no error.
        assert!(never_errs_src(
            "async fn f() -> anyhow::Result<()> { loop { if c() { return Ok(()); } match g().await { Ok(x) => h(x), Err(e) => { error!(\"{e}\"); break Ok(()); } } } }"
        ));
        assert!(!never_errs_src(
            "fn f() -> Result<()> { loop { if c() { break g(); } } }"
        ));
        assert!(!never_errs_src(
            "fn f() -> Result<()> { loop { if c() { return Err(e); } } }"
        ));
        assert!(!never_errs_src(
            "fn f() -> Result<()> { assert_or_return!(a, E::Big); Ok(()) }"
        ));
        assert!(!never_errs_src(
            "fn f() -> Result<io::Result<()>> { Ok(std::fs::write(p, b)) }"
        ));
    }
}
