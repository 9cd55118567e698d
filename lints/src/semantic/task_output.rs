//! What a spawned task's future ends with, as far as it can be told without type checking:
//! whether it can end in an `Err` that only its `JoinHandle` would have carried.
//!
//! A task whose output is `()` has dealt with its errors itself (logged them, sent them on);
//! one whose output is a `Result` hands its error to whoever awaits the handle. The test is
//! syntactic for an `async` block (its tail and `return`s are `Ok(..)`/`Err(..)`, and a `?`,
//! an `Err(..)` or a `bail!` at its own level can produce the error) and by declared type for a
//! call (`tokio::spawn(run(state))`: `run`'s return type, settled by the crate index).

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::visit::Visit;

use super::facts::{Condition, Holds};
use super::syntax::peel;
use super::types::{Ty, is_result_path};
use super::{Cx, TyExpr};
use crate::finding::Finding;

/// Future adaptors that keep their future's output: tracing's `instrument` family and boxing.
const OUTPUT_KEEPING: &[&str] = &[
    "instrument",
    "in_current_span",
    "with_subscriber",
    "with_current_subscriber",
    "boxed",
    "boxed_local",
];

/// Macros that return an error from the enclosing body.
const ERROR_RETURNING_MACROS: &[&str] = &["bail", "ensure", "try"];

/// How a task's output may be an error.
pub enum TaskError {
    /// The task's own `async` block can end in `Err`; `why` says where.
    Sure { why: String },
    /// The block's only unreported error exit hands on the error of one call (`run(..).await?;
    /// Ok(())`): an error unless that call is a workspace fn that loses none (see
    /// [`Cx::emit_unless_callee_loses_no_error`]).
    UnlessCallee { why: String, callee: Span },
    /// The task ends with the value of a call (`run(state)`, or an `async` block's tail
    /// `server.serve().await`): an error if that value is a `Result`, which the crate index
    /// may only settle later.
    IfResult {
        output: TyExpr,
        callee: Option<Span>,
        what: String,
        /// The block's own `?` (or error-returning macro) before that tail: an exit with an
        /// error whatever the called fn returns, once the output is known to be a `Result`.
        own_exit: Option<String>,
    },
}

