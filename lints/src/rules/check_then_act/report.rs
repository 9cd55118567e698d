//! The finding for a judged act: where it is reported, and what it says.

use super::policy::Act;
use crate::finding::{Finding, Related};
use crate::lint::RuleMeta;
use crate::semantic::{AccessTarget, CrateCx, GatedAct, StateAccess};

/// How an access reads in a message: `` `insert` ``, "a read of `.available`", "an assignment".
fn describe(a: &StateAccess) -> String {
    match (a.op.as_str(), &a.field) {
        ("field", Some(f)) => format!("a read of `.{f}`"),
        ("field" | "deref", _) => "a read".into(),
        ("assign", Some(f)) => format!("an assignment to `.{f}`"),
        ("assign", None) => "an assignment".into(),
        ("compound", Some(f)) => format!("an update of `.{f}`"),
        ("compound", None) => "an update".into(),
        (m, _) => format!("`{m}`"),
    }
}

pub fn finding(cx: &CrateCx, g: &GatedAct, act: Act, meta: &'static RuleMeta) -> Finding {
    let (r, w) = (g.check, g.act);
    let name = match (&w.target, g.act_acq) {
        (AccessTarget::Atomic(t), _) => t.clone(),
        (_, Some(b)) => b.receiver_text.clone(),
        _ => String::new(),
    };
    let check_line = r.region.line;
    let (rd, wd) = (describe(r), describe(w));
    let (message, help) = match act {
        Act::Update => (
            format!(
                "`{name}` is checked at line {check_line} ({rd}) and modified ({wd}) under this separate acquisition: another thread can change it in between"
            ),
            "check and act under one guard (keep the first guard and reuse it, or use `entry()`), or re-check the condition after re-acquiring",
        ),
        Act::GetOrCreate => (
            format!(
                "`{name}` is looked up under one acquisition (line {check_line}) and, on a miss, filled ({wd}) under this separate one: concurrent misses each create and insert, so callers can end up with different instances"
            ),
            "get-or-create under one guard: `entry(key).or_insert_with(..)` (or re-check after re-acquiring)",
        ),
        Act::Claim if matches!(w.target, AccessTarget::Atomic(_)) => (
            format!(
                "`{name}` is loaded in a condition (line {check_line}) and claimed with `store` here: two threads can both see the old value and both proceed"
            ),
            "claim the flag with one atomic operation: `swap(true, ..)` or `compare_exchange`, and act on its result",
        ),
        Act::Claim => (
            format!(
                "`{name}` is checked at line {check_line} and claimed ({wd}) under this separate acquisition: two callers can both see the old value and both proceed"
            ),
            "test and set under one guard (`let mut g = ..write(); if *g { return } *g = true;`), or use an `AtomicBool::swap`",
        ),
        Act::LostUpdate => (
            format!(
                "`{name}` is stored from the value loaded at line {check_line}: an update made in between is lost"
            ),
            "use one atomic read-modify-write: `fetch_update`, `fetch_add` or a `compare_exchange` loop",
        ),
        Act::Counter => (
            format!(
                "`{name}` is checked at line {check_line} and changed with `{}` separately: concurrent callers all pass the check",
                w.op
            ),
            "bump only below the limit in one step: `fetch_update` (or a `compare_exchange` loop)",
        ),
    };
    let mut related = vec![Related {
        file: None,
        region: r.region,
        message: format!("`{name}` checked here ({rd}), then released"),
    }];
    let (region, snippet, function, message) = match (g.via, &w.target, g.act_acq) {
        (Some(c), _, _) => {
            related.push(Related {
                file: (g.act_file != g.file)
                    .then(|| cx.path(g.act_file).map(str::to_string))
                    .flatten(),
                region: w.region,
                message: format!("modified here ({wd}) under its own acquisition"),
            });
            let callee = crate::semantic::syntax::last_segment(&c.callee);
            (
                c.region,
                c.snippet.clone(),
                r.function.clone(),
                format!("{message} (in `{callee}`, called here)"),
            )
        }
        (None, AccessTarget::Guard(_), Some(b)) => {
            (b.region, b.snippet.clone(), b.function.clone(), message)
        }
        _ => (w.region, w.snippet.clone(), w.function.clone(), message),
    };
    Finding {
        fix: None,
        rule: meta.name,
        severity: meta.default_severity,
        region,
        message,
        help: help.into(),
        function,
        snippet,
        related,
        in_test: w.in_test,
    }
}
