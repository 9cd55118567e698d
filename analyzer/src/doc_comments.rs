//! Doc comments blanked out before parsing. The tokenizer turns every `///` line into a
//! `#[doc = "..."]` attribute (an escaped string literal, a group, an ident), syn parses each
//! into an `Attribute` and unescapes its literal, and the analysis then skips them all: no rule
//! reads documentation. In the benchmark corpus doc comments are 19% of the bytes and 11% of the
//! parse time.
//!
//! Blanking replaces each byte of the comment with a space, so every token keeps its line,
//! column (a line comment runs to the end of its line) and byte offset, and the text handed to
//! the rules is still the original. Only doc comments before something that takes attributes
//! are blanked, so a file the parser rejects for a misplaced one (before `}`, `else` or the end
//! of the file) is still reported as unparsable:
//! - `///` (not `////`) alone on its line, followed by something that takes attributes: an
//!   identifier or keyword other than `else`/`as`/`in`/`where`, or `#`;
//! - `//!` in the comments that open the file, before any token.
//!
//! Block doc comments (`/** */`, `/*! */`) are rare and stay. Files that hold a suppression
//! marker are parsed unblanked: item-level suppressions are placed by the item's first line,
//! doc comments included.

use crate::lexical;

/// `text` with its blankable doc comments turned into spaces, or `None` if it has none.
pub fn blank(text: &str) -> Option<String> {
    let spans = doc_spans(text.as_bytes());
    if spans.is_empty() {
        return None;
    }
    let mut bytes = text.as_bytes().to_vec();
    for (lo, hi) in spans {
        bytes[lo..hi].fill(b' ');
    }
    // Only whole comments, all of whose bytes became ASCII spaces, changed.
    String::from_utf8(bytes).ok()
}

/// Byte ranges of the doc comments to blank, in order.
fn doc_spans(b: &[u8]) -> Vec<(usize, usize)> {
    let mut outer = Vec::new();
    let mut inner = Vec::new();
    // Still in the comments and whitespace that open the file.
    let mut leading = true;
    let mut i = 0;
    while let Some(at) = memchr::memchr3(b'"', b'\'', b'/', &b[i..]) {
        let j = i + at;
        if leading && !b[i..j].iter().all(u8::is_ascii_whitespace) {
            leading = false;
        }
        i = match b[j] {
            b'/' if b.get(j + 1) == Some(&b'/') => {
                let end = lexical::skip_line_comment(b, j);
                let third = b.get(j + 2).copied();
                let comment = (j, trim_cr(b, j, end));
                if third == Some(b'/') && b.get(j + 3) != Some(&b'/') && starts_line(b, j) {
                    outer.push(comment);
                } else if third == Some(b'!') && leading {
                    inner.push(comment);
                }
                end
            }
            b'/' if b.get(j + 1) == Some(&b'*') => {
                let end = lexical::skip_block_comment(b, j);
                if leading && b.get(j + 2) == Some(&b'!') {
                    // `/*! */` is inner documentation, and code follows it.
                    leading = false;
                }
                end
            }
            b'/' => j + 1,
            b'"' => {
                leading = false;
                skip_string(b, j)
            }
            _ => {
                leading = false;
                lexical::skip_char_or_lifetime(b, j)
            }
        };
    }
    // Every outer doc comment of a run documents what follows the run: walk the runs backwards.
    let mut out = inner;
    let mut next_takes_attrs = false;
    for k in (0..outer.len()).rev() {
        let (_, end) = outer[k];
        let next_doc = outer.get(k + 1).map(|&(lo, _)| lo);
        next_takes_attrs = match next_significant(b, end, next_doc) {
            Next::Doc => next_takes_attrs,
            Next::At(p) => takes_attributes(b, p),
        };
        if next_takes_attrs {
            out.push(outer[k]);
        }
    }
    out.retain(|&(lo, hi)| !b[lo..hi].contains(&b'\r'));
    out.sort_unstable();
    out
}

/// The comment's end without the `\r` of a CRLF line end. A bare `\r` inside a doc comment is a
/// tokenizer error, so such a comment is not blanked (see the `retain` above).
fn trim_cr(b: &[u8], lo: usize, hi: usize) -> usize {
    if hi > lo && b[hi - 1] == b'\r' {
        hi - 1
    } else {
        hi
    }
}

/// Only whitespace precedes byte `j` on its line.
fn starts_line(b: &[u8], j: usize) -> bool {
    b[..j]
        .iter()
        .rev()
        .take_while(|&&c| c != b'\n')
        .all(|&c| c == b' ' || c == b'\t')
}

