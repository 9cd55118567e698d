//! Item extents without printing the item. `syn::spanned::Spanned::span` turns the whole item back
//! into a token stream to find its first and last token; on real crates that was a fifth of the
//! analysis time (issue 6's profile). Items know their first and last tokens directly, so the
//! same span is the join of those two. `cached_item_span` matches `Spanned::span` exactly (tested
//! below against every item of this crate's own sources) and falls back to it for item kinds not
//! handled here.

use proc_macro2::Span;
use syn::spanned::Spanned;

fn outer_attr(attrs: &[syn::Attribute]) -> Option<Span> {
    attrs
        .iter()
        .find(|a| matches!(a.style, syn::AttrStyle::Outer))
        .map(|a| a.pound_token.span)
}

fn vis(v: &syn::Visibility) -> Option<Span> {
    match v {
        syn::Visibility::Public(p) => Some(p.span),
        syn::Visibility::Restricted(r) => Some(r.pub_token.span),
        syn::Visibility::Inherited => None,
    }
}

fn sig_start(s: &syn::Signature) -> Span {
    s.constness
        .map(|t| t.span)
        .or(s.asyncness.map(|t| t.span))
        .or(s.unsafety.map(|t| t.span))
        .or(s.abi.as_ref().map(|a| a.extern_token.span))
        .unwrap_or(s.fn_token.span)
}

fn delim_close(d: &syn::MacroDelimiter) -> Span {
    match d {
        syn::MacroDelimiter::Paren(p) => p.span.close(),
        syn::MacroDelimiter::Brace(b) => b.span.close(),
        syn::MacroDelimiter::Bracket(b) => b.span.close(),
    }
}

fn join(first: Span, last: Span) -> Span {
    first.join(last).unwrap_or(first)
}

/// `item.span()`, computed from the item's first and last tokens.
pub(crate) fn item_span(item: &syn::Item) -> Span {
    let bounds = match item {
        syn::Item::Fn(f) => Some((
            outer_attr(&f.attrs)
                .or(vis(&f.vis))
                .unwrap_or(sig_start(&f.sig)),
            f.block.brace_token.span.close(),
        )),
        syn::Item::Impl(i) => Some((
            outer_attr(&i.attrs)
                .or(i.defaultness.map(|t| t.span))
                .or(i.unsafety.map(|t| t.span))
                .unwrap_or(i.impl_token.span),
            i.brace_token.span.close(),
        )),
        syn::Item::Mod(m) => {
            let last = match (&m.content, &m.semi) {
                (Some((brace, _)), _) => Some(brace.span.close()),
                (None, Some(semi)) => Some(semi.span),
                (None, None) => None,
            };
            last.map(|last| {
                (
                    outer_attr(&m.attrs)
                        .or(vis(&m.vis))
                        .or(m.unsafety.map(|t| t.span))
                        .unwrap_or(m.mod_token.span),
                    last,
                )
            })
        }
        syn::Item::Struct(s) => {
            let last = match (&s.semi_token, &s.fields) {
                (Some(semi), _) => Some(semi.span),
                (None, syn::Fields::Named(n)) => Some(n.brace_token.span.close()),
                _ => None,
            };
            last.map(|last| {
                (
                    outer_attr(&s.attrs)
                        .or(vis(&s.vis))
                        .unwrap_or(s.struct_token.span),
                    last,
                )
            })
        }
        syn::Item::Enum(e) => Some((
            outer_attr(&e.attrs)
                .or(vis(&e.vis))
                .unwrap_or(e.enum_token.span),
            e.brace_token.span.close(),
        )),
        syn::Item::Trait(t) => Some((
            outer_attr(&t.attrs)
                .or(vis(&t.vis))
                .or(t.unsafety.map(|x| x.span))
                .or(t.auto_token.map(|x| x.span))
                .unwrap_or(t.trait_token.span),
            t.brace_token.span.close(),
        )),
        syn::Item::Static(s) => Some((
            outer_attr(&s.attrs)
                .or(vis(&s.vis))
                .unwrap_or(s.static_token.span),
            s.semi_token.span,
        )),
        syn::Item::Const(c) => Some((
            outer_attr(&c.attrs)
                .or(vis(&c.vis))
                .unwrap_or(c.const_token.span),
            c.semi_token.span,
        )),
        syn::Item::Type(t) => Some((
            outer_attr(&t.attrs)
                .or(vis(&t.vis))
                .unwrap_or(t.type_token.span),
            t.semi_token.span,
        )),
        syn::Item::Macro(m) => {
            let path = &m.mac.path;
            let first = path
                .leading_colon
                .map(|c| c.spans[0])
                .or(path.segments.first().map(|s| s.ident.span()));
            first.map(|first| {
                (
                    outer_attr(&m.attrs).unwrap_or(first),
                    m.semi_token
                        .map(|s| s.span)
                        .unwrap_or_else(|| delim_close(&m.mac.delimiter)),
                )
            })
        }
        _ => None,
    };
    match bounds {
        Some((first, last)) => join(first, last),
        None => item.span(),
    }
}

