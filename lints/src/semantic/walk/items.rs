//! Items: modules, impls, fns, and what they contribute to the crate index.

use syn::spanned::Spanned;

use super::{Binding, Body, Boundary, Flow, ItemCtx, Walker, hook};
use crate::finding::Region;
use crate::semantic::drain;
use crate::semantic::facts::ItemExtent;
use crate::semantic::index::ReceiverParam;
use crate::semantic::macros;
use crate::semantic::types::{Ty, TyExpr};
use crate::semantic::{FnView, ItemView};

/// Attributes that make a fn a test (`#[test]`, `#[tokio::test]`, `#[rstest]`...).
fn is_test_attr(attr: &syn::Attribute) -> bool {
    attr.path()
        .segments
        .last()
        .is_some_and(|s| s.ident == "test" || s.ident == "rstest" || s.ident == "bench")
}

/// The mask of `sig`'s first four parameters after `self` that can take a closure or a struct
/// literal written at the call (see `CallShape::MethodFn`): any but a reference, slice, array,
/// tuple or pointer, and a std type no such value is (`bool`, `u64`, `String`, `PathBuf`,
/// `Option<..>`, `Vec<..>`, `Box<..>`, ...).
fn composite_params(sig: &syn::Signature, uses: &crate::semantic::paths::UseScopes) -> u8 {
    const STD: &[&str] = &[
        "bool", "char", "str", "String", "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16",
        "i32", "i64", "i128", "isize", "f32", "f64", "PathBuf", "OsStr", "OsString", "Option",
        "Result", "Vec", "VecDeque", "HashMap", "HashSet", "BTreeMap", "BTreeSet", "Box", "Arc",
        "Rc", "Cow",
    ];
    sig.inputs
        .iter()
        .filter_map(|i| match i {
            syn::FnArg::Typed(pt) => Some(&*pt.ty),
            syn::FnArg::Receiver(_) => None,
        })
        .take(4)
        .enumerate()
        .filter(|(_, ty)| match ty {
            syn::Type::Reference(_)
            | syn::Type::Slice(_)
            | syn::Type::Array(_)
            | syn::Type::Tuple(_)
            | syn::Type::Ptr(_)
            | syn::Type::Never(_) => false,
            // A workspace type of a std name (`struct Path`) takes its own literal.
            syn::Type::Path(p) if p.qself.is_none() => {
                p.path
                    .segments
                    .last()
                    .is_none_or(|s| !STD.contains(&s.ident.to_string().as_str()))
                    || uses.resolve(&p.path).starts_with("crate::")
            }
            _ => true,
        })
        .fold(0, |m, (i, _)| m | 1 << i)
}

/// See [`crate::semantic::facts::FnDef::in_place_params`]. Only parameters the body's text
/// follows with `(` are looked at (most fns call none of theirs).
fn in_place_params(sig: &syn::Signature, block: &syn::Block, is_async: bool, body: &str) -> u64 {
    let candidates: Vec<(u8, String)> = sig
        .inputs
        .iter()
        .filter_map(|input| match input {
            syn::FnArg::Typed(pt) => Some(pt),
            syn::FnArg::Receiver(_) => None,
        })
        .enumerate()
        .filter_map(|(i, pt)| match &*pt.pat {
            syn::Pat::Ident(pi) if pi.subpat.is_none() => {
                let name = pi.ident.to_string();
                let called = format!("{name}(");
                memchr::memmem::find(body.as_bytes(), called.as_bytes())
                    .map(|_| (u8::try_from(i).unwrap_or(u8::MAX), name))
            }
            _ => None,
        })
        .collect();
    crate::semantic::syntax::params_called_in_place(block, is_async, &candidates)
}

/// The names of a fn's parameters after `self`, `""` for a pattern (see `Core::fn_params`).
fn param_names(sig: &syn::Signature) -> Vec<String> {
    sig.inputs
        .iter()
        .filter_map(|input| match input {
            syn::FnArg::Typed(pt) => Some(match &*pt.pat {
                syn::Pat::Ident(pi) if pi.subpat.is_none() => pi.ident.to_string(),
                _ => String::new(),
            }),
            syn::FnArg::Receiver(_) => None,
        })
        .collect()
}

/// `#[cfg(test)]` (also inside `all(..)`).
pub(super) fn is_cfg_test(attr: &syn::Attribute) -> bool {
    attr.path().is_ident("cfg") && {
        let tokens = attr.meta.to_token_stream_string();
        tokens.contains("test") && !tokens.contains("not")
    }
}

trait MetaString {
    fn to_token_stream_string(&self) -> String;
}

impl MetaString for syn::Meta {
    fn to_token_stream_string(&self) -> String {
        quote::ToTokens::to_token_stream(self).to_string()
    }
}

/// A struct's or variant's fields with their types: named fields by name, a tuple's by
/// position (`"0"`, `"1"`), as field access and patterns spell them.
/// A type parameter of the item is its bare name (see `CrateIndex::instantiate`).
fn field_types(
    fields: &syn::Fields,
    generics: &syn::Generics,
    uses: &crate::semantic::paths::UseScopes,
) -> Vec<(String, Ty)> {
    let params = param_spellings(generics, uses);
    fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let name = f
                .ident
                .as_ref()
                .map_or_else(|| i.to_string(), |n| n.to_string());
            (name, bare_params(Ty::from_syn(&f.ty, uses), &params))
        })
        .collect()
}

/// `ty` with each of `params`' spellings (see [`param_spellings`]) as the parameter's bare
/// name, which `CrateIndex::instantiate` replaces by a use's type argument.
fn bare_params(ty: Ty, params: &[(String, String)]) -> Ty {
    if params.is_empty() {
        return ty;
    }
    ty.subst(&|p| {
        params
            .iter()
            .find(|(spelled, _)| spelled == p)
            .map(|(_, name)| Ty::path(name))
    })
}

/// Each of an item's type parameters as the file's imports read it written alone (a glob import can make
/// `T` read as `crate::jobs::T`), with its name: both spellings when they differ.
fn param_spellings(
    g: &syn::Generics,
    uses: &crate::semantic::paths::UseScopes,
) -> Vec<(String, String)> {
    spellings(type_param_names(g), uses)
}

fn spellings(
    names: impl IntoIterator<Item = String>,
    uses: &crate::semantic::paths::UseScopes,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for name in names {
        let spelled = uses.resolve_segments(std::slice::from_ref(&name), false);
        if spelled != name {
            out.push((spelled, name.clone()));
        }
        out.push((name.clone(), name));
    }
    out
}

