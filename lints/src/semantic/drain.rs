//! Receivers drained until their channel closes: a parameter `rx: mpsc::Receiver<Event>` that
//! its fn (or a task the fn spawns) only ever receives from in loops that end only when the
//! channel does (`while let Some(ev) = rx.recv().await { .. }` with no `break`, `return` or `?`
//! in it; a `loop` whose every exit is the `None` of its receive). Such a receiver outlives every
//! sender, so a send on that channel cannot find it gone: the crate index pairs these facts with
//! senders by channel type (see `CrateIndex::drained_sender`).

use quote::ToTokens;
use syn::visit::Visit;

use super::syntax::{binding_mentions, is_binding, peel, strip_pat_type};

/// A parameter type that may be a channel's receiving end: `mpsc::Receiver<T>`,
/// `UnboundedReceiver<T>`, or an alias named like one (`EventRx`). Others are not looked at.
pub fn may_be_receiver(ty: &syn::Type) -> bool {
    named_like(ty, &["Receiver"], "Rx")
}

/// The types of `sig`'s parameters that may be a channel's sender (`mpsc::Sender<T>`,
/// `UnboundedSender<T>`, an alias named like one: `EventTx`).
pub fn sender_params(sig: &syn::Signature) -> impl Iterator<Item = &syn::Type> {
    sig.inputs.iter().filter_map(|a| match a {
        syn::FnArg::Typed(pt) if named_like(&pt.ty, &["Sender"], "Tx") => Some(&*pt.ty),
        _ => None,
    })
}

fn named_like(ty: &syn::Type, contains: &[&str], suffix: &str) -> bool {
    let ty = match ty {
        syn::Type::Reference(r) => &*r.elem,
        t => t,
    };
    let syn::Type::Path(tp) = ty else {
        return false;
    };
    tp.path.segments.last().is_some_and(|s| {
        let n = s.ident.to_string();
        contains.iter().any(|c| n.contains(c)) || n.ends_with(suffix)
    })
}

/// Whether every mention of the binding `name` in `block` is a receive of a loop that runs
/// until the channel closes (see the module docs). A mention anywhere else (handed to a call,
/// stored, closed, received from once) makes the answer no.
pub fn drains_until_closed(block: &syn::Block, name: &str) -> bool {
    let total = binding_mentions(block.to_token_stream(), name);
    if total == 0 {
        return false;
    }
    let mut v = Drains { name, drains: 0 };
    v.visit_block(block);
    v.drains == total
}

/// A receive from `name`: `name.recv()`, `name.recv_async()`, `name.next()` (awaited or not).
fn receives(e: &syn::Expr, name: &str) -> bool {
    let mut e = peel(e);
    if let syn::Expr::Await(a) = e {
        e = peel(&a.base);
    }
    matches!(e, syn::Expr::MethodCall(mc)
        if mc.args.is_empty()
            && matches!(mc.method.to_string().as_str(), "recv" | "recv_async" | "next")
            && is_binding(&mc.receiver, name))
}

/// `Some(..)` or `Ok(..)`: the pattern a received value matches while the channel is open.
fn open_pat(p: &syn::Pat) -> bool {
    match p {
        syn::Pat::TupleStruct(ts) => ts
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == "Some" || s.ident == "Ok"),
        _ => false,
    }
}

/// `None`, `Err(..)` or `_`: a pattern the closed channel's answer matches.
fn closed_pat(p: &syn::Pat) -> bool {
    match p {
        syn::Pat::Ident(i) => i.ident == "None" && i.subpat.is_none(),
        syn::Pat::Path(p) => p.path.segments.last().is_some_and(|s| s.ident == "None"),
        syn::Pat::TupleStruct(ts) => ts.path.segments.last().is_some_and(|s| s.ident == "Err"),
        syn::Pat::Wild(_) => true,
        syn::Pat::Or(o) => o.cases.iter().any(closed_pat),
        _ => false,
    }
}

