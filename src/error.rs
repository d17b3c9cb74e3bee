//! The library's error type: every variant carries the context a user needs
//! to act on it (a path, a line, a name), and none ever carries a secret.

use std::path::PathBuf;

use crate::llm::LlmError;

/// A problem in one input file that does not stop the run: the file (or
/// part of it) is skipped and the others are still processed. `--strict`
/// turns warnings into [`Error::Strict`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Warning {
    pub path: String,
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "{}:{}: {}", self.path, self.line, self.message)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("content directory {path} does not exist (pass --content DIR or set `content` in draft.toml)")]
    MissingContent { path: PathBuf },

    #[error("content directory {path} holds no Markdown files (*.md)")]
    EmptyContent { path: PathBuf },

    #[error("{path}: cannot read: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("{path}: cannot write: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("{path}:{line}:{column}: invalid profile: {message}")]
    Profile {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },

    #[error("{count} warning(s) and --strict is set; first: {first}")]
    Strict { count: usize, first: Warning },

    #[error("unknown company `{name}`{}; known companies: {}", suggestion.as_ref().map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default(), known.join(", "))]
    UnknownCompany {
        name: String,
        suggestion: Option<String>,
        known: Vec<String>,
    },

    #[error("template `{name}`: {message}")]
    Template { name: String, message: String },

    #[error("unknown token encoding `{name}`; known encodings: {}", known.join(", "))]
    UnknownEncoding { name: String, known: Vec<String> },

    #[error("invalid {option} `{value}`: {reason}")]
    InvalidDate {
        option: String,
        value: String,
        reason: String,
    },

    #[error("{path}: {message}")]
    Input { path: PathBuf, message: String },

    #[error(transparent)]
    Llm(#[from] LlmError),
}
