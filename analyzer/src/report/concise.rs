//! `--format concise`: one line per finding, `path:line:col: severity rule: message`, the form
//! editors, `grep` and compilers' error parsers understand; then file errors in the same form,
//! then the totals.

use super::{FindingState, Report, summary};

pub fn render(report: &Report, include_suppressed: bool) -> String {
    let mut out = String::new();
    for f in report
        .findings
        .iter()
        .filter(|f| include_suppressed || f.state == FindingState::New)
    {
        out.push_str(&summary::concise_line(f));
        out.push('\n');
    }
    for e in &report.errors {
        out.push_str(&format!(
            "{}:{}:{}: error {}: {}\n",
            e.file,
            e.line.unwrap_or(1),
            e.column.unwrap_or(1),
            e.kind.as_str(),
            e.message.replace('\n', " ")
        ));
    }
    out.push_str(&summary::totals(report));
    out
}
