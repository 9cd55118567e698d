//! Where the operands of a comparison come from, tracked through one fn body in statement order:
//! *received* (a request, header, body, extractor, message, or a credential a verifying fn was
//! handed), *computed as a MAC* (a keyed hash or signature made here), or neither (stored,
//! configured, owned by the program). The rule decides from these whether a comparison verifies
//! a secret.

use std::collections::{BTreeSet, HashMap};

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::ToTokens;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::Visit;

use crate::semantic::Cx;
use crate::semantic::secret_names::{self, NameClass, SecretKind};
use crate::semantic::syntax::{collect_idents, pat_names, peel};
use crate::semantic::words::Words;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Origin {
    /// Came from outside the program: a request, a message, a value handed in to be verified.
    pub received: bool,
    /// Received through an authentication channel (an `Authorization` header, a `Bearer`
    /// token, a value named like a credential).
    pub credential: bool,
    /// A MAC, keyed hash or signature computed here.
    pub mac: bool,
    /// A literal, or a binding of one (`let probe = b"This is meh.";`): public and fixed.
    pub constant: bool,
    /// A value named *about* a credential (`data.push_token`, see `secret_names::classify`), or
    /// a binding of one (`let token = data.push_token;`): its own name does not make it one.
    pub about: bool,
    /// A parameter of a verifying fn counted as received by its secret name alone
    /// (`check_webhook(body, webhook_secret)`): it may as well be the key the fn verifies with,
    /// so a hash of it can still be a MAC.
    pub handed: bool,
    /// An unkeyed digest computed here (`Sha256::digest(payload)`, `sha256!(token)`,
    /// `hasher.finalize()` with no secret of the program in it), or a binding of one: a
    /// checksum anyone can compute, no secret an attacker could guess byte by byte.
    pub checksum: bool,
}

/// The origins of a comparison's two operands (`left == right`).
#[derive(Debug, Clone, Copy)]
pub struct Compared {
    pub left: Origin,
    pub right: Origin,
}

/// A comparison's position: the line and column where its operator starts.
pub type Key = (usize, usize);

pub use crate::semantic::syntax::span_key as key;

/// Parameter types that are requests or values extracted from one (matched on any identifier
/// of the type: `TypedHeader<Authorization<Bearer>>`, `&mut Parts`, `web::Json<Login>`). A
/// bare `Bearer` or `Basic` is not among them: alone it is as often an OAuth client's token
/// response (`openid::Bearer`) as a header's scheme, which comes wrapped in one of these.
const REQUEST_TYPES: &[&str] = &[
    "HeaderMap",
    "HeaderValue",
    "TypedHeader",
    "Json",
    "Query",
    "Form",
    "Request",
    "HttpRequest",
    "ServiceRequest",
    "Parts",
    "Multipart",
    "RawQuery",
    "RawForm",
    "Authorization",
    "BearerAuth",
    "BasicAuth",
    "CookieJar",
    "Cookies",
    "Incoming",
];

/// Destructured extractors (`Path(token): Path<String>`): only as a pattern, since `Path` and
/// `Bytes` as plain types are as often file paths and buffers.
const REQUEST_PATTERNS: &[&str] = &["Path", "Bytes", "RawBody"];

/// Words of a parameter name saying it holds a request or what was received.
const REQUEST_WORDS: &[&str] = &[
    "req",
    "request",
    "headers",
    "header",
    "hdr",
    "body",
    "payload",
    "query",
    "form",
    "params",
    "msg",
    "message",
    "cookie",
    "cookies",
    "authorization",
    "frame",
    "packet",
    "presented",
    "provided",
    "supplied",
    "given",
    "received",
    "submitted",
    "claimed",
    "candidate",
    "incoming",
    "untrusted",
];

/// Words of a parameter name saying it holds the reference value, never the presented one.
const STORED_WORDS: &[&str] = &[
    "expected",
    "stored",
    "configured",
    "config",
    "cfg",
    "known",
    "saved",
    "correct",
    "required",
    "reference",
    "cached",
    "settings",
    "state",
];

/// Words of a fn name saying it verifies a credential handed to it: its parameters named like
/// one (`fn authenticate(auth, token: &str)`) are the presented values.
const VERIFY_WORDS: &[&str] = &[
    "verify",
    "verified",
    "validate",
    "validated",
    "valid",
    "check",
    "auth",
    "authenticate",
    "authenticated",
    "authorize",
    "authorized",
    "login",
    "logon",
    "signin",
    "redeem",
    "matches",
    "find",
    "lookup",
    "identify",
    "consume",
];

/// Call-name words that extract from what they are given (`bearer(&req)`, `get_header(..)`):
/// the result is still received.
const EXTRACT_WORDS: &[&str] = &[
    "extract",
    "parse",
    "decode",
    "strip",
    "header",
    "headers",
    "bearer",
    "authorization",
    "cookie",
];

/// Call-name words that look something up by what they are given (`db.find_user(&body.name)`):
/// the result is stored data, even though the key was received.
const LOOKUP_WORDS: &[&str] = &[
    "find", "get", "load", "lookup", "fetch", "query", "select", "read", "search", "by", "db",
    "user", "users", "account", "cache",
];

