//! `racewise models redis-stress`: the execution queue's three designs against a Redis server the
//! user points at (issue 18), violations per design as a table or JSON.
//!
//! The stress itself is `racewise_redis_queue::stress`; this module installs the Ctrl-C handler
//! (stop after the round in progress and remove the stress's keys; a second Ctrl-C exits at once)
//! and formats the report.

use std::io::{self, Write};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

use racewise_redis_queue::connect::StressError;
use racewise_redis_queue::history::Kind;
use racewise_redis_queue::stress::{self, StressOptions, StressReport};
use serde_json::{Value, json};

use crate::models_cmd::ModelsFormat;

/// Set by Ctrl-C: the stress stops between rounds.
static STOP: AtomicBool = AtomicBool::new(false);

fn install_ctrl_c() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        // If the embedding program already owns SIGINT, the stress simply runs to its end.
        let _ = ctrlc::set_handler(|| {
            if STOP.swap(true, Ordering::SeqCst) {
                std::process::exit(130);
            }
            eprintln!(
                "racewise: interrupted; finishing the current round and removing the stress's keys"
            );
        });
    });
}

/// Runs the stress and writes the report. Exit code 0 if the correct design (`scripts`) had no
/// violation, 1 if it had, 130 if interrupted.
///
/// # Errors
/// `InvalidInput` for a bad URL, an unreachable or non-Redis server, a wrong password, a command
/// failing mid-stress, or zero rounds; writing to `out` failing.
pub fn run(url: &str, rounds: usize, format: ModelsFormat, out: &mut dyn Write) -> io::Result<i32> {
    if rounds == 0 {
        return Err(invalid("--rounds must be at least 1".to_string()));
    }
    install_ctrl_c();
    STOP.store(false, Ordering::SeqCst);
    let options = StressOptions {
        rounds,
        ..StressOptions::default()
    };
    let report = match stress::run(url, &options, &STOP) {
        Ok(report) => report,
        Err(e @ StressError::Interrupted { .. }) => {
            eprintln!("racewise: {e}");
            return Ok(130);
        }
        Err(e) => return Err(invalid(e.to_string())),
    };
    match format {
        ModelsFormat::Human => human(&report, out)?,
        ModelsFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &to_json(&report)).map_err(io::Error::other)?;
            writeln!(out)?;
        }
    }
    let scripts_clean = report
        .designs
        .iter()
        .filter(|d| d.design.name() == "scripts")
        .all(|d| d.total() == 0);
    Ok(i32::from(!scripts_clean))
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}

fn human(report: &StressReport, out: &mut dyn Write) -> io::Result<()> {
    let rounds = report.designs.first().map_or(0, |d| d.rounds);
    writeln!(
        out,
        "racewise models redis-stress: {rounds} rounds per design, {} concurrent clients on one agent, queue bound {}",
        report.clients, report.bound
    )?;
    writeln!(out)?;
    write!(out, "{:<15} {:>9}", "DESIGN", "VIOLATING")?;
    for kind in Kind::ALL {
        write!(out, " {:>14}", kind.name())?;
    }
    writeln!(out)?;
    for d in &report.designs {
        let violating = format!("{}/{}", d.rounds_with_violations, d.rounds);
        write!(out, "{:<15} {violating:>9}", d.design.name())?;
        for kind in Kind::ALL {
            write!(out, " {:>14}", d.count(kind))?;
        }
        writeln!(out)?;
    }
    writeln!(out)?;
    for d in &report.designs {
        let example = d.example.as_deref().unwrap_or("no violation");
        writeln!(
            out,
            "{:<15} {}; e.g. {example}",
            d.design.name(),
            d.design.summary()
        )?;
    }
    Ok(())
}

fn to_json(report: &StressReport) -> Value {
    let designs: Vec<Value> = report
        .designs
        .iter()
        .map(|d| {
            let violations: serde_json::Map<String, Value> = Kind::ALL
                .iter()
                .map(|k| (k.name().to_string(), json!(d.count(*k))))
                .collect();
            json!({
                "design": d.design.name(),
                "commands": d.design.summary(),
                "rounds": d.rounds,
                "rounds_with_violations": d.rounds_with_violations,
                "violations": violations,
                "total": d.total(),
                "example": d.example,
            })
        })
        .collect();
    json!({
        "clients": report.clients,
        "bound": report.bound,
        "designs": designs,
    })
}