impl Cx<'_> {
    /// Whether the future `task` (the argument of a spawn) can end in an `Err`. `None` when it
    /// cannot: its output is `()`, an `Option`, only ever `Ok(..)`, or something racewise
    /// cannot see into (a future built elsewhere from an `async` block, a combinator chain).
    pub fn task_error(&self, task: &syn::Expr) -> Option<TaskError> {
        match peel(task) {
            syn::Expr::Block(b) => self.task_error(block_tail(&b.block)?),
            syn::Expr::MethodCall(mc)
                if mc.args.len() <= 1
                    && OUTPUT_KEEPING.contains(&mc.method.to_string().as_str()) =>
            {
                self.task_error(&mc.receiver)
            }
            syn::Expr::Call(c)
                if c.args.len() == 1
                    && matches!(
                        self.callee(c).as_deref(),
                        Some("std::boxed::Box::pin" | "Box::pin")
                    ) =>
            {
                self.task_error(&c.args[0])
            }
            syn::Expr::Async(a) => self.block_error(&a.block),
            e @ (syn::Expr::Call(_) | syn::Expr::MethodCall(_) | syn::Expr::Path(_)) => {
                Some(TaskError::IfResult {
                    output: self.type_of(e).awaited(),
                    callee: callee_span(e),
                    what: describe(e)?,
                    own_exit: None,
                })
            }
            _ => None,
        }
    }

    /// Emits `finding(why)` if `task` can end in an error (see [`Cx::task_error`]) and the
    /// `also` conditions hold: at once when the task's own code shows the error, else once the
    /// output's type is known to be a `Result` and the called fn is not one of the workspace's
    /// that only ever returns `Ok(..)`.
    pub fn emit_if_task_errs(
        &self,
        task: &syn::Expr,
        mut also: Vec<Condition>,
        finding: impl FnOnce(&str) -> Finding,
    ) {
        match self.task_error(task) {
            None => {}
            Some(TaskError::Sure { why }) => self.emit_if_all(also, finding(&why)),
            Some(TaskError::UnlessCallee { why, callee }) => {
                self.emit_unless_callee_loses_no_error(also, callee, finding(&why))
            }
            Some(TaskError::IfResult {
                output,
                callee,
                what,
                own_exit,
            }) => {
                also.push(Condition {
                    ty: output,
                    holds: Holds::Ty(is_result),
                });
                // `let t = min.ok_or(Status::invalid_argument(..))?; stream(t).await`: the
                // block's own `?` ends it with an error whatever the tail call returns.
                if let Some(exit) = own_exit {
                    self.emit_if_all(also, finding(&exit));
                    return;
                }
                let why = format!("it returns the `Result` of {what}");
                match callee {
                    Some(at) => self.emit_unless_callee_loses_no_error(also, at, finding(&why)),
                    None => self.emit_if_all(also, finding(&why)),
                }
            }
        }
    }

    fn block_error(&self, block: &syn::Block) -> Option<TaskError> {
        let mut own = OwnLevel::default();
        own.visit_block(block);
        let tail = block_tail(block);
        let mut ends = Vec::new();
        if let Some(t) = tail {
            value_ends(t, &mut ends);
        }
        for r in &own.returns {
            value_ends(r, &mut ends);
        }
        let result_shaped = ends.iter().any(|e| ok_or_err(e).is_some());
        if ends.iter().any(|e| turbofish_without_error(e))
            || (ends.iter().all(|e| ok_or_err(e) != Some(true))
                && ends
                    .iter()
                    .any(|e| turbofish_error(e).is_some_and(|p| is_send_error(&self.resolve(p)))))
        {
            // `Ok::<(), ()>(())`, `Ok::<_, Infallible>(..)`: its `Err` carries nothing.
            return None;
        }
        // Every error it can end in is logged where it is made (`Err(e) => { warn!(..);
        // return Err(e.into()) }`), as for a spawned fn's body (`FnDef::logged_errors`).
        let logged = (result_shaped || own.first_error.is_some())
            .then(|| super::fallible::logged_error_exits_of(block))
            .flatten();
        if logged.as_ref().is_some_and(|via| via.is_empty()) {
            return None;
        }
        // `Self::worker_loop(..).await?; anyhow::Ok(())`: the block adds no error of its own
        // to the one the called fn hands on.
        if let Some([callee]) = logged.as_deref()
            && let Some((what, at)) = own.first_error
            && result_shaped
            && ends.iter().all(|e| ok_or_err(e) == Some(false))
        {
            return Some(TaskError::UnlessCallee {
                why: format!("{what} on line {} returns the error", line(at)),
                callee: *callee,
            });
        }
        if result_shaped {
            if let Some(at) = ends.iter().find(|e| ok_or_err(e) == Some(true)) {
                return Some(sure(format!(
                    "it returns `Err(..)` on line {}",
                    line(at.span())
                )));
            }
            if let Some((what, at)) = own.first_error {
                return Some(sure(format!(
                    "{what} on line {} returns the error",
                    line(at)
                )));
            }
            // Only `Ok(..)` and values of other calls: those calls may still be errors.
            let other = ends.iter().find(|e| ok_or_err(e).is_none())?;
            return self.task_error_value(other);
        }
        // A tail such as `server.serve().await` or `run(state).await`: its type decides.
        let mut value = self.task_error_value(tail?)?;
        if let (TaskError::IfResult { own_exit, .. }, Some((what, at))) =
            (&mut value, own.first_error)
        {
            *own_exit = Some(format!("{what} on line {} returns the error", line(at)));
        }
        Some(value)
    }

    /// The task ends with `e`'s value (an `async` block's tail, not awaited further).
    fn task_error_value(&self, e: &syn::Expr) -> Option<TaskError> {
        let base = super::syntax::peel_await(e);
        if !matches!(
            base,
            syn::Expr::Call(_) | syn::Expr::MethodCall(_) | syn::Expr::Path(_)
        ) {
            return None;
        }
        Some(TaskError::IfResult {
            output: self.type_of(e),
            callee: callee_span(base),
            what: describe(base)?,
            own_exit: None,
        })
    }
}

