//! # broad_lint_allow
//!
//! ## What it does
//! Flags `#[allow(..)]` / `#![allow(..)]` naming one of clippy's await-holding lints —
//! `clippy::await_holding_lock`, `clippy::await_holding_refcell_ref`,
//! `clippy::await_holding_invalid_type`, `clippy::let_underscore_future` — on a whole fn, impl,
//! trait, module (inline, or `mod x;` for the module's files) or crate (`#![allow]` at the top of
//! a file covers that module file and its submodules; in `lib.rs`/`main.rs`, the crate). An allow
//! behind `#[cfg_attr(PRED, allow(..))]` is still a broad allow in every build where `PRED`
//! holds, whatever `PRED` is (`feature = "x"`, `not(debug_assertions)`, `clippy`, `test`,
//! `any(..)`, and `cfg_attr` nested in `cfg_attr`, whose predicates all must hold): it is
//! reported like a plain allow, and the message names the predicate. In `Cargo.toml`, `"allow"` (or
//! `{ level = "allow", .. }`) for these lints under `[lints.clippy]` or
//! `[workspace.lints.clippy]` is reported at its line.
//!
//! The message says which case it is, using racewise's guard-liveness analysis:
//! - the scope **really holds** a std/parking_lot guard (for `await_holding_lock`) or a `RefCell`
//!   borrow (for `await_holding_refcell_ref`) across an `.await`: the allow is doing work, but it
//!   is much wider than the one statement that needs it;
//! - the scope holds **none**: the allow hides nothing today and would hide the next bug.
//!
//! `await_holding_invalid_type` depends on `clippy.toml` and `let_underscore_future` is not about
//! guards, so for those (and for manifest-level allows, which cover code racewise may not see)
//! the message only says the allow is crate/scope-wide. `#[expect(..)]` is not flagged: it warns
//! once nothing needs it any more, and on one statement it is the recommended fix. Group allows
//! (`clippy::all`, `clippy::suspicious`) are not flagged either: they are what generated code
//! carries, and they are not a decision about these lints. Test code is not checked (tests hold
//! locks across awaits on purpose, e.g. to serialize access to a shared fixture).
//!
//! ## Why is this bad
//! `await_holding_lock` and its siblings catch guards alive at an `.await` — deadlocks and
//! stalled runtime workers. Someone silenced one instance by putting the allow on the function,
//! impl or crate; from then on every new instance in that scope is silenced too, including the one
//! that deadlocks production. A scope-wide allow with no instance left is pure risk.
//!
//! ## Example
//! ```rust,ignore
//! #[allow(clippy::await_holding_lock)]
//! impl SessionStore {
//!     async fn refresh(&self, id: SessionId) { /* ... */ }
//!     async fn evict(&self) { /* ... */ }
//! }
//! ```
//! ```toml
//! [lints.clippy]
//! await_holding_lock = "allow"
//! ```
//!
//! ## Use instead
//! ```rust,ignore
//! impl SessionStore {
//!     #[expect(clippy::await_holding_lock, reason = "single-threaded runtime; guard is released before yielding to the caller")]
//!     async fn refresh(&self, id: SessionId) {
//!         let guard = self.sessions.lock().unwrap();
//!         // ...
//!     }
//!     async fn evict(&self) { /* ... */ }
//! }
//! ```
//! or, better, drop the guard before the await (or use `tokio::sync::Mutex`), and delete the
//! allow. clippy reads these lints' level at the async body (the async fn, or a statement
//! around an `async` block), so an allow or expect on the guard's own `let` does nothing; the
//! fn that holds the guard is the narrowest place, and `expect` there warns once the guard is
//! gone. `lock_across_await` does not report a guard under such an allow or expect either.
//!
//! `racewise check --fix` deletes an `await_holding_lock` / `await_holding_refcell_ref` allow that
//! hides nothing (safe fix): the attribute (with its line), or just the lint and a comma when the
//! `allow(..)` names other lints too. An allow that covers a real guard is not touched (it needs
//! narrowing, by hand), nor one behind `cfg_attr`, nor the manifest-level ones.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use syn::Token;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;

use crate::finding::{Finding, Fix, Region, Related, Safety, Severity, TextEdit};
use crate::lint::{CrateFinding, Hooks, Lint, RuleMeta};
use crate::semantic::syntax::mentions_ident;
use crate::semantic::{AllowFact, CrateCx, Cx, ItemView, LockKind};

