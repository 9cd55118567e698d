//! # ignored_shutdown_signal
//!
//! ## What it does
//! Flags a function that receives a shutdown or cancellation signal as a parameter and ignores
//! it: the parameter is named `_` / `_something`, or its name never appears in the body (macro
//! arguments and closures included). One finding per function, at the first ignored parameter;
//! every implementation of a trait method is checked on its own (a trait method declaration
//! without a body is not).
//!
//! A parameter is a shutdown signal when its type (resolved through `use`) is one of
//! `tokio::sync::oneshot::Receiver<()>`, `Option<tokio::sync::oneshot::Receiver<..>>`,
//! `tokio_util::sync::CancellationToken` (also by reference), `tokio::sync::watch::Receiver<bool>`
//! (or `<()>`), `tokio::sync::broadcast::Receiver<()>` — also when written through an alias: a
//! `use .. as Stop` rename or a crate type alias (`type Shutdown = CancellationToken;`, declared
//! in any file of the crate); or when its name says so: its snake_case
//! words include `shutdown`, `cancel`/`cancellation`/`cancelled`, `stop`, `signal`,
//! `terminate`/`termination` or `quit`, and its last word is one of those or a carrier word (`rx`,
//! `token`, `receiver`, `signal`, `notify`, `flag`, `handle`, `fut`, `chan`, `trigger`, ...). So
//! `shutdown_rx`, `cancel`, `stop_signal`, `graceful_shutdown` and `main_cancellation_token` are
//! signals, while `signal_strength`, `stop_index`, `cancel_reason` or `shutdown_timeout` are not.
//! A name-only match is ignored when the type is plainly data (`bool`, integers, strings,
//! an `Option` of one,
//! `Duration`, unix signal numbers, a digest or fixed-size byte string: `Byte32`, `H256`,
//! `Hash`, `Bytes`, arrays and slices; a type named for an outcome: `..Error`, `TaskCancelled`,
//! `..Aborted`, `..Stopped`, the news that something already ended; a message type,
//! `..Event`, `..Message`, `..Msg`, `..Packet`, `..Frame`, `..Record`: a signal *event* a
//! pipeline handles as data, but not `event_listener::Event` nor a notifier named for what it
//! announces, `ManualResetEvent`, `ShutdownEvent`) or the *sending* side
//! (`Sender`, `DropGuard`: a `_shutdown_tx` that is dropped when the function returns is how a
//! signal is given).
//!
//! "Used" means the parameter's own binding is used: a path expression naming it, in the body,
//! a closure or an async block (or its name anywhere in a macro's arguments, not after a `.`).
//! A field or method of the same name (`self.shutdown`, `cfg.shutdown()`) is not a use of the
//! parameter, nor is a *different* binding of that name: after `let shutdown = ..;` shadows it,
//! or inside a closure `|shutdown| ..` or a `match`/`if let` arm binding `shutdown`, the name
//! means that binding. (The shadowing `let`'s own initializer still sees the parameter:
//! `let shutdown = shutdown.child_token();` uses it.) A `_`-prefixed parameter that the body does
//! use is not flagged. Test code is checked too (findings carry `in_test`, one severity lower by
//! default).
//!
//! Not flagged either: a request's own cancellation. In a fn that takes the request it serves
//! (a parameter typed `Request<..>`, `HttpRequest`, `tonic::Request<T>`, `..Request`), a
//! token or receiver whose name does not say shutdown (`_cancel: CancellationToken`, not
//! `shutdown`/`stop`/`terminate`/`quit`/`exit`) fires when that one client goes away. A
//! handler that finishes its work anyway is what a router that shields handlers from
//! cancellation (neon's `api_handler`) expects: nothing waits on it, unlike a graceful
//! shutdown waiting on a task that never looks at its signal.
//!
//! Not flagged either: an `async fn` with nothing a signal could stop. Its body (closures and
//! async blocks included) has no `.await` (awaiting an `async { .. }` block written in place
//! counts as that block's body) and no awaiting macro (`select!`, `join!`), no `loop`, `while`
//! or `for`, and spawns nothing (no call or method named `spawn..`). Such a body runs to its end
//! in the first poll: there is no point between steps where the signal could be checked, and
//! nothing is left running afterwards. This is the handler whose signature a router or a
//! trait imposes (`async fn status(req: Request, _cancel: CancellationToken)` that reads a map
//! and answers); the same handler that awaits a download is flagged. A *sync* fn handed a
//! signal is always checked: the signal's only use there is to be read between the steps of
//! its work (`scan_disk(root, cancel: &AtomicBool)`), and iterator steps are not visible —
//! unless it does nothing at all: a body of only log macros and `()`/`Ok(())` (or another
//! empty answer: `None`, `Ok(None)`, `Ok(Ok(()))`, `Vec::new()`, `vec![]`,
//! `Default::default()`) is the stand-in
//! a `cfg` compiles when the work is turned off (`#[cfg(not(feature = "stats"))] fn
//! spawn_stats(_period: Duration, _shutdown: ShutdownRx) {}`), or a trait's default body
//! (`fn validate(&self, _cancel: &Receiver<Cancel>) -> Result<Result<(), String>, Cancel> {
//! Ok(Ok(())) }`), with nothing to stop.
//!
//! ## Why is this bad
//! Whoever calls the function believes it can stop the work. If the signal is ignored, a graceful
//! shutdown waits for a task that never looks at it (until the orchestrator's kill timeout), a
//! cancelled job keeps holding its connection, and a plugin implementing a tool interface
//! keeps running after the session ended. Implementations of a trait are where this hides: the
//! trait passes the signal, and one implementation names it `_shutdown`.
//!
//! ## Example
//! ```rust,ignore
//! #[async_trait]
//! impl Tool for WebFetch {
//!     async fn run(&self, input: Input, _shutdown: CancellationToken) -> Result<Output> {
//!         let page = self.client.get(&input.url).send().await?; // runs to completion regardless
//!         Ok(Output::from(page.text().await?))
//!     }
//! }
//! ```
//!
//! ## Use instead
//! ```rust,ignore
//! async fn run(&self, input: Input, shutdown: CancellationToken) -> Result<Output> {
//!     tokio::select! {
//!         _ = shutdown.cancelled() => Err(Error::Cancelled),
//!         page = self.fetch(&input.url) => Ok(Output::from(page?)),
//!     }
//! }
//! ```

