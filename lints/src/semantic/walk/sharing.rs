//! Who else can reach a piece of state: what a check-then-act race needs besides the check and
//! the act. Two facts, both recorded as the interpreter goes:
//!
//! - **fn-local state** (`FileFacts::locals`): a `let` that creates a lock or an atomic
//!   (`let flag = Arc::new(AtomicBool::new(false))`) and the bindings cloned from it
//!   (`let f = flag.clone()`). Its uses as the receiver of a lock or atomic operation, as a
//!   `let` clone's source, in a closure or async block that captures it, or in a format
//!   argument hand nothing out; any other use (a call argument, a struct field, a return, a
//!   method such as `clone()` whose result goes elsewhere) makes it *escaped*: who else holds
//!   it is then unknown. Each access to it says whether its body may run more than once over
//!   the same state (`LocalUse::repeated`).
//! - **handed-out fields** (`FileFacts::handed_out_fields`): names of fields whose value leaves
//!   the place it is stored in (`self.x.clone()`, `Arc::clone(&s.x)`, `&self.x` passed on,
//!   `return self.x`), comes in from elsewhere (`Self { x: shared }`), or belongs to a `Clone`
//!   struct. A `&mut self` method's `Arc` field nobody hands out is the method's own.
//!
//! Both are kept cheap: one address compared per path or field expression evaluated, a lookup
//! the interpreter makes anyway, and a set insert for a field name not seen before.

use super::Walker;
use crate::semantic::facts::{LocalId, LocalState, LocalUse};
use crate::semantic::syntax::{path_segments, peel, root_ident};

/// Type names whose constructor creates lock or atomic state (or the shared handle to it).
fn is_state_type(seg: &str) -> bool {
    matches!(seg, "Arc" | "Rc" | "Mutex" | "RwLock") || seg.starts_with("Atomic")
}

/// `Arc::new(AtomicBool::new(false))`, `AtomicUsize::new(0)`, `Mutex::new(..)`,
/// `Arc::default()`: a constructor call making new lock or atomic state.
fn creates_state(e: &syn::Expr) -> bool {
    let syn::Expr::Call(c) = peel(e) else {
        return false;
    };
    let Some(segs) = path_segments(&c.func) else {
        return false;
    };
    matches!(
        segs.last().map(String::as_str),
        Some("new" | "default" | "from")
    ) && segs[..segs.len() - 1].iter().any(|s| is_state_type(s))
}

/// `Default::default()`, `HashMap::new()`, `Arc::new(..)`: a field value made right there.
fn is_constructed(e: &syn::Expr) -> bool {
    match peel(e) {
        syn::Expr::Call(c) => path_segments(&c.func).is_some_and(|segs| {
            segs.len() >= 2
                && matches!(
                    segs.last().map(String::as_str),
                    Some("new" | "default" | "with_capacity" | "from")
                )
        }),
        syn::Expr::Lit(_) => true,
        _ => false,
    }
}

/// The binding a `let` initializer aliases: `x.clone()`, `Arc::clone(&x)`, `&x`, `x`.
fn alias_source(init: &syn::Expr) -> Option<&syn::Expr> {
    let e = peel(init);
    let source = match e {
        syn::Expr::MethodCall(mc) if mc.method == "clone" && mc.args.is_empty() => &mc.receiver,
        syn::Expr::Call(c)
            if c.args.len() == 1
                && path_segments(&c.func).is_some_and(|s| {
                    s.len() == 2 && matches!(s[0].as_str(), "Arc" | "Rc") && s[1] == "clone"
                }) =>
        {
            &c.args[0]
        }
        _ => e,
    };
    let source = match peel(source) {
        syn::Expr::Reference(r) => &r.expr,
        s => s,
    };
    matches!(peel(source), syn::Expr::Path(p) if p.path.get_ident().is_some()).then(|| peel(source))
}

/// How a tuple struct's field is named in `handed_out` (see `Walker::field_key`).
fn tuple_field_key(owner: &str, index: u32) -> String {
    format!("{owner}.{index}")
}

/// A field's name in `handed_out`: a named field's own, a tuple field's qualified by its struct
/// (`owner`, asked only for a tuple field), `None` when that struct is not known.
fn member_key(member: &syn::Member, owner: impl FnOnce() -> Option<String>) -> Option<String> {
    match member {
        syn::Member::Named(i) => Some(i.to_string()),
        syn::Member::Unnamed(idx) => Some(tuple_field_key(&owner()?, idx.index)),
    }
}

fn addr(e: &syn::Expr) -> usize {
    e as *const syn::Expr as usize
}

/// What a `let` binds, as local state: new state, or the state of the binding it aliases.
pub(crate) enum LocalSource {
    Fresh,
    Alias(LocalId),
}

impl Walker<'_, '_> {
    /// `e` is about to be evaluated as a use that hands nothing out (a lock or atomic
    /// receiver, a field base, a `let` clone's source).
    pub(crate) fn mark_benign(&mut self, e: &syn::Expr) {
        self.core.benign = addr(peel(e));
    }

