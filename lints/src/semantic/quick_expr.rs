//! Macro arguments built into expressions without a parser run. A `syn` parse of one argument
//! costs a token buffer and the parser's speculative branches (about 25,000 instructions for
//! `ParseState::Complete(3)`), and a service's logs and asserts hand the walker thousands of
//! them. The usual shapes are built here directly, exactly as `syn` would build them: paths,
//! literals, field and method chains, calls, indexing, `?`, `.await`, and the prefix operators
//! `&`, `&mut`, `!` and `*` over those. Anything else (binary operators, casts, closures,
//! ranges, generics, struct literals, macros, blocks) is `None`, and the caller runs the parser.

use proc_macro2::{Delimiter, Group, Punct, Spacing, TokenTree};
use syn::punctuated::Punctuated;

/// Words that are `Ident` tokens but not plain paths as expressions (`true` is a literal,
/// `move` is no expression at all), and the reserved words syn refuses as identifiers
/// (`virtual`, `become`, ...: `crate::register!(File, virtual)` is no expression).
const EXPR_KEYWORDS: &[&str] = &[
    "true", "false", "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum",
    "extern", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "static", "struct", "trait", "type", "unsafe", "use", "where", "while",
    "yield", "box", "try", "macro", "gen", "_", "abstract", "become", "do", "final", "override",
    "priv", "typeof", "unsized", "virtual",
];

/// Keywords that may start a path (`self.x`, `Self::new()`, `crate::f()`, `super::g()`); they
/// are valid only as its first segment.
const PATH_ROOTS: &[&str] = &["self", "Self", "crate", "super"];

/// The expression `trees` spell, if it has one of the shapes above.
pub fn build(trees: &[TokenTree]) -> Option<syn::Expr> {
    let (expr, rest) = prefixed(trees)?;
    rest.is_empty().then_some(expr)
}

fn punct_is(p: &Punct, c: char) -> bool {
    p.as_char() == c && p.spacing() == Spacing::Alone
}

/// A prefix operator applied to what follows it (which binds tighter), or a postfix chain.
fn prefixed(trees: &[TokenTree]) -> Option<(syn::Expr, &[TokenTree])> {
    match trees {
        [TokenTree::Punct(p), rest @ ..] if punct_is(p, '&') => {
            let (mutability, rest) = match rest {
                [TokenTree::Ident(m), rest @ ..] if m == "mut" => {
                    (Some(syn::Token![mut](m.span())), rest)
                }
                _ => (None, rest),
            };
            let (inner, rest) = prefixed(rest)?;
            let e = syn::Expr::Reference(syn::ExprReference {
                attrs: Vec::new(),
                and_token: syn::Token![&](p.span()),
                mutability,
                expr: Box::new(inner),
            });
            Some((e, rest))
        }
        [TokenTree::Punct(p), rest @ ..] if punct_is(p, '!') || punct_is(p, '*') => {
            let op = if p.as_char() == '!' {
                syn::UnOp::Not(syn::Token![!](p.span()))
            } else {
                syn::UnOp::Deref(syn::Token![*](p.span()))
            };
            let (inner, rest) = prefixed(rest)?;
            let e = syn::Expr::Unary(syn::ExprUnary {
                attrs: Vec::new(),
                op,
                expr: Box::new(inner),
            });
            Some((e, rest))
        }
        _ => postfix(trees),
    }
}

