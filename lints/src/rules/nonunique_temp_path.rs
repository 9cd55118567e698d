//! # nonunique_temp_path
//!
//! ## What it does
//! Flags a temporary-file path whose only uniqueness comes from `std::process::id()`:
//!
//! - a path built with `process::id()` whose file name marks it as temporary — a format string
//!   or literal whose last component ends in (or contains) `.tmp`, `.temp` or `.part`, or starts
//!   with `tmp`/`temp` (`format!("{}.{}.tmp", name, process::id())`,
//!   `path.with_extension(format!("tmp.{}", process::id()))`, `dir.join(format!("tmp-{pid}"))`);
//! - a path built with `process::id()` in the system temp directory — a literal under `/tmp/`,
//!   `/var/tmp/` or `/dev/shm/`, `env::temp_dir()`, `$TMPDIR` — whatever its name
//!   (`format!("/tmp/export-{pid}")`, `temp_dir().join(format!("bench-{}", process::id()))`),
//!   unless the name is a per-process artifact by design: a socket, pid, lock or log file
//!   (`/tmp/app-{pid}.sock`, `.pid`, `.lock`, `.log`). Not in test code: there the pid is how
//!   parallel test binaries are kept apart, and each test names its own file
//!   (`temp_dir().join(format!("restore-test-{}", process::id()))`);
//! - a path built with `process::id()` that the same function writes (`fs::write`,
//!   `File::create`, `OpenOptions::..open`, `fs::copy`) and renames (`fs::rename`) — the
//!   write-then-rename "atomic write" idiom, whatever the name looks like.
//!
//! The pid is followed wherever it flows into the path within one function: through `let`
//! bindings (`let pid = process::id();`, `let tmp = dir.join(&name);`), inline format captures
//! (`"{pid}"`) and positional arguments, `Path`/`PathBuf` builders (`join`, `with_file_name`,
//! `with_extension`, and `push`/`set_file_name`/`set_extension`/`push_str` on a binding),
//! `display()`, `to_string()`; a helper fn that returns such a path is reported in the helper. Not reported when another per-write unique part
//! takes part in building the path: a UUID, a counter (`fetch_add`, names with `counter`/`seq`/
//! `nonce`/`unique`), a timestamp (`SystemTime::now`, `Instant::now`, `Utc::now`, `as_nanos`),
//! the thread id (`thread::current().id()`) or the task id (`tokio::task::id()`), randomness
//! (`rand`, `fastrand`, `nanoid`) or the `tempfile` crate. `process::id()` is resolved through
//! `use`, so a crate's own `id()` is not it. Reported at the `process::id` call.
//!
//! ## Why is this bad
//! The process id is the same for every task and thread of the process. Two concurrent writers
//! of the same file — two requests saving the same config, two tasks flushing the same cache
//! shard — compute the same temp path: one truncates the other's half-written file, or renames
//! it into place while it is still being written, and the "atomic" write publishes a torn or
//! mixed file. It also collides across a fork, and after pid reuse with a crashed process's
//! leftover.
//!
//! ## Example
//! ```rust,ignore
//! pub fn save_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
//!     let tmp = path.with_extension(format!("tmp.{}", std::process::id()));
//!     fs::write(&tmp, bytes)?;
//!     fs::rename(&tmp, path)
//! }
//! ```
//!
//! ## Use instead
//! ```rust,ignore
//! pub fn save_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
//!     let dir = path.parent().unwrap_or(Path::new("."));
//!     let mut tmp = tempfile::NamedTempFile::new_in(dir)?; // unique name, O_EXCL
//!     tmp.write_all(bytes)?;
//!     tmp.persist(path)?;
//!     Ok(())
//! }
//! ```
//! (or add a per-write part: `format!("{}.{}.{}.tmp", name, process::id(), COUNTER.fetch_add(1, Relaxed))`).

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::visit::Visit;

use crate::finding::{Region, Severity};
use crate::lint::{Hooks, Lint, RuleMeta};
use crate::semantic::macros::inline_captures;
use crate::semantic::secret_names::split_words;
use crate::semantic::syntax::pat_names;
use crate::semantic::{Cx, FnView};

