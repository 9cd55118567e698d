//! Sequential behaviour of the semaphore family, plus its correct scenarios on real threads.

use super::semaphore::*;

fn sem(capacity: usize) -> Semaphore {
    Semaphore::new("test", capacity, SemaphoreVariant::Correct)
}

#[test]
fn permits_are_counted_and_released_on_drop() {
    let s = sem(2);
    let a = s.acquire();
    let b = s.try_acquire().expect("second permit");
    assert!(s.try_acquire().is_none());
    drop(a);
    assert!(!s.is_idle());
    drop(b);
    s.assert_idle();
}

#[test]
fn acquire_timeout_succeeds_when_free_and_times_out_when_expired() {
    let s = sem(1);
    let deadline = ManualDeadline::new();
    let held = s.acquire_timeout(&deadline).expect("free permit");
    deadline.fire();
    assert_eq!(s.acquire_timeout(&deadline).map(|_| ()), Err(TimedOut));
    drop(held);
    // Expired, but a permit is free: taking it beats timing out.
    assert!(s.acquire_timeout(&deadline).is_ok());
    s.assert_idle();
}

#[test]
fn the_leak_variant_loses_the_permit_when_the_deadline_passed() {
    let s = Semaphore::new("leaky", 1, SemaphoreVariant::PermitLeakOnTimeout);
    let deadline = ManualDeadline::new();
    deadline.fire();
    assert_eq!(s.acquire_timeout(&deadline).map(|_| ()), Err(TimedOut));
    assert!(s.try_acquire().is_none(), "the permit leaked");
}

#[test]
#[should_panic(expected = "invariant violated: permit leaked on leaky: 1 of 1 still held")]
fn assert_idle_reports_a_leaked_permit() {
    let s = Semaphore::new("leaky", 1, SemaphoreVariant::PermitLeakOnTimeout);
    let deadline = ManualDeadline::new();
    deadline.fire();
    let _ = s.acquire_timeout(&deadline);
    s.assert_idle();
}

#[test]
fn ordered_permits_hold_all_three_and_release_all() {
    let (g, p, s) = (sem(1), sem(1), sem(1));
    let permits = acquire_ordered(&g, &p, &s);
    assert!(g.try_acquire().is_none() && p.try_acquire().is_none() && s.try_acquire().is_none());
    drop(permits);
    let refresh = acquire_for_refresh(SemaphoreVariant::Correct, &g, &p, &s);
    assert_eq!(refresh.held(), ["test"; 3]);
    drop(refresh);
    for sem in [&g, &p, &s] {
        sem.assert_idle();
    }
}

#[test]
fn registry_gives_one_semaphore_per_session_and_removes_idle_ones() {
    let r = SessionRegistry::new(SemaphoreVariant::Correct, 1);
    let a = r.get_or_create(1);
    let b = r.get_or_create(1);
    assert!(std::sync::Arc::ptr_eq(&a, &b));
    let _c = r.get_or_create(2);
    assert_eq!(r.len(), 2);
    assert!(!r.remove_idle(1), "still referenced");
    drop((a, b));
    let permit_holder = r.get_or_create(1);
    let permit = permit_holder.acquire();
    assert!(!r.remove_idle(1), "referenced and a permit is out");
    drop(permit);
    drop(permit_holder);
    assert!(r.remove_idle(1));
    assert!(!r.remove_idle(1), "already gone");
    assert_eq!(r.len(), 1);
}

#[test]
fn scenarios_pass_on_real_threads() {
    for _ in 0..50 {
        scenarios::timeout_during_acquire(SemaphoreVariant::Correct);
        scenarios::request_and_refresh(SemaphoreVariant::Correct);
        scenarios::session_created_twice(SemaphoreVariant::Correct);
    }
}
