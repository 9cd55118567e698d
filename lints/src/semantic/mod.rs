//! The semantic model every rule shares: name resolution (`paths`), a light type model (`types`),
//! the crate index (`index`), macro argument parsing (`macros`) and the walker (`walk`), which
//! interprets each body once — async context, scopes, local types, lock guard liveness — and calls
//! the rules' hooks as it goes.

pub mod blocking_paths;
pub mod callgraph;
pub mod cond_guards;
pub mod drain;
pub mod exit_path;
pub mod facts;
pub mod fallible;
pub mod index;
pub mod joined;
pub mod local_macros;
pub mod locks;
pub mod macros;
pub mod paths;
pub mod quick_expr;
pub mod returned;
pub mod secret_names;
pub mod syntax;
pub mod task_output;
pub mod types;
pub mod walk;
pub mod words;

use std::cell::RefCell;

use crate::finding::{Finding, Region};
use crate::lint::RuleMeta;

pub use facts::{
    AccessKind, AccessTarget, Acquisition, AllowFact, AwaitPoint, CallersAre, CallersOf, Condition,
    ConfiguredMethod, Decision, FileFacts, FnDef, GatedCall, GuardId, Holds, Pending, StateAccess,
    Written,
};
pub use index::CrateIndex;
pub use locks::{GatedAct, HeldPair};
pub use types::{LockKind, Ty, TyExpr};
pub use walk::analyze_file;

/// A file's text with a line table, for snippets.
pub struct SourceText<'a> {
    pub text: &'a str,
    /// Computed on first use: only findings need line text, and most files have none.
    line_starts: std::cell::OnceCell<Vec<usize>>,
    /// Where the parser started: past a byte-order mark and a shebang line, which
    /// `syn::parse_file` strips, so line 1's columns count from here.
    parse_start: usize,
}

impl<'a> SourceText<'a> {
    pub fn new(text: &'a str) -> Self {
        SourceText {
            text,
            line_starts: std::cell::OnceCell::new(),
            parse_start: if text.starts_with('\u{feff}') { 3 } else { 0 },
        }
    }

    /// The text `file` was parsed from, which may begin with a shebang line syn set aside.
    pub fn parsed(text: &'a str, file: &syn::File) -> Self {
        let mut src = Self::new(text);
        src.parse_start += file.shebang.as_ref().map_or(0, String::len);
        src
    }

