//! Which files a scan covers: `.gitignore`d paths, hidden directories and `target/` are skipped
//! unless `--no-ignore`; `--exclude` globs always apply; report paths are relative to the root.

use std::path::{Path, PathBuf};

use racewise_tests::{fixtures, racewise};

const HAZARD: &str =
    "pub async fn f() { std::thread::sleep(std::time::Duration::from_secs(1)); }\n";

fn scratch(name: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let dir = std::env::temp_dir().join(format!("racewise-{name}-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(p, text).expect("write");
}

fn scanned_files(root: &Path, extra: &[&str]) -> Vec<String> {
    let r = root.to_string_lossy().into_owned();
    let mut args = vec![
        "check",
        r.as_str(),
        "--format",
        "json",
        "--fail-on",
        "never",
        "--select",
        "blocking_sleep_in_async",
    ];
    args.extend_from_slice(extra);
    let run = racewise(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let mut files: Vec<String> = json["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| f["file"].as_str().unwrap_or("").to_string())
        .collect();
    files.sort();
    files
}

#[test]
fn ignores_gitignored_hidden_and_target_unless_no_ignore() {
    let root = scratch("discovery");
    write(&root, ".gitignore", "generated/\n");
    write(
        &root,
        "Cargo.toml",
        "[package]\nname = \"d\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    // Declared, so the crate compiles it (an undeclared file is not scanned: see
    // `files_no_mod_reaches_are_skipped_unless_named`); the files outside `src/` by `#[path]`.
    write(
        &root,
        "src/lib.rs",
        &format!(
            "mod nested {{ mod deep; }}\n\
             #[path = \"../generated/out.rs\"] mod generated;\n\
             #[path = \"../target/debug/build/x.rs\"] mod build_out;\n\
             #[path = \"../.hidden/h.rs\"] mod hidden;\n\
             #[path = \"../vendor/v.rs\"] mod vendored;\n{HAZARD}"
        ),
    );
    write(&root, "src/nested/deep.rs", HAZARD);
    write(&root, "generated/out.rs", HAZARD);
    write(&root, "target/debug/build/x.rs", HAZARD);
    write(&root, ".hidden/h.rs", HAZARD);
    write(&root, "vendor/v.rs", HAZARD);
    write(&root, "notes.txt", "not rust");

    assert_eq!(
        scanned_files(&root, &[]),
        ["src/lib.rs", "src/nested/deep.rs", "vendor/v.rs"]
    );
    assert_eq!(
        scanned_files(&root, &["--exclude", "vendor/**"]),
        ["src/lib.rs", "src/nested/deep.rs"]
    );
    assert_eq!(
        scanned_files(&root, &["--exclude", "vendor"]),
        ["src/lib.rs", "src/nested/deep.rs"]
    );
    assert_eq!(
        scanned_files(&root, &["--no-ignore"]),
        [
            ".hidden/h.rs",
            "generated/out.rs",
            "src/lib.rs",
            "src/nested/deep.rs",
            "target/debug/build/x.rs",
            "vendor/v.rs"
        ]
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_single_file_and_a_missing_path() {
    let root = scratch("single");
    write(&root, "one.rs", HAZARD);
    let file = root.join("one.rs");
    let f = file.to_string_lossy().into_owned();
    let run = racewise(&["check", &f, "--format", "json", "--fail-on", "never"]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(json["findings"][0]["file"], "one.rs");

    let missing = root.join("nope");
    let m = missing.to_string_lossy().into_owned();
    // A path that is not there is a usage error (exit 2) naming the whole path, not a green
    // run with an error entry (issue 13, defect 1).
    let run = racewise(&["check", &m, "--format", "json"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stderr.contains(&m), "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    let _ = std::fs::remove_dir_all(&root);
}

/// A file of a package that no crate root's module tree reaches is not compiled and must not be
/// reported (spacedrive's `core/src/service/watcher_old/` produced 44 findings; tremor's
/// `depricated/`, outside `src/`, a swallowed error in code cargo never builds);
/// every way Rust reaches a file keeps it, and naming the file on the command line keeps it too.
#[test]
fn files_no_mod_reaches_are_skipped_unless_named() {
    let dir = fixtures().join("e2e/module_tree");
    let d = dir.to_string_lossy().into_owned();
    let select = ["--select", "blocking_sleep_in_async", "--fail-on", "never"];
    let mut args = vec!["check", d.as_str(), "--format", "json", "--verbose"];
    args.extend(select);
    let run = racewise(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let mut files: Vec<&str> = json["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["file"].as_str())
        .collect();
    files.sort();
    files.dedup();
    assert_eq!(
        files,
        [
            "benches/load.rs",
            "examples/demo.rs",
            "src/api/handlers.rs",
            "src/api/mod.rs",
            "src/bin/shared.rs",
            "src/bin/worker/queue.rs",
            "src/cli.rs",
            "src/generated/routes.rs",
            "src/jobs/sweeper.rs",
            "src/lib.rs",
            "src/metrics.rs",
            "src/platform/epoll.rs",
            "src/platform/linux_impl.rs",
            "src/signals.rs",
            "src/signals_windows.rs",
            "src/store.rs",
            "src/store/cache.rs",
            "src/tools/migrate.rs",
            "tests/smoke.rs",
        ]
    );
    // legacy.rs, store_old.rs, platform/macos.rs, watcher_old/{mod,platform}.rs,
    // bin/worker/unused.rs under src/; deprecated/old_source.rs and scripts/gen_routes.rs,
    // which no target names.
    assert!(
        run.stderr.contains(
            "racewise: 8 file(s) skipped: in a package but reached by no crate root's `mod` declarations"
        ),
        "{}",
        run.stderr
    );

    let file = dir.join("src/store_old.rs");
    let f = file.to_string_lossy().into_owned();
    let mut args = vec!["check", f.as_str(), "--format", "json"];
    args.extend(select);
    let run = racewise(&args);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(
        json["findings"].as_array().map(Vec::len),
        Some(1),
        "{}",
        run.stdout
    );
}
