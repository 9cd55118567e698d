//! The semaphore scenarios that can deadlock, as `#[model_check]` tests in their own test binary.
//!
//! A loom deadlock while a thread holds a `loom::sync::Arc` aborts the whole binary instead of
//! failing the test. These scenarios share their semaphores through `std::sync::Arc` (see
//! `semaphore::scenarios`), and live apart from `model_checks.rs` so that a mistake there cannot
//! take the other loom tests down with it. Bounds follow the conventions of `model_checks.rs`
//! (`preemption_bound = 255` = unbounded: the scenario never comes near it).
//!
//! Neither checker models wall-clock time: the deadline is injected and fired by a timer thread.
//! A permit leaked on the timeout path is reported by the semaphore's accounting once every
//! holder finished (`permit leaked on pool`), before the next `acquire` would wait forever; the
//! opposite-order variant is a real deadlock, reported by the checker (`deadlock! blocked tasks`
//! / `deadlock; threads`).

use racewise_models::model_check;
use racewise_models::sync_models::semaphore::{SemaphoreVariant, scenarios as sem};

/// loom: unbounded in `loom_only.rs` (78,234 executions, ~5 s); through the macro it would need a
/// bound, and a bound high enough never to prune cost 478,537 executions (~75 s) when measured
/// with the holder's plain `acquire` (it now waits under the deadline; not re-measured).
#[model_check(iterations = 10_000, pct_depth = 3, schedulers = [random, pct])]
fn semaphore_correct_timeout_during_acquire() {
    sem::timeout_during_acquire(SemaphoreVariant::Correct);
}

#[model_check(iterations = 10_000, pct_depth = 3, preemption_bound = 255)]
fn semaphore_correct_request_and_refresh() {
    sem::request_and_refresh(SemaphoreVariant::Correct);
}

/// The leaked permit is reported by the accounting check once every holder finished (the next
/// `acquire` would wait forever: a deadlock that would not say what leaked).
#[model_check(
    expect = "bug",
    expected = "invariant violated: permit leaked on pool: 1 of 1 still held",
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
