//! The engine: discover files, analyze each one in parallel behind a panic boundary, run the
//! crate-wide phase per crate, then apply configuration, suppressions and the baseline. The
//! result is the same whatever the thread count: files are processed in a fixed order and
//! everything is sorted before it is reported.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use racewise_lints::lint::Lint;
use racewise_lints::registry::{self, RuleEntry};
use racewise_lints::semantic::{self, CrateCx, CrateIndex, FileFacts, FileOptions, SourceText};
use racewise_lints::{Finding, Severity};
use rayon::prelude::*;

use crate::config::{Config, Selection};
use crate::discover::{self, DiscoverOptions, SourceFile};
use crate::doc_comments;
use crate::error::{ErrorKind, FileError, UsageError};
use crate::fingerprint;
use crate::nesting;
use crate::report::{FindingState, RelatedLocation, Report, ReportFinding};
use crate::suppress::{self, Suppression};

/// Files above this size are reported (`too_large`) rather than parsed.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Analysis threads get big stacks: syn and the walker recurse per nesting level.
/// Unoptimized (debug) builds use several times more stack per level, in syn as much as here;
/// they get 1 GiB so the debug test suite handles the same 10,000-level inputs (address space
/// only: untouched stack pages cost nothing).
const STACK_BYTES: usize = if cfg!(debug_assertions) {
    1024 * 1024 * 1024
} else {
    256 * 1024 * 1024
};

#[derive(Debug, Clone)]
pub struct Options {
    pub paths: Vec<PathBuf>,
    pub discover: DiscoverOptions,
    pub jobs: Option<usize>,
    pub config: Config,
    pub select: Option<Vec<String>>,
    pub ignore: Vec<String>,
    pub max_file_bytes: u64,
    /// Fingerprints of known findings (`--baseline`).
    pub baseline: Option<BTreeSet<String>>,
    /// Keep every file's text in `Analysis::sources` (the human, Markdown and SARIF reporters
    /// show or hash source lines; JSON and GitHub output do not need it, and dropping it keeps
    /// peak memory near the size of the largest files in flight).
    pub keep_sources: bool,
}

impl Options {
    pub fn new(paths: Vec<PathBuf>) -> Options {
        Options {
            paths,
            discover: DiscoverOptions::default(),
            jobs: None,
            config: Config::default(),
            select: None,
            ignore: Vec::new(),
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
            baseline: None,
            keep_sources: true,
        }
    }
}

/// Everything a run produced, for the reporters.
pub struct Analysis {
    pub root: PathBuf,
    pub report: Report,
    /// Source text of every analyzed file, by report path (for snippets).
    pub sources: BTreeMap<String, Arc<str>>,
    pub skipped_macros: usize,
    pub timings: Vec<(&'static str, f64)>,
}

struct CrateInfo {
    edition: u16,
}

struct FileOutcome {
    facts: Option<FileFacts>,
    errors: Vec<FileError>,
    text: Option<Arc<str>>,
    /// Parsed on the worker, so the text can be dropped when no reporter needs it.
    suppressions: Vec<Suppression>,
}

impl FileOutcome {
    /// Facts and errors; the text and suppressions are filled in afterwards, if at all.
    fn new(facts: Option<FileFacts>, errors: Vec<FileError>) -> Self {
        FileOutcome {
            facts,
            errors,
            text: None,
            suppressions: Vec::new(),
        }
    }
}

/// The rules this run uses: `--select`, else all; minus `--ignore` and config-disabled ones.
pub fn enabled_rules(opts: &Options) -> Result<Vec<&'static RuleEntry>, UsageError> {
    let valid = || registry::names().join(", ");
    for name in opts.select.iter().flatten().chain(opts.ignore.iter()) {
        if registry::find(name).is_none() {
            return Err(UsageError::Usage(format!(
                "unknown rule `{name}`; valid rules: {}",
                valid()
            )));
        }
    }
    let selection = opts.selection();
    Ok(registry::RULES
        .iter()
        .filter(|r| selection.runs(r.meta.name))
        .collect())
}

