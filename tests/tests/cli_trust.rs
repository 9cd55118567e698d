//! Issue 13, "a CLI that CI can trust and people can read": one test (or more) per defect, each
//! of which failed before the fix.

use std::path::{Path, PathBuf};
use std::time::Instant;

use racewise_tests::racewise;

const HAZARD: &str =
    "pub async fn f() { std::thread::sleep(std::time::Duration::from_secs(1)); }\n";
const EXIT: &str = "pub async fn g() { std::process::exit(1); }\n";
const PKG: &str = "[package]\nname = \"p\"\nversion = \"0.1.0\"\nedition = \"2021\"\n";

fn scratch(name: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let dir = std::env::temp_dir().join(format!("racewise-{name}-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    std::fs::canonicalize(&dir).expect("canonical scratch dir")
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(p, text).expect("write");
}

fn s(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

fn json(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

/// `(file, rule)` of every finding in a JSON report.
fn files_and_rules(v: &serde_json::Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = v["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            (
                f["file"].as_str().unwrap_or("").to_string(),
                f["rule"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

// Defect 1 --------------------------------------------------------------------------------------

#[test]
fn d1_empty_tree_says_so_and_fail_on_error_fails() {
    let root = scratch("d1-empty");
    write(&root, "notes.txt", "no rust here");
    let run = racewise(&["check", &s(&root), "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("no Rust files found"),
        "stderr: {}",
        run.stderr
    );
    let run = racewise(&["check", &s(&root), "--fail-on-error"]);
    assert_eq!(
        run.code, 1,
        "nothing analyzed must fail with --fail-on-error"
    );

    write(&root, "src/lib.rs", "fn broken( {\n");
    let run = racewise(&["check", &s(&root), "--format", "json"]);
    assert_eq!(run.code, 0, "a parse error alone does not fail by default");
    let run = racewise(&["check", &s(&root), "--format", "json", "--fail-on-error"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    // The config key does the same.
    write(&root, "racewise.toml", "fail_on_error = true\n");
    let run = racewise(&["check", &s(&root), "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let _ = std::fs::remove_dir_all(&root);
}

// Defect 2 --------------------------------------------------------------------------------------

#[test]
fn d2_same_answer_however_the_paths_are_spelled() {
    let root = scratch("d2-root");
    write(&root, "Cargo.toml", PKG);
    // The config switches exit_in_async off: honoured only if the root is found.
    write(
        &root,
        "racewise.toml",
        "[rules.exit_in_async]\nenabled = false\n",
    );
    write(&root, "src/lib.rs", "pub mod routes;\npub mod other;\n");
    write(&root, "src/routes.rs", &format!("{HAZARD}{EXIT}"));
    write(&root, "src/other.rs", HAZARD);
    let expected_one = vec![(
        "src/routes.rs".to_string(),
        "blocking_sleep_in_async".to_string(),
    )];
    let runs: Vec<Vec<String>> = vec![
        vec![s(&root.join("src/routes.rs"))],
        vec![s(&root.join("src/routes.rs")), s(&root.join("src/lib.rs"))],
    ];
    for paths in runs {
        let mut args: Vec<&str> = vec!["check", "--format", "json", "--fail-on", "never"];
        args.extend(paths.iter().map(String::as_str));
        let run = racewise(&args);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert_eq!(
            files_and_rules(&json(&run.stdout)),
            expected_one,
            "{paths:?}"
        );
    }
    let all = vec![
        (
            "src/other.rs".to_string(),
            "blocking_sleep_in_async".to_string(),
        ),
        (
            "src/routes.rs".to_string(),
            "blocking_sleep_in_async".to_string(),
        ),
    ];
    for dir in [root.join("src"), root.clone()] {
        let run = racewise(&["check", &s(&dir), "--format", "json", "--fail-on", "never"]);
        assert_eq!(
            files_and_rules(&json(&run.stdout)),
            all,
            "{}",
            dir.display()
        );
    }
    // From a subdirectory (the current directory is where the walk up starts when no path is
    // given; the same search from a path inside the project).
    let found = racewise::root::find(&[root.join("src")]);
    assert_eq!(found.dir, root);
    // --verbose says which root and config.
    let run = racewise(&[
        "check",
        &s(&root.join("src")),
        "--verbose",
        "--fail-on",
        "never",
    ]);
    assert!(
        run.stderr
            .contains(&format!("project root: {}", root.display())),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("racewise.toml (discovered)"),
        "{}",
        run.stderr
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn d2_workspace_metadata_and_baseline_across_spellings() {
    let root = scratch("d2-ws");
    write(
        &root,
        "Cargo.toml",
        "[workspace]\nmembers = [\"crates/*\"]\n\n[workspace.metadata.racewise]\nexclude = [\"crates/b/src/gen.rs\"]\n",
    );
    write(&root, "crates/a/Cargo.toml", PKG);
    write(&root, "crates/a/src/lib.rs", HAZARD);
    write(&root, "crates/b/Cargo.toml", PKG);
    write(&root, "crates/b/src/lib.rs", HAZARD);
    write(&root, "crates/b/src/gen.rs", HAZARD);
    let baseline = root.join("baseline.json");
    let run = racewise(&[
        "check",
        &s(&root),
        "--write-baseline",
        &s(&baseline),
        "--fail-on",
        "never",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Scanning one crate from its own directory: same paths, so the baseline still matches.
    let run = racewise(&[
        "check",
        &s(&root.join("crates/b")),
        "--format",
        "json",
        "--baseline",
        &s(&baseline),
    ]);
    let v = json(&run.stdout);
    assert_eq!(
        files_and_rules(&v),
        [(
            "crates/b/src/lib.rs".to_string(),
            "blocking_sleep_in_async".to_string()
        )],
        "workspace metadata exclude applies, paths are workspace-relative"
    );
    assert_eq!(v["summary"]["new"], 0, "{}", run.stdout);
    assert_eq!(v["summary"]["baseline"], 1, "{}", run.stdout);
    assert_eq!(run.code, 0);
    let _ = std::fs::remove_dir_all(&root);
}

// Defect 3 --------------------------------------------------------------------------------------

fn many_findings(dir: &Path, n: usize) -> PathBuf {
    let mut text = String::from("async fn many(d: std::time::Duration) {\n");
    for _ in 0..n {
        text.push_str("    std::thread::sleep(d);\n");
    }
    text.push_str("}\n");
    let file = dir.join(format!("many{n}.rs"));
    std::fs::write(&file, text).expect("write");
    file
}

/// Seconds to render `format` for a file with `n` findings (best of two).
fn render_secs(file: &Path, format: &str) -> f64 {
    let mut opts = racewise::Options::new(vec![file.to_path_buf()]);
    opts.select = Some(vec!["blocking_sleep_in_async".into()]);
    let a = racewise::run(&opts).expect("analysis");
    let mut best = f64::MAX;
    for _ in 0..2 {
        let t = Instant::now();
        let out = match format {
            "human" => racewise::report::human::render(
                &a.report,
                &a.sources,
                &racewise::report::human::HumanOptions {
                    color: false,
                    width: 100,
                    include_suppressed: false,
                },
            ),
            _ => racewise::report::markdown::render(&a.report, &a.sources),
        };
        assert!(out.len() > 1000);
        best = best.min(t.elapsed().as_secs_f64());
    }
    best
}

#[test]
fn d3_human_and_markdown_are_linear_in_findings_per_file() {
    let dir = scratch("d3");
    let small = many_findings(&dir, 1000);
    let large = many_findings(&dir, 8000);
    for format in ["human", "markdown"] {
        let t1 = render_secs(&small, format);
        let t8 = render_secs(&large, format);
        // Linear: ~8x. Quadratic (the old reporters copied the file per finding): ~64x.
        assert!(
            t8 < t1 * 24.0,
            "{format}: 1000 findings {t1:.3}s, 8000 findings {t8:.3}s"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

// Defect 4 --------------------------------------------------------------------------------------

#[test]
fn d4_unwritable_destinations_fail_before_the_scan() {
    let root = scratch("d4");
    write(&root, "a.rs", HAZARD);
    for flag in ["--output", "--write-baseline"] {
        let dest = root.join("no/such/dir/out.json");
        let run = racewise(&["check", &s(&root), "--verbose", flag, &s(&dest)]);
        assert_eq!(run.code, 2, "{flag}: {}", run.stderr);
        assert!(
            run.stderr.contains("does not exist"),
            "{flag}: {}",
            run.stderr
        );
        // No phase timings: the scan never started.
        assert!(
            !run.stderr.contains("racewise: files:"),
            "{flag}: {}",
            run.stderr
        );
    }
    let _ = std::fs::remove_dir_all(&root);
}

// Defect 5 --------------------------------------------------------------------------------------

#[test]
fn d5_report_to_a_file_still_logs_why() {
    let root = scratch("d5");
    write(&root, "a.rs", &format!("{HAZARD}{EXIT}"));
    let out = root.join("racewise.sarif");
    let run = racewise(&[
        "check",
        &s(&root),
        "--format",
        "sarif",
        "--output",
        &s(&out),
    ]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr
            .contains("racewise: 2 findings (critical: 1, high: 1"),
        "{}",
        run.stderr
    );
    // The most severe first, in the concise form.
    let first = run
        .stderr
        .lines()
        .find(|l| l.starts_with("  "))
        .unwrap_or_default();
    assert!(
        first.contains("a.rs:2:20: critical exit_in_async:"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("racewise.sarif"), "{}", run.stderr);
    let _ = std::fs::remove_dir_all(&root);
}

// Defect 6 --------------------------------------------------------------------------------------

#[test]
fn d6_jobs_zero_rejected_and_huge_clamped() {
    let root = scratch("d6");
    write(&root, "a.rs", HAZARD);
    let run = racewise(&["check", &s(&root), "--jobs", "0"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let t = Instant::now();
    let run = racewise(&["check", &s(&root), "--jobs", "100000", "--verbose"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("clamped"), "{}", run.stderr);
    assert!(
        run.stderr.contains("racewise: 1 worker thread(s)"),
        "{}",
        run.stderr
    );
    assert!(t.elapsed().as_secs() < 30);
    let _ = std::fs::remove_dir_all(&root);
}

// Defect 7 --------------------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn d7_symlink_loops_are_reported() {
    let root = scratch("d7");
    write(&root, "src/a.rs", HAZARD);
    std::os::unix::fs::symlink(&root, root.join("src/up")).expect("symlink");
    std::os::unix::fs::symlink("self", root.join("self")).expect("symlink");
    for extra in [None, Some("--follow")] {
        let mut args = vec!["check", "--format", "json", "--fail-on", "never"];
        let r = s(&root);
        args.push(&r);
        args.extend(extra);
        let run = racewise(&args);
        let v = json(&run.stdout);
        let loops: Vec<&str> = v["errors"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|e| e["kind"] == "symlink_loop")
            .filter_map(|e| e["file"].as_str())
            .collect();
        assert!(loops.contains(&"src/up"), "{extra:?}: {}", run.stdout);
        assert!(loops.contains(&"self"), "{extra:?}: {}", run.stdout);
        assert_eq!(v["summary"]["files_scanned"], 1, "{extra:?}");
    }
    // A loop given as an argument.
    let run = racewise(&["check", &s(&root.join("self")), "--format", "json"]);
    let v = json(&run.stdout);
    assert_eq!(v["errors"][0]["kind"], "symlink_loop", "{}", run.stdout);
    let _ = std::fs::remove_dir_all(&root);
}

// Defect 8 --------------------------------------------------------------------------------------

#[test]
fn d8_malformed_directives_reported_and_include_suppressed_everywhere() {
    let root = scratch("d8");
    write(
        &root,
        "a.rs",
        "pub async fn a() {\n    /* racewise: allow(exit_in_async) -- block */\n    std::process::exit(1);\n}\n\
         pub async fn b() {\n    // Racewise: allow(exit_in_async) -- case\n    std::process::exit(1);\n}\n\
         pub async fn c() {\n    // racewise: ignore(exit_in_async) -- word\n    std::process::exit(1);\n}\n\
         pub async fn d() {\n    // racewise: allow(all) -- all\n    std::process::exit(1);\n}\n\
         pub async fn e() {\n    // racewise: Allow(exit_in_async) -- case\n    std::process::exit(1);\n}\n\
         pub async fn f() {\n    // racewise: allow(exit_in_async) -- fine\n    std::process::exit(1);\n}\n",
    );
    let run = racewise(&["check", &s(&root), "--format", "json", "--fail-on", "never"]);
    let v = json(&run.stdout);
    let lines = |rule: &str| -> Vec<u64> {
        v["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|f| f["rule"] == rule)
            .filter_map(|f| f["line"].as_u64())
            .collect()
    };
    assert_eq!(
        lines("unused_suppression"),
        [2, 6, 10, 14, 18],
        "{}",
        run.stdout
    );
    assert_eq!(lines("exit_in_async"), [3, 7, 11, 15, 19], "{}", run.stdout);
    assert_eq!(v["summary"]["suppressed"], 1);
    let run = racewise(&[
        "check",
        &s(&root),
        "--format",
        "json",
        "--include-suppressed",
        "--fail-on",
        "never",
    ]);
    let v = json(&run.stdout);
    let suppressed: Vec<u64> = v["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["state"] == "suppressed")
        .filter_map(|f| f["line"].as_u64())
        .collect();
    assert_eq!(suppressed, [23], "{}", run.stdout);
    for format in ["human", "concise", "markdown", "sarif"] {
        let run = racewise(&[
            "check",
            &s(&root),
            "--format",
            format,
            "--include-suppressed",
            "--color",
            "never",
        ]);
        assert!(
            run.stdout.contains("suppressed"),
            "{format}: {}",
            run.stdout
        );
    }
    let _ = std::fs::remove_dir_all(&root);
}

// Defect 9 --------------------------------------------------------------------------------------

#[test]
fn d9_select_spaces_case_suggestions_and_bare_excludes() {
    let root = scratch("d9");
    write(&root, "src/a.rs", &format!("{HAZARD}{EXIT}"));
    write(&root, "src/deep/generated/g.rs", HAZARD);
    let r = s(&root);
    let run = racewise(&[
        "check",
        &r,
        "--format",
        "json",
        "--fail-on",
        "never",
        "--select",
        "Exit_In_Async, blocking_sleep_in_async",
        "--exclude",
        "generated",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        files_and_rules(&json(&run.stdout)),
        [
            (
                "src/a.rs".to_string(),
                "blocking_sleep_in_async".to_string()
            ),
            ("src/a.rs".to_string(), "exit_in_async".to_string()),
        ]
    );
    let run = racewise(&["check", &r, "--select", "exit_in_asink"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("did you mean `exit_in_async`"),
        "{}",
        run.stderr
    );
    // Groups.
    let run = racewise(&[
        "check",
        &r,
        "--format",
        "json",
        "--fail-on",
        "never",
        "--select",
        "shutdown",
        "--ignore",
        "blocking",
    ]);
    let rules: Vec<String> = files_and_rules(&json(&run.stdout))
        .into_iter()
        .map(|(_, r)| r)
        .collect();
    assert_eq!(rules, ["exit_in_async"], "{}", run.stderr);
    let _ = std::fs::remove_dir_all(&root);
}

// Defect 11 -------------------------------------------------------------------------------------

#[test]
fn d11_summary_counts_every_state() {
    let root = scratch("d11");
    write(&root, "a.rs", HAZARD);
    write(
        &root,
        "b.rs",
        "pub async fn g() {\n    // racewise: allow(exit_in_async) -- test\n    std::process::exit(1);\n}\n",
    );
    let baseline = root.join("base.json");
    let r = s(&root);
    racewise(&["check", &r, &format!("--write-baseline={}", s(&baseline))]);
    write(&root, "c.rs", EXIT);
    let run = racewise(&["check", &r, "--format", "json", "--baseline", &s(&baseline)]);
    let v = json(&run.stdout);
    let sum = &v["summary"];
    assert_eq!(sum["findings"], 1, "{sum}");
    assert_eq!(sum["new"], 1, "{sum}");
    assert_eq!(sum["baseline"], 1, "{sum}");
    assert_eq!(sum["suppressed"], 1, "{sum}");
    let _ = std::fs::remove_dir_all(&root);
}

// Features --------------------------------------------------------------------------------------

#[test]
fn concise_statistics_quiet_and_two_outputs() {
    let root = scratch("feat");
    write(&root, "a.rs", &format!("{HAZARD}{EXIT}"));
    let r = s(&root);
    let run = racewise(&["check", &r, "--format", "concise"]);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines[0],
        "a.rs:1:20: high blocking_sleep_in_async: std::thread::sleep blocks the async runtime's worker thread",
        "{}",
        run.stdout
    );
    assert!(
        lines[1].starts_with("a.rs:2:20: critical exit_in_async: "),
        "{}",
        run.stdout
    );
    assert!(
        lines
            .last()
            .is_some_and(|l| l.starts_with("racewise: 2 findings"))
    );
    let run = racewise(&["check", &r, "--format", "concise", "--quiet"]);
    assert_eq!(run.stdout.lines().count(), 2, "{}", run.stdout);
    let run = racewise(&["check", &r, "--statistics"]);
    assert_eq!(
        run.stdout,
        "count  severity  rule                     group\n    1  critical  exit_in_async            shutdown\n    1  high      blocking_sleep_in_async  blocking\nracewise: 2 findings (critical: 1, high: 1, medium: 0, low: 0) in 1 file scanned\n"
    );
    // Human output ends with the per-rule table, and names the enclosing fn.
    let run = racewise(&["check", &r, "--color", "never"]);
    assert!(run.stdout.contains("in `g`"), "{}", run.stdout);
    assert!(
        run.stdout.contains("    1  critical  exit_in_async"),
        "{}",
        run.stdout
    );
    // SARIF to a file and GitHub annotations on stdout, in one run.
    let sarif = root.join("out.sarif");
    let run = racewise(&[
        "check",
        &r,
        "--format",
        "github",
        "--report",
        &format!("sarif={}", s(&sarif)),
    ]);
    assert!(run.stdout.starts_with("::error "), "{}", run.stdout);
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).expect("sarif written"))
            .expect("json");
    assert_eq!(doc["version"], "2.1.0");
    let run = racewise(&["check", &r, "--report", "json=-"]);
    assert_eq!(run.code, 2, "two reports on stdout: {}", run.stderr);
    let _ = std::fs::remove_dir_all(&root);
}

fn git(dir: &Path, args: &[&str]) {
    let st = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.invalid"])
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        st.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&st.stderr)
    );
}

#[test]
fn new_from_rev_reports_only_what_changed() {
    let root = scratch("rev");
    git(&root, &["init", "-q"]);
    write(&root, "Cargo.toml", PKG);
    write(&root, "src/lib.rs", HAZARD);
    git(&root, &["add", "."]);
    git(&root, &["commit", "-qm", "base"]);
    // An edit above the old finding (fingerprints carry no line numbers) and one new finding.
    write(&root, "src/lib.rs", &format!("// moved\n{HAZARD}{EXIT}"));
    let r = s(&root.join("src"));
    let run = racewise(&["check", &r, "--format", "json", "--new-from-rev", "HEAD"]);
    let v = json(&run.stdout);
    assert_eq!(v["summary"]["new"], 1, "{}", run.stdout);
    assert_eq!(v["summary"]["baseline"], 1, "{}", run.stdout);
    let new: Vec<&serde_json::Value> = v["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["state"] == "new")
        .collect();
    assert_eq!(new[0]["rule"], "exit_in_async");
    let run = racewise(&["check", &r, "--new-from-rev", "no-such-branch"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("fetch"), "{}", run.stderr);
    let _ = std::fs::remove_dir_all(&root);
}

// Defect 12 -------------------------------------------------------------------------------------

#[test]
fn d12_bare_racewise_prints_help_and_misfit_schedules_are_explained() {
    let run = racewise(&[]);
    assert!(
        run.stderr.contains("Usage:") || run.stdout.contains("Usage:"),
        "{} {}",
        run.stdout,
        run.stderr
    );
    let all = run.stdout.clone() + &run.stderr;
    assert!(all.contains("Commands:"), "the help itself: {all}");
    assert!(all.contains("Analyze Rust source trees"), "{all}");
    assert!(
        !all.contains("error:"),
        "not clap's missing-subcommand error: {all}"
    );
    // A schedule recorded for one variant, replayed on another.
    let schedule = "91022d8ba59ec0e3c18acd8a01000000802019b2459b3649929428ca926d";
    let run = racewise(&[
        "models",
        "replay",
        "scheduler/correct",
        "--schedule",
        schedule,
    ]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("does not fit"), "{}", run.stderr);
    assert!(!run.stderr.contains("VectorClock"), "{}", run.stderr);
    assert!(!run.stdout.contains("VectorClock"), "{}", run.stdout);
}

#[test]
fn rules_json_and_explain_rendering() {
    let run = racewise(&["rules", "--format", "json"]);
    let v = json(&run.stdout);
    let rules = v["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), racewise_lints::registry::RULES.len());
    assert!(
        rules.iter().all(|r| r["group"].is_string()),
        "{}",
        run.stdout
    );
    assert!(v["groups"].as_array().is_some_and(|g| g.len() == 5));
    let run = racewise(&["explain", "exit_in_async"]);
    assert!(!run.stdout.contains("```"), "{}", run.stdout);
    assert!(
        run.stdout.contains("What it does\n------------\n"),
        "{}",
        run.stdout
    );
    let run = racewise(&["explain", "exit_in_async", "--format", "markdown"]);
    assert!(run.stdout.contains("```rust"), "{}", run.stdout);
    assert!(run.stdout.contains("## What it does"), "{}", run.stdout);
    let run = racewise(&["explain", "exit_in_asink"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("did you mean `exit_in_async`"),
        "{}",
        run.stderr
    );
}

// Defect 10 -------------------------------------------------------------------------------------

#[test]
fn d10_messages_quote_code_without_token_spacing() {
    let root = scratch("d10");
    write(
        &root,
        "a.rs",
        "pub async fn f(s: &str) {\n    s.parse::<u32>().ok();\n}\n",
    );
    let run = racewise(&[
        "check",
        &s(&root),
        "--format",
        "concise",
        "--fail-on",
        "never",
    ]);
    assert!(run.stdout.contains("`s.parse::<u32>()`"), "{}", run.stdout);
    assert!(!run.stdout.contains("< u32 >"), "{}", run.stdout);
    let _ = std::fs::remove_dir_all(&root);
}

// Defect 13 -------------------------------------------------------------------------------------

fn cargo_racewise(args: &[&str]) -> racewise_tests::Run {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let argv = ["cargo-racewise", "racewise"]
        .into_iter()
        .chain(args.iter().copied())
        .map(std::ffi::OsString::from)
        .collect();
    let code = racewise::cli::run_cargo(argv, &mut out, &mut err);
    racewise_tests::Run {
        code,
        stdout: String::from_utf8_lossy(&out).into_owned(),
        stderr: String::from_utf8_lossy(&err).into_owned(),
    }
}

#[test]
fn d13_cargo_racewise_knows_packages() {
    let root = scratch("d13");
    write(
        &root,
        "Cargo.toml",
        "[workspace]\nmembers = [\"a\", \"b\"]\nresolver = \"2\"\n",
    );
    write(&root, "a/Cargo.toml", &PKG.replace("\"p\"", "\"alpha\""));
    write(&root, "a/src/lib.rs", HAZARD);
    write(&root, "b/Cargo.toml", &PKG.replace("\"p\"", "\"beta\""));
    write(&root, "b/src/lib.rs", EXIT);
    let manifest = s(&root.join("Cargo.toml"));
    let base = [
        "--format",
        "json",
        "--fail-on",
        "never",
        "--manifest-path",
        &manifest,
    ];
    let mut args = base.to_vec();
    args.extend(["-p", "beta"]);
    let run = cargo_racewise(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        files_and_rules(&json(&run.stdout)),
        [("b/src/lib.rs".to_string(), "exit_in_async".to_string())]
    );
    let mut args = base.to_vec();
    args.push("--workspace");
    let run = cargo_racewise(&args);
    assert_eq!(
        json(&run.stdout)["summary"]["files_scanned"],
        2,
        "{}",
        run.stderr
    );
    let mut args = base.to_vec();
    args.extend(["-p", "gamma"]);
    let run = cargo_racewise(&args);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("alpha"), "{}", run.stderr);
    let run = cargo_racewise(&["check", "--help"]);
    assert!(
        run.stdout.contains("Usage: cargo racewise check"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("--package"), "{}", run.stdout);
    let _ = std::fs::remove_dir_all(&root);
}
