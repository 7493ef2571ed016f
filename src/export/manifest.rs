//! `manifest.json` (deterministic: the same inputs, tables and model give the same bytes,
//! whatever the thread count and whether inputs were resumed), `needs_attention.json` (the
//! inputs a reader should look at, deterministic too) and `timings.json` (everything that
//! depends on the run: threads, durations, what was skipped).
//!
//! Invariant: an input is `ok` only when it went through every stage and nothing in it is
//! unresolved or in doubt; otherwise `needs_attention` (with its reasons) or `failed` (with
//! its stage and error).

use crate::export::corpus::SpanCounts;
use crate::pipeline::{Attention, SourceKind, Stage};
use serde::{Deserialize, Serialize};

/// Version of the output directory's layout; bump when a file or field changes meaning.
/// 2: statuses `needs_attention`, warnings and attention per input, `needs_attention.json`,
/// typed records with `source`. 3: span counts ([`SpanCounts`]) count PDF glyph runs
/// decoded through tables, cmaps, … (`decoded_spans`, by `provenance` and `tables`) and
/// unresolved glyph runs, in inputs, summary and `needs_attention.json`; decodings under the
/// confidence threshold need attention. 4: `corpus.jsonl`'s per-page `repairs` are the
/// page's [`SpanCounts`] (decoded runs, learned readings and unresolved glyph runs counted).
pub const MANIFEST_FORMAT: u32 = 4;

/// `manifest.json`: every input with its status, and the versions of tables and model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// [`MANIFEST_FORMAT`] of the run that wrote it.
    pub format: u32,
    /// `glyphmend <crate version>`.
    pub tool: String,
    /// sha256 over the crate version, every table's text and the language model bytes. An
    /// input is reprocessed when this or its own sha256 changes.
    pub tables_version: String,
    /// Each table's name, sha256 and rule count.
    pub tables: Vec<TableVersion>,
    /// sha256 of the language model bytes (empty input hashes when no model is built in).
    pub model_sha256: String,
    /// Counts of inputs by outcome.
    pub summary: Summary,
    /// Every input found, sorted by path.
    pub inputs: Vec<InputEntry>,
    /// Entries of the input directory that were not processed (symbolic links, unreadable
    /// directories), sorted by path.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<SkippedEntry>,
}

/// An entry of the input directory the batch did not process, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SkippedEntry {
    /// Relative to the input directory, `/`-separated.
    pub path: String,
    /// Why it was skipped.
    pub reason: SkipReason,
    /// The OS error for an unreadable entry; where a symbolic link points.
    pub detail: String,
}

/// Why an entry was skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// Symbolic links are never followed (they may lead outside the input or loop).
    Symlink,
    /// The entry (a directory, usually) could not be listed or read: counts as a failure.
    Unreadable,
}

/// One table used by the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableVersion {
    /// Table name.
    pub name: String,
    /// sha256 of its text form.
    pub sha256: String,
    /// Number of rules.
    pub rules: usize,
}

/// Counts over all inputs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct Summary {
    pub inputs: usize,
    pub ok: usize,
    /// Inputs that went through but need a reader's attention (see `needs_attention.json`).
    pub needs_attention: usize,
    pub failed: usize,
    pub pages: usize,
    /// Reviewable spans over all inputs (their [`InputEntry::spans`] added).
    #[serde(flatten)]
    pub spans: SpanCounts,
    pub records: usize,
    /// Warnings over all inputs (each input's are in its entry and its `doc.json`).
    #[serde(default)]
    pub warnings: usize,
    /// Entries not processed (see `Manifest::skipped`).
    #[serde(default)]
    pub skipped: usize,
}

impl Summary {
    /// The counts over `inputs`, with `skipped` entries not processed.
    pub fn of(inputs: &[InputEntry], skipped: usize) -> Summary {
        let mut s = Summary {
            inputs: inputs.len(),
            skipped,
            ..Default::default()
        };
        for e in inputs {
            match e.status {
                Status::Ok => s.ok += 1,
                Status::NeedsAttention => s.needs_attention += 1,
                Status::Failed => s.failed += 1,
            }
            s.pages += e.pages;
            s.spans.add(&e.spans);
            s.records += e.records;
            s.warnings += e.warnings.len();
        }
        s
    }
}