/// Words (lowercase substrings of identifiers and string literals) showing a received value came
/// through an authentication channel.
static AUTH_WORDS: Words = Words::new(&[
    "authorization",
    "bearer",
    "token",
    "secret",
    "password",
    "passwd",
    "apikey",
    "api_key",
    "api-key",
    "signature",
    "hmac",
    "credential",
]);

/// Words of a call that computes a signature or MAC (`expected_signature(body)`,
/// `compute_hmac(..)`, `sign(..)`).
const COMPUTE_WORDS: &[&str] = &[
    "compute",
    "computed",
    "calc",
    "calculate",
    "expected",
    "sign",
    "make",
    "generate",
    "create",
    "hmac",
    "mac",
];

/// Identifiers of unkeyed hashing: a MAC only when a secret goes into it.
const DIGEST_WORDS: &[&str] = &[
    "digest", "finalize", "hash", "hasher", "sha1", "sha256", "sha512", "sha2", "blake3", "md5",
];

fn any_word(name: &str, list: &[&str]) -> bool {
    secret_names::split_words(name)
        .iter()
        .any(|w| list.contains(&w.as_str()))
}

fn is_secret_name(name: &str) -> bool {
    matches!(secret_names::classify_value(name), NameClass::Secret(_))
}

/// Every identifier of a type, so `&mut Parts` and `TypedHeader<Authorization<Bearer>>` are seen.
fn type_idents(ty: &syn::Type) -> Vec<String> {
    let mut out = std::collections::BTreeSet::new();
    crate::semantic::syntax::collect_idents(ty.to_token_stream(), &mut out);
    out.into_iter().collect()
}

/// Lowercase fragments of which a fn body needs one for any of its comparisons to verify a
/// secret: a secret's name, an authentication channel, a MAC computation.
static WORTH_FRAGMENTS: Words = Words::new(&[
    "token", "secret", "passw", "key", "sign", "hmac", "mac", "digest", "auth", "bearer", "cred",
    "jwt", "hash", "sha",
]);

/// Whether a fn body (its source text) compares anything and mentions a secret-ish fragment.
/// Nested fns are scanned on their own; a nested fn's text in its parent only costs a scan.
pub fn worth_scanning(body: &str) -> bool {
    if !(body.contains("==") || body.contains("!=") || body.contains("PartialEq")) {
        return false;
    }
    WORTH_FRAGMENTS.any_in(body)
}

/// Scan a fn body; record every `==` / `!=` / `PartialEq::eq(a, b)` with its operands' origins.
pub fn scan_fn(
    cx: &Cx,
    sig: &syn::Signature,
    block: &syn::Block,
    out: &mut HashMap<Key, Compared>,
) {
    let Some(needed) = needed_names(block) else {
        return;
    };
    // `matches_credentials(user, pass)`: whether an object is the one these values name (reuse
    // a relay allocation), not a login; `api_key_matches(key)` is a check.
    let name = sig.ident.to_string();
    let verifying = any_word(&name, VERIFY_WORDS) && !name.starts_with("matches_");
    let mut scan = Scan {
        scopes: vec![HashMap::new()],
        out,
        needed,
    };
    for input in &sig.inputs {
        let syn::FnArg::Typed(pt) = input else {
            continue;
        };
        let tys = type_idents(&pt.ty);
        let typed_request = tys.iter().any(|t| REQUEST_TYPES.contains(&t.as_str()));
        let pattern_request = matches!(&*pt.pat, syn::Pat::TupleStruct(ts)
        if ts.path.segments.last().is_some_and(|s| {
            let s = s.ident.to_string();
            REQUEST_TYPES.contains(&s.as_str()) || REQUEST_PATTERNS.contains(&s.as_str())
        }));
        let auth_typed = tys
            .iter()
            .any(|t| matches!(t.as_str(), "Authorization" | "Bearer" | "Basic"));
        // A parameter named like a secret counts as presented only if its type can hold one
        // (`user_signing_key: Option<&Raw<CrossSigningKey>>` is a public key document).
        let carrier = secret_names::carrier_type(&cx.resolve_type(&pt.ty)) != Some(false);
        let mut bound = Vec::new();
        pat_names(&pt.pat, &mut bound);
        for name in bound {
            let secret = is_secret_name(&name) && carrier;
            let requested = typed_request || pattern_request || any_word(&name, REQUEST_WORDS);
            let received = !any_word(&name, STORED_WORDS) && (requested || (verifying && secret));
            let origin = Origin {
                received,
                credential: received && (auth_typed || secret),
                handed: received && !requested,
                ..Origin::default()
            };
            scan.bind(name, origin);
        }
    }
    scan.visit_block(block);
}

struct Scan<'o> {
    scopes: Vec<HashMap<String, Origin>>,
    out: &'o mut HashMap<Key, Compared>,
    /// The only names whose origin can reach a comparison (see [`needed_names`]); every other
    /// binding is bound with the default origin without tokenizing its initializer.
    needed: BTreeSet<String>,
}

