//! `racewise models list|check|replay`: runs the shuttle model checks of `racewise-models` from
//! the normally built binary (issue 7).
//!
//! The checks themselves live in `racewise_models::catalog`; this module parses the arguments
//! and formats the verdicts (human or JSON). Output is deterministic: the seed defaults to a
//! fixed value, variants print in catalog order, and no timing is reported.

use std::io::{self, Write};

use racewise_models::catalog::{
    self, CheckOptions, DEFAULT_ITERATIONS, DEFAULT_SEED, Expected, ModelVariant, Outcome, Strategy,
};
use serde_json::{Value, json};

/// Output format of `racewise models`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ModelsFormat {
    Human,
    Json,
}

/// Which shuttle scheduler `check` uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SchedulerArg {
    /// Uniformly random scheduling.
    Random,
    /// Probabilistic concurrency testing (PCT).
    Pct,
}

#[derive(Debug, clap::Subcommand)]
pub enum ModelsCommand {
    /// List every model variant, the verdict the checkers must reach, and what it models.
    List {
        #[arg(long, value_enum, default_value_t = ModelsFormat::Human)]
        format: ModelsFormat,
    },
    /// Run the shuttle checks: correct variants must pass, broken ones must be found.
    ///
    /// Exit code 1 if a correct variant fails or a broken variant goes undetected.
    Check {
        /// Models (`scheduler`) or variants (`scheduler/split_capacity_check`); all if omitted.
        names: Vec<String>,
        /// Most executions to explore per variant.
        #[arg(long, default_value_t = DEFAULT_ITERATIONS)]
        iterations: usize,
        /// The shuttle scheduler.
        #[arg(long, value_enum, default_value_t = SchedulerArg::Random)]
        scheduler: SchedulerArg,
        /// PCT bug depth (default: each variant's pinned depth, at least 3; below 3, PCT misses
        /// a two-thread check-then-act).
        #[arg(long)]
        depth: Option<usize>,
        /// Scheduler seed (fixed by default, so a run is reproducible).
        #[arg(long, default_value_t = DEFAULT_SEED)]
        seed: u64,
        #[arg(long, value_enum, default_value_t = ModelsFormat::Human)]
        format: ModelsFormat,
    },
    /// Replay a failing schedule printed by `check`.
    Replay {
        /// The variant, as `model/variant`.
        name: String,
        /// The schedule string `check` printed.
        #[arg(long)]
        schedule: String,
        #[arg(long, value_enum, default_value_t = ModelsFormat::Human)]
        format: ModelsFormat,
    },
    /// Run the execution queue's three Redis designs against a real Redis server and count the
    /// violations each shows (its own key prefix, removed afterwards, also on Ctrl-C).
    ///
    /// Exit code 1 if the correct design (`scripts`) shows a violation; 2 if the server cannot be
    /// reached, is not Redis or refuses the password.
    RedisStress {
        /// The server, as `redis://[:PASSWORD@]HOST:PORT[/DB]`.
        #[arg(long)]
        url: String,
        /// Rounds of 10 concurrent clients per design.
        #[arg(long, default_value_t = 500)]
        rounds: usize,
        #[arg(long, value_enum, default_value_t = ModelsFormat::Human)]
        format: ModelsFormat,
    },
}

/// Runs a `racewise models` subcommand, writing its report to `out`. Returns the exit code.
///
/// # Errors
/// Writing to `out` fails, or the arguments are invalid (`InvalidInput`: an unknown model or
/// variant, zero iterations or depth, a malformed schedule).
pub fn run(cmd: &ModelsCommand, out: &mut dyn Write) -> io::Result<i32> {
    match cmd {
        ModelsCommand::List { format } => list(*format, out),
        ModelsCommand::Check {
            names,
            iterations,
            scheduler,
            depth,
            seed,
            format,
        } => {
            if *iterations == 0 {
                return Err(invalid("--iterations must be at least 1"));
            }
            if *depth == Some(0) {
                return Err(invalid("--depth must be at least 1"));
            }
            if let Some(env) = catalog::seed_override()
                && env.trim().parse::<u64>().is_err()
            {
                return Err(invalid(format!(
                    "SHUTTLE_RANDOM_SEED={env:?} is not a u64 (shuttle would use it instead of --seed)"
                )));
            }
            let variants = catalog::select(names).map_err(unknown)?;
            let plan = Plan {
                scheduler: *scheduler,
                depth: *depth,
                iterations: *iterations,
                seed: *seed,
            };
            check(&variants, &plan, *format, out)
        }
        ModelsCommand::Replay {
            name,
            schedule,
            format,
        } => {
            let variant = catalog::variants()
                .into_iter()
                .find(|v| v.name() == *name)
                .ok_or_else(|| unknown(name.clone()))?;
            let silenced = crate::stderr_guard::silence();
            let outcome = catalog::quietly(|| catalog::replay(&variant, schedule));
            drop(silenced);
            let outcome = outcome.map_err(invalid)?;
            if let Outcome::Failed(f) = &outcome
                && schedule_misfit(&f.message)
            {
                return Err(invalid(format!(
                    "the schedule does not fit `{}`: it was recorded for another variant (or an older version of this one); replay it with the variant `racewise models check` printed it for",
                    variant.name()
                )));
            }
            replay_report(&variant, &outcome, *format, out)
        }
        ModelsCommand::RedisStress {
            url,
            rounds,
            format,
        } => crate::redis_stress_cmd::run(url, *rounds, *format, out),
    }
}