/// `f.span()` for a method in an `impl` block.
pub(crate) fn impl_fn_span(f: &syn::ImplItemFn) -> Span {
    let first = outer_attr(&f.attrs)
        .or(vis(&f.vis))
        .or(f.defaultness.map(|t| t.span))
        .unwrap_or(sig_start(&f.sig));
    join(first, f.block.brace_token.span.close())
}

/// `f.span()` for a fn declared in a trait.
pub(crate) fn trait_fn_span(f: &syn::TraitItemFn) -> Span {
    let first = outer_attr(&f.attrs).unwrap_or(sig_start(&f.sig));
    let last = match (&f.default, &f.semi_token) {
        (Some(block), _) => block.brace_token.span.close(),
        (None, Some(semi)) => semi.span,
        (None, None) => return f.span(),
    };
    join(first, last)
}

/// The first token of an expression, where it is one racewise can name without printing.
fn expr_first(e: &syn::Expr) -> Option<Span> {
    use syn::Expr as E;
    let label = |l: &Option<syn::Label>| l.as_ref().map(|l| l.name.apostrophe);
    let attrs = crate::semantic::syntax::expr_attrs(e);
    if let Some(a) = outer_attr(attrs) {
        return Some(a);
    }
    match e {
        E::Array(x) => Some(x.bracket_token.span.open()),
        E::Assign(x) => expr_first(&x.left),
        E::Async(x) => Some(x.async_token.span),
        E::Await(x) => expr_first(&x.base),
        E::Binary(x) => expr_first(&x.left),
        E::Block(x) => label(&x.label).or(Some(x.block.brace_token.span.open())),
        E::Break(x) => Some(x.break_token.span),
        E::Call(x) => expr_first(&x.func),
        E::Cast(x) => expr_first(&x.expr),
        E::Closure(x) => Some(
            x.lifetimes
                .as_ref()
                .map(|l| l.for_token.span)
                .or(x.constness.map(|t| t.span))
                .or(x.movability.map(|t| t.span))
                .or(x.asyncness.map(|t| t.span))
                .or(x.capture.map(|t| t.span))
                .unwrap_or(x.or1_token.span),
        ),
        E::Const(x) => Some(x.const_token.span),
        E::Continue(x) => Some(x.continue_token.span),
        E::Field(x) => expr_first(&x.base),
        E::ForLoop(x) => label(&x.label).or(Some(x.for_token.span)),
        E::If(x) => Some(x.if_token.span),
        E::Index(x) => expr_first(&x.expr),
        E::Infer(x) => Some(x.underscore_token.span),
        E::Let(x) => Some(x.let_token.span),
        E::Lit(x) => Some(x.lit.span()),
        E::Loop(x) => label(&x.label).or(Some(x.loop_token.span)),
        E::Macro(x) => path_first(&x.mac.path),
        E::Match(x) => Some(x.match_token.span),
        E::MethodCall(x) => expr_first(&x.receiver),
        E::Paren(x) => Some(x.paren_token.span.open()),
        E::Path(x) => qualified_first(&x.qself, &x.path),
        E::Range(x) => match &x.start {
            Some(s) => expr_first(s),
            None => Some(x.limits.span()),
        },
        E::RawAddr(x) => Some(x.and_token.span),
        E::Reference(x) => Some(x.and_token.span),
        E::Repeat(x) => Some(x.bracket_token.span.open()),
        E::Return(x) => Some(x.return_token.span),
        E::Struct(x) => qualified_first(&x.qself, &x.path),
        E::Try(x) => expr_first(&x.expr),
        E::TryBlock(x) => Some(x.try_token.span),
        E::Tuple(x) => Some(x.paren_token.span.open()),
        E::Unary(x) => Some(x.op.span()),
        E::Unsafe(x) => Some(x.unsafe_token.span),
        E::While(x) => label(&x.label).or(Some(x.while_token.span)),
        E::Yield(x) => Some(x.yield_token.span),
        _ => None,
    }
}

