//! Helpers for racewise's end-to-end tests: run the CLI in-process, and compare findings with the
//! `//~ rule_name` markers written next to the code in fixture trees.

pub mod cargo_registry;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Output of one in-process `racewise` run.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn racewise(args: &[&str]) -> Run {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let argv = std::iter::once("racewise").chain(args.iter().copied());
    let code = racewise::cli::run(argv, &mut out, &mut err);
    Run {
        code,
        stdout: String::from_utf8_lossy(&out).into_owned(),
        stderr: String::from_utf8_lossy(&err).into_owned(),
    }
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// `(file, line) -> count` of `//~ rule` markers for `rule` under `dir`.
pub fn expected_markers(dir: &Path, rule: &str) -> BTreeMap<(String, u32), usize> {
    let mut out = BTreeMap::new();
    for entry in walk_rs(dir) {
        let text = std::fs::read_to_string(&entry).unwrap_or_default();
        let rel = rel_path(dir, &entry);
        for (i, line) in text.lines().enumerate() {
            // `Cargo.toml` findings are marked with a TOML comment: `key = "allow" #~ rule`.
            let marker = if entry.ends_with("Cargo.toml") {
                "#~"
            } else {
                "//~"
            };
            let Some(pos) = line.find(marker) else {
                continue;
            };
            let n = line[pos + marker.len()..]
                .split_whitespace()
                .filter(|w| *w == rule)
                .count();
            if n > 0 {
                *out.entry((rel.clone(), i as u32 + 1)).or_default() += n;
            }
        }
    }
    out
}

/// `(file, line) -> count` of findings of `rule` reported by `racewise check --select rule dir`.
pub fn actual_findings(
    dir: &Path,
    rule: &str,
) -> (BTreeMap<(String, u32), usize>, serde_json::Value) {
    let d = dir.to_string_lossy().to_string();
    // A suppression is only "used" if its rule runs: that rule's fixture runs every rule.
    let mut args = vec![
        "check",
        d.as_str(),
        "--format",
        "json",
        "--fail-on",
        "never",
    ];
    if rule != "unused_suppression" {
        args.extend(["--select", rule]);
    }
    let run = racewise(&args);
    assert_eq!(run.code, 0, "racewise failed: {}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json report");
    let mut out = BTreeMap::new();
    for f in json["findings"].as_array().into_iter().flatten() {
        if f["rule"] == rule {
            let key = (
                f["file"].as_str().unwrap_or("").to_string(),
                f["line"].as_u64().unwrap_or(0) as u32,
            );
            *out.entry(key).or_default() += 1;
        }
    }
    (out, json)
}

/// Fail with a readable diff if markers and findings disagree; the fixture's JSON report.
pub fn assert_fixture(rule: &str) -> serde_json::Value {
    let dir = fixtures().join("rules").join(rule);
    assert!(dir.is_dir(), "no fixture directory {}", dir.display());
    let expected = expected_markers(&dir, rule);
    assert!(!expected.is_empty(), "fixture for {rule} has no markers");
    let (actual, json) = actual_findings(&dir, rule);
    let mut problems = Vec::new();
    let keys: std::collections::BTreeSet<_> =
        expected.keys().chain(actual.keys()).cloned().collect();
    for key in keys {
        let e = expected.get(&key).copied().unwrap_or(0);
        let a = actual.get(&key).copied().unwrap_or(0);
        if e != a {
            let msgs: Vec<String> = json["findings"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|f| f["file"] == key.0.as_str() && f["line"] == key.1)
                .map(|f| f["message"].as_str().unwrap_or("").to_string())
                .collect();
            let kind = if a > e { "EXTRA" } else { "MISSING" };
            problems.push(format!(
                "{kind} {}:{} expected {e}, got {a} {msgs:?}",
                key.0, key.1
            ));
        }
    }
    let errors = json["errors"].as_array().cloned().unwrap_or_default();
    assert!(
        errors.is_empty(),
        "fixture for {rule} has analysis errors: {errors:?}"
    );
    assert!(
        problems.is_empty(),
        "{rule}: {} mismatches:\n{}",
        problems.len(),
        problems.join("\n")
    );
    json
}

fn rel_path(root: &Path, p: &Path) -> String {
    p.strip_prefix(root)
        .unwrap_or(p)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn walk_rs(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs")
                || p.file_name().is_some_and(|n| n == "Cargo.toml")
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// `(file, kind, message)` of every entry in a JSON report's `errors`.
pub fn report_errors(json: &serde_json::Value) -> Vec<(String, String, String)> {
    json["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            (
                e["file"].as_str().unwrap_or("").to_string(),
                e["kind"].as_str().unwrap_or("").to_string(),
                e["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}