fn sure(why: String) -> TaskError {
    TaskError::Sure { why }
}

/// A channel's `SendError`, by its resolved path (tokio's, std's and futures' `mpsc`,
/// crossbeam's, flume's, async-channel's): the only error a task that forwards into a channel
/// can have says the receiver is gone, which is how a forwarding task learns it is done.
/// `TrySendError` is also a full queue dropping a message; tokio's `broadcast` `SendError` only
/// says nobody subscribes right now; a project's own `SendError` (a mail provider's) is a
/// failure: all stay.
fn is_send_error(path: &str) -> bool {
    crate::semantic::syntax::last_segment(path) == "SendError"
        && ["mpsc", "crossbeam", "flume", "async_channel"]
            .iter()
            .any(|m| path.split("::").any(|s| s == *m))
}

/// A `Result` that can carry an error: not `Result<T, ()>` nor `Result<T, Infallible>` nor
/// `Result<T, SendError<M>>`, and not one whose error type is a generic parameter of the
/// called fn (unknown here).
fn is_result(t: &Ty) -> bool {
    match t {
        Ty::Path { path, args } if is_result_path(path) => args.get(1).is_none_or(|e| match e {
            Ty::Tuple(t) => !t.is_empty(),
            Ty::Path { path, .. } => !path.ends_with("Infallible") && !is_send_error(path),
            _ => false,
        }),
        _ => false,
    }
}

fn line(span: Span) -> usize {
    span.start().line
}

/// The value a block ends with, if it has one.
fn block_tail(block: &syn::Block) -> Option<&syn::Expr> {
    match block.stmts.last() {
        Some(syn::Stmt::Expr(e, None)) => Some(e),
        _ => None,
    }
}

/// The expressions whose value becomes `e`'s: through `if`/`match` arms and blocks.
fn value_ends<'a>(e: &'a syn::Expr, out: &mut Vec<&'a syn::Expr>) {
    match peel(e) {
        syn::Expr::If(i) => {
            if let Some(t) = block_tail(&i.then_branch) {
                value_ends(t, out);
            }
            if let Some((_, els)) = &i.else_branch {
                value_ends(els, out);
            }
        }
        syn::Expr::Match(m) => {
            for arm in &m.arms {
                value_ends(&arm.body, out);
            }
        }
        syn::Expr::Block(b) => {
            if let Some(t) = block_tail(&b.block) {
                value_ends(t, out);
            }
        }
        other => out.push(other),
    }
}

/// `Some(true)` for `Err(..)`, `Some(false)` for `Ok(..)` (also `Ok::<_, E>(..)`,
/// `anyhow::Ok(..)`), `None` for anything else.
fn ok_or_err(e: &syn::Expr) -> Option<bool> {
    match result_ctor(e)?.0.to_string().as_str() {
        "Err" => Some(true),
        "Ok" => Some(false),
        _ => None,
    }
}

/// A call of a path (`Ok::<(), ()>(..)`): its last segment and that segment's generics.
fn result_ctor(e: &syn::Expr) -> Option<(&proc_macro2::Ident, &syn::PathArguments)> {
    let syn::Expr::Call(c) = peel(e) else {
        return None;
    };
    let syn::Expr::Path(p) = peel(&c.func) else {
        return None;
    };
    p.path.segments.last().map(|s| (&s.ident, &s.arguments))
}

/// `Ok::<_, SendError<M>>(())`: the error type's path, as written.
fn turbofish_error(e: &syn::Expr) -> Option<&syn::Path> {
    let Some((_, syn::PathArguments::AngleBracketed(a))) = result_ctor(e) else {
        return None;
    };
    match a.args.iter().nth(1) {
        Some(syn::GenericArgument::Type(syn::Type::Path(tp))) => Some(&tp.path),
        _ => None,
    }
}

