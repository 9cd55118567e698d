//! Pieces of a rule's four-part documentation (`RuleMeta::docs()`), for reporters that show only
//! part of it (SARIF descriptions, the "why it matters" paragraph of the Markdown report).

/// The body of `## {title}` (up to the next `## ` heading), trimmed.
pub fn section(docs: &str, title: &str) -> Option<String> {
    let heading = format!("## {title}");
    let mut lines = docs.lines();
    lines.by_ref().find(|l| l.trim_end() == heading)?;
    let body: Vec<&str> = lines.take_while(|l| !l.starts_with("## ")).collect();
    let text = body.join("\n").trim().to_string();
    (!text.is_empty()).then_some(text)
}

/// The first paragraph of `text`, its lines joined with spaces (Markdown paragraphs are
/// hard-wrapped in the rule files).
pub fn first_paragraph(text: &str) -> String {
    text.trim()
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every paragraph of `text` joined into one line each, separated by blank lines; code fences
/// are kept as they are.
pub fn unwrap_paragraphs(text: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut para: Vec<&str> = Vec::new();
    let mut in_code = false;
    let flush = |para: &mut Vec<&str>, out: &mut Vec<String>| {
        if !para.is_empty() {
            out.push(para.join(" "));
            para.clear();
        }
    };
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            flush(&mut para, &mut out);
            in_code = !in_code;
            out.push(line.to_string());
            continue;
        }
        if in_code {
            out.push(line.to_string());
        } else if line.trim().is_empty() {
            flush(&mut para, &mut out);
            out.push(String::new());
        } else {
            para.push(line.trim());
        }
    }
    flush(&mut para, &mut out);
    let mut s = out.join("\n");
    while s.contains("\n\n\n") {
        s = s.replace("\n\n\n", "\n\n");
    }
    s.trim().to_string()
}

/// The documentation as Markdown for renderers that do not know rustdoc's `rust,ignore` fence.
pub fn markdown(docs: &str) -> String {
    docs.replace("```rust,ignore", "```rust").trim().to_string() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOCS: &str = "# r\n\n## What it does\nFlags a\nthing.\n\nMore.\n\n## Why is this bad\nIt\nhurts.\n\nSecond.\n\n## Example\n```rust,ignore\nx();\n```\n";

    #[test]
    fn sections_and_paragraphs() {
        let why = section(DOCS, "Why is this bad").unwrap();
        assert_eq!(first_paragraph(&why), "It hurts.");
        assert_eq!(
            unwrap_paragraphs(&section(DOCS, "What it does").unwrap()),
            "Flags a thing.\n\nMore."
        );
        assert!(section(DOCS, "Nope").is_none());
        assert!(markdown(DOCS).contains("```rust\nx();"));
    }
}
