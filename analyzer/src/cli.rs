//! The command line: `racewise check|rules|explain|models|server`. `run` is the whole program behind a
//! testable interface (arguments in, bytes out, exit code back).

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};
use racewise_lints::{Severity, registry};

use crate::config::Config;
use crate::engine::{self, Options};
use crate::error::UsageError;
use crate::models_cmd::{self, ModelsCommand};
use crate::outputs::Output;
use crate::report::{self, human::HumanOptions};
use crate::root::{ConfigSource, ProjectRoot};

#[derive(Debug, Parser)]
#[command(
    name = "racewise",
    version,
    arg_required_else_help = true,
    about = "Audit async and concurrent Rust for the hazards real audits keep finding"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Analyze Rust source trees.
    Check(Box<CheckArgs>),
    /// List every rule: name, default severity, group, summary.
    Rules {
        #[arg(long, value_enum, default_value = "human")]
        format: DocFormat,
    },
    /// Print a rule's full documentation (rendered for a terminal; `--format markdown`: raw).
    Explain {
        rule: String,
        #[arg(long, value_enum, default_value = "human")]
        format: DocFormat,
    },
    /// Run the model checks of the racewise-models crate.
    #[command(subcommand)]
    Models(ModelsCommand),
    /// Language Server over stdio: diagnostics for open files as you type (see the README's
    /// editor section).
    Server,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Concise,
    Json,
    Sarif,
    Github,
    Markdown,
}

impl Format {
    fn name(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Concise => "concise",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Github => "github",
            Format::Markdown => "markdown",
        }
    }

    /// The reporter shows or hashes source lines.
    fn needs_sources(self) -> bool {
        matches!(self, Format::Human | Format::Markdown | Format::Sarif)
    }
}

/// `--report FORMAT=PATH`: one more output of the same run (`-` as PATH: stdout).
fn parse_report(s: &str) -> Result<Output<Format>, String> {
    let (format, path) = s
        .split_once('=')
        .ok_or_else(|| format!("expected FORMAT=PATH (e.g. sarif=racewise.sarif), got `{s}`"))?;
    let format = Format::from_str(format.trim(), true).map_err(|_| {
        format!("unknown format `{format}`; valid formats: human, concise, json, sarif, github, markdown")
    })?;
    let path = path.trim();
    if path.is_empty() {
        return Err(format!("no path after `=` in `{s}`"));
    }
    Ok(Output {
        format,
        path: (path != "-").then(|| PathBuf::from(path)),
    })
}

/// Output of `rules` and `explain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DocFormat {
    Human,
    Json,
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Critical,
    High,
    Medium,
    Low,
    Never,
}

