#![cfg(loom)]
mod common;
use racewise_models::models::execution_queue::{QueueVariant, scenarios as queue};
use racewise_models::models::scheduler::{SchedulerVariant, scenarios as sched};
use racewise_models::models::semaphore::{SemaphoreVariant, scenarios as sem};
#[test]
fn probe() {
    {
        common::loom_check::explore_exhaustively("q2", || {
            queue::two_submitters(QueueVariant::Correct)
        });
        common::loom_check::explore_exhaustively("qc", || {
            queue::complete_races_submit(QueueVariant::Correct)
        });
        common::loom_check::explore_exhaustively("zombie", || {
            sched::zombie_reaped_under_rate_limit(SchedulerVariant::Correct)
        });
        common::loom_check::explore_exhaustively("refresh", || {
            sem::request_and_refresh(SemaphoreVariant::Correct)
        });
    }
    {
        common::loom_check::explore_exhaustively("three", || {
            sched::three_workers_two_slots(SchedulerVariant::Correct)
        });
        common::loom_check::explore_exhaustively("timeout", || {
            sem::timeout_during_acquire(SemaphoreVariant::Correct)
        });
        common::loom_check::explore_exhaustively("session", || {
            sem::session_created_twice(SemaphoreVariant::Correct)
        });
    }
}
