//! Long-lived internals reached through `state.inner`.

use std::collections::HashMap;
use std::sync::Mutex as StdMutex;
use std::sync::RwLock as StdRwLock;

use crate::state::{Message, SessionId};

pub struct Inner {
    pub events: StdMutex<Vec<Message>>,
    pub rotation: StdMutex<()>,
    pub keys: StdRwLock<Vec<String>>,
    pub owners: StdMutex<HashMap<SessionId, String>>,
}
