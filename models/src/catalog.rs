//! The catalog of model variants, and running their shuttle checks in-process.
//!
//! This is what `racewise models list|check|replay` drives: it works in the normally built
//! binary (no `--cfg`), over [`crate::shuttle_models`]. A check runs shuttle's own [`Runner`]
//! under `catch_unwind`, and turns shuttle's failure report (the panic payload carries the cause
//! and the failing schedule) into an [`Outcome`].

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::rc::Rc;

use shuttle::scheduler::{
    PctScheduler, RandomScheduler, ReplayScheduler, Schedule, Scheduler, Task, TaskId,
};
use shuttle::{Config, Runner};

/// What a checker must conclude about a variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    /// A correct variant: every explored execution passes.
    Pass,
    /// A broken variant: the checker must report a failure whose message contains this text
    /// (an invariant violation or a deadlock), not just any failure.
    Bug(&'static str),
}

/// One variant of one model, with the body a checker runs.
#[derive(Debug, Clone, Copy)]
pub struct ModelVariant {
    /// The model: `scheduler`, `execution_queue`, `semaphore`, `async_permits`, `async_requests`, ...
    pub model: &'static str,
    /// The variant: `correct`, or the name of the bug.
    pub variant: &'static str,
    /// One line on what the variant does.
    pub summary: &'static str,
    /// What a checker must conclude.
    pub expected: Expected,
    /// The PCT depth this variant is checked with unless overridden: at least 3 (below that PCT
    /// misses a two-thread check-then-act), more when the bug needs more preemptions.
    pub pct_depth: usize,
    /// The check body: spawns threads on the backend, panics on a violated invariant.
    pub body: fn(),
}

impl ModelVariant {
    /// `model/variant`, the name used on the command line.
    pub fn name(&self) -> String {
        format!("{}/{}", self.model, self.variant)
    }

    /// The audit finding a broken variant reproduces (its summary); `None` for a correct variant.
    pub fn finding(&self) -> Option<&'static str> {
        match self.expected {
            Expected::Pass => None,
            Expected::Bug(_) => Some(self.summary),
        }
    }

    /// The invariant message a checker must report for a broken variant; `None` for a correct one.
    pub fn invariant(&self) -> Option<&'static str> {
        match self.expected {
            Expected::Pass => None,
            Expected::Bug(cause) => Some(cause),
        }
    }

    /// Whether `outcome` is what this variant expects: a pass for a correct variant, a failure
    /// with the expected cause for a broken one.
    pub fn meets_expectation(&self, outcome: &Outcome) -> bool {
        match (self.expected, outcome) {
            (Expected::Pass, Outcome::Passed { .. }) => true,
            (Expected::Bug(cause), Outcome::Failed(failure)) => failure.message.contains(cause),
            _ => false,
        }
    }
}

/// Every model variant, over shuttle, in a fixed order.
pub fn variants() -> Vec<ModelVariant> {
    let mut all = crate::shuttle_models::variants::all();
    all.extend(crate::shuttle_models::async_variants::all());
    all
}

/// The variants named by `names` (each a model, e.g. `scheduler`, or `model/variant`), in
/// catalog order without duplicates; all of them when `names` is empty.
///
/// # Errors
/// The first name that matches nothing.
pub fn select(names: &[String]) -> Result<Vec<ModelVariant>, String> {
    let all = variants();
    if names.is_empty() {
        return Ok(all);
    }
    for name in names {
        if !all.iter().any(|v| v.model == name || v.name() == *name) {
            return Err(name.clone());
        }
    }
    Ok(all
        .into_iter()
        .filter(|v| names.iter().any(|n| v.model == n || v.name() == *n))
        .collect())
}

/// Which shuttle scheduler explores the executions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// Uniformly random scheduling decisions.
    Random,
    /// Probabilistic concurrency testing with this bug depth (>= 3 to catch a two-thread
    /// check-then-act).
    Pct {
        /// Number of priority-change points plus one.
        depth: usize,
    },
}

impl Strategy {
    /// The name used on the command line.
    pub fn name(&self) -> &'static str {
        match self {
            Strategy::Random => "random",
            Strategy::Pct { .. } => "pct",
        }
    }
}

/// Default iterations per variant.
pub const DEFAULT_ITERATIONS: usize = 1000;
/// Default seed: fixed, so the same command prints the same report.
pub const DEFAULT_SEED: u64 = 0x7261_6365;
/// Default PCT depth.
pub const DEFAULT_PCT_DEPTH: usize = 3;

/// How to check a variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckOptions {
    /// The scheduler.
    pub strategy: Strategy,
    /// Most executions to explore.
    pub iterations: usize,
    /// The scheduler's seed.
    pub seed: u64,
}

