//! Batch: every PDF and `.txt` under a directory through the [`crate::pipeline`] (the same
//! text `extract`, `repair` and `records` give), into an output directory whose layout
//! [`crate::export::OutDir`] owns: per-document outputs, `corpus.jsonl`, `records.jsonl`,
//! `manifest.json`, `needs_attention.json`, `timings.json`.
//!
//! Invariants:
//! * One bad input never stops the batch: its failure (stage and message) is in the manifest.
//!   Even a panic inside a stage is caught and recorded.
//! * Outputs are written atomically (temp file + rename).
//! * Everything except `timings.json` is byte-identical whatever the thread count, and
//!   whether inputs were resumed or reprocessed: inputs are sorted by path, and nothing
//!   run-dependent goes into those files.
//! * A rerun resumes: an input whose sha256 and the batch's tables version are unchanged
//!   since the manifest of the previous run is not processed again (failures of the
//!   pipeline's stages included — the same bytes fail the same way; read, write, timeout and
//!   internal failures are retried).
//! * An input is `ok` only if nothing in it is unresolved or in doubt; otherwise it is
//!   `needs_attention`, listed with its reasons and fixes in `needs_attention.json`.
//! * One writer per output directory: a batch holds an OS lock on `OUT/.glyphmend.lock`
//!   (released when the process ends, however it ends); a second batch on the same OUT
//!   refuses to start. OUT equal to the input directory is refused; OUT inside it is left
//!   out of the inputs.
//! * Every input is bounded in time ([`BatchOptions::timeout`]): one still running then is
//!   recorded as failed at stage `timeout` and abandoned (its worker thread writes nothing
//!   afterwards), and the batch goes on; PDF work is also bounded by the per-document
//!   budget ([`crate::ingest::budget`]).
//! * A run killed part-way loses only the inputs it had not finished: each finished input
//!   is appended to `OUT/journal.jsonl` (with the tables version) after its outputs are
//!   written, and the next run resumes from the manifest and the journal; the journal is
//!   removed once a manifest commits it. An input is resumed only if all its output files
//!   are there (a deleted `repaired.txt` is regenerated). Temporary files of killed writers
//!   are removed at the start, and the outputs of inputs no longer present at the end.
//! * The aggregate files are one commit ([`OutDir::commit`]): a run killed between two of
//!   them is found at the next start ([`OutDir::commit_problem`], reported in
//!   [`BatchReport::notes`]) and all four are rewritten from the per-document outputs.
//! * A failed write (a full disk) replaces none of an input's earlier outputs (they are
//!   staged and renamed only when all are written): they stay until the retry on the next
//!   run replaces them.
//! * Symbolic links are not followed and unreadable directories do not stop the batch: both
//!   are listed in the manifest's `skipped` (an unreadable one makes the exit status 3).

mod discover;
pub mod manifest;
pub mod merge;
mod process;
pub mod progress;
mod versions;

use discover::discover;
use process::process_bounded;
use versions::{RunVersions, previous_entries, run_versions};

