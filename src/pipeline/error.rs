//! Why an input failed and at which [`Stage`] (the names a batch manifest records).
//!
//! Invariant: every [`PipelineError`] maps to exactly one stage ([`PipelineError::stage`]),
//! and a stage's [`Stage::name`] is its serde name, so the manifest and messages agree.

use super::DecodeError;
use serde::{Deserialize, Serialize};

/// Why an input could not go through the pipeline.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    /// The input could not be read.
    #[error("{file}: cannot read: {source}")]
    Io {
        /// The input as named by the user.
        file: String,
        /// What the OS said.
        #[source]
        source: std::io::Error,
    },
    /// A text input in no supported encoding.
    #[error("{file}: {source}")]
    Decode {
        /// The input as named by the user.
        file: String,
        /// The encoding problem, with its byte offset.
        #[source]
        source: DecodeError,
    },
    /// The PDF could not be read.
    #[error(transparent)]
    Pdf(#[from] crate::ingest::IngestError),
}

impl PipelineError {
    /// The stage that failed, as a batch manifest records it.
    pub fn stage(&self) -> Stage {
        match self {
            PipelineError::Io { .. } => Stage::Read,
            PipelineError::Decode { .. } => Stage::Decode,
            PipelineError::Pdf(crate::ingest::IngestError::Io { .. }) => Stage::Read,
            PipelineError::Pdf(_) => Stage::Extract,
        }
    }
}

impl Stage {
    /// The stage's name as the manifest writes it (`read`, `decode`, …).
    pub fn name(self) -> &'static str {
        match self {
            Stage::Read => "read",
            Stage::Decode => "decode",
            Stage::Extract => "extract",
            Stage::Repair => "repair",
            Stage::Records => "records",
            Stage::Write => "write",
            Stage::Internal => "internal",
            Stage::Timeout => "timeout",
        }
    }
}

impl std::fmt::Display for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl From<PipelineError> for crate::Error {
    fn from(e: PipelineError) -> Self {
        match e {
            PipelineError::Io { file, source } => crate::Error::io(file, source),
            PipelineError::Pdf(e) => e.into(),
            e => crate::Error::Other(e.to_string()),
        }
    }
}

/// The stages of the pipeline, as failures and timings name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// Reading the input's bytes.
    Read,
    /// Decoding a text input.
    Decode,
    /// Reading a PDF's glyphs.
    Extract,
    /// Repairing garbled text.
    Repair,
    /// Program records.
    Records,
    /// Writing outputs.
    Write,
    /// A panic inside the pipeline (a bug), caught so that one input never stops a batch.
    Internal,
    /// Not done within the batch's time bound per input (`batch --timeout`).
    Timeout,
}