impl Scan<'_> {
    fn lookup(&self, name: &str) -> Origin {
        self.scopes
            .iter()
            .rev()
            .find_map(|s| s.get(name))
            .copied()
            .unwrap_or_default()
    }

    /// Whether a pattern binds a name whose origin can matter.
    fn binds_needed(&self, pat: &syn::Pat) -> bool {
        let mut bound = Vec::new();
        pat_names(pat, &mut bound);
        bound.iter().any(|n| self.needed.contains(n))
    }

    fn bind(&mut self, name: String, origin: Origin) {
        // Verified claims are the server's own words: see [`is_claims`].
        let origin = if is_claims(&name) {
            Origin::default()
        } else {
            origin
        };
        if let Some(top) = self.scopes.last_mut() {
            top.insert(name, origin);
        }
    }

    /// Bind a pattern's names. A destructured part inherits "received" but is a credential only
    /// by its own name: `let Password { identifier, password, .. } = creds` makes `identifier`
    /// received, not a credential.
    fn bind_pat(&mut self, pat: &syn::Pat, origin: Origin) {
        // An `Err(e)` pattern binds the callee's error, not what was handed to it: the error of
        // `edit_and_save(.., creds)` is no credential.
        let origin = if is_err_pattern(pat) {
            Origin::default()
        } else {
            origin
        };
        let mut bound = Vec::new();
        pat_names(pat, &mut bound);
        let whole = bound.len() == 1;
        for name in bound {
            let credential = origin.received
                && ((whole && origin.credential) || (is_secret_name(&name) && !origin.about));
            self.bind(
                name,
                Origin {
                    credential,
                    ..origin
                },
            );
        }
    }

    /// `let (a, b) = (x, y)` / `match (x, y) { (Some(a), Some(b)) => .. }` bind element-wise.
    fn bind_pat_expr(&mut self, pat: &syn::Pat, e: &syn::Expr) {
        let pat = match pat {
            syn::Pat::Type(pt) => &*pt.pat,
            // `| (Some(a), Some(b)) =>`: a leading `|` makes a one-case or-pattern.
            syn::Pat::Or(o) if o.cases.len() == 1 => &o.cases[0],
            p => p,
        };
        if let (syn::Pat::Tuple(pt), syn::Expr::Tuple(et)) = (pat, peel(e))
            && pt.elems.len() == et.elems.len()
        {
            for (p, e) in pt.elems.iter().zip(et.elems.iter()) {
                let inner = match p {
                    syn::Pat::TupleStruct(ts) if ts.elems.len() == 1 => &ts.elems[0],
                    p => p,
                };
                self.bind_pat_expr(inner, e);
            }
            return;
        }
        let origin = if self.binds_needed(pat) {
            self.origin(e)
        } else {
            Origin::default()
        };
        self.bind_pat(pat, origin);
    }

    /// `name` holds what the request presented, not a key of the program's: received, and not
    /// only by a verifying fn's parameter name (see [`Origin::handed`]).
    fn presented(&self, name: &str) -> bool {
        let o = self.lookup(name);
        o.received && !o.handed
    }

    /// `hasher.update(secret)` (`chain_update`, `input`): a hasher fed a secret of the program
    /// makes a MAC when it is finalized, like `Hmac`.
    fn note_keyed_update(&mut self, mc: &syn::ExprMethodCall) {
        if !matches!(
            mc.method.to_string().as_str(),
            "update" | "chain_update" | "input"
        ) {
            return;
        }
        let syn::Expr::Path(p) = peel(&mc.receiver) else {
            return;
        };
        let Some(name) = p.path.get_ident().map(|i| i.to_string()) else {
            return;
        };
        if !self.needed.contains(&name) {
            return;
        }
        // The receiver is the hasher, whatever it is called (`h`): only the secret going in
        // decides.
        let (mut digest, mut secret) = (true, false);
        let tokens: TokenStream = mc.args.to_token_stream();
        let found = scan_mac(&tokens, &mut digest, &mut secret, &|n| self.presented(n));
        let keyed = found || secret;
        if keyed && let Some(o) = self.scopes.iter_mut().rev().find_map(|s| s.get_mut(&name)) {
            o.mac = true;
            o.checksum = false;
        }
    }

    fn with_scope(&mut self, f: impl FnOnce(&mut Self)) {
        self.scopes.push(HashMap::new());
        f(self);
        self.scopes.pop();
    }

    fn record(&mut self, op: proc_macro2::Span, left: &syn::Expr, right: &syn::Expr) {
        let compared = Compared {
            left: self.origin(left),
            right: self.origin(right),
        };
        self.out.insert(key(op), compared);
    }

    /// The origin of an expression in the current scopes.
    fn origin(&self, e: &syn::Expr) -> Origin {
        let tokens = e.to_token_stream();
        let received = self.received(e, 0);
        let about = self.about(e);
        let credential = received
            && !about
            && (auth_words(&tokens) || self.any_bound(&tokens, |o| o.credential));
        let constant = match peel(e) {
            syn::Expr::Lit(_) => true,
            syn::Expr::Path(p) => p
                .path
                .get_ident()
                .is_some_and(|i| self.lookup(&i.to_string()).constant),
            _ => false,
        };
        // What a query or request handed a credential returns is the other side's answer
        // (`exec_simple_query(addr, &auth_user, &sql)`: rows), not something computed from it.
        let answer = match crate::semantic::syntax::peel_await_try(e) {
            syn::Expr::MethodCall(mc) => answers(&mc.method.to_string()),
            syn::Expr::Call(c) => crate::semantic::syntax::path_last_ident(&c.func)
                .is_some_and(|i| answers(&i.to_string())),
            _ => false,
        };
        let mac = !constant && !answer && self.mac(e);
        Origin {
            received,
            credential,
            mac,
            constant,
            about,
            handed: received && self.any_bound(&tokens, |o| o.handed),
            checksum: !mac && (digest_call(&tokens) || self.any_bound(&tokens, |o| o.checksum)),
        }
    }

    /// Whether `e` is (or holds) a MAC: computed in it, or bound to one. A struct literal's
    /// fields are separate values, not one hash's input: `Pending { token_uid: token.uid,
    /// next_key_sha256: None }` hashes nothing, though its text names a token and a SHA-256.
    fn mac(&self, e: &syn::Expr) -> bool {
        if let syn::Expr::Struct(s) = peel(e) {
            return s.fields.iter().any(|f| self.mac(&f.expr))
                || s.rest.as_deref().is_some_and(|r| self.mac(r));
        }
        let tokens = e.to_token_stream();
        self.any_bound(&tokens, |o| o.mac) || computes_mac(&tokens, &|name| self.presented(name))
    }

    /// See [`Origin::about`]: through `&`, `Some(..)` and views (`as_str`, `clone`..).
    fn about(&self, e: &syn::Expr) -> bool {
        match peel(e) {
            syn::Expr::Reference(r) => self.about(&r.expr),
            syn::Expr::Call(c)
                if c.args.len() == 1
                    && matches!(crate::semantic::syntax::path_last_ident(&c.func), Some(i) if i == "Some") =>
            {
                self.about(&c.args[0])
            }
            syn::Expr::MethodCall(mc)
                if mc.args.is_empty()
                    && matches!(
                        mc.method.to_string().as_str(),
                        "as_str" | "as_ref" | "as_deref" | "clone" | "to_string" | "to_owned"
                    ) =>
            {
                self.about(&mc.receiver)
            }
            syn::Expr::Path(p) => p.path.get_ident().is_some_and(|i| {
                let name = i.to_string();
                self.lookup(&name).about
                    || secret_names::classify(&name) == NameClass::AboutSecret
                    // A local named for a claim (`let kid = header.get("kid")..`).
                    || PUBLIC_CLAIMS.contains(&name.as_str())
            }),
            syn::Expr::Field(f) => match &f.member {
                syn::Member::Named(m) => {
                    let name = m.to_string();
                    secret_names::classify(&name) == NameClass::AboutSecret
                        || PUBLIC_CLAIMS.contains(&name.as_str())
                }
                syn::Member::Unnamed(_) => false,
            },
            _ => false,
        }
    }

    fn received(&self, e: &syn::Expr, depth: u32) -> bool {
        if depth > 32 {
            return false;
        }
        let rec = |e: &syn::Expr| self.received(e, depth + 1);
        match e {
            syn::Expr::Path(p) => p
                .path
                .get_ident()
                .is_some_and(|i| self.lookup(&i.to_string()).received),
            syn::Expr::Lit(_) => false,
            syn::Expr::Field(f) => {
                !matches!(&f.member, syn::Member::Named(m) if is_claims(&m.to_string()))
                    && rec(&f.base)
            }
            syn::Expr::Reference(r) => rec(&r.expr),
            syn::Expr::Paren(p) => rec(&p.expr),
            syn::Expr::Group(g) => rec(&g.expr),
            syn::Expr::Unary(u) => rec(&u.expr),
            syn::Expr::Try(t) => rec(&t.expr),
            syn::Expr::Await(a) => rec(&a.base),
            syn::Expr::Cast(c) => rec(&c.expr),
            syn::Expr::Index(i) => rec(&i.expr),
            syn::Expr::Binary(b) => rec(&b.left) || rec(&b.right),
            syn::Expr::Tuple(t) => t.elems.iter().any(rec),
            syn::Expr::Array(a) => a.elems.iter().any(rec),
            syn::Expr::MethodCall(mc)
                if answers(&mc.method.to_string())
                    || (decrypts(&mc.method.to_string()) && !asymmetric(&mc.to_token_stream())) =>
            {
                false
            }
            syn::Expr::MethodCall(mc) => {
                rec(&mc.receiver) || (mc.args.iter().any(rec) && !looks_up(&mc.method.to_string()))
            }
            syn::Expr::Call(c) => {
                let name = match peel(&c.func) {
                    syn::Expr::Path(p) => p
                        .path
                        .segments
                        .last()
                        .map(|s| s.ident.to_string())
                        .unwrap_or_default(),
                    _ => String::new(),
                };
                let sealed = decrypts(&name) && !asymmetric(&c.to_token_stream());
                c.args.iter().any(rec) && !looks_up(&name) && !answers(&name) && !sealed
            }
            other => self.any_bound(&other.to_token_stream(), |o| o.received),
        }
    }

    /// Whether an identifier of `tokens` used as a value (not a field or method name after `.`)
    /// is bound to an origin satisfying `pred`.
    fn any_bound(&self, tokens: &TokenStream, pred: fn(&Origin) -> bool) -> bool {
        let mut after_dot = false;
        for tt in tokens.clone() {
            match &tt {
                TokenTree::Group(g) if self.any_bound(&g.stream(), pred) => return true,
                TokenTree::Ident(i) if !after_dot && pred(&self.lookup(&i.to_string())) => {
                    return true;
                }
                _ => {}
            }
            after_dot = matches!(&tt, TokenTree::Punct(p) if p.as_char() == '.');
        }
        false
    }
}