enum Next {
    /// The next doc comment of the run.
    Doc,
    /// The first byte of the next token (or the end of the text).
    At(usize),
}

/// Past whitespace and plain comments from `i`.
fn next_significant(b: &[u8], mut i: usize, next_doc: Option<usize>) -> Next {
    loop {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if Some(i) == next_doc {
            return Next::Doc;
        }
        match (b.get(i), b.get(i + 1)) {
            (Some(b'/'), Some(b'/')) => {
                i = lexical::skip_line_comment(b, i);
            }
            (Some(b'/'), Some(b'*')) => i = lexical::skip_block_comment(b, i),
            _ => return Next::At(i),
        }
    }
}

/// Whether the token at `p` can carry an outer attribute: an item, field, variant, statement,
/// parameter, match arm or another attribute. Keywords that continue an expression can't.
fn takes_attributes(b: &[u8], p: usize) -> bool {
    match b.get(p) {
        Some(b'#') => true,
        Some(&c) if c == b'_' || c.is_ascii_alphabetic() => {
            let end = b[p..]
                .iter()
                .position(|&c| !(c == b'_' || c.is_ascii_alphanumeric()))
                .map_or(b.len(), |n| p + n);
            !matches!(&b[p..end], b"else" | b"as" | b"in" | b"where")
        }
        _ => false,
    }
}

