//! `#[model_check] async fn` end to end, written as a user's crate would: the body uses only
//! `racewise_models::future` (and `std::sync::Arc`), never `loom` or `shuttle`.
//!
//! ```text
//! cargo test -p racewise-models --test macro_async                                   # std
//! RUSTFLAGS="--cfg shuttle" cargo test -p racewise-models --release --target-dir target/shuttle --test macro_async
//! RUSTFLAGS="--cfg loom" cargo test -p racewise-models --release --target-dir target/loom --test macro_async
//! ```

use std::sync::Arc;

use racewise_models::future::{self, Mutex};
use racewise_models::model_check;

/// The assertion of the racy body: the acceptance test matches the checkers' failure against it.
const LOST: &str = "invariant: no increment lost across an await";

/// Two tasks increment a counter, reading it under one lock acquisition and writing it under a
/// second one, with an `.await` in between: both can read 0.
async fn racy_counter() {
    let n = Arc::new(Mutex::named("counter", 0));
    let tasks: Vec<_> = ["incr-a", "incr-b"]
        .into_iter()
        .map(|name| {
            let n = Arc::clone(&n);
            future::spawn_named(name, async move {
                let v = *n.lock().await;
                future::yield_now().await;
                *n.lock().await = v + 1;
            })
        })
        .collect();
    for t in tasks {
        t.await.expect("not cancelled");
    }
    let total = *n.lock().await;
    assert!(total == 2, "{LOST}: counter is {total}, expected 2");
}

/// The fix: one lock acquisition spans the read, the await and the write.
#[model_check(iterations = 500, preemption_bound = 3)]
async fn fixed_counter_loses_nothing() {
    let n = Arc::new(Mutex::named("counter", 0));
    let tasks: Vec<_> = ["incr-a", "incr-b"]
        .into_iter()
        .map(|name| {
            let n = Arc::clone(&n);
            future::spawn_named(name, async move {
                let mut guard = n.lock().await;
                let v = *guard;
                future::yield_now().await;
                *guard = v + 1;
            })
        })
        .collect();
    for t in tasks {
        t.await.expect("not cancelled");
    }
    assert_eq!(*n.lock().await, 2, "{LOST}");
}

/// The broken body as a broken variant: every checker must find the lost increment.
#[model_check(expect = "bug", expected = "no increment lost", iterations = 500)]
async fn racy_counter_is_found() {
    racy_counter().await;
}

/// Without `expect = "bug"`, the racy body's generated tests fail, with its own assertion.
#[cfg(any(loom, shuttle))]
#[model_check(iterations = 500)]
#[should_panic(expected = "invariant: no increment lost across an await: counter is 1")]
async fn racy_counter_fails_the_checkers() {
    racy_counter().await;
}

/// The same through the harness the expansion calls: the failure's own message is the body's
/// assertion, and the report carries the last steps of each task.
#[cfg(any(loom, shuttle))]
#[test]
fn failure_carries_the_assertion_and_the_task_steps() {
    use racewise_models::harness;
    use std::panic::{AssertUnwindSafe, catch_unwind};

    let body = || harness::async_body(racy_counter);
    #[cfg(loom)]
    let runs: Vec<(&str, Box<dyn FnOnce()>)> =
        vec![("loom", Box::new(move || harness::loom_model(3, body())))];
    #[cfg(shuttle)]
    let runs: Vec<(&str, Box<dyn FnOnce()>)> = vec![
        (
            "shuttle random",
            Box::new(move || harness::shuttle_random(500, body())),
        ),
        (
            "shuttle pct",
            Box::new(move || harness::shuttle_pct(500, 3, body())),
        ),
    ];
    for (checker, run) in runs {
        let payload = catch_unwind(AssertUnwindSafe(run)).expect_err(checker);
        let report = harness::payload_text(payload.as_ref()).expect("a message");
        let found = harness::classify(&report, None).expect("the body's own invariant");
        assert_eq!(
            found.message,
            format!("{LOST}: counter is 1, expected 2"),
            "{checker}"
        );
        assert!(report.contains("last steps of each task"), "{report}");
        for step in [
            "incr-a: ",
            "incr-b: ",
            "acquired counter",
            "released counter",
        ] {
            assert!(report.contains(step), "{checker}: no {step:?} in\n{report}");
        }
    }
}

