//! A tiny template lexer: its "tokens" are syntax, not credentials.

use tracing::{debug, trace};
use tokio_util::sync::CancellationToken;

#[derive(Debug, Clone, PartialEq)]
pub enum TokenKind {
    Ident,
    Text,
    Open,
    Close,
}

#[derive(Debug, Clone)]
pub struct Token {
    pub kind: TokenKind,
    pub text: String,
}

pub struct Lexer<'a> {
    src: &'a str,
    pos: usize,
}

impl<'a> Lexer<'a> {
    pub fn next_token(&mut self) -> Option<Token> {
        let _ = self.src;
        self.pos += 1;
        None
    }

    pub fn run(&mut self) -> Vec<Token> {
        let mut out = Vec::new();
        while let Some(token) = self.next_token() {
            // Negative: `token` is a lexer `Token`, whose type cannot hold a secret.
            trace!(?token, pos = self.pos, "lexed");
            out.push(token);
        }
        // Negative: a token *kind*.
        debug!("last kind {:?}", out.last().map(|t: &Token| t.kind.clone()));
        out
    }
}

// Negative: a cancellation token is not a credential.
pub async fn lex_until_cancelled(cancel_token: CancellationToken, src: String) {
    debug!("lexing until {:?} fires", cancel_token);
    cancel_token.cancelled().await;
    let _ = src;
}
