//! # lock_order_inversion
//!
//! ## What it does
//! Builds a crate-wide graph of lock orders: an edge A → B for every place where a guard of lock
//! A is alive while lock B is acquired (see `multiple_locks_held` for what counts as alive). Locks
//! are identified by stable names — `Type.field` for struct fields, whatever path reaches them
//! (`self.inner.queue` and `inner.queue` are both `Inner.queue`), the static's name, or the
//! accessor `Type::method()` — so the two halves of an inversion are matched across functions,
//! impl blocks and files. An accessor that returns the guard of a lock it takes as its tail
//! (`fn users() -> RwLockReadGuard<'static, Users> { USERS.get().expect("set").read() }`, a
//! method `self.state.lock().unwrap()`) hands out that lock: `users()` and `mut_users()` are
//! both `USERS`. One whose tail may take either of two locks keeps its own name. Every cycle
//! is reported (but one a gate lock closes, below): each acquisition site on an edge of a
//! cycle (both A → B and B → A for a two-lock cycle, every edge of a longer one) gets a finding
//! that names the other site(s) of the cycle, with their locations as related locations.
//!
//! std, parking_lot and async (tokio/futures) `Mutex`/`RwLock`s all take part (an async mutex
//! taken in opposite orders by two tasks deadlocks just the same). Not part of the graph: locks
//! that cannot be named across functions (a `&Mutex` parameter, a lock reached through a type
//! racewise cannot resolve), `try_lock`/`try_read`/`try_write` (they never wait), `RefCell`,
//! re-acquiring the same lock (A → A), and nesting directly in a method with an exclusive
//! receiver (`&mut self`, `self`, `self: Pin<&mut Self>` as in a `Stream`'s `poll_next`) where
//! either lock is a field the method owns: the lock itself (`closed: Mutex<bool>`) or an `Arc`
//! of one that the crate never hands out and whose struct is not `Clone` (see
//! `check_then_act`; a lock reached through a reference field or a handle newtype may be
//! another holder's). While the method runs no other executor can take that lock, so the
//! nesting closes no cycle. The same holds in any fn for a value it made itself and never
//! clones (`let catalog = Catalog::empty();` filled from a journal before it is handed out;
//! not through an `Arc` field of it, nor where the body may lend it to a scoped thread or
//! rayon). Nesting through a call the method makes still counts. Test code takes no part: a
//! test sets no order the service must follow (it often nests the locks of two instances it
//! built itself), and a deadlock there hangs the test in plain sight. A guard that is a
//! temporary of the statement that takes the other lock (`Stats { a: self.a.lock().len(), b:
//! self.b.lock().len() }`) is held until the statement ends, so it makes an edge here. Read/read edges of `RwLock`s are kept: once
//! a writer is queued on each lock, fair (tokio, parking_lot) and writer-preferring (std on most
//! platforms) locks make the readers wait, and the cycle deadlocks. parking_lot's
//! `read_recursive` is the exception: it waits only while a writer holds the lock, so an edge
//! A → B into a lock taken that way (at every site of the edge) closes no cycle unless some
//! site holds B exclusively while it takes a lock that leads back to A.
//!
//! A gate lock closes no cycle: a site is reported only through a way back whose every edge
//! has a site that can run at the same moment as it, holding none of the locks it holds where
//! either side holds that lock exclusively. When every holder of `groups` also holds the write
//! guard of `experiments`, a reader taking `experiments → groups` cannot meet a holder of
//! `groups` that waits for `updated → experiments`, so that cycle is no deadlock (the
//! `experiments ↔ updated` cycle beside it still is). The gate is matched by the lock's
//! identity, as the edges are, and counts only where it is one object for every executor: a
//! static, or a field of the same struct as the two locks of the site's edge — not each
//! connection's own `Conn.state` around two statics, a `RefCell`, a value the fn owns or a
//! `&mut self` method's own field.
//!
//! A lock taken inside a called fn counts too: a call made while a guard of A is alive, of a
//! sync fn of the same crate that locks B itself or through up to 3 more sync calls
//! (`self.record_order()` under `stock`'s guard, where `record_order` locks `orders`), is an
//! A → B acquisition at the call, and the finding lists the chain as related locations. Calls
//! are followed as the call graph resolves them (module paths, `Self::`, the receiver's type, a
//! trait with one body for the method); trait objects, generic parameters and stored closures
//! end the chain.
//!
//! An awaited async fn counts the same way: its body runs right at the `.await`, so a guard of
//! A alive across `self.log_open(id).await`, where `log_open` locks B (a std, parking_lot or
//! async lock, in its own body or through further sync calls and awaited async fns), is an
//! A → B acquisition at the call. A future only built while A is held (`let f = x.foo();
//! drop(a); f.await`) and a lock the callee takes inside a task it spawns do not count.
//!
//! ## Why is this bad
//! Thread 1 holds A and waits for B while thread 2 holds B and waits for A: neither can proceed,
//! ever. The two halves are usually written months apart, in different files, each correct on its
//! own, and the deadlock needs both to run at the same moment — so it passes every test and
//! freezes production under load.
//!
//! ## Example
//! ```rust,ignore
//! // scheduler.rs
//! fn dispatch(&self) {
//!     let mut queue = self.queue.lock().unwrap();
//!     let mut running = self.running.lock().unwrap(); // queue → running
//!     ..
//! }
//! // reaper.rs
//! fn reap(&self) {
//!     let mut running = self.running.lock().unwrap();
//!     let mut queue = self.queue.lock().unwrap(); // running → queue: deadlock with dispatch
//!     ..
//! }
//! ```
//!
//! ## Use instead
//! ```rust,ignore
//! fn reap(&self) {
//!     // Lock order: queue, then running — everywhere.
//!     let mut queue = self.queue.lock().unwrap();
//!     let mut running = self.running.lock().unwrap();
//!     ..
//! }
//! ```
//! or release one guard before taking the other, or keep both behind one mutex.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::finding::{Finding, Region, Related, Severity};
use crate::lint::{CrateFinding, Hooks, Lint, RuleMeta};
use crate::semantic::{CrateCx, HeldPair};