/// What became of one input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Done, nothing unresolved or in doubt.
    Ok,
    /// Done, but unresolved glyphs, unresolved garbling, low-confidence repairs or
    /// decodings, self-learned readings or learned tables: see the entry's `attention`.
    NeedsAttention,
    /// A stage failed: see `failed_stage` and `error`.
    Failed,
}

impl Status {
    /// Whether the input's outputs were written (ok or needs attention).
    pub fn has_outputs(self) -> bool {
        self != Status::Failed
    }
}

/// One input of the batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct InputEntry {
    /// Relative to the input directory, `/`-separated.
    pub path: String,
    /// `pdf` or `txt`.
    pub kind: SourceKind,
    pub bytes: Option<u64>,
    pub sha256: Option<String>,
    pub status: Status,
    /// The stage that failed: `read`, `decode`, `extract`, `write`, `internal`, `timeout`.
    pub failed_stage: Option<Stage>,
    pub error: Option<String>,
    /// Warnings met reading the input.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// Why the input needs attention (status `needs_attention`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attention: Option<Attention>,
    pub pages: usize,
    /// Its reviewable spans: repaired, decoded (by provenance and table), low-confidence,
    /// unresolved ([`SpanCounts::of`] over its `doc.json`; zero for a failed input).
    #[serde(flatten)]
    pub spans: SpanCounts,
    pub records: usize,
    /// Directory of this input's outputs, relative to the output directory.
    pub outputs: Option<String>,
}

/// `needs_attention.json`: the inputs a reader should look at, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NeedsAttention {
    /// [`MANIFEST_FORMAT`].
    pub format: u32,
    /// Inputs that failed, in path order.
    pub failed: Vec<FailedInput>,
    /// Inputs that need attention, in path order (unreadable ones first).
    pub documents: Vec<AttentionEntry>,
}

/// A failed input in `needs_attention.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FailedInput {
    /// Input path.
    pub path: String,
    /// The stage that failed.
    pub stage: Option<Stage>,
    /// The error.
    pub error: String,
}

/// An input that needs attention.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttentionEntry {
    /// Input path.
    pub path: String,
    /// `pdf` or `txt`.
    pub kind: SourceKind,
    /// Nothing of it could be read (all glyphs unresolved).
    pub unreadable: bool,
    /// Its reasons.
    #[serde(flatten)]
    pub attention: Attention,
    /// Its reviewable spans (as in its manifest entry): decodings with their provenance.
    #[serde(flatten)]
    pub spans: SpanCounts,
}

impl NeedsAttention {
    /// The failed and needs-attention inputs of a manifest.
    pub fn of(manifest: &Manifest) -> NeedsAttention {
        let failed = manifest
            .inputs
            .iter()
            .filter(|e| e.status == Status::Failed)
            .map(|e| FailedInput {
                path: e.path.clone(),
                stage: e.failed_stage,
                error: e.error.clone().unwrap_or_default(),
            })
            .collect();
        let mut documents: Vec<AttentionEntry> = manifest
            .inputs
            .iter()
            .filter(|e| e.status == Status::NeedsAttention)
            .filter_map(|e| {
                let a = e.attention.clone()?;
                Some(AttentionEntry {
                    path: e.path.clone(),
                    kind: e.kind,
                    unreadable: a.unreadable(),
                    attention: a,
                    spans: e.spans.clone(),
                })
            })
            .collect();
        // Stable: unreadable first, path order within.
        documents.sort_by(|a, b| b.unreadable.cmp(&a.unreadable).then(a.path.cmp(&b.path)));
        NeedsAttention {
            format: MANIFEST_FORMAT,
            failed,
            documents,
        }
    }

    /// Nothing failed and nothing needs attention.
    pub fn is_empty(&self) -> bool {
        self.failed.is_empty() && self.documents.is_empty()
    }
}

/// `timings.json`: per run, not deterministic, kept out of the manifest on purpose.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[allow(missing_docs)]
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
    /// The input directory, absolute (where `glyphmend review` finds the PDFs it renders);
    /// absent in outputs of older versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_dir: Option<std::path::PathBuf>,
}

/// Milliseconds spent per stage on one input.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct FileTiming {
    pub path: String,
    /// Resumed from the previous run (content and tables unchanged).
    pub skipped: bool,
    pub read_ms: f64,
    /// The pipeline: decoding and repair of a text, extraction of a PDF.
    pub pipeline_ms: f64,
    pub records_ms: f64,
    pub write_ms: f64,
    pub total_ms: f64,
}