use crate::export::ExportError;
use crate::export::corpus::{CorpusLine, DocResult};
use crate::export::outdir::{Aggregates, OutDir};
use crate::pipeline::{Pipeline, PipelineError, Source, SourceKind, Stage};
use crate::segment::ProgramRecord;
use crate::tables::TableSet;
use manifest::{
    FileTiming, InputEntry, Manifest, NeedsAttention, SkippedEntry, Status, Summary, Timings,
};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Errors that stop a whole batch (a single input's failure never does).
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// Reading or writing a file or directory failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory concerned.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The input path is not a directory.
    #[error("{path}: not a directory")]
    NotADirectory {
        /// The input path given.
        path: PathBuf,
    },
    /// Another batch holds the output directory's lock.
    #[error(
        "{path}: another batch is writing to this output directory (lock {path}/.glyphmend.lock held); wait for it or choose another -o"
    )]
    Locked {
        /// The output directory.
        path: PathBuf,
    },
    /// The output directory is the input directory.
    #[error(
        "{path}: the output directory is the input directory; choose an -o outside it (or a subdirectory, which is left out of the inputs)"
    )]
    OutIsInput {
        /// The directory given as both.
        path: PathBuf,
    },
    /// Shard outputs could not be merged.
    #[error("{path}: cannot merge: {reason}")]
    Merge {
        /// The shard or output directory concerned.
        path: PathBuf,
        /// Why they cannot be merged.
        reason: String,
    },
    /// `--learn-fonts` was combined with `--shard`.
    #[error("--learn-fonts learns from all inputs, a shard sees only its own: run it unsharded")]
    LearnFontsSharded,
    /// The worker thread pool could not be built.
    #[error("thread pool: {0}")]
    ThreadPool(#[from] rayon::ThreadPoolBuildError),
    /// Writing the output directory failed.
    #[error(transparent)]
    Export(#[from] ExportError),
    /// A library stage failed for the whole batch (e.g. loading tables).
    #[error(transparent)]
    Library(#[from] crate::Error),
}

impl From<BatchError> for crate::Error {
    fn from(e: BatchError) -> Self {
        match e {
            BatchError::Io { path, source } => crate::Error::Io { path, source },
            BatchError::Library(e) => e,
            other => crate::Error::Other(other.to_string()),
        }
    }
}

/// Exit status of `glyphmend batch` when every input was tried and at least one failed.
pub const EXIT_SOME_FAILED: u8 = 3;
/// Exit status when nothing failed but some inputs need attention (unresolved glyphs or
/// garbling, repairs or PDF decodings under the confidence threshold, self-learned readings,
/// learned tables): see `needs_attention.json`.
pub const EXIT_NEEDS_ATTENTION: u8 = 4;

/// What to run.
#[derive(Debug, Clone)]
pub struct BatchOptions {
    /// Directory searched (recursively) for `.pdf` and `.txt` inputs.
    pub input_dir: PathBuf,
    /// Output directory (created if missing; see [`crate::export::OutDir`]).
    pub out_dir: PathBuf,
    /// Worker threads (at least 1).
    pub threads: usize,
    /// Extra tables besides the built-in ones (as `repair --tables`).
    pub extra_tables: Option<PathBuf>,
    /// Font files / directories for outline matching (as `extract --font-files`).
    pub font_files: Vec<PathBuf>,
    /// Before processing, learn tables from the batch's own PDFs (`learn --pdf` over the
    /// input directory) for fonts no table covers: one document's ToUnicode repairs another's.
    pub learn_fonts: bool,
    /// Reprocess every input even if unchanged.
    pub force: bool,
    /// Wall time allowed per input (None: unbounded); see [`DEFAULT_TIMEOUT`].
    pub timeout: Option<Duration>,
    /// Per-document limits of PDF extraction.
    pub budget: crate::ingest::budget::Budget,
    /// Password of encrypted PDFs.
    pub password: Option<String>,
    /// Self-learning of text repair (see [`crate::pipeline::Options::learn`]).
    pub learn: bool,
    /// Read image-only PDF pages with Tesseract (see [`crate::pipeline::Options::ocr`]).
    pub ocr: Option<crate::ingest::ocr::OcrOptions>,
    /// Only shard `K` of `N` (1-based) of the inputs ([`merge::shard_of`]); each shard
    /// writes its own output directory, [`merge::merge`] joins them.
    pub shard: Option<(usize, usize)>,
    /// Only these inputs (paths relative to `input_dir`, `/`-separated, as
    /// [`list_inputs`] names them): one task of a scheduler that runs each document as its own
    /// batch part; [`merge::merge`] joins the parts as it joins shards.
    pub only: Option<Vec<String>>,
    /// Sync the outputs to disk before the manifest commits them (the default). False for
    /// a part that a merge reads and removes ([`crate::export::OutDir::scratch`]): only the
    /// merged directory must survive a power loss.
    pub durable: bool,
}

/// Default wall-time bound per input: far above the slowest real document (seconds), low
/// enough that one hostile file cannot hold a batch for long.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);

impl BatchOptions {
    /// Options with the documented defaults for everything but the directories.
    pub fn new(input_dir: impl Into<PathBuf>, out_dir: impl Into<PathBuf>) -> BatchOptions {
        BatchOptions {
            input_dir: input_dir.into(),
            out_dir: out_dir.into(),
            threads: 1,
            extra_tables: None,
            font_files: Vec::new(),
            learn_fonts: false,
            force: false,
            timeout: Some(DEFAULT_TIMEOUT),
            budget: crate::ingest::budget::Budget::default(),
            password: None,
            learn: true,
            ocr: None,
            shard: None,
            only: None,
            durable: true,
        }
    }
}

/// The outcome of a batch.
#[derive(Debug, Clone)]
pub struct BatchReport {
    /// The run's manifest (also in `OUT/manifest.json`).
    pub manifest: Manifest,
    /// Per-input timings (also in `OUT/timings.json`; the one run-dependent output).
    pub timings: Timings,
    /// Failed inputs and inputs needing attention (also in `needs_attention.json`).
    pub needs_attention: NeedsAttention,
    /// What this run found wrong with OUT and put right (a killed earlier run's torn
    /// commit, see [`OutDir::commit_problem`]); shown as warnings.
    pub notes: Vec<String>,
}

impl BatchReport {
    /// Inputs that failed.
    pub fn failed(&self) -> usize {
        self.manifest.summary.failed
    }

    /// The documented exit status: 0 all clean, [`EXIT_SOME_FAILED`] if any input failed,
    /// else [`EXIT_NEEDS_ATTENTION`] if any needs attention.
    pub fn exit_status(&self) -> u8 {
        let unreadable = self
            .manifest
            .skipped
            .iter()
            .any(|s| s.reason == manifest::SkipReason::Unreadable);
        if self.manifest.summary.failed > 0 || unreadable {
            EXIT_SOME_FAILED
        } else if self.manifest.summary.needs_attention > 0 {
            EXIT_NEEDS_ATTENTION
        } else {
            0
        }
    }
}

/// An input file found under the batch directory.
#[derive(Debug, Clone)]
struct Input {
    rel: String,
    abs: PathBuf,
    kind: SourceKind,
}

/// What processing one input gave.
struct Outcome {
    entry: InputEntry,
    timing: FileTiming,
    corpus: Vec<CorpusLine>,
    records: Vec<ProgramRecord>,
}

/// Everything the workers share (read-only; owned, as an abandoned worker may outlive
/// the batch).
struct Context {
    pipeline: Pipeline,
    out: OutDir,
    previous: HashMap<String, InputEntry>,
    force: bool,
    tables_version: String,
}

/// One line of `journal.jsonl`: an input finished by a run, under these tables.
#[derive(serde::Serialize, serde::Deserialize)]
struct JournalLine {
    tables_version: String,
    entry: InputEntry,
}

/// Runs a batch. Returns an error only when the batch as a whole cannot run (unreadable
/// input directory, output directory not writable, bad extra tables).
pub fn run(opts: &BatchOptions) -> Result<BatchReport, BatchError> {
    run_with_progress(opts, &progress::Silent)
}

/// [`run`], reporting each finished input to `progress`.
pub fn run_with_progress(
    opts: &BatchOptions,
    progress: &dyn progress::Progress,
) -> Result<BatchReport, BatchError> {
    let started = Instant::now();
    check_dirs(opts)?;
    let out = if opts.durable {
        OutDir::new(&opts.out_dir)
    } else {
        OutDir::scratch(&opts.out_dir)
    };
    out.create()?;
    // Held until this function returns (or the process dies: the OS releases it).
    let _lock = lock(&opts.out_dir)?;
    // Checked first (under the lock): a torn commit is rewritten whole below, from the
    // per-document outputs, which the previous manifest and the journal resume.
    let notes: Vec<String> = out
        .commit_problem()
        .map(|why| {
            format!(
                "{}: {why}; finished inputs resumed from their outputs, corpus.jsonl, \
                 records.jsonl, needs_attention.json and manifest.json rewritten",
                opts.out_dir.display()
            )
        })
        .into_iter()
        .collect();
    let mut pipeline = Pipeline::builtin()?.with_tables_dir(opts.extra_tables.as_deref())?;
    pipeline.options.budget = opts.budget;
    pipeline.options.password = opts.password.clone();
    pipeline.options.learn = opts.learn;
    pipeline.options.ocr = opts.ocr.clone();
    let (inputs, skipped) = select_inputs(opts)?;
    if opts.learn_fonts {
        pipeline.add_tables(corpus_tables(&inputs, &pipeline, opts.threads)?);
    }
    let versions = run_versions(opts, &mut pipeline)?;
    let tables_version = versions.tables_version.clone();
    let previous = previous_entries(&out, &tables_version);
    out.remove_stale_temp_files();
    let ctx = Arc::new(Context {
        pipeline,
        out: out.clone(),
        previous,
        force: opts.force,
        tables_version,
    });
    progress.start(inputs.len() as u64);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads.max(1))
        .build()?;
    // `collect` on an indexed parallel iterator keeps input order: outputs do not depend on
    // which worker finished first.
    let outcomes: Vec<Outcome> = pool.install(|| {
        inputs
            .par_iter()
            .map(|input| {
                let outcome = process_bounded(input, &ctx, opts.timeout);
                progress.file_done(outcome.entry.pages as u64);
                outcome
            })
            .collect()
    });
    progress.finish();
    let (manifest, needs_attention) = commit_outputs(&out, versions, &outcomes, skipped)?;
    let files: Vec<FileTiming> = outcomes.into_iter().map(|o| o.timing).collect();
    let timings = timings_of(opts, &manifest, files, started.elapsed().as_secs_f64());
    out.write_timings(&timings)?;
    Ok(BatchReport {
        manifest,
        timings,
        needs_attention,
        notes,
    })
}

/// The input directory exists and is not the output directory.
fn check_dirs(opts: &BatchOptions) -> Result<(), BatchError> {
    if !opts.input_dir.is_dir() {
        return Err(BatchError::NotADirectory {
            path: opts.input_dir.clone(),
        });
    }
    if let (Ok(i), Ok(o)) = (opts.input_dir.canonicalize(), opts.out_dir.canonicalize())
        && i == o
    {
        return Err(BatchError::OutIsInput {
            path: opts.out_dir.clone(),
        });
    }
    Ok(())
}

/// The inputs this run processes (its shard, or the `only` list) and the skipped entries.
fn select_inputs(opts: &BatchOptions) -> Result<(Vec<Input>, Vec<SkippedEntry>), BatchError> {
    let (mut inputs, skipped) = discover(&opts.input_dir, &opts.out_dir)?;
    if let Some((k, n)) = opts.shard {
        if opts.learn_fonts {
            return Err(BatchError::LearnFontsSharded);
        }
        // Skipped entries stay in every shard's manifest; the merge keeps one of each.
        inputs.retain(|i| merge::shard_of(&i.rel, n) + 1 == k);
    }
    if let Some(only) = &opts.only {
        if opts.learn_fonts {
            return Err(BatchError::LearnFontsSharded);
        }
        let only: std::collections::HashSet<&str> = only.iter().map(String::as_str).collect();
        inputs.retain(|i| only.contains(i.rel.as_str()));
    }
    Ok((inputs, skipped))
}

/// Writes the batch's aggregates (corpus, records, needs attention, manifest last) over the
/// per-document outputs, and removes the outputs of inputs that are gone.
fn commit_outputs(
    out: &OutDir,
    versions: RunVersions,
    outcomes: &[Outcome],
    skipped: Vec<SkippedEntry>,
) -> Result<(Manifest, NeedsAttention), BatchError> {
    let mut corpus = Vec::new();
    let mut records = Vec::new();
    for o in outcomes {
        corpus.extend(o.corpus.iter().cloned());
        records.extend(o.records.iter().cloned());
    }
    let entries: Vec<InputEntry> = outcomes.iter().map(|o| o.entry.clone()).collect();
    let summary = Summary::of(&entries, skipped.len());
    let manifest = Manifest {
        format: manifest::MANIFEST_FORMAT,
        tool: format!("glyphmend {}", env!("CARGO_PKG_VERSION")),
        tables_version: versions.tables_version,
        tables: versions.table_versions,
        model_sha256: versions.model_sha256,
        summary,
        inputs: entries,
        skipped,
    };
    // The documents' files durable before the manifest that says they are done.
    let written: Vec<&str> = outcomes
        .iter()
        .filter(|o| o.entry.status.has_outputs())
        .map(|o| o.entry.path.as_str())
        .collect();
    out.sync_docs(&written)?;
    // List rows and sheets of different inputs joined, 再掲 rows merged (segment::join_batch).
    let records = crate::segment::join_batch(records);
    let needs_attention = NeedsAttention::of(&manifest);
    // The manifest last: a run killed before this point resumes from the previous one
    // and the journal; `commit.json` names files torn between them.
    out.commit(&Aggregates {
        corpus: &corpus,
        records: &records,
        needs_attention: &needs_attention,
        manifest: &manifest,
    })?;
    out.remove_journal()?;
    // Outputs of inputs that are gone now (whatever their last status: a write failure
    // keeps an earlier run's outputs), also those a run killed after its manifest left.
    let now: std::collections::HashSet<&str> =
        manifest.inputs.iter().map(|e| e.path.as_str()).collect();
    out.remove_docs_except(&now);
    Ok((manifest, needs_attention))
}

/// `timings.json` of a run that took `wall` seconds.
fn timings_of(
    opts: &BatchOptions,
    manifest: &Manifest,
    files: Vec<FileTiming>,
    wall: f64,
) -> Timings {
    let skipped = files.iter().filter(|f| f.skipped).count();
    let pages_processed = manifest
        .inputs
        .iter()
        .zip(&files)
        .filter(|(_, f)| !f.skipped)
        .map(|(e, _)| e.pages)
        .sum();
    Timings {
        threads: opts.threads.max(1),
        wall_seconds: wall,
        inputs: files.len(),
        processed: files.len() - skipped,
        skipped,
        pages: manifest.summary.pages,
        pages_processed,
        files_per_second: (files.len() - skipped) as f64 / wall.max(1e-9),
        pages_per_second: pages_processed as f64 / wall.max(1e-9),
        files,
        input_dir: opts.input_dir.canonicalize().ok(),
    }
}

/// The inputs a batch over `input_dir` would process (writing to `out_dir`, which is left
/// out if it lies inside), named as the batch names them, in its order. Schedulers split
/// these into tasks ([`BatchOptions::only`]).
pub fn list_inputs(input_dir: &Path, out_dir: &Path) -> Result<Vec<String>, BatchError> {
    if !input_dir.is_dir() {
        return Err(BatchError::NotADirectory {
            path: input_dir.to_path_buf(),
        });
    }
    let (inputs, _) = discover(input_dir, out_dir)?;
    Ok(inputs.into_iter().map(|i| i.rel).collect())
}

/// Tables voted from the inputs' PDFs (trusted ToUnicode, embedded cmaps) for fonts that
/// `known` has no table for. Unreadable PDFs are skipped here; they fail in their own turn.
fn corpus_tables(inputs: &[Input], pipeline: &Pipeline, threads: usize) -> crate::Result<TableSet> {
    use crate::learn::pdf_votes::{CorpusVotes, VoteOptions};
    let known = pipeline.tables();
    let opts = pipeline.extract_options();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()
        .map_err(|e| crate::Error::Other(format!("thread pool: {e}")))?;
    let parts: Vec<CorpusVotes> = pool.install(|| {
        inputs
            .par_iter()
            .filter(|i| i.kind == SourceKind::Pdf)
            .map(|i| {
                let mut c = CorpusVotes::default();
                if let Ok(bytes) = std::fs::read(&i.abs) {
                    c.add_pdf(&i.rel, &bytes, &opts);
                }
                c
            })
            .collect()
    });
    let mut corpus = CorpusVotes::default();
    for p in parts {
        corpus.absorb(p);
    }
    let learned = corpus.tables(&VoteOptions::default())?;
    Ok(TableSet {
        tables: learned
            .into_iter()
            .filter(|l| known.for_basefont(&l.key.basefont).is_none())
            .map(|l| {
                let mut t = l.table;
                // Never replaces a shipped or user table of the same name.
                t.name = format!(
                    "{}{}",
                    crate::pipeline::attention::LEARNED_TABLE_PREFIX,
                    t.name
                );
                t
            })
            .collect(),
    })
}

/// Takes the output directory's lock (see the module notes). A file system without locks
/// (some network mounts) is used unlocked rather than refused.
fn lock(out_dir: &Path) -> Result<Option<std::fs::File>, BatchError> {
    let path = out_dir.join(".glyphmend.lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|source| BatchError::Io {
            path: path.clone(),
            source,
        })?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => Err(BatchError::Locked {
            path: out_dir.to_path_buf(),
        }),
        Err(std::fs::TryLockError::Error(_)) => Ok(None),
    }
}

/// Text files as every command decodes them (see [`crate::pipeline::decode()`]).
pub fn decode_text(bytes: &[u8]) -> Result<String, String> {
    crate::pipeline::decode(bytes)
        .map(|(text, _)| text)
        .map_err(|e| e.to_string())
}

pub use crate::pipeline::{PageText, split_pages};

#[cfg(test)]
mod tests;
