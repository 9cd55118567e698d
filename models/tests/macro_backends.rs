//! `#[model_check]` end to end: the generated tests run under each backend.
//!
//! ```text
//! cargo test -p racewise-models --test macro_backends                                   # std
//! RUSTFLAGS="--cfg shuttle" cargo test -p racewise-models --release --test macro_backends
//! RUSTFLAGS="--cfg loom" cargo test -p racewise-models --release --test macro_backends
//! ```
//!
//! Deadlock-expecting bodies live in `macro_deadlock.rs`, their own binary (a loom deadlock can
//! abort the process).

use racewise_models::model_check;
use racewise_models::sync::atomic::{AtomicUsize, Ordering};
use racewise_models::sync::{Arc, Mutex, thread};

/// Two threads increment a counter with `fetch_add`: no update is lost under any interleaving.
#[model_check(preemption_bound = 3, pct_depth = 3, iterations = 200)]
fn atomic_increments_are_not_lost() {
    assert_eq!(concurrent_increments(2), 2, "invariant: no increment lost");
}

/// `threads` threads each add one to a shared atomic counter; its value once all have joined.
fn concurrent_increments(threads: usize) -> usize {
    let n = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let n = Arc::clone(&n);
            thread::spawn(move || {
                n.fetch_add(1, Ordering::SeqCst);
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    n.load(Ordering::SeqCst)
}

/// The same under a mutex, checked by every scheduler including shuttle's exhaustive DFS.
#[model_check(schedulers = [random, pct, dfs, loom])]
fn mutex_increments_are_not_lost() {
    let n = Arc::new(Mutex::new(0_usize));
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let n = Arc::clone(&n);
            thread::spawn(move || {
                *n.lock().unwrap() += 1;
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(*n.lock().unwrap(), 2);
}

/// A non-atomic read-modify-write on an atomic: `load` then `store`.
fn racy_load_then_store() {
    let n = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let n = Arc::clone(&n);
            thread::spawn(move || {
                let v = n.load(Ordering::SeqCst);
                n.store(v + 1, Ordering::SeqCst);
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(n.load(Ordering::SeqCst), 2, "lost update");
}

/// The broken variant as an `expect = "bug"` test: each checker must find the lost update.
#[model_check(expect = "bug", expected = "lost update", iterations = 1000)]
fn racy_increment_is_found() {
    racy_load_then_store();
}

/// Without `expected`, an `assert_eq!` (message starts with `assertion`) counts as the invariant.
#[model_check(expect = "bug", schedulers = [random, pct, dfs, loom])]
fn racy_increment_is_found_by_plain_assertion() {
    let n = Arc::new(AtomicUsize::new(0));
    let t = {
        let n = Arc::clone(&n);
        thread::spawn(move || {
            let v = n.load(Ordering::SeqCst);
            n.store(v + 1, Ordering::SeqCst);
        })
    };
    let v = n.load(Ordering::SeqCst);
    n.store(v + 1, Ordering::SeqCst);
    t.join().unwrap();
    assert_eq!(n.load(Ordering::SeqCst), 2);
}

/// A check-then-act under two separate lock acquisitions: two threads both see room for one more
/// and both insert. Needs PCT depth ≥ 3 (the default).
#[model_check(expect = "bug", expected = "invariant: capacity exceeded")]
fn check_then_act_overflows_capacity() {
    let running = Arc::new(Mutex::new(0_usize));
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let running = Arc::clone(&running);
            thread::spawn(move || {
                let has_room = *running.lock().unwrap() < 1; // check ...
                if has_room {
                    let mut r = running.lock().unwrap(); // ... then act, under another acquisition
                    *r += 1;
                    assert!(*r <= 1, "invariant: capacity exceeded ({} > 1)", *r);
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
}

/// A racy body WITHOUT `expect = "bug"` makes the generated loom and shuttle tests fail: that is
/// how a user learns the checkers really explored their code. `#[should_panic]` is moved onto
/// every generated test; the std backend is left out (real threads rarely lose the update).
#[cfg(any(loom, shuttle))]
#[model_check(iterations = 1000)]
#[should_panic(expected = "lost update")]
fn racy_body_without_expect_bug_fails() {
    racy_load_then_store();
}

/// One checker run, as the expansion performs it.
#[cfg(any(loom, shuttle))]
type Run = Box<dyn FnOnce()>;

/// Every checker of this build, running `body` through the harness functions the expansion calls.
#[cfg(loom)]
fn checkers(body: fn()) -> Vec<(&'static str, Run)> {
    use racewise_models::harness;
    vec![("loom", Box::new(move || harness::loom_model(2, body)))]
}

/// Every checker of this build, running `body` through the harness functions the expansion calls.
#[cfg(shuttle)]
fn checkers(body: fn()) -> Vec<(&'static str, Run)> {
    use racewise_models::harness;
    vec![
        (
            "shuttle random",
            Box::new(move || harness::shuttle_random(1000, body)),
        ),
        (
            "shuttle pct",
            Box::new(move || harness::shuttle_pct(1000, 3, body)),
        ),
        (
            "shuttle dfs",
            Box::new(move || harness::shuttle_dfs(None, body)),
        ),
    ]
}

/// The same, asserted on the harness functions directly (so the check does not depend on
/// `#[should_panic]` forwarding).
#[cfg(any(loom, shuttle))]
#[test]
fn racy_body_fails_under_the_checker_harness() {
    use racewise_models::harness;
    use std::panic::{AssertUnwindSafe, catch_unwind};

    for (checker, run) in checkers(racy_load_then_store) {
        let payload = catch_unwind(AssertUnwindSafe(run))
            .expect_err(&format!("{checker} must find the lost update"));
        let report = harness::payload_text(payload.as_ref()).unwrap();
        assert!(
            harness::original_message(&report).contains("lost update"),
            "{checker} failed for another reason: {report}"
        );
    }
}

/// An unrelated panic must not satisfy `expect = "bug"`, and neither must a pass.
#[cfg(any(loom, shuttle))]
#[test]
fn expect_bug_rejects_an_unrelated_panic_and_a_pass() {
    use racewise_models::harness;
    use std::panic::{AssertUnwindSafe, catch_unwind};

    fn unrelated() {
        let t = thread::spawn(|| {
            let n: u32 = "not a number".parse().unwrap();
            assert!(n > 0);
        });
        t.join().unwrap();
    }
    for (checker, run) in checkers(unrelated) {
        let payload = catch_unwind(AssertUnwindSafe(|| {
            harness::expect_bug("unrelated", checker, None, run);
        }))
        .expect_err("an unwrap on None is not the bug");
        let message = harness::payload_text(payload.as_ref()).unwrap();
        assert!(
            message.contains("not an invariant assertion"),
            "{checker}: {message}"
        );
    }
    for (checker, run) in checkers(atomic_increments_are_not_lost) {
        let payload = catch_unwind(AssertUnwindSafe(|| {
            harness::expect_bug("correct", checker, None, run);
        }))
        .expect_err("a correct body must fail expect = \"bug\"");
        let message = harness::payload_text(payload.as_ref()).unwrap();
        assert!(message.contains("found no failure"), "{checker}: {message}");
    }
}

/// The function stays callable as a plain function.
#[cfg(not(any(loom, shuttle)))]
#[test]
fn the_body_stays_a_plain_function() {
    atomic_increments_are_not_lost();
}

/// Five spawned threads exceed loom's limit (5 threads *including* the main one): leave loom out
/// of `schedulers`; under `--cfg loom` the test still exists, `#[ignore]`d with the reason. Also
/// exercises the `crate = path` override.
#[model_check(schedulers = [random, pct], iterations = 100, crate = racewise_models)]
fn five_threads_are_too_many_for_loom() {
    assert_eq!(concurrent_increments(5), 5);
}

/// A body that spawns no thread cannot run under shuttle PCT (it panics: "test closure did not
/// exercise any concurrency"): pick the schedulers explicitly.
#[model_check(schedulers = [random, loom], preemption_bound = 0)]
fn single_threaded_body() {
    let m = Mutex::new(1_u32);
    *m.lock().unwrap() += 1;
    assert_eq!(*m.lock().unwrap(), 2);
}

/// Only loom: under `--cfg shuttle` an `#[ignore]`d `shuttle` test says so.
#[model_check(schedulers = [loom])]
fn loom_only() {
    let t = thread::spawn(|| 1 + 1);
    assert_eq!(t.join().unwrap(), 2);
}
