//! Guards taken for some kinds of a value only: `let _lifecycle = if matches!(&request,
//! Request::Reset(_) | Request::SetUrl(_)) { None } else { Some(self.lifecycle.read().await) };`
//! then `match request { Request::Reset(p) => self.reset(p).await, .. }`. In the arms for the
//! kinds the test named the guard is `None`: nothing is held there.

use super::syntax::peel;

/// A guard held as an `Option` on one side of a `matches!` test.
#[derive(Debug, Clone)]
pub struct CondGuard {
    /// The tested value, as written without `&`, `*`, `.clone()` (`request`).
    pub scrutinee: String,
    /// The last path segment of each variant the test names (`Reset`, `SetUrl`).
    pub variants: Vec<String>,
    /// Held (`Some(..)`) when the value is one of `variants`; else when it is none of them.
    pub held_when_matched: bool,
    /// Where the tested binding is in the walker's scopes (frame, binding): a `match` on a
    /// binding of the same name elsewhere (shadowed, a closure's parameter) is another value.
    pub binding: Option<(usize, usize)>,
}

/// The test of `let x = if matches!(v, A | B) { None } else { Some(..) }` (either way round,
/// also `!matches!(..)`), when one branch's value is `None` and the other's `Some(..)`.
pub fn conditional_guard(init: &syn::Expr) -> Option<CondGuard> {
    let syn::Expr::If(i) = peel(init) else {
        return None;
    };
    let (_, els) = i.else_branch.as_ref()?;
    let some_then = match (
        tail_option(block_tail(&i.then_branch)?),
        tail_option(expr_tail(els)?),
    ) {
        (Some(true), Some(false)) => true,
        (Some(false), Some(true)) => false,
        _ => return None,
    };
    let (cond, negated) = match peel(&i.cond) {
        syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Not(_)) => (peel(&u.expr), true),
        other => (other, false),
    };
    let syn::Expr::Macro(m) = cond else {
        return None;
    };
    if !m.mac.path.is_ident("matches") {
        return None;
    }
    let (scrutinee, pat) = split_matches(m.mac.tokens.clone())?;
    // A local's value, whole variants: `Reset(Mode::Soft)` tests less than a `Reset(_)` arm.
    if !scrutinee.chars().all(|c| c.is_alphanumeric() || c == '_') || !whole_variants(&pat) {
        return None;
    }
    let variants = variants_of(&pat)?;
    Some(CondGuard {
        scrutinee,
        variants,
        held_when_matched: some_then != negated,
        binding: None,
    })
}

