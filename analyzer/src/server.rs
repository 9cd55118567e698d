//! `racewise server`: a Language Server over stdio, beside rust-analyzer.
//!
//! Synchronous on purpose: one thread reads frames, the main loop handles them in order and runs
//! the analysis itself. The analysis is the CPU-bound `racewise check` pipeline with its own
//! workers; an async runtime (tower-lsp) would add a runtime and cancellation plumbing for no
//! concurrency the analysis could use. `lsp-server` + `lsp-types` (rust-analyzer's own crates)
//! give the message and protocol types; the framing reader is our own, because lsp-server's
//! stops the connection at the first malformed frame, and a server must answer that with a
//! `ParseError` and go on.
//!
//! A file is analyzed with its crate (the nearest `Cargo.toml` with a `[package]`), the open
//! buffers standing in for the files on disk ([`crate::engine::Options::overrides`]); root and
//! configuration are discovered as `racewise check CRATE_DIR` does, so the diagnostics equal
//! that run's findings once the buffers are saved.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types as lt;
use racewise_lints::{Severity, registry};
use serde_json::{Value, json};

use crate::engine::{self, Options};
use crate::error::{ErrorKind, UsageError};
use crate::report::{FindingState, ReportFinding};
use crate::root::{self, ConfigSource};

/// Quiet time after the last edit before a crate is analyzed again.
pub const DEBOUNCE: Duration = Duration::from_millis(200);

/// Frames larger than this are refused (a broken length must not allocate gigabytes).
const MAX_FRAME_BYTES: usize = 256 * 1024 * 1024;

/// Where the rules are documented (`codeDescription`).
const DOCS_URL: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/blob/main/README.md#rules");

/// What the reader thread hands the main loop.
enum Incoming {
    Message(Message),
    /// A frame that is not JSON (`ParseError`) or not a JSON-RPC message (`InvalidRequest`).
    Malformed {
        id: Value,
        code: ErrorCode,
        message: String,
    },
}

/// Run the server on stdin/stdout until `exit` (or the end of stdin). Returns the exit code:
/// 0 after `shutdown` + `exit`, 1 when the client exits without `shutdown`.
pub fn run_stdio() -> i32 {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || read_frames(io::stdin().lock(), &tx));
    let stdout = io::stdout();
    let mut server = Server::new(Box::new(stdout.lock()));
    server.serve(&rx)
}

/// Read Content-Length frames until the end of the input, sending each decoded message (or what
/// was wrong with it) to the main loop.
fn read_frames(mut input: impl BufRead, tx: &mpsc::Sender<Incoming>) {
    loop {
        let body = match read_frame(&mut input) {
            Ok(Some(Ok(body))) => body,
            Ok(Some(Err(message))) => {
                let malformed = Incoming::Malformed {
                    id: Value::Null,
                    code: ErrorCode::ParseError,
                    message,
                };
                if tx.send(malformed).is_err() {
                    return;
                }
                continue;
            }
            Ok(None) | Err(_) => return,
        };
        let incoming = match serde_json::from_slice::<Value>(&body) {
            Err(e) => Incoming::Malformed {
                id: Value::Null,
                code: ErrorCode::ParseError,
                message: format!("invalid JSON: {e}"),
            },
            Ok(value) => {
                let id = value.get("id").cloned().unwrap_or(Value::Null);
                match serde_json::from_value::<Message>(value) {
                    Ok(m) => Incoming::Message(m),
                    Err(e) => Incoming::Malformed {
                        id,
                        code: ErrorCode::InvalidRequest,
                        message: format!("not a JSON-RPC request, response or notification: {e}"),
                    },
                }
            }
        };
        if tx.send(incoming).is_err() {
            return;
        }
    }
}

