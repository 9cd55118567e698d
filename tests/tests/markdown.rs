//! `--format markdown`: the audit report a person reads.

mod ci_support;

use ci_support::{FIVE, check_output, ci_fixture};

fn markdown(dir: &str, extra: &[&str]) -> String {
    // The tool version is part of an audit record, but not of the snapshot.
    check_output("markdown", &[&[dir], extra].concat())
        .replace(racewise::report::TOOL_VERSION, "[version]")
}

#[test]
fn service_report_snapshot() {
    let dir = ci_fixture("service");
    let out = markdown(&dir.to_string_lossy(), &["--select", FIVE]);
    insta::assert_snapshot!("service_markdown", out);
}

#[test]
fn report_structure() {
    let dir = ci_fixture("service");
    let out = markdown(&dir.to_string_lossy(), &["--select", FIVE]);
    assert!(out.starts_with("# racewise audit report\n"));
    let summary = out.find("## Summary").unwrap();
    let by_rule = out.find("## Findings by rule").unwrap();
    let findings = out.find("## Findings\n").unwrap();
    assert!(summary < by_rule && by_rule < findings);
    assert!(out.contains("| Critical | 1 |"));
    // Ordered by severity: the critical finding is RW-001.
    let first = out.find("### RW-001 · critical · `exit_in_async`").unwrap();
    let high = out.find("· high ·").unwrap();
    let medium = out.find("· medium ·").unwrap();
    let low = out.find("· low ·").unwrap();
    assert!(first < high && high < medium && medium < low);
    assert!(out.contains("**Where:** `src/routes.rs:"));
    assert!(out.contains("**Why it matters:** `exit` ends the process on the spot"));
    assert!(out.contains("**Suggested fix:** "));
    assert!(out.contains("```rust\n"));
    assert!(out.contains("> 24 |     std::process::exit(0);"), "{out}");
    assert!(!out.lines().any(|l| l.ends_with(' ')), "no trailing spaces");
}

#[test]
fn files_not_analyzed_are_listed() {
    let dir = racewise_tests::fixtures().join("e2e/broken");
    let out = markdown(&dir.to_string_lossy(), &["--select", FIVE]);
    assert!(out.contains("## Files not analyzed"), "{out}");
    assert!(out.contains("| parse_error |"), "{out}");
}
