//! The pre-commit hook and the GitHub Action run real racewise command lines: both must parse
//! and run (exit 0 or 1, never the usage error 2), and the action installs with `--locked`.

use std::path::{Path, PathBuf};

use racewise_tests::{fixtures, racewise};

fn repo_file(name: &str) -> String {
    let p: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn pre_commit_hook_entry_is_a_valid_command() {
    let text = repo_file(".pre-commit-hooks.yaml");
    assert!(text.contains("- id: racewise"), "{text}");
    let entry = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("entry:"))
        .expect("entry line")
        .trim();
    let mut words: Vec<String> = entry.split_whitespace().map(String::from).collect();
    assert_eq!(words.remove(0), "racewise");
    words.push(fixtures().join("e2e/orders").to_string_lossy().into_owned());
    let args: Vec<&str> = words.iter().map(String::as_str).collect();
    let run = racewise(&args);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("src/routes.rs:26:5: critical exit_in_async"),
        "{}",
        run.stdout
    );
}

#[test]
fn action_installs_locked_and_runs_a_valid_command() {
    let text = repo_file("action.yml");
    assert!(text.contains("using: composite"), "{text}");
    assert!(text.contains("cargo install --locked --path"), "{text}");
    assert!(text.contains("actions/cache@"), "{text}");
    // The flags the action's script passes, as it builds them.
    let sarif = std::env::temp_dir().join(format!("racewise-action-{}.sarif", std::process::id()));
    let sarif_s = sarif.to_string_lossy().into_owned();
    let orders = fixtures().join("e2e/orders").to_string_lossy().into_owned();
    for flag in [
        "--format github",
        "--fail-on \"$RW_FAIL_ON\"",
        "--report \"sarif=$RW_SARIF\"",
    ] {
        assert!(text.contains(flag), "action.yml lost `{flag}`");
    }
    let run = racewise(&[
        "check",
        "--format",
        "github",
        "--fail-on",
        "high",
        "--report",
        &format!("sarif={sarif_s}"),
        &orders,
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.starts_with("::error "), "{}", run.stdout);
    assert!(std::fs::read_to_string(&sarif).is_ok_and(|s| s.contains("\"version\": \"2.1.0\"")));
    let _ = std::fs::remove_file(&sarif);
}
