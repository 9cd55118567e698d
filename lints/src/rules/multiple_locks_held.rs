//! # multiple_locks_held
//!
//! ## What it does
//! Flags a lock acquisition made while one or more other lock guards are still alive, when the
//! lock it takes could close a deadlock cycle: a `.lock()`, `.read()`, `.write()` (or
//! `.lock().await`) on a `std::sync`, `parking_lot` or async (tokio/futures) `Mutex`/`RwLock` at
//! a point where a guard of another lock has not been dropped yet. Guard liveness follows Rust's
//! drop rules, so a guard released with `drop(..)`, confined to an inner block, moved away, or
//! alive only on another branch does not count. One finding per acquisition site, at the second
//! acquisition's method name, naming the locks held there.
//!
//! Only orders that can matter are reported. With A held while B is taken:
//! - B must itself be held, somewhere in the crate, while another lock is taken (directly or
//!   through a call), or A and B are two instances of one lock (`from.balance` and
//!   `to.balance`, ordered by the caller's arguments). A *leaf* lock, one that nothing is ever
//!   taken under (a metrics map, a registry entry, an event bus's subscriber list), cannot be
//!   part of a cycle: its holder never waits for another lock. The change that would make it
//!   part of one (taking a lock while holding B) is reported at that change, and this site with
//!   it. A fn's local or parameter lock held while a called fn takes *its* local or parameter
//!   lock of the same type is no such evidence: which locks those are depends on the callers,
//!   and the callee's is often the caller's own handed down (`let g = cloned_secrets.read().await;
//!   Parameters::try_new(.., Arc::clone(&secrets))`, which reads `secrets` again).
//! - If every guard held is an async lock's, the way back to A must take an async lock: a
//!   thread lock B (std, parking_lot) is not reported (its holder would have to keep B's guard
//!   across the `.await` that takes A, which `lock_across_await` reports), and an async B must
//!   be held somewhere while another *async* lock is taken (an async lock held only while a
//!   std event-bus list is touched is still a leaf here).
//! - A held lock that is only ever `try_lock`ed (`try_read`, `try_write`) anywhere in the
//!   crate's non-test code makes nobody wait: no cycle passes through it.
//! - A guard held as an `Option` for some kinds of a value only is not held in the arms of a
//!   later `match` on that value for the other kinds: after `let _lifecycle = if
//!   matches!(&request, Request::Reset(_)) { None } else { Some(self.lifecycle.read().await)
//!   };`, the `Request::Reset(to) => self.reset(to).await` arm holds nothing.
//! - A guard that is only a temporary of the same expression, done with before B is taken,
//!   does not count (here, nor as evidence that a lock is not a leaf): a snapshot
//!   `Stats { plain: self.plain.lock().count, hnsw: self.hnsw.lock().count }` or
//!   `sum(a.lock().n, b.lock().n)` keeps the first guard alive only because temporaries live to
//!   the end of the expression, and so when B is taken inside a fn a later operand calls
//!   (`Context::new(self.point.read().hash(), self.parents(h))`, where `parents` reads
//!   `relations`); nor does one a by-value combinator hands to its closure
//!   (`a.lock().map(|g| g.is_some())`, `map_or`, `and_then`, `is_ok_and`), which drops it when
//!   the closure returns, unless the closure hands it back. It counts when it is still in use: the receiver of the call
//!   whose arguments take B (`self.plain.lock().absorb(take(&mut *self.hnsw.lock()))`,
//!   `self.point.write().extend(self.parents(h))`), or a
//!   second instance of the same lock (`*a.n.lock() == *b.n.lock()`). The calls of a std `fmt`
//!   builder's chain (`f.debug_struct("S").field("a", &self.a.read()).field("b",
//!   &self.b.read())`) format their arguments during the call and hand back only the builder:
//!   the guard an earlier call took as an argument is done with, not in use.
//! - Test code is not checked: a test sets no order production code must follow, and a
//!   deadlock there hangs the test in plain sight.
//!
//! Not flagged: `try_lock`/`try_read`/`try_write` (a non-blocking attempt cannot wait for the held
//! lock's owner, so it adds no ordering constraint), re-acquiring the very same receiver (that is
//! re-entrancy, not ordering), `RefCell` borrows (single-threaded), nesting directly in a
//! method with an exclusive receiver (`&mut self`, `self: Pin<&mut Self>`) where either lock is
//! a field the method owns — the lock itself, or an `Arc` of one the crate never hands out (no
//! other executor can take it meanwhile, so no order is fixed for anyone) — nesting, in the
//! fn's own run, on a value the fn made itself and never clones (`let catalog =
//! Catalog::empty();` replayed from a journal before it is returned; not one reached through
//! an `Arc` field, `worker.catalog` of `Compactor { catalog: Arc::clone(shared) }`, nor where
//! the body may lend it to a scoped thread or rayon) — and locks whose
//! type racewise cannot resolve. Two read guards of different `RwLock`s are flagged: with a writer
//! queued on each lock, readers of fair/writer-preferring locks (tokio, parking_lot, std on most
//! platforms) wait too.
//!
//! A lock taken inside a called fn counts too: a call made while a guard of A is alive, of a
//! sync fn of the same crate that locks B itself or through up to 3 more sync calls
//! (`self.record_order()` under `stock`'s guard, where `record_order` locks `orders`), is an
//! A → B acquisition at the call, and the finding lists the chain as related locations. A call
//! whose callee takes several locks is still one site: one finding names the first lock with
//! its chain, then the others it takes through the same call (the related locations hold every
//! chain). Calls are followed as the call graph resolves them (module paths, `Self::`, the
//! receiver's type, a trait with one body for the method); trait objects, generic parameters and
//! stored closures end the chain.
//!
//! An awaited async fn counts the same way: its body runs right at the `.await`, so a guard of
//! A alive across `self.log_open(id).await`, where `log_open` locks B (a std, parking_lot or
//! async lock, in its own body or through further sync calls and awaited async fns), is an
//! A → B acquisition at the call. A future only built while A is held (`let f = x.foo();
//! drop(a); f.await`) and a lock the callee takes inside a task it spawns do not count.
//!
//! ## Why is this bad
//! Holding two locks at once is only safe if every place in the program takes them in the same
//! order. Nothing in the code states or checks that order, so the next change that takes them the
//! other way round introduces a deadlock that only shows up under load. Each such site is an
//! ordering contract that deserves a comment (or a design that takes one lock at a time). The
//! severity is low because the site itself is not a bug; see `lock_order_inversion` for the
//! crate-wide check of opposite orders. Sites whose second lock is a leaf carry no such
//! contract, which is why they are left out.
//!
//! ## Example
//! ```rust,ignore
//! fn start_next(&self) -> Option<JobId> {
//!     let mut queue = self.queue.lock().unwrap();
//!     let mut running = self.running.lock().unwrap(); // `queue` still held
//!     let job = queue.pop_front()?;
//!     running.insert(job.id);
//!     Some(job.id)
//! }
//!
//! fn finish(&self, id: JobId) {
//!     let mut running = self.running.lock().unwrap();
//!     running.remove(&id);
//!     self.stats.lock().unwrap().done += 1; // `running` is held while `stats` is taken
//! }
//! ```
//!
//! ## Use instead
//! ```rust,ignore
//! fn start_next(&self) -> Option<JobId> {
//!     // Lock order: queue, then running (see `Scheduler` docs). Never the other way round.
//!     let mut queue = self.queue.lock().unwrap();
//!     // racewise: allow(multiple_locks_held) -- documented order queue -> running
//!     let mut running = self.running.lock().unwrap();
//!     ..
//! }
//! ```
//! or put both collections behind one mutex (`Mutex<SchedulerState>`) so no order is needed.

