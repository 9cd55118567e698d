//! # secret_in_log
//!
//! ## What it does
//! Flags a token, secret, password, API key, credential or private key formatted into a log,
//! tracing or print macro (`info!`, `debug!`, `warn!`, `error!`, `trace!`, `log!`, `event!`, the
//! `*_span!` macros, `println!`, `eprintln!`, `print!`, `eprint!`): as a positional argument,
//! an inline capture (`"{token}"`), a tracing field (`token = %token`, `?token`), a slice or
//! prefix of one (`&token[..8]`, `token.get(..4)`), a view of one (`.as_str()`,
//! `.expose_secret()`, `hex::encode(..)`), or a `format!` of one passed to the log call. A field
//! whose *name* is a secret (`api_key = %key`) is flagged when its value is a plain variable or
//! field.
//!
//! "Named like a secret" follows the shared word rules of `semantic::secret_names`: the secret
//! word must be the head of the name (`token`, `access_token`, `db_password`, `api_key`), so
//! `token_count`, `max_tokens`, `token_type`, `has_token`, `password_policy` or `next_token` are
//! not secrets; a value whose type is known and cannot hold a secret (`usize`, `bool`,
//! `CancellationToken`, a lexer's `Token`) is not either, and a bare `token`/`tokens` counts
//! only when its type is known to be a string, or is unknown in a file that visibly handles
//! credentials (it is as often a lexer token or a `TokenStream`). In code where `Token` is an
//! event loop's handle (`use mio::{Token, ..}`), every token-named value (`token`,
//! `back_token`, `session.frontend_token()`) is a socket's slot unless its type is known to
//! hold text or bytes (`admin_token: String`), and a `ListenToken` type is a slot too. In a
//! file that drives an ACME client crate (`instant_acme::`, `rustls_acme::` and the like), a
//! value named just `token` (`challenge.token`, the path segment the CA asks for) or
//! `challenge_token` is the challenge's token, which RFC 8555 puts in a plain-HTTP URL: public,
//! not a credential; other token names (`api_token`, `access_token`) and the account's
//! credentials are reported there as anywhere.
//! Lengths and predicates (`token.len()`, `token.is_some()`, `token.is_empty()`) and redaction
//! helpers (`redact(&t)`, `mask(..)`, any other fn taking the secret; a conversion `T::from(&t)`
//! is the secret, `String::from(&t)`, unless `T` names the public half:
//! `VerificationKey::from(&signing_key)`, `PublicKey::from(&sk)`) are not reported, nor is
//! a redacting wrapper — a `secrecy` type (`SecretString`, `Secret<T>`), whose `Debug` prints
//! `[REDACTED]`, or a type named for redaction, `Sensitive*`/`Redacted*` (vector's
//! `SensitiveString`, whose `Display` and `Debug` print `**REDACTED**`), also when a field of a
//! struct or variant pattern has that type (`Auth::Bearer { token } => error!(%token)`) —
//! unless the argument takes the value out (`.expose_secret()`, `.inner()`). Nor is a
//! workspace type (or a collection of one) whose only formatting is a hand-written `impl Debug`
//! that hands no secret field on as it is — no `Display` (hand-written or derived: derive_more,
//! strum, thiserror's `Error`), so `{}` cannot print it and `{:?}` prints what its author chose
//! (an `EdgeToken` whose `Debug` shows `project:env.[redacted]`), or a derived `Debug` whose
//! secret-named fields are such types (`access_token: Token`); its raw field (`token.token`), a
//! `Debug` that writes `self.0` or `.field("password", &self.password)`, and a type that also
//! has a `Display` are still reported. Macros imported
//! under another name (`use log::info as log_info;`) are resolved. Test code is not checked.
//!
//! Every form of tracing's structured fields is read: shorthand with a sigil (`info!(%token,
//! "..")`, `?api_key`) or without, `name = value` pairs (`password = %cfg.password`,
//! `auth.token = ?t`; a field named for a secret whose value is a plain binding counts, unless
//! the binding's name says it is a label — `secret = name`, `key = key_path`: a name, label,
//! path, kind or alias; not an id, as a session id is a credential), span macros (`info_span!`, `span!(Level::INFO, ..)`), and
//! `#[instrument]` on a fn: its `fields(..)` entries that record a value (`name = value`,
//! `%name`, `?name`; a bare `name` there declares an empty field, `tracing::field::Empty`, which
//! prints nothing), and — since `#[instrument]` records every argument with `Debug` unless told
//! otherwise — each secret-named parameter not excluded by `skip(..)`/`skip_all` (reported at
//! the parameter).
//!
//! A setting named like a key that the same file opens as a file (`load_keys(Path::new(
//! &tls_private_key))`, `File::open(&cfg.api_key_file)`, any `fs::` fn) holds the key's path,
//! and printing it is no leak. A constant whose string value is made of its own name's words,
//! the secret word among them (`const LOG_SUBSYSTEM_CREDENTIALS: &str = "credentials"`,
//! `HEADER_API_KEY = "x-api-key"`, an environment variable's name `EXO_JWT_SECRET =
//! "EXO_JWT_SECRET"`, also one another file or member declares), is a label, not a secret; a
//! hard-coded key
//! (`SANDBOX_API_KEY = "sk_test_.."`) or a default password (`ADMIN_PASSWORD = "admin"`) is
//! reported. An `access_key` is the public half of an S3-style key pair, the key *ID* audit
//! logs name users by, where its crate (or a workspace crate it names) declares the pair: one
//! struct with an access key field beside a `secret_key` / `secret_access_key`
//! (`Credentials { access_key, secret_key }`); there only the secret key, session token and the
//! like are secrets. Where nothing pairs it (an Azure storage account's access key, a crate
//! whose only `secret_key` is a signing key pair's), it is the secret.
//!
//! A local of the fn that only ever holds text fixed in the source is a message, whatever it is
//! called: every `let` and assignment of it is a string literal, a conversion or method chain
//! over literals (`String::from("As set in P_PASSWORD")`, `"default creds".red().to_string()`)
//! or an `if`/`match` each branch of which is one. A name the fn also binds any other way (a
//! parameter, a `match` arm, a closure's parameter) is not such a local. A local the fn
//! `match`es by an enum's fieldless variants, every arm one of them or `_` (`match api_key {
//! AdminApiKey::Create => .. }`: a protocol's request kind) is that enum, which carries no
//! text, not a secret — also a field path so matched (`match info.request_api_key { .. }`) (a variant with fields, `Auth::Bearer(t)`, may carry one, and a name the
//! fn binds with two `let`s is not read this way); and an associated `..KEY` constant read
//! through a type parameter (`R::API_KEY` in `fn send<R: Request>(..)`, `Self::API_KEY` in a
//! trait's default body) is an interface's constant whose value each implementing type picks
//! (Kafka-style protocols number their requests so), not a value the code holds — a
//! hard-coded key is a `const` of the crate, reported as above, and `P::CLIENT_SECRET` is
//! reported too.
//!
//! The subject is a *value*: a variable, field, constant, accessor (`creds.password()`,
//! `cfg.api_key()`) or a call that produces the secret (`fetch_token(..)`). A method named for
//! what it does *to* a secret (`client.refresh_token().await`, `revoke_token(id)`,
//! `store_secret(..)`, `set_password(..)`: verbs `refresh`, `rotate`, `revoke`, `renew`,
//! `invalidate`, `expire`, `store`, `save`, `set`, `update`, `delete`, `remove`, `clear`,
//! `reset`, `send`, `write`, `log`, `print`) returns that action's outcome, not the secret, and
//! is not reported. Printing to stdout (`println!`, `print!`) is a command's output, not a log,
//! when the enclosing fn's name says it outputs that secret (`fn show_api_key`, `print_token`,
//! `generate_password`: a command whose purpose is to print a key is doing its job), when the
//! file is a command-line front end (it uses `clap`, `structopt`, `argh` or `pico_args`), or
//! when the call graph shows the fn runs in the program's startup only — every call chain into
//! it starts at `main` and is made in place, not from a spawned task, a handler or code the
//! graph cannot see — which is where a one-shot command (`tool genkeypair`, a CLI's
//! `show-secret` subcommand dispatched from `main`) prints its result. A print in a server's
//! connection task or handler, or in a fn both reach, is a log: a service manager keeps the
//! process's stdout. `eprintln!` and the log macros are always logs.
//! The finding is reported at the offending argument (at the format string for a capture).
//!
//! ## Why is this bad
//! Logs are shipped to aggregators, kept for months, copied into tickets and readable by far
//! more people and systems than the secret itself. A bearer token or API key in a log line is a
//! credential leak: anyone with log access can replay it. Even a prefix helps an attacker and
//! shows up in grep-able form across every environment that logs at that level.
//!
//! ## Example
//! ```rust,ignore
//! async fn authenticate(headers: HeaderMap, State(app): State<App>) -> Result<User, StatusCode> {
//!     let token = bearer(&headers)?;
//!     tracing::debug!(%token, "authenticating request");
//!     app.sessions.lookup(token).await.ok_or(StatusCode::UNAUTHORIZED)
//! }
//! ```
//!
//! ## Use instead
//! ```rust,ignore
//! async fn authenticate(headers: HeaderMap, State(app): State<App>) -> Result<User, StatusCode> {
//!     let token = bearer(&headers)?;
//!     tracing::debug!(token_len = token.len(), token_sha = %short_hash(token), "authenticating request");
//!     app.sessions.lookup(token).await.ok_or(StatusCode::UNAUTHORIZED)
//! }
//! ```
//! Or keep secrets in `secrecy::SecretString`, whose `Debug` prints `[REDACTED]`.

