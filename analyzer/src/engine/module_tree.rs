//! Which files under a crate's `src/` the compiler would actually build: the ones reached from a
//! crate root (`src/lib.rs`, `src/main.rs`, `src/bin/*`, `build.rs`, the manifest's `[lib]`,
//! `[[bin]]`, `[[example]]`, `[[test]]`, `[[bench]]` paths) through `mod` declarations, inline
//! modules, `#[path]` attributes and `include!`. A leftover `watcher_old/` directory nobody
//! declares any more is not Rust code of the crate, and findings in it are noise.
//!
//! The scan is over tokens, not a parse (over bytes in the files that write no `#[path]` and no
//! `include!`, most of them: `engine/mod_scan.rs`): a `mod` inside a `cfg_if!` block or any
//! other macro body counts, `#[cfg]`-gated modules count (some configuration builds them), and
//! a path in `#[cfg_attr(.., path = "..")]` counts beside the default file. Whenever the answer is unclear
//! (no root on disk, a file that does not lex) every file of the crate is kept: skipping code
//! that is built would hide real findings, keeping a dead file only costs noise.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::str::FromStr;

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use rayon::prelude::*;

use super::mod_scan::Scanned;

/// What a package's module trees reach.
pub(super) struct Reach {
    pub(super) files: HashSet<PathBuf>,
    /// The module path of each file the library's or a binary's tree reaches (`src/lib.rs`,
    /// `src/main.rs`, the manifest's `[lib]` and `[[bin]]` paths outside `src/bin/`), as rustc
    /// names it: `include!`d text is in its includer's module, a `#[path]` file in the module
    /// that declares it, and a `[lib] path = "src/cli/lib.rs"` is the crate root.
    pub(super) modules: HashMap<PathBuf, Vec<String>>,
    /// (includer, included) for each `include!` at the includer's own module level, sorted:
    /// the included file's items are names of the includer's module (see [`item_names`]).
    pub(super) includes: Vec<(PathBuf, PathBuf)>,
}

/// Per crate root: what its module trees reach, or `None` when it cannot be told.
pub(super) fn reachable(
    crate_roots: &[&Path],
    known: &HashSet<&Path>,
) -> HashMap<PathBuf, Option<Reach>> {
    crate_roots
        .par_iter()
        .map(|root| (root.to_path_buf(), reach_crate(root, known)))
        .collect()
}

/// How a file's out-of-line child modules are found.
#[derive(Clone)]
struct Ctx {
    /// Directory of `mod x;` → `x.rs` / `x/mod.rs`.
    dir: PathBuf,
    /// Directory a `#[path]` is relative to.
    path_base: PathBuf,
    /// The file's own directory, which `include!` is relative to.
    file_dir: PathBuf,
    /// The module being scanned (the file's, then an inline module's inside it).
    module: Vec<String>,
}

/// Per root file (an integration test's `tests/x.rs`, say): the files its module tree reaches,
/// itself included, or `None` when it cannot be told.
pub(super) fn reachable_from(
    root_files: &[PathBuf],
    known: &HashSet<&Path>,
) -> Vec<Option<HashSet<PathBuf>>> {
    root_files
        .par_iter()
        .map(|r| reach_from(vec![(r.clone(), false)], known).map(|reach| reach.files))
        .collect()
}

fn reach_crate(root: &Path, known: &HashSet<&Path>) -> Option<Reach> {
    let roots = crate_root_files(root);
    if roots.is_empty() {
        return None;
    }
    reach_from(roots, known)
}

