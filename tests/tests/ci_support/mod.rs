//! Shared helpers of the CI/dashboard tests: the fixture trees under `fixtures/ci/`, scratch
//! copies to edit, and JSON runs.

#![allow(dead_code)] // each test binary uses a different subset

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use racewise_tests::{Run, fixtures, racewise};

/// The five rules the CI and reporter tests select (the first five written), so that their
/// snapshots change only with these rules; each rule's own findings are pinned by its snapshot
/// in `rule_fixtures.rs`.
pub const FIVE: &str = "exit_in_async,blocking_fs_in_async,blocking_sleep_in_async,blocking_lock_in_async,lock_across_await";

pub fn ci_fixture(name: &str) -> PathBuf {
    fixtures().join("ci").join(name)
}

pub fn ci_config(name: &str) -> String {
    ci_fixture("configs")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// `racewise check ARGS... --format FORMAT --fail-on never`: its output, once it exited 0.
pub fn check_output(format: &str, args: &[&str]) -> String {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", format, "--fail-on", "never"]);
    let run = racewise(&all);
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    run.stdout
}

/// `racewise check ARGS... --format json`, parsed.
pub fn check_json(args: &[&str]) -> (Run, serde_json::Value) {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let run = racewise(&all);
    let json = serde_json::from_str(&run.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}); exit {}\nstdout: {}\nstderr: {}",
            run.code, run.stdout, run.stderr
        )
    });
    (run, json)
}

pub fn findings(json: &serde_json::Value) -> Vec<serde_json::Value> {
    json["findings"].as_array().cloned().unwrap_or_default()
}

/// `(file, line, rule)` of each finding.
pub fn sites(json: &serde_json::Value) -> Vec<(String, u64, String)> {
    findings(json)
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap_or("").to_string(),
                f["line"].as_u64().unwrap_or(0),
                f["rule"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// A scratch copy of a fixture tree, removed on drop.
pub struct Scratch {
    pub root: PathBuf,
}

impl Scratch {
    pub fn copy_of(fixture: &Path) -> Scratch {
        static N: AtomicUsize = AtomicUsize::new(0);
        let root = std::env::temp_dir().join(format!(
            "racewise-ci-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&root);
        copy_dir(fixture, &root);
        Scratch { root }
    }

    pub fn path(&self) -> String {
        self.root.to_string_lossy().into_owned()
    }

    pub fn file(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.file(rel)).expect("read scratch file")
    }

    pub fn write(&self, rel: &str, text: &str) {
        std::fs::write(self.file(rel), text).expect("write scratch file");
    }

    /// Replace the one occurrence of `from` in `rel` with `to`.
    pub fn edit(&self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        assert_eq!(
            text.matches(from).count(),
            1,
            "`{from}` not unique in {rel}"
        );
        self.write(rel, &text.replacen(from, to, 1));
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create scratch dir");
    for entry in std::fs::read_dir(from).expect("read fixture dir").flatten() {
        let p = entry.path();
        let target = to.join(entry.file_name());
        if p.is_dir() {
            copy_dir(&p, &target);
        } else {
            std::fs::copy(&p, &target).expect("copy fixture file");
        }
    }
}
