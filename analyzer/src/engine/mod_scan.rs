//! The `mod name;` declarations of a file without `#[path]` or `include!`, read from its bytes.
//!
//! The module tree reads every file that declares one (most `lib.rs` and `mod.rs` files, which
//! are large). Lexing them with proc-macro2 allocated a token per word: crate assignment was
//! 5.2% of a run's instructions on the bench corpus, 2.4% with this scan. It skips comments,
//! string and char literals and the groups the token scan skips (fn bodies, impls, attributes),
//! and allocates only the names it finds. A file with a
//! `path = ..` inside any attribute (`#[path]`, `cfg_attr(.., path = ..)`, however it is spaced
//! or commented) or an `include!` anywhere goes to the token scan, which reads those.

/// A declaration: the inline modules it is nested in (`mod a { mod b; }` → `["a"]`), and its
/// name.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct ModDecl {
    pub(super) inline: Vec<String>,
    pub(super) name: String,
}

/// What the byte scan made of a file.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Scanned {
    /// What the token scan sees at item level and in macro bodies, in source order.
    Decls(Vec<ModDecl>),
    /// Where the token scan gives up or the text does not lex (a `mod $name;` in a macro, an
    /// unterminated literal or comment, unbalanced delimiters): the tree is unknown.
    Unknown,
    /// The file writes a `path = ..` in an attribute (`#[path]`, `cfg_attr(.., path = ..)`) or
    /// invokes `include!`, anywhere: only the token scan reads those.
    NeedsTokens,
}

pub(super) fn mod_decls(text: &str) -> Scanned {
    let mut s = Scanner {
        b: text.as_bytes(),
        i: 0,
        prev: [Tok::Other, Tok::Other],
        out: Vec::new(),
        inline: Vec::new(),
        needs_tokens: false,
    };
    let done = s.scan(None, Group::Item, false);
    if s.needs_tokens {
        Scanned::NeedsTokens
    } else if done.is_none() {
        Scanned::Unknown
    } else {
        Scanned::Decls(s.out)
    }
}

/// How a group's contents are read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Group {
    /// Item level, a module's body, a macro body: declarations count.
    Item,
    /// A fn body, an impl, a type: only lexed.
    Skipped,
    /// Inside an attribute's brackets: only lexed, watching for `path =`.
    Attribute,
}

/// The last significant tokens, as far as telling macro bodies and `mod name {` apart needs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tok {
    Bang,
    Hash,
    Mod,
    /// An identifier (byte range), not `mod`.
    Ident(usize, usize),
    Other,
}

struct Scanner<'t> {
    b: &'t [u8],
    i: usize,
    prev: [Tok; 2],
    out: Vec<ModDecl>,
    inline: Vec<String>,
    needs_tokens: bool,
}

fn ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c >= 0x80
}

/// Length of the non-ASCII whitespace Rust accepts (U+0085, U+200E, U+200F, U+2028, U+2029)
/// at the start of `b`, else 0.
fn unicode_space(b: &[u8]) -> usize {
    match b {
        [0xC2, 0x85, ..] => 2,
        [0xE2, 0x80, 0x8E | 0x8F | 0xA8 | 0xA9, ..] => 3,
        _ => 0,
    }
}

