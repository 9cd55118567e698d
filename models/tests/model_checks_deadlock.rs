//! The semaphore scenarios that can deadlock, as `#[model_check]` tests in their own test binary.
//!
//! A loom deadlock while a thread holds a `loom::sync::Arc` aborts the whole binary instead of
//! failing the test. These scenarios share their semaphores through `std::sync::Arc` (see
//! `semaphore::scenarios`), and live apart from `model_checks.rs` so that a mistake there cannot
//! take the other loom tests down with it. Bounds follow the conventions of `model_checks.rs`
//! (`preemption_bound = 255` = unbounded: the scenario never comes near it).
//!
//! Neither checker models wall-clock time: the deadline is injected and fired by a timer thread,
//! and a permit leaked on the timeout path shows up as a deadlock (the next `acquire` waits
//! forever), reported by the checker (`deadlock! blocked tasks` / `deadlock; threads`).

use racewise_models::model_check;
use racewise_models::sync_models::semaphore::{SemaphoreVariant, scenarios as sem};

/// loom: unbounded in `loom_only.rs` (63,994 executions, ~6 s); through the macro it would need a
/// bound, and a bound high enough never to prune costs 478,537 executions (~75 s).
#[model_check(iterations = 10_000, pct_depth = 3, schedulers = [random, pct])]
fn semaphore_correct_timeout_during_acquire() {
    sem::timeout_during_acquire(SemaphoreVariant::Correct);
}

#[model_check(iterations = 10_000, pct_depth = 3, preemption_bound = 255)]
fn semaphore_correct_request_and_refresh() {
    sem::request_and_refresh(SemaphoreVariant::Correct);
}

/// The leaked permit shows up as a deadlock: the next `acquire` waits forever.
#[model_check(
    expect = "bug",
    expected = "deadlock",
    iterations = 2_000,
    pct_depth = 3,
    preemption_bound = 2
)]
fn semaphore_permit_leak_on_timeout() {
    sem::timeout_during_acquire(SemaphoreVariant::PermitLeakOnTimeout);
}

/// A request (global → provider → session) and a refresh (session → provider → global) deadlock.
#[model_check(
    expect = "bug",
    expected = "deadlock",
    iterations = 2_000,
    pct_depth = 3,
    preemption_bound = 2
)]
fn semaphore_opposite_orders() {
    sem::request_and_refresh(SemaphoreVariant::OppositeOrders);
}
