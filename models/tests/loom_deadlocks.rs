//! loom: the semaphore scenarios that can deadlock, in their own test binary.
//!
//! A loom deadlock while a thread holds a `loom::sync::Arc` aborts the whole binary instead of
//! failing the test; these scenarios share their semaphores through `std::sync::Arc` (see
//! `semaphore::scenarios`), and live apart so that a mistake there cannot take the other loom
//! tests down with it.

#![cfg(loom)]

mod common;

use common::loom_check::{explore, explore_exhaustively};
use racewise_models::models::semaphore::{SemaphoreVariant, scenarios as sem};

#[test]
fn semaphore_correct_timeout_during_acquire_exhaustive() {
    explore_exhaustively("semaphore/correct timeout_during_acquire", || {
        sem::timeout_during_acquire(SemaphoreVariant::Correct)
    });
}

#[test]
fn semaphore_correct_request_and_refresh_exhaustive() {
    explore_exhaustively("semaphore/correct request_and_refresh", || {
        sem::request_and_refresh(SemaphoreVariant::Correct)
    });
}

/// The leaked permit shows up as a deadlock: the next `acquire` waits forever.
#[test]
#[should_panic(expected = "deadlock; threads")]
fn semaphore_permit_leak_on_timeout_found_at_bound_2() {
    explore("semaphore/permit_leak_on_timeout", 2, || {
        sem::timeout_during_acquire(SemaphoreVariant::PermitLeakOnTimeout)
    });
}

#[test]
#[should_panic(expected = "deadlock; threads")]
fn semaphore_opposite_orders_found_at_bound_2() {
    explore("semaphore/opposite_orders", 2, || {
        sem::request_and_refresh(SemaphoreVariant::OppositeOrders)
    });
}
