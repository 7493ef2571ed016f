//! An input read into memory: a PDF's bytes or a decoded text ([`Source`]), and its kind.
//!
//! Invariant: a [`Source::Text`] is already decoded by [`super::decode()`] (the only text
//! decoder) and carries the sha256 of the bytes it was decoded from.

use super::{PipelineError, TextEncoding, decode};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::Path;

/// The kind of an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// A PDF file.
    Pdf,
    /// A text file (pdftotext output, pages separated by form feeds).
    Txt,
}

impl SourceKind {
    /// The kind a path names by its extension (`.pdf`, `.txt`), if any.
    pub fn of_extension(path: &Path) -> Option<SourceKind> {
        let ext = path.extension()?.to_string_lossy().to_ascii_lowercase();
        match ext.as_str() {
            "pdf" => Some(SourceKind::Pdf),
            "txt" => Some(SourceKind::Txt),
            _ => None,
        }
    }
}

/// An input, read into memory.
#[derive(Debug, Clone)]
pub enum Source {
    /// A PDF's bytes.
    Pdf {
        /// Name shown in messages and records (a path as given, or relative to a batch).
        name: String,
        /// The file's bytes.
        bytes: Vec<u8>,
    },
    /// A decoded text.
    Text {
        /// Name shown in messages and records.
        name: String,
        /// The text, decoded.
        text: String,
        /// The encoding it was in.
        encoding: TextEncoding,
        /// sha256 of the file's bytes.
        sha256: String,
    },
}

impl Source {
    /// Reads a file (`-`: standard input). A PDF is recognised by its `%PDF-` header or its
    /// `.pdf` extension; anything else is text and decoded.
    pub fn read(path: &Path) -> Result<Source, PipelineError> {
        let name = if path.as_os_str() == "-" {
            "<stdin>".to_string()
        } else {
            path.display().to_string()
        };
        let bytes = if path.as_os_str() == "-" {
            let mut v = Vec::new();
            std::io::Read::read_to_end(&mut std::io::stdin(), &mut v).map_err(|source| {
                PipelineError::Io {
                    file: name.clone(),
                    source,
                }
            })?;
            v
        } else {
            std::fs::read(path).map_err(|source| PipelineError::Io {
                file: name.clone(),
                source,
            })?
        };
        let kind = if bytes.starts_with(b"%PDF-")
            || SourceKind::of_extension(path) == Some(SourceKind::Pdf)
        {
            SourceKind::Pdf
        } else {
            SourceKind::Txt
        };
        Source::from_bytes(name, bytes, kind)
    }

    /// An input of a known kind from its bytes (text is decoded here).
    pub fn from_bytes(
        name: impl Into<String>,
        bytes: Vec<u8>,
        kind: SourceKind,
    ) -> Result<Source, PipelineError> {
        let name = name.into();
        Ok(match kind {
            SourceKind::Pdf => Source::Pdf { name, bytes },
            SourceKind::Txt => {
                let sha256 = hex::encode(Sha256::digest(&bytes));
                let (text, encoding) = decode(&bytes).map_err(|source| PipelineError::Decode {
                    file: name.clone(),
                    source,
                })?;
                Source::Text {
                    name,
                    text,
                    encoding,
                    sha256,
                }
            }
        })
    }

    /// A text already in memory (a test, a library caller).
    pub fn text(name: impl Into<String>, text: impl Into<String>) -> Source {
        let text = text.into();
        Source::Text {
            name: name.into(),
            sha256: hex::encode(Sha256::digest(text.as_bytes())),
            text,
            encoding: TextEncoding::Utf8,
        }
    }

    /// The name given to the input.
    pub fn name(&self) -> &str {
        match self {
            Source::Pdf { name, .. } | Source::Text { name, .. } => name,
        }
    }

    /// The kind of the input.
    pub fn kind(&self) -> SourceKind {
        match self {
            Source::Pdf { .. } => SourceKind::Pdf,
            Source::Text { .. } => SourceKind::Txt,
        }
    }
}