/// The text a `match` scrutinee is compared by (see [`CondGuard::scrutinee`]).
pub fn scrutinee_text(e: &syn::Expr) -> String {
    let mut e = peel(e);
    loop {
        e = match e {
            syn::Expr::Reference(r) => peel(&r.expr),
            syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => peel(&u.expr),
            syn::Expr::MethodCall(mc)
                if mc.args.is_empty() && (mc.method == "clone" || mc.method == "as_ref") =>
            {
                peel(&mc.receiver)
            }
            other => {
                return quote::quote!(#other)
                    .to_string()
                    .split_whitespace()
                    .collect();
            }
        };
    }
}

/// Whether the guard is held in a `match` arm with pattern `pat`: `false` only where the
/// pattern names variants the test settles the other way (an arm for `Reset` when the guard
/// is held for the other kinds); a binding or `_` may be any kind, so it stays held.
pub fn held_in_arm(g: &CondGuard, pat: &syn::Pat) -> bool {
    match variants_of(pat) {
        Some(named) => {
            let matched = named.iter().all(|v| g.variants.contains(v));
            let unmatched = named.iter().all(|v| !g.variants.contains(v));
            if g.held_when_matched {
                !unmatched
            } else {
                !matched
            }
        }
        None => true,
    }
}

/// The last segments of the variants a pattern names, each alternative one (`None` for a
/// binding, `_`, a literal, or a path of one segment, which may be a binding's name).
fn variants_of(pat: &syn::Pat) -> Option<Vec<String>> {
    let path = |p: &syn::Path| {
        (p.segments.len() >= 2)
            .then(|| p.segments.last().map(|s| s.ident.to_string()))
            .flatten()
    };
    match pat {
        syn::Pat::Or(o) => o
            .cases
            .iter()
            .map(variants_of)
            .try_fold(Vec::new(), |mut all, v| {
                all.extend(v?);
                Some(all)
            }),
        syn::Pat::TupleStruct(t) => path(&t.path).map(|v| vec![v]),
        syn::Pat::Struct(s) => path(&s.path).map(|v| vec![v]),
        syn::Pat::Path(p) => path(&p.path).map(|v| vec![v]),
        syn::Pat::Paren(p) => variants_of(&p.pat),
        _ => None,
    }
}

/// Every alternative names a variant whole: `E::A(_)`, `E::A(..)`, `E::B { .. }`, `E::C`.
fn whole_variants(pat: &syn::Pat) -> bool {
    let wild = |p: &syn::Pat| matches!(p, syn::Pat::Wild(_) | syn::Pat::Rest(_));
    match pat {
        syn::Pat::Or(o) => o.cases.iter().all(whole_variants),
        syn::Pat::TupleStruct(t) => t.elems.iter().all(wild),
        syn::Pat::Struct(s) => s.fields.iter().all(|f| wild(&f.pat)) && s.rest.is_some(),
        syn::Pat::Path(_) => true,
        syn::Pat::Paren(p) => whole_variants(&p.pat),
        _ => false,
    }
}

/// `matches!(value, pattern)`: the value's text (see [`scrutinee_text`]) and the pattern (no
/// `if` guard).
fn split_matches(tokens: proc_macro2::TokenStream) -> Option<(String, syn::Pat)> {
    use syn::parse::Parser;
    let parser = |input: syn::parse::ParseStream| {
        let value: syn::Expr = input.parse()?;
        input.parse::<syn::Token![,]>()?;
        let pat = syn::Pat::parse_multi_with_leading_vert(input)?;
        if !input.is_empty() {
            return Err(input.error("a guard or more"));
        }
        Ok((scrutinee_text(&value), pat))
    };
    parser.parse2(tokens).ok()
}

/// `Some(true)` for a `Some(..)` value, `Some(false)` for `None`.
fn tail_option(e: &syn::Expr) -> Option<bool> {
    match peel(e) {
        syn::Expr::Call(c) if matches!(peel(&c.func), syn::Expr::Path(p) if p.path.is_ident("Some")) => {
            Some(true)
        }
        syn::Expr::Path(p) if p.path.is_ident("None") => Some(false),
        _ => None,
    }
}

fn block_tail(b: &syn::Block) -> Option<&syn::Expr> {
    match b.stmts.as_slice() {
        [syn::Stmt::Expr(e, None)] => Some(e),
        _ => None,
    }
}

fn expr_tail(e: &syn::Expr) -> Option<&syn::Expr> {
    match peel(e) {
        syn::Expr::Block(b) => block_tail(&b.block),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_guard_taken_for_the_other_kinds_is_not_held_in_their_arms() {
        let init: syn::Expr = syn::parse_str(
            "if matches!(&request, Req::Reset(_) | Req::SetUrl(_)) { None } else { Some(lock.read()) }",
        )
        .expect("parses");
        let g = conditional_guard(&init).expect("a conditional guard");
        assert_eq!(g.scrutinee, "request");
        assert!(!g.held_when_matched);
        let arm = |s: &str| -> syn::Pat {
            syn::parse::Parser::parse_str(syn::Pat::parse_multi_with_leading_vert, s).expect(s)
        };
        assert!(!held_in_arm(&g, &arm("Req::Reset(fork)")));
        assert!(!held_in_arm(&g, &arm("Req::Reset(_) | Req::SetUrl(_)")));
        assert!(held_in_arm(&g, &arm("Req::Mine(n)")));
        assert!(held_in_arm(&g, &arm("Req::Reset(_) | Req::Mine(_)")));
        assert!(held_in_arm(&g, &arm("other")));
        assert!(held_in_arm(&g, &arm("_")));
        let e: syn::Expr = syn::parse_str("request.clone()").expect("parses");
        assert_eq!(scrutinee_text(&e), "request");
    }

    #[test]
    fn the_reverse_test_holds_the_guard_only_for_the_named_kinds() {
        let init: syn::Expr =
            syn::parse_str("if !matches!(op, Op::Write { .. }) { None } else { Some(m.lock()) }")
                .expect("parses");
        // A narrower test than a whole variant, or a field's value: nothing follows.
        for narrow in [
            "if matches!(req, Req::Reset(Mode::Soft)) { None } else { Some(m.lock()) }",
            "if matches!(self.req, Req::Reset(_)) { None } else { Some(m.lock()) }",
        ] {
            let e: syn::Expr = syn::parse_str(narrow).expect("parses");
            assert!(conditional_guard(&e).is_none(), "{narrow}");
        }
        let g = conditional_guard(&init).expect("a conditional guard");
        assert!(g.held_when_matched);
        let arm = |s: &str| -> syn::Pat {
            syn::parse::Parser::parse_str(syn::Pat::parse_multi_with_leading_vert, s).expect(s)
        };
        assert!(held_in_arm(&g, &arm("Op::Write { key, .. }")));
        assert!(!held_in_arm(&g, &arm("Op::Read(k)")));
        assert!(held_in_arm(&g, &arm("_")));
        // Not a None/Some choice.
        let plain: syn::Expr =
            syn::parse_str("if matches!(op, Op::Write { .. }) { a.lock() } else { b.lock() }")
                .expect("parses");
        assert!(conditional_guard(&plain).is_none());
    }
}
