//! The command line: `racewise check|rules|explain|models`. `run` is the whole program behind a
//! testable interface (arguments in, bytes out, exit code back).

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use racewise_lints::{Severity, registry};

use crate::config::Config;
use crate::engine::{self, Options};
use crate::error::UsageError;
use crate::models_cmd::{self, ModelsCommand};
use crate::report::{self, human::HumanOptions};

#[derive(Debug, Parser)]
#[command(
    name = "racewise",
    version,
    about = "Audit async and concurrent Rust for the hazards real audits keep finding"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Analyze Rust source trees.
    Check(CheckArgs),
    /// List every rule: name, default severity, summary.
    Rules,
    /// Print a rule's full documentation.
    Explain { rule: String },
    /// Run the model checks of the racewise-models crate.
    #[command(subcommand)]
    Models(ModelsCommand),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
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
    /// Write the report here instead of stdout.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Configuration file (default: `racewise.toml` at the scan root).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Only these rules (comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub select: Option<Vec<String>>,
    /// Skip these rules (comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Exit 1 if a finding at or above this severity is reported.
    #[arg(long, value_enum, default_value = "high")]
    pub fail_on: FailOn,
    /// Known findings (written by --write-baseline): reported as baseline, not failing.
    #[arg(long)]
    pub baseline: Option<PathBuf>,
    /// Write the fingerprints of all current findings to this file.
    #[arg(long)]
    pub write_baseline: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(long, short)]
    pub jobs: Option<usize>,
    /// Also scan .gitignored, hidden and target/ paths.
    #[arg(long)]
    pub no_ignore: bool,
    /// Skip paths matching these globs (relative to the scan root).
    #[arg(long)]
    pub exclude: Vec<String>,
    /// Keep suppressed and baselined findings in SARIF output (marked).
    #[arg(long)]
    pub include_suppressed: bool,
    /// Print timings and skipped-macro counts to stderr.
    #[arg(long, short)]
    pub verbose: bool,
    /// Colors in human output.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
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
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let rendered = e.render().to_string();
            let _ = if code == 0 {
                write!(out, "{rendered}")
            } else {
                write!(err, "{rendered}")
            };
            return code;
        }
    };
    let result = match cli.command {
        Command::Check(args) => check(args, out, err),
        Command::Rules => rules(out),
        Command::Explain { rule } => explain(&rule, out),
        Command::Models(cmd) => {
            models_cmd::run(&cmd, out).map_err(|e| UsageError::Usage(e.to_string()))
        }
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
        let known = ["check", "rules", "explain", "models", "help"];
        !is_flag(a) && !a.to_string_lossy().starts_with('-') && !known.iter().any(|k| a == k)
    };
    if args.len() == 1 || args.get(1).is_some_and(|a| is_flag(a) || is_path(a)) {
        args.insert(1, "check".into());
    }
    args
}

/// The `cargo-racewise` binary: [`cargo_args`], then [`run`].
pub fn run_cargo(args: Vec<OsString>, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    run(cargo_args(args), out, err)
}

fn rules(out: &mut dyn Write) -> Result<i32, UsageError> {
    let width = registry::names().iter().map(|n| n.len()).max().unwrap_or(0);
    for r in registry::RULES {
        let _ = writeln!(
            out,
            "{:width$}  {:8}  {}",
            r.meta.name,
            r.meta.default_severity.as_str(),
            r.meta.summary
        );
    }
    Ok(0)
}

fn explain(rule: &str, out: &mut dyn Write) -> Result<i32, UsageError> {
    let Some(r) = registry::find(rule) else {
        return Err(UsageError::Usage(format!(
            "unknown rule `{rule}`; valid rules: {}",
            registry::names().join(", ")
        )));
    };
    let _ = writeln!(
        out,
        "{} (default severity: {})\n",
        r.meta.name,
        r.meta.default_severity.as_str()
    );
    let _ = write!(out, "{}", r.meta.docs());
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

fn check(args: CheckArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<i32, UsageError> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let root = crate::discover::scan_root(&paths);
    let config = Config::load(args.config.as_deref(), &root)?;
    let mut opts = Options::new(paths);
    opts.discover.no_ignore = args.no_ignore;
    opts.discover.exclude = args.exclude.clone();
    opts.jobs = args.jobs;
    // Only these reporters show or hash source lines.
    opts.keep_sources = matches!(
        args.format,
        Format::Human | Format::Markdown | Format::Sarif
    );
    opts.config = config;
    opts.select = args.select.clone();
    opts.ignore = args.ignore.clone();
    if let Some(b) = &args.baseline {
        opts.baseline = Some(read_baseline(b)?);
    }
    let analysis = engine::run(&opts)?;
    let config = &opts.config;
    if args.verbose {
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
            "racewise: unresolved (rules stayed silent): {} call(s) to a bare name nothing in scope declares (blocking/exit rules), {} lock-like call(s) on a receiver of unknown type (lock rules)",
            analysis.unresolved.calls, analysis.unresolved.lock_receivers
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
        std::fs::write(path, text).map_err(|source| UsageError::Write {
            path: path.display().to_string(),
            source,
        })?;
    }
    let rendered = match args.format {
        Format::Json => report::json::render(&analysis.report),
        Format::Human => {
            let color = match args.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => {
                    args.output.is_none()
                        && std::io::stdout().is_terminal()
                        && std::env::var_os("NO_COLOR").is_none()
                }
            };
            report::human::render(
                &analysis.report,
                &analysis.sources,
                &HumanOptions { color, width: 100 },
            )
        }
        Format::Sarif => report::sarif::render(
            &analysis.report,
            &analysis.sources,
            &report::sarif::SarifOptions {
                root: &analysis.root,
                config,
                include_suppressed: args.include_suppressed,
                baseline_used: args.baseline.is_some(),
            },
        ),
        Format::Github => report::github::render(&analysis.report),
        Format::Markdown => report::markdown::render(&analysis.report, &analysis.sources),
    };
    match &args.output {
        Some(path) => std::fs::write(path, rendered).map_err(|source| UsageError::Write {
            path: path.display().to_string(),
            source,
        })?,
        None => {
            let _ = out.write_all(rendered.as_bytes());
        }
    }
    let failing = match args.fail_on.threshold() {
        Some(t) => analysis
            .report
            .active()
            .any(|f| f.severity.rank() >= t.rank()),
        None => false,
    };
    Ok(i32::from(failing))
}
