//! Sequential behaviour of the execution queue model, plus its correct scenarios on real threads.

use super::execution_queue::*;

fn queue(max_queue: usize) -> ExecutionQueue<&'static str, u32> {
    ExecutionQueue::new(QueueVariant::Correct, max_queue)
}

#[test]
fn first_submit_runs_then_fifo_queue_up_to_max() {
    let q = queue(2);
    assert_eq!(q.submit("a", 1), Submit::Running);
    assert_eq!(q.submit("a", 2), Submit::Queued(0));
    assert_eq!(q.submit("a", 3), Submit::Queued(1));
    assert_eq!(q.submit("a", 4), Submit::QueueFull);
    assert_eq!(q.submit("b", 9), Submit::Running, "keys are independent");
    assert_eq!(q.waiting(&"a"), 2);
}

#[test]
fn duplicate_submissions_are_busy() {
    let q = queue(2);
    assert_eq!(q.submit("a", 1), Submit::Running);
    assert_eq!(q.submit("a", 1), Submit::Busy);
    assert_eq!(q.submit("a", 2), Submit::Queued(0));
    assert_eq!(q.submit("a", 2), Submit::Busy);
}

#[test]
fn complete_hands_over_in_order_then_goes_idle() {
    let q = queue(3);
    q.submit("a", 1);
    q.submit("a", 2);
    q.submit("a", 3);
    assert_eq!(q.complete(&"a"), Some(2));
    assert!(q.is_running(&"a"));
    assert_eq!(q.complete(&"a"), Some(3));
    assert_eq!(q.complete(&"a"), None);
    assert!(!q.is_running(&"a"));
    assert_eq!(q.complete(&"a"), None, "completing an idle key is a no-op");
    q.assert_drained();
}

#[test]
#[should_panic(expected = "invariant violated: execution 1 on key \"a\" lost")]
fn drained_check_reports_an_execution_never_completed() {
    let q = queue(1);
    q.submit("a", 1);
    q.assert_drained();
}

#[test]
#[should_panic(expected = "invariant violated: execution 1 on key \"a\" run twice")]
fn an_execution_cannot_run_twice_on_a_key() {
    let q = queue(1);
    q.submit("a", 1);
    q.complete(&"a");
    q.submit("a", 1);
}

#[test]
fn broken_variants_behave_like_the_correct_one_without_contention() {
    for variant in [
        QueueVariant::CheckThenSetSubmit,
        QueueVariant::PopThenSetComplete,
    ] {
        let q: ExecutionQueue<u8, u32> = ExecutionQueue::new(variant, 1);
        assert_eq!(q.submit(0, 1), Submit::Running);
        assert_eq!(q.submit(0, 2), Submit::Queued(0));
        assert_eq!(q.submit(0, 3), Submit::QueueFull);
        assert_eq!(q.complete(&0), Some(2));
        assert_eq!(q.complete(&0), None);
        q.assert_drained();
    }
}

#[test]
fn scenarios_pass_on_real_threads() {
    for _ in 0..50 {
        scenarios::two_submitters(QueueVariant::Correct);
        scenarios::complete_races_submit(QueueVariant::Correct);
    }
}