/// One frame's body; `Ok(None)` at the end of the input, `Some(Err)` for a broken header (the
/// lines up to the next blank line are skipped, so the next frame is read whole).
fn read_frame(input: &mut impl BufRead) -> io::Result<Option<Result<Vec<u8>, String>>> {
    let mut length: Option<Result<usize, String>> = None;
    let mut broken: Option<String> = None;
    let mut line = String::new();
    let mut any = false;
    loop {
        line.clear();
        let mut raw = Vec::new();
        if input.read_until(b'\n', &mut raw)? == 0 {
            return Ok(any.then(|| Err("input ended inside a header".to_string())));
        }
        line.push_str(&String::from_utf8_lossy(&raw));
        let l = line.trim_end_matches(['\r', '\n']);
        if l.is_empty() {
            if !any {
                continue;
            }
            break;
        }
        any = true;
        match l.split_once(':') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("content-length") => {
                length = Some(
                    value
                        .trim()
                        .parse::<usize>()
                        .map_err(|e| format!("bad Content-Length `{}`: {e}", value.trim())),
                );
            }
            Some(_) => {}
            None => {
                broken.get_or_insert_with(|| format!("malformed header line: {l:?}"));
            }
        }
    }
    if let Some(b) = broken {
        return Ok(Some(Err(b)));
    }
    let n = match length {
        None => return Ok(Some(Err("frame without Content-Length".into()))),
        Some(Err(e)) => return Ok(Some(Err(e))),
        Some(Ok(n)) if n > MAX_FRAME_BYTES => {
            return Ok(Some(Err(format!(
                "frame of {n} bytes; the limit is {MAX_FRAME_BYTES}"
            ))));
        }
        Some(Ok(n)) => n,
    };
    let mut body = vec![0; n];
    input.read_exact(&mut body)?;
    Ok(Some(Ok(body)))
}

/// An open document.
struct Doc {
    path: PathBuf,
    text: Arc<str>,
}

struct Server {
    out: Box<dyn Write>,
    initialized: bool,
    shutdown: bool,
    docs: BTreeMap<lt::Uri, Doc>,
    /// Crates (their directories) to analyze again, and when.
    dirty: BTreeSet<PathBuf>,
    due: Option<Instant>,
    /// What was last published per document, for hover, code actions and clearing.
    published: BTreeMap<lt::Uri, Vec<lt::Diagnostic>>,
    /// Config files that carry a diagnostic now.
    config_diagnostics: BTreeSet<lt::Uri>,
    /// Per crate: the files' outcomes of the last run, so a keystroke re-walks one file.
    caches: BTreeMap<PathBuf, Arc<engine::FileCache>>,
}

impl Server {
    fn new(out: Box<dyn Write>) -> Server {
        Server {
            out,
            initialized: false,
            shutdown: false,
            docs: BTreeMap::new(),
            dirty: BTreeSet::new(),
            due: None,
            published: BTreeMap::new(),
            config_diagnostics: BTreeSet::new(),
            caches: BTreeMap::new(),
        }
    }

    fn serve(&mut self, rx: &mpsc::Receiver<Incoming>) -> i32 {
        loop {
            let incoming = match self.due {
                Some(due) => match rx.recv_timeout(due.saturating_duration_since(Instant::now())) {
                    Ok(m) => m,
                    Err(RecvTimeoutError::Timeout) => {
                        self.analyze_dirty();
                        continue;
                    }
                    Err(RecvTimeoutError::Disconnected) => return 1,
                },
                None => match rx.recv() {
                    Ok(m) => m,
                    Err(_) => return 1,
                },
            };
            match incoming {
                Incoming::Malformed { id, code, message } => {
                    self.send_raw(json!({
                        "jsonrpc": "2.0",
                        "id": id,
                        "error": {"code": code as i32, "message": message},
                    }));
                }
                Incoming::Message(Message::Request(req)) => self.on_request(req),
                Incoming::Message(Message::Notification(n)) => {
                    if n.method == "exit" {
                        return if self.shutdown { 0 } else { 1 };
                    }
                    self.on_notification(n);
                }
                // The server sends no requests, so no response is awaited.
                Incoming::Message(Message::Response(_)) => {}
            }
        }
    }

    fn send(&mut self, msg: impl Into<Message>) {
        let _ = msg.into().write(&mut self.out);
        let _ = self.out.flush();
    }

