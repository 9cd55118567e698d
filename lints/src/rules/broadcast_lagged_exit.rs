//! # broadcast_lagged_exit
//!
//! ## What it does
//! Flags receive loops on a `tokio::sync::broadcast::Receiver` that treat every `Err` from
//! `recv().await` as "channel closed":
//!
//! - `while let Ok(msg) = rx.recv().await { .. }` — except a loop that only waits: its body
//!   is nothing but `if <cond> { break; }` (`while let Ok(next) = rx.recv().await { if next ==
//!   room_id { break; } }`), so it consumes nothing, and ending on `Lagged` (the awaited
//!   message may be among the skipped ones) is a cautious wake-up, not a subscriber that stops;
//! - `loop { match rx.recv().await { Ok(msg) => .., Err(_) => break } }` (also `Err(e) => { log;
//!   return }`, `_ => break`, `if let Ok(..) = rx.recv().await { .. } else { break }` and
//!   `let Ok(msg) = rx.recv().await else { break };` in a loop) — except a `match` whose `Ok`
//!   arms leave the loop too (`Ok(()) => return Ok(()), Err(e) => bail!(..)` on a kill
//!   channel): the first message of any kind ends the loop, and a lag only changes how;
//! - `select!` arms `Ok(msg) = rx.recv() => ..` (and `msg = rx.recv() => match msg { .. Err(_) =>
//!   break }`) — except an `Ok(..)` arm in a `select!` that a loop runs again each turn next
//!   to a timer arm that stays in the loop (`_ = sleep(Duration::from_millis(100)) => {}`,
//!   `_ = interval.tick() => flush()`): the disabled arm costs one tick, and the next turn
//!   receives again after the gap (a timer arm that `break`s or `return`s is a deadline, not
//!   a tick, and the arm stays flagged);
//! - `while let Some(Ok(msg)) = stream.next().await` over a `tokio_stream` `BroadcastStream`.
//!
//! The receive may be wrapped: in a timeout (`while let Ok(Ok(msg)) = timeout(d,
//! rx.recv()).await`, `match timeout(d, rx.recv()).await { Ok(Ok(m)) => .., Ok(Err(_)) => break,
//! Err(_) => continue }`, `Ok(Ok(m)) = timeout(d, rx.recv()) =>` in `select!`), turned into an
//! `Option` (`rx.recv().await.ok()`, `rx.recv().map(Result::ok)`, `.map(|r| r.ok())`), or mapped
//! (`rx.recv().await.map(Event::from)`). What counts is the pattern at the receive's own `Result`:
//! `Ok(..)`/`Some(..)` there (under the wrappers' success patterns) drops every `Err`, and in a
//! `match` the first unguarded arm that takes the receive's `Err` (`Err(_)`, `Ok(Err(_))`, `None`,
//! `_`) decides: it must leave the loop to be flagged (`Ok(Err(_)) => continue` is not).
//!
//! A loop that names `RecvError::Lagged` (or `RecvError::Closed`) anywhere in its match is
//! handling the two errors apart and is not flagged; nor are `try_recv` drain loops, which are
//! meant to stop at the first `Err` (`Empty`).
//!
//! The receiver must be known to be a broadcast receiver: by its type (annotation, parameter,
//! struct field in any file of the crate, `broadcast::channel` binding, `Sender::subscribe()`
//! or a crate fn/method declared to return one — in any module of the crate, called by its
//! path, through a `use` or as a method of a field: `let mut rx = events::subscribe_orders();`,
//! `self.hub.feed()`), or a crate's own subscriber type whose `recv()` hands on broadcast's
//! `RecvError` (`async fn recv(&mut self) -> Result<Event, broadcast::error::RecvError>`, which
//! lags as the receiver it wraps; a wrapper with its own error type is not flagged). Values of
//! the crate's `async fn`s are typed through `.await` (`let mut sub = bus.subscribe().await;`).
//! When its type cannot be resolved, the loop is
//! still flagged if the receiver was bound from a `.subscribe()` call, or if the file imports
//! `tokio::sync::broadcast` — unless the file also uses a channel crate whose `recv()` returns a
//! `Result` where `Err` does mean closed (`async_channel`, `flume`, `kanal`, `crossbeam`,
//! `async_broadcast`, `postage`, `async_std`, `smol`): there `while let Ok(..) = rx.recv().await` is the
//! correct loop — or unless another named type's constructor made the receiver (`let mut
//! listener = PgListener::connect_with(pool).await?;`: its `Err` is a connection error). The
//! finding is reported at the `recv` method name.
//!
//! Test code is not flagged: there a loop that ends on a lag makes the test's own assertions
//! fail (a short count, a missing event) in plain sight, while the hazard this rule is about is
//! a production subscriber that stops without a word. Test channels are also sized for the
//! test's few messages.
//!
//! ## Why is this bad
//! A broadcast receiver that falls more than the channel's capacity behind gets
//! `Err(RecvError::Lagged(n))`: the oldest `n` messages were overwritten, but the channel is fine
//! and the next `recv()` returns the oldest message still retained. Treating that `Err` as
//! "closed" silently ends the subscriber the first time a burst outpaces it — the cache
//! invalidator, the websocket fan-out or the audit writer just stops, with no log line, while the
//! publisher keeps running. In `select!`, an `Ok(..)` pattern that does not match disables the
//! branch for that call: the loop stops consuming (or reaches `else => break`).
//!
//! ## Example
//! ```rust,ignore
//! let mut rx = bus.subscribe();
//! tokio::spawn(async move {
//!     while let Ok(event) = rx.recv().await {
//!         cache.invalidate(&event).await;
//!     }
//! });
//! ```
//!
//! ## Use instead
//! ```rust,ignore
//! use tokio::sync::broadcast::error::RecvError;
//! let mut rx = bus.subscribe();
//! tokio::spawn(async move {
//!     loop {
//!         match rx.recv().await {
//!             Ok(event) => cache.invalidate(&event).await,
//!             Err(RecvError::Lagged(n)) => {
//!                 tracing::warn!(skipped = n, "cache invalidator lagged; flushing");
//!                 cache.clear().await;
//!             }
//!             Err(RecvError::Closed) => break,
//!         }
//!     }
//! });
//! ```
//!
//! `racewise check --fix` rewrites the plain `while let Ok(x) = rx.recv().await { .. }` form into
//! a `loop` over a `match` that skips `Err(RecvError::Lagged(_))` and breaks on
//! `Err(RecvError::Closed)` (safe fix; `RecvError` spelled as the file can name it). The other
//! forms (a timeout around the receive, `match` arms, `select!`) are left to rewrite by hand,
//! and so is a body holding a string literal that spans lines (re-indenting would change it).

