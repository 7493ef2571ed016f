//! Batch: repair every PDF and `.txt` under a directory into an output directory.
//!
//! Layout of the output directory `OUT`:
//! * `docs/<input path>/doc.json` — original and repaired text per page, spans, statistics
//!   ([`crate::export::corpus::DocResult`]); next to it `repaired.txt` (pages separated by
//!   form feeds), `spans.json`, `records.jsonl`;
//! * `corpus.jsonl` — one line per page of every good input;
//! * `records.jsonl` — the program records of all inputs;
//! * `manifest.json` — every input with its status and error, and the versions of the tables
//!   and model used ([`manifest::Manifest`]);
//! * `timings.json` — durations and throughput of the last run ([`manifest::Timings`]).
//!
//! Invariants:
//! * One bad input never stops the batch: its failure (stage and message) is in the manifest.
//!   Even a panic inside a stage is caught and recorded.
//! * Outputs are written atomically (temp file + rename).
//! * Everything except `timings.json` is byte-identical whatever the thread count, and
//!   whether inputs were resumed or reprocessed: inputs are sorted by path, and nothing
//!   run-dependent goes into those files.
//! * A rerun resumes: an input whose sha256 and the batch's tables version are unchanged
//!   since the manifest of the previous run is not processed again (failures included — the
//!   same bytes fail the same way).
//!
//! The stages that are not text repair (PDF extraction, program records) are reached
//! through [`Stages`], so that they can be replaced in one place ([`Stages::builtin`]).

pub mod manifest;
pub mod progress;