/// Shuttle's own complaints when a schedule's choices do not match the body being replayed
/// (they dump its internal task structures, which mean nothing to a user).
fn schedule_misfit(message: &str) -> bool {
    message.contains("scheduled task is not runnable")
        || message.contains("expected to run")
        || message.contains("schedule ended")
        || message.contains("next schedule step is")
}

fn invalid(message: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message.into())
}

fn unknown(name: String) -> io::Error {
    let known: Vec<String> = catalog::variants().iter().map(ModelVariant::name).collect();
    invalid(format!(
        "unknown model or variant `{name}` (known: {})",
        known.join(", ")
    ))
}

fn expected_str(v: &ModelVariant) -> &'static str {
    match v.expected {
        Expected::Pass => "pass",
        Expected::Bug(_) => "bug",
    }
}

fn list(format: ModelsFormat, out: &mut dyn Write) -> io::Result<i32> {
    let variants = catalog::variants();
    match format {
        ModelsFormat::Human => {
            let width = variants.iter().map(|v| v.name().len()).max().unwrap_or(0);
            writeln!(out, "{:<width$}  EXPECTED  SUMMARY", "MODEL/VARIANT")?;
            for v in &variants {
                writeln!(
                    out,
                    "{:<width$}  {:<8}  {}",
                    v.name(),
                    expected_str(v),
                    v.summary
                )?;
            }
        }
        ModelsFormat::Json => {
            let models: Vec<Value> = variants
                .iter()
                .map(|v| {
                    let mut entry = json!({
                        "name": v.model,
                        "variant": v.variant,
                        "expected": expected_str(v),
                        "summary": v.summary,
                        "pct_depth": v.pct_depth,
                    });
                    if let Expected::Bug(cause) = v.expected {
                        entry["bug"] = json!(cause);
                    }
                    entry
                })
                .collect();
            write_json(out, &json!({ "models": models }))?;
        }
    }
    Ok(0)
}

struct Plan {
    scheduler: SchedulerArg,
    depth: Option<usize>,
    iterations: usize,
    seed: u64,
}

impl Plan {
    fn options_for(&self, v: &ModelVariant) -> CheckOptions {
        let strategy = match self.scheduler {
            SchedulerArg::Random => Strategy::Random,
            SchedulerArg::Pct => Strategy::Pct {
                depth: self.depth.unwrap_or(v.pct_depth),
            },
        };
        CheckOptions {
            strategy,
            iterations: self.iterations,
            seed: self.seed,
        }
    }

    fn describe(&self) -> String {
        let scheduler = match (self.scheduler, self.depth) {
            (SchedulerArg::Random, _) => "random".to_string(),
            (SchedulerArg::Pct, Some(d)) => format!("pct (depth {d})"),
            (SchedulerArg::Pct, None) => "pct (each variant's pinned depth)".to_string(),
        };
        let seed = match catalog::seed_override() {
            Some(env) => format!(
                "seed {} (SHUTTLE_RANDOM_SEED overrides --seed {})",
                env.trim(),
                self.seed
            ),
            None => format!("seed {}", self.seed),
        };
        format!(
            "shuttle {scheduler}, up to {} iterations per variant, {seed}",
            self.iterations
        )
    }
}

struct Verdict {
    variant: ModelVariant,
    options: CheckOptions,
    outcome: Outcome,
    as_expected: bool,
}