pub static META: RuleMeta = RuleMeta {
    name: "broad_lint_allow",
    default_severity: Severity::Medium,
    summary: "#[allow(clippy::await_holding_lock)]-style allow on a whole fn/impl/module/crate",
    source: include_str!("broad_lint_allow.rs"),
};

/// The lints this rule watches (without the `clippy::` prefix).
const LINTS: &[&str] = &[
    "await_holding_lock",
    "await_holding_refcell_ref",
    "await_holding_invalid_type",
    "let_underscore_future",
];

/// Item kinds an allow can cover code in (an allow on a struct or const covers no awaits).
const SCOPES: &[&str] = &["fn", "impl", "trait", "mod"];

#[derive(Default)]
pub struct BroadLintAllow;

/// A watched lint named in an `allow(..)`: its short name, the span of its path, and the
/// `cfg_attr` predicates it sits behind.
struct Named {
    lint: &'static str,
    span: proc_macro2::Span,
    cond: Option<String>,
    /// The byte range deleting it removes (see [`AllowFact::removal`]): `(start, end, whole
    /// attribute)`.
    removal: Option<(usize, usize, bool)>,
}

fn metas(tokens: TokenStream) -> Vec<syn::Meta> {
    Punctuated::<syn::Meta, Token![,]>::parse_terminated
        .parse2(tokens)
        .map(|p| p.into_iter().collect())
        .unwrap_or_default()
}

/// The watched lints an attribute allows, looking through nested `cfg_attr`s; `cond` holds the
/// predicates of the enclosing ones.
fn allowed_lints(
    meta: &syn::Meta,
    attr: Option<&syn::Attribute>,
    cond: &[String],
    out: &mut Vec<Named>,
) {
    let syn::Meta::List(list) = meta else { return };
    if !list.path.is_ident("allow") && !list.path.is_ident("cfg_attr") {
        return;
    }
    // Every watched lint is `clippy::..`: most `allow`s and `cfg_attr`s (`doc(cfg(..))`) name
    // none, and a token scan is far cheaper than parsing their arguments.
    if !mentions_ident(list.tokens.clone(), "clippy") {
        return;
    }
    if list.path.is_ident("allow") {
        let all = metas(list.tokens.clone());
        let bytes = |sp: proc_macro2::Span| {
            let r = sp.byte_range();
            (r.start, r.end)
        };
        for (i, m) in all.iter().enumerate() {
            let syn::Meta::Path(p) = m else { continue };
            // Only a plain `#[allow(..)]`: its own attribute, no `cfg_attr` around it.
            let removal = match attr {
                Some(a) if cond.is_empty() && all.len() == 1 => {
                    let (s, e) = bytes(a.span());
                    Some((s, e, true))
                }
                Some(_) if cond.is_empty() => {
                    let (s, e) = bytes(m.span());
                    match (all.get(i + 1), i.checked_sub(1).and_then(|j| all.get(j))) {
                        (Some(next), _) => Some((s, bytes(next.span()).0, false)),
                        (None, Some(prev)) => Some((bytes(prev.span()).1, e, false)),
                        (None, None) => None,
                    }
                }
                _ => None,
            };
            let segs: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
            if let [tool, name] = segs.as_slice()
                && tool == "clippy"
                && let Some(lint) = LINTS.iter().find(|l| *l == name)
            {
                out.push(Named {
                    lint,
                    span: p.span(),
                    cond: (!cond.is_empty()).then(|| cond.join(" and ")),
                    removal,
                });
            }
        }
    } else if list.path.is_ident("cfg_attr") {
        // `cfg_attr(<predicate>, attr, attr..)`. The predicate is kept as written, not parsed as
        // a `Meta`: `cfg_attr(true, ..)` or a future predicate form must not hide the allow.
        let mut chunks = split_commas(list.tokens.clone()).into_iter();
        let Some(pred) = chunks.next() else { return };
        let mut inner = cond.to_vec();
        inner.push(pred.to_string());
        for chunk in chunks {
            if let Ok(m) = syn::parse2::<syn::Meta>(chunk) {
                allowed_lints(&m, None, &inner, out);
            }
        }
    }
}

