//! Which decided writes are acts: the rule's policy over the shared model's candidates
//! (`CrateCx::gated_acts`). See the rule's docs for the reasons.

use crate::semantic::locks::Sharing;
use crate::semantic::{AccessKind, AccessTarget, CrateCx, Decision, FileFacts, GatedAct, Written};

/// What kind of check-then-act a candidate is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    /// Locked state modified after a check under another acquisition.
    Update,
    /// A miss of a lookup filled with a value that has an identity of its own.
    GetOrCreate,
    /// An atomic flag claimed with `load` then `store(constant)`.
    Claim,
    /// An atomic stored from a value computed from its own earlier load.
    LostUpdate,
    /// An atomic counter bumped (`fetch_add`/`fetch_sub`) after a separate check.
    Counter,
}

/// A check by key: `entry()` after one looks the key up again under its own guard.
const KEY_LOOKUPS: &[&str] = &["contains_key", "contains", "get", "get_key_value"];

/// A constant stored after a check claims something when the check guards work (or tells the
/// caller it won): two racers both do the work. Otherwise every racer stores the same value,
/// and a constant the condition compared with is stored whatever happened in between.
///
/// Storing the idle value (`false`, `None`, `0`) releases rather than claims: after `if
/// !running.load(..) { return }` a `stop()` tears down, and racing stops repeat a teardown
/// (stop the same loops, send the same signal) instead of starting two of anything; a
/// counter or timestamp reset to `0` after `if w.load(..) == 0 { return }` is the same.
///
/// A constant stored right before leaving (`SHUTDOWN.store(true, ..); break;` in an error
/// branch of a loop that polls `SHUTDOWN`, or as the last statement of a failure branch that
/// ends the body) raises a signal on the way out: nothing after it on
/// that path relies on having won, so it claims nothing unless the caller is told the outcome.
fn claims(cx: &CrateCx, g: &GatedAct, constant: &str) -> bool {
    let d = g.decision;
    !matches!(constant, "false" | "None" | "0")
        && !d.idents.iter().any(|i| i == constant)
        && (d.reports_outcome || (!g.act.then_leaves && cx.decides_work(g.act_file, d, g.act)))
}

/// The decision also decides a write of other state that is not a constant or a timestamp
/// (`queue.push_back(id)`, `unique.fetch_add(1, ..)`): two racers both make it.
fn decides_other_writes(cx: &CrateCx, g: &GatedAct) -> bool {
    let Some(file) = cx.files.get(g.act_file) else {
        return true;
    };
    file.accesses.iter().any(|a| {
        a.id != g.act.id
            && a.kind == AccessKind::Write
            && a.body == g.decision.body
            && g.decision.gates(&a.region)
            && !(matches!(a.op.as_str(), "store" | "assign")
                && matches!(a.written, Written::Constant(_) | Written::Clock))
    })
}

/// A removal from locked state whose result decides what follows (`pop_front`, `pop_lru`,
/// `remove`, `take`, `swap_remove`).
fn is_removal(op: &str) -> bool {
    op.starts_with("pop") || op.starts_with("remove") || matches!(op, "take" | "swap_remove")
}

/// `if let Some(e) = lru.write().pop_front() { used.fetch_sub(e.size, ..) }`: a decrement that a
/// successful removal from locked state decides accounts for what that removal took out. Each
/// racer subtracts only what it removed itself, so the counter follows the contents whatever
/// the earlier check saw; an increment so decided still claims room the check saw free.
fn accounts_for_removal(cx: &CrateCx, g: &GatedAct) -> bool {
    let Some(file) = cx.files.get(g.act_file) else {
        return false;
    };
    other_gates(file, g).any(|d| {
        d.reads.iter().any(|&a| {
            file.accesses.get(a as usize).is_some_and(|a| {
                a.decided && matches!(a.target, AccessTarget::Guard(_)) && is_removal(&a.op)
            })
        })
    })
}

/// The decisions of the act's body, other than the check's, that gate the act.
fn other_gates<'f>(file: &'f FileFacts, g: &'f GatedAct) -> impl Iterator<Item = &'f Decision> {
    file.decisions
        .iter()
        .filter(|d| !std::ptr::eq(*d, g.decision) && d.body == g.act.body && d.gates(&g.act.region))
}

/// The check's own guard records the decision before it is dropped (`match *state { Running =>
/// return .., _ => {} } *state = Starting;` in one acquisition): a second caller sees the claim
/// and leaves, so a later write under another acquisition finishes (or undoes) a transition
/// only the claimer makes.
fn claimed_under_check(cx: &CrateCx, g: &GatedAct) -> bool {
    let (Some(file), AccessTarget::Guard(_)) = (cx.files.get(g.file), &g.check.target) else {
        return false;
    };
    if claiming_check(g) {
        return true;
    }
    file.accesses.iter().any(|a| {
        a.target == g.check.target
            && a.kind == AccessKind::Write
            // A state recorded (`*state = Starting`) or a reservation made (`insert(id, ..)`);
            // a removal, `clear` or `retain` claims nothing a second caller would see.
            && (matches!(a.written, Written::Constant(_)) || a.op == "insert")
            && a.body == g.check.body
            && a.region.start_byte > g.check.region.start_byte
            && g.decision.gates(&a.region)
            && (a.field.is_none() || g.act.field.is_none() || a.field == g.act.field)
    })
}

