//! `racewise.toml`: per-rule `enabled`/`severity`, path excludes, per-path overrides and
//! project-specific blocking functions.
//!
//! ```toml
//! exclude = ["generated/**"]
//! blocking_paths = ["crate::db::query_sync", "reqwest::blocking::*", "Db::get"]
//!
//! [resolve]                     # crates of your own that re-export or wrap a well-known one
//! reexports = { common = "tokio", "common::fs" = "std::fs" }
//!
//! [rules.blocking_fs_in_async]
//! severity = "high"
//!
//! [[overrides]]                 # applied in order, later ones win
//! paths = ["src/bin/**"]
//! rules.blocking_fs_in_async.enabled = false
//! ```
//!
//! Unknown keys, unknown rule names, bad severities and bad globs are errors (exit 2) naming the
//! file, the line and what is valid: a typo in a config must never silently turn a rule off.
//!
//! Precedence: `--select`/`--ignore` replace the file's global `enabled` settings (the command
//! line chooses which rules run); per-path overrides then still switch rules off (or back on)
//! for their paths, within the rules the command line allows.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use racewise_lints::{Severity, registry};
use serde::Deserialize;
use toml::Spanned;

use crate::error::UsageError;

#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Globs (relative to the scan root) of files never scanned.
    pub exclude: Vec<String>,
    pub rules: BTreeMap<String, RuleConfig>,
    /// Per-path rule settings, applied in order (later wins).
    pub overrides: Vec<Override>,
    /// Project-specific blocking functions (`crate::db::query_sync`, `reqwest::blocking::*`)
    /// and methods (`crate::store::Db::get`, `Db::get`).
    pub blocking_paths: Vec<String>,
    /// `[resolve] reexports`: a path prefix of the user's own crates that stands for a
    /// well-known crate or module (`common` → `tokio`), longest prefix first.
    pub reexports: Vec<(String, String)>,
    /// How findings in test code are reported (`[tests] mode`).
    pub tests: TestMode,
    /// Files that cannot be read or parsed fail the run (`fail_on_error = true`, or
    /// `--fail-on-error`).
    pub fail_on_error: bool,
    /// The file this came from, for messages.
    pub source: Option<PathBuf>,
}

/// `[tests] mode`: test code is analyzed by every rule; its findings keep their severity
/// (`same`), are lowered one level (`lower`, the default: a blocking sleep in a `#[tokio::test]`
/// stalls only the test's runtime) or are dropped (`skip`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TestMode {
    #[default]
    Lower,
    Same,
    Skip,
}

#[derive(Debug, Clone, Default)]
pub struct RuleConfig {
    pub enabled: Option<bool>,
    pub severity: Option<Severity>,
}

#[derive(Debug, Clone)]
pub struct Override {
    pub paths: Vec<String>,
    matcher: GlobSet,
    pub rules: BTreeMap<String, RuleConfig>,
}

impl Override {
    pub fn matches(&self, path: &str) -> bool {
        self.matcher.is_match(path)
    }
}

// The file as written, with spans for error messages.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, RawRule>,
    #[serde(default)]
    overrides: Vec<RawOverride>,
    #[serde(default)]
    blocking_paths: Vec<Spanned<String>>,
    #[serde(default)]
    fail_on_error: bool,
    tests: Option<RawTests>,
    resolve: Option<RawResolve>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawResolve {
    #[serde(default)]
    reexports: BTreeMap<Spanned<String>, Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTests {
    mode: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    enabled: Option<bool>,
    severity: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOverride {
    paths: Vec<Spanned<String>>,
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, RawRule>,
}

fn line_of(text: &str, offset: usize) -> usize {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].matches('\n').count() + 1
}

struct Ctx<'a> {
    text: &'a str,
    file: String,
}

