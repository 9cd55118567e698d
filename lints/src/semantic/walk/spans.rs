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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Region;

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
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut stack = vec![root];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).expect("read_dir").flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    let text = std::fs::read_to_string(&p).expect("read");
                    if let Ok(file) = syn::parse_file(&text) {
                        check_items(&file.items, &mut n);
                    }
                }
            }
        }
        assert!(n > 500, "only {n} items checked");
    }
}