    /// A message lsp-server's types cannot hold (an error response with a `null` id).
    fn send_raw(&mut self, value: Value) {
        let text = value.to_string();
        let _ = write!(self.out, "Content-Length: {}\r\n\r\n{text}", text.len());
        let _ = self.out.flush();
    }

    fn error(&mut self, id: RequestId, code: ErrorCode, message: String) {
        self.send(Response::new_err(id, code as i32, message));
    }

    fn on_request(&mut self, req: Request) {
        if !self.initialized && req.method != "initialize" {
            return self.error(
                req.id,
                ErrorCode::ServerNotInitialized,
                "initialize first".into(),
            );
        }
        if self.shutdown {
            return self.error(
                req.id,
                ErrorCode::InvalidRequest,
                "the server is shutting down".into(),
            );
        }
        let id = req.id.clone();
        let result = match req.method.as_str() {
            "initialize" => {
                self.initialized = true;
                Ok(initialize_result())
            }
            "shutdown" => {
                self.shutdown = true;
                Ok(Value::Null)
            }
            "textDocument/codeAction" => params(req).map(|p| self.code_actions(p)),
            "textDocument/hover" => params(req).map(|p| self.hover(p)),
            other => Err((
                ErrorCode::MethodNotFound,
                format!("unknown method `{other}`"),
            )),
        };
        match result {
            Ok(value) => self.send(Response::new_ok(id, value)),
            Err((code, message)) => self.error(id, code, message),
        }
    }

    fn on_notification(&mut self, n: Notification) {
        if !self.initialized {
            return;
        }
        match n.method.as_str() {
            "textDocument/didOpen" => {
                if let Ok(p) = serde_json::from_value::<lt::DidOpenTextDocumentParams>(n.params) {
                    self.set_text(p.text_document.uri, p.text_document.text.into());
                }
            }
            "textDocument/didChange" => {
                if let Ok(p) = serde_json::from_value::<lt::DidChangeTextDocumentParams>(n.params) {
                    // Full sync: the last change holds the whole text.
                    if let Some(c) = p.content_changes.into_iter().last() {
                        self.set_text(p.text_document.uri, c.text.into());
                    }
                }
            }
            "textDocument/didSave" => {
                if let Ok(p) = serde_json::from_value::<lt::DidSaveTextDocumentParams>(n.params) {
                    self.on_save(&p.text_document.uri, p.text);
                }
            }
            "textDocument/didClose" => {
                if let Ok(p) = serde_json::from_value::<lt::DidCloseTextDocumentParams>(n.params) {
                    let uri = p.text_document.uri;
                    if let Some(doc) = self.docs.remove(&uri) {
                        // The others in its crate now see the file on disk.
                        self.schedule(scope_of(&doc.path), Duration::ZERO);
                    }
                    if self.published.remove(&uri).is_some() {
                        self.publish(&uri, Vec::new());
                    }
                }
            }
            // `initialized`, `$/cancelRequest`, `$/setTrace`, ...: nothing to do.
            _ => {}
        }
    }

    fn set_text(&mut self, uri: lt::Uri, text: Arc<str>) {
        let Some(path) = uri_to_path(uri.as_str()) else {
            return;
        };
        let path = root::absolute(&path);
        if path.extension().is_none_or(|x| x != "rs") {
            return;
        }
        self.schedule(scope_of(&path), DEBOUNCE);
        self.docs.insert(uri, Doc { path, text });
    }

    fn on_save(&mut self, uri: &lt::Uri, text: Option<String>) {
        if let Some(text) = text
            && let Some(doc) = self.docs.get_mut(uri)
        {
            doc.text = text.into();
        }
        let name = uri.as_str().rsplit('/').next().unwrap_or("");
        if name == "racewise.toml" || name == "Cargo.toml" {
            // Configuration or crate layout: every open crate again.
            let scopes: BTreeSet<PathBuf> = self.docs.values().map(|d| scope_of(&d.path)).collect();
            for s in scopes {
                self.schedule(s, Duration::ZERO);
            }
        } else if let Some(doc) = self.docs.get(uri) {
            let scope = scope_of(&doc.path);
            self.schedule(scope, Duration::ZERO);
        }
    }

