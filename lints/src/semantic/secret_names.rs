//! Name classification shared by the rules about secrets (`secret_in_log`,
//! `non_constant_time_compare`): is this identifier, field or method named like a secret, and
//! which sub-expression of an argument or operand carries it.
//!
//! # Word rules
//!
//! A name is split into lowercase words at `_` and at camelCase boundaries (`apiKey` →
//! `api key`, `APIKey` → `api key`, `HMAC_SECRET` → `hmac secret`). Then:
//!
//! 1. **Secret phrases.** A *credential* phrase is one of the words `token(s)`, `secret(s)`,
//!    `password(s)`, `passwd`, `passphrase`, `credential(s)`, `creds`, `apikey`, `privkey`,
//!    `jwt`, `bearer`, or the word `key` right after one of the qualifiers `api`, `private`,
//!    `secret`, `signing`, `access`, `master`, `encryption`, `hmac`, `shared`, `auth`. A *MAC*
//!    phrase is `hmac`, `signature(s)` or `digest` (secret_in_log only reports credentials:
//!    a signature or digest is not a credential, but comparing one with `==` leaks timing).
//! 2. **The phrase must be the head of the name.** Only these words may follow the last phrase:
//!    `str`, `string`, `bytes`, `value`, `val`, `hex`, `b64`, `base64`, `raw`, `plain`,
//!    `plaintext`, `cleartext`, `text`, `buf`, `encoded`, `pem`, `der`, `opt`. Anything else
//!    makes the name *about* the secret, not the secret: `token_count`, `tokens_used`,
//!    `token_type`, `TokenKind`, `token_stream`, `password_policy`, `password_hash`,
//!    `signature_algorithm`, `secret_name`, `api_key_header`, `token_id`, `token_url`.
//! 3. **Neutralizing words before the phrase**: a boolean/predicate prefix (`is`, `has`,
//!    `should`, `needs`, `with`, `without`, `no`, `missing`, `valid`... see [`NEUTRAL_BEFORE`]),
//!    a count (`num`, `n`, `max`, `min`, `total`, `count`), a lexer position (`next`, `peek`,
//!    `prev`, `current`, `cur`), a cancellation token (`cancel`, `cancellation`, `shutdown`,
//!    `stop`), a position, cursor or ownership tag (`publish`, `resume`, `continuation`, `page`,
//!    `cursor`, `context`, `lease`, `fencing`, `checkpoint`...: `resume_token` is a pagination
//!    cursor, `publish_token` a shard-ownership tag), a device's push-notification address
//!    (`push`, `fcm`, `apns`: `push_token` is where notifications go, not a credential), a
//!    GSS-API/SPNEGO message (`mech`, `wrap`, `mic`, `gss`, `spnego`: `mech_token` is a wire
//!    message), a transformation that already protects it
//!    (`redacted`, `masked`, `hashed`, `encrypted`) or takes it out (`strip`, `sanitize`,
//!    `scrub`, `censor`, `elide`: `strip_password(url)` hands back the URL with `***` in its
//!    place), a check (`verify`, `validate`, `check`), or
//!    a placeholder (`fake`, `dummy`, `mock`, `example`, `sample`, `placeholder`), or a
//!    preposition (`to`, `per`, `of`, `since`, `until`, `from`: the head is the word before it)
//!    make the name not a secret: `has_token`, `max_tokens`, `next_token`, `cancel_token`,
//!    `resume_token`, `redacted_password`, `verify_signature`, `time_to_first_token`,
//!    `cost_per_token`.
//!    `application_credentials` (`GOOGLE_APPLICATION_CREDENTIALS`, Google's Application
//!    Default Credentials) is the path of a key file.
//!    A `token` qualified by a word naming syntax (`colon_token`, `semi_token`, `as_token`,
//!    `ident_token`: [`LEXICAL_WORDS`]) is a parser token, as in every `syn`-based proc-macro,
//!    and one qualified by `stmt`, `statement` or `portal` a prepared statement's handle.
//!    `tokens` right after a language model's usage word (`prompt_tokens`,
//!    `completion_tokens`, `input_tokens`, `output_tokens`, `reasoning_tokens`:
//!    [`USAGE_WORDS`]; not `input_refresh_tokens`) is a count of them.
//! 4. Type-like names (`Token`, `ApiKey` used as a value are enum variants or unit structs) are
//!    not values: [`classify_value`] ignores CamelCase identifiers; `ALL_CAPS` constants are
//!    classified like any other name (`ADMIN_TOKEN` is a secret, `TOKEN_WAKEUP` is not).
//! 5. A bare `token`, `tokens` or `digest` is as often a lexer token, a `TokenStream` or a
//!    content hash as a secret: it counts only when its type is known to carry one, or is
//!    unknown in a file whose code (not comments) visibly handles credentials (`Bearer`,
//!    `Authorization`, `jwt`, `password`, `secret`, `login`, `api_key`...:
//!    [`is_ambiguous_bare`], [`has_auth_context`]). A bare `TOKEN`/`SECRET` constant is a
//!    marker and a constant signature/digest is a magic number (`IMAGE_NT_SIGNATURE`);
//!    `ADMIN_TOKEN`, `API_KEY` are hard-coded secrets.
//!
//! Types refine names: a binding whose type is known and is neither string-, bytes- nor
//! secret-like (`usize`, `bool`, `mio::Token`, `CancellationToken`, a lexer's `Token`) is not a
//! secret whatever its name ([`carrier_type`]). Where a bare `Token` names another crate's
//! handle type (`use mio::{Token, ..}`), a token-named value (`token`, `back_token`,
//! `frontend_token()`) is that handle unless its type is known to carry text or bytes, and a
//! `FooToken` type there wraps the handle too ([`token_named`],
//! [`is_known_carrier_not_token_named`]).

use proc_macro2::Span;
use syn::spanned::Spanned;