    /// The part of the text syn lexed (past a byte-order mark or shebang line): span byte
    /// offsets count from its start.
    pub fn lexed(&self) -> &'a str {
        self.text.get(self.parse_start..).unwrap_or("")
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            let mut starts = vec![0];
            starts.extend(memchr::memchr_iter(b'\n', self.text.as_bytes()).map(|i| i + 1));
            starts
        })
    }

    /// Byte offset of a span position. Proc-macro2 counts columns in chars, and its own
    /// `Span::byte_range` finds bytes by re-walking the text char by char from the nearest offset
    /// it cached, which cost more than the rule scans that asked. Line 1 is counted from where
    /// `syn::parse_file` started parsing (past a byte-order mark or a shebang line).
    pub fn byte_at(&self, at: proc_macro2::LineColumn) -> Option<usize> {
        let start = match at.line {
            0 => return None,
            1 => self.parse_start,
            n => *self.line_starts().get(n - 1)?,
        };
        let line = self.text.get(start..)?;
        let line = &line[..line.find('\n').unwrap_or(line.len())];
        if line.len() >= at.column && line.as_bytes()[..at.column].is_ascii() {
            return Some(start + at.column);
        }
        let (off, _) = line
            .char_indices()
            .chain(std::iter::once((line.len(), ' ')))
            .nth(at.column)?;
        Some(start + off)
    }

    /// The text of a block, braces included: a cheap first test before a visit of its tokens
    /// (a name the text does not hold is not used there). `None` when the block's span is not
    /// this file's (a block parsed from other text), which its braces would betray.
    pub fn block_text(&self, block: &syn::Block) -> Option<&'a str> {
        let span = block.brace_token.span;
        let start = self.byte_at(span.open().start())?;
        let end = self.byte_at(span.close().end())?;
        let text = self.text.get(start..end)?;
        (text.starts_with('{') && text.ends_with('}')).then_some(text)
    }

    /// The text of 1-based line `line`, without its newline.
    pub fn line(&self, line: u32) -> &'a str {
        let i = (line as usize).saturating_sub(1);
        let Some(&start) = self.line_starts().get(i) else {
            return "";
        };
        let end = self
            .line_starts()
            .get(i + 1)
            .copied()
            .unwrap_or(self.text.len());
        self.text
            .get(start..end)
            .unwrap_or("")
            .trim_end_matches(['\n', '\r'])
    }

    /// Whitespace-normalized text of the region's first line: the fingerprint's snippet.
    pub fn snippet(&self, region: &Region) -> String {
        let mut line = self.line(region.line);
        // A minified or generated line can be megabytes long with a finding on every token;
        // copying the whole line per finding made that quadratic (10,000 attributes on one line:
        // 14 GB). Beyond `LONG_LINE` bytes the snippet is a window around the finding.
        if line.len() > LONG_LINE {
            let line_start = self
                .line_starts()
                .get((region.line as usize).saturating_sub(1))
                .copied()
                .unwrap_or(0);
            let at = (region.start_byte as usize).saturating_sub(line_start);
            let mut lo = at.saturating_sub(LONG_LINE / 2).min(line.len());
            let mut hi = at.saturating_add(LONG_LINE / 2).min(line.len());
            while !line.is_char_boundary(lo) {
                lo -= 1;
            }
            while !line.is_char_boundary(hi) {
                hi += 1;
            }
            line = &line[lo..hi];
        }
        // Asked for every call in async code: one exactly sized string, no list of words.
        let mut out = String::with_capacity(line.len());
        for word in line.split_whitespace() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
        out
    }
}

/// Lines longer than this get a windowed snippet (see [`SourceText::snippet`]).
const LONG_LINE: usize = 512;

/// Per-file settings the walker needs.
#[derive(Debug, Clone)]
pub struct FileOptions {
    /// Rust edition of the crate (2015/2018/2021/2024): `if let` scrutinee temporaries are dropped
    /// before `else` from 2024 on.
    pub edition: u16,
    /// The file belongs to tests/benches/examples of its crate.
    pub test_file: bool,
    /// The file's module below the crate root (`["routes", "admin"]` for
    /// `src/routes/admin.rs`), so `super::`/`self::` paths can be followed across files.
    pub module_path: Vec<String>,
    /// The module the file's `crate::` names: empty, but for the files of an integration
    /// test, bench or example, whose crate is their own root (`["tests/integration"]`).
    pub crate_root: Vec<String>,
    /// Names the file's module declares in other files' text that the file `include!`s
    /// (`include!("../opt/kanidm.rs")` at its top level): items of its module all the same.
    pub spliced_items: std::sync::Arc<[String]>,
    /// `blocking_paths` from the config: project functions that block (`*` globs).
    pub blocking_paths: std::sync::Arc<[String]>,
    /// `[resolve] reexports` from the config: (path prefix of the user's crate, the well-known
    /// crate or module it stands for), longest prefix first.
    pub reexports: std::sync::Arc<[(String, String)]>,
    /// Record item extents (`FileFacts::items`). They only serve item-level suppressions, so
    /// the engine turns this off for the many files without a suppression comment.
    pub item_extents: bool,
    /// The crate's `tokio` dependency enables `tokio::fs` / `tokio::time` (its own features,
    /// `full`, or those of the workspace dependency it inherits): whether a fix may call them.
    pub tokio_fs: bool,
    pub tokio_time: bool,
}