use crate::finding::Severity;
use crate::lint::{Hooks, Lint, RuleMeta};
use crate::semantic::secret_names::{self, NameClass, SecretKind, SecretRef};
use crate::semantic::{Cx, FnView, MacroView, Ty};
use syn::spanned::Spanned;

pub static META: RuleMeta = RuleMeta {
    name: "secret_in_log",
    default_severity: Severity::High,
    summary: "token/secret/password/api key formatted into a log or print macro",
    source: include_str!("secret_in_log.rs"),
};

#[derive(Default)]
pub struct SecretInLog {
    /// Per fn body (its byte range): the locals that only ever hold fixed text (see
    /// `syntax::literal_text_bindings`) or an enum's variants (`syntax::variant_matched_locals`),
    /// whatever their names say.
    literal_texts: Vec<(u32, u32, std::collections::BTreeSet<String>)>,
}

/// Whether `r` names a local of the innermost fn around it that only ever holds fixed text or
/// an enum's variants.
fn fixed_text(
    cx: &Cx,
    literal_texts: &[(u32, u32, std::collections::BTreeSet<String>)],
    r: &SecretRef,
) -> bool {
    let Some(name) = crate::semantic::syntax::place_name(&r.expr) else {
        return false;
    };
    let at = cx.region(r.span).start_byte;
    literal_texts
        .iter()
        .filter(|(lo, hi, _)| *lo <= at && at < *hi)
        .min_by_key(|(lo, hi, _)| hi - lo)
        .is_some_and(|(_, _, names)| names.contains(&name))
}

