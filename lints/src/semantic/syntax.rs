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

/// Parse tokens as an expression. A lone identifier or literal (most macro arguments:
/// `info!("{}", id)`) is built directly; a parser run costs a token buffer per argument.
pub fn parse_expr(trees: &[TokenTree]) -> Option<syn::Expr> {
    match trees {
        [TokenTree::Ident(i)] if !EXPR_KEYWORDS.iter().any(|k| i == k) => {
            Some(syn::Expr::Path(syn::ExprPath {
                attrs: Vec::new(),
                qself: None,
                path: syn::Path::from(i.clone()),
            }))
        }
        [TokenTree::Literal(l)] => Some(syn::Expr::Lit(syn::ExprLit {
            attrs: Vec::new(),
            lit: syn::Lit::new(l.clone()),
        })),
        _ => syn::parse2::<syn::Expr>(trees.iter().cloned().collect()).ok(),
    }
}
