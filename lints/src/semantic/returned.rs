//! The futures a sync fn hands back as its value: `fn run(self) -> BoxFuture<'static, R> {
//! match self.cmd { Cmd::Show(a) => Box::pin(async move { a.show() }), Cmd::Test(t) =>
//! Box::pin(t.run()) } }`. Such a fn is an async fn spelled by hand: its `async` blocks run,
//! and the futures of its returned calls are polled, wherever its caller awaits (or
//! `block_on`s) the value, not when the fn is called.

use syn::visit::Visit;

use super::syntax::{peel, peel_future_adapters_marked};

/// What [`returned_futures`] finds: `async` blocks by the address of their `syn::ExprAsync`,
/// calls by their expression.
#[derive(Default)]
pub struct Returned<'a> {
    pub blocks: Vec<usize>,
    pub calls: Vec<&'a syn::Expr>,
}

impl Returned<'_> {
    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty() && self.calls.is_empty()
    }
}

/// The futures `block` (a sync fn's body) returns: its value and every `return`'s, through
/// `match` arms, `if` branches, blocks, `Box::pin(..)` and the future adapters (`.boxed()`,
/// `.instrument(span)`). An `async` block there is always one; a call only under
/// `Box::pin`/`.boxed()` or in a fn whose return type names a future (`impl Future<..>`,
/// `BoxFuture<..>`, an alias such as `OutcomeFuture`): a plain call's value is seldom one.
pub fn returned_futures<'a>(sig: &syn::Signature, block: &'a syn::Block) -> Returned<'a> {
    let typed_future = output_names_future(sig);
    let mut out = Returned::default();
    if let Some(syn::Stmt::Expr(tail, None)) = block.stmts.last() {
        value(tail, typed_future, &mut out);
    }
    let mut returns = Returns(Vec::new());
    returns.visit_block(block);
    for e in returns.0 {
        value(e, typed_future, &mut out);
    }
    out
}

fn value<'a>(e: &'a syn::Expr, wrapped: bool, out: &mut Returned<'a>) {
    let bare = peel(e);
    let (inner, marked) = peel_future_adapters_marked(bare);
    let wrapped = wrapped || marked;
    match inner {
        syn::Expr::Async(ab) => out.blocks.push(ab as *const syn::ExprAsync as usize),
        syn::Expr::Match(m) => {
            for arm in &m.arms {
                value(&arm.body, wrapped, out);
            }
        }
        syn::Expr::If(i) => {
            block_value(&i.then_branch, wrapped, out);
            if let Some((_, els)) = &i.else_branch {
                value(els, wrapped, out);
            }
        }
        syn::Expr::Block(b) => block_value(&b.block, wrapped, out),
        syn::Expr::Unsafe(u) => block_value(&u.block, wrapped, out),
        call @ (syn::Expr::Call(_) | syn::Expr::MethodCall(_)) if wrapped => out.calls.push(call),
        _ => {}
    }
}

fn block_value<'a>(b: &'a syn::Block, wrapped: bool, out: &mut Returned<'a>) {
    if let Some(syn::Stmt::Expr(tail, None)) = b.stmts.last() {
        value(tail, wrapped, out);
    }
}

/// Whether a fn's return type names a future: a path segment ending in `Future`.
pub fn output_names_future(sig: &syn::Signature) -> bool {
    let syn::ReturnType::Type(_, ty) = &sig.output else {
        return false;
    };
    struct Scan(bool);
    impl<'ast> Visit<'ast> for Scan {
        fn visit_path_segment(&mut self, s: &'ast syn::PathSegment) {
            self.0 |= s.ident.to_string().ends_with("Future");
            syn::visit::visit_path_segment(self, s);
        }
    }
    let mut scan = Scan(false);
    scan.visit_type(ty);
    scan.0
}

/// The values of the `return`s of a fn's own code (not a closure's, an `async` block's or a
/// nested item's).
struct Returns<'a>(Vec<&'a syn::Expr>);

impl<'a> Visit<'a> for Returns<'a> {
    fn visit_expr_return(&mut self, r: &'a syn::ExprReturn) {
        if let Some(e) = &r.expr {
            self.0.push(e);
            self.visit_expr(e);
        }
    }
    fn visit_expr_closure(&mut self, _: &'a syn::ExprClosure) {}
    fn visit_expr_async(&mut self, _: &'a syn::ExprAsync) {}
    fn visit_item(&mut self, _: &'a syn::Item) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(src: &str) -> (usize, Vec<String>) {
        let f: syn::ItemFn = syn::parse_str(src).expect(src);
        let r = returned_futures(&f.sig, &f.block);
        let calls = r
            .calls
            .iter()
            .map(|c| quote::quote!(#c).to_string().replace(' ', ""))
            .collect();
        (r.blocks.len(), calls)
    }

    #[test]
    fn a_sync_fns_returned_futures_are_its_blocks_and_wrapped_calls() {
        let src = "fn run(self) -> OutcomeFuture {
            match self.cmd {
                Cmd::Test(t) => Box::pin(t.run()),
                Cmd::Show(a) => Box::pin(async move { a.show()?; Ok(()) }),
                Cmd::Min(a) => { if a.dry { return async { Ok(()) }.boxed(); } Box::pin(a.min()) }
            }
        }";
        assert_eq!(found(src), (2, vec!["t.run()".into(), "a.min()".into()]));
        // The return type names a future: the tail call is one.
        assert_eq!(
            found("fn serve(&self) -> impl Future<Output = ()> { self.inner.serve() }"),
            (0, vec!["self.inner.serve()".into()])
        );
    }

    #[test]
    fn plain_values_and_closures_futures_are_not_returned() {
        // A plain call's value, a closure's async block, a spawned block.
        assert_eq!(
            found("fn get(&self) -> Option<u8> { self.map.get(&1).copied() }"),
            (0, vec![])
        );
        assert_eq!(
            found("fn mk(&self) -> Handler { Box::new(|req| Box::pin(async move { req }) ) }"),
            (0, vec![])
        );
        assert_eq!(
            found(
                "fn start(&self) -> JoinHandle<()> { tokio::spawn(async move { work().await }) }"
            ),
            (0, vec![])
        );
    }
}
