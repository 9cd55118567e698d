//! `--format human`: rustc-style diagnostics with source snippets, rendered by miette, then the
//! per-rule table and the totals. Linear in the number of findings: each diagnostic gets only the
//! lines around it ([`Window`]), found through one [`LineIndex`] per file.

use std::collections::BTreeMap;
use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic};
use racewise_lints::{Region, Severity};

use super::lines::{LineIndex, Window};
use super::{FindingState, Report, ReportFinding, summary};
use crate::error::FileError;

pub struct HumanOptions {
    pub color: bool,
    pub width: usize,
    /// Also show suppressed and baselined findings, marked (`--include-suppressed`).
    pub include_suppressed: bool,
}

/// Lines shown around a label (miette's default context is one line).
const CONTEXT: usize = 2;

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

/// A diagnostic and the lines it points into. Rendered directly: a `miette::Report` per finding
/// set up a report handler each time (terminal and environment probes), a third of the time.
struct WithSource {
    diag: MietteDiagnostic,
    window: Option<Window>,
}

impl std::fmt::Debug for WithSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&self.diag, f)
    }
}

impl std::fmt::Display for WithSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.diag, f)
    }
}

impl std::error::Error for WithSource {}

impl miette::Diagnostic for WithSource {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.diag.code()
    }

    fn severity(&self) -> Option<miette::Severity> {
        self.diag.severity()
    }

    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.diag.help()
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.diag.labels()
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.window.as_ref().map(|w| w as &dyn miette::SourceCode)
    }
}

/// The line index of the file being rendered (reports are sorted by file: one index at a time).
struct Indexes<'s> {
    sources: &'s BTreeMap<String, Arc<str>>,
    current: Option<(String, Arc<str>, LineIndex)>,
}

impl Indexes<'_> {
    fn get(&mut self, file: &str) -> Option<(Arc<str>, &LineIndex)> {
        if self.current.as_ref().is_none_or(|c| c.0 != file) {
            let text = self.sources.get(file)?.clone();
            let index = LineIndex::new(&text);
            self.current = Some((file.to_string(), text, index));
        }
        self.current.as_ref().map(|c| (c.1.clone(), &c.2))
    }
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
    let mut indexes = Indexes {
        sources,
        current: None,
    };
    for f in report
        .findings
        .iter()
        .filter(|f| opts.include_suppressed || f.state == FindingState::New)
    {
        render_finding(&handler, f, &mut indexes, &mut out);
    }
    for e in &report.errors {
        render_error(&handler, e, &mut indexes, &mut out);
    }
    let table = summary::rule_table(report);
    if !table.is_empty() {
        out.push_str(&table);
        out.push('\n');
    }
    out.push_str(&summary::totals(report));
    out
}

fn render_finding(
    handler: &GraphicalReportHandler,
    f: &ReportFinding,
    indexes: &mut Indexes<'_>,
    out: &mut String,
) {
    let state = match f.state {
        FindingState::New => "",
        FindingState::Baseline => " (in baseline)",
        FindingState::Suppressed => " (suppressed)",
    };
    let mut diag = MietteDiagnostic::new(format!("[{}] {}{state}", f.severity.as_str(), f.message))
        .with_code(f.rule)
        .with_severity(miette_severity(f.severity))
        .with_help(f.help.clone());
    let here = match &f.function {
        Some(func) => format!("in `{func}`"),
        None => "here".to_string(),
    };
    let mut window = None;
    if let Some((text, index)) = indexes.get(&f.file) {
        let (start, len) = byte_span(&text, &f.region);
        let mut labels = vec![LabeledSpan::new_primary_with_span(Some(here), (start, len))];
        let mut first = index.line_of(start);
        let mut last = index.line_of(start + len);
        for rel in f.related.iter().filter(|r| r.file == f.file) {
            let at = index.offset_of(&text, rel.line, rel.column);
            first = first.min(rel.line as usize);
            last = last.max(rel.line as usize);
            labels.push(LabeledSpan::new_with_span(
                Some(rel.message.clone()),
                (at, 0),
            ));
        }
        diag = diag.with_labels(labels);
        window = Some(Window::new(
            &f.file,
            text,
            index,
            first.saturating_sub(CONTEXT),
            last + CONTEXT,
        ));
    } else if let Some(func) = &f.function {
        // No source to show: say where in words.
        diag = diag.with_help(format!("{} ({}:{} in `{func}`)", f.help, f.file, f.line));
    }
    let _ = handler.render_report(out, &WithSource { diag, window });
    out.push('\n');
}

fn render_error(
    handler: &GraphicalReportHandler,
    e: &FileError,
    indexes: &mut Indexes<'_>,
    out: &mut String,
) {
    let mut diag = MietteDiagnostic::new(format!("{}: {}", e.file, e.message))
        .with_code(e.kind.as_str())
        .with_severity(miette::Severity::Error);
    let mut window = None;
    if let (Some((text, index)), Some(line)) = (indexes.get(&e.file), e.line) {
        let start = index.offset_of(&text, line, e.column.unwrap_or(1));
        diag = diag.with_labels(vec![LabeledSpan::new_primary_with_span(None, (start, 0))]);
        let line = line as usize;
        window = Some(Window::new(
            &e.file,
            text,
            index,
            line.saturating_sub(CONTEXT),
            line + CONTEXT,
        ));
    }
    let _ = handler.render_report(out, &WithSource { diag, window });
    out.push('\n');
}
