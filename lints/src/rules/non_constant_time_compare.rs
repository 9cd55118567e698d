//! # non_constant_time_compare
//!
//! ## What it does
//! Flags `==` / `!=` (and `.eq(..)` / `.ne(..)`) where an operand is a token, secret, password,
//! API key, signature, HMAC or digest: a variable, field, constant or call named like one
//! (`token`, `self.api_key`, `ADMIN_TOKEN`, `expected_signature()`, `compute_hmac(&body)`), a
//! view of one (`sig.as_bytes()`, `token.as_str()`, `&digest[..]`), or a `format!` embedding one
//! (`auth != format!("Bearer {}", cfg.api_key)`).
//!
//! Names follow the shared word rules of `semantic::secret_names` (`token_count`, `token_type`,
//! `password_policy`, `signature_algorithm`, `TokenKind` are not secrets). Not reported:
//! comparisons with a literal (`token == ""`, `scheme == "Bearer"`), with `None`, with an enum
//! variant or unit struct (`token.kind == TokenKind::Ident`, `token == Token(0)`), with a
//! constant not itself named like a secret (`token == TOKEN_WAKEUP`), with an operand named
//! like syntax or metadata (`ident == token`: a parser; `digest.algorithm() != self.digest`,
//! `token.kind == kind`), with `X::new()` /
//! `Default::default()`; lengths and predicates (`token.len() == 32`, `token.is_empty()`);
//! operands whose type is known and cannot hold a secret (numbers, `bool`, `CancellationToken`,
//! a lexer's or `mio`'s `Token`, a generic `T`); and test code. A bare `token` or `digest`
//! (no qualifier) is reported only when its type is known to be a string or bytes, when the
//! other operand is named like a secret too (`token != state.api_token`), or when its type is
//! unknown in a file that visibly handles credentials (`Bearer`, `Authorization`, `jwt`,
//! `password`, `login`...). The finding is reported at the `==` / `!=` operator (at the
//! method name for `.eq(..)` / `.ne(..)`).
//!
//! ## Why is this bad
//! `==` on strings and byte slices returns at the first differing byte, so the time a failed
//! comparison takes tells an attacker how many leading bytes of their guess were right. Over
//! enough requests — and network jitter averages out — a bearer token, API key or webhook HMAC
//! can be recovered byte by byte, or a forged signature accepted, without ever knowing the
//! secret.
//!
//! ## Example
//! ```rust,ignore
//! async fn verify_webhook(headers: HeaderMap, State(cfg): State<Config>, body: Bytes) -> StatusCode {
//!     let expected = hex::encode(hmac_sha256(cfg.webhook_secret.as_bytes(), &body));
//!     let signature = headers.get("x-signature").and_then(|v| v.to_str().ok()).unwrap_or("");
//!     if signature != expected {
//!         return StatusCode::UNAUTHORIZED;
//!     }
//!     StatusCode::OK
//! }
//! ```
//!
//! ## Use instead
//! ```rust,ignore
//! use subtle::ConstantTimeEq;
//! // Or `hmac::Mac::verify_slice`, which compares in constant time for you.
//! if !bool::from(signature.as_bytes().ct_eq(expected.as_bytes())) {
//!     return StatusCode::UNAUTHORIZED;
//! }
//! ```

use syn::spanned::Spanned;

use crate::finding::Severity;
use crate::lint::{ExprKinds, Hooks, Lint, RuleMeta};
use crate::semantic::secret_names::{self, NameClass, SecretRef};
use crate::semantic::{Cx, Ty};

pub static META: RuleMeta = RuleMeta {
    name: "non_constant_time_compare",
    default_severity: Severity::Medium,
    summary: "==/!= on a token/secret/signature/HMAC value",
    source: include_str!("non_constant_time_compare.rs"),
};

#[derive(Default)]
pub struct NonConstantTimeCompare;

/// The type cannot rule the value out as a secret (unknown, string-like, bytes, secret-named).
fn may_carry_secret(t: &Ty) -> bool {
    secret_names::carrier_type(t) != Some(false)
}

fn is_camel(name: &str) -> bool {
    name.chars().next().is_some_and(char::is_uppercase) && name.chars().any(char::is_lowercase)
}

fn is_all_caps(name: &str) -> bool {
    name.chars().any(char::is_uppercase)
        && name
            .chars()
            .all(|c| c.is_uppercase() || c.is_ascii_digit() || c == '_')
}

