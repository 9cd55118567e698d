//! The stress: rounds of 10 concurrent clients on one agent per design, each client submitting one
//! execution and, when told to run one, running and completing until the agent is idle; the
//! history of every round checked for violations ([`crate::history`]).
//!
//! Keys live under a prefix of their own (`racewise-stress:<pid>-<nanos>`), each round on an
//! agent of its own; a round's keys are deleted when it ends, and everything under the prefix
//! again when the stress stops, whether it finished, failed or was interrupted.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Barrier, Mutex};
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use redis::{Client, Commands, Connection, RedisResult};
use serde::Serialize;

use crate::connect::{StressError, client, connect};
use crate::designs::{self, Design, Keys, QueueConfig, Submitted};
use crate::history::{Event, History, Kind, Violation};

/// Concurrent clients per round: the audit's load test.
pub const CLIENTS: usize = 10;
/// The audit's queue bound.
pub const BOUND: usize = 3;

/// How to run the stress.
#[derive(Debug, Clone)]
pub struct StressOptions {
    /// Rounds per design.
    pub rounds: usize,
    /// How long one execution takes (a worker sleeps that long between start and complete).
    pub work: Duration,
}

impl Default for StressOptions {
    fn default() -> Self {
        Self {
            rounds: 500,
            work: Duration::from_micros(200),
        }
    }
}

/// One design's results.
#[derive(Debug, Clone, Serialize)]
pub struct DesignReport {
    /// The design.
    pub design: Design,
    /// Rounds run.
    pub rounds: usize,
    /// Rounds whose history has at least one violation.
    pub rounds_with_violations: usize,
    /// Violations of each kind, over all rounds (every kind listed, zeros included).
    pub violations: Vec<(Kind, usize)>,
    /// The first violation found, as an example.
    pub example: Option<String>,
}

impl DesignReport {
    /// All violations, over every kind.
    pub fn total(&self) -> usize {
        self.violations.iter().map(|(_, n)| n).sum()
    }

    /// Violations of `kind`.
    pub fn count(&self, kind: Kind) -> usize {
        self.violations
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or(0, |(_, n)| *n)
    }
}

/// The whole stress's results.
#[derive(Debug, Clone, Serialize)]
pub struct StressReport {
    /// Clients per round.
    pub clients: usize,
    /// The queue bound.
    pub bound: usize,
    /// One per design, in [`Design::ALL`] order.
    pub designs: Vec<DesignReport>,
}

/// Runs the stress against `url`: every design, `options.rounds` rounds each. Stops between
/// rounds once `stop` is set, or mid-round when Ctrl-C's handler cut a command short.
///
/// # Errors
/// The URL, the connection or a command failed ([`StressError`]), or `stop` was set
/// ([`StressError::Interrupted`]). The stress's keys are removed in every case the server can
/// still be reached.
pub fn run(
    url: &str,
    options: &StressOptions,
    stop: &AtomicBool,
) -> Result<StressReport, StressError> {
    let client = client(url)?;
    let mut admin = connect(&client, url)?;
    let prefix = format!(
        "racewise-stress:{}-{}",
        std::process::id(),
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    );
    let result = run_rounds(&client, url, &prefix, options, stop);
    let cleaned = cleanup(&mut admin, &prefix);
    let report = result?;
    cleaned?;
    Ok(report)
}

fn run_rounds(
    client: &Client,
    url: &str,
    prefix: &str,
    options: &StressOptions,
    stop: &AtomicBool,
) -> Result<StressReport, StressError> {
    let mut cons = (0..CLIENTS)
        .map(|_| connect(client, url))
        .collect::<Result<Vec<Connection>, _>>()?;
    let config = QueueConfig {
        bound: BOUND,
        ttl_secs: 30,
    };
    let mut designs = Vec::new();
    for design in Design::ALL {
        let mut report = DesignReport {
            design,
            rounds: 0,
            rounds_with_violations: 0,
            violations: Kind::ALL.iter().map(|k| (*k, 0)).collect(),
            example: None,
        };
        for round in 0..options.rounds {
            // Rounds completed over every design when Ctrl-C stops the stress at `round`.
            let interrupted = |designs: &[DesignReport]| StressError::Interrupted {
                rounds: designs.iter().map(|d| d.rounds).sum::<usize>() + round,
            };
            if stop.load(Ordering::SeqCst) {
                return Err(interrupted(&designs));
            }
            let keys = Keys::new(prefix, &format!("{}:{round}", design.name()));
            let history = match run_round(&mut cons, design, &keys, config, options.work) {
                Ok(history) => history,
                // Ctrl-C's handler cut a command short (see `cut_short_by_signal`).
                Err(StressError::Command(e))
                    if cut_short_by_signal(&e) && stopping(stop, Duration::from_secs(2)) =>
                {
                    return Err(interrupted(&designs));
                }
                Err(e) => return Err(e),
            };
            let found = history.check();
            record(&mut report, &found);
        }
        designs.push(report);
    }
    Ok(StressReport {
        clients: CLIENTS,
        bound: BOUND,
        designs,
    })
}