pub static META: RuleMeta = RuleMeta {
    name: "nonunique_temp_path",
    default_severity: Severity::Medium,
    summary: "temp-file path made unique only by std::process::id()",
    source: include_str!("nonunique_temp_path.rs"),
};

#[derive(Default)]
pub struct NonuniqueTempPath {
    /// The file can name `std::process::id` at all (see `Cx::file_mentions`); most files
    /// cannot, and scanning every fn's tokens for it was 8% of a run.
    may_call_pid: bool,
    /// A `use` in the file renames something under `process` (`use std::process::id as pid`),
    /// so a call to it need not spell `id`.
    renames: bool,
}

/// Whether `text` calls a free fn or path named `id` (`process::id()`, `id ()`): not a method
/// (`task.id()`) and not a longer name (`user_id(..)`). Most bodies spell `id` somewhere; the
/// scan of a body cost more than all the rest of the rule.
fn calls_a_fn_named_id(text: &str) -> bool {
    let b = text.as_bytes();
    memchr::memmem::find_iter(b, b"id").any(|at| {
        let before = at.checked_sub(1).map(|i| b[i]);
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'.') {
            return false;
        }
        let rest = &b[at + 2..];
        let gap = rest.iter().take_while(|c| c.is_ascii_whitespace()).count();
        rest.get(gap) == Some(&b'(')
    })
}

/// Whether a `use` tree renames `process` or anything below it.
fn renames_process(tree: &syn::UseTree, below: bool) -> bool {
    match tree {
        syn::UseTree::Path(p) => renames_process(&p.tree, below || p.ident == "process"),
        syn::UseTree::Rename(r) => below || r.ident == "process",
        syn::UseTree::Group(g) => g.items.iter().any(|t| renames_process(t, below)),
        syn::UseTree::Name(_) | syn::UseTree::Glob(_) => false,
    }
}

/// Every `use` of the file, inline modules included (fn bodies aside: rare, and a miss only).
fn file_renames_process(items: &[syn::Item]) -> bool {
    items.iter().any(|item| match item {
        syn::Item::Use(u) => renames_process(&u.tree, false),
        syn::Item::Mod(m) => m
            .content
            .as_ref()
            .is_some_and(|(_, items)| file_renames_process(items)),
        _ => false,
    })
}

/// Identifiers that make a path unique per write (or show the `tempfile` crate doing it).
const UNIQUE_IDENTS: &[&str] = &[
    "Uuid",
    "new_v4",
    "new_v7",
    "fetch_add",
    "fetch_update",
    "SystemTime",
    "Instant",
    "now",
    "as_nanos",
    "subsec_nanos",
    "as_micros",
    "thread_rng",
    "random",
    "fastrand",
    "nanoid",
    "tempfile",
    "NamedTempFile",
    "TempDir",
    "tempdir",
    "ThreadId",
];

/// Words (of snake/camel-case identifiers) that name a per-write unique part.
const UNIQUE_WORDS: &[&str] = &[
    "uuid", "nonce", "seq", "counter", "unique", "rand", "random", "nanos", "rng",
];

/// Calls that write a file at a path argument.
const WRITES: &[&str] = &["write", "create", "create_new", "open", "copy"];
/// Calls that rename a path argument into place.
const RENAMES: &[&str] = &["rename"];

/// What an expression contributes to a path.
#[derive(Debug, Default, Clone)]
struct Facts {
    /// `process::id()` calls it (transitively) contains.
    pid: Vec<Span>,
    unique: bool,
    temp: bool,
    /// Located in the system temp directory (`/tmp/..`, `env::temp_dir()`).
    in_temp_dir: bool,
    /// Named as a per-process artifact (`.sock`, `.pid`, `.lock`, `.log`).
    per_process: bool,
}

impl Facts {
    fn merge(&mut self, other: &Facts) {
        self.pid.extend(other.pid.iter().copied());
        self.unique |= other.unique;
        self.temp |= other.temp;
        self.in_temp_dir |= other.in_temp_dir;
        self.per_process |= other.per_process;
    }

    /// A temporary path: temp-named, or (outside tests) in the temp directory and not a
    /// per-process artifact.
    fn is_temp(&self, in_test: bool) -> bool {
        self.temp || (!in_test && self.in_temp_dir && !self.per_process)
    }
}

#[derive(Debug, Default)]
struct Binding {
    facts: Facts,
    written: bool,
    renamed: bool,
}