impl Default for CheckOptions {
    fn default() -> Self {
        Self {
            strategy: Strategy::Random,
            iterations: DEFAULT_ITERATIONS,
            seed: DEFAULT_SEED,
        }
    }
}

/// A failing execution, as shuttle reported it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// Which execution failed (1-based): the iterations it took to find the bug.
    pub iteration: usize,
    /// The cause: the model's panic message (`invariant violated: ...`) or shuttle's
    /// `deadlock! blocked tasks: [...]`.
    pub message: String,
    /// The failing schedule, for [`replay`] / `shuttle::replay`, when shuttle printed one.
    pub schedule: Option<String>,
    /// The last steps of each task of the failing execution (async models: see
    /// [`crate::trace`]), one task per line; `None` when nothing was recorded.
    pub trace: Option<String>,
}

/// What a check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Every explored execution passed.
    Passed {
        /// Executions explored.
        iterations: usize,
    },
    /// An execution failed.
    Failed(Failure),
}

impl Outcome {
    /// Executions explored (up to and including the failing one).
    pub fn iterations(&self) -> usize {
        match self {
            Outcome::Passed { iterations } => *iterations,
            Outcome::Failed(f) => f.iteration,
        }
    }
}

/// Wraps a scheduler to count the executions it starts: shuttle's runner only returns that count
/// when every execution passes, and a found bug needs it too.
struct Counting<S> {
    inner: S,
    executions: Rc<Cell<usize>>,
}

impl<S: Scheduler> Scheduler for Counting<S> {
    fn new_execution(&mut self) -> Option<Schedule> {
        let schedule = self.inner.new_execution();
        if schedule.is_some() {
            self.executions.set(self.executions.get() + 1);
        }
        schedule
    }

    fn next_task(
        &mut self,
        runnable_tasks: &[&Task],
        current_task: Option<TaskId>,
        is_yielding: bool,
    ) -> Option<TaskId> {
        self.inner
            .next_task(runnable_tasks, current_task, is_yielding)
    }

    fn next_u64(&mut self) -> u64 {
        self.inner.next_u64()
    }
}

/// Runs `body` under `scheduler`, catching the failure shuttle reports by panicking.
fn run_shuttle<S: Scheduler + 'static>(scheduler: S, body: fn()) -> Outcome {
    let executions = Rc::new(Cell::new(0));
    let counting = Counting {
        inner: scheduler,
        executions: Rc::clone(&executions),
    };
    let mut config = Config::new();
    config.silence_warnings = true;
    let runner = Runner::new(counting, config);
    crate::trace::reset();
    let outcome = match panic::catch_unwind(AssertUnwindSafe(|| runner.run(body))) {
        Ok(iterations) => Outcome::Passed { iterations },
        Err(payload) => {
            let raw = payload_text(payload.as_ref());
            let (message, schedule) = parse_failure(&raw);
            Outcome::Failed(Failure {
                iteration: executions.get(),
                message,
                schedule,
                trace: crate::trace::render(),
            })
        }
    };
    crate::trace::reset();
    outcome
}

fn payload_text(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else if let Some(s) = payload.downcast_ref::<&'static str>() {
        (*s).to_string()
    } else {
        "panic with a non-string payload".to_string()
    }
}

/// Splits shuttle's failure text into the cause and the schedule.
///
/// Shuttle 0.8 reports `<what failed>\nfailing schedule:\n"\n<schedule>\n"\npass that string to
/// `shuttle::replay` ...`, followed by `\noriginal panic: <message>` when a task panicked.
pub fn parse_failure(raw: &str) -> (String, Option<String>) {
    const SCHEDULE: &str = "failing schedule:\n\"\n";
    const ORIGINAL: &str = "original panic: ";
    let schedule = raw.find(SCHEDULE).and_then(|i| {
        let rest = &raw[i + SCHEDULE.len()..];
        // Shuttle wraps a long schedule over several lines; as one token it can be pasted into
        // a command line (its decoder ignores whitespace).
        rest.find("\n\"").map(|end| {
            rest[..end]
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
        })
    });
    let message = match raw.find(ORIGINAL) {
        Some(i) => raw[i + ORIGINAL.len()..].trim().to_string(),
        None => raw.lines().next().unwrap_or_default().trim().to_string(),
    };
    (message, schedule)
}

/// The `SHUTTLE_RANDOM_SEED` environment variable, if set: shuttle's schedulers use it instead of
/// the seed they are given (and panic if it is not a `u64`), so a front end should say so.
pub fn seed_override() -> Option<String> {
    std::env::var("SHUTTLE_RANDOM_SEED").ok()
}

/// Checks `variant` with shuttle. Note [`seed_override`].
pub fn check(variant: &ModelVariant, options: &CheckOptions) -> Outcome {
    match options.strategy {
        Strategy::Random => run_shuttle(
            RandomScheduler::new_from_seed(options.seed, options.iterations),
            variant.body,
        ),
        Strategy::Pct { depth } => run_shuttle(
            PctScheduler::new_from_seed(options.seed, depth.max(1), options.iterations),
            variant.body,
        ),
    }
}