    /// `e` is about to be evaluated as the place an assignment writes.
    pub(crate) fn mark_assigned(&mut self, e: &syn::Expr) {
        self.core.assign_target = addr(peel(e));
    }

    /// Whether the expression being evaluated was marked benign (asked before anything inside
    /// it is evaluated).
    fn is_benign(&self) -> bool {
        self.core.in_format > 0 || self.core.benign_now
    }

    /// A binding holding local state, used at `e` (the expression being evaluated): unless
    /// benign or the source of the `let` clone being evaluated, the state escapes.
    pub(crate) fn note_local_use(&mut self, e: &syn::Expr, local: Option<LocalId>) {
        if let Some(id) = local
            && !self.is_benign()
            && self.core.alias_source != addr(e)
            && let Some(l) = self.core.facts.locals.get_mut(id as usize)
        {
            l.escaped = true;
        }
    }

    /// A field read (`x.f`) being evaluated: unless benign, its value may be handed out.
    pub(crate) fn note_field_use(&mut self, f: &syn::ExprField) {
        if self.is_benign() {
            return;
        }
        self.hand_out(self.field_key(&f.base, &f.member));
    }

    /// The name a field is known by in `handed_out`: a named field by its name, a tuple
    /// struct's field as `Owner.N` (`Pool.0`), the owner read off `base`'s type. Tuple fields
    /// are qualified because `.0` is everywhere (every tuple, every newtype): by index alone,
    /// any `pair.0` in the crate would share every newtype's `Arc`. `None` when the owner's
    /// type is not known here.
    pub(crate) fn field_key(&self, base: &syn::Expr, member: &syn::Member) -> Option<String> {
        member_key(member, || match self.core.ty_of(base) {
            crate::semantic::types::TyExpr::Known(ty) => ty
                .peel()
                .path_str()
                .map(|p| crate::semantic::syntax::last_segment(p).to_string()),
            _ => None,
        })
    }

    fn hand_out(&mut self, key: Option<String>) {
        if let Some(name) = key
            && !self.core.handed_out.contains(&name)
        {
            self.core.handed_out.insert(name);
        }
    }

    /// A field of a struct literal or pattern whose struct is named by `path`.
    fn hand_out_member(&mut self, path: &syn::Path, member: &syn::Member) {
        let key = member_key(member, || path.segments.last().map(|s| s.ident.to_string()));
        self.hand_out(key);
    }

    /// A struct literal: a field set from a value not made right there (`Self { jobs }` with
    /// `jobs` a parameter, `Self { jobs: other.jobs.clone() }`) shares it with its source.
    pub(crate) fn note_struct_fields(&mut self, s: &syn::ExprStruct) {
        for fv in &s.fields {
            if !self.is_fresh_value(&fv.expr) {
                self.hand_out_member(&s.path, &fv.member);
            }
        }
    }

    /// `let Self { jobs, .. } = self;`: a struct pattern binds (hands out) its fields' values.
    pub(crate) fn note_pattern_fields(&mut self, ps: &syn::PatStruct) {
        for f in &ps.fields {
            if !matches!(&*f.pat, syn::Pat::Wild(_)) {
                self.hand_out_member(&ps.path, &f.member);
            }
        }
    }

    /// The fields of a `Clone` struct: a clone shares every `Arc` field with the original.
    pub(crate) fn note_clone_struct(&mut self, s: &syn::ItemStruct) {
        let derives_clone = s.attrs.iter().any(|a| {
            a.path().is_ident("derive")
                && a.parse_args_with(
                    syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
                )
                .is_ok_and(|paths| {
                    paths
                        .iter()
                        .any(|p| p.segments.last().is_some_and(|s| s.ident == "Clone"))
                })
        });
        if derives_clone {
            let owner = s.ident.to_string();
            for (n, f) in s.fields.iter().enumerate() {
                self.hand_out(Some(match &f.ident {
                    Some(i) => i.to_string(),
                    None => tuple_field_key(&owner, n as u32),
                }));
            }
        }
    }

    fn is_fresh_value(&self, e: &syn::Expr) -> bool {
        if is_constructed(e) {
            return true;
        }
        // A local made in this fn and not cloned or handed anywhere before it is moved here.
        let syn::Expr::Path(p) = peel(e) else {
            return false;
        };
        p.path
            .get_ident()
            .and_then(|i| self.core.env.lookup_ident(i))
            .and_then(|b| b.local)
            .and_then(|id| self.core.facts.locals.get(id as usize))
            .is_some_and(|l| !l.aliased && !l.escaped)
    }

    /// Before a `let name = init;` is evaluated: whether it binds local state (and, for an
    /// alias, mark its source's use benign until the initializer is evaluated).
    pub(crate) fn local_source(&mut self, pat: &syn::Pat, init: &syn::Expr) -> Option<LocalSource> {
        let single = matches!(pat, syn::Pat::Ident(_))
            || matches!(pat, syn::Pat::Type(pt) if matches!(&*pt.pat, syn::Pat::Ident(_)));
        if !single {
            return None;
        }
        if creates_state(init) {
            return Some(LocalSource::Fresh);
        }
        let source = alias_source(init)?;
        let syn::Expr::Path(p) = source else {
            return None;
        };
        let id = self.core.env.lookup_ident(p.path.get_ident()?)?.local?;
        self.core.alias_source = addr(source);
        Some(LocalSource::Alias(id))
    }