use std::collections::BTreeSet;

use quote::ToTokens;
use syn::spanned::Spanned;

use crate::finding::{Fix, Region, Safety, Severity, TextEdit};
use crate::lint::{ExprKinds, Hooks, Lint, RuleMeta};
use crate::semantic::macros::{MacroKind, macro_name};
use crate::semantic::syntax::{mentions_any_ident, path_ends_with, peel};
use crate::semantic::{Cx, MacroView, Ty, TyExpr};

pub static META: RuleMeta = RuleMeta {
    name: "broadcast_lagged_exit",
    default_severity: Severity::High,
    summary: "broadcast receive loop that ends (or select! arm that disables) on Lagged",
    source: include_str!("broadcast_lagged_exit.rs"),
};

const BROADCAST_RECEIVER: &str = "tokio::sync::broadcast::Receiver";
const BROADCAST_STREAM: &str = "tokio_stream::wrappers::BroadcastStream";
const BROADCAST_RECV_ERROR: &str = "tokio::sync::broadcast::error::RecvError";

/// Crates whose receivers' `recv()` returns a `Result` with `Err` meaning closed (or that have
/// their own overflow semantics): a file using them makes an untyped receiver ambiguous.
const RESULT_CHANNEL_CRATES: &[&str] = &[
    "async_channel",
    "flume",
    "kanal",
    "crossbeam",
    "async_broadcast",
    "postage",
    "async_std",
    "smol",
];

#[derive(Default)]
pub struct BroadcastLaggedExit {
    /// `(enclosing fn, binding)` of `let rx = <expr>.subscribe();` seen in this file (and of
    /// `let rx2 = rx;` moves of those).
    subscribed: BTreeSet<(Option<String>, String)>,
    /// Bindings another type's constructor made (`let mut listener =
    /// PgListener::connect_with(pool).await?;`): no broadcast receiver, whatever the file
    /// imports.
    made_elsewhere: BTreeSet<(Option<String>, String)>,
}

/// How a receive loop ends on the error.
#[derive(Clone, Copy)]
enum Form {
    WhileLet,
    Match,
    IfLetElse,
    LetElse,
    SelectArm,
    SelectMatch,
    Stream,
}

impl Form {
    fn describe(self, wrapped: bool) -> &'static str {
        match self {
            Form::WhileLet if wrapped => {
                "this `while let` ends the loop on every `Err` of the receive"
            }
            Form::SelectArm if wrapped => {
                "this pattern disables the `select!` branch on every `Err` of the receive"
            }
            Form::WhileLet => "`while let Ok(..) = rx.recv().await` ends the loop",
            Form::Match => "this `match` exits the loop on every `Err`",
            Form::IfLetElse => "the `else` branch exits the loop on every `Err`",
            Form::LetElse => "the `let .. else` exits the loop on every `Err`",
            Form::SelectArm => "the `Ok(..)` pattern disables this `select!` branch",
            Form::SelectMatch => "this `select!` handler exits the loop on every `Err`",
            Form::Stream => "`while let Some(Ok(..))` over a BroadcastStream ends the loop",
        }
    }
}

