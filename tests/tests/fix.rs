//! `racewise check --fix` / `--unsafe-fixes` / `--diff`: every case under `fixtures/fix/<case>/`
//! is a `before/` tree, the `after/` tree `--fix` must turn it into (byte for byte), and an
//! optional `args` file of extra flags. A second `--fix` run changes nothing; `--diff` prints
//! a unified diff (snapshot) and writes nothing; the never-touch cases (a file that does not
//! parse, a call in a closure, a crate whose tokio has no `fs`/`time`, a fix that would add a
//! finding) stay as they are.

mod ci_support;

use std::collections::BTreeMap;
use std::path::Path;

use ci_support::Scratch;
use racewise_tests::{fixtures, racewise};
use serde_json::Value;

/// Every file under `dir`, by `/`-separated relative path.
fn tree(dir: &Path) -> BTreeMap<String, String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .expect("read dir")
            .flatten()
            .map(|e| e.path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).expect("under root");
                let rel = rel.to_string_lossy().replace('\\', "/");
                out.insert(rel, std::fs::read_to_string(&p).expect("read file"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn case_dir(case: &str) -> std::path::PathBuf {
    fixtures().join("fix").join(case)
}

fn case_args(case: &str) -> Vec<String> {
    std::fs::read_to_string(case_dir(case).join("args"))
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

fn cases() -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(fixtures().join("fix"))
        .expect("fix fixtures")
        .flatten()
        .filter(|e| e.path().join("before").is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    out.sort();
    out
}

fn run_in(dir: &str, extra: &[&str], case_args: &[String]) -> racewise_tests::Run {
    let mut args = vec!["check", dir];
    args.extend_from_slice(extra);
    args.extend(case_args.iter().map(String::as_str));
    racewise(&args)
}

fn json(run: &racewise_tests::Run) -> Value {
    serde_json::from_str(&run.stdout).expect("JSON report")
}

#[test]
fn every_case_is_fixed_to_its_after_tree_and_a_second_run_changes_nothing() {
    let all = cases();
    assert!(all.len() >= 5, "fix cases: {all:?}");
    for case in &all {
        let args = case_args(case);
        let scratch = Scratch::copy_of(&case_dir(case).join("before"));
        let first = run_in(
            &scratch.path(),
            &["--fix", "--format", "json", "--jobs", "2"],
            &args,
        );
        let want = tree(&case_dir(case).join("after"));
        let got = tree(&scratch.root);
        for (file, text) in &want {
            assert_eq!(
                got.get(file),
                Some(text),
                "{case}: {file} after --fix differs from after/{file}\nstderr: {}",
                first.stderr
            );
        }
        assert_eq!(
            got.keys().collect::<Vec<_>>(),
            want.keys().collect::<Vec<_>>(),
            "{case}: --fix left a file behind (temporary file?) or removed one"
        );
        // The exit code is that of the findings left after the fixes.
        let left = json(&first);
        let failing = left["findings"].as_array().into_iter().flatten().any(|f| {
            f["state"] == "new" && matches!(f["severity"].as_str(), Some("critical" | "high"))
        });
        assert_eq!(first.code, i32::from(failing), "{case}: {}", first.stderr);
        // Idempotent: nothing left to apply, nothing written.
        let second = run_in(&scratch.path(), &["--fix", "--format", "json"], &args);
        assert!(
            second.stderr.contains("applied 0 fix(es) in 0 file(s)"),
            "{case}: second run: {}",
            second.stderr
        );
        assert_eq!(
            tree(&scratch.root),
            got,
            "{case}: second --fix changed files"
        );
    }
}

#[test]
fn diff_previews_every_case_and_writes_nothing() {
    for case in cases() {
        let args = case_args(&case);
        let scratch = Scratch::copy_of(&case_dir(&case).join("before"));
        let before = tree(&scratch.root);
        let run = run_in(&scratch.path(), &["--diff"], &args);
        assert_eq!(tree(&scratch.root), before, "{case}: --diff wrote files");
        let changes = before != tree(&case_dir(&case).join("after"));
        assert_eq!(run.code, i32::from(changes), "{case}: {}", run.stderr);
        insta::assert_snapshot!(format!("fix_diff_{case}"), run.stdout);
    }
}

#[test]
fn unsafe_fixes_need_the_flag() {
    let scratch = Scratch::copy_of(&case_dir("blocking_unsafe").join("before"));
    let before = tree(&scratch.root);
    let run = run_in(&scratch.path(), &["--fix", "--format", "json"], &[]);
    assert_eq!(
        tree(&scratch.root),
        before,
        "unsafe fixes applied without the flag"
    );
    assert!(
        run.stderr
            .contains("applied 0 fix(es) in 0 file(s); 6 more with --unsafe-fixes"),
        "{}",
        run.stderr
    );
    // Without --fix, the summary says what --fix could do.
    let plain = run_in(&scratch.path(), &["--format", "json"], &[]);
    assert!(
        plain
            .stderr
            .contains("6 fix(es) available with --fix --unsafe-fixes"),
        "{}",
        plain.stderr
    );
}

#[test]
fn json_findings_carry_the_fix_and_only_where_it_applies() {
    let dir = case_dir("blocking_unsafe").join("before");
    let v = json(&run_in(&dir.to_string_lossy(), &["--format", "json"], &[]));
    let findings = v["findings"].as_array().expect("findings");
    let at = |file: &str, line: u64| {
        findings
            .iter()
            .find(|f| f["file"] == file && f["line"] == line && f["rule"] != "swallowed_result")
            .unwrap_or_else(|| panic!("no finding at {file}:{line}"))
    };
    let write = at("svc/src/routes.rs", 19);
    assert_eq!(write["fix"]["safety"], "unsafe");
    assert_eq!(
        write["fix"]["description"],
        "replace std::fs::write with tokio::fs::write(..).await"
    );
    let edits = write["fix"]["edits"].as_array().expect("edits");
    assert_eq!(edits.len(), 2);
    assert_eq!(edits[0]["text"], "tokio::fs::write");
    assert_eq!(
        (
            &edits[0]["line"],
            &edits[0]["column"],
            &edits[0]["end_column"]
        ),
        (&Value::from(19), &Value::from(5), &Value::from(19))
    );
    assert_eq!(edits[1]["text"], ".await");
    assert_eq!(edits[1]["column"], edits[1]["end_column"], "an insertion");
    // In a closure, `File::open`, and in a crate whose tokio has no `fs`/`time`: no fix.
    for (file, line) in [
        ("svc/src/routes.rs", 26),
        ("svc/src/routes.rs", 33),
        ("legacy/src/lib.rs", 4),
        ("legacy/src/lib.rs", 5),
    ] {
        assert!(
            at(file, line).get("fix").is_none(),
            "{file}:{line} offers a fix"
        );
    }
    // The JSON schema stays additive: findings without a fix have no `fix` key at all.
    assert!(findings.iter().any(|f| f.get("fix").is_none()));
}

#[test]
fn a_file_that_does_not_parse_offers_no_fix() {
    let dir = case_dir("parse_error").join("before");
    let v = json(&run_in(&dir.to_string_lossy(), &["--format", "json"], &[]));
    assert!(
        v["errors"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|e| e["file"] == "src/broken.rs" && e["kind"] == "parse_error")
    );
    for f in v["findings"].as_array().into_iter().flatten() {
        if f["file"] == "src/broken.rs" {
            assert!(f.get("fix").is_none(), "{f}");
        }
    }
}
