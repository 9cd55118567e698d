//! `--verbose` says what name resolution left unknown, so a silent rule has a visible reason.

use racewise_tests::racewise;

#[test]
fn verbose_counts_unresolved_calls_and_lock_receivers() {
    let dir = std::env::temp_dir().join(format!("racewise-verbose-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src")).expect("scratch dir");
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"v\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    )
    .expect("manifest");
    // `load_all` comes from another crate's glob (unknown); `pool` has no declared type; the
    // third lock is typed, the fourth call is declared in the crate.
    std::fs::write(
        dir.join("src/lib.rs"),
        r#"use other_crate::prelude::*;
use std::sync::Mutex;
static KNOWN: Mutex<u8> = Mutex::new(0);
fn declared() {}
pub async fn handler(pool: impl Sized) {
    load_all();
    let _a = pool.lock();
    let _b = KNOWN.lock();
    declared();
}
"#,
    )
    .expect("source");
    let run = racewise(&[
        "check",
        &dir.to_string_lossy(),
        "--verbose",
        "--fail-on",
        "never",
    ]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "unresolved (rules stayed silent): 1 call(s) to a bare name nothing in scope declares (blocking/exit rules), 1 lock-like call(s) on a receiver of unknown type (lock rules)"
        ),
        "{}",
        run.stderr
    );
}