/// `Type::ctor(..)`, also awaited or unwrapped (`PgListener::connect_with(pool).await?`),
/// where `Type` resolves to a named type that is not tokio's broadcast receiver.
fn made_by_other_type(cx: &Cx, e: &syn::Expr) -> bool {
    let mut e = crate::semantic::syntax::peel_await_try(e);
    while let syn::Expr::MethodCall(mc) = e
        && matches!(mc.method.to_string().as_str(), "unwrap" | "expect")
        && mc.args.len() <= 1
    {
        e = crate::semantic::syntax::peel_await_try(&mc.receiver);
    }
    let syn::Expr::Call(c) = e else {
        return false;
    };
    let Some(callee) = cx.callee(c) else {
        return false;
    };
    let Some((owner, _)) = callee.rsplit_once("::") else {
        return false;
    };
    let ty = crate::semantic::syntax::last_segment(owner);
    // A wrapper (`Arc::new(rx)`, `Option::take`) holds whatever it is given.
    const WRAPPERS: &[&str] = &[
        "Arc",
        "Rc",
        "Box",
        "Pin",
        "Option",
        "Some",
        "ManuallyDrop",
        "Mutex",
        "RwLock",
        "Cell",
        "RefCell",
        "Self",
    ];
    ty.starts_with(|c: char| c.is_ascii_uppercase())
        && !owner.contains("broadcast")
        && !matches!(ty, "Receiver" | "Sender")
        && !WRAPPERS.contains(&ty)
        && !owner.starts_with("crate::")
}

fn is_broadcast_receiver(t: &Ty) -> bool {
    t.peel().path_str() == Some(BROADCAST_RECEIVER)
}

fn is_broadcast_receiver_or_unknown(t: &Ty) -> bool {
    matches!(t.peel(), Ty::Unknown) || is_broadcast_receiver(t)
}

/// A receiver's type paired with what awaiting its `recv()` gives, for [`wraps`].
fn with_recv_output(ty: TyExpr) -> TyExpr {
    let out = ty.clone().method_ret("recv").awaited();
    TyExpr::Tuple(vec![ty, out])
}

/// `receiver` holds for the type of a [`with_recv_output`] pair, or the type is a crate's
/// wrapper whose `async fn recv` hands on broadcast's `RecvError` (`Lagged` included):
/// `EventSubscriber::recv(&mut self) -> Result<Event, broadcast::error::RecvError>`.
fn wraps(pair: &Ty, receiver: fn(&Ty) -> bool) -> bool {
    let Ty::Tuple(parts) = pair else {
        return false;
    };
    let passes_recv_error = |out: &Ty| match out {
        Ty::Path { path, args } if crate::semantic::types::is_result_path(path) => {
            args.get(1).and_then(Ty::path_str) == Some(BROADCAST_RECV_ERROR)
        }
        _ => false,
    };
    parts.first().is_some_and(receiver) || parts.get(1).is_some_and(passes_recv_error)
}

fn is_broadcast_stream(t: &Ty) -> bool {
    t.peel().path_str() == Some(BROADCAST_STREAM)
}

/// A wrapper around the receive's `Result`, outermost first: a `Result` whose `Ok` is success
/// (the receive's own, or a timeout's), or an `Option` made by `.ok()` whose `Some` is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Layer {
    Res,
    Opt,
}

/// A broadcast receive found inside a value: the receiver, the `recv` token, and the layers
/// between the value and the receive's own `Result` (the last layer is the receive's).
struct Recv<'a> {
    rx: &'a syn::Expr,
    span: proc_macro2::Span,
    layers: Vec<Layer>,
    /// Seen through a combinator (a timeout, a map, `.ok()`): messages then do not quote the
    /// plain `rx.recv().await` form.
    wrapped: bool,
}

/// The receive inside a future expression: `rx.recv()`, `timeout(d, F)`, `F.map(Result::ok)`,
/// `F.map(|r| r.ok())`, `F.map(|r| r.map(..))`.
fn recv_future(e: &syn::Expr) -> Option<Recv<'_>> {
    match peel(e) {
        syn::Expr::MethodCall(mc) if mc.method == "recv" && mc.args.is_empty() => Some(Recv {
            rx: &mc.receiver,
            span: mc.method.span(),
            layers: vec![Layer::Res],
            wrapped: false,
        }),
        // `tokio::time::timeout(d, F)`: `Ok(F's output)` or `Err(Elapsed)`.
        syn::Expr::Call(c) if c.args.len() == 2 && path_ends_with(&c.func, "timeout") => {
            let mut r = recv_future(&c.args[1])?;
            r.layers.insert(0, Layer::Res);
            r.wrapped = true;
            Some(r)
        }
        // `FutureExt::map` over the whole output.
        syn::Expr::MethodCall(mc) if mc.method == "map" && mc.args.len() == 1 => {
            let mut r = recv_future(&mc.receiver)?;
            map_output(&mut r, &mc.args[0])?;
            r.wrapped = true;
            Some(r)
        }
        _ => None,
    }
}

