//! `--format sarif`: SARIF 2.1.0 as GitHub code scanning ingests it.
//!
//! - Every rule of the catalog is a `tool.driver.rules` entry (so `ruleIndex` is stable across
//!   runs), with its documentation as `help` and `properties.security-severity` for GitHub.
//! - Locations are relative to `%SRCROOT%` (the scan root, declared in `originalUriBaseIds`).
//! - `partialFingerprints` carries racewise's own fingerprint and the `primaryLocationLineHash`
//!   that GitHub's upload action would compute, so uploads through the API (which do not compute
//!   it) do not open duplicate alerts.
//! - GitHub ignores SARIF `suppressions`, so suppressed and baselined findings are left out unless
//!   `--include-suppressed` asks for them (then they carry `suppressions` / `baselineState`).
//! - Unreadable or unparsable files become `toolExecutionNotifications`.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use racewise_lints::{RuleMeta, Severity, registry};
use serde::Serialize;
use serde_json::{Value, json};

use super::docs;
use super::{FindingState, RelatedLocation, Report, ReportFinding, TOOL_NAME, TOOL_VERSION};
use crate::config::Config;
use crate::error::{ErrorKind, FileError};

pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// The project's home (the workspace `repository`), shown by viewers as the tool's link.
pub const INFORMATION_URI: &str = env!("CARGO_PKG_REPOSITORY");
/// Key of racewise's own fingerprint in `partialFingerprints`; bump the version if the
/// fingerprint's recipe ever changes, so old and new values are not compared.
pub const FINGERPRINT_KEY: &str = "racewiseFingerprint/v1";
pub const SRCROOT: &str = "%SRCROOT%";

pub struct SarifOptions<'a> {
    /// The scan root (what report paths are relative to).
    pub root: &'a Path,
    pub config: &'a Config,
    /// Keep suppressed and baselined findings, marked.
    pub include_suppressed: bool,
    /// A baseline was given: results carry `baselineState`.
    pub baseline_used: bool,
}

/// SARIF `level` of a severity (the spec's mapping).
pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}

/// GitHub's `security-severity` score: one value inside each of GitHub's bands (critical ≥ 9.0,
/// high 7.0–8.9, medium 4.0–6.9, low 0.1–3.9).
pub fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "2.0",
    }
}

/// Tags shown by code scanning; `security` makes GitHub treat `security-severity` as such, and
/// the CWE tags follow CodeQL's `external/cwe/cwe-N` convention.
fn tags(rule: &str) -> Vec<&'static str> {
    let mut t = vec!["concurrency"];
    let (security, cwe): (bool, &[&'static str]) = match rule {
        "exit_in_async" | "blocking_fs_in_async" | "blocking_sleep_in_async" => (true, &[]),
        "blocking_lock_in_async" | "lock_across_await" => (true, &["external/cwe/cwe-667"]),
        "lock_order_inversion" => (true, &["external/cwe/cwe-833"]),
        "multiple_locks_held" => (false, &[]),
        "check_then_act" => (true, &["external/cwe/cwe-367"]),
        "nonunique_temp_path" => (true, &["external/cwe/cwe-377"]),
        "secret_in_log" => (true, &["external/cwe/cwe-532"]),
        "non_constant_time_compare" => (true, &["external/cwe/cwe-208"]),
        "swallowed_result" => (true, &["external/cwe/cwe-252"]),
        "broadcast_lagged_exit" | "ignored_shutdown_signal" | "detached_spawn" => (true, &[]),
        _ => (false, &[]),
    };
    if rule.contains("async") || rule.contains("await") || rule.contains("spawn") {
        t.push("async");
    }
    if matches!(rule, "broad_lint_allow" | "unused_suppression") {
        t = vec!["maintainability"];
    }
    if security {
        t.push("security");
    }
    t.extend_from_slice(cwe);
    t
}

