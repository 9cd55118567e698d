//! The concurrent scenarios the checkers run on each design. Every scenario ends by draining the
//! agent and checking that nothing was lost; the invariants of [`super::designs`] are checked
//! after every command along the way.
//!
//! Threads (loom allows 5, the main one included): [`two_submitters`], [`complete_races_submit`],
//! [`submitters_overflow_queue`] and [`ttl_expires_while_running`] use 3. [`load_shape`] and
//! [`load_with_completions`] use 11: shuttle only.

use super::super::backend::{Arc, thread};
use super::super::common::join;
use super::designs::{AgentQueue, Design, RUNNING, Submitted};
use crate::invariant::{ensure, violated};

/// The end of every scenario: nothing left behind, nothing lost.
fn assert_drained(queue: &AgentQueue) {
    let (running, waiting) = queue
        .redis()
        .inspect(|db| (db.get(RUNNING), db.list(super::designs::QUEUE)));
    ensure(running.is_none() && waiting.is_empty(), || {
        format!("entry stranded: agent 0 drained, but running {running:?} and {waiting:?} waiting")
    });
    queue.ledger().assert_none_lost();
}

/// Submits `exec` on a thread of its own; returns what submit answered.
fn spawn_submit(queue: &Arc<AgentQueue>, exec: u32) -> thread::JoinHandle<Submitted> {
    let queue = Arc::clone(queue);
    thread::spawn(move || queue.submit(exec))
}

/// Submits `exec` on a thread of its own and, if told to run it, runs it and whatever follows.
fn spawn_worker(queue: &Arc<AgentQueue>, exec: u32) -> thread::JoinHandle<Submitted> {
    let queue = Arc::clone(queue);
    thread::spawn(move || {
        let outcome = queue.submit(exec);
        if outcome == Submitted::Running {
            queue.run_chain(exec);
        }
        outcome
    })
}

/// Exactly one of the answers is `Running`: the execution to run first once submitting is over.
fn the_one_running(execs: &[u32], outcomes: &[Submitted]) -> u32 {
    let running: Vec<u32> = execs
        .iter()
        .zip(outcomes)
        .filter(|(_, o)| **o == Submitted::Running)
        .map(|(e, _)| *e)
        .collect();
    match running[..] {
        [one] => one,
        [] => violated(format!(
            "entry lost: no submitter on the idle agent 0 was told to run ({outcomes:?})"
        )),
        _ => violated(format!(
            "double start on agent 0: {} submitters told to run ({outcomes:?})",
            running.len()
        )),
    }
}

/// Two submitters race on an idle agent; the winner completes after both submitted. Finds the
/// audited `GET`-then-`SET` submit (both start).
pub fn two_submitters(design: Design) {
    let queue = Arc::new(AgentQueue::new(design, 2));
    let handles: Vec<_> = (1..=2).map(|e| spawn_submit(&queue, e)).collect();
    let outcomes: Vec<Submitted> = handles.into_iter().map(join).collect();
    let first = the_one_running(&[1, 2], &outcomes);
    queue.run_chain(first);
    assert_drained(&queue);
}

/// Execution 1 runs and completes while execution 2 is submitted. Finds the audited `RPOP`-then-
/// `DEL` complete and the prescribed fix's `SET NX`-then-`LPUSH` submit: either way, 2 is pushed
/// behind an agent that has just gone idle (stranded).
pub fn complete_races_submit(design: Design) {
    let queue = Arc::new(AgentQueue::new(design, 2));
    ensure(queue.submit(1) == Submitted::Running, || {
        "the first submit on an idle agent must run".to_string()
    });
    let completer = {
        let queue = Arc::clone(&queue);
        thread::spawn(move || queue.run_chain(1))
    };
    let submitter = spawn_worker(&queue, 2);
    join(completer);
    join(submitter);
    assert_drained(&queue);
}

/// Two submitters find the agent busy and its queue (bound 1) empty. Finds the prescribed fix's
/// `LLEN`-then-`LPUSH`: both see room, both push.
pub fn submitters_overflow_queue(design: Design) {
    let queue = Arc::new(AgentQueue::new(design, 1));
    ensure(queue.submit(1) == Submitted::Running, || {
        "the first submit on an idle agent must run".to_string()
    });
    let handles: Vec<_> = (2..=3).map(|e| spawn_submit(&queue, e)).collect();
    let outcomes: Vec<Submitted> = handles.into_iter().map(join).collect();
    ensure(!outcomes.contains(&Submitted::Running), || {
        format!("double start on agent 0: a submit ran while 1 is still running ({outcomes:?})")
    });
    queue.run_chain(1);
    assert_drained(&queue);
}

/// Execution 1 is still running when its running key's TTL may run out (an "expiry" thread the
/// checker schedules anywhere), while execution 2 is submitted. The queue bound is 0, so the only
/// way 2 runs is the expiry: finds `SET .. EX` (the prescribed fix, and the correct scripts given
/// a TTL) starting a second execution. Without a TTL the expiry is a no-op.
pub fn ttl_expires_while_running(design: Design) {
    let queue = Arc::new(AgentQueue::new(design, 0));
    ensure(queue.submit(1) == Submitted::Running, || {
        "the first submit on an idle agent must run".to_string()
    });
    let expiry = {
        let queue = Arc::clone(&queue);
        thread::spawn(move || queue.redis().fire_expiry(RUNNING))
    };
    let submitter = spawn_worker(&queue, 2);
    join(expiry);
    join(submitter);
    queue.run_chain(1);
    assert_drained(&queue);
}

/// The audit's load test: 10 concurrent submits to one idle agent (queue bound 3) must end as 1
/// running and 3 queued, the rest refused; then everything accepted runs once.
pub fn load_shape(design: Design) {
    let queue = Arc::new(AgentQueue::new(design, 3));
    let execs: Vec<u32> = (1..=10).collect();
    let handles: Vec<_> = execs.iter().map(|&e| spawn_submit(&queue, e)).collect();
    let outcomes: Vec<Submitted> = handles.into_iter().map(join).collect();
    let first = the_one_running(&execs, &outcomes);
    let queued = outcomes
        .iter()
        .filter(|o| matches!(o, Submitted::Queued(_)))
        .count();
    ensure(queued == 3, || {
        format!(
            "load test: {queued} queued behind one running, expected the bound 3 ({outcomes:?})"
        )
    });
    queue.run_chain(first);
    assert_drained(&queue);
}

/// The load test with work going on: 10 concurrent workers on one idle agent (queue bound 3),
/// each submitting and, when told to run, running and completing until the agent is idle.
pub fn load_with_completions(design: Design) {
    let queue = Arc::new(AgentQueue::new(design, 3));
    let handles: Vec<_> = (1..=10).map(|e| spawn_worker(&queue, e)).collect();
    for h in handles {
        join(h);
    }
    assert_drained(&queue);
}
