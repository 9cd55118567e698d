//! Inline suppressions: `// racewise: allow(rule, ...) -- reason`.
//!
//! Three forms, decided by where the comment sits:
//! - **line**: after code on the finding's own line;
//! - **line above**: alone on the line above the finding (stacked suppression comments above
//!   the same line all apply to it);
//! - **item**: alone on the line above an attribute-bearing item (fn, method, impl, mod,
//!   struct, ...), above its attributes and doc comments, or among them: it covers the whole
//!   item.
//!
//! The reason after `--` is required. Suppressions that suppress nothing, name unknown rules,
//! give no reason or cannot be parsed are reported as `unused_suppression` here
//! ([`unused_findings`]), once every other finding of the file was matched; a suppression without
//! a reason still suppresses (the finding is not reported twice).

use racewise_lints::rules::unused_suppression::META as UNUSED_SUPPRESSION;
use racewise_lints::semantic::facts::ItemExtent;
use racewise_lints::{Finding, Region, registry};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Form {
    Line,
    LineAbove,
    Item,
}

#[derive(Debug, Clone)]
pub struct Suppression {
    pub line: u32,
    pub column: u32,
    pub len: u32,
    pub start_byte: u32,
    pub rules: Vec<String>,
    pub reason: Option<String>,
    /// Lines covered: `(first, last)`.
    pub covers: (u32, u32),
    pub form: Form,
    /// Why the comment could not be read as a suppression, if it could not.
    pub malformed: Option<String>,
    pub used: bool,
    /// Whitespace-normalized text of the comment's line (the fingerprint snippet of an
    /// `unused_suppression` finding), so the file's text need not be kept after parsing.
    pub snippet: String,
    /// What removing the comment deletes: from the end of the code before it to the end of the
    /// line (line form), or the whole line with its newline (the other forms).
    pub removal: Region,
}

impl Suppression {
    pub fn region(&self) -> Region {
        Region {
            line: self.line,
            column: self.column,
            end_line: self.line,
            end_column: self.column + self.len,
            start_byte: self.start_byte,
            end_byte: self.start_byte + self.len,
        }
    }

    /// Whether this suppression applies to a finding of `rule` at `line`.
    pub fn covers(&self, rule: &str, line: u32) -> bool {
        self.malformed.is_none()
            && self.rules.iter().any(|r| r == rule)
            && self.covers.0 <= line
            && line <= self.covers.1
    }
}

/// Marks every suppression that covers `f` as used; whether there was one.
pub fn mark_covering(sups: &mut [Suppression], f: &Finding) -> bool {
    let mut hit = false;
    for s in sups.iter_mut() {
        if s.covers(f.rule, f.region.line) {
            s.used = true;
            hit = true;
        }
    }
    hit
}

/// The `unused_suppression` findings of one file's suppressions, after [`mark_covering`] saw
/// every other finding of the file. `ran(rule)` says whether a rule ran on this file: nothing is
/// reported where `unused_suppression` itself did not run.
pub fn unused_findings(sups: &[Suppression], ran: impl Fn(&str) -> bool) -> Vec<Finding> {
    if !ran(UNUSED_SUPPRESSION.name) {
        return Vec::new();
    }
    sups.iter()
        .filter_map(|s| {
            // "Suppresses nothing" is only known when every rule it names ran on this file.
            let all_ran = s
                .rules
                .iter()
                .all(|r| registry::find(r).is_none() || ran(r));
            unused_finding(s, all_ran)
        })
        .collect()
}

