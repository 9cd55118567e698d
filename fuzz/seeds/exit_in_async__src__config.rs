use std::fmt;
use std::path::PathBuf;

use serde::Deserialize;

#[derive(Clone, Debug, Deserialize)]
pub struct Config {
    pub listen: String,
    pub data_dir: PathBuf,
    pub workers: usize,
}

#[derive(Debug)]
pub enum ConfigError {
    Io(std::io::Error),
    Parse(toml::de::Error),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Io(err) => write!(f, "read failed: {err}"),
            ConfigError::Parse(err) => write!(f, "parse failed: {err}"),
        }
    }
}

pub async fn load(path: &str) -> Result<Config, ConfigError> {
    let raw = tokio::fs::read_to_string(path).await.map_err(ConfigError::Io)?;
    toml::from_str(&raw).map_err(ConfigError::Parse)
}

// Negative: a synchronous loader used by the CLI before any runtime exists may exit.
pub fn load_or_die(path: &str) -> Config {
    let raw = std::fs::read_to_string(path).unwrap_or_else(|err| {
        eprintln!("cannot read {path}: {err}");
        std::process::exit(66)
    });
    match toml::from_str(&raw) {
        Ok(cfg) => cfg,
        Err(err) => {
            eprintln!("{path}: {err}");
            std::process::exit(78)
        }
    }
}
