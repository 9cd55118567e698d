//! A Redis keyspace at the level of commands: each command is one critical section (atomic, as on
//! a real single-threaded server), nothing is atomic between two commands, and a script
//! ([`Keyspace::eval`], a closure over the whole keyspace) is atomic like `EVAL`.
//!
//! Values are execution ids (`u32`): a string key holds one, a list key a sequence of them. A key
//! set with `EX` carries a pending expiry; the expiry itself is an event ([`Keyspace::fire_expiry`])
//! a scenario fires from a thread of its own, so the checkers explore the TTL running out at every
//! point between two commands. Wall-clock time is not modelled (neither checker can).

use std::collections::{BTreeMap, VecDeque};

use super::super::backend::Mutex;
use super::super::common::lock;

/// A stored value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A string key holding one execution id.
    Str(u32),
    /// A list key (`LPUSH` at the head, `RPOP` at the tail: FIFO).
    List(VecDeque<u32>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    value: Value,
    /// Set by `SET .. EX` or `EXPIRE`: the key may expire ([`Keyspace::fire_expiry`]).
    expires: bool,
}

/// The options of `SET`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SetOpts {
    /// `NX`: only set a key that does not exist.
    pub nx: bool,
    /// `XX`: only set a key that exists.
    pub xx: bool,
    /// `EX ttl`: the key expires (when is the checker's choice). Without it, `SET` clears any
    /// pending expiry, as Redis does (no `KEEPTTL`).
    pub ex: bool,
}

/// The data: what a command or a script reads and writes.
#[derive(Debug, Default)]
pub struct Db {
    keys: BTreeMap<String, Entry>,
}

/// A command applied to a key of the other type: Redis answers `WRONGTYPE`; the models never do
/// it, so it is a bug in the model, not a finding.
fn wrong_type(key: &str) -> ! {
    panic!("WRONGTYPE Operation against a key holding the wrong kind of value: {key}")
}

impl Db {
    /// `GET key`.
    pub fn get(&self, key: &str) -> Option<u32> {
        match self.keys.get(key).map(|e| &e.value) {
            None => None,
            Some(Value::Str(v)) => Some(*v),
            Some(Value::List(_)) => wrong_type(key),
        }
    }

    /// `EXISTS key`.
    pub fn exists(&self, key: &str) -> bool {
        self.keys.contains_key(key)
    }

    /// `SET key value [NX|XX] [EX ttl]`: whether the key was set (`OK`) or not (nil).
    pub fn set(&mut self, key: &str, value: u32, opts: SetOpts) -> bool {
        let exists = self.keys.contains_key(key);
        if (opts.nx && exists) || (opts.xx && !exists) {
            return false;
        }
        self.keys.insert(
            key.to_string(),
            Entry {
                value: Value::Str(value),
                expires: opts.ex,
            },
        );
        true
    }

    /// `DEL key`: how many keys were removed.
    pub fn del(&mut self, key: &str) -> usize {
        usize::from(self.keys.remove(key).is_some())
    }

    /// `EXPIRE key ttl`: whether the key exists (and now expires).
    pub fn expire(&mut self, key: &str) -> bool {
        match self.keys.get_mut(key) {
            Some(e) => {
                e.expires = true;
                true
            }
            None => false,
        }
    }

    fn list_mut(&mut self, key: &str) -> &mut VecDeque<u32> {
        let entry = self.keys.entry(key.to_string()).or_insert(Entry {
            value: Value::List(VecDeque::new()),
            expires: false,
        });
        match &mut entry.value {
            Value::List(list) => list,
            Value::Str(_) => wrong_type(key),
        }
    }

    /// `LPUSH key value`: the list's length after the push.
    pub fn lpush(&mut self, key: &str, value: u32) -> usize {
        let list = self.list_mut(key);
        list.push_front(value);
        list.len()
    }

    /// `RPUSH key value`: the list's length after the push.
    pub fn rpush(&mut self, key: &str, value: u32) -> usize {
        let list = self.list_mut(key);
        list.push_back(value);
        list.len()
    }