/// The names of an item's type parameters (`E` of `impl<E> Worker<E>`).
fn type_param_names(g: &syn::Generics) -> Vec<String> {
    g.type_params().map(|p| p.ident.to_string()).collect()
}

/// The traits of the workspace bounding an item's type parameters, inline (`<C: CliClient>`)
/// or in its `where` clause; `Send`, `AsRef<T>` and other crates' traits are left out.
fn workspace_bounds(
    g: &syn::Generics,
    uses: &crate::semantic::paths::UseScopes,
) -> Vec<(String, Box<str>)> {
    let params = type_param_names(g);
    let inline = g.type_params().map(|p| (p.ident.to_string(), &p.bounds));
    let clauses = g
        .where_clause
        .iter()
        .flat_map(|w| &w.predicates)
        .filter_map(|p| match p {
            syn::WherePredicate::Type(pt) => match &pt.bounded_ty {
                syn::Type::Path(tp) if tp.qself.is_none() => {
                    let name = tp.path.get_ident()?.to_string();
                    params.contains(&name).then_some((name, &pt.bounds))
                }
                _ => None,
            },
            _ => None,
        });
    let mut out = Vec::new();
    for (name, bounds) in inline.chain(clauses) {
        for b in bounds {
            if let syn::TypeParamBound::Trait(tb) = b {
                let path = uses.resolve(&tb.path);
                let root = path.split("::").next().unwrap_or(&path);
                if path.contains("::") && !crate::semantic::types::is_external(root) {
                    out.push((name.clone(), path.into_boxed_str()));
                }
            }
        }
    }
    out
}

fn ret_ty(sig: &syn::Signature, w: &Walker) -> Option<Ty> {
    let syn::ReturnType::Type(_, ty) = &sig.output else {
        return None;
    };
    // `-> Result<(), E>` with `E` a parameter of the fn or of its impl: what `E` is depends on
    // the call.
    let mut params = type_param_names(&sig.generics);
    params.extend(w.core.impl_type_params.iter().cloned());
    let ty = Ty::from_syn(ty, &w.core.uses).erase(&params);
    Some(if sig.asyncness.is_some() {
        Ty::future(ty)
    } else {
        ty
    })
}

/// Whether a `fmt` body hands `self.0` or a secret-named field on as it is: followed by no
/// method (`self.token.chars()..` transforms it) but a view (`as_str`, `as_ref`, `clone`).
fn prints_secret_field(tokens: proc_macro2::TokenStream) -> bool {
    use proc_macro2::TokenTree;
    let tts: Vec<TokenTree> = tokens.into_iter().collect();
    let dot = |t: Option<&TokenTree>| matches!(t, Some(TokenTree::Punct(p)) if p.as_char() == '.');
    tts.iter().enumerate().any(|(i, t)| match t {
        TokenTree::Group(g) => prints_secret_field(g.stream()),
        TokenTree::Ident(id) if id == "self" && dot(tts.get(i + 1)) => {
            let field = match tts.get(i + 2) {
                Some(TokenTree::Literal(l)) => l.to_string() == "0",
                Some(TokenTree::Ident(f)) => {
                    crate::semantic::secret_names::names_credential(&f.to_string())
                }
                _ => false,
            };
            let transformed = dot(tts.get(i + 3))
                && !matches!(tts.get(i + 4), Some(TokenTree::Ident(m))
                    if matches!(m.to_string().as_str(), "as_str" | "as_ref" | "clone" | "to_string" | "deref"));
            field && !transformed
        }
        _ => false,
    })
}

impl<'a, 'l> Walker<'a, 'l> {
    /// A generic struct's, variant's or type alias's type parameters (see [`crate::semantic::index::FileIndex::generics`]).
    fn note_generics(&mut self, path: &str, g: &syn::Generics) {
        let params = type_param_names(g);
        if !params.is_empty() {
            self.core
                .facts
                .index
                .generics
                .push((path.to_string(), params));
        }
    }

    /// `#[derive(Display)]` (derive_more, strum, displaydoc) or thiserror's `#[derive(Error)]`,
    /// whose `#[error("{0}")]` is a `Display`: recorded as a hand-written one would be.
    fn note_derived_display(&mut self, attrs: &[syn::Attribute], owner: &str) {
        let derives_display = attrs
            .iter()
            .filter(|a| a.path().is_ident("derive"))
            .any(|a| {
                let mut found = false;
                let _ = a.parse_nested_meta(|m| {
                    found |= m
                        .path
                        .segments
                        .last()
                        .is_some_and(|s| s.ident == "Display" || s.ident == "Error");
                    Ok(())
                });
                found
            });
        if derives_display {
            self.note_format_impl(owner, crate::semantic::index::DISPLAY_IMPL);
        }
    }

    /// Records that `owner` formats by its own `impl Debug`/`Display` (see
    /// `CrateIndex::formats_by_hand`), as a `methods` entry under the marker's key.
    fn note_format_impl(&mut self, owner: &str, marker: &str) {
        self.core.facts.index.methods.push((
            owner.to_string(),
            marker.to_string(),
            crate::semantic::Ty::Unknown,
        ));
    }

    /// The crate path of an item this module declares (`crate::jobs::STATE`).
    fn item_path(&self, ident: &syn::Ident) -> String {
        format!("{}::{ident}", self.core.uses.module_path())
    }