fn check(
    variants: &[ModelVariant],
    plan: &Plan,
    format: ModelsFormat,
    out: &mut dyn Write,
) -> io::Result<i32> {
    // shuttle's advice names its own API; racewise prints its replay command instead.
    let silenced = crate::stderr_guard::silence();
    let verdicts: Vec<Verdict> = catalog::quietly(|| {
        variants
            .iter()
            .map(|v| {
                let options = plan.options_for(v);
                let outcome = catalog::check(v, &options);
                Verdict {
                    variant: *v,
                    options,
                    as_expected: v.meets_expectation(&outcome),
                    outcome,
                }
            })
            .collect()
    });
    drop(silenced);
    let code = i32::from(verdicts.iter().any(|v| !v.as_expected));
    match format {
        ModelsFormat::Human => check_human(&verdicts, plan, out)?,
        ModelsFormat::Json => check_json(&verdicts, plan, out)?,
    }
    Ok(code)
}

/// (correct variants passed, bugs found as expected, unexpected verdicts).
fn tally(verdicts: &[Verdict]) -> (usize, usize, usize) {
    let passed = verdicts
        .iter()
        .filter(|v| v.as_expected && v.variant.expected == Expected::Pass)
        .count();
    let found = verdicts
        .iter()
        .filter(|v| v.as_expected && v.variant.expected != Expected::Pass)
        .count();
    (passed, found, verdicts.len() - passed - found)
}

fn check_human(verdicts: &[Verdict], plan: &Plan, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "racewise models check: {}", plan.describe())?;
    writeln!(out)?;
    let width = verdicts
        .iter()
        .map(|v| v.variant.name().len())
        .max()
        .unwrap_or(0);
    for v in verdicts {
        let name = v.variant.name();
        match (&v.outcome, v.variant.expected) {
            (Outcome::Passed { iterations }, Expected::Pass) => {
                writeln!(out, "{name:<width$}  passed      {iterations} iterations")?;
            }
            (Outcome::Passed { iterations }, Expected::Bug(cause)) => {
                writeln!(
                    out,
                    "{name:<width$}  NOT FOUND   passed {iterations} iterations; expected: {cause}"
                )?;
            }
            (Outcome::Failed(f), expected) => {
                let label = match expected {
                    Expected::Pass => "FAILED    ",
                    Expected::Bug(_) if v.as_expected => "bug found ",
                    Expected::Bug(_) => "WRONG BUG ",
                };
                writeln!(
                    out,
                    "{name:<width$}  {label}  after {} iteration{}",
                    f.iteration,
                    if f.iteration == 1 { "" } else { "s" }
                )?;
                writeln!(out, "    cause:    {}", f.message)?;
                write_trace(out, f.trace.as_deref())?;
                if let Expected::Bug(cause) = expected
                    && !v.as_expected
                {
                    writeln!(out, "    expected: {cause}")?;
                }
                if let Some(schedule) = &f.schedule {
                    writeln!(out, "    schedule: {schedule}")?;
                    writeln!(
                        out,
                        "    replay:   {}",
                        catalog::replay_command(&v.variant, schedule)
                    )?;
                }
            }
        }
    }
    let (passed, found, unexpected) = tally(verdicts);
    writeln!(out)?;
    writeln!(
        out,
        "{} variant{}: {passed} correct passed, {found} bug{} found as expected, {unexpected} unexpected",
        verdicts.len(),
        if verdicts.len() == 1 { "" } else { "s" },
        if found == 1 { "" } else { "s" },
    )?;
    Ok(())
}

/// The last steps of each task of a failing execution (async models), under the cause.
fn write_trace(out: &mut dyn Write, trace: Option<&str>) -> io::Result<()> {
    if let Some(trace) = trace {
        writeln!(out, "    {}", racewise_models::trace::HEADER)?;
        for line in trace.lines() {
            writeln!(out, "    {line}")?;
        }
    }
    Ok(())
}

/// The event log as a JSON array of lines (`task: step event; ...`).
fn trace_json(trace: &str) -> Value {
    json!(trace.lines().map(str::trim).collect::<Vec<_>>())
}

/// Version of the `models check --format json` report: 1 added `schema_version`, `summary` and
/// each variant's `finding`, `invariant` and `trace`.
const CHECK_SCHEMA_VERSION: u32 = 1;