impl FailOn {
    fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Critical => Some(Severity::Critical),
            FailOn::High => Some(Severity::High),
            FailOn::Medium => Some(Severity::Medium),
            FailOn::Low => Some(Severity::Low),
            FailOn::Never => None,
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Files or directories to scan (default: `.`).
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Write the report here instead of stdout (a summary still goes to stderr).
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// One more output of the same run, as FORMAT=PATH (`-` for stdout); repeatable. E.g.
    /// `--format github --report sarif=racewise.sarif`.
    #[arg(long = "report", value_name = "FORMAT=PATH", value_parser = parse_report)]
    pub reports: Vec<Output<Format>>,
    /// Configuration file (default: the project's `racewise.toml`, found by walking up).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Only these rules or groups (comma-separated; groups: blocking, locks, errors, security,
    /// shutdown, all).
    #[arg(long)]
    pub select: Option<Vec<String>>,
    /// Skip these rules or groups (comma-separated).
    #[arg(long)]
    pub ignore: Vec<String>,
    /// Files that cannot be read or parsed, or a run that finds no Rust file, fail the run.
    #[arg(long)]
    pub fail_on_error: bool,
    /// Per-rule and per-severity counts instead of the findings (on stdout).
    #[arg(long)]
    pub statistics: bool,
    /// Findings only: no summary table, no totals, no summary on stderr.
    #[arg(long, short)]
    pub quiet: bool,
    /// Follow symbolic links while walking directories (not followed by default).
    #[arg(long)]
    pub follow: bool,
    /// Report only findings introduced since this git revision (compared by fingerprint with the
    /// findings of the revision's tree).
    #[arg(long, value_name = "REV", alias = "diff-base")]
    pub new_from_rev: Option<String>,
    /// Exit 1 if a finding at or above this severity is reported.
    #[arg(long, value_enum, default_value = "high")]
    pub fail_on: FailOn,
    /// Known findings (written by --write-baseline): reported as baseline, not failing.
    #[arg(long)]
    pub baseline: Option<PathBuf>,
    /// Write the fingerprints of all current findings to this file.
    #[arg(long)]
    pub write_baseline: Option<PathBuf>,
    /// Worker threads (default: all cores; at most the number of files and 2 per core).
    #[arg(long, short, value_parser = crate::jobs::parse)]
    pub jobs: Option<usize>,
    /// Also scan .gitignored, hidden and target/ paths.
    #[arg(long)]
    pub no_ignore: bool,
    /// Skip paths matching these globs (relative to the project root; a bare name such as
    /// `generated` matches at any depth, as in `.gitignore`).
    #[arg(long)]
    pub exclude: Vec<String>,
    /// Also show suppressed (and, in human and concise output, baselined) findings, marked.
    #[arg(long)]
    pub include_suppressed: bool,
    /// Print the project root, the config used, thread count, timings and skipped-macro counts
    /// to stderr.
    #[arg(long, short)]
    pub verbose: bool,
    /// Colors in human output.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
    /// Apply the safe fixes of the findings, verified (the file still parses, the finding is
    /// gone, no new one appears), then report what is left.
    #[arg(long)]
    pub fix: bool,
    /// With --fix or --diff: apply the unsafe fixes too (types or timing change, e.g.
    /// `std::thread::sleep(d)` becomes `tokio::time::sleep(d).await`).
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print a unified diff of what --fix would change and write nothing (exit 1 if there is
    /// something to fix).
    #[arg(long)]
    pub diff: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Run the CLI. Returns the process exit code.
pub fn run<I, T>(args: I, out: &mut dyn Write, err: &mut dyn Write) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    match parse(args, "racewise", out, err) {
        Ok(cli) => execute(cli, None, out, err),
        Err(code) => code,
    }
}

/// Parse a command line, printing help, version or the error; `Err` holds the exit code then.
fn parse<I, T>(args: I, bin: &str, out: &mut dyn Write, err: &mut dyn Write) -> Result<Cli, i32>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    use clap::{CommandFactory, FromArgMatches};
    let mut cmd = Cli::command().bin_name(bin);
    if bin == "cargo racewise" {
        const CARGO_FLAGS: &str = "Cargo options:\n      --manifest-path <PATH>  Scan the package or workspace of this manifest\n  -p, --package <NAME>        Scan this workspace member (repeatable)\n      --workspace             Scan the whole workspace\n\nWithout paths or cargo options, the package holding the current directory is scanned.";
        cmd = cmd
            .about("Audit async and concurrent Rust (cargo racewise [check] [OPTIONS] [PATH ...])")
            .mut_subcommand("check", |c| c.after_help(CARGO_FLAGS));
    }
    let parsed = cmd
        .try_get_matches_from(args)
        .and_then(|m| Cli::from_arg_matches(&m));
    parsed.map_err(|e| {
        let code = if e.use_stderr() { 2 } else { 0 };
        let rendered = e.render().to_string();
        let _ = if code == 0 {
            write!(out, "{rendered}")
        } else {
            write!(err, "{rendered}")
        };
        code
    })
}

/// Run a parsed command line; `cargo` holds `cargo racewise`'s package selection.
fn execute(
    cli: Cli,
    cargo: Option<crate::cargo_cmd::Selection>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let result = match cli.command {
        Command::Check(mut args) => {
            let selected = match &cargo {
                Some(sel) => {
                    crate::cargo_cmd::paths(sel, !args.paths.is_empty()).map_err(UsageError::Usage)
                }
                None => Ok(None),
            };
            match selected {
                Ok(extra) => {
                    args.paths.extend(extra.into_iter().flatten());
                    check(*args, out, err)
                }
                Err(e) => Err(e),
            }
        }
        Command::Rules { format } => rules(format, out),
        Command::Explain { rule, format } => explain(&rule, format, out),
        Command::Models(cmd) => {
            models_cmd::run(&cmd, out).map_err(|e| UsageError::Usage(e.to_string()))
        }
        // Speaks on the process's stdin/stdout itself: `out` is not a transport.
        Command::Server => Ok(crate::server::run_stdio()),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            2
        }
    }
}

