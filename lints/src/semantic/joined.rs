//! Spawned tasks whose handles the fn awaits before it goes on: `let h = spawn(..); ..
//! h.await`, or handles collected from `.map(|c| spawn(..)).collect()` and then awaited one by
//! one (`for h in handles { h.await }`) or together (`join_all(handles).await`). Such a task
//! has ended once the fn is past the join: an exit after it cuts nothing off, and the fn
//! starts nothing that outlives it. Likewise an `async` block (or, where futures are raced, a
//! call's future) bound by a `let` and then awaited (or raced in a `select!`) by the same fn
//! runs in that fn.

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use syn::visit::Visit;

use super::syntax::{peel, strip_pat_type};
use crate::finding::Region;

/// The spawn calls of `block` whose handle is joined, by the address of the call expression
/// (`syn::ExprCall` or `syn::ExprMethodCall`), each with the end byte of its last join.
pub fn joined_spawns(block: &syn::Block) -> Vec<(usize, u32)> {
    let mut joined: Vec<(usize, u32)> = bound_then_joined(block, handle_of)
        .into_iter()
        .filter_map(|(spawn, joins)| joins.into_iter().max().map(|end| (spawn, end)))
        .collect();
    joined.extend(joined_in_place(block));
    joined
}

/// Spawns joined by the expression that makes them: `thread::spawn(move || ..).join()`,
/// `tokio::spawn(work()).await`. The thread or task ends where the join does.
fn joined_in_place(block: &syn::Block) -> Vec<(usize, u32)> {
    struct Scan(Vec<(usize, u32)>);
    impl<'ast> Visit<'ast> for Scan {
        fn visit_expr_method_call(&mut self, mc: &'ast syn::ExprMethodCall) {
            if mc.method == "join"
                && mc.args.is_empty()
                && let Some(spawn) = spawn_call(&mc.receiver)
            {
                let end = Region::from_span(mc.paren_token.span.join()).end_byte;
                self.0.push((spawn, end));
            }
            syn::visit::visit_expr_method_call(self, mc);
        }
        fn visit_expr_await(&mut self, aw: &'ast syn::ExprAwait) {
            if let Some(spawn) = spawn_call(&aw.base) {
                self.0
                    .push((spawn, Region::from_span(aw.await_token.span).end_byte));
            }
            syn::visit::visit_expr_await(self, aw);
        }
        fn visit_item(&mut self, _: &'ast syn::Item) {}
    }
    let mut scan = Scan(Vec::new());
    scan.visit_block(block);
    scan.0
}

/// The `async` blocks and calls `block` binds with a `let` and then awaits in place, by
/// address (an `ExprAsync`'s, or the call's `Expr`): `let main_task = async move { .. };` or
/// `let run = runner.run();` followed by `main_task.await`, a `select!` arm's `res = main_task
/// =>` (also `&mut main_task` after `tokio::pin!`) or a `join!` operand, and no other use. The
/// block's body, or the future the call returns, runs as part of the fn, as `async { .. }.await`
/// does.
///
/// `calls`: also calls (the caller asks only where the body races futures: `select!`, `join!`,
/// `pin!`; elsewhere a bound call's future is seldom awaited, and scanning for it would
/// tokenize most async bodies).
pub fn awaited_async_lets(block: &syn::Block, calls: bool) -> Vec<usize> {
    let pick: fn(&syn::Expr) -> Option<usize> = if calls {
        |e| match peel(e) {
            syn::Expr::Async(ab) => Some(ab as *const syn::ExprAsync as usize),
            // A spawn's handle, awaited, joins a task that runs elsewhere (`joined_spawns`).
            call @ (syn::Expr::Call(_) | syn::Expr::MethodCall(_)) if handle_of(call).is_none() => {
                Some(call as *const syn::Expr as usize)
            }
            _ => None,
        }
    } else {
        |e| match peel(e) {
            syn::Expr::Async(ab) => Some(ab as *const syn::ExprAsync as usize),
            _ => None,
        }
    };
    bound_then_joined(block, pick)
        .into_iter()
        .filter(|(_, joins)| !joins.is_empty())
        .map(|(at, _)| at)
        .collect()
}

/// For each `let name = init;` of `block` whose `init` `pick` names (by address), when every
/// later mention of `name` is a join (see [`Uses`]): the address and where each join ends.
fn bound_then_joined(
    block: &syn::Block,
    pick: fn(&syn::Expr) -> Option<usize>,
) -> Vec<(usize, Vec<u32>)> {
    struct Lets {
        pick: fn(&syn::Expr) -> Option<usize>,
        found: Vec<(String, usize)>,
    }
    impl<'ast> Visit<'ast> for Lets {
        fn visit_local(&mut self, l: &'ast syn::Local) {
            if let syn::Pat::Ident(p) = strip_pat_type(&l.pat)
                && let Some(init) = &l.init
                && init.diverge.is_none()
                && let Some(at) = (self.pick)(&init.expr)
            {
                self.found.push((p.ident.to_string(), at));
            }
            syn::visit::visit_local(self, l);
        }
        fn visit_item(&mut self, _: &'ast syn::Item) {}
    }
    let mut lets = Lets {
        pick,
        found: Vec::new(),
    };
    lets.visit_block(block);
    if lets.found.is_empty() {
        return Vec::new();
    }
    let tokens = quote::ToTokens::to_token_stream(block);
    lets.found
        .into_iter()
        .filter_map(|(name, at)| {
            let mut uses = Uses {
                name: &name,
                joins: Vec::new(),
                other: 0,
            };
            uses.scan(tokens.clone(), None);
            (uses.other == 0).then_some((at, uses.joins))
        })
        .collect()
}

/// The spawn call whose handle(s) `init` evaluates to: the spawn itself, or a `.map(|x|
/// spawn(..))` step of a chain that ends in `.collect()`.
fn handle_of(init: &syn::Expr) -> Option<usize> {
    if let Some(addr) = spawn_call(init) {
        return Some(addr);
    }
    let syn::Expr::MethodCall(collect) = peel(init) else {
        return None;
    };
    if collect.method != "collect" {
        return None;
    }
    let mut cur = &*collect.receiver;
    while let syn::Expr::MethodCall(step) = peel(cur) {
        if step.method == "map"
            && let Some(syn::Expr::Closure(cl)) = step.args.first().map(peel)
        {
            let mut body = peel(&cl.body);
            if let syn::Expr::Block(b) = body
                && let Some(syn::Stmt::Expr(e, None)) = b.block.stmts.last()
            {
                body = peel(e);
            }
            return spawn_call(body);
        }
        cur = &step.receiver;
    }
    None
}

/// `tokio::spawn(..)`, `task::spawn_blocking(..)`, `rt.spawn(..)`: a call that starts a task
/// with what it is given, by its address.
fn spawn_call(e: &syn::Expr) -> Option<usize> {
    let spawns = |name: &str| name.starts_with("spawn");
    match peel(e) {
        syn::Expr::Call(c) => match peel(&c.func) {
            syn::Expr::Path(p)
                if !c.args.is_empty()
                    && p.path
                        .segments
                        .last()
                        .is_some_and(|s| spawns(&s.ident.to_string())) =>
            {
                Some(c as *const syn::ExprCall as usize)
            }
            _ => None,
        },
        syn::Expr::MethodCall(mc) if !mc.args.is_empty() && spawns(&mc.method.to_string()) => {
            Some(mc as *const syn::ExprMethodCall as usize)
        }
        _ => None,
    }
}

/// The mentions of a handle binding: joins (with where each ends) and any other use.
struct Uses<'n> {
    name: &'n str,
    joins: Vec<u32>,
    other: usize,
}

impl Uses<'_> {
    /// `call`: the fn a parenthesized group is the argument list of (`join_all(handles)`).
    fn scan(&mut self, tokens: TokenStream, call: Option<&str>) {
        let trees: Vec<TokenTree> = tokens.into_iter().collect();
        let punct = |j: usize| match trees.get(j) {
            Some(TokenTree::Punct(p)) => Some(p.as_char()),
            _ => None,
        };
        let ident = |j: usize| match trees.get(j) {
            Some(TokenTree::Ident(i)) => Some(i.to_string()),
            _ => None,
        };
        for (i, tt) in trees.iter().enumerate() {
            match tt {
                TokenTree::Group(g) => {
                    // `f(..)`, or a macro's `m!(..)`.
                    let named = i.checked_sub(1).and_then(ident).or_else(|| {
                        (i.checked_sub(1).and_then(punct) == Some('!'))
                            .then(|| i.checked_sub(2).and_then(ident))
                            .flatten()
                    });
                    let callee = match (named, g.delimiter()) {
                        (Some(f), Delimiter::Parenthesis) => Some(f),
                        _ => None,
                    };
                    self.scan(g.stream(), callee.as_deref());
                }
                TokenTree::Ident(id) if id == self.name => {
                    let before = i.checked_sub(1);
                    if before.and_then(punct) == Some('.') || punct(i + 1) == Some(':') {
                        continue;
                    }
                    // The `let` itself.
                    let is_let = |j: Option<usize>| j.and_then(ident).as_deref() == Some("let");
                    if is_let(before)
                        || (before.and_then(ident).as_deref() == Some("mut")
                            && is_let(i.checked_sub(2)))
                    {
                        continue;
                    }
                    let end = |t: &TokenTree| Region::from_span(t.span()).end_byte;
                    // `h.abort_handle().abort()`, `h.is_finished()`: the handle asked about or
                    // cancelled, neither joined nor handed on.
                    if punct(i + 1) == Some('.')
                        && matches!(
                            ident(i + 2).as_deref(),
                            Some("abort" | "abort_handle" | "is_finished" | "id")
                        )
                    {
                        continue;
                    }
                    if punct(i + 1) == Some('.') && ident(i + 2).as_deref() == Some("await") {
                        self.joins.push(end(&trees[i + 2]));
                    } else if before.and_then(ident).as_deref() == Some("in")
                        && let Some(TokenTree::Group(body)) = trees.get(i + 1)
                        && body.delimiter() == Delimiter::Brace
                        && body.stream().to_string().contains("await")
                    {
                        self.joins.push(end(&trees[i + 1]));
                    } else if trees.len() == 1 && matches!(call, Some("join_all" | "try_join_all"))
                    {
                        self.joins.push(end(tt));
                    } else if matches!(call, Some("pin")) {
                        // `tokio::pin!(fut)`: pinned in place, used below.
                    } else if punct(i + 1) == Some('=')
                        && matches!(trees.get(i + 2), Some(TokenTree::Punct(p)) if p.as_char() == '>')
                        && (before.and_then(punct) == Some('=')
                            || (before.and_then(ident).as_deref() == Some("mut")
                                && i.checked_sub(2).and_then(punct) == Some('&')))
                    {
                        // A `select!` arm's future: `res = fut =>`, `_ = &mut fut =>`.
                        self.joins.push(end(tt));
                    } else if matches!(call, Some("join" | "try_join"))
                        && matches!(punct(i + 1), None | Some(','))
                    {
                        self.joins.push(end(tt));
                    } else {
                        self.other += 1;
                    }
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn joined(src: &str) -> usize {
        let block: syn::Block = syn::parse_str(src).expect("block parses");
        joined_spawns(&block).len()
    }

    #[test]
    fn handles_awaited_before_going_on() {
        assert_eq!(joined("{ let h = tokio::spawn(work()); h.await.ok(); }"), 1);
        assert_eq!(
            joined(
                "{ let body = std::thread::spawn(move || h.block_on(r.text())).join().unwrap(); }"
            ),
            1
        );
        assert_eq!(joined("{ let n = tokio::spawn(count()).await?; }"), 1);
        assert_eq!(
            joined(
                "{ let mut h = tokio::spawn(run()); let a = tokio::spawn(wait()); tokio::select! { _ = a => { h.abort_handle().abort(); let _r = h.await; } _ = &mut h => {} } }"
            ),
            2
        );
        assert_eq!(
            joined(
                "{ let hs: Vec<_> = items.chunks(4).map(|c| task::spawn_blocking(move || f(c))).collect();
                   for h in hs { let Ok(r) = h.await else { return }; out.push(r); } }"
            ),
            1
        );
        assert_eq!(
            joined(
                "{ let hs: Vec<_> = xs.iter().map(|x| { let y = x.clone(); tokio::spawn(run(y)) }).collect(); futures::future::join_all(hs).await; }"
            ),
            1
        );
    }

    fn awaited_lets(src: &str) -> usize {
        let block: syn::Block = syn::parse_str(src).expect("block parses");
        awaited_async_lets(&block, true).len()
    }

    #[test]
    fn async_blocks_bound_then_awaited_in_place() {
        assert_eq!(
            awaited_lets(
                "{ let main_task = async move { run().await }; tokio::select!(res = main_task => res, res = signal() => res) }"
            ),
            1
        );
        assert_eq!(
            awaited_lets(
                "{ let t = async { a().await }; tokio::pin!(t); loop { tokio::select! { _ = &mut t => break, _ = tick() => {} } } }"
            ),
            1
        );
        assert_eq!(
            awaited_lets(
                "{ let a = async { x().await }; let b = async { y().await }; tokio::join!(a, b); }"
            ),
            2
        );
        assert_eq!(awaited_lets("{ let t = async { x().await }; t.await }"), 1);
        // The future of a call, raced in place.
        assert_eq!(
            awaited_lets(
                "{ let run = runner.run(); tokio::select! { r = run => r, _ = ctrl_c() => Ok(()) } }"
            ),
            1
        );
        assert_eq!(awaited_lets("{ let h = tokio::spawn(work()); h.await }"), 0);
        assert_eq!(awaited_lets("{ let n = count(); total += n; }"), 0);
        // Handed to a spawn, returned, or never awaited: it runs elsewhere, or not here.
        assert_eq!(
            awaited_lets("{ let t = async { x().await }; tokio::spawn(t); }"),
            0
        );
        assert_eq!(awaited_lets("{ let t = async { x().await }; t }"), 0);
        assert_eq!(awaited_lets("{ let t = async { x().await }; }"), 0);
    }

    #[test]
    fn handles_kept_or_handed_on_are_not_joined() {
        // Detached: the handle is dropped.
        assert_eq!(joined("{ tokio::spawn(work()); }"), 0);
        assert_eq!(joined("{ tokio::spawn(work()).abort(); }"), 0);
        // Returned, stored or given away: the task may outlive the fn.
        assert_eq!(joined("{ let h = tokio::spawn(work()); h }"), 0);
        assert_eq!(
            joined("{ let h = tokio::spawn(work()); self.tasks.push(h); }"),
            0
        );
        assert_eq!(
            joined("{ let h = tokio::spawn(work()); if x { h.await; } keep(h); }"),
            0
        );
        // Iterated without awaiting: dropped one by one.
        assert_eq!(
            joined(
                "{ let hs: Vec<_> = xs.iter().map(|x| tokio::spawn(run(x))).collect(); for h in hs { h.abort(); } }"
            ),
            0
        );
        // Never joined at all.
        assert_eq!(joined("{ let h = tokio::spawn(work()); }"), 0);
        // A child process is no spawn of a task here (no argument), nor a `spawn` field.
        assert_eq!(joined("{ let child = cmd.spawn(); child.await; }"), 0);
    }
}
