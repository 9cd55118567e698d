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
//! credentials (it is as often a lexer token or a `TokenStream`). Lengths and predicates
//! (`token.len()`, `token.is_some()`, `token.is_empty()`) and redaction helpers (`redact(&t)`,
//! `mask(..)`, any other fn taking the secret) are not reported, nor is a `secrecy` wrapper
//! (`SecretString`, `Secret<T>`), whose `Debug` prints `[REDACTED]` — unless the argument calls
//! `.expose_secret()`. Macros imported under another name (`use log::info as log_info;`) are
//! resolved. Test code is not checked.
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
use crate::semantic::{Cx, MacroView, Ty};
use syn::spanned::Spanned;

pub static META: RuleMeta = RuleMeta {
    name: "secret_in_log",
    default_severity: Severity::High,
    summary: "token/secret/password/api key formatted into a log or print macro",
    source: include_str!("secret_in_log.rs"),
};

#[derive(Default)]
pub struct SecretInLog;

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
fn may_carry_secret(t: &Ty) -> bool {
    secret_names::carrier_type(t) != Some(false) && !is_secrecy_wrapper(t)
}

/// Like [`may_carry_secret`], for an argument that calls `.expose_secret()`.
fn may_carry_exposed_secret(t: &Ty) -> bool {
    secret_names::carrier_type(t) != Some(false)
}

fn is_secrecy_wrapper(t: &Ty) -> bool {
    t.peel()
        .path_str()
        .is_some_and(|p| p.starts_with("secrecy::"))
}

fn exposes(e: &syn::Expr) -> bool {
    fn walk(ts: proc_macro2::TokenStream) -> bool {
        ts.into_iter().any(|tt| match tt {
            proc_macro2::TokenTree::Ident(i) => i == "expose_secret",
            proc_macro2::TokenTree::Group(g) => walk(g.stream()),
            _ => false,
        })
    }
    walk(quote::ToTokens::to_token_stream(e))
}

/// A value expression that is a plain variable or field (through references and views), with
/// its terminal name — for `api_key = %key`, where the field name says what the value is.
fn plain_value_name(e: &syn::Expr) -> Option<String> {
    match e {
        syn::Expr::Reference(r) => plain_value_name(&r.expr),
        syn::Expr::Paren(p) => plain_value_name(&p.expr),
        syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => plain_value_name(&u.expr),
        syn::Expr::Path(p) if p.qself.is_none() => p.path.get_ident().map(|i| i.to_string()),
        syn::Expr::Field(f) => match &f.member {
            syn::Member::Named(m) => Some(m.to_string()),
            syn::Member::Unnamed(_) => None,
        },
        syn::Expr::MethodCall(mc)
            if matches!(
                mc.method.to_string().as_str(),
                "as_str" | "as_ref" | "as_deref" | "clone" | "to_string" | "expose_secret"
            ) =>
        {
            plain_value_name(&mc.receiver)
        }
        _ => None,
    }
}

impl SecretInLog {
    fn report(&self, cx: &Cx, mac: &str, r: &SecretRef, exposed: bool) {
        let finding = cx.finding(
            &META,
            r.span,
            format!("`{}` looks like a secret and is formatted into `{mac}!`", r.name),
            "log a length, a short hash or a redacted form instead (or wrap the value in secrecy::SecretString)",
        );
        // A bare `token`/`tokens` (a lexer token, a `TokenStream`) must be typed as a string.
        let strict = secret_names::is_ambiguous_bare(&r.name) && !cx.auth_context();
        let may_carry = if exposed {
            may_carry_exposed_secret
        } else {
            may_carry_secret
        };
        secret_names::emit_secret_finding(cx, r, strict, may_carry, finding);
    }
}

impl Lint for SecretInLog {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn hooks(&self) -> Hooks {
        Hooks::MACRO
    }

    fn check_macro(&mut self, cx: &Cx, mac: &MacroView) {
        if cx.in_test() {
            return;
        }
        // `use log::info as log_info;`: the walker knows macros by their written name only.
        let resolved = cx.resolve(&mac.mac.path);
        let name = resolved
            .rsplit("::")
            .next()
            .unwrap_or(&resolved)
            .to_string();
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
        // (secret, whether its argument calls `.expose_secret()`)
        let mut refs: Vec<(SecretRef, bool)> = Vec::new();
        for arg in &f.args {
            let mut found = Vec::new();
            secret_names::secret_refs(&arg.expr, &mut found);
            // Report a whole argument once, at the argument.
            if let Some(mut r) = found.into_iter().find(|r| r.kind == SecretKind::Credential) {
                r.span = arg.expr.span();
                refs.push((r, exposes(&arg.expr)));
                continue;
            }
            // `api_key = %key`: the field name says what the value is.
            if let Some(field) = &arg.name
                && let Some(last) = field.rsplit('.').next()
                && secret_names::classify_value(last) == NameClass::Secret(SecretKind::Credential)
                && let Some(value) = plain_value_name(&arg.expr)
                && secret_names::classify_value(&value) == NameClass::Unrelated
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
        for (r, exposed) in refs
            .iter()
            .filter(|(r, _)| r.kind == SecretKind::Credential)
        {
            self.report(cx, &name, r, *exposed);
        }
    }
}