use quote::ToTokens;
use syn::spanned::Spanned;

use crate::finding::Severity;
use crate::lint::{Hooks, Lint, RuleMeta};
use crate::semantic::syntax::{runs_to_end_at_once, uses_binding};
use crate::semantic::types::Ty;
use crate::semantic::{Cx, FnView, TyExpr};

pub static META: RuleMeta = RuleMeta {
    name: "ignored_shutdown_signal",
    default_severity: Severity::Medium,
    summary: "shutdown/cancellation parameter that is `_`-named or never used",
    source: include_str!("ignored_shutdown_signal.rs"),
};

/// Words that make a name a shutdown signal.
const SIGNAL_WORDS: &[&str] = &[
    "shutdown",
    "cancel",
    "cancellation",
    "cancelled",
    "canceled",
    "stop",
    "signal",
    "terminate",
    "termination",
    "quit",
];

/// Words that may accompany a signal word without changing what the name means.
const CARRIER_WORDS: &[&str] = &[
    "rx",
    "recv",
    "receiver",
    "token",
    "signal",
    "notify",
    "notifier",
    "notification",
    "flag",
    "handle",
    "fut",
    "future",
    "chan",
    "channel",
    "ch",
    "trigger",
    "listener",
    "watch",
    "watcher",
    "sig",
];

#[derive(Default)]
pub struct IgnoredShutdownSignal;

/// A parameter name's lowercased snake_case words (`_shutdown_rx` → `shutdown`, `rx`).
fn name_words(name: &str) -> Vec<String> {
    name.trim_start_matches('_')
        .split('_')
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect()
}

