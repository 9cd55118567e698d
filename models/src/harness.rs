//! Runtime helpers that `#[model_check]` expansions call (issue 5).
//!
//! The expansion of [`crate::model_check`] names only this module, never `loom` or `shuttle`, so a
//! user's crate depends on `racewise-models` alone. Everything here is an implementation detail of
//! the macro (hence `#[doc(hidden)]` on the module), but the functions are ordinary and may also be
//! called by hand:
//!
//! * [`std_threads`] runs the body on real threads, `iterations` times;
//! * `loom_model` (only compiled under `--cfg loom`, so not linked from these docs) runs it in
//!   `loom::model` with a pinned preemption bound;
//! * [`shuttle_random`], [`shuttle_pct`], [`shuttle_dfs`] run it under shuttle's schedulers (the
//!   body must use shuttle primitives, i.e. the facade under `--cfg shuttle` or
//!   [`crate::shuttle_sync`]);
//! * [`expect_bug`] wraps one of those for a broken variant: it passes only if the checker finds a
//!   deadlock or an invariant violation (or a failure matching `expected`), and fails on a pass or
//!   on an unrelated panic.

use std::any::Any;
use std::fmt;
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};

/// The body of an async `#[model_check]` test as a checker body: each execution runs the future
/// `body()` returns as the root task of the backend's executor ([`crate::future::block_on`]).
pub fn async_body<B, F>(body: B) -> impl Fn() + Send + Sync + 'static
where
    B: Fn() -> F + Send + Sync + 'static,
    F: Future<Output = ()>,
{
    move || crate::future::block_on(body())
}

/// The environment variable that makes a generated shuttle test replay one failing schedule
/// instead of exploring: `RACEWISE_REPLAY=<schedule> RUSTFLAGS="--cfg shuttle" cargo test
/// --release <test> -- --exact`. The user's crate never names shuttle.
pub const REPLAY_ENV: &str = "RACEWISE_REPLAY";

/// Where the failure's own message ends in a report this harness extends (see [`with_trace`]).
const REPLAY_HEADER: &str = "\n\nto replay this failure: ";

/// Runs one checker. If it fails, fails again with the failure's report followed by the last
/// steps of each task (when the async primitives recorded any, [`crate::trace`]) and, for a
/// shuttle schedule, the command that replays it.
fn with_trace<R>(run: impl FnOnce() -> R) -> R {
    crate::trace::reset();
    let payload = match panic::catch_unwind(AssertUnwindSafe(run)) {
        Ok(value) => return value,
        Err(payload) => payload,
    };
    let Some(text) = payload_text(payload.as_ref()) else {
        panic::resume_unwind(payload)
    };
    let trace = crate::trace::render();
    crate::trace::reset();
    let (_, schedule) = crate::catalog::parse_failure(&text);
    if trace.is_none() && schedule.is_none() {
        panic::resume_unwind(payload)
    }
    let mut report = text;
    if let Some(trace) = trace {
        report = format!("{report}\n\n{}\n{trace}", crate::trace::HEADER);
    }
    if let Some(schedule) = schedule.filter(|_| std::env::var_os(REPLAY_ENV).is_none()) {
        let test = std::thread::current()
            .name()
            .unwrap_or("<test name>")
            .to_string();
        report = format!(
            "{report}{REPLAY_HEADER}{REPLAY_ENV}={schedule} RUSTFLAGS=\"--cfg shuttle\" cargo test \
             --release {test} -- --exact --nocapture"
        );
    }
    panic::panic_any(report)
}

