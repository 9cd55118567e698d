//! The reporters: one module per output format, all rendering the same [`Report`].

pub mod concise;
pub mod docs;
pub mod github;
pub mod human;
pub mod json;
pub mod lines;
pub mod markdown;
pub mod sarif;
pub mod summary;
pub mod terminal_docs;
pub mod tidy;

use std::collections::BTreeMap;

use racewise_lints::{Region, Safety, Severity};
use serde::Serialize;

use crate::error::FileError;

pub const SCHEMA_VERSION: u32 = 1;
pub const TOOL_NAME: &str = "racewise";
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");

/// A secondary location of a finding (await point, other half of a lock-order cycle).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RelatedLocation {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
    pub message: String,
}

/// One replacement of a fix: the text between (line, column) and (end_line, end_column) — both
/// 1-based, columns in characters, the end exclusive — becomes `text` (empty: a deletion; an
/// empty range: an insertion).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FixEdit {
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
    pub text: String,
    #[serde(skip)]
    pub start_byte: u32,
    #[serde(skip)]
    pub end_byte: u32,
}

/// A fix `racewise check --fix` can apply (`safe`), or only with `--unsafe-fixes` (`unsafe`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportFix {
    pub safety: Safety,
    pub description: String,
    pub edits: Vec<FixEdit>,
}

impl ReportFix {
    pub fn from_fix(fix: racewise_lints::Fix) -> ReportFix {
        ReportFix {
            safety: fix.safety,
            description: fix.description,
            edits: fix
                .edits
                .into_iter()
                .map(|e| FixEdit {
                    line: e.region.line,
                    column: e.region.column,
                    end_line: e.region.end_line,
                    end_column: e.region.end_column,
                    text: e.text,
                    start_byte: e.region.start_byte,
                    end_byte: e.region.end_byte,
                })
                .collect(),
        }
    }
}

/// Whether a finding counts: suppressions and baselines keep it in the data but out of the
/// exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingState {
    New,
    Baseline,
    Suppressed,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReportFinding {
    pub rule: &'static str,
    pub severity: Severity,
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
    pub message: String,
    pub help: String,
    pub function: Option<String>,
    pub fingerprint: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<RelatedLocation>,
    pub state: FindingState,
    /// In test code (only written when true).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub in_test: bool,
    /// A mechanical fix (only written when the rule has one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<ReportFix>,
    #[serde(skip)]
    pub region: Region,
    #[serde(skip)]
    pub snippet: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct BySeverity {
    pub critical: usize,
    pub high: usize,
    pub medium: usize,
    pub low: usize,
}

impl BySeverity {
    pub fn add(&mut self, s: Severity) {
        match s {
            Severity::Critical => self.critical += 1,
            Severity::High => self.high += 1,
            Severity::Medium => self.medium += 1,
            Severity::Low => self.low += 1,
        }
    }

    pub fn get(&self, s: Severity) -> usize {
        match s {
            Severity::Critical => self.critical,
            Severity::High => self.high,
            Severity::Medium => self.medium,
            Severity::Low => self.low,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub files_scanned: usize,
    /// Findings that count (not suppressed, not in the baseline); equal to `new`. `by_severity`
    /// and `by_rule` count these too.
    pub findings: usize,
    pub by_severity: BySeverity,
    pub by_rule: BTreeMap<String, usize>,
    /// Of `findings`, those in test code.
    #[serde(skip_serializing_if = "is_zero")]
    pub in_test: usize,
    /// The three states a finding of the `findings` array can be in, counted.
    pub new: usize,
    pub baseline: usize,
    pub suppressed: usize,
    /// Baseline entries that no longer match any finding (fixed: prune them).
    #[serde(skip_serializing_if = "is_zero")]
    pub baseline_fixed: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema_version: u32,
    pub tool: Tool,
    pub findings: Vec<ReportFinding>,
    pub errors: Vec<FileError>,
    pub summary: Summary,
}

impl Report {
    pub fn new(
        findings: Vec<ReportFinding>,
        errors: Vec<FileError>,
        files_scanned: usize,
        baseline_fixed: usize,
    ) -> Report {
        let mut summary = Summary {
            files_scanned,
            baseline_fixed,
            ..Summary::default()
        };
        for f in &findings {
            match f.state {
                FindingState::New => {
                    summary.findings += 1;
                    summary.in_test += usize::from(f.in_test);
                    summary.new += 1;
                    summary.by_severity.add(f.severity);
                    *summary.by_rule.entry(f.rule.to_string()).or_default() += 1;
                }
                FindingState::Suppressed => summary.suppressed += 1,
                FindingState::Baseline => summary.baseline += 1,
            }
        }
        Report {
            schema_version: SCHEMA_VERSION,
            tool: Tool {
                name: TOOL_NAME,
                version: TOOL_VERSION,
            },
            findings,
            errors,
            summary,
        }
    }

    /// Findings that count toward the exit code.
    pub fn active(&self) -> impl Iterator<Item = &ReportFinding> {
        self.findings
            .iter()
            .filter(|f| f.state == FindingState::New)
    }
}
