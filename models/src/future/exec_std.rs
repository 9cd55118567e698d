//! The plain `cargo test` executor behind [`crate::future`]: one OS thread polls the root future
//! and every spawned task (a current-thread runtime, as `tokio::runtime::Builder::
//! new_current_thread` gives). A few dozen lines instead of a tokio dependency: the models only
//! need spawn, wake and a deadlock report.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Wake, Waker};

/// Tasks are owned by the executor; the handle keeps nothing.
pub(crate) struct RawHandle;

type Task = Pin<Box<dyn Future<Output = ()> + Send>>;

/// The root future's id in the ready queue.
const ROOT: usize = usize::MAX;

struct Ready(Mutex<VecDeque<usize>>);

impl Ready {
    fn push(&self, id: usize) {
        let mut q = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if !q.contains(&id) {
            q.push_back(id);
        }
    }

    fn pop(&self) -> Option<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop_front()
    }
}

struct TaskWaker {
    id: usize,
    ready: Arc<Ready>,
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        self.ready.push(self.id);
    }
}

#[derive(Default)]
struct Executor {
    /// Spawned tasks by id; `None` while being polled or once finished.
    tasks: Vec<Option<(String, Task)>>,
    /// The task being polled, for its name.
    current: Option<String>,
}

thread_local! {
    static EXECUTOR: RefCell<Option<(Executor, Arc<Ready>)>> = const { RefCell::new(None) };
}

/// Spawns `fut` on the executor of the enclosing [`block_on`].
pub(crate) fn spawn_raw<F>(name: String, fut: F) -> RawHandle
where
    F: Future<Output = ()> + Send + 'static,
{
    EXECUTOR.with(|e| {
        let mut e = e.borrow_mut();
        let Some((exec, ready)) = e.as_mut() else {
            panic!("racewise_models::future::spawn called outside future::block_on");
        };
        exec.tasks.push(Some((name, Box::pin(fut))));
        ready.push(exec.tasks.len() - 1);
    });
    RawHandle
}

fn waker(id: usize, ready: &Arc<Ready>) -> Waker {
    Waker::from(Arc::new(TaskWaker {
        id,
        ready: Arc::clone(ready),
    }))
}

/// Drops the executor's tasks (cancelling them, as dropping a tokio runtime does) when
/// `block_on` returns or unwinds.
struct Uninstall;

impl Drop for Uninstall {
    fn drop(&mut self) {
        let tasks = EXECUTOR.with(|e| {
            e.borrow_mut()
                .as_mut()
                .map(|(exec, _)| std::mem::take(&mut exec.tasks))
        });
        // Dropped with the executor still installed: a task's destructors may wake others.
        drop(tasks);
        EXECUTOR.with(|e| *e.borrow_mut() = None);
    }
}

/// Runs `fut` and every task it spawns on this thread until `fut` completes.
///
/// Panics with `deadlock! ...` if every task waits and nothing can wake one.
pub(crate) fn block_on<F: Future>(name: &str, fut: F) -> F::Output {
    let ready = Arc::new(Ready(Mutex::new(VecDeque::from([ROOT]))));
    EXECUTOR.with(|e| {
        let mut e = e.borrow_mut();
        assert!(e.is_none(), "racewise_models::future::block_on cannot nest");
        *e = Some((Executor::default(), Arc::clone(&ready)));
    });
    let _uninstall = Uninstall;
    let mut fut = std::pin::pin!(fut);
    let root_waker = waker(ROOT, &ready);
    loop {
        let Some(id) = ready.pop() else {
            let waiting: Vec<String> = EXECUTOR.with(|e| {
                let e = e.borrow();
                let tasks = e.as_ref().map(|(exec, _)| &exec.tasks[..]).unwrap_or(&[]);
                std::iter::once(name.to_string())
                    .chain(tasks.iter().flatten().map(|(n, _)| n.clone()))
                    .collect()
            });
            panic!(
                "deadlock! every task waits and none can be woken: [{}]",
                waiting.join(", ")
            );
        };
        if id == ROOT {
            set_current(Some(name.to_string()));
            let poll = fut.as_mut().poll(&mut Context::from_waker(&root_waker));
            set_current(None);
            if let Poll::Ready(v) = poll {
                return v;
            }
            continue;
        }
        let task = EXECUTOR.with(|e| {
            e.borrow_mut()
                .as_mut()
                .and_then(|(exec, _)| exec.tasks.get_mut(id).and_then(Option::take))
        });
        let Some((task_name, mut task)) = task else {
            continue;
        };
        set_current(Some(task_name.clone()));
        let poll = task
            .as_mut()
            .poll(&mut Context::from_waker(&waker(id, &ready)));
        set_current(None);
        if poll.is_pending() {
            EXECUTOR.with(|e| {
                if let Some((exec, _)) = e.borrow_mut().as_mut() {
                    exec.tasks[id] = Some((task_name, task));
                }
            });
        }
    }
}

fn set_current(name: Option<String>) {
    EXECUTOR.with(|e| {
        if let Some((exec, _)) = e.borrow_mut().as_mut() {
            exec.current = name;
        }
    });
}

/// Lets every other ready task run before this one continues.
pub(crate) async fn yield_now() {
    let mut yielded = false;
    std::future::poll_fn(|cx| {
        if yielded {
            return Poll::Ready(());
        }
        yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    })
    .await;
}

/// The running task's name.
pub(crate) fn current_task_name() -> String {
    EXECUTOR.with(|e| {
        e.borrow()
            .as_ref()
            .and_then(|(exec, _)| exec.current.clone())
            .unwrap_or_else(|| "main".to_string())
    })
}

/// Real threads need no special teardown.
pub(crate) fn torn_down() -> bool {
    false
}
