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
        let bytes = LINES
            .with_borrow(|lines| Some(lines.as_ref()?.byte(start)?..lines.as_ref()?.byte(end)?))
            .unwrap_or_else(|| span.byte_range());
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

thread_local! {
    /// The line index of the text being analyzed on this thread (see [`with_line_index`]).
    static LINES: std::cell::RefCell<Option<LineIndex>> = const { std::cell::RefCell::new(None) };
}

/// Line starts of a parsed text, and which lines are all ASCII.
struct LineIndex {
    starts: Vec<u32>,
    /// The text's length, the end of the last line.
    len: u32,
    ascii: Vec<bool>,
}

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        let mut starts = vec![0u32];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i as u32 + 1));
        let len = text.len() as u32;
        let ascii = (0..starts.len())
            .map(|i| {
                let end = starts.get(i + 1).copied().unwrap_or(len);
                text.as_bytes()[starts[i] as usize..end as usize].is_ascii()
            })
            .collect();
        LineIndex { starts, len, ascii }
    }

    /// The byte offset of a position on an ASCII line (columns count chars, so elsewhere the
    /// caller asks proc-macro2).
    fn byte(&self, at: proc_macro2::LineColumn) -> Option<usize> {
        let i = at.line.checked_sub(1)?;
        if !*self.ascii.get(i)? {
            return None;
        }
        let start = self.starts[i] as usize;
        let end = self.starts.get(i + 1).copied().unwrap_or(self.len) as usize;
        (start + at.column <= end).then_some(start + at.column)
    }
}

/// Run `f` with [`Region::from_span`] finding byte offsets in `parsed` (the text syn lexed, past
/// a byte-order mark or shebang line) from line and column. proc-macro2's own `byte_range`
/// re-counts chars from the nearest offset it has cached, and a fn's end is far from anything
/// cached: a tenth of the walker's time went there.
pub fn with_line_index<R>(parsed: &str, f: impl FnOnce() -> R) -> R {
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            LINES.with_borrow_mut(|l| *l = None);
        }
    }
    LINES.with_borrow_mut(|l| *l = Some(LineIndex::new(parsed)));
    let _reset = Reset;
    f()
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

#[cfg(test)]
mod line_index_tests {
    use super::{Region, with_line_index};

    /// Offsets from the line index agree with proc-macro2's own on ASCII and non-ASCII lines,
    /// past a byte-order mark and at line ends.
    #[test]
    fn byte_offsets_match_proc_macro2() {
        let text = "\u{feff}fn f() {\n    let s = \"héllo\"; let n = 1;\n    g(s, n)\n}\n";
        let file = syn::parse_file(text).expect("parses");
        let lexed = &text[3..];
        let tokens: Vec<proc_macro2::Span> = {
            fn spans(ts: proc_macro2::TokenStream, out: &mut Vec<proc_macro2::Span>) {
                for tt in ts {
                    if let proc_macro2::TokenTree::Group(g) = &tt {
                        out.push(g.span_open());
                        out.push(g.span_close());
                        spans(g.stream(), out);
                    } else {
                        out.push(tt.span());
                    }
                }
            }
            let mut out = Vec::new();
            spans(quote::ToTokens::to_token_stream(&file), &mut out);
            out
        };
        assert!(tokens.len() > 15);
        for span in tokens {
            let ours = with_line_index(lexed, || Region::from_span(span));
            let theirs = span.byte_range();
            assert_eq!(
                (ours.start_byte as usize, ours.end_byte as usize),
                (theirs.start, theirs.end),
                "{span:?}"
            );
        }
    }
}
