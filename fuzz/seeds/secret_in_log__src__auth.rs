//! Bearer-token middleware.

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use std::sync::Arc;
use tracing::{debug, error, info, info_span, trace, warn, Instrument};

pub struct Sessions;

pub struct Session {
    pub user: String,
    pub token_id: String,
    pub refresh_token: String,
}

impl Sessions {
    pub async fn lookup(&self, token: &str) -> Option<Session> {
        let _ = token;
        None
    }
}

fn redact(s: &str) -> String {
    format!("{}…", s.chars().take(2).collect::<String>())
}

fn bearer(req: &Request) -> Option<&str> {
    req.headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
}

pub async fn require_auth(State(sessions): State<Arc<Sessions>>, req: Request, next: Next) -> Result<Response, StatusCode> {
    let Some(token) = bearer(&req) else {
        // Negative: the literal mentions a token; nothing secret is formatted.
        warn!("request without a bearer token");
        return Err(StatusCode::UNAUTHORIZED);
    };
    // Positive: tracing shorthand `%token`.
    debug!(%token, "authenticating"); //~ secret_in_log
    // Positive: a prefix of the token is still part of the secret.
    trace!("token prefix {}", &token[..8]); //~ secret_in_log
    // Negative: its length only.
    trace!(token_len = token.len(), "token received");
    // Negative: a redaction helper.
    debug!("authenticating {}", redact(token));
    let Some(session) = sessions.lookup(token).await else {
        // Positive: a named tracing field whose value is the token.
        warn!(user_token = %token, "unknown session"); //~ secret_in_log
        return Err(StatusCode::UNAUTHORIZED);
    };
    // Negative: the id of a token is not the token.
    info!(token_id = %session.token_id, user = %session.user, "authenticated");
    // Positive: a span field carries the refresh token into every event of the request.
    let span = info_span!("request", user = %session.user, refresh = %session.refresh_token); //~ secret_in_log
    Ok(next.run(req).instrument(span).await)
}

// Positive: `format!` of the header value inside the log call.
pub fn log_upstream_header(access_token: &str) {
    error!("upstream rejected {}", format!("Authorization: Bearer {access_token}")); //~ secret_in_log
}

// Negative: `format!` builds the header; only a flag is logged.
pub fn build_header(access_token: &str) -> String {
    let has_token = !access_token.is_empty();
    debug!(has_token, "building auth header");
    format!("Bearer {access_token}")
}

#[cfg(test)]
mod tests {
    // Negative: test code prints its fixture token.
    #[test]
    fn prints_fixture() {
        let token = "test-token";
        println!("using {token}");
    }
}