/// `Ok::<T, ()>(..)`, `Err::<T, Infallible>(..)`: a result whose error type says "none".
fn turbofish_without_error(e: &syn::Expr) -> bool {
    let Some((_, syn::PathArguments::AngleBracketed(a))) = result_ctor(e) else {
        return false;
    };
    match a.args.iter().nth(1) {
        Some(syn::GenericArgument::Type(syn::Type::Tuple(t))) => t.elems.is_empty(),
        Some(syn::GenericArgument::Type(syn::Type::Path(tp))) => tp
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == "Infallible"),
        _ => false,
    }
}

fn callee_span(e: &syn::Expr) -> Option<Span> {
    match e {
        syn::Expr::Call(c) => Some(c.func.span()),
        syn::Expr::MethodCall(mc) => Some(mc.method.span()),
        _ => None,
    }
}

/// `run`, `.serve()`, `fut`: the call or binding the output comes from, for the message.
fn describe(e: &syn::Expr) -> Option<String> {
    match e {
        syn::Expr::Call(c) => match peel(&c.func) {
            syn::Expr::Path(p) => Some(format!("`{}`", p.path.segments.last()?.ident)),
            _ => None,
        },
        syn::Expr::MethodCall(mc) => Some(format!("`.{}()`", mc.method)),
        syn::Expr::Path(p) => Some(format!("`{}`", p.path.segments.last()?.ident)),
        _ => None,
    }
}

/// What an `async` block does at its own level (not in closures, nested `async` blocks or
/// items, whose `?` and `return` are their own): its `return` values and the first place that
/// can produce an error other than by value (an `Err(..)` handed to a channel is no exit).
#[derive(Default)]
struct OwnLevel<'a> {
    returns: Vec<&'a syn::Expr>,
    first_error: Option<(&'static str, Span)>,
}

impl OwnLevel<'_> {
    fn error(&mut self, what: &'static str, at: Span) {
        if self.first_error.is_none() {
            self.first_error = Some((what, at));
        }
    }
}

impl<'a> Visit<'a> for OwnLevel<'a> {
    fn visit_expr_try(&mut self, t: &'a syn::ExprTry) {
        if !super::syntax::channel_send(&t.expr) {
            self.error("its `?`", t.question_token.span);
        }
        syn::visit::visit_expr_try(self, t);
    }

    fn visit_expr_return(&mut self, r: &'a syn::ExprReturn) {
        if let Some(e) = &r.expr {
            self.returns.push(e);
        }
        syn::visit::visit_expr_return(self, r);
    }

    fn visit_macro(&mut self, m: &'a syn::Macro) {
        let name = m.path.segments.last().map(|s| s.ident.to_string());
        let Some(name) = name else { return };
        if ERROR_RETURNING_MACROS.contains(&name.as_str()) {
            self.error("its error-returning macro", m.path.span());
        } else if !super::macros::is_log_macro(&name)
            && m.tokens.clone().into_iter().any(|t| is_question(&t))
        {
            // (A log macro's `?` is tracing's `Debug` sigil: `warn!(?err, ..)`.)
            // `tokio::select! { r = a => { r?; } }`: the arm's `?` returns from this block.
            self.error("its `?`", m.path.span());
        }
    }

    fn visit_expr_closure(&mut self, _: &'a syn::ExprClosure) {}
    fn visit_expr_async(&mut self, _: &'a syn::ExprAsync) {}
    fn visit_item(&mut self, _: &'a syn::Item) {}
}

/// A `?` anywhere in a macro's tokens (groups included).
fn is_question(t: &proc_macro2::TokenTree) -> bool {
    match t {
        proc_macro2::TokenTree::Punct(p) => p.as_char() == '?',
        proc_macro2::TokenTree::Group(g) => g.stream().into_iter().any(|t| is_question(&t)),
        _ => false,
    }
}