/// An atom followed by field accesses, method calls, calls, indexing, `?` and `.await`.
fn postfix(trees: &[TokenTree]) -> Option<(syn::Expr, &[TokenTree])> {
    let (mut expr, mut rest) = atom(trees)?;
    loop {
        match rest {
            [TokenTree::Punct(dot), TokenTree::Ident(name), tail @ ..] if punct_is(dot, '.') => {
                let dot_token = syn::Token![.](dot.span());
                if name == "await" {
                    expr = syn::Expr::Await(syn::ExprAwait {
                        attrs: Vec::new(),
                        base: Box::new(expr),
                        dot_token,
                        await_token: syn::Token![await](name.span()),
                    });
                    rest = tail;
                    continue;
                }
                if is_keyword(&name.to_string()) {
                    return None;
                }
                match tail {
                    [TokenTree::Group(g), after @ ..]
                        if g.delimiter() == Delimiter::Parenthesis =>
                    {
                        expr = syn::Expr::MethodCall(syn::ExprMethodCall {
                            attrs: Vec::new(),
                            receiver: Box::new(expr),
                            dot_token,
                            method: name.clone(),
                            turbofish: None,
                            paren_token: syn::token::Paren {
                                span: g.delim_span(),
                            },
                            args: args(g)?,
                        });
                        rest = after;
                    }
                    _ => {
                        expr = syn::Expr::Field(syn::ExprField {
                            attrs: Vec::new(),
                            base: Box::new(expr),
                            dot_token,
                            member: syn::Member::Named(name.clone()),
                        });
                        rest = tail;
                    }
                }
            }
            // `pair.0`; `x.0.1` lexes as the float `0.1`, left to the parser.
            [TokenTree::Punct(dot), TokenTree::Literal(l), tail @ ..] if punct_is(dot, '.') => {
                let text = l.to_string();
                if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                let index = text.parse::<u32>().ok()?;
                expr = syn::Expr::Field(syn::ExprField {
                    attrs: Vec::new(),
                    base: Box::new(expr),
                    dot_token: syn::Token![.](dot.span()),
                    member: syn::Member::Unnamed(syn::Index {
                        index,
                        span: l.span(),
                    }),
                });
                rest = tail;
            }
            [TokenTree::Group(g), tail @ ..] if g.delimiter() == Delimiter::Parenthesis => {
                expr = syn::Expr::Call(syn::ExprCall {
                    attrs: Vec::new(),
                    func: Box::new(expr),
                    paren_token: syn::token::Paren {
                        span: g.delim_span(),
                    },
                    args: args(g)?,
                });
                rest = tail;
            }
            [TokenTree::Group(g), tail @ ..] if g.delimiter() == Delimiter::Bracket => {
                let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                expr = syn::Expr::Index(syn::ExprIndex {
                    attrs: Vec::new(),
                    expr: Box::new(expr),
                    bracket_token: syn::token::Bracket {
                        span: g.delim_span(),
                    },
                    index: Box::new(build(&inner)?),
                });
                rest = tail;
            }
            // `?` joins no other punctuation, so its spacing says nothing.
            [TokenTree::Punct(q), tail @ ..] if q.as_char() == '?' => {
                expr = syn::Expr::Try(syn::ExprTry {
                    attrs: Vec::new(),
                    expr: Box::new(expr),
                    question_token: syn::Token![?](q.span()),
                });
                rest = tail;
            }
            _ => return Some((expr, rest)),
        }
    }
}

/// A literal, or a path of plain segments (`x`, `Type::new`, `crate::state::DB`) not followed
/// by what would make it something else (`!` of a macro, `{` of a struct literal).
fn atom(trees: &[TokenTree]) -> Option<(syn::Expr, &[TokenTree])> {
    match trees {
        // A literal token made by a macro may carry a sign (`Literal::i32_unsuffixed(-1)`);
        // syn splits it off as an operator: left to the parser.
        [TokenTree::Literal(l), _rest @ ..] if l.to_string().starts_with('-') => None,
        [TokenTree::Literal(l), rest @ ..] => {
            let e = syn::Expr::Lit(syn::ExprLit {
                attrs: Vec::new(),
                lit: syn::Lit::new(l.clone()),
            });
            Some((e, rest))
        }
        [TokenTree::Ident(first), _rest @ ..] => {
            if EXPR_KEYWORDS.contains(&first.to_string().as_str()) {
                return None;
            }
            let mut segments: Punctuated<syn::PathSegment, syn::Token![::]> = Punctuated::new();
            segments.push_value(syn::PathSegment::from(first.clone()));
            let mut rest = &trees[1..];
            while let [
                TokenTree::Punct(c1),
                TokenTree::Punct(c2),
                TokenTree::Ident(next),
                tail @ ..,
            ] = rest
                && c1.as_char() == ':'
                && c1.spacing() == Spacing::Joint
                && punct_is(c2, ':')
            {
                if is_keyword(&next.to_string()) {
                    return None;
                }
                segments.push_punct(syn::Token![::]([c1.span(), c2.span()]));
                segments.push_value(syn::PathSegment::from(next.clone()));
                rest = tail;
            }
            match rest.first() {
                // `a::<T>`, `a::b` cut short, `mac!(..)`, `Type { .. }`: not a plain path.
                Some(TokenTree::Punct(p)) if p.as_char() == ':' || p.as_char() == '!' => {
                    return None;
                }
                Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace => return None,
                Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::None => return None,
                _ => {}
            }
            let e = syn::Expr::Path(syn::ExprPath {
                attrs: Vec::new(),
                qself: None,
                path: syn::Path {
                    leading_colon: None,
                    segments,
                },
            });
            Some((e, rest))
        }
        _ => None,
    }
}

