//! The per-agent execution queue written as Redis command sequences: the audited code, the
//! audit's prescribed fix, and the correct design (each operation one script), over the
//! [`Keyspace`] model.
//!
//! One agent, two keys: `running` (a string: the execution running now) and `queue` (a list:
//! `LPUSH` to enqueue, `RPOP` to take the oldest). The workers' side of the story (which
//! executions were accepted, started and finished) is kept in a [`Ledger`] apart from the keyspace,
//! so a broken design cannot fool it.
//!
//! Invariants, checked after every command ([`QueueShape::check`]) and at every start
//! ([`Ledger::start`]):
//! - at most one execution running per agent (`double start`);
//! - no execution run twice (`run twice`);
//! - no entry stranded: a non-empty queue behind an idle agent (`entry stranded`) — nothing will
//!   ever pop it until someone else happens to submit;
//! - the queue holds at most `bound` entries (`queue bound exceeded`);
//! - and when the scenario is over, every accepted execution ran (`entry lost`).

use std::collections::BTreeSet;
use std::sync::Mutex as StdMutex;

use super::keyspace::{Db, Keyspace, SetOpts};
use crate::invariant::{ensure, violated};

/// The running key of the modelled agent.
pub const RUNNING: &str = "agent:0:running";
/// The waiting list of the modelled agent.
pub const QUEUE: &str = "agent:0:queue";

/// Which command sequences implement `submit` and `complete`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Design {
    /// The audited code: submit `GET running` then `SET running` (or `LLEN` then `LPUSH` when
    /// busy); complete `RPOP queue` then `SET running` (or `DEL running`). Separate commands.
    Audited,
    /// The audit's prescribed fix: submit `SET running NX EX ttl`, and when that fails `LLEN`
    /// then `LPUSH`; complete one script (`RPOP`, then `SET` or `DEL`).
    PrescribedFix,
    /// Correct: submit and complete are each one script; the running key carries no TTL.
    Scripts,
    /// The correct scripts, with the running key set `EX ttl` as the audit asked: a TTL shorter
    /// than an execution starts a second one while the first still runs.
    ScriptsWithTtl,
}

/// What `submit` answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Submitted {
    /// The agent was idle: the caller runs the execution now, then calls `complete`.
    Running,
    /// Queued; the list held this many entries after the push.
    Queued(usize),
    /// The queue was full: refused.
    Rejected,
}

/// The invariants on the keyspace alone, run after every command.
#[derive(Debug, Clone, Copy)]
pub struct QueueShape {
    /// Most entries the queue may hold.
    pub bound: usize,
}

impl QueueShape {
    /// Checks the keyspace as one command left it.
    pub fn check(&self, db: &Db) {
        let waiting = db.list(QUEUE);
        ensure(waiting.len() <= self.bound, || {
            format!(
                "queue bound exceeded: agent 0's queue holds {} > bound {} ({waiting:?})",
                waiting.len(),
                self.bound
            )
        });
        ensure(waiting.is_empty() || db.exists(RUNNING), || {
            format!("entry stranded: agent 0 is idle with {waiting:?} waiting")
        });
    }
}

/// What the workers did, kept apart from the keyspace.
#[derive(Debug, Default)]
struct Book {
    /// Executing now (started, not finished).
    executing: BTreeSet<u32>,
    /// Ever started.
    started: BTreeSet<u32>,
    /// Accepted by `submit` (running or queued).
    accepted: BTreeSet<u32>,
}

/// The workers' ledger.
///
/// A std mutex on purpose: it is bookkeeping, not part of the modelled system, so it must add no
/// scheduling point. It is never held across a backend operation, so no modelled thread ever
/// waits on it.
#[derive(Debug, Default)]
pub struct Ledger {
    book: StdMutex<Book>,
}

impl Ledger {
    fn book(&self) -> std::sync::MutexGuard<'_, Book> {
        self.book
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn accept(&self, exec: u32) {
        self.book().accepted.insert(exec);
    }

    /// A worker starts running `exec`.
    pub fn start(&self, exec: u32) {
        let mut book = self.book();
        if let Some(other) = book.executing.first() {
            violated(format!(
                "double start on agent 0: execution {exec} started while {other} is still running"
            ));
        }
        if !book.started.insert(exec) {
            violated(format!("execution {exec} run twice on agent 0"));
        }
        book.executing.insert(exec);
    }

    /// The worker running `exec` is done with it.
    pub fn finish(&self, exec: u32) {
        self.book().executing.remove(&exec);
    }

