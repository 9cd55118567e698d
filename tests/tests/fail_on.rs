//! Exit codes: `--fail-on` boundaries (0 below the threshold, 1 at or above it, `never`),
//! uncounted findings, usage errors (2), and `cargo racewise`.

mod ci_support;

use ci_support::{FIVE, Scratch, ci_fixture};
use racewise_tests::racewise;

fn code(dir: &str, select: &str, fail_on: &str) -> i32 {
    let run = racewise(&[
        "check",
        dir,
        "--select",
        select,
        "--format",
        "json",
        "--fail-on",
        fail_on,
    ]);
    assert_ne!(run.code, 2, "{}", run.stderr);
    run.code
}

#[test]
fn boundaries() {
    let service = ci_fixture("service").to_string_lossy().into_owned();
    let suppressions = ci_fixture("suppressions").to_string_lossy().into_owned();
    // (tree, rules, most severe finding)
    let cases = [
        (&service, "exit_in_async", "critical"),
        (&service, "blocking_sleep_in_async", "high"),
        (&service, "blocking_fs_in_async", "medium"),
        (&suppressions, "unused_suppression", "low"),
    ];
    let order = ["critical", "high", "medium", "low"];
    for (dir, rules, worst) in cases {
        let worst_rank = order.iter().position(|s| *s == worst).unwrap();
        for (i, threshold) in order.iter().enumerate() {
            let expected = i32::from(worst_rank <= i);
            assert_eq!(
                code(dir, rules, threshold),
                expected,
                "worst {worst}, --fail-on {threshold}"
            );
        }
        assert_eq!(code(dir, rules, "never"), 0, "--fail-on never with {worst}");
    }
}

#[test]
fn default_threshold_is_high() {
    let service = ci_fixture("service").to_string_lossy().into_owned();
    let run = racewise(&[
        "check",
        &service,
        "--select",
        "blocking_fs_in_async",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "medium findings only");
    let run = racewise(&[
        "check",
        &service,
        "--select",
        "blocking_sleep_in_async",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1, "a high finding");
}

#[test]
fn suppressed_findings_do_not_count() {
    // The suppressions fixture's only critical exit_in_async findings are suppressed, except the
    // one under a malformed suppression.
    let dir = ci_fixture("suppressions");
    let scratch = Scratch::copy_of(&dir);
    scratch.edit(
        "src/lib.rs",
        "    // racewise: allow exit_in_async -- forgot the parentheses //~ new unused_suppression",
        "    // racewise: allow(exit_in_async) -- parentheses added",
    );
    assert_eq!(code(&scratch.path(), "exit_in_async", "critical"), 0);
    assert_eq!(code(&dir.to_string_lossy(), "exit_in_async", "critical"), 1);
}

#[test]
fn usage_errors_exit_2() {
    let service = ci_fixture("service").to_string_lossy().into_owned();
    for args in [
        vec!["check", service.as_str(), "--select", "no_such_rule"],
        vec!["check", service.as_str(), "--ignore", "no_such_rule"],
        vec!["check", service.as_str(), "--fail-on", "severe"],
        vec!["check", service.as_str(), "--format", "xml"],
    ] {
        let run = racewise(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
    }
}

#[test]
fn every_format_is_available() {
    let service = ci_fixture("service").to_string_lossy().into_owned();
    for format in ["human", "json", "sarif", "github", "markdown"] {
        let run = racewise(&["check", &service, "--select", FIVE, "--format", format]);
        assert_eq!(run.code, 1, "--format {format}: {}", run.stderr);
        assert!(!run.stdout.is_empty(), "--format {format}");
    }
}

#[test]
fn output_file() {
    let scratch = Scratch::copy_of(&ci_fixture("service"));
    let out = scratch
        .file("racewise.sarif")
        .to_string_lossy()
        .into_owned();
    let run = racewise(&[
        "check",
        &scratch.path(),
        "--select",
        FIVE,
        "--format",
        "sarif",
        "-o",
        &out,
        "--fail-on",
        "high",
    ]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.is_empty());
    let sarif: serde_json::Value = serde_json::from_str(&scratch.read("racewise.sarif")).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
}

/// `cargo racewise ...` runs `cargo-racewise racewise ...`.
#[test]
fn cargo_subcommand_arguments() {
    let service = ci_fixture("service").to_string_lossy().into_owned();
    let run = |args: &[&str]| {
        let mut out = Vec::new();
        let mut err = Vec::new();
        let argv = args.iter().map(std::ffi::OsString::from).collect();
        let code = racewise::cli::run_cargo(argv, &mut out, &mut err);
        (code, String::from_utf8_lossy(&out).into_owned())
    };
    let (code, out) = run(&[
        "cargo-racewise",
        "racewise",
        "check",
        &service,
        "--select",
        FIVE,
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    assert!(out.contains("\"schema_version\": 1"));
    // Without a subcommand, `check` is implied, with flags or a path first.
    let (code, out) = run(&[
        "cargo-racewise",
        "racewise",
        "--select",
        FIVE,
        "--format",
        "json",
        &service,
    ]);
    assert_eq!(code, 1);
    assert!(out.contains("\"schema_version\": 1"));
    let (code, out) = run(&[
        "cargo-racewise",
        "racewise",
        &service,
        "--select",
        "blocking_fs_in_async",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    assert!(out.contains("blocking_fs_in_async"));
    let (code, out) = run(&["cargo-racewise", "racewise", "rules"]);
    assert_eq!(code, 0);
    assert!(out.contains("exit_in_async"));
}
