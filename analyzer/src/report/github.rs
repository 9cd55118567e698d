//! `--format github`: GitHub Actions workflow commands (`::error file=..,line=..::msg`) that show
//! findings as annotations on the pull request's diff.
//!
//! GitHub shows at most 10 annotations of each level (error, warning, notice) per step and drops
//! the rest silently, so the most severe findings come first, each level is capped at 10, and one
//! closing notice counts what was not shown (the cap for notices is 9 then, so that it is seen).
//! Only findings that count are annotated: suppressed and baselined ones are not.

use std::fmt::Write as _;

use racewise_lints::Severity;

use super::{FindingState, Report};
use crate::error::FileError;

/// Annotations GitHub shows per level and step.
pub const PER_LEVEL: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    Error,
    Warning,
    Notice,
}

impl Level {
    fn of(s: Severity) -> Level {
        match s {
            Severity::Critical | Severity::High => Level::Error,
            Severity::Medium => Level::Warning,
            Severity::Low => Level::Notice,
        }
    }

    fn command(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Notice => "notice",
        }
    }
}

/// Escape a command's message (`%`, CR, LF), as `@actions/core` does.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a command property's value: the message escapes plus `:` and `,`.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

struct Annotation {
    level: Level,
    /// Sort key within the level: more severe first (findings before file errors).
    rank: u8,
    line: String,
    severity: Option<Severity>,
}

fn finding_line(f: &super::ReportFinding) -> String {
    let mut props = vec![
        format!("file={}", escape_property(&f.file)),
        format!("line={}", f.line),
        format!("col={}", f.column),
    ];
    if f.end_line >= f.line {
        props.push(format!("endLine={}", f.end_line));
        props.push(format!("endColumn={}", f.end_column));
    }
    props.push(format!(
        "title={}",
        escape_property(&format!("racewise {} ({})", f.rule, f.severity.as_str()))
    ));
    let msg = format!("{}\n\nhelp: {}", f.message, f.help);
    format!(
        "::{} {}::{}",
        Level::of(f.severity).command(),
        props.join(","),
        escape_data(&msg)
    )
}

fn error_line(e: &FileError) -> String {
    let mut props = Vec::new();
    if !e.file.is_empty() {
        props.push(format!("file={}", escape_property(&e.file)));
    }
    if let Some(l) = e.line {
        props.push(format!("line={l}"));
        if let Some(c) = e.column {
            props.push(format!("col={c}"));
        }
    }
    props.push(format!(
        "title={}",
        escape_property(&format!("racewise {} (file not analyzed)", e.kind.as_str()))
    ));
    format!("::warning {}::{}", props.join(","), escape_data(&e.message))
}

pub fn render(report: &Report) -> String {
    let mut all: Vec<Annotation> = report
        .findings
        .iter()
        .filter(|f| f.state == FindingState::New)
        .map(|f| Annotation {
            level: Level::of(f.severity),
            rank: f.severity.rank(),
            line: finding_line(f),
            severity: Some(f.severity),
        })
        .collect();
    all.extend(report.errors.iter().map(|e| Annotation {
        level: Level::Warning,
        rank: 0,
        line: error_line(e),
        severity: None,
    }));
    // Stable: within a rank, report order (file, line, column, rule).
    all.sort_by(|a, b| a.level.cmp(&b.level).then(b.rank.cmp(&a.rank)));

    let count = |l: Level| all.iter().filter(|a| a.level == l).count();
    let overflow = count(Level::Error) > PER_LEVEL
        || count(Level::Warning) > PER_LEVEL
        || count(Level::Notice) > PER_LEVEL;
    let cap = |l: Level| {
        if overflow && l == Level::Notice {
            PER_LEVEL - 1
        } else {
            PER_LEVEL
        }
    };

    let mut out = String::new();
    let mut shown = [0usize; 3];
    let mut hidden_by_sev = [0usize; 4];
    let mut hidden_errors = 0;
    for a in &all {
        let slot = a.level as usize;
        if shown[slot] < cap(a.level) {
            shown[slot] += 1;
            out.push_str(&a.line);
            out.push('\n');
        } else {
            match a.severity {
                Some(s) => hidden_by_sev[4 - s.rank() as usize] += 1,
                None => hidden_errors += 1,
            }
        }
    }
    let hidden: usize = hidden_by_sev.iter().sum::<usize>() + hidden_errors;
    if hidden > 0 {
        let mut parts: Vec<String> = Severity::ALL
            .iter()
            .zip(hidden_by_sev)
            .filter(|(_, n)| *n > 0)
            .map(|(s, n)| format!("{n} {}", s.as_str()))
            .collect();
        if hidden_errors > 0 {
            parts.push(format!(
                "{hidden_errors} file{} not analyzed",
                if hidden_errors == 1 { "" } else { "s" }
            ));
        }
        let mut msg = String::new();
        let _ = write!(
            msg,
            "{hidden} more racewise result{} not shown as annotations ({}); GitHub shows at most {PER_LEVEL} annotations per level in a step. Run `racewise check` (or open the SARIF results in code scanning) for the full list.",
            if hidden == 1 { "" } else { "s" },
            parts.join(", ")
        );
        let _ = writeln!(
            out,
            "::notice title={}::{}",
            escape_property("racewise: more findings"),
            escape_data(&msg)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(escape_data("50% a\r\nb"), "50%25 a%0D%0Ab");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
