//! Skipping, byte by byte, over the parts of Rust source that are not code — comments, string
//! and character literals — for the scans that run before the parser (`nesting`,
//! `doc_comments`). Each function takes the text's bytes and a position and returns the
//! position just past the construct (the text's length if it never ends).

/// The end of the line comment starting at `i`: its newline (kept: it ends the line), or the
/// text's end.
pub fn skip_line_comment(b: &[u8], i: usize) -> usize {
    memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |n| i + n)
}

/// Past the end of a (nested) block comment whose `/*` is at `i`.
pub fn skip_block_comment(b: &[u8], mut i: usize) -> usize {
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

/// Past the closing quote of an escaped string (`"…"`, `b"…"`, `c"…"`) whose body starts at `i`.
pub fn skip_escaped_string(b: &[u8], mut i: usize) -> usize {
    while let Some(n) = b
        .get(i..)
        .and_then(|rest| memchr::memchr2(b'"', b'\\', rest))
    {
        let at = i + n;
        if b[at] == b'"' {
            return at + 1;
        }
        i = at + 2;
    }
    b.len()
}

/// Past the closing quote and `hashes` hashes of a raw string whose body starts at `i`.
pub fn skip_raw_string(b: &[u8], hashes: usize, mut i: usize) -> usize {
    while let Some(n) = b.get(i..).and_then(|rest| memchr::memchr(b'"', rest)) {
        let close = i + n;
        let tail = &b[close + 1..];
        if tail.len() >= hashes && tail[..hashes].iter().all(|&c| c == b'#') {
            return close + 1 + hashes;
        }
        i = close + 1;
    }
    b.len()
}

/// Past a character literal (`'x'`, `'\''`, `'é'`, `'\u{1F600}'`) whose quote is at `q`, or
/// past the quote of a lifetime or label (`'a`).
pub fn skip_char_or_lifetime(b: &[u8], q: usize) -> usize {
    match b.get(q + 1) {
        Some(b'\\') => {
            // The closing quote comes within a few bytes (`'\u{10FFFF}'` is the longest).
            let end = (q + 12).min(b.len());
            b.get(q + 3..end)
                .and_then(|tail| tail.iter().position(|&c| c == b'\''))
                .map_or(q + 1, |n| q + 3 + n + 1)
        }
        Some(&first) => {
            let len = match first {
                0xF0.. => 4,
                0xE0.. => 3,
                0xC0.. => 2,
                _ => 1,
            };
            if b.get(q + 1 + len) == Some(&b'\'') {
                q + 2 + len
            } else {
                q + 1
            }
        }
        None => b.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skips_each_construct_whole() {
        let cases: &[(&str, usize)] = &[
            ("/* a /* nested */ b */x", 22),
            ("/* never closed", 15),
            ("'x' y", 3),
            ("'é' y", 4),
            ("'\\'' y", 4),
            ("'\\n' y", 4),
            ("'\\u{1F600}' y", 11),
            ("'a: loop", 1),
            ("'\\", 1),
        ];
        for &(src, end) in cases {
            let b = src.as_bytes();
            let got = if src.starts_with('/') {
                skip_block_comment(b, 0)
            } else {
                skip_char_or_lifetime(b, 0)
            };
            assert_eq!(got, end, "{src:?}");
        }
        assert_eq!(skip_line_comment(b"// a\nb", 0), 4);
        assert_eq!(skip_line_comment(b"// a", 0), 4);
        assert_eq!(skip_escaped_string(b"a \\\" b\" c", 0), 7);
        assert_eq!(skip_escaped_string(b"a \\", 0), 3);
        assert_eq!(skip_raw_string(b"a \" b\"## c", 2, 0), 8);
        assert_eq!(skip_raw_string(b"a \"#", 2, 0), 4);
    }
}