/// What `f` does to the value it is given: `Result::ok` / `|r| r.ok()` make the outer layer an
/// `Option`, `|r| r.map(..)` / `r.map_err(..)` keep it; anything else is not followed.
fn map_output(r: &mut Recv<'_>, f: &syn::Expr) -> Option<()> {
    match peel(f) {
        syn::Expr::Path(_) => {
            let segs = crate::semantic::syntax::path_segments(f).unwrap_or_default();
            if segs.len() == 2
                && segs[0] == "Result"
                && segs[1] == "ok"
                && r.layers[0] == Layer::Res
            {
                r.layers[0] = Layer::Opt;
                return Some(());
            }
            None
        }
        syn::Expr::Closure(c) if c.inputs.len() == 1 => {
            let syn::Pat::Ident(arg) = &c.inputs[0] else {
                return None;
            };
            let syn::Expr::MethodCall(mc) = peel(&c.body) else {
                return None;
            };
            if !matches!(peel(&mc.receiver), syn::Expr::Path(p) if p.path.is_ident(&arg.ident)) {
                return None;
            }
            on_value(r, mc)
        }
        _ => None,
    }
}

/// A method applied to the value in hand: `.ok()` turns the outer `Result` into an `Option`;
/// `.map(..)`/`.map_err(..)` keep its shape when it is the receive's own `Result`.
fn on_value(r: &mut Recv<'_>, mc: &syn::ExprMethodCall) -> Option<()> {
    match mc.method.to_string().as_str() {
        "ok" if mc.args.is_empty() && r.layers[0] == Layer::Res => {
            r.layers[0] = Layer::Opt;
            Some(())
        }
        "map" | "map_err" | "inspect" | "inspect_err" if r.layers.len() == 1 => Some(()),
        _ => None,
    }
}

/// The receive inside an awaited value: `F.await`, then `.ok()` / `.map(..)` on the result.
fn recv_value(e: &syn::Expr) -> Option<Recv<'_>> {
    match peel(e) {
        syn::Expr::Await(aw) => recv_future(&aw.base),
        syn::Expr::MethodCall(mc) => {
            let mut r = recv_value(&mc.receiver)?;
            on_value(&mut r, mc)?;
            r.wrapped = true;
            Some(r)
        }
        _ => None,
    }
}

/// A pattern that only matches a successful receive: `Ok(..)`/`Some(..)` at every layer.
fn only_ok(p: &syn::Pat, layers: &[Layer]) -> bool {
    let Some((first, rest)) = layers.split_first() else {
        return true;
    };
    let want = match first {
        Layer::Res => "Ok",
        Layer::Opt => "Some",
    };
    match p {
        syn::Pat::TupleStruct(ts) if ts.path.segments.last().is_some_and(|s| s.ident == want) => {
            match ts.elems.first() {
                Some(inner) if ts.elems.len() == 1 => only_ok(inner, rest),
                _ => rest.is_empty(),
            }
        }
        syn::Pat::Paren(pp) => only_ok(&pp.pat, layers),
        _ => false,
    }
}

/// A pattern that matches every `Err` of the receive (under the wrappers' success patterns):
/// `Err(_)`, `Err(e)`, `None`, `Ok(Err(_))`, `_`, `e`.
fn catches_recv_err(p: &syn::Pat, layers: &[Layer]) -> bool {
    match p {
        syn::Pat::Wild(_) => return true,
        syn::Pat::Ident(pi) => return pi.subpat.is_none(),
        syn::Pat::Or(o) => return o.cases.iter().any(|c| catches_recv_err(c, layers)),
        syn::Pat::Paren(pp) => return catches_recv_err(&pp.pat, layers),
        _ => {}
    }
    let Some((first, rest)) = layers.split_first() else {
        return false;
    };
    if rest.is_empty() {
        return match first {
            Layer::Res => catches_every_err(p),
            Layer::Opt => {
                matches!(p, syn::Pat::Ident(pi) if pi.ident == "None")
                    || matches!(p, syn::Pat::Path(pp) if pp.path.is_ident("None"))
            }
        };
    }
    let want = match first {
        Layer::Res => "Ok",
        Layer::Opt => "Some",
    };
    match p {
        syn::Pat::TupleStruct(ts)
            if ts.path.segments.last().is_some_and(|s| s.ident == want) && ts.elems.len() == 1 =>
        {
            catches_recv_err(&ts.elems[0], rest)
        }
        _ => false,
    }
}

/// `Ok(..)` (or `Result::Ok(..)`).
fn is_ok_pat(p: &syn::Pat) -> bool {
    matches!(p, syn::Pat::TupleStruct(ts)
        if ts.path.segments.last().is_some_and(|s| s.ident == "Ok"))
}

/// A pattern that matches every `Err` of a `Result`: `Err(_)`, `Err(e)`, `Err(..)`, `_`, `e`.
fn catches_every_err(p: &syn::Pat) -> bool {
    match p {
        syn::Pat::Wild(_) => true,
        syn::Pat::Ident(pi) => pi.subpat.is_none(),
        syn::Pat::TupleStruct(ts) if ts.path.segments.last().is_some_and(|s| s.ident == "Err") => {
            match ts.elems.first() {
                None => true,
                Some(inner) => {
                    matches!(inner, syn::Pat::Wild(_) | syn::Pat::Rest(_))
                        || matches!(inner, syn::Pat::Ident(pi) if pi.subpat.is_none())
                }
            }
        }
        syn::Pat::Or(o) => o.cases.iter().any(catches_every_err),
        _ => false,
    }
}