fn check_json(verdicts: &[Verdict], plan: &Plan, out: &mut dyn Write) -> io::Result<()> {
    let models: Vec<Value> = verdicts
        .iter()
        .map(|v| {
            let result = match v.outcome {
                Outcome::Passed { .. } => "passed",
                Outcome::Failed(_) => "bug_found",
            };
            let mut entry = json!({
                "name": v.variant.model,
                "variant": v.variant.variant,
                "expected": expected_str(&v.variant),
                "result": result,
                "iterations": v.outcome.iterations(),
                "as_expected": v.as_expected,
                "scheduler": v.options.strategy.name(),
            });
            if let Strategy::Pct { depth } = v.options.strategy {
                entry["depth"] = json!(depth);
            }
            entry["finding"] = json!(v.variant.finding());
            entry["invariant"] = json!(v.variant.invariant());
            if let Outcome::Failed(f) = &v.outcome {
                entry["message"] = json!(f.message);
                if let Some(trace) = &f.trace {
                    entry["trace"] = trace_json(trace);
                }
                if let Some(schedule) = &f.schedule {
                    entry["schedule"] = json!(schedule);
                    entry["replay"] = json!(catalog::replay_command(&v.variant, schedule));
                }
            }
            entry
        })
        .collect();
    let (passed, found, unexpected) = tally(verdicts);
    let report = json!({
        "schema_version": CHECK_SCHEMA_VERSION,
        "summary": {
            "variants": verdicts.len(),
            "passed": passed,
            "bugs_found": found,
            "unexpected": unexpected,
        },
        "models": models,
        "seed": plan.seed,
        "max_iterations": plan.iterations,
    });
    write_json(out, &report)
}

fn replay_report(
    variant: &ModelVariant,
    outcome: &Outcome,
    format: ModelsFormat,
    out: &mut dyn Write,
) -> io::Result<i32> {
    let as_expected = variant.meets_expectation(outcome);
    match format {
        ModelsFormat::Human => match outcome {
            Outcome::Passed { .. } => writeln!(out, "{}: replay passed", variant.name())?,
            Outcome::Failed(f) => {
                writeln!(
                    out,
                    "{}: replay reproduced the failure: {}",
                    variant.name(),
                    f.message
                )?;
                write_trace(out, f.trace.as_deref())?;
            }
        },
        ModelsFormat::Json => {
            let mut entry = json!({
                "name": variant.model,
                "variant": variant.variant,
                "expected": expected_str(variant),
                "result": match outcome {
                    Outcome::Passed { .. } => "passed",
                    Outcome::Failed(_) => "bug_found",
                },
                "as_expected": as_expected,
            });
            entry["finding"] = json!(variant.finding());
            entry["invariant"] = json!(variant.invariant());
            if let Outcome::Failed(f) = outcome {
                entry["message"] = json!(f.message);
                if let Some(trace) = &f.trace {
                    entry["trace"] = trace_json(trace);
                }
            }
            write_json(out, &entry)?;
        }
    }
    Ok(i32::from(!as_expected))
}