struct Scan<'c, 'w> {
    cx: &'c Cx<'w>,
    in_test: bool,
    bindings: Vec<Binding>,
    /// Name → index of its latest binding (in source order).
    by_name: BTreeMap<String, usize>,
    /// pid call sites to report, by position, with why.
    flagged: BTreeMap<(u32, u32), (Span, &'static str)>,
}

/// A string literal's file name marks a temporary file: `{}.tmp`, `x.tmp.{}`, `tmp-{}`, `tmp`.
fn is_temp_name(lit: &str) -> bool {
    let comp = lit.rsplit('/').next().unwrap_or(lit).to_ascii_lowercase();
    if comp.is_empty() {
        return false;
    }
    let boundary = |rest: &str| {
        rest.chars()
            .next()
            .is_none_or(|c| !c.is_ascii_alphanumeric())
    };
    for marker in [".tmp", ".temp", ".part"] {
        if comp
            .match_indices(marker)
            .any(|(i, _)| boundary(&comp[i + marker.len()..]))
        {
            return true;
        }
    }
    ["tmp", "temp", "part"]
        .iter()
        .any(|p| comp.strip_prefix(p).is_some_and(&boundary))
}

/// A literal naming a place in the system temp directory (or the variable that holds it).
fn is_temp_dir_lit(lit: &str) -> bool {
    ["/tmp/", "/var/tmp/", "/dev/shm/"]
        .iter()
        .any(|d| lit.starts_with(d))
        || lit == "TMPDIR"
}

/// A file name that is meant to be one per process: a socket, pid file, lock or log.
fn is_per_process_name(lit: &str) -> bool {
    let comp = lit.rsplit('/').next().unwrap_or(lit).to_ascii_lowercase();
    [".sock", ".socket", ".pid", ".lock", ".log"]
        .iter()
        .any(|ext| comp.ends_with(ext))
}

fn lit_str(l: &proc_macro2::Literal) -> Option<String> {
    crate::semantic::syntax::lit_str(l).map(|s| s.value())
}

impl<'c, 'w> Scan<'c, 'w> {
    /// Facts of an expression's tokens (macro arguments included), with those of the bindings
    /// it mentions.
    fn facts(&self, tokens: TokenStream) -> Facts {
        let mut f = Facts::default();
        let mut idents = Vec::new();
        self.scan(tokens, &mut f, &mut idents);
        let has = |w: &str| idents.iter().any(|i| i == w);
        // `thread::current().id()`, and its async twin, the running task's `task::id()`.
        if (has("thread") && has("current")) || (has("task") && has("id")) {
            f.unique = true;
        }
        for name in &idents {
            if UNIQUE_IDENTS.contains(&name.as_str())
                || split_words(name)
                    .iter()
                    .any(|w| UNIQUE_WORDS.contains(&w.as_str()))
            {
                f.unique = true;
            }
            if let Some(&b) = self.by_name.get(name) {
                f.merge(&self.bindings[b].facts);
            }
        }
        f
    }

    fn scan(&self, tokens: TokenStream, f: &mut Facts, idents: &mut Vec<String>) {
        let trees: Vec<TokenTree> = tokens.into_iter().collect();
        for (i, tt) in trees.iter().enumerate() {
            match tt {
                TokenTree::Group(g) => self.scan(g.stream(), f, idents),
                TokenTree::Ident(id) => {
                    if id == "temp_dir" {
                        f.in_temp_dir = true;
                    }
                    idents.push(id.to_string());
                    if id == "id"
                        && matches!(trees.get(i + 1), Some(TokenTree::Group(g))
                            if g.delimiter() == Delimiter::Parenthesis && g.stream().is_empty())
                        && let Some((path, span)) = path_ending_at(&trees, i)
                        && self.cx.resolve(&path) == "std::process::id"
                    {
                        f.pid.push(span);
                    }
                }
                TokenTree::Literal(l) => {
                    if let Some(s) = lit_str(l) {
                        f.temp |= is_temp_name(&s);
                        f.in_temp_dir |= is_temp_dir_lit(&s);
                        f.per_process |= is_per_process_name(&s);
                        idents.extend(inline_captures(&s));
                    }
                }
                TokenTree::Punct(_) => {}
            }
        }
    }

