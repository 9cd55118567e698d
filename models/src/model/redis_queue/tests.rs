//! Sequential behaviour of the Redis keyspace model and the three designs (std backend only).

use super::redis_queue::designs::{AgentQueue, Design, QUEUE, RUNNING, Submitted};
use super::redis_queue::keyspace::{Db, SetOpts};

#[test]
fn set_follows_redis_semantics() {
    let mut db = Db::default();
    let nx_ex = SetOpts {
        nx: true,
        ex: true,
        ..SetOpts::default()
    };
    assert!(!db.set(
        "k",
        1,
        SetOpts {
            xx: true,
            ..SetOpts::default()
        }
    ));
    assert!(db.set("k", 1, nx_ex));
    assert!(db.expires("k"));
    assert!(!db.set("k", 2, nx_ex), "NX on an existing key");
    assert_eq!(db.get("k"), Some(1));
    // A plain SET clears the TTL (no KEEPTTL), as the audit's Lua complete does to the next run.
    assert!(db.set("k", 3, SetOpts::default()));
    assert!(!db.expires("k"));
    assert!(db.expire("k"));
    assert!(db.expires("k"));
    assert_eq!(db.del("k"), 1);
    assert_eq!(db.del("k"), 0);
    assert!(!db.expire("k"));
}

#[test]
fn lists_are_fifo_and_vanish_when_emptied() {
    let mut db = Db::default();
    assert_eq!(db.lpush("q", 1), 1);
    assert_eq!(db.lpush("q", 2), 2);
    assert_eq!(db.rpush("q", 0), 3);
    assert_eq!(db.list("q"), [2, 1, 0]);
    assert_eq!(db.llen("q"), 3);
    assert_eq!(db.rpop("q"), Some(0));
    assert_eq!(db.rpop("q"), Some(1));
    assert_eq!(db.rpop("q"), Some(2));
    assert!(!db.exists("q"));
    assert_eq!(db.rpop("q"), None);
}

#[test]
fn expiry_only_fires_on_keys_with_a_ttl() {
    for design in [Design::PrescribedFix, Design::Scripts] {
        let queue = AgentQueue::new(design, 1);
        assert_eq!(queue.submit(1), Submitted::Running);
        let fired = queue.redis().fire_expiry(RUNNING);
        assert_eq!(fired, design == Design::PrescribedFix, "{design:?}");
    }
}

#[test]
fn every_design_runs_a_sequential_workload_in_order() {
    for design in [
        Design::Audited,
        Design::PrescribedFix,
        Design::Scripts,
        Design::ScriptsWithTtl,
    ] {
        let queue = AgentQueue::new(design, 2);
        assert_eq!(queue.submit(1), Submitted::Running);
        assert_eq!(queue.submit(2), Submitted::Queued(1));
        assert_eq!(queue.submit(3), Submitted::Queued(2));
        assert_eq!(queue.submit(4), Submitted::Rejected);
        assert_eq!(queue.complete(1), Some(2), "{design:?}: FIFO");
        assert_eq!(queue.complete(2), Some(3));
        assert_eq!(queue.complete(3), None);
        assert!(
            queue
                .redis()
                .inspect(|db| !db.exists(RUNNING) && !db.exists(QUEUE))
        );
        queue.ledger().assert_none_lost();
    }
}

#[test]
#[should_panic(expected = "invariant violated: entry lost: execution 2")]
fn an_accepted_entry_that_never_runs_is_lost() {
    let queue = AgentQueue::new(Design::Scripts, 2);
    queue.submit(1);
    queue.submit(2);
    queue.ledger().assert_none_lost();
}

#[test]
#[should_panic(expected = "invariant violated: entry stranded: agent 0 is idle with [2] waiting")]
fn a_queue_behind_an_idle_agent_is_caught_by_the_next_command() {
    let queue = AgentQueue::new(Design::Scripts, 2);
    queue.submit(1);
    queue.submit(2);
    queue.redis().del(RUNNING);
}
