//! `racewise check --fix` / `--diff`: apply the fixes rules attached to their findings.
//!
//! Every round takes the fixable findings of the current texts, applies at most one fix per
//! overlapping range in each file (the first by position; the others wait for the next round),
//! and analyzes the whole run again with the edited texts standing in for the files. A file's
//! edits are kept only if the file still parses, every finding that was fixed is gone and no
//! finding appears that was not there before; a file whose edits fail that check keeps its text
//! and is left alone for the rest of the run. Rounds repeat until nothing changes (at most
//! [`MAX_ROUNDS`]). Nothing is written until the last round: then each changed file is
//! replaced atomically (a temporary file in the same directory, renamed over it). Files that
//! failed to parse, symlinks and suppressed findings are never touched.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use racewise_lints::Safety;

use crate::engine::{self, Analysis, Options};
use crate::error::UsageError;
use crate::report::{FindingState, Report, ReportFix};

/// Rounds of fix + verify; a fix that waited for an overlapping one gets the next round.
pub const MAX_ROUNDS: usize = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixMode {
    /// Also apply `unsafe` fixes (`--unsafe-fixes`).
    pub unsafe_fixes: bool,
    /// Compute the edits and a diff, write nothing (`--diff`).
    pub dry_run: bool,
}

/// What a fix run did.
pub struct FixOutcome {
    /// The analysis of the edited texts (what is left to report).
    pub analysis: Analysis,
    /// Fixes applied (or, with `--diff`, that would be).
    pub applied: usize,
    /// Edited files, by report path, with their original and new text.
    pub changed: BTreeMap<String, (Arc<str>, String)>,
    /// Files whose edits were dropped, and why.
    pub rejected: BTreeMap<String, String>,
}

/// Whether `fix` is applied in this mode.
pub fn applies(fix: &ReportFix, mode: FixMode) -> bool {
    fix.safety == Safety::Safe || mode.unsafe_fixes
}

/// `(applicable, unsafe-only)` fix counts of a report's active findings.
pub fn available(report: &Report) -> (usize, usize) {
    let mut safe = 0;
    let mut unsafe_only = 0;
    for f in report
        .findings
        .iter()
        .filter(|f| f.state != FindingState::Suppressed)
    {
        match f.fix.as_ref().map(|x| x.safety) {
            Some(Safety::Safe) => safe += 1,
            Some(Safety::Unsafe) => unsafe_only += 1,
            None => {}
        }
    }
    (safe, unsafe_only)
}