pub static META: RuleMeta = RuleMeta {
    name: "lock_order_inversion",
    default_severity: Severity::High,
    summary: "two locks taken in opposite orders in different places of the crate",
    source: include_str!("lock_order_inversion.rs"),
};

/// At most this many sites of one edge are listed as related locations of a finding.
const MAX_RELATED_PER_EDGE: usize = 4;

#[derive(Default)]
pub struct LockOrderInversion;

/// One place where edge A → B was established.
#[derive(Debug, Clone)]
struct Site<'a> {
    file: usize,
    pair: HeldPair<'a>,
    /// See [`Holds`].
    holds: Holds,
}

impl Site<'_> {
    fn key(&self, cx: &CrateCx) -> (String, Region) {
        (
            cx.path(self.file).unwrap_or_default().to_string(),
            self.pair.acquired.region,
        )
    }
}

type Edge = (String, String);

impl Lint for LockOrderInversion {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn hooks(&self) -> Hooks {
        Hooks::NONE
    }

    fn check_crate(&self, cx: &CrateCx, out: &mut Vec<CrateFinding>) {
        let mut edges: BTreeMap<Edge, Vec<Site>> = BTreeMap::new();
        let sharing = crate::semantic::locks::Sharing::default();
        for pair in cx.held_pairs() {
            let (Some(from), Some(to)) =
                (cx.lock_identity(pair.held), cx.lock_identity(pair.acquired))
            else {
                continue;
            };
            // A temporary of the same statement is alive until the statement ends: two
            // threads nesting `a` then `b` that way deadlock like any other (no `sibling`
            // exemption here, unlike multiple_locks_held's report of a fixed order).
            if from == to || pair.acquired.in_test {
                continue;
            }
            let holds = holds_at(cx, &sharing, &pair, (&from, &to));
            edges.entry((from, to)).or_default().push(Site {
                file: pair.file,
                pair,
                holds,
            });
        }
        for sites in edges.values_mut() {
            sites.sort_by_key(|s| s.key(cx));
            sites.dedup_by_key(|s| s.key(cx));
        }
        // parking_lot's `read_recursive` waits only while a writer holds the lock, never for a
        // queued one: an edge A → B into it closes a cycle only through a site that holds B
        // exclusively while it takes a lock X that leads back to A.
        let all_succ = successors(&edges);
        let mut inert: BTreeSet<Edge> = BTreeSet::new();
        for ((from, to), sites) in &edges {
            if !sites
                .iter()
                .all(|s| cx.recursive_read_acquisition(s.pair.acquired))
            {
                continue;
            }
            let writer_closes = edges.iter().any(|((b, x), writers)| {
                b == to
                    && writers.iter().any(|w| !cx.shared_acquisition(w.pair.held))
                    && (x == from || shortest_path(&all_succ, x, from).is_some())
            });
            if !writer_closes {
                inert.insert((from.clone(), to.clone()));
            }
        }
        edges.retain(|edge, _| !inert.contains(edge));
        let gated = edges.values().flatten().any(|s| s.holds.len() > 1);
        let succ = successors(&edges);
        // The graph a site closes its cycle in, per distinct set of locks held (see below).
        let mut live_by_holds: BTreeMap<&Holds, BTreeMap<&str, BTreeSet<&str>>> = BTreeMap::new();
        for ((from, to), sites) in &edges {
            // The shortest way back from `to` to `from` closes the cycle through this edge.
            if shortest_path(&succ, to, from).is_none() {
                continue;
            }
            for site in sites {
                // A gate lock: the way back only through edges with a site that can run at
                // the same time as this one, holding no lock this one holds (exclusively on
                // either side). Every holder of `groups` also holds `experiments`' write guard,
                // so `experiments → groups` closes no cycle through `groups → updated`.
                let own = &site.holds;
                let concurrent_with = |o: &Site| !gated || concurrent(own, &o.holds);
                let live = if gated {
                    live_by_holds.entry(own).or_insert_with(|| {
                        let mut succ: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
                        for ((a, b), others) in &edges {
                            if others.iter().any(concurrent_with) {
                                succ.entry(a.as_str()).or_default().insert(b.as_str());
                            }
                        }
                        succ
                    })
                } else {
                    &succ
                };
                let Some(back) = shortest_path(live, to, from) else {
                    continue;
                };
                let cycle_edges: Vec<Edge> = back
                    .windows(2)
                    .map(|w| (w[0].to_string(), w[1].to_string()))
                    .collect();
                // The other sites a finding names: those of the cycle's edges that can meet it.
                let named: BTreeMap<Edge, Vec<Site>> = cycle_edges
                    .iter()
                    .filter_map(|e| {
                        let others: Vec<Site> = edges
                            .get(e)?
                            .iter()
                            .filter(|o| concurrent_with(o))
                            .cloned()
                            .collect();
                        Some((e.clone(), others))
                    })
                    .collect();
                let mut cycle_names = vec![from.as_str()];
                cycle_names.extend(back.iter().copied());
                out.push(CrateFinding {
                    file: site.file,
                    finding: finding(cx, site, &cycle_names, &cycle_edges, &named),
                });
            }
        }
    }
}