use super::Cx;
use super::macros::{self, MacroKind};
use super::types::Ty;
use crate::finding::Finding;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretKind {
    /// Something that authenticates on its own: token, password, API key, private key.
    Credential,
    /// A MAC, signature or digest: verifying one with `==` leaks timing.
    Mac,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameClass {
    Secret(SecretKind),
    /// Mentions a secret word but names something else about it (`token_count`, `has_token`).
    AboutSecret,
    /// No secret word at all.
    Unrelated,
}

const CREDENTIAL_WORDS: &[&str] = &[
    "token",
    "tokens",
    "secret",
    "secrets",
    "password",
    "passwords",
    "passwd",
    "passphrase",
    "credential",
    "credentials",
    "creds",
    "apikey",
    "privkey",
    "jwt",
    "bearer",
];

const MAC_WORDS: &[&str] = &["hmac", "signature", "signatures", "digest"];

/// Words that make a following `key` a credential (`api_key`, `private_key`, ...).
const KEY_QUALIFIERS: &[&str] = &[
    "api",
    "private",
    "secret",
    "signing",
    "access",
    "master",
    "encryption",
    "hmac",
    "shared",
    "auth",
];

/// Words that may follow a secret phrase without changing what the name denotes.
const TRANSPARENT_AFTER: &[&str] = &[
    "str",
    "string",
    "bytes",
    "value",
    "val",
    "hex",
    "b64",
    "base64",
    "raw",
    "plain",
    "plaintext",
    "cleartext",
    "text",
    "buf",
    "encoded",
    "pem",
    "der",
    "opt",
];

/// Words that, anywhere before the secret phrase, make the name about something else.
pub const NEUTRAL_BEFORE: &[&str] = &[
    // predicates and flags
    "is",
    "has",
    "have",
    "should",
    "use",
    "uses",
    "need",
    "needs",
    "require",
    "requires",
    "required",
    "with",
    "without",
    "no",
    "missing",
    "valid",
    "invalid",
    "expired",
    "allow",
    "allows",
    "enable",
    "enabled",
    // counts and limits
    "num",
    "n",
    "max",
    "min",
    "total",
    "count",
    "len",
    "length",
    "size",
    // lexers and parsers
    "next",
    "peek",
    "prev",
    "previous",
    "current",
    "cur",
    "lex",
    // cancellation tokens
    "cancel",
    "cancellation",
    "shutdown",
    "stop",
    "drop",
    // already protected
    "redacted",
    "redact",
    "masked",
    "mask",
    "hashed",
    "encrypted",
    "obfuscated",
    // a fn that takes the secret out (`strip_password(url)` hands back the URL with `***`)
    "strip",
    "sanitize",
    "scrub",
    "censor",
    "elide",
    // checks
    "verify",
    "validate",
    "check",
    // tokens that are positions, cursors or ownership tags, not credentials
    "publish",
    "resume",
    "continuation",
    "page",
    "pagination",
    "cursor",
    "context",
    "idempotency",
    "lease",
    "fencing",
    "progress",
    "checkpoint",
    // a device's address for push notifications (an FCM/APNs registration token), which its
    // owner hands over to be written to, not a credential anyone verifies
    "push",
    "fcm",
    "apns",
    // a writer's or queue's receipt for an operation (`WriteToken`, `ack_token`)
    "write",
    "read",
    "flush",
    "ack",
    "commit",
    "record",
    "reservation",
    // GSS-API / SPNEGO / Kerberos protocol messages, which the protocols call tokens
    // (`mech_token`, `wrap_token`, a MIC token): wire messages, not credentials
    "mech",
    "wrap",
    "mic",
    "gss",
    "spnego",
    // a preposition: the head is the word before it (`time_to_first_token` is a duration,
    // `cost_per_token` a price, `path_to_key` a path)
    "to",
    "per",
    "of",
    "since",
    "until",
    "from",
    // placeholders
    "fake",
    "dummy",
    "mock",
    "example",
    "sample",
    "placeholder",
];

/// A `token` qualified by one of these is a database's handle for a prepared statement or
/// portal (`stmt_token`), an opaque id the host minted, not a credential. (Only a token: a
/// `portal_password` is a password.)
const HANDLE_WORDS: &[&str] = &["stmt", "statement", "portal"];

/// A language model's usage counts: `tokens` right after one (`prompt_tokens`,
/// `completion_tokens`, `output_tokens`, as OpenAI's and Anthropic's usage report them) are
/// how many tokens a request used, a number. (Only the plural: an `input_token` may be one.)
const USAGE_WORDS: &[&str] = &["prompt", "completion", "input", "output", "reasoning"];

/// Words naming syntax: a `token` qualified by one (`colon_token`, `semi_token`, `as_token`,
/// `ident_token`) is a lexer/parser token, as in every `syn`-based proc-macro.
pub const LEXICAL_WORDS: &[&str] = &[
    // punctuation and delimiters
    "colon",
    "colon2",
    "semi",
    "eq",
    "eq2",
    "ne",
    "dot",
    "dot2",
    "dot3",
    "lt",
    "gt",
    "le",
    "ge",
    "paren",
    "brace",
    "bracket",
    "bang",
    "comma",
    "pound",
    "star",
    "plus",
    "minus",
    "slash",
    "percent",
    "caret",
    "and",
    "or",
    "not",
    "shl",
    "shr",
    "at",
    "underscore",
    "question",
    "tilde",
    "arrow",
    "rarrow",
    "larrow",
    "pipe",
    "or1",
    "or2",
    "delim",
    "delimiter",
    "group",
    "open",
    "close",
    "dollar",
    "hash",
    // lexical classes
    "ident",
    "keyword",
    "punct",
    "lit",
    "literal",
    "lifetime",
    "lexeme",
    "lexer",
    "syntax",
    "tt",
    "eof",
    "whitespace",
    "comment",
    "doc",
    // Rust keywords as `syn` names their tokens
    "as",
    "async",
    "auto",
    "await",
    "break",
    "const",
    "continue",
    "crate",
    "default",
    "dyn",
    "else",
    "enum",
    "extern",
    "fn",
    "for",
    "if",
    "impl",
    "in",
    "let",
    "loop",
    "macro",
    "match",
    "mod",
    "move",
    "mut",
    "pub",
    "ref",
    "return",
    "self",
    "static",
    "struct",
    "super",
    "trait",
    "type",
    "union",
    "unsafe",
    "use",
    "where",
    "while",
    "yield",
    "try",
    "box",
];

/// Split an identifier into lowercase words at `_` and camelCase boundaries.
pub fn split_words(ident: &str) -> Vec<String> {
    let ident = ident.strip_prefix("r#").unwrap_or(ident);
    let chars: Vec<char> = ident.chars().collect();
    let mut words = Vec::new();
    let mut cur = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if c.is_uppercase() && !cur.is_empty() {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            // `apiKey`: lower → upper; `APIKey`: the last capital of a run starts a word.
            if prev.is_lowercase() || prev.is_ascii_digit() || (prev.is_uppercase() && next_lower) {
                words.push(std::mem::take(&mut cur));
            }
        }
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

/// The kind of the secret phrase ending at word `i`, if one does.
fn phrase_at(words: &[String], i: usize) -> Option<SecretKind> {
    let w = words[i].as_str();
    if CREDENTIAL_WORDS.contains(&w) {
        return Some(SecretKind::Credential);
    }
    if MAC_WORDS.contains(&w) {
        return Some(SecretKind::Mac);
    }
    if (w == "key" || w == "keys") && i > 0 && KEY_QUALIFIERS.contains(&words[i - 1].as_str()) {
        return Some(SecretKind::Credential);
    }
    None
}

/// The index of the word that ends a name's last secret phrase.
fn last_phrase(words: &[String]) -> Option<usize> {
    (0..words.len())
        .rev()
        .find(|&i| phrase_at(words, i).is_some())
}

/// Classify a name by the word rules in the module docs.
pub fn classify(name: &str) -> NameClass {
    let words = split_words(name);
    let Some(last) = last_phrase(&words) else {
        return NameClass::Unrelated;
    };
    if words[last + 1..]
        .iter()
        .any(|w| !TRANSPARENT_AFTER.contains(&w.as_str()))
    {
        return NameClass::AboutSecret;
    }
    if words[..last]
        .iter()
        .any(|w| NEUTRAL_BEFORE.contains(&w.as_str()))
    {
        return NameClass::AboutSecret;
    }
    // Google's Application Default Credentials (`GOOGLE_APPLICATION_CREDENTIALS`) name the
    // path of a key file, not the key.
    if words[last].starts_with("credential") && last > 0 && words[last - 1] == "application" {
        return NameClass::AboutSecret;
    }
    if words[last].starts_with("token")
        && words[..last]
            .iter()
            .any(|w| LEXICAL_WORDS.contains(&w.as_str()) || HANDLE_WORDS.contains(&w.as_str()))
    {
        return NameClass::AboutSecret;
    }
    if words[last] == "tokens" && last > 0 && USAGE_WORDS.contains(&words[last - 1].as_str()) {
        return NameClass::AboutSecret;
    }
    match phrase_at(&words, last) {
        Some(kind) => NameClass::Secret(kind),
        None => NameClass::Unrelated,
    }
}

/// Whether a name's secret phrase is an `access key` no `secret` qualifies (`access_key`,
/// `target_access_key`, `AccessKey`; not `secret_access_key`): in S3-style credentials the
/// access key is the key pair's ID, the secret key its secret (see
/// `CrateIndex::pairs_access_keys`).
pub fn names_access_key(name: &str) -> bool {
    let words = split_words(name);
    let Some(last) = last_phrase(&words) else {
        return false;
    };
    matches!(words[last].as_str(), "key" | "keys")
        && words[last - 1] == "access"
        && !words[..last - 1].iter().any(|w| w == "secret")
}

/// A field naming the secret half of an S3-style key pair (`secret_key`, `secret_access_key`,
/// `secretKey`), whose other half is the access key ID.
pub fn names_secret_key_of_pair(name: &str) -> bool {
    let words = split_words(name);
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    matches!(
        words.as_slice(),
        ["secret", "key"] | ["secret", "access", "key"]
    )
}

/// Whether a value's name says it is a credential (`api_key`, `password`, `access_token`):
/// [`classify_value`]'s `Secret(Credential)`.
pub fn names_credential(name: &str) -> bool {
    classify_value(name) == NameClass::Secret(SecretKind::Credential)
}

/// A constant's name: `API_V3_TOKEN`, upper case, digits and underscores.
pub fn is_const_name(name: &str) -> bool {
    name.chars().any(char::is_uppercase)
        && name
            .chars()
            .all(|c| c.is_uppercase() || c.is_ascii_digit() || c == '_')
}

/// Like [`classify`], for a name used as a value: CamelCase names are types, enum variants or
/// unit structs, never a secret value.
pub fn classify_value(name: &str) -> NameClass {
    let name = name.strip_prefix("r#").unwrap_or(name);
    let first_upper = name.chars().next().is_some_and(char::is_uppercase);
    let all_caps = name
        .chars()
        .all(|c| c.is_uppercase() || c.is_ascii_digit() || c == '_');
    if first_upper && !all_caps {
        return NameClass::Unrelated;
    }
    let class = classify(name);
    if first_upper && all_caps {
        // A bare `TOKEN`/`SECRET` constant is a marker (serde_json's `TOKEN`), and a constant
        // signature or digest is a file-format magic number (`IMAGE_NT_SIGNATURE`): only a
        // qualified credential constant (`ADMIN_TOKEN`, `API_KEY`) is a hard-coded secret.
        let bare = split_words(name).len() == 1;
        if bare || class == NameClass::Secret(SecretKind::Mac) {
            return NameClass::AboutSecret;
        }
    }
    class
}

/// A bare name that is as often a lexer token, a token list or a content hash as a secret
/// (`token`, `tokens`, `digest`): rules report it only when its type is known to carry a secret
/// (a string, bytes, a secret-named type) — `token: &str`, `let token = bearer(&req)?` — or,
/// when its type is unknown, in a file that handles credentials ([`has_auth_context`]).
pub fn is_ambiguous_bare(name: &str) -> bool {
    matches!(split_words(name).as_slice(), [w] if matches!(w.as_str(), "token" | "tokens" | "digest"))
}

/// Whether a secret-named value's phrase is `token`/`tokens` (`token`, `back_token`,
/// `frontend_token`), the credential word event loops and lexers also use for their handles.
/// Only the phrase is looked at: whether the name is a secret at all is [`classify`]'s answer.
pub fn token_named(name: &str) -> bool {
    let words = split_words(name);
    (0..words.len())
        .rev()
        .find(|&i| phrase_at(&words, i).is_some())
        .is_some_and(|i| matches!(words[i].as_str(), "token" | "tokens"))
}

/// Words whose presence in a file shows it handles credentials (an auth middleware, a login
/// flow, an API client), so a bare `token` there is one even when its type is unknown.
const AUTH_CONTEXT: &[&str] = &[
    "Bearer",
    "bearer_auth",
    "Authorization",
    "AUTHORIZATION",
    "authorization",
    "jwt",
    "Jwt",
    "JWT",
    "password",
    "secret",
    "credential",
    "Credential",
    "login",
    "api_key",
    "apikey",
    "access_token",
    "refresh_token",
];

/// Whether a file's code (identifiers and string literals; comments and doc comments do not
/// count) shows it handles credentials (see [`is_ambiguous_bare`]).
///
/// This visits the AST's identifiers and literals, and the raw tokens of macro bodies,
/// attribute arguments and verbatim nodes, skipping `doc` attributes. It used to print the
/// whole file back to tokens and search their text, which cost a quarter of the analysis time
/// (issue 6's profile); the answer is the same (`auth_context_by_tokens` in the tests checks it):
/// no word contains a space, so finding one inside a single token is finding it in the text.
pub fn has_auth_context(file: &syn::File) -> bool {
    let mut scan = AuthScan {
        found: false,
        buf: String::new(),
    };
    syn::visit::Visit::visit_file(&mut scan, file);
    scan.found
}

/// Bytes some [`AUTH_CONTEXT`] word starts with: a cheap filter before comparing words.
const AUTH_FIRST: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < AUTH_CONTEXT.len() {
        t[AUTH_CONTEXT[i].as_bytes()[0] as usize] = true;
        i += 1;
    }
    t
};

/// `AUTH_CONTEXT.iter().any(|w| s.contains(w))`, without a substring search per word.
fn contains_auth_word(s: &str) -> bool {
    let b = s.as_bytes();
    (0..b.len()).any(|i| {
        AUTH_FIRST[b[i] as usize]
            && AUTH_CONTEXT
                .iter()
                .any(|w| b[i..].starts_with(w.as_bytes()))
    })
}

struct AuthScan {
    found: bool,
    /// Reused for identifiers' text (no allocation per identifier).
    buf: String,
}

impl AuthScan {
    fn text(&mut self, s: &str) {
        if !self.found && contains_auth_word(s) {
            self.found = true;
        }
    }

    fn tokens(&mut self, ts: &proc_macro2::TokenStream) {
        let mut trees = ts.clone().into_iter().peekable();
        while let Some(tt) = trees.next() {
            if self.found {
                return;
            }
            match &tt {
                // `#[doc = ".."]` / `#![doc = ".."]`: documentation, not code.
                proc_macro2::TokenTree::Punct(p) if p.as_char() == '#' => {
                    if matches!(trees.peek(), Some(proc_macro2::TokenTree::Punct(b)) if b.as_char() == '!')
                    {
                        trees.next();
                    }
                    if let Some(proc_macro2::TokenTree::Group(g)) = trees.peek()
                        && matches!(g.stream().into_iter().next(),
                            Some(proc_macro2::TokenTree::Ident(id)) if id == "doc")
                    {
                        trees.next();
                    }
                }
                proc_macro2::TokenTree::Group(g) => self.tokens(&g.stream()),
                proc_macro2::TokenTree::Ident(id) => self.text(&id.to_string()),
                proc_macro2::TokenTree::Literal(l) => self.text(&l.to_string()),
                proc_macro2::TokenTree::Punct(_) => {}
            }
        }
    }
}

impl<'ast> syn::visit::Visit<'ast> for AuthScan {
    fn visit_ident(&mut self, i: &'ast proc_macro2::Ident) {
        use std::fmt::Write as _;
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        let _ = write!(buf, "{i}");
        self.text(&buf);
        self.buf = buf;
    }

    fn visit_lit(&mut self, l: &'ast syn::Lit) {
        match l {
            syn::Lit::Str(x) => self.text(&x.token().to_string()),
            syn::Lit::ByteStr(x) => self.text(&x.token().to_string()),
            syn::Lit::CStr(x) => self.text(&x.token().to_string()),
            syn::Lit::Byte(x) => self.text(&x.token().to_string()),
            syn::Lit::Char(x) => self.text(&x.token().to_string()),
            syn::Lit::Int(x) => self.text(&x.token().to_string()),
            syn::Lit::Float(x) => self.text(&x.token().to_string()),
            syn::Lit::Verbatim(x) => self.text(&x.to_string()),
            syn::Lit::Bool(_) => {}
            _ => self.tokens(&quote::ToTokens::to_token_stream(l)),
        }
    }

    fn visit_attribute(&mut self, a: &'ast syn::Attribute) {
        let path = a.path();
        if path.leading_colon.is_none() && path.segments.first().is_some_and(|s| s.ident == "doc") {
            return;
        }
        syn::visit::visit_attribute(self, a);
    }

    fn visit_meta_list(&mut self, m: &'ast syn::MetaList) {
        self.visit_path(&m.path);
        self.tokens(&m.tokens);
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        self.visit_path(&m.path);
        self.tokens(&m.tokens);
    }

    fn visit_expr(&mut self, e: &'ast syn::Expr) {
        match e {
            syn::Expr::Verbatim(ts) => self.tokens(ts),
            _ if self.found => {}
            _ => syn::visit::visit_expr(self, e),
        }
    }

    fn visit_item(&mut self, i: &'ast syn::Item) {
        match i {
            syn::Item::Verbatim(ts) => self.tokens(ts),
            _ if self.found => {}
            _ => syn::visit::visit_item(self, i),
        }
    }

    fn visit_type(&mut self, t: &'ast syn::Type) {
        match t {
            syn::Type::Verbatim(ts) => self.tokens(ts),
            _ => syn::visit::visit_type(self, t),
        }
    }

    fn visit_pat(&mut self, p: &'ast syn::Pat) {
        match p {
            syn::Pat::Verbatim(ts) => self.tokens(ts),
            _ => syn::visit::visit_pat(self, p),
        }
    }

    fn visit_impl_item(&mut self, i: &'ast syn::ImplItem) {
        match i {
            syn::ImplItem::Verbatim(ts) => self.tokens(ts),
            _ => syn::visit::visit_impl_item(self, i),
        }
    }

    fn visit_trait_item(&mut self, i: &'ast syn::TraitItem) {
        match i {
            syn::TraitItem::Verbatim(ts) => self.tokens(ts),
            _ => syn::visit::visit_trait_item(self, i),
        }
    }

    fn visit_foreign_item(&mut self, i: &'ast syn::ForeignItem) {
        match i {
            syn::ForeignItem::Verbatim(ts) => self.tokens(ts),
            _ => syn::visit::visit_foreign_item(self, i),
        }
    }
}

/// Names that are no secret in this file, whatever their words say:
///
/// - the values it hands to the filesystem as a path: the argument of `Path::new`,
///   `PathBuf::from`, `File::open`/`File::create` or a `fs::` fn (std's, tokio's, `fs_err`'s),
///   through `&`, `.clone()`, `.unwrap()`, `.as_ref()` and the like — `tls_private_key` in
///   `load_keys(Path::new(&tls_private_key))`. A setting named like a key that the program
///   opens as a file holds the key's path, not the key;
/// - its constants whose string value is made of their own name's words, the secret word
///   among them (`const LOG_SUBSYSTEM_CREDENTIALS: &str = "credentials"`, `const PASSWORD:
///   &str = "password"`): a label, a field or header name. A hard-coded secret's value is not
///   its name (`ADMIN_PASSWORD = "admin"` is a default password).
pub fn non_secret_names(file: &syn::File) -> std::collections::HashSet<String> {
    struct V(std::collections::HashSet<String>);
    impl<'ast> syn::visit::Visit<'ast> for V {
        fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
            if let syn::Expr::Path(p) = &*c.func
                && opens_path(&p.path)
                && let Some(name) = c
                    .args
                    .first()
                    .and_then(|a| super::syntax::plain_value_name(a, PATH_VIEWS))
            {
                self.0.insert(name);
            }
            syn::visit::visit_expr_call(self, c);
        }

        fn visit_item_const(&mut self, c: &'ast syn::ItemConst) {
            if let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(value),
                ..
            }) = &*c.expr
                && labels_itself(&c.ident.to_string(), &value.value())
            {
                self.0.insert(c.ident.to_string());
            }
            syn::visit::visit_item_const(self, c);
        }
    }
    let mut v = V(std::collections::HashSet::new());
    syn::visit::Visit::visit_file(&mut v, file);
    v.0
}