    /// The end-of-scenario check: every accepted execution ran.
    pub fn assert_none_lost(&self) {
        let book = self.book();
        if let Some(lost) = book.accepted.difference(&book.started).next() {
            violated(format!(
                "entry lost: execution {lost} was accepted on agent 0 but never ran"
            ));
        }
    }
}

/// One agent's execution queue over a modelled Redis.
#[derive(Debug)]
pub struct AgentQueue {
    design: Design,
    bound: usize,
    redis: Keyspace,
    ledger: Ledger,
}

impl AgentQueue {
    /// An idle agent whose queue holds at most `bound` entries.
    pub fn new(design: Design, bound: usize) -> Self {
        let shape = QueueShape { bound };
        Self {
            design,
            bound,
            redis: Keyspace::new(Box::new(move |db| shape.check(db))),
            ledger: Ledger::default(),
        }
    }

    /// The modelled server.
    pub fn redis(&self) -> &Keyspace {
        &self.redis
    }

    /// The workers' ledger.
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// Submits `exec`. On [`Submitted::Running`] the execution has started (in the ledger): the
    /// caller must [`AgentQueue::complete`] it.
    pub fn submit(&self, exec: u32) -> Submitted {
        let r = &self.redis;
        let bound = self.bound;
        let outcome = match self.design {
            Design::Audited => match r.get(RUNNING) {
                None => {
                    r.set(RUNNING, exec, SetOpts::default());
                    Submitted::Running
                }
                Some(_) => self.busy_path(exec),
            },
            Design::PrescribedFix => {
                let nx_ex = SetOpts {
                    nx: true,
                    ex: true,
                    ..SetOpts::default()
                };
                if r.set(RUNNING, exec, nx_ex) {
                    Submitted::Running
                } else {
                    self.busy_path(exec)
                }
            }
            Design::Scripts | Design::ScriptsWithTtl => {
                let ex = self.design == Design::ScriptsWithTtl;
                r.eval(|db| submit_script(db, exec, bound, ex))
            }
        };
        match outcome {
            Submitted::Running => {
                self.ledger.accept(exec);
                self.ledger.start(exec);
            }
            Submitted::Queued(_) => self.ledger.accept(exec),
            Submitted::Rejected => {}
        }
        outcome
    }

    /// `LLEN`, then `LPUSH` unless full: two commands.
    fn busy_path(&self, exec: u32) -> Submitted {
        if self.redis.llen(QUEUE) >= self.bound {
            return Submitted::Rejected;
        }
        Submitted::Queued(self.redis.lpush(QUEUE, exec))
    }

    /// The worker is done with `done`: hands back the next execution, already started (run it,
    /// then complete it too), or `None` when the agent went idle.
    pub fn complete(&self, done: u32) -> Option<u32> {
        self.ledger.finish(done);
        let r = &self.redis;
        let next = match self.design {
            Design::Audited => match r.rpop(QUEUE) {
                Some(next) => {
                    r.set(RUNNING, next, SetOpts::default());
                    Some(next)
                }
                None => {
                    r.del(RUNNING);
                    None
                }
            },
            Design::PrescribedFix | Design::Scripts | Design::ScriptsWithTtl => {
                r.eval(complete_script)
            }
        };
        if let Some(next) = next {
            self.ledger.start(next);
        }
        next
    }

    /// Runs `first` (already started), then every execution `complete` hands back, until the
    /// agent goes idle: what a worker does.
    pub fn run_chain(&self, first: u32) {
        let mut current = first;
        while let Some(next) = self.complete(current) {
            current = next;
        }
    }
}

/// The correct submit, as one script: if the agent runs something, queue (unless full), else run.
fn submit_script(db: &mut Db, exec: u32, bound: usize, ex: bool) -> Submitted {
    if db.exists(RUNNING) {
        if db.llen(QUEUE) >= bound {
            return Submitted::Rejected;
        }
        return Submitted::Queued(db.lpush(QUEUE, exec));
    }
    let opts = SetOpts {
        ex,
        ..SetOpts::default()
    };
    db.set(RUNNING, exec, opts);
    Submitted::Running
}

/// Complete, as one script (the audit's Lua): `RPOP`, then `SET running next` or `DEL running`.
fn complete_script(db: &mut Db) -> Option<u32> {
    match db.rpop(QUEUE) {
        Some(next) => {
            db.set(RUNNING, next, SetOpts::default());
            Some(next)
        }
        None => {
            db.del(RUNNING);
            None
        }
    }
}
