//! Inputs a CI step meets on real trees, none of which may crash, hang or abort the run: empty
//! files, non-UTF-8 bytes, huge generated files, 10,000-level nesting, symlink loops, unreadable
//! files, paths with spaces and non-ASCII names, a parse error next to good files, and a rule that
//! panics. Every input is generated in a scratch directory at test time.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use racewise::engine::{self, Options};
use racewise_lints::lint::{Lint, RuleMeta};
use racewise_lints::registry::{self, RuleEntry};
use racewise_lints::semantic::Cx;
use racewise_lints::{Severity, lint::CrateFinding, semantic::CrateCx};
use racewise_tests::racewise;
use serde_json::Value;

/// A scratch directory removed (after restoring permissions) when the test ends.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("racewise-robustness-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create scratch dir");
        Scratch(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.0.join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("create parent");
        }
        std::fs::write(&p, bytes).expect("write scratch file");
        p
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mut stack = vec![self.0.clone()];
            while let Some(d) = stack.pop() {
                let _ = std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o755));
                for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                    let p = e.path();
                    let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
                    let mode = if is_dir { 0o755 } else { 0o644 };
                    if !e.file_type().is_ok_and(|t| t.is_symlink()) {
                        let _ = std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode));
                    }
                    if is_dir {
                        stack.push(p);
                    }
                }
            }
        }
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `racewise check DIR --format json` with a time limit (a hang is a failure, not a stuck CI job).
fn check_json(dir: &Path, extra: &[&str]) -> Value {
    let dir = dir.to_string_lossy().into_owned();
    let extra: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut args = vec!["check", &dir, "--format", "json", "--fail-on", "never"];
        args.extend(extra.iter().map(String::as_str));
        let _ = tx.send(racewise(&args));
    });
    let run = rx
        .recv_timeout(Duration::from_secs(600))
        .expect("racewise check did not finish within 600 s (hang?)");
    assert_eq!(run.code, 0, "racewise failed: {}", run.stderr);
    serde_json::from_str(&run.stdout).expect("JSON report")
}

fn errors(json: &Value) -> Vec<(String, String, String)> {
    racewise_tests::report_errors(json)
}

