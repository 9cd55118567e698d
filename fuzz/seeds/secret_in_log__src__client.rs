//! Upstream API client.

use log::{debug as log_debug, info as log_info};
use tracing::{event, Level};

pub struct Credentials {
    pub client_id: String,
    pub client_secret: String,
    pub signing_key: Vec<u8>,
}

pub struct ApiClient {
    http: reqwest::Client,
    creds: Credentials,
    api_key: String,
}

impl ApiClient {
    pub fn new(creds: Credentials, api_key: String) -> Self {
        ApiClient { http: reqwest::Client::new(), creds, api_key }
    }

    pub fn secret(&self) -> &str {
        &self.creds.client_secret
    }

    // Positive: `eprintln!` of a secret field with `{:?}`.
    pub fn dump(&self) {
        eprintln!("client {} secret {:?}", self.creds.client_id, self.creds.client_secret); //~ secret_in_log
    }

    // Positive: the log crate (imported under an alias) with a `.as_str()` view of the key.
    pub fn log_key(&self) {
        log_info!("calling upstream with key {}", self.api_key.as_str()); //~ secret_in_log
    }

    // Positive: hex of the signing key is the key.
    pub fn log_signing_key(&self) {
        log_debug!("signing key {}", hex::encode(&self.creds.signing_key)); //~ secret_in_log
    }

    // Positive: an accessor named `secret()`.
    pub fn log_secret(&self) {
        println!("secret: {}", self.secret()); //~ secret_in_log
    }

    // Positive: `event!` with a named field whose name is a secret and whose value is a plain variable.
    pub async fn rotate(&mut self, fresh: String) {
        event!(Level::INFO, api_key = %fresh, "rotating api key"); //~ secret_in_log
        self.api_key = fresh;
    }

    // Negative: the prefix length and whether the key is set, not the key.
    pub fn describe(&self) {
        log_info!("api key set: {}, {} chars", !self.api_key.is_empty(), self.api_key.len());
    }

    pub async fn get(&self, path: &str) -> reqwest::Result<String> {
        // Negative: the path and the client id are not secrets.
        log_debug!("GET {} as {}", path, self.creds.client_id);
        self.http.get(path).bearer_auth(&self.api_key).send().await?.text().await
    }
}
