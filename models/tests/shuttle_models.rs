//! shuttle: every correct variant passes shuttle random and PCT, and every broken variant is
//! found by both, with the failure's cause asserted. Seeds, iterations and PCT depths are pinned.
//!
//! Run: `RUSTFLAGS="--cfg shuttle" cargo test -p racewise-models --release --target-dir target/shuttle`

#![cfg(shuttle)]

mod common;

use common::shuttle_check::{pct, random};
use racewise_models::models::execution_queue::{QueueVariant, scenarios as queue};
use racewise_models::models::scheduler::{SchedulerVariant, scenarios as sched};
use racewise_models::models::semaphore::{SemaphoreVariant, scenarios as sem};

/// Iterations for a correct variant (each must pass all of them).
const PASS_ITERATIONS: usize = 10_000;
/// Iterations budget for finding a bug (found within a few to a few hundred; see the docs).
const FIND_ITERATIONS: usize = 2_000;

fn scheduler_correct() {
    sched::three_workers_two_slots(SchedulerVariant::Correct);
    sched::zombie_reaped_under_rate_limit(SchedulerVariant::Correct);
}

fn queue_correct() {
    queue::two_submitters(QueueVariant::Correct);
    queue::complete_races_submit(QueueVariant::Correct);
}

fn semaphore_correct() {
    sem::timeout_during_acquire(SemaphoreVariant::Correct);
    sem::request_and_refresh(SemaphoreVariant::Correct);
    sem::session_created_twice(SemaphoreVariant::Correct);
}

// --- correct variants pass ---------------------------------------------------------------------

#[test]
fn scheduler_correct_passes_random() {
    assert_eq!(random(PASS_ITERATIONS, scheduler_correct), PASS_ITERATIONS);
}

#[test]
fn scheduler_correct_passes_pct_depth_4() {
    assert_eq!(pct(4, PASS_ITERATIONS, scheduler_correct), PASS_ITERATIONS);
}

#[test]
fn execution_queue_correct_passes_random() {
    assert_eq!(random(PASS_ITERATIONS, queue_correct), PASS_ITERATIONS);
}

#[test]
fn execution_queue_correct_passes_pct_depth_3() {
    assert_eq!(pct(3, PASS_ITERATIONS, queue_correct), PASS_ITERATIONS);
}

#[test]
fn semaphore_correct_passes_random() {
    assert_eq!(random(PASS_ITERATIONS, semaphore_correct), PASS_ITERATIONS);
}

#[test]
fn semaphore_correct_passes_pct_depth_3() {
    assert_eq!(pct(3, PASS_ITERATIONS, semaphore_correct), PASS_ITERATIONS);
}

// --- broken variants are found -----------------------------------------------------------------

#[test]
#[should_panic(expected = "invariant violated: running 3 > max_concurrent 2")]
fn scheduler_split_capacity_check_found_by_random() {
    random(FIND_ITERATIONS, || {
        sched::three_workers_two_slots(SchedulerVariant::SplitCapacityCheck)
    });
}

/// Three workers pass the check, none completes before all insert: three priority changes.
#[test]
#[should_panic(expected = "invariant violated: running 3 > max_concurrent 2")]
fn scheduler_split_capacity_check_found_by_pct_depth_4() {
    pct(4, FIND_ITERATIONS, || {
        sched::three_workers_two_slots(SchedulerVariant::SplitCapacityCheck)
    });
}

#[test]
#[should_panic(expected = "invariant violated: double start on key")]
fn execution_queue_check_then_set_submit_found_by_random() {
    random(FIND_ITERATIONS, || {
        queue::two_submitters(QueueVariant::CheckThenSetSubmit)
    });
}

#[test]
#[should_panic(expected = "invariant violated: double start on key")]
fn execution_queue_check_then_set_submit_found_by_pct_depth_3() {
    pct(3, FIND_ITERATIONS, || {
        queue::two_submitters(QueueVariant::CheckThenSetSubmit)
    });
}

#[test]
#[should_panic(expected = "invariant violated: entry lost")]
fn execution_queue_pop_then_set_complete_found_by_random() {
    random(FIND_ITERATIONS, || {
        queue::complete_races_submit(QueueVariant::PopThenSetComplete)
    });
}

#[test]
#[should_panic(expected = "invariant violated: entry lost")]
fn execution_queue_pop_then_set_complete_found_by_pct_depth_3() {
    pct(3, FIND_ITERATIONS, || {
        queue::complete_races_submit(QueueVariant::PopThenSetComplete)
    });
}

#[test]
#[should_panic(expected = "deadlock! blocked tasks")]
fn semaphore_permit_leak_on_timeout_found_by_random() {
    random(FIND_ITERATIONS, || {
        sem::timeout_during_acquire(SemaphoreVariant::PermitLeakOnTimeout)
    });
}

#[test]
#[should_panic(expected = "deadlock! blocked tasks")]
fn semaphore_permit_leak_on_timeout_found_by_pct_depth_3() {
    pct(3, FIND_ITERATIONS, || {
        sem::timeout_during_acquire(SemaphoreVariant::PermitLeakOnTimeout)
    });
}

#[test]
#[should_panic(expected = "deadlock! blocked tasks")]
fn semaphore_opposite_orders_found_by_random() {
    random(FIND_ITERATIONS, || {
        sem::request_and_refresh(SemaphoreVariant::OppositeOrders)
    });
}

#[test]
#[should_panic(expected = "deadlock! blocked tasks")]
fn semaphore_opposite_orders_found_by_pct_depth_3() {
    pct(3, FIND_ITERATIONS, || {
        sem::request_and_refresh(SemaphoreVariant::OppositeOrders)
    });
}

#[test]
#[should_panic(expected = "invariant violated: 2 semaphores for session 7")]
fn semaphore_racy_session_create_found_by_random() {
    random(FIND_ITERATIONS, || {
        sem::session_created_twice(SemaphoreVariant::RacySessionCreate)
    });
}

#[test]
#[should_panic(expected = "invariant violated: 2 semaphores for session 7")]
fn semaphore_racy_session_create_found_by_pct_depth_3() {
    pct(3, FIND_ITERATIONS, || {
        sem::session_created_twice(SemaphoreVariant::RacySessionCreate)
    });
}

/// A found bug's schedule replays to the same failure: the catalog over the cfg-selected models
/// agrees with the shuttle suite above.
#[test]
fn every_catalog_variant_meets_its_expectation_over_the_cfg_models() {
    use racewise_models::catalog::{self, CheckOptions, Outcome, Strategy};
    for variant in racewise_models::models::variants::all() {
        for strategy in [
            Strategy::Random,
            Strategy::Pct {
                depth: variant.pct_depth,
            },
        ] {
            let options = CheckOptions {
                strategy,
                iterations: 500,
                seed: 7,
            };
            let outcome = catalog::check(&variant, &options);
            assert!(
                variant.meets_expectation(&outcome),
                "{}: {outcome:?}",
                variant.name()
            );
            if let Outcome::Failed(f) = outcome {
                let schedule = f.schedule.expect("schedule");
                let again = catalog::replay(&variant, &schedule).expect("decodes");
                assert!(variant.meets_expectation(&again), "replay: {again:?}");
            }
        }
    }
}