/// `R::API_KEY` with `R` a type parameter (or `Self` in a trait's default body; also `<R as
/// Request>::API_KEY`): an associated `..KEY` constant of whatever type the caller picks, an
/// interface's constant (a protocol's request number, as Kafka-style protocols name it), not a
/// value this code holds. A `P::CLIENT_SECRET` or `P::PASSWORD` names its secret plainly.
fn through_type_param(cx: &Cx, e: &syn::Expr) -> bool {
    let syn::Expr::Path(p) = crate::semantic::syntax::peel(e) else {
        return false;
    };
    let Some(last) = p.path.segments.last() else {
        return false;
    };
    if !last.ident.to_string().ends_with("KEY") {
        return false;
    }
    let param = |ty: &syn::Type| {
        matches!(ty, syn::Type::Path(tp) if tp.qself.is_none()
            && tp.path.get_ident().is_some_and(|i| cx.names_type_param(&i.to_string())))
    };
    match &p.qself {
        Some(q) => param(&q.ty),
        None => {
            p.path.segments.len() == 2
                && p.path
                    .segments
                    .first()
                    .is_some_and(|s| cx.names_type_param(&s.ident.to_string()))
        }
    }
}

/// Text a fn body must hold for a local of it to be bound to a string literal.
const LITERAL_BINDING_HINTS: &[&str] =
    &["= \"", "from(\"", "= if ", "= match ", "\".to_", "\".into"];

/// Macros whose arguments end up in a log, a trace or the process's output.
fn is_sink(name: &str) -> bool {
    crate::semantic::macros::is_log_macro(name)
        || matches!(
            name,
            "info_span" | "warn_span" | "error_span" | "debug_span" | "trace_span" | "span"
        )
}

