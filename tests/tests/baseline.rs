//! Baselines: write, rerun with everything known (exit 0), a new finding fails the run alone,
//! fixed findings still in the baseline are counted.

mod ci_support;

use ci_support::{FIVE, Scratch, check_json, ci_fixture, findings};
use racewise_tests::racewise;

fn write_baseline(dir: &str, file: &str) {
    let run = racewise(&[
        "check",
        dir,
        "--select",
        FIVE,
        "--write-baseline",
        file,
        "--fail-on",
        "never",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

fn states(j: &serde_json::Value) -> Vec<String> {
    findings(j)
        .iter()
        .map(|f| f["state"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn round_trip() {
    let scratch = Scratch::copy_of(&ci_fixture("service"));
    let base = scratch
        .file("racewise-baseline.json")
        .to_string_lossy()
        .into_owned();
    write_baseline(&scratch.path(), &base);
    let doc: serde_json::Value =
        serde_json::from_str(&scratch.read("racewise-baseline.json")).unwrap();
    let fps = doc["fingerprints"].as_array().unwrap();

    // Without the baseline the run fails (there are high findings)...
    let (run, plain) = check_json(&[&scratch.path(), "--select", FIVE]);
    assert_eq!(run.code, 1);
    assert_eq!(fps.len(), findings(&plain).len());
    let mut sorted = fps.clone();
    sorted.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
    assert_eq!(&sorted, fps, "sorted, for reviewable diffs");

    // ...with it, everything is known.
    let (run, known) = check_json(&[&scratch.path(), "--select", FIVE, "--baseline", &base]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        states(&known).iter().all(|s| s == "baseline"),
        "{:?}",
        states(&known)
    );
    assert_eq!(known["summary"]["findings"], 0);
    assert_eq!(known["summary"]["baseline"], fps.len());
    assert!(known["summary"].get("baseline_fixed").is_none());

    // One new finding: exit 1, exactly one new.
    scratch.edit(
        "src/routes.rs",
        "async fn throttle() -> StatusCode {",
        "async fn backoff() {\n    std::thread::sleep(Duration::from_secs(1));\n}\n\nasync fn throttle() -> StatusCode {",
    );
    let (run, one_new) = check_json(&[&scratch.path(), "--select", FIVE, "--baseline", &base]);
    assert_eq!(run.code, 1);
    let new: Vec<serde_json::Value> = findings(&one_new)
        .into_iter()
        .filter(|f| f["state"] == "new")
        .collect();
    assert_eq!(new.len(), 1, "{new:#?}");
    assert_eq!(new[0]["rule"], "blocking_sleep_in_async");
    assert_eq!(new[0]["function"], "backoff");
    assert_eq!(one_new["summary"]["findings"], 1);

    // A fixed finding stays in the baseline: counted so the baseline can be pruned.
    scratch.edit(
        "src/routes.rs",
        "match std::fs::write(&path, b\"{}\") {",
        "match tokio::fs::write(&path, b\"{}\").await {",
    );
    let (_, fixed) = check_json(&[&scratch.path(), "--select", FIVE, "--baseline", &base]);
    assert_eq!(fixed["summary"]["baseline_fixed"], 1);
    assert_eq!(fixed["summary"]["baseline"], fps.len() - 1);
}

#[test]
fn baseline_entries_may_be_annotated_objects() {
    let scratch = Scratch::copy_of(&ci_fixture("service"));
    let base = scratch.file("b.json").to_string_lossy().into_owned();
    write_baseline(&scratch.path(), &base);
    let doc: serde_json::Value = serde_json::from_str(&scratch.read("b.json")).unwrap();
    let objects: Vec<serde_json::Value> = doc["fingerprints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| serde_json::json!({"fingerprint": f, "owner": "team-orders"}))
        .collect();
    scratch.write(
        "b.json",
        &serde_json::json!({"fingerprints": objects}).to_string(),
    );
    let (run, _) = check_json(&[&scratch.path(), "--select", FIVE, "--baseline", &base]);
    assert_eq!(run.code, 0);
}

#[test]
fn suppressed_findings_are_not_written() {
    let dir = ci_fixture("suppressions");
    let scratch = Scratch::copy_of(&dir);
    let base = scratch.file("b.json").to_string_lossy().into_owned();
    write_baseline(&scratch.path(), &base);
    let doc: serde_json::Value = serde_json::from_str(&scratch.read("b.json")).unwrap();
    let (_, j) = check_json(&[&scratch.path(), "--select", FIVE, "--fail-on", "never"]);
    assert!(j["summary"]["suppressed"].as_u64().unwrap() > 0);
    assert_eq!(
        doc["fingerprints"].as_array().unwrap().len(),
        findings(&j).len()
    );
}

#[test]
fn unreadable_baseline_is_a_usage_error() {
    let scratch = Scratch::copy_of(&ci_fixture("service"));
    scratch.write("b.json", "{\"findings\": []}");
    let base = scratch.file("b.json").to_string_lossy().into_owned();
    let run = racewise(&["check", &scratch.path(), "--baseline", &base]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("fingerprints"), "{}", run.stderr);
    let run = racewise(&[
        "check",
        &scratch.path(),
        "--baseline",
        "/nonexistent/b.json",
    ]);
    assert_eq!(run.code, 2);
}
