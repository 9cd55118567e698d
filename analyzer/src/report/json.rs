//! `--format json`: schema version 1, as the spec fixes it. Suppressed findings are left out
//! (they are counted in `summary.suppressed`) unless `--include-suppressed`; baselined ones stay,
//! marked `"state": "baseline"`. Serialized straight from the report: no copy of it is made.

use serde::Serialize;

use super::{FindingState, Report, ReportFinding, Summary, Tool};
use crate::error::FileError;

#[derive(Serialize)]
struct Shown<'a> {
    schema_version: u32,
    tool: &'a Tool,
    findings: Vec<&'a ReportFinding>,
    errors: &'a [FileError],
    summary: &'a Summary,
}

pub fn render(report: &Report) -> String {
    render_with(report, false)
}

pub fn render_with(report: &Report, include_suppressed: bool) -> String {
    let shown = Shown {
        schema_version: report.schema_version,
        tool: &report.tool,
        findings: report
            .findings
            .iter()
            .filter(|f| include_suppressed || f.state != FindingState::Suppressed)
            .collect(),
        errors: &report.errors,
        summary: &report.summary,
    };
    let mut s =
        serde_json::to_string_pretty(&shown).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}