/// `cargo racewise ...`: cargo runs `cargo-racewise racewise ...`. Drops the subcommand name
/// cargo passes, and makes `cargo racewise [FLAGS]` mean `racewise check [FLAGS]`.
pub fn cargo_args(args: Vec<OsString>) -> Vec<OsString> {
    let mut args = args;
    if args.get(1).is_some_and(|a| a == "racewise") {
        args.remove(1);
    }
    let is_flag = |a: &OsString| {
        let s = a.to_string_lossy();
        s.starts_with('-') && !matches!(s.as_ref(), "--help" | "-h" | "--version" | "-V")
    };
    let is_path = |a: &OsString| {
        let known = ["check", "rules", "explain", "models", "server", "help"];
        !is_flag(a) && !a.to_string_lossy().starts_with('-') && !known.iter().any(|k| a == k)
    };
    if args.len() == 1 || args.get(1).is_some_and(|a| is_flag(a) || is_path(a)) {
        args.insert(1, "check".into());
    }
    args
}

/// The `cargo-racewise` binary: [`cargo_args`], cargo's package flags (`--manifest-path`,
/// `-p/--package`, `--workspace`, see [`crate::cargo_cmd`]), then the command.
pub fn run_cargo(args: Vec<OsString>, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let mut args = cargo_args(args);
    let mut selection = None;
    if args.get(1).is_some_and(|a| a == "check") {
        let mut rest = args.split_off(2);
        match crate::cargo_cmd::take_flags(&mut rest) {
            Ok(sel) => selection = Some(sel),
            Err(e) => {
                let _ = writeln!(err, "error: {e}");
                return 2;
            }
        }
        args.extend(rest);
    }
    match parse(args, "cargo racewise", out, err) {
        Ok(cli) => execute(cli, selection, out, err),
        Err(code) => code,
    }
}

fn rules(format: DocFormat, out: &mut dyn Write) -> Result<i32, UsageError> {
    if format == DocFormat::Json {
        let rules: Vec<serde_json::Value> = registry::RULES
            .iter()
            .map(|r| {
                serde_json::json!({
                    "name": r.meta.name,
                    "default_severity": r.meta.default_severity.as_str(),
                    "group": crate::groups::group_of(r.meta.name),
                    "summary": r.meta.summary,
                })
            })
            .collect();
        let groups: Vec<serde_json::Value> = crate::groups::GROUPS
            .iter()
            .map(|(name, about, rules)| {
                serde_json::json!({"name": name, "description": about, "rules": rules})
            })
            .collect();
        let doc = serde_json::json!({"rules": rules, "groups": groups});
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&doc).unwrap_or_default()
        );
        return Ok(0);
    }
    let width = registry::names().iter().map(|n| n.len()).max().unwrap_or(0);
    for r in registry::RULES {
        let _ = writeln!(
            out,
            "{:width$}  {:8}  {:8}  {}",
            r.meta.name,
            r.meta.default_severity.as_str(),
            crate::groups::group_of(r.meta.name).unwrap_or(""),
            r.meta.summary
        );
    }
    let _ = writeln!(out, "\ngroups (for --select/--ignore):");
    for (name, about, rules) in crate::groups::GROUPS {
        let _ = writeln!(out, "  {name:8}  {about}: {}", rules.join(", "));
    }
    let _ = writeln!(out, "  {:8}  every rule", "all");
    Ok(0)
}

fn explain(rule: &str, format: DocFormat, out: &mut dyn Write) -> Result<i32, UsageError> {
    let name = rule.trim().to_ascii_lowercase().replace('-', "_");
    let Some(r) = registry::find(&name) else {
        // The same answer as --select gives: valid names and the nearest one.
        let e = crate::groups::resolve(&[rule.to_string()], "explain").err();
        return Err(e.unwrap_or_else(|| {
            UsageError::Usage(format!(
                "`{rule}` is a group, not a rule; `racewise rules` lists the rules of each group"
            ))
        }));
    };
    match format {
        DocFormat::Markdown => {
            let _ = write!(out, "{}", r.meta.docs());
        }
        DocFormat::Json => {
            let doc = serde_json::json!({
                "name": r.meta.name,
                "default_severity": r.meta.default_severity.as_str(),
                "group": crate::groups::group_of(r.meta.name),
                "summary": r.meta.summary,
                "docs": r.meta.docs(),
            });
            let _ = writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&doc).unwrap_or_default()
            );
        }
        DocFormat::Human => {
            let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            let _ = writeln!(
                out,
                "{} (default severity: {}, group: {})\n",
                r.meta.name,
                r.meta.default_severity.as_str(),
                crate::groups::group_of(r.meta.name).unwrap_or("-")
            );
            let _ = write!(
                out,
                "{}",
                report::terminal_docs::render(&r.meta.docs(), color)
            );
        }
    }
    Ok(0)
}