/// The top-level comma-separated parts of an attribute's arguments.
fn split_commas(tokens: TokenStream) -> Vec<TokenStream> {
    let mut out = vec![TokenStream::new()];
    for tt in tokens {
        match &tt {
            proc_macro2::TokenTree::Punct(p) if p.as_char() == ',' => out.push(TokenStream::new()),
            _ => {
                if let Some(last) = out.last_mut() {
                    last.extend(std::iter::once(tt));
                }
            }
        }
    }
    out.retain(|t| !t.is_empty());
    out
}

fn is_test_attr(attr: &syn::Attribute) -> bool {
    let path = attr.path();
    if path.segments.last().is_some_and(|s| s.ident == "test") {
        return true;
    }
    if path.is_ident("cfg") {
        let text = quote::ToTokens::to_token_stream(&attr.meta).to_string();
        return text.contains("test") && !text.contains("not");
    }
    false
}

/// The watched lints `attrs` allow.
fn named_allows<'a>(attrs: impl IntoIterator<Item = &'a syn::Attribute>) -> Vec<Named> {
    let mut named = Vec::new();
    for attr in attrs {
        allowed_lints(&attr.meta, Some(attr), &[], &mut named);
    }
    named
}

fn record(cx: &Cx, named: Vec<Named>, kind: &'static str, name: &str, scope: Region) {
    let text = cx.source().text;
    for n in named {
        let region = cx.region(n.span);
        let removal = n.removal.and_then(|(start, end, whole)| {
            let (start, end) = if whole {
                whole_line(text, start, end)
            } else {
                (start, end)
            };
            let (line, column) = line_col(text, start);
            let (end_line, end_column) = line_col(text, end);
            (start < end && end <= text.len()).then_some(Region {
                line,
                column,
                end_line,
                end_column,
                start_byte: start as u32,
                end_byte: end as u32,
            })
        });
        cx.record_allow(AllowFact {
            removal,
            lint: n.lint.to_string(),
            level: "allow".into(),
            region,
            scope,
            item_kind: kind,
            item_name: name.to_string(),
            snippet: cx.source().snippet(&region),
            cond: n.cond,
        });
    }
}

/// `start..end` widened to its whole line(s), newline included, when nothing but whitespace
/// shares them (an attribute on its own line).
fn whole_line(text: &str, start: usize, end: usize) -> (usize, usize) {
    let (Some(before), Some(after)) = (text.get(..start), text.get(end..)) else {
        return (start, end);
    };
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let rest = after.find('\n').map_or(after.len(), |i| i + 1);
    if before[line_start..].trim().is_empty() && after[..rest].trim().is_empty() {
        (line_start, end + rest)
    } else {
        (start, end)
    }
}

/// Module files: the directory a module file's children live in (`src/` for `src/lib.rs`,
/// `src/net/` for `src/net.rs` or `src/net/mod.rs`).
fn child_dir(path: &str) -> String {
    let (dir, file) = path.rsplit_once('/').unwrap_or(("", path));
    let prefix = if dir.is_empty() {
        String::new()
    } else {
        format!("{dir}/")
    };
    match file {
        "lib.rs" | "main.rs" | "mod.rs" => prefix,
        other => format!("{prefix}{}/", other.trim_end_matches(".rs")),
    }
}

fn is_crate_root(path: &str) -> bool {
    path == "lib.rs"
        || path == "main.rs"
        || path.ends_with("src/lib.rs")
        || path.ends_with("src/main.rs")
}

/// Files of the crate covered by a module whose file is `file`: itself and its submodules.
fn subtree(cx: &CrateCx, file: usize) -> Vec<usize> {
    let Some(path) = cx.path(file) else {
        return vec![file];
    };
    let dir = child_dir(path);
    let mut out = vec![file];
    for (i, p) in cx.paths.iter().enumerate() {
        if i != file && p.starts_with(&dir) {
            out.push(i);
        }
    }
    out
}

/// The files of `mod name;` declared in file `file`.
fn module_files(cx: &CrateCx, file: usize, name: &str) -> Vec<usize> {
    let Some(path) = cx.path(file) else {
        return Vec::new();
    };
    let dir = child_dir(path);
    let candidates = [format!("{dir}{name}.rs"), format!("{dir}{name}/mod.rs")];
    let mut out = Vec::new();
    for (i, p) in cx.paths.iter().enumerate() {
        if candidates.iter().any(|c| c == p) {
            out.extend(subtree(cx, i));
        }
    }
    out
}