impl Scanner<'_> {
    fn push(&mut self, t: Tok) {
        self.prev = [self.prev[1], t];
    }

    /// Whether the byte at `i` continues an identifier (or a number's suffix).
    fn ident_continue(&self, i: usize) -> bool {
        let c = self.b[i];
        c.is_ascii_alphanumeric() || c == b'_' || (c >= 0x80 && unicode_space(&self.b[i..]) == 0)
    }

    fn is_word(&self, t: Tok, word: &[u8]) -> bool {
        matches!(t, Tok::Ident(s, e) if &self.b[s..e] == word)
    }

    /// Scans up to the delimiter `close` (the end of the text when `None`); `soup`: inside a
    /// macro body, where every nested group but attributes is looked at.
    fn scan(&mut self, close: Option<u8>, group: Group, soup: bool) -> Option<()> {
        let visit = group == Group::Item;
        while self.i < self.b.len() {
            let c = self.b[self.i];
            match c {
                b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C => self.i += 1,
                0x80.. if unicode_space(&self.b[self.i..]) > 0 => {
                    self.i += unicode_space(&self.b[self.i..]);
                }
                b'/' if self.b.get(self.i + 1) == Some(&b'/') => {
                    self.i = memchr::memchr(b'\n', &self.b[self.i..])
                        .map_or(self.b.len(), |n| self.i + n);
                }
                b'/' if self.b.get(self.i + 1) == Some(&b'*') => self.block_comment()?,
                b'"' => {
                    self.i += 1;
                    self.quoted(b'"')?;
                    self.push(Tok::Other);
                }
                b'\'' => self.quote_or_lifetime()?,
                b'{' | b'(' | b'[' => {
                    self.i += 1;
                    let closing = match c {
                        b'{' => b'}',
                        b'(' => b')',
                        _ => b']',
                    };
                    let [p2, p1] = self.prev;
                    let attribute =
                        c == b'[' && (p1 == Tok::Hash || (p1 == Tok::Bang && p2 == Tok::Hash));
                    let macro_body = !attribute
                        && (p1 == Tok::Bang || (p2 == Tok::Bang && matches!(p1, Tok::Ident(..))));
                    let module = match (c, p2, p1) {
                        (b'{', Tok::Mod, Tok::Ident(s, e)) => Some(self.name(s, e)),
                        _ => None,
                    };
                    // The group is one token to what follows it.
                    let before = p1;
                    self.push(Tok::Other);
                    if let Some(name) = module.filter(|_| visit) {
                        self.inline.push(name);
                        self.scan(Some(closing), Group::Item, soup)?;
                        self.inline.pop();
                    } else if attribute || group == Group::Attribute {
                        self.scan(Some(closing), Group::Attribute, false)?;
                    } else if visit && (soup || macro_body) {
                        self.scan(Some(closing), Group::Item, true)?;
                    } else {
                        self.scan(Some(closing), Group::Skipped, soup)?;
                    }
                    self.prev = [before, Tok::Other];
                }
                b'}' | b')' | b']' => {
                    self.i += 1;
                    return (close == Some(c)).then_some(());
                }
                b'!' => {
                    self.i += 1;
                    if self.is_word(self.prev[1], b"include") {
                        self.needs_tokens = true;
                    }
                    self.push(Tok::Bang);
                }
                b'=' => {
                    // `==` and `=>` are not an attribute's `name = value`.
                    if matches!(self.b.get(self.i + 1), Some(b'=' | b'>')) {
                        self.i += 2;
                    } else {
                        self.i += 1;
                        if group == Group::Attribute && self.is_word(self.prev[1], b"path") {
                            self.needs_tokens = true;
                        }
                    }
                    self.push(Tok::Other);
                }
                b'#' => {
                    self.i += 1;
                    self.push(Tok::Hash);
                }
                b';' => {
                    self.i += 1;
                    if visit && let [Tok::Mod, Tok::Ident(s, e)] = self.prev {
                        let name = self.name(s, e);
                        self.out.push(ModDecl {
                            inline: self.inline.clone(),
                            name,
                        });
                    }
                    self.push(Tok::Other);
                }
                b'$' if visit && self.prev[1] == Tok::Mod => return None,
                _ if ident_start(c) => self.word()?,
                _ if c.is_ascii_digit() => {
                    // A number, suffix included (`1u8`, `0x1f`, `1e-3` is `1e`, `-`, `3`).
                    while self.i < self.b.len() && self.ident_continue(self.i) {
                        self.i += 1;
                    }
                    self.push(Tok::Other);
                }
                _ => {
                    self.i += 1;
                    self.push(Tok::Other);
                }
            }
        }
        close.is_none().then_some(())
    }

    fn name(&self, s: usize, e: usize) -> String {
        let word = &self.b[s..e];
        String::from_utf8_lossy(word.strip_prefix(b"r#").unwrap_or(word)).into_owned()
    }

    /// An identifier, keyword or raw identifier, or a prefixed literal (`b"..."`, `r#"..."#`,
    /// `br".."`, `c".."`, `b'x'`).
    fn word(&mut self) -> Option<()> {
        let start = self.i;
        let b = self.b;
        // Raw strings: `r"`, `r#`, `br"`, `br#`, `cr"`, `cr#` (a raw identifier `r#name` is not).
        let raw_at = match (b[start], b.get(start + 1)) {
            (b'r', _) => Some(start + 1),
            (b'b' | b'c', Some(b'r')) => Some(start + 2),
            _ => None,
        };
        if let Some(at) = raw_at {
            let hashes = b[at..].iter().take_while(|&&c| c == b'#').count();
            if b.get(at + hashes) == Some(&b'"') {
                self.i = at + hashes + 1;
                self.raw(hashes)?;
                self.push(Tok::Other);
                return Some(());
            }
        }
        if matches!(b[start], b'b' | b'c') && b.get(start + 1) == Some(&b'"') {
            self.i = start + 2;
            self.quoted(b'"')?;
            self.push(Tok::Other);
            return Some(());
        }
        if b[start] == b'b' && b.get(start + 1) == Some(&b'\'') {
            self.i = start + 2;
            self.quoted(b'\'')?;
            self.push(Tok::Other);
            return Some(());
        }
        if b[start] == b'r' && b.get(start + 1) == Some(&b'#') {
            self.i = start + 2;
        }
        while self.i < b.len() && self.ident_continue(self.i) {
            self.i += 1;
        }
        let tok = if &b[start..self.i] == b"mod" {
            Tok::Mod
        } else {
            Tok::Ident(start, self.i)
        };
        self.push(tok);
        Some(())
    }

    /// After the opening quote: up to the closing `q`, escapes skipped.
    fn quoted(&mut self, q: u8) -> Option<()> {
        while self.i < self.b.len() {
            match self.b[self.i] {
                b'\\' => self.i += 2,
                c if c == q => {
                    self.i += 1;
                    // A suffix (`"x"suffix`) is part of the literal.
                    while self.i < self.b.len() && self.ident_continue(self.i) {
                        self.i += 1;
                    }
                    return Some(());
                }
                _ => self.i += 1,
            }
        }
        None
    }

    /// After `r#.."`: up to `"` and as many `#`.
    fn raw(&mut self, hashes: usize) -> Option<()> {
        loop {
            let at = memchr::memchr(b'"', self.b.get(self.i..)?)?;
            self.i += at + 1;
            let closing = self.b[self.i..]
                .iter()
                .take(hashes)
                .take_while(|&&c| c == b'#')
                .count();
            if closing == hashes {
                self.i += hashes;
                return Some(());
            }
        }
    }

    /// `'x'`, `'\n'`, `'\u{..}'`, `'é'` (a char literal) or `'a`, `'static` (a lifetime or label).
    fn quote_or_lifetime(&mut self) -> Option<()> {
        let b = self.b;
        let at = self.i + 1;
        self.push(Tok::Other);
        if b.get(at) == Some(&b'\\') {
            self.i = at;
            return self.quoted(b'\'');
        }
        // One char (of however many bytes) then a closing quote: a char literal.
        let len = match b.get(at) {
            Some(&c) if c < 0x80 => 1,
            Some(&c) if c >= 0xF0 => 4,
            Some(&c) if c >= 0xE0 => 3,
            Some(_) => 2,
            None => return None,
        };
        if b.get(at + len) == Some(&b'\'') {
            self.i = at + len + 1;
            return Some(());
        }
        self.i = at;
        while self.i < b.len() && self.ident_continue(self.i) {
            self.i += 1;
        }
        Some(())
    }

    /// `/* .. */`, nested.
    fn block_comment(&mut self) -> Option<()> {
        let mut depth = 0usize;
        while self.i + 1 < self.b.len() {
            match (self.b[self.i], self.b[self.i + 1]) {
                (b'/', b'*') => {
                    depth += 1;
                    self.i += 2;
                }
                (b'*', b'/') => {
                    depth -= 1;
                    self.i += 2;
                    if depth == 0 {
                        return Some(());
                    }
                }
                _ => self.i += 1,
            }
        }
        None
    }
}