    fn schedule(&mut self, scope: PathBuf, delay: Duration) {
        self.dirty.insert(scope);
        let due = Instant::now() + delay;
        // An edit pushes the run back; a save brings it forward.
        self.due = Some(if delay.is_zero() {
            due.min(self.due.unwrap_or(due))
        } else {
            due
        });
    }

    fn analyze_dirty(&mut self) {
        self.due = None;
        let scopes = std::mem::take(&mut self.dirty);
        for scope in scopes {
            self.analyze(&scope);
        }
    }

    /// Analyze one crate with the open buffers and publish for its open documents.
    fn analyze(&mut self, scope: &Path) {
        let open: Vec<(lt::Uri, PathBuf)> = self
            .docs
            .iter()
            .filter(|(_, d)| d.path.starts_with(scope))
            .map(|(u, d)| (u.clone(), d.path.clone()))
            .collect();
        let project = root::find(&[scope.to_path_buf()]);
        let config = match crate::cli::load_config(None, &project) {
            Ok((config, _)) => {
                self.clear_config_diagnostic(&project);
                config
            }
            Err(e) => {
                self.publish_config_error(&project, &e);
                return;
            }
        };
        let mut opts = Options::new(vec![scope.to_path_buf()]);
        opts.discover.root = Some(project.dir.clone());
        opts.config = config;
        opts.keep_sources = false;
        opts.cache = Some(self.caches.entry(scope.to_path_buf()).or_default().clone());
        opts.overrides = Arc::new(
            self.docs
                .values()
                .filter(|d| d.path.starts_with(scope))
                .map(|d| (d.path.clone(), d.text.clone()))
                .collect(),
        );
        let Ok(analysis) = engine::run(&opts) else {
            return;
        };
        log_timings(scope, &analysis.timings);
        let mut by_file: HashMap<PathBuf, Vec<&ReportFinding>> = HashMap::new();
        for f in &analysis.report.findings {
            if f.state != FindingState::Suppressed {
                by_file
                    .entry(analysis.root.join(&f.file))
                    .or_default()
                    .push(f);
            }
        }
        // A buffer that does not parse (mid-edit) keeps its last diagnostics: rust-analyzer
        // reports the syntax error, and findings blinking out on every keystroke help no one.
        let unparsed: BTreeSet<PathBuf> = analysis
            .report
            .errors
            .iter()
            .filter(|e| e.kind == ErrorKind::ParseError)
            .map(|e| analysis.root.join(&e.file))
            .collect();
        for (uri, path) in open {
            if unparsed.contains(&path) {
                continue;
            }
            let text = self.text_of(&path);
            let diags: Vec<lt::Diagnostic> = by_file
                .get(&path)
                .map(|list| {
                    list.iter()
                        .map(|f| self.diagnostic(f, &text, &analysis.root))
                        .collect()
                })
                .unwrap_or_default();
            self.publish(&uri, diags);
        }
    }

    fn text_of(&self, path: &Path) -> Arc<str> {
        self.docs
            .values()
            .find(|d| d.path == path)
            .map(|d| d.text.clone())
            .unwrap_or_else(|| Arc::from(std::fs::read_to_string(path).unwrap_or_default()))
    }