fn findings(json: &Value) -> BTreeSet<(String, String, u64)> {
    json["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_string(),
                f["file"].as_str().unwrap_or("").to_string(),
                f["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

fn no_internal_errors(json: &Value) {
    let internal: Vec<_> = errors(json)
        .into_iter()
        .filter(|e| e.1 == "internal_error")
        .collect();
    assert!(internal.is_empty(), "internal errors: {internal:?}");
}

/// A file whose line 3 is a certain `exit_in_async` finding: proof the file was analyzed.
const GOOD: &str = "use std::process;\n\nasync fn restart() { process::exit(1); }\n";

fn has_exit_finding(json: &Value, file: &str) -> bool {
    findings(json).contains(&("exit_in_async".to_string(), file.to_string(), 3))
}

#[test]
fn empty_and_trivial_files() {
    let s = Scratch::new("empty");
    s.write("empty.rs", "");
    s.write("blank.rs", "\n\n   \n\t\n");
    s.write("comment.rs", "// nothing here\n/* nor here */\n");
    s.write("bom.rs", "\u{feff}fn main() {}\n");
    s.write(
        "crlf.rs",
        "async fn f() {\r\n    std::process::exit(1);\r\n}\r\n",
    );
    s.write("good.rs", GOOD);
    let json = check_json(s.path(), &[]);
    assert_eq!(errors(&json), Vec::new());
    assert_eq!(json["summary"]["files_scanned"], 6);
    assert!(has_exit_finding(&json, "good.rs"));
    assert!(findings(&json).contains(&("exit_in_async".into(), "crlf.rs".into(), 2)));
}

#[test]
fn non_utf8_bytes_are_an_error_entry() {
    let s = Scratch::new("utf8");
    s.write("latin1.rs", b"fn main() {\n    let s = \"caf\xe9\";\n}\n");
    s.write("binary.rs", [0u8, 159, 146, 150, 0xff, 0xfe, 0, 1]);
    s.write("good.rs", GOOD);
    let json = check_json(s.path(), &[]);
    let errs = errors(&json);
    let kinds: BTreeSet<(&str, &str)> = errs.iter().map(|e| (e.0.as_str(), e.1.as_str())).collect();
    assert_eq!(
        kinds,
        BTreeSet::from([("binary.rs", "non_utf8"), ("latin1.rs", "non_utf8")]),
        "{errs:?}"
    );
    let latin1 = json["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|e| e["file"] == "latin1.rs")
        .expect("latin1 entry");
    assert_eq!(latin1["line"], 2, "the line of the first invalid byte");
    assert!(has_exit_finding(&json, "good.rs"));
}

#[test]
fn parse_error_in_one_file_while_others_are_analyzed() {
    let s = Scratch::new("parse");
    s.write("src/broken.rs", "async fn f() {\n    let x = ;\n}\n");
    s.write("src/unclosed.rs", "mod m {\n    fn g() {\n");
    s.write("src/good.rs", GOOD);
    let json = check_json(s.path(), &[]);
    let errs = errors(&json);
    assert!(
        errs.iter()
            .any(|e| e.0 == "src/broken.rs" && e.1 == "parse_error"),
        "{errs:?}"
    );
    assert!(
        errs.iter()
            .any(|e| e.0 == "src/unclosed.rs" && e.1 == "parse_error"),
        "{errs:?}"
    );
    let broken = json["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|e| e["file"] == "src/broken.rs")
        .expect("broken entry");
    assert_eq!(broken["line"], 2);
    assert!(has_exit_finding(&json, "src/good.rs"));
    no_internal_errors(&json);
}

#[test]
fn paths_with_spaces_and_non_ascii_names() {
    let s = Scratch::new("names");
    s.write("my crate/src/hand lers.rs", GOOD);
    s.write("données/naïve_ünïcödé.rs", GOOD);
    s.write("日本/サービス.rs", GOOD);
    s.write("emoji/🦀 crab.rs", GOOD);
    let json = check_json(s.path(), &[]);
    assert_eq!(errors(&json), Vec::new());
    for f in [
        "my crate/src/hand lers.rs",
        "données/naïve_ünïcödé.rs",
        "日本/サービス.rs",
        "emoji/🦀 crab.rs",
    ] {
        assert!(has_exit_finding(&json, f), "no finding in {f}: {json}");
    }
    // A single file given directly, whose name needs quoting in any shell.
    let one = s.path().join("emoji/🦀 crab.rs");
    let json = check_json(&one, &[]);
    assert!(has_exit_finding(&json, "🦀 crab.rs"), "{json}");
}

#[cfg(unix)]
#[test]
fn symlink_loops_never_hang() {
    use std::os::unix::fs::symlink;
    let s = Scratch::new("symlinks");
    s.write("src/good.rs", GOOD);
    s.write("src/inner/deep.rs", GOOD);
    // A directory link back to an ancestor, a two-link cycle, a self link, a dangling link and a
    // link to a file.
    symlink(s.path(), s.path().join("src/inner/up")).expect("symlink");
    symlink(s.path().join("b.rs"), s.path().join("a.rs")).expect("symlink");
    symlink(s.path().join("a.rs"), s.path().join("b.rs")).expect("symlink");
    symlink(s.path().join("self"), s.path().join("self")).expect("symlink");
    symlink(s.path().join("missing.rs"), s.path().join("dangling.rs")).expect("symlink");
    symlink(s.path().join("src/good.rs"), s.path().join("alias.rs")).expect("symlink");
    let json = check_json(s.path(), &[]);
    assert!(has_exit_finding(&json, "src/good.rs"));
    assert!(has_exit_finding(&json, "src/inner/deep.rs"));
    no_internal_errors(&json);
    // Also when the loop is what the user names on the command line, and with --no-ignore.
    let json = check_json(&s.path().join("src/inner/up"), &["--no-ignore"]);
    no_internal_errors(&json);
    let json = check_json(&s.path().join("a.rs"), &[]);
    no_internal_errors(&json);
}

#[cfg(unix)]
#[test]
fn unreadable_files_are_reported() {
    use std::os::unix::fs::PermissionsExt;
    let s = Scratch::new("unreadable");
    s.write("good.rs", GOOD);
    let secret = s.write("secret.rs", GOOD);
    s.write("locked/inside.rs", GOOD);
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    let locked = s.path().join("locked");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    let json = check_json(s.path(), &[]);
    assert!(has_exit_finding(&json, "good.rs"));
    no_internal_errors(&json);
    if std::fs::read(&secret).is_ok() {
        // CI containers run as root, where mode 000 does not prevent reading.
        eprintln!(
            "skipping the unreadable-file assertions: running with permission to read mode-000 files (root?)"
        );
        return;
    }
    let errs = errors(&json);
    assert!(
        errs.iter().any(|e| e.0 == "secret.rs" && e.1 == "io_error"),
        "{errs:?}"
    );
    assert!(
        errs.iter()
            .any(|e| e.0.starts_with("locked") && e.1 == "io_error"),
        "{errs:?}"
    );
}

/// Realistic service code, repeated: `n` async handlers with a lock, an exit and a macro each.
fn generated_source(target_bytes: usize) -> String {
    let mut s = String::from(
        "use std::sync::Mutex;\nuse std::process;\n\npub struct State { jobs: Mutex<Vec<u32>> }\n\n",
    );
    let mut i = 0usize;
    while s.len() < target_bytes {
        let _ = write!(
            s,
            "/// Handler {i}.\npub async fn handler_{i}(state: &State, id: u32) -> Result<u32, String> {{\n    \
             let n = {{ let jobs = state.jobs.lock().unwrap(); jobs.len() as u32 }};\n    \
             if n > {i} {{ process::exit(2); }}\n    \
             tracing::info!(id, n, \"handled {{}}\", format!(\"{{id}}-{{n}}\"));\n    \
             Ok(n + id)\n}}\n\n"
        );
        i += 1;
    }
    s
}

fn large_file(bytes: usize, name: &str) {
    let s = Scratch::new(name);
    let text = generated_source(bytes);
    let handlers = text.matches("pub async fn").count();
    s.write("big.rs", &text);
    s.write("good.rs", GOOD);
    let json = check_json(
        s.path(),
        &["--select", "exit_in_async,blocking_lock_in_async"],
    );
    no_internal_errors(&json);
    let errs = errors(&json);
    if errs.iter().any(|e| e.0 == "big.rs") {
        // Reported rather than analyzed (e.g. over the size limit) is acceptable; crashing is not.
        assert!(errs.iter().all(|e| e.1 == "too_large"), "{errs:?}");
    } else {
        let exits = findings(&json)
            .iter()
            .filter(|f| f.0 == "exit_in_async" && f.1 == "big.rs")
            .count();
        assert_eq!(exits, handlers, "one exit finding per generated handler");
    }
    assert!(has_exit_finding(&json, "good.rs"));
}

/// Always on: a 1 MB generated file (fast enough in debug builds).
#[test]
fn large_generated_file() {
    large_file(1 << 20, "large");
}

/// The 50 MB file of issue 6. Too slow for a debug test run; `scripts/test.sh` and
/// `scripts/bench.sh` run it in release (`cargo test --release -- --ignored huge`).
#[test]
#[ignore = "50 MB takes minutes in a debug build; run in release: cargo test --release -p racewise-tests --test robustness -- --ignored"]
fn huge_generated_file_50mb() {
    large_file(50 << 20, "huge");
}

const DEPTH: usize = 10_000;

/// 10,000-level nesting of every recursive construct: the parser, the walker (bounded by its
/// MAX_DEPTH), the rules, and the AST's `Drop` must all survive it on the engine's threads.
#[test]
fn ten_thousand_level_nesting() {
    let n = DEPTH;
    let rep = |s: &str, k: usize| s.repeat(k);
    let cases: Vec<(&str, String)> = vec![
        (
            "parens",
            format!("let v = {}1{};", rep("(", n), rep(")", n)),
        ),
        ("binary", format!("let v = 1{};", rep(" + 1", n))),
        ("unary", format!("let v = {}1;", rep("!", n))),
        ("method_chain", format!("let v = x{};", rep(".clone()", n))),
        ("field_chain", format!("let v = x{};", rep(".f", n))),
        (
            "calls",
            format!("let v = {}x{};", rep("f(", n), rep(")", n)),
        ),
        ("blocks", format!("{}{}", rep("{ ", n), rep("} ", n))),
        (
            "arrays",
            format!("let v = {}1{};", rep("[", n), rep("]", n)),
        ),
        (
            "tuples",
            format!("let v = {}1{};", rep("(", n), rep(",)", n)),
        ),
        ("closures", format!("let v = {}1;", rep("|| ", n))),
        (
            "async_blocks",
            format!("let v = {}1{};", rep("async { ", n), rep(" }", n)),
        ),
        ("awaits", format!("let v = x{};", rep(".await", n))),
        ("refs", format!("let v = {}x;", rep("&", n))),
        ("index", format!("let v = x{};", rep("[0]", n))),
        ("try", format!("let v = x{};", rep("?", n))),
        ("if_else", format!("{} {{}}", rep("if a { } else ", n))),
        (
            "nested_ifs",
            format!("{}{}", rep("if a { ", n), rep("} ", n)),
        ),
        (
            "match",
            format!("let v = {}1{};", rep("match x { _ => ", n), rep(" }", n)),
        ),
        ("loops", format!("{}{}", rep("loop { ", n), rep("} ", n))),
        (
            "vec_macro",
            format!("let v = {}1{};", rep("vec![", n), rep("]", n)),
        ),
        (
            "format_macro",
            format!("let v = {}1{};", rep("format!(\"{}\", ", n), rep(")", n)),
        ),
        (
            "select",
            format!(
                "{}{}",
                rep("tokio::select! { _ = a => { ", n),
                rep("} } ", n)
            ),
        ),
        (
            "types",
            format!("let v: {}u8{} = x;", rep("Vec<", n), rep(">", n)),
        ),
        (
            "patterns",
            format!("let {}x{} = v;", rep("(", n), rep(",)", n)),
        ),
        (
            "lock_chain",
            format!("let v = m{};", rep(".lock().unwrap()", n)),
        ),
    ];
    let item_cases: Vec<(&str, String)> = vec![
        ("modules", format!("{}{}", rep("mod m { ", n), rep("} ", n))),
        (
            "fn_items",
            format!("{}{}", rep("async fn f() { ", n), rep("} ", n)),
        ),
        (
            "impls",
            format!(
                "{}{}",
                rep("fn f() { impl S { fn g() { ", n),
                rep("} } } ", n)
            ),
        ),
        (
            "type_alias",
            format!("type T = {}u8{};", rep("Option<", n), rep(">", n)),
        ),
        (
            "struct_field",
            format!(
                "struct S {{ f: {}u8{} }}",
                rep("std::sync::Arc<", n),
                rep(">", n)
            ),
        ),
        (
            "attrs",
            format!(
                "{}fn f() {{}}",
                rep("#[cfg_attr(a, allow(clippy::await_holding_lock))] ", n)
            ),
        ),
        (
            "use_groups",
            format!("use {}std::fs{};", rep("a::{", n), rep("}", n)),
        ),
    ];
    let s = Scratch::new("nesting");
    let mut expected = Vec::new();
    for (name, body) in &cases {
        let file = format!("{name}.rs");
        // A certain finding after the deep part: analysis went on past it.
        s.write(
            &file,
            format!("async fn deep(x: u8) {{\n    {body}\n    std::process::exit(1);\n}}\n"),
        );
        expected.push((file, 3u64));
    }
    for (name, body) in &item_cases {
        let file = format!("item_{name}.rs");
        s.write(
            &file,
            format!("{body}\nasync fn after() {{\n    std::process::exit(1);\n}}\n"),
        );
        expected.push((file, 3));
    }
    let json = check_json(s.path(), &[]);
    no_internal_errors(&json);
    let errs = errors(&json);
    let found = findings(&json);
    let mut missing = Vec::new();
    for (file, line) in &expected {
        // syn may reject some of these (e.g. a type nested past its own limits), and shapes with
        // several delimiters per level (`select!`, impls in fns) pass the pre-parse nesting
        // bound: reported as a parse error or as too deep is fine, a crash or a silently dropped
        // file is not.
        let parse_error = errs
            .iter()
            .any(|e| &e.0 == file && (e.1 == "parse_error" || e.1 == "too_large"));
        if !parse_error && !found.contains(&("exit_in_async".to_string(), file.clone(), *line)) {
            missing.push(file.clone());
        }
    }
    assert!(
        missing.is_empty(),
        "files not analyzed past their nesting: {missing:?}\nerrors: {errs:?}"
    );
    assert_eq!(
        json["summary"]["files_scanned"].as_u64(),
        Some(expected.len() as u64)
    );
}

/// Deeper than any stack fits (40,000 levels overflowed the parser's 256 MiB stack): the
/// pre-parse nesting bound reports the file as `too_large` and the run goes on.
#[test]
fn nesting_past_the_bound_is_reported_not_parsed() {
    let n = 50_000;
    let s = Scratch::new("too-deep");
    let shapes = [
        (
            "async_blocks",
            format!("let v = {}1{};", "async { ".repeat(n), " }".repeat(n)),
        ),
        (
            "generics",
            format!("let v: {}u8{} = x;", "Vec<".repeat(n), ">".repeat(n)),
        ),
        ("closures", format!("let v = {}1;", "|| ".repeat(n))),
        ("returns", format!("let v = {}1;", "return ".repeat(n))),
    ];
    for (name, body) in &shapes {
        s.write(
            &format!("{name}.rs"),
            format!("async fn deep() {{\n    {body}\n}}\n"),
        );
    }
    s.write("fine.rs", "async fn f() {\n    std::process::exit(1);\n}\n");
    let json = check_json(s.path(), &[]);
    let errs = errors(&json);
    for (name, _) in &shapes {
        let file = format!("{name}.rs");
        assert!(
            errs.iter().any(|e| e.0 == file && e.1 == "too_large"),
            "{file} not reported as too deep: {errs:?}"
        );
    }
    assert!(findings(&json).contains(&("exit_in_async".to_string(), "fine.rs".to_string(), 2)));
}

// ---- the per-rule panic boundary ----

static PANICKY_META: RuleMeta = RuleMeta {
    name: "panicky_test_rule",
    default_severity: Severity::Low,
    summary: "panics on `boom()` (robustness test)",
    source: "//! test rule\n",
};

static CRATE_PANICKY_META: RuleMeta = RuleMeta {
    name: "crate_panicky_test_rule",
    default_severity: Severity::Low,
    summary: "panics in its crate phase (robustness test)",
    source: "//! test rule\n",
};

/// Panics at the first call to `boom()`; counts the expressions it sees after that (it must see
/// none: it is disabled for the rest of the file).
#[derive(Default)]
struct Panicky {
    tripped: bool,
}

impl Lint for Panicky {
    fn meta(&self) -> &'static RuleMeta {
        &PANICKY_META
    }

    fn check_expr(&mut self, cx: &Cx, expr: &syn::Expr) {
        assert!(!self.tripped, "called again after panicking");
        if let syn::Expr::Call(call) = expr
            && cx.callee(call).is_some_and(|c| c.ends_with("boom"))
        {
            self.tripped = true;
            panic!("deliberate test panic");
        }
    }
}

#[derive(Default)]
struct CratePanicky;

impl Lint for CratePanicky {
    fn meta(&self) -> &'static RuleMeta {
        &CRATE_PANICKY_META
    }

    fn check_crate(&self, _cx: &CrateCx, _out: &mut Vec<CrateFinding>) {
        panic!("deliberate crate-phase panic");
    }
}

static PANICKY: RuleEntry = RuleEntry {
    meta: &PANICKY_META,
    make: || Box::new(Panicky::default()),
};

static CRATE_PANICKY: RuleEntry = RuleEntry {
    meta: &CRATE_PANICKY_META,
    make: || Box::new(CratePanicky),
};

#[test]
fn a_panicking_rule_is_named_and_the_rest_goes_on() {
    let s = Scratch::new("panics");
    // The panic comes first in the file; exit_in_async's findings before and after it remain.
    s.write(
        "src/a.rs",
        "async fn a() {\n    boom();\n    std::process::exit(1);\n}\nasync fn b() {\n    boom();\n    std::process::exit(2);\n}\n",
    );
    s.write("src/b.rs", GOOD);
    let mut rules: Vec<&'static RuleEntry> = vec![&PANICKY, &CRATE_PANICKY];
    rules.extend(registry::find("exit_in_async"));
    let opts = Options::new(vec![s.path().to_path_buf()]);
    let analysis = engine::run_with_rules(&opts, &rules).expect("run");
    let report = &analysis.report;
    let internal: Vec<(&str, &str)> = report
        .errors
        .iter()
        .filter(|e| e.kind.as_str() == "internal_error")
        .map(|e| (e.file.as_str(), e.message.as_str()))
        .collect();
    let per_file: Vec<_> = internal
        .iter()
        .filter(|(_, m)| m.contains("`panicky_test_rule`"))
        .collect();
    assert_eq!(
        per_file.len(),
        1,
        "one error for the file, not one per call: {internal:?}"
    );
    assert_eq!(per_file[0].0, "src/a.rs");
    assert!(
        per_file[0].1.contains("deliberate test panic"),
        "{internal:?}"
    );
    assert!(
        internal
            .iter()
            .any(|(_, m)| m.contains("`crate_panicky_test_rule`")),
        "{internal:?}"
    );
    let exits: BTreeSet<(&str, u32)> = report
        .findings
        .iter()
        .filter(|f| f.rule == "exit_in_async")
        .map(|f| (f.file.as_str(), f.line))
        .collect();
    assert_eq!(
        exits,
        BTreeSet::from([("src/a.rs", 3), ("src/a.rs", 7), ("src/b.rs", 3)])
    );
}