/// Which guards a lint is about.
fn lint_covers(lint: &str, kind: LockKind) -> Option<bool> {
    match lint {
        "await_holding_lock" => Some(kind.is_thread_lock()),
        "await_holding_refcell_ref" => Some(kind == LockKind::RefCell),
        _ => None,
    }
}

/// A guard held across an await inside the allow's scope: (file, lock kind, await region).
fn held_in_scope(
    cx: &CrateCx,
    file: usize,
    allow: &AllowFact,
) -> Option<(usize, LockKind, Region)> {
    let (files, whole_files) = match allow.item_kind {
        "file" => (subtree(cx, file), true),
        "mod file" => (module_files(cx, file, &allow.item_name), true),
        _ => (vec![file], false),
    };
    for f in files {
        for (guard, point) in cx.first_awaits_held_across(f) {
            if !whole_files && !allow.scope.contains(&point.region) {
                continue;
            }
            let Some(kind) = cx.acquisition(f, guard).and_then(|a| cx.lock_kind(a)) else {
                continue;
            };
            if lint_covers(&allow.lint, kind) == Some(true) {
                return Some((f, kind, point.region));
            }
        }
    }
    None
}

fn scope_label(cx: &CrateCx, file: usize, allow: &AllowFact) -> String {
    match allow.item_kind {
        "file" if cx.path(file).is_some_and(is_crate_root) => "the whole crate".into(),
        "file" => "this whole module file".into(),
        "mod file" => format!("the whole module `{}`", allow.item_name),
        kind => format!("{kind} `{}`", allow.item_name),
    }
}

fn crate_finding(cx: &CrateCx, file: usize, allow: &AllowFact) -> Finding {
    let attr = match &allow.cond {
        Some(cond) => format!("`allow(clippy::{})` (in builds where `{cond}`)", allow.lint),
        None => format!("`allow(clippy::{})`", allow.lint),
    };
    let scope = scope_label(cx, file, allow);
    let mut related = Vec::new();
    let mut fix = None;
    let (message, help) = match lint_covers(&allow.lint, LockKind::StdMutex) {
        None => (
            format!(
                "{attr} on {scope} silences the lint for all of it: every future instance there is hidden too"
            ),
            format!(
                "remove it, and allow the lint only on the statement that needs it: `#[expect(clippy::{}, reason = \"..\")]`",
                allow.lint
            ),
        ),
        Some(_) => match held_in_scope(cx, file, allow) {
            Some((f, kind, at)) => {
                related.push(Related {
                    file: if f == file {
                        None
                    } else {
                        cx.path(f).map(str::to_string)
                    },
                    region: at,
                    message: format!("{} guard alive at this await", kind.describe()),
                });
                (
                    format!(
                        "{attr} on {scope} covers a real {} guard held across an await (line {}), and also hides every future one there",
                        kind.describe(),
                        at.line
                    ),
                    format!(
                        "narrow it to the async fn that holds the guard, as `#[expect(clippy::{}, reason = \"..\")]` (it warns once the guard is gone; clippy ignores it on the guard's own `let`) — or drop the guard before the await and remove the allow",
                        allow.lint
                    ),
                )
            }
            None => {
                fix = allow.removal.map(|region| Fix {
                    safety: Safety::Safe,
                    description: format!("remove the unneeded allow(clippy::{})", allow.lint),
                    edits: vec![TextEdit {
                        region,
                        text: String::new(),
                    }],
                });
                (
                    format!(
                        "{attr} on {scope} hides nothing today (no guard is held across an await there) and would hide the next such bug"
                    ),
                    "remove the allow".to_string(),
                )
            }
        },
    };
    Finding {
        fix,
        rule: META.name,
        severity: META.default_severity,
        region: allow.region,
        message,
        help,
        function: (!allow.item_name.is_empty()).then(|| allow.item_name.clone()),
        snippet: allow.snippet.clone(),
        related,
        in_test: false,
    }
}

/// Byte offset → 1-based (line, column in chars).
fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() as u32 + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32 + 1;
    (line, col)
}

fn is_allow_level(v: &toml::de::DeValue) -> bool {
    match v {
        toml::de::DeValue::String(s) => s == "allow",
        toml::de::DeValue::Table(t) => t.iter().any(|(k, v)| {
            k.get_ref() == "level"
                && matches!(v.get_ref(), toml::de::DeValue::String(s) if s == "allow")
        }),
        _ => false,
    }
}

