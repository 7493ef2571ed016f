//! Why a table could not be read. glyphmend converts it into its own error type, keeping
//! the variant and the message.

/// A table-format failure.
#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// A mapping table (the `mappings/*.table` format) could not be parsed.
    TableFormat {
        /// The table's file name.
        file: String,
        /// 1-based line of the table where parsing failed.
        line: usize,
        /// What is wrong with that line.
        reason: String,
    },
    /// A repertoire name that is not one of the built-in repertoires.
    UnknownRepertoire(String),
    /// Any other failure, described by its message.
    Other(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::TableFormat { file, line, reason } => {
                write!(f, "{file}:{line}: bad mapping table: {reason}")
            }
            Error::UnknownRepertoire(name) => write!(f, "unknown repertoire `{name}`"),
            Error::Other(s) => f.write_str(s),
        }
    }
}

impl std::error::Error for Error {}

/// This crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
