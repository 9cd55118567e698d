//! Run from a subdirectory (issue 13, defects 2 and 13): the real binaries with the current
//! directory deep inside a workspace find the same root, config and paths as from the top.

use std::path::{Path, PathBuf};
use std::process::Command;

const HAZARD: &str =
    "pub async fn f() { std::thread::sleep(std::time::Duration::from_secs(1)); }\n";
const EXIT: &str = "pub async fn g() { std::process::exit(1); }\n";

fn scratch() -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let dir = std::env::temp_dir().join(format!("racewise-subdir-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    std::fs::canonicalize(&dir).expect("canonical")
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(p, text).expect("write");
}

fn files(stdout: &[u8]) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_slice(stdout).expect("json");
    let mut out: Vec<String> = v["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            format!(
                "{} {}",
                f["file"].as_str().unwrap_or(""),
                f["rule"].as_str().unwrap_or("")
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn same_root_config_and_paths_from_a_subdirectory() {
    let root = scratch();
    write(
        &root,
        "Cargo.toml",
        "[workspace]\nmembers = [\"crates/*\"]\nresolver = \"2\"\n\n[workspace.metadata.racewise]\nrules.exit_in_async.severity = \"low\"\n",
    );
    let pkg = |name: &str| {
        format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n")
    };
    write(&root, "crates/a/Cargo.toml", &pkg("alpha"));
    write(&root, "crates/a/src/lib.rs", &format!("{HAZARD}{EXIT}"));
    write(&root, "crates/b/Cargo.toml", &pkg("beta"));
    write(&root, "crates/b/src/lib.rs", HAZARD);
    let sub = root.join("crates/a/src");

    // `racewise check` with no path, from inside crate a: scans `.`, paths from the workspace root,
    // the workspace's config applies (exit_in_async lowered to low).
    let out = Command::new(env!("CARGO_BIN_EXE_racewise"))
        .args(["check", "--format", "json", "--fail-on", "never"])
        .current_dir(&sub)
        .output()
        .expect("racewise runs");
    assert_eq!(
        files(&out.stdout),
        [
            "crates/a/src/lib.rs blocking_sleep_in_async",
            "crates/a/src/lib.rs exit_in_async"
        ],
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        v["summary"]["by_severity"]["low"], 1,
        "config from the workspace manifest"
    );

    // `cargo racewise` with no argument from the same place: the package holding it (crate a).
    let out = Command::new(env!("CARGO_BIN_EXE_cargo-racewise"))
        .args(["racewise", "--format", "json", "--fail-on", "never"])
        .current_dir(&sub)
        .output()
        .expect("cargo-racewise runs");
    assert_eq!(
        files(&out.stdout),
        [
            "crates/a/src/lib.rs blocking_sleep_in_async",
            "crates/a/src/lib.rs exit_in_async"
        ],
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&root);
}
