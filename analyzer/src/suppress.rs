//! Inline suppressions: `// racewise: allow(rule, ...) -- reason`.
//!
//! On the line of a finding or the line above it, a suppression covers that finding. Placed on
//! the line above an item (or among its attributes), it covers the whole item. Suppressions that
//! cover nothing, name unknown rules or give no reason are reported as `unused_suppression`.

use racewise_lints::Region;
use racewise_lints::semantic::facts::ItemExtent;

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
    pub used: bool,
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
}

/// Find every suppression comment in `text`; `items` gives item extents for item-level ones.
pub fn parse(text: &str, items: &[ItemExtent]) -> Vec<Suppression> {
    let mut out = Vec::new();
    let mut offset = 0usize;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let line_no = i as u32 + 1;
        let line_start = offset;
        offset += line.len();
        let Some(c) = line.find("//") else { continue };
        let comment = &line[c + 2..];
        let body = comment.trim_start_matches(['/', '!']).trim_start();
        let Some(rest) = body.strip_prefix("racewise:") else {
            continue;
        };
        let rest = rest.trim();
        let Some(args) = rest.strip_prefix("allow(") else {
            continue;
        };
        let Some(close) = args.find(')') else {
            continue;
        };
        let rules: Vec<String> = args[..close]
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        let after = args[close + 1..].trim();
        let reason = after
            .strip_prefix("--")
            .map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty());
        let code_before = line[..c].trim();
        let covers = if !code_before.is_empty() {
            // Trailing comment: its own line.
            (line_no, line_no)
        } else if let Some(item) = items.iter().find(|it| {
            it.first_line == line_no + 1 || (it.first_line <= line_no && line_no < it.region.line)
        }) {
            (line_no, item.region.end_line)
        } else {
            (line_no, line_no + 1)
        };
        let col = line[..c].chars().count() as u32 + 1;
        let trimmed_len = line[c..].trim_end().chars().count() as u32;
        out.push(Suppression {
            line: line_no,
            column: col,
            len: trimmed_len,
            start_byte: (line_start + c) as u32,
            rules,
            reason,
            covers,
            used: false,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rules_reason_and_coverage() {
        let text = "fn a() {\n    // racewise: allow(exit_in_async, lock_across_await) -- startup only\n    x();\n    y(); // racewise: allow(blocking_fs_in_async)\n}\n";
        let s = parse(text, &[]);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].rules, vec!["exit_in_async", "lock_across_await"]);
        assert_eq!(s[0].reason.as_deref(), Some("startup only"));
        assert_eq!(s[0].covers, (2, 3));
        assert_eq!(s[1].covers, (4, 4));
        assert!(s[1].reason.is_none());
    }
}