    fn item_view<'i>(
        &self,
        attrs: &'i [syn::Attribute],
        kind: &'static str,
        name: String,
        span: proc_macro2::Span,
    ) -> ItemView<'i> {
        ItemView {
            attrs,
            kind,
            name,
            span,
        }
    }

    fn record_extent(&mut self, attrs: &[syn::Attribute], span: proc_macro2::Span) {
        if !self.core.opts.item_extents {
            return;
        }
        let region = self.core.region(span);
        let first_line = attrs
            .first()
            .map(|a| self.core.region(a.span()).line)
            .unwrap_or(region.line);
        let attrs_end_line = attrs
            .iter()
            .rfind(|a| matches!(a.style, syn::AttrStyle::Outer))
            .map(|a| self.core.region(a.span()).end_line)
            .unwrap_or(0);
        self.core.facts.items.push(ItemExtent {
            region,
            first_line,
            attrs_end_line,
        });
    }

    pub(crate) fn walk_item(&mut self, item: &syn::Item) {
        // Items nest too (modules in modules, fns in fn bodies): the same bound as expressions,
        // or 10,000 nested modules cost quadratic memory in module paths.
        if self.core.depth >= super::MAX_DEPTH {
            return;
        }
        let (attrs, kind, name): (&[syn::Attribute], &'static str, String) = match item {
            syn::Item::Fn(f) => (&f.attrs, "fn", f.sig.ident.to_string()),
            syn::Item::Impl(i) => (&i.attrs, "impl", type_name(&i.self_ty)),
            syn::Item::Mod(m) => (&m.attrs, "mod", m.ident.to_string()),
            syn::Item::Struct(s) => (&s.attrs, "struct", s.ident.to_string()),
            syn::Item::Enum(e) => (&e.attrs, "enum", e.ident.to_string()),
            syn::Item::Trait(t) => (&t.attrs, "trait", t.ident.to_string()),
            syn::Item::Static(s) => (&s.attrs, "static", s.ident.to_string()),
            syn::Item::Const(c) => (&c.attrs, "const", c.ident.to_string()),
            syn::Item::Type(t) => (&t.attrs, "type", t.ident.to_string()),
            syn::Item::Use(u) => (&u.attrs, "use", String::new()),
            syn::Item::Macro(m) => (&m.attrs, "macro", String::new()),
            _ => (&[], "item", String::new()),
        };
        if kind != "use" {
            let span = super::spans::item_span(item);
            self.record_extent(attrs, span);
            let view = self.item_view(attrs, kind, name, span);
            hook!(self, check_item, &view, crate::lint::Hooks::ITEM);
        }
        let is_test = attrs.iter().any(|a| is_cfg_test(a) || is_test_attr(a));
        if is_test {
            self.core.test_depth += 1;
        }
        self.core.depth += 1;
        self.walk_item_inner(item);
        self.core.depth -= 1;
        if is_test {
            self.core.test_depth -= 1;
        }
    }

    fn walk_item_inner(&mut self, item: &syn::Item) {
        match item {
            syn::Item::Fn(f) => {
                if let Some(self_ty) = super::attr_methods::owner(f, &self.core.method_attrs) {
                    let owner_path = self.enter_impl(&self_ty, None);
                    self.walk_method(&owner_path, &f.sig, &f.block, &f.attrs, false);
                    self.core.items.pop();
                    return;
                }
                if let Some(ret) = ret_ty(&f.sig, self) {
                    let path = self.item_path(&f.sig.ident);
                    self.core.facts.index.fns.push((path, ret));
                }
                self.walk_fn(&f.sig, &f.block, &f.attrs, false);
            }
            syn::Item::Impl(imp) => {
                let gated = cfg_predicate(&imp.attrs);
                if let Some(c) = &gated {
                    self.core.cfg_scope.push(c.clone());
                }
                self.walk_impl(imp);
                if gated.is_some() {
                    self.core.cfg_scope.pop();
                }
            }
            syn::Item::Trait(t) => {
                self.core.items.push(ItemCtx {
                    self_ty: Some(Ty::path(&format!("self::{}", t.ident))),
                    name: t.ident.to_string(),
                    is_fn: false,
                    exclusive_self: false,
                    owner_path: Some(self.item_path(&t.ident)),
                    trait_path: None,
                    is_trait: true,
                });
                for ti in &t.items {
                    if let syn::TraitItem::Fn(f) = ti
                        && let Some(block) = &f.default
                    {
                        let span = super::spans::trait_fn_span(f);
                        self.record_extent(&f.attrs, span);
                        let view = self.item_view(&f.attrs, "fn", f.sig.ident.to_string(), span);
                        hook!(self, check_item, &view, crate::lint::Hooks::ITEM);
                        self.walk_fn(&f.sig, block, &f.attrs, false);
                    }
                }
                self.core.items.pop();
            }
            syn::Item::Mod(m) => {
                if let Some((_, items)) = &m.content {
                    let gated = cfg_predicate(&m.attrs);
                    if let Some(c) = &gated {
                        self.core.cfg_scope.push(c.clone());
                    }
                    self.core
                        .uses
                        .push_module(Some(&m.ident.to_string()), items);
                    self.core
                        .facts
                        .index
                        .modules
                        .extend(self.core.uses.module_export());
                    for it in items {
                        self.walk_item(it);
                    }
                    self.core.uses.pop();
                    if gated.is_some() {
                        self.core.cfg_scope.pop();
                    }
                }
            }
            syn::Item::Struct(s) => {
                self.note_clone_struct(s);
                let fields = field_types(&s.fields, &s.generics, &self.core.uses);
                let path = self.item_path(&s.ident);
                self.note_generics(&path, &s.generics);
                self.note_derived_display(&s.attrs, &path);
                self.core.facts.index.structs.push((path, fields));
            }
            syn::Item::Enum(e) => {
                // A variant with fields is indexed like a struct of that path: named fields by
                // name (`Auth::Bearer { token }` in a pattern types `token`), a tuple variant's
                // by position, as a tuple struct's (`Cmd::Login(opt)` types `opt`).
                let owner = self.item_path(&e.ident);
                self.note_derived_display(&e.attrs, &owner);
                for v in &e.variants {
                    if matches!(v.fields, syn::Fields::Unit) {
                        continue;
                    }
                    let fields = field_types(&v.fields, &e.generics, &self.core.uses);
                    let path = format!("{owner}::{}", v.ident);
                    self.note_generics(&path, &e.generics);
                    self.core.facts.index.variants.push((path, fields));
                }
            }
            syn::Item::Static(s) => {
                let ty = Ty::from_syn(&s.ty, &self.core.uses);
                let path = self.item_path(&s.ident);
                self.core.facts.index.statics.push((path, ty));
                self.walk_const_init(&s.expr);
            }
            syn::Item::Const(c) => {
                // Consts are typed like statics (`TOKEN_WAKEUP: mio::Token`), so names compared
                // with them resolve.
                let ty = Ty::from_syn(&c.ty, &self.core.uses);
                let path = self.item_path(&c.ident);
                if let syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) = &*c.expr
                {
                    let entry = (path.clone(), s.value());
                    self.core.facts.index.str_consts.push(entry);
                }
                self.core.facts.index.statics.push((path, ty));
                self.walk_const_init(&c.expr);
            }
            syn::Item::Type(t) => {
                let params = param_spellings(&t.generics, &self.core.uses);
                let ty = bare_params(Ty::from_syn(&t.ty, &self.core.uses), &params);
                let path = self.item_path(&t.ident);
                self.note_generics(&path, &t.generics);
                self.core.facts.index.aliases.push((path, ty));
            }
            syn::Item::Macro(m) => {
                let name = macros::macro_name(&m.mac);
                if let Some(items) = macros::cfg_block_items(&m.mac) {
                    for it in &items {
                        self.walk_item(it);
                    }
                    return;
                }
                if name == "macro_rules" {
                    // Declared where the macro is invoked; indexed as this module's items (the
                    // common case: a macro invoked in the module that defines it).
                    for it in macros::macro_rules_items(&m.mac) {
                        self.index_only(&it);
                    }
                    return;
                }
                if name == "lazy_static" {
                    for (ident, ty, init) in macros::parse_lazy_static(m.mac.tokens.clone()) {
                        let ty = Ty::from_syn(&ty, &self.core.uses);
                        let path = self.item_path(&ident);
                        self.core.facts.index.statics.push((path, ty));
                        self.walk_const_init(&init);
                    }
                }
            }
            _ => {}
        }
    }

    /// Record what an item contributes to the crate index without walking its code.
    fn index_only(&mut self, item: &syn::Item) {
        match item {
            syn::Item::Struct(_) | syn::Item::Type(_) => self.walk_item_inner(item),
            syn::Item::Static(s) => {
                let ty = Ty::from_syn(&s.ty, &self.core.uses);
                let path = self.item_path(&s.ident);
                self.core.facts.index.statics.push((path, ty));
            }
            _ => {}
        }
    }

    fn walk_impl(&mut self, imp: &syn::ItemImpl) {
        let owner_path = self.enter_impl(&imp.self_ty, imp.trait_.as_ref().map(|t| &t.1));
        let outer_params = std::mem::replace(
            &mut self.core.impl_type_params,
            type_param_names(&imp.generics),
        );
        let outer_bounds = self.core.type_bounds.len();
        let bounds = workspace_bounds(&imp.generics, &self.core.uses);
        self.core.type_bounds.extend(bounds);
        let outer_unit = std::mem::replace(
            &mut self.core.impl_errs_with_unit,
            crate::semantic::fallible::impl_errs_with_unit(imp),
        );
        let in_trait_impl = imp.trait_.is_some();
        // `impl Deref for Wrapper { type Target = Inner; }`: fields and methods the wrapper lacks
        // are the target's (auto-deref), for the type model and the call graph.
        if imp
            .trait_
            .as_ref()
            .and_then(|t| t.1.segments.last())
            .is_some_and(|s| s.ident == "Deref")
        {
            for ii in &imp.items {
                if let syn::ImplItem::Type(t) = ii
                    && t.ident == "Target"
                {
                    let target = self.with_self(Ty::from_syn(&t.ty, &self.core.uses));
                    self.core.facts.index.methods.push((
                        owner_path.clone(),
                        crate::semantic::index::DEREF.to_string(),
                        target,
                    ));
                }
            }
        }
        // A hand-written `impl Debug`/`impl Display` decides what formatting the type prints;
        // a `Debug` that hands a secret field on as it is (`write!(f, "{}", self.0)`,
        // `.field("password", &self.password)`) is only a layout, and is not recorded.
        if let Some(marker) = imp
            .trait_
            .as_ref()
            .and_then(|t| t.1.segments.last())
            .and_then(|s| crate::semantic::index::format_marker(&s.ident.to_string()))
            .filter(|m| {
                *m != crate::semantic::index::DEBUG_IMPL
                    || !imp
                        .items
                        .iter()
                        .any(|i| prints_secret_field(quote::ToTokens::to_token_stream(i)))
            })
        {
            self.note_format_impl(&owner_path, marker);
        }
        for ii in &imp.items {
            match ii {
                syn::ImplItem::Fn(f) => {
                    let span = super::spans::impl_fn_span(f);
                    self.record_extent(&f.attrs, span);
                    let view = self.item_view(&f.attrs, "fn", f.sig.ident.to_string(), span);
                    hook!(self, check_item, &view, crate::lint::Hooks::ITEM);
                    self.walk_method(&owner_path, &f.sig, &f.block, &f.attrs, in_trait_impl);
                }
                syn::ImplItem::Const(c) => self.walk_const_init(&c.expr),
                _ => {}
            }
        }
        self.core.impl_type_params = outer_params;
        self.core.type_bounds.truncate(outer_bounds);
        self.core.impl_errs_with_unit = outer_unit;
        self.core.items.pop();
    }

    /// Push the item context of an `impl` of `self_ty` (of `trait_`, if any); the caller pops
    /// it. Returns the owner path its methods are keyed by.
    fn enter_impl(&mut self, self_ty: &syn::Type, trait_: Option<&syn::Path>) -> String {
        let ty = Ty::from_syn(self_ty, &self.core.uses);
        // Methods are keyed by the self type's path as this module resolves it (the crate index
        // follows imports and re-exports to where the type is declared).
        let owner_path = ty.path_str().unwrap_or_default().to_string();
        let trait_path = trait_.map(|path| self.core.uses.resolve(path));
        self.core.items.push(ItemCtx {
            self_ty: Some(ty),
            name: type_name(self_ty),
            is_fn: false,
            exclusive_self: false,
            owner_path: Some(owner_path.clone()),
            trait_path,
            is_trait: false,
        });
        owner_path
    }

    /// `ty` with `Self` as the type of the impl being walked (`enter_impl` resolved it).
    fn with_self(&self, ty: Ty) -> Ty {
        match self.core.self_ty() {
            Some(self_ty) => resolve_self(ty, self_ty),
            None => ty,
        }
    }

    /// One method of the impl `enter_impl` opened: indexed by its return type (with `Self` as
    /// the type `enter_impl` resolved), then walked.
    fn walk_method(
        &mut self,
        owner_path: &str,
        sig: &syn::Signature,
        block: &syn::Block,
        attrs: &[syn::Attribute],
        in_trait_impl: bool,
    ) {
        if let Some(ret) = ret_ty(sig, self) {
            let ret = self.with_self(ret);
            self.core.facts.index.methods.push((
                owner_path.to_string(),
                sig.ident.to_string(),
                ret,
            ));
        }
        let is_test = attrs.iter().any(is_test_attr);
        self.core.test_depth += u32::from(is_test);
        self.walk_fn(sig, block, attrs, in_trait_impl);
        self.core.test_depth -= u32::from(is_test);
    }

    /// Static and const initializers run outside any async context.
    fn walk_const_init(&mut self, expr: &syn::Expr) {
        self.enter_body(false, false, Boundary::Item, false);
        self.eval(expr, super::exprs::Mode::Value);
        self.exit_body();
    }

    /// `inline`: the body runs whenever its enclosing fn's body does (a closure called in place);
    /// a fn's own body always does.
    pub(crate) fn enter_body(
        &mut self,
        is_async: bool,
        async_main: bool,
        boundary: Boundary,
        inline: bool,
    ) {
        let id = self.core.next_body;
        self.core.next_body += 1;
        let in_test = self.core.test_depth > 0;
        // An item's own body is off the workers only by its attribute (set by `walk_fn`).
        let (fn_id, inline, repeats, off_worker) = match boundary {
            Boundary::Item => (self.core.entering_fn.take(), inline, false, false),
            _ => match self.core.body() {
                Some(parent) => (
                    parent.fn_id,
                    inline && parent.inline,
                    !parent.loops.is_empty(),
                    inline && parent.off_worker,
                ),
                None => (None, false, false, false),
            },
        };
        self.core.env.push(boundary);
        self.core.bodies.push(Body {
            id,
            is_async,
            own_async: is_async,
            async_main,
            in_test,
            flow: Flow::start(),
            temp_level: 0,
            first_guard: self.core.next_guard,
            loops: Vec::new(),
            decided: false,
            fn_id,
            inline,
            off_worker,
            repeats,
            clippy_allows: self.core.clippy_allows,
            sync_block_on: false,
            thread_block_on: false,
        });
    }

    pub(crate) fn exit_body(&mut self) {
        self.core.bodies.pop();
        self.core.env.pop();
    }

    /// A fn that hands out the guard of a lock it takes as its tail (`fn users() ->
    /// RwLockReadGuard<'static, Users> { USERS.get().expect("set").read() }`, `fn state(&self)
    /// -> MutexGuard<'_, State> { self.state.lock().unwrap() }`): the lock its callers hold is
    /// that one, whichever accessor they call (`users()` and `mut_users()` both lock `USERS`).
    fn note_guard_accessor(
        &mut self,
        sig: &syn::Signature,
        block: &syn::Block,
        owner: Option<&str>,
    ) {
        let syn::ReturnType::Type(_, ret) = &sig.output else {
            return;
        };
        let syn::Type::Path(tp) = &**ret else {
            return;
        };
        if !tp
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident.to_string().ends_with("Guard"))
        {
            return;
        }
        let Some(at) = crate::semantic::syntax::tail_acquisition(block) else {
            return;
        };
        let region = Region::from_span(at);
        let Some((receiver, recursive)) = self
            .core
            .facts
            .acquisitions
            .iter()
            .rev()
            .find(|a| a.region == region && !a.via_call)
            .map(|a| (a.receiver.clone(), a.recursive_read()))
        else {
            return;
        };
        match owner {
            Some(o) => {
                let index = &mut self.core.facts.index;
                if recursive {
                    index
                        .recursive_guard_methods
                        .push((o.to_string(), sig.ident.to_string()));
                }
                index
                    .guard_methods
                    .push((o.to_string(), sig.ident.to_string(), receiver));
            }
            None => {
                let path = self.item_path(&sig.ident);
                let index = &mut self.core.facts.index;
                if recursive {
                    index.recursive_guard_fns.push(path.clone());
                }
                index.guard_fns.push((path, receiver));
            }
        }
    }

    pub(crate) fn walk_fn(
        &mut self,
        sig: &syn::Signature,
        block: &syn::Block,
        attrs: &[syn::Attribute],
        in_trait_impl: bool,
    ) {
        // A method's owner is the impl or trait right around it; a fn nested in a method's
        // body is a free fn.
        let (owner, trait_path) = match self.core.items.last() {
            Some(i) if !i.is_fn => (i.owner_path.clone(), i.trait_path.clone()),
            _ => (None, None),
        };
        let owner_path = owner.clone();
        // `#[tokio::main] async fn start(..)` other than `main`: the attribute makes it a sync fn
        // whose body its own runtime's `block_on` runs, like `fn start() { rt.block_on(async
        // { .. }) }`.
        let runtime_entry =
            sig.asyncness.is_some() && sig.ident != "main" && attrs.iter().any(runtime_main_attr);
        let is_async = sig.asyncness.is_some() && !runtime_entry;
        let in_trait_def = self.core.items.last().is_some_and(|i| i.is_trait);
        let is_main = self.core.items.is_empty()
            && (sig.ident == "main" || self.core.entry_fns.iter().any(|e| sig.ident == e));
        let display = match (&owner, self.core.items.last()) {
            (Some(_), Some(imp)) => format!("{}::{}", imp.name, sig.ident),
            _ => sig.ident.to_string(),
        };
        let fn_id = self.core.facts.fns.len() as u32;
        let fn_type_params = type_param_names(&sig.generics);
        let names = fn_type_params
            .iter()
            .cloned()
            .chain(self.core.impl_type_params.iter().cloned());
        // The impl's bounds are in scope already; the fn's are added below, as it is walked.
        let fn_bounds = workspace_bounds(&sig.generics, &self.core.uses);
        let type_params = spellings(names, &self.core.uses)
            .into_iter()
            .map(|(spelled, name)| {
                let bounds = fn_bounds
                    .iter()
                    .chain(&self.core.type_bounds)
                    .filter(|(p, _)| *p == name)
                    .map(|(_, t)| t.clone())
                    .collect();
                (spelled.into_boxed_str(), bounds)
            })
            .collect();
        self.core.facts.fns.push(crate::semantic::facts::FnDef {
            path: match owner {
                Some(_) => sig.ident.to_string(),
                None => self.item_path(&sig.ident),
            },
            owner,
            trait_path,
            display,
            region: self.core.region(sig.ident.span()),
            is_async,
            returns_future: false,
            is_main,
            has_self: sig.receiver().is_some(),
            dispatched: in_trait_impl || in_trait_def,
            params: crate::semantic::facts::CallShape::count(
                sig.inputs.len() - usize::from(sig.receiver().is_some()),
            ),
            composite_params: composite_params(sig, &self.core.uses),
            in_test: self.core.in_test(),
            // A trait's default body may be overridden where the trait is called: it says
            // nothing of the body that runs. An impl's method is reached only as that impl's
            // (through its type, or as the trait's one body); a call through a trait object or
            // a generic resolves to nothing.
            never_errs: !in_trait_def && crate::semantic::fallible::never_errs(sig, block),
            errs_with_unit: crate::semantic::fallible::errs_with_unit(
                sig,
                self.core.impl_errs_with_unit,
            ),
            logged_errors: (!in_trait_def)
                .then(|| crate::semantic::fallible::logged_error_exits(sig, block))
                .flatten()
                .map(|via| via.into_iter().map(|s| self.core.region(s)).collect()),
            spawns: false,
            spawns_task: false,
            cfg: scoped_cfg(&self.core.cfg_scope, cfg_predicate(attrs)),
            in_place_params: 0,
            block_on_params: 0,
            type_params,
        });
        self.core.items.push(ItemCtx {
            self_ty: None,
            name: sig.ident.to_string(),
            is_fn: true,
            exclusive_self: sig.receiver().is_some_and(exclusive_receiver),
            owner_path: None,
            trait_path: None,
            is_trait: false,
        });
        let view = FnView {
            sig,
            block,
            attrs,
            name: sig.ident.to_string(),
            in_trait_impl,
            src: self.core.src,
            body_text: std::cell::OnceCell::new(),
        };
        // Before the hook: `#[instrument(fields(api = R::API_KEY))]` is read there.
        let outer_type_params = std::mem::replace(&mut self.core.fn_type_params, fn_type_params);
        let outer_bounds = self.core.type_bounds.len();
        self.core.type_bounds.extend(fn_bounds);
        let outer_compared = std::mem::take(&mut self.core.compared_bools);
        let outer_spawns = std::mem::take(&mut self.core.spawn_points);
        let outer_params = std::mem::replace(&mut self.core.fn_params, param_names(sig));
        let outer_owned = std::mem::replace(
            &mut self.core.owned_locals,
            crate::semantic::syntax::owned_locals(sig, block),
        );
        let braces = Region::from_span(block.brace_token.span.join());
        let outer_bytes = std::mem::replace(
            &mut self.core.fn_bytes,
            braces.start_byte as usize..braces.end_byte as usize,
        );
        hook!(self, check_fn, &view, crate::lint::Hooks::FN);
        let in_place = in_place_params(sig, block, is_async, view.body_text());
        if let Some(def) = self.core.facts.fns.get_mut(fn_id as usize) {
            def.in_place_params = in_place;
        }
        // Syntax passes, each only where the body mentions what it looks for: spawns whose
        // handles this fn joins, and `let main_task = async move { .. };` (where futures are
        // raced, `let run = runner.run();` too) awaited below (its body runs in this fn).
        let mentions =
            |word: &[u8]| memchr::memmem::find(view.body_text().as_bytes(), word).is_some();
        let joined = match mentions(b"spawn") {
            true => crate::semantic::joined::joined_spawns(block)
                .into_iter()
                .collect(),
            false => Default::default(),
        };
        let raced = mentions(b"select!") || mentions(b"join!") || mentions(b"pin!");
        let mut awaited_lets: rustc_hash::FxHashSet<usize> = match raced || mentions(b"async") {
            true => crate::semantic::joined::awaited_async_lets(block, raced)
                .into_iter()
                .collect(),
            false => Default::default(),
        };
        // A sync fn returning a future it makes: its returned `async` blocks run as its body
        // would if it were async (where its callers poll the value), like an awaited `let`.
        let returned = match !is_async && !runtime_entry && !is_main {
            true if mentions(b"async")
                || mentions(b"pin")
                || mentions(b"boxed")
                || crate::semantic::returned::output_names_future(sig) =>
            {
                crate::semantic::returned::returned_futures(sig, block)
            }
            _ => Default::default(),
        };
        awaited_lets.extend(returned.blocks.iter().copied());
        if !returned.is_empty()
            && let Some(def) = self.core.facts.fns.get_mut(fn_id as usize)
        {
            def.returns_future = true;
        }
        let calls_before = self.core.facts.calls.len();
        let outer_joined = std::mem::replace(&mut self.core.joined_spawns, joined);
        let outer_awaited_lets = std::mem::replace(&mut self.core.awaited_lets, awaited_lets);
        let outer_cond_guards = std::mem::take(&mut self.core.cond_guards);
        let allows_before = self.core.clippy_allows;
        self.core.clippy_allows |= crate::semantic::syntax::await_holding_allows(attrs);
        let async_main = is_async && sig.ident == "main" && self.core.items.len() == 1;
        if is_main && !is_async && !runtime_entry {
            self.core.main_runner_block = crate::semantic::syntax::main_runner_block(block);
        }
        self.core.entering_fn = Some(fn_id);
        self.enter_body(is_async || runtime_entry, async_main, Boundary::Item, true);
        if runtime_entry && let Some(b) = self.core.bodies.last_mut() {
            b.sync_block_on = true;
        }
        if (is_async || runtime_entry)
            && multi_thread_entry(attrs)
            && let Some(b) = self.core.bodies.last_mut()
        {
            b.off_worker = true;
        }
        for input in &sig.inputs {
            match input {
                syn::FnArg::Receiver(_) => {
                    let ty = self
                        .core
                        .self_ty()
                        .cloned()
                        .map(TyExpr::Known)
                        .unwrap_or(TyExpr::Unknown);
                    self.core.env.bind(Binding {
                        name: "self".into(),
                        ty,
                        guards: Vec::new(),
                        reads: Vec::new(),
                        identity: false,
                        local: None,
                    });
                }
                syn::FnArg::Typed(pt) => {
                    let ty = Ty::from_syn(&pt.ty, &self.core.uses);
                    if let syn::Pat::Ident(p) = &*pt.pat
                        && drain::may_be_receiver(&pt.ty)
                    {
                        let receiver = ReceiverParam {
                            ty: ty.clone(),
                            drained: drain::drains_until_closed(block, &p.ident.to_string()),
                            peers: drain::sender_params(sig)
                                .map(|t| Ty::from_syn(t, &self.core.uses))
                                .collect(),
                            owner: owner_path.clone(),
                        };
                        self.core.facts.index.receivers.push(receiver);
                    }
                    self.bind_typed_pattern(&pt.pat, ty);
                }
            }
        }
        if let Some(from) = serialized_from(sig, block)
            && let Some(body) = self.core.body()
        {
            let start = Region::from_span(block.brace_token.span.open()).start_byte;
            let id = body.id;
            self.core.facts.serialized.push((id, from.unwrap_or(start)));
        }
        self.walk_block_body(block);
        for call in &returned.calls {
            if let Some(k) = self.call_site_of(call, calls_before) {
                self.core.facts.calls[k].returned = true;
            }
        }
        self.note_guard_accessor(sig, block, owner_path.as_deref());
        if self.core.outliving_spawns(fn_id, block) {
            self.core.outliving.push(fn_id);
        }
        self.core.joined_spawns = outer_joined;
        self.core.awaited_lets = outer_awaited_lets;
        self.core.cond_guards = outer_cond_guards;
        self.core.fn_type_params = outer_type_params;
        self.core.type_bounds.truncate(outer_bounds);
        self.core.compared_bools = outer_compared;
        self.core.spawn_points = outer_spawns;
        self.core.fn_params = outer_params;
        self.core.owned_locals = outer_owned;
        self.core.fn_bytes = outer_bytes;
        self.exit_body();
        self.core.items.pop();
        self.core.clippy_allows = allows_before;
    }

    /// Bind a parameter pattern with its declared type: `state: Arc<S>`, `State(state): State<S>`,
    /// `(a, b): (A, B)`.
    pub(crate) fn bind_typed_pattern(&mut self, pat: &syn::Pat, ty: Ty) {
        match pat {
            syn::Pat::Ident(pi) => {
                if let Some((_, sub)) = &pi.subpat {
                    self.bind_typed_pattern(sub, ty.clone());
                }
                self.core.env.bind(Binding {
                    name: pi.ident.to_string(),
                    ty: TyExpr::Known(ty),
                    guards: Vec::new(),
                    reads: Vec::new(),
                    identity: false,
                    local: None,
                });
            }
            syn::Pat::TupleStruct(ts) if ts.elems.len() == 1 => {
                // Extractor newtypes: `State(s): State<T>` binds `s: T`.
                let inner = ty.args().first().cloned().unwrap_or(Ty::Unknown);
                if let Some(p) = ts.elems.first() {
                    self.bind_typed_pattern(p, inner);
                }
            }
            syn::Pat::Tuple(t) => {
                let elems = match &ty {
                    Ty::Tuple(e) => e.clone(),
                    _ => Vec::new(),
                };
                for (i, p) in t.elems.iter().enumerate() {
                    self.bind_typed_pattern(p, elems.get(i).cloned().unwrap_or(Ty::Unknown));
                }
            }
            syn::Pat::Reference(r) => self.bind_typed_pattern(&r.pat, ty),
            syn::Pat::Type(pt) => {
                let ty = Ty::from_syn(&pt.ty, &self.core.uses);
                self.bind_typed_pattern(&pt.pat, ty);
            }
            other => self.bind_pattern(other, TyExpr::Unknown, &[]),
        }
    }
}