/// Another arm of the `select!` completes on its own soon and stays in the loop: a timer made
/// for this turn (`_ = sleep(d) => {}`) or an interval's `tick()`. A disabled receive arm then
/// costs one tick, and the next turn's `select!` receives again after the gap.
fn has_ticker_arm(sel: &crate::semantic::macros::Select) -> bool {
    sel.arms.iter().any(|arm| {
        let ticks = match peel(&arm.future) {
            syn::Expr::Call(c) => path_ends_with(&c.func, "sleep"),
            syn::Expr::MethodCall(m) => m.method == "tick",
            _ => false,
        };
        ticks && !exits_loop(&arm.handler)
    })
}

/// A loop body that only decides when to stop waiting (`if next == room_id { break; }`, nothing
/// else): the loop consumes nothing, it waits for a message. Ending it on `Lagged` (the message
/// it waits for may be among the skipped ones) is the cautious answer, a wake-up that rechecks,
/// not a subscriber that silently stops.
fn only_waits(body: &syn::Block) -> bool {
    let is_break = |b: &syn::Block| {
        matches!(b.stmts.as_slice(), [syn::Stmt::Expr(syn::Expr::Break(br), _)]
            if br.expr.is_none())
    };
    !body.stmts.is_empty()
        && body.stmts.iter().all(|s| {
            matches!(s, syn::Stmt::Expr(syn::Expr::If(i), _)
                if i.else_branch.is_none()
                    && is_break(&i.then_branch)
                    && only_reads(&i.cond))
        })
}

/// A condition that only looks: comparisons of values, and calls of reading methods
/// (`is_..`, `contains`, `starts_with`, `as_..`, `len`..). An `.await`, a macro, a `let`, an
/// assignment or any other call may do work (`if out.send(line).await.is_err() { break }`
/// forwards every message: a consumer).
fn only_reads(cond: &syn::Expr) -> bool {
    struct Effects(bool);
    impl<'ast> syn::visit::Visit<'ast> for Effects {
        fn visit_expr(&mut self, e: &'ast syn::Expr) {
            match e {
                syn::Expr::Await(_)
                | syn::Expr::Macro(_)
                | syn::Expr::Let(_)
                | syn::Expr::Assign(_)
                | syn::Expr::Call(_)
                | syn::Expr::Closure(_) => self.0 = true,
                syn::Expr::MethodCall(m) => {
                    let name = m.method.to_string();
                    let reads = ["is_", "has_", "as_", "contains", "starts_with", "ends_with"]
                        .iter()
                        .any(|p| name.starts_with(p))
                        || matches!(name.as_str(), "eq" | "ne" | "len" | "matches" | "borrow");
                    if !reads {
                        self.0 = true;
                    }
                    syn::visit::visit_expr(self, e);
                }
                _ => syn::visit::visit_expr(self, e),
            }
        }
    }
    let mut v = Effects(false);
    syn::visit::Visit::visit_expr(&mut v, cond);
    !v.0
}

/// How far an arm leaves: its loop (`break`), or its fn (`return`, `bail!`, `panic!`).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Leaves {
    Loop,
    Fn,
}

/// `panic!`, `bail!`, `unreachable!`..: a macro that leaves the fn (see
/// [`MacroKind::diverges`]).
fn diverges(m: &syn::Macro) -> bool {
    MacroKind::diverges(&macro_name(m))
}

/// How far `e` leaves on every path through its last step: a `break`, a `return`, or a macro
/// that returns or diverges (`bail!`, `panic!`), alone or ending a block.
fn always_leaves(e: &syn::Expr) -> Option<Leaves> {
    let leaving_macro = |m: &syn::Macro| diverges(m).then_some(Leaves::Fn);
    match peel(e) {
        syn::Expr::Break(_) => Some(Leaves::Loop),
        syn::Expr::Return(_) => Some(Leaves::Fn),
        syn::Expr::Macro(m) => leaving_macro(&m.mac),
        syn::Expr::Block(b) => match b.block.stmts.last() {
            Some(syn::Stmt::Expr(e, _)) => always_leaves(e),
            Some(syn::Stmt::Macro(m)) => leaving_macro(&m.mac),
            _ => None,
        },
        _ => None,
    }
}

/// Whether `e` may leave its fn: a `return` or a returning macro (`bail!`) outside closures.
fn returns(e: &syn::Expr) -> bool {
    struct Ret(bool);
    impl<'ast> syn::visit::Visit<'ast> for Ret {
        fn visit_expr_return(&mut self, _: &'ast syn::ExprReturn) {
            self.0 = true;
        }
        fn visit_macro(&mut self, m: &'ast syn::Macro) {
            if m.path.segments.last().is_some_and(|s| s.ident == "bail") {
                self.0 = true;
            }
        }
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
        fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {}
    }
    let mut r = Ret(false);
    syn::visit::Visit::visit_expr(&mut r, e);
    r.0
}

