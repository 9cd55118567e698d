//! `#[model_check]`: write a concurrency test once, check it with real threads, loom and shuttle.
//!
//! This crate is re-exported as [`racewise_models::model_check`]; depend on `racewise-models`
//! only. The expansion calls helpers in `racewise_models::harness`, so the user's crate never names
//! `loom` or `shuttle` itself.
//!
//! [`racewise_models::model_check`]: https://docs.rs/racewise-models
//!
//! # Usage
//!
//! Write the test body against the sync facade `racewise_models::sync` (it maps to `std`, to
//! `loom` under `RUSTFLAGS="--cfg loom"` and to `shuttle` under `RUSTFLAGS="--cfg shuttle"`), and
//! put `#[model_check]` on it instead of `#[test]`:
//!
//! ```no_run
//! # fn main() {} // (the module `#[model_check]` generates must sit at module level)
//! use racewise_models::model_check;
//! use racewise_models::sync::atomic::{AtomicUsize, Ordering};
//! use racewise_models::sync::{Arc, thread};
//!
//! #[model_check(preemption_bound = 3, pct_depth = 3, iterations = 1000)]
//! fn two_increments_are_not_lost() {
//!     let n = Arc::new(AtomicUsize::new(0));
//!     let handles: Vec<_> = (0..2)
//!         .map(|_| {
//!             let n = Arc::clone(&n);
//!             thread::spawn(move || {
//!                 n.fetch_add(1, Ordering::SeqCst);
//!             })
//!         })
//!         .collect();
//!     for h in handles {
//!         h.join().unwrap();
//!     }
//!     assert_eq!(n.load(Ordering::SeqCst), 2, "invariant: no increment lost");
//! }
//!
//! // A broken variant: passes only if the checkers find the lost update.
//! #[model_check(expect = "bug", expected = "increment lost")]
//! fn racy_increments_lose_updates() {
//!     let n = Arc::new(AtomicUsize::new(0));
//!     let handles: Vec<_> = (0..2)
//!         .map(|_| {
//!             let n = Arc::clone(&n);
//!             thread::spawn(move || {
//!                 let v = n.load(Ordering::SeqCst); // read ...
//!                 n.store(v + 1, Ordering::SeqCst); // ... modify-write: not atomic
//!             })
//!         })
//!         .collect();
//!     for h in handles {
//!         h.join().unwrap();
//!     }
//!     assert_eq!(n.load(Ordering::SeqCst), 2, "increment lost");
//! }
//! ```
//!
//! The user's crate declares the two cfgs so rustc does not warn about them:
//!
//! ```toml
//! [dev-dependencies]
//! racewise-models = "0.1"
//!
//! [lints.rust]
//! unexpected_cfgs = { level = "warn", check-cfg = ["cfg(loom)", "cfg(shuttle)"] }
//! ```
//!
//! and runs the three backends with:
//!
//! ```text
//! cargo test                                               # std: real threads
//! RUSTFLAGS="--cfg shuttle" cargo test --release           # shuttle: random + PCT
//! RUSTFLAGS="--cfg loom" cargo test --release              # loom: exhaustive, bounded
//! ```
//!
//! (Use a separate `--target-dir` per backend, e.g. `--target-dir target/loom`, so switching
//! `RUSTFLAGS` does not rebuild everything each time.)
//!
//! # What it expands to
//!
//! The function stays as it is (a plain `fn`, still callable) and a module with the same name holds
//! the generated tests, each behind the cfg of its backend, so only the relevant tests exist in a
//! given build:
//!
//! ```ignore
//! #[allow(dead_code)]
//! fn two_increments_are_not_lost() { /* the body, unchanged */ }
//!
//! mod two_increments_are_not_lost {
//!     #[cfg(not(any(loom, shuttle)))]
//!     #[test]
//!     fn std_threads() {
//!         ::racewise_models::harness::std_threads(1000, super::two_increments_are_not_lost)
//!     }
//!     #[cfg(loom)]
//!     #[test]
//!     fn loom() {
//!         ::racewise_models::harness::loom_model(3, super::two_increments_are_not_lost)
//!     }
//!     #[cfg(shuttle)]
//!     #[test]
//!     fn shuttle_random() {
//!         ::racewise_models::harness::shuttle_random(1000, super::two_increments_are_not_lost)
//!     }
//!     #[cfg(shuttle)]
//!     #[test]
//!     fn shuttle_pct() {
//!         ::racewise_models::harness::shuttle_pct(1000, 3, super::two_increments_are_not_lost)
//!     }
//! }
//! ```
//!
//! Test names are therefore `two_increments_are_not_lost::std_threads`,
//! `two_increments_are_not_lost::loom`, `two_increments_are_not_lost::shuttle_random`, ... and
//! `cargo test two_increments` selects all of them.
//!
//! # Async bodies
//!
//! `#[model_check]` also goes on an `async fn name() { .. }` written against
//! `racewise_models::future` (tasks, semaphore, mutex, notify, mpsc, `timeout`, `select`). Each
//! execution runs the body as the root task of the backend's executor: shuttle's
//! (`shuttle::future::block_on`, tasks are shuttle tasks), loom's (`loom::future::block_on`, each
//! task a loom thread, so at most 4 tasks), or under plain `cargo test` a current-thread
//! executor. The generated tests call `harness::async_body(super::name)`; everything else (the
//! arguments, `expect = "bug"`) is as for a sync body.
//!
//! # Arguments
//!
//! All are optional, written `key = value` and separated by commas.
//!
//! | argument | value | default | meaning |
//! |---|---|---|---|
//! | `iterations` | integer ≥ 1 | std: 100, shuttle: 1000 | runs on real threads (std); iterations of shuttle random and PCT; if given, also bounds shuttle DFS |
//! | `preemption_bound` | integer ≥ 0 | 3 | loom's preemption bound (overrides `LOOM_MAX_PREEMPTIONS`) |
//! | `pct_depth` | integer ≥ 1 | 3 | shuttle PCT depth (below 3 misses a 2-thread check-then-act) |
//! | `expect` | `"pass"` or `"bug"` | `"pass"` | `"bug"`: a broken variant; each checker test passes only if that checker finds the failure |
//! | `expected` | string | none | with `expect = "bug"`: the failure message must contain this text |
//! | `schedulers` | list of `random`, `pct`, `dfs`, `loom` | `[random, pct, loom]` | which checkers get a test: shuttle `check_random`, `check_pct`, `check_dfs`, and loom |
//! | `crate` | path | `::racewise_models` | where the harness lives (`crate = crate` inside racewise-models' own unit tests) |
//!
//! A checker left out of `schedulers` still gets an `#[ignore]`d test under its cfg (if its
//! backend has no selected checker at all), so the omission shows up in the test output.
//!
//! Invalid input is a compile error pointing at the offending token: an unknown or duplicate key,
//! a value of the wrong type, an unknown scheduler, a `const`, `unsafe` or `extern` fn, a
//! fn with parameters, generics or a return type, a `#[test]` attribute next to `#[model_check]`,
//! or anything that is not a fn.
//!
//! `#[should_panic]` and `#[ignore]` on the function are moved onto every generated test.
//!
//! # `expect = "bug"`
//!
//! A broken-variant test passes only if the checker finds a failure **that the checker is
//! responsible for**, so an unrelated panic (an `unwrap` on `None`, an index out of bounds, loom's
//! thread limit, ...) cannot make it pass. Only the failing panic's **own message** is matched,
//! never the checker's wrapping text (shuttle's task name and schedule) or the event log printed
//! after it. Accepted failures:
//!
//! * without `expected`: an assertion in the body or the model: a message starting with
//!   `assertion` (what `assert!`, `assert_eq!`, `assert_ne!` and `debug_assert*!` produce when they
//!   carry no custom message, and `assert_eq!`/`assert_ne!` always) or with `invariant` (the
//!   convention for custom messages: `assert!(ok, "invariant: at most one running per key")`);
//! * with `expected = "text"`: a failure whose message contains `text`. A deadlock the checker
//!   reports (shuttle's `deadlock! ...`, loom's `deadlock; threads = ...`) counts only this way,
//!   with `expected = "deadlock"`: by itself it does not say which invariant broke. Prefer
//!   `expected` in any case: it pins the cause exactly, like `#[should_panic(expected = "...")]`.
//!
//! The test prints which kind it found (deadlock or invariant violation), the failure message and,
//! for shuttle, the schedule to replay; run with `--nocapture` to see it.
//!
//! Under plain `cargo test` an `expect = "bug"` body is **not run**: real threads almost never hit
//! the interleaving that breaks a broken variant, so the test could neither pass reliably nor
//! prove anything. The generated `std_threads` test is `#[ignore]`d with a reason saying so.
//!
//! # Checker caveats
//!
//! * loom allows at most 5 threads including the main one (finished threads keep their slot).
//! * shuttle PCT panics on a body that spawns no thread (`test closure did not exercise any
//!   concurrency`): leave `pct` out of `schedulers` for such bodies.
//! * A loom deadlock while a thread holds a `loom::sync::Arc` aborts the whole test binary: keep
//!   deadlock-expecting bodies in their own test file, or share state without `Arc`.
//! * Spin loops must call `thread::yield_now()`.
//! * A loom run truncated by `LOOM_MAX_PERMUTATIONS`/`LOOM_MAX_DURATION` reports a pass; the harness
//!   prints the bound a pass was proven under and warns when those variables are set.