/// Whether a constant's string value is made of words of its name (ignoring case and
/// separators): `LOG_SUBSYSTEM_CREDENTIALS = "credentials"`, `HEADER_API_KEY = "x-api-key"`
/// (`x` aside, a single letter carries nothing). An empty value labels nothing.
fn labels_itself(name: &str, value: &str) -> bool {
    let name_words = split_words(name);
    let value_words: Vec<String> = value
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() > 1)
        .map(str::to_lowercase)
        .collect();
    // The value names the secret itself: `ADMIN_PASSWORD = "admin"` is a default password.
    let names_the_secret =
        last_phrase(&name_words).is_some_and(|i| value_words.contains(&name_words[i]));
    names_the_secret && value_words.iter().all(|w| name_words.contains(w))
}

/// `Path::new`, `PathBuf::from`, `File::open`, `File::create`, `fs::<anything>`.
fn opens_path(path: &syn::Path) -> bool {
    let segs: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    match segs.as_slice() {
        [.., ty, f] => {
            matches!(
                (ty.as_str(), f.as_str()),
                ("Path", "new") | ("PathBuf", "from") | ("File", "open") | ("File", "create")
            ) || ty == "fs"
                || ty == "fs_err"
        }
        _ => false,
    }
}

/// What a path argument is taken out of on its way in (`config.tls_private_key.unwrap()`).
const PATH_VIEWS: &[&str] = &[
    "clone",
    "unwrap",
    "expect",
    "as_ref",
    "as_str",
    "as_deref",
    "as_path",
    "to_string",
    "unwrap_or_default",
];