/// An operand that is public or fixed, so comparing a secret with it leaks nothing worth a
/// timing attack: a literal, `None`, an enum variant / unit struct / tuple-struct value, a
/// constant not named like a secret, an empty constructor.
fn is_trivial(e: &syn::Expr) -> bool {
    match e {
        syn::Expr::Lit(_) | syn::Expr::Repeat(_) => true,
        syn::Expr::Reference(r) => is_trivial(&r.expr),
        syn::Expr::Paren(p) => is_trivial(&p.expr),
        syn::Expr::Group(g) => is_trivial(&g.expr),
        syn::Expr::Unary(u) => is_trivial(&u.expr),
        syn::Expr::Array(a) => a.elems.iter().all(is_trivial),
        syn::Expr::Path(p) => p.path.segments.last().is_some_and(|s| {
            let name = s.ident.to_string();
            is_camel(&name)
                || (is_all_caps(&name)
                    && !matches!(secret_names::classify_value(&name), NameClass::Secret(_)))
        }),
        syn::Expr::Call(c) => {
            let syn::Expr::Path(p) = &*c.func else {
                return false;
            };
            let Some(seg) = p.path.segments.last() else {
                return false;
            };
            let name = seg.ident.to_string();
            if name == "Some" || name == "Ok" {
                return c.args.iter().all(is_trivial);
            }
            is_camel(&name)
                || (c.args.is_empty() && matches!(name.as_str(), "new" | "default" | "empty"))
        }
        // `"Bearer".as_bytes()`, `"".to_string()`.
        syn::Expr::MethodCall(mc) => is_trivial(&mc.receiver),
        _ => false,
    }
}

/// The name an operand ends in (`ident` for `ident`, `cursor.ident`, `ident.as_str()`).
fn terminal_name(e: &syn::Expr) -> Option<String> {
    match e {
        syn::Expr::Reference(r) => terminal_name(&r.expr),
        syn::Expr::Paren(p) => terminal_name(&p.expr),
        syn::Expr::Unary(u) => terminal_name(&u.expr),
        syn::Expr::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        syn::Expr::Field(f) => match &f.member {
            syn::Member::Named(m) => Some(m.to_string()),
            syn::Member::Unnamed(_) => None,
        },
        syn::Expr::MethodCall(mc) => {
            if secret_names::TRANSPARENT_METHODS.contains(&mc.method.to_string().as_str()) {
                terminal_name(&mc.receiver)
            } else {
                Some(mc.method.to_string())
            }
        }
        _ => None,
    }
}

/// Words of the other operand's name that make the comparison about syntax (`ident == token`:
/// a parser) or metadata (`digest.algorithm() != self.digest`, `token.kind == kind`), not about a
/// secret's value.
const DESCRIPTOR_WORDS: &[&str] = &[
    // lexical elements
    "ident",
    "keyword",
    "punct",
    "lit",
    "literal",
    "lexeme",
    "lifetime",
    "tt",
    "delim",
    "delimiter",
    "symbol",
    // metadata
    "algorithm",
    "alg",
    "kind",
    "type",
    "len",
    "length",
    "size",
    "count",
    "id",
    "version",
    "name",
    "mode",
    "format",
    "scheme",
    "status",
];

fn is_descriptor_operand(e: &syn::Expr) -> bool {
    terminal_name(e).is_some_and(|n| {
        secret_names::split_words(&n)
            .iter()
            .any(|w| DESCRIPTOR_WORDS.contains(&w.as_str()))
    })
}

impl NonConstantTimeCompare {
    /// Report a comparison at `op` if one operand is secret-named and the other is not trivial.
    fn check_operands(&self, cx: &Cx, left: &syn::Expr, right: &syn::Expr, op: proc_macro2::Span) {
        if cx.in_test() {
            return;
        }
        let secret = |e: &syn::Expr| {
            let mut refs = Vec::new();
            secret_names::secret_refs(e, &mut refs);
            refs.into_iter().next()
        };
        let (l, r) = (secret(left), secret(right));
        // Both operands named like secrets: the comparison is about secrets whatever the types.
        let both = l.is_some() && r.is_some();
        let pick = |s: Option<SecretRef>, other: &syn::Expr| {
            s.filter(|_| !is_trivial(other) && !is_descriptor_operand(other))
        };
        let Some(r) = pick(l, right).or_else(|| pick(r, left)) else {
            return;
        };
        // A bare `token`/`digest` must be typed as a string or bytes to count on its own.
        let strict = !both && secret_names::is_ambiguous_bare(&r.name) && !cx.auth_context();
        let finding = cx.finding(
            &META,
            op,
            format!(
                "`{}` looks like a secret and is compared with a short-circuiting `==`/`!=`",
                r.name
            ),
            "compare secrets in constant time: `subtle::ConstantTimeEq::ct_eq`, `constant_time_eq`, or the MAC's own `verify_slice`",
        );
        secret_names::emit_secret_finding(cx, &r, strict, may_carry_secret, finding);
    }
}

impl Lint for NonConstantTimeCompare {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn expr_kinds(&self) -> ExprKinds {
        ExprKinds::BINARY | ExprKinds::METHOD_CALL
    }

    fn hooks(&self) -> Hooks {
        Hooks::EXPR
    }

    fn check_expr(&mut self, cx: &Cx, e: &syn::Expr) {
        match e {
            syn::Expr::Binary(b) if matches!(b.op, syn::BinOp::Eq(_) | syn::BinOp::Ne(_)) => {
                self.check_operands(cx, &b.left, &b.right, b.op.span());
            }
            syn::Expr::MethodCall(mc)
                if (mc.method == "eq" || mc.method == "ne") && mc.args.len() == 1 =>
            {
                self.check_operands(cx, &mc.receiver, &mc.args[0], mc.method.span());
            }
            _ => {}
        }
    }
}
