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

/// Files nesting deeper than this are reported as `too_large` and not parsed.
pub const MAX_NESTING: usize = 20_000;

/// The estimated nesting depth of `text`, stopping early once it passes `limit`. Strings,
/// character literals and comments do not count.
pub fn estimate(text: &str, limit: usize) -> usize {
    // Every level takes at least one delimiter, operator or keyword: a file with fewer of
    // those than `limit` (almost every file) needs no scan. The count vectorizes.
    let b = text.as_bytes();
    if b.len() <= limit {
        return 0;
    }
    let nesting_bytes = b
        .iter()
        .filter(|&&c| {
            matches!(
                c,
                b'(' | b'[' | b'{' | b'<' | b'|' | b'!' | b'&' | b'*' | b'-'
            )
        })
        .count();
    let keywords: usize = ["return", "break", "yield", "become"]
        .iter()
        .map(|k| text.matches(k).count())
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
                i = memchr_from(b, b'\n', i);
                continue;
            }
            b'/' if next == b'*' => {
                i = skip_block_comment(b, i);
                continue;
            }
            b'"' => {
                i = skip_string(b, i + 1);
                continue;
            }
            b'r' if next == b'"' || (next == b'#' && is_raw_string_start(b, i + 1)) => {
                i = skip_raw_string(b, i + 1);
                continue;
            }
            b'\'' => {
                i = skip_char_or_lifetime(b, i);
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

fn memchr_from(b: &[u8], needle: u8, from: usize) -> usize {
    b[from..]
        .iter()
        .position(|&c| c == needle)
        .map_or(b.len(), |p| from + p)
}

/// Past the end of a (nested) block comment starting at `i`.
fn skip_block_comment(b: &[u8], mut i: usize) -> usize {
    let mut level = 0usize;
    while i + 1 < b.len() {
        match (b[i], b[i + 1]) {
            (b'/', b'*') => {
                level += 1;
                i += 2;
            }
            (b'*', b'/') => {
                level -= 1;
                i += 2;
                if level == 0 {
                    return i;
                }
            }
            _ => i += 1,
        }
    }
    b.len()
}

/// Past the closing quote of a string whose body starts at `i`.
fn skip_string(b: &[u8], mut i: usize) -> usize {
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

/// `#...#"` follows at `i` (`r#"..."#`), not a raw identifier (`r#type`).
fn is_raw_string_start(b: &[u8], i: usize) -> bool {
    let hashes = b[i..].iter().take_while(|&&c| c == b'#').count();
    b.get(i + hashes) == Some(&b'"')
}

/// Past the end of a raw string whose hashes (or opening quote) start at `i`.
fn skip_raw_string(b: &[u8], i: usize) -> usize {
    let hashes = b[i..].iter().take_while(|&&c| c == b'#').count();
    let mut j = i + hashes + 1;
    while j < b.len() {
        if b[j] == b'"'
            && b[j + 1..]
                .iter()
                .take(hashes)
                .filter(|&&c| c == b'#')
                .count()
                == hashes
        {
            return j + 1 + hashes;
        }
        j += 1;
    }
    b.len()
}

/// Past a character literal (`'x'`, `'\n'`, `'\u{1F600}'`) or a lifetime's quote (`'a`).
fn skip_char_or_lifetime(b: &[u8], i: usize) -> usize {
    match b.get(i + 1) {
        Some(b'\\') => {
            let mut j = i + 2;
            while j < b.len() && b[j] != b'\'' && b[j] != b'\n' {
                j += 1;
            }
            j + 1
        }
        Some(_) => {
            // One (possibly multi-byte) character, then a quote: a char literal.
            let len = text_char_len(b[i + 1]);
            if b.get(i + 1 + len) == Some(&b'\'') {
                i + 2 + len
            } else {
                i + 1
            }
        }
        None => b.len(),
    }
}

fn text_char_len(first: u8) -> usize {
    match first {
        0x00..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        _ => 4,
    }
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
    }

    fn estimate_any(s: &str) -> usize {
        scan(s, usize::MAX)
    }
}