/// Report a secret reference once its type allows it. A `strict` name (an ambiguous, bare
/// `token`) needs a type known to pass that test (`is_known_carrier`); otherwise an unknown type
/// is enough and a known one must pass `may_carry`. Printed `to_stdout`, it also stands only if
/// the fn may run in a long-lived program (see [`Cx::emit_if_all_unless_startup`]).
pub fn emit_secret_finding(
    cx: &Cx,
    r: &SecretRef,
    strict: Option<fn(&Ty) -> bool>,
    may_carry: fn(&Ty) -> bool,
    finding: Finding,
    to_stdout: bool,
) {
    if cx.names_no_secret(r.field_name()) {
        return;
    }
    let ty = cx.type_of(&r.expr);
    let mut conditions = if ty.is_unknown() {
        if strict.is_some() {
            return;
        }
        Vec::new()
    } else {
        vec![crate::semantic::Condition {
            ty,
            holds: crate::semantic::Holds::Printed(strict.unwrap_or(may_carry)),
        }]
    };
    conditions.extend(only_access_keys(std::slice::from_ref(r)));
    // A constant of another file whose value labels itself (see `non_secret_names`).
    if let syn::Expr::Path(p) = super::syntax::peel_refs(&r.expr)
        && p.path
            .segments
            .last()
            .is_some_and(|s| is_const_name(&s.ident.to_string()))
    {
        conditions.push(crate::semantic::Condition {
            ty: crate::semantic::TyExpr::Static(cx.resolve(&p.path)),
            holds: crate::semantic::Holds::ConstValueIsNot(labels_itself),
        });
    }
    if to_stdout {
        cx.emit_if_all_unless_startup(conditions, finding);
    } else {
        cx.emit_if_all(conditions, finding);
    }
}

