//! The walker: one pass over a file that resolves names, tracks bodies and their async context,
//! interprets statements and expressions for lock-guard liveness, records facts for the
//! crate-wide phase, and calls every rule's hooks on the way.

mod exprs;
mod items;
mod state;
mod typing;

use std::cell::RefCell;

use crate::finding::Region;
use crate::lint::Lint;

use super::facts::{FileFacts, GuardId};
use super::paths::UseScopes;
use super::types::Ty;
use super::{EmitCell, Emitted, FileOptions, SourceText};
pub(crate) use state::{Binding, Body, Boundary, Env, Flow, Owner};
pub(crate) use exprs::expr_text;

/// Nesting beyond this is not interpreted (10,000-deep generated expressions must not overflow
/// the stack); the hooks still see the outer levels.
const MAX_DEPTH: u32 = 256;

pub(crate) struct ItemCtx {
    /// `Some` for an `impl` block: its self type.
    self_ty: Option<Ty>,
    /// The impl's type name or the fn's name.
    name: String,
    is_fn: bool,
}

pub struct Core<'a> {
    pub(crate) src: &'a SourceText<'a>,
    pub(crate) opts: FileOptions,
    pub(crate) uses: UseScopes,
    pub(crate) env: Env,
    pub(crate) bodies: Vec<Body>,
    pub(crate) items: Vec<ItemCtx>,
    pub(crate) facts: FileFacts,
    pub(crate) out: EmitCell,
    pub(crate) next_body: u32,
    pub(crate) next_guard: GuardId,
    pub(crate) depth: u32,
    pub(crate) test_depth: u32,
}

impl<'a> Core<'a> {
    pub(crate) fn body(&self) -> Option<&Body> {
        self.bodies.last()
    }

    pub(crate) fn function(&self) -> Option<String> {
        let fn_pos = self.items.iter().rposition(|i| i.is_fn)?;
        let name = &self.items[fn_pos].name;
        match self.items[..fn_pos]
            .iter()
            .rev()
            .find(|i| i.self_ty.is_some())
        {
            Some(imp) => Some(format!("{}::{name}", imp.name)),
            None => Some(name.clone()),
        }
    }

    pub(crate) fn self_ty(&self) -> Option<&Ty> {
        self.items.iter().rev().find_map(|i| i.self_ty.as_ref())
    }

    /// The resolved path of a call's callee; `None` for closures, locals and other non-paths.
    pub(crate) fn callee(&self, call: &syn::ExprCall) -> Option<String> {
        let syn::Expr::Path(p) = &*call.func else {
            return None;
        };
        if p.qself.is_some() {
            return None;
        }
        if let Some(ident) = p.path.get_ident()
            && self.env.lookup(&ident.to_string()).is_some()
        {
            return None;
        }
        Some(self.uses.resolve(&p.path))
    }

    fn region(&self, span: proc_macro2::Span) -> Region {
        Region::from_span(span)
    }
}

pub(crate) struct Walker<'a, 'l> {
    pub(crate) core: Core<'a>,
    lints: &'l mut [Box<dyn Lint>],
}

macro_rules! hook {
    ($w:expr, $method:ident, $arg:expr) => {{
        let cx = $crate::semantic::Cx { core: &$w.core };
        for lint in $w.lints.iter_mut() {
            lint.$method(&cx, $arg);
        }
    }};
}
pub(crate) use hook;

/// Walk one parsed file with the given rules. Must run on the thread that parsed `file` (spans
/// are thread-local); everything returned is plain data.
pub fn analyze_file(
    file: &syn::File,
    src: &SourceText<'_>,
    opts: FileOptions,
    lints: &mut [Box<dyn Lint>],
) -> FileFacts {
    let core = Core {
        src,
        uses: UseScopes::for_module(opts.module_path.clone()),
        opts,
        env: Env::default(),
        bodies: Vec::new(),
        items: Vec::new(),
        facts: FileFacts::default(),
        out: RefCell::new(Emitted::default()),
        next_body: 0,
        next_guard: 0,
        depth: 0,
        test_depth: 0,
    };
    let mut w = Walker { core, lints };
    hook!(w, check_file, file);
    w.core.uses.push_module(None, &file.items);
    w.core.facts.index.modules.extend(w.core.uses.module_export());
    for item in &file.items {
        w.walk_item(item);
    }
    w.core.uses.pop();
    let emitted = w.core.out.into_inner();
    let mut facts = w.core.facts;
    facts.findings.extend(emitted.findings);
    facts.pending.extend(emitted.pending);
    facts.allows.extend(emitted.allows);
    facts
}