/// The locks a site holds while it acquires, by identity, each with whether it is held
/// exclusively (a mutex, a write guard) or shared (a read guard). Only locks that can gate
/// another site: one object for every executor (not a `RefCell`, a value the fn owns, a `&mut
/// self` method's own field), and either a static or a field of the same struct as both locks
/// of the site's edge (`Config.experiments` for `Config.groups → Config.updated`): a field of
/// another owner may be another instance's (each connection's `Conn.gate`), which gates
/// nothing across instances.
type Holds = BTreeMap<String, bool>;

fn holds_at<'a>(
    cx: &CrateCx<'a>,
    sharing: &crate::semantic::locks::Sharing<'a>,
    pair: &HeldPair,
    (from, to): (&str, &str),
) -> Holds {
    let owner = |id: &str| id.rsplit_once('.').map(|(o, _)| o.to_string());
    let edge_owner = owner(from).filter(|o| owner(to).as_ref() == Some(o));
    let mut out = Holds::new();
    for &g in &pair.acquired.held {
        let Some(h) = cx.acquisition(pair.file, g) else {
            continue;
        };
        if !cx.maybe_shared_lock(sharing, h) {
            continue;
        }
        let Some(id) = cx.lock_identity(h) else {
            continue;
        };
        let same_object = match owner(&id) {
            None => true,
            Some(o) => edge_owner.as_ref() == Some(&o),
        };
        if same_object {
            *out.entry(id).or_default() |= !cx.shared_acquisition(h);
        }
    }
    out
}