/// The last segment of a type's path: `Scheduler` for `crate::sched::Scheduler<T>`.
pub(crate) fn type_name(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Path(tp) => tp
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default(),
        syn::Type::Reference(r) => type_name(&r.elem),
        _ => String::new(),
    }
}

/// `-> &Self`, `-> Self`, `-> Result<Arc<Self>>` inside an impl: `Self` is the impl's type.
fn resolve_self(ret: Ty, self_ty: &Ty) -> Ty {
    match ret {
        Ty::Path { path, .. } if path == "Self" => self_ty.clone(),
        Ty::Path { path, args } => Ty::Path {
            path,
            args: args.into_iter().map(|a| resolve_self(a, self_ty)).collect(),
        },
        Ty::Tuple(elems) => Ty::Tuple(
            elems
                .into_iter()
                .map(|e| resolve_self(e, self_ty))
                .collect(),
        ),
        Ty::Slice(inner) => Ty::Slice(Box::new(resolve_self(*inner, self_ty))),
        Ty::Unknown => Ty::Unknown,
    }
}

/// Where a fn starts holding an exclusive guard racewise does not model, for the rest of its
/// body (see `FileFacts::serialized`): `Some(None)` from the start (a guard parameter),
/// `Some(Some(byte))` from a top-level `let` of a lock-named call that is never `drop`ped.
fn serialized_from(sig: &syn::Signature, block: &syn::Block) -> Option<Option<u32>> {
    fn guard_type(ty: &syn::Type) -> bool {
        match ty {
            syn::Type::Reference(r) => guard_type(&r.elem),
            // An exclusive lock's guard (`TracingExclusiveGuard<Op>`, `MutexGuard`,
            // `RwLockWriteGuard`), not a read guard nor an epoch `Guard` (crossbeam, flurry),
            // which excludes nobody.
            syn::Type::Path(p) => p.path.segments.last().is_some_and(|s| {
                let name = s.ident.to_string();
                name.ends_with("Guard")
                    && !name.contains("Read")
                    && ["Exclusive", "Mutex", "Write", "Lock"]
                        .iter()
                        .any(|k| name.contains(k))
            }),
            _ => false,
        }
    }
    let guard_param = sig.inputs.iter().any(|input| match input {
        syn::FnArg::Typed(pt) => guard_type(&pt.ty),
        syn::FnArg::Receiver(_) => false,
    });
    if guard_param {
        return Some(None);
    }
    block.stmts.iter().enumerate().find_map(|(i, stmt)| {
        let syn::Stmt::Local(local) = stmt else {
            return None;
        };
        let init = local.init.as_ref()?;
        // From the `let`, or from the lock a retry loop takes (a check the loop makes before
        // it is no better serialized than one before the loop).
        let (guard, from) = match &local.pat {
            syn::Pat::Ident(pi) if lock_named_call(&init.expr) => {
                (pi.ident.to_string(), local.let_token.span)
            }
            pat => guard_out_of_loop(pat, &init.expr)?,
        };
        // A guard the rest of the body never touches (no `drop(g)`, no move) lives to its end.
        if crate::semantic::syntax::uses_binding_in(&block.stmts[i + 1..], &guard) {
            return None;
        }
        Some(Some(Region::from_span(from).start_byte))
    })
}

