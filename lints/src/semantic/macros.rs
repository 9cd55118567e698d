//! Seeing inside macro invocations. Syntactic tools are blind inside macros; racewise re-parses
//! the arguments of macros whose grammar is documented and expression-like, so the code inside
//! `tokio::select!`, `join!`, `format!`/`log`/`tracing` macros, `vec!`, `assert*!` and
//! `matches!` is analyzed like any other code, and so is the expansion of a file's own one-rule
//! `macro_rules!` helper (see `local_macros`). Bodies of other macros are skipped (and counted).

use proc_macro2::{TokenStream, TokenTree};
use syn::parse::{ParseStream, Parser};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MacroKind {
    /// `format!`-family, `log`/`tracing`, `panic!`, `assert*!`, `dbg!`, `write!`: a list of
    /// expressions, some of them `name = value` fields or `?value`/`%value` captures.
    Format,
    /// `vec![..]`, `matches!(e, pat)` (first argument only), `pin!`.
    Exprs,
    /// `tokio::select!`: an await point with `pat = future => handler` arms.
    Select,
    /// `join!`/`try_join!`: an await point over a list of futures.
    Join,
    /// `scopeguard::defer! { .. }`: statements, run on the same thread when the scope ends.
    Stmts,
}

impl MacroKind {
    pub fn classify(name: &str) -> Option<MacroKind> {
        Some(match name {
            "select" => MacroKind::Select,
            "join" | "try_join" => MacroKind::Join,
            "defer" => MacroKind::Stmts,
            "vec" | "matches" | "pin" | "ready" => MacroKind::Exprs,
            "format" | "print" | "println" | "eprint" | "eprintln" | "write" | "writeln"
            | "panic" | "format_args" | "unreachable" | "todo" | "unimplemented" | "assert"
            | "assert_eq" | "assert_ne" | "debug_assert" | "debug_assert_eq"
            | "debug_assert_ne" | "dbg" | "info" | "warn" | "error" | "debug" | "trace" | "log"
            | "event" | "bail" | "anyhow" | "ensure" | "eyre" | "info_span" | "warn_span"
            | "error_span" | "debug_span" | "trace_span" | "span" => MacroKind::Format,
            _ => return None,
        })
    }

    /// Macros that never return (for control flow).
    pub fn diverges(name: &str) -> bool {
        matches!(
            name,
            "panic" | "unreachable" | "todo" | "unimplemented" | "bail"
        )
    }
}

/// A macro invocation's name: the last path segment (`info` for `tracing::info!`).
pub fn macro_name(mac: &syn::Macro) -> String {
    mac.path
        .segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default()
}

/// Whether `e` writes a log line: it holds a [`is_log_macro`] call (closures included).
pub fn logs_in(e: &syn::Expr) -> bool {
    struct HasLog(bool);
    impl<'ast> syn::visit::Visit<'ast> for HasLog {
        fn visit_macro(&mut self, m: &'ast syn::Macro) {
            self.0 |= is_log_macro(&macro_name(m));
        }
    }
    let mut v = HasLog(false);
    syn::visit::Visit::visit_expr(&mut v, e);
    v.0
}

/// Names of macros that write logs (for rules about what gets logged).
pub fn is_log_macro(name: &str) -> bool {
    matches!(
        name,
        "info"
            | "warn"
            | "error"
            | "debug"
            | "trace"
            | "log"
            | "event"
            | "println"
            | "eprintln"
            | "print"
            | "eprint"
    )
}

/// One `pat = future (, if cond)? => handler` arm of `select!`.
pub struct SelectArm {
    pub pat: syn::Pat,
    pub future: syn::Expr,
    pub guard: Option<syn::Expr>,
    pub handler: syn::Expr,
}

pub struct Select {
    pub arms: Vec<SelectArm>,
    pub else_arm: Option<syn::Expr>,
}

/// An argument of a format-like macro.
pub struct FormatArg {
    /// `name` in `name = value` (tracing fields, named format args).
    pub name: Option<String>,
    pub expr: syn::Expr,
}

pub struct FormatArgs {
    /// The format string literal, if any (its `{ident}` captures are in `captures`).
    pub template: Option<syn::LitStr>,
    pub args: Vec<FormatArg>,
    /// Identifiers captured inline by the template: `"{token}"`, `"{user:?}"`.
    pub captures: Vec<String>,
    /// Chunks that did not parse as expressions.
    pub unparsed: usize,
}

