//! Code quoted in messages, made to look like code. Some rules quote an expression by printing
//! its tokens, which puts spaces where nobody writes them (`s.parse::< u32 >()`, `v !()`,
//! `"{}" , x`); the spacing is closed up here, inside backticks and outside string literals, for
//! every rule. Lock-order messages also name locks by long qualified paths
//! (`crate::server::state::AppState::orders`): those are cut to their last two segments.

/// `message` of a finding of `rule`, tidied.
pub fn message(rule: &str, message: String) -> String {
    if !message.contains('`') {
        return message;
    }
    let shorten = matches!(rule, "lock_order_inversion" | "multiple_locks_held");
    let mut out = String::with_capacity(message.len());
    for (i, part) in message.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        if i % 2 == 1 {
            // Lock names are built from identities and compact receiver text, never printed
            // tokens; their `from.balance (Account.balance)` spacing is deliberate.
            out.push_str(&if shorten {
                short_paths(part)
            } else {
                close_up(part)
            });
        } else if shorten {
            // Function names in parentheses, `(crate::a::b::A::y)`, outside backticks too.
            out.push_str(&short_paths(part));
        } else {
            out.push_str(part);
        }
    }
    // An unpaired backtick: the split above still rebuilt the text exactly.
    out
}

/// Remove the spaces token printing adds, leaving string and char literals alone.
fn close_up(code: &str) -> String {
    let chars: Vec<char> = code.chars().collect();
    let mut out = String::with_capacity(code.len());
    let mut in_str = false;
    let mut generic_depth = 0usize;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if in_str {
            out.push(c);
            if c == '\\' && i + 1 < chars.len() {
                out.push(chars[i + 1]);
                i += 2;
                continue;
            }
            if c == '"' {
                in_str = false;
            }
            i += 1;
            continue;
        }
        if c == '"' {
            in_str = true;
            out.push(c);
            i += 1;
            continue;
        }
        if c == '<' && out.ends_with("::") {
            generic_depth += 1;
        } else if c == '>' && generic_depth > 0 {
            generic_depth -= 1;
        }
        if c == ' ' {
            let prev = out.chars().last();
            let next = chars.get(i + 1).copied();
            let next2 = chars.get(i + 2).copied();
            let drop_before = match next {
                Some('(' | ')' | ']' | '.' | ',' | ';' | '?') => true,
                Some(':') => next2 == Some(':'),
                // A macro's `!` (`v !()`, `vec ![..]`), not `!=`.
                Some('!') => matches!(next2, Some('(' | '[' | '{')),
                Some('>') => generic_depth > 0,
                _ => false,
            };
            let drop_after = match prev {
                Some('(' | '[' | '.') => true,
                Some(':') => out.ends_with("::"),
                Some('<') => generic_depth > 0,
                Some('&') => {
                    // Unary `&` (start, or after an opening bracket or another operator).
                    let before = out.trim_end_matches('&').chars().last();
                    before.is_none_or(|b| matches!(b, '(' | '[' | ',' | ' ' | '=' | '!'))
                }
                Some('!') => {
                    let before = out.trim_end_matches('!').chars().last();
                    before.is_none_or(|b| matches!(b, '(' | '[' | ',' | ' ')) && next != Some('=')
                }
                _ => false,
            };
            if drop_before || drop_after {
                i += 1;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

/// `a::b::c::D::e` → `D::e`: qualified paths cut to their last two segments.
fn short_paths(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        let segs: Vec<&str> = word.split("::").collect();
        if segs.len() > 2 && segs.iter().all(|s| !s.is_empty()) {
            out.push_str(&segs[segs.len() - 2..].join("::"));
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_alphanumeric() || c == '_' || c == ':' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_spacing_closed_up() {
        let m = |s: &str| message("swallowed_result", s.to_string());
        assert_eq!(
            m("error of `s.parse::< u32 >()` without"),
            "error of `s.parse::<u32>()` without"
        );
        assert_eq!(m("`v !()` and `vec ![1]`"), "`v!()` and `vec![1]`");
        assert_eq!(m("`format !(\"a , b\" , x)`"), "`format!(\"a , b\", x)`");
        assert_eq!(m("`a != b` `a < b` `& mut x`"), "`a != b` `a < b` `&mut x`");
        assert_eq!(m("`std :: fs :: read (p)`"), "`std::fs::read(p)`");
        assert_eq!(m("no code here"), "no code here");
        assert_eq!(m("unpaired ` tick"), "unpaired ` tick");
    }

    #[test]
    fn lock_paths_shortened() {
        assert_eq!(
            message(
                "lock_order_inversion",
                "`crate::server::state::AppState::orders` at a.rs:14 (crate::server::A::y)".into()
            ),
            "`AppState::orders` at a.rs:14 (A::y)"
        );
    }
}