use crate::export::corpus::{CorpusLine, DocResult, PageResult, SpanRecord};
use crate::export::{self, ExportError, write_atomic, write_replace};
use crate::repair::Repairer;
use crate::tables::TableSet;
use manifest::{FileTiming, InputEntry, Manifest, Status, Summary, TableVersion, Timings};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Errors that stop a whole batch (a single input's failure never does).
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: not a directory")]
    NotADirectory { path: PathBuf },
    #[error("thread pool: {0}")]
    ThreadPool(#[from] rayon::ThreadPoolBuildError),
    #[error(transparent)]
    Export(#[from] ExportError),
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

/// The text of one page as a PDF extractor gives it (before repair).
#[derive(Debug, Clone, PartialEq)]
pub struct PageText {
    /// 1-based.
    pub page: u32,
    pub text: String,
}

/// PDF → page texts. An error fails that input only.
pub type ExtractPdfFn = fn(&Path, &crate::ingest::ExtractOptions) -> crate::Result<Vec<PageText>>;
/// Repaired text of a whole input (pages separated by form feeds) and its path relative to
/// the batch directory → program records as JSON objects.
pub type RecordsFn = fn(&str, &Path) -> Vec<serde_json::Value>;
/// The bytes of the language model in use, hashed into the tables version.
pub type ModelBytesFn = fn() -> Vec<u8>;

/// The pipeline stages a batch runs besides repair.
#[derive(Clone, Copy)]
pub struct Stages {
    pub extract_pdf: ExtractPdfFn,
    pub records: RecordsFn,
    pub model_bytes: ModelBytesFn,
}

impl Stages {
    /// The stages built into this crate: PDF extraction (`ingest`), program records
    /// (`segment`) and the shipped language model's bytes (for the tables version).
    pub fn builtin() -> Stages {
        Stages {
            extract_pdf: extract_pdf,
            records: records_of,
            model_bytes: || crate::lm::CharLm::builtin().to_bytes(),
        }
    }
}

fn extract_pdf(path: &Path, opts: &crate::ingest::ExtractOptions) -> crate::Result<Vec<PageText>> {
    let doc = crate::ingest::extract_path(path, opts)?;
    Ok(doc
        .pages
        .iter()
        .map(|p| PageText {
            page: p.number,
            text: p.text(),
        })
        .collect())
}

fn records_of(text: &str, path: &Path) -> Vec<serde_json::Value> {
    let source = crate::segment::SourceInfo::new(path.display().to_string());
    crate::segment::records_from_text(text, &source)
        .iter()
        .filter_map(|r| serde_json::to_value(r).ok())
        .collect()
}

/// What to run.
#[derive(Debug, Clone)]
pub struct BatchOptions {
    pub input_dir: PathBuf,
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
    /// Show a progress bar (only ever drawn on a terminal).
    pub progress: bool,
    /// Reprocess every input even if unchanged.
    pub force: bool,
}

/// The outcome of a batch.
#[derive(Debug, Clone)]
pub struct BatchReport {
    pub manifest: Manifest,
    pub timings: Timings,
}

impl BatchReport {
    pub fn failed(&self) -> usize {
        self.manifest.summary.failed
    }
}

/// An input file found under the batch directory.
#[derive(Debug, Clone)]
struct Input {
    rel: String,
    abs: PathBuf,
    kind: &'static str,
}

/// What processing one input gave.
struct Outcome {
    entry: InputEntry,
    timing: FileTiming,
    corpus: Vec<CorpusLine>,
    records: Vec<serde_json::Value>,
}

/// Everything the workers share (read-only).
struct Context<'a> {
    repairer: Repairer<'a>,
    stages: Stages,
    extract: crate::ingest::ExtractOptions,
    out_dir: &'a Path,
    previous: HashMap<String, InputEntry>,
    force: bool,
}

/// Runs a batch. Returns an error only when the batch as a whole cannot run (unreadable
/// input directory, output directory not writable, bad extra tables).
pub fn run(opts: &BatchOptions, stages: Stages) -> Result<BatchReport, BatchError> {
    let started = Instant::now();
    if !opts.input_dir.is_dir() {
        return Err(BatchError::NotADirectory {
            path: opts.input_dir.clone(),
        });
    }
    std::fs::create_dir_all(&opts.out_dir).map_err(|source| BatchError::Io {
        path: opts.out_dir.clone(),
        source,
    })?;
    let mut tables = TableSet::builtin()?;
    if let Some(dir) = &opts.extra_tables {
        tables.extend(TableSet::load_dir(dir)?);
    }
    let inputs = discover(&opts.input_dir, &opts.out_dir)?;
    if opts.learn_fonts {
        tables.extend(corpus_tables(&inputs, &tables, opts.threads)?);
    }
    let model = (stages.model_bytes)();
    let (mut tables_version, table_versions, model_sha256) = versions(&tables, &model);
    let outlines = if opts.font_files.is_empty() {
        None
    } else {
        let ix = crate::tables::outlines::OutlineIndex::from_paths(&opts.font_files)?;
        // Other font files can change what PDFs read as: part of the version resume checks.
        use sha2::Digest;
        let mut h = sha2::Sha256::new();
        h.update(tables_version.as_bytes());
        for (file, face) in &ix.faces {
            let len = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
            h.update(format!("{}#{face}:{len}\n", file.display()).as_bytes());
        }
        tables_version = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
        Some(std::sync::Arc::new(ix))
    };
    let extract = crate::ingest::ExtractOptions {
        tables: std::sync::Arc::new(tables.clone()),
        outlines,
        ..Default::default()
    };

    let previous = previous_manifest(&opts.out_dir)
        .filter(|m| m.tables_version == tables_version && m.format == manifest::MANIFEST_FORMAT)
        .map(|m| m.inputs.into_iter().map(|e| (e.path.clone(), e)).collect())
        .unwrap_or_default();
    let ctx = Context {
        repairer: Repairer::new(&tables, crate::lm::CharLm::builtin()),
        stages,
        extract,
        out_dir: &opts.out_dir,
        previous,
        force: opts.force,
    };
    let progress = progress::Progress::new(inputs.len() as u64, opts.progress);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads.max(1))
        .build()?;
    // `collect` on an indexed parallel iterator keeps input order: outputs do not depend on
    // which worker finished first.
    let outcomes: Vec<Outcome> = pool.install(|| {
        inputs
            .par_iter()
            .map(|input| {
                let outcome = process_guarded(input, &ctx);
                progress.file_done(outcome.entry.pages as u64);
                outcome
            })
            .collect()
    });
    progress.finish();

    let mut corpus = Vec::new();
    let mut records = Vec::new();
    let mut summary = Summary {
        inputs: outcomes.len(),
        ..Default::default()
    };
    for o in &outcomes {
        for line in &o.corpus {
            corpus.extend(serde_json::to_vec(line).unwrap_or_default());
            corpus.push(b'\n');
        }
        for r in &o.records {
            records.extend(serde_json::to_vec(r).unwrap_or_default());
            records.push(b'\n');
        }
        let e = &o.entry;
        match e.status {
            Status::Ok => summary.ok += 1,
            Status::Failed => summary.failed += 1,
        }
        summary.pages += e.pages;
        summary.repaired_spans += e.repaired_spans;
        summary.low_confidence_spans += e.low_confidence_spans;
        summary.unresolved_spans += e.unresolved_spans;
        summary.records += e.records;
    }
    let manifest = Manifest {
        format: manifest::MANIFEST_FORMAT,
        tool: format!("glyphmend {}", env!("CARGO_PKG_VERSION")),
        tables_version: tables_version.clone(),
        tables: table_versions,
        model_sha256,
        summary,
        inputs: outcomes.iter().map(|o| o.entry.clone()).collect(),
    };
    // The documents' files durable before the manifest that says they are done.
    let written: Vec<PathBuf> = outcomes
        .iter()
        .filter(|o| o.entry.status == Status::Ok)
        .flat_map(|o| {
            let dir = doc_dir(&opts.out_dir, &o.entry.path);
            DOC_FILES.map(|f| dir.join(f))
        })
        .collect();
    export::sync_file_system(&opts.out_dir, &written)?;
    write_atomic(&opts.out_dir.join("corpus.jsonl"), &corpus)?;
    write_atomic(&opts.out_dir.join("records.jsonl"), &records)?;
    // The manifest last: a run killed before this point resumes from the previous one.
    write_atomic(
        &opts.out_dir.join("manifest.json"),
        &export::to_json_pretty(&manifest),
    )?;
    let wall = started.elapsed().as_secs_f64();
    let files: Vec<FileTiming> = outcomes.into_iter().map(|o| o.timing).collect();
    let skipped = files.iter().filter(|f| f.skipped).count();
    let pages_processed = manifest
        .inputs
        .iter()
        .zip(&files)
        .filter(|(_, f)| !f.skipped)
        .map(|(e, _)| e.pages)
        .sum();
    let timings = Timings {
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
    };
    write_atomic(
        &opts.out_dir.join("timings.json"),
        &export::to_json_pretty(&timings),
    )?;
    Ok(BatchReport { manifest, timings })
}

/// Tables voted from the inputs' PDFs (trusted ToUnicode, embedded cmaps) for fonts that
/// `known` has no table for. Unreadable PDFs are skipped here; they fail in their own turn.
fn corpus_tables(inputs: &[Input], known: &TableSet, threads: usize) -> crate::Result<TableSet> {
    use crate::learn::pdf_votes::{CorpusVotes, VoteOptions};
    use rayon::prelude::*;
    let opts = crate::ingest::ExtractOptions {
        tables: std::sync::Arc::new(known.clone()),
        ..Default::default()
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()
        .map_err(|e| crate::Error::Other(format!("thread pool: {e}")))?;
    let parts: Vec<CorpusVotes> = pool.install(|| {
        inputs
            .par_iter()
            .filter(|i| i.kind == "pdf")
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
                t.name = format!("corpus-{}", t.name);
                t
            })
            .collect(),
    })
}

