//! The engine: discover files, analyze each one in parallel behind a panic boundary, run the
//! crate-wide phase per crate, then apply configuration, suppressions and the baseline. The
//! result is the same whatever the thread count: files are processed in a fixed order and
//! everything is sorted before it is reported.

mod crate_phase;
mod crates;
mod file_pipeline;
mod finalize;

use std::collections::{BTreeMap, BTreeSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use racewise_lints::Finding;
use racewise_lints::lint::Lint;
use racewise_lints::registry::{self, RuleEntry};
use racewise_lints::semantic::{CrateCx, CrateIndex, FileFacts, FileOptions};
use rayon::prelude::*;

use crate::config::{Config, Selection};
use crate::discover::{self, DiscoverOptions};
use crate::error::{ErrorKind, FileError, UsageError};
use crate::fingerprint;
use crate::report::{FindingState, Report};

use crate_phase::manifest_findings;
use crates::assign_crates;
pub use file_pipeline::analyze_text;
use file_pipeline::{FileOutcome, analyze_one};
use finalize::{suppressed_by, to_report, unused_finding};

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
    let jobs = opts.jobs.unwrap_or(0);
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
