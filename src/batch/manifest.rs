//! `manifest.json` (deterministic: the same inputs, tables and model give the same bytes,
//! whatever the thread count and whether inputs were resumed) and `timings.json` (everything
//! that depends on the run: threads, durations, what was skipped).

use serde::{Deserialize, Serialize};

/// Version of the manifest layout; bump when fields change meaning.
pub const MANIFEST_FORMAT: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    /// `glyphmend <crate version>`.
    pub tool: String,
    /// sha256 over the crate version, every table's text and the language model bytes. An
    /// input is reprocessed when this or its own sha256 changes.
    pub tables_version: String,
    pub tables: Vec<TableVersion>,
    /// sha256 of the language model bytes (empty input hashes when no model is built in).
    pub model_sha256: String,
    pub summary: Summary,
    /// Every input found, sorted by path.
    pub inputs: Vec<InputEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableVersion {
    pub name: String,
    pub sha256: String,
    pub rules: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub inputs: usize,
    pub ok: usize,
    pub failed: usize,
    pub pages: usize,
    pub repaired_spans: usize,
    pub low_confidence_spans: usize,
    pub unresolved_spans: usize,
    pub records: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Failed,
}

/// One input of the batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputEntry {
    /// Relative to the input directory, `/`-separated.
    pub path: String,
    /// `pdf` or `txt`.
    pub kind: String,
    pub bytes: Option<u64>,
    pub sha256: Option<String>,
    pub status: Status,
    /// The stage that failed: `read`, `decode`, `extract`, `write`, `internal`.
    pub failed_stage: Option<String>,
    pub error: Option<String>,
    pub pages: usize,
    pub repaired_spans: usize,
    pub low_confidence_spans: usize,
    pub unresolved_spans: usize,
    pub records: usize,
    /// Directory of this input's outputs, relative to the output directory.
    pub outputs: Option<String>,
}

/// `timings.json`: per run, not deterministic, kept out of the manifest on purpose.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Timings {
    pub threads: usize,
    pub wall_seconds: f64,
    pub inputs: usize,
    pub processed: usize,
    pub skipped: usize,
    pub pages: usize,
    pub pages_processed: usize,
    pub files_per_second: f64,
    pub pages_per_second: f64,
    pub files: Vec<FileTiming>,
}

/// Milliseconds spent per stage on one input.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct FileTiming {
    pub path: String,
    /// Resumed from the previous run (content and tables unchanged).
    pub skipped: bool,
    pub read_ms: f64,
    pub extract_ms: f64,
    pub repair_ms: f64,
    pub records_ms: f64,
    pub write_ms: f64,
    pub total_ms: f64,
}
