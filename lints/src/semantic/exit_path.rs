//! What the code after a statement does when it leaves: asked only for the few writes a rule
//! wants it for, so it walks the file's syntax again from the top instead of keeping a stack
//! through every block of every walk.

use syn::visit::Visit;

use crate::finding::Region;
use crate::semantic::syntax::{Exit, exit_of};
use crate::semantic::walk::spans::{expr_span, impl_fn_span, item_span, stmt_span, trait_fn_span};

/// Whether the path from the statement holding byte `at` leaves with an error: scanning the
/// statements after it, in its block and then in the blocks around it up to its loop, closure,
/// async block or fn, the first one that can leave is an error exit (`return Err(..)`,
/// `bail!`, `Err(e)?`, an `Err(..)` tail). A statement that may leave otherwise first (a
/// `return Ok(..)` inside a `for` over mirrors, a `break`) makes the answer no: the usual way
/// out may be a success.
pub fn error_exit_follows(file: &syn::File, at: usize) -> bool {
    let mut finder = Chain {
        at,
        chain: Vec::new(),
    };
    finder.visit_file(file);
    for (block, i) in finder.chain.iter().rev() {
        for stmt in &block.stmts[i + 1..] {
            match exit_of(stmt) {
                Some(Exit::Error) => return true,
                Some(_) => return false,
                None if may_leave(stmt) => return false,
                None => {}
            }
        }
    }
    false
}

fn contains(span: proc_macro2::Span, at: usize) -> bool {
    let r = Region::from_span(span);
    (r.start_byte as usize) <= at && at < r.end_byte as usize
}

/// The blocks around byte `at`, outermost first, each with the index of the statement holding
/// it; cut at the innermost loop, closure, async block or fn (what follows those is not the
/// rest of the path).
struct Chain<'ast> {
    at: usize,
    chain: Vec<(&'ast syn::Block, usize)>,
}

impl<'ast> Visit<'ast> for Chain<'ast> {
    fn visit_block(&mut self, b: &'ast syn::Block) {
        if let Some(i) = b.stmts.iter().position(|s| contains(stmt_span(s), self.at)) {
            self.chain.push((b, i));
            self.visit_stmt(&b.stmts[i]);
        }
    }
    fn visit_item(&mut self, i: &'ast syn::Item) {
        if contains(item_span(i), self.at) {
            self.chain.clear();
            syn::visit::visit_item(self, i);
        }
    }
    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        if contains(impl_fn_span(f), self.at) {
            self.chain.clear();
            syn::visit::visit_impl_item_fn(self, f);
        }
    }
    fn visit_trait_item_fn(&mut self, f: &'ast syn::TraitItemFn) {
        if contains(trait_fn_span(f), self.at) {
            self.chain.clear();
            syn::visit::visit_trait_item_fn(self, f);
        }
    }
    fn visit_expr(&mut self, e: &'ast syn::Expr) {
        if !contains(expr_span(e), self.at) {
            return;
        }
        if matches!(
            e,
            syn::Expr::Closure(_)
                | syn::Expr::Async(_)
                | syn::Expr::Loop(_)
                | syn::Expr::While(_)
                | syn::Expr::ForLoop(_)
        ) {
            self.chain.clear();
        }
        syn::visit::visit_expr(self, e);
    }
}

/// The statement holds a `return`, `break` or `continue` of the path it is on (not one inside a
/// closure, an async block or an item): it may leave some other way than the one after it.
fn may_leave(stmt: &syn::Stmt) -> bool {
    struct Leaves(bool);
    impl<'ast> Visit<'ast> for Leaves {
        fn visit_expr(&mut self, e: &'ast syn::Expr) {
            match e {
                syn::Expr::Return(_) | syn::Expr::Break(_) | syn::Expr::Continue(_) => {
                    self.0 = true
                }
                syn::Expr::Closure(_) | syn::Expr::Async(_) => {}
                _ => syn::visit::visit_expr(self, e),
            }
        }
        fn visit_item(&mut self, _: &'ast syn::Item) {}
    }
    let mut v = Leaves(false);
    v.visit_stmt(stmt);
    v.0
}
