//! Test code (`#[cfg(test)]` modules, statements and match arms, files that open with
//! `#![cfg(test)]`, `#[test]` fns, `tests/` (also a package of its own inside one), an
//! unpublished package the others only name in `[dev-dependencies]`, test-support modules such as `testkit.rs`, and fns
//! named for tests that only tests call) is analyzed by every rule that can go wrong
//! there: its findings carry `"in_test": true` (JSON and SARIF), are lowered one severity level
//! by default, and `[tests] mode` in `racewise.toml` keeps (`same`) or drops (`skip`) them.

mod ci_support;

use ci_support::{Scratch, check_json, ci_fixture, findings};
use racewise_tests::racewise;

/// `(file, line, rule, severity, in_test)` of each finding.
fn rows(json: &serde_json::Value) -> Vec<(String, u64, String, String, bool)> {
    findings(json)
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap_or("").to_string(),
                f["line"].as_u64().unwrap_or(0),
                f["rule"].as_str().unwrap_or("").to_string(),
                f["severity"].as_str().unwrap_or("").to_string(),
                f["in_test"].as_bool().unwrap_or(false),
            )
        })
        .collect()
}

fn run_with_mode(mode: Option<&str>) -> (racewise_tests::Run, serde_json::Value) {
    let tree = Scratch::copy_of(&ci_fixture("test_code"));
    if let Some(mode) = mode {
        tree.write("racewise.toml", &format!("[tests]\nmode = \"{mode}\"\n"));
    }
    let path = tree.path();
    check_json(&[
        &path,
        "--select",
        "blocking_sleep_in_async,swallowed_result",
        "--fail-on",
        "never",
    ])
}

fn row(
    file: &str,
    line: u64,
    rule: &str,
    severity: &str,
    in_test: bool,
) -> (String, u64, String, String, bool) {
    (file.into(), line, rule.into(), severity.into(), in_test)
}

/// Every finding of the fixture at its rule's own severity (`mode = "same"`), in report order.
fn at_full_severity() -> Vec<(String, u64, String, String, bool)> {
    vec![
        // A package the poller names in `[dependencies]` (and in `[dev-dependencies]` too).
        row(
            "retry/src/lib.rs",
            4,
            "blocking_sleep_in_async",
            "high",
            false,
        ),
        // A package only ever a dev-dependency: a harness the tests start.
        row("sim/src/lib.rs", 4, "blocking_sleep_in_async", "high", true),
        // A `pub` fn named for tests that only tests call.
        row("src/helpers.rs", 7, "blocking_sleep_in_async", "high", true),
        // The same shape with a production caller.
        row(
            "src/helpers.rs",
            13,
            "blocking_sleep_in_async",
            "high",
            false,
        ),
        row(
            "src/integration.rs",
            5,
            "blocking_sleep_in_async",
            "high",
            true,
        ),
        row("src/lib.rs", 7, "blocking_sleep_in_async", "high", false),
        row("src/lib.rs", 18, "blocking_sleep_in_async", "high", true),
        // A `#[cfg(test)]` match arm.
        row("src/lib.rs", 39, "blocking_sleep_in_async", "high", true),
        // A module whose file says `#![cfg(test)]`; `start` reaches it only through a
        // `#[cfg(test)]` statement, so it has no finding.
        row(
            "src/schema_check.rs",
            11,
            "blocking_sleep_in_async",
            "high",
            true,
        ),
        // A test-support module by its name (`pub mod testkit;`).
        row("src/testkit.rs", 4, "blocking_sleep_in_async", "high", true),
        // A package of its own inside `tests/`: a component the tests deploy.
        row(
            "tests/components/slow-echo/src/lib.rs",
            4,
            "blocking_sleep_in_async",
            "high",
            true,
        ),
        row("tests/setup.rs", 4, "swallowed_result", "medium", true),
        // A published package only a dev-dependency here: its users are beyond the scan.
        row(
            "wire/src/lib.rs",
            4,
            "blocking_sleep_in_async",
            "high",
            false,
        ),
    ]
}

/// One severity level lower.
fn lower(severity: &str) -> String {
    match severity {
        "critical" => "high",
        "high" => "medium",
        "medium" => "low",
        other => other,
    }
    .to_string()
}

#[test]
fn test_code_findings_are_marked_and_lowered_by_default() {
    let (_, json) = run_with_mode(None);
    let expected: Vec<_> = at_full_severity()
        .into_iter()
        .map(|(file, line, rule, severity, in_test)| {
            let severity = if in_test { lower(&severity) } else { severity };
            (file, line, rule, severity, in_test)
        })
        .collect();
    assert_eq!(rows(&json), expected);
    assert_eq!(json["summary"]["in_test"], 9, "{}", json["summary"]);
    assert_eq!(json["summary"]["findings"], 13);
    // Production findings carry no `in_test` key at all.
    assert!(findings(&json)[0].get("in_test").is_none());
}

#[test]
fn tests_mode_same_keeps_and_skip_drops_test_findings() {
    let (_, same) = run_with_mode(Some("same"));
    assert_eq!(rows(&same), at_full_severity());
    let (_, skip) = run_with_mode(Some("skip"));
    let production: Vec<_> = at_full_severity().into_iter().filter(|r| !r.4).collect();
    assert_eq!(rows(&skip), production);
    assert_eq!(production.len(), 4);
}

#[test]
fn an_unknown_tests_mode_is_a_config_error() {
    let tree = Scratch::copy_of(&ci_fixture("test_code"));
    tree.write("racewise.toml", "[tests]\nmode = \"ignore\"\n");
    let run = racewise(&["check", &tree.path()]);
    assert_eq!(run.code, 2, "stderr: {}", run.stderr);
    assert!(run.stderr.contains("racewise.toml:2"), "{}", run.stderr);
    assert!(
        run.stderr.contains("\"lower\", \"same\" or \"skip\""),
        "{}",
        run.stderr
    );
}

#[test]
fn sarif_tags_test_code_results() {
    let tree = Scratch::copy_of(&ci_fixture("test_code"));
    let path = tree.path();
    let run = racewise(&[
        "check",
        &path,
        "--select",
        "blocking_sleep_in_async",
        "--format",
        "sarif",
        "--fail-on",
        "never",
    ]);
    let sarif: serde_json::Value = serde_json::from_str(&run.stdout).expect("SARIF is JSON");
    let results = sarif["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let tagged: Vec<bool> = results
        .iter()
        .map(|r| r["properties"]["in_test"].as_bool().unwrap_or(false))
        .collect();
    assert_eq!(
        tagged,
        vec![
            false, true, true, false, true, false, true, true, true, true, true, false
        ]
    );
    assert_eq!(results[1]["properties"]["tags"][0], "test-code");
}