impl Default for FileOptions {
    fn default() -> Self {
        FileOptions {
            edition: 2021,
            test_file: false,
            module_path: Vec::new(),
            crate_root: Vec::new(),
            spliced_items: std::sync::Arc::from([]),
            blocking_paths: std::sync::Arc::from([]),
            reexports: std::sync::Arc::from([]),
            item_extents: true,
            tokio_fs: false,
            tokio_time: false,
        }
    }
}

/// What a rule sees of the walker while a hook runs.
pub struct Cx<'w> {
    pub(crate) core: &'w walk::Core<'w>,
}

impl<'w> Cx<'w> {
    /// Inside the body of an async fn/block/closure (or a plain closure nested in one), and not in
    /// a closure handed to `spawn_blocking`/`block_in_place`/`std::thread::spawn`.
    pub fn in_async(&self) -> bool {
        self.core.body().is_some_and(|b| b.is_async)
    }

    /// In async context polled by the thread that called a multi-thread runtime's `block_on`
    /// (the body of `#[tokio::main]`, of `#[tokio::test(flavor = "multi_thread")]`, and
    /// closures they run in place), not by a worker: blocking there parks no other task.
    pub fn off_worker(&self) -> bool {
        self.core.body().is_some_and(|b| b.is_async && b.off_worker)
    }

    /// Directly in the body of an async fn, async block or async closure, not in a plain
    /// closure nested in one: where an `.await` may be written.
    pub fn in_async_body(&self) -> bool {
        self.core.body().is_some_and(|b| b.is_async && b.own_async)
    }

    /// Whether the crate's manifest enables tokio's `fs` feature (for fixes that call it).
    pub fn tokio_fs(&self) -> bool {
        self.core.opts.tokio_fs
    }

    /// Whether the crate's manifest enables tokio's `time` feature.
    pub fn tokio_time(&self) -> bool {
        self.core.opts.tokio_time
    }

    /// Directly inside `async fn main` (where exiting is the normal end of the program).
    pub fn in_async_main(&self) -> bool {
        self.core.body().is_some_and(|b| b.async_main)
    }

    /// Inside a `loop`/`while`/`for` body (or a labeled block) of the current body; a closure or
    /// async block starts a new body, so a loop around it does not count.
    pub fn in_loop(&self) -> bool {
        self.core.body().is_some_and(|b| !b.loops.is_empty())
    }

    /// In test code: a `#[cfg(test)]` module or statement, a `#[test]`/`#[tokio::test]` fn, or a file under
    /// `tests/`, `benches/` or `examples/`.
    pub fn in_test(&self) -> bool {
        self.core.in_test()
    }

    /// The enclosing named item, e.g. `Scheduler::next_task`.
    pub fn function(&self) -> Option<String> {
        self.core.function()
    }

    /// Code that runs when a scope is dropped: a `Drop::drop` body, or a deferred block
    /// (`defer! { .. }`, run by a guard's `Drop`).
    pub fn in_drop(&self) -> bool {
        self.core.in_defer > 0 || self.core.fn_name() == Some("drop")
    }

    /// The innermost enclosing fn's own name (`next_task`), without building `function()`.
    pub fn fn_name(&self) -> Option<&str> {
        self.core.fn_name()
    }

    /// Whether the file's code visibly handles credentials ([`secret_names::has_auth_context`]),
    /// computed once per file on first use.
    pub fn auth_context(&self) -> bool {
        *self
            .core
            .auth_context
            .get_or_init(|| secret_names::has_auth_context(self.core.file))
    }

    /// Whether a secret-named value of this name is no secret in this file: a path the file
    /// opens, or a constant labelling something ([`secret_names::non_secret_names`]),
    /// computed once per file on first use.
    pub fn names_no_secret(&self, name: &str) -> bool {
        self.core
            .non_secret_names
            .get_or_init(|| secret_names::non_secret_names(self.core.file))
            .contains(name)
    }