/// Replays one failing `schedule` of `variant` (as printed by [`check`]).
///
/// # Errors
/// The schedule string is malformed.
pub fn replay(variant: &ModelVariant, schedule: &str) -> Result<Outcome, String> {
    if schedule.is_empty() || !schedule.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(format!(
            "not a shuttle schedule (expected hex digits): {schedule:?}"
        ));
    }
    // Shuttle panics on a schedule it cannot decode or that does not fit the body; both are the
    // user's input, so report them instead of crashing.
    let scheduler = panic::catch_unwind(|| ReplayScheduler::new_from_encoded(schedule))
        .map_err(|p| format!("cannot decode the schedule: {}", payload_text(p.as_ref())))?;
    Ok(run_shuttle(scheduler, variant.body))
}

/// The command that replays `failure` of `variant` from the `racewise` binary.
pub fn replay_command(variant: &ModelVariant, schedule: &str) -> String {
    format!(
        "racewise models replay {} --schedule {schedule}",
        variant.name()
    )
}

thread_local! {
    /// How many [`quietly`] calls are active on this thread.
    static QUIET_DEPTH: Cell<usize> = const { Cell::new(0) };
}

/// Runs `f` with panic messages silenced on the current thread.
///
/// Shuttle reports failures by panicking, so a bug found on purpose would otherwise print a
/// panic message per failing check. The first call wraps the process panic hook once, for
/// good, with one that stays silent only on threads inside `quietly`: other threads (say,
/// tests running in parallel) keep their panic messages. Shuttle runs every modelled thread of
/// an execution on the calling OS thread, so they are all covered.
///
/// Shuttle itself still prints the failing schedule (and a random scheduler's seed) to stderr.
pub fn quietly<R>(f: impl FnOnce() -> R) -> R {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if QUIET_DEPTH.with(Cell::get) == 0 {
                previous(info);
            }
        }));
    });
    QUIET_DEPTH.with(|d| d.set(d.get() + 1));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    QUIET_DEPTH.with(|d| d.set(d.get() - 1));
    match result {
        Ok(value) => value,
        Err(payload) => panic::resume_unwind(payload),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_task_panic_and_deadlock_reports() {
        let raw = "test panicked in task 'main-thread'\nfailing schedule:\n\"\n91020c\n\"\npass that string to `shuttle::replay` to replay the failure\noriginal panic: invariant violated: x";
        assert_eq!(
            parse_failure(raw),
            (
                "invariant violated: x".to_string(),
                Some("91020c".to_string())
            )
        );
        let raw = "deadlock! blocked tasks: [main-thread (task 0)]\nfailing schedule:\n\"\nabc\n\"\npass that string";
        assert_eq!(
            parse_failure(raw),
            (
                "deadlock! blocked tasks: [main-thread (task 0)]".to_string(),
                Some("abc".to_string())
            )
        );
        assert_eq!(parse_failure("boom"), ("boom".to_string(), None));
        let wrapped = "x\nfailing schedule:\n\"\n9104\na38c\n\"\npass that string";
        assert_eq!(parse_failure(wrapped).1.as_deref(), Some("9104a38c"));
    }

    #[test]
    fn a_wrapped_schedule_becomes_one_token() {
        let raw =
            "test panicked in task 'x'\nfailing schedule:\n\"\n9102ab\ncd00\n\"\npass that string";
        assert_eq!(parse_failure(raw).1.as_deref(), Some("9102abcd00"));
    }

    #[test]
    fn selects_by_model_or_full_name_in_catalog_order() {
        let names = |v: Vec<ModelVariant>| v.iter().map(ModelVariant::name).collect::<Vec<_>>();
        assert_eq!(names(select(&[]).unwrap()).len(), variants().len());
        let picked = select(&["semaphore/opposite_orders".into(), "scheduler".into()]).unwrap();
        assert_eq!(
            names(picked),
            [
                "scheduler/correct",
                "scheduler/split_capacity_check",
                "semaphore/opposite_orders"
            ]
        );
        assert_eq!(select(&["nope".into()]).unwrap_err(), "nope");
    }

    #[test]
    fn catalog_names_are_unique_and_every_model_has_a_correct_variant() {
        let all = variants();
        let mut names: Vec<_> = all.iter().map(ModelVariant::name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), all.len());
        for v in &all {
            assert!(names.contains(&format!("{}/correct", v.model)));
        }
    }

    #[test]
    fn replay_rejects_garbage() {
        let v = variants()[0];
        assert!(replay(&v, "not hex!").is_err());
        assert!(replay(&v, "").is_err());
    }
}