impl Options {
    /// `--select`/`--ignore` over the config file: which rules run, and where.
    pub fn selection(&self) -> Selection<'_> {
        Selection {
            config: &self.config,
            select: self.select.as_deref(),
            ignore: &self.ignore,
        }
    }
}

pub fn run(opts: &Options) -> Result<Analysis, UsageError> {
    run_with_rules(opts, &enabled_rules(opts)?)
}

/// [`run`] with an explicit rule set instead of the one `--select`/`--ignore`/config choose (the
/// robustness tests add a deliberately panicking rule to check the per-rule panic boundary).
pub fn run_with_rules(
    opts: &Options,
    rules: &[&'static RuleEntry],
) -> Result<Analysis, UsageError> {
    // The crate-wide phase and the reporters also walk structures as deep as the source nests
    // (a 10,000-level type is a 10,000-level `Ty`, cloned and dropped recursively): the whole
    // run gets the analysis threads' stack, not the main thread's 8 MiB.
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("racewise-run".into())
            .stack_size(STACK_BYTES)
            .spawn_scoped(scope, || run_on_big_stack(opts, rules))
            .map_err(|e| UsageError::Usage(format!("cannot start the analysis thread: {e}")))?
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

fn run_on_big_stack(opts: &Options, rules: &[&'static RuleEntry]) -> Result<Analysis, UsageError> {
    let t0 = Instant::now();
    let mut exclude = opts.discover.exclude.clone();
    exclude.extend(opts.config.exclude.iter().cloned());
    let excludes = discover::build_globset(&exclude).map_err(UsageError::Usage)?;
    let found = discover::discover(&opts.paths, &opts.discover, &excludes);
    let t_discover = t0.elapsed().as_secs_f64();

    let blocking_paths: Arc<[String]> = Arc::from(opts.config.blocking_paths.clone());
    let jobs = crate::jobs::effective(opts.jobs, found.files.len());
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .stack_size(STACK_BYTES)
        .build()
        .map_err(|e| UsageError::Usage(format!("cannot start worker threads: {e}")))?;
    // On the run's own workers: rayon's global pool would be started (and sized) just for this.
    let crates = pool.install(|| assign_crates(&found.files));
    let t_crates = t0.elapsed().as_secs_f64();
    // Largest files first: a big file handed out last kept one worker busy while the others
    // idled (longest-processing-time-first scheduling). Outcomes go back to discovery order.
    // The one `stat` of each file (on overlay filesystems path lookups cost more than reading).
    let sizes: Vec<std::io::Result<u64>> = pool.install(|| {
        found
            .files
            .par_iter()
            .map(|f| std::fs::metadata(&f.abs).map(|m| m.len()))
            .collect()
    });
    let mut order: Vec<usize> = (0..found.files.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(*sizes[i].as_ref().unwrap_or(&0)));
    // Every worker takes the next file off the sorted list (rayon's splitting would hand the
    // second worker the middle of the list, not the next-largest file).
    let next = std::sync::atomic::AtomicUsize::new(0);
    let analyzed: Vec<Vec<(usize, FileOutcome)>> = pool.broadcast(|_| {
        let mut done = Vec::new();
        loop {
            let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(&i) = order.get(k) else {
                break;
            };
            let file = &found.files[i];
            let info = &crates.infos[crates.file_crate[i]];
            let file_opts = FileOptions {
                edition: info.edition,
                test_file: crates.test_file[i],
                module_path: crates.module_path[i].clone(),
                blocking_paths: blocking_paths.clone(),
                // Decided per file from its text (`analyze_text`).
                item_extents: true,
            };
            let outcome = analyze_one(
                file,
                &sizes[i],
                file_opts,
                rules,
                opts.max_file_bytes,
                opts.keep_sources,
            );
            done.push((i, outcome));
        }
        done
    });
    let mut slots: Vec<Option<FileOutcome>> = (0..found.files.len()).map(|_| None).collect();
    for (i, outcome) in analyzed.into_iter().flatten() {
        slots[i] = Some(outcome);
    }
    let mut outcomes: Vec<FileOutcome> = slots.into_iter().flatten().collect();
    let t_files = t0.elapsed().as_secs_f64();

    let mut errors = found.errors;
    let mut sources = BTreeMap::new();
    let mut skipped_macros = 0;
    for (file, o) in found.files.iter().zip(&outcomes) {
        errors.extend(o.errors.iter().cloned());
        if let Some(t) = &o.text {
            sources.insert(file.rel.clone(), t.clone());
        }
        skipped_macros += o.facts.as_ref().map_or(0, |f| f.skipped_macros);
    }

    // Crate-wide phase.
    let mut per_file: Vec<Vec<Finding>> = vec![Vec::new(); found.files.len()];
    let mut by_crate: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, &c) in crates.file_crate.iter().enumerate() {
        if outcomes[i].facts.is_some() {
            by_crate.entry(c).or_default().push(i);
        }
    }
    let crate_rules: Vec<Box<dyn Lint>> = rules.iter().map(|r| (r.make)()).collect();
    for members in by_crate.values() {
        // Only lock acquisitions and deferred findings consult the index: a crate without
        // either (most dependencies, `windows-sys`) skips building it.
        let needs_index = members.iter().any(|&i| {
            outcomes[i]
                .facts
                .as_ref()
                .is_some_and(|f| !f.acquisitions.is_empty() || !f.pending.is_empty())
        });
        let mut index = CrateIndex::default();
        for &i in members {
            if let Some(f) = outcomes[i].facts.as_mut() {
                let file_index = std::mem::take(&mut f.index);
                if needs_index {
                    index.add_file(file_index);
                }
            }
        }
        let facts: Vec<&FileFacts> = members
            .iter()
            .filter_map(|&i| outcomes[i].facts.as_ref())
            .collect();
        let cx = CrateCx {
            index: &index,
            files: facts,
            paths: members
                .iter()
                .filter(|&&i| outcomes[i].facts.is_some())
                .map(|&i| found.files[i].rel.as_str())
                .collect(),
        };
        for (k, &fi) in members.iter().enumerate() {
            let f = cx.files[k];
            per_file[fi].extend(f.findings.iter().cloned());
            for p in &f.pending {
                if p.conditions.iter().all(|c| cx.holds(c)) {
                    per_file[fi].push(p.finding.clone());
                }
            }
        }
        let mut out = Vec::new();
        for rule in &crate_rules {
            let r = catch_unwind(AssertUnwindSafe(|| rule.check_crate(&cx, &mut out)));
            if r.is_err() {
                errors.push(FileError::new(
                    String::new(),
                    ErrorKind::InternalError,
                    None,
                    format!(
                        "rule `{}` panicked in its crate-wide phase",
                        rule.meta().name
                    ),
                ));
            }
        }
        for cf in out {
            if let Some(&fi) = members.get(cf.file) {
                per_file[fi].push(cf.finding);
            }
        }
    }

    let selection = opts.selection();
    let mut findings = Vec::new();
    for (i, file) in found.files.iter().enumerate() {
        let mut list = std::mem::take(&mut per_file[i]);
        // Per-path overrides: a rule switched off for this file reports nothing here.
        list.retain(|f| selection.active_at(f.rule, &file.rel));
        let mut sups = std::mem::take(&mut outcomes[i].suppressions);
        // Suppression findings are produced after the others, and are never themselves suppressed.
        list.sort_by(|a, b| (a.region, a.rule).cmp(&(b.region, b.rule)));
        list.dedup_by(|a, b| a.region == b.region && a.rule == b.rule && a.message == b.message);
        for f in list {
            let state = if suppressed_by(&f, &mut sups) {
                FindingState::Suppressed
            } else {
                FindingState::New
            };
            findings.push(to_report(file, f, state, &opts.config));
        }
        if selection.active_at("unused_suppression", &file.rel) {
            for s in &sups {
                // "Suppresses nothing" is only known when every rule it names ran on this file.
                let all_ran = s
                    .rules
                    .iter()
                    .all(|r| registry::find(r).is_none() || selection.active_at(r, &file.rel));
                if let Some(f) = unused_finding(s, all_ran) {
                    findings.push(to_report(file, f, FindingState::New, &opts.config));
                }
            }
        }
    }
    // Every file's facts, freed on the workers: dropping them one by one was a serial tail of
    // the run.
    pool.install(|| outcomes.into_par_iter().for_each(drop));
    for (file, text, list) in manifest_findings(&found.root, &found.files, &excludes, &crate_rules)
    {
        for f in list {
            findings.push(to_report(&file, f, FindingState::New, &opts.config));
        }
        sources.insert(file.rel, text);
    }
    findings.retain(|f| selection.active_at(f.rule, &f.file));
    findings.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.rule, &a.message)
            .cmp(&(&b.file, b.line, b.column, b.rule, &b.message))
    });
    fingerprint::assign(&mut findings);
    let mut baseline_fixed = 0;
    if let Some(base) = &opts.baseline {
        let mut matched = BTreeSet::new();
        for f in findings.iter_mut() {
            if f.state == FindingState::New && base.contains(&f.fingerprint) {
                f.state = FindingState::Baseline;
                matched.insert(f.fingerprint.clone());
            }
        }
        baseline_fixed = base.len() - matched.len();
    }
    errors.sort();
    errors.dedup();
    let report = Report::new(findings, errors, found.files.len(), baseline_fixed);
    let total = t0.elapsed().as_secs_f64();
    Ok(Analysis {
        root: found.root,
        report,
        sources,
        skipped_macros,
        timings: vec![
            ("discover", t_discover),
            ("crates", t_crates - t_discover),
            ("files", t_files - t_crates),
            ("crate+report", total - t_files),
            ("total", total),
        ],
    })
}

