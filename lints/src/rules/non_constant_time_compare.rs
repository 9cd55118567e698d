//! # non_constant_time_compare
//!
//! ## What it does
//! Flags `==` / `!=` (and `PartialEq::eq(a, b)` called as a function) that *verify a secret*:
//!
//! - a **received** credential compared with the **expected** one: a value that came from a
//!   request (a header, the body, the query, an extractor, a message) or that a verifying fn was
//!   handed, against a stored, configured or expected value — a bearer token against the
//!   configured one, `auth_header != format!("Bearer {}", cfg.api_key)`, a presented reset token
//!   against the stored one. One side must be named like a secret (`token`, `api_key`,
//!   `password`, `signature`...) or have been received through an authentication channel (an
//!   `Authorization` header, `Bearer`, an `x-api-key` header);
//! - a **computed MAC or signature** compared with anything else: an HMAC compared with a
//!   header, `signature != expected` where `expected` was just computed with the key (an
//!   `Hmac`/`Mac`, a call such as `expected_signature(body)` or `sign(..)`, a hash whose input
//!   holds a secret).
//!
//! Where a value comes from is tracked per fn, in statement order. Received: parameters typed
//! by a request or an extractor (`HeaderMap`, `TypedHeader`, `Json`, `Query`, `Form`, `Request`,
//! `Parts`, `Path(..)`/`Bytes(..)` patterns...; a bare `Bearer` or `Basic` only inside one of
//! these or `Authorization<..>`, since alone it is as often an OAuth client's token response,
//! `openid::Bearer`), parameters named for a request or what it
//! carries (`req`, `request`, `headers`, `authorization`, `body`, `payload`, `msg`, `presented`,
//! `provided`...),
//! parameters named like a secret in a fn whose name verifies (`authenticate(auth, token)`,
//! `verify`, `check`, `login`, `redeem`, `matches`, `find`...: `api_key_matches(key)`; not a
//! name that starts with `matches_`, which asks whether an object is the one these values
//! name, `conn.matches_credentials(user, pass)` deciding whether to reuse a connection, with no
//! login behind it), and locals derived from any of these
//! (`let token = bearer(&req)?`, closure parameters of `headers.get(..).map(|v| ..)`). A call
//! that *looks up* by a received key (`db.find_user(&body.name)`) returns stored data; one
//! that hands the request on (`next.run(req)`, `client.execute(req)`, `send`, `query`,
//! `exec`) returns the other side's answer, which is no guess either (a middleware reading a
//! response header), and no MAC even when the program's credentials went with it
//! (`exec_simple_query(addr, &auth_user, &sql)` logs in with a password and returns rows). A
//! hash is computed by a call (`md5::compute(..)`, `Sha256::digest(..)`, `hasher.finalize()`),
//! not named by a scheme's variant or constant (`auth_type: AuthType::MD5`) or by a binding
//! (`token_hash == hash`, both read from stored keys: a hash that names an entry is its
//! identifier, `user_hashes.retain(|h| h != hash)`), nor parsed from
//! one already made (`PasswordHash::new(&user.password)` reads a stored PHC string, and the
//! argon2 cost parameters taken from it are settings: `new`, `parse`, `from_str`, `try_from`,
//! `from`, `from_hex`, `from_bytes`, `from_b64`, `decode` on a hash type). What a call named
//! `decrypt`/`unseal`/`decipher` returns (`EncValue::try_from_bytes(cookie)?.decrypt()?`) is,
//! like a verified token's claims, what the server itself sealed: a forged cookie fails to
//! decrypt before any comparison, so its CSRF token is no guess — but not a public-key
//! decryption (`rsa_key.decrypt(Pkcs1v15Encrypt, ..)`, OAEP, ECIES, a sealed box): anyone can
//! encrypt to the public key, so a login form's encrypted password is still the sender's. A token's public claims — a
//! field named `aud`/`audience`, `iss`/`issuer`, `sub`/`subject`, `lxm`, `jkt`, `azp`,
//! `htm`, `htu`, `kid` or `did` (`payload.aud != own_did`, the method a service JWT was minted
//! for), or a local so named (`let kid = header.get("kid")..; jwks.find(|k| k.kid == kid)`) —
//! are read by anyone holding the token, and are about it, not its secret. A digest
//! *called* with no key of the program in it (`Sha256::digest(payload)`, `hasher.finalize()`)
//! is a checksum anyone can compute, whatever it is compared with; a hash of what the request
//! itself presented is no MAC either (DPoP's `ath`, the hash of the access token the same
//! request carries: no server key goes into it). A secret-named parameter of a verifying
//! fn counts as received by its name alone, and may as well be the fn's key: a hash of it
//! stays a MAC (`check_webhook(body, webhook_secret)` hashing `webhook_secret` and `body`).
//!
//! Not reported: `.eq(..)` / `.ne(..)` method calls (query builders such as Diesel's
//! `token.eq(value)` build SQL, not a comparison); two received values (a password and its
//! confirmation from one form); two values the program owns (a cached token against the
//! configured one, a password typed twice at a CLI prompt, a claim of a signed token the
//! server issued — a binding or field named `claims`/`*_claims`, as `decode_login(token)` or
//! jsonwebtoken's `TokenData::claims` return after checking the signature — against stored
//! data: `user.security_stamp != claims.sstamp`); operands whose type is known and
//! cannot hold a secret (numbers, `bool`, enums, structs, `Option`s of those, `mio::Token`, a
//! generic `T`) or that are numbers by their syntax (`wrap_token.flags & 0x01`, `n as u8`,
//! `u8::from(is_server)`: a protocol's flag bits); comparisons with a literal (also through a `let` binding of one: a known-answer
//! self-test's `let probe = b"..";`), `None`, an enum variant or a constant not named like
//! a secret, or one named like a secret that holds a URL or a URL's path (`path ==
//! all_paths::API_V3_CONFIGURE_ADMIN_TOKEN` with `"/api/v3/configure/token/admin"`, declared
//! in any file of the crate or a member it names: a route is public); lengths and predicates (`token.len() == 32`); operands about a secret rather than
//! the secret (`token_type`, `signature_algorithm`, `token.kind == kind`, version and capability
//! tags, tokens that are positions or ownership tags: `publish_token`, `next_page_token`, and
//! a device's push-notification address, `push_token`); an account's identifier, named for it
//! at its end (`auth_user != username`, `credentials.username() == userid`: the user a Basic or
//! Digest header names is stated in the clear, the password beside it is the secret; `user_token`
//! is a token); an S3-style `access_key`, the key
//! pair's ID, where a struct of the crate pairs it with a `secret_key` (see `secret_in_log`),
//! unless the other operand carries the secret key too; a call's
//! error bound by an `Err(e)` pattern (`if let Err(e) = save(.., creds)`: `e.code` is what the
//! callee answered, not the credentials handed to it);
//! an unkeyed content digest (a checksum anyone can compute), and a record of separate fields
//! (`Pending { token_uid: token.uid.clone(), key_sha256: Some(fp) }` holds an id beside a
//! public key's fingerprint: no hash of the token; ids such as `token_uid` are identifiers); `secstr` values, whose `==` is
//! constant-time; and test code. The finding is reported at the `==` / `!=` operator.
//!
//! Why the line is there: a timing attack needs an attacker-chosen guess compared with a value
//! the attacker does not know. Two received values are both the attacker's; two program-owned
//! values involve no guess; a number, an enum or a checksum leaks nothing worth recovering.
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

