//! What a run found, in a few lines: the per-rule table that ends the human report and is all
//! `--statistics` prints, the one-line totals, and the short summary printed to stderr when the
//! report itself goes to a file (so a CI log always says why a step failed).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use racewise_lints::Severity;

use super::{FindingState, Report, ReportFinding};

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Per rule: count and most severe severity of the findings that count, most severe first,
/// then most frequent, then by name.
pub fn by_rule(report: &Report) -> Vec<(&'static str, Severity, usize)> {
    let mut rules: BTreeMap<&'static str, (Severity, usize)> = BTreeMap::new();
    for f in report.active() {
        let e = rules.entry(f.rule).or_insert((f.severity, 0));
        e.1 += 1;
        if f.severity.rank() > e.0.rank() {
            e.0 = f.severity;
        }
    }
    let mut rows: Vec<_> = rules.into_iter().map(|(r, (s, n))| (r, s, n)).collect();
    rows.sort_by(|a, b| (b.1.rank(), b.2).cmp(&(a.1.rank(), a.2)).then(a.0.cmp(b.0)));
    rows
}

/// The per-rule table (`count  severity  rule  group`), empty when nothing counts.
pub fn rule_table(report: &Report) -> String {
    let rows = by_rule(report);
    let mut out = String::new();
    if rows.is_empty() {
        return out;
    }
    let width = rows.iter().map(|r| r.0.len()).max().unwrap_or(4).max(4);
    let count_w = rows
        .iter()
        .map(|r| r.2.to_string().len())
        .max()
        .unwrap_or(1)
        .max(5);
    let _ = writeln!(
        out,
        "{:>count_w$}  {:8}  {:width$}  group",
        "count", "severity", "rule"
    );
    for (rule, sev, n) in rows {
        let group = crate::groups::group_of(rule).unwrap_or("");
        let _ = writeln!(
            out,
            "{n:>count_w$}  {:8}  {rule:width$}  {group}",
            sev.as_str()
        );
    }
    out
}

/// `racewise: 3 findings (critical: 1, ...) in 2 files scanned, ...` and, if any, the line about
/// baseline entries that no longer match.
pub fn totals(report: &Report) -> String {
    let s = &report.summary;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "racewise: {}{} (critical: {}, high: {}, medium: {}, low: {}) in {} scanned{}{}{}",
        plural(s.findings, "finding", "findings"),
        if s.in_test == 0 {
            String::new()
        } else {
            format!(", {} in test code", s.in_test)
        },
        s.by_severity.critical,
        s.by_severity.high,
        s.by_severity.medium,
        s.by_severity.low,
        plural(s.files_scanned, "file", "files"),
        if report.errors.is_empty() {
            String::new()
        } else {
            format!(", {} error(s)", report.errors.len())
        },
        if s.suppressed == 0 {
            String::new()
        } else {
            format!(", {} suppressed", s.suppressed)
        },
        if s.baseline == 0 {
            String::new()
        } else {
            format!(", {} in baseline", s.baseline)
        },
    );
    if s.baseline_fixed > 0 {
        let _ = writeln!(
            out,
            "racewise: {} baseline entr{} no longer match any finding (fixed): regenerate the baseline to prune them",
            s.baseline_fixed,
            if s.baseline_fixed == 1 { "y" } else { "ies" },
        );
    }
    out
}

/// One line per finding: `path:line:col: severity rule: message` (`--format concise`, and the
/// most severe findings in the stderr summary).
pub fn concise_line(f: &ReportFinding) -> String {
    let mut line = format!(
        "{}:{}:{}: {} {}: {}",
        f.file,
        f.line,
        f.column,
        f.severity.as_str(),
        f.rule,
        f.message.replace('\n', " ")
    );
    match f.state {
        FindingState::New => {}
        FindingState::Baseline => line.push_str(" [baseline]"),
        FindingState::Suppressed => line.push_str(" [suppressed]"),
    }
    line
}

/// Findings shown in the stderr summary.
pub const TOP: usize = 5;

/// The summary for stderr when the report went to a file: totals, the most severe few findings,
/// where the report is.
pub fn for_log(report: &Report, destinations: &[String]) -> String {
    let mut out = totals(report);
    let mut top: Vec<&ReportFinding> = report.active().collect();
    top.sort_by_key(|f| std::cmp::Reverse(f.severity.rank()));
    for f in top.iter().take(TOP) {
        let _ = writeln!(out, "  {}", concise_line(f));
    }
    if top.len() > TOP {
        let _ = writeln!(out, "  ... and {} more", top.len() - TOP);
    }
    for e in report.errors.iter().take(TOP) {
        let _ = writeln!(out, "  {}: {}: {}", e.file, e.kind.as_str(), e.message);
    }
    if !destinations.is_empty() {
        let _ = writeln!(
            out,
            "racewise: report written to {}",
            destinations.join(", ")
        );
    }
    out
}
