//! A rule's Markdown documentation rendered for a terminal (`racewise explain`): headings as
//! titles, code blocks indented without their fences, inline code highlighted when colored. `--format
//! markdown` prints the raw text instead.

/// Render `markdown`; `color` adds bold titles and dimmed code.
pub fn render(markdown: &str, color: bool) -> String {
    let (bold, dim, reset) = if color {
        ("\x1b[1m", "\x1b[36m", "\x1b[0m")
    } else {
        ("", "", "")
    };
    let mut out = String::new();
    let mut in_code = false;
    let mut skip_blank = false;
    for line in markdown.lines() {
        let t = line.trim_start();
        if t.starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            out.push_str(&format!("    {dim}{line}{reset}\n"));
            continue;
        }
        if t.starts_with("# ") {
            // The rule's name: `explain` prints it above, with its severity and group.
            skip_blank = true;
            continue;
        }
        if skip_blank && t.is_empty() {
            continue;
        }
        skip_blank = false;
        if let Some(h) = t.strip_prefix("## ") {
            let h = h.trim();
            out.push_str(&format!("{bold}{h}{reset}\n"));
            out.push_str(&format!("{}\n", "-".repeat(h.chars().count())));
            continue;
        }
        out.push_str(&inline_code(line, dim, reset));
        out.push('\n');
    }
    out
}

/// `` `x` `` → `x` highlighted, when colored; without color the backticks are what marks code.
fn inline_code(line: &str, on: &str, off: &str) -> String {
    if on.is_empty() {
        return line.to_string();
    }
    let mut out = String::new();
    let mut open = false;
    for part in line.split('`') {
        if open {
            out.push_str(on);
            out.push_str(part);
            out.push_str(off);
        } else {
            out.push_str(part);
        }
        open = !open;
    }
    // An unpaired backtick: keep the line as written.
    if line.matches('`').count() % 2 == 1 {
        return line.to_string();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_and_backticks_go() {
        let md =
            "# r\n\n## What it does\nFlags `exit`.\n\n## Example\n```rust,ignore\nfn f() {}\n```\n";
        let got = render(md, false);
        assert_eq!(
            got,
            "What it does\n------------\nFlags `exit`.\n\nExample\n-------\n    fn f() {}\n"
        );
    }
}