    /// Whether a bare `Token` here names another crate's type that cannot carry a secret
    /// (`use mio::{Token, ..}`): in such code a `token`, `back_token` or `frontend_token` whose
    /// type is unknown is that type far more often than a credential. A crate-local `Token` does
    /// not count (it may wrap a string).
    pub fn non_secret_token_type_in_scope(&self) -> bool {
        let path = self
            .core
            .uses
            .resolve_segments(&["Token".to_string()], false);
        path.contains("::")
            && !path.starts_with("crate::")
            && secret_names::carrier_type(&Ty::path(&path)) == Some(false)
    }

    /// Whether `name` is a type parameter of the fn or `impl` being walked, or `Self` in a
    /// trait's default body: a path through it (`R::API_KEY`) names an associated item of
    /// whatever type the caller picks.
    pub fn names_type_param(&self, name: &str) -> bool {
        self.core.fn_type_params.iter().any(|p| p == name)
            || self.core.impl_type_params.iter().any(|p| p == name)
            || (name == "Self" && self.core.in_trait_def())
    }

    /// Whether `word` occurs anywhere in the file's text. Name resolution is file-local, so a rule
    /// that needs a path resolving to, say, `std::process::id` can skip a file that never writes
    /// `process` (neither in the path nor in a `use`): a cheap gate, asked once per file.
    pub fn file_mentions(&self, word: &str) -> bool {
        self.core.src.text.contains(word)
    }

    /// The full path a path names, e.g. `fs::write` → `std::fs::write`.
    pub fn resolve(&self, path: &syn::Path) -> String {
        self.core.uses.resolve(path)
    }

    /// The resolved path of a call's callee, if it is a path (`fs::write(..)`).
    /// A local binding (a parameter, a `let`) shadows any import of the same name.
    pub fn callee(&self, call: &syn::ExprCall) -> Option<String> {
        self.core.callee(call)
    }

    /// Whether a method chain starts at `OpenOptions::new()` / `File::options()` from `std::fs`,
    /// or at a binding of type `std::fs::OpenOptions`.
    pub fn is_open_options_chain(&self, e: &syn::Expr) -> bool {
        self.core.is_open_options_chain(e)
    }

    /// The (possibly deferred) type of an expression.
    pub fn type_of(&self, e: &syn::Expr) -> TyExpr {
        self.core.ty_of(e)
    }

    pub fn resolve_type(&self, ty: &syn::Type) -> Ty {
        Ty::from_syn(ty, &self.core.uses)
    }

    pub fn region(&self, span: proc_macro2::Span) -> Region {
        Region::from_span(span)
    }