/// The guard a retry loop hands out: `let (_guard, id) = loop { let g = ops.lock(&id).await;
/// if moved { continue; } break (g, id); }` (or `let g = loop { .. break g; }`). Every `break`
/// of the loop's own body passes, at the pattern's one named place, the binding the body's top
/// level `let`s from a lock-named call, bound nowhere else in the body; the pattern's name
/// there is the guard, held from that `let` on.
fn guard_out_of_loop(pat: &syn::Pat, init: &syn::Expr) -> Option<(String, proc_macro2::Span)> {
    let syn::Expr::Loop(l) = crate::semantic::syntax::peel(init) else {
        return None;
    };
    // Where in the pattern the guard sits: the whole value, or one element of a tuple.
    let places: Vec<(String, Option<usize>)> = match pat {
        syn::Pat::Ident(pi) => vec![(pi.ident.to_string(), None)],
        syn::Pat::Tuple(t) => t
            .elems
            .iter()
            .enumerate()
            .filter_map(|(k, e)| match e {
                syn::Pat::Ident(pi) => Some((pi.ident.to_string(), Some(k))),
                _ => None,
            })
            .collect(),
        _ => return None,
    };
    let locked: Vec<(String, proc_macro2::Span)> = l
        .body
        .stmts
        .iter()
        .filter_map(|s| match s {
            syn::Stmt::Local(local) => match (&local.pat, &local.init) {
                (syn::Pat::Ident(pi), Some(init)) if lock_named_call(&init.expr) => {
                    Some((pi.ident.to_string(), local.let_token.span))
                }
                _ => None,
            },
            _ => None,
        })
        .filter(|(name, _)| crate::semantic::syntax::bindings_named(&l.body, name) == 1)
        .collect();
    let breaks = crate::semantic::syntax::loop_break_values(&l.body)?;
    let passes_guard = |value: &syn::Expr, at: Option<usize>| {
        let value = match (at, crate::semantic::syntax::peel(value)) {
            (None, v) => v,
            (Some(k), syn::Expr::Tuple(t)) => t.elems.iter().nth(k)?,
            _ => return None,
        };
        match crate::semantic::syntax::peel(value) {
            syn::Expr::Path(p) => p
                .path
                .get_ident()
                .and_then(|i| locked.iter().find(|(g, _)| i == g))
                .map(|(_, span)| *span),
            _ => None,
        }
    };
    places.into_iter().find_map(|(name, at)| {
        let spans: Vec<proc_macro2::Span> = breaks
            .iter()
            .map(|b| b.and_then(|v| passes_guard(v, at)))
            .collect::<Option<_>>()?;
        // The guard is held from the first lock any `break` passes.
        let first = spans
            .into_iter()
            .min_by_key(|s| Region::from_span(*s).start_byte)?;
        Some((name, first))
    })
}