fn read_baseline(path: &PathBuf) -> Result<BTreeSet<String>, UsageError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| UsageError::Usage(format!("cannot read baseline {}: {e}", path.display())))?;
    let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        UsageError::Usage(format!(
            "baseline {} is not valid JSON: {e}",
            path.display()
        ))
    })?;
    let list = v
        .get("fingerprints")
        .and_then(|f| f.as_array())
        .ok_or_else(|| {
            UsageError::Usage(format!(
                "baseline {} has no `fingerprints` array",
                path.display()
            ))
        })?;
    // Entries are fingerprint strings; objects with a `fingerprint` key are accepted too, so a
    // team can annotate its baseline (rule, file, owner) without breaking it.
    Ok(list
        .iter()
        .filter_map(|x| {
            x.as_str()
                .or_else(|| x.get("fingerprint").and_then(|f| f.as_str()))
                .map(str::to_string)
        })
        .collect())
}

/// The configuration for a run: `--config`, else the one found at the project root.
pub(crate) fn load_config(
    explicit: Option<&Path>,
    root: &ProjectRoot,
) -> Result<(Config, String), UsageError> {
    if let Some(p) = explicit {
        let c = Config::load(Some(p), &root.dir)?;
        return Ok((c, format!("{} (from --config)", p.display())));
    }
    match &root.config {
        None => Ok((Config::default(), "none (defaults)".into())),
        Some(ConfigSource::File(p)) => {
            let c = Config::load(Some(p), &root.dir)?;
            Ok((c, format!("{} (discovered)", p.display())))
        }
        Some(ConfigSource::Manifest { path, key }) => {
            let text = crate::root::manifest_table_text(path, key).unwrap_or_default();
            let c = Config::parse(&text, &PathBuf::from(format!("{} [{key}]", path.display())))?;
            Ok((c, format!("[{key}] in {} (discovered)", path.display())))
        }
    }
}

fn render(
    format: Format,
    analysis: &engine::Analysis,
    args: &CheckArgs,
    config: &Config,
    to_terminal: bool,
) -> String {
    let include = args.include_suppressed;
    let mut text = match format {
        Format::Json => report::json::render_with(&analysis.report, include),
        Format::Concise => report::concise::render(&analysis.report, include),
        Format::Human => {
            let color = match args.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => {
                    to_terminal
                        && std::io::stdout().is_terminal()
                        && std::env::var_os("NO_COLOR").is_none()
                }
            };
            report::human::render(
                &analysis.report,
                &analysis.sources,
                &HumanOptions {
                    color,
                    width: 100,
                    include_suppressed: include,
                },
            )
        }
        Format::Sarif => report::sarif::render(
            &analysis.report,
            &analysis.sources,
            &report::sarif::SarifOptions {
                root: &analysis.root,
                config,
                include_suppressed: include,
                baseline_used: args.baseline.is_some() || args.new_from_rev.is_some(),
            },
        ),
        Format::Github => report::github::render(&analysis.report),
        Format::Markdown => {
            report::markdown::render_with(&analysis.report, &analysis.sources, include)
        }
    };
    if args.quiet && matches!(format, Format::Human | Format::Concise) {
        // The per-rule table and the totals close these two reports: drop them.
        let totals = report::summary::totals(&analysis.report);
        let table = report::summary::rule_table(&analysis.report);
        if let Some(body) = text.strip_suffix(&totals) {
            let body = body.strip_suffix('\n').unwrap_or(body);
            let body = body.strip_suffix(&table).unwrap_or(body);
            text = body.to_string();
        }
    }
    text
}

/// A placeholder while the fix run's analysis is moved out of it.
fn empty_analysis() -> engine::Analysis {
    engine::Analysis {
        root: PathBuf::new(),
        report: report::Report::new(Vec::new(), Vec::new(), 0, 0),
        sources: Default::default(),
        skipped_macros: 0,
        skipped_unreachable: Vec::new(),
        unresolved: Default::default(),
        timings: Vec::new(),
    }
}