/// A finding's identity across edits: its rule and enclosing item (keys are grouped by file).
/// Not the snippet: a finding on an edited line (`let _ = std::fs::remove_file(p);` becoming
/// `let _ = tokio::fs::remove_file(p).await;`) is the same finding with a new snippet; nor the
/// message, which may name line numbers the edits shift. The counts per key are compared.
type Key = (&'static str, Option<String>);

fn keys_by_file(report: &Report) -> BTreeMap<&str, BTreeMap<Key, usize>> {
    let mut out: BTreeMap<&str, BTreeMap<Key, usize>> = BTreeMap::new();
    for f in &report.findings {
        let key = (f.rule, f.function.clone());
        *out.entry(f.file.as_str())
            .or_default()
            .entry(key)
            .or_default() += 1;
    }
    out
}

pub fn run(opts: &Options, mode: FixMode) -> Result<FixOutcome, UsageError> {
    let mut opts = opts.clone();
    opts.keep_sources = true;
    let mut analysis = engine::run(&opts)?;
    let originals = analysis.sources.clone();
    let mut current: BTreeMap<String, Arc<str>> = BTreeMap::new();
    let mut rejected: BTreeMap<String, String> = BTreeMap::new();
    let mut applied = 0;
    for _ in 0..MAX_ROUNDS {
        let never: BTreeSet<&str> = analysis
            .report
            .errors
            .iter()
            .map(|e| e.file.as_str())
            .chain(rejected.keys().map(String::as_str))
            .collect();
        // The fixes of this round, per file, in position order.
        let mut by_file: BTreeMap<&str, Vec<(&ReportFix, Key)>> = BTreeMap::new();
        for f in &analysis.report.findings {
            let Some(fix) = &f.fix else { continue };
            if f.state == FindingState::Suppressed
                || !applies(fix, mode)
                || never.contains(f.file.as_str())
                || fix.edits.is_empty()
            {
                continue;
            }
            let key = (f.rule, f.function.clone());
            by_file.entry(&f.file).or_default().push((fix, key));
        }
        let mut edited: BTreeMap<String, (String, usize, BTreeMap<Key, usize>)> = BTreeMap::new();
        for (file, mut fixes) in by_file {
            let Some(text) = current
                .get(file)
                .or_else(|| analysis.sources.get(file))
                .cloned()
            else {
                continue;
            };
            fixes.sort_by_key(|(fix, _)| span(fix));
            if let Some((new_text, keys)) = apply_fixes(&text, &fixes) {
                let n = keys.values().sum();
                edited.insert(file.to_string(), (new_text, n, keys));
            }
        }
        if edited.is_empty() {
            break;
        }
        // Verify; drop the files that fail and verify the rest again (their edits were
        // analyzed beside the failing ones, which crate-wide rules may have seen).
        loop {
            let mut overlay: BTreeMap<String, Arc<str>> = current.clone();
            for (file, (text, _, _)) in &edited {
                overlay.insert(file.clone(), Arc::from(text.as_str()));
            }
            opts.overlay = Some(Arc::new(overlay));
            let after = engine::run(&opts)?;
            let failed = verify(&analysis.report, &after.report, &edited);
            if failed.is_empty() {
                for (file, (text, n, _)) in edited {
                    applied += n;
                    current.insert(file, Arc::from(text));
                }
                analysis = after;
                break;
            }
            for (file, why) in failed {
                edited.remove(&file);
                rejected.insert(file, why);
            }
            if edited.is_empty() {
                break;
            }
        }
    }
    let changed = current
        .into_iter()
        .filter_map(|(file, text)| {
            let old = originals.get(&file)?.clone();
            (*old != *text).then(|| (file, (old, text.to_string())))
        })
        .collect();
    Ok(FixOutcome {
        analysis,
        applied,
        changed,
        rejected,
    })
}

fn span(fix: &ReportFix) -> (u32, u32) {
    let start = fix.edits.iter().map(|e| e.start_byte).min().unwrap_or(0);
    let end = fix.edits.iter().map(|e| e.end_byte).max().unwrap_or(0);
    (start, end)
}

/// `text` with the fixes that do not overlap an earlier one applied, and the keys of the
/// findings they fix; `None` when none applies.
fn apply_fixes(text: &str, fixes: &[(&ReportFix, Key)]) -> Option<(String, BTreeMap<Key, usize>)> {
    let mut taken: Vec<(u32, u32)> = Vec::new();
    let mut edits: Vec<(usize, usize, &str)> = Vec::new();
    let mut keys: BTreeMap<Key, usize> = BTreeMap::new();
    for (fix, key) in fixes {
        let ranges: Vec<(u32, u32)> = fix
            .edits
            .iter()
            .map(|e| (e.start_byte, e.end_byte))
            .collect();
        let valid = fix.edits.iter().all(|e| {
            let (s, t) = (e.start_byte as usize, e.end_byte as usize);
            s <= t && t <= text.len() && text.is_char_boundary(s) && text.is_char_boundary(t)
        });
        // Two edits touching at a point (an insertion at the end of another edit) conflict
        // too: their order would be ambiguous.
        let overlaps = |a: (u32, u32), b: (u32, u32)| a.0 <= b.1 && b.0 <= a.1;
        let clash = ranges
            .iter()
            .any(|r| taken.iter().any(|t| overlaps(*r, *t)))
            || ranges
                .iter()
                .enumerate()
                .any(|(i, r)| ranges[i + 1..].iter().any(|q| overlaps(*r, *q)));
        if !valid || clash {
            continue;
        }
        taken.extend(ranges);
        for e in &fix.edits {
            edits.push((e.start_byte as usize, e.end_byte as usize, e.text.as_str()));
        }
        *keys.entry(key.clone()).or_default() += 1;
    }
    if edits.is_empty() {
        return None;
    }
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (start, end, with) in edits {
        out.replace_range(start..end, with);
    }
    Some((out, keys))
}

/// The files of `edited` whose edits fail the check, with the reason.
fn verify(
    before: &Report,
    after: &Report,
    edited: &BTreeMap<String, (String, usize, BTreeMap<Key, usize>)>,
) -> BTreeMap<String, String> {
    let old = keys_by_file(before);
    let new = keys_by_file(after);
    let empty = BTreeMap::new();
    let mut failed = BTreeMap::new();
    for (file, (text, _, fixed)) in edited {
        if syn::parse_file(text).is_err() || after.errors.iter().any(|e| &e.file == file) {
            failed.insert(file.clone(), "the edited file does not parse".to_string());
            continue;
        }
        let was = old.get(file.as_str()).unwrap_or(&empty);
        let now = new.get(file.as_str()).unwrap_or(&empty);
        for (key, n) in now {
            let allowed = was
                .get(key)
                .copied()
                .unwrap_or(0)
                .saturating_sub(fixed.get(key).copied().unwrap_or(0));
            if *n > allowed {
                let why = if fixed.contains_key(key) {
                    format!("a `{}` finding it should fix is still there", key.0)
                } else {
                    format!("the edit brings a new `{}` finding", key.0)
                };
                failed.insert(file.clone(), why);
                break;
            }
        }
    }
    failed
}

/// Write every changed file: a temporary file beside it, renamed over it (a reader sees the old
/// or the new text, never half of one). Symlinks are not replaced. Returns the files written.
pub fn write_changes(
    root: &Path,
    changed: &BTreeMap<String, (Arc<str>, String)>,
) -> Result<Vec<String>, UsageError> {
    let mut written = Vec::new();
    for (file, (_, text)) in changed {
        let path = root.join(file);
        if path
            .symlink_metadata()
            .is_ok_and(|m| m.file_type().is_symlink())
        {
            continue;
        }
        write_atomic(&path, text).map_err(|source| UsageError::Write {
            path: path.display().to_string(),
            source,
        })?;
        written.push(file.clone());
    }
    Ok(written)
}

fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.racewise-fix.{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        if let Ok(meta) = std::fs::metadata(path) {
            std::fs::set_permissions(&tmp, meta.permissions())?;
        }
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// A unified diff of every changed file (`--diff`), in path order.
pub fn unified_diff(changed: &BTreeMap<String, (Arc<str>, String)>) -> String {
    let mut out = String::new();
    for (file, (old, new)) in changed {
        let diff = similar::TextDiff::from_lines(&**old, new.as_str());
        out.push_str(
            &diff
                .unified_diff()
                .context_radius(3)
                .header(&format!("a/{file}"), &format!("b/{file}"))
                .to_string(),
        );
    }
    out
}