/// The first token of a path that may be qualified (`<T as Tr>::f`).
fn qualified_first(q: &Option<syn::QSelf>, path: &syn::Path) -> Option<Span> {
    match q {
        Some(q) => Some(q.lt_token.span),
        None => path_first(path),
    }
}

fn path_first(p: &syn::Path) -> Option<Span> {
    p.leading_colon
        .map(|c| c.spans[0])
        .or(p.segments.first().map(|s| s.ident.span()))
}

/// The first token of a pattern, where it is one racewise can name without printing.
fn pat_first(p: &syn::Pat) -> Option<Span> {
    use syn::Pat as P;
    match p {
        P::Ident(x) => outer_attr(&x.attrs).or(Some(
            x.by_ref
                .map(|t| t.span)
                .or(x.mutability.map(|t| t.span))
                .unwrap_or(x.ident.span()),
        )),
        P::Lit(x) => outer_attr(&x.attrs).or(Some(x.lit.span())),
        P::Or(x) => outer_attr(&x.attrs).or(match &x.leading_vert {
            Some(v) => Some(v.spans[0]),
            None => x.cases.first().and_then(pat_first),
        }),
        P::Paren(x) => outer_attr(&x.attrs).or(Some(x.paren_token.span.open())),
        P::Path(x) => outer_attr(&x.attrs).or(qualified_first(&x.qself, &x.path)),
        P::Reference(x) => outer_attr(&x.attrs).or(Some(x.and_token.span)),
        P::Rest(x) => outer_attr(&x.attrs).or(Some(x.dot2_token.spans[0])),
        P::Slice(x) => outer_attr(&x.attrs).or(Some(x.bracket_token.span.open())),
        P::Struct(x) => outer_attr(&x.attrs).or(qualified_first(&x.qself, &x.path)),
        P::Tuple(x) => outer_attr(&x.attrs).or(Some(x.paren_token.span.open())),
        P::TupleStruct(x) => outer_attr(&x.attrs).or(qualified_first(&x.qself, &x.path)),
        P::Type(x) => outer_attr(&x.attrs).or_else(|| pat_first(&x.pat)),
        P::Wild(x) => outer_attr(&x.attrs).or(Some(x.underscore_token.span)),
        _ => None,
    }
}

/// The last token of a path (`f`, the `>` of `f::<T>`); `None` for `Fn(A) -> B` arguments.
fn path_last(p: &syn::Path) -> Option<Span> {
    let seg = p.segments.last()?;
    match &seg.arguments {
        syn::PathArguments::None => Some(seg.ident.span()),
        syn::PathArguments::AngleBracketed(a) => Some(a.gt_token.span),
        syn::PathArguments::Parenthesized(_) => None,
    }
}

/// A path's span (`init_ftp_system`, `crate::init::run::<T>`) from its first and last tokens.
pub(crate) fn path_span(p: &syn::Path) -> Span {
    match (path_first(p), path_last(p)) {
        (Some(first), Some(last)) => join(first, last),
        _ => p.span(),
    }
}