/// The type cannot rule the value out as a secret (unknown, string-like or secret-named), and
/// is not a `secrecy` wrapper, whose `Debug`/`Display` print `[REDACTED]`.
/// For a name that counts only when its type is known to carry a secret, the test that type
/// must pass: any token-named value where `Token` is an event loop's handle type (`mio::Token`),
/// whose `FooToken` types wrap that handle too; a bare `token`/`tokens` (a lexer token, a
/// `TokenStream`) outside code that handles credentials.
fn needs_carrier_type(cx: &Cx, name: &str) -> Option<fn(&Ty) -> bool> {
    if secret_names::token_named(name) && cx.non_secret_token_type_in_scope() {
        return Some(secret_names::is_known_carrier_not_token_named);
    }
    (secret_names::is_ambiguous_bare(name) && !cx.auth_context())
        .then_some(secret_names::is_known_carrier as fn(&Ty) -> bool)
}

fn may_carry_secret(t: &Ty) -> bool {
    secret_names::carrier_type(t) != Some(false) && !is_redacting_wrapper(t)
}

/// Like [`may_carry_secret`], for an argument that takes the value out (see [`exposes`]).
fn may_carry_exposed_secret(t: &Ty) -> bool {
    secret_names::carrier_type(t) != Some(false)
}

/// A type whose `Debug`/`Display` hide the value: `secrecy`'s, or one named for it.
fn is_redacting_wrapper(t: &Ty) -> bool {
    t.peel().path_str().is_some_and(|p| {
        p.starts_with("secrecy::")
            || secret_names::named_for_redaction(crate::semantic::syntax::last_segment(p))
    })
}

/// The argument takes the value out of its redacting wrapper.
fn exposes(e: &syn::Expr) -> bool {
    let tokens = quote::ToTokens::to_token_stream(e);
    crate::semantic::syntax::mentions_ident(tokens.clone(), "expose_secret")
        || crate::semantic::syntax::mentions_ident(tokens, "inner")
}

/// Views a logged value is formatted through (`api_key = %key.as_str()`).
const VALUE_VIEWS: &[&str] = &[
    "as_str",
    "as_ref",
    "as_deref",
    "clone",
    "to_string",
    "expose_secret",
    "inner",
];

/// Leading verbs of a method or fn named for what it does to a secret, whose result is that
/// action's outcome (`refresh_token()`, `revoke_token(id)`), not the secret.
const ACTION_VERBS: &[&str] = &[
    "refresh",
    "rotate",
    "revoke",
    "renew",
    "invalidate",
    "expire",
    "store",
    "save",
    "set",
    "update",
    "delete",
    "remove",
    "clear",
    "reset",
    "send",
    "write",
    "log",
    "print",
];

/// A call named `<action verb>_<secret>` (`self.refresh_token()`, `auth::revoke_token(id)`).
fn is_action_call(e: &syn::Expr) -> bool {
    let name = match e {
        syn::Expr::MethodCall(mc) => mc.method.to_string(),
        syn::Expr::Call(c) => match &*c.func {
            syn::Expr::Path(p) => match p.path.segments.last() {
                Some(seg) => seg.ident.to_string(),
                None => return false,
            },
            _ => return false,
        },
        syn::Expr::Await(a) => return is_action_call(&a.base),
        syn::Expr::Try(t) => return is_action_call(&t.expr),
        _ => return false,
    };
    secret_names::split_words(&name)
        .first()
        .is_some_and(|w| ACTION_VERBS.contains(&w.as_str()))
}

/// Crates whose use makes a file a command-line front end, where stdout is the command's output.
const CLI_CRATES: &[&str] = &["clap", "structopt", "argh", "pico_args"];

/// Words of a fn name saying it outputs a secret: `show_api_key`, `print_token`.
const OUTPUT_VERBS: &[&str] = &[
    "show", "print", "display", "output", "generate", "gen", "create", "new", "reveal", "export",
    "dump", "get", "cmd", "command", "run",
];

/// Whether printing `secret` to stdout is what the enclosing fn (a command) is for.
fn is_command_output(cx: &Cx, mac: &str, secret: &str) -> bool {
    if !matches!(mac, "println" | "print") {
        return false;
    }
    if CLI_CRATES.iter().any(|c| cx.file_mentions(c)) {
        return true;
    }
    let Some(fn_name) = cx.fn_name() else {
        return false;
    };
    let words = secret_names::split_words(fn_name);
    let secret_words = secret_names::split_words(secret);
    words.iter().any(|w| OUTPUT_VERBS.contains(&w.as_str()))
        && secret_words.last().is_some_and(|head| {
            words
                .iter()
                .any(|w| w == head || w.trim_end_matches('s') == head)
        })
}

