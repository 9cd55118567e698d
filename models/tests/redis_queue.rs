//! The execution queue at the level of Redis commands (issue 18), every design and scenario
//! written once with `#[model_check]`: std runs the correct design on real threads, `--cfg loom`
//! every interleaving within the stated preemption bound, `--cfg shuttle` random and PCT.
//!
//! ```text
//! RUSTFLAGS="--cfg loom" cargo test -p racewise-models --release --target-dir target/loom --test redis_queue
//! RUSTFLAGS="--cfg shuttle" cargo test -p racewise-models --release --target-dir target/shuttle --test redis_queue
//! ```
//!
//! Bounds (pinned here, never read from the environment):
//!
//! - loom: the four 3-thread scenarios of the correct design pass with `preemption_bound = 255`,
//!   which never prunes them: `loom_unbounded` below explores each with no bound at all (27
//!   executions each). The bugs are found at bound 2 (the stranded entry, the double start of
//!   `GET`-then-`SET`, the overflow) and 1 (the TTL expiry).
//!   The 11-thread load scenarios exceed loom's 5-thread limit: shuttle only.
//! - shuttle: the correct design passes `iterations = 10_000` under random and PCT depth 3
//!   (`2_000` for the 11-thread load scenarios: the same count runs them on real threads in the
//!   plain std build, 11 spawns each, ~6 s at 10,000); every bug is found within
//!   `iterations = 200` for at least 9 of 10 seeds (measured in `redis_queue_catalog.rs`: 10 of 10, at most 15 iterations).
//! - Every broken-design test names its invariant message (`expected`), so an unrelated panic
//!   cannot pass for the bug.

use racewise_models::model_check;
use racewise_models::sync_models::redis_queue::designs::Design;
use racewise_models::sync_models::redis_queue::scenarios as s;

// --- the correct design: submit and complete each one script, no TTL -----------------------------

#[model_check(iterations = 10_000, pct_depth = 3, preemption_bound = 255)]
fn correct_two_submitters() {
    s::two_submitters(Design::Scripts);
}

#[model_check(iterations = 10_000, pct_depth = 3, preemption_bound = 255)]
fn correct_complete_races_submit() {
    s::complete_races_submit(Design::Scripts);
}

#[model_check(iterations = 10_000, pct_depth = 3, preemption_bound = 255)]
fn correct_submitters_overflow_queue() {
    s::submitters_overflow_queue(Design::Scripts);
}

/// No TTL on the running key: the expiry event is a no-op, whenever it fires.
#[model_check(iterations = 10_000, pct_depth = 3, preemption_bound = 255)]
fn correct_ttl_expires_while_running() {
    s::ttl_expires_while_running(Design::Scripts);
}

/// The audit's load test, 10 concurrent submitters: 1 running, exactly 3 queued, 6 refused.
#[model_check(iterations = 2_000, pct_depth = 3, schedulers = [random, pct])]
fn correct_load_shape_10_submitters() {
    s::load_shape(Design::Scripts);
}

/// 10 concurrent workers submitting, running and completing.
#[model_check(iterations = 2_000, pct_depth = 3, schedulers = [random, pct])]
fn correct_load_with_completions_10_workers() {
    s::load_with_completions(Design::Scripts);
}

// --- the audited code ----------------------------------------------------------------------------

#[model_check(
    expect = "bug",
    expected = "invariant violated: double start on agent 0",
    iterations = 200,
    pct_depth = 3,
    preemption_bound = 2
)]
fn audited_get_then_set_submit() {
    s::two_submitters(Design::Audited);
}

#[model_check(
    expect = "bug",
    expected = "invariant violated: entry stranded",
    iterations = 200,
    pct_depth = 3,
    preemption_bound = 2
)]
fn audited_rpop_then_set_complete() {
    s::complete_races_submit(Design::Audited);
}

// --- the audit's prescribed fix ------------------------------------------------------------------

#[model_check(
    expect = "bug",
    expected = "invariant violated: entry stranded",
    iterations = 200,
    pct_depth = 3,
    preemption_bound = 2
)]
fn fix_set_nx_then_lpush() {
    s::complete_races_submit(Design::PrescribedFix);
}

#[model_check(
    expect = "bug",
    expected = "invariant violated: queue bound exceeded",
    iterations = 200,
    pct_depth = 3,
    preemption_bound = 2
)]
fn fix_llen_then_lpush() {
    s::submitters_overflow_queue(Design::PrescribedFix);
}

/// The fix fails the audit's own load test: 10 submitters push past the bound of 3.
#[model_check(
    expect = "bug",
    expected = "invariant violated: queue bound exceeded",
    iterations = 200,
    pct_depth = 3,
    schedulers = [random, pct]
)]
fn fix_load_shape_10_submitters() {
    s::load_shape(Design::PrescribedFix);
}

#[model_check(
    expect = "bug",
    expected = "invariant violated: double start on agent 0",
    iterations = 200,
    pct_depth = 3,
    preemption_bound = 1
)]
fn fix_ttl_expiry() {
    s::ttl_expires_while_running(Design::PrescribedFix);
}

// --- what a TTL does to the correct scripts ------------------------------------------------------

#[model_check(
    expect = "bug",
    expected = "invariant violated: double start on agent 0",
    iterations = 200,
    pct_depth = 3,
    preemption_bound = 1
)]
fn scripts_with_ttl() {
    s::ttl_expires_while_running(Design::ScriptsWithTtl);
}

#[cfg(loom)]
mod common;

/// The correct design's 3-thread scenarios with no preemption bound at all (loom's plain DPOR),
/// printing the executions explored: the proof `preemption_bound = 255` above stands for.
#[cfg(loom)]
mod loom_unbounded {
    use super::common::loom_check::explore_exhaustively;
    use super::{Design, s};

    #[test]
    fn correct_design_every_interleaving() {
        let runs = [
            explore_exhaustively("redis_queue/correct two_submitters", || {
                s::two_submitters(Design::Scripts)
            }),
            explore_exhaustively("redis_queue/correct complete_races_submit", || {
                s::complete_races_submit(Design::Scripts)
            }),
            explore_exhaustively("redis_queue/correct submitters_overflow_queue", || {
                s::submitters_overflow_queue(Design::Scripts)
            }),
            explore_exhaustively("redis_queue/correct ttl_expires_while_running", || {
                s::ttl_expires_while_running(Design::Scripts)
            }),
        ];
        assert!(runs.iter().all(|&n| n > 1), "{runs:?}");
    }
}