use proc_macro::TokenStream;
use proc_macro2::TokenStream as TokenStream2;
use quote::{format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::{Attribute, Expr, Ident, Item, ItemFn, Lit, LitStr, Path, Token};

/// Default number of runs on real threads (plain `cargo test`).
const DEFAULT_STD_ITERATIONS: usize = 100;
/// Default number of iterations of shuttle random and PCT.
const DEFAULT_SHUTTLE_ITERATIONS: usize = 1000;
/// Default loom preemption bound.
const DEFAULT_PREEMPTION_BOUND: usize = 3;
/// Default shuttle PCT depth (below 3 misses a 2-thread check-then-act).
const DEFAULT_PCT_DEPTH: usize = 3;

const ALLOWED_KEYS: &str = "`iterations = N`, `preemption_bound = N`, `pct_depth = N`, \
    `expect = \"pass\" | \"bug\"`, `expected = \"message substring\"`, \
    `schedulers = [random, pct, dfs, loom]`, `crate = path`";

/// Turns one concurrency test body into a std test, a loom test and shuttle tests.
///
/// See the [crate documentation](crate) for the arguments and the expansion.
#[proc_macro_attribute]
pub fn model_check(attr: TokenStream, item: TokenStream) -> TokenStream {
    let attr = TokenStream2::from(attr);
    let item = TokenStream2::from(item);
    match expand(attr, item.clone()) {
        Ok(tokens) => tokens.into(),
        Err(err) => {
            // Keep the item (without our attribute) so that the error is the only one reported and
            // uses of the function elsewhere do not add "cannot find function" noise.
            let mut out = err.to_compile_error();
            if let Ok(Item::Fn(f)) = syn::parse2::<Item>(item) {
                out.extend(quote!(#[allow(dead_code)] #f));
            }
            out.into()
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Scheduler {
    Random,
    Pct,
    Dfs,
    Loom,
}

impl Scheduler {
    fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "random" => Scheduler::Random,
            "pct" => Scheduler::Pct,
            "dfs" => Scheduler::Dfs,
            "loom" => Scheduler::Loom,
            _ => return None,
        })
    }
}

#[derive(Default)]
struct Args {
    iterations: Option<usize>,
    preemption_bound: Option<usize>,
    pct_depth: Option<usize>,
    expect_bug: bool,
    expected: Option<LitStr>,
    schedulers: Option<Vec<Scheduler>>,
    krate: Option<Path>,
}

/// Adds `err` to `acc`.
fn push_err(acc: &mut Option<syn::Error>, err: syn::Error) {
    match acc {
        Some(acc) => acc.combine(err),
        None => *acc = Some(err),
    }
}

fn int_value(key: &Ident, value: &Expr, min: usize, example: &str) -> syn::Result<usize> {
    let bad = || {
        syn::Error::new_spanned(
            value,
            format!("`{key}` expects an integer literal ≥ {min}, e.g. `{key} = {example}`"),
        )
    };
    match value {
        Expr::Lit(syn::ExprLit {
            lit: Lit::Int(lit), ..
        }) if lit.suffix().is_empty() || lit.suffix() == "usize" => {
            let n: usize = lit.base10_parse().map_err(|_| bad())?;
            if n < min { Err(bad()) } else { Ok(n) }
        }
        _ => Err(bad()),
    }
}

fn str_value<'a>(key: &Ident, value: &'a Expr, example: &str) -> syn::Result<&'a LitStr> {
    match value {
        Expr::Lit(syn::ExprLit {
            lit: Lit::Str(lit), ..
        }) => Ok(lit),
        _ => Err(syn::Error::new_spanned(
            value,
            format!("`{key}` expects a string literal, e.g. `{key} = {example}`"),
        )),
    }
}

impl Parse for Args {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut args = Args::default();
        let mut seen: Vec<String> = Vec::new();
        let mut errors: Option<syn::Error> = None;
        while !input.is_empty() {
            let key = input.call(Ident::parse_any)?;
            let name = key.to_string();
            const KEYS: [&str; 7] = [
                "iterations",
                "preemption_bound",
                "pct_depth",
                "expect",
                "expected",
                "schedulers",
                "crate",
            ];
            if !KEYS.contains(&name.as_str()) {
                return Err(syn::Error::new_spanned(
                    &key,
                    format!(
                        "unknown `#[model_check]` argument `{name}`; the allowed arguments are {ALLOWED_KEYS}"
                    ),
                ));
            }
            if seen.contains(&name) {
                return Err(syn::Error::new_spanned(
                    &key,
                    format!(
                        "duplicate `#[model_check]` argument `{name}`; give each argument at most once"
                    ),
                ));
            }
            seen.push(name.clone());
            if !input.peek(Token![=]) {
                return Err(syn::Error::new_spanned(
                    &key,
                    format!("expected `{name} = ...`; the allowed arguments are {ALLOWED_KEYS}"),
                ));
            }
            input.parse::<Token![=]>()?;
            if name == "crate" {
                args.krate = Some(input.call(Path::parse_mod_style)?);
            } else {
                let value: Expr = input.parse()?;
                let result = (|| -> syn::Result<()> {
                    match name.as_str() {
                        "iterations" => args.iterations = Some(int_value(&key, &value, 1, "1000")?),
                        "preemption_bound" => {
                            args.preemption_bound = Some(int_value(&key, &value, 0, "3")?)
                        }
                        "pct_depth" => args.pct_depth = Some(int_value(&key, &value, 1, "3")?),
                        "expect" => {
                            let lit = str_value(&key, &value, "\"bug\"")?;
                            args.expect_bug = match lit.value().as_str() {
                                "pass" => false,
                                "bug" => true,
                                other => {
                                    return Err(syn::Error::new_spanned(
                                        lit,
                                        format!(
                                            "unknown expectation `{other:?}`; `expect` is \"pass\" (the default: every checker must pass) or \"bug\" (a broken variant: every checker must find the failure)"
                                        ),
                                    ));
                                }
                            };
                        }
                        "expected" => {
                            let lit = str_value(&key, &value, "\"invariant violated\"")?;
                            if lit.value().is_empty() {
                                return Err(syn::Error::new_spanned(
                                    lit,
                                    "`expected` must not be empty: give a substring of the failure message",
                                ));
                            }
                            args.expected = Some(lit.clone());
                        }
                        "schedulers" => args.schedulers = Some(parse_schedulers(&value)?),
                        _ => unreachable!("keys are checked above"),
                    }
                    Ok(())
                })();
                if let Err(err) = result {
                    push_err(&mut errors, err);
                }
            }
            if input.is_empty() {
                break;
            }
            input.parse::<Token![,]>()?;
        }
        if let (Some(expected), false) = (&args.expected, args.expect_bug) {
            push_err(
                &mut errors,
                syn::Error::new_spanned(
                    expected,
                    "`expected = \"...\"` only applies to a broken variant: add `expect = \"bug\"`",
                ),
            );
        }
        match errors {
            Some(err) => Err(err),
            None => Ok(args),
        }
    }
}