fn unused_finding(s: &Suppression, all_ran: bool) -> Option<Finding> {
    let meta = &UNUSED_SUPPRESSION;
    let base = |message: String, help: String| Finding {
        fix: None,
        rule: meta.name,
        severity: meta.default_severity,
        region: s.region(),
        message,
        help,
        function: None,
        snippet: s.snippet.clone(),
        related: Vec::new(),
        in_test: false,
    };
    let unknown: Vec<&String> = s
        .rules
        .iter()
        .filter(|r| registry::find(r).is_none())
        .collect();
    let (message, help) = if let Some(why) = &s.malformed {
        (
            format!("malformed racewise suppression: {why}"),
            "write it as `// racewise: allow(rule_name) -- why this is safe`".to_string(),
        )
    } else if !unknown.is_empty() {
        (
            format!(
                "suppression names unknown rule(s): {}",
                unknown
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            format!("valid rules: {}", registry::names().join(", ")),
        )
    } else if !s.used && all_ran {
        let fix = racewise_lints::Fix {
            safety: racewise_lints::Safety::Safe,
            description: "remove the suppression comment".to_string(),
            edits: vec![racewise_lints::TextEdit {
                region: s.removal,
                text: String::new(),
            }],
        };
        return Some(Finding {
            fix: Some(fix),
            ..base(
                format!("suppression of {} suppresses nothing", s.rules.join(", ")),
                "remove it (the code it was written for has changed)".to_string(),
            )
        });
    } else if s.reason.is_none() {
        (
            "suppression has no reason".to_string(),
            "say why after `--`: `// racewise: allow(rule) -- why this is safe`".to_string(),
        )
    } else {
        return None;
    };
    Some(base(message, help))
}

/// Whether `body` (a comment's text after `//` or `/*`) starts with the marker, in any case.
fn has_marker(body: &str) -> bool {
    body.get(..MARKER.len())
        .is_some_and(|m| m.eq_ignore_ascii_case(MARKER))
}

/// Byte offset of the `//` (or `/*`) that starts a racewise comment on `line`, skipping comment
/// markers inside string literals (an odd number of unescaped `"` before them).
fn comment_start(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut in_str = false;
    let mut i = 0;
    while i + 1 < bytes.len() {
        match bytes[i] {
            b'\\' if in_str => i += 1,
            b'"' => in_str = !in_str,
            b'/' if !in_str && matches!(bytes[i + 1], b'/' | b'*') => {
                let body = line[i + 2..]
                    .trim_start_matches(['/', '!', '*'])
                    .trim_start();
                if has_marker(body) {
                    return Some(i);
                }
                if bytes[i + 1] == b'/' {
                    // Any other line comment runs to the end of the line.
                    return None;
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// `(rules, reason)` of the text after `racewise:`, or why it is malformed. `None` when the
/// comment is not a suppression at all (prose that happens to start with `racewise:`).
/// Rules and reason of a well-formed suppression, or why it is malformed.
type Parsed = Result<(Vec<String>, Option<String>), String>;

fn parse_body(rest: &str) -> Option<Parsed> {
    let rest = rest.trim();
    // Something that looks like a directive (`word(`) but is not `allow(`: never silently
    // ignored, since its author believes it suppresses a finding.
    let word_end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    let (word, after_word) = rest.split_at(word_end);
    if !word.is_empty() && word != "allow" && after_word.trim_start().starts_with('(') {
        return Some(Err(if word.eq_ignore_ascii_case("allow") {
            format!("`{word}` must be written in lower case: `allow(..)`")
        } else {
            format!("unknown directive `{word}`; the only one is `allow(rule, ...)`")
        }));
    }
    let after_allow = rest.strip_prefix("allow")?;
    if after_allow
        .chars()
        .next()
        .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '-')
    {
        // `racewise: allowed ...`, `racewise: allow-list ...`: prose.
        return None;
    }
    const FORM: &str = "expected `// racewise: allow(rule, ...) -- reason`";
    let Some(args) = after_allow.trim_start().strip_prefix('(') else {
        return Some(Err(format!("missing `(` after `allow`; {FORM}")));
    };
    let Some(close) = args.find(')') else {
        return Some(Err(format!("missing `)`; {FORM}")));
    };
    let rules: Vec<String> = args[..close]
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    if rules.is_empty() {
        return Some(Err(format!("no rule named; {FORM}")));
    }
    if rules.iter().any(|r| r.eq_ignore_ascii_case("all")) {
        return Some(Err(
            "`allow(all)` is not supported: name the rules (or a `racewise.toml` override)"
                .to_string(),
        ));
    }
    let reason = args[close + 1..]
        .trim()
        .strip_prefix("--")
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty());
    Some(Ok((rules, reason)))
}

/// A line that holds only a plain `//` comment (not a `///`/`//!` doc comment, which is an
/// attribute of the item below).
fn is_plain_comment(line: &str) -> bool {
    let t = line.trim_start();
    let doc = t.starts_with("//!") || (t.starts_with("///") && !t.starts_with("////"));
    t.starts_with("//") && !doc
}

/// Whether `text` may hold a suppression comment at all: every form contains the marker. Most
/// files have none, so the engine skips the line scan and the walker's item extents for them.
pub fn may_have_suppressions(text: &str) -> bool {
    // Any case of the marker: a wrongly cased one is reported, not ignored.
    text.contains("acewise:") || text.contains("ACEWISE:")
}

const MARKER: &str = "racewise:";

/// Find every suppression comment in `text`; `items` gives item extents for item-level ones.
/// The engine calls it only for texts that pass [`may_have_suppressions`].
pub fn parse(text: &str, items: &[ItemExtent]) -> Vec<Suppression> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let line_text = |n: u32| -> &str {
        lines
            .get((n as usize).wrapping_sub(1))
            .map_or("", |l| l.trim_end_matches(['\n', '\r']))
    };
    let mut out = Vec::new();
    let mut offset = 0usize;
    for (i, raw) in lines.iter().enumerate() {
        let line_no = i as u32 + 1;
        let line_start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let Some(c) = comment_start(line) else {
            continue;
        };
        let lower = line[c..].to_ascii_lowercase();
        let Some(colon) = lower.find(MARKER) else {
            continue;
        };
        let body = &line[c + colon + MARKER.len()..];
        let block = line[c..].starts_with("/*");
        let Some(mut parsed) = parse_body(body.trim_end().trim_end_matches("*/")) else {
            continue;
        };
        if parsed.is_ok() && block {
            parsed = Err(
                "block comments are not read as suppressions; write `// racewise: allow(rule) -- reason`"
                    .to_string(),
            );
        } else if parsed.is_ok() && &line[c + colon..c + colon + MARKER.len()] != MARKER {
            parsed = Err("write the marker in lower case: `// racewise: allow(..)`".to_string());
        }
        let (rules, reason, malformed) = match parsed {
            Ok((rules, reason)) => (rules, reason, None),
            Err(why) => (Vec::new(), None, Some(why)),
        };
        let (form, covers) = if !line[..c].trim().is_empty() {
            (Form::Line, (line_no, line_no))
        } else {
            // The next line that is not a plain comment (stacked suppressions, notes).
            let mut next = line_no + 1;
            while (next as usize) <= lines.len() && is_plain_comment(line_text(next)) {
                next += 1;
            }
            let comments_only = |from: u32, to: u32| {
                (from..=to).all(|n| {
                    let t = line_text(n);
                    t.trim().is_empty() || is_plain_comment(t)
                })
            };
            let item = items
                .iter()
                .filter(|it| {
                    // Above the item (or above its attributes and doc comments)...
                    it.first_line == next
                        // ...or among them, before the item's header.
                        || (it.attrs_end_line > 0
                            && it.first_line < line_no
                            && line_no < it.region.end_line
                            && (line_no <= it.attrs_end_line
                                || comments_only(it.attrs_end_line + 1, line_no)))
                })
                // The innermost one: items nest (methods in impls, fns in modules).
                .min_by_key(|it| it.region.end_line - it.first_line);
            match item {
                Some(it) => (Form::Item, (line_no, it.region.end_line)),
                None => (Form::LineAbove, (line_no, next)),
            }
        };
        let col = line[..c].chars().count() as u32 + 1;
        let trimmed_len = line[c..].trim_end().chars().count() as u32;
        let removal = if form == Form::Line {
            let code = line[..c].trim_end();
            Region {
                line: line_no,
                column: code.chars().count() as u32 + 1,
                end_line: line_no,
                end_column: line.chars().count() as u32 + 1,
                start_byte: (line_start + code.len()) as u32,
                end_byte: (line_start + line.len()) as u32,
            }
        } else {
            Region {
                line: line_no,
                column: 1,
                end_line: line_no + 1,
                end_column: 1,
                start_byte: line_start as u32,
                end_byte: (line_start + raw.len()) as u32,
            }
        };
        out.push(Suppression {
            line: line_no,
            column: col,
            len: trimmed_len,
            start_byte: (line_start + c) as u32,
            rules,
            reason,
            covers,
            form,
            malformed,
            used: false,
            snippet: line.split_whitespace().collect::<Vec<_>>().join(" "),
            removal,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn extent(first_line: u32, attrs_end_line: u32, end_line: u32) -> ItemExtent {
        ItemExtent {
            region: Region {
                line: first_line,
                end_line,
                ..Region::default()
            },
            first_line,
            attrs_end_line,
        }
    }

    #[test]
    fn parses_rules_reason_and_coverage() {
        let text = "fn a() {\n    // racewise: allow(exit_in_async, lock_across_await) -- startup only\n    x();\n    y(); // racewise: allow(blocking_fs_in_async)\n}\n";
        let s = parse(text, &[]);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].rules, vec!["exit_in_async", "lock_across_await"]);
        assert_eq!(s[0].reason.as_deref(), Some("startup only"));
        assert_eq!(s[0].covers, (2, 3));
        assert_eq!(s[0].form, Form::LineAbove);
        assert_eq!(s[1].covers, (4, 4));
        assert_eq!(s[1].form, Form::Line);
        assert!(s[1].reason.is_none());
    }

    #[test]
    fn item_forms() {
        // 1 comment, 2 doc, 3 attr, 4 comment among attrs, 5 attr, 6 comment after attrs,
        // 7 fn header .. 9 end.
        let text = "// racewise: allow(a) -- above\n/// Docs.\n#[instrument]\n// racewise: allow(b) -- among\n#[inline]\n// racewise: allow(c) -- after attrs\nasync fn f() {\n    // racewise: allow(d) -- inside\n}\n";
        let s = parse(text, &[extent(2, 5, 9)]);
        let covers: Vec<_> = s.iter().map(|s| (s.form.clone(), s.covers)).collect();
        assert_eq!(
            covers,
            vec![
                (Form::Item, (1, 9)),
                (Form::Item, (4, 9)),
                (Form::Item, (6, 9)),
                (Form::LineAbove, (8, 9)),
            ]
        );
    }

    #[test]
    fn strings_prose_and_malformed() {
        let text = "let u = \"http://x\"; // racewise: allow(a) -- ok\n//! racewise: the analyzer\n// racewise: allow a -- r\nlet s = \"// racewise: allow(a) -- no\";\n";
        let s = parse(text, &[]);
        assert_eq!(s.len(), 2, "{s:?}");
        assert_eq!(s[0].rules, vec!["a"]);
        assert_eq!(s[0].column, 21);
        assert!(s[1].malformed.is_some());
    }
}