/// `roots`: each root file, and whether it is the library's or a binary's (whose module paths
/// [`Reach::modules`] records).
fn reach_from(roots: Vec<(PathBuf, bool)>, known: &HashSet<&Path>) -> Option<Reach> {
    let mut seen: HashSet<PathBuf> = HashSet::new();
    let mut modules: HashMap<PathBuf, Vec<String>> = HashMap::new();
    let mut includes: Vec<(PathBuf, PathBuf)> = Vec::new();
    // Each file with how its children are found and whether its tree is a primary root's.
    let mut frontier: Vec<(PathBuf, Ctx, bool)> = Vec::new();
    for (r, primary) in roots {
        let parent = r.parent().map(Path::to_path_buf).unwrap_or_default();
        let ctx = Ctx {
            dir: parent.clone(),
            path_base: parent.clone(),
            file_dir: parent,
            module: Vec::new(),
        };
        if seen.insert(r.clone()) {
            if primary {
                modules.insert(r.clone(), Vec::new());
            }
            frontier.push((r, ctx, primary));
        }
    }
    // Level by level, each level's files read and lexed in parallel (a crate is often most of
    // a workspace's files); merged in order, so the result does not depend on scheduling.
    while !frontier.is_empty() {
        let children: Vec<Option<Vec<Child>>> = frontier
            .par_iter()
            .map(|(file, ctx, _)| declared_children(file, ctx))
            .collect();
        let mut next = Vec::new();
        for (child, (parent, parent_ctx, primary)) in children.into_iter().zip(&frontier) {
            for child in child? {
                let path = normalize(&child.path);
                if child.ctx.is_some() && child.module == parent_ctx.module {
                    includes.push((parent.clone(), path.clone()));
                }
                if seen.contains(&path) || !(known.contains(path.as_path()) || path.is_file()) {
                    continue;
                }
                let ctx = child
                    .ctx
                    .unwrap_or_else(|| child_ctx(&path, child.via_path, child.module.clone()));
                seen.insert(path.clone());
                if *primary {
                    modules.insert(path.clone(), child.module);
                }
                next.push((path, ctx, *primary));
            }
        }
        frontier = next;
    }
    includes.sort();
    includes.dedup();
    Some(Reach {
        files: seen,
        modules,
        includes,
    })
}

/// The files a file declares, or `None` when that cannot be told (the file does not read or
/// lex, or a macro makes its modules).
fn declared_children(file: &Path, ctx: &Ctx) -> Option<Vec<Child>> {
    // Unreadable (or not UTF-8): what it declares is unknown.
    let text = std::fs::read_to_string(file).ok()?;
    declared_in(&text, ctx)
}

/// [`declared_children`] of a file's text.
fn declared_in(text: &str, ctx: &Ctx) -> Option<Vec<Child>> {
    // A byte-order mark is not part of the first token.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if !may_declare_files(text) {
        return Some(Vec::new());
    }
    match super::mod_scan::mod_decls(text) {
        Scanned::Decls(decls) => Some(
            decls
                .into_iter()
                .flat_map(|d| {
                    let dir = d.inline.iter().fold(ctx.dir.clone(), |dir, m| dir.join(m));
                    let mut module = ctx.module.clone();
                    module.extend(d.inline.iter().cloned());
                    module.push(d.name.clone());
                    [
                        dir.join(format!("{}.rs", d.name)),
                        dir.join(&d.name).join("mod.rs"),
                    ]
                    .map(|path| Child {
                        path,
                        via_path: false,
                        ctx: None,
                        module: module.clone(),
                    })
                })
                .collect(),
        ),
        Scanned::Unknown => None,
        // A `#[path]` or an `include!` may sit in a fn body: everything is looked at.
        Scanned::NeedsTokens => token_scan(text, ctx, true),
    }
}

/// A file's tokens, `None` if it does not lex.
fn lex(text: &str) -> Option<TokenStream> {
    let tokens = TokenStream::from_str(text);
    // proc-macro2 keeps every text it lexed on this thread (a copy and its line table) for the
    // spans' sake until told otherwise; these spans are never asked for.
    proc_macro2::extra::invalidate_current_thread_spans();
    tokens.ok()
}

/// [`declared_in`] from proc-macro2's tokens.
fn token_scan(text: &str, ctx: &Ctx, deep: bool) -> Option<Vec<Child>> {
    let tokens = lex(text)?;
    let mut found = Vec::new();
    // `mod $name;` in a macro: which files it declares is only known once the macro is
    // expanded, so the crate's tree is not known.
    scan(tokens, ctx, deep, &mut found).then_some(found)
}