impl Ctx<'_> {
    fn err<T>(&self, span: std::ops::Range<usize>, message: String) -> Result<T, UsageError> {
        Err(UsageError::Config {
            file: self.file.clone(),
            line: line_of(self.text, span.start),
            message,
        })
    }

    fn rules(
        &self,
        raw: BTreeMap<Spanned<String>, RawRule>,
        table: &str,
    ) -> Result<BTreeMap<String, RuleConfig>, UsageError> {
        let mut out = BTreeMap::new();
        for (name, rule) in raw {
            if registry::find(name.get_ref()).is_none() {
                return self.err(
                    name.span(),
                    format!(
                        "unknown rule `{}` in `{table}`; valid rules: {}",
                        name.get_ref(),
                        registry::names().join(", ")
                    ),
                );
            }
            let severity = match rule.severity {
                None => None,
                Some(s) => match Severity::parse(s.get_ref()) {
                    Some(sev) => Some(sev),
                    None => {
                        return self.err(
                            s.span(),
                            format!(
                                "invalid severity `{}` for rule `{}`; valid severities: critical, high, medium, low",
                                s.get_ref(),
                                name.get_ref()
                            ),
                        );
                    }
                },
            };
            out.insert(
                name.into_inner(),
                RuleConfig {
                    enabled: rule.enabled,
                    severity,
                },
            );
        }
        Ok(out)
    }

    fn globs(&self, raw: &[Spanned<String>], key: &str) -> Result<GlobSet, UsageError> {
        let mut b = GlobSetBuilder::new();
        for g in raw {
            match Glob::new(g.get_ref()) {
                Ok(glob) => {
                    b.add(glob);
                    // As for excludes: `tests` also means everything below it.
                    let p = g.get_ref().trim_end_matches('/');
                    if !p.ends_with("/**")
                        && let Ok(sub) = Glob::new(&format!("{p}/**"))
                    {
                        b.add(sub);
                    }
                }
                Err(e) => {
                    return self.err(
                        g.span(),
                        format!("invalid glob `{}` in `{key}`: {}", g.get_ref(), e.kind()),
                    );
                }
            }
        }
        match b.build() {
            Ok(set) => Ok(set),
            Err(e) => self.err(0..0, format!("invalid globs in `{key}`: {e}")),
        }
    }
}

/// A plain Rust path: `::`-separated identifiers (`common`, `common::rt`, `std::fs`).
fn valid_plain_path(p: &str) -> bool {
    !p.is_empty()
        && p.split("::").all(|seg| {
            seg.chars()
                .next()
                .is_some_and(|c| c.is_alphabetic() || c == '_')
                && seg.chars().all(|c| c.is_alphanumeric() || c == '_')
        })
}

/// Crates racewise knows by name: re-mapping one of them would change what every rule means by
/// it, not teach racewise about a wrapper.
const KNOWN_ROOTS: &[&str] = &[
    "std",
    "core",
    "alloc",
    "tokio",
    "parking_lot",
    "futures",
    "futures_util",
    "crate",
    "self",
    "super",
];

/// A `blocking_paths` entry: `::`-separated Rust path segments, `*` as a wildcard.
fn valid_blocking_path(p: &str) -> bool {
    !p.is_empty()
        && p.split("::").all(|seg| {
            !seg.is_empty()
                && seg
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '*')
        })
}

impl Config {
    /// Load `--config FILE`, or `racewise.toml` at the scan root if present.
    pub fn load(explicit: Option<&Path>, root: &Path) -> Result<Config, UsageError> {
        let path = match explicit {
            Some(p) => p.to_path_buf(),
            None => {
                let p = root.join("racewise.toml");
                if !p.is_file() {
                    return Ok(Config::default());
                }
                p
            }
        };
        let text = std::fs::read_to_string(&path).map_err(|e| UsageError::Config {
            file: path.display().to_string(),
            line: 1,
            message: format!("cannot read config: {e}"),
        })?;
        Config::parse(&text, &path)
    }

    pub fn parse(text: &str, path: &Path) -> Result<Config, UsageError> {
        let cx = Ctx {
            text,
            file: path.display().to_string(),
        };
        let raw: RawConfig = match toml::from_str(text) {
            Ok(r) => r,
            Err(e) => {
                // serde's unknown-field message already lists the valid keys.
                let message = e.message().trim_end().replace('\n', " ");
                return cx.err(e.span().unwrap_or(0..0), message);
            }
        };
        let rules = cx.rules(raw.rules, "rules")?;
        cx.globs(&raw.exclude, "exclude")?;
        let mut overrides = Vec::new();
        for (i, o) in raw.overrides.into_iter().enumerate() {
            let matcher = cx.globs(&o.paths, &format!("overrides[{i}].paths"))?;
            overrides.push(Override {
                paths: o.paths.iter().map(|p| p.get_ref().clone()).collect(),
                matcher,
                rules: cx.rules(o.rules, &format!("overrides[{i}].rules"))?,
            });
        }
        for p in &raw.blocking_paths {
            if !valid_blocking_path(p.get_ref()) {
                return cx.err(
                    p.span(),
                    format!(
                        "invalid entry `{}` in `blocking_paths`: expected a Rust path such as `crate::db::query_sync` or `reqwest::blocking::*`",
                        p.get_ref()
                    ),
                );
            }
        }
        let mut reexports = Vec::new();
        for (from, to) in raw.resolve.map(|r| r.reexports).unwrap_or_default() {
            let (f, t) = (from.get_ref(), to.get_ref());
            if !valid_plain_path(f) {
                return cx.err(
                    from.span(),
                    format!(
                        "invalid key `{f}` in `resolve.reexports`: expected the path of your crate or module that re-exports, such as `common` or `common::rt`"
                    ),
                );
            }
            let root = f.split("::").next().unwrap_or_default();
            if KNOWN_ROOTS.contains(&root) {
                return cx.err(
                    from.span(),
                    format!(
                        "invalid key `{f}` in `resolve.reexports`: `{root}` is a crate racewise already knows; the key is the crate or module of yours that re-exports it"
                    ),
                );
            }
            if !valid_plain_path(t) {
                return cx.err(
                    to.span(),
                    format!(
                        "invalid value `{t}` for `{f}` in `resolve.reexports`: expected the path it stands for, such as \"tokio\" or \"std::fs\""
                    ),
                );
            }
            reexports.push((f.clone(), t.clone()));
        }
        // Longest prefix first: `common::fs` wins over `common` for `common::fs::read`.
        reexports.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        let tests = match raw.tests.and_then(|t| t.mode) {
            None => TestMode::default(),
            Some(m) => match m.get_ref().as_str() {
                "lower" => TestMode::Lower,
                "same" => TestMode::Same,
                "skip" => TestMode::Skip,
                other => {
                    return cx.err(
                        m.span(),
                        format!(
                            "invalid `tests.mode` `{other}`: expected \"lower\", \"same\" or \"skip\""
                        ),
                    );
                }
            },
        };
        Ok(Config {
            exclude: raw.exclude.into_iter().map(Spanned::into_inner).collect(),
            rules,
            overrides,
            blocking_paths: raw
                .blocking_paths
                .into_iter()
                .map(Spanned::into_inner)
                .collect(),
            reexports,
            tests,
            fail_on_error: raw.fail_on_error,
            source: Some(path.to_path_buf()),
        })
    }