/// The schedule to replay instead of exploring, from [`REPLAY_ENV`].
fn replay_schedule() -> Option<String> {
    std::env::var(REPLAY_ENV)
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// Runs `explore`, or, with [`REPLAY_ENV`] set, replays that schedule of `body` once.
fn shuttle_run<F>(body: F, explore: impl FnOnce(F)) -> bool
where
    F: Fn() + Send + Sync + 'static,
{
    match replay_schedule() {
        Some(schedule) => {
            eprintln!("shuttle: replaying the schedule in {REPLAY_ENV}");
            with_trace(|| shuttle::replay(body, &schedule));
            eprintln!("shuttle: the replayed schedule passed");
            false
        }
        None => {
            with_trace(|| explore(body));
            true
        }
    }
}

/// Runs `body` on real threads `iterations` times (the plain `cargo test` backend).
///
/// Real threads explore very few interleavings: a pass here proves little, which is why the loom
/// and shuttle backends exist.
pub fn std_threads<F: Fn()>(iterations: usize, body: F) {
    with_trace(|| {
        for _ in 0..iterations {
            body();
        }
    });
    eprintln!("std: passed {iterations} runs on real threads (not a model check)");
}

/// The plain-std stand-in for an `expect = "bug"` test: the body is not run.
///
/// Real threads almost never hit the interleaving that breaks a broken variant, so a std run could
/// neither pass reliably nor prove anything. The generated test is `#[ignore]`d; running it with
/// `--ignored` only prints this explanation.
pub fn std_skipped_expect_bug<F: Fn()>(name: &str, _body: F) {
    eprintln!(
        "{name}: expect = \"bug\" is not run on real threads (they almost never hit the bug); \
         run it with RUSTFLAGS=\"--cfg loom\" or RUSTFLAGS=\"--cfg shuttle\""
    );
}

/// The stand-in for a backend left out of `schedulers`: the body is not run.
pub fn not_selected<F: Fn()>(name: &str, backend: &str, _body: F) {
    eprintln!("{name}: {backend} is not in this test's `schedulers`; nothing was checked");
}

/// Runs `body` in `loom::model` with the given preemption bound (overriding
/// `LOOM_MAX_PREEMPTIONS`: the bound is pinned per test).
///
/// A pass is a proof only within that bound, and only if the run was not truncated by
/// `LOOM_MAX_PERMUTATIONS`/`LOOM_MAX_DURATION` (loom then silently reports a pass): this prints
/// the bound and warns when either variable is set. `LOOM_CHECKPOINT_FILE` and the other `LOOM_*`
/// variables keep working.
#[cfg(loom)]
pub fn loom_model<F>(preemption_bound: usize, body: F)
where
    F: Fn() + Sync + Send + 'static,
{
    let mut builder = loom::model::Builder::new();
    match builder.preemption_bound {
        Some(env) if env != preemption_bound => eprintln!(
            "loom: LOOM_MAX_PREEMPTIONS={env} ignored; this test pins preemption_bound = {preemption_bound}"
        ),
        _ => {}
    }
    builder.preemption_bound = Some(preemption_bound);
    let truncated = builder.max_permutations.is_some() || builder.max_duration.is_some();
    with_trace(|| builder.check(body));
    if truncated {
        eprintln!(
            "loom: passed with preemption_bound = {preemption_bound}, BUT LOOM_MAX_PERMUTATIONS or \
             LOOM_MAX_DURATION is set: the exploration may have been truncated, so this is not a proof"
        );
    } else {
        eprintln!(
            "loom: passed, every interleaving explored within preemption_bound = {preemption_bound}"
        );
    }
}

/// Runs `body` under shuttle's random scheduler for `iterations` iterations.
pub fn shuttle_random<F>(iterations: usize, body: F)
where
    F: Fn() + Send + Sync + 'static,
{
    if shuttle_run(body, |body| shuttle::check_random(body, iterations)) {
        eprintln!("shuttle random: passed {iterations} iterations");
    }
}

/// Runs `body` under shuttle's PCT scheduler for `iterations` iterations at `depth`.
///
/// PCT panics on a body that spawns no thread; a depth below 3 misses a 2-thread check-then-act.
pub fn shuttle_pct<F>(iterations: usize, depth: usize, body: F)
where
    F: Fn() + Send + Sync + 'static,
{
    if shuttle_run(body, |body| shuttle::check_pct(body, iterations, depth)) {
        eprintln!("shuttle PCT: passed {iterations} iterations at depth {depth}");
    }
}

/// Runs `body` under shuttle's depth-first scheduler: exhaustive if `max_iterations` is `None`.
pub fn shuttle_dfs<F>(max_iterations: Option<usize>, body: F)
where
    F: Fn() + Send + Sync + 'static,
{
    if shuttle_run(body, |body| shuttle::check_dfs(body, max_iterations)) {
        match max_iterations {
            Some(n) => {
                eprintln!("shuttle DFS: passed (at most {n} iterations: maybe not exhaustive)")
            }
            None => eprintln!("shuttle DFS: passed, every interleaving explored"),
        }
    }
}

/// What kind of failure a checker found for an `expect = "bug"` test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BugKind {
    /// The checker found a deadlock (every live thread blocked).
    Deadlock,
    /// An assertion (an invariant check) in the body or the model panicked.
    InvariantViolation,
}

