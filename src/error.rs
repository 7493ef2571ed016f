//! Typed errors of the library. The CLI wraps them with `anyhow` and adds the file name.

use std::path::PathBuf;

/// Everything the library can fail with. Input data never panics; it ends up here.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file being read or written.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// Text that must be UTF-8 is not.
    #[error("invalid UTF-8 at byte offset {offset}")]
    InvalidUtf8 {
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// A mapping table (the `mappings/*.table` format) could not be parsed.
    #[error("{file}:{line}: bad mapping table: {reason}")]
    TableFormat {
        /// The table's file name.
        file: String,
        /// 1-based line of the table where parsing failed.
        line: usize,
        /// What is wrong with that line.
        reason: String,
    },
    /// A repertoire name that is not one of the built-in repertoires.
    #[error("unknown repertoire `{0}`")]
    UnknownRepertoire(String),
    /// A language-model file is malformed or incompatible.
    #[error("language model: {0}")]
    LanguageModel(String),
    /// A PDF could not be read or decoded.
    #[error("PDF: {0}")]
    Pdf(String),
    /// A font (embedded or a font file) could not be read.
    #[error("font: {0}")]
    Font(String),
    /// Any other failure, described by its message.
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

impl From<glyphmend_table_format::Error> for Error {
    fn from(e: glyphmend_table_format::Error) -> Self {
        use glyphmend_table_format::Error as Table;
        match e {
            Table::TableFormat { file, line, reason } => Error::TableFormat { file, line, reason },
            Table::UnknownRepertoire(name) => Error::UnknownRepertoire(name),
            Table::Other(s) => Error::Other(s),
        }
    }
}

/// The library's result type, with [`Error`] as the default error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