    fn diagnostic(&self, f: &ReportFinding, text: &str, root_dir: &Path) -> lt::Diagnostic {
        let related: Vec<lt::DiagnosticRelatedInformation> = f
            .related
            .iter()
            .filter_map(|r| {
                let path = root_dir.join(&r.file);
                let uri = lt::Uri::from_str(&path_to_uri(&path)).ok()?;
                let other = self.text_of(&path);
                Some(lt::DiagnosticRelatedInformation {
                    location: lt::Location::new(
                        uri,
                        range(&other, r.line, r.column, r.end_line, r.end_column),
                    ),
                    message: r.message.clone(),
                })
            })
            .collect();
        let message = if f.help.is_empty() {
            f.message.clone()
        } else {
            format!("{}\nhelp: {}", f.message, f.help)
        };
        lt::Diagnostic {
            range: range(text, f.line, f.column, f.end_line, f.end_column),
            severity: Some(severity(f.severity)),
            code: Some(lt::NumberOrString::String(f.rule.to_string())),
            code_description: lt::Uri::from_str(DOCS_URL)
                .ok()
                .map(|href| lt::CodeDescription { href }),
            source: Some("racewise".into()),
            message,
            related_information: (!related.is_empty()).then_some(related),
            tags: None,
            // The finding's fix travels to its code action (see `fix_actions`).
            data: Some(json!({
                "rule": f.rule,
                "fingerprint": f.fingerprint,
                "fix": f.fix.as_ref().map(|fix| json!({
                    "description": fix.description,
                    "safety": fix.safety,
                    "edits": fix.edits.iter().map(|e| lt::TextEdit {
                        range: lt::Range::new(
                            position(text, e.line, e.column),
                            position(text, e.end_line, e.end_column),
                        ),
                        new_text: e.text.clone(),
                    }).collect::<Vec<_>>(),
                })),
            })),
        }
    }

    fn publish(&mut self, uri: &lt::Uri, diagnostics: Vec<lt::Diagnostic>) {
        let params = lt::PublishDiagnosticsParams {
            uri: uri.clone(),
            diagnostics: diagnostics.clone(),
            version: None,
        };
        self.published.insert(uri.clone(), diagnostics);
        self.send(Notification::new(
            "textDocument/publishDiagnostics".into(),
            params,
        ));
    }

    fn publish_config_error(&mut self, project: &root::ProjectRoot, e: &UsageError) {
        let (file, line, message) = match e {
            UsageError::Config {
                line,
                message,
                file,
            } => (config_path(project, file), *line, message.clone()),
            other => (config_path(project, ""), 1, other.to_string()),
        };
        let Ok(uri) = lt::Uri::from_str(&path_to_uri(&file)) else {
            return;
        };
        let line = u32::try_from(line.saturating_sub(1)).unwrap_or(0);
        let diag = lt::Diagnostic {
            range: lt::Range::new(
                lt::Position::new(line, 0),
                lt::Position::new(line, u32::MAX),
            ),
            severity: Some(lt::DiagnosticSeverity::ERROR),
            source: Some("racewise".into()),
            message: format!(
                "racewise configuration: {message} (files are not analyzed until it is fixed)"
            ),
            ..Default::default()
        };
        self.config_diagnostics.insert(uri.clone());
        self.publish(&uri, vec![diag]);
    }

    fn clear_config_diagnostic(&mut self, project: &root::ProjectRoot) {
        let file = config_path(project, "");
        if let Ok(uri) = lt::Uri::from_str(&path_to_uri(&file))
            && self.config_diagnostics.remove(&uri)
        {
            self.publish(&uri, Vec::new());
        }
    }

    fn code_actions(&self, p: lt::CodeActionParams) -> Value {
        let uri = p.text_document.uri;
        let text = self.docs.get(&uri).map(|d| d.text.clone());
        let mut actions = Vec::new();
        for d in &p.context.diagnostics {
            if d.source.as_deref() != Some("racewise") {
                continue;
            }
            let Some(lt::NumberOrString::String(rule)) = &d.code else {
                continue;
            };
            if registry::find(rule).is_none() {
                continue;
            }
            actions.extend(fix_actions(&uri, d));
            let line = d.range.start.line;
            let indent: String = text
                .as_deref()
                .and_then(|t| t.lines().nth(line as usize))
                .map(|l| l.chars().take_while(|c| c.is_whitespace()).collect())
                .unwrap_or_default();
            let edit = lt::TextEdit {
                range: lt::Range::new(lt::Position::new(line, 0), lt::Position::new(line, 0)),
                new_text: format!("{indent}{}\n", suppression_comment(rule)),
            };
            actions.push(lt::CodeAction {
                title: format!("Suppress `{rule}` here (type the reason after `--`)"),
                kind: Some(lt::CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![d.clone()]),
                edit: Some(lt::WorkspaceEdit {
                    changes: Some([(uri.clone(), vec![edit])].into_iter().collect()),
                    ..Default::default()
                }),
                ..Default::default()
            });
        }
        serde_json::to_value(actions).unwrap_or(Value::Null)
    }