/// `if !guard.try_mark(&hash, now) { return Err(Duplicate) }`: a `try_` method of the guarded
/// value named for claiming (`Decision::try_claim`) that the condition tests is the claim
/// itself (it marks, reserves or inserts and says whether this caller got it). A write on the
/// path where the claim succeeded finishes or undoes this caller's own claim; one on the path
/// where it failed (`if g.try_renew(k) { return } .. g.insert(k, fresh)`) is the race.
fn claiming_check(g: &GatedAct) -> bool {
    let d = g.decision;
    let Some(negated) = d.try_claim else {
        return false;
    };
    if !g.check.op.starts_with("try_") {
        return false;
    }
    let at = g
        .via
        .map_or(g.act.region.start_byte, |c| c.region.start_byte);
    // The branch the condition picks: the first decided range after the condition.
    let then_branch = d
        .gated
        .iter()
        .filter(|(s, _)| *s >= d.region.end_byte)
        .min_by_key(|(s, _)| *s);
    let in_then = then_branch.is_some_and(|&(s, e)| at >= s && at < e);
    in_then != negated
}

/// `if self.full.load(..) { return } let mut fetched = self.fetched.lock(); if
/// fetched.contains(r) { return } .. if fetched.len() == total { self.full.store(true, ..) }`:
/// double-checked locking with the flag as its fast path. Under a guard alive at the store, one
/// condition re-checks the locked state before the work and another decides the store from
/// it: racers that passed the load take turns under that guard and each re-decides, so the
/// flag only records what the locked state says.
fn latched_under_guard(cx: &CrateCx, g: &GatedAct) -> bool {
    let Some(file) = cx.files.get(g.act_file) else {
        return false;
    };
    let w = g.act;
    let reads_held_guard = |d: &Decision| {
        d.reads.iter().any(|&a| {
            file.accesses.get(a as usize).is_some_and(
                |a| matches!(a.target, AccessTarget::Guard(id) if w.held.contains(&id)),
            )
        })
    };
    other_gates(file, g).filter(|d| reads_held_guard(d)).count() >= 2
}

pub fn judge<'a>(cx: &CrateCx<'a>, sharing: &Sharing<'a>, g: &GatedAct) -> Option<Act> {
    let (d, r, w) = (g.decision, g.check, g.act);
    if cx.unshared_local(g)
        || cx.serialized_by_fn_guard(g)
        || cx.serialized_by_callers(g.file, d)
        || cx.runs_once_at_startup(g.file, d)
    {
        return None;
    }
    match &w.target {
        AccessTarget::Guard(_) => {
            let b = g.act_acq?;
            if claimed_under_check(cx, g) {
                return None;
            }
            if sharing.owns(cx, b.exclusive_root.as_ref()) {
                return None;
            }
            if w.op == "entry" && KEY_LOOKUPS.contains(&r.op.as_str()) {
                return None;
            }
            if let Written::Constant(c) = &w.written {
                return claims(cx, g, c).then_some(Act::Claim);
            }
            // `if new == *g { return } *g = new`: the check only skips a write that would
            // change nothing; every racer stores its own value whatever the check saw.
            if let Written::Local(v) = &w.written
                && d.compared.contains(v)
                && !d.reports_outcome
                && !cx.decides_work(g.act_file, d, g.act)
            {
                return None;
            }
            // The same, with the stored value built from every compared local
            // (`if dim == p.dim && pos == p.pos { return false } *p = Some(Point { dim, pos, ..
            // })`): a `bool` it returns says whether this call's value differed, and two
            // racers with one value both hear "changed" for the same write.
            if let Written::Built(names, value_end) = &w.written
                && !d.compared.is_empty()
                && d.compared.iter().all(|c| names.contains(c))
                && !cx.decides_work_beside(g.act_file, d, g.act, *value_end)
            {
                return None;
            }
            // `drivers.retain(|d| !d.is_gone())`, `queue.sort_by_key(..)`: the act decides
            // each element for itself under its own guard, and a second run changes nothing
            // the first left, so it relies on nothing the earlier check saw (a predicate over
            // other values, `retain(|_, q| q.front() != Some(first))`, is no such act).
            if w.written == Written::SelfDecided {
                return None;
            }
            // A release, like storing `None`: racers remove the same key, the later ones find
            // nothing (a removal whose result is used, `map.remove(&k).unwrap()`, stays).
            if w.written == Written::KeyRemoved {
                return None;
            }
            // `if !set.contains(&k) { set.insert(k); .. }`: every racer inserts the same
            // element, and the set ends as one insert leaves it. Only where the check chooses
            // nothing else: a statement `if` that neither leaves nor yields a value, and no work.
            if w.written == Written::KeyInserted
                && r.op == "contains"
                && r.key.is_some()
                && r.key == w.key
                && d.side_effects_only
                && !cx.decides_work(g.act_file, d, g.act)
                && !decides_other_writes(cx, g)
            {
                return None;
            }
            // `*backoff.lock() = Instant::now() + retry_after; return Err(..)`: a timestamp
            // recorded on the way out of a failure claims nothing; racers each record theirs.
            if w.written == Written::Clock && w.then_errs && !d.reports_outcome {
                return None;
            }
            if d.memo {
                return (w.written == Written::Identity).then_some(Act::GetOrCreate);
            }
            Some(Act::Update)
        }
        AccessTarget::Atomic(_) => {
            if sharing.owns(cx, w.exclusive_root.as_ref()) {
                return None;
            }
            match w.op.as_str() {
                "store" => match &w.written {
                    Written::Constant(_) if latched_under_guard(cx, g) => None,
                    Written::Constant(c) => claims(cx, g, c).then_some(Act::Claim),
                    _ => {
                        let file = cx.files.get(g.act_file)?;
                        w.value_reads
                            .iter()
                            .filter_map(|&v| file.accesses.get(v as usize))
                            .any(|v| v.target == w.target)
                            .then_some(Act::LostUpdate)
                    }
                },
                "fetch_sub" if accounts_for_removal(cx, g) => None,
                "fetch_add" | "fetch_sub" => Some(Act::Counter),
                _ => None,
            }
        }
    }
}