/// Whether the text may have a `mod name;` or an `include!`: most files declare no file of
/// their own (leaf modules, files whose only module is an inline `mod tests { .. }`), and
/// reading the bytes is far cheaper than scanning them. Errs towards yes: whitespace, non-ASCII
/// bytes (a non-ASCII name, U+2028) and anything after a comment's `/` are all allowed for.
fn may_declare_files(text: &str) -> bool {
    let b = text.as_bytes();
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let word = |at: usize, len: usize| {
        (at == 0 || !ident(b[at - 1])) && b.get(at + len).is_none_or(|&c| !ident(c))
    };
    let skip = |i: &mut usize| {
        while *i < b.len() && (b[*i].is_ascii_whitespace() || b[*i] == 0x0B || b[*i] >= 0x80) {
            *i += 1;
        }
    };
    let include = memchr::memmem::find_iter(b, b"include").any(|at| {
        let mut i = at + 7;
        skip(&mut i);
        word(at, 7) && matches!(b.get(i), Some(b'!' | b'/'))
    });
    if include {
        return true;
    }
    memchr::memmem::find_iter(b, b"mod").any(|at| {
        if !word(at, 3) {
            return false;
        }
        let mut i = at + 3;
        skip(&mut i);
        if b.get(i) == Some(&b'/') {
            return true;
        }
        let name = i;
        while i < b.len() && (ident(b[i]) || b[i] >= 0x80 || b[i] == b'#' || b[i] == b'$') {
            i += 1;
        }
        if i == name {
            return false;
        }
        skip(&mut i);
        matches!(b.get(i), Some(b';' | b'/'))
    })
}

