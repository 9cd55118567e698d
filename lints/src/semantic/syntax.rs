//! Small syntax helpers shared by the walker and the rules.

use std::collections::BTreeSet;

use proc_macro2::{Literal, TokenStream, TokenTree};

/// An expression without its parentheses and invisible groups: `((x))` → `x`.
pub fn peel(e: &syn::Expr) -> &syn::Expr {
    match e {
        syn::Expr::Paren(p) => peel(&p.expr),
        syn::Expr::Group(g) => peel(&g.expr),
        _ => e,
    }
}

/// Every identifier in a token stream, nested groups included — what "is this name used" means
/// inside macro bodies racewise cannot parse.
pub fn collect_idents(tokens: TokenStream, out: &mut BTreeSet<String>) {
    for tt in tokens {
        match tt {
            TokenTree::Ident(i) => {
                out.insert(i.to_string());
            }
            TokenTree::Group(g) => collect_idents(g.stream(), out),
            _ => {}
        }
    }
}

/// Names a pattern binds (`x`, `(a, b)`, `Some(x)`, `Json(Login { password, .. })`,
/// `ref mut x`, `a @ Some(_)`), in source order; `_` binds nothing.
pub fn pat_names(p: &syn::Pat, out: &mut Vec<String>) {
    match p {
        syn::Pat::Ident(pi) => {
            out.push(pi.ident.to_string());
            if let Some((_, sub)) = &pi.subpat {
                pat_names(sub, out);
            }
        }
        syn::Pat::Type(pt) => pat_names(&pt.pat, out),
        syn::Pat::Reference(r) => pat_names(&r.pat, out),
        syn::Pat::Paren(pp) => pat_names(&pp.pat, out),
        syn::Pat::Tuple(t) => t.elems.iter().for_each(|e| pat_names(e, out)),
        syn::Pat::TupleStruct(t) => t.elems.iter().for_each(|e| pat_names(e, out)),
        syn::Pat::Slice(s) => s.elems.iter().for_each(|e| pat_names(e, out)),
        syn::Pat::Or(o) => o.cases.iter().for_each(|e| pat_names(e, out)),
        syn::Pat::Struct(s) => s.fields.iter().for_each(|f| pat_names(&f.pat, out)),
        _ => {}
    }
}

/// Whether `ident` occurs as an identifier token anywhere in `tokens`, nested groups included.
pub fn mentions_ident(tokens: TokenStream, ident: &str) -> bool {
    tokens.into_iter().any(|t| match t {
        TokenTree::Ident(i) => i == ident,
        TokenTree::Group(g) => mentions_ident(g.stream(), ident),
        _ => false,
    })
}

/// A string literal token as a `LitStr` (`None` for other literals), without a parser run.
pub fn lit_str(l: &Literal) -> Option<syn::LitStr> {
    match syn::Lit::new(l.clone()) {
        syn::Lit::Str(s) => Some(s),
        _ => None,
    }
}

/// Words that are `Ident` tokens but not plain paths as expressions (`true` is a literal,
/// `move` is no expression at all).
const EXPR_KEYWORDS: &[&str] = &[
    "true", "false", "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum",
    "extern", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "static", "struct", "trait", "type", "unsafe", "use", "where", "while",
    "yield", "box", "try", "macro", "gen", "_",
];

/// Parse tokens as an expression. The common shapes of macro arguments (`id`, `"lit"`,
/// `self.name`, `&req.path`, `path.display()`) are built directly; a parser run costs a token
/// buffer per argument.
pub fn parse_expr(trees: &[TokenTree]) -> Option<syn::Expr> {
    simple_expr(trees).or_else(|| syn::parse2::<syn::Expr>(trees.iter().cloned().collect()).ok())
}