    fn hover(&self, p: lt::HoverParams) -> Value {
        let pos = p.text_document_position_params.position;
        let uri = p.text_document_position_params.text_document.uri;
        let mut rules: Vec<&str> = self
            .published
            .get(&uri)
            .into_iter()
            .flatten()
            .filter(|d| contains(&d.range, pos))
            .filter_map(|d| match &d.code {
                Some(lt::NumberOrString::String(s)) => Some(s.as_str()),
                _ => None,
            })
            .collect();
        rules.sort_unstable();
        rules.dedup();
        let docs: Vec<String> = rules
            .iter()
            .filter_map(|r| registry::find(r))
            .map(|r| format!("**racewise: `{}`**\n\n{}", r.meta.name, r.meta.docs()))
            .collect();
        if docs.is_empty() {
            return Value::Null;
        }
        json!({"contents": {"kind": "markdown", "value": docs.join("\n---\n")}})
    }
}

/// With `RACEWISE_SERVER_LOG=FILE`, each run's phase timings are appended there (stdout is the
/// protocol's, and editors hide stderr).
fn log_timings(scope: &Path, timings: &[(&'static str, f64)]) {
    let Some(path) = std::env::var_os("RACEWISE_SERVER_LOG") else {
        return;
    };
    let phases: Vec<String> = timings
        .iter()
        .map(|(p, s)| format!("{p} {:.0}ms", s * 1000.0))
        .collect();
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
    {
        let _ = writeln!(f, "{}: {}", scope.display(), phases.join(", "));
    }
}

/// The comment the "suppress" action inserts; the reason is left for the user to type (one
/// without a reason is itself reported, as `unused_suppression`).
pub fn suppression_comment(rule: &str) -> String {
    format!("// racewise: allow({rule}) -- ")
}

/// The code action of a finding's fix (the one `racewise check --fix` applies), carried in the
/// diagnostic's `data`. An unsafe fix says so in its title and is never the preferred action:
/// the editor applies what the user picks, so both are offered, as ruff's server does.
fn fix_actions(uri: &lt::Uri, diagnostic: &lt::Diagnostic) -> Vec<lt::CodeAction> {
    let Some(fix) = diagnostic.data.as_ref().and_then(|d| d.get("fix")) else {
        return Vec::new();
    };
    let Ok(edits) = serde_json::from_value::<Vec<lt::TextEdit>>(fix["edits"].clone()) else {
        return Vec::new();
    };
    if edits.is_empty() {
        return Vec::new();
    }
    let safe = fix["safety"] == "safe";
    let description = fix["description"].as_str().unwrap_or("apply the fix");
    vec![lt::CodeAction {
        title: if safe {
            format!("Fix: {description}")
        } else {
            format!("Fix (unsafe: types or timing change): {description}")
        },
        kind: Some(lt::CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic.clone()]),
        edit: Some(lt::WorkspaceEdit {
            changes: Some([(uri.clone(), edits)].into_iter().collect()),
            ..Default::default()
        }),
        is_preferred: Some(safe),
        ..Default::default()
    }]
}

fn params<P: serde::de::DeserializeOwned>(req: Request) -> Result<P, (ErrorCode, String)> {
    serde_json::from_value(req.params)
        .map_err(|e| (ErrorCode::InvalidParams, format!("{}: {e}", req.method)))
}

fn initialize_result() -> Value {
    let caps = lt::ServerCapabilities {
        text_document_sync: Some(lt::TextDocumentSyncCapability::Options(
            lt::TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(lt::TextDocumentSyncKind::FULL),
                save: Some(lt::TextDocumentSyncSaveOptions::SaveOptions(
                    lt::SaveOptions {
                        include_text: Some(false),
                    },
                )),
                ..Default::default()
            },
        )),
        code_action_provider: Some(lt::CodeActionProviderCapability::Simple(true)),
        hover_provider: Some(lt::HoverProviderCapability::Simple(true)),
        ..Default::default()
    };
    json!({
        "capabilities": caps,
        "serverInfo": {"name": "racewise", "version": env!("CARGO_PKG_VERSION")},
    })
}