/// The last token of an expression, where it is one racewise can name without printing.
fn expr_last(e: &syn::Expr) -> Option<Span> {
    use syn::Expr as E;
    match e {
        E::Array(x) => Some(x.bracket_token.span.close()),
        E::Assign(x) => expr_last(&x.right),
        E::Async(x) => Some(x.block.brace_token.span.close()),
        E::Await(x) => Some(x.await_token.span),
        E::Binary(x) => expr_last(&x.right),
        E::Block(x) => Some(x.block.brace_token.span.close()),
        E::Break(x) => match (&x.expr, &x.label) {
            (Some(v), _) => expr_last(v),
            (None, Some(l)) => Some(l.ident.span()),
            (None, None) => Some(x.break_token.span),
        },
        E::Call(x) => Some(x.paren_token.span.close()),
        E::Closure(x) => expr_last(&x.body),
        E::Const(x) => Some(x.block.brace_token.span.close()),
        E::Continue(x) => Some(match &x.label {
            Some(l) => l.ident.span(),
            None => x.continue_token.span,
        }),
        E::Field(x) => Some(match &x.member {
            syn::Member::Named(i) => i.span(),
            syn::Member::Unnamed(i) => i.span,
        }),
        E::ForLoop(x) => Some(x.body.brace_token.span.close()),
        E::If(x) => Some(if_last(x)),
        E::Index(x) => Some(x.bracket_token.span.close()),
        E::Infer(x) => Some(x.underscore_token.span),
        E::Let(x) => expr_last(&x.expr),
        E::Lit(x) => Some(x.lit.span()),
        E::Loop(x) => Some(x.body.brace_token.span.close()),
        E::Macro(x) => Some(delim_close(&x.mac.delimiter)),
        E::Match(x) => Some(x.brace_token.span.close()),
        E::MethodCall(x) => Some(x.paren_token.span.close()),
        E::Paren(x) => Some(x.paren_token.span.close()),
        E::Path(x) => path_last(&x.path),
        E::Range(x) => match &x.end {
            Some(v) => expr_last(v),
            None => Some(x.limits.span()),
        },
        E::RawAddr(x) => expr_last(&x.expr),
        E::Reference(x) => expr_last(&x.expr),
        E::Repeat(x) => Some(x.bracket_token.span.close()),
        E::Return(x) => match &x.expr {
            Some(v) => expr_last(v),
            None => Some(x.return_token.span),
        },
        E::Struct(x) => Some(x.brace_token.span.close()),
        E::Try(x) => Some(x.question_token.span),
        E::TryBlock(x) => Some(x.block.brace_token.span.close()),
        E::Tuple(x) => Some(x.paren_token.span.close()),
        E::Unary(x) => expr_last(&x.expr),
        E::Unsafe(x) => Some(x.block.brace_token.span.close()),
        E::While(x) => Some(x.body.brace_token.span.close()),
        E::Yield(x) => match &x.expr {
            Some(v) => expr_last(v),
            None => Some(x.yield_token.span),
        },
        _ => None,
    }
}

/// The last token of an `if` (its last `else` branch's, or its block's closing brace).
pub(crate) fn if_last(i: &syn::ExprIf) -> Span {
    match &i.else_branch {
        Some((_, e)) => expr_last(e).unwrap_or_else(|| e.span()),
        None => i.then_branch.brace_token.span.close(),
    }
}

/// `e.span()`, from the expression's first and last tokens where they can be named (the walker
/// spans every branch and arm; printing each one back made nested matches quadratic).
pub(crate) fn expr_span(e: &syn::Expr) -> Span {
    match (expr_first(e), expr_last(e)) {
        (Some(first), Some(last)) => join(first, last),
        _ => e.span(),
    }
}

/// `stmt.span()`, from its first and last tokens where they can be named (a `let` from its
/// `let` to its `;`, a macro statement from its path to its closing delimiter or `;`).
/// Where a statement starts (its first token), for the byte range of its own temporaries.
pub(crate) fn stmt_first(stmt: &syn::Stmt) -> Option<Span> {
    match stmt {
        syn::Stmt::Expr(e, _) => expr_first(e),
        syn::Stmt::Local(l) => Some(l.let_token.span),
        syn::Stmt::Macro(m) => path_first(&m.mac.path),
        syn::Stmt::Item(_) => None,
    }
}

pub(crate) fn stmt_span(stmt: &syn::Stmt) -> Span {
    match stmt {
        syn::Stmt::Expr(e, None) => expr_span(e),
        syn::Stmt::Expr(e, Some(semi)) => join(expr_span(e), semi.span),
        syn::Stmt::Item(i) => item_span(i),
        syn::Stmt::Local(l) => join(
            outer_attr(&l.attrs).unwrap_or(l.let_token.span),
            l.semi_token.span,
        ),
        syn::Stmt::Macro(m) => match path_first(&m.mac.path) {
            Some(first) => join(
                outer_attr(&m.attrs).unwrap_or(first),
                m.semi_token
                    .map_or_else(|| delim_close(&m.mac.delimiter), |s| s.span),
            ),
            None => stmt.span(),
        },
    }
}