fn table<'a, 'i>(t: &'a toml::de::DeTable<'i>, key: &str) -> Option<&'a toml::de::DeTable<'i>> {
    t.iter().find_map(|(k, v)| match v.get_ref() {
        toml::de::DeValue::Table(inner) if k.get_ref() == key => Some(inner),
        _ => None,
    })
}

impl Lint for BroadLintAllow {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn hooks(&self) -> Hooks {
        Hooks::FILE | Hooks::ITEM
    }

    fn check_file(&mut self, cx: &Cx, file: &syn::File) {
        if cx.in_test() {
            return;
        }
        let inner: Vec<&syn::Attribute> = file
            .attrs
            .iter()
            .filter(|a| matches!(a.style, syn::AttrStyle::Inner(_)))
            .collect();
        let named = named_allows(inner.iter().copied());
        if named.is_empty() || inner.iter().any(|a| is_test_attr(a)) {
            return;
        }
        let lines = cx.source().text.lines().count().max(1) as u32;
        let scope = Region {
            line: 1,
            column: 1,
            end_line: lines,
            end_column: u32::MAX,
            start_byte: 0,
            end_byte: cx.source().text.len() as u32,
        };
        record(cx, named, "file", "", scope);
    }

    fn check_item(&mut self, cx: &Cx, item: &ItemView) {
        if cx.in_test() || !SCOPES.contains(&item.kind) {
            return;
        }
        let named = named_allows(item.attrs);
        if named.is_empty() || item.attrs.iter().any(is_test_attr) {
            return;
        }
        // `#[allow(..)] mod net;` covers the module's own file(s), not the declaration.
        let region = item.region();
        let out_of_line = item.kind == "mod"
            && (region.end_byte as usize)
                .checked_sub(1)
                .and_then(|i| cx.source().text.as_bytes().get(i))
                == Some(&b';');
        let kind = if out_of_line { "mod file" } else { item.kind };
        record(cx, named, kind, &item.name, region);
    }

    fn check_crate(&self, cx: &CrateCx, out: &mut Vec<CrateFinding>) {
        for (file, facts) in cx.files.iter().enumerate() {
            for allow in &facts.allows {
                if !LINTS.contains(&allow.lint.as_str()) {
                    continue;
                }
                out.push(CrateFinding {
                    file,
                    finding: crate_finding(cx, file, allow),
                });
            }
        }
    }

    fn check_manifest(&self, text: &str) -> Vec<Finding> {
        let Ok(doc) = toml::de::DeTable::parse(text) else {
            return Vec::new();
        };
        let root = doc.get_ref();
        let mut found = Vec::new();
        let sections = [
            (table(root, "lints"), "[lints.clippy]", "crate-wide"),
            (
                table(root, "workspace").and_then(|w| table(w, "lints")),
                "[workspace.lints.clippy]",
                "workspace-wide (every member with `[lints] workspace = true`)",
            ),
        ];
        let mut seen = BTreeSet::new();
        for (lints, section, reach) in sections {
            let Some(clippy) = lints.and_then(|l| table(l, "clippy")) else {
                continue;
            };
            for (k, v) in clippy.iter() {
                let name = k.get_ref().as_ref();
                if !LINTS.contains(&name) || !is_allow_level(v.get_ref()) {
                    continue;
                }
                let span = k.span();
                if !seen.insert(span.start) {
                    continue;
                }
                let (line, column) = line_col(text, span.start);
                let (end_line, end_column) = line_col(text, span.end);
                let region = Region {
                    line,
                    column,
                    end_line,
                    end_column,
                    start_byte: span.start as u32,
                    end_byte: span.end as u32,
                };
                let snippet = text
                    .lines()
                    .nth(line as usize - 1)
                    .unwrap_or("")
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ");
                found.push(Finding {
                    fix: None,
                    rule: META.name,
                    severity: META.default_severity,
                    region,
                    message: format!(
                        "`{name}` is set to \"allow\" in {section}: clippy::{name} is allowed {reach}, which hides every future instance (and racewise cannot check code it does not see)"
                    ),
                    help: format!(
                        "remove it and allow the lint only where needed: `#[expect(clippy::{name}, reason = \"..\")]` on the statement"
                    ),
                    function: None,
                    snippet,
                    related: Vec::new(),
                    in_test: false,
                });
            }
        }
        found
    }
}
