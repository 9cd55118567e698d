//! A bounded per-task event log of the async primitives, printed next to a failed invariant.
//!
//! The primitives of [`crate::future`] record what each task did (acquired, released, timed out,
//! cancelled, pushed, popped, ...). Every checker runs all tasks of one execution on the test's
//! own OS thread (shuttle and loom switch between them as coroutines; the std executor is
//! single-threaded), so the log is a thread-local, started afresh by each
//! [`crate::future::block_on`]. It is frozen at the first violated invariant, so the destructors
//! run while the failed execution is torn down do not bury the steps that led to it.

use std::cell::RefCell;
use std::fmt::Write as _;

/// How many of its last events each task keeps.
pub const PER_TASK: usize = 8;

#[derive(Default)]
struct Log {
    frozen: bool,
    step: usize,
    /// Tasks in order of their first event, each with its last [`PER_TASK`] events.
    tasks: Vec<(String, Vec<(usize, String)>)>,
}

thread_local! {
    static LOG: RefCell<Log> = RefCell::new(Log::default());
}

/// The line that introduces the log in a failure report.
pub const HEADER: &str = "last steps of each task (step number, event):";

/// Starts a fresh log (a new execution).
///
/// The first call also installs a panic hook (chained before the existing one) that freezes the
/// log of the panicking thread: the first panic of an execution is the failure, and whatever is
/// recorded while the execution is torn down afterwards would only hide its cause.
pub fn reset() {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            freeze();
            previous(info);
        }));
    });
    LOG.with(|l| *l.borrow_mut() = Log::default());
}

/// Stops recording: what the log holds now is what led to the failure.
pub fn freeze() {
    // `try_with`: a panic while the thread's locals are being destroyed must not panic again.
    let _ = LOG.try_with(|l| {
        if let Ok(mut log) = l.try_borrow_mut() {
            log.frozen = true;
        }
    });
}

/// Records that `task` did `event`.
pub fn record(task: String, event: impl FnOnce() -> String) {
    if std::thread::panicking() {
        return;
    }
    LOG.with(|l| {
        let mut log = l.borrow_mut();
        if log.frozen {
            return;
        }
        log.step += 1;
        let step = log.step;
        let event = event();
        let events = match log.tasks.iter().position(|(t, _)| *t == task) {
            Some(i) => &mut log.tasks[i].1,
            None => {
                log.tasks.push((task, Vec::new()));
                &mut log.tasks.last_mut().expect("just pushed").1
            }
        };
        if events.len() == PER_TASK {
            events.remove(0);
        }
        events.push((step, event));
    });
}

/// The last steps of each task, one task per line (`name: step event; step event`), or `None` if
/// nothing was recorded.
pub fn render() -> Option<String> {
    LOG.with(|l| {
        let log = l.borrow();
        if log.tasks.is_empty() {
            return None;
        }
        let mut out = String::new();
        for (task, events) in &log.tasks {
            let steps: Vec<String> = events.iter().map(|(n, e)| format!("{n} {e}")).collect();
            let _ = writeln!(out, "  {task}: {}", steps.join("; "));
        }
        Some(out)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_last_events_per_task_until_frozen() {
        reset();
        for i in 0..PER_TASK + 2 {
            record("a".into(), || format!("e{i}"));
        }
        record("b".into(), || "x".into());
        freeze();
        record("b".into(), || "after the failure".into());
        let text = render().unwrap();
        assert!(text.starts_with("  a: 3 e2; "), "{text}");
        assert!(text.contains("10 e9\n  b: 11 x\n"), "{text}");
        assert!(!text.contains("after"), "{text}");
        reset();
        assert!(render().is_none());
    }
}
