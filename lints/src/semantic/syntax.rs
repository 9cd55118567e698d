//! Small syntax helpers shared by the walker and the rules.

use std::collections::BTreeSet;

use proc_macro2::{TokenStream, TokenTree};

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