impl fmt::Display for BugKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BugKind::Deadlock => "deadlock",
            BugKind::InvariantViolation => "invariant violation",
        })
    }
}

/// The failure an `expect = "bug"` test found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundBug {
    /// Deadlock or invariant violation.
    pub kind: BugKind,
    /// The panic message of the body, without the checker's wrapping (for shuttle: the text after
    /// `original panic: `).
    pub message: String,
    /// The whole panic payload, including shuttle's schedule to replay when it has one.
    pub report: String,
}

/// The text of a panic payload (`String` or `&'static str`), if it has one.
pub fn payload_text(payload: &(dyn Any + Send)) -> Option<String> {
    if let Some(s) = payload.downcast_ref::<String>() {
        Some(s.clone())
    } else {
        payload
            .downcast_ref::<&'static str>()
            .map(|s| (*s).to_string())
    }
}

/// The body's own panic message inside a checker's payload.
///
/// shuttle wraps a task's `String` panic as `test panicked in task '..'\nfailing schedule: ..
/// \noriginal panic: MESSAGE`, and its own failures (deadlock, step bound) as `MESSAGE\nfailing
/// schedule: ..`; loom passes panics through unchanged. The event log the harness appends to an
/// async body's failure ([`crate::trace`]) is not part of the message either.
pub fn original_message(report: &str) -> &str {
    const ORIGINAL: &str = "\noriginal panic: ";
    let trace = format!("\n\n{}", crate::trace::HEADER);
    let end = [report.find(&trace), report.find(REPLAY_HEADER)]
        .into_iter()
        .flatten()
        .min();
    let report = &report[..end.unwrap_or(report.len())];
    if let Some(i) = report.find(ORIGINAL) {
        return &report[i + ORIGINAL.len()..];
    }
    match report.find("\nfailing schedule") {
        Some(i) => &report[..i],
        None => report,
    }
}

/// Classifies a checker failure for an `expect = "bug"` test.
///
/// Only the failing panic's own message counts (see [`original_message`]), never the checker's
/// wrapping text or the event log around it:
///
/// * `expected` given: the message must contain it (`expected = "deadlock"` for a deadlock the
///   checker reports: its message starts with `deadlock`);
/// * otherwise: the message must be the body's or the model's own assertion: it starts with
///   `assertion` (the std assert macros) or `invariant` (the convention for custom assertion
///   messages). A deadlock is not enough without `expected`: it says the body got stuck, not which
///   invariant broke.
///
/// Returns `Err(explanation)` for anything else: an unrelated panic must not make a broken-variant
/// test pass.
pub fn classify(report: &str, expected: Option<&str>) -> Result<FoundBug, String> {
    let message = original_message(report).trim();
    let is_deadlock = message.starts_with("deadlock");
    let kind = if is_deadlock {
        BugKind::Deadlock
    } else {
        BugKind::InvariantViolation
    };
    let found = FoundBug {
        kind,
        message: message.to_string(),
        report: report.to_string(),
    };
    match expected {
        Some(expected) if message.contains(expected) => Ok(found),
        Some(expected) => Err(format!(
            "the checker failed, but not with the expected failure: the failing panic's message \
             does not contain {expected:?}; it was:\n{message}"
        )),
        None => {
            let lower = message.to_ascii_lowercase();
            if lower.starts_with("assertion") || lower.starts_with("invariant") {
                Ok(found)
            } else if is_deadlock {
                Err(format!(
                    "the checker reported a deadlock, which without `expected` does not count as \
                     finding the bug (it does not say which invariant broke); if the deadlock is \
                     the bug, add `expected = \"deadlock\"`. The report was:\n{message}"
                ))
            } else {
                Err(format!(
                    "the checker failed with a panic that is not an invariant assertion (a message \
                     starting with `assertion` or `invariant`), so it does not count as finding the \
                     bug; if this is the failure you expect, add `expected = \"...\"` with a part \
                     of its message. The panic was:\n{message}"
                ))
            }
        }
    }
}