/// `trace_exclusive_lock(..).await`, `lock_file(..)?`, `ops.lock_owned().await`: a call whose
/// name says it takes an exclusive lock (not a read lock, not an unlock).
fn lock_named_call(e: &syn::Expr) -> bool {
    let exclusive = |name: &str| {
        let name = name.to_ascii_lowercase();
        (name.contains("lock") || name == "write" || name == "write_owned")
            && !name.contains("read")
            && !name.contains("unlock")
    };
    match crate::semantic::syntax::peel(e) {
        syn::Expr::Await(a) => lock_named_call(&a.base),
        syn::Expr::Try(t) => lock_named_call(&t.expr),
        syn::Expr::MethodCall(mc)
            if matches!(mc.method.to_string().as_str(), "unwrap" | "expect") =>
        {
            lock_named_call(&mc.receiver)
        }
        syn::Expr::MethodCall(mc) => exclusive(&mc.method.to_string()),
        syn::Expr::Call(c) => match crate::semantic::syntax::peel(&c.func) {
            syn::Expr::Path(p) => p
                .path
                .segments
                .last()
                .is_some_and(|s| exclusive(&s.ident.to_string())),
            _ => false,
        },
        _ => false,
    }
}

/// The predicates of an item's own `#[cfg(..)]`s, spaces removed, joined with `,` (see
/// `FnDef::cfg`).
fn cfg_predicate(attrs: &[syn::Attribute]) -> Option<Box<str>> {
    let preds: Vec<String> = attrs
        .iter()
        .filter(|a| a.path().is_ident("cfg"))
        .filter_map(|a| match &a.meta {
            syn::Meta::List(l) => Some(l.tokens.to_string().replace(' ', "")),
            _ => None,
        })
        .collect();
    (!preds.is_empty()).then(|| preds.join(",").into_boxed_str())
}

