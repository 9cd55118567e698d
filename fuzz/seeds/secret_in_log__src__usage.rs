//! LLM usage accounting: "tokens" here are counts.

use tracing::info;

pub struct Usage {
    pub tokens_used: u64,
    pub max_tokens: u64,
}

// Negative: token counts and limits.
pub fn report(usage: &Usage, model: &str) {
    info!("{} tokens used of {} on {model}", usage.tokens_used, usage.max_tokens);
    let tokens: usize = model.split('-').count();
    info!("model name has {tokens} tokens");
}

// Negative: a token *type* string from an OAuth response.
pub fn log_grant(token_type: &str, expires_in: u64) {
    info!(token_type, expires_in, "grant received");
}
