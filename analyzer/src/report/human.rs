//! `--format human`: rustc-style diagnostics with source snippets, rendered by miette.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource};
use racewise_lints::{Region, Severity};

use super::{FindingState, Report};
use crate::error::FileError;

pub struct HumanOptions {
    pub color: bool,
    pub width: usize,
}

fn byte_span(text: &str, r: &Region) -> (usize, usize) {
    let start = (r.start_byte as usize).min(text.len());
    let end = (r.end_byte as usize).clamp(start, text.len());
    (start, end - start)
}

fn miette_severity(s: Severity) -> miette::Severity {
    match s {
        Severity::Critical | Severity::High => miette::Severity::Error,
        Severity::Medium => miette::Severity::Warning,
        Severity::Low => miette::Severity::Advice,
    }
}

/// Byte offset of 1-based `line`/`column` (chars) in `text`.
fn offset_of(text: &str, line: u32, column: u32) -> usize {
    let mut off = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line as usize {
            let col = l
                .char_indices()
                .nth(column.saturating_sub(1) as usize)
                .map(|(o, _)| o)
                .unwrap_or(0);
            return off + col;
        }
        off += l.len();
    }
    text.len()
}

pub fn render(
    report: &Report,
    sources: &BTreeMap<String, Arc<str>>,
    opts: &HumanOptions,
) -> String {
    let theme = if opts.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(opts.width)
        .with_links(false);
    let mut out = String::new();
    for f in report
        .findings
        .iter()
        .filter(|f| f.state == FindingState::New)
    {
        let mut diag = MietteDiagnostic::new(format!("[{}] {}", f.severity.as_str(), f.message))
            .with_code(f.rule)
            .with_severity(miette_severity(f.severity))
            .with_help(f.help.clone());
        let text = sources.get(&f.file).cloned();
        if let Some(text) = &text {
            let (start, len) = byte_span(text, &f.region);
            let mut labels = vec![LabeledSpan::new_primary_with_span(
                Some("here".into()),
                (start, len),
            )];
            for rel in f.related.iter().filter(|r| r.file == f.file) {
                let start = offset_of(text, rel.line, rel.column);
                labels.push(LabeledSpan::new_with_span(
                    Some(rel.message.clone()),
                    (start, 0),
                ));
            }
            diag = diag.with_labels(labels);
        }
        let mut report_diag = miette::Report::new(diag);
        if let Some(text) = text {
            report_diag =
                report_diag.with_source_code(NamedSource::new(f.file.clone(), text.to_string()));
        }
        let _ = handler.render_report(&mut out, report_diag.as_ref());
        out.push('\n');
    }
    for e in &report.errors {
        render_error(&handler, e, sources, &mut out);
    }
    let s = &report.summary;
    let _ = writeln!(
        out,
        "racewise: {} finding{}{} (critical: {}, high: {}, medium: {}, low: {}) in {} file{} scanned{}{}{}",
        s.findings,
        if s.findings == 1 { "" } else { "s" },
        if s.in_test == 0 {
            String::new()
        } else {
            format!(", {} in test code", s.in_test)
        },
        s.by_severity.critical,
        s.by_severity.high,
        s.by_severity.medium,
        s.by_severity.low,
        s.files_scanned,
        if s.files_scanned == 1 { "" } else { "s" },
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

fn render_error(
    handler: &GraphicalReportHandler,
    e: &FileError,
    sources: &BTreeMap<String, Arc<str>>,
    out: &mut String,
) {
    let mut diag = MietteDiagnostic::new(format!("{}: {}", e.file, e.message))
        .with_code(e.kind.as_str())
        .with_severity(miette::Severity::Error);
    let text = sources.get(&e.file).cloned();
    if let (Some(text), Some(line)) = (&text, e.line) {
        let start = offset_of(text, line, e.column.unwrap_or(1));
        diag = diag.with_labels(vec![LabeledSpan::new_primary_with_span(None, (start, 0))]);
    }
    let mut r = miette::Report::new(diag);
    if let (Some(text), Some(_)) = (text, e.line) {
        r = r.with_source_code(NamedSource::new(e.file.clone(), text.to_string()));
    }
    let _ = handler.render_report(out, r.as_ref());
    out.push('\n');
}