fn parse_schedulers(value: &Expr) -> syn::Result<Vec<Scheduler>> {
    const HELP: &str = "`schedulers` expects a non-empty list of `random` (shuttle check_random), \
        `pct` (shuttle check_pct), `dfs` (shuttle check_dfs) and `loom`, e.g. `schedulers = [random, pct, loom]`";
    let Expr::Array(array) = value else {
        return Err(syn::Error::new_spanned(value, HELP));
    };
    if array.elems.is_empty() {
        return Err(syn::Error::new_spanned(value, HELP));
    }
    let mut out = Vec::new();
    for elem in &array.elems {
        let sched = match elem {
            Expr::Path(p) if p.qself.is_none() && p.attrs.is_empty() => p
                .path
                .get_ident()
                .and_then(|id| Scheduler::parse(&id.to_string())),
            _ => None,
        };
        let Some(sched) = sched else {
            return Err(syn::Error::new_spanned(
                elem,
                format!("unknown scheduler `{}`; {HELP}", quote!(#elem)),
            ));
        };
        if out.contains(&sched) {
            return Err(syn::Error::new_spanned(
                elem,
                format!("scheduler `{}` is listed twice", quote!(#elem)),
            ));
        }
        out.push(sched);
    }
    Ok(out)
}

/// Checks that the item is a plain `fn name() { .. }`.
fn check_fn(item: Item) -> syn::Result<ItemFn> {
    const SHAPE: &str = "`#[model_check]` goes on a test body of the form `fn name() { .. }` or `async fn name() { .. }`";
    let f = match item {
        Item::Fn(f) => f,
        other => {
            return Err(syn::Error::new_spanned(
                item_head(&other),
                format!("{SHAPE}; it cannot be applied to {}", item_kind(&other)),
            ));
        }
    };
    let mut errors = None;
    let sig = &f.sig;
    if let Some(t) = &sig.constness {
        push_err(
            &mut errors,
            syn::Error::new_spanned(t, format!("{SHAPE}, not a `const fn`")),
        );
    }
    if let Some(t) = &sig.unsafety {
        push_err(
            &mut errors,
            syn::Error::new_spanned(t, format!("{SHAPE}, not an `unsafe fn`")),
        );
    }
    if let Some(abi) = &sig.abi {
        push_err(
            &mut errors,
            syn::Error::new_spanned(abi, format!("{SHAPE}, without an `extern` ABI")),
        );
    }
    if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
        let span_tokens = if sig.generics.params.is_empty() {
            let where_clause = &sig.generics.where_clause;
            quote!(#where_clause)
        } else {
            let g = &sig.generics;
            quote!(#g)
        };
        push_err(
            &mut errors,
            syn::Error::new_spanned(
                span_tokens,
                format!(
                    "{SHAPE}, without generic parameters: the checkers need one concrete body to run"
                ),
            ),
        );
    }
    if !sig.inputs.is_empty() || sig.variadic.is_some() {
        let inputs = &sig.inputs;
        push_err(
            &mut errors,
            syn::Error::new_spanned(
                inputs,
                format!(
                    "{SHAPE}, without parameters: the checkers call the body with no arguments; build the state inside the body"
                ),
            ),
        );
    }
    if let syn::ReturnType::Type(arrow, ty) = &sig.output {
        push_err(
            &mut errors,
            syn::Error::new_spanned(
                quote!(#arrow #ty),
                format!(
                    "{SHAPE}, returning `()`: report a failure by panicking (`assert!`, `unwrap`)"
                ),
            ),
        );
    }
    for attr in &f.attrs {
        if attr.path().is_ident("test") {
            push_err(
                &mut errors,
                syn::Error::new_spanned(
                    attr,
                    "remove `#[test]`: `#[model_check]` generates the test functions itself",
                ),
            );
        }
    }
    match errors {
        Some(err) => Err(err),
        None => Ok(f),
    }
}

/// What kind of item `item` is, for the "not a fn" error.
fn item_kind(item: &Item) -> &'static str {
    match item {
        Item::Const(_) => "a const",
        Item::Enum(_) => "an enum",
        Item::ExternCrate(_) => "an `extern crate`",
        Item::ForeignMod(_) => "an `extern` block",
        Item::Impl(_) => "an impl block",
        Item::Macro(_) => "a macro invocation",
        Item::Mod(_) => "a module",
        Item::Static(_) => "a static",
        Item::Struct(_) => "a struct",
        Item::Trait(_) => "a trait",
        Item::TraitAlias(_) => "a trait alias",
        Item::Type(_) => "a type alias",
        Item::Union(_) => "a union",
        Item::Use(_) => "a `use` declaration",
        _ => "this item",
    }
}

/// The head of an item (`struct Name`, `impl Trait`, ...): its first two tokens after the
/// attributes and the visibility, for pointing an error at it rather than at the whole body.
fn item_head(item: &Item) -> TokenStream2 {
    use proc_macro2::TokenTree;
    let mut tokens = quote!(#item).into_iter().peekable();
    // Outer attributes: `#` followed by a bracketed group.
    while matches!(tokens.peek(), Some(TokenTree::Punct(p)) if p.as_char() == '#') {
        tokens.next();
        tokens.next();
    }
    // Visibility: `pub` or `pub(...)`.
    if matches!(tokens.peek(), Some(TokenTree::Ident(i)) if i == "pub") {
        tokens.next();
        if matches!(tokens.peek(), Some(TokenTree::Group(g)) if g.delimiter() == proc_macro2::Delimiter::Parenthesis)
        {
            tokens.next();
        }
    }
    tokens.take(2).collect()
}

fn expand(attr: TokenStream2, item: TokenStream2) -> syn::Result<TokenStream2> {
    let args: Args = syn::parse2(attr)?;
    let item: Item = syn::parse2(item)?;
    let mut f = check_fn(item)?;

    let krate = args
        .krate
        .clone()
        .unwrap_or_else(|| syn::parse_quote!(::racewise_models));
    let name = f.sig.ident.clone();
    let span = name.span();

    // Attributes moved onto every generated test, and cfgs copied to the module.
    let mut test_attrs: Vec<Attribute> = Vec::new();
    let mut cfg_attrs: Vec<Attribute> = Vec::new();
    f.attrs.retain(|a| {
        if a.path().is_ident("should_panic") || a.path().is_ident("ignore") {
            test_attrs.push(a.clone());
            false
        } else {
            if a.path().is_ident("cfg") {
                cfg_attrs.push(a.clone());
            }
            true
        }
    });

    let schedulers = args
        .schedulers
        .clone()
        .unwrap_or_else(|| vec![Scheduler::Random, Scheduler::Pct, Scheduler::Loom]);
    let std_iterations = args.iterations.unwrap_or(DEFAULT_STD_ITERATIONS);
    let shuttle_iterations = args.iterations.unwrap_or(DEFAULT_SHUTTLE_ITERATIONS);
    let preemption_bound = args.preemption_bound.unwrap_or(DEFAULT_PREEMPTION_BOUND);
    let pct_depth = args.pct_depth.unwrap_or(DEFAULT_PCT_DEPTH);
    let harness = quote_spanned!(span=> #krate::harness);
    // An async body runs as the root task of the checker's executor, once per execution.
    let body = if f.sig.asyncness.is_some() {
        quote_spanned!(span=> #harness::async_body(super::#name))
    } else {
        quote_spanned!(span=> super::#name)
    };
    let name_str = name.to_string();

    // Wraps a checker run for the requested expectation.
    let wrap = |checker: TokenStream2, run: TokenStream2| -> TokenStream2 {
        if args.expect_bug {
            let expected = match &args.expected {
                Some(lit) => quote!(::core::option::Option::Some(#lit)),
                None => quote!(::core::option::Option::None),
            };
            quote_spanned! {span=>
                #harness::expect_bug(#name_str, #checker, #expected, || #run);
            }
        } else {
            quote_spanned!(span=> #run;)
        }
    };

    let mut tests = Vec::new();
    let test = |cfg: TokenStream2, test_name: &str, extra: TokenStream2, body: TokenStream2| {
        let test_name = format_ident!("{}", test_name, span = span);
        quote_spanned! {span=>
            #[cfg(#cfg)]
            #[test]
            #(#test_attrs)*
            #extra
            fn #test_name() {
                #body
            }
        }
    };

    // std: real threads.
    if args.expect_bug {
        let reason = if f.sig.asyncness.is_some() {
            "expect = \"bug\" runs only under --cfg loom and --cfg shuttle \
            (the std executor runs one fixed interleaving of the tasks)"
        } else {
            "expect = \"bug\" runs only under --cfg loom and --cfg shuttle \
            (real threads almost never hit a broken variant's interleaving)"
        };
        tests.push(test(
            quote!(not(any(loom, shuttle))),
            "std_threads",
            quote!(#[ignore = #reason]),
            quote_spanned!(span=> #harness::std_skipped_expect_bug(#name_str, #body);),
        ));
    } else {
        tests.push(test(
            quote!(not(any(loom, shuttle))),
            "std_threads",
            quote!(),
            quote_spanned!(span=> #harness::std_threads(#std_iterations, #body);),
        ));
    }

    // loom.
    if schedulers.contains(&Scheduler::Loom) {
        let checker = format!("loom (preemption_bound = {preemption_bound})");
        tests.push(test(
            quote!(loom),
            "loom",
            quote!(),
            wrap(
                quote!(#checker),
                quote_spanned!(span=> #harness::loom_model(#preemption_bound, #body)),
            ),
        ));
    } else {
        let reason = "`loom` is not in this test's `schedulers`";
        tests.push(test(
            quote!(loom),
            "loom",
            quote!(#[ignore = #reason]),
            quote_spanned!(span=> #harness::not_selected(#name_str, "loom", #body);),
        ));
    }

    // shuttle.
    let mut any_shuttle = false;
    for sched in &schedulers {
        let (test_name, checker, run) = match sched {
            Scheduler::Loom => continue,
            Scheduler::Random => (
                "shuttle_random",
                format!("shuttle random (iterations = {shuttle_iterations})"),
                quote_spanned!(span=> #harness::shuttle_random(#shuttle_iterations, #body)),
            ),
            Scheduler::Pct => (
                "shuttle_pct",
                format!("shuttle PCT (iterations = {shuttle_iterations}, depth = {pct_depth})"),
                quote_spanned!(span=> #harness::shuttle_pct(#shuttle_iterations, #pct_depth, #body)),
            ),
            Scheduler::Dfs => {
                let (label, max) = match args.iterations {
                    Some(n) => (
                        format!("shuttle DFS (max iterations = {n})"),
                        quote!(::core::option::Option::Some(#n)),
                    ),
                    None => (
                        "shuttle DFS (exhaustive)".to_string(),
                        quote!(::core::option::Option::None),
                    ),
                };
                (
                    "shuttle_dfs",
                    label,
                    quote_spanned!(span=> #harness::shuttle_dfs(#max, #body)),
                )
            }
        };
        any_shuttle = true;
        tests.push(test(
            quote!(shuttle),
            test_name,
            quote!(),
            wrap(quote!(#checker), run),
        ));
    }
    if !any_shuttle {
        let reason = "no shuttle scheduler (`random`, `pct`, `dfs`) is in this test's `schedulers`";
        tests.push(test(
            quote!(shuttle),
            "shuttle",
            quote!(#[ignore = #reason]),
            quote_spanned!(span=> #harness::not_selected(#name_str, "shuttle", #body);),
        ));
    }

    let doc = format!("Tests generated by `#[model_check]` for the function `{name}`.");
    Ok(quote! {
        #[allow(dead_code)]
        #f

        #(#cfg_attrs)*
        #[doc = #doc]
        #[allow(non_snake_case)]
        mod #name {
            #(#tests)*
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand_str(attr: TokenStream2, item: TokenStream2) -> String {
        expand(attr, item).unwrap().to_string()
    }

    /// The generated tests of `body`: (cfg, name, ignored).
    fn tests_of(expansion: &str) -> Vec<(String, String, bool)> {
        let file: syn::File = syn::parse_str(expansion).unwrap();
        let mut out = Vec::new();
        for item in file.items {
            let Item::Mod(m) = item else { continue };
            for item in m.content.unwrap().1 {
                let Item::Fn(f) = item else { continue };
                let cfg = f
                    .attrs
                    .iter()
                    .find(|a| a.path().is_ident("cfg"))
                    .map(|a| a.meta.require_list().unwrap().tokens.to_string())
                    .unwrap();
                let ignored = f.attrs.iter().any(|a| a.path().is_ident("ignore"));
                out.push((cfg, f.sig.ident.to_string(), ignored));
            }
        }
        out
    }

    #[test]
    fn default_expansion_has_one_test_per_backend_and_scheduler() {
        let e = expand_str(
            quote!(),
            quote!(
                fn body() {}
            ),
        );
        let tests = tests_of(&e);
        let names: Vec<_> = tests
            .iter()
            .map(|(c, n, i)| format!("{c}/{n}/{i}"))
            .collect();
        assert_eq!(
            names,
            [
                "not (any (loom , shuttle))/std_threads/false",
                "loom/loom/false",
                "shuttle/shuttle_random/false",
                "shuttle/shuttle_pct/false",
            ]
        );
        assert!(e.contains(":: racewise_models :: harness :: loom_model (3usize , super :: body)"));
        assert!(e.contains("shuttle_pct (1000usize , 3usize , super :: body)"));
        assert!(e.contains("std_threads (100usize , super :: body)"));
    }

    #[test]
    fn async_bodies_run_as_the_root_task_of_each_checker() {
        let e = expand_str(
            quote!(),
            quote!(
                async fn body() {}
            ),
        );
        assert!(e.contains(
            "loom_model (3usize , :: racewise_models :: harness :: async_body (super :: body))"
        ));
        assert!(e.contains(
            "std_threads (100usize , :: racewise_models :: harness :: async_body (super :: body))"
        ));
        assert!(e.contains("async fn body"));
    }

    #[test]
    fn expect_bug_wraps_the_checkers_and_ignores_std() {
        let e = expand_str(
            quote!(
                expect = "bug",
                expected = "lost",
                iterations = 7,
                schedulers = [dfs]
            ),
            quote!(
                fn body() {}
            ),
        );
        let tests = tests_of(&e);
        assert!(tests.contains(&(
            "not (any (loom , shuttle))".into(),
            "std_threads".into(),
            true
        )));
        assert!(tests.contains(&("loom".into(), "loom".into(), true)));
        assert!(tests.contains(&("shuttle".into(), "shuttle_dfs".into(), false)));
        assert_eq!(tests.len(), 3);
        assert!(e.contains("expect_bug"));
        assert!(e.contains("Some (\"lost\")"));
        assert!(e.contains("shuttle_dfs (:: core :: option :: Option :: Some (7usize)"));
    }

    #[test]
    fn crate_override_and_attribute_forwarding() {
        let e = expand_str(
            quote!(crate = crate),
            quote! {
                #[cfg(any(loom, shuttle))]
                #[should_panic(expected = "boom")]
                /// docs stay on the fn
                fn body() {}
            },
        );
        assert!(e.contains("crate :: harness :: loom_model"));
        let file: syn::File = syn::parse_str(&e).unwrap();
        let Item::Fn(f) = &file.items[0] else {
            panic!("the body comes first")
        };
        assert!(!f.attrs.iter().any(|a| a.path().is_ident("should_panic")));
        assert!(f.attrs.iter().any(|a| a.path().is_ident("doc")));
        let Item::Mod(m) = &file.items[1] else {
            panic!("then the module")
        };
        assert!(m.attrs.iter().any(|a| a.path().is_ident("cfg")));
        for item in &m.content.as_ref().unwrap().1 {
            let Item::Fn(t) = item else { continue };
            assert!(t.attrs.iter().any(|a| a.path().is_ident("should_panic")));
        }
    }

    #[test]
    fn errors_point_at_the_offending_token() {
        let err = expand(
            quote!(iterations = 1, iterations = 2),
            quote!(
                fn body() {}
            ),
        )
        .unwrap_err();
        assert!(err.to_string().contains("duplicate"));
        let err = expand(
            quote!(schedulers = []),
            quote!(
                fn body() {}
            ),
        )
        .unwrap_err();
        assert!(err.to_string().contains("non-empty list"));
        let err = expand(
            quote!(iterations),
            quote!(
                fn body() {}
            ),
        )
        .unwrap_err();
        assert!(err.to_string().contains("expected `iterations = ...`"));
        let err = expand(
            quote!(),
            quote!(
                fn body() -> u32 {
                    1
                }
            ),
        )
        .unwrap_err();
        assert!(err.to_string().contains("returning `()`"));
        let err = expand(
            quote!(),
            quote!(
                unsafe fn body() {}
            ),
        )
        .unwrap_err();
        assert!(err.to_string().contains("not an `unsafe fn`"));
    }
}