/// Where every secret named is an `access_key` (see [`names_access_key`]): the condition under
/// which it is a credential, that its crate does not pair it with a secret key.
pub fn only_access_keys(refs: &[SecretRef]) -> Option<crate::semantic::Condition> {
    (!refs.is_empty() && refs.iter().all(|r| names_access_key(r.field_name()))).then_some(
        crate::semantic::Condition {
            ty: crate::semantic::TyExpr::Unknown,
            holds: crate::semantic::Holds::NotAccessKeyId,
        },
    )
}

/// [`carrier_type`] is known to be `true`.
pub fn is_known_carrier(t: &Ty) -> bool {
    carrier_type(t) == Some(true)
}

/// A known carrier that is not so only by a token-named type's name (`ListenToken` where
/// `Token` is `mio::Token`: a wrapper of the event loop's handle, not a credential).
pub fn is_known_carrier_not_token_named(t: &Ty) -> bool {
    is_known_carrier(t)
        && !t
            .peel()
            .path_str()
            .is_some_and(|p| token_named(crate::semantic::syntax::last_segment(p)))
}

/// Types that can carry a secret's value: strings, bytes, header values, `secrecy` wrappers, and
/// types named like a secret (`AccessToken`, `ApiKey`, but not a bare `Token`, which is what
/// lexers and `mio` call their tokens). `Some(false)`: known and cannot (numbers, `bool`,
/// `CancellationToken`, other structs). `None`: unknown.
pub fn carrier_type(ty: &Ty) -> Option<bool> {
    let ty = ty.peel();
    match ty {
        Ty::Unknown => None,
        Ty::Tuple(_) => Some(false),
        Ty::Slice(inner) => carrier_type(inner).map(|c| c || is_byte(inner)),
        Ty::Path { path, args } => {
            let last = crate::semantic::syntax::last_segment(path);
            // A redacting wrapper named for it (vector's `SensitiveString`) holds a secret too.
            if STRING_LIKE.contains(&path.as_str())
                || STRING_LIKE.contains(&last)
                || named_for_redaction(last)
            {
                return Some(true);
            }
            if matches!(
                path.as_str(),
                "std::vec::Vec" | "std::collections::VecDeque" | "smallvec::SmallVec"
            ) {
                return match args.first() {
                    Some(elem) if is_byte(elem) => Some(true),
                    Some(elem) => carrier_type(elem),
                    None => None,
                };
            }
            // Any `Result` (an `io::Result`, a crate's alias) puts its value first, as
            // `Ty::ok_value` has it; `fetch_token()` stands for its `.await` (`secret_refs`).
            if path == "std::borrow::Cow"
                || crate::semantic::types::is_result_path(path)
                || path == crate::semantic::types::FUTURE
            {
                return args.first().and_then(carrier_type);
            }
            if !path.contains("::") && path.len() <= 2 && last.chars().all(|c| c.is_uppercase()) {
                // A generic parameter (`T`, `C`): code generic over its "token" type is a parser
                // or a container, not credential handling.
                return Some(false);
            }
            let words = split_words(last);
            let secret_named = matches!(classify(last), NameClass::Secret(_))
                && !(words.len() == 1 && words[0] == "token");
            Some(secret_named || last.starts_with("Secret"))
        }
    }
}

