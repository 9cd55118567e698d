//! The model tests, each scenario and variant written once with `#[model_check]`: under plain
//! `cargo test` the correct variants run on real threads (the broken ones are `#[ignore]`d: real
//! threads almost never hit them), under `--cfg loom` every body runs in `loom::model`, under
//! `--cfg shuttle` under shuttle random and PCT.
//!
//! ```text
//! cargo test -p racewise-models --test model_checks                                   # std
//! RUSTFLAGS="--cfg shuttle" cargo test -p racewise-models --release --target-dir target/shuttle
//! RUSTFLAGS="--cfg loom" cargo test -p racewise-models --release --target-dir target/loom
//! ```
//!
//! Bounds are pinned per test, never taken from the environment:
//!
//! - shuttle: a correct variant must pass all of its `iterations = 10_000` under random and under
//!   PCT; a broken variant must be found within `iterations = 2_000` by both (measured over 200
//!   seeds: at most 639 iterations, PCT depth 4 on `scheduler/split_capacity_check`; at most 56
//!   for every other one). PCT depth is at least 3 (below it a two-thread check-then-act is
//!   missed), 4 for the scheduler, whose 3-worker overflow needs three priority changes (at depth 3
//!   PCT never finds it).
//! - loom: `preemption_bound` as stated on each test. A broken variant is found at the smallest
//!   bound that reaches it (3 for the 3-worker scheduler overflow, 2 otherwise). A correct variant
//!   passes every interleaving within its bound; `preemption_bound = 255` (loom's maximum) means
//!   "unbounded": these small scenarios never come near it (their execution counts stop growing at
//!   a bound of 6 to 16), so nothing is pruned and the pass is as strong as an unbounded run.
//! - `expect = "bug"` tests pin the cause with `expected`: the invariant message for a violation,
//!   `deadlock` for a checker-reported deadlock, so an unrelated panic cannot pass for the bug.
//!
//! Elsewhere: the deadlock-capable semaphore scenarios are in `model_checks_deadlock.rs` (their
//! own binary: a loom deadlock can abort the process); the loom checks the macro cannot express
//! (unbounded exploration of the two largest correct scenarios, and the proof that bound 2 misses
//! the scheduler overflow) are in `loom_only.rs`.

use racewise_models::model_check;
use racewise_models::sync_models::execution_queue::{QueueVariant, scenarios as queue};
use racewise_models::sync_models::scheduler::{SchedulerVariant, scenarios as sched};
use racewise_models::sync_models::semaphore::{SemaphoreVariant, scenarios as sem};

// --- scheduler ---------------------------------------------------------------------------------

/// loom: unbounded in `loom_only.rs` (91,425 executions, ~11 s); through the macro it would need a
/// bound, and a bound high enough never to prune costs 563,840 executions (~90 s).
#[model_check(iterations = 10_000, pct_depth = 4, schedulers = [random, pct])]
fn scheduler_correct_three_workers_two_slots() {
    sched::three_workers_two_slots(SchedulerVariant::Correct);
}

#[model_check(iterations = 10_000, pct_depth = 4, preemption_bound = 255)]
fn scheduler_correct_zombie_reaped_under_rate_limit() {
    sched::zombie_reaped_under_rate_limit(SchedulerVariant::Correct);
}

/// Three workers must all pass the capacity check before any inserts, with none completing in
/// between: three preemptions for loom (bound 2 misses it: see `loom_only.rs`), three priority
/// changes for PCT (depth 4).
#[model_check(
    expect = "bug",
    expected = "invariant violated: running 3 > max_concurrent 2",
    iterations = 2_000,
    pct_depth = 4,
    preemption_bound = 3
)]
fn scheduler_split_capacity_check() {
    sched::three_workers_two_slots(SchedulerVariant::SplitCapacityCheck);
}

// --- execution queue ---------------------------------------------------------------------------

#[model_check(iterations = 10_000, pct_depth = 3, preemption_bound = 255)]
fn execution_queue_correct_two_submitters() {
    queue::two_submitters(QueueVariant::Correct);
}

#[model_check(iterations = 10_000, pct_depth = 3, preemption_bound = 255)]
fn execution_queue_correct_complete_races_submit() {
    queue::complete_races_submit(QueueVariant::Correct);
}

#[model_check(
    expect = "bug",
    expected = "invariant violated: double start on key",
    iterations = 2_000,
    pct_depth = 3,
    preemption_bound = 2
)]
fn execution_queue_check_then_set_submit() {
    queue::two_submitters(QueueVariant::CheckThenSetSubmit);
}

#[model_check(
    expect = "bug",
    expected = "invariant violated: entry lost",
    iterations = 2_000,
    pct_depth = 3,
    preemption_bound = 2
)]
fn execution_queue_pop_then_set_complete() {
    queue::complete_races_submit(QueueVariant::PopThenSetComplete);
}

// --- semaphore family: per-session registry (no deadlock possible) ------------------------------

/// loom bound 4: 37,030 executions in ~6 s; unbounded it is 1.7 million (~140 s), too slow for CI.
#[model_check(iterations = 10_000, pct_depth = 3, preemption_bound = 4)]
fn semaphore_correct_session_created_twice() {
    sem::session_created_twice(SemaphoreVariant::Correct);
}

#[model_check(
    expect = "bug",
    expected = "invariant violated: 2 semaphores for session 7",
    iterations = 2_000,
    pct_depth = 3,
    preemption_bound = 2
)]
fn semaphore_racy_session_create() {
    sem::session_created_twice(SemaphoreVariant::RacySessionCreate);
}