/// sha256 over crate version, tables (sorted by name) and model; per-table hashes.
fn versions(tables: &TableSet, model: &[u8]) -> (String, Vec<TableVersion>, String) {
    let mut sorted: Vec<_> = tables.tables.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    let mut all = Sha256::new();
    all.update(b"glyphmend ");
    all.update(env!("CARGO_PKG_VERSION").as_bytes());
    all.update([0]);
    let mut per_table = Vec::new();
    for t in sorted {
        let text = t.to_text();
        let h = hex::encode(Sha256::digest(text.as_bytes()));
        all.update(t.name.as_bytes());
        all.update([0]);
        all.update(h.as_bytes());
        all.update([0]);
        per_table.push(TableVersion {
            name: t.name.clone(),
            sha256: h,
            rules: t.rules.len(),
        });
    }
    let model_sha = hex::encode(Sha256::digest(model));
    all.update(b"model ");
    all.update(model_sha.as_bytes());
    (hex::encode(all.finalize()), per_table, model_sha)
}

fn previous_manifest(out_dir: &Path) -> Option<Manifest> {
    let path = out_dir.join("manifest.json");
    if !path.exists() {
        return None;
    }
    // An unreadable old manifest only costs a full rerun.
    export::read_json(&path).ok()
}

/// All `.pdf` and `.txt` files under `dir` (recursively, not following symlinks), sorted by
/// relative path, excluding the output directory if it lies inside.
fn discover(dir: &Path, out_dir: &Path) -> Result<Vec<Input>, BatchError> {
    let out_canon = out_dir.canonicalize().ok();
    let mut inputs = Vec::new();
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(false)
        .into_iter()
        .filter_entry(|e| {
            out_canon.as_ref().is_none_or(|o| {
                !e.file_type().is_dir() || e.path().canonicalize().ok().as_ref() != Some(o)
            })
        });
    for entry in walker {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(dir).to_path_buf();
            BatchError::Io {
                path,
                source: e
                    .into_io_error()
                    .unwrap_or_else(|| std::io::Error::other("directory walk failed")),
            }
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let ext = entry
            .path()
            .extension()
            .map(|x| x.to_string_lossy().to_ascii_lowercase());
        let kind = match ext.as_deref() {
            Some("pdf") => "pdf",
            Some("txt") => "txt",
            _ => continue,
        };
        let rel_path = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let rel: Vec<String> = rel_path
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        inputs.push(Input {
            rel: rel.join("/"),
            abs: entry.path().to_path_buf(),
            kind,
        });
    }
    inputs.sort_by(|a, b| a.rel.cmp(&b.rel));
    Ok(inputs)
}