/// A lone literal, or an optionally borrowed [`field_chain`], as syn would parse it; `None` for
/// anything else.
fn simple_expr(trees: &[TokenTree]) -> Option<syn::Expr> {
    if let [TokenTree::Literal(l)] = trees {
        return Some(syn::Expr::Lit(syn::ExprLit {
            attrs: Vec::new(),
            lit: syn::Lit::new(l.clone()),
        }));
    }
    if let [TokenTree::Punct(amp), rest @ ..] = trees
        && amp.as_char() == '&'
        && amp.spacing() == proc_macro2::Spacing::Alone
    {
        let inner = field_chain(rest)?;
        return Some(syn::Expr::Reference(syn::ExprReference {
            attrs: Vec::new(),
            and_token: syn::Token![&](amp.span()),
            mutability: None,
            expr: Box::new(inner),
        }));
    }
    field_chain(trees)
}

/// `ident (. ident | . ident ())*`: fields and argument-less method calls (`path.display()`,
/// `self.name.len()`), the usual shapes of format arguments.
fn field_chain(trees: &[TokenTree]) -> Option<syn::Expr> {
    let [TokenTree::Ident(first), tail @ ..] = trees else {
        return None;
    };
    let mut rest: &[TokenTree] = tail;
    if EXPR_KEYWORDS.iter().any(|k| first == k) {
        return None;
    }
    let mut expr = syn::Expr::Path(syn::ExprPath {
        attrs: Vec::new(),
        qself: None,
        path: syn::Path::from(first.clone()),
    });
    while let [TokenTree::Punct(dot), TokenTree::Ident(name), tail @ ..] = rest {
        // `a..b` is a range, `a.await` no field.
        if dot.as_char() != '.' || dot.spacing() != proc_macro2::Spacing::Alone || name == "await" {
            return None;
        }
        let dot_token = syn::Token![.](dot.span());
        match tail {
            [TokenTree::Group(args), after @ ..]
                if args.delimiter() == proc_macro2::Delimiter::Parenthesis
                    && args.stream().is_empty() =>
            {
                expr = syn::Expr::MethodCall(syn::ExprMethodCall {
                    attrs: Vec::new(),
                    receiver: Box::new(expr),
                    dot_token,
                    method: name.clone(),
                    turbofish: None,
                    paren_token: syn::token::Paren {
                        span: args.delim_span(),
                    },
                    args: syn::punctuated::Punctuated::new(),
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
    rest.is_empty().then_some(expr)
}

/// A span's start as (line, column): a key for matching a node seen in one hook (`check_fn`,
/// `check_stmt`) with the same node in a later one, since syn nodes are not comparable.
pub fn span_key(span: proc_macro2::Span) -> (usize, usize) {
    let s = span.start();
    (s.line, s.column)
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;

    /// The shortcut builds exactly what syn's parser builds, and declines everything else.
    #[test]
    fn simple_expr_agrees_with_syn() {
        for src in [
            "id",
            "\"text\"",
            "42u8",
            "self.name",
            "&req.headers.host",
            "&x",
            "r#type",
            "true",
            "x.0",
            "a..b",
            "&&x",
            "&mut x",
            "x.len()",
            "fut.await",
            "a.b.await",
            "move",
            "Some(x)",
            "-1",
            "path.display()",
            "&self.name.as_str()",
            "a.b().c.d()",
            "x.len() + 1",
            "x.f(y)",
            "x.f()?",
            "x.f() .await",
            "x.f[0]",
            "x.f().0",
            "f()",
            "x.r#type()",
            "x.f::<u8>()",
            "x . f ( )",
        ] {
            let trees: Vec<TokenTree> = src.parse::<TokenStream>().unwrap().into_iter().collect();
            let by_syn = syn::parse2::<syn::Expr>(trees.iter().cloned().collect()).ok();
            if let Some(e) = simple_expr(&trees) {
                assert_eq!(Some(e), by_syn, "{src}");
            }
            assert_eq!(
                parse_expr(&trees).map(|e| e.to_token_stream().to_string()),
                by_syn.map(|e| e.to_token_stream().to_string()),
                "{src}"
            );
        }
        let covered = [
            "id",
            "self.name",
            "&req.headers.host",
            "\"text\"",
            "path.display()",
            "a.b().c.d()",
        ];
        for src in covered {
            let trees: Vec<TokenTree> = src.parse::<TokenStream>().unwrap().into_iter().collect();
            assert!(simple_expr(&trees).is_some(), "{src} takes the shortcut");
        }
    }
}
