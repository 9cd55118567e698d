//! What each client saw during one round, and the queue's invariants checked on it.
//!
//! Every event carries a sequence number from one counter shared by the clients, taken *after*
//! the reply that started an execution and *before* the command that ends one: so if the server
//! ordered execution B's start after A's end, B's `Started` sorts after A's `Finished`, and two
//! executions whose intervals overlap in the history really did run at the same time.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Serialize;

use crate::designs::Submitted;

/// One thing a client saw or did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// `submit(exec)` answered this.
    Submitted(u32, Submitted),
    /// The client started running `exec`.
    Started(u32),
    /// The client finished running `exec` (and is about to complete it).
    Finished(u32),
}

/// A round's history: every client's events, and the agent's keys once every client was done.
#[derive(Debug, Clone, Default)]
pub struct History {
    /// `(sequence number, event)`, from every client.
    pub events: Vec<(u64, Event)>,
    /// The queue's bound.
    pub bound: usize,
    /// `GET running` after the round.
    pub running_after: Option<u32>,
    /// `LRANGE queue 0 -1` after the round.
    pub waiting_after: Vec<u32>,
}

/// A kind of violation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Two executions of one agent running at once.
    DoubleStart,
    /// One execution started twice.
    RunTwice,
    /// The queue held more than its bound.
    BoundExceeded,
    /// An accepted entry left waiting behind an idle agent.
    Stranded,
    /// An accepted entry that never ran and is not waiting either.
    Lost,
    /// The running key left set with nothing running: every later submit would wait forever.
    StuckBusy,
}

impl Kind {
    /// Every kind, in report order.
    pub const ALL: [Kind; 6] = [
        Kind::DoubleStart,
        Kind::RunTwice,
        Kind::BoundExceeded,
        Kind::Stranded,
        Kind::Lost,
        Kind::StuckBusy,
    ];

    /// The name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Kind::DoubleStart => "double_start",
            Kind::RunTwice => "run_twice",
            Kind::BoundExceeded => "bound_exceeded",
            Kind::Stranded => "stranded",
            Kind::Lost => "lost",
            Kind::StuckBusy => "stuck_busy",
        }
    }
}

/// One violation found in a history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// What was violated.
    pub kind: Kind,
    /// The details.
    pub detail: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.name(), self.detail)
    }
}

impl History {
    /// Checks the queue's invariants on the history; empty if it is clean.
    pub fn check(&self) -> Vec<Violation> {
        let mut events = self.events.clone();
        events.sort_by_key(|(seq, _)| *seq);
        let mut found = Vec::new();
        let mut v = |kind, detail: String| found.push(Violation { kind, detail });

        let mut executing: BTreeSet<u32> = BTreeSet::new();
        let mut started: BTreeMap<u32, usize> = BTreeMap::new();
        let mut accepted: BTreeSet<u32> = BTreeSet::new();
        for (_, event) in &events {
            match *event {
                Event::Submitted(exec, Submitted::Running) => {
                    accepted.insert(exec);
                }
                Event::Submitted(exec, Submitted::Queued(len)) => {
                    accepted.insert(exec);
                    if len > self.bound {
                        v(
                            Kind::BoundExceeded,
                            format!("{exec} queued as entry {len} > bound {}", self.bound),
                        );
                    }
                }
                Event::Submitted(_, Submitted::Rejected) => {}
                Event::Started(exec) => {
                    if let Some(other) = executing.first() {
                        v(
                            Kind::DoubleStart,
                            format!("{exec} started while {other} was running"),
                        );
                    }
                    executing.insert(exec);
                    let n = started.entry(exec).or_default();
                    *n += 1;
                    if *n == 2 {
                        v(Kind::RunTwice, format!("{exec} started twice"));
                    }
                }
                Event::Finished(exec) => {
                    executing.remove(&exec);
                }
            }
        }
        let waiting: BTreeSet<u32> = self.waiting_after.iter().copied().collect();
        if !self.waiting_after.is_empty() {
            v(
                Kind::Stranded,
                format!("{:?} left waiting behind an idle agent", self.waiting_after),
            );
        }
        for exec in &accepted {
            if !started.contains_key(exec) && !waiting.contains(exec) {
                v(Kind::Lost, format!("{exec} accepted, never ran"));
            }
        }
        if let Some(exec) = self.running_after {
            v(
                Kind::StuckBusy,
                format!("running key still holds {exec} with nothing running"),
            );
        }
        found
    }
}
