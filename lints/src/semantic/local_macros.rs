//! A file's own `macro_rules!` helpers, expanded where they are invoked. Services wrap
//! repetitive control flow in small local macros (`try_cf!(handle(cmd).await?)`, `ensure_ok!(x)`);
//! skipping their arguments hides the calls inside from the call graph (the callee then looks
//! called from nowhere) and the code from every rule. Only the simplest form is expanded: one
//! rule whose matcher takes comma-separated fragments (`($e:expr)`, `($a:expr, $name:ident
//! $(,)?)`); a macro with several rules, repetitions or other matchers stays skipped.

use proc_macro2::{Delimiter, Group, Span, TokenStream, TokenTree};
use rustc_hash::FxHashMap;

/// One local macro: its parameters in order and its transcriber.
#[derive(Debug)]
pub struct LocalMacro {
    params: Vec<(String, Fragment)>,
    body: TokenStream,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Fragment {
    /// `expr`: substituted as one invisible group, so its precedence holds (as rustc does).
    Expr,
    /// `ident`, `ty`, `path`, `literal`: substituted as written.
    Plain,
}

/// The expandable `macro_rules!` of a file, by name, in any of its modules (not inside fns). A
/// name defined twice (per-`cfg` variants) is left out: which one applies is not known.
pub fn local_macros(items: &[syn::Item]) -> FxHashMap<String, Option<LocalMacro>> {
    let mut out = FxHashMap::default();
    collect(items, &mut out);
    out
}

fn collect(items: &[syn::Item], out: &mut FxHashMap<String, Option<LocalMacro>>) {
    for item in items {
        match item {
            syn::Item::Macro(m) if m.mac.path.is_ident("macro_rules") => {
                let Some(name) = &m.ident else { continue };
                let parsed = LocalMacro::parse(m.mac.tokens.clone());
                out.entry(name.to_string())
                    .and_modify(|e| *e = None)
                    .or_insert(parsed);
            }
            syn::Item::Mod(m) => {
                if let Some((_, items)) = &m.content {
                    collect(items, out);
                }
            }
            _ => {}
        }
    }
}

impl LocalMacro {
    /// `(matcher) => { transcriber }` once, with an optional `;`.
    fn parse(rules: TokenStream) -> Option<LocalMacro> {
        let tokens: Vec<TokenTree> = rules.into_iter().collect();
        let (matcher, body) = match tokens.as_slice() {
            [
                TokenTree::Group(m),
                TokenTree::Punct(eq),
                TokenTree::Punct(gt),
                TokenTree::Group(b),
                rest @ ..,
            ] if eq.as_char() == '='
                && gt.as_char() == '>'
                && matches!(rest, [] | [TokenTree::Punct(_)]) =>
            {
                (m.stream(), b.stream())
            }
            _ => return None,
        };
        Some(LocalMacro {
            params: parse_matcher(matcher)?,
            body,
        })
    }

    /// The invocation's expansion, as an expression (a block when the transcriber is a list
    /// of statements), its own tokens placed at `at` (the invocation): `None` when the
    /// arguments do not fit the matcher or the result does not parse.
    pub fn expand(&self, args: &TokenStream, at: Span) -> Option<syn::Expr> {
        let mut groups: Vec<Vec<TokenTree>> = vec![Vec::new()];
        for tt in args.clone() {
            match &tt {
                TokenTree::Punct(p) if p.as_char() == ',' => groups.push(Vec::new()),
                _ => groups.last_mut()?.push(tt),
            }
        }
        if groups.last().is_some_and(|g| g.is_empty()) && groups.len() > self.params.len() {
            groups.pop();
        }
        if groups.len() != self.params.len() || groups.iter().any(|g| g.is_empty()) {
            return None;
        }
        let bound: FxHashMap<&str, (Fragment, TokenStream)> = self
            .params
            .iter()
            .zip(groups)
            .map(|((name, frag), g)| (name.as_str(), (*frag, g.into_iter().collect())))
            .collect();
        let expanded = substitute(self.body.clone(), &bound, at)?;
        syn::parse2::<syn::Expr>(expanded.clone()).ok().or_else(|| {
            let block = TokenTree::Group(Group::new(Delimiter::Brace, expanded));
            syn::parse2::<syn::Expr>(block.into()).ok()
        })
    }
}

/// `$a:expr, $b:ident` with an optional trailing `$(,)?`.
fn parse_matcher(matcher: TokenStream) -> Option<Vec<(String, Fragment)>> {
    let tokens: Vec<TokenTree> = matcher.into_iter().collect();
    let mut params = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i..] {
            [
                TokenTree::Punct(d),
                TokenTree::Ident(name),
                TokenTree::Punct(colon),
                TokenTree::Ident(frag),
                ..,
            ] if d.as_char() == '$' && colon.as_char() == ':' => {
                let frag = match frag.to_string().as_str() {
                    "expr" => Fragment::Expr,
                    "ident" | "ty" | "path" | "literal" => Fragment::Plain,
                    _ => return None,
                };
                params.push((name.to_string(), frag));
                i += 4;
            }
            // `$(,)?` at the end.
            [
                TokenTree::Punct(d),
                TokenTree::Group(g),
                TokenTree::Punct(q),
            ] if d.as_char() == '$'
                && q.as_char() == '?'
                && g.stream().to_string().trim() == "," =>
            {
                i += 3;
                continue;
            }
            _ => return None,
        }
        match tokens.get(i) {
            None => {}
            Some(TokenTree::Punct(c)) if c.as_char() == ',' => i += 1,
            Some(TokenTree::Punct(d)) if d.as_char() == '$' => {}
            Some(_) => return None,
        }
    }
    (!params.is_empty()).then_some(params)
}