/// Plain `cargo test` runs the fixed body on the current-thread executor, and the body stays an
/// ordinary async fn.
#[cfg(not(any(loom, shuttle)))]
#[test]
fn the_async_body_stays_callable() {
    future::block_on(fixed_counter_loses_nothing());
}

/// A shuttle failure names the command that replays it, and that command replays it: the
/// generated test, run with `RACEWISE_REPLAY=<schedule>`, replays that one schedule (here the
/// `#[should_panic]` test above, so the replay must fail the same way for it to pass).
#[cfg(shuttle)]
#[test]
fn a_shuttle_failure_replays_from_its_printed_command() {
    use racewise_models::harness;
    use std::panic::{AssertUnwindSafe, catch_unwind};

    let run = || harness::shuttle_random(500, harness::async_body(racy_counter));
    let payload = catch_unwind(AssertUnwindSafe(run)).expect_err("the race is found");
    let report = harness::payload_text(payload.as_ref()).expect("a message");
    let schedule = report
        .split("to replay this failure: RACEWISE_REPLAY=")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no replay command in\n{report}"));
    let out = std::process::Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "racy_counter_fails_the_checkers::shuttle_random",
            "--exact",
            "--nocapture",
        ])
        .env(harness::REPLAY_ENV, schedule)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("replaying the schedule in RACEWISE_REPLAY"),
        "{stderr}"
    );
    assert!(stderr.contains(LOST), "{stderr}");
    assert!(stdout.contains("1 passed"), "{stdout}");
}

/// A worker waits for a job permit or a shutdown notice, whichever comes first; the other branch
/// is dropped where it is suspended. `hand_back_by_guard` decides how the job's permit comes back.
async fn worker_or_shutdown(hand_back_by_guard: bool) {
    use racewise_models::future::{Either, Notify, Semaphore, select};

    let pool = Arc::new(Semaphore::named("pool", 1));
    let shutdown = Arc::new(Notify::named("shutdown"));
    let worker = {
        let (pool, shutdown) = (Arc::clone(&pool), Arc::clone(&shutdown));
        future::spawn_named("worker", async move {
            let job = async {
                let Ok(permit) = pool.acquire().await;
                if hand_back_by_guard {
                    future::yield_now().await; // the job
                    drop(permit);
                } else {
                    // Counted by hand: dropped at this await (shutdown won), it is never given back.
                    permit.forget();
                    future::yield_now().await; // the job
                    pool.add_permits(1);
                }
            };
            match select(job, shutdown.notified()).await {
                Either::Left(()) => future::note("job done"),
                Either::Right(()) => future::note("shut down"),
            }
        })
    };
    let stopper = {
        let shutdown = Arc::clone(&shutdown);
        future::spawn_named("stopper", async move { shutdown.notify_one() })
    };
    worker.await.expect("not cancelled");
    stopper.await.expect("not cancelled");
    pool.assert_no_leak();
}

/// The branch that loses a `select` is dropped at its await point; a guard gives its permit back.
#[model_check(iterations = 500, preemption_bound = 2)]
async fn select_loser_dropped_with_its_guard() {
    worker_or_shutdown(true).await;
}

/// Counted by hand, the permit of a job dropped mid-way (shutdown won the select) leaks: every
/// checker must reach the await point where that happens.
#[model_check(
    expect = "bug",
    expected = "invariant violated: permit leaked on pool",
    iterations = 500,
    preemption_bound = 2
)]
async fn select_loser_dropped_mid_job_leaks_a_hand_counted_permit() {
    worker_or_shutdown(false).await;
}