/// Two sites can both be at their acquisition at once: no lock is held by both with either
/// holding it exclusively.
fn concurrent(a: &Holds, b: &Holds) -> bool {
    a.iter()
        .all(|(id, excl)| b.get(id).is_none_or(|other| !(*excl || *other)))
}

/// Each lock's successors in the lock-order graph.
fn successors<V>(edges: &BTreeMap<Edge, V>) -> BTreeMap<&str, BTreeSet<&str>> {
    let mut succ: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (from, to) in edges.keys() {
        succ.entry(from.as_str()).or_default().insert(to.as_str());
    }
    succ
}

/// Breadth-first shortest path `start` → `goal` (inclusive), deterministic by name order.
fn shortest_path<'g>(
    succ: &BTreeMap<&'g str, BTreeSet<&'g str>>,
    start: &'g str,
    goal: &str,
) -> Option<Vec<&'g str>> {
    let mut prev: BTreeMap<&str, &str> = BTreeMap::new();
    let mut seen: BTreeSet<&str> = BTreeSet::from([start]);
    let mut queue = VecDeque::from([start]);
    while let Some(n) = queue.pop_front() {
        if n == goal {
            let mut path = vec![n];
            let mut cur = n;
            while let Some(&p) = prev.get(cur) {
                path.push(p);
                cur = p;
            }
            path.reverse();
            return Some(path);
        }
        for &m in succ.get(n).into_iter().flatten() {
            if seen.insert(m) {
                prev.insert(m, n);
                queue.push_back(m);
            }
        }
    }
    None
}

fn location(cx: &CrateCx, site: &Site) -> String {
    let path = cx.path(site.file).unwrap_or("?");
    let region = site.pair.acquired.region;
    match &site.pair.acquired.function {
        Some(f) => format!("{path}:{} ({f})", region.line),
        None => format!("{path}:{}", region.line),
    }
}

fn finding(
    cx: &CrateCx,
    site: &Site,
    cycle_names: &[&str],
    cycle_edges: &[Edge],
    edges: &BTreeMap<Edge, Vec<Site>>,
) -> Finding {
    let a = site.pair.acquired;
    let held_name = cx.lock_display_name(site.pair.held);
    let acq_name = cx.lock_display_name(a);
    let mut related = vec![Related {
        file: None,
        region: site.pair.held.region,
        message: format!("`{held_name}` locked here, still held"),
    }];
    let mut others = Vec::new();
    for edge in cycle_edges {
        let Some(sites) = edges.get(edge) else {
            continue;
        };
        if let Some(first) = sites.first() {
            others.push(format!(
                "`{}` is held while acquiring `{}` at {}",
                edge.0,
                edge.1,
                location(cx, first)
            ));
        }
        for other in sites.iter().take(MAX_RELATED_PER_EDGE) {
            related.push(Related {
                file: if other.file == site.file {
                    None
                } else {
                    cx.path(other.file).map(str::to_string)
                },
                region: other.pair.acquired.region,
                message: format!("`{}` held while acquiring `{}` here", edge.0, edge.1),
            });
        }
    }
    related.extend(site.pair.via_related(cx));
    let cycle = cycle_names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(" → ");
    Finding {
        fix: None,
        rule: META.name,
        severity: META.default_severity,
        region: a.region,
        message: format!(
            "`{held_name}` is held while acquiring `{acq_name}` here{}, but {}: lock-order cycle {cycle} can deadlock",
            site.pair.via_text(),
            others.join(", and ")
        ),
        help: "pick one global order for these locks and take them in that order everywhere (or release one guard before taking the other)"
            .into(),
        function: a.function.clone(),
        snippet: a.snippet.clone(),
        related,
        in_test: a.in_test,
    }
}