/// The transcriber with each `$name` replaced by its argument and `$crate` by `crate`; its
/// own tokens take span `at`. `None` on a repetition or an unknown `$name`.
fn substitute(
    body: TokenStream,
    bound: &FxHashMap<&str, (Fragment, TokenStream)>,
    at: Span,
) -> Option<TokenStream> {
    let mut out = Vec::new();
    let mut tokens = body.into_iter().peekable();
    while let Some(tt) = tokens.next() {
        match tt {
            TokenTree::Punct(p) if p.as_char() == '$' => {
                let Some(TokenTree::Ident(name)) = tokens.next() else {
                    return None;
                };
                let name = name.to_string();
                if name == "crate" {
                    out.push(TokenTree::Ident(proc_macro2::Ident::new("crate", at)));
                    continue;
                }
                let (frag, arg) = bound.get(name.as_str())?;
                match frag {
                    Fragment::Expr => {
                        // Where the argument is written: a finding on the whole argument
                        // sits there, not at the start of the file.
                        let mut group = Group::new(Delimiter::None, arg.clone());
                        group.set_span(arg.clone().into_iter().next().map_or(at, |t| t.span()));
                        out.push(TokenTree::Group(group));
                    }
                    Fragment::Plain => out.extend(arg.clone()),
                }
            }
            TokenTree::Group(g) => {
                let inner = substitute(g.stream(), bound, at)?;
                let mut group = Group::new(g.delimiter(), inner);
                group.set_span(at);
                out.push(TokenTree::Group(group));
            }
            mut other => {
                other.set_span(at);
                out.push(other);
            }
        }
    }
    Some(out.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand(defs: &str, call: &str) -> Option<String> {
        let file: syn::File = syn::parse_str(defs).expect("parses");
        let macros = local_macros(&file.items);
        let mac: syn::Macro = syn::parse_str(call).expect("call parses");
        let name = mac.path.get_ident()?.to_string();
        let m = macros.get(&name)?.as_ref()?;
        m.expand(&mac.tokens, Span::call_site())
            .map(|e| quote::quote!(#e).to_string())
    }

    #[test]
    fn one_rule_macros_expand_with_their_arguments() {
        let defs = "macro_rules! try_cf {
                ($e:expr) => {
                    match $e {
                        ControlFlow::Continue(()) => {}
                        ControlFlow::Break(()) => return Ok(()),
                    }
                };
            }
            mod inner {
                macro_rules! pair { ($a:expr, $b:ident $(,)?) => { let $b = $a; use_it($b) }; }
            }";
        let got = expand(defs, "try_cf!(handle_cli_command(d, cmd).await)").expect("expands");
        assert!(
            got.starts_with("match handle_cli_command (d , cmd) . await"),
            "{got}"
        );
        let got = expand(defs, "pair!(load(x), v,)").expect("expands");
        assert!(
            got.starts_with("{ let v = load (x) ; use_it (v) }"),
            "{got}"
        );
    }

    #[test]
    fn other_macros_stay_unexpanded() {
        // Several rules, a repetition, a wrong argument count, a name defined twice.
        let defs = "macro_rules! two { () => {}; ($e:expr) => { $e }; }
            macro_rules! rep { ($($e:expr),*) => { $( $e; )* }; }
            macro_rules! one { ($e:expr) => { $e }; }
            macro_rules! twice { ($e:expr) => { $e }; }
            #[cfg(unix)] macro_rules! twice { ($e:expr) => { $e }; }";
        assert_eq!(expand(defs, "two!(f())"), None);
        assert_eq!(expand(defs, "rep!(f(), g())"), None);
        assert_eq!(expand(defs, "one!(f(), g())"), None);
        assert_eq!(expand(defs, "twice!(f())"), None);
        assert!(expand(defs, "one!(f())").is_some());
    }
}