    /// The file's global `enabled` setting for `rule` (default: on).
    pub fn rule_enabled(&self, rule: &str) -> bool {
        self.rules.get(rule).and_then(|r| r.enabled).unwrap_or(true)
    }

    /// The file's global severity for `rule`, if it sets one.
    pub fn severity_for(&self, rule: &str) -> Option<Severity> {
        self.rules.get(rule).and_then(|r| r.severity)
    }

    /// Some override turns `rule` on for its paths.
    pub fn enabled_by_override(&self, rule: &str) -> bool {
        self.overrides
            .iter()
            .any(|o| o.rules.get(rule).and_then(|r| r.enabled) == Some(true))
    }

    /// Whether `rule` applies to the file at report path `path`, starting from `base` (the
    /// global decision) and applying the overrides that match the path, in order.
    pub fn enabled_at(&self, rule: &str, path: &str, base: bool) -> bool {
        let mut on = base;
        for o in &self.overrides {
            if let Some(e) = o.rules.get(rule).and_then(|r| r.enabled)
                && o.matches(path)
            {
                on = e;
            }
        }
        on
    }

    /// The configured severity of `rule` at `path`: the last matching override's, else the
    /// global one.
    pub fn severity_at(&self, rule: &str, path: &str) -> Option<Severity> {
        let mut sev = self.severity_for(rule);
        for o in &self.overrides {
            if let Some(s) = o.rules.get(rule).and_then(|r| r.severity)
                && o.matches(path)
            {
                sev = Some(s);
            }
        }
        sev
    }
}

/// Which rules run and where: the command line's `--select`/`--ignore` over the config file.
#[derive(Debug, Clone, Copy)]
pub struct Selection<'a> {
    pub config: &'a Config,
    pub select: Option<&'a [String]>,
    pub ignore: &'a [String],
}

