//! loom: every correct variant passes (exhaustively, or within the preemption bound in its name),
//! and every non-deadlocking broken variant is found within the bound in its name. (The
//! deadlocking scenarios are in `loom_deadlocks.rs`.) Bounds are pinned here, never taken from
//! `LOOM_MAX_PREEMPTIONS`, and runs are never truncated: a pass is a proof within its bound.
//!
//! Run: `RUSTFLAGS="--cfg loom" cargo test -p racewise-models --release --target-dir target/loom`
//! (add `-- --nocapture` to see the executions explored per test).

#![cfg(loom)]

mod common;

use common::loom_check::{explore, explore_exhaustively};
use racewise_models::models::execution_queue::{QueueVariant, scenarios as queue};
use racewise_models::models::scheduler::{SchedulerVariant, scenarios as sched};
use racewise_models::models::semaphore::{SemaphoreVariant, scenarios as sem};

// --- scheduler ---------------------------------------------------------------------------------

#[test]
fn scheduler_correct_three_workers_exhaustive() {
    explore_exhaustively("scheduler/correct three_workers_two_slots", || {
        sched::three_workers_two_slots(SchedulerVariant::Correct)
    });
}

#[test]
fn scheduler_correct_zombie_reaped_under_rate_limit_exhaustive() {
    explore_exhaustively("scheduler/correct zombie_reaped_under_rate_limit", || {
        sched::zombie_reaped_under_rate_limit(SchedulerVariant::Correct)
    });
}

/// Three workers must all pass the capacity check before any inserts, with none completing in
/// between: that takes three preemptions.
#[test]
#[should_panic(expected = "invariant violated: running 3 > max_concurrent 2")]
fn scheduler_split_capacity_check_found_at_bound_3() {
    explore("scheduler/split_capacity_check", 3, || {
        sched::three_workers_two_slots(SchedulerVariant::SplitCapacityCheck)
    });
}

/// Why the bound above is 3: at bound 2 loom explores every execution and reports a pass.
/// A "passed" claim is only as strong as its bound.
#[test]
fn scheduler_split_capacity_check_missed_at_bound_2() {
    let executions = explore(
        "scheduler/split_capacity_check (bound too small)",
        2,
        || sched::three_workers_two_slots(SchedulerVariant::SplitCapacityCheck),
    );
    assert!(executions > 0);
}

// --- execution queue ---------------------------------------------------------------------------

#[test]
fn execution_queue_correct_two_submitters_exhaustive() {
    explore_exhaustively("execution_queue/correct two_submitters", || {
        queue::two_submitters(QueueVariant::Correct)
    });
}

#[test]
fn execution_queue_correct_complete_races_submit_exhaustive() {
    explore_exhaustively("execution_queue/correct complete_races_submit", || {
        queue::complete_races_submit(QueueVariant::Correct)
    });
}

#[test]
#[should_panic(expected = "invariant violated: double start on key")]
fn execution_queue_check_then_set_submit_found_at_bound_2() {
    explore("execution_queue/check_then_set_submit", 2, || {
        queue::two_submitters(QueueVariant::CheckThenSetSubmit)
    });
}

#[test]
#[should_panic(expected = "invariant violated: entry lost")]
fn execution_queue_pop_then_set_complete_found_at_bound_2() {
    explore("execution_queue/pop_then_set_complete", 2, || {
        queue::complete_races_submit(QueueVariant::PopThenSetComplete)
    });
}

// --- semaphore family: per-session registry (no deadlock possible) ------------------------------

/// Bound 4: 37,030 executions in ~3 s; unbounded it is 1.7 million (~140 s), too slow for CI.
#[test]
fn semaphore_correct_session_created_twice_bound_4() {
    explore("semaphore/correct session_created_twice", 4, || {
        sem::session_created_twice(SemaphoreVariant::Correct)
    });
}

#[test]
#[should_panic(expected = "invariant violated: 2 semaphores for session 7")]
fn semaphore_racy_session_create_found_at_bound_2() {
    explore("semaphore/racy_session_create", 2, || {
        sem::session_created_twice(SemaphoreVariant::RacySessionCreate)
    });
}