fn name_is_signal(name: &str) -> bool {
    let words = name_words(name);
    let is = |w: &String, list: &[&str]| list.contains(&w.as_str());
    words.iter().any(|w| is(w, SIGNAL_WORDS))
        && words
            .last()
            .is_some_and(|w| is(w, SIGNAL_WORDS) || is(w, CARRIER_WORDS))
}

/// Words that make a signal the process's or a task's stop, not one request's cancellation.
const SHUTDOWN_WORDS: &[&str] = &[
    "shutdown",
    "stop",
    "terminate",
    "termination",
    "quit",
    "exit",
];

fn name_says_shutdown(name: &str) -> bool {
    name_words(name)
        .iter()
        .any(|w| SHUTDOWN_WORDS.contains(&w.as_str()))
}

/// The last segment of a path type, through references (`&mut Request<Body>` → `Request`).
fn type_last_segment(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Reference(r) => type_last_segment(&r.elem),
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// A parameter that is the request the fn serves: its type's last segment is `Request` or ends
/// in it (`hyper::Request<Body>`, `HttpRequest`, `tonic::Request<T>`, `GetPageRequest`).
fn serves_request(sig: &syn::Signature) -> bool {
    sig.inputs.iter().any(|input| {
        let syn::FnArg::Typed(pt) = input else {
            return false;
        };
        type_last_segment(&pt.ty).is_some_and(|s| s.ends_with("Request"))
    })
}

fn is_unit(t: &Ty) -> bool {
    matches!(t, Ty::Tuple(e) if e.is_empty())
}

fn arg_path(t: &Ty, i: usize) -> Option<&str> {
    t.args().get(i).and_then(Ty::path_str)
}

/// The signal types of the rule, after `use` resolution (`&T` is already looked through).
fn type_is_signal(t: &Ty) -> bool {
    let Some(path) = t.path_str() else {
        return false;
    };
    let first_unit = t.args().first().is_some_and(is_unit);
    match path {
        "tokio_util::sync::CancellationToken"
        | "tokio_util::sync::cancellation_token::CancellationToken" => true,
        "tokio::sync::oneshot::Receiver" | "futures::channel::oneshot::Receiver" => first_unit,
        "tokio::sync::watch::Receiver" => first_unit || arg_path(t, 0) == Some("bool"),
        "tokio::sync::broadcast::Receiver" => first_unit,
        "std::option::Option" => t.args().first().and_then(Ty::path_str).is_some_and(|p| {
            p == "tokio::sync::oneshot::Receiver" || p == "futures::channel::oneshot::Receiver"
        }),
        _ => false,
    }
}

/// The first generic type argument of a path type: `bool` of `Option<bool>`.
fn first_type_arg(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(p) = ty else {
        return None;
    };
    let syn::PathArguments::AngleBracketed(args) = &p.path.segments.last()?.arguments else {
        return None;
    };
    args.args.iter().find_map(|a| match a {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    })
}

/// Types that carry data, not a signal: a parameter `stop: usize` is an index.
fn type_is_data(ty: &syn::Type, t: &Ty) -> bool {
    if let syn::Type::Reference(r) = ty {
        return type_is_data(&r.elem, t);
    }
    let Some(last) = type_last_segment(ty) else {
        return matches!(
            ty,
            syn::Type::Tuple(_) | syn::Type::Array(_) | syn::Type::Slice(_)
        );
    };
    // `early_stop: Option<bool>` is an optional setting, as data as the `bool`.
    if last == "Option"
        && let Some(inner) = first_type_arg(ty)
    {
        return type_is_data(inner, t);
    }
    crate::semantic::types::NUMBERS_AND_BOOL.contains(&last.as_str())
        || matches!(
        last.as_str(),
        "c_int"
            | "str"
            | "String"
            | "Duration"
            | "Instant"
            | "SignalKind"
            // A digest or fixed-size byte string (`_hash_stop: &Byte32`, a sync request's
            // stop hash): data.
            | "Bytes"
            | "Byte32"
            | "H160"
            | "H256"
            | "H512"
            | "Hash"
            | "Digest"
            // The sending side: holding it and letting it drop is how a signal is *given*.
            | "Sender"
            | "UnboundedSender"
            | "DropGuard"
    ) || t.path_str().is_some_and(|p| p.contains("signal::Signal"))
        // A type named for an outcome (`TaskCancelled`, `JoinError`): the news that something
        // already ended, handed over as a value, not a signal to watch.
        || ["Error", "Cancelled", "Canceled", "Aborted", "Stopped", "Terminated"]
            .iter()
            .any(|w| last.ends_with(w))
        // A message type (tremor's `on_signal(.., _signal: &mut Event)`: a signal *event*
        // flowing through a pipeline is data it handles); `event_listener::Event` is a notifier.
        || (t.peel().path_str().is_some_and(|p| !p.starts_with("event_listener::"))
            && ["Event", "Message", "Msg", "Packet", "Frame", "Record"]
                .iter()
                .any(|w| last.ends_with(w))
            // `ManualResetEvent`, `ShutdownEvent`: a notifier named for what it announces (by
            // whole words: a `TerminalEvent` is data).
            && !crate::semantic::secret_names::split_words(&last).iter().any(|w| {
                matches!(
                    w.as_str(),
                    "reset" | "shutdown" | "stop" | "cancel" | "cancellation" | "quit" | "exit"
                        | "terminate" | "termination" | "kill" | "notify" | "wake" | "signal"
                )
            }))
}

struct Ignored {
    span: proc_macro2::Span,
    label: String,
}

impl Lint for IgnoredShutdownSignal {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn hooks(&self) -> Hooks {
        Hooks::FN
    }

    fn check_fn(&mut self, cx: &Cx, f: &FnView) {
        let mut ignored: Vec<Ignored> = Vec::new();
        // Ignored parameters whose type is a crate path (an alias of a signal type, maybe): only
        // the crate index can tell.
        let mut by_alias: Vec<(Ignored, Ty)> = Vec::new();
        let request = serves_request(f.sig);
        for input in &f.sig.inputs {
            let syn::FnArg::Typed(pt) = input else {
                continue;
            };
            let ty = cx.resolve_type(&pt.ty);
            let by_type = type_is_signal(&ty);
            let (name, span) = match &*pt.pat {
                syn::Pat::Ident(pi) if pi.subpat.is_none() => {
                    (Some(pi.ident.to_string()), pi.ident.span())
                }
                syn::Pat::Wild(w) => (None, w.span()),
                _ => continue,
            };
            let by_name = name
                .as_deref()
                .is_some_and(|n| name_is_signal(n) && !type_is_data(&pt.ty, &ty));
            let maybe_alias = !by_type && !by_name && ty.mentions_crate_path();
            if !by_type && !by_name && !maybe_alias {
                continue;
            }
            // The request's own cancellation: finishing after the client left is how a
            // handler shielded from cancellation behaves, not a hang of shutdown.
            if request && !name.as_deref().is_some_and(name_says_shutdown) {
                continue;
            }
            let label = match &name {
                // The body's text first: most parameters typed by a crate path are not
                // signals, and a body that never spells the name cannot use it.
                Some(n)
                    if cx
                        .source()
                        .block_text(f.block)
                        .is_none_or(|t| t.contains(n.as_str()))
                        && uses_binding(f.block, n) =>
                {
                    continue;
                }
                Some(n) => format!("`{n}`"),
                None => format!("`_: {}`", type_text(&pt.ty)),
            };
            let item = Ignored { span, label };
            if maybe_alias {
                by_alias.push((item, ty));
            } else {
                ignored.push(item);
            }
        }
        if (!ignored.is_empty() || !by_alias.is_empty()) && nothing_to_stop(f) {
            return;
        }
        let what = if f.in_trait_impl {
            format!("this implementation of `{}`", f.name)
        } else {
            format!("`{}`", f.name)
        };
        let Some(first) = ignored.first() else {
            // One finding per fn: at the first alias-typed parameter that turns out to be a signal.
            if let Some((item, ty)) = by_alias.into_iter().next() {
                let finding = finding(cx, &what, item.span, &[item.label.as_str()]);
                cx.emit_if(TyExpr::Known(ty), type_is_signal, finding);
            }
            return;
        };
        let labels: Vec<&str> = ignored.iter().map(|i| i.label.as_str()).collect();
        cx.emit(finding(cx, &what, first.span, &labels));
    }
}

/// An `async fn` that runs to its end in one go, or any fn that does nothing (see the rule's
/// docs): a signal has no point at which it could stop it.
fn nothing_to_stop(f: &FnView) -> bool {
    (f.sig.asyncness.is_some() && runs_to_end_at_once(f.block)) || does_nothing(f.block)
}

/// A body of nothing but log lines and a unit or `Ok(())` value: the stand-in a feature or
/// platform `cfg` compiles when the work is turned off
/// (`#[cfg(not(feature = "stats"))] fn spawn_stats(_period: Duration, _shutdown: ShutdownRx) {}`).
fn does_nothing(block: &syn::Block) -> bool {
    let log = |m: &syn::Macro| {
        crate::semantic::macros::is_log_macro(&crate::semantic::macros::macro_name(m))
    };
    // `()`, `None`, an empty collection (`Vec::new()`, `vec![]`, `Default::default()`), and
    // `Ok(..)` of one: `Ok(())`, `Ok(None)`, `Ok(Ok(()))` of a `Result<Result<(), E>,
    // Cancelled>`. Not another type's `new()`, which may start something (`Server::new()`).
    fn unit(e: &syn::Expr) -> bool {
        const EMPTY: &[&str] = &[
            "Vec", "String", "HashMap", "HashSet", "BTreeMap", "BTreeSet", "VecDeque",
        ];
        match e {
            syn::Expr::Tuple(t) => t.elems.is_empty(),
            syn::Expr::Path(p) => p.path.is_ident("None"),
            syn::Expr::Macro(m) => m.mac.path.is_ident("vec") && m.mac.tokens.is_empty(),
            syn::Expr::Call(c) if c.args.is_empty() => {
                match crate::semantic::syntax::path_segments(&c.func).as_deref() {
                    Some([.., ty, f]) if f == "new" => EMPTY.contains(&ty.as_str()),
                    Some([.., f]) => f == "default",
                    _ => false,
                }
            }
            syn::Expr::Call(c) => {
                c.args.len() == 1
                    && unit(&c.args[0])
                    && matches!(&*c.func, syn::Expr::Path(p) if p.path.is_ident("Ok"))
            }
            _ => false,
        }
    }
    block.stmts.iter().all(|s| match s {
        syn::Stmt::Macro(m) => log(&m.mac),
        syn::Stmt::Expr(e @ syn::Expr::Macro(m), _) => log(&m.mac) || unit(e),
        syn::Stmt::Expr(e, _) => unit(e),
        _ => false,
    })
}

fn type_text(ty: &syn::Type) -> String {
    ty.to_token_stream()
        .to_string()
        .replace(" < ", "<")
        .replace(" >", ">")
        .replace(" :: ", "::")
}

fn finding(
    cx: &Cx,
    what: &str,
    span: proc_macro2::Span,
    labels: &[&str],
) -> crate::finding::Finding {
    let plural = if labels.len() > 1 { "s" } else { "" };
    cx.finding(
        &META,
        span,
        format!(
            "{what} ignores its shutdown/cancellation parameter{plural} {}: callers cannot stop this work",
            labels.join(", ")
        ),
        "observe the signal: `tokio::select!` on `token.cancelled()` / the receiver next to the work, check it between steps, or pass it on to what does the work",
    )
}