/// Split a token stream at top-level separators (groups are single trees, so nested commas stay).
fn split_top(tokens: TokenStream, sep: char) -> Vec<TokenStream> {
    let mut out = vec![TokenStream::new()];
    for tt in tokens {
        if let TokenTree::Punct(p) = &tt
            && p.as_char() == sep
        {
            out.push(TokenStream::new());
            continue;
        }
        if let Some(last) = out.last_mut() {
            last.extend(std::iter::once(tt));
        }
    }
    out.retain(|ts| !ts.is_empty());
    out
}

pub fn parse_exprs(tokens: TokenStream, name: &str) -> (Vec<syn::Expr>, usize) {
    let mut chunks = split_top(tokens.clone(), ',');
    if name == "vec" && chunks.len() == 1 {
        chunks = split_top(tokens, ';');
    }
    if name == "matches" {
        chunks.truncate(1);
    }
    let mut exprs = Vec::new();
    let mut unparsed = 0;
    for chunk in chunks {
        let trees: Vec<TokenTree> = chunk.into_iter().collect();
        match super::syntax::parse_expr(&trees) {
            Some(e) => exprs.push(e),
            None => unparsed += 1,
        }
    }
    (exprs, unparsed)
}

pub fn parse_format(tokens: TokenStream) -> FormatArgs {
    format_chunks(split_top(tokens, ','))
}

fn format_chunks(chunks: impl IntoIterator<Item = TokenStream>) -> FormatArgs {
    let mut out = FormatArgs {
        template: None,
        args: Vec::new(),
        captures: Vec::new(),
        unparsed: 0,
    };
    for chunk in chunks {
        let trees: Vec<TokenTree> = chunk.into_iter().collect();
        let mut rest: &[TokenTree] = &trees;
        // `target: "x"`, `parent: &span` (tracing) — a leading `ident :` that isn't `::`.
        if let [TokenTree::Ident(_), TokenTree::Punct(colon), tail @ ..] = rest
            && colon.as_char() == ':'
            && !matches!(tail.first(), Some(TokenTree::Punct(p)) if p.as_char() == ':')
        {
            out.args.extend(parse_value(tail, None));
            continue;
        }
        // `name = value` / `a.b = ?value`: split at a lone top-level `=`.
        let mut name = None;
        if let Some(eq) = find_assign(rest) {
            let lhs: TokenStream = rest[..eq].iter().cloned().collect();
            name = Some(lhs.to_string().replace(' ', ""));
            rest = &rest[eq + 1..];
        }
        if name.is_none()
            && out.template.is_none()
            && let [TokenTree::Literal(lit)] = rest
            && let Some(s) = super::syntax::lit_str(lit)
        {
            out.captures = inline_captures(&s.value());
            out.template = Some(s);
            continue;
        }
        match parse_value(rest, name) {
            Some(arg) => out.args.push(arg),
            None => out.unparsed += 1,
        }
    }
    out
}

/// The fields of an `#[instrument(fields(..))]` that record a value: `name = value`, `%name` or
/// `?name`. A bare `name` (or `a.b`) there declares the field empty (`tracing::field::Empty`),
/// unlike an event's field list, where it records the local of that name: what is recorded into
/// it later (`span.record("name", n)`) is another expression.
pub fn parse_instrument_fields(tokens: TokenStream) -> FormatArgs {
    format_chunks(split_top(tokens, ',').into_iter().filter(|chunk| {
        let trees: Vec<TokenTree> = chunk.clone().into_iter().collect();
        find_assign(&trees).is_some()
            || matches!(trees.first(), Some(TokenTree::Punct(p)) if matches!(p.as_char(), '%' | '?'))
    }))
}

fn parse_value(trees: &[TokenTree], name: Option<String>) -> Option<FormatArg> {
    let trees = match trees.first() {
        Some(TokenTree::Punct(p)) if p.as_char() == '?' || p.as_char() == '%' => &trees[1..],
        _ => trees,
    };
    super::syntax::parse_expr(trees).map(|expr| FormatArg { name, expr })
}

