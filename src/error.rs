//! Typed errors of the library. The CLI wraps them with `anyhow` and adds the file name.

use std::path::PathBuf;

/// Everything the library can fail with. Input data never panics; it ends up here.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("invalid UTF-8 at byte offset {offset}")]
    InvalidUtf8 { offset: usize },
    #[error("{file}:{line}: bad mapping table: {reason}")]
    TableFormat {
        file: String,
        line: usize,
        reason: String,
    },
    #[error("unknown repertoire `{0}`")]
    UnknownRepertoire(String),
    #[error("language model: {0}")]
    LanguageModel(String),
    #[error("PDF: {0}")]
    Pdf(String),
    #[error("font: {0}")]
    Font(String),
    #[error("{0}")]
    Other(String),
}

impl Error {
    /// Attach a path to an I/O error.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