/// A word that is no identifier past a path's first segment (a field, a method, a later segment).
fn is_keyword(name: &str) -> bool {
    EXPR_KEYWORDS.contains(&name) || PATH_ROOTS.contains(&name)
}

/// The comma-separated arguments inside a call's parentheses, each one of the shapes above.
fn args(g: &Group) -> Option<Punctuated<syn::Expr, syn::Token![,]>> {
    let trees: Vec<TokenTree> = g.stream().into_iter().collect();
    let mut out = Punctuated::new();
    let mut rest: &[TokenTree] = &trees;
    while !rest.is_empty() {
        let (e, after) = prefixed(rest)?;
        out.push_value(e);
        match after {
            [] => rest = after,
            [TokenTree::Punct(comma), tail @ ..] if comma.as_char() == ',' => {
                out.push_punct(syn::Token![,](comma.span()));
                rest = tail;
            }
            _ => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use proc_macro2::{TokenStream, TokenTree};

    fn trees(src: &str) -> Vec<TokenTree> {
        src.parse::<TokenStream>().expect(src).into_iter().collect()
    }

    /// Every shape built here is the tree the parser builds.
    #[test]
    fn builds_what_the_parser_builds() {
        for src in [
            "x",
            "self.name",
            "&req.path",
            "path.display()",
            "\"lit\"",
            "ParseState::Complete(3)",
            "BufRef::new(0, 3)",
            "Version::HTTP_11",
            "ParseState::Chunked(1, 0, 0, 0)",
            "!http_stream.is_upgrade_req()",
            "http_stream.get_body(&res)",
            "!eob",
            "Some(\"q=b\")",
            "resp.headers.get(\"accept-ranges\").is_none()",
            "self.inner.request_summary(session, ctx)",
            "recv_task(&mut handle.rx)",
            "*e.etype()",
            "&ErrorType::ReadTimedout",
            "Poll::Ready(Ok(5))",
            "expected_body_slices[0]",
            "stream.poll_flush(cx)",
            "pair.0",
            "pair.0.name",
            "self.load().await",
            "self.load().await?",
            "fetch(id)?.name",
            "crate::state::DB",
            "Self::global().conns",
            "super::helper(x,)",
            "&mut *guard",
            "f()(1)",
            "a[b[0]]",
            "r#type.r#match",
            "b\"abc\".as_slice()",
            "'c'",
            "1u8",
            "x.f(&mut y, !z, *w)",
        ] {
            let built = super::build(&trees(src));
            let parsed: syn::Expr = syn::parse_str(src).expect(src);
            assert_eq!(built.as_ref(), Some(&parsed), "{src}");
        }
    }

    /// Anything else is left to the parser.
    #[test]
    fn leaves_other_shapes_to_the_parser() {
        for src in [
            "n > 0",
            "0..3",
            "a as u8",
            "-1",
            "x.0.1",
            "format!(\"x\")",
            "Vec::<u8>::new()",
            "Point { x: 1 }",
            "|x| x",
            "::std::f()",
            "if a { b } else { c }",
            "a.b::<T>()",
            "&&x",
            "x.match",
            "a::self",
            "move",
            "async { 1 }",
            "x = 1",
            "a, b",
            "f(a b)",
            "!!flag",
            "virtual",
            "x.abstract()",
            "a::final",
            "!priv",
            "\"s\".do",
        ] {
            assert!(super::build(&trees(src)).is_none(), "{src}");
        }
        // Tokens a macro makes: a negative literal is `-` and `1` to syn.
        let negative = [TokenTree::Literal(proc_macro2::Literal::i32_unsuffixed(-1))];
        assert!(super::build(&negative).is_none());
    }
}