/// A type named for hiding its value (`SensitiveString`, `Redacted<T>`): its `Debug`/`Display`
/// print a placeholder.
pub fn named_for_redaction(type_name: &str) -> bool {
    type_name.starts_with("Sensitive") || type_name.starts_with("Redacted")
}

fn is_byte(t: &Ty) -> bool {
    t.path_str().is_some_and(|p| p == "u8" || p == "i8")
}

/// Paths (or last segments) of string-, bytes- and secret-wrapper types.
const STRING_LIKE: &[&str] = &[
    "std::string::String",
    "String",
    "str",
    "std::ffi::OsString",
    "OsStr",
    "std::ffi::OsStr",
    "std::ffi::CString",
    "bytes::Bytes",
    "bytes::BytesMut",
    "http::HeaderValue",
    "http::header::HeaderValue",
    "HeaderValue",
    "secrecy::SecretString",
    "secrecy::Secret",
    "secrecy::SecretBox",
    "secrecy::SecretVec",
    "zeroize::Zeroizing",
];

/// A place in an expression where a secret-named value is used.
#[derive(Debug, Clone)]
pub struct SecretRef {
    /// The secret-like name (`token`, `api_key`, `expected_signature`; `cfg.api_key` for a
    /// field).
    pub name: String,
    pub kind: SecretKind,
    /// The named sub-expression (`token` in `&token[..8]`), for typing it.
    pub expr: syn::Expr,
    pub span: Span,
}

impl SecretRef {
    /// The name's last part: the field of `cfg.api_key`, the name itself otherwise.
    pub fn field_name(&self) -> &str {
        self.name.rsplit('.').next().unwrap_or(&self.name)
    }
}

/// Methods whose result is (a view of, a copy of, a prefix of) the receiver: a secret stays a
/// secret through them. `get(..4)`, `chars().take(8).collect()` are prefixes.
pub const TRANSPARENT_METHODS: &[&str] = &[
    "as_str",
    "as_bytes",
    "as_ref",
    "as_deref",
    "as_slice",
    "to_string",
    "to_owned",
    "to_vec",
    "into_bytes",
    "into_string",
    "clone",
    "unwrap",
    "expect",
    "unwrap_or",
    "unwrap_or_default",
    "unwrap_or_else",
    "trim",
    "trim_start",
    "trim_end",
    "expose_secret",
    "expose",
    "inner",
    "deref",
    "borrow",
    "to_str",
    "get",
    "chars",
    "bytes",
    "take",
    "collect",
    "iter",
    "to_lowercase",
    "to_uppercase",
    "to_ascii_lowercase",
    "value",
    "as_os_str",
    "to_string_lossy",
];

/// Fns and methods that re-encode their argument without protecting it.
const ENCODERS: &[&str] = &[
    "encode",
    "encode_upper",
    "from_utf8",
    "from_utf8_lossy",
    "from_utf8_unchecked",
    "Some",
    "Ok",
];

/// Every secret-named value `e` evaluates to (or embeds, through `format!`, `+`, `hex::encode`):
/// `token`, `&token[..8]`, `cfg.api_key.as_str()`, `creds.password()`, `expected_signature()`,
/// `format!("Bearer {token}")`. Lengths, predicates and other calls on a secret are not the
/// secret (`token.len()`, `token.is_empty()`, `redact(&token)`).
pub fn secret_refs(e: &syn::Expr, out: &mut Vec<SecretRef>) {
    secret_refs_depth(e, out, 0);
}

fn secret_refs_depth(e: &syn::Expr, out: &mut Vec<SecretRef>, depth: u32) {
    if depth > 32 {
        return;
    }
    let rec = |e: &syn::Expr, out: &mut Vec<SecretRef>| secret_refs_depth(e, out, depth + 1);
    let mut push = |name: String, expr: &syn::Expr| {
        if let NameClass::Secret(kind) = classify_value(&name) {
            out.push(SecretRef {
                name,
                kind,
                expr: expr.clone(),
                span: expr.span(),
            });
        }
    };
    match e {
        syn::Expr::Reference(r) => rec(&r.expr, out),
        syn::Expr::Paren(p) => rec(&p.expr, out),
        syn::Expr::Group(g) => rec(&g.expr, out),
        syn::Expr::Try(t) => rec(&t.expr, out),
        // `fetch_token().await` is the token.
        syn::Expr::Await(a) => rec(&a.base, out),
        syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => rec(&u.expr, out),
        syn::Expr::Index(i) => rec(&i.expr, out),
        syn::Expr::Binary(b) if matches!(b.op, syn::BinOp::Add(_)) => {
            rec(&b.left, out);
            rec(&b.right, out);
        }
        syn::Expr::Path(p) if p.qself.is_none() => {
            if let Some(seg) = p.path.segments.last() {
                // `config::ADMIN_TOKEN` names a constant; `auth::token` (a fn item) is no value.
                if p.path.segments.len() == 1
                    || seg.ident.to_string().chars().all(|c| !c.is_lowercase())
                {
                    push(seg.ident.to_string(), e);
                }
            }
        }
        syn::Expr::Field(f) => {
            if let syn::Member::Named(m) = &f.member {
                push(m.to_string(), e);
            }
        }
        syn::Expr::MethodCall(mc) => {
            let name = mc.method.to_string();
            if TRANSPARENT_METHODS.contains(&name.as_str()) {
                rec(&mc.receiver, out);
            } else if ENCODERS.contains(&name.as_str()) {
                mc.args.iter().for_each(|a| rec(a, out));
            } else {
                push(name, e);
            }
        }
        syn::Expr::Call(c) => {
            let syn::Expr::Path(p) = &*c.func else { return };
            let Some(seg) = p.path.segments.last() else {
                return;
            };
            let name = seg.ident.to_string();
            // `String::from(&token)` is the token; `VerificationKey::from(&signing_key)` derives
            // the public half, which is no view of the secret.
            let public_half = p.path.segments.iter().rev().nth(1).is_some_and(|owner| {
                let owner = owner.ident.to_string().to_ascii_lowercase();
                owner.contains("public") || owner.contains("verif") || owner.starts_with("pubkey")
            });
            if ENCODERS.contains(&name.as_str())
                || (name == "from" && p.path.segments.len() >= 2 && !public_half)
            {
                c.args.iter().for_each(|a| rec(a, out));
            } else {
                push(name, e);
            }
        }
        syn::Expr::Macro(m) => {
            let name = macros::macro_name(&m.mac);
            if matches!(name.as_str(), "format" | "format_args")
                && MacroKind::classify(&name) == Some(MacroKind::Format)
            {
                let f = macros::parse_format(m.mac.tokens.clone());
                format_refs(&f, out, depth + 1);
            }
        }
        _ => {}
    }
}