/// The conventional and declared crate roots of the package at `root` that exist, each with
/// whether it is the library's or a binary's outside `src/bin/` (whose `crate::` the package's
/// module paths are below), those first.
fn crate_root_files(root: &Path) -> Vec<(PathBuf, bool)> {
    let mut primary = vec![root.join("src/lib.rs"), root.join("src/main.rs")];
    let mut out = vec![root.join("build.rs")];
    for dir in ["src/bin", "examples", "tests", "benches"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        let mut names: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        names.sort();
        for p in names {
            if p.is_dir() {
                out.push(p.join("main.rs"));
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    if let Some(manifest) = std::fs::read_to_string(root.join("Cargo.toml"))
        .ok()
        .and_then(|t| t.parse::<toml::Table>().ok())
    {
        let path_of = |v: &toml::Value| v.get("path").and_then(|p| p.as_str()).map(String::from);
        if let Some(p) = manifest.get("lib").and_then(path_of) {
            primary.push(root.join(p));
        }
        if let Some(p) = manifest
            .get("package")
            .and_then(|p| p.get("build"))
            .and_then(|b| b.as_str())
        {
            out.push(root.join(p));
        }
        for kind in ["bin", "example", "test", "bench"] {
            for t in manifest
                .get(kind)
                .and_then(|v| v.as_array())
                .into_iter()
                .flatten()
            {
                if let Some(p) = path_of(t) {
                    let p = normalize(&root.join(p));
                    if kind == "bin" && !p.starts_with(root.join("src/bin")) {
                        primary.push(p);
                    } else {
                        out.push(p);
                    }
                }
            }
        }
    }
    let primary = primary.into_iter().map(|p| (p, true));
    primary
        .chain(out.into_iter().map(|p| (p, false)))
        .map(|(p, is)| (normalize(&p), is))
        .filter(|(p, _)| p.is_file())
        .collect()
}

/// A file's child-module context: `a/b.rs` → `a/b/`; `mod.rs`, or a file reached through
/// `#[path]` (rustc treats those as owning their directory) → its own directory.
fn child_ctx(file: &Path, via_path: bool, module: Vec<String>) -> Ctx {
    let parent = file.parent().map(Path::to_path_buf).unwrap_or_default();
    let dir = match file.file_stem().and_then(|s| s.to_str()) {
        Some("mod") | None => parent.clone(),
        _ if via_path => parent.clone(),
        Some(stem) => parent.join(stem),
    };
    Ctx {
        dir,
        path_base: parent.clone(),
        file_dir: parent,
        module,
    }
}

struct Child {
    path: PathBuf,
    via_path: bool,
    /// Set for `include!`d files: their text is the includer's, in the includer's module.
    ctx: Option<Ctx>,
    /// The module its text is in.
    module: Vec<String>,
}

/// Collects the files `tokens` declare into `out`; false if a `mod` names its module with a
/// macro metavariable (`mod $name;`) or an `include!` names its file by a macro other than
/// `OUT_DIR`'s. `deep`: also look inside groups that are not macro bodies
/// (a `#[path]` module or an `include!` in a fn body); runs always use it, and `deep: false` is
/// what the byte scan must match (its tests compare the two).
fn scan(tokens: TokenStream, ctx: &Ctx, deep: bool, out: &mut Vec<Child>) -> bool {
    let tts: Vec<TokenTree> = tokens.into_iter().collect();
    // A `#[path]` seen since the last item: (path, also the default file).
    let mut pending: Option<(String, bool)> = None;
    let mut i = 0;
    while i < tts.len() {
        match &tts[i] {
            TokenTree::Punct(p) if p.as_char() == '#' => {
                let mut j = i + 1;
                if matches!(tts.get(j), Some(TokenTree::Punct(p)) if p.as_char() == '!') {
                    j += 1;
                }
                if let Some(TokenTree::Group(g)) = tts.get(j)
                    && g.delimiter() == Delimiter::Bracket
                {
                    if let Some(p) = path_attr(g.stream()) {
                        pending = Some(p);
                    }
                    i = j + 1;
                    continue;
                }
            }
            TokenTree::Ident(id) if id == "mod" => {
                if matches!(tts.get(i + 1), Some(TokenTree::Punct(p)) if p.as_char() == '$') {
                    return false;
                }
                if let Some(TokenTree::Ident(name)) = tts.get(i + 1) {
                    let name = name.to_string();
                    let name = name.strip_prefix("r#").unwrap_or(&name).to_string();
                    let mut module = ctx.module.clone();
                    module.push(name.clone());
                    match tts.get(i + 2) {
                        Some(TokenTree::Punct(p)) if p.as_char() == ';' => {
                            let default = match &pending {
                                Some((p, also_default)) => {
                                    out.push(Child {
                                        path: ctx.path_base.join(p),
                                        via_path: true,
                                        ctx: None,
                                        module: module.clone(),
                                    });
                                    *also_default
                                }
                                None => true,
                            };
                            if default {
                                for path in [
                                    ctx.dir.join(format!("{name}.rs")),
                                    ctx.dir.join(&name).join("mod.rs"),
                                ] {
                                    out.push(Child {
                                        path,
                                        via_path: false,
                                        ctx: None,
                                        module: module.clone(),
                                    });
                                }
                            }
                            pending = None;
                            i += 3;
                            continue;
                        }
                        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace => {
                            let dir = match pending.take() {
                                Some((p, false)) => ctx.path_base.join(p),
                                _ => ctx.dir.join(&name),
                            };
                            let inner = Ctx {
                                path_base: dir.clone(),
                                dir,
                                file_dir: ctx.file_dir.clone(),
                                module,
                            };
                            if !scan(g.stream(), &inner, deep, out) {
                                return false;
                            }
                            i += 3;
                            continue;
                        }
                        _ => {}
                    }
                }
            }
            TokenTree::Ident(id) if id == "include" => {
                if let (Some(TokenTree::Punct(bang)), Some(TokenTree::Group(g))) =
                    (tts.get(i + 1), tts.get(i + 2))
                    && bang.as_char() == '!'
                {
                    if let Some(TokenTree::Literal(lit)) = g.stream().into_iter().next()
                        && let Some(p) = string_value(&lit.to_string())
                    {
                        out.push(Child {
                            path: ctx.file_dir.join(p),
                            via_path: true,
                            ctx: Some(ctx.clone()),
                            module: ctx.module.clone(),
                        });
                    } else if !g.stream().to_string().contains("OUT_DIR") {
                        // `include!(concat!(env!("CARGO_MANIFEST_DIR"), ..))`: a source file
                        // this scan cannot name, so which files are compiled cannot be told (a
                        // build script's output under `OUT_DIR` is no source file).
                        return false;
                    }
                    i += 3;
                    continue;
                }
            }
            TokenTree::Punct(p) if p.as_char() == ';' => pending = None,
            TokenTree::Group(g) => {
                if g.delimiter() == Delimiter::Brace {
                    pending = None;
                }
                // Macro bodies (`cfg_if! { .. }`, `macro_rules! m { .. }`): same module.
                let bang = |k: usize| {
                    matches!(i.checked_sub(k).and_then(|k| tts.get(k)),
                        Some(TokenTree::Punct(p)) if p.as_char() == '!')
                };
                let macro_body =
                    bang(1) || (bang(2) && matches!(tts.get(i - 1), Some(TokenTree::Ident(_))));
                // A macro body is token soup: all of it is looked at.
                if (deep || macro_body) && !scan(g.stream(), ctx, deep || macro_body, out) {
                    return false;
                }
            }
            _ => {}
        }
        i += 1;
    }
    true
}

/// The names a file's text declares at its top level (`struct`, `enum`, `union`, `trait`,
/// `type`, `fn`, `const`, `static`, `mod`): what an `include!` of it adds to the includer's
/// module. Empty if the text does not lex.
pub(super) fn item_names(text: &str) -> Vec<String> {
    let Some(tokens) = lex(text) else {
        return Vec::new();
    };
    let tts: Vec<TokenTree> = tokens.into_iter().collect();
    const KINDS: &[&str] = &[
        "struct", "enum", "union", "trait", "type", "fn", "const", "static", "mod",
    ];
    let mut names = Vec::new();
    let word = |t: Option<&TokenTree>| match t {
        Some(TokenTree::Ident(i)) => Some(i.to_string()),
        _ => None,
    };
    for (i, t) in tts.iter().enumerate() {
        let Some(kind) = word(Some(t)) else { continue };
        if !KINDS.contains(&kind.as_str()) {
            continue;
        }
        // `const fn f`, `static mut X`, `const unsafe fn`: past the qualifiers to the name.
        let mut j = i + 1;
        while matches!(
            word(tts.get(j)).as_deref(),
            Some("fn" | "mut" | "unsafe" | "async" | "extern")
        ) || matches!(tts.get(j), Some(TokenTree::Literal(_)))
        {
            j += 1;
        }
        if let Some(name) = word(tts.get(j)).filter(|n| n != "_") {
            names.push(name.strip_prefix("r#").unwrap_or(&name).to_string());
        }
    }
    names.sort();
    names.dedup();
    names
}

/// `path = "x.rs"` → `("x.rs", false)`; `cfg_attr(cond, path = "x.rs")` → `("x.rs", true)`: the
/// default file is built when the condition is false.
fn path_attr(attr: TokenStream) -> Option<(String, bool)> {
    let tts: Vec<TokenTree> = attr.into_iter().collect();
    match tts.first() {
        Some(TokenTree::Ident(id)) if id == "path" => match (tts.get(1), tts.get(2)) {
            (Some(TokenTree::Punct(eq)), Some(TokenTree::Literal(lit))) if eq.as_char() == '=' => {
                string_value(&lit.to_string()).map(|p| (p, false))
            }
            _ => None,
        },
        Some(TokenTree::Ident(id)) if id == "cfg_attr" => match tts.get(1) {
            Some(TokenTree::Group(g)) => {
                let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                inner.windows(3).find_map(|w| match w {
                    [
                        TokenTree::Ident(id),
                        TokenTree::Punct(eq),
                        TokenTree::Literal(lit),
                    ] if id == "path" && eq.as_char() == '=' => {
                        string_value(&lit.to_string()).map(|p| (p, true))
                    }
                    _ => None,
                })
            }
            _ => None,
        },
        _ => None,
    }
}

fn string_value(lit: &str) -> Option<String> {
    syn::parse_str::<syn::LitStr>(lit).ok().map(|s| s.value())
}

/// `a/b/../c.rs` → `a/c.rs`, without touching the filesystem.
pub(super) fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                if !out.pop() {
                    out.push(c);
                }
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx_of(file: &str) -> Ctx {
        child_ctx(Path::new(file), false, Vec::new())
    }

    fn children(src: &str, file: &str) -> Vec<String> {
        let ctx = ctx_of(file);
        declared_in(src, &ctx)
            .expect("the tree is known")
            .into_iter()
            .map(|c| normalize(&c.path).display().to_string())
            .collect()
    }

    /// The module each child's text is in: `mod` and `#[path]` children one level down (inline
    /// modules included), `include!`d text in the includer's own module.
    #[test]
    fn children_carry_their_module_paths() {
        let src = r#"
            mod plain;
            #[path = "../shared/util.rs"] mod util;
            mod inline { mod nested; include!("spliced.rs"); }
            include!("../opt/commands.rs");
        "#;
        let ctx = Ctx {
            module: vec!["cli".into()],
            ..ctx_of("/c/src/cli.rs")
        };
        let got: Vec<(String, Vec<String>, bool)> = declared_in(src, &ctx)
            .expect("the tree is known")
            .into_iter()
            .map(|c| {
                let included = c.ctx.is_some();
                (normalize(&c.path).display().to_string(), c.module, included)
            })
            .collect();
        let m = |p: &[&str]| p.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            got,
            vec![
                ("/c/src/cli/plain.rs".into(), m(&["cli", "plain"]), false),
                (
                    "/c/src/cli/plain/mod.rs".into(),
                    m(&["cli", "plain"]),
                    false
                ),
                ("/c/shared/util.rs".into(), m(&["cli", "util"]), false),
                (
                    "/c/src/cli/inline/nested.rs".into(),
                    m(&["cli", "inline", "nested"]),
                    false
                ),
                (
                    "/c/src/cli/inline/nested/mod.rs".into(),
                    m(&["cli", "inline", "nested"]),
                    false
                ),
                ("/c/src/spliced.rs".into(), m(&["cli", "inline"]), true),
                ("/c/opt/commands.rs".into(), m(&["cli"]), true),
            ]
        );
    }

    /// A package whose library and binary live under `src/cli/` (`[lib] path`, `[[bin]] path`):
    /// both are crate roots, their `mod`s are below the root, not below `cli`, and a file they
    /// `include!` is in the includer's module, with its items read for the includer.
    #[test]
    fn declared_roots_are_the_crate_root_module() {
        let dir = std::env::temp_dir().join(format!("racewise-layout-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let write = |rel: &str, text: &str| {
            let p = dir.join(rel);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(p, text).expect("write");
        };
        write(
            "Cargo.toml",
            "[package]\nname = \"tools\"\n[lib]\nname = \"tools_cli\"\npath = \"src/cli/lib.rs\"\n\
             [[bin]]\nname = \"tool\"\npath = \"src/cli/main.rs\"\n[[bin]]\nname = \"extra\"\npath = \"src/bin/extra.rs\"\n",
        );
        write(
            "src/cli/lib.rs",
            "include!(\"../opt/commands.rs\");\nmod login;\n",
        );
        write("src/cli/login.rs", "pub fn run() {}\n");
        write("src/cli/main.rs", "fn main() {}\n");
        write("src/bin/extra.rs", "mod helper;\nfn main() {}\n");
        write("src/bin/helper.rs", "pub fn h() {}\n");
        write(
            "src/opt/commands.rs",
            "#[derive(Clone)]\npub struct Cli { pub debug: bool }\npub enum Command { Login(Login) }\n\
             const fn limit() -> u8 { 3 }\nstatic mut COUNT: u8 = 0;\nimpl Cli { fn hidden() {} }\n",
        );
        let canon = std::fs::canonicalize(&dir).expect("canonical");
        let reach = reachable(&[canon.as_path()], &HashSet::new());
        let reach = reach[&canon].as_ref().expect("the tree is known");
        let module = |rel: &str| reach.modules.get(&canon.join(rel)).cloned();
        assert_eq!(module("src/cli/lib.rs"), Some(vec![]));
        assert_eq!(module("src/cli/main.rs"), Some(vec![]));
        assert_eq!(module("src/cli/login.rs"), Some(vec!["login".to_string()]));
        assert_eq!(module("src/opt/commands.rs"), Some(vec![]));
        // `src/bin/` targets keep their place on disk.
        assert_eq!(module("src/bin/extra.rs"), None);
        assert_eq!(module("src/bin/helper.rs"), None);
        assert!(reach.files.contains(&canon.join("src/bin/helper.rs")));
        assert_eq!(
            reach.includes,
            vec![(
                canon.join("src/cli/lib.rs"),
                canon.join("src/opt/commands.rs")
            )]
        );
        let text = std::fs::read_to_string(canon.join("src/opt/commands.rs")).expect("read");
        assert_eq!(
            item_names(&text),
            ["COUNT", "Cli", "Command", "limit"],
            "a method of an impl is no item of the module"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn module_declarations_by_kind() {
        let src = r#"
            mod plain;
            #[cfg(feature = "x")] pub(crate) mod gated;
            #[path = "../shared/util.rs"] mod util;
            mod inline { mod nested; #[path = "p.rs"] mod pathed; }
            cfg_if::cfg_if! { if #[cfg(unix)] { mod unix; } else { mod other; } }
            #[cfg_attr(windows, path = "win.rs")] mod sys;
            include!("generated.rs");
            fn f() { let s = "mod fake;"; }
        "#;
        let got = children(src, "/c/src/net.rs");
        let want = [
            "/c/src/net/plain.rs",
            "/c/src/net/plain/mod.rs",
            "/c/src/net/gated.rs",
            "/c/src/net/gated/mod.rs",
            "/c/shared/util.rs",
            "/c/src/net/inline/nested.rs",
            "/c/src/net/inline/nested/mod.rs",
            "/c/src/net/inline/p.rs",
            "/c/src/net/unix.rs",
            "/c/src/net/unix/mod.rs",
            "/c/src/net/other.rs",
            "/c/src/net/other/mod.rs",
            "/c/src/win.rs",
            "/c/src/net/sys.rs",
            "/c/src/net/sys/mod.rs",
            "/c/src/generated.rs",
        ];
        assert_eq!(got, want);
        let generated = "macro_rules! m { ($n:ident) => { mod $n; } } m!(a);";
        assert!(declared_in(generated, &ctx_of("/c/src/lib.rs")).is_none());
        assert!(may_declare_files("pub mod a ;"));
        assert!(may_declare_files("($n:ident) => { mod $n; }"));
        assert!(may_declare_files("mod r#type;"));
        assert!(may_declare_files("include!(\"gen.rs\");"));
        assert!(!may_declare_files(
            "let include_hidden = true; // include files"
        ));
        assert!(!may_declare_files(
            "mod tests { use super::*; }\nfn model() {}"
        ));
        assert_eq!(
            children("mod a;", "/c/src/mod.rs"),
            ["/c/src/a.rs", "/c/src/a/mod.rs"]
        );
    }

    fn paths(found: Option<Vec<Child>>) -> Option<Vec<String>> {
        found.map(|f| {
            f.into_iter()
                .map(|c| c.path.display().to_string())
                .collect()
        })
    }

    /// Where the byte scan answers (no `#[path]`, no `include!`), it answers what the token
    /// scan does.
    fn agree(src: &str) -> Option<Vec<String>> {
        let text = src.strip_prefix('\u{feff}').unwrap_or(src);
        assert!(
            !matches!(
                super::super::mod_scan::mod_decls(text),
                Scanned::NeedsTokens
            ),
            "{src}"
        );
        let ctx = ctx_of("/c/src/lib.rs");
        let by_bytes = paths(declared_in(src, &ctx));
        assert_eq!(by_bytes, paths(token_scan(src, &ctx, false)), "{src}");
        by_bytes
    }

    #[test]
    fn byte_scan_agrees_with_the_token_scan() {
        let found = |src: &str| agree(src).expect("the tree is known").len() / 2;
        assert_eq!(
            found("mod a;\nmod b { mod c; fn f() { mod d; } }\nmod e {}"),
            2
        );
        assert_eq!(
            found("pub(crate) mod\ta\n;\n#![allow(x)] #[cfg(test)] mod tests;"),
            2
        );
        assert_eq!(
            found("cfg_if::cfg_if! { if #[cfg(unix)] { mod unix; } else { mod other; } }"),
            2
        );
        assert_eq!(
            found("macro_rules! name { () => { fn f() { mod x; } } }"),
            1
        );
        assert_eq!(found("m!{ fn f() { mod deep; } }\nfoo!(x) { mod no; }"), 1);
        // Literals and comments hide braces and declarations.
        assert_eq!(found(r##"fn f() { let s = "mod fake; {"; } mod real;"##), 1);
        assert_eq!(
            found(r###"const R: &str = r#"mod raw; } "# ; mod real;"###),
            1
        );
        assert_eq!(
            found(r#"const B: &[u8] = br"}"; const C: &CStr = c"{"; mod real;"#),
            1
        );
        assert_eq!(
            found("fn f() -> char { '{' } mod a; const Q: char = '\\''; mod b;"),
            2
        );
        assert_eq!(
            found("const B: u8 = b'}'; const U: char = '\\u{7b}'; mod a;"),
            1
        );
        assert_eq!(
            found("struct S<'a> { x: &'a str } impl<'a> S<'a> {} mod a;"),
            1
        );
        assert_eq!(found("m! { 'outer: loop { mod x; } }"), 1);
        assert_eq!(found("fn f() { let c = 'é'; } mod a;"), 1);
        assert_eq!(
            found("/* mod c1; /* nested } */ mod c2; */ // mod c3;\nmod real;"),
            1
        );
        assert_eq!(found("/// mod doc;\n#[doc = \"mod fake; {\"] mod real;"), 1);
        assert_eq!(
            found("const X: f64 = 1.5e3; const Y: u8 = 0x1f; mod r#type;"),
            1
        );
        assert_eq!(found("mod ünï;"), 1);
        // Given up on, or not lexed: the tree is unknown.
        assert_eq!(agree("macro_rules! m { ($n:ident) => { mod $n; } }"), None);
        assert_eq!(agree("mod a; \"unterminated"), None);
        assert_eq!(agree("mod a; fn f() { /* unterminated"), None);
        assert_eq!(agree("mod a; fn f() { )"), None);
        // Not given up on: the metavariable is in a fn body, which is not looked at.
        assert_eq!(agree("fn f() { m! { mod $x; } }"), Some(Vec::new()));
        // Whitespace the lexer skips: a byte-order mark, U+2028, a vertical tab.
        assert_eq!(found("\u{feff}mod a;\nfn main() {}"), 1);
        assert_eq!(found("mod a;\u{2028}mod b;\u{85}mod\x0Bc;"), 3);
        // Attributes that write a path, however spelled, and `include!` go to the token scan.
        let needs_tokens = |src: &str| {
            let ctx = ctx_of("/c/src/lib.rs");
            assert_eq!(
                paths(declared_in(src, &ctx)),
                paths(token_scan(src, &ctx, true)),
                "{src}"
            );
            super::super::mod_scan::mod_decls(src) == Scanned::NeedsTokens
        };
        assert!(needs_tokens("# [path = \"x.rs\"] mod a;"));
        assert!(needs_tokens("#[path /* gen */ = \"g.rs\"] mod g;"));
        assert!(needs_tokens(
            "#[cfg_attr(\n  feature = \"x\",\n  // nightly\n  path = \"u.rs\")]\nmod sys;"
        ));
        assert!(needs_tokens(
            "mod a; fn f() { include /* c */ !(\"t.rs\") }"
        ));
        assert!(!needs_tokens(
            "mod a; fn f() { let path = dir.join(n); if path == o {} } #[doc = \"path = x\"] mod b;"
        ));
    }

    /// Run by hand over cargo's registry: `cargo test -p racewise --lib byte_scan_agrees_on --
    /// --ignored`. Every file the byte scan reads must give the token scan's answer.
    #[test]
    #[ignore]
    fn byte_scan_agrees_on_the_registry() {
        let home = std::env::var("CARGO_HOME")
            .unwrap_or_else(|_| format!("{}/.cargo", std::env::var("HOME").unwrap_or_default()));
        let mut checked = 0;
        for entry in ignore::WalkBuilder::new(format!("{home}/registry/src"))
            .standard_filters(false)
            .build()
        {
            let Ok(entry) = entry else { continue };
            if entry.path().extension().is_none_or(|x| x != "rs") {
                continue;
            }
            let Ok(src) = std::fs::read_to_string(entry.path()) else {
                continue;
            };
            if !may_declare_files(&src)
                || super::super::mod_scan::mod_decls(&src) == Scanned::NeedsTokens
            {
                continue;
            }
            let ctx = ctx_of("/c/src/lib.rs");
            assert_eq!(
                paths(declared_in(&src, &ctx)),
                paths(token_scan(&src, &ctx, false)),
                "{}",
                entry.path().display()
            );
            checked += 1;
        }
        eprintln!("{checked} files agree");
    }

    #[test]
    fn item_level_only_unless_a_path_or_include_is_written() {
        // Without `#[path]`, a `mod x;` in a fn body or an impl does not compile: not looked at.
        let src = "mod a;\nimpl S { fn f() { mod b; } }\nfn g() { cfg_if! { mod c; } }";
        assert_eq!(
            children(src, "/c/src/mod.rs"),
            ["/c/src/a.rs", "/c/src/a/mod.rs"]
        );
        let src = "mod a;\nfn f() { #[path = \"gen/x.rs\"] mod x; }";
        assert_eq!(
            children(src, "/c/src/mod.rs"),
            ["/c/src/a.rs", "/c/src/a/mod.rs", "/c/src/gen/x.rs"]
        );
        let src = "mod a;\nfn table() -> &'static [u8] { include!(\"table.rs\") }";
        assert_eq!(
            children(src, "/c/src/mod.rs"),
            ["/c/src/a.rs", "/c/src/a/mod.rs", "/c/src/table.rs"]
        );
    }
}
