//! Errors: per-file problems that become report entries (never aborts), and user-facing errors
//! that end the run with exit code 2.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    ParseError,
    Io,
    NonUtf8,
    TooLarge,
    SymlinkLoop,
    InternalError,
}

impl ErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::ParseError => "parse_error",
            ErrorKind::Io => "io_error",
            ErrorKind::NonUtf8 => "non_utf8",
            ErrorKind::TooLarge => "too_large",
            ErrorKind::SymlinkLoop => "symlink_loop",
            ErrorKind::InternalError => "internal_error",
        }
    }
}

/// A file that could not be (fully) analyzed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct FileError {
    pub file: String,
    #[serde(serialize_with = "ser_kind")]
    pub kind: ErrorKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    pub message: String,
}

fn ser_kind<S: serde::Serializer>(k: &ErrorKind, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(k.as_str())
}

impl FileError {
    pub fn new(file: String, kind: ErrorKind, line: Option<u32>, message: String) -> Self {
        FileError {
            file,
            kind,
            line,
            column: None,
            message,
        }
    }
}

/// Errors that stop a run before analysis: bad flags, bad config, unwritable output.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum UsageError {
    #[error("{0}")]
    #[diagnostic(code(racewise::usage))]
    Usage(String),
    #[error("{file}:{line}: {message}")]
    #[diagnostic(code(racewise::config))]
    Config {
        file: String,
        line: usize,
        message: String,
    },
    #[error("cannot write {path}: {source}")]
    #[diagnostic(code(racewise::io))]
    Write {
        path: String,
        #[source]
        source: std::io::Error,
    },
}
