//! Finalisation: every finding becomes a report finding under the configuration's severity,
//! suppressed or not; then fingerprints, the baseline and a stable order.

use racewise_lints::registry;
use racewise_lints::{Finding, Severity};

use crate::config::Config;
use crate::discover::SourceFile;
use crate::report::{FindingState, RelatedLocation, ReportFinding};
use crate::suppress::Suppression;

pub(super) fn suppressed_by(f: &Finding, sups: &mut [Suppression]) -> bool {
    let mut hit = false;
    for s in sups.iter_mut() {
        if s.covers(f.rule, f.region.line) {
            s.used = true;
            hit = true;
        }
    }
    hit
}

pub(super) fn unused_finding(s: &Suppression, all_ran: bool) -> Option<Finding> {
    let meta = &racewise_lints::rules::unused_suppression::META;
    let unknown: Vec<&String> = s
        .rules
        .iter()
        .filter(|r| registry::find(r).is_none())
        .collect();
    let (message, help) = if let Some(why) = &s.malformed {
        (
            format!("malformed racewise suppression: {why}"),
            "write it as `// racewise: allow(rule_name) -- why this is safe`".to_string(),
        )
    } else if !unknown.is_empty() {
        (
            format!(
                "suppression names unknown rule(s): {}",
                unknown
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            format!("valid rules: {}", registry::names().join(", ")),
        )
    } else if !s.used && all_ran {
        (
            format!("suppression of {} suppresses nothing", s.rules.join(", ")),
            "remove it (the code it was written for has changed)".to_string(),
        )
    } else if s.reason.is_none() {
        (
            "suppression has no reason".to_string(),
            "say why after `--`: `// racewise: allow(rule) -- why this is safe`".to_string(),
        )
    } else {
        return None;
    };
    let region = s.region();
    Some(Finding {
        rule: meta.name,
        severity: meta.default_severity,
        region,
        message,
        help,
        function: None,
        snippet: s.snippet.clone(),
        related: Vec::new(),
    })
}

pub(super) fn to_report(
    file: &SourceFile,
    f: Finding,
    state: FindingState,
    config: &Config,
) -> ReportFinding {
    let severity: Severity = config.severity_at(f.rule, &file.rel).unwrap_or(f.severity);
    let related = f
        .related
        .iter()
        .map(|r| RelatedLocation {
            file: r.file.clone().unwrap_or_else(|| file.rel.clone()),
            line: r.region.line,
            column: r.region.column,
            end_line: r.region.end_line,
            end_column: r.region.end_column,
            message: r.message.clone(),
        })
        .collect();
    ReportFinding {
        rule: f.rule,
        severity,
        file: file.rel.clone(),
        line: f.region.line,
        column: f.region.column,
        end_line: f.region.end_line,
        end_column: f.region.end_column,
        message: f.message,
        help: f.help,
        function: f.function,
        fingerprint: String::new(),
        related,
        state,
        region: f.region,
        snippet: f.snippet,
    }
}
