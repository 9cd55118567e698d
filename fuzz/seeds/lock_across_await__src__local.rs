//! Per-connection state on a `LocalSet`: `Rc<RefCell<..>>` instead of locks.

use std::cell::RefCell;
use std::rc::Rc;

use tokio::sync::mpsc;

use crate::state::Message;

#[derive(Default)]
pub struct ConnState {
    pub pending: Vec<Message>,
    pub sent: u64,
}

pub struct LocalSession {
    history: RefCell<Vec<Message>>,
    out: mpsc::Sender<Message>,
}

// Positive: a `RefCell::borrow_mut` guard held across an await: any other task touching it panics.
pub async fn record(state: Rc<RefCell<ConnState>>, out: mpsc::Sender<Message>, msg: Message) {
    let mut st = state.borrow_mut(); //~ lock_across_await
    st.pending.push(msg.clone());
    if out.send(msg).await.is_ok() {
        st.sent += 1;
    }
}

// Negative: the borrow is a temporary of its own statement.
pub async fn record_fixed(state: Rc<RefCell<ConnState>>, out: mpsc::Sender<Message>, msg: Message) {
    state.borrow_mut().pending.push(msg.clone());
    if out.send(msg).await.is_ok() {
        state.borrow_mut().sent += 1;
    }
}

impl LocalSession {
    // Positive: a shared `RefCell::borrow` held while awaiting the sends.
    pub async fn replay(&self) {
        let history = self.history.borrow(); //~ lock_across_await
        for msg in history.iter() {
            let _ = self.out.send(msg.clone()).await;
        }
    }

    // Negative: the borrowed items are collected before the first await.
    pub async fn flush(&self) {
        let pending: Vec<Message> = self.history.borrow_mut().drain(..).collect();
        for msg in pending {
            let _ = self.out.send(msg).await;
        }
    }
}