/// `Err(e)` (also `Err(e) | ..` and typed): a pattern binding a call's error.
fn is_err_pattern(pat: &syn::Pat) -> bool {
    match pat {
        syn::Pat::TupleStruct(ts) => ts.path.segments.last().is_some_and(|s| s.ident == "Err"),
        syn::Pat::Type(pt) => is_err_pattern(&pt.pat),
        syn::Pat::Or(o) => o.cases.iter().all(is_err_pattern),
        _ => false,
    }
}

/// A token's public claims, read by anyone who holds it (base64 JSON): the audience, issuer and
/// subject, the method a service token was minted for (`lxm`), a key's thumbprint (`jkt`), the
/// key id. A field so named (`payload.aud != own_did`) is about the token, not its secret.
const PUBLIC_CLAIMS: &[&str] = &[
    "aud", "audience", "iss", "issuer", "sub", "subject", "lxm", "jkt", "azp", "htm", "htu", "kid",
    "did",
];

/// A JWT's claims (`let Ok(claims) = decode_login(token)`, jsonwebtoken's `TokenData::claims`,
/// `invite_claims`): decoding checked the token's signature, so what they say the server itself
/// issued. Comparing a claim with stored data (`user.security_stamp != claims.sstamp`) tests no
/// guess an attacker chose.
fn is_claims(name: &str) -> bool {
    secret_names::split_words(name)
        .last()
        .is_some_and(|w| w == "claims")
}