    pub fn source(&self) -> &SourceText<'w> {
        self.core.src
    }

    /// A finding at `span` for `rule`, with its function and fingerprint snippet filled in.
    pub fn finding(
        &self,
        rule: &'static RuleMeta,
        span: proc_macro2::Span,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Finding {
        let region = Region::from_span(span);
        Finding {
            fix: None,
            rule: rule.name,
            severity: rule.default_severity,
            region,
            message: message.into(),
            help: help.into(),
            function: self.function(),
            snippet: self.core.src.snippet(&region),
            related: Vec::new(),
            in_test: self.in_test(),
        }
    }

    /// The fix that turns a blocking call `path(args)` into `async_path(args).await`: the
    /// callee path replaced, `.await` inserted after the closing parenthesis. Only where an
    /// `.await` may be written ([`Cx::in_async_body`]); `None` elsewhere.
    pub fn await_call_fix(
        &self,
        call: &syn::ExprCall,
        async_path: &str,
        description: String,
    ) -> Option<crate::finding::Fix> {
        if !self.in_async_body() {
            return None;
        }
        let func = Region::from_span(syn::spanned::Spanned::span(&call.func));
        let close = Region::from_span(call.paren_token.span.close());
        // A span that does not cover source text (tokens a macro made up) has nothing to edit.
        if func.start_byte >= func.end_byte || close.end_byte <= func.end_byte {
            return None;
        }
        let at_close = Region {
            line: close.end_line,
            column: close.end_column,
            start_byte: close.end_byte,
            ..close
        };
        Some(crate::finding::Fix {
            safety: crate::finding::Safety::Unsafe,
            description,
            edits: vec![
                crate::finding::TextEdit {
                    region: func,
                    text: async_path.to_string(),
                },
                crate::finding::TextEdit {
                    region: at_close,
                    text: ".await".to_string(),
                },
            ],
        })
    }

    pub fn emit(&self, finding: Finding) {
        self.core.out.borrow_mut().findings.push(finding);
    }

    /// Emit a finding about blocking a runtime worker here. In an async fn's own body it waits
    /// for the call graph: a fn only ever awaited where no worker polls it (`rt.block_on(f())`
    /// from sync code, `#[tokio::main]`'s body), or run in the startup before any other task
    /// exists, blocks no one (see `Pending::unless_callers`, `CallGraph::stalls_nothing`).
    pub fn emit_on_worker(&self, finding: Finding) {
        let unless = self.worker_fn(finding.region.start_byte);
        self.defer(Vec::new(), finding, unless);
    }

    /// [`Cx::emit_on_worker`] once `ty` satisfies `holds` (see [`Cx::emit_if`]).
    pub fn emit_on_worker_if(&self, ty: TyExpr, holds: fn(&Ty) -> bool, finding: Finding) {
        let holds = Holds::Ty(holds);
        let unless = self.worker_fn(finding.region.start_byte);
        self.defer(vec![Condition { ty, holds }], finding, unless);
    }

    /// The async fn whose own body (or a closure it runs in place) is being walked, for a
    /// finding at byte `at` that drops when the fn blocks no other task there (see
    /// `CallGraph::stalls_nothing`).
    pub(crate) fn worker_fn(&self, at: u32) -> Option<CallersOf> {
        self.core
            .body()
            .filter(|b| b.inline && b.is_async)
            .and_then(|b| b.fn_id)
            .map(|func| CallersOf {
                func,
                are: CallersAre::OffWorker {
                    started_here: self.core.task_spawned_before(at),
                },
            })
    }

    /// Like [`Cx::emit_if_all`], for output that is a log only in a long-running program (a
    /// secret printed to stdout): in a fn's own body it stands unless the call graph shows the
    /// fn runs in the program's startup only, a one-shot command printing its result.
    pub fn emit_if_all_unless_startup(&self, conditions: Vec<Condition>, finding: Finding) {
        let unless = self.fn_body().map(|func| CallersOf {
            func,
            are: CallersAre::Startup,
        });
        self.defer(conditions, finding, unless);
    }

    /// Emit `finding` only if, once the crate index is complete, `ty` satisfies `holds`.
    pub fn emit_if(&self, ty: TyExpr, holds: fn(&Ty) -> bool, finding: Finding) {
        let holds = Holds::Ty(holds);
        self.emit_if_all(vec![Condition { ty, holds }], finding);
    }

    /// Like `emit_if`, with several conditions that must all hold (e.g. "the receiver is a lock"
    /// and "the field it hangs off is an `Arc`").
    pub fn emit_if_all(&self, conditions: Vec<Condition>, finding: Finding) {
        self.defer(conditions, finding, None);
    }

    /// Emit now what nothing crate-wide can change; defer the rest (see [`Pending`]).
    fn defer(&self, conditions: Vec<Condition>, finding: Finding, unless: Option<CallersOf>) {
        let Some(pending) = unsettled(conditions) else {
            return;
        };
        if pending.is_empty() && unless.is_none() {
            self.emit(finding);
            return;
        }
        self.core.out.borrow_mut().pending.push(Pending {
            finding,
            conditions: pending,
            configured: None,
            unless_callee: None,
            unless_callers: unless,
        });
    }

    /// Like `emit_if_all`, for a finding about a dropped `Result`: unless the call whose
    /// callee's name is at `call` (the method name, or the path of a path call) resolves, once
    /// the call graph is built, to a workspace fn that loses no error — it never returns `Err`,
    /// or reports each error itself (see `CallGraph::loses_no_error`). Unresolved, it stands.
    pub fn emit_unless_callee_loses_no_error(
        &self,
        conditions: Vec<Condition>,
        call: proc_macro2::Span,
        finding: Finding,
    ) {
        let Some(pending) = unsettled(conditions) else {
            return;
        };
        self.core.out.borrow_mut().pending.push(Pending {
            finding,
            conditions: pending,
            configured: None,
            unless_callee: Some(facts::CalleeTest {
                at: Region::from_span(call),
            }),
            unless_callers: None,
        });
    }

    /// In a sync fn's own body (or a closure it runs in place), where a blocking call is no
    /// finding but a hazard for the async code that calls the fn (see [`Cx::record_hazard`]).
    pub fn in_sync_fn_body(&self) -> bool {
        self.core
            .body()
            .is_some_and(|b| !b.is_async && b.inline && b.fn_id.is_some())
    }

    /// In the `async` block a sync fn other than `main` runs to completion with `block_on`
    /// (`fn wait_ready() { rt.block_on(async { .. }) }`): async code, but run on the fn's own
    /// thread during the call, like the fn's own body.
    pub fn in_sync_block_on(&self) -> bool {
        self.core.body().is_some_and(|b| b.sync_block_on)
    }

    /// In the future a `block_on` runs inside a sync closure handed elsewhere
    /// (`thread::spawn(move || rt.block_on(async { .. }))`): that thread's own top-level
    /// code, not a task of any runtime (a task it spawns is one again).
    pub fn in_thread_block_on(&self) -> bool {
        self.core.body().is_some_and(|b| b.thread_block_on)
    }

    /// Record that the current sync fn body makes a call `rule` flags in async context
    /// (`what`: `std::fs::read_to_string`): the call graph reports async callers of the fn.
    pub fn record_hazard(
        &self,
        rule: &'static RuleMeta,
        what: impl Into<String>,
        span: proc_macro2::Span,
    ) {
        let Some(caller) = self.core.body().and_then(|b| b.fn_id) else {
            return;
        };
        self.core.out.borrow_mut().hazards.push(facts::Hazard {
            caller,
            rule: rule.name,
            what: what.into(),
            region: Region::from_span(span),
        });
    }

    /// The fn whose own body (not a closure or async block in it) is being walked, as the call
    /// graph numbers it.
    pub fn fn_body(&self) -> Option<u32> {
        self.core.body().filter(|b| b.inline).and_then(|b| b.fn_id)
    }

    /// Hand `finding` to the rule's crate-wide check with the fn it sits in (see
    /// `FileFacts::fn_findings`).
    pub fn emit_for_fn(&self, func: u32, finding: Finding) {
        let cuts_off = self.core.exit_cuts_off(finding.region.start_byte);
        self.core
            .out
            .borrow_mut()
            .fn_findings
            .push(facts::FnFinding {
                func,
                finding,
                cuts_off,
            });
    }

    /// Whether exiting the process here would cut off something the fn being walked started:
    /// a task or thread it spawned earlier in its body, or a value a `let` keeps alive only for
    /// its destructor (`let _guard = init_logging();`) still in scope.
    pub fn exit_cuts_off(&self, at: u32) -> bool {
        self.core.exit_cuts_off(at)
    }

    /// Whether a value a `let` keeps alive only for its destructor (`let _guard =
    /// init_logging();`) is in scope here, in the fn being walked: what an exit skips that
    /// returning would not.
    pub fn keeps_for_drop(&self) -> bool {
        self.core.keeps_for_drop()
    }

    /// Record a lint-level attribute for crate-wide rules (see `FileFacts::allows`).
    pub fn record_allow(&self, allow: AllowFact) {
        self.core.out.borrow_mut().allows.push(allow);
    }
}