impl Selection<'_> {
    /// The global decision for `rule` before per-path overrides.
    fn base(&self, rule: &str) -> bool {
        if self.ignore.iter().any(|i| i == rule) {
            return false;
        }
        match self.select {
            Some(sel) => sel.iter().any(|s| s == rule),
            None => self.config.rule_enabled(rule),
        }
    }

    /// The command line allows `rule` at all.
    fn allowed(&self, rule: &str) -> bool {
        !self.ignore.iter().any(|i| i == rule)
            && self.select.is_none_or(|sel| sel.iter().any(|s| s == rule))
    }

    /// `rule` has to run: on globally, or on for some override's paths.
    pub fn runs(&self, rule: &str) -> bool {
        self.base(rule) || (self.allowed(rule) && self.config.enabled_by_override(rule))
    }

    /// `rule` applies to the file at report path `path`.
    pub fn active_at(&self, rule: &str, path: &str) -> bool {
        self.allowed(rule) && self.config.enabled_at(rule, path, self.base(rule))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, UsageError> {
        Config::parse(text, Path::new("racewise.toml"))
    }

    fn line(e: UsageError) -> usize {
        match e {
            UsageError::Config { line, .. } => line,
            other => panic!("not a config error: {other}"),
        }
    }

    #[test]
    fn lines_of_errors() {
        let e = parse("exclude = []\n\n[rules.exit_in_asink]\nenabled = false\n").unwrap_err();
        assert!(e.to_string().contains("exit_in_asink"), "{e}");
        assert_eq!(line(e), 3);
        let e =
            parse("[rules.exit_in_async]\nenabled = true\nseverity = \"urgent\"\n").unwrap_err();
        assert_eq!(line(e), 3);
        let e = parse("exclude = []\nexlcude = []\n").unwrap_err();
        assert!(e.to_string().contains("exlcude"), "{e}");
        assert_eq!(line(e), 2);
        let e =
            parse("[[overrides]]\npaths = [\"a/**\"]\n\n[overrides.rules.nope]\nenabled = false\n")
                .unwrap_err();
        assert_eq!(line(e), 4);
        let e = parse("blocking_paths = [\n  \"crate::db::query_sync\",\n  \"bad path\",\n]\n")
            .unwrap_err();
        assert_eq!(line(e), 3);
        let e =
            parse("[resolve]\nreexports = { common = \"tokio\" }\nrexports = {}\n").unwrap_err();
        assert!(e.to_string().contains("rexports"), "{e}");
        let e = parse("[resolve]\n\nreexports = { \"common::\" = \"tokio\" }\n").unwrap_err();
        assert!(e.to_string().contains("invalid key `common::`"), "{e}");
        assert_eq!(line(e), 3);
        let e = parse("[resolve]\nreexports = { tokio = \"std\" }\n").unwrap_err();
        assert!(e.to_string().contains("already knows"), "{e}");
        let e = parse("[resolve]\nreexports = { common = \"tokio::*\" }\n").unwrap_err();
        assert!(e.to_string().contains("invalid value `tokio::*`"), "{e}");
        let e = parse("[resolve]\nreexports = { common = 1 }\n").unwrap_err();
        assert_eq!(line(e), 2);
    }

    #[test]
    fn reexports_longest_prefix_first() {
        let c = parse("[resolve]\nreexports = { common = \"tokio\", \"common::fs\" = \"std::fs\", myfs = \"std::fs\" }\n").unwrap();
        assert_eq!(
            c.reexports,
            [
                ("common::fs".to_string(), "std::fs".to_string()),
                ("common".to_string(), "tokio".to_string()),
                ("myfs".to_string(), "std::fs".to_string()),
            ]
        );
    }

    #[test]
    fn command_line_over_the_file() {
        let c = parse(
            "[rules.exit_in_async]\nenabled = false\n\n[[overrides]]\npaths = [\"src/admin/**\"]\nrules.exit_in_async.enabled = true\nrules.lock_across_await.enabled = false\n",
        )
        .unwrap();
        let none: &[String] = &[];
        let file_only = Selection {
            config: &c,
            select: None,
            ignore: none,
        };
        // Off globally, back on for src/admin: it has to run, and applies only there.
        assert!(file_only.runs("exit_in_async"));
        assert!(!file_only.active_at("exit_in_async", "src/lib.rs"));
        assert!(file_only.active_at("exit_in_async", "src/admin/restart.rs"));
        assert!(!file_only.active_at("lock_across_await", "src/admin/restart.rs"));
        // --select turns it on everywhere; overrides still switch rules off for their paths.
        let sel = ["exit_in_async".to_string(), "lock_across_await".to_string()];
        let selected = Selection {
            config: &c,
            select: Some(&sel),
            ignore: none,
        };
        assert!(selected.active_at("exit_in_async", "src/lib.rs"));
        assert!(!selected.active_at("lock_across_await", "src/admin/restart.rs"));
        assert!(!selected.runs("blocking_fs_in_async"));
        // --ignore wins over everything.
        let ign = ["exit_in_async".to_string()];
        let ignored = Selection {
            config: &c,
            select: None,
            ignore: &ign,
        };
        assert!(!ignored.runs("exit_in_async"));
        assert!(!ignored.active_at("exit_in_async", "src/admin/restart.rs"));
    }

    #[test]
    fn overrides_apply_in_order() {
        let c = parse(
            "[[overrides]]\npaths = [\"src/bin/**\"]\nrules.blocking_fs_in_async.enabled = false\n\n[[overrides]]\npaths = [\"src/bin/keep.rs\"]\nrules.blocking_fs_in_async = { enabled = true, severity = \"low\" }\n",
        )
        .unwrap();
        assert!(!c.enabled_at("blocking_fs_in_async", "src/bin/tool.rs", true));
        assert!(c.enabled_at("blocking_fs_in_async", "src/bin/keep.rs", true));
        assert!(c.enabled_at("blocking_fs_in_async", "src/lib.rs", true));
        assert_eq!(
            c.severity_at("blocking_fs_in_async", "src/bin/keep.rs"),
            Some(Severity::Low)
        );
        assert_eq!(c.severity_at("blocking_fs_in_async", "src/lib.rs"), None);
    }
}