/// Rules' findings in the manifests (`Cargo.toml`) of the crates and workspaces that contain the
/// analyzed files, up to the scan root (a crate's `[lints]` table or a workspace's
/// `[workspace.lints]` configures code racewise analyzes). Excluded and unreadable manifests are
/// skipped: a manifest is configuration, not a source file, so it never becomes an error entry.
fn manifest_findings(
    root: &Path,
    files: &[SourceFile],
    excludes: &globset::GlobSet,
    rules: &[Box<dyn Lint>],
) -> Vec<(SourceFile, Arc<str>, Vec<Finding>)> {
    let mut dirs: BTreeSet<PathBuf> = BTreeSet::new();
    for f in files {
        let mut dir = f.abs.parent();
        while let Some(d) = dir {
            let inside = d.starts_with(root) || root == Path::new(".");
            if d.as_os_str().is_empty() || !inside || !dirs.insert(d.to_path_buf()) {
                break;
            }
            if d == root {
                break;
            }
            dir = d.parent();
        }
    }
    let mut out = Vec::new();
    for d in dirs {
        let abs = d.join("Cargo.toml");
        let rel = discover::relative(root, &abs);
        if excludes.is_match(&rel) || !abs.is_file() {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&abs) else {
            continue;
        };
        let list: Vec<Finding> = rules.iter().flat_map(|r| r.check_manifest(&text)).collect();
        if !list.is_empty() {
            out.push((
                SourceFile {
                    abs,
                    rel,
                    symlink: false,
                },
                Arc::from(text),
                list,
            ));
        }
    }
    out
}