/// A command that may have failed because a signal handler ran while it waited: the connections
/// have read and write timeouts, and a socket call with a timeout is not restarted after a
/// handler (signal(7)), so the thread the kernel picked for Ctrl-C sees `EINTR` mid-round. The
/// redis crate keeps the I/O error's kind to itself; an I/O failure that Ctrl-C's flag follows
/// (`stopping`) is taken for the interruption.
fn cut_short_by_signal(e: &redis::RedisError) -> bool {
    e.is_io_error()
}

/// Whether `stop` is set within `wait`: Ctrl-C's handler sets it from its own thread, which may
/// run just after the interrupted command returned.
fn stopping(stop: &AtomicBool, wait: Duration) -> bool {
    let start = std::time::Instant::now();
    loop {
        if stop.load(Ordering::SeqCst) {
            return true;
        }
        if start.elapsed() >= wait {
            return false;
        }
        thread::sleep(Duration::from_millis(5));
    }
}

fn record(report: &mut DesignReport, found: &[Violation]) {
    report.rounds += 1;
    if !found.is_empty() {
        report.rounds_with_violations += 1;
    }
    for violation in found {
        if let Some(slot) = report
            .violations
            .iter_mut()
            .find(|(k, _)| *k == violation.kind)
        {
            slot.1 += 1;
        }
        if report.example.is_none() {
            report.example = Some(format!("round {}: {violation}", report.rounds - 1));
        }
    }
}

/// One round: every client submits at once; the one told to run works through the queue. Returns
/// the history, the agent's keys as the round left them included, and deletes the keys.
fn run_round(
    cons: &mut [Connection],
    design: Design,
    keys: &Keys,
    config: QueueConfig,
    work: Duration,
) -> Result<History, StressError> {
    let seq = AtomicU64::new(0);
    let barrier = Barrier::new(cons.len());
    let events = Mutex::new(Vec::new());
    let results: Vec<RedisResult<()>> = thread::scope(|scope| {
        let handles: Vec<_> = cons
            .iter_mut()
            .zip(1u32..)
            .map(|(con, exec)| {
                let (seq, barrier, events) = (&seq, &barrier, &events);
                scope.spawn(move || {
                    let mut mine = Vec::new();
                    let mut note = |e: Event| mine.push((seq.fetch_add(1, Ordering::SeqCst), e));
                    barrier.wait();
                    let outcome = client_round(con, design, keys, config, work, exec, &mut note);
                    events
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .extend(mine);
                    outcome
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    let con = &mut cons[0];
    let running_after: Option<u32> = redis::cmd("GET").arg(&keys.running).query(con)?;
    let waiting_after: Vec<u32> = redis::cmd("LRANGE")
        .arg(&keys.queue)
        .arg(0)
        .arg(-1)
        .query(con)?;
    redis::cmd("DEL")
        .arg(&keys.running)
        .arg(&keys.queue)
        .exec(con)?;
    for r in results {
        r?;
    }
    Ok(History {
        events: events
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
        bound: config.bound,
        running_after,
        waiting_after,
    })
}

/// What one client does in a round.
fn client_round(
    con: &mut Connection,
    design: Design,
    keys: &Keys,
    config: QueueConfig,
    work: Duration,
    exec: u32,
    note: &mut impl FnMut(Event),
) -> RedisResult<()> {
    let outcome = designs::submit(con, design, keys, config, exec)?;
    note(Event::Submitted(exec, outcome));
    if outcome != Submitted::Running {
        return Ok(());
    }
    let mut current = exec;
    loop {
        note(Event::Started(current));
        thread::sleep(work);
        note(Event::Finished(current));
        match designs::complete(con, design, keys)? {
            Some(next) => current = next,
            None => return Ok(()),
        }
    }
}

/// Deletes every key under `prefix` (`SCAN MATCH` + `DEL`).
fn cleanup(con: &mut Connection, prefix: &str) -> Result<(), StressError> {
    let pattern = format!("{prefix}:*");
    let keys = con
        .scan_match::<_, String>(&pattern)?
        .collect::<Result<Vec<String>, _>>()?;
    for chunk in keys.chunks(100) {
        redis::cmd("DEL").arg(chunk).exec(con)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;

    use super::{cut_short_by_signal, stopping};

    #[test]
    fn only_an_io_failure_can_be_cut_short_by_a_signal() {
        let io = redis::RedisError::from(std::io::Error::from(std::io::ErrorKind::Interrupted));
        assert!(cut_short_by_signal(&io));
        let client = redis::RedisError::from((redis::ErrorKind::Client, "bad reply"));
        assert!(!cut_short_by_signal(&client));
    }

    #[test]
    fn stopping_waits_for_the_flag_a_little_only() {
        let stop = AtomicBool::new(false);
        assert!(!stopping(&stop, Duration::from_millis(20)));
        std::thread::scope(|s| {
            s.spawn(|| {
                std::thread::sleep(Duration::from_millis(30));
                stop.store(true, Ordering::SeqCst);
            });
            assert!(stopping(&stop, Duration::from_secs(5)));
        });
    }
}