    fn flag(&mut self, facts: &Facts, why: &'static str) {
        if facts.unique {
            return;
        }
        for &span in &facts.pid {
            let r = Region::from_span(span);
            self.flagged
                .entry((r.line, r.column))
                .or_insert((span, why));
        }
    }

    fn bind(&mut self, pat: &syn::Pat, facts: Facts) {
        let mut names = Vec::new();
        pat_names(pat, &mut names);
        for name in names {
            self.bindings.push(Binding {
                facts: facts.clone(),
                ..Binding::default()
            });
            self.by_name.insert(name, self.bindings.len() - 1);
        }
    }

    /// Mark the bindings an argument mentions as written / renamed.
    fn mark(&mut self, arg: &syn::Expr, rename: bool) {
        let mut idents = Vec::new();
        let mut f = Facts::default();
        self.scan(arg.to_token_stream(), &mut f, &mut idents);
        for name in idents {
            if let Some(&b) = self.by_name.get(&name) {
                let b = &mut self.bindings[b];
                if rename {
                    b.renamed = true;
                } else {
                    b.written = true;
                }
            }
        }
    }

    /// A temp-named path built from the pid, not bound to a name: `fs::write(format!(..), ..)`,
    /// a helper's tail expression.
    fn check_value(&mut self, e: &syn::Expr) {
        if is_compound(e) {
            return;
        }
        let f = self.facts(e.to_token_stream());
        if f.is_temp(self.in_test) && !f.pid.is_empty() {
            self.flag(&f, "a temp file name");
        }
    }