/// `arm.span()`: its attributes or pattern, to its comma or the body's end.
pub(crate) fn arm_span(arm: &syn::Arm) -> Span {
    let first = outer_attr(&arm.attrs)
        .or_else(|| pat_first(&arm.pat))
        .unwrap_or_else(|| arm.pat.span());
    let last = match &arm.comma {
        Some(c) => Some(c.spans[0]),
        None => expr_last(&arm.body),
    };
    match last {
        Some(last) => join(first, last),
        None => arm.span(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Region;

    /// Every file of this crate's own sources that parses.
    fn each_source_file(mut f: impl FnMut(&syn::File)) {
        let mut stack = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).expect("read_dir").flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    let text = std::fs::read_to_string(&p).expect("read");
                    if let Ok(file) = syn::parse_file(&text) {
                        f(&file);
                    }
                }
            }
        }
    }

    fn check_items(items: &[syn::Item], n: &mut usize) {
        for item in items {
            assert_eq!(
                Region::from_span(item_span(item)),
                Region::from_span(item.span()),
                "item at {:?}",
                Region::from_span(item.span())
            );
            *n += 1;
            match item {
                syn::Item::Mod(m) => {
                    if let Some((_, inner)) = &m.content {
                        check_items(inner, n);
                    }
                }
                syn::Item::Impl(i) => {
                    for ii in &i.items {
                        if let syn::ImplItem::Fn(f) = ii {
                            assert_eq!(
                                Region::from_span(impl_fn_span(f)),
                                Region::from_span(f.span())
                            );
                            *n += 1;
                        }
                    }
                }
                syn::Item::Trait(t) => {
                    for ti in &t.items {
                        if let syn::TraitItem::Fn(f) = ti {
                            assert_eq!(
                                Region::from_span(trait_fn_span(f)),
                                Region::from_span(f.span())
                            );
                            *n += 1;
                        }
                    }
                }
                _ => {}
            }
        }
    }

    #[test]
    fn matches_spanned_on_real_sources() {
        let extra = r#"
            /// doc
            #[inline] pub(crate) const async unsafe extern "C" fn f() {}
            pub unsafe auto trait T {}
            unsafe impl<T> Send for X<T> {}
            pub struct Unit; struct Tuple(u8) where u8: Copy; struct Named { a: u8 }
            ::std::thread_local! { static X: u8 = 0; }
            macro_rules! m { () => {} }
            m![];
            mod outer;
            mod inline { #![allow(dead_code)] }
            trait W { fn a(&self); #[doc = "x"] fn b(&self) {} }
        "#;
        let mut n = 0;
        let file = syn::parse_file(extra).expect("parses");
        check_items(&file.items, &mut n);
        each_source_file(|file| check_items(&file.items, &mut n));
        assert!(n > 500, "only {n} items checked");
    }

    /// Every expression, match arm and statement of this crate's sources, against
    /// `Spanned::span`.
    #[test]
    fn expr_and_arm_spans_match_spanned() {
        struct Check(usize);
        impl Check {
            fn same(&mut self, ours: Span, spanned: Span, what: &str) {
                let spanned = Region::from_span(spanned);
                assert_eq!(Region::from_span(ours), spanned, "{what} at {spanned:?}");
                self.0 += 1;
            }
        }
        impl<'a> syn::visit::Visit<'a> for Check {
            fn visit_expr(&mut self, e: &'a syn::Expr) {
                self.same(expr_span(e), e.span(), "expression");
                syn::visit::visit_expr(self, e);
            }
            fn visit_arm(&mut self, a: &'a syn::Arm) {
                self.same(arm_span(a), a.span(), "arm");
                syn::visit::visit_arm(self, a);
            }
            fn visit_stmt(&mut self, st: &'a syn::Stmt) {
                self.same(stmt_span(st), st.span(), "statement");
                syn::visit::visit_stmt(self, st);
            }
        }
        let extra = r#"
            fn f() {
                #[allow(unused)] let _ = 'outer: loop { break 'outer 1; };
                let c = async move |x: u8| -> u8 { x };
                let r = ..=5; let s = a..; let t = ..;
                let v = <T as Tr>::f::<u8>(1) as u16;
                match x { #[cfg(test)] | A | B if g => {}, C => 1 + 2, _ => return }
                let w = &raw const x.0; let y = -x?.await; let z = [0; 3][1];
                'l: while let Some(v) = it.next() { continue 'l; }
                let s = S { a: 1, ..Default::default() }; let m = m![x]; let u = unsafe { 1 };
                if a { } else if b { } else { }
                #[cfg(x)] let (p, q): (u8, u8) = (1, 2); ::std::println!("{}", p); m! { q }
                let Some(k) = o else { return };
            }
        "#;
        let mut check = Check(0);
        syn::visit::Visit::visit_file(&mut check, &syn::parse_file(extra).expect("parses"));
        each_source_file(|file| syn::visit::Visit::visit_file(&mut check, file));
        assert!(check.0 > 50_000, "only {} expressions checked", check.0);
    }
}