/// Where an input's outputs go, relative to the output directory.
fn doc_dir_rel(rel: &str) -> String {
    format!("docs/{rel}")
}

fn doc_dir(out_dir: &Path, rel: &str) -> PathBuf {
    let mut p = out_dir.join("docs");
    for part in rel.split('/') {
        p.push(part);
    }
    p
}

/// Loads a previous run's document and records.
fn load_outputs(
    out_dir: &Path,
    rel: &str,
) -> Result<(DocResult, Vec<serde_json::Value>), ExportError> {
    let dir = doc_dir(out_dir, rel);
    let doc: DocResult = export::read_json(&dir.join("doc.json"))?;
    let path = dir.join("records.jsonl");
    let text = std::fs::read_to_string(&path).map_err(|e| ExportError::io(&path, e))?;
    let records = text
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| {
            serde_json::from_str(l).map_err(|source| ExportError::Json {
                path: path.clone(),
                source,
            })
        })
        .collect::<Result<_, _>>()?;
    Ok((doc, records))
}

/// [`process`], with a panic in any stage turned into a failure of this input.
fn process_guarded(input: &Input, ctx: &Context) -> Outcome {
    let started = Instant::now();
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| process(input, ctx))) {
        Ok(o) => o,
        Err(payload) => {
            let msg = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            let mut o = failure(input, None, None, "internal", format!("panic: {msg}"));
            o.timing.total_ms = ms(started);
            o
        }
    }
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1e3
}

fn failure(
    input: &Input,
    bytes: Option<u64>,
    sha256: Option<String>,
    stage: &str,
    error: String,
) -> Outcome {
    Outcome {
        entry: InputEntry {
            path: input.rel.clone(),
            kind: input.kind.into(),
            bytes,
            sha256,
            status: Status::Failed,
            failed_stage: Some(stage.into()),
            error: Some(error),
            pages: 0,
            repaired_spans: 0,
            low_confidence_spans: 0,
            unresolved_spans: 0,
            records: 0,
            outputs: None,
        },
        timing: FileTiming {
            path: input.rel.clone(),
            ..Default::default()
        },
        corpus: Vec::new(),
        records: Vec::new(),
    }
}

fn ok_entry(input: &Input, bytes: u64, doc: &DocResult, records: usize) -> InputEntry {
    let spans: Vec<&SpanRecord> = doc.spans().collect();
    InputEntry {
        path: input.rel.clone(),
        kind: input.kind.into(),
        bytes: Some(bytes),
        sha256: Some(doc.sha256.clone()),
        status: Status::Ok,
        failed_stage: None,
        error: None,
        pages: doc.pages.len(),
        repaired_spans: spans.len(),
        low_confidence_spans: doc.pages.iter().map(|p| p.stats.low_confidence_spans).sum(),
        unresolved_spans: doc.pages.iter().map(|p| p.unresolved.len()).sum(),
        records,
        outputs: Some(doc_dir_rel(&input.rel)),
    }
}

