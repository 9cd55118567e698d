//! `--format json`: schema version 1, as the spec fixes it. Suppressed findings are left out
//! (they are counted in `summary.suppressed`); baselined ones stay, marked `"state": "baseline"`.

use super::{FindingState, Report};

pub fn render(report: &Report) -> String {
    let mut shown = report.clone();
    shown
        .findings
        .retain(|f| f.state != FindingState::Suppressed);
    let mut s =
        serde_json::to_string_pretty(&shown).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}
