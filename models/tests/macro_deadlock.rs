//! `#[model_check(expect = "bug")]` on deadlocking bodies: the checkers must report the deadlock.
//!
//! In its own test binary: a loom deadlock while a thread holds a `loom::sync::Arc` aborts the
//! whole process (unwinding drops the `Arc`, whose destructor panics inside the deadlocked
//! execution). So the locks are shared as leaked `&'static` references instead of `Arc`s: a few
//! bytes per explored interleaving, and the deadlock unwinds cleanly (loom's mutex guards tolerate
//! being dropped after a deadlock).

use racewise_models::model_check;
use racewise_models::sync::{Condvar, Mutex, thread};

/// Shares `value` with spawned threads without an `Arc` (see the module docs).
fn leak<T>(value: T) -> &'static T {
    Box::leak(Box::new(value))
}

/// Two threads take two locks in opposite orders: the classic lock-order inversion.
#[model_check(expect = "bug", expected = "deadlock")]
fn opposite_lock_orders_deadlock() {
    let a = leak(Mutex::new(0_u32));
    let b = leak(Mutex::new(0_u32));
    let t = thread::spawn(move || {
        let _ga = a.lock().unwrap();
        let _gb = b.lock().unwrap();
    });
    {
        let _gb = b.lock().unwrap();
        let _ga = a.lock().unwrap();
    }
    t.join().unwrap();
}

/// A lost wakeup: the flag is set and notified without the lock, between the waiter's check and its
/// wait. A deadlock counts only with `expected = "deadlock"`: without it, only an invariant
/// assertion's own message does.
#[model_check(expect = "bug", expected = "deadlock")]
fn lost_wakeup_deadlocks() {
    let ready = leak(Mutex::new(false));
    let cv = leak(Condvar::new());
    let flag = leak(racewise_models::sync::atomic::AtomicBool::new(false));
    let t = thread::spawn(move || {
        use racewise_models::sync::atomic::Ordering;
        // Broken: publishes through an atomic outside the lock and notifies without holding it.
        flag.store(true, Ordering::SeqCst);
        cv.notify_one();
    });
    {
        use racewise_models::sync::atomic::Ordering;
        let mut guard = ready.lock().unwrap();
        if !flag.load(Ordering::SeqCst) {
            // The notification may already have happened: this wait can block forever.
            guard = cv.wait(guard).unwrap();
        }
        *guard = true;
    }
    t.join().unwrap();
}