    /// After the `let` bound `pat`: its binding holds the state `source` says.
    pub(crate) fn bind_local(&mut self, pat: &syn::Pat, source: LocalSource) {
        let syn::Pat::Ident(pi) = crate::semantic::syntax::strip_pat_type(pat) else {
            return;
        };
        let id = match source {
            LocalSource::Fresh => {
                let Some(body) = self.core.body() else { return };
                let id = self.core.facts.locals.len() as LocalId;
                let body = body.id;
                self.core.facts.locals.push(LocalState {
                    body,
                    ..LocalState::default()
                });
                id
            }
            LocalSource::Alias(id) => {
                if let Some(l) = self.core.facts.locals.get_mut(id as usize) {
                    l.aliased = true;
                }
                id
            }
        };
        if let Some((_, b)) = self.core.env.lookup_mut(&pi.ident.to_string()) {
            b.local = Some(id);
        }
    }

    /// The local state a lock or atomic receiver reaches, and whether the body using it may
    /// run more than once over it: a body between the state's home and here repeats.
    pub(crate) fn local_use(&self, receiver: &syn::Expr) -> Option<LocalUse> {
        let ident = root_ident(receiver)?;
        let id = self.core.env.lookup_ident(ident)?.local?;
        let home = self.core.facts.locals.get(id as usize)?.body;
        let mut repeated = true;
        for b in self.core.bodies.iter().rev() {
            if b.id == home {
                repeated = false;
                break;
            }
            if b.repeats {
                break;
            }
        }
        Some(LocalUse { id, repeated })
    }
}

#[cfg(test)]
mod tests {
    use crate::semantic::facts::{AccessTarget, FileFacts};

    use crate::semantic::walk::facts_of as facts;

    /// (op, (local id, repeated)) of every atomic access.
    fn atomics(f: &FileFacts) -> Vec<(String, Option<(u32, bool)>)> {
        f.accesses
            .iter()
            .filter(|a| matches!(a.target, AccessTarget::Atomic(_)))
            .map(|a| (a.op.clone(), a.local.map(|l| (l.id, l.repeated))))
            .collect()
    }

    #[test]
    fn clones_share_one_local_and_a_spawned_task_runs_once() {
        let f = facts(
            "use std::sync::Arc; use std::sync::atomic::{AtomicBool, Ordering};\n\
             async fn f() {\n\
             let flag = Arc::new(AtomicBool::new(false));\n\
             let c = flag.clone();\n\
             tokio::spawn(async move { if !c.load(Ordering::Relaxed) { c.store(true, Ordering::Relaxed); } });\n\
             for _ in 0..2 { let d = Arc::clone(&flag); std::thread::spawn(move || d.store(true, Ordering::Relaxed)); }\n\
             let run = || flag.store(false, Ordering::Relaxed);\n\
             run();\n\
             }\n",
        );
        assert_eq!(f.locals.len(), 1, "{:?}", f.locals);
        assert!(
            f.locals[0].aliased && !f.locals[0].escaped,
            "{:?}",
            f.locals
        );
        assert_eq!(
            atomics(&f),
            [
                ("load".to_string(), Some((0, false))),
                ("store".to_string(), Some((0, false))),
                ("store".to_string(), Some((0, true))),
                ("store".to_string(), Some((0, true))),
            ]
        );
    }

    #[test]
    fn handing_local_state_to_a_fn_escapes_it() {
        let f = facts(
            "use std::sync::{Arc, Mutex};\n\
             fn f() {\n\
             let a = Arc::new(Mutex::new(0));\n\
             let b = Arc::new(Mutex::new(0));\n\
             let c = std::sync::atomic::AtomicU8::new(0);\n\
             *a.lock().unwrap() += 1;\n\
             monitor(b.clone());\n\
             println!(\"{:?}\", c);\n\
             }\n",
        );
        let escaped: Vec<bool> = f.locals.iter().map(|l| l.escaped).collect();
        assert_eq!(escaped, [false, true, false]);
    }

    #[test]
    fn fields_handed_out_or_in() {
        let f = facts(
            "use std::sync::Arc;\n\
             struct S { own: Arc<M>, cloned: Arc<M>, given: Arc<M>, lent: Arc<M>, bound: Arc<M> }\n\
             #[derive(Clone)] struct H { copied: Arc<M> }\n\
             impl S {\n\
             fn new(given: Arc<M>) -> Self { Self { own: Arc::new(M::new()), cloned: Arc::default(), given, lent: Arc::new(M::new()), bound: Arc::new(M::new()) } }\n\
             fn f(&mut self) {\n\
             self.own.lock();\n\
             let c = self.cloned.clone();\n\
             use_it(&self.lent);\n\
             let S { bound, .. } = self;\n\
             }\n\
             }\n",
        );
        assert_eq!(
            f.handed_out_fields,
            ["bound", "cloned", "copied", "given", "lent"]
        );
    }
}
