//! `--new-from-rev REV`: the findings of the project as it was at a git revision, by fingerprint,
//! so a run reports only what was introduced since. The revision's `.rs` files and manifests are
//! written to a temporary directory with `git` itself (`ls-tree` and `cat-file --batch`: no work
//! tree or index of the user's repository is touched) and analyzed with the same options.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::engine::{self, Options};
use crate::error::UsageError;
use crate::report::FindingState;

fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim_end().to_string())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

/// Files of the revision's tree the analysis reads.
fn wanted(path: &str) -> bool {
    path.ends_with(".rs")
        || path.ends_with("/Cargo.toml")
        || path == "Cargo.toml"
        || path.ends_with("racewise.toml")
}

/// Write the wanted files of `rev` (paths relative to the repository's top) under `dest`.
fn materialize(top: &Path, rev: &str, dest: &Path) -> Result<(), String> {
    let listing = Command::new("git")
        .arg("-C")
        .arg(top)
        .args(["ls-tree", "-r", "-z", "--full-tree", rev])
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !listing.status.success() {
        return Err(String::from_utf8_lossy(&listing.stderr).trim().to_string());
    }
    // `<mode> blob <oid>\t<path>` entries.
    let mut blobs: Vec<(String, String)> = Vec::new();
    for entry in listing.stdout.split(|&b| b == 0) {
        let entry = String::from_utf8_lossy(entry);
        let Some((meta, path)) = entry.split_once('\t') else {
            continue;
        };
        let mut parts = meta.split_whitespace();
        let (Some(_mode), Some("blob"), Some(oid)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        if wanted(path) {
            blobs.push((oid.to_string(), path.to_string()));
        }
    }
    let mut child = Command::new("git")
        .arg("-C")
        .arg(top)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run git: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("git cat-file: no stdin")?;
    let oids: Vec<String> = blobs.iter().map(|b| b.0.clone()).collect();
    // Written from another thread: git blocks on a full stdout pipe while we would block on its
    // full stdin.
    let feeder = std::thread::spawn(move || {
        for oid in oids {
            if writeln!(stdin, "{oid}").is_err() {
                break;
            }
        }
    });
    let mut reader = BufReader::new(child.stdout.take().ok_or("git cat-file: no stdout")?);
    for (_, path) in &blobs {
        let mut header = String::new();
        reader
            .read_line(&mut header)
            .map_err(|e| format!("git cat-file: {e}"))?;
        let size: usize = header
            .split_whitespace()
            .nth(2)
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| format!("git cat-file: unexpected answer `{}`", header.trim()))?;
        let mut body = vec![0; size + 1];
        reader
            .read_exact(&mut body)
            .map_err(|e| format!("git cat-file: {e}"))?;
        body.pop();
        let file = dest.join(path);
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        std::fs::write(&file, body).map_err(|e| format!("{}: {e}", file.display()))?;
    }
    let _ = feeder.join();
    let _ = child.wait();
    Ok(())
}

/// Removes the temporary tree however the run ends.
struct TempTree(PathBuf);

impl Drop for TempTree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Fingerprints of the findings `opts` gives on the tree of `rev` (suppressed ones excepted).
pub fn fingerprints_at(
    rev: &str,
    root: &Path,
    opts: &Options,
) -> Result<BTreeSet<String>, UsageError> {
    let usage = |m: String| UsageError::Usage(format!("--new-from-rev {rev}: {m}"));
    let top = git(root, &["rev-parse", "--show-toplevel"])
        .map_err(|e| usage(format!("not in a git repository ({e})")))?;
    let top = std::fs::canonicalize(&top).unwrap_or_else(|_| PathBuf::from(&top));
    if let Err(e) = git(
        &top,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ],
    ) {
        let shallow = git(&top, &["rev-parse", "--is-shallow-repository"]).unwrap_or_default();
        let hint = if shallow == "true" {
            format!(
                "this is a shallow clone: fetch the base first, e.g. `git fetch --no-tags --depth=1 origin {rev}` (in GitHub Actions: `actions/checkout` with `fetch-depth: 0`)"
            )
        } else {
            format!("fetch it first, e.g. `git fetch origin {rev}`")
        };
        let detail = if e.is_empty() {
            String::new()
        } else {
            format!(" ({e})")
        };
        return Err(usage(format!("unknown revision{detail}; {hint}")));
    }
    let tmp = std::env::temp_dir().join(format!(
        "racewise-rev-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    ));
    let guard = TempTree(tmp.clone());
    materialize(&top, rev, &tmp).map_err(usage)?;
    let map = |p: &Path| -> PathBuf {
        let abs = crate::root::absolute(p);
        match abs.strip_prefix(&top) {
            Ok(rel) => tmp.join(rel),
            Err(_) => abs,
        }
    };
    let mut old = opts.clone();
    old.paths = opts.paths.iter().map(|p| map(p)).collect();
    old.discover.root = Some(map(root));
    old.baseline = None;
    old.keep_sources = false;
    let analysis = engine::run(&old)?;
    drop(guard);
    Ok(analysis
        .report
        .findings
        .into_iter()
        .filter(|f| f.state != FindingState::Suppressed)
        .map(|f| f.fingerprint)
        .collect())
}