/// Counts the mentions of `name` that are receives of loops running until the channel closes.
struct Drains<'n> {
    name: &'n str,
    drains: usize,
}

impl Drains<'_> {
    /// A loop whose every turn receives from the channel (`head`: its `while let` scrutinee
    /// or `for` iterable, a receive when `drains`): it drains the channel when its body never
    /// leaves it early.
    fn loop_over<'ast>(&mut self, drains: bool, head: &'ast syn::Expr, body: &'ast syn::Block) {
        if drains {
            if !Exits::leaves(&body.stmts, self.name, false).0 {
                self.drains += 1;
            }
        } else {
            self.visit_expr(head);
        }
        self.visit_block(body);
    }
}

impl<'ast> Visit<'ast> for Drains<'_> {
    fn visit_expr_while(&mut self, w: &'ast syn::ExprWhile) {
        let drains = matches!(peel(&w.cond), syn::Expr::Let(l)
            if open_pat(&l.pat) && receives(&l.expr, self.name));
        self.loop_over(drains, &w.cond, &w.body);
    }

    fn visit_expr_for_loop(&mut self, f: &'ast syn::ExprForLoop) {
        let over = match peel(&f.expr) {
            syn::Expr::MethodCall(mc)
                if mc.args.is_empty() && (mc.method == "iter" || mc.method == "into_iter") =>
            {
                &mc.receiver
            }
            e => e,
        };
        self.loop_over(is_binding(over, self.name), &f.expr, &f.body);
    }

    fn visit_expr_loop(&mut self, l: &'ast syn::ExprLoop) {
        let (leaves, receives) = Exits::leaves(&l.body.stmts, self.name, true);
        if !leaves {
            self.drains += receives;
        }
        syn::visit::visit_expr_loop(self, l);
    }
}

/// A loop body's exits (`break` out of it, `return`, `?`, `bail!`) that do not sit where the
/// receive from `name` has found the channel closed, and (when `sites`) the receives from
/// `name` at the loop's own level: a `select!` arm's future, `let ev = name.recv().await`,
/// `let Some(x) = .. else`, `match`, `if let` on one.
struct Exits<'n> {
    name: &'n str,
    sites: bool,
    /// Bindings holding a receive's answer (`ev` of `ev = rx.recv() => ..`).
    bound: Vec<String>,
    closed_branch: usize,
    inner_loops: usize,
    closures: usize,
    leaves: bool,
    receives: usize,
}

impl<'n> Exits<'n> {
    fn leaves(stmts: &[syn::Stmt], name: &'n str, sites: bool) -> (bool, usize) {
        let mut v = Exits {
            name,
            sites,
            bound: Vec::new(),
            closed_branch: 0,
            inner_loops: 0,
            closures: 0,
            leaves: false,
            receives: 0,
        };
        for s in stmts {
            v.visit_stmt(s);
        }
        (v.leaves, v.receives)
    }

    /// A receive's answer: the receive itself or a binding of one.
    fn answer(&mut self, e: &syn::Expr) -> bool {
        if receives(e, self.name) {
            if self.sites && self.inner_loops == 0 && self.closures == 0 {
                self.receives += 1;
            }
            return true;
        }
        self.bound.iter().any(|b| is_binding(e, b))
    }

    fn exit(&mut self) {
        if self.closures == 0 && self.closed_branch == 0 {
            self.leaves = true;
        }
    }

    fn in_closed<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> T {
        self.closed_branch += 1;
        let out = f(self);
        self.closed_branch -= 1;
        out
    }