/// Call-name words of handing a request on and getting the answer back (`next.run(req)` in a
/// middleware, `client.execute(req)`, `send`): the answer comes from the other side — the
/// handler or the remote server — not from whoever sent the request, so it is no guess.
const ANSWER_WORDS: &[&str] = &[
    "run", "send", "execute", "exec", "query", "call", "dispatch", "forward", "oneshot",
];

fn answers(name: &str) -> bool {
    secret_names::split_words(name)
        .first()
        .is_some_and(|w| ANSWER_WORDS.contains(&w.as_str()))
}

/// A call that decrypts (`EncValue::try_from_bytes(cookie)?.decrypt()?`, `unseal`): what an
/// authenticated cipher hands back the server itself sealed, since a forgery fails to decrypt,
/// so, like a verified token's claims, it is no guess an attacker chose (not a public-key
/// decryption: see [`asymmetric`]).
fn decrypts(name: &str) -> bool {
    secret_names::split_words(name)
        .first()
        .is_some_and(|w| matches!(w.as_str(), "decrypt" | "unseal" | "decipher"))
}

/// A public-key decryption (`rsa_key.decrypt(Pkcs1v15Encrypt, ..)`, OAEP, ECIES): anyone can
/// encrypt to the public key, so what it decrypts is still the sender's.
fn asymmetric(tokens: &TokenStream) -> bool {
    let mut idents = BTreeSet::new();
    crate::semantic::syntax::collect_idents(tokens.clone(), &mut idents);
    idents.iter().any(|i| {
        let i = i.to_ascii_lowercase();
        [
            "rsa",
            "pkcs",
            "oaep",
            "ecies",
            "private_key",
            "privkey",
            "sealed_box",
        ]
        .iter()
        .any(|w| i.contains(w))
    })
}

/// A call name that looks something up rather than extracting from its argument.
fn looks_up(name: &str) -> bool {
    !any_word(name, EXTRACT_WORDS) && any_word(name, LOOKUP_WORDS)
}

/// Whether identifiers or string literals of `tokens` name an authentication channel.
fn auth_words(tokens: &TokenStream) -> bool {
    tokens.clone().into_iter().any(|tt| match tt {
        TokenTree::Group(g) => auth_words(&g.stream()),
        // A name *about* a credential (`publish_token`, `token_count`, `next_token`: see
        // `secret_names::classify`) names no credential.
        TokenTree::Ident(i) => {
            let name = i.to_string();
            has_auth_word(&name) && secret_names::classify(&name) != NameClass::AboutSecret
        }
        TokenTree::Literal(l) => has_auth_word(&l.to_string()),
        TokenTree::Punct(_) => false,
    })
}

fn has_auth_word(s: &str) -> bool {
    AUTH_WORDS.any_in(s)
}

/// Whether `tokens` compute a MAC: an HMAC or a keyed-MAC constructor, a call named like a
/// signature being computed (`expected_signature(body)`, `sign(..)`), or a digest with a
/// secret in its input (`sha256(secret + body)`).
///
/// A secret the request itself presented is no key (`received`): a digest of the access token
/// the client sent (DPoP's `ath`) is computed by anyone who holds that token.
fn computes_mac(tokens: &TokenStream, received: &dyn Fn(&str) -> bool) -> bool {
    let mut digest = false;
    let mut secret = false;
    let found = scan_mac(tokens, &mut digest, &mut secret, received);
    found || (digest && secret)
}