/// A fn's own `#[cfg]` predicate after those of the inline modules and the impl around it,
/// joined with `,` (split again by the call graph's `cfg_parts`).
fn scoped_cfg(scope: &[Box<str>], own: Option<Box<str>>) -> Option<Box<str>> {
    if scope.is_empty() {
        return own;
    }
    let mut all: Vec<&str> = scope.iter().map(|c| &**c).collect();
    all.extend(own.as_deref());
    Some(all.join(",").into_boxed_str())
}

/// `#[tokio::main]`, `#[actix_web::main]`, `#[async_std::main]`: the fn runs its body on a
/// runtime of its own.
fn runtime_main_attr(attr: &syn::Attribute) -> bool {
    match attr_path(attr).as_slice() {
        [krate, last] => {
            last == "main"
                && matches!(
                    krate.as_str(),
                    "tokio" | "actix_web" | "actix_rt" | "async_std" | "ntex" | "rocket"
                )
        }
        _ => false,
    }
}

/// An attribute's path, by segment (`#[tokio::main]` → `["tokio", "main"]`).
fn attr_path(attr: &syn::Attribute) -> Vec<String> {
    attr.path()
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect()
}

/// `#[tokio::main]` (multi-thread unless `flavor = "current_thread"`), `#[tokio::test(flavor =
/// "multi_thread")]` or `#[rocket::main]` (Rocket's `async_main` builds a multi-thread tokio
/// runtime): the fn's body is the future the runtime's `block_on` polls on the calling thread,
/// while spawned tasks run on the workers.
fn multi_thread_entry(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        let segs = attr_path(a);
        let [first, last] = segs.as_slice() else {
            return false;
        };
        if first == "rocket" {
            return last == "main";
        }
        if first != "tokio" {
            return false;
        }
        let args = match &a.meta {
            syn::Meta::List(l) => l.tokens.to_string(),
            _ => String::new(),
        };
        let flavor = |f: &str| args.contains(&format!("\"{f}\""));
        match last.as_str() {
            "main" => !flavor("current_thread"),
            "test" => flavor("multi_thread"),
            _ => false,
        }
    })
}

/// A receiver no one else can use while the method runs: `&mut self`, `self`, and the typed
/// forms `self: Pin<&mut Self>` (a `Stream`'s `poll_next`), `self: &mut Self`, `self: Box<Self>`.
fn exclusive_receiver(r: &syn::Receiver) -> bool {
    if r.colon_token.is_none() {
        return r.reference.is_none() || r.mutability.is_some();
    }
    fn owned(ty: &syn::Type) -> bool {
        match ty {
            syn::Type::Reference(t) => t.mutability.is_some() && owned(&t.elem),
            syn::Type::Path(p) => {
                let Some(last) = p.path.segments.last() else {
                    return false;
                };
                match last.ident.to_string().as_str() {
                    "Self" => true,
                    "Pin" | "Box" => match &last.arguments {
                        syn::PathArguments::AngleBracketed(a) => a
                            .args
                            .iter()
                            .any(|g| matches!(g, syn::GenericArgument::Type(t) if owned(t))),
                        _ => false,
                    },
                    _ => false,
                }
            }
            syn::Type::Paren(p) => owned(&p.elem),
            syn::Type::Group(g) => owned(&g.elem),
            _ => false,
        }
    }
    owned(&r.ty)
}
