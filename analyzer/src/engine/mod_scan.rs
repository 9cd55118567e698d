//! The `mod name;` declarations of a file without `#[path]` or `include!`, read from its bytes.
//!
//! The module tree reads every file that declares one (most `lib.rs` and `mod.rs` files, which
//! are large). Lexing them with proc-macro2 allocated a token per word and was 5% of a run's
//! instructions; this scan skips comments, string and char literals and the groups the token scan
//! skips (fn bodies, impls, attributes), and allocates only the names it finds. Files that write
//! `#[path]`, `cfg_attr(.., path = ..)` or `include` keep the token scan, which also reads those.

/// A declaration: the inline modules it is nested in (`mod a { mod b; }` → `["a"]`), and its
/// name.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct ModDecl {
    pub(super) inline: Vec<String>,
    pub(super) name: String,
}

/// What the token scan sees at item level and in macro bodies, in source order; `None` where
/// it would give up or the text does not lex (a `mod $name;` in a macro, an unterminated
/// literal or comment, unbalanced delimiters).
pub(super) fn mod_decls(text: &str) -> Option<Vec<ModDecl>> {
    let mut s = Scanner {
        b: text.as_bytes(),
        i: 0,
        prev: [Tok::Other, Tok::Other],
        out: Vec::new(),
        inline: Vec::new(),
    };
    s.scan(None, true, false)?;
    Some(s.out)
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
}

fn ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c >= 0x80
}

fn ident_continue(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
}

impl Scanner<'_> {
    fn push(&mut self, t: Tok) {
        self.prev = [self.prev[1], t];
    }

    /// Scans up to the delimiter `close` (the end of the text when `None`). `visit`: look at the
    /// declarations in it (item level, a module's body, a macro body); `soup`: inside a macro
    /// body, where every nested group but attributes is looked at.
    fn scan(&mut self, close: Option<u8>, visit: bool, soup: bool) -> Option<()> {
        while self.i < self.b.len() {
            let c = self.b[self.i];
            match c {
                b' ' | b'\t' | b'\n' | b'\r' => self.i += 1,
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
                        self.scan(Some(closing), true, soup)?;
                        self.inline.pop();
                    } else {
                        let inner = visit && !attribute && (soup || macro_body);
                        self.scan(Some(closing), inner, soup || inner)?;
                    }
                    self.prev = [before, Tok::Other];
                }
                b'}' | b')' | b']' => {
                    self.i += 1;
                    return (close == Some(c)).then_some(());
                }
                b'!' => {
                    self.i += 1;
                    self.push(Tok::Bang);
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
                    while self.i < self.b.len() && ident_continue(self.b[self.i]) {
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
        while self.i < b.len() && ident_continue(b[self.i]) {
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
                    while self.i < self.b.len() && ident_continue(self.b[self.i]) {
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
        while self.i < b.len() && ident_continue(b[self.i]) {
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