/// Whether `e` leaves the enclosing loop: a `break` or `return` (not inside a nested loop,
/// closure or async block, where they would leave that instead), or a diverging macro.
fn exits_loop(e: &syn::Expr) -> bool {
    struct Exit {
        found: bool,
        loop_depth: u32,
    }
    impl<'ast> syn::visit::Visit<'ast> for Exit {
        fn visit_expr_break(&mut self, b: &'ast syn::ExprBreak) {
            if self.loop_depth == 0 || b.label.is_some() {
                self.found = true;
            }
        }
        fn visit_expr_return(&mut self, _: &'ast syn::ExprReturn) {
            self.found = true;
        }
        fn visit_expr_loop(&mut self, l: &'ast syn::ExprLoop) {
            self.loop_depth += 1;
            syn::visit::visit_expr_loop(self, l);
            self.loop_depth -= 1;
        }
        fn visit_expr_while(&mut self, l: &'ast syn::ExprWhile) {
            self.loop_depth += 1;
            syn::visit::visit_expr_while(self, l);
            self.loop_depth -= 1;
        }
        fn visit_expr_for_loop(&mut self, l: &'ast syn::ExprForLoop) {
            self.loop_depth += 1;
            syn::visit::visit_expr_for_loop(self, l);
            self.loop_depth -= 1;
        }
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
        fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {}
        fn visit_item(&mut self, _: &'ast syn::Item) {}
        fn visit_macro(&mut self, m: &'ast syn::Macro) {
            if diverges(m) {
                self.found = true;
            }
        }
    }
    let mut v = Exit {
        found: false,
        loop_depth: 0,
    };
    syn::visit::Visit::visit_expr(&mut v, e);
    v.found
}

/// A `match` over a broadcast `recv` result that exits the loop on every `Err`: it has an arm
/// for a successful receive, the first unguarded arm that takes the receive's `Err` leaves the
/// loop, and no arm tells `Lagged` from `Closed`.
fn match_exits_on_any_err(arms: &[syn::Arm], layers: &[Layer]) -> bool {
    if !arms.iter().any(|a| only_ok(&a.pat, layers)) {
        return false;
    }
    // `Ok(()) => return Ok(()), Err(e) => bail!(..)`: the first message of any kind ends the
    // loop, so a lag only changes how it ends, not whether the subscriber keeps going.
    let err_leaves = arms
        .iter()
        .find(|a| a.guard.is_none() && catches_recv_err(&a.pat, layers))
        .map_or(Leaves::Loop, |a| {
            if returns(&a.body) {
                Leaves::Fn
            } else {
                Leaves::Loop
            }
        });
    if arms
        .iter()
        .filter(|a| only_ok(&a.pat, layers))
        .all(|a| always_leaves(&a.body).is_some_and(|l| l >= err_leaves))
    {
        return false;
    }
    if arms
        .iter()
        .any(|a| mentions_any_ident(a.to_token_stream(), &["Lagged", "Closed"]))
    {
        return false;
    }
    arms.iter()
        .find(|a| a.guard.is_none() && catches_recv_err(&a.pat, layers))
        .is_some_and(|a| exits_loop(&a.body))
}

/// The safe fix of `while let Ok(p) = rx.recv().await { body }`: a `loop` over a `match` that
/// runs the body on `Ok(p)`, skips a lag and breaks only on `Closed`, with `RecvError` spelled
/// as the file can name it. The body moves two levels in; `None` when its text cannot be moved
/// as is (a string literal spanning lines would change), or a span covers no source text.
fn skip_lag_fix(cx: &Cx, w: &syn::ExprWhile, l: &syn::ExprLet) -> Option<Fix> {
    let syn::Pat::TupleStruct(ts) = &*l.pat else {
        return None;
    };
    if ts.elems.len() != 1 || !ts.path.is_ident("Ok") {
        return None;
    }
    let text = cx.source().text;
    let slice = |sp: proc_macro2::Span| {
        let r = sp.byte_range();
        text.get(r.start..r.end).filter(|t| !t.is_empty())
    };
    let pat = slice(ts.elems.first()?.span())?;
    let scrutinee = slice(l.expr.span())?;
    let body = slice(w.body.span())?;
    if has_multiline_literal(w.body.to_token_stream()) {
        return None;
    }
    let start = w.while_token.span.byte_range().start;
    let end = w.body.span().byte_range().end;
    let line_start = text.get(..start)?.rfind('\n').map_or(0, |i| i + 1);
    let indent: String = text[line_start..start]
        .chars()
        .take_while(|c| c.is_whitespace())
        .collect();
    // One level as the file indents: a tab where the loop is indented with tabs.
    let unit = if indent.contains('\t') { "\t" } else { "    " };
    let (i1, i2) = (format!("{indent}{unit}"), format!("{indent}{unit}{unit}"));
    let body: Vec<String> = body
        .split('\n')
        .enumerate()
        .map(|(n, line)| {
            if n == 0 || line.trim().is_empty() {
                line.to_string()
            } else {
                format!("{unit}{unit}{line}")
            }
        })
        .collect();
    let body = body.join("\n");
    let err = recv_error_path(cx);
    let new = format!(
        "loop {{\n{i1}match {scrutinee} {{\n{i2}Ok({pat}) => {body}\n{i2}Err({err}::Lagged(_)) => continue,\n{i2}Err({err}::Closed) => break,\n{i1}}}\n{indent}}}"
    );
    let from = Region::from_span(w.while_token.span);
    let to = Region::from_span(w.body.span());
    Some(Fix {
        safety: Safety::Safe,
        description: "skip `RecvError::Lagged` and end the loop only on `RecvError::Closed`".into(),
        edits: vec![TextEdit {
            region: Region {
                line: from.line,
                column: from.column,
                end_line: to.end_line,
                end_column: to.end_column,
                start_byte: start as u32,
                end_byte: end as u32,
            },
            text: new,
        }],
    })
}

/// A literal whose text spans lines: re-indenting the code around it would change its value.
fn has_multiline_literal(tokens: proc_macro2::TokenStream) -> bool {
    tokens.into_iter().any(|tt| match tt {
        proc_macro2::TokenTree::Literal(lit) => {
            let sp = lit.span();
            sp.start().line != sp.end().line
        }
        proc_macro2::TokenTree::Group(g) => has_multiline_literal(g.stream()),
        _ => false,
    })
}

/// `RecvError` as the file can name it: imported, through an imported `broadcast` module, or by
/// its full path.
fn recv_error_path(cx: &Cx) -> &'static str {
    let resolves = |name: &str, want: &str| {
        let path: syn::Path = syn::Ident::new(name, proc_macro2::Span::call_site()).into();
        cx.resolve(&path) == want
    };
    if resolves("RecvError", "tokio::sync::broadcast::error::RecvError") {
        "RecvError"
    } else if resolves("broadcast", "tokio::sync::broadcast") {
        "broadcast::error::RecvError"
    } else {
        "tokio::sync::broadcast::error::RecvError"
    }
}

