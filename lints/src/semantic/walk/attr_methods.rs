//! Methods declared as free fns under an attribute macro that names their type:
//!
//! ```ignore
//! #[implement(super::Service)]
//! pub async fn remove_refresh_token(&self, token: &str) -> Result { .. }
//! ```
//!
//! A free fn cannot take `self`, so such a fn compiles only because the attribute rewrites it
//! into an `impl` of the type its first argument names (tuwunel declares over a thousand service
//! methods this way). Without this they were free fns whose `self` had no type and whose callers
//! resolved to nothing.
//!
//! The evidence is per file: an attribute counts once it sits on a free fn with a `self`
//! receiver, and then also makes the associated fns it marks in that file (`fn new(..) ->
//! Result<Arc<Self>>`) methods. Its first argument must be a path whose last segment is a type
//! name (upper camel case), so `#[instrument(skip_all)]` never counts.

use std::collections::BTreeSet;

/// The names (last path segment) of attributes that turn a free fn with a receiver into a
/// method somewhere in `items`, nested inline modules included.
pub(super) fn method_attrs(items: &[syn::Item]) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    collect(items, &mut names);
    names
}

fn collect(items: &[syn::Item], names: &mut BTreeSet<String>) {
    for item in items {
        match item {
            syn::Item::Fn(f) if f.sig.receiver().is_some() => {
                names.extend(f.attrs.iter().filter_map(|a| Some(owner_arg(a)?.0)));
            }
            syn::Item::Mod(m) => {
                if let Some((_, inner)) = &m.content {
                    collect(inner, names);
                }
            }
            _ => {}
        }
    }
}

/// The type a free fn is a method of, when one of its attributes is a method-making attribute of
/// this file (`known`): that attribute's first argument, as a type.
pub(super) fn owner(f: &syn::ItemFn, known: &BTreeSet<String>) -> Option<syn::Type> {
    if known.is_empty() {
        return None;
    }
    f.attrs.iter().find_map(|a| {
        let (name, path) = owner_arg(a)?;
        known
            .contains(&name)
            .then(|| syn::Type::Path(syn::TypePath { qself: None, path }))
    })
}

/// `#[name(Path, ..)]` whose `Path` ends in a type name: the attribute's last segment and `Path`.
fn owner_arg(attr: &syn::Attribute) -> Option<(String, syn::Path)> {
    let syn::Meta::List(list) = &attr.meta else {
        return None;
    };
    let name = list.path.segments.last()?.ident.to_string();
    // Attributes the compiler or common tools define never name an impl's type.
    if matches!(
        name.as_str(),
        "cfg" | "cfg_attr" | "allow" | "warn" | "deny" | "expect" | "doc" | "derive" | "instrument"
    ) {
        return None;
    }
    let path = list
        .parse_args_with(|input: syn::parse::ParseStream| {
            let path = input.call(syn::Path::parse_mod_style)?;
            // The macro's other arguments (`params = "<'_>"`) are its own business.
            input.parse::<proc_macro2::TokenStream>()?;
            Ok(path)
        })
        .ok()?;
    let last = path.segments.last()?.ident.to_string();
    let type_like = last.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && last.chars().any(|c| c.is_ascii_lowercase())
        && last != "Self";
    type_like.then_some((name, path))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item_fn(src: &str) -> syn::ItemFn {
        syn::parse_str(src).expect("test fn parses")
    }

    fn file(src: &str) -> syn::File {
        syn::parse_file(src).expect("test file parses")
    }

    #[test]
    fn an_attribute_names_the_impl_type_only_once_it_sits_on_a_receiver_fn() {
        let f = file(
            "#[implement(super::Service, params = \"<'_>\")] fn a(&self) {}
             #[tracing::instrument(skip_all)] fn b(&self) {}
             mod inner { #[ext::method_of(Store)] fn c(self: Arc<Self>) {} }
             #[register(Counter)] fn d() {}",
        );
        let known = method_attrs(&f.items);
        assert_eq!(
            known.iter().map(String::as_str).collect::<Vec<_>>(),
            ["implement", "method_of"]
        );
        let owner_of = |src: &str| {
            owner(&item_fn(src), &known).map(|t| quote::quote!(#t).to_string().replace(' ', ""))
        };
        // Associated fns too, once the attribute is known to make methods.
        assert_eq!(
            owner_of("#[implement(Pool)] fn new() -> Self { todo!() }").as_deref(),
            Some("Pool")
        );
        assert_eq!(
            owner_of("#[instrument(skip_all)] #[implement(super::Map)] fn get(&self) {}")
                .as_deref(),
            Some("super::Map")
        );
        // Not a method-making attribute here, not a type name, not a path first.
        assert_eq!(owner_of("#[register(Counter)] fn e() {}"), None);
        assert_eq!(owner_of("#[implement(skip_all)] fn f(&self) {}"), None);
        assert_eq!(owner_of("#[implement(MAX)] fn g(&self) {}"), None);
        assert_eq!(owner_of("#[implement = \"Pool\"] fn h(&self) {}"), None);
        assert_eq!(owner_of("fn i(&self) {}"), None);
    }
}