/// The stderr line of a run without `--fix`: how many findings `--fix` could fix.
fn fixable_note(report: &report::Report) -> String {
    match crate::fix::available(report) {
        (0, 0) => String::new(),
        (0, u) => format!(
            "racewise: {u} fix(es) available with --fix --unsafe-fixes (`--diff` previews them)\n"
        ),
        (s, 0) => format!("racewise: {s} fix(es) available with --fix (`--diff` previews them)\n"),
        (s, u) => format!(
            "racewise: {s} fix(es) available with --fix ({u} more with --unsafe-fixes; `--diff` previews them)\n"
        ),
    }
}

/// The stderr line of a `--fix`/`--diff` run: fixes applied, files, what is left and why.
fn fix_summary(
    left: &report::Report,
    outcome: &crate::fix::FixOutcome,
    dry_run: bool,
    unsafe_fixes: bool,
) -> String {
    let verb = if dry_run { "would apply" } else { "applied" };
    let mut line = format!(
        "racewise: {verb} {} fix(es) in {} file(s)",
        outcome.applied,
        outcome.changed.len()
    );
    let (safe, unsafe_only) = crate::fix::available(left);
    let remaining = if unsafe_fixes {
        safe + unsafe_only
    } else {
        safe
    };
    if remaining > 0 {
        line.push_str(&format!("; {remaining} fix(es) not applied"));
    }
    if !unsafe_fixes && unsafe_only > 0 {
        line.push_str(&format!("; {unsafe_only} more with --unsafe-fixes"));
    }
    line.push('\n');
    for (file, why) in &outcome.rejected {
        line.push_str(&format!("racewise: fixes in {file} not applied: {why}\n"));
    }
    line
}

