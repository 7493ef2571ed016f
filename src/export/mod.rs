//! Export stage: what a batch leaves on disk and what people and other tools read from it.
//!
//! * [`corpus`] — the per-document result (`doc.json`) and the corpus lines (`corpus.jsonl`);
//! * [`index`] / [`search`] — a tantivy full-text index with a CJK-bigram tokenizer, queries,
//!   and OpenSearch bulk export;
//! * [`review`] — a static, self-contained HTML report of every repair;
//! * [`diff`] — original vs repaired in a terminal.
//!
//! Invariant: every file written here goes through [`write_atomic`] (temp file + rename in the
//! same directory), so a reader never sees a half-written output, and a killed run leaves the
//! previous version in place.

pub mod corpus;
pub mod diff;
pub mod index;
pub mod review;
pub mod search;

use std::io::Write;
use std::path::{Path, PathBuf};

/// Errors of the export stage.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: bad JSON: {source}")]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("query: {0}")]
    Query(#[from] tantivy::query::QueryParserError),
    #[error("{0}")]
    Other(String),
}

impl ExportError {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        ExportError::Io {
            path: path.into(),
            source,
        }
    }
}

impl From<ExportError> for crate::Error {
    fn from(e: ExportError) -> Self {
        match e {
            ExportError::Io { path, source } => crate::Error::Io { path, source },
            other => crate::Error::Other(other.to_string()),
        }
    }
}

pub type Result<T, E = ExportError> = std::result::Result<T, E>;

/// Writes `bytes` to `path` atomically: a temporary file in the same directory, flushed and
/// synced, then renamed over `path`. Creates missing parent directories.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| ExportError::io(dir, e))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    // Unique per process and thread: parallel workers never share a temp name.
    let tmp = dir.join(format!(
        ".{name}.tmp-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(ExportError::io(path, e));
    }
    Ok(())
}

/// Reads and parses a JSON file.
pub fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T> {
    let bytes = std::fs::read(path).map_err(|e| ExportError::io(path, e))?;
    serde_json::from_slice(&bytes).map_err(|source| ExportError::Json {
        path: path.to_path_buf(),
        source,
    })
}

/// Pretty JSON with a final newline (stable: struct fields in declaration order).
pub fn to_json_pretty<T: serde::Serialize>(value: &T) -> Vec<u8> {
    // Serialising our own plain data types cannot fail (no maps with non-string keys).
    let mut v = serde_json::to_vec_pretty(value).unwrap_or_default();
    v.push(b'\n');
    v
}