    fn select(&mut self, mac: &syn::Macro) -> bool {
        let Ok(sel) = super::macros::parse_select(mac.tokens.clone()) else {
            return false;
        };
        let mut any_answer = false;
        for arm in &sel.arms {
            let answer = self.answer(&arm.future);
            any_answer |= answer;
            if !answer {
                self.visit_expr(&arm.future);
            }
            if let Some(g) = &arm.guard {
                self.visit_expr(g);
            }
            match strip_pat_type(&arm.pat) {
                syn::Pat::Ident(i) if answer && i.ident != "None" => {
                    self.bound.push(i.ident.to_string());
                    self.visit_expr(&arm.handler);
                    self.bound.pop();
                }
                p if answer && closed_pat(p) => self.in_closed(|v| v.visit_expr(&arm.handler)),
                _ => self.visit_expr(&arm.handler),
            }
        }
        // `else` runs once every arm is disabled, the receive's among them by its `None`.
        if let Some(e) = &sel.else_arm {
            if any_answer {
                self.in_closed(|v| v.visit_expr(e));
            } else {
                self.visit_expr(e);
            }
        }
        true
    }
}

impl<'ast> Visit<'ast> for Exits<'_> {
    fn visit_expr_break(&mut self, b: &'ast syn::ExprBreak) {
        if self.inner_loops == 0 || b.label.is_some() {
            self.exit();
        }
        syn::visit::visit_expr_break(self, b);
    }

    fn visit_expr_return(&mut self, r: &'ast syn::ExprReturn) {
        self.exit();
        syn::visit::visit_expr_return(self, r);
    }

    fn visit_expr_try(&mut self, t: &'ast syn::ExprTry) {
        self.exit();
        syn::visit::visit_expr_try(self, t);
    }

    fn visit_expr_closure(&mut self, c: &'ast syn::ExprClosure) {
        self.closures += 1;
        syn::visit::visit_expr_closure(self, c);
        self.closures -= 1;
    }

    fn visit_expr_async(&mut self, a: &'ast syn::ExprAsync) {
        self.closures += 1;
        syn::visit::visit_expr_async(self, a);
        self.closures -= 1;
    }

    fn visit_item(&mut self, _: &'ast syn::Item) {}

    fn visit_expr_loop(&mut self, l: &'ast syn::ExprLoop) {
        self.inner_loops += 1;
        syn::visit::visit_expr_loop(self, l);
        self.inner_loops -= 1;
    }

    fn visit_expr_while(&mut self, w: &'ast syn::ExprWhile) {
        self.inner_loops += 1;
        syn::visit::visit_expr_while(self, w);
        self.inner_loops -= 1;
    }

    fn visit_expr_for_loop(&mut self, f: &'ast syn::ExprForLoop) {
        self.inner_loops += 1;
        syn::visit::visit_expr_for_loop(self, f);
        self.inner_loops -= 1;
    }

    fn visit_expr_if(&mut self, i: &'ast syn::ExprIf) {
        let closed_then = match peel(&i.cond) {
            // `if let Some(ev) = ev { .. } else { break }`
            syn::Expr::Let(l) if self.answer(&l.expr) => Some(closed_pat(&l.pat)),
            // `if ev.is_none() { break }`
            syn::Expr::MethodCall(mc) if mc.method == "is_none" && self.answer(&mc.receiver) => {
                Some(true)
            }
            c => {
                self.visit_expr(c);
                None
            }
        };
        if let syn::Expr::Let(l) = peel(&i.cond)
            && closed_then.is_some()
        {
            self.visit_pat(&l.pat);
        }
        match closed_then {
            Some(true) => self.in_closed(|v| v.visit_block(&i.then_branch)),
            _ => self.visit_block(&i.then_branch),
        }
        if let Some((_, e)) = &i.else_branch {
            match closed_then {
                Some(false) => self.in_closed(|v| v.visit_expr(e)),
                _ => self.visit_expr(e),
            }
        }
    }

    fn visit_expr_match(&mut self, m: &'ast syn::ExprMatch) {
        if !self.answer(&m.expr) {
            syn::visit::visit_expr_match(self, m);
            return;
        }
        for arm in &m.arms {
            if let Some((_, g)) = &arm.guard {
                self.visit_expr(g);
            }
            if closed_pat(&arm.pat) {
                self.in_closed(|v| v.visit_expr(&arm.body));
            } else {
                self.visit_expr(&arm.body);
            }
        }
    }

    fn visit_local(&mut self, l: &'ast syn::Local) {
        let Some(init) = &l.init else {
            return syn::visit::visit_local(self, l);
        };
        if !self.answer(&init.expr) {
            return syn::visit::visit_local(self, l);
        }
        match (strip_pat_type(&l.pat), &init.diverge) {
            // `let Some(x) = rx.recv().await else { break };`
            (p, Some((_, els))) if open_pat(p) => self.in_closed(|v| v.visit_expr(els)),
            // `let ev = rx.recv().await;`: later tests of `ev` decide.
            (syn::Pat::Ident(i), None) => self.bound.push(i.ident.to_string()),
            _ => {
                if let Some((_, els)) = &init.diverge {
                    self.visit_expr(els);
                }
            }
        }
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        let name = super::macros::macro_name(mac);
        if matches!(name.as_str(), "select" | "select_biased") && self.select(mac) {
            return;
        }
        if name == "bail" {
            self.exit();
            return;
        }
        // Unknown grammar: a `return` or `break` in its tokens may leave the loop.
        if super::syntax::mentions_any_ident(mac.tokens.clone(), &["return", "break"]) {
            self.exit();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drains(src: &str) -> bool {
        let f: syn::ItemFn = syn::parse_str(src).expect("test fn parses");
        drains_until_closed(&f.block, "rx")
    }

    #[test]
    fn while_let_receive_without_exits_drains() {
        assert!(drains(
            "async fn f(mut rx: Rx) { while let Some(ev) = rx.recv().await { handle(ev); } }"
        ));
        assert!(drains(
            "fn f(rx: Receiver<Ev>) { std::thread::spawn(move || { for ev in rx { handle(ev); } }); }"
        ));
    }

    #[test]
    fn an_exit_or_another_use_does_not_drain() {
        assert!(!drains(
            "async fn f(mut rx: Rx) { while let Some(ev) = rx.recv().await { if ev.last { break; } } }"
        ));
        assert!(!drains(
            "async fn f(mut rx: Rx) { while let Some(ev) = rx.recv().await { handle(ev).await?; } }"
        ));
        assert!(!drains(
            "async fn f(mut rx: Rx) { let first = rx.recv().await; }"
        ));
        assert!(!drains(
            "async fn f(mut rx: Rx) { while let Some(ev) = rx.recv().await { handle(ev); } rx.close(); }"
        ));
        assert!(!drains("fn f(rx: Rx) { Worker { rx }.run() }"));
    }

    #[test]
    fn select_loop_exiting_only_on_none_drains() {
        let src = "async fn f(mut rx: Rx, mut ui: UiRx) { tokio::spawn(async move { loop {
            tokio::select! {
                biased;
                Some(k) = ui.recv() => { key(k); },
                ev = rx.recv() => {
                    if let Some(ev) = ev { apply(ev); } else { break; }
                },
            }
            let _ = out.send(1);
        } }); }";
        assert!(drains(src));
        let f: syn::ItemFn = syn::parse_str(src).expect("test fn parses");
        // The loop's `break` is `rx`'s `None`, not `ui`'s: `ui` may be dropped while its senders
        // still send.
        assert!(!drains_until_closed(&f.block, "ui"));
    }

    #[test]
    fn select_loop_with_another_exit_does_not_drain() {
        assert!(!drains(
            "async fn f(mut rx: Rx) { loop { tokio::select! {
                Some(ev) = rx.recv() => apply(ev),
                _ = shutdown.cancelled() => return,
            } } }"
        ));
        assert!(drains(
            "async fn f(mut rx: Rx) { loop { match rx.recv().await { Some(ev) => apply(ev), None => break } } }"
        ));
        assert!(drains(
            "async fn f(mut rx: Rx) { loop { let Some(ev) = rx.recv().await else { return }; apply(ev); } }"
        ));
    }
}