/// An item with attributes, as `check_item` sees it.
pub struct ItemView<'a> {
    pub attrs: &'a [syn::Attribute],
    /// `fn`, `impl`, `mod`, `struct`, `trait`, `crate`, ...
    pub kind: &'static str,
    pub name: String,
    /// The item's whole extent, attributes included (see [`ItemView::region`]).
    pub span: proc_macro2::Span,
}

impl ItemView<'_> {
    /// The item's whole extent as a region: computed on demand, since line/column lookups for
    /// every item of every file add up and few rules ask.
    pub fn region(&self) -> Region {
        Region::from_span(self.span)
    }
}

/// A fn (free, method, trait default or trait impl method) as `check_fn` sees it.
pub struct FnView<'a> {
    pub sig: &'a syn::Signature,
    pub block: &'a syn::Block,
    pub attrs: &'a [syn::Attribute],
    pub name: String,
    /// A method of `impl Trait for Type`.
    pub in_trait_impl: bool,
    pub(crate) src: &'a SourceText<'a>,
    pub(crate) body_text: std::cell::OnceCell<&'a str>,
}

impl<'a> FnView<'a> {
    /// The body's source text, braces included (empty if its span has no position): rules gate
    /// an expensive scan of the body on words it must contain. Located once, on first use.
    pub fn body_text(&self) -> &'a str {
        self.body_text.get_or_init(|| {
            let span = self.block.brace_token.span.join();
            let (Some(lo), Some(hi)) =
                (self.src.byte_at(span.start()), self.src.byte_at(span.end()))
            else {
                return "";
            };
            self.src.text.get(lo..hi).unwrap_or("")
        })
    }
}