/// `skip(a, b)` / `skip_all` / `fields(..)` of an `#[instrument(..)]` attribute.
struct Instrument {
    skip_all: bool,
    skipped: Vec<String>,
    fields: Option<proc_macro2::TokenStream>,
}

fn parse_instrument(attr: &syn::Attribute) -> Option<Instrument> {
    if attr
        .path()
        .segments
        .last()
        .is_none_or(|s| s.ident != "instrument")
    {
        return None;
    }
    let mut out = Instrument {
        skip_all: false,
        skipped: Vec::new(),
        fields: None,
    };
    let syn::Meta::List(list) = &attr.meta else {
        // A bare `#[instrument]` records every argument.
        return Some(out);
    };
    let trees: Vec<proc_macro2::TokenTree> = list.tokens.clone().into_iter().collect();
    for (i, tt) in trees.iter().enumerate() {
        let proc_macro2::TokenTree::Ident(id) = tt else {
            continue;
        };
        // Only a key at the top level of the attribute: `skip_all`, or `key(..)`.
        let at_key = i == 0
            || matches!(&trees[i - 1], proc_macro2::TokenTree::Punct(p) if p.as_char() == ',');
        if !at_key {
            continue;
        }
        let group = match trees.get(i + 1) {
            Some(proc_macro2::TokenTree::Group(g))
                if g.delimiter() == proc_macro2::Delimiter::Parenthesis =>
            {
                Some(g.stream())
            }
            _ => None,
        };
        match (id.to_string().as_str(), group) {
            ("skip_all", None) => out.skip_all = true,
            ("skip", Some(g)) => {
                let mut names = std::collections::BTreeSet::new();
                crate::semantic::syntax::collect_idents(g, &mut names);
                out.skipped.extend(names);
            }
            ("fields", Some(g)) => out.fields = Some(g),
            _ => {}
        }
    }
    Some(out)
}

/// The credentials among a format-like macro's arguments and captures, each argument once (at
/// the argument), with whether it calls `.expose_secret()`.
fn arg_refs(f: &crate::semantic::macros::FormatArgs) -> Vec<(SecretRef, bool)> {
    // (secret, whether its argument calls `.expose_secret()`)
    let mut refs: Vec<(SecretRef, bool)> = Vec::new();
    for arg in &f.args {
        let mut found = Vec::new();
        secret_names::secret_refs(&arg.expr, &mut found);
        // Report a whole argument once, at the argument.
        if let Some(mut r) = found
            .into_iter()
            .find(|r| r.kind == SecretKind::Credential && !is_action_call(&r.expr))
        {
            r.span = arg.expr.span();
            refs.push((r, exposes(&arg.expr)));
            continue;
        }
        // `api_key = %key`: the field name says what the value is.
        if let Some(field) = &arg.name
            && let Some(last) = field.rsplit('.').next()
            && secret_names::names_credential(last)
            && let Some(value) = crate::semantic::syntax::plain_value_name(&arg.expr, VALUE_VIEWS)
            && secret_names::classify_value(&value) == NameClass::Unrelated
            && !names_a_label(&value)
        {
            let r = SecretRef {
                name: field.clone(),
                kind: SecretKind::Credential,
                expr: arg.expr.clone(),
                span: arg.expr.span(),
            };
            refs.push((r, exposes(&arg.expr)));
        }
    }
    refs.extend(
        secret_names::capture_refs(f)
            .into_iter()
            .map(|r| (r, false)),
    );
    refs.retain(|(r, _)| r.kind == SecretKind::Credential && !is_action_call(&r.expr));
    refs
}

/// A value whose name says it labels something (`secret = name`, `key = key_path`): the field
/// names what the value is about, the value is a name or path, not the secret.
fn names_a_label(value: &str) -> bool {
    secret_names::split_words(value)
        .last()
        .is_some_and(|w| LABEL_WORDS.contains(&w.as_str()))
}

/// ACME's challenge token (RFC 8555 §8.3) is public: the CA fetches it in the clear from
/// `/.well-known/acme-challenge/<token>`, and every access log on the way records it. In a file
/// that drives an ACME client crate, a value named just `token` (a challenge's field, or the
/// path segment the CA asked for) or `challenge_token` is that token. Other token names
/// (`api_token`, `access_token`) stay secrets there too.
fn acme_challenge_token(cx: &Cx, name: &str) -> bool {
    matches!(name, "token" | "challenge_token") && ACME_CLIENTS.iter().any(|m| cx.file_mentions(m))
}