impl BroadcastLaggedExit {
    /// Report `form` at `span` if `receiver` is (or, when untyped, plausibly is) a broadcast
    /// receiver.
    fn report(&self, cx: &Cx, r: &Recv, form: Form, fix: Option<Fix>) {
        let (receiver, span) = (r.rx, r.span);
        let ty = cx.type_of(receiver);
        let mut finding = cx.finding(
            &META,
            span,
            format!(
                "{} when the broadcast receiver lags (`RecvError::Lagged`), not only when it closes",
                form.describe(r.wrapped)
            ),
            "match `Err(RecvError::Lagged(n))` separately (log it and keep receiving); exit only on `Err(RecvError::Closed)`",
        );
        finding.fix = fix;
        if let TyExpr::Known(t) = &ty
            && !matches!(t.peel(), Ty::Unknown)
        {
            if t.mentions_crate_path() {
                cx.emit_if(
                    with_recv_output(ty),
                    |t| wraps(t, is_broadcast_receiver),
                    finding,
                );
            } else {
                cx.emit_if(ty, is_broadcast_receiver, finding);
            }
            return;
        }
        let untyped_ok = self.untyped_is_broadcast(cx, receiver);
        if ty.is_unknown() {
            if untyped_ok {
                cx.emit(finding);
            }
            return;
        }
        let holds: fn(&Ty) -> bool = if untyped_ok {
            |t| wraps(t, is_broadcast_receiver_or_unknown)
        } else {
            |t| wraps(t, is_broadcast_receiver)
        };
        cx.emit_if(with_recv_output(ty), holds, finding);
    }

    /// For a receiver whose type cannot be resolved: bound from `.subscribe()`, or the file
    /// imports tokio's broadcast module — and uses no other channel crate with a `Result` recv.
    fn untyped_is_broadcast(&self, cx: &Cx, receiver: &syn::Expr) -> bool {
        let text = cx.source().text;
        if RESULT_CHANNEL_CRATES.iter().any(|c| text.contains(c)) {
            return false;
        }
        if let syn::Expr::Path(p) = peel(receiver)
            && let Some(id) = p.path.get_ident()
        {
            let key = (cx.function(), id.to_string());
            if self.subscribed.contains(&key) {
                return true;
            }
            if self.made_elsewhere.contains(&key) {
                return false;
            }
        }
        let resolves = |name: &str, want: &str| {
            let path: syn::Path = syn::Ident::new(name, proc_macro2::Span::call_site()).into();
            cx.resolve(&path).starts_with(want)
        };
        resolves("broadcast", "tokio::sync::broadcast")
            || resolves("Receiver", BROADCAST_RECEIVER)
            || resolves("RecvError", "tokio::sync::broadcast")
    }

