//! The async models of the MCP-server audit, each scenario and variant written once with
//! `#[model_check] async fn`: plain `cargo test` runs the correct variants on the current-thread
//! executor, `--cfg shuttle` under shuttle random and PCT (tasks are shuttle tasks), `--cfg loom`
//! in `loom::model` (each task a loom thread).
//!
//! ```text
//! cargo test -p racewise-models --test async_model_checks
//! RUSTFLAGS="--cfg shuttle" cargo test -p racewise-models --release --target-dir target/shuttle --test async_model_checks
//! RUSTFLAGS="--cfg loom" cargo test -p racewise-models --release --target-dir target/loom --test async_model_checks
//! ```
//!
//! Bounds, pinned per test:
//!
//! - shuttle: a correct variant passes all of its `iterations = 2_000` under random and PCT
//!   (depth 3); a broken variant must be found within `iterations = 200` by both (measured over
//!   seeds 0..10 at 1000 iterations: every seed finds every async bug, at most 6 iterations under
//!   random and 7 under PCT).
//! - loom: `preemption_bound` as stated on each test. Every broken variant is found at bound 1.
//!   The correct variants pass every interleaving within their bound: 2 for the two small
//!   scenarios; 1 for `session_permit_times_out` and `request_fails_while_tool_runs`, whose bound-2
//!   runs take 75 s and 37 s (release, one core), too long for CI. The whole file runs in ~3 s.
//! - Each broken variant pins its cause with `expected`: the model's own invariant message (a
//!   leaked permit says so; it is not reported as a deadlock).

use racewise_models::model_check;
use racewise_models::sync_models::async_permits::{PermitsVariant, scenarios as permits};
use racewise_models::sync_models::async_requests::{RequestsVariant, scenarios as requests};

// --- permits: partial acquisition, per-session semaphore creation ------------------------------

#[model_check(iterations = 2_000, preemption_bound = 1)]
async fn async_permits_correct_session_permit_times_out() {
    permits::session_permit_times_out(PermitsVariant::Correct).await;
}

#[model_check(iterations = 2_000, preemption_bound = 2)]
async fn async_permits_correct_two_requests_one_new_session() {
    permits::two_requests_one_new_session(PermitsVariant::Correct).await;
}

/// The global permit is taken, the session permit times out, and the early return never gives
/// the global one back.
#[model_check(
    expect = "bug",
    expected = "invariant violated: permit leaked on global: 1 of 2 still held after every task finished",
    iterations = 200,
    preemption_bound = 1
)]
async fn async_permits_partial_acquisition_leak() {
    permits::session_permit_times_out(PermitsVariant::PartialAcquisitionLeak).await;
}

/// Looked up, then created and inserted after an `.await` under a second lock acquisition.
#[model_check(
    expect = "bug",
    expected = "invariant violated: 2 semaphores created for session 7",
    iterations = 200,
    preemption_bound = 1
)]
async fn async_permits_session_check_then_insert() {
    permits::two_requests_one_new_session(PermitsVariant::SessionCheckThenInsert).await;
}

// --- requests: in-flight cleanup, tool task cancellation ---------------------------------------

#[model_check(iterations = 2_000, preemption_bound = 2)]
async fn async_requests_correct_request_cancelled_mid_call() {
    requests::request_cancelled_mid_call(RequestsVariant::Correct).await;
}

#[model_check(iterations = 2_000, preemption_bound = 1)]
async fn async_requests_correct_request_fails_while_tool_runs() {
    requests::request_fails_while_tool_runs(RequestsVariant::Correct).await;
}

/// The in-flight set and call-key set are cleaned at the end of the happy path only.
#[model_check(
    expect = "bug",
    expected = "invariant violated: request 1 still in the in-flight set after it ended",
    iterations = 200,
    preemption_bound = 1
)]
async fn async_requests_inflight_not_cleaned() {
    requests::request_cancelled_mid_call(RequestsVariant::InflightNotCleaned).await;
}

/// The tool task's handle is dropped when the request fails, which detaches the task.
#[model_check(
    expect = "bug",
    expected = "invariant violated: tool task ran on after its request failed: it was not cancelled",
    iterations = 200,
    preemption_bound = 1
)]
async fn async_requests_tool_task_not_cancelled() {
    requests::request_fails_while_tool_runs(RequestsVariant::ToolTaskNotCancelled).await;
}

/// The failure path of the in-flight cleanup (the tool returns an error, no concurrency needed):
/// the broken variant leaves the request registered, the guard of the correct one removes it.
#[cfg(not(any(loom, shuttle)))]
#[test]
fn failing_tool_leaves_the_request_registered_only_when_broken() {
    use racewise_models::future::block_on;
    use racewise_models::sync_models::async_requests::{Server, ToolError, call_tool};

    for variant in [
        RequestsVariant::Correct,
        RequestsVariant::InflightNotCleaned,
    ] {
        let server = Server::new(variant);
        let out = block_on(call_tool(&server, 1, "search", async { Err(ToolError) }));
        assert_eq!(out, Err(ToolError));
        let clean = std::panic::catch_unwind(|| server.assert_clean());
        match variant {
            RequestsVariant::Correct => assert!(clean.is_ok()),
            _ => {
                let payload = clean.expect_err("the entry is left behind");
                let message = racewise_models::harness::payload_text(payload.as_ref()).unwrap();
                assert!(
                    message.starts_with("invariant violated: request 1 still in the in-flight set"),
                    "{message}"
                );
            }
        }
    }
}