fn scan_mac(
    tokens: &TokenStream,
    digest: &mut bool,
    secret: &mut bool,
    received: &dyn Fn(&str) -> bool,
) -> bool {
    let mut trees = tokens.clone().into_iter().peekable();
    while let Some(tt) = trees.next() {
        match &tt {
            TokenTree::Group(g) if scan_mac(&g.stream(), digest, secret, received) => return true,
            TokenTree::Ident(i) => {
                let name = i.to_string();
                // A binding of what the request presented is no MAC made here, whatever its
                // name (`provided_hmac_hex` split off the `x-auth` header).
                if name.to_ascii_lowercase().contains("hmac") && !received(&name)
                    || matches!(name.as_str(), "new_from_slice" | "new_varkey")
                {
                    return true;
                }
                let call = matches!(trees.peek(), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis);
                let words = secret_names::split_words(&name);
                // `compute_hmac(..)`, `expected_signature(..)`; `calculate_file_digest(..)` is a
                // checksum unless a secret goes in (below).
                if call
                    && words
                        .first()
                        .is_some_and(|w| COMPUTE_WORDS.contains(&w.as_str()))
                    && (words.len() == 1 && words[0] == "sign"
                        || secret_names::classify(&name) == NameClass::Secret(SecretKind::Mac)
                            && words.iter().any(|w| {
                                matches!(w.as_str(), "hmac" | "mac" | "signature" | "signatures")
                            }))
                {
                    return true;
                }
                // A digest is computed by a call (`sha256(..)`, `sha256!(..)`, `.finalize()`,
                // `md5::compute(..)`):
                // a name is not one (`auth_type: AuthType::MD5` names a scheme, and
                // `token_hash == hash` compares an id bound from a lookup).
                if (call || path_ends_in_call(&trees))
                    && !parses_stored_hash(&name, &trees)
                    && words.iter().any(|w| DIGEST_WORDS.contains(&w.as_str()))
                {
                    *digest = true;
                }
                if secret_names::names_credential(&name) && !received(&name) {
                    *secret = true;
                }
            }
            _ => {}
        }
    }
    false
}

