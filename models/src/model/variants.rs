//! Every model variant with the check body the checkers run on it, for this backend.
//!
//! A correct variant's body runs all of its model's scenarios; a broken variant's body runs the
//! scenario that exposes its bug, and names the failure a checker must report ([`Expected::Bug`]).

use super::execution_queue::{QueueVariant, scenarios as queue};
use super::scheduler::{SchedulerVariant, scenarios as sched};
use super::semaphore::{SemaphoreVariant, scenarios as sem};
use crate::catalog::{Expected, ModelVariant};

/// Every variant, in a fixed order (models alphabetically, `correct` first).
pub fn all() -> Vec<ModelVariant> {
    let mut all = vec![
        ModelVariant {
            model: "execution_queue",
            variant: "correct",
            summary: "submit and complete each one critical section",
            expected: Expected::Pass,
            pct_depth: 3,
            body: || {
                queue::two_submitters(QueueVariant::Correct);
                queue::complete_races_submit(QueueVariant::Correct);
            },
        },
        ModelVariant {
            model: "execution_queue",
            variant: "check_then_set_submit",
            summary: "submit checks the key is idle, then takes it in a second critical section",
            expected: Expected::Bug("invariant violated: double start on key"),
            pct_depth: 3,
            body: || queue::two_submitters(QueueVariant::CheckThenSetSubmit),
        },
        ModelVariant {
            model: "execution_queue",
            variant: "pop_then_set_complete",
            summary: "complete pops the next entry, then marks it running in a second critical section",
            expected: Expected::Bug("invariant violated: entry lost"),
            pct_depth: 3,
            body: || queue::complete_races_submit(QueueVariant::PopThenSetComplete),
        },
        ModelVariant {
            model: "scheduler",
            variant: "correct",
            summary: "capacity check and insert into the running set in one critical section",
            expected: Expected::Pass,
            pct_depth: 3,
            body: || {
                sched::three_workers_two_slots(SchedulerVariant::Correct);
                sched::zombie_reaped_under_rate_limit(SchedulerVariant::Correct);
            },
        },
        ModelVariant {
            model: "scheduler",
            variant: "split_capacity_check",
            summary: "capacity checked under one lock acquisition, task inserted under another (3 workers, max_concurrent 2)",
            expected: Expected::Bug("invariant violated: running 3 > max_concurrent 2"),
            // Three workers must all pass the check before any inserts and none completes in
            // between: three priority changes (loom: preemption bound 3).
            pct_depth: 4,
            body: || sched::three_workers_two_slots(SchedulerVariant::SplitCapacityCheck),
        },
        ModelVariant {
            model: "semaphore",
            variant: "correct",
            summary: "RAII permits on every path, one global -> provider -> session order, get-or-insert sessions",
            expected: Expected::Pass,
            pct_depth: 3,
            body: || {
                sem::timeout_during_acquire(SemaphoreVariant::Correct);
                sem::request_and_refresh(SemaphoreVariant::Correct);
                sem::session_created_twice(SemaphoreVariant::Correct);
            },
        },
        ModelVariant {
            model: "semaphore",
            variant: "permit_leak_on_timeout",
            summary: "acquire_timeout re-checks the deadline after taking a permit and drops it on the floor",
            expected: Expected::Bug("invariant violated: permit leaked on pool"),
            pct_depth: 3,
            body: || sem::timeout_during_acquire(SemaphoreVariant::PermitLeakOnTimeout),
        },
        ModelVariant {
            model: "semaphore",
            variant: "opposite_orders",
            summary: "a refresh path acquires session -> provider -> global, the reverse of requests",
            expected: Expected::Bug("deadlock"),
            pct_depth: 3,
            body: || sem::request_and_refresh(SemaphoreVariant::OppositeOrders),
        },
        ModelVariant {
            model: "semaphore",
            variant: "racy_session_create",
            summary: "per-session semaphore looked up and inserted under separate lock acquisitions",
            expected: Expected::Bug("invariant violated: 2 semaphores for session 7"),
            pct_depth: 3,
            body: || sem::session_created_twice(SemaphoreVariant::RacySessionCreate),
        },
    ];
    all.extend(super::redis_queue::variants());
    all
}
