//! The execution queue at the level of Redis commands (issue 18): the audited code, the audit's
//! prescribed fix and a correct design, as command sequences over a modelled keyspace, with the
//! catalog entries (`redis_queue/...`) the checkers run.
//!
//! - [`keyspace`]: each command atomic, nothing atomic between commands, scripts atomic, key
//!   expiry an event the checkers schedule;
//! - [`designs`]: submit/complete per design, and the invariants checked after every command;
//! - [`scenarios`]: the concurrent bodies.
//!
//! What the checkers find: the audited code starts two executions (`GET`-then-`SET` submit) and
//! strands an entry (`RPOP`-then-`DEL` complete); the prescribed fix still strands an entry
//! (`SET NX` fails, complete empties the agent, then `LPUSH`), overflows the queue
//! (`LLEN`-then-`LPUSH`), and starts two executions when the `EX` TTL runs out under a running
//! execution. Submit and complete as one script each, without a TTL, pass everything. A TTL
//! cannot be made safe by scripts: it starts a second execution whenever an execution outlives it,
//! which `scripts_with_ttl` shows; the correct design therefore sets none (a crashed worker's agent
//! needs an explicit, fenced recovery instead).

pub mod designs;
pub mod keyspace;
pub mod scenarios;

use crate::catalog::{Expected, ModelVariant};
use designs::Design;

/// The `redis_queue` family, for the catalog (correct first).
pub fn variants() -> Vec<ModelVariant> {
    vec![
        ModelVariant {
            model: "redis_queue",
            variant: "correct",
            summary: "submit and complete each one Lua script, no TTL on the running key (incl. 10 concurrent submitters)",
            expected: Expected::Pass,
            pct_depth: 3,
            body: || {
                scenarios::two_submitters(Design::Scripts);
                scenarios::complete_races_submit(Design::Scripts);
                scenarios::submitters_overflow_queue(Design::Scripts);
                scenarios::ttl_expires_while_running(Design::Scripts);
                scenarios::load_shape(Design::Scripts);
                scenarios::load_with_completions(Design::Scripts);
            },
        },
        ModelVariant {
            model: "redis_queue",
            variant: "audited_get_then_set_submit",
            summary: "audit finding: submit GETs the running key, then SETs it (two executions start)",
            expected: Expected::Bug("invariant violated: double start on agent 0"),
            pct_depth: 3,
            body: || scenarios::two_submitters(Design::Audited),
        },
        ModelVariant {
            model: "redis_queue",
            variant: "audited_rpop_then_set_complete",
            summary: "audit finding: complete RPOPs, then SETs or DELs the running key (an entry is stranded)",
            expected: Expected::Bug("invariant violated: entry stranded"),
            pct_depth: 3,
            body: || scenarios::complete_races_submit(Design::Audited),
        },
        ModelVariant {
            model: "redis_queue",
            variant: "fix_set_nx_then_lpush",
            summary: "prescribed fix: SET NX fails, the Lua complete idles the agent, LPUSH strands the entry",
            expected: Expected::Bug("invariant violated: entry stranded"),
            pct_depth: 3,
            body: || scenarios::complete_races_submit(Design::PrescribedFix),
        },
        ModelVariant {
            model: "redis_queue",
            variant: "fix_llen_then_lpush",
            summary: "prescribed fix: concurrent submitters pass LLEN, then LPUSH past the queue bound",
            expected: Expected::Bug("invariant violated: queue bound exceeded"),
            pct_depth: 3,
            body: || scenarios::submitters_overflow_queue(Design::PrescribedFix),
        },
        ModelVariant {
            model: "redis_queue",
            variant: "fix_load_test",
            summary: "prescribed fix under the audit's own load test: 10 submitters push past the queue bound of 3",
            expected: Expected::Bug("invariant violated: queue bound exceeded"),
            pct_depth: 3,
            body: || scenarios::load_shape(Design::PrescribedFix),
        },
        ModelVariant {
            model: "redis_queue",
            variant: "fix_ttl_expiry",
            summary: "prescribed fix: SET NX EX's TTL runs out while the execution runs (a second one starts)",
            expected: Expected::Bug("invariant violated: double start on agent 0"),
            pct_depth: 3,
            body: || scenarios::ttl_expires_while_running(Design::PrescribedFix),
        },
        ModelVariant {
            model: "redis_queue",
            variant: "scripts_with_ttl",
            summary: "the correct scripts given the audit's TTL: it runs out under a running execution (a second one starts)",
            expected: Expected::Bug("invariant violated: double start on agent 0"),
            pct_depth: 3,
            body: || scenarios::ttl_expires_while_running(Design::ScriptsWithTtl),
        },
    ]
}