/// ACME client crates, as path roots.
const ACME_CLIENTS: &[&str] = &[
    "instant_acme::",
    "acme_lib::",
    "acme2::",
    "acme_micro::",
    "rustls_acme::",
    "tokio_rustls_acme::",
    "async_acme::",
];

/// The head words of a value's name that make it a label of a secret, not the secret.
/// (Not `id`: a session id is a bearer credential.)
const LABEL_WORDS: &[&str] = &["name", "names", "label", "path", "kind", "alias"];

impl SecretInLog {
    fn report(&self, cx: &Cx, mac: &str, r: &SecretRef, exposed: bool) {
        if through_type_param(cx, &r.expr) || acme_challenge_token(cx, &r.name) {
            return;
        }
        let finding = cx.finding(
            &META,
            r.span,
            format!("`{}` looks like a secret and is formatted into `{mac}!`", r.name),
            "log a length, a short hash or a redacted form instead (or wrap the value in secrecy::SecretString)",
        );
        let strict = needs_carrier_type(cx, &r.name);
        let may_carry = if exposed {
            may_carry_exposed_secret
        } else {
            may_carry_secret
        };
        let to_stdout = matches!(mac, "println" | "print");
        secret_names::emit_secret_finding(cx, r, strict, may_carry, finding, to_stdout);
    }
}

impl Lint for SecretInLog {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn hooks(&self) -> Hooks {
        Hooks::MACRO | Hooks::FN
    }

    fn check_macro(&mut self, cx: &Cx, mac: &MacroView) {
        if cx.in_test() {
            return;
        }
        // `use log::info as log_info;`: the walker knows macros by their written name only.
        let resolved = cx.resolve(&mac.mac.path);
        let name = crate::semantic::syntax::last_segment(&resolved).to_string();
        if !is_sink(&name) {
            return;
        }
        let parsed;
        let f = match mac.format {
            Some(f) => f,
            None => {
                parsed = crate::semantic::macros::parse_format(mac.mac.tokens.clone());
                &parsed
            }
        };
        let refs = arg_refs(f);
        for (r, exposed) in refs.iter().filter(|(r, _)| {
            !is_command_output(cx, &name, &r.name) && !fixed_text(cx, &self.literal_texts, r)
        }) {
            self.report(cx, &name, r, *exposed);
        }
    }

    fn check_fn(&mut self, cx: &Cx, f: &FnView) {
        if cx.in_test() {
            return;
        }
        let body = f.body_text();
        let mut names = std::collections::BTreeSet::new();
        if LITERAL_BINDING_HINTS.iter().any(|h| body.contains(h)) {
            names = crate::semantic::syntax::literal_text_bindings(f.sig, f.block);
        }
        if body.contains("match ") {
            names.extend(crate::semantic::syntax::variant_matched_locals(f.block));
        }
        if !names.is_empty() {
            let at = cx.region(f.block.brace_token.span.join());
            self.literal_texts.push((at.start_byte, at.end_byte, names));
        }
        let Some(inst) = f.attrs.iter().find_map(parse_instrument) else {
            return;
        };
        // `fields(token = %req.token, ?api_key)`: an event's grammar, but a bare name declares
        // an empty field.
        if let Some(fields) = inst.fields {
            let parsed = crate::semantic::macros::parse_instrument_fields(fields);
            for (r, exposed) in arg_refs(&parsed) {
                self.report(cx, "instrument", &r, exposed);
            }
        }
        if inst.skip_all {
            return;
        }
        // Unskipped arguments are recorded with their `Debug`.
        for input in &f.sig.inputs {
            let syn::FnArg::Typed(pt) = input else {
                continue;
            };
            let syn::Pat::Ident(pi) = &*pt.pat else {
                continue;
            };
            let name = pi.ident.to_string();
            if inst.skipped.contains(&name) || !secret_names::names_credential(&name) {
                continue;
            }
            let ty = cx.resolve_type(&pt.ty);
            let strict = needs_carrier_type(cx, &name);
            let carries = strict.unwrap_or(may_carry_secret)(&ty);
            if carries {
                cx.emit(cx.finding(
                    &META,
                    pi.ident.span(),
                    format!(
                        "`#[instrument]` records the argument `{name}`, which looks like a secret, into the span"
                    ),
                    "add it to `skip(..)` (or use `skip_all`) and record a length or short hash in `fields(..)` if needed",
                ));
            }
        }
    }
}