    fn finish(&mut self) {
        let mut hits = Vec::new();
        for b in &self.bindings {
            if b.facts.pid.is_empty() {
                continue;
            }
            if b.facts.is_temp(self.in_test) {
                hits.push((b.facts.clone(), "a temp file name"));
            } else if b.written && b.renamed {
                hits.push((b.facts.clone(), "a path written then renamed"));
            }
        }
        for (f, why) in hits {
            self.flag(&f, why);
        }
    }
}

/// The path (`std::process::id`, `process::id`, `id`) whose last segment is `trees[end]`.
fn path_ending_at(trees: &[TokenTree], end: usize) -> Option<(syn::Path, Span)> {
    let mut start = end;
    while start >= 3 {
        let colons = matches!((&trees[start - 2], &trees[start - 1]),
            (TokenTree::Punct(a), TokenTree::Punct(b)) if a.as_char() == ':' && b.as_char() == ':');
        if colons && matches!(trees[start - 3], TokenTree::Ident(_)) {
            start -= 3;
        } else {
            break;
        }
    }
    // A method `.id()` (`child.id()`, `thread::current().id()`) is not a path expression.
    if start >= 1
        && let TokenTree::Punct(p) = &trees[start - 1]
        && p.as_char() == '.'
    {
        return None;
    }
    let ts: TokenStream = trees[start..=end].iter().cloned().collect();
    let span = trees[start].span();
    syn::parse2::<syn::Path>(ts).ok().map(|p| (p, span))
}

fn is_compound(e: &syn::Expr) -> bool {
    matches!(
        e,
        syn::Expr::If(_)
            | syn::Expr::Match(_)
            | syn::Expr::Loop(_)
            | syn::Expr::While(_)
            | syn::Expr::ForLoop(_)
            | syn::Expr::Block(_)
            | syn::Expr::Async(_)
            | syn::Expr::Unsafe(_)
            | syn::Expr::Closure(_)
            | syn::Expr::TryBlock(_)
    )
}

fn callee_name(e: &syn::Expr) -> Option<String> {
    match e {
        syn::Expr::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

impl<'ast> Visit<'ast> for Scan<'_, '_> {
    fn visit_block(&mut self, b: &'ast syn::Block) {
        let last = b.stmts.len().saturating_sub(1);
        for (i, stmt) in b.stmts.iter().enumerate() {
            match stmt {
                syn::Stmt::Local(local) => {
                    if let Some(init) = &local.init {
                        self.visit_expr(&init.expr);
                        if let Some((_, diverge)) = &init.diverge {
                            self.visit_expr(diverge);
                        }
                        let f = self.facts(init.expr.to_token_stream());
                        self.bind(&local.pat, f);
                    }
                }
                syn::Stmt::Expr(e, semi) => {
                    self.visit_expr(e);
                    // A tail expression (or `return`) hands the path to the caller.
                    let value = match e {
                        syn::Expr::Return(r) => r.expr.as_deref(),
                        _ if semi.is_none() && i == last => Some(e),
                        _ => None,
                    };
                    if let Some(v) = value {
                        self.check_value(v);
                    }
                }
                syn::Stmt::Item(_) | syn::Stmt::Macro(_) => {}
            }
        }
    }

    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        if let Some(name) = callee_name(&c.func) {
            if RENAMES.contains(&name.as_str()) {
                if let Some(from) = c.args.first() {
                    self.mark(from, true);
                }
            } else if WRITES.contains(&name.as_str()) {
                let args: Vec<&syn::Expr> = c.args.iter().collect();
                // `fs::copy(src, dst)` writes its destination.
                let dst = if name == "copy" {
                    args.get(1)
                } else {
                    args.first()
                };
                if let Some(dst) = dst {
                    self.mark(dst, false);
                }
            }
            if RENAMES.contains(&name.as_str()) || WRITES.contains(&name.as_str()) {
                for a in &c.args {
                    self.check_value(a);
                }
            }
        }
        syn::visit::visit_expr_call(self, c);
    }

    fn visit_expr_method_call(&mut self, mc: &'ast syn::ExprMethodCall) {
        let name = mc.method.to_string();
        match name.as_str() {
            "open" | "create" | "create_new" if mc.args.len() == 1 => {
                self.mark(&mc.args[0], false);
                self.check_value(&mc.args[0]);
            }
            "rename" if !mc.args.is_empty() => self.mark(&mc.args[0], true),
            // `tmp.set_extension(format!("tmp.{}", process::id()))`: the binding now holds it.
            "set_extension" | "set_file_name" | "push" | "push_str" => {
                if let syn::Expr::Path(p) = &*mc.receiver
                    && let Some(id) = p.path.get_ident()
                    && let Some(&b) = self.by_name.get(&id.to_string())
                {
                    let f = self.facts(mc.args.to_token_stream());
                    self.bindings[b].facts.merge(&f);
                }
            }
            _ => {}
        }
        syn::visit::visit_expr_method_call(self, mc);
    }

    // Nested fn items are checked on their own; closures and async blocks are part of this fn.
    fn visit_item(&mut self, _: &'ast syn::Item) {}
}

impl Lint for NonuniqueTempPath {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn hooks(&self) -> Hooks {
        Hooks::FILE | Hooks::FN
    }

    fn check_file(&mut self, cx: &Cx, file: &syn::File) {
        self.may_call_pid = cx.file_mentions("process");
        self.renames = self.may_call_pid && file_renames_process(&file.items);
    }

    fn check_fn(&mut self, cx: &Cx, f: &FnView) {
        // Without a rename, a call of `std::process::id` spells `id(` in the body.
        if !self.may_call_pid || (!self.renames && !calls_a_fn_named_id(f.body_text())) {
            return;
        }
        let mut scan = Scan {
            cx,
            in_test: cx.in_test(),
            bindings: Vec::new(),
            by_name: BTreeMap::new(),
            flagged: BTreeMap::new(),
        };
        scan.visit_block(f.block);
        scan.finish();
        let mut seen = BTreeSet::new();
        for (key, (span, why)) in scan.flagged {
            if !seen.insert(key) {
                continue;
            }
            cx.emit(cx.finding(
                &META,
                span,
                format!(
                    "{why} made unique only by std::process::id(): concurrent writers in this process collide"
                ),
                "add a per-write unique part (a counter, a UUID, the thread id and a timestamp) or use tempfile::NamedTempFile::new_in(dir)",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::calls_a_fn_named_id;

    #[test]
    fn a_call_of_a_fn_named_id() {
        assert!(calls_a_fn_named_id("let p = std::process::id();"));
        assert!(calls_a_fn_named_id("format!(\"x.{}\", process :: id ())"));
        assert!(calls_a_fn_named_id("id()"));
        assert!(!calls_a_fn_named_id(
            "let id = task.id(); lookup(user_id(x), id)"
        ));
        assert!(!calls_a_fn_named_id("let valid = provide(idle);"));
    }
}