    fn check_while(&self, cx: &Cx, w: &syn::ExprWhile) {
        let syn::Expr::Let(l) = peel(&w.cond) else {
            return;
        };
        if let Some(r) = recv_value(&l.expr) {
            if only_ok(&l.pat, &r.layers) && !only_waits(&w.body) {
                let fix = (!r.wrapped).then(|| skip_lag_fix(cx, w, l)).flatten();
                self.report(cx, &r, Form::WhileLet, fix);
            }
            return;
        }
        // `while let Some(Ok(ev)) = stream.next().await` over a BroadcastStream.
        if let syn::Pat::TupleStruct(ts) = &*l.pat
            && ts.path.segments.last().is_some_and(|s| s.ident == "Some")
            && ts.elems.first().is_some_and(is_ok_pat)
            && let syn::Expr::Await(aw) = peel(&l.expr)
            && let syn::Expr::MethodCall(mc) = peel(&aw.base)
            && mc.method == "next"
            && mc.args.is_empty()
        {
            let finding = cx.finding(
                &META,
                mc.method.span(),
                format!(
                    "{} when the broadcast receiver lags, not only when it closes",
                    Form::Stream.describe(false)
                ),
                "match `Some(Err(BroadcastStreamRecvError::Lagged(n)))` separately and keep reading",
            );
            cx.emit_if(cx.type_of(&mc.receiver), is_broadcast_stream, finding);
        }
    }
}

impl Lint for BroadcastLaggedExit {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn expr_kinds(&self) -> ExprKinds {
        ExprKinds::WHILE | ExprKinds::MATCH | ExprKinds::IF
    }

    fn hooks(&self) -> Hooks {
        Hooks::STMT | Hooks::EXPR | Hooks::MACRO
    }

    fn check_stmt(&mut self, cx: &Cx, stmt: &syn::Stmt) {
        let syn::Stmt::Local(local) = stmt else {
            return;
        };
        if cx.in_test() {
            return;
        }
        let Some(init) = &local.init else { return };
        let pat = crate::semantic::syntax::strip_pat_type(&local.pat);
        // Remember `let mut rx = bus.subscribe();` (and `let mut rx = that_rx;`) for untyped
        // receivers.
        if let syn::Pat::Ident(pi) = pat {
            let from_subscribe = match peel(&init.expr) {
                syn::Expr::MethodCall(mc) => {
                    (mc.method == "subscribe" || mc.method == "resubscribe") && mc.args.is_empty()
                }
                syn::Expr::Path(p) => p
                    .path
                    .get_ident()
                    .is_some_and(|id| self.subscribed.contains(&(cx.function(), id.to_string()))),
                _ => false,
            };
            if from_subscribe {
                self.subscribed
                    .insert((cx.function(), pi.ident.to_string()));
            } else if made_by_other_type(cx, &init.expr) {
                self.made_elsewhere
                    .insert((cx.function(), pi.ident.to_string()));
            }
        }
        // `let Ok(msg) = rx.recv().await else { break };`
        if let Some((_, diverge)) = &init.diverge
            && cx.in_loop()
            && let Some(r) = recv_value(&init.expr)
            && only_ok(pat, &r.layers)
            && exits_loop(diverge)
        {
            self.report(cx, &r, Form::LetElse, None);
        }
    }

    fn check_expr(&mut self, cx: &Cx, e: &syn::Expr) {
        if cx.in_test() {
            return;
        }
        match e {
            syn::Expr::While(w) => self.check_while(cx, w),
            syn::Expr::Match(m) if cx.in_loop() => {
                if let Some(r) = recv_value(&m.expr)
                    && match_exits_on_any_err(&m.arms, &r.layers)
                {
                    self.report(cx, &r, Form::Match, None);
                }
            }
            syn::Expr::If(i) if cx.in_loop() => {
                if let syn::Expr::Let(l) = peel(&i.cond)
                    && let Some((_, els)) = &i.else_branch
                    && let Some(r) = recv_value(&l.expr)
                    && only_ok(&l.pat, &r.layers)
                    && exits_loop(els)
                {
                    self.report(cx, &r, Form::IfLetElse, None);
                }
            }
            _ => {}
        }
    }

    fn check_macro(&mut self, cx: &Cx, mac: &MacroView) {
        if mac.name != "select" || cx.in_test() {
            return;
        }
        let Some(sel) = mac.select else {
            return;
        };
        for arm in &sel.arms {
            let Some(r) = recv_future(&arm.future) else {
                continue;
            };
            if only_ok(&arm.pat, &r.layers) {
                if !(cx.in_loop() && has_ticker_arm(sel)) {
                    self.report(cx, &r, Form::SelectArm, None);
                }
                continue;
            }
            // `msg = rx.recv() => match msg { Ok(..) => .., Err(_) => break }` in a loop.
            let syn::Pat::Ident(bound) = &arm.pat else {
                continue;
            };
            let handler = match peel(&arm.handler) {
                syn::Expr::Block(b) if b.block.stmts.len() == 1 => match &b.block.stmts[0] {
                    syn::Stmt::Expr(e, _) => e,
                    _ => continue,
                },
                e => e,
            };
            if let syn::Expr::Match(m) = peel(handler)
                && cx.in_loop()
                && matches!(peel(&m.expr), syn::Expr::Path(p) if p.path.is_ident(&bound.ident))
                && match_exits_on_any_err(&m.arms, &r.layers)
            {
                self.report(cx, &r, Form::SelectMatch, None);
            }
        }
    }
}