    /// `RPOP key`. An emptied list is deleted, as Redis does.
    pub fn rpop(&mut self, key: &str) -> Option<u32> {
        let list = match self.keys.get_mut(key).map(|e| &mut e.value) {
            None => return None,
            Some(Value::List(list)) => list,
            Some(Value::Str(_)) => wrong_type(key),
        };
        let popped = list.pop_back();
        if list.is_empty() {
            self.keys.remove(key);
        }
        popped
    }

    /// `LLEN key`.
    pub fn llen(&self, key: &str) -> usize {
        self.list(key).len()
    }

    /// The elements of a list key, head first (`LRANGE key 0 -1`); empty if the key is absent.
    pub fn list(&self, key: &str) -> Vec<u32> {
        match self.keys.get(key).map(|e| &e.value) {
            None => Vec::new(),
            Some(Value::List(list)) => list.iter().copied().collect(),
            Some(Value::Str(_)) => wrong_type(key),
        }
    }

    /// Whether `key` carries a pending expiry (`TTL key` > 0).
    pub fn expires(&self, key: &str) -> bool {
        self.keys.get(key).is_some_and(|e| e.expires)
    }
}

/// Runs after every command and every script, with the keyspace as that command left it: the
/// invariants of whatever the keyspace stores.
pub type Observer = Box<dyn Fn(&Db) + Send + Sync>;

/// A keyspace served one command at a time. See the module docs.
pub struct Keyspace {
    db: Mutex<Db>,
    after_each: Observer,
}

impl std::fmt::Debug for Keyspace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keyspace").finish_non_exhaustive()
    }
}

impl Keyspace {
    /// An empty keyspace that calls `after_each` after every command and script.
    pub fn new(after_each: Observer) -> Self {
        Self {
            db: Mutex::new(Db::default()),
            after_each,
        }
    }

    /// Runs one command (or script): one critical section, observed when it ends.
    fn command<R>(&self, f: impl FnOnce(&mut Db) -> R) -> R {
        let mut db = lock(&self.db);
        let reply = f(&mut db);
        (self.after_each)(&db);
        reply
    }

    /// `GET key`.
    pub fn get(&self, key: &str) -> Option<u32> {
        self.command(|db| db.get(key))
    }

    /// `SET key value [NX|XX] [EX ttl]`.
    pub fn set(&self, key: &str, value: u32, opts: SetOpts) -> bool {
        self.command(|db| db.set(key, value, opts))
    }

    /// `DEL key`.
    pub fn del(&self, key: &str) -> usize {
        self.command(|db| db.del(key))
    }

    /// `EXPIRE key ttl`.
    pub fn expire(&self, key: &str) -> bool {
        self.command(|db| db.expire(key))
    }

    /// `LPUSH key value`.
    pub fn lpush(&self, key: &str, value: u32) -> usize {
        self.command(|db| db.lpush(key, value))
    }

    /// `RPUSH key value`.
    pub fn rpush(&self, key: &str, value: u32) -> usize {
        self.command(|db| db.rpush(key, value))
    }

    /// `RPOP key`.
    pub fn rpop(&self, key: &str) -> Option<u32> {
        self.command(|db| db.rpop(key))
    }

    /// `LLEN key`.
    pub fn llen(&self, key: &str) -> usize {
        self.command(|db| db.llen(key))
    }

    /// `EVAL script`: the closure runs atomically, like a Lua script on the server.
    pub fn eval<R>(&self, script: impl FnOnce(&mut Db) -> R) -> R {
        self.command(script)
    }

    /// The TTL of `key` runs out, if it has one: the key is deleted. Whether it fires, and between
    /// which two commands, is what the scenario's "expiry" thread leaves to the checker.
    pub fn fire_expiry(&self, key: &str) -> bool {
        self.command(|db| db.expires(key) && db.del(key) == 1)
    }

    /// A read-only look at the data (one critical section), for end-of-scenario checks.
    pub fn inspect<R>(&self, f: impl FnOnce(&Db) -> R) -> R {
        f(&lock(&self.db))
    }
}