/// Runs a checker (`run`) on a broken variant and returns the failure it found.
///
/// Panics (failing the test) if the checker passed, or if it failed for an unrelated reason (see
/// [`classify`]). Prints which kind of failure was found, and the checker's report (for shuttle, the
/// schedule to replay).
#[track_caller]
pub fn expect_bug(
    name: &str,
    checker: &str,
    expected: Option<&str>,
    run: impl FnOnce(),
) -> FoundBug {
    let outcome = panic::catch_unwind(AssertUnwindSafe(run));
    let payload = match outcome {
        Ok(()) => panic!(
            "{name}: expect = \"bug\", but {checker} found no failure; either the variant is not \
             broken or the bound is too small to reach the bug (raise it)"
        ),
        Err(payload) => payload,
    };
    let Some(report) = payload_text(payload.as_ref()) else {
        panic!(
            "{name}: expect = \"bug\": {checker} failed with a non-string panic payload, which is \
             neither a checker-reported deadlock nor an invariant assertion"
        );
    };
    match classify(&report, expected) {
        Ok(found) => {
            eprintln!(
                "{name}: {checker} found the expected bug: {}\n{}",
                found.kind, found.report
            );
            found
        }
        Err(why) => panic!("{name}: expect = \"bug\" under {checker}: {why}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shuttle_task_panic_is_unwrapped() {
        let report = "test panicked in task 'main-thread'\nfailing schedule:\n\"\n9102\n\"\npass that \
                      string to `shuttle::replay` to replay the failure\noriginal panic: assertion \
                      `left == right` failed\n  left: 1\n right: 2";
        let found = classify(report, None).unwrap();
        assert_eq!(found.kind, BugKind::InvariantViolation);
        assert!(
            found
                .message
                .starts_with("assertion `left == right` failed")
        );
    }

    #[test]
    fn deadlocks_count_only_when_expected() {
        let shuttle =
            "deadlock! blocked tasks: [main-thread (task 0)]\nfailing schedule:\n\"\n91\n\"";
        assert_eq!(
            classify(shuttle, Some("deadlock")).unwrap().kind,
            BugKind::Deadlock
        );
        let loom = "deadlock; threads = [(0, Blocked)]";
        assert_eq!(
            classify(loom, Some("deadlock")).unwrap().kind,
            BugKind::Deadlock
        );
        assert!(
            classify(loom, None)
                .unwrap_err()
                .contains("expected = \"deadlock\"")
        );
    }

    #[test]
    fn expected_matches_only_the_failing_panics_own_message() {
        // The checker's wrapper names the task, the event log names events: neither is the bug.
        let report = "test panicked in task 'request'\nfailing schedule:\n\"\n91\n\"\noriginal \
                      panic: invariant violated: x\n\nlast steps of each task (step number, \
                      event):\n  request: 1 timed out (deadline)";
        assert!(classify(report, Some("request")).is_err());
        assert!(classify(report, Some("timed out")).is_err());
        let found = classify(report, Some("violated: x")).unwrap();
        assert_eq!(found.message, "invariant violated: x");
    }

    #[test]
    fn unrelated_panics_are_rejected() {
        let unwrap = "called `Option::unwrap()` on a `None` value";
        assert!(classify(unwrap, None).is_err());
        assert!(classify("Model exceeded maximum number of threads", None).is_err());
        assert!(classify("assertion failed: x", Some("lost update")).is_err());
        assert!(classify("invariant: lost update", Some("lost update")).is_ok());
        assert!(classify("Invariant violated", None).is_ok());
    }
}