/// A macro invocation the walker understood.
pub struct MacroView<'a> {
    pub mac: &'a syn::Macro,
    /// Last path segment: `info` for `tracing::info!`.
    pub name: String,
    /// Parsed arguments of format-like macros.
    pub format: Option<&'a macros::FormatArgs>,
    /// The arms of a `select!`, as the walker parsed them.
    pub select: Option<&'a macros::Select>,
}

/// What crate-wide rules see: every file's facts plus the merged index.
pub struct CrateCx<'a> {
    pub index: &'a CrateIndex,
    pub files: Vec<&'a FileFacts>,
    /// Report path of each file (same order as `files`), for `Related` locations in other files.
    pub paths: Vec<&'a str>,
    /// The workspace call graph, once built (`None` while it is being built from these).
    pub calls: Option<callgraph::CallsView<'a>>,
}

impl<'a> CrateCx<'a> {
    /// The report path of file `file` (relative to the scan root), for cross-file `Related`s.
    pub fn path(&self, file: usize) -> Option<&'a str> {
        self.paths.get(file).copied()
    }

    /// Whether the call recorded at `at` in file `file` resolves to a workspace fn that loses
    /// no error (see `CallGraph::loses_no_error`).
    fn callee_loses_no_error(&self, file: usize, at: Region) -> bool {
        let site = self
            .files
            .get(file)
            .and_then(|f| f.calls.iter().position(|c| c.region == at));
        match (site, &self.calls) {
            (Some(site), Some(calls)) => calls.callee_loses_no_error(file, site),
            _ => false,
        }
    }

    /// Settle a deferred condition.
    pub fn holds(&self, c: &Condition) -> bool {
        if let Holds::NotAccessKeyId = c.holds {
            return !self.index.pairs_access_keys();
        }
        if let Holds::ConstValueIsNot(accepts) = c.holds {
            return match &c.ty {
                TyExpr::Static(path) => !self.index.str_const(path).is_some_and(|value| {
                    accepts(crate::semantic::syntax::last_segment(path), value)
                }),
                _ => true,
            };
        }
        let ty = self.index.eval(&c.ty);
        match c.holds {
            Holds::NotDrainedSender => !self.index.drained_sender(&ty),
            Holds::Secret(f) => f(&self.index.number_newtype(&ty).unwrap_or(ty)),
            Holds::Printed(f) => {
                !self.index.formats_by_hand(&ty) && f(&self.index.number_newtype(&ty).unwrap_or(ty))
            }
            h => h.test(&ty),
        }
    }

    /// A deferred finding, if it stands now that the crate is known: its conditions hold and,
    /// for a configured blocking method, the receiver's type names a listed method (the message
    /// then says which).
    pub fn settle(&self, file: usize, p: &Pending, blocking_paths: &[String]) -> Option<Finding> {
        if !p.conditions.iter().all(|c| self.holds(c)) {
            return None;
        }
        if let Some(test) = p.unless_callee
            && self.callee_loses_no_error(file, test.at)
        {
            return None;
        }
        if let (Some(u), Some(calls)) = (p.unless_callers, &self.calls) {
            let dropped = match u.are {
                CallersAre::OffWorker { started_here } => {
                    calls.stalls_nothing(file, u.func, p.finding.region.start_byte, started_here)
                }
                CallersAre::Startup => calls.startup_only(file, u.func),
            };
            if dropped {
                return None;
            }
        }
        let Some(m) = &p.configured else {
            return Some(p.finding.clone());
        };
        let ty = self.index.expand(&self.index.eval(&m.receiver));
        let owner = ty.peel().path_str()?;
        let path = format!("{owner}::{}", m.method);
        let pattern = blocking_paths::matching(blocking_paths, &path)?;
        let mut finding = p.finding.clone();
        finding.message = (m.message)(&path, pattern);
        Some(finding)
    }
}