/// Processes one input: read, extract, repair, records, write its outputs.
fn process(input: &Input, ctx: &Context) -> Outcome {
    let t0 = Instant::now();
    let mut timing = FileTiming {
        path: input.rel.clone(),
        ..Default::default()
    };
    let bytes = match std::fs::read(&input.abs) {
        Ok(b) => b,
        Err(e) => {
            let mut o = failure(input, None, None, "read", format!("cannot read: {e}"));
            o.timing.total_ms = ms(t0);
            return o;
        }
    };
    let size = bytes.len() as u64;
    let sha = hex::encode(Sha256::digest(&bytes));
    timing.read_ms = ms(t0);

    // Resume: same content, same tables (the previous manifest was filtered on the tables
    // version) → reuse what the previous run produced.
    if !ctx.force
        && let Some(prev) = ctx.previous.get(&input.rel)
        && prev.sha256.as_deref() == Some(sha.as_str())
        && prev.kind == input.kind
    {
        let reused = match prev.status {
            Status::Failed => Some(Outcome {
                entry: prev.clone(),
                timing: FileTiming::default(),
                corpus: Vec::new(),
                records: Vec::new(),
            }),
            Status::Ok => load_outputs(ctx.out_dir, &input.rel)
                .ok()
                .filter(|(doc, _)| doc.sha256 == sha)
                .map(|(doc, records)| Outcome {
                    entry: ok_entry(input, size, &doc, records.len()),
                    timing: FileTiming::default(),
                    corpus: doc.corpus_lines(),
                    records,
                }),
        };
        if let Some(mut o) = reused {
            o.timing = FileTiming {
                path: input.rel.clone(),
                skipped: true,
                read_ms: timing.read_ms,
                total_ms: ms(t0),
                ..Default::default()
            };
            return o;
        }
    }

    let fail = |stage: &str, error: String, timing: &FileTiming| {
        // Outputs of an earlier, successful version of this input would now be stale.
        let _ = std::fs::remove_dir_all(doc_dir(ctx.out_dir, &input.rel));
        let mut o = failure(input, Some(size), Some(sha.clone()), stage, error);
        o.timing = FileTiming {
            total_ms: ms(t0),
            ..timing.clone()
        };
        o
    };

    let t = Instant::now();
    let pages: Vec<PageText> = match input.kind {
        "pdf" => match (ctx.stages.extract_pdf)(&input.abs, &ctx.extract) {
            Ok(p) => p,
            Err(e) => return fail("extract", e.to_string(), &timing),
        },
        _ => match decode_text(&bytes) {
            Ok(text) => split_pages(&text),
            Err(e) => return fail("decode", e, &timing),
        },
    };
    timing.extract_ms = ms(t);

    let t = Instant::now();
    let doc = DocResult {
        path: input.rel.clone(),
        sha256: sha.clone(),
        kind: input.kind.into(),
        pages: pages
            .into_iter()
            .map(|p| {
                // Owned: the page keeps both texts.
                let repair = ctx.repairer.repair_text(&p.text).into_owned();
                PageResult::new(p.page, p.text, repair)
            })
            .collect(),
    };
    timing.repair_ms = ms(t);

    let t = Instant::now();
    let repaired = doc.repaired_text();
    let rel_path = Path::new(&input.rel);
    let records: Vec<serde_json::Value> = (ctx.stages.records)(&repaired, rel_path)
        .into_iter()
        .map(|mut r| {
            if let Some(obj) = r.as_object_mut() {
                obj.entry("source")
                    .or_insert_with(|| input.rel.clone().into());
            }
            r
        })
        .collect();
    timing.records_ms = ms(t);

    let t = Instant::now();
    if let Err(e) = write_outputs(ctx.out_dir, &doc, &repaired, &records) {
        return fail("write", e.to_string(), &timing);
    }
    timing.write_ms = ms(t);
    timing.total_ms = ms(t0);
    Outcome {
        entry: ok_entry(input, size, &doc, records.len()),
        timing,
        corpus: doc.corpus_lines(),
        records,
    }
}

