//! The loom checks `#[model_check]` cannot express; everything else is in `model_checks.rs` and
//! `model_checks_deadlock.rs`.
//!
//! - **Unbounded exploration.** The macro always pins a `preemption_bound` (`loom_model` sets
//!   `Some(bound)`). For the two largest correct scenarios an unbounded run (loom's plain DPOR) is
//!   cheap, while any bound high enough never to prune is not: with a bound set loom adds
//!   conservative backtracking points, and a never-pruning bound costs about 8 times the
//!   executions (~90 s and ~75 s instead of ~11 s and ~6 s). So these two keep their unbounded
//!   loom proof here, through the loom builder directly.
//! - **A bound that misses a bug.** `scheduler_split_capacity_check_missed_at_bound_2` asserts
//!   that loom *passes* a broken variant at bound 2: `expect = "bug"` would fail there, and a
//!   plain `#[model_check]` would claim a correct variant.
//!
//! `timeout_during_acquire` can deadlock when broken; it shares its semaphores through
//! `std::sync::Arc` (see `semaphore::scenarios`), so even then loom fails the test instead of
//! aborting this binary. Runs are never truncated (see `common::loom_check`).
//!
//! Run: `RUSTFLAGS="--cfg loom" cargo test -p racewise-models --release --target-dir target/loom
//! --test loom_only -- --nocapture` (to see the executions explored per test).

#![cfg(loom)]

mod common;

use common::loom_check::{explore, explore_exhaustively};
use racewise_models::sync_models::scheduler::{SchedulerVariant, scenarios as sched};
use racewise_models::sync_models::semaphore::{SemaphoreVariant, scenarios as sem};

/// shuttle random and PCT: `model_checks.rs`.
#[test]
fn scheduler_correct_three_workers_exhaustive() {
    explore_exhaustively("scheduler/correct three_workers_two_slots", || {
        sched::three_workers_two_slots(SchedulerVariant::Correct)
    });
}

/// shuttle random and PCT: `model_checks_deadlock.rs`.
#[test]
fn semaphore_correct_timeout_during_acquire_exhaustive() {
    explore_exhaustively("semaphore/correct timeout_during_acquire", || {
        sem::timeout_during_acquire(SemaphoreVariant::Correct)
    });
}

/// Why `scheduler_split_capacity_check` pins loom bound 3: at bound 2 loom explores every
/// execution and reports a pass. A "passed" claim is only as strong as its bound.
#[test]
fn scheduler_split_capacity_check_missed_at_bound_2() {
    let executions = explore(
        "scheduler/split_capacity_check (bound too small)",
        2,
        || sched::three_workers_two_slots(SchedulerVariant::SplitCapacityCheck),
    );
    assert!(executions > 0);
}
