//! Helpers for the loom checks `#[model_check]` cannot express (`loom_only.rs`): each pins its
//! bound explicitly, so no environment variable can silently shrink (or truncate) a run that then
//! reports a pass.

#![allow(dead_code)]

/// loom: exhaustive exploration within a preemption bound.
#[cfg(loom)]
pub mod loom_check {
    use std::cell::Cell;
    use std::time::Instant;

    thread_local! {
        // loom runs every modelled thread of an execution on the test's own OS thread.
        static EXECUTIONS: Cell<usize> = const { Cell::new(0) };
    }

    /// Prints what was explored, also when the check panics (a found bug).
    struct Report {
        name: &'static str,
        bound: Option<usize>,
        start: Instant,
    }

    impl Drop for Report {
        fn drop(&mut self) {
            let verdict = if std::thread::panicking() {
                "failed"
            } else {
                "passed"
            };
            let bound = match self.bound {
                Some(b) => format!("preemption bound {b}"),
                None => "no preemption bound (exhaustive)".to_string(),
            };
            eprintln!(
                "loom {}: {verdict} after {} executions, {bound}, {:.2}s",
                self.name,
                EXECUTIONS.with(Cell::get),
                self.start.elapsed().as_secs_f64()
            );
        }
    }

    /// Explores every execution of `body` with at most `bound` preemptions, untruncated
    /// (`max_permutations`/`max_duration` unset whatever the environment says). Returns the
    /// number of executions explored; panics with the model's message on a violation, or with
    /// loom's `deadlock; threads = ...`.
    pub fn explore(name: &'static str, bound: usize, body: fn()) -> usize {
        explore_with(name, Some(bound), body)
    }

    /// Like [`explore`], with no preemption bound at all: every interleaving (up to loom's
    /// partial-order reduction). Only for scenarios small enough to finish.
    pub fn explore_exhaustively(name: &'static str, body: fn()) -> usize {
        explore_with(name, None, body)
    }

    fn explore_with(name: &'static str, bound: Option<usize>, body: fn()) -> usize {
        EXECUTIONS.with(|n| n.set(0));
        let _report = Report {
            name,
            bound,
            start: Instant::now(),
        };
        let mut builder = loom::model::Builder::new();
        builder.preemption_bound = bound;
        builder.max_permutations = None;
        builder.max_duration = None;
        builder.check(move || {
            EXECUTIONS.with(|n| n.set(n.get() + 1));
            body();
        });
        EXECUTIONS.with(Cell::get)
    }
}
