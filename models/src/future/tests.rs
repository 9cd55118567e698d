//! The async facade's sequential behaviour on the std executor; the checker suites are under
//! `tests/`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::*;

/// Sets its flag when dropped: shows a future was really dropped.
struct DropFlag(Arc<AtomicBool>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

#[test]
fn spawn_join_and_abort_drops_the_future() {
    block_on(async {
        let h = spawn(async { 1 + 1 });
        assert_eq!(h.await, Ok(2));
        let dropped = Arc::new(AtomicBool::new(false));
        let flag = DropFlag(Arc::clone(&dropped));
        let sem = Arc::new(Semaphore::named("s", 0));
        let h = {
            let sem = Arc::clone(&sem);
            spawn_named("stuck", async move {
                let _flag = flag;
                let Ok(_p) = sem.acquire().await;
            })
        };
        yield_now().await;
        assert!(!dropped.load(Ordering::SeqCst));
        h.abort();
        let err = h.await.unwrap_err();
        assert!(err.is_cancelled());
        assert_eq!(err.to_string(), "task stuck was cancelled");
        assert!(dropped.load(Ordering::SeqCst));
    });
}

#[test]
fn timeout_drops_the_future_and_returns_its_permit_path() {
    block_on(async {
        let sem = Semaphore::named("pool", 1);
        let deadline = Deadline::new("deadline");
        let Ok(held) = sem.acquire().await;
        deadline.fire();
        assert_eq!(
            timeout(&deadline, sem.acquire()).await.unwrap_err(),
            Elapsed
        );
        drop(held);
        sem.assert_no_leak();
        // Ready futures win over a fired deadline, as with tokio.
        assert!(timeout(&deadline, async { 3 }).await.is_ok());
    });
}

#[test]
fn leaked_permit_is_reported_as_a_leak() {
    let sem = Semaphore::named("global", 2);
    block_on(async {
        let Ok(permit) = sem.acquire().await;
        permit.forget();
    });
    let err = std::panic::catch_unwind(|| sem.assert_no_leak()).unwrap_err();
    let msg = crate::harness::payload_text(err.as_ref()).unwrap();
    assert_eq!(
        msg,
        "invariant violated: permit leaked on global: 1 of 2 still held after every task finished"
    );
    sem.add_permits(1);
    sem.assert_no_leak();
}

#[test]
fn select_drops_the_loser() {
    block_on(async {
        let dropped = Arc::new(AtomicBool::new(false));
        let flag = DropFlag(Arc::clone(&dropped));
        let never = Notify::named("never");
        let loser = async {
            let _flag = flag;
            never.notified().await;
        };
        assert_eq!(select(loser, async { 7 }).await, Either::Right(7));
        assert!(dropped.load(Ordering::SeqCst));
    });
}

#[test]
fn mutex_notify_and_channel() {
    block_on(async {
        let m = Arc::new(Mutex::new(0));
        let (tx, mut rx) = mpsc::named_channel("jobs", 1);
        let notify = Arc::new(Notify::named("done"));
        let producer = {
            let (m, notify) = (Arc::clone(&m), Arc::clone(&notify));
            spawn_named("producer", async move {
                for i in 0..3 {
                    tx.send(i).await.unwrap();
                    *m.lock().await += 1;
                }
                notify.notify_one();
            })
        };
        let mut got = Vec::new();
        while let Some(v) = rx.recv().await {
            got.push(v);
        }
        notify.notified().await;
        producer.await.unwrap();
        assert_eq!(got, [0, 1, 2]);
        assert_eq!(*m.lock().await, 3);
    });
}

#[test]
fn everyone_waiting_is_a_deadlock() {
    let err = std::panic::catch_unwind(|| {
        block_on(async {
            let n = Notify::named("never");
            let h = spawn_named("waiter", async {});
            n.notified().await;
            drop(h);
        })
    })
    .unwrap_err();
    let msg = crate::harness::payload_text(err.as_ref()).unwrap();
    assert!(msg.starts_with("deadlock! every task waits"), "{msg}");
}
