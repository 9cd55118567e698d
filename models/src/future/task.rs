//! Tasks: `spawn` with a join handle whose `.await` gives `Result<T, JoinError>` (as tokio's
//! does), `abort` that really drops the task's future, and `yield_now`.
//!
//! Cancellation is done here rather than by the checkers: shuttle 0.8's `abort` only detaches a
//! task, which keeps running. An aborted task's future is dropped the next time the task is
//! polled, i.e. at the await point it is suspended at when the checker runs the abort.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use super::backend::Mutex;
use super::common::{lock, record};
use super::exec;

/// A task ended without producing its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinError {
    task: String,
}

impl JoinError {
    /// Whether the task was cancelled ([`JoinHandle::abort`]); always true here: a panicking task
    /// fails the whole check instead.
    pub fn is_cancelled(&self) -> bool {
        true
    }

    /// Whether the task panicked; never, see [`JoinError::is_cancelled`].
    pub fn is_panic(&self) -> bool {
        false
    }
}

impl fmt::Display for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "task {} was cancelled", self.task)
    }
}

impl std::error::Error for JoinError {}

struct JoinState<T> {
    result: Option<Result<T, JoinError>>,
    finished: bool,
    cancel: bool,
    joiner: Option<Waker>,
    task: Option<Waker>,
}

type Shared<T> = Arc<Mutex<JoinState<T>>>;

/// Awaits a spawned task; dropping it detaches the task (it keeps running), as tokio's does.
#[must_use = "dropping a JoinHandle detaches the task; call abort() to cancel it"]
pub struct JoinHandle<T> {
    name: String,
    shared: Shared<T>,
    _raw: exec::RawHandle,
}

impl<T> fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinHandle")
            .field("task", &self.name)
            .finish()
    }
}

impl<T> JoinHandle<T> {
    /// Cancels the task: its future is dropped at the await point it is suspended at (its
    /// destructors run then), and `.await` on this handle gives a cancelled [`JoinError`]. No
    /// effect on a finished task.
    pub fn abort(&self) {
        let mut s = lock(&self.shared);
        if s.finished || s.cancel {
            return;
        }
        s.cancel = true;
        let task = s.task.take();
        record(|| format!("aborted {}", self.name));
        drop(s);
        if let Some(w) = task {
            w.wake();
        }
    }

    /// Whether the task has finished (completed or been cancelled).
    pub fn is_finished(&self) -> bool {
        lock(&self.shared).finished
    }

    /// The task's name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl<T> Future for JoinHandle<T> {
    type Output = Result<T, JoinError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut s = lock(&self.shared);
        match s.result.take() {
            Some(result) => Poll::Ready(result),
            None => {
                assert!(!s.finished, "JoinHandle polled after it completed");
                s.joiner = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

/// The spawned future, dropped when the task is aborted.
struct Cancellable<F: Future> {
    name: String,
    fut: Option<Pin<Box<F>>>,
    shared: Shared<F::Output>,
}

impl<F: Future> Cancellable<F> {
    fn finish(&self, result: Result<F::Output, JoinError>) {
        let mut s = lock(&self.shared);
        s.result = Some(result);
        s.finished = true;
        let joiner = s.joiner.take();
        drop(s);
        if let Some(w) = joiner {
            w.wake();
        }
    }
}

impl<F: Future> Future for Cancellable<F> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        let cancel = {
            let mut s = lock(&this.shared);
            s.task = Some(cx.waker().clone());
            s.cancel
        };
        if cancel {
            record(|| "cancelled: dropping its future".to_string());
            // The future's destructors (permit guards, cleanup guards) run here, in this task.
            this.fut = None;
            this.finish(Err(JoinError {
                task: this.name.clone(),
            }));
            return Poll::Ready(());
        }
        let Some(fut) = this.fut.as_mut() else {
            return Poll::Ready(());
        };
        match fut.as_mut().poll(cx) {
            Poll::Ready(v) => {
                this.fut = None;
                record(|| "finished".to_string());
                this.finish(Ok(v));
                Poll::Ready(())
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

/// Spawns `fut` as a new task named `task-N`. See [`spawn_named`].
pub fn spawn<F>(fut: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    spawn_named("task", fut)
}

/// Spawns `fut` as a new task called `name` (shown in the event log and the checkers' reports).
pub fn spawn_named<F>(name: &str, fut: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let shared: Shared<F::Output> = Arc::new(Mutex::new(JoinState {
        result: None,
        finished: false,
        cancel: false,
        joiner: None,
        task: None,
    }));
    record(|| format!("spawned {name}"));
    let task = Cancellable {
        name: name.to_string(),
        fut: Some(Box::pin(fut)),
        shared: Arc::clone(&shared),
    };
    let raw = exec::spawn_raw(name.to_string(), task);
    JoinHandle {
        name: name.to_string(),
        shared,
        _raw: raw,
    }
}

/// A scheduling point: every other task may run before this one continues.
pub async fn yield_now() {
    exec::yield_now().await;
}

/// Runs `fut` as the root task (named `main`) of the backend's executor, with a fresh event log:
/// the body of an async `#[model_check]` test, once per explored execution.
pub fn block_on<F: Future>(fut: F) -> F::Output {
    crate::trace::reset();
    exec::block_on("main", fut)
}

/// Whether a destructor must leave the primitives alone because the execution it belongs to
/// failed and is being torn down (a primitive touched then would panic again, aborting the test
/// binary). Guards of your own that touch the primitives in `Drop` should return early on it.
pub fn torn_down() -> bool {
    exec::torn_down()
}

/// Adds `event` to the running task's steps in the event log printed on failure (for a model's
/// own steps: "called the provider", "wrote the result").
pub fn note(event: impl Into<String>) {
    let event = event.into();
    record(|| event);
}
