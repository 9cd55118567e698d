//! End-to-end behaviour of `racewise check` on small fixture crates: the exact JSON and human
//! output (snapshots), a file that does not parse, and byte-identical output across runs and
//! thread counts.

use racewise_tests::{fixtures, racewise};

/// The rules issue 2 delivered; snapshots select them so later rules don't churn these files.
const CORE_RULES: &str = "exit_in_async,blocking_fs_in_async,blocking_sleep_in_async,blocking_lock_in_async,lock_across_await";

fn orders() -> String {
    fixtures().join("e2e/orders").to_string_lossy().into_owned()
}

#[test]
fn json_report_snapshot() {
    let run = racewise(&[
        "check",
        &orders(),
        "--select",
        CORE_RULES,
        "--format",
        "json",
    ]);
    assert_eq!(
        run.code, 1,
        "high/critical findings fail the default --fail-on high: {}",
        run.stderr
    );
    insta::assert_snapshot!("orders_json", run.stdout);
}

#[test]
fn human_report_snapshot() {
    let run = racewise(&[
        "check",
        &orders(),
        "--select",
        CORE_RULES,
        "--color",
        "never",
    ]);
    assert_eq!(run.code, 1);
    insta::assert_snapshot!("orders_human", run.stdout);
}

#[test]
fn unparsable_file_is_reported_and_the_run_goes_on() {
    let dir = fixtures().join("e2e/broken");
    let run = racewise(&[
        "check",
        &dir.to_string_lossy(),
        "--format",
        "json",
        "--fail-on",
        "medium",
    ]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let errors = json["errors"].as_array().expect("errors array");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["file"], "src/half_written.rs");
    assert_eq!(errors[0]["kind"], "parse_error");
    assert_eq!(errors[0]["line"], 5);
    // The other files were still analyzed.
    let findings = json["findings"].as_array().expect("findings");
    assert!(
        findings
            .iter()
            .any(|f| f["file"] == "src/good.rs" && f["rule"] == "blocking_fs_in_async"),
        "{findings:?}"
    );
    assert_eq!(json["summary"]["files_scanned"], 3);
    assert_eq!(
        run.code, 1,
        "the medium finding still fails --fail-on medium"
    );

    let human = racewise(&["check", &dir.to_string_lossy(), "--color", "never"]);
    assert!(human.stdout.contains("parse_error"), "{}", human.stdout);
    assert!(
        human.stdout.contains("src/half_written.rs"),
        "{}",
        human.stdout
    );
}

#[test]
fn output_is_identical_across_runs_and_thread_counts() {
    let all = fixtures().to_string_lossy().into_owned();
    let base = [
        "check",
        all.as_str(),
        "--format",
        "json",
        "--fail-on",
        "never",
    ];
    let with_jobs = |j: &str| {
        let mut args = base.to_vec();
        args.extend(["--jobs", j]);
        racewise(&args).stdout
    };
    let first = racewise(&base).stdout;
    let second = racewise(&base).stdout;
    let one = with_jobs("1");
    let two = with_jobs("2");
    assert!(
        first.len() > 1000 && first.contains("\"findings\""),
        "the scan found something to compare"
    );
    assert_eq!(first, second, "two runs differ");
    assert_eq!(one, two, "--jobs 1 and --jobs 2 differ");
    assert_eq!(first, one);
}