use crate::finding::{Finding, Region, Related, Severity};
use crate::lint::{CrateFinding, Hooks, Lint, RuleMeta};
use crate::semantic::{Acquisition, CrateCx};

pub static META: RuleMeta = RuleMeta {
    name: "multiple_locks_held",
    default_severity: Severity::Low,
    summary: "two or more lock guards alive at once, the lock taken not a leaf",
    source: include_str!("multiple_locks_held.rs"),
};

#[derive(Default)]
pub struct MultipleLocksHeld;

impl Lint for MultipleLocksHeld {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn hooks(&self) -> Hooks {
        Hooks::NONE
    }

    fn check_crate(&self, cx: &CrateCx, out: &mut Vec<CrateFinding>) {
        // Each pair with the crate-wide identities of its held and acquired locks, asked once.
        // Two temporaries of one expression (a snapshot `Stats { a: self.a.read().len(), b:
        // self.b.read().len() }`) hold each other for that expression only, unless they are
        // two instances of one lock (`*a.n.lock() == *b.n.lock()`). Test code sets no
        // order production code must follow, and a deadlock there hangs the test in plain sight.
        let all: Vec<_> = cx
            .held_pairs()
            .into_iter()
            .filter(|p| !p.acquired.in_test)
            .map(|p| {
                let ids = (cx.lock_identity(p.held), cx.lock_identity(p.acquired));
                (p, ids)
            })
            .filter(|(p, (a, b))| !p.sibling || a == b)
            .collect();
        // Only a lock that is itself held, somewhere in the crate, while another lock is taken
        // can close a cycle; a leaf lock taken under others orders nothing (see the docs).
        // Under async guards only, the way back must take an async lock.
        let mut interior = std::collections::BTreeSet::new();
        let mut interior_async = std::collections::BTreeSet::new();
        for (p, (a, _)) in &all {
            // A fn's local lock held while a callee takes its own parameter's of the same type:
            // that may be the same lock handed down (`create_table(.., Arc::clone(&secrets))`),
            // no evidence.
            if p.via.is_some() && cx.maybe_one_local_lock(p.held, p.acquired) {
                continue;
            }
            if let Some(a) = a {
                if !p.acquired_kind.is_blocking() {
                    interior_async.insert(a.clone());
                }
                interior.insert(a.clone());
            }
        }
        // A lock only ever `try_*`-locked makes nobody wait: no cycle passes through it.
        let waited = cx.waited_locks();
        // Which acquisition sites hold only async guards: a thread lock taken there cannot
        // be waited for by its own holder's way back (see the docs).
        let mut async_only: std::collections::HashMap<(usize, u32), bool> =
            std::collections::HashMap::new();
        for (p, _) in &all {
            let only = async_only
                .entry((p.file, p.acquired.region.start_byte))
                .or_insert(true);
            *only &= !p.held_kind.is_blocking();
        }
        let pairs: Vec<_> = all
            .into_iter()
            .filter(|(p, (a, b))| {
                let only_async = async_only
                    .get(&(p.file, p.acquired.region.start_byte))
                    .copied()
                    .unwrap_or(false);
                let ways_back = if only_async {
                    &interior_async
                } else {
                    &interior
                };
                b.as_ref().is_some_and(|b| ways_back.contains(b))
                    && a.as_ref().is_some_and(|a| waited.contains(a))
                    && !(p.acquired_kind.is_thread_lock() && only_async)
            })
            .map(|(p, _)| p)
            .collect();
        // Group the pairs by acquisition site (pairs come out grouped already, in walk order).
        // One call whose callee takes several locks while the same guards are held is one site:
        // its findings merge into the first. `(file, call region, held)` → that finding's index
        // in `out` and the other locks taken through the call.
        type Site = (usize, Region, Vec<String>);
        let mut sites: std::collections::HashMap<Site, (usize, Vec<String>)> =
            std::collections::HashMap::new();
        let mut i = 0;
        while i < pairs.len() {
            let first = &pairs[i];
            let mut j = i;
            let mut held: Vec<(String, Region)> = Vec::new();
            while j < pairs.len()
                && pairs[j].file == first.file
                && pairs[j].acquired.id == first.acquired.id
            {
                let mut name = cx.lock_display_name(pairs[j].held);
                if name == cx.lock_display_name(first.acquired) {
                    // Two instances of one field (`from.balance`, `to.balance`): name them apart.
                    name = format!("{} ({name})", pairs[j].held.receiver_text);
                }
                if !held.iter().any(|(n, _)| *n == name) {
                    held.push((name, pairs[j].held.region));
                }
                j += 1;
            }
            i = j;
            let site: Option<Site> = first.via.is_some().then(|| {
                let held = held.iter().map(|(n, _)| n.clone()).collect();
                (first.file, first.acquired.region, held)
            });
            if let Some(key) = &site
                && let Some((at, more)) = sites.get_mut(key)
            {
                let name = cx.lock_display_name(first.acquired);
                if !more.contains(&name) {
                    more.push(name);
                }
                let related = &mut out[*at].finding.related;
                for r in first.via_related(cx) {
                    if !related.contains(&r) {
                        related.push(r);
                    }
                }
                continue;
            }
            let mut f = finding(cx, first.acquired, &held);
            if let Some(key) = site {
                f.message = f.message.replacen(
                    ": this site",
                    &format!("{}: this site", first.via_text()),
                    1,
                );
                f.related.extend(first.via_related(cx));
                sites.insert(key, (out.len(), Vec::new()));
            }
            out.push(CrateFinding {
                file: first.file,
                finding: f,
            });
        }
        // Each site edits its own finding: the map's order does not show.
        for (at, names) in sites.into_values() {
            if names.is_empty() {
                continue;
            }
            let shown: Vec<String> = names.iter().take(4).map(|n| format!("`{n}`")).collect();
            let list = match names.len() - shown.len() {
                0 => join_names(&shown),
                rest => format!("{}, and {rest} more", shown.join(", ")),
            };
            let plural = if names.len() == 1 { "lock" } else { "locks" };
            let f = &mut out[at].finding;
            f.message = f.message.replacen(
                ": this site",
                &format!(
                    " and {} more {plural} through the same call ({list}): this site",
                    names.len()
                ),
                1,
            );
        }
    }
}

fn finding(cx: &CrateCx, a: &Acquisition, held: &[(String, Region)]) -> Finding {
    let names = held
        .iter()
        .map(|(n, r)| format!("`{n}` (locked at line {})", r.line))
        .collect::<Vec<_>>();
    let verb = if held.len() == 1 { "is" } else { "are" };
    let mut acquired = cx.lock_display_name(a);
    if held
        .iter()
        .any(|(n, _)| n.ends_with(&format!("({acquired})")))
    {
        acquired = format!("{} ({acquired})", a.receiver_text);
    }
    Finding {
        fix: None,
        rule: META.name,
        severity: META.default_severity,
        region: a.region,
        message: format!(
            "{} {verb} held while acquiring `{}`: this site fixes a lock order that every other site must follow",
            join_names(&names),
            acquired,
        ),
        help: "document the lock order (and follow it everywhere), or release the first guard before taking the next / merge the state behind one lock"
            .into(),
        function: a.function.clone(),
        snippet: a.snippet.clone(),
        related: held
            .iter()
            .map(|(n, r)| Related {
                file: None,
                region: *r,
                message: format!("`{n}` locked here, still held"),
            })
            .collect(),
        in_test: a.in_test,
    }
}

fn join_names(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
