//! `racewise.toml`: per-rule `enabled`/`severity`, path excludes, per-path overrides and
//! project-specific blocking functions. Unknown keys and rule names are errors (exit 2) that
//! name the file, the line and what is valid.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use racewise_lints::{Severity, registry};
use serde::Deserialize;

use crate::error::UsageError;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Globs (relative to the scan root) of files never scanned.
    #[serde(default)]
    pub exclude: Vec<String>,
    #[serde(default)]
    pub rules: BTreeMap<String, RuleConfig>,
    /// Per-path rule settings, applied in order (later wins).
    #[serde(default)]
    pub overrides: Vec<Override>,
    /// Project-specific blocking functions (`crate::db::query_sync`, `reqwest::blocking::*`).
    #[serde(default)]
    pub blocking_paths: Vec<String>,
    /// The file this came from, for messages.
    #[serde(skip)]
    pub source: Option<PathBuf>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleConfig {
    pub enabled: Option<bool>,
    pub severity: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Override {
    pub paths: Vec<String>,
    #[serde(default)]
    pub rules: BTreeMap<String, RuleConfig>,
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

fn find_line(text: &str, needle: &str) -> usize {
    text.find(needle).map(|o| line_of(text, o)).unwrap_or(1)
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
        let file = path.display().to_string();
        let mut cfg: Config = toml::from_str(text).map_err(|e| UsageError::Config {
            file: file.clone(),
            line: e.span().map(|s| line_of(text, s.start)).unwrap_or(1),
            message: format!(
                "{}valid top-level keys: exclude, rules, overrides, blocking_paths; rule keys: enabled, severity",
                e.message().trim_end().to_string() + "; "
            ),
        })?;
        cfg.source = Some(path.to_path_buf());
        let valid = registry::names().join(", ");
        let all_rule_tables = cfg
            .rules
            .iter()
            .chain(cfg.overrides.iter().flat_map(|o| o.rules.iter()));
        for (name, rc) in all_rule_tables {
            if registry::find(name).is_none() {
                return Err(UsageError::Config {
                    file,
                    line: find_line(text, name),
                    message: format!("unknown rule `{name}`; valid rules: {valid}"),
                });
            }
            if let Some(sev) = &rc.severity
                && Severity::parse(sev).is_none()
            {
                return Err(UsageError::Config {
                    file,
                    line: find_line(text, sev),
                    message: format!(
                        "invalid severity `{sev}` for `{name}`; valid: critical, high, medium, low"
                    ),
                });
            }
        }
        Ok(cfg)
    }

    pub fn rule_enabled(&self, rule: &str) -> bool {
        self.rules.get(rule).and_then(|r| r.enabled).unwrap_or(true)
    }

    pub fn severity_for(&self, rule: &str) -> Option<Severity> {
        self.rules
            .get(rule)
            .and_then(|r| r.severity.as_deref())
            .and_then(Severity::parse)
    }
}
