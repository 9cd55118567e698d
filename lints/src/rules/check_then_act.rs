//! # check_then_act
//!
//! ## What it does
//! Flags a write of locked (or atomic) state that a condition decided on, when the condition read
//! that same state under an earlier acquisition whose guard is gone by the time of the write. Three
//! things must hold:
//!
//! - **a condition on locked state**: an `if`/`while` condition, `match` scrutinee or `let .. else`
//!   initializer reads through a guard (`m.lock().unwrap().len() >= max`, `g.contains_key(&k)`,
//!   `*phase.lock() == ..`), directly or through `let` bindings computed from such a read
//!   (`let full = q.lock().len() >= max; if full { .. }`). A value that is only read and carried
//!   on (`let id = lc.read().id.clone();`) is not a condition until something decides on it, and
//!   a fn's result is a new value (`let stale = diff(&snapshot); if stale.is_empty() { .. }`
//!   decides on `stale`, not on the lock `snapshot` was copied from), and so is the value of
//!   an awaited call whose error `?` propagates, whatever its arguments read (`let out =
//!   send_request(&*state.headers.read().await).await?; if let Some(r) = out.first() { .. }`
//!   decides on what the server answered; an awaited predicate, `if !is_full(&*q.lock().await)
//!   .await { .. }`, still decides on the state);
//!   `std::mem::take(&mut
//!   *g)` (`replace`, `swap`), and a field's `g.command.take()` / `g.slot.replace(v)`, move the
//!   state out — a write — and what is decided on the value taken is the taker's own batch (merging a failed part back with `*g.entry(k).or_insert(0)
//!   += n` acts on whatever the map holds then);
//! - **that guards (or chooses) the write**: the write is in a branch the condition picks, or after
//!   a branch that leaves (`return`, `continue`, `break`, `let .. else`) in the rest of the loop
//!   or fn body — also when the check sat in an inner block whose guard dropped at its end, but
//!   not in the later arms of a `match` (or the `else` of an `if`) around the check, which never
//!   run on the path that made it, nor after a check whose every branch leaves (`if read_only {
//!   match cache.read().get(&k) { Some(m) => return .., None => return .. } }`: the code after
//!   it runs only where the check never ran);
//! - **under a later, separate acquisition of the same lock** (same receiver, same crate-wide
//!   lock identity; std, parking_lot or async `Mutex`/`RwLock`): the check's guard is not alive at
//!   the write, and no other guard is alive across both (an outer lock serializes them). The write
//!   touches the same state: a mutating method (`insert`, `push*`, `remove`, `pop*`, `entry`,
//!   `retain`, `clear`, `take`, ...) or an assignment through the guard, on the same field when
//!   both name one (`if g.read().active { .. g.write().count += 1 }` is two states).
//!
//! One call level is followed: a decided `self.helper(..)`/`helper(..)` call whose body writes
//! the same lock (`self.running`) under its own acquisition is reported at the call — unless a
//! guard alive at both the check and the call (a consumer lock) serializes them. A place being
//! assigned (`g.running = None`) is written, not read: it is never the check.
//!
//! Atomics: a `load` in the condition, then in the decided code a `store` of a constant that
//! claims a flag (`if !FLAG.load(..) { init(); FLAG.store(true, ..) }`), a `store` of a value
//! computed from the load (a lost update: `let n = x.load(..); if n < max { x.store(n + 1, ..) }`),
//! or a `fetch_add`/`fetch_sub` (a counter past its limit:
//! `if n.load(..) < max { n.fetch_add(1, ..) }`).
//!
//! A constant stored after the check — atomic `store(true, ..)` or `*flag.write() = true` — is a
//! **claim** only when the check decides more than the store: a call that does work (logging,
//! a clock read such as `SystemTime::now()` or `start.elapsed()`, `drop(..)` and other lock or
//! atomic accesses do not count) in the decided code, or an early exit that returns
//! a `bool` to the caller (`if f.load(..) { return false } f.store(true, ..); true`). Two racers
//! then both do the work (`if *running.read().await { return } *running.write().await = true;
//! self.spawn_workers().await`).
//!
//! Not flagged:
//! - a check that is the claim: a `try_` method of the guarded value that the condition tests
//!   (`if !guard.try_mark(&hash, now) { return Err(Duplicate) }`) marks, reserves or inserts
//!   under the check's own guard and says whether this caller got it, so a racer is refused and
//!   a later write (`guard.remove(&hash, now)` on failure) finishes or undoes this caller's own
//!   claim; not a `try_` method that only reads (`try_get`, `try_contains`, `try_peek`);
//! - a write that re-checks: its own guard is tested before it (`let mut q = m.lock(); if
//!   q.is_empty() { return } q.pop()`, or `if let Some(j) = jobs.get_mut(&id) { .. }
//!   jobs.remove(&id)`: the second guard handles what it finds; or asserted, as a reservation
//!   is committed: `assert!(matches!(map.get(&id), Some(Reserved))); map.insert(id, ready)` —
//!   an `assert!` re-checks, but is no check a claim relies on, and a `debug_assert!`, gone in
//!   release builds, is neither), or its result decides
//!   (`if !set.lock().insert(id)`, `match m.lock().remove(&k)`,
//!   `let prev = ..insert(..); if prev.is_some()`, also a `fetch_add`'s value taken again by
//!   the same call in a skip loop before the check: `let mut id = next.fetch_add(1, ..);
//!   while taken(id) { id = next.fetch_add(1, ..) } if id >= MAX { return Err(..) }`), or its
//!   own `Err` is propagated with `?`
//!   (`self.tracker.write().set(off, ptr)?`: a write that can fail refuses for itself, and
//!   the earlier check is a fast path; also through an adapter that turns a miss into that
//!   error, `components.get_mut(id).context("not found")?`), or it is `entry()` after a key lookup
//!   (`entry` re-checks the key), or the check is repeated before the write under another
//!   acquisition of the same lock while a guard still alive at the write is held
//!   (double-checked locking behind a dedicated lock: `let _g = self.reconnect_lock.lock().await;`
//!   then the same check, then the write: the first check was a fast path). A second `load` of an atomic re-checks nothing: the value can
//!   change right after it too; but an atomic flag that is the fast path of a lock is no claim:
//!   `if self.full.load(..) { return } let mut fetched = self.fetched.lock(); if
//!   fetched.contains(r) { return } ..; if fetched.len() == total { self.full.store(true, ..) }`
//!   re-checks the locked state under a guard still alive at the store, and decides the store
//!   from it (two such conditions gate the store): racers take turns under the guard and each
//!   re-decides, so the flag only records what the locked state says;
//! - a write that decides each element for itself under its own guard and changes nothing
//!   when run again: `retain(..)` by a predicate over the element alone (a reap,
//!   `drivers.retain(|d| !d.is_gone())`), `sort*`, `dedup*`. It relies on nothing the earlier
//!   check saw. A predicate that names any other value (`retain(|_, q| q.front() !=
//!   Some(first))`, `retain(|s| *s != id)`, a macro) is flagged;
//! - a change check: the condition compares the state for equality with a local value and the
//!   write stores that very local (`if available == *view.read().await { return }
//!   *view.write().await = available;`): the check only skips a write that would change
//!   nothing, and every racer stores its own value whatever the check saw (an ordering test,
//!   `if offset <= *hw { return } *hw = offset`, stays flagged: a racer's smaller value wins);
//!   also a map's entry compared with the local its insert then stores (`let changed =
//!   m.lock().get(&k) != Some(&v); if changed { m.lock().insert(k, v) }`).
//!   Also when the condition is an `&&` of such comparisons and the stored value is a struct
//!   literal or a constructor built from every compared local (`if dim == p.dim && pos ==
//!   p.pos { return false } *point = Some(RespawnPoint { dim, pos, yaw })`,
//!   `*health = Health::new(new_state)`): a `bool` it returns then says whether this call's
//!   value differed. Also through a bool local bound to the comparison (`let do_update = {
//!   g.as_ref() != &creds }; if do_update { *cur.write().await = Arc::new(creds) }`), and
//!   with more writes under the new guard computed from the stored local
//!   (`guard.client.set_urls(urls.iter().skip(i).map(|u| u.clone().into()).collect())`:
//!   making a value is no work). A value built without one of the compared locals, and an
//!   `&&` with an ordering test in it (`epoch == cur.epoch && offset <= cur.offset`), stay
//!   flagged;
//! - a set's insert of the key the check looked for, whose result the statement drops, decided
//!   by a statement `if` whose branches neither leave nor hand a value on (`if
//!   !scheduled.read().contains(&k) { scheduled.write().insert(k); *last.write() = now(); }
//!   else { debug!(..) }`): every racer inserts the same element and the set ends as one
//!   insert leaves it. It stays flagged when the check also decides work (`thread::spawn(..)`
//!   of a worker for the key) or chooses an outcome: a branch's value
//!   (`StatusCode::NOT_MODIFIED` for a key seen before, `true` for the caller), a
//!   `return`/`continue` past the insert (a count of the keys this call added);
//! - a release by key: a removal by key whose result the statement drops (`if
//!   !map.read().contains_key(&k) { return } map.write().remove(&k);`, also `let _ =
//!   cache.pop(&k);`, `remove_entry`, `take(&k)`, IndexMap's `swap_remove(&k)` and
//!   `shift_remove(&k)`). Like storing `None`, every racer removes the
//!   same key and the later ones find nothing; a removal whose result is used
//!   (`map.write().remove(&k).expect(..)`) relies on the check and stays flagged, as does a
//!   removal by position (`pop()`, `swap_remove(i)`: racers take different elements);
//! - bookkeeping of a removal: a `fetch_sub` that a successful removal from locked state decides
//!   (`if let Some(e) = lru.write().pop_lru() { used.fetch_sub(e.size, ..) }`, also `pop*`,
//!   `remove*`, `take` in a `let .. else` or `match`). Each racer subtracts only what it took out
//!   itself, so the counter follows the contents whatever the earlier check saw (racing evictors
//!   at most evict a little more than needed). A `fetch_add` so decided still claims room the
//!   check saw free (`if running.load(..) < max { let job = q.lock().pop()?; running.fetch_add(1,
//!   ..) }` lets every racer past the limit), and a `fetch_sub` decided by the check alone takes
//!   what the check saw (`if permits.load(..) > 0 { permits.fetch_sub(1, ..) }`): both stay
//!   flagged;
//! - an idempotent store of a constant: one that is no claim (`if *EXIT.lock() { .. }
//!   *EXIT.lock() = true`, or a `stop()` that only logs before `running.store(false, ..)`: every
//!   racing caller stores the same value), a release (storing the idle `false` or `None`
//!   after the check: a `stop()` that tears down first, whose racing callers repeat the same
//!   teardown instead of starting two of anything), the very constant the condition compared with
//!   (`if *phase.lock() == Running { return } *phase.lock() = Running`), an atomic reset to `0`
//!   (`if w.load(..) == 0 { return } .. w.store(0, ..)`, like storing `false`), or an atomic
//!   constant stored right before leaving with nothing more to run (`SHUTDOWN.store(true, ..);
//!   break;` in the error branch of a loop that polls `SHUTDOWN`, also `continue`, `return;`,
//!   `return Err(E::Corrupt)`, the same value as the tail of a block the fn's body ends with
//!   (`Err(Disconnected) => { closed.store(true, ..); Err(Error::Closed) }`), a search thread's `found.store(true, ..); break Some(salt);`
//!   (each racer's find is its own, and the flag only stops the others), and the last statement of a failure branch (`if let Err(e) =
//!   ..`, an `Err(..)` arm) that ends a fn's or a task's body: `canceled.store(true, ..)` after
//!   a failed schedule — but not a store that ends the body after the work the check guards,
//!   `if !INIT.load(..) { init(); INIT.store(true, ..) }`): a signal raised on the way out, after which nothing on that path
//!   relies on having won; not `return spawn_workers();`, which still runs a call, nor when the
//!   caller is told the outcome, as in `if f.load(..) { return false } f.store(true, ..);
//!   return true;`); a `store` of a value recomputed from scratch (`v = compute(); x.store(v,
//!   ..)`: a lazy cache); a timestamp or deadline (`Instant::now()`, `Instant::now() +
//!   retry_after`) assigned through a guard on the way out of a failure, where the first
//!   statement after it that can leave (in its block or a block around it, up to its loop or
//!   fn) is an unconditional `return Err(..)` or `bail!` (a backoff a 429 asks for, a circuit
//!   breaker opening; not a `for` over mirrors holding `return Ok(())`): racers
//!   each record what their own failure said, and none relies on having been first. The same
//!   deadline claimed on the success path (a throttle's `*next.lock() = now + interval;`
//!   before the work) stays flagged;
//! - a **claim made under the check's guard**: the acquisition that checks also records the
//!   outcome before it is dropped, by storing a constant or inserting a reservation (`match
//!   *state { Running => return .., _ => {} } *state = Starting;`): a second caller sees the
//!   claim and leaves, so the later writes under new acquisitions (`Running` on success,
//!   `Stopped` on failure) finish or undo a transition only the claimer makes. A removal there
//!   (evicting a stale entry) claims nothing: racers both evict, then both fill;
//! - a **deterministic cache**: after a lookup whose hit returns the found value
//!   (`if let Some(v) = cache.lock().get(&k) { return v.clone() }`, or hands it back as the
//!   `if let`'s value, as it is or cloned: `let hit = cache.lock().get(&k).cloned(); if let
//!   Some(v) = hit { Ok(v) } else { .. }`, also wrapped as they are in a struct or tuple
//!   beside values that do not come from them, `if let Some((parts, sql)) = hit { Ok(Self {
//!   parts, sql, cache }) }`), or a `match` arm that returns what its pattern
//!   found: `Some(Built::Handler(h)) => return Ok(h.clone())`, or yields it as the `match`'s
//!   value (`match *memo.lock() { Some(hash) => Ok(hash), None => .. }`), when no arm refuses with
//!   `return Err(..)`, which makes it a state machine's: `Some(InFlight) => return
//!   Err(Busy)` then a claim), the insert on a miss is
//!   reported only when the inserted value has an identity of its own — a sync primitive, handle,
//!   connection, session, client, channel, spawned task or fresh id (`Arc::new(Semaphore::new(..))`,
//!   `connect(..).await?`, `Uuid::new_v4()`, also wrapped: `Slot::Upstream(Arc::clone(&conn))`;
//!   a `..Handler` built from configuration is no handle; the name's words count at a word's
//!   start, so a `RespawnPoint` is no spawned task, and a type's name whose last word names a
//!   value (`Id`, `Config`, `Info`, `Options`, `Key`...) is data whatever the words before it,
//!   so a `ClientOrderId::from(order_ref)` is the id the data names, not a client, while an id
//!   type's generator without arguments, `SessionId::new()`, makes a fresh one and
//!   `OrderId::new(seq)` does not): racing misses then hand callers
//!   different instances.
//!   A value that is a pure function of the key (a parsed, resolved or computed value) is the same
//!   whichever racer wins, so the race only costs duplicate work;
//! - **state only one executor reaches**. A race needs a second holder of the state, or a
//!   second run of the same check and act, and three cases show there is none:
//!   - `self.field` state in a `&mut self`/`self` method: the borrow is exclusive, so only
//!     another holder of the field's *value* can interleave. A plain field has none; an
//!     `Arc`/`Rc` field has one only when the crate shares it: some code hands a field of that
//!     name out (`self.jobs.clone()`, `Arc::clone(&m.jobs)`, `&self.jobs` passed to a fn,
//!     returned by a getter, moved into a spawned task, bound by a struct pattern), sets it from
//!     a value made elsewhere (`Self { jobs }` with `jobs` a parameter), or the struct is `Clone`.
//!     Fields are matched by name crate-wide, so a name shared anywhere counts as shared; a tuple
//!     struct's field by its struct and index (`Pool.0` of `struct Pool(Arc<..>)`), since `.0`
//!     is every tuple's (a tuple field whose struct the walker cannot tell is the method's own);
//!   - **fn-local state**: a lock or atomic a fn creates (`let flag =
//!     Arc::new(AtomicBool::new(false))`, `let seen = Mutex::new(HashSet::new())`) and the
//!     bindings cloned from it (`let f = flag.clone()`, `Arc::clone(&flag)`). It stays local
//!     while it is only used as a lock or atomic receiver, cloned into `let`s, captured by
//!     closures and async blocks, or formatted; passed to a fn, stored in a struct, returned, or
//!     handed on by any other method, it may have other holders and is flagged as before. Local
//!     state is silent when the check-then-act body runs once over it (the fn's own body, an
//!     async block, or a closure handed to a `spawn`, not created inside a loop) and no other
//!     body (another task, thread, closure) writes it: the clone a single spawned task checks
//!     and sets is nobody else's. A plain closure may be called many times at once (a thread
//!     pool, `thread::scope`), so one is always a second executor;
//!   - **a check and act only `main`'s startup runs**: in a fn every resolved chain of calls
//!     into which starts in a `main` and runs in place (none from a spawned task, a closure
//!     handed elsewhere, or a caller the call graph cannot see, such as a handler registered
//!     by name), or in a closure such a fn runs in place. Main runs it once, before or
//!     between the tasks it starts, so no second run races with it (code elsewhere that
//!     writes the same state is another check-then-act, reported where it is one);
//! - **a check and act serialized by the fn's own exclusive guard**, taken before the check and
//!   held to the end of the fn: a guard parameter (`_guard: &TracingExclusiveGuard<Op>`,
//!   `MutexGuard`, `RwLockWriteGuard`: an exclusive lock's guard the caller must hold; not a
//!   read guard, nor an epoch `Guard` that excludes nobody), or a top-level `let` of a
//!   call named for an exclusive lock (`let _node_lock = trace_exclusive_lock(&self.op_locks,
//!   id, ..).await`, `lock_file(..)?`, `.lock_owned().await`; not `read`, not `unlock`), or of
//!   the guard a retry loop hands out (`let (_guard, id) = loop { let g = ops.lock(&id).await;
//!   if moved { continue } break (g, id) }`: every `break` passes such a guard), that the
//!   rest of the body never touches (no `drop`, no move). Two runs of that fn cannot interleave
//!   between the check and the act, whatever the guard's type; a per-key operation lock is the
//!   usual case. Code elsewhere that writes the state without that guard is not this finding;
//! - **a check and act serialized by one lock every caller holds**: each resolved call of the
//!   fn is made in place (awaited, for an async fn) while the caller holds a `lock()`/`write()`
//!   guard of the same static (`let mut map = QUERIERS.write().await; select_next(&mut
//!   map).await` at every call), and no call racewise cannot follow may be a call of it (a fn
//!   nothing resolved calls, a trait method, a same-named method on a receiver of unknown type
//!   keep it flagged). Callers holding different locks (`EU.write()` in one, `US.write()` in
//!   another), a lock of their own instance (`self.shards.lock()`: one per value) or only a
//!   `read()` guard (which excludes no other reader) serialize nothing between them;
//! - `RefCell` borrows, `try_lock`, locks whose type racewise cannot resolve (counted for
//!   `--verbose`), and writes inside closures or `async` blocks (other bodies).
//!
//! ## Why is this bad
//! Between the two acquisitions the lock is free: another thread or task can make the same check,
//! reach the same conclusion and act too. Two jobs with the same id both start, the capacity limit
//! is exceeded by every concurrent caller, an entry is popped that is no longer there (and the
//! `unwrap` panics), an initialisation runs twice, two callers get different semaphores for one
//! session. Tests rarely hit the window; production load does.
//!
//! ## Example
//! ```rust,ignore
//! fn submit(&self, job: Job) -> Result<(), Error> {
//!     {
//!         let running = self.running.lock().unwrap();
//!         if running.len() >= self.max_concurrent {
//!             return Err(Error::Busy);
//!         }
//!     } // guard dropped: another thread can pass the same check here
//!     self.running.lock().unwrap().insert(job.id, job);
//!     Ok(())
//! }
//! ```
//!
//! ## Use instead
//! ```rust,ignore
//! fn submit(&self, job: Job) -> Result<(), Error> {
//!     let mut running = self.running.lock().unwrap(); // one acquisition for check and act
//!     if running.len() >= self.max_concurrent {
//!         return Err(Error::Busy);
//!     }
//!     running.insert(job.id, job);
//!     Ok(())
//! }
//! ```
//! For atomics use one read-modify-write: `swap`/`compare_exchange` to claim a flag,
//! `fetch_update` (or a `compare_exchange` loop) to bump a counter only below its limit.

