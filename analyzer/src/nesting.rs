//! A pre-parse bound on how deeply a file nests, so that generated code nested tens of thousands
//! of levels deep (`async { async { .. } }`, `Vec<Vec<..>>`) is reported instead of overflowing
//! the parser's stack: syn recurses once or more per level, and no stack size fits every input.
//!
//! The estimate is deliberately an over-approximation: delimiter depth (`(`, `[`, `{`) plus the
//! longest run of tokens that nest without delimiters (`<` of generics, closure bars, unary
//! operators, `return`/`break`) inside one list element or statement. Real code stays far below
//! [`MAX_NESTING`] (the deepest of the 14,474 files of 483 crates in cargo's registry scores
//! 734, a generated table); on the 256 MiB analysis stack the parser handles every shape of
//! `tests/tests/robustness.rs` at 19,990 levels, and overflowed at 40,000.

use crate::lexical;

/// Files nesting deeper than this are reported as `too_large` and not parsed.
pub const MAX_NESTING: usize = 20_000;

/// The estimated nesting depth of `text`, stopping early once it passes `limit`. Strings,
/// character literals and comments do not count.
pub fn estimate(text: &str, limit: usize) -> usize {
    // Every level takes at least one delimiter, operator or keyword: a file with fewer of those
    // than `limit` (almost every file) needs no scan. One pass over the bytes that vectorizes,
    // and one substring search per keyword (counting every `e` for them, as this did, sent the
    // larger files of a corpus through the scan: 0.85% of a run's instructions).
    let b = text.as_bytes();
    if b.len() <= limit {
        return 0;
    }
    // Counted in u8 lanes, a chunk at a time: the compiler vectorizes this form (a
    // `filter().count()` ran at 4.6 instructions a byte).
    let nesting_bytes: usize = b
        .chunks(255)
        .map(|chunk| {
            let mut n: u8 = 0;
            for &c in chunk {
                n += u8::from(
                    (c == b'(')
                        | (c == b'[')
                        | (c == b'{')
                        | (c == b'<')
                        | (c == b'|')
                        | (c == b'!')
                        | (c == b'&')
                        | (c == b'*')
                        | (c == b'-'),
                );
            }
            usize::from(n)
        })
        .sum();
    let keywords: usize = [&b"return"[..], b"break", b"yield", b"become"]
        .iter()
        .map(|k| memchr::memmem::find_iter(b, k).count())
        .sum();
    if nesting_bytes + keywords <= limit {
        return 0;
    }
    scan(text, limit)
}

fn scan(text: &str, limit: usize) -> usize {
    let b = text.as_bytes();
    let (mut depth, mut run, mut max) = (0usize, 0usize, 0usize);
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied().unwrap_or(0);
        match c {
            b'/' if next == b'/' => {
                i = lexical::skip_line_comment(b, i);
                continue;
            }
            b'/' if next == b'*' => {
                i = lexical::skip_block_comment(b, i);
                continue;
            }
            b'"' => {
                i = lexical::skip_escaped_string(b, i + 1);
                continue;
            }
            // `r"…"`, `r#"…"#`, not a raw identifier (`r#type`).
            b'r' if b[i + 1..].iter().find(|&&c| c != b'#') == Some(&b'"') => {
                let hashes = b[i + 1..].iter().take_while(|&&c| c == b'#').count();
                i = lexical::skip_raw_string(b, hashes, i + 2 + hashes);
                continue;
            }
            b'\'' => {
                i = lexical::skip_char_or_lifetime(b, i);
                continue;
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                run = 0;
            }
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                run = 0;
            }
            b',' | b';' => run = 0,
            b'<' if next != b'=' && next != b'<' && next != b'-' => run += 1,
            b'>' if !matches!(i.checked_sub(1).map(|p| b[p]), Some(b'-' | b'=')) => {
                run = run.saturating_sub(1);
            }
            // `||` is one closure (or one `or`): one level, not two.
            b'|' if next == b'|' => {
                run += 1;
                i += 1;
            }
            b'|' | b'!' | b'&' | b'*' | b'-' => run += 1,
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
                let word = &b[start..i];
                if matches!(word, b"return" | b"break" | b"yield" | b"become") {
                    run += 1;
                }
                max = max.max(depth + run);
                continue;
            }
            _ => {}
        }
        max = max.max(depth + run);
        if max > limit {
            return max;
        }
        i += 1;
    }
    max
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_delimiters_generics_and_prefix_chains() {
        assert_eq!(estimate_any("fn f() { g(a, [b]) }"), 3);
        assert!(
            estimate_any(&format!(
                "type T = {}u8{};",
                "Vec<".repeat(50),
                ">".repeat(50)
            )) >= 50
        );
        assert!(estimate_any(&format!("fn f() {{ let x = {}1; }}", "async { ".repeat(40))) >= 40);
        assert!(estimate_any(&format!("fn f() {{ {}1 }}", "|| ".repeat(30))) >= 30);
        assert!(estimate_any(&format!("fn f() {{ {}x }}", "!".repeat(30))) >= 30);
    }

    #[test]
    fn ignores_strings_comments_and_chars() {
        let s = "fn f() { let s = \"((((\"; let r = r#\"{{{{\"#; let c = '('; /* ((( /* ((( */ */ // ((((\n }";
        assert_eq!(estimate_any(s), 1);
        assert!(estimate_any("fn f<'a>(x: &'a str) -> bool { x < y && a > b }") < 6);
    }

    #[test]
    fn comparisons_and_arrows_do_not_pile_up() {
        let body: String = (0..1000)
            .map(|i| format!("if a{i} < b && c -> d {{ }}\n"))
            .collect();
        assert!(estimate_any(&format!("fn f() {{ {body} }}")) < 10);
    }

    #[test]
    fn stops_past_the_limit_and_skips_short_texts() {
        let deep = format!("fn f() {{ {}1 }}", "(".repeat(50_000));
        assert!(estimate(&deep, MAX_NESTING) > MAX_NESTING);
        assert_eq!(estimate("(((((", 10), 0);
        // Keyword chains hold none of the delimiter bytes: the shortcut must still scan them.
        for kw in ["return ", "break ", "yield ", "become "] {
            let chain = format!("fn f() {{ {}1 }}", kw.repeat(30_000));
            assert!(estimate(&chain, MAX_NESTING) > MAX_NESTING, "{kw}");
        }
    }

    fn estimate_any(s: &str) -> usize {
        scan(s, usize::MAX)
    }
}