use std::collections::HashMap;

use quote::ToTokens;
use syn::spanned::Spanned;

use crate::finding::Severity;
use crate::lint::{ExprKinds, Hooks, Lint, RuleMeta};
use crate::semantic::secret_names::{self, NameClass};
use crate::semantic::{Condition, Cx, FnView, Holds, Ty, TyExpr};

mod origins;

use origins::Compared;

pub static META: RuleMeta = RuleMeta {
    name: "non_constant_time_compare",
    default_severity: Severity::Medium,
    summary: "==/!= verifying a received token/secret/signature/HMAC against the expected one",
    source: include_str!("non_constant_time_compare.rs"),
};

/// Per file: every comparison of every fn, with its operands' origins (filled by `check_fn`
/// before the walker reaches the fn's expressions).
#[derive(Default)]
pub struct NonConstantTimeCompare {
    compared: HashMap<origins::Key, Compared>,
}

/// The type cannot rule the value out as a secret (unknown, string-like, bytes, secret-named).
fn may_carry_secret(t: &Ty) -> bool {
    secret_names::carrier_type(t) != Some(false)
}

fn is_camel(name: &str) -> bool {
    name.chars().next().is_some_and(char::is_uppercase) && name.chars().any(char::is_lowercase)
}

/// A URL path made of the constant's own words (`API_V3_CONFIGURE_ADMIN_TOKEN =
/// "/api/v3/configure/token/admin"`): a route, public by design. A secret that merely starts
/// with `/` (base64) or a webhook URL with a secret in it is made of other words.
fn is_public_route(name: &str, value: &str) -> bool {
    let name_words: Vec<String> = name.split('_').map(str::to_ascii_lowercase).collect();
    value.starts_with('/')
        && value
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .all(|w| name_words.iter().any(|n| n.eq_ignore_ascii_case(w)))
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
                || (secret_names::is_const_name(&name)
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

/// An operand that is a number or a `bool` by its syntax, whatever its names say: a bitwise
/// expression (`wrap_token.flags & 0x01`: a protocol flag bit), a cast to a primitive
/// (`n as u8`), or a primitive's conversion (`u8::from(is_server)`).
fn is_number_expr(e: &syn::Expr) -> bool {
    match crate::semantic::syntax::peel(e) {
        syn::Expr::Binary(b) => matches!(
            b.op,
            syn::BinOp::BitAnd(_)
                | syn::BinOp::BitOr(_)
                | syn::BinOp::BitXor(_)
                | syn::BinOp::Shl(_)
                | syn::BinOp::Shr(_)
        ),
        syn::Expr::Cast(c) => matches!(&*c.ty, syn::Type::Path(p)
            if p.path.get_ident().is_some_and(|i| crate::semantic::types::NUMBERS_AND_BOOL.contains(&i.to_string().as_str()))),
        syn::Expr::Call(c) => crate::semantic::syntax::path_segments(&c.func).is_some_and(|segs| {
            matches!(segs.as_slice(), [ty, f] if crate::semantic::types::NUMBERS_AND_BOOL.contains(&ty.as_str())
                && matches!(f.as_str(), "from" | "from_be_bytes" | "from_le_bytes" | "from_ne_bytes"))
        }),
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
    "uid",
    "uuid",
    "guid",
    "version",
    "name",
    "mode",
    "format",
    "scheme",
    "status",
];

/// Head nouns of an account's identifier (`auth_user`, `username()`, `userid`): who claims to
/// log in, which the request states in the clear, not the credential that proves it
/// (`user_token` is a token).
const IDENTITY_HEADS: &[&str] = &[
    "user",
    "username",
    "userid",
    "login",
    "email",
    "account",
    "principal",
    "identity",
];

fn is_descriptor_operand(e: &syn::Expr) -> bool {
    terminal_name(e).is_some_and(|n| {
        let words = secret_names::split_words(&n);
        words.iter().any(|w| DESCRIPTOR_WORDS.contains(&w.as_str()))
            || words
                .last()
                .is_some_and(|w| IDENTITY_HEADS.contains(&w.as_str()))
    })
}

/// Types whose `==` is already constant-time (`secstr`'s `SecStr`/`SecVec`/`SecUtf8`).
const CONSTANT_TIME_EQ_TYPES: &[&str] = &["SecStr", "SecVec", "SecUtf8"];

fn constant_time_operand(cx: &Cx, e: &syn::Expr) -> bool {
    let mut idents = std::collections::BTreeSet::new();
    crate::semantic::syntax::collect_idents(e.to_token_stream(), &mut idents);
    CONSTANT_TIME_EQ_TYPES.iter().any(|t| idents.contains(*t))
        || matches!(cx.type_of(e), TyExpr::Known(Ty::Path { ref path, .. })
            if CONSTANT_TIME_EQ_TYPES.iter().any(|t| crate::semantic::syntax::last_segment(path) == *t))
}

impl NonConstantTimeCompare {
    /// Report the comparison at `op` if it verifies a secret (see the rule docs).
    fn check_operands(&self, cx: &Cx, left: &syn::Expr, right: &syn::Expr, op: proc_macro2::Span) {
        let Some(c) = self.compared.get(&origins::key(op)) else {
            return;
        };
        if cx.in_test() {
            return;
        }
        let (l, r) = (c.left, c.right);
        if l.constant || r.constant {
            return;
        }
        let mac = l.mac != r.mac;
        let received = l.received != r.received;
        if !mac && (!received || l.checksum || r.checksum) {
            return;
        }
        if [left, right].iter().any(|e| {
            is_trivial(e)
                || is_number_expr(e)
                || is_descriptor_operand(e)
                || constant_time_operand(cx, e)
        }) {
            return;
        }
        let mut refs = Vec::new();
        for (e, about) in [(left, l.about), (right, r.about)] {
            if !about {
                secret_names::secret_refs(e, &mut refs);
            }
        }
        let named = !refs.is_empty();
        let verifies = mac || named || l.credential || r.credential;
        if !verifies {
            return;
        }
        let text = crate::semantic::walk::expr_text;
        let what = if mac {
            let (computed, other) = if l.mac { (left, right) } else { (right, left) };
            format!(
                "the computed MAC/signature `{}` is compared with `{}` by a short-circuiting `==`/`!=`: the time it takes tells how many leading bytes of a forgery were right",
                text(computed),
                text(other)
            )
        } else {
            let (got, expected) = if l.received {
                (left, right)
            } else {
                (right, left)
            };
            format!(
                "the received `{}` is compared with the expected `{}` by a short-circuiting `==`/`!=`: the time it takes tells how many leading bytes of a guess were right",
                text(got),
                text(expected)
            )
        };
        let finding = cx.finding(
            &META,
            op,
            what,
            "compare secrets in constant time: `subtle::ConstantTimeEq::ct_eq`, `constant_time_eq`, or the MAC's own `verify_slice`",
        );
        // Numbers, enums and other types that cannot hold a secret are not reported; an
        // unknown type may.
        let mut conditions = Vec::new();
        for e in [left, right] {
            let ty = cx.type_of(e);
            match &ty {
                _ if ty.is_unknown() => {}
                // A crate type is settled with the crate index (a newtype over a number).
                TyExpr::Known(t) if may_carry_secret(t) && !t.mentions_crate_path() => {}
                TyExpr::Known(t) if !t.mentions_crate_path() => return,
                _ => conditions.push(Condition {
                    ty,
                    holds: Holds::Secret(may_carry_secret),
                }),
            }
        }
        // `path == all_paths::API_V3_CONFIGURE_ADMIN_TOKEN`: a constant named for a token that
        // holds a route (`"/api/v3/configure/token/admin"`) is a public string, like a literal.
        for e in [left, right] {
            if let syn::Expr::Path(p) = crate::semantic::syntax::peel_refs(e)
                && p.path
                    .segments
                    .last()
                    .is_some_and(|s| secret_names::is_const_name(&s.ident.to_string()))
            {
                conditions.push(Condition {
                    ty: TyExpr::Static(cx.resolve(&p.path)),
                    holds: Holds::ConstValueIsNot(is_public_route),
                });
            }
        }
        // An S3-style access key is its key pair's ID where the crate pairs it with a secret key.
        if !mac {
            conditions.extend(secret_names::only_access_keys(&refs));
        }
        cx.emit_if_all(conditions, finding);
    }
}

impl Lint for NonConstantTimeCompare {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn expr_kinds(&self) -> ExprKinds {
        ExprKinds::BINARY | ExprKinds::CALL
    }

    fn hooks(&self) -> Hooks {
        Hooks::FN | Hooks::EXPR
    }

    fn check_fn(&mut self, cx: &Cx, f: &FnView) {
        // Most fns compare nothing, or nothing that could be a secret: the body's text decides
        // cheaply whether tracking origins through it can matter.
        if cx.in_test() || !origins::worth_scanning(f.body_text()) {
            return;
        }
        origins::scan_fn(cx, f.sig, f.block, &mut self.compared);
    }

    fn check_expr(&mut self, cx: &Cx, e: &syn::Expr) {
        match e {
            syn::Expr::Binary(b) if matches!(b.op, syn::BinOp::Eq(_) | syn::BinOp::Ne(_)) => {
                self.check_operands(cx, &b.left, &b.right, b.op.span());
            }
            syn::Expr::Call(c) => {
                if let Some((l, r)) = origins::partial_eq_call(c) {
                    self.check_operands(cx, l, r, c.func.span());
                }
            }
            _ => {}
        }
    }
}
