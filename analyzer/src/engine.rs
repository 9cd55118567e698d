//! The engine: discover files ([`crate::discover`]), then four phases, one file each:
//!
//! 1. `engine/crate_assignment.rs`: which crate each file belongs to, its edition, whether it
//!    is test code;
//! 2. `engine/file_pipeline.rs`: every file read, parsed and walked with the rules' hooks, in
//!    parallel, behind a panic boundary per file and per rule;
//! 3. `engine/crate_phase.rs`: the crate-wide checks over each crate's index, and the manifests;
//! 4. `engine/finalize.rs`: configuration, suppressions, sorting, fingerprints and the baseline.
//!
//! The result is the same whatever the thread count: files are processed in a fixed order and
//! everything is sorted before it is reported.

mod crate_assignment;
mod crate_phase;
mod file_pipeline;
mod finalize;
mod mod_scan;
mod module_tree;

pub use finalize::Unresolved;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use racewise_lints::registry::{self, RuleEntry};

use crate::config::{Config, Selection};
use crate::discover::{self, DiscoverOptions};
use crate::error::UsageError;
use crate::report::Report;

pub use file_pipeline::{FileCache, analyze_text};

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
    /// Texts that stand in for files on disk, by absolute path (an editor's unsaved buffers,
    /// `racewise server`): read instead of the file, so the rest of the pipeline, and so every
    /// result, is the one `racewise check` gives once the buffer is saved.
    pub overrides: Overrides,
    /// Per-file outcomes of earlier runs, reused for files whose text and options did not
    /// change (`racewise server`; a one-shot `check` has none).
    pub cache: Option<Arc<FileCache>>,
    /// Texts that stand in for files on disk, by report path: `--fix` analyzes its edits before
    /// it writes them.
    pub overlay: Option<Arc<BTreeMap<String, Arc<str>>>>,
}

/// See [`Options::overrides`].
pub type Overrides = Arc<BTreeMap<PathBuf, Arc<str>>>;

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
            overrides: Overrides::default(),
            cache: None,
            overlay: None,
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
    /// Files under a crate's `src/` that no `mod` declaration reaches (not compiled, not
    /// analyzed).
    pub skipped_unreachable: Vec<String>,
    pub unresolved: Unresolved,
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
    let mut found = discover::discover(&opts.paths, &opts.discover, &excludes);
    let t_discover = t0.elapsed().as_secs_f64();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(crate::jobs::effective(opts.jobs, found.files.len()))
        .stack_size(STACK_BYTES)
        .build()
        .map_err(|e| UsageError::Usage(format!("cannot start worker threads: {e}")))?;

    // On the run's own workers: rayon's global pool would be started (and sized) just for this.
    let mut crates = pool.install(|| crate_assignment::assign(&found.files));
    let skipped_unreachable: Vec<String> = found
        .files
        .iter()
        .zip(&crates.unreachable)
        .filter(|(_, u)| **u)
        .map(|(f, _)| f.rel.clone())
        .collect();
    if !skipped_unreachable.is_empty() {
        let keep: Vec<bool> = crates.unreachable.iter().map(|u| !u).collect();
        let mut i = 0;
        found.files.retain(|_| {
            i += 1;
            keep[i - 1]
        });
        crates.retain(&keep);
    }
    let crate_names: Vec<Option<String>> = crates.infos.iter().map(|i| i.name.clone()).collect();
    let t_crates = t0.elapsed().as_secs_f64();
    let mut outcomes = file_pipeline::analyze_files(&pool, &found.files, &crates, rules, opts);
    let t_files = t0.elapsed().as_secs_f64();
    // On the run's workers too: the call graph and the crates' checks run in parallel.
    let crate_findings = pool.install(|| {
        crate_phase::run(
            &found,
            &crates.file_crate,
            &crate_names,
            &mut outcomes,
            rules,
            &excludes,
            &opts.config.blocking_paths,
        )
    });
    let finished = finalize::finish(&pool, found, outcomes, crate_findings, opts);

    let total = t0.elapsed().as_secs_f64();
    Ok(Analysis {
        root: finished.root,
        report: finished.report,
        sources: finished.sources,
        skipped_macros: finished.skipped_macros,
        skipped_unreachable,
        unresolved: finished.unresolved,
        timings: vec![
            ("discover", t_discover),
            ("crates", t_crates - t_discover),
            ("files", t_files - t_crates),
            ("call graph", finished.call_graph_secs),
            ("crate+report", total - t_files - finished.call_graph_secs),
            ("total", total),
        ],
    })
}