fn find_assign(trees: &[TokenTree]) -> Option<usize> {
    trees.iter().enumerate().find_map(|(i, tt)| match tt {
        TokenTree::Punct(p) if p.as_char() == '=' && p.spacing() == proc_macro2::Spacing::Alone => {
            let prev_joint = i > 0
                && matches!(&trees[i - 1], TokenTree::Punct(q) if q.spacing() == proc_macro2::Spacing::Joint);
            (!prev_joint).then_some(i)
        }
        _ => None,
    })
}

/// `{name}`, `{name:?}`, `{name:>8}` in a format string (not `{0}`, `{}`, `{{`).
pub fn inline_captures(template: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = template.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        if c != '{' {
            continue;
        }
        if matches!(chars.peek(), Some((_, '{'))) {
            chars.next();
            continue;
        }
        let mut name = String::new();
        while let Some(&(_, c)) = chars.peek() {
            if c == '}' || c == ':' {
                break;
            }
            name.push(c);
            chars.next();
        }
        let name = name.trim();
        if name
            .chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_alphanumeric() || c == '_')
        {
            out.push(name.to_string());
        }
    }
    out
}

pub fn parse_select(tokens: TokenStream) -> syn::Result<Select> {
    let parser = |input: ParseStream| -> syn::Result<Select> {
        let mut arms = Vec::new();
        let mut else_arm = None;
        if input.peek(syn::Ident) && input.fork().parse::<syn::Ident>()? == "biased" {
            input.parse::<syn::Ident>()?;
            input.parse::<syn::Token![;]>()?;
        }
        while !input.is_empty() {
            if input.peek(syn::Token![else]) {
                input.parse::<syn::Token![else]>()?;
                input.parse::<syn::Token![=>]>()?;
                else_arm = Some(parse_arm_body(input)?);
                continue;
            }
            let pat = syn::Pat::parse_multi_with_leading_vert(input)?;
            input.parse::<syn::Token![=]>()?;
            let future = input.parse::<syn::Expr>()?;
            let guard = if input.peek(syn::Token![,]) && input.peek2(syn::Token![if]) {
                input.parse::<syn::Token![,]>()?;
                input.parse::<syn::Token![if]>()?;
                Some(input.parse::<syn::Expr>()?)
            } else {
                None
            };
            input.parse::<syn::Token![=>]>()?;
            let handler = parse_arm_body(input)?;
            arms.push(SelectArm {
                pat,
                future,
                guard,
                handler,
            });
        }
        Ok(Select { arms, else_arm })
    };
    parser.parse2(tokens)
}

fn parse_arm_body(input: ParseStream) -> syn::Result<syn::Expr> {
    let is_block = input.peek(syn::token::Brace);
    let body: syn::Expr = input.parse()?;
    if is_block {
        let _ = input.parse::<Option<syn::Token![,]>>()?;
    } else if !input.is_empty() {
        input.parse::<syn::Token![,]>()?;
    }
    Ok(body)
}

/// `lazy_static! { static ref NAME: Type = init; }` items, for the crate index of statics.
pub fn parse_lazy_static(tokens: TokenStream) -> Vec<(syn::Ident, syn::Type, syn::Expr)> {
    let parser = |input: ParseStream| -> syn::Result<Vec<(syn::Ident, syn::Type, syn::Expr)>> {
        let mut out = Vec::new();
        while !input.is_empty() {
            let _attrs = input.call(syn::Attribute::parse_outer)?;
            let _vis: syn::Visibility = input.parse()?;
            input.parse::<syn::Token![static]>()?;
            input.parse::<syn::Token![ref]>()?;
            let name: syn::Ident = input.parse()?;
            input.parse::<syn::Token![:]>()?;
            let ty: syn::Type = input.parse()?;
            input.parse::<syn::Token![=]>()?;
            let init: syn::Expr = input.parse()?;
            input.parse::<syn::Token![;]>()?;
            out.push((name, ty, init));
        }
        Ok(out)
    };
    parser.parse2(tokens).unwrap_or_default()
}

/// Whether a macro's delimiter makes it a block-like statement macro (`select! { .. }`).
pub fn is_braced(mac: &syn::Macro) -> bool {
    matches!(mac.delimiter, syn::MacroDelimiter::Brace(_))
}