use std::collections::BTreeMap;

use crate::finding::Severity;
use crate::lint::{CrateFinding, Hooks, Lint, RuleMeta};
use crate::semantic::{CrateCx, GatedAct};

mod policy;
mod report;

use policy::Act;

pub static META: RuleMeta = RuleMeta {
    name: "check_then_act",
    default_severity: Severity::Medium,
    summary: "condition checked under one lock acquisition, acted on under a later one (TOCTOU)",
    source: include_str!("check_then_act.rs"),
};

/// Where an act is reported: (file of the check, file of the write, (start byte, guard or
/// access id)).
type ActSite = (usize, usize, (u32, u32));

#[derive(Default)]
pub struct CheckThenAct;

impl Lint for CheckThenAct {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn hooks(&self) -> Hooks {
        Hooks::NONE
    }

    fn check_crate(&self, cx: &CrateCx, out: &mut Vec<CrateFinding>) {
        // One finding per act (or per decided call reaching it): several reads of one condition,
        // or nested conditions, decide the same write. The latest check before it is the one
        // the act relies on.
        let mut best: BTreeMap<ActSite, (GatedAct, Act)> = BTreeMap::new();
        let sharing = crate::semantic::locks::Sharing::default();
        for g in cx.gated_acts() {
            let Some(act) = policy::judge(cx, &sharing, &g) else {
                continue;
            };
            // Writes through one guard are one act, reported at its acquisition.
            let site = match (g.via, g.act_acq) {
                (Some(c), _) => (c.region.start_byte, u32::MAX),
                (None, Some(b)) => (b.region.start_byte, b.id),
                (None, None) => (g.act.region.start_byte, g.act.id),
            };
            let key = (g.file, g.act_file, site);
            let later = best
                .get(&key)
                .is_none_or(|(o, _)| o.check.region.start_byte < g.check.region.start_byte);
            if later {
                best.insert(key, (g, act));
            }
        }
        for ((file, _, _), (g, act)) in best {
            out.push(CrateFinding {
                file,
                finding: report::finding(cx, &g, act, &META),
            });
        }
    }
}