fn write_outputs(
    out_dir: &Path,
    doc: &DocResult,
    repaired: &str,
    records: &[serde_json::Value],
) -> Result<(), ExportError> {
    let dir = doc_dir(out_dir, &doc.path);
    // Not synced one by one: `run` syncs them all before the manifest commits them.
    write_replace(&dir.join(DOC_FILES[0]), repaired.as_bytes())?;
    let spans: Vec<&SpanRecord> = doc.spans().collect();
    write_replace(&dir.join(DOC_FILES[1]), &export::to_json_pretty(&spans))?;
    let mut rec = Vec::new();
    for r in records {
        rec.extend(serde_json::to_vec(r).unwrap_or_default());
        rec.push(b'\n');
    }
    write_replace(&dir.join(DOC_FILES[2]), &rec)?;
    // doc.json last: its presence means the other files are complete.
    write_replace(&dir.join(DOC_FILES[3]), &export::to_json_pretty(doc))?;
    Ok(())
}

/// The files of a document's output directory, in the order they are written.
const DOC_FILES: [&str; 4] = ["repaired.txt", "spans.json", "records.jsonl", "doc.json"];

/// Text files: UTF-8 (BOM allowed), else UTF-16 with a BOM, else Shift_JIS (many Japanese
/// government text files are). Binary data (NUL bytes) and undecodable bytes fail.
pub fn decode_text(bytes: &[u8]) -> Result<String, String> {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom..]);
        if had_errors {
            return Err(format!("invalid {} text", enc.name()));
        }
        return check_text(text.into_owned());
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => check_text(s.to_string()),
        Err(e) => {
            if let Some(s) = encoding_rs::SHIFT_JIS
                .decode_without_bom_handling_and_without_replacement(bytes)
                .filter(|_| !bytes.contains(&0))
            {
                return check_text(s.into_owned());
            }
            Err(format!(
                "not text: invalid UTF-8 at byte offset {} and not Shift_JIS either",
                e.valid_up_to()
            ))
        }
    }
}

fn check_text(s: String) -> Result<String, String> {
    match s.find('\0') {
        Some(i) => Err(format!("not text: NUL byte at offset {i} (binary file?)")),
        None => Ok(s),
    }
}

/// Pages of a text file: split at form feeds (pdftotext's page separator); a final form
/// feed does not start an empty page.
pub fn split_pages(text: &str) -> Vec<PageText> {
    let body = text.strip_suffix('\u{c}').unwrap_or(text);
    body.split('\u{c}')
        .enumerate()
        .map(|(i, t)| PageText {
            page: i as u32 + 1,
            text: t.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_decoding_accepts_utf8_sjis_and_rejects_binary() {
        assert_eq!(decode_text("支援".as_bytes()).unwrap(), "支援");
        assert_eq!(decode_text(b"\xEF\xBB\xBFabc").unwrap(), "abc");
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("孤独・孤立対策");
        assert_eq!(decode_text(&sjis).unwrap(), "孤独・孤立対策");
        let err = decode_text(b"ab\x00cd").unwrap_err();
        assert!(err.contains("NUL"), "{err}");
        let err = decode_text(b"\x80\x80\xfd\x00\x01").unwrap_err();
        assert!(err.contains("not text"), "{err}");
    }

    #[test]
    fn pages_split_at_form_feeds() {
        let p = split_pages("a\nb\u{c}c\u{c}");
        assert_eq!(p.len(), 2);
        assert_eq!((p[0].page, p[0].text.as_str()), (1, "a\nb"));
        assert_eq!((p[1].page, p[1].text.as_str()), (2, "c"));
        assert_eq!(split_pages("").len(), 1);
    }

    #[test]
    fn tables_version_changes_with_model_and_tables() {
        let t = TableSet::builtin().unwrap();
        let (a, per, _) = versions(&t, b"");
        let (b, _, _) = versions(&t, b"model");
        assert_ne!(a, b);
        assert_eq!(per.len(), t.tables.len());
        let mut fewer = t.clone();
        fewer.tables.pop();
        assert_ne!(versions(&fewer, b"").0, a);
        assert_eq!(versions(&t, b"").0, a);
    }
}