/// `exit_in_async` → `ExitInAsync` (SARIF recommends a Pascal-case `name`).
fn pascal(name: &str) -> String {
    name.split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

fn rule_descriptor(meta: &RuleMeta, severity: Severity) -> Value {
    let docs_text = meta.docs();
    let full = docs::section(&docs_text, "What it does")
        .map(|s| docs::unwrap_paragraphs(&s))
        .unwrap_or_else(|| meta.summary.to_string());
    json!({
        "id": meta.name,
        "name": pascal(meta.name),
        "shortDescription": {"text": meta.summary},
        "fullDescription": {"text": full},
        "help": {"text": docs_text.trim().to_string() + "\n", "markdown": docs::markdown(&docs_text)},
        "defaultConfiguration": {"level": level(severity)},
        "properties": {
            "security-severity": security_severity(severity),
            "tags": tags(meta.name),
        },
    })
}

/// Percent-encode a `/`-separated path for a URI: everything but RFC 3986 unreserved characters
/// and `/` (a `:` in a relative first segment would otherwise read as a scheme).
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `file:///abs/root/` for the scan root, if it can be made absolute.
fn root_uri(root: &Path) -> Option<String> {
    let abs = std::fs::canonicalize(root).ok()?;
    let s = abs.to_string_lossy().replace('\\', "/");
    // Windows verbatim prefix (`//?/C:/...`) and drive letters.
    let s = s.strip_prefix("//?/").unwrap_or(&s).to_string();
    let s = if s.starts_with('/') {
        s
    } else {
        format!("/{s}")
    };
    let mut enc = String::new();
    for (i, seg) in s.split('/').enumerate() {
        if i > 0 {
            enc.push('/');
        }
        // Keep a drive letter's colon (`/C:/`).
        if i == 1 && seg.len() == 2 && seg.ends_with(':') {
            enc.push_str(seg);
        } else {
            enc.push_str(&encode_path(seg));
        }
    }
    if !enc.ends_with('/') {
        enc.push('/');
    }
    Some(format!("file://{enc}"))
}

fn physical(file: &str, region: Option<(u32, u32, u32, u32)>) -> Value {
    let mut loc = json!({
        "artifactLocation": {"uri": encode_path(file), "uriBaseId": SRCROOT},
    });
    if let Some((line, col, end_line, end_col)) = region {
        let mut r = json!({"startLine": line.max(1)});
        if col > 0 {
            r["startColumn"] = json!(col);
        }
        if end_line >= line && end_line > 0 {
            r["endLine"] = json!(end_line);
            if end_col > 0 && (end_line > line || end_col >= col) {
                r["endColumn"] = json!(end_col);
            }
        }
        loc["region"] = r;
    }
    loc
}

/// Both halves of a lock-order cycle as a code flow, one thread flow per site. The finding's
/// own thread takes the first lock (the rule's first related location, when it lies before the
/// finding in the same file) and then the second (the finding); every other related location is
/// another site of the cycle, on another thread.
fn code_flows(f: &ReportFinding) -> Value {
    let step = |file: &str, r: (u32, u32, u32, u32), msg: &str| json!({"location": {"physicalLocation": physical(file, Some(r)), "message": {"text": msg}}, "nestingLevel": 0});
    let rel = |r: &RelatedLocation| {
        step(
            &r.file,
            (r.line, r.column, r.end_line, r.end_column),
            &r.message,
        )
    };
    let mut own = Vec::new();
    let mut others: &[RelatedLocation] = &f.related;
    if let Some(first) = f.related.first()
        && f.related.len() > 1
        && first.file == f.file
        && (first.line, first.column) <= (f.line, f.column)
    {
        own.push(rel(first));
        others = &f.related[1..];
    }
    own.push(step(
        &f.file,
        (f.line, f.column, f.end_line, f.end_column),
        &f.message,
    ));
    let mut flows = vec![json!({"locations": own})];
    flows.extend(others.iter().map(|r| json!({"locations": [rel(r)]})));
    json!([{"message": {"text": f.message}, "threadFlows": flows}])
}

/// Rules whose related locations, when present, are the steps of a call chain (the call graph's
/// findings), in call order.
const CALL_CHAIN_RULES: &[&str] = &[
    "blocking_fs_in_async",
    "blocking_sleep_in_async",
    "blocking_lock_in_async",
    "exit_in_async",
];

/// A call chain as one thread flow: the call in async code, then each fn's call down to the
/// blocking one, one nesting level deeper per call.
fn call_chain_flow(f: &ReportFinding) -> Value {
    let mut steps = vec![json!({
        "location": {"physicalLocation": physical(&f.file, Some((f.line, f.column, f.end_line, f.end_column))), "message": {"text": f.message}},
        "nestingLevel": 0,
    })];
    for (depth, r) in f.related.iter().enumerate() {
        steps.push(json!({
            "location": {"physicalLocation": physical(&r.file, Some((r.line, r.column, r.end_line, r.end_column))), "message": {"text": r.message}},
            "nestingLevel": depth + 1,
        }));
    }
    json!([{"message": {"text": f.message}, "threadFlows": [{"locations": steps}]}])
}

// Results are serialized from these structs, not built as `serde_json::Value` trees: allocating
// and dropping a map per field made SARIF the slowest reporter (25,000 findings/s). Fields are
// declared in alphabetical order, the order the `Value` maps gave, so the bytes are unchanged.

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    uri_base_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRegion {
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<u32>,
    start_line: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Physical {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<SarifRegion>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation<'a> {
    fully_qualified_name: &'a str,
    kind: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    logical_locations: Option<[LogicalLocation<'a>; 1]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text<'a>>,
    physical_location: Physical,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RelatedLoc<'a> {
    id: usize,
    message: Text<'a>,
    physical_location: Physical,
}

#[derive(Serialize)]
struct Properties<'a> {
    help: &'a str,
    /// Test code (only written when true), also tagged so code scanning can filter it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    in_test: bool,
    severity: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    tags: Option<[&'static str; 1]>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline_state: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    code_flows: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fixes: Option<Value>,
    level: &'static str,
    locations: [Location<'a>; 1],
    message: Text<'a>,
    partial_fingerprints: BTreeMap<&'static str, &'a str>,
    properties: Properties<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<RelatedLoc<'a>>,
    rule_id: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressions: Option<Value>,
}

fn typed_physical(file: &str, (line, col, end_line, end_col): (u32, u32, u32, u32)) -> Physical {
    let mut region = SarifRegion {
        end_column: None,
        end_line: None,
        start_column: (col > 0).then_some(col),
        start_line: line.max(1),
    };
    if end_line >= line && end_line > 0 {
        region.end_line = Some(end_line);
        if end_col > 0 && (end_line > line || end_col >= col) {
            region.end_column = Some(end_col);
        }
    }
    Physical {
        artifact_location: ArtifactLocation {
            uri: encode_path(file),
            uri_base_id: SRCROOT,
        },
        region: Some(region),
    }
}

fn result<'a>(
    f: &'a ReportFinding,
    rule_index: &BTreeMap<&str, usize>,
    line_hash: Option<&'a String>,
    opts: &SarifOptions,
) -> SarifResult<'a> {
    let mut partial_fingerprints = BTreeMap::new();
    partial_fingerprints.insert(FINGERPRINT_KEY, f.fingerprint.as_str());
    if let Some(h) = line_hash {
        partial_fingerprints.insert("primaryLocationLineHash", h.as_str());
    }
    let location = Location {
        logical_locations: f.function.as_deref().map(|func| {
            [LogicalLocation {
                fully_qualified_name: func,
                kind: "function",
            }]
        }),
        message: None,
        physical_location: typed_physical(&f.file, (f.line, f.column, f.end_line, f.end_column)),
    };
    let related_locations = f
        .related
        .iter()
        .enumerate()
        .map(|(i, rel)| RelatedLoc {
            id: i + 1,
            message: Text { text: &rel.message },
            physical_location: typed_physical(
                &rel.file,
                (rel.line, rel.column, rel.end_line, rel.end_column),
            ),
        })
        .collect();
    SarifResult {
        baseline_state: opts
            .baseline_used
            .then_some(if f.state == FindingState::Baseline {
                "unchanged"
            } else {
                "new"
            }),
        code_flows: if f.related.is_empty() {
            None
        } else if f.rule == "lock_order_inversion" {
            Some(code_flows(f))
        } else if CALL_CHAIN_RULES.contains(&f.rule) {
            Some(call_chain_flow(f))
        } else {
            None
        },
        fixes: f.fix.as_ref().map(|fix| sarif_fixes(&f.file, fix)),
        level: level(f.severity),
        locations: [location],
        message: Text { text: &f.message },
        partial_fingerprints,
        properties: Properties {
            help: &f.help,
            in_test: f.in_test,
            severity: f.severity.as_str(),
            tags: f.in_test.then_some(["test-code"]),
        },
        related_locations,
        rule_id: f.rule,
        rule_index: rule_index.get(f.rule).copied(),
        suppressions: (f.state == FindingState::Suppressed)
            .then(|| json!([{"kind": "inSource", "status": "accepted"}])),
    }
}

/// A finding's fix as SARIF `fixes`: one artifact change of the finding's file, a replacement
/// per edit (an empty `deletedRegion` inserts); the safety goes in the fix's property bag.
fn sarif_fixes(file: &str, fix: &crate::report::ReportFix) -> Value {
    let replacements: Vec<Value> = fix
        .edits
        .iter()
        .map(|e| {
            json!({
                "deletedRegion": {
                    "startLine": e.line.max(1),
                    "startColumn": e.column.max(1),
                    "endLine": e.end_line.max(e.line).max(1),
                    "endColumn": e.end_column.max(1),
                },
                "insertedContent": {"text": e.text},
            })
        })
        .collect();
    json!([{
        "description": {"text": fix.description},
        "artifactChanges": [{
            "artifactLocation": {"uri": encode_path(file), "uriBaseId": SRCROOT},
            "replacements": replacements,
        }],
        "properties": {"safety": fix.safety.as_str()},
    }])
}

fn notification(e: &FileError) -> Value {
    let level = match e.kind {
        ErrorKind::ParseError | ErrorKind::InternalError => "error",
        _ => "warning",
    };
    let text = if e.file.is_empty() {
        e.message.clone()
    } else {
        format!("{}: {}", e.file, e.message)
    };
    let mut n = json!({
        "level": level,
        "message": {"text": text},
        "descriptor": {"id": e.kind.as_str()},
    });
    if !e.file.is_empty() {
        let region = e.line.map(|l| (l, e.column.unwrap_or(0), 0, 0));
        n["locations"] = json!([{"physicalLocation": physical(&e.file, region)}]);
    }
    n
}

fn driver(rules: Vec<Value>) -> Value {
    let mut d = json!({
        "name": TOOL_NAME,
        "version": TOOL_VERSION,
        "semanticVersion": TOOL_VERSION,
        "rules": rules,
    });
    if !INFORMATION_URI.is_empty() {
        d["informationUri"] = json!(INFORMATION_URI);
    }
    d
}

pub fn render(
    report: &Report,
    sources: &BTreeMap<String, Arc<str>>,
    opts: &SarifOptions,
) -> String {
    let mut rules = Vec::new();
    let mut rule_index = BTreeMap::new();
    for (i, entry) in registry::RULES.iter().enumerate() {
        let sev = opts
            .config
            .severity_for(entry.meta.name)
            .unwrap_or(entry.meta.default_severity);
        rules.push(rule_descriptor(entry.meta, sev));
        rule_index.insert(entry.meta.name, i);
    }
    let shown: Vec<&ReportFinding> = report
        .findings
        .iter()
        .filter(|f| opts.include_suppressed || f.state == FindingState::New)
        .collect();

    // Hash each file with findings once; keep only the lines results point at.
    let mut wanted: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    for f in &shown {
        wanted.entry(f.file.as_str()).or_default().push(f.line);
    }
    let mut hashes: HashMap<(&str, u32), String> = HashMap::new();
    for (file, lines) in &wanted {
        let Some(text) = sources.get(*file) else {
            continue;
        };
        let all = line_hashes(text);
        for &l in lines {
            if let Some(h) = all.get((l.max(1) - 1) as usize) {
                hashes.insert((file, l), h.clone());
            }
        }
    }
    let results: Vec<SarifResult> = shown
        .iter()
        .map(|f| result(f, &rule_index, hashes.get(&(f.file.as_str(), f.line)), opts))
        .collect();

    let mut base = json!({"description": {"text": "The directory racewise scanned; result paths are relative to it."}});
    if let Some(uri) = root_uri(opts.root) {
        base["uri"] = json!(uri);
    }
    let notifications: Vec<Value> = report.errors.iter().map(notification).collect();
    let mut invocation = json!({"executionSuccessful": true});
    if !notifications.is_empty() {
        invocation["toolExecutionNotifications"] = json!(notifications);
    }
    let doc = Doc {
        schema: SCHEMA_URI,
        runs: [Run {
            column_kind: "unicodeCodePoints",
            invocations: [invocation],
            original_uri_base_ids: json!({SRCROOT: base}),
            results,
            tool: json!({"driver": driver(rules)}),
        }],
        version: "2.1.0",
    };
    let mut s =
        serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

#[derive(Serialize)]
struct Doc<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: [Run<'a>; 1],
    version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    column_kind: &'static str,
    invocations: [Value; 1],
    original_uri_base_ids: Value,
    results: Vec<SarifResult<'a>>,
    tool: Value,
}

/// `primaryLocationLineHash` of every line of `text` (element `i` is line `i + 1`), computed the
/// way GitHub's upload action does it (github/codeql-action, `src/fingerprints.ts`, `hash`):
///
/// a rolling hash (base 37, wrapping 64-bit arithmetic) over a window of the next 100 characters
/// starting at each line, where characters are UTF-16 code units, spaces and tabs are skipped,
/// `\r\n` and `\r` count as `\n`, the input is followed by one 65535 "end of file" unit and then
/// zeros; the value is the unsigned hash in lowercase hex, `:` and how many times that hash has
/// been seen so far in the file (so identical lines stay distinct). The end-of-file unit starts a
/// line of its own when the text ends with a newline, exactly as in the action.
pub fn line_hashes(text: &str) -> Vec<String> {
    const BLOCK_SIZE: usize = 100;
    const MOD: u64 = 37;
    const TAB: u32 = b'\t' as u32;
    const SPACE: u32 = b' ' as u32;
    const LF: u32 = b'\n' as u32;
    const CR: u32 = b'\r' as u32;
    const EOF: u32 = 65535;

    struct State {
        window: [u64; BLOCK_SIZE],
        line_numbers: [Option<usize>; BLOCK_SIZE],
        hash: u64,
        first_mod: u64,
        index: usize,
        line_number: usize,
        line_start: bool,
        prev_cr: bool,
        counts: HashMap<u64, usize>,
        out: Vec<(usize, String)>,
    }

    impl State {
        fn output(&mut self) {
            let n = self.counts.entry(self.hash).or_default();
            *n += 1;
            if let Some(line) = self.line_numbers[self.index] {
                self.out.push((line, format!("{:x}:{}", self.hash, n)));
            }
            self.line_numbers[self.index] = None;
        }

        fn update(&mut self, current: u32) {
            let begin = self.window[self.index];
            self.window[self.index] = u64::from(current);
            self.hash = MOD
                .wrapping_mul(self.hash)
                .wrapping_add(u64::from(current))
                .wrapping_sub(self.first_mod.wrapping_mul(begin));
            self.index = (self.index + 1) % BLOCK_SIZE;
        }

        fn process(&mut self, mut current: u32) {
            if current == SPACE || current == TAB || (self.prev_cr && current == LF) {
                self.prev_cr = false;
                return;
            }
            if current == CR {
                current = LF;
                self.prev_cr = true;
            } else {
                self.prev_cr = false;
            }
            if self.line_numbers[self.index].is_some() {
                self.output();
            }
            if self.line_start {
                self.line_start = false;
                self.line_number += 1;
                self.line_numbers[self.index] = Some(self.line_number);
            }
            if current == LF {
                self.line_start = true;
            }
            self.update(current);
        }
    }

    let mut st = State {
        window: [0; BLOCK_SIZE],
        line_numbers: [None; BLOCK_SIZE],
        hash: 0,
        first_mod: MOD.wrapping_pow(BLOCK_SIZE as u32),
        index: 0,
        line_number: 0,
        line_start: true,
        prev_cr: false,
        counts: HashMap::new(),
        out: Vec::new(),
    };
    for unit in text.encode_utf16() {
        st.process(u32::from(unit));
    }
    st.process(EOF);
    for _ in 0..BLOCK_SIZE {
        if st.line_numbers[st.index].is_some() {
            st.output();
        }
        st.update(0);
    }
    // Lines are emitted in order, one each; sort anyway so indexing by line is safe.
    st.out.sort_by_key(|(l, _)| *l);
    st.out.into_iter().map(|(_, h)| h).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pascal_names() {
        assert_eq!(pascal("exit_in_async"), "ExitInAsync");
    }

    #[test]
    fn encodes_paths() {
        assert_eq!(encode_path("src/a b/c:d.rs"), "src/a%20b/c%3Ad.rs");
        assert_eq!(encode_path("src/é.rs"), "src/%C3%A9.rs");
    }
}
