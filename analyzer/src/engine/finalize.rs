//! Finalisation: the configuration's per-path overrides and severities, suppressions, a stable
//! order, fingerprints and the baseline, and everything the reporters get.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use racewise_lints::{Finding, Severity};
use rayon::prelude::*;

use crate::config::{Config, TestMode};
use crate::discover::{Discovered, SourceFile};
use crate::fingerprint;
use crate::report::{FindingState, RelatedLocation, Report, ReportFinding};
use crate::suppress;

use super::Options;
use super::crate_phase::CrateFindings;
use super::file_pipeline::FileOutcome;

/// What a run hands the reporters.
pub(super) struct Finished {
    pub(super) root: std::path::PathBuf,
    pub(super) report: Report,
    pub(super) sources: BTreeMap<String, Arc<str>>,
    pub(super) skipped_macros: usize,
    pub(super) unresolved: Unresolved,
    pub(super) call_graph_secs: f64,
}

/// What name resolution left unknown, so rules stayed silent (`--verbose`): the next gap to
/// close is visible.
#[derive(Debug, Clone, Copy, Default)]
pub struct Unresolved {
    /// Calls whose callee is a bare name nothing in scope declares (blocking, exit rules).
    pub calls: usize,
    /// Lock-like calls whose receiver type stayed unknown (lock rules).
    pub lock_receivers: usize,
    /// Call sites the call graph resolved to a workspace fn.
    pub graph_resolved: usize,
    /// Call sites the call graph could not follow (trait objects, generics, untyped receivers).
    pub graph_unknown: usize,
}

pub(super) fn finish(
    pool: &rayon::ThreadPool,
    found: Discovered,
    mut outcomes: Vec<FileOutcome>,
    crate_findings: CrateFindings,
    opts: &Options,
) -> Finished {
    let CrateFindings {
        mut per_file,
        manifests,
        errors: crate_errors,
        unresolved_lock_receivers,
        calls: graph_calls,
        call_graph_secs,
    } = crate_findings;
    let mut unresolved = Unresolved {
        calls: 0,
        lock_receivers: unresolved_lock_receivers,
        graph_resolved: graph_calls.resolved,
        graph_unknown: graph_calls.unknown,
    };
    let mut errors = found.errors;
    errors.extend(crate_errors);
    let mut sources = BTreeMap::new();
    let mut skipped_macros = 0;
    for (file, o) in found.files.iter().zip(&outcomes) {
        errors.extend(o.errors.iter().cloned());
        if let Some(t) = &o.text {
            sources.insert(file.rel.clone(), t.clone());
        }
        skipped_macros += o.facts.as_ref().map_or(0, |f| f.skipped_macros);
        unresolved.calls += o.facts.as_ref().map_or(0, |f| f.unresolved_calls);
    }

    let selection = opts.selection();
    let mut findings = Vec::new();
    for (i, file) in found.files.iter().enumerate() {
        let mut list = std::mem::take(&mut per_file[i]);
        // Per-path overrides: a rule switched off for this file reports nothing here.
        list.retain(|f| selection.active_at(f.rule, &file.rel));
        if opts.config.tests == TestMode::Skip {
            list.retain(|f| !f.in_test);
        }
        let mut sups = std::mem::take(&mut outcomes[i].suppressions);
        // Suppression findings are produced after the others, and are never themselves suppressed.
        // A call the rule reports itself (a configured blocking path) is not reported again
        // through the call graph ("calls `Db::get` (..), which calls .."): the direct finding,
        // with no chain, sorts first and stays.
        let chained = |f: &Finding| f.message.starts_with("calls `");
        list.sort_by(|a, b| {
            (a.region, a.rule, chained(a), a.related.len()).cmp(&(
                b.region,
                b.rule,
                chained(b),
                b.related.len(),
            ))
        });
        list.dedup_by(|a, b| {
            a.region == b.region
                && a.rule == b.rule
                && (a.message == b.message || a.message.starts_with("calls `"))
        });
        for f in list {
            let state = if suppress::mark_covering(&mut sups, &f) {
                FindingState::Suppressed
            } else {
                FindingState::New
            };
            findings.push(to_report(file, f, state, &opts.config));
        }
        for f in suppress::unused_findings(&sups, |rule| selection.active_at(rule, &file.rel)) {
            findings.push(to_report(file, f, FindingState::New, &opts.config));
        }
    }
    // Every file's facts, freed on the workers: dropping them one by one was a serial tail of
    // the run.
    pool.install(|| outcomes.into_par_iter().for_each(drop));
    for (file, text, list) in manifests {
        for f in list {
            findings.push(to_report(&file, f, FindingState::New, &opts.config));
        }
        sources.insert(file.rel, text);
    }
    findings.retain(|f| selection.active_at(f.rule, &f.file));
    findings.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.rule, &a.message)
            .cmp(&(&b.file, b.line, b.column, b.rule, &b.message))
    });
    fingerprint::assign(&mut findings);
    let baseline_fixed = opts
        .baseline
        .as_ref()
        .map_or(0, |base| mark_baseline(&mut findings, base));
    errors.sort();
    errors.dedup();
    // A file racewise could not parse is never edited: its findings (suppressions it could
    // still read) offer no fix.
    let unparsed: std::collections::BTreeSet<&str> = errors
        .iter()
        .filter(|e| e.kind == crate::error::ErrorKind::ParseError)
        .map(|e| e.file.as_str())
        .collect();
    for f in findings
        .iter_mut()
        .filter(|f| unparsed.contains(f.file.as_str()))
    {
        f.fix = None;
    }
    let report = Report::new(findings, errors, found.files.len(), baseline_fixed);
    Finished {
        root: found.root,
        report,
        sources,
        skipped_macros,
        unresolved,
        call_graph_secs,
    }
}

/// Marks the new findings the baseline knows; how many of its fingerprints matched nothing.
fn mark_baseline(findings: &mut [ReportFinding], base: &BTreeSet<String>) -> usize {
    let mut matched = BTreeSet::new();
    for f in findings.iter_mut() {
        if f.state == FindingState::New && base.contains(&f.fingerprint) {
            f.state = FindingState::Baseline;
            matched.insert(f.fingerprint.clone());
        }
    }
    base.len() - matched.len()
}

fn to_report(file: &SourceFile, f: Finding, state: FindingState, config: &Config) -> ReportFinding {
    let mut severity: Severity = config.severity_at(f.rule, &file.rel).unwrap_or(f.severity);
    if f.in_test && config.tests == TestMode::Lower {
        severity = severity.lowered();
    }
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
        message: crate::report::tidy::message(f.rule, f.message),
        help: f.help,
        function: f.function,
        fingerprint: String::new(),
        related,
        state,
        region: f.region,
        snippet: f.snippet,
        in_test: f.in_test,
        fix: f.fix.map(crate::report::ReportFix::from_fix),
    }
}