fn check(args: CheckArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<i32, UsageError> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    // A path that is not there is a mistake in the command, not a finding: the run stops.
    for p in &paths {
        if !p.exists() && !p.is_symlink() {
            return Err(UsageError::Usage(format!(
                "path does not exist: {}",
                crate::root::absolute(p).display()
            )));
        }
    }
    let mut outputs = vec![Output {
        format: args.format,
        path: args.output.clone(),
    }];
    outputs.extend(args.reports.iter().cloned());
    if outputs.iter().filter(|o| o.path.is_none()).count() > 1 {
        return Err(UsageError::Usage(
            "more than one report on stdout: give the extra --report outputs a file path".into(),
        ));
    }
    for o in &outputs {
        if let Some(p) = &o.path {
            crate::outputs::check_writable(p, &format!("the {} report", o.format.name()))?;
        }
    }
    if let Some(p) = &args.write_baseline {
        crate::outputs::check_writable(p, "the baseline")?;
    }
    let root = crate::root::find(&paths);
    let (config, config_note) = load_config(args.config.as_deref(), &root)?;
    let mut opts = Options::new(paths);
    opts.discover.no_ignore = args.no_ignore;
    opts.discover.exclude = args.exclude.clone();
    opts.discover.root = Some(root.dir.clone());
    opts.discover.follow = args.follow;
    opts.jobs = args.jobs;
    opts.keep_sources = outputs.iter().any(|o| o.format.needs_sources());
    opts.config = config;
    if let Some(sel) = &args.select {
        opts.select = Some(crate::groups::resolve(sel, "--select")?);
    }
    opts.ignore = crate::groups::resolve(&args.ignore, "--ignore")?;
    if let Some(b) = &args.baseline {
        opts.baseline = Some(read_baseline(b)?);
    }
    if let Some(rev) = &args.new_from_rev {
        let known = crate::new_from_rev::fingerprints_at(rev, &root.dir, &opts)?;
        opts.baseline
            .get_or_insert_with(BTreeSet::new)
            .extend(known);
    }
    if args.verbose {
        let _ = writeln!(
            err,
            "racewise: project root: {} ({})",
            root.dir.display(),
            root.kind.as_str()
        );
        let _ = writeln!(err, "racewise: config: {config_note}");
    }
    let fix_mode = (args.fix || args.diff).then_some(crate::fix::FixMode {
        unsafe_fixes: args.unsafe_fixes,
        dry_run: args.diff,
    });
    let mut fix_outcome = None;
    let analysis = match fix_mode {
        Some(mode) => {
            let mut outcome = crate::fix::run(&opts, mode)?;
            let analysis = std::mem::replace(&mut outcome.analysis, empty_analysis());
            fix_outcome = Some((mode, outcome));
            analysis
        }
        None => engine::run(&opts)?,
    };
    let config = &opts.config;
    if let Some((mode, outcome)) = &fix_outcome {
        if mode.dry_run {
            let diff = crate::fix::unified_diff(&outcome.changed);
            let _ = out.write_all(diff.as_bytes());
            if !args.quiet {
                let _ = write!(
                    err,
                    "{}",
                    fix_summary(&analysis.report, outcome, true, args.unsafe_fixes)
                );
            }
            return Ok(i32::from(!outcome.changed.is_empty()));
        }
        crate::fix::write_changes(&analysis.root, &outcome.changed)?;
    }
    let files = analysis.report.summary.files_scanned;
    if args.verbose {
        let used = crate::jobs::effective(args.jobs, files);
        let note = match args.jobs {
            Some(n) if n != used => format!(
                " (--jobs {n} clamped to the {files} file(s) and {} per core on {} core(s))",
                crate::jobs::PER_CORE,
                crate::jobs::cores()
            ),
            _ => String::new(),
        };
        let _ = writeln!(err, "racewise: {used} worker thread(s){note}");
        for (phase, secs) in &analysis.timings {
            let _ = writeln!(err, "racewise: {phase}: {:.3}s", secs);
        }
        let _ = writeln!(
            err,
            "racewise: {} macro invocation(s) skipped (unknown grammar)",
            analysis.skipped_macros
        );
        let _ = writeln!(
            err,
            "racewise: {} file(s) skipped: in a package but reached by no crate root's `mod` declarations (not compiled)",
            analysis.skipped_unreachable.len()
        );
        for file in &analysis.skipped_unreachable {
            let _ = writeln!(err, "racewise:   not compiled: {file}");
        }
        let _ = writeln!(
            err,
            "racewise: unresolved (rules stayed silent): {} call(s) to a bare name nothing in scope declares (blocking/exit rules), {} lock-like call(s) on a receiver of unknown type (lock rules)",
            analysis.unresolved.calls, analysis.unresolved.lock_receivers
        );
        let _ = writeln!(
            err,
            "racewise: call graph: {} call(s) resolved to a workspace fn, {} unknown (trait objects, generics, receivers of unknown type: chains end there)",
            analysis.unresolved.graph_resolved, analysis.unresolved.graph_unknown
        );
    }
    if files == 0 && !args.quiet {
        let _ = writeln!(
            err,
            "racewise: warning: no Rust files found under {} (nothing was analyzed)",
            opts.paths
                .iter()
                .map(|p| crate::root::absolute(p).display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if let Some(path) = &args.write_baseline {
        // Suppressed findings are handled in the source; the baseline holds the rest.
        let fps: BTreeSet<&str> = analysis
            .report
            .findings
            .iter()
            .filter(|f| f.state != report::FindingState::Suppressed)
            .map(|f| f.fingerprint.as_str())
            .collect();
        let doc = serde_json::json!({"schema_version": 1, "tool": "racewise", "fingerprints": fps});
        let text = serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n";
        crate::outputs::write(path, &text)?;
    }
    let mut written = Vec::new();
    let mut stdout_used = false;
    for o in &outputs {
        let rendered = render(o.format, &analysis, &args, config, o.path.is_none());
        match &o.path {
            Some(path) => {
                crate::outputs::write(path, &rendered)?;
                written.push(path.display().to_string());
            }
            None if args.statistics => {}
            None => {
                stdout_used = true;
                let _ = out.write_all(rendered.as_bytes());
            }
        }
    }
    if args.statistics {
        stdout_used = true;
        let _ = write!(
            out,
            "{}{}",
            report::summary::rule_table(&analysis.report),
            report::summary::totals(&analysis.report)
        );
    }
    if !stdout_used && !args.quiet {
        let _ = write!(
            err,
            "{}",
            report::summary::for_log(&analysis.report, &written)
        );
    }
    if !args.quiet {
        let line = match &fix_outcome {
            Some((_, outcome)) => fix_summary(&analysis.report, outcome, false, args.unsafe_fixes),
            None => fixable_note(&analysis.report),
        };
        let _ = write!(err, "{line}");
    }
    let failing = match args.fail_on.threshold() {
        Some(t) => analysis
            .report
            .active()
            .any(|f| f.severity.rank() >= t.rank()),
        None => false,
    };
    let fail_on_error = args.fail_on_error || config.fail_on_error;
    let errored = fail_on_error && (!analysis.report.errors.is_empty() || files == 0);
    Ok(i32::from(failing || errored))
}
