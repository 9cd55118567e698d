//! The analyzer over every `.rs` file of large real crates, as cargo unpacked them into its
//! registry: no panic and no `internal_error`, every file syn cannot parse (nightly syntax,
//! deliberately broken test inputs) reported as a `parse_error`, and the run completes.
//!
//! The crates this workspace depends on (syn, serde, proc-macro2, clap, rayon) are in the
//! registry of any machine that built it, so the test always scans real code; the async crates
//! the analyzer targets (tokio, hyper, axum, ...) are scanned when present and skipped with a
//! message otherwise.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use racewise::discover::{self, DiscoverOptions};
use racewise_tests::{cargo_registry, racewise};

/// Dependencies of this workspace: present after any build.
const REQUIRED: &[&str] = &[
    "syn-2.",
    "serde-1.",
    "proc-macro2-1.",
    "clap_builder-4.",
    "rayon-1.",
];

/// Scanned when cargo happened to download them.
const OPTIONAL: &[&str] = &[
    "tokio-1.",
    "hyper-1.",
    "axum-0.8.",
    "regex-1.",
    "tokio-util-0.7.",
];

/// Scan one crate and check the report against an independent parse of every file.
fn scan(dir: &Path) -> usize {
    let arg = dir.to_string_lossy().into_owned();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(racewise(&[
            "check",
            &arg,
            "--format",
            "json",
            "--fail-on",
            "never",
            "--verbose",
        ]));
    });
    let run = rx
        .recv_timeout(Duration::from_secs(1200))
        .unwrap_or_else(|_| panic!("racewise check {} did not finish", dir.display()));
    assert_eq!(run.code, 0, "{}: {}", dir.display(), run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON report");
    let errors = racewise_tests::report_errors(&json);
    let internal: Vec<_> = errors.iter().filter(|e| e.1 == "internal_error").collect();
    assert!(internal.is_empty(), "{}: {internal:?}", dir.display());

    // The same files discovery gives the engine, minus the ones no `mod` reaches (a crate's
    // `src/` can hold files it does not compile: serde carries serde_core's `src/core/lib.rs`),
    // parsed here on a big-stack thread.
    let not_compiled: BTreeSet<&str> = run
        .stderr
        .lines()
        .filter_map(|l| l.strip_prefix("racewise:   not compiled: "))
        .collect();
    let mut found = discover::discover(
        &[dir.to_path_buf()],
        &DiscoverOptions::default(),
        &discover::build_globset(&[]).expect("empty globset"),
    );
    found
        .files
        .retain(|f| !not_compiled.contains(f.rel.as_str()));
    assert_eq!(
        json["summary"]["files_scanned"].as_u64(),
        Some(found.files.len() as u64),
        "{}",
        dir.display()
    );
    let files: Vec<(String, PathBuf)> = found
        .files
        .iter()
        .map(|f| (f.rel.clone(), f.abs.clone()))
        .collect();
    let unparsable: BTreeSet<String> = std::thread::Builder::new()
        .stack_size(1 << 30)
        .spawn(move || {
            files
                .into_iter()
                .filter(|(_, abs)| {
                    let text = std::fs::read_to_string(abs).unwrap_or_default();
                    let ok = syn::parse_file(&text).is_ok();
                    proc_macro2::extra::invalidate_current_thread_spans();
                    !ok
                })
                .map(|(rel, _)| rel)
                .collect()
        })
        .expect("parser thread")
        .join()
        .expect("parser thread panicked");
    let reported: BTreeSet<String> = errors
        .iter()
        .filter(|e| e.1 == "parse_error")
        .map(|e| e.0.clone())
        .collect();
    assert_eq!(
        reported,
        unparsable,
        "{}: parse errors reported vs files syn rejects",
        dir.display()
    );
    let other: Vec<_> = errors.iter().filter(|e| e.1 != "parse_error").collect();
    assert!(other.is_empty(), "{}: {other:?}", dir.display());
    eprintln!(
        "corpus: {}: {} files, {} unparsable, {} findings",
        dir.display(),
        found.files.len(),
        unparsable.len(),
        json["findings"].as_array().map_or(0, Vec::len)
    );
    found.files.len()
}

#[test]
fn workspace_dependencies_are_analyzed_without_crashing() {
    let mut total = 0;
    for prefix in REQUIRED {
        let dir = cargo_registry::newest(prefix).unwrap_or_else(|| {
            panic!("{prefix}* is a dependency of this workspace but is not in cargo's registry")
        });
        total += scan(&dir);
    }
    assert!(total > 200, "only {total} files scanned");
}

#[test]
fn async_ecosystem_crates_are_analyzed_without_crashing() {
    for prefix in OPTIONAL {
        match cargo_registry::newest(prefix) {
            Some(dir) => {
                scan(&dir);
            }
            None => {
                eprintln!("corpus: skipping {prefix}*: not in cargo's registry on this machine")
            }
        }
    }
}
