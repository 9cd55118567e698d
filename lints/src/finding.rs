//! What a rule reports. Locations are plain data (no `proc_macro2::Span`) because spans are only
//! meaningful on the thread that parsed the file, while findings cross threads and crates.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|sev| sev.as_str() == s)
    }

    /// One level less severe (`low` stays `low`): how test-code findings are reported by
    /// default.
    pub fn lowered(self) -> Severity {
        match self {
            Severity::Critical => Severity::High,
            Severity::High => Severity::Medium,
            Severity::Medium | Severity::Low => Severity::Low,
        }
    }

    /// Larger is more severe; used for `--fail-on` comparisons.
    pub fn rank(self) -> u8 {
        match self {
            Severity::Critical => 4,
            Severity::High => 3,
            Severity::Medium => 2,
            Severity::Low => 1,
        }
    }
}

/// A 1-based line/column range (columns count characters, as rustc does) plus the byte range,
/// which the human reporter needs for snippets.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct Region {
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
    pub start_byte: u32,
    pub end_byte: u32,
}

impl Region {
    pub fn from_span(span: proc_macro2::Span) -> Region {
        let start = span.start();
        let end = span.end();
        let bytes = span.byte_range();
        Region {
            line: start.line as u32,
            column: start.column as u32 + 1,
            end_line: end.line as u32,
            end_column: end.column as u32 + 1,
            start_byte: bytes.start as u32,
            end_byte: bytes.end as u32,
        }
    }

    /// Whether `other` starts inside this region (by line/column).
    pub fn contains(&self, other: &Region) -> bool {
        (self.line, self.column) <= (other.line, other.column)
            && (other.line, other.column) <= (self.end_line, self.end_column)
    }
}

/// A secondary location of a multi-site finding (the `.await` a guard is held across, the other
/// half of a lock-order cycle). `file` is `None` when it is the finding's own file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Related {
    pub file: Option<String>,
    pub region: Region,
    pub message: String,
}

/// A finding before the engine adds file path, fingerprint, suppression and baseline state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    pub region: Region,
    pub message: String,
    pub help: String,
    /// Enclosing item, e.g. `Scheduler::next_task`; part of the fingerprint.
    pub function: Option<String>,
    /// Whitespace-normalized source of the flagged line(s); part of the fingerprint.
    pub snippet: String,
    pub related: Vec<Related>,
    /// Found in test code (`#[cfg(test)]`, `#[test]`/`#[tokio::test]` fns, `tests/`, `benches/`,
    /// `examples/`): reported with `"in_test": true` and, by default, one severity lower.
    pub in_test: bool,
    /// A mechanical fix (`racewise check --fix`), when the rule knows one.
    pub fix: Option<Fix>,
}

/// Whether a fix may be applied by `--fix` alone (`Safe`: the program means the same, only the
/// hazard or the noise is gone) or only with `--unsafe-fixes` (`Unsafe`: types or timing change,
/// e.g. a sync call becomes an `.await`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Safety {
    Safe,
    Unsafe,
}

impl Safety {
    pub fn as_str(self) -> &'static str {
        match self {
            Safety::Safe => "safe",
            Safety::Unsafe => "unsafe",
        }
    }
}

/// Replace the text of `region` (its byte range) by `text`; an empty region inserts.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TextEdit {
    pub region: Region,
    pub text: String,
}

/// A mechanical fix of a finding: edits of the finding's own file, applied together or not at
/// all.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Fix {
    pub safety: Safety,
    pub description: String,
    pub edits: Vec<TextEdit>,
}

impl Fix {
    /// The smallest byte range covering every edit (overlap checks between fixes).
    pub fn byte_span(&self) -> (u32, u32) {
        let start = self.edits.iter().map(|e| e.region.start_byte).min();
        let end = self.edits.iter().map(|e| e.region.end_byte).max();
        (start.unwrap_or(0), end.unwrap_or(0))
    }
}
