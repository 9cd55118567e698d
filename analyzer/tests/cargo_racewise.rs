//! The `cargo-racewise` binary as cargo runs it (`cargo racewise ...` executes
//! `cargo-racewise racewise ...`): real process, real exit codes.

use std::path::Path;
use std::process::Command;

fn fixture() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/ci/service")
        .to_string_lossy()
        .into_owned()
}

fn cargo_racewise(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cargo-racewise"))
        .arg("racewise")
        .args(args)
        .output()
        .expect("cargo-racewise runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn check_through_cargo() {
    let dir = fixture();
    let (code, out, err) = cargo_racewise(&[
        "check",
        &dir,
        "--select",
        "blocking_sleep_in_async",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(
        out.contains("\"rule\": \"blocking_sleep_in_async\""),
        "{out}"
    );
    let (code, _, err) = cargo_racewise(&[
        "check",
        &dir,
        "--select",
        "blocking_fs_in_async",
        "--format",
        "github",
    ]);
    assert_eq!(
        code, 0,
        "medium findings are below the default threshold: {err}"
    );
    // `check` is implied.
    let (code, out, _) = cargo_racewise(&["--select", "exit_in_async", "--format", "sarif", &dir]);
    assert_eq!(code, 1);
    assert!(out.contains("\"version\": \"2.1.0\""));
    let (code, _, err) = cargo_racewise(&["check", &dir, "--select", "nope"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown rule or group `nope`"), "{err}");
}