/// SARIF's mapping: critical/high are errors, medium warnings, low notes.
fn severity(s: Severity) -> lt::DiagnosticSeverity {
    match s {
        Severity::Critical | Severity::High => lt::DiagnosticSeverity::ERROR,
        Severity::Medium => lt::DiagnosticSeverity::WARNING,
        Severity::Low => lt::DiagnosticSeverity::INFORMATION,
    }
}

fn contains(r: &lt::Range, p: lt::Position) -> bool {
    let after_start = (p.line, p.character) >= (r.start.line, r.start.character);
    let before_end = (p.line, p.character) <= (r.end.line, r.end.character);
    after_start && before_end
}

/// A report's 1-based line and character columns (end exclusive) as an LSP range in UTF-16
/// code units.
fn range(text: &str, line: u32, column: u32, end_line: u32, end_column: u32) -> lt::Range {
    let start = position(text, line, column);
    let end = position(text, end_line.max(line), end_column.max(1));
    lt::Range::new(start, end.max(start))
}

fn position(text: &str, line: u32, column: u32) -> lt::Position {
    let l = line.saturating_sub(1);
    let chars = column.saturating_sub(1) as usize;
    let character = match text.lines().nth(l as usize) {
        Some(src) => src.chars().take(chars).map(|c| c.len_utf16() as u32).sum(),
        None => chars as u32,
    };
    lt::Position::new(l, character)
}

/// The directory whose crate a file is analyzed with: the nearest one above it with a
/// `Cargo.toml` that declares a package; the file alone when there is none.
fn scope_of(path: &Path) -> PathBuf {
    path.ancestors()
        .skip(1)
        .find(|d| {
            std::fs::read_to_string(d.join("Cargo.toml")).is_ok_and(|t| t.contains("[package]"))
        })
        .map(Path::to_path_buf)
        .unwrap_or_else(|| path.to_path_buf())
}

/// The file a configuration error belongs on.
fn config_path(project: &root::ProjectRoot, reported: &str) -> PathBuf {
    match &project.config {
        Some(ConfigSource::File(p)) => p.clone(),
        Some(ConfigSource::Manifest { path, .. }) => path.clone(),
        None if !reported.is_empty() => PathBuf::from(reported),
        None => project.dir.join("racewise.toml"),
    }
}

/// `file://` URI of an absolute path (RFC 3986: everything but unreserved bytes and `/`
/// percent-encoded).
pub fn path_to_uri(path: &Path) -> String {
    let mut out = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The path of a `file:` URI (`file:///p` or `file://localhost/p`), percent-decoded.
pub fn uri_to_path(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    if !rest.starts_with('/') {
        return None;
    }
    let bytes = rest.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = rest.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).ok().map(PathBuf::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_round_trip() {
        let p = Path::new("/work/a b/ü.rs");
        let uri = path_to_uri(p);
        assert_eq!(uri, "file:///work/a%20b/%C3%BC.rs");
        assert_eq!(uri_to_path(&uri).as_deref(), Some(p));
        assert_eq!(uri_to_path("untitled:Untitled-1"), None);
    }

    #[test]
    fn columns_are_utf16() {
        let text = "let s = \"é😀\"; x.lock();\n";
        // `x` is the 17th char: 16 chars before it, the emoji two UTF-16 units.
        assert_eq!(position(text, 1, 17), lt::Position::new(0, 17));
    }

    #[test]
    fn garbage_frames_are_reported_and_skipped() {
        let input = b"garbage line\r\n\r\nContent-Length: 2\r\n\r\n{}".to_vec();
        let mut r = io::Cursor::new(input);
        assert!(matches!(read_frame(&mut r), Ok(Some(Err(_)))));
        assert_eq!(read_frame(&mut r).ok().flatten(), Some(Ok(b"{}".to_vec())));
        assert!(matches!(read_frame(&mut r), Ok(None)));
    }
}