fn write_json(out: &mut dyn Write, value: &Value) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(io::Error::other)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_to_string(cmd: &ModelsCommand) -> (i32, String) {
        let mut out = Vec::new();
        let code = run(cmd, &mut out).expect("runs");
        (code, String::from_utf8(out).expect("utf-8"))
    }

    fn check_cmd(names: &[&str], format: ModelsFormat) -> ModelsCommand {
        ModelsCommand::Check {
            names: names.iter().map(|s| s.to_string()).collect(),
            iterations: 200,
            scheduler: SchedulerArg::Random,
            depth: None,
            seed: 1,
            format,
        }
    }

    #[test]
    fn list_names_every_variant() {
        let (code, text) = run_to_string(&ModelsCommand::List {
            format: ModelsFormat::Human,
        });
        assert_eq!(code, 0);
        for v in catalog::variants() {
            assert!(text.contains(&v.name()), "{text}");
        }
    }

    #[test]
    fn list_shows_the_redis_queue_family_with_the_audit_finding_of_each_bug() {
        let (code, text) = run_to_string(&ModelsCommand::List {
            format: ModelsFormat::Human,
        });
        assert_eq!(code, 0);
        let rows: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with("redis_queue/"))
            .collect();
        assert_eq!(rows.len(), 8, "{text}");
        assert!(rows[0].starts_with("redis_queue/correct") && rows[0].contains("pass"));
        for row in &rows[1..] {
            assert!(row.contains(" bug "), "{row}");
            assert!(
                row.contains("audit finding:")
                    || row.contains("prescribed fix")
                    || row.contains("TTL"),
                "{row}"
            );
        }
    }

    #[test]
    fn check_json_follows_the_contract_and_exits_0_when_all_as_expected() {
        let (code, text) = run_to_string(&check_cmd(&["execution_queue"], ModelsFormat::Json));
        assert_eq!(code, 0, "{text}");
        let report: Value = serde_json::from_str(&text).expect("json");
        let models = report["models"].as_array().expect("models array");
        assert_eq!(models.len(), 3);
        assert_eq!(models[0]["name"], "execution_queue");
        assert_eq!(models[0]["variant"], "correct");
        assert_eq!(models[0]["expected"], "pass");
        assert_eq!(models[0]["result"], "passed");
        assert_eq!(models[0]["iterations"], 200);
        assert!(models[0].get("schedule").is_none());
        assert_eq!(models[1]["expected"], "bug");
        assert_eq!(models[1]["result"], "bug_found");
        assert!(
            models[1]["schedule"]
                .as_str()
                .is_some_and(|s| !s.is_empty())
        );
    }

    #[test]
    fn check_human_prints_schedule_and_replay_command_and_replay_reproduces() {
        let (code, text) = run_to_string(&check_cmd(
            &["execution_queue/check_then_set_submit"],
            ModelsFormat::Human,
        ));
        assert_eq!(code, 0, "{text}");
        assert!(text.contains("bug found"), "{text}");
        let replay_line = text
            .lines()
            .find_map(|l| l.trim().strip_prefix("replay:"))
            .expect("replay line")
            .trim();
        let schedule = replay_line
            .rsplit(' ')
            .next()
            .expect("schedule")
            .to_string();
        let (code, text) = run_to_string(&ModelsCommand::Replay {
            name: "execution_queue/check_then_set_submit".into(),
            schedule,
            format: ModelsFormat::Human,
        });
        assert_eq!(code, 0);
        assert!(
            text.contains("replay reproduced the failure: invariant violated: double start"),
            "{text}"
        );
    }

    #[test]
    fn check_json_has_a_version_a_summary_and_each_findings_invariant() {
        let (code, text) = run_to_string(&check_cmd(&["async_permits"], ModelsFormat::Json));
        assert_eq!(code, 0, "{text}");
        let report: Value = serde_json::from_str(&text).expect("json");
        assert_eq!(report["schema_version"], CHECK_SCHEMA_VERSION);
        assert_eq!(
            report["summary"],
            json!({"variants": 3, "passed": 1, "bugs_found": 2, "unexpected": 0})
        );
        let models = report["models"].as_array().expect("models array");
        assert_eq!(models[0]["finding"], Value::Null);
        assert_eq!(models[0]["invariant"], Value::Null);
        let leak = &models[1];
        assert_eq!(leak["variant"], "partial_acquisition_leak");
        assert!(
            leak["finding"]
                .as_str()
                .is_some_and(|f| f.contains("the early return never gives the global one back")),
            "{leak}"
        );
        assert_eq!(
            leak["invariant"],
            "invariant violated: permit leaked on global"
        );
        assert!(
            leak["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("invariant violated: permit leaked on global")),
            "{leak}"
        );
        let trace = leak["trace"]
            .as_array()
            .expect("the failing execution's steps");
        assert!(
            trace.iter().any(|l| l.as_str().is_some_and(
                |l| l.starts_with("request: ") && l.contains("took global without a guard")
            )),
            "{leak}"
        );
    }

    #[test]
    fn replay_prints_the_steps_of_each_task() {
        let (_, text) = run_to_string(&check_cmd(
            &["async_requests/tool_task_not_cancelled"],
            ModelsFormat::Json,
        ));
        let report: Value = serde_json::from_str(&text).expect("json");
        let schedule = report["models"][0]["schedule"]
            .as_str()
            .expect("schedule")
            .to_string();
        let (code, text) = run_to_string(&ModelsCommand::Replay {
            name: "async_requests/tool_task_not_cancelled".into(),
            schedule,
            format: ModelsFormat::Human,
        });
        assert_eq!(code, 0, "{text}");
        assert!(
            text.contains("replay reproduced the failure: invariant violated: tool task ran on after its request failed"),
            "{text}"
        );
        assert!(text.contains("last steps of each task"), "{text}");
        assert!(text.contains("tool: "), "{text}");
        assert!(text.contains("acted on the provider's answer"), "{text}");
        assert!(text.contains("timed out (request deadline)"), "{text}");
    }

    #[test]
    fn same_arguments_same_bytes() {
        let a = run_to_string(&check_cmd(&["semaphore"], ModelsFormat::Json));
        let b = run_to_string(&check_cmd(&["semaphore"], ModelsFormat::Json));
        assert_eq!(a, b);
    }

    #[test]
    fn bad_arguments_are_input_errors() {
        let mut out = Vec::new();
        let err = run(&check_cmd(&["nope"], ModelsFormat::Human), &mut out).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        let err = run(
            &ModelsCommand::Replay {
                name: "scheduler/correct".into(),
                schedule: "zz".into(),
                format: ModelsFormat::Human,
            },
            &mut out,
        )
        .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    }
}
