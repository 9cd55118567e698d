//! The async models' variants with the check bodies the checkers run, for this backend: each body
//! runs its scenarios as the root task of the backend's executor.

use super::async_backend::block_on;
use super::async_permits::{PermitsVariant, scenarios as permits};
use super::async_requests::{RequestsVariant, scenarios as requests};
use crate::catalog::{Expected, ModelVariant};

/// Every async variant, in a fixed order (models alphabetically, `correct` first).
pub fn all() -> Vec<ModelVariant> {
    vec![
        ModelVariant {
            model: "async_permits",
            variant: "correct",
            summary: "global then session permit as guards dropped on every path; sessions get-or-insert under one lock, no await inside",
            expected: Expected::Pass,
            pct_depth: 3,
            body: || {
                block_on(permits::session_permit_times_out(PermitsVariant::Correct));
                block_on(permits::two_requests_one_new_session(
                    PermitsVariant::Correct,
                ));
            },
        },
        ModelVariant {
            model: "async_permits",
            variant: "partial_acquisition_leak",
            summary: "audit: the global permit is taken, the session permit times out, and the early return never gives the global one back",
            expected: Expected::Bug("invariant violated: permit leaked on global"),
            pct_depth: 3,
            body: || {
                block_on(permits::session_permit_times_out(
                    PermitsVariant::PartialAcquisitionLeak,
                ))
            },
        },
        ModelVariant {
            model: "async_permits",
            variant: "session_check_then_insert",
            summary: "audit: the per-session semaphore is looked up, then created and inserted after an .await under a second lock acquisition",
            expected: Expected::Bug("invariant violated: 2 semaphores created for session 7"),
            pct_depth: 3,
            body: || {
                block_on(permits::two_requests_one_new_session(
                    PermitsVariant::SessionCheckThenInsert,
                ))
            },
        },
        ModelVariant {
            model: "async_requests",
            variant: "correct",
            summary: "in-flight and call-key entries removed by a guard on every path; the tool task aborted and awaited when the request fails",
            expected: Expected::Pass,
            pct_depth: 3,
            body: || {
                block_on(requests::request_cancelled_mid_call(
                    RequestsVariant::Correct,
                ));
                block_on(requests::request_fails_while_tool_runs(
                    RequestsVariant::Correct,
                ));
            },
        },
        ModelVariant {
            model: "async_requests",
            variant: "inflight_not_cleaned",
            summary: "audit: the in-flight request set and call-key set are cleaned at the end of the happy path only, not when the call fails or is cancelled",
            expected: Expected::Bug("invariant violated: request 1 still in the in-flight set"),
            pct_depth: 3,
            body: || {
                block_on(requests::request_cancelled_mid_call(
                    RequestsVariant::InflightNotCleaned,
                ))
            },
        },
        ModelVariant {
            model: "async_requests",
            variant: "tool_task_not_cancelled",
            summary: "audit: when the request fails on its deadline the tool task's handle is dropped, which detaches the task instead of cancelling it",
            expected: Expected::Bug(
                "invariant violated: tool task ran on after its request failed",
            ),
            pct_depth: 3,
            body: || {
                block_on(requests::request_fails_while_tool_runs(
                    RequestsVariant::ToolTaskNotCancelled,
                ))
            },
        },
    ]
}