/// Secret values among a format-like macro's arguments and inline captures (`"{token}"`).
pub fn format_refs(f: &macros::FormatArgs, out: &mut Vec<SecretRef>, depth: u32) {
    for arg in &f.args {
        secret_refs_depth(&arg.expr, out, depth + 1);
    }
    out.extend(capture_refs(f));
}

/// Secret-named inline captures of a format string (`"{token}"`), each once, at the format
/// string's span. A capture also given as a named argument (`"{t}", t = redact(x)`) is that
/// argument, not a capture.
pub fn capture_refs(f: &macros::FormatArgs) -> Vec<SecretRef> {
    let mut out: Vec<SecretRef> = Vec::new();
    let Some(template) = &f.template else {
        return out;
    };
    for cap in &f.captures {
        if out.iter().any(|r| &r.name == cap)
            || f.args
                .iter()
                .any(|a| a.name.as_deref() == Some(cap.as_str()))
        {
            continue;
        }
        if let NameClass::Secret(kind) = classify_value(cap) {
            let ident = syn::Ident::new(cap, template.span());
            let expr = syn::Expr::Path(syn::ExprPath {
                attrs: Vec::new(),
                qself: None,
                path: ident.into(),
            });
            out.push(SecretRef {
                name: cap.clone(),
                kind,
                expr,
                span: template.span(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    /// The former implementation of `has_auth_context` (print the file to tokens, search their
    /// text), kept as the oracle for the faster one.
    fn auth_context_by_tokens(file: &syn::File) -> bool {
        fn walk(ts: proc_macro2::TokenStream, out: &mut String) {
            let trees: Vec<proc_macro2::TokenTree> = ts.into_iter().collect();
            let mut i = 0;
            while i < trees.len() {
                match &trees[i] {
                    proc_macro2::TokenTree::Punct(p) if p.as_char() == '#' => {
                        let mut j = i + 1;
                        if matches!(trees.get(j), Some(proc_macro2::TokenTree::Punct(b)) if b.as_char() == '!')
                        {
                            j += 1;
                        }
                        if let Some(proc_macro2::TokenTree::Group(g)) = trees.get(j)
                            && matches!(g.stream().into_iter().next(),
                                Some(proc_macro2::TokenTree::Ident(id)) if id == "doc")
                        {
                            i = j + 1;
                            continue;
                        }
                    }
                    proc_macro2::TokenTree::Group(g) => walk(g.stream(), out),
                    proc_macro2::TokenTree::Ident(id) => {
                        out.push_str(&id.to_string());
                        out.push(' ');
                    }
                    proc_macro2::TokenTree::Literal(l) => {
                        out.push_str(&l.to_string());
                        out.push(' ');
                    }
                    proc_macro2::TokenTree::Punct(_) => {}
                }
                i += 1;
            }
        }
        let mut code = String::new();
        walk(quote::ToTokens::to_token_stream(file), &mut code);
        AUTH_CONTEXT.iter().any(|w| code.contains(w))
    }

    #[test]
    fn auth_context_matches_the_token_oracle() {
        let cases = [
            "fn f() { let password = 1; }",
            "/// password\nfn f() {}",
            "#[doc = \"secret\"] fn f() {}",
            "#[doc(alias = \"jwt\")] fn f() {}",
            "#[cfg_attr(x, doc = \"jwt\")] fn f() {}",
            "#[serde(rename = \"api_key\")] struct S { a: u8 }",
            "fn f() { m!(#[doc = \"Bearer\"] x); }",
            "fn f() { m!(#![doc = \"Bearer\"] y Bearer); }",
            "fn f() { let s = \"Authorization\"; }",
            "fn f() { let s = b\"login\"; let r = r#\"apikey\"#; }",
            "fn f<'jwt>(x: &'jwt u8) {}",
            "fn f() { let r#secret = 1; }",
            "// password\n/* secret */ fn f() { let token = 1; }",
            "macro_rules! m { () => { credential } }",
            "fn f() { let x = true; }",
        ];
        for case in cases {
            let file = syn::parse_file(case).expect(case);
            assert_eq!(
                has_auth_context(&file),
                auth_context_by_tokens(&file),
                "{case}"
            );
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut stack = vec![root.join("lints/src"), root.join("tests/fixtures")];
        let mut n = 0;
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "rs")
                    && let Ok(text) = std::fs::read_to_string(&p)
                    && let Ok(file) = syn::parse_file(&text)
                {
                    assert_eq!(
                        has_auth_context(&file),
                        auth_context_by_tokens(&file),
                        "{}",
                        p.display()
                    );
                    n += 1;
                }
            }
        }
        assert!(n > 50, "only {n} files compared");
    }

    use super::*;

    fn secret(name: &str) -> bool {
        matches!(classify(name), NameClass::Secret(_))
    }

    #[test]
    fn splits_snake_and_camel_case() {
        assert_eq!(split_words("api_key"), ["api", "key"]);
        assert_eq!(split_words("apiKey"), ["api", "key"]);
        assert_eq!(split_words("APIKey"), ["api", "key"]);
        assert_eq!(split_words("HMAC_SECRET"), ["hmac", "secret"]);
        assert_eq!(split_words("TokenKind"), ["token", "kind"]);
        assert_eq!(split_words("sha256Digest"), ["sha256", "digest"]);
    }

    #[test]
    fn secrets_by_head_word() {
        for name in [
            "token",
            "access_token",
            "refresh_token",
            "input_token",
            "output_password",
            "input_refresh_tokens",
            "generated_invite_tokens",
            "cached_tokens",
            "bearer_token_str",
            "client_secret",
            "password",
            "db_passwd",
            "api_key",
            "apikey",
            "apiKey",
            "x_api_key",
            "private_key_pem",
            "signing_key",
            "credentials",
            "ADMIN_TOKEN",
            "webhook_secret",
            "expected_signature",
            "computed_hmac",
            "jwt",
            "application_password",
            "service_credentials",
        ] {
            assert!(secret(name), "{name} should be a secret");
        }
    }

    #[test]
    fn names_about_secrets_are_not_secrets() {
        for name in [
            "token_count",
            "tokens_used",
            "max_tokens",
            "prompt_tokens",
            "completion_tokens",
            "output_tokens",
            "password_policy",
            "TokenKind",
            "token_type",
            "signature_algorithm",
            "has_token",
            "is_secret",
            "next_token",
            "cancel_token",
            "cancellation_token",
            "token_id",
            "password_hash",
            "secret_name",
            "api_key_header",
            "redacted_password",
            "verify_signature",
            "publish_token",
            "resume_token",
            "context_token",
            "continuation_token",
            "next_page_token",
            "TOKEN_WAKEUP",
            "colon2_token",
            "semi_token",
            "as_token",
            "key",
            "monkey",
            "tokenizer",
            "secretary",
            "GOOGLE_APPLICATION_CREDENTIALS",
            "google_application_credentials",
            "time_to_first_token",
            "cost_per_token",
            "path_to_private_key",
            "user_from_token",
            "mech_token",
            "wrap_token",
        ] {
            assert!(!secret(name), "{name} should not be a secret");
        }
    }

    #[test]
    fn access_keys_and_label_constants() {
        assert!(names_access_key("access_key") && names_access_key("target_access_key"));
        assert!(names_access_key("AccessKey") && !names_access_key("secret_access_key"));
        assert!(!names_access_key("api_key") && !names_access_key("access_token"));
        assert!(
            names_secret_key_of_pair("secret_key") && names_secret_key_of_pair("secretAccessKey")
        );
        assert!(!names_secret_key_of_pair("secret_api_key") && !names_secret_key_of_pair("secret"));
        assert!(labels_itself("LOG_SUBSYSTEM_CREDENTIALS", "credentials"));
        assert!(labels_itself("HEADER_API_KEY", "x-api-key"));
        assert!(!labels_itself("ADMIN_PASSWORD", "admin"));
        assert!(!labels_itself("SANDBOX_API_KEY", "sk_test_4eC39HqLyjW"));
        assert!(!labels_itself("API_KEY", ""));
    }

    #[test]
    fn mac_words_are_their_own_kind() {
        assert_eq!(classify("signature"), NameClass::Secret(SecretKind::Mac));
        assert_eq!(classify("hmac_hex"), NameClass::Secret(SecretKind::Mac));
        assert_eq!(
            classify("api_token"),
            NameClass::Secret(SecretKind::Credential)
        );
    }

    #[test]
    fn values_ignore_camel_case_names() {
        assert_eq!(classify_value("Token"), NameClass::Unrelated);
        assert_eq!(
            classify_value("API_KEY"),
            NameClass::Secret(SecretKind::Credential)
        );
        assert_eq!(classify_value("TOKEN"), NameClass::AboutSecret);
        assert_eq!(classify_value("IMAGE_NT_SIGNATURE"), NameClass::AboutSecret);
        assert!(is_ambiguous_bare("token") && !is_ambiguous_bare("access_token"));
    }

    fn refs(src: &str) -> Vec<String> {
        let e: syn::Expr = syn::parse_str(src).expect("expr");
        let mut out = Vec::new();
        secret_refs(&e, &mut out);
        out.into_iter().map(|r| r.name).collect()
    }

    #[test]
    fn secret_refs_see_through_views_and_formats() {
        assert_eq!(refs("&token[..8]"), ["token"]);
        assert_eq!(refs("cfg.api_key.as_str()"), ["api_key"]);
        assert_eq!(refs("token.get(..4)"), ["token"]);
        assert_eq!(refs("format!(\"Bearer {token}\")"), ["token"]);
        assert_eq!(
            refs("format!(\"{}:{}\", user, creds.password)"),
            ["password"]
        );
        assert_eq!(refs("hex::encode(&secret)"), ["secret"]);
        assert_eq!(refs("expected_signature()"), ["expected_signature"]);
        assert!(refs("token.len()").is_empty());
        assert!(refs("token.is_empty()").is_empty());
        assert!(refs("redact(&token)").is_empty());
        assert!(refs("TokenKind::Ident").is_empty());
        assert!(refs("auth::token").is_empty());
    }

    #[test]
    fn carrier_types() {
        let s = Ty::path("std::string::String");
        assert_eq!(carrier_type(&s), Some(true));
        assert_eq!(carrier_type(&Ty::path("usize")), Some(false));
        assert_eq!(carrier_type(&Ty::path("mio::Token")), Some(false));
        assert_eq!(
            carrier_type(&Ty::path("tokio_util::sync::CancellationToken")),
            Some(false)
        );
        assert_eq!(carrier_type(&Ty::path("oauth2::AccessToken")), Some(true));
        assert_eq!(carrier_type(&Ty::Unknown), None);
    }

    #[test]
    fn token_named_values_and_types() {
        for name in [
            "token",
            "back_token",
            "frontendToken",
            "reuse_token",
            "tokens",
        ] {
            assert!(token_named(name), "{name}");
        }
        for name in ["password", "api_key", "client_secret", "signature"] {
            assert!(!token_named(name), "{name}");
        }
        // Where `Token` is mio's, a `ListenToken` is a slot; text and secrecy still carry.
        assert!(!is_known_carrier_not_token_named(&Ty::path(
            "crate::ListenToken"
        )));
        assert!(is_known_carrier_not_token_named(&Ty::path(
            "std::string::String"
        )));
        assert!(is_known_carrier_not_token_named(&Ty::path("crate::ApiKey")));
        assert!(!is_known_carrier_not_token_named(&Ty::path("usize")));
    }
}