/// Past the closing quote of the string whose opening quote is at `q`: raw (`r"…"`,
/// `br#"…"#`, `cr"…"`) if an `r` and hashes lead up to the quote, escaped otherwise.
fn skip_string(b: &[u8], q: usize) -> usize {
    let hashes = b[..q].iter().rev().take_while(|&&c| c == b'#').count();
    let r = q - hashes;
    let is_ident = |c: u8| c == b'_' || c.is_ascii_alphanumeric();
    let raw = r > 0 && b[r - 1] == b'r' && {
        match r.checked_sub(2).map(|k| b[k]) {
            Some(b'b' | b'c') => !r.checked_sub(3).is_some_and(|k| is_ident(b[k])),
            Some(c) => !is_ident(c),
            None => true,
        }
    };
    if raw {
        lexical::skip_raw_string(b, hashes, q + 1)
    } else {
        lexical::skip_escaped_string(b, q + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blanked(s: &str) -> String {
        blank(s).unwrap_or_else(|| s.to_string())
    }

    #[test]
    fn blanks_outer_docs_before_items_and_keeps_positions() {
        let src = "/// Docs with ünïcode.\n/// More.\npub fn f() {\n    /// On a statement.\n    let x = 1;\n}\n";
        let out = blanked(src);
        assert_eq!(out.len(), src.len());
        assert_eq!(out.lines().count(), src.lines().count());
        assert!(!out.contains("Docs") && !out.contains("statement"));
        assert!(out.contains("pub fn f() {") && out.contains("let x = 1;"));
        // Each blanked line is all spaces, and the newlines stay where they were.
        for (a, b) in src.lines().zip(out.lines()) {
            assert_eq!(a.len(), b.len());
            assert!(b.trim().is_empty() || a == b);
        }
    }

    #[test]
    fn leaves_plain_comments_strings_and_misplaced_docs() {
        for src in [
            "//// not a doc\nfn f() {}\n",
            "// plain\nfn f() {}\n",
            "fn f() { let s = \"\n/// in a string\nx\"; }\n",
            "fn f() { let s = r#\"\n/// in a raw string \" still\n\"#; }\n",
            "fn f() { let s = br\"\n/// in a raw byte string\n\"; }\n",
            "/* block\n/// in a block comment\n*/ fn f() {}\n",
            "fn f() {\n    g();\n    /// documents nothing\n}\n",
            "fn f() { if a { b }\n/// before else\nelse { c } }\n",
            "fn f() {}\n/// at the end of the file\n",
            "struct S; /// not alone on its line\nfn f() {}\n",
            "/// bare \r inside\nfn f() {}\n",
            "fn f() {}\n//! inner, after code\n",
        ] {
            assert_eq!(blank(src), None, "{src:?}");
        }
        // The char literal `'"'` opens no string: the doc comment after it is seen.
        let src = "fn f() { let c = '\"'; }\n/// x\nfn g() {}\n";
        let at = src.find("/// x").expect("doc");
        assert_eq!(doc_spans(src.as_bytes()), vec![(at, at + 5)]);
        // CRLF: the `\r` stays, the comment goes.
        assert_eq!(
            blank("/// x\r\nfn f() {}\r\n").as_deref(),
            Some("     \r\nfn f() {}\r\n")
        );
    }

    #[test]
    fn every_prefix_of_tricky_text_is_handled() {
        let src = "//! a\n/// b\nfn f<'a>(x: &'a str) { let c = '\\u{1F600}'; let d = b'\\''; let s = br##\"x\"# \"##; /* /* */ */ }\n/// é\n";
        for end in 0..=src.len() {
            if let Some(prefix) = src.get(..end) {
                let _ = blank(prefix);
            }
        }
    }

    #[test]
    fn inner_docs_only_at_the_top_of_the_file() {
        let src = "//! Crate docs.\n//! More.\n#![deny(x)]\nmod m {\n    //! Module docs.\n}\n";
        let out = blanked(src);
        assert!(!out.contains("Crate docs") && !out.contains("More."));
        assert!(out.contains("//! Module docs."));
    }

    /// The file's tokens without `#[doc = ..]` / `#![doc = ..]` attributes.
    fn code_tokens(ts: proc_macro2::TokenStream, out: &mut Vec<String>) {
        use proc_macro2::TokenTree;
        let trees: Vec<TokenTree> = ts.into_iter().collect();
        let mut i = 0;
        while i < trees.len() {
            let bang = matches!(&trees.get(i + 1), Some(TokenTree::Punct(p)) if p.as_char() == '!');
            let group_at = i + 1 + usize::from(bang);
            if let (TokenTree::Punct(p), Some(TokenTree::Group(g))) =
                (&trees[i], trees.get(group_at))
                && p.as_char() == '#'
                && matches!(g.stream().into_iter().next(), Some(TokenTree::Ident(id)) if id == "doc")
            {
                i = group_at + 1;
                continue;
            }
            match &trees[i] {
                TokenTree::Group(g) => {
                    out.push(format!("{:?}", g.delimiter()));
                    code_tokens(g.stream(), out);
                    out.push("end".into());
                }
                t => out.push(format!("{t} {:?}", t.span().start())),
            }
            i += 1;
        }
    }

    #[test]
    fn parses_to_the_same_code_at_the_same_positions() {
        let src = "//! Crate.\n/// A struct.\n#[derive(Debug)]\npub struct S {\n    /// A fïeld.\n    pub a: u8,\n}\nenum E {\n    /// Variant.\n    A,\n}\nfn f(x: u8) -> u8 {\n    match x {\n        /// Arm.\n        0 => 1,\n        _ => 2,\n    }\n}\n";
        let tokens = |text: &str| {
            let mut out = Vec::new();
            code_tokens(text.parse().expect("tokenizes"), &mut out);
            out
        };
        let out = blanked(src);
        assert_ne!(out, src);
        syn::parse_file(&out).expect("still parses");
        assert_eq!(tokens(src), tokens(&out));
    }

    /// Every rule fixture, with a doc comment (non-ASCII included) added above each line that
    /// can take one, gives the same facts and findings, at the same positions, blanked or not.
    #[test]
    fn rule_fixtures_analyze_the_same_blanked() {
        use racewise_lints::semantic::FileOptions;
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/rules");
        let rules: Vec<_> = racewise_lints::registry::RULES.iter().collect();
        let mut files = 0;
        let mut blanked_any = 0;
        let mut stack = vec![root];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).expect("fixture dir").flatten() {
                let path = e.path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                if path.extension().is_none_or(|x| x != "rs") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).expect("fixture");
                let mut documented = String::new();
                for line in text.lines() {
                    let t = line.trim_start();
                    if ["fn ", "pub ", "async fn", "impl", "struct ", "let ", "#["]
                        .iter()
                        .any(|p| t.starts_with(p))
                    {
                        let indent = &line[..line.len() - t.len()];
                        documented.push_str(&format!("{indent}/// Dõcs: `lock()` … .await\n"));
                    }
                    documented.push_str(line);
                    documented.push('\n');
                }
                blanked_any += usize::from(blank(&documented).is_some());
                let run = |item_extents| {
                    let opts = FileOptions {
                        item_extents,
                        ..FileOptions::default()
                    };
                    match crate::engine::analyze_text(&documented, opts, &rules) {
                        Ok(mut facts) => {
                            // Item extents (kept only for suppressions) and an allow's scope
                            // start where the item's doc comment does; no finding lies in one.
                            facts.items.clear();
                            for a in &mut facts.allows {
                                (a.scope.line, a.scope.column, a.scope.start_byte) = (0, 0, 0);
                            }
                            format!("{facts:?}")
                        }
                        Err(e) => format!("error {e:?}"),
                    }
                };
                assert_eq!(run(false), run(true), "{}", path.display());
                files += 1;
            }
        }
        assert!(
            files > 50 && blanked_any > 50,
            "{files} fixtures, {blanked_any} blanked"
        );
    }
}