/// Whether `tokens` call a digest (`Sha256::digest(..)`, `sha256!(..)`, `hasher.finalize()`,
/// `hash_password(..)`), not only name one (`body.password_hash`) or parse one
/// (`PasswordHash::new(..)`).
fn digest_call(tokens: &TokenStream) -> bool {
    let mut trees = tokens.clone().into_iter().peekable();
    while let Some(tt) = trees.next() {
        match &tt {
            TokenTree::Group(g) if digest_call(&g.stream()) => return true,
            TokenTree::Ident(i) => {
                let name = i.to_string();
                let called = match trees.peek() {
                    Some(TokenTree::Group(g)) => g.delimiter() == Delimiter::Parenthesis,
                    Some(TokenTree::Punct(p)) => p.as_char() == '!',
                    _ => false,
                };
                if called && !parses_stored_hash(&name, &trees) && any_word(&name, DIGEST_WORDS) {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

/// Whether the tokens after an identifier make it a macro call (`sha256!(..)`) or a path that
/// ends in a call (`md5::compute(..)`, `sha2::Sha256::digest(..)`) or in a fn handed on as a
/// value (`.map(Sha256::digest)`).
fn path_ends_in_call(rest: &std::iter::Peekable<proc_macro2::token_stream::IntoIter>) -> bool {
    let mut rest = rest.clone();
    loop {
        match rest.next() {
            Some(TokenTree::Punct(p)) if p.as_char() == '!' => return true,
            Some(TokenTree::Punct(p)) if p.as_char() == ':' => {
                if !matches!(rest.next(), Some(TokenTree::Punct(p)) if p.as_char() == ':') {
                    return false;
                }
                let Some(TokenTree::Ident(last)) = rest.next() else {
                    return false;
                };
                match rest.peek() {
                    Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis => {
                        return true;
                    }
                    Some(TokenTree::Punct(p)) if p.as_char() == ':' => {}
                    // A fn's path handed on as a value (`.map(Sha256::digest)`), not a
                    // variant or a constant (`AuthType::MD5`).
                    _ => {
                        return last
                            .to_string()
                            .starts_with(|c: char| c.is_ascii_lowercase());
                    }
                }
            }
            _ => return false,
        }
    }
}

/// Constructors of a hash type that read a hash already made (`PasswordHash::new(stored)`
/// parses a PHC string, `Hash::from_hex(s)` decodes one): no digest is computed there.
const PARSE_CONSTRUCTORS: &[&str] = &[
    "new",
    "parse",
    "from_str",
    "try_from",
    "from",
    "from_hex",
    "from_bytes",
    "from_b64",
    "decode",
];

/// `name` is a type (CamelCase) followed by `::` and a parsing constructor.
fn parses_stored_hash(
    name: &str,
    rest: &std::iter::Peekable<proc_macro2::token_stream::IntoIter>,
) -> bool {
    if !super::is_camel(name) {
        return false;
    }
    let mut rest = rest.clone();
    let colons =
        (0..2).all(|_| matches!(rest.next(), Some(TokenTree::Punct(p)) if p.as_char() == ':'));
    colons
        && matches!(rest.next(), Some(TokenTree::Ident(i)) if PARSE_CONSTRUCTORS.contains(&i.to_string().as_str()))
}

/// `PartialEq::eq(a, b)` / `PartialEq::ne(a, b)` / `<T as PartialEq>::eq(a, b)`.
pub fn partial_eq_call(c: &syn::ExprCall) -> Option<(&syn::Expr, &syn::Expr)> {
    let segs = crate::semantic::syntax::path_segments(&c.func)?;
    let [.., owner, method] = segs.as_slice() else {
        return None;
    };
    // `<T as PartialEq>::eq` names the trait last before the method, like `PartialEq::eq`.
    if owner != "PartialEq" || !matches!(method.as_str(), "eq" | "ne") || c.args.len() != 2 {
        return None;
    }
    Some((&c.args[0], &c.args[1]))
}

impl<'ast> Visit<'ast> for Scan<'_> {
    fn visit_block(&mut self, b: &'ast syn::Block) {
        self.with_scope(|s| b.stmts.iter().for_each(|st| s.visit_stmt(st)));
    }

    fn visit_local(&mut self, l: &'ast syn::Local) {
        let Some(init) = &l.init else {
            self.bind_pat(&l.pat, Origin::default());
            return;
        };
        self.visit_expr(&init.expr);
        if let Some((_, div)) = &init.diverge {
            self.visit_expr(div);
        }
        self.bind_pat_expr(&l.pat, &init.expr);
    }

    fn visit_item(&mut self, _: &'ast syn::Item) {}

    fn visit_expr_binary(&mut self, b: &'ast syn::ExprBinary) {
        if matches!(b.op, syn::BinOp::Eq(_) | syn::BinOp::Ne(_)) {
            self.record(b.op.span(), &b.left, &b.right);
        }
        syn::visit::visit_expr_binary(self, b);
    }

    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        if let Some((l, r)) = partial_eq_call(c) {
            self.record(c.func.span(), l, r);
        }
        syn::visit::visit_expr_call(self, c);
    }

    fn visit_expr_let(&mut self, l: &'ast syn::ExprLet) {
        self.visit_expr(&l.expr);
        self.bind_pat_expr(&l.pat, &l.expr);
    }

    fn visit_expr_if(&mut self, i: &'ast syn::ExprIf) {
        self.with_scope(|s| syn::visit::visit_expr_if(s, i));
    }

    fn visit_expr_while(&mut self, w: &'ast syn::ExprWhile) {
        self.with_scope(|s| syn::visit::visit_expr_while(s, w));
    }

    fn visit_expr_for_loop(&mut self, f: &'ast syn::ExprForLoop) {
        self.visit_expr(&f.expr);
        let origin = if self.binds_needed(&f.pat) {
            self.origin(&f.expr)
        } else {
            Origin::default()
        };
        self.with_scope(|s| {
            s.bind_pat(&f.pat, origin);
            s.visit_block(&f.body);
        });
    }

    fn visit_expr_match(&mut self, m: &'ast syn::ExprMatch) {
        self.visit_expr(&m.expr);
        for arm in &m.arms {
            self.with_scope(|s| {
                s.bind_pat_expr(&arm.pat, &m.expr);
                if let Some((_, g)) = &arm.guard {
                    s.visit_expr(g);
                }
                s.visit_expr(&arm.body);
            });
        }
    }

    fn visit_expr_method_call(&mut self, mc: &'ast syn::ExprMethodCall) {
        self.visit_expr(&mc.receiver);
        self.note_keyed_update(mc);
        let feeds_closure = mc.args.iter().any(|a| {
            matches!(peel(a), syn::Expr::Closure(cl) if cl.inputs.iter().any(|p| self.binds_needed(p)))
        });
        let origin = if feeds_closure {
            self.origin(&mc.receiver)
        } else {
            Origin::default()
        };
        for arg in &mc.args {
            match peel(arg) {
                // `headers.get(..).map(|v| ..)`: the closure's parameter is the receiver's item.
                syn::Expr::Closure(cl) => self.with_scope(|s| {
                    for p in &cl.inputs {
                        s.bind_pat(p, origin);
                    }
                    s.visit_expr(&cl.body);
                }),
                other => self.visit_expr(other),
            }
        }
    }

    fn visit_expr_closure(&mut self, cl: &'ast syn::ExprClosure) {
        self.with_scope(|s| {
            for p in &cl.inputs {
                s.bind_pat(p, Origin::default());
            }
            s.visit_expr(&cl.body);
        });
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        // Only macros with a comparison inside (`ensure!(a == b, ..)`) are worth a parse.
        if !has_comparison(&m.tokens) {
            return;
        }
        let parser = Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated;
        if let Ok(args) = syn::parse::Parser::parse2(parser, m.tokens.clone()) {
            args.iter().for_each(|a| self.visit_expr(a));
        }
    }
}

/// The names whose origin can reach a comparison: those its operands mention and, transitively,
/// those mentioned where such a name is bound (a `let`, `if let`, `match` arm, `for` pattern, or
/// a closure fed by a method's receiver). Scopes are ignored, which only over-approximates.
/// `None` when the body compares nothing. Tokenizing every initializer of every fn that passed
/// the text filter was most of this rule's cost on service code.
fn needed_names(block: &syn::Block) -> Option<BTreeSet<String>> {
    let mut deps = Deps::default();
    deps.visit_block(block);
    if deps.compared.is_empty() && !deps.any_comparison {
        return None;
    }
    let mut needed = deps.compared;
    loop {
        let before = needed.len();
        for (bound, mentioned) in &deps.edges {
            if bound.iter().any(|b| needed.contains(b)) {
                needed.extend(mentioned.iter().cloned());
            }
        }
        if needed.len() == before {
            return Some(needed);
        }
    }
}

#[derive(Default)]
struct Deps {
    compared: BTreeSet<String>,
    any_comparison: bool,
    /// (names a pattern binds, identifiers of the expression it binds from).
    edges: Vec<(Vec<String>, Vec<String>)>,
}

impl Deps {
    fn edge(&mut self, pat: &syn::Pat, from: &syn::Expr) {
        let mut bound = Vec::new();
        pat_names(pat, &mut bound);
        if !bound.is_empty() {
            self.edges.push((bound, idents_of(from)));
        }
    }

    fn compare(&mut self, l: &syn::Expr, r: &syn::Expr) {
        self.any_comparison = true;
        self.compared.extend(idents_of(l));
        self.compared.extend(idents_of(r));
    }
}

impl<'ast> Visit<'ast> for Deps {
    fn visit_item(&mut self, _: &'ast syn::Item) {}

    fn visit_local(&mut self, l: &'ast syn::Local) {
        if let Some(init) = &l.init {
            self.edge(&l.pat, &init.expr);
        }
        syn::visit::visit_local(self, l);
    }

    fn visit_expr_let(&mut self, l: &'ast syn::ExprLet) {
        self.edge(&l.pat, &l.expr);
        syn::visit::visit_expr_let(self, l);
    }

    fn visit_expr_match(&mut self, m: &'ast syn::ExprMatch) {
        for arm in &m.arms {
            self.edge(&arm.pat, &m.expr);
        }
        syn::visit::visit_expr_match(self, m);
    }

    fn visit_expr_for_loop(&mut self, f: &'ast syn::ExprForLoop) {
        self.edge(&f.pat, &f.expr);
        syn::visit::visit_expr_for_loop(self, f);
    }

    fn visit_expr_method_call(&mut self, mc: &'ast syn::ExprMethodCall) {
        for arg in &mc.args {
            if let syn::Expr::Closure(cl) = peel(arg) {
                for p in &cl.inputs {
                    self.edge(p, &mc.receiver);
                }
            }
        }
        syn::visit::visit_expr_method_call(self, mc);
    }

    fn visit_expr_binary(&mut self, b: &'ast syn::ExprBinary) {
        if matches!(b.op, syn::BinOp::Eq(_) | syn::BinOp::Ne(_)) {
            self.compare(&b.left, &b.right);
        }
        syn::visit::visit_expr_binary(self, b);
    }

    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        if let Some((l, r)) = partial_eq_call(c) {
            self.compare(l, r);
        }
        syn::visit::visit_expr_call(self, c);
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        // The scan parses only macros holding a comparison; their names all count as compared
        // (the scan records the comparisons inside, whose operands are some of these).
        if has_comparison(&m.tokens) {
            self.any_comparison = true;
            collect_idents(m.tokens.clone(), &mut self.compared);
        }
    }
}

/// Every identifier of an expression, macro arguments included. A syntax visit, not a token
/// stream: printing every initializer back to tokens cost as much as the scan it saves.
fn idents_of(e: &syn::Expr) -> Vec<String> {
    struct Idents(BTreeSet<String>);
    impl<'ast> Visit<'ast> for Idents {
        fn visit_ident(&mut self, i: &'ast proc_macro2::Ident) {
            self.0.insert(i.to_string());
        }
        fn visit_macro(&mut self, m: &'ast syn::Macro) {
            syn::visit::visit_macro(self, m);
            collect_idents(m.tokens.clone(), &mut self.0);
        }
    }
    let mut idents = Idents(BTreeSet::new());
    idents.visit_expr(e);
    idents.0.into_iter().collect()
}

/// Whether a token stream holds `==` or `!=`.
fn has_comparison(tokens: &TokenStream) -> bool {
    let mut prev: Option<char> = None;
    for tt in tokens.clone() {
        match &tt {
            TokenTree::Group(g) => {
                if has_comparison(&g.stream()) {
                    return true;
                }
                prev = None;
            }
            TokenTree::Punct(p) => {
                let c = p.as_char();
                if c == '=' && matches!(prev, Some('=' | '!')) {
                    return true;
                }
                prev = (p.spacing() == proc_macro2::Spacing::Joint).then_some(c);
            }
            _ => prev = None,
        }
    }
    false
}