/// The conditions one file cannot settle; `None` when one already fails (or never can be
/// settled: an unknown type), which drops the finding.
fn unsettled(conditions: Vec<Condition>) -> Option<Vec<Condition>> {
    let mut pending = Vec::new();
    for c in conditions {
        if c.holds.needs_crate(&c.ty) {
            if !c.ty.is_unknown() || c.holds.crate_only() {
                pending.push(c);
            }
            continue;
        }
        if let TyExpr::Known(t) = &c.ty {
            if c.holds.test(t) {
                continue;
            }
            if !t.mentions_crate_path() {
                return None;
            }
        }
        if c.ty.is_unknown() {
            return None;
        }
        pending.push(c);
    }
    Some(pending)
}

/// Collects what lints emit during a file's walk.
#[derive(Default)]
pub struct Emitted {
    pub findings: Vec<Finding>,
    pub pending: Vec<Pending>,
    pub allows: Vec<AllowFact>,
    pub hazards: Vec<facts::Hazard>,
    pub fn_findings: Vec<facts::FnFinding>,
}

pub(crate) type EmitCell = RefCell<Emitted>;

#[cfg(test)]
mod tests {
    use super::SourceText;

    /// Every identifier's bytes, found through `byte_at`, spell the identifier.
    fn idents_round_trip(text: &str) {
        let file = syn::parse_file(text).expect("parses");
        let src = SourceText::parsed(text, &file);
        let mut n = 0;
        let tokens = quote::ToTokens::to_token_stream(&file);
        let mut stack = vec![tokens];
        while let Some(ts) = stack.pop() {
            for tt in ts {
                match tt {
                    proc_macro2::TokenTree::Group(g) => stack.push(g.stream()),
                    proc_macro2::TokenTree::Ident(i) => {
                        let lo = src.byte_at(i.span().start()).expect("start");
                        let hi = src.byte_at(i.span().end()).expect("end");
                        assert_eq!(&text[lo..hi], i.to_string(), "{text:?}");
                        n += 1;
                    }
                    _ => {}
                }
            }
        }
        assert!(n > 3, "{text:?}");
    }

    #[test]
    fn byte_offsets_follow_chars_bom_and_shebang() {
        idents_round_trip("fn main() {\n    let s = \"héllo wörld\"; let ünï = s;\n}\n");
        idents_round_trip("\u{feff}fn a() { b(); }\nfn c() {}\n");
        idents_round_trip("#!/usr/bin/env run-cargo-script\nfn a() { b(); c(); }\n");
        idents_round_trip("\u{feff}#!/x\nfn a() { let é = 1; c(é) }");
        idents_round_trip("#![allow(dead_code)] fn a() { b(); }");
    }
}