/// The items of a `cfg_if! { if #[cfg(..)] { items } else if .. { items } else { items } }`
/// block (every branch: racewise does not evaluate cfgs, and a hazard in any build is one), or
/// of a `cfg_select!`-style block (`cfg(..) => { items }` arms). `None` for other macros or a
/// body that does not parse.
pub fn cfg_block_items(mac: &syn::Macro) -> Option<Vec<syn::Item>> {
    let name = macro_name(mac);
    if !matches!(name.as_str(), "cfg_if" | "cfg_select" | "cfg_match") {
        return None;
    }
    let mut items = Vec::new();
    for tt in mac.tokens.clone() {
        if let TokenTree::Group(g) = tt
            && g.delimiter() == proc_macro2::Delimiter::Brace
        {
            let parsed = parse_items(g.stream()).ok()?;
            items.extend(parsed);
        }
    }
    Some(items)
}

/// Items a `macro_rules!` definition declares when invoked, where an arm's body parses as
/// items without metavariables (`macro_rules! state { () => { pub struct State { .. } } }`):
/// indexed so fields typed there resolve. Arms that use `$x` do not parse and are skipped.
pub fn macro_rules_items(mac: &syn::Macro) -> Vec<syn::Item> {
    if macro_name(mac) != "macro_rules" {
        return Vec::new();
    }
    let mut items = Vec::new();
    let mut after_arrow = false;
    let mut prev_eq = false;
    for tt in mac.tokens.clone() {
        match &tt {
            TokenTree::Punct(p) if p.as_char() == '=' => {
                prev_eq = true;
                continue;
            }
            TokenTree::Punct(p) if p.as_char() == '>' && prev_eq => after_arrow = true,
            TokenTree::Group(g) if after_arrow => {
                let parsed = parse_items(g.stream());
                if let Ok(v) = parsed {
                    items.extend(v.into_iter().filter(|i| {
                        matches!(
                            i,
                            syn::Item::Struct(_) | syn::Item::Static(_) | syn::Item::Type(_)
                        )
                    }));
                }
                after_arrow = false;
            }
            _ => after_arrow = false,
        }
        prev_eq = false;
    }
    items
}

fn parse_items(tokens: TokenStream) -> syn::Result<Vec<syn::Item>> {
    Parser::parse2(
        |input: ParseStream| {
            let mut v = Vec::new();
            while !input.is_empty() {
                v.push(input.parse::<syn::Item>()?);
            }
            Ok(v)
        },
        tokens,
    )
}

/// The fns a file's `define_windows_service!(ffi_main, service_main)` names as a Windows
/// service's entry point: the service control manager starts the process there, as `main` is
/// otherwise (no call racewise can see reaches it).
pub fn windows_service_mains(items: &[syn::Item]) -> Vec<String> {
    items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Macro(m) if macro_name(&m.mac) == "define_windows_service" => {
                let (args, _) = parse_exprs(m.mac.tokens.clone(), "define_windows_service");
                match args.as_slice() {
                    [_, syn::Expr::Path(p)] => p.path.get_ident().map(|i| i.to_string()),
                    _ => None,
                }
            }
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn format_args_with_tracing_fields_and_captures() {
        let f = parse_format(
            quote!(target: "auth", user = %user.id, ?token, "login {session} ok {}", attempts),
        );
        assert_eq!(f.captures, vec!["session".to_string()]);
        assert_eq!(f.args.len(), 4);
        assert_eq!(f.args[1].name.as_deref(), Some("user"));
        assert_eq!(f.unparsed, 0);
    }

    #[test]
    fn select_arms_else_and_biased() {
        let s = parse_select(quote! {
            biased;
            _ = shutdown.changed() => { break; }
            Ok(msg) = rx.recv(), if !closed => handle(msg).await,
            else => break,
        })
        .expect("select parses");
        assert_eq!(s.arms.len(), 2);
        assert!(s.arms[1].guard.is_some());
        assert!(s.else_arm.is_some());
    }

    #[test]
    fn captures_skip_positional_and_escapes() {
        assert_eq!(
            inline_captures("{{x}} {0} {} {a_b:?} {c:>8}"),
            vec!["a_b", "c"]
        );
    }
}
