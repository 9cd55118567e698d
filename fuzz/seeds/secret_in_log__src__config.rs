use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use tracing::{debug, info, warn};

#[derive(Debug, Deserialize)]
pub struct PasswordPolicy {
    pub min_len: usize,
    pub require_digit: bool,
}

#[derive(Deserialize)]
pub struct Config {
    pub listen: String,
    pub database_url: String,
    pub db_user: String,
    pub db_password: String,
    pub api_key: SecretString,
    pub webhook_secret: String,
    pub password_policy: PasswordPolicy,
    pub token_ttl_secs: u64,
}

pub const ADMIN_TOKEN: &str = "change-me";

impl Config {
    pub fn load(path: &str) -> anyhow::Result<Config> {
        let raw = std::fs::read_to_string(path)?;
        let cfg: Config = toml::from_str(&raw)?;
        // Positive: the database password (a field) as a positional argument.
        info!("connecting to {} as {} / {}", cfg.database_url, cfg.db_user, cfg.db_password); //~ secret_in_log
        // Negative: the policy *about* passwords is not a password.
        info!("password policy: {:?}", cfg.password_policy);
        // Negative: a TTL named after tokens is a number.
        debug!(token_ttl_secs = cfg.token_ttl_secs, "token lifetime");
        // Negative: `SecretString` prints `[REDACTED]`.
        debug!(api_key = ?cfg.api_key, "loaded api key");
        // Positive: `.expose_secret()` hands out the plain string.
        debug!("api key = {}", cfg.api_key.expose_secret()); //~ secret_in_log
        // Negative: only whether it is set.
        info!(webhook_configured = !cfg.webhook_secret.is_empty(), "webhooks");
        Ok(cfg)
    }

    // Positive: the whole secret through `println!` with an inline capture of a local.
    pub fn print_effective(&self) {
        let webhook_secret = &self.webhook_secret;
        println!("listen={} webhook_secret={webhook_secret}", self.listen); //~ secret_in_log
    }

    // Positive: a hard-coded admin token constant.
    pub fn warn_default_admin(&self) {
        warn!("admin token is still the default ({})", ADMIN_TOKEN); //~ secret_in_log
    }

    // Negative: a comparison result, not the secret.
    pub fn warn_if_default(&self) {
        warn!(default_admin = ADMIN_TOKEN == "change-me", "admin token check");
    }
}