fn suppressed_by(f: &Finding, sups: &mut [Suppression]) -> bool {
    let mut hit = false;
    for s in sups.iter_mut() {
        if s.covers(f.rule, f.region.line) {
            s.used = true;
            hit = true;
        }
    }
    hit
}

fn unused_finding(s: &Suppression, all_ran: bool) -> Option<Finding> {
    let meta = &racewise_lints::rules::unused_suppression::META;
    let unknown: Vec<&String> = s
        .rules
        .iter()
        .filter(|r| registry::find(r).is_none())
        .collect();
    let (message, help) = if let Some(why) = &s.malformed {
        (
            format!("malformed racewise suppression: {why}"),
            "write it as `// racewise: allow(rule_name) -- why this is safe`".to_string(),
        )
    } else if !unknown.is_empty() {
        (
            format!(
                "suppression names unknown rule(s): {}",
                unknown
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            format!("valid rules: {}", registry::names().join(", ")),
        )
    } else if !s.used && all_ran {
        (
            format!("suppression of {} suppresses nothing", s.rules.join(", ")),
            "remove it (the code it was written for has changed)".to_string(),
        )
    } else if s.reason.is_none() {
        (
            "suppression has no reason".to_string(),
            "say why after `--`: `// racewise: allow(rule) -- why this is safe`".to_string(),
        )
    } else {
        return None;
    };
    let region = s.region();
    Some(Finding {
        rule: meta.name,
        severity: meta.default_severity,
        region,
        message,
        help,
        function: None,
        snippet: s.snippet.clone(),
        related: Vec::new(),
    })
}

fn to_report(file: &SourceFile, f: Finding, state: FindingState, config: &Config) -> ReportFinding {
    let severity: Severity = config.severity_at(f.rule, &file.rel).unwrap_or(f.severity);
    let related = f
        .related
        .iter()
        .map(|r| RelatedLocation {
            file: r.file.clone().unwrap_or_else(|| file.rel.clone()),
            line: r.region.line,
            column: r.region.column,
            end_line: r.region.end_line,
            end_column: r.region.end_column,
            message: r.message.clone(),
        })
        .collect();
    ReportFinding {
        rule: f.rule,
        severity,
        file: file.rel.clone(),
        line: f.region.line,
        column: f.region.column,
        end_line: f.region.end_line,
        end_column: f.region.end_column,
        message: crate::report::tidy::message(f.rule, f.message),
        help: f.help,
        function: f.function,
        fingerprint: String::new(),
        related,
        state,
        region: f.region,
        snippet: f.snippet,
    }
}

fn analyze_one(
    file: &SourceFile,
    size: &std::io::Result<u64>,
    opts: FileOptions,
    rules: &[&'static RuleEntry],
    max_bytes: u64,
    keep_text: bool,
) -> FileOutcome {
    let (mut out, text) = analyze_file_text(file, size, opts, rules, max_bytes);
    if let Some(text) = text {
        // Shared with the reporters only when one shows source lines (a copy per file else).
        out.text = keep_text.then(|| Arc::from(text));
    }
    // Item extents only serve suppression parsing: don't keep them through the crate phase.
    if let Some(f) = &mut out.facts {
        f.items = Vec::new();
    }
    out
}

/// One file's outcome (its `text` left empty, its suppressions parsed) and its text, if it could
/// be read.
fn analyze_file_text(
    file: &SourceFile,
    size: &std::io::Result<u64>,
    opts: FileOptions,
    rules: &[&'static RuleEntry],
    max_bytes: u64,
) -> (FileOutcome, Option<String>) {
    let fail = |kind, line, message| {
        let error = FileError::new(file.rel.clone(), kind, line, message);
        (FileOutcome::new(None, vec![error]), None)
    };
    let size = match size {
        Ok(n) if *n > max_bytes => {
            return fail(
                ErrorKind::TooLarge,
                None,
                format!("file is {n} bytes; the limit is {max_bytes}"),
            );
        }
        Ok(n) => *n,
        Err(e) => return fail(ErrorKind::Io, None, e.to_string()),
    };
    let bytes = match read_capped(&file.abs, size, max_bytes) {
        Ok(b) => b,
        Err(e) => return fail(ErrorKind::Io, None, e.to_string()),
    };
    if bytes.len() as u64 > max_bytes {
        let n = bytes.len();
        return fail(
            ErrorKind::TooLarge,
            None,
            format!("file grew to over {n} bytes; the limit is {max_bytes}"),
        );
    }
    let text = match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            let line = e.as_bytes()[..e.utf8_error().valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u32
                + 1;
            return fail(
                ErrorKind::NonUtf8,
                Some(line),
                format!("file is not valid UTF-8: {}", e.utf8_error()),
            );
        }
    };
    // Item extents only serve item-level suppressions: recorded, and the suppression lines
    // scanned, only in files that hold the marker at all.
    let marked = suppress::may_have_suppressions(&text);
    let opts = FileOptions {
        item_extents: marked,
        ..opts
    };
    let result = catch_unwind(AssertUnwindSafe(|| analyze_text(&text, opts, rules)));
    #[cfg(not(fuzzing))]
    proc_macro2::extra::invalidate_current_thread_spans();
    let mut outcome = match result {
        Ok(Ok(facts)) => {
            // A rule that panicked was disabled for the rest of this file; the rest still counts.
            let errors = facts
                .panicked
                .iter()
                .map(|(rule, msg)| {
                    FileError::new(
                        file.rel.clone(),
                        ErrorKind::InternalError,
                        None,
                        format!("rule `{rule}` panicked (disabled for this file): {msg}"),
                    )
                })
                .collect();
            FileOutcome::new(Some(facts), errors)
        }
        Ok(Err(mut err)) => {
            err.file = file.rel.clone();
            FileOutcome::new(None, vec![err])
        }
        Err(panic) => {
            let msg = semantic::walk::panic_message(&*panic);
            let error = FileError::new(
                file.rel.clone(),
                ErrorKind::InternalError,
                None,
                format!("analysis panicked: {msg}"),
            );
            FileOutcome::new(None, vec![error])
        }
    };
    if marked {
        let items = outcome
            .facts
            .as_ref()
            .map(|f| f.items.as_slice())
            .unwrap_or(&[]);
        outcome.suppressions = suppress::parse(&text, items);
    }
    (outcome, Some(text))
}

/// A file's bytes, read with the size known from its `stat` (no second lookup of the path) and
/// never more than one byte past `max_bytes`, should it have grown since.
fn read_capped(path: &Path, size: u64, max_bytes: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::with_capacity(usize::try_from(size.min(max_bytes)).unwrap_or(0) + 1);
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Parse and walk one file's text. The file name in a returned error is filled in by the caller.
pub fn analyze_text(
    text: &str,
    opts: FileOptions,
    rules: &[&'static RuleEntry],
) -> Result<FileFacts, FileError> {
    let depth = nesting::estimate(text, nesting::MAX_NESTING);
    if depth > nesting::MAX_NESTING {
        return Err(FileError::new(
            String::new(),
            ErrorKind::TooLarge,
            None,
            format!(
                "nesting is more than {} levels deep: not parsed (the parser would overflow its stack)",
                nesting::MAX_NESTING
            ),
        ));
    }
    // Rules read no documentation, and item-level suppressions (`item_extents`) are placed by
    // where an item's doc comments start: blank them only where no suppression can look.
    let blanked = if opts.item_extents {
        None
    } else {
        doc_comments::blank(text)
    };
    let ast = syn::parse_file(blanked.as_deref().unwrap_or(text)).map_err(|e| {
        let start = e.span().start();
        let mut err = FileError::new(
            String::new(),
            ErrorKind::ParseError,
            Some(start.line as u32),
            e.to_string(),
        );
        err.column = Some(start.column as u32 + 1);
        err
    })?;
    drop(blanked);
    let src = SourceText::parsed(text, &ast);
    let mut lints: Vec<Box<dyn Lint>> = rules.iter().map(|r| (r.make)()).collect();
    Ok(semantic::analyze_file(&ast, &src, opts, &mut lints))
}

struct Crates {
    infos: Vec<CrateInfo>,
    file_crate: Vec<usize>,
    /// The file lies under its crate's `tests/` or `benches/` directory.
    test_file: Vec<bool>,
    /// The file's module path below its crate root.
    module_path: Vec<Vec<String>>,
}

/// Group files by their crate (nearest ancestor directory with a `Cargo.toml` that has a
/// `[package]`); files outside any crate form one crate rooted at the scan root.
fn assign_crates(files: &[SourceFile]) -> Crates {
    let mut infos: Vec<CrateInfo> = Vec::new();
    let mut by_root: HashMap<PathBuf, usize> = HashMap::new();
    let mut dir_cache: HashMap<PathBuf, Option<PathBuf>> = HashMap::new();
    let mut file_crate = Vec::with_capacity(files.len());
    let mut test_file = Vec::with_capacity(files.len());
    let mut module_path = Vec::with_capacity(files.len());
    let mut canonical_dirs: HashMap<PathBuf, PathBuf> = HashMap::new();
    for f in files {
        let abs = canonical_file(f, &mut canonical_dirs);
        let root = abs.parent().and_then(|d| crate_root(d, &mut dir_cache));
        let is_test = root.as_ref().is_some_and(|r| {
            abs.strip_prefix(r)
                .ok()
                .and_then(|rel| rel.components().next())
                .is_some_and(|c| {
                    matches!(
                        c.as_os_str().to_str(),
                        Some("tests" | "benches" | "examples")
                    )
                })
        });
        let mp = root
            .as_ref()
            .map(|r| module_of(&abs, r))
            .unwrap_or_default();
        let root = root.unwrap_or_default();
        let idx = *by_root.entry(root.clone()).or_insert_with(|| {
            infos.push(CrateInfo {
                edition: edition_of(&root),
            });
            infos.len() - 1
        });
        file_crate.push(idx);
        test_file.push(is_test);
        module_path.push(mp);
    }
    mark_cfg_test_modules(files, &mut test_file);
    Crates {
        infos,
        file_crate,
        test_file,
        module_path,
    }
}

/// The canonical path of a file: its directory's (resolved once per directory), or, for a
/// symlink, the link's target's. Canonicalizing every file was a dozen syscalls each.
fn canonical_file(f: &SourceFile, dirs: &mut HashMap<PathBuf, PathBuf>) -> PathBuf {
    let file = f.abs.as_path();
    match (file.parent(), file.file_name()) {
        (Some(dir), Some(name)) if !f.symlink => {
            let canon = dirs.entry(dir.to_path_buf()).or_insert_with(|| {
                std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf())
            });
            canon.join(name)
        }
        _ => std::fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf()),
    }
}

/// Files of modules declared `#[cfg(test)] mod name;` in another file (`runtime/tests/*.rs`,
/// `mocks.rs`) are test code too, though nothing in them says so.
fn mark_cfg_test_modules(files: &[SourceFile], test_file: &mut [bool]) {
    // Only a file whose module directory holds other scanned files can declare one of them:
    // reading just those skips most leaf modules (`a/b.rs` without an `a/b/`).
    let dirs: HashSet<&Path> = files
        .iter()
        .flat_map(|f| f.abs.ancestors().skip(1))
        .collect();
    let roots: Vec<PathBuf> = files
        .par_iter()
        .filter(|f| dirs.contains(module_dir(&f.abs).as_path()))
        .flat_map_iter(|f| {
            let text = std::fs::read_to_string(&f.abs).unwrap_or_default();
            let names = if text.contains("cfg(test)") {
                cfg_test_children(&text)
            } else {
                Vec::new()
            };
            let base = module_dir(&f.abs);
            names.into_iter().map(move |n| base.join(n))
        })
        .collect();
    if roots.is_empty() {
        return;
    }
    // `Path::starts_with` re-parses components on every call (7 ms for 16 roots over tokio's
    // files); the same test on the bytes, at a separator boundary.
    let roots: Vec<(Vec<u8>, PathBuf)> = roots
        .into_iter()
        .map(|r| {
            (
                r.as_os_str().as_encoded_bytes().to_vec(),
                r.with_extension("rs"),
            )
        })
        .collect();
    for (f, t) in files.iter().zip(test_file.iter_mut()) {
        let p = f.abs.as_os_str().as_encoded_bytes();
        let hit = roots.iter().any(|(dir, file)| {
            p.strip_prefix(dir.as_slice()).is_some_and(|rest| {
                rest.is_empty() || rest.starts_with(std::path::MAIN_SEPARATOR_STR.as_bytes())
            }) || f.abs == *file
        });
        *t = *t || hit;
    }
}

/// Where a file's child modules live: `a/b.rs` → `a/b/`; `a/mod.rs`, `lib.rs`, `main.rs` → `a/`.
fn module_dir(file: &Path) -> PathBuf {
    let parent = file.parent().map(Path::to_path_buf).unwrap_or_default();
    match file.file_stem().and_then(|s| s.to_str()) {
        Some("mod" | "lib" | "main") | None => parent,
        Some(stem) => parent.join(stem),
    }
}

/// Names of out-of-line modules declared under `#[cfg(test)]` (`#[cfg(test)] mod tests;`).
fn cfg_test_children(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut pending = false;
    for line in text.lines() {
        let mut t = line.trim();
        if t.starts_with("#[cfg(") && t.contains("test") && !t.contains("not(") {
            pending = true;
            t = t[t.find(")]").map_or(t.len(), |i| i + 2)..].trim();
            if t.is_empty() {
                continue;
            }
        } else if pending && (t.is_empty() || t.starts_with("#[") || t.starts_with("//")) {
            continue;
        }
        if pending {
            let decl = t
                .strip_prefix("pub(crate) ")
                .or_else(|| t.strip_prefix("pub(super) "))
                .or_else(|| t.strip_prefix("pub "))
                .unwrap_or(t);
            if let Some(name) = decl.strip_prefix("mod ").and_then(|r| r.strip_suffix(';')) {
                out.push(name.trim().to_string());
            }
        }
        pending = false;
    }
    out
}

/// `src/routes/admin.rs` → `["routes", "admin"]`; `src/lib.rs`, `src/main.rs` → `[]`;
/// `src/routes/mod.rs` → `["routes"]`.
fn module_of(file: &Path, crate_root: &Path) -> Vec<String> {
    let Ok(rel) = file.strip_prefix(crate_root) else {
        return Vec::new();
    };
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.first().is_some_and(|p| p == "src") {
        parts.remove(0);
    }
    let Some(last) = parts.pop() else {
        return parts;
    };
    let stem = last.strip_suffix(".rs").unwrap_or(&last);
    let is_root = parts.is_empty() && (stem == "lib" || stem == "main");
    if stem != "mod" && !is_root {
        parts.push(stem.to_string());
    }
    parts
}

fn crate_root(dir: &Path, cache: &mut HashMap<PathBuf, Option<PathBuf>>) -> Option<PathBuf> {
    if let Some(hit) = cache.get(dir) {
        return hit.clone();
    }
    let manifest = dir.join("Cargo.toml");
    let found = if manifest.is_file()
        && std::fs::read_to_string(&manifest).is_ok_and(|t| t.contains("[package]"))
    {
        Some(dir.to_path_buf())
    } else {
        dir.parent().and_then(|p| crate_root(p, cache))
    };
    cache.insert(dir.to_path_buf(), found.clone());
    found
}

/// The crate's edition from its manifest (following `edition.workspace = true`); 2021 if unknown.
fn edition_of(root: &Path) -> u16 {
    let read = |p: &Path| -> Option<toml::Table> {
        std::fs::read_to_string(p).ok()?.parse::<toml::Table>().ok()
    };
    let Some(manifest) = read(&root.join("Cargo.toml")) else {
        return 2021;
    };
    let edition = manifest.get("package").and_then(|p| p.get("edition"));
    let as_year = |v: &toml::Value| v.as_str().and_then(|s| s.parse::<u16>().ok());
    match edition {
        Some(v) if v.is_str() => as_year(v).unwrap_or(2021),
        Some(v) if v.get("workspace").is_some() => {
            let mut dir = root.parent();
            while let Some(d) = dir {
                if let Some(ws) = read(&d.join("Cargo.toml"))
                    && let Some(w) = ws.get("workspace")
                {
                    return w
                        .get("package")
                        .and_then(|p| p.get("edition"))
                        .and_then(as_year)
                        .unwrap_or(2021);
                }
                dir = d.parent();
            }
            2021
        }
        Some(_) => 2021,
        None => 2015,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_out_of_line_cfg_test_modules() {
        let text = "mod real;\n#[cfg(test)]\nmod tests;\n#[cfg(test)] pub(crate) mod mocks;\n#[cfg(not(test))]\nmod prod;\n#[cfg(test)]\n/// helpers\n#[path = \"x.rs\"]\nmod helpers;\n#[cfg(test)]\nmod inline {\n}\n";
        assert_eq!(cfg_test_children(text), ["tests", "mocks", "helpers"]);
        assert_eq!(module_dir(Path::new("src/fs/mod.rs")), Path::new("src/fs"));
        assert_eq!(module_dir(Path::new("src/fs.rs")), Path::new("src/fs"));
    }
}
