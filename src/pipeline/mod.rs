//! The one pipeline every command runs: an input ([`Source`]) → a [`Document`] → records.
//!
//! `extract`, `repair`, `records`, `diff` and `batch` are thin over this module, so the same
//! input gives the same text whichever command reads it.
//!
//! * A [`Source::Text`] is decoded by [`decode::decode`] (the only text decoder), split into
//!   pages at form feeds, and repaired page by page with one language model adapted to the
//!   whole text (exactly what `repair` prints for the same file).
//! * A [`Source::Pdf`] is read by [`crate::ingest`]: every glyph resolved through the
//!   mapping chain (ToUnicode, cmap, tables, outlines). Its text is *not* repaired a second
//!   time as if it were garbled extractor output: ingest already decided each glyph from the
//!   font's evidence, and text repair would only add guesses on top.
//!
//! Invariants: a [`Document`] always carries what it could not resolve (unresolved glyphs and
//! garbled spans, counted, never hidden) and the warnings met; [`Document::attention`] names
//! every reason a reader should look at it, with the command that would fix it.

pub mod attention;
pub mod decode;

pub use attention::{Attention, AttentionReason};
pub use decode::{DecodeError, PageText, TextEncoding, decode, split_pages};

use crate::export::corpus::{DocResult, PageResult};
use crate::repair::{Repairer, TextRepair};
use crate::segment::{ProgramRecord, SourceInfo};
use crate::tables::TableSet;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::Arc;

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

/// Options of a pipeline run besides tables and model.
#[derive(Clone)]
pub struct Options {
    /// Password of encrypted PDFs.
    pub password: Option<String>,
    /// 1-based inclusive page range of PDFs.
    pub pages: Option<(u32, u32)>,
    /// Table entries below this confidence are in doubt: not applied, reported.
    pub min_rule_confidence: f32,
    /// Outlines of font files the user has (`--font-files`).
    pub outlines: Option<Arc<crate::tables::outlines::OutlineIndex>>,
    /// Per-document work limits of PDF extraction.
    pub budget: crate::ingest::budget::Budget,
    /// Self-learning of text repair: glyphs no table explains are deciphered from the
    /// document's own text, applied at the calibrated threshold (`--no-learn` turns it off).
    pub learn: bool,
    /// Read image-only pages (scans) of PDFs with Tesseract (`--ocr`); `None` (the default):
    /// they are only reported. OCR text is then repaired like any extracted text.
    pub ocr: Option<crate::ingest::ocr::OcrOptions>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            password: None,
            pages: None,
            min_rule_confidence: 0.5,
            outlines: None,
            budget: crate::ingest::budget::Budget::default(),
            learn: true,
            ocr: None,
        }
    }
}

/// Tables and language model, and the options every input is read with.
#[derive(Clone)]
pub struct Pipeline {
    /// Tables besides the shipped ones (`--tables`, learned): matched first in PDFs.
    pub extra_tables: Arc<TableSet>,
    /// Shipped tables plus [`Pipeline::extra_tables`]: text repair's tables.
    pub tables: Arc<TableSet>,
    /// The character language model (parsed on first use: most PDFs never need it).
    pub lm: crate::lm::LmRef,
    /// Options.
    pub options: Options,
}

impl Pipeline {
    /// The shipped tables and model, default options.
    pub fn builtin() -> crate::Result<Pipeline> {
        Ok(Pipeline {
            extra_tables: Arc::new(TableSet::default()),
            tables: Arc::new(TableSet::builtin()?),
            lm: crate::lm::LmRef::builtin(),
            options: Options::default(),
        })
    }

    /// Adds tables (`--tables DIR`, tables learned from a corpus) to both PDF extraction and
    /// text repair.
    pub fn add_tables(&mut self, extra: TableSet) {
        Arc::make_mut(&mut self.extra_tables).extend(extra.clone());
        Arc::make_mut(&mut self.tables).extend(extra);
    }

    /// The `*.table` files of `dir` added (see [`Pipeline::add_tables`]).
    pub fn with_tables_dir(mut self, dir: Option<&Path>) -> crate::Result<Pipeline> {
        if let Some(d) = dir {
            self.add_tables(TableSet::load_dir(d)?);
        }
        Ok(self)
    }

    /// The options PDF extraction runs with.
    pub fn extract_options(&self) -> crate::ingest::ExtractOptions {
        crate::ingest::ExtractOptions {
            password: self.options.password.clone(),
            pages: self.options.pages,
            tables: Arc::clone(&self.extra_tables),
            outlines: self.options.outlines.clone(),
            min_rule_confidence: self.options.min_rule_confidence,
            budget: self.options.budget,
            ocr: self.options.ocr.clone(),
            ..Default::default()
        }
    }

    /// The text repairer this pipeline's text inputs go through.
    pub fn repairer(&self) -> Repairer<'_> {
        let mut r = Repairer::new(&self.tables, self.lm.get());
        r.options.min_rule_confidence = self.options.min_rule_confidence;
        r.options.learn = self.options.learn;
        r
    }

    /// Reads a file and runs it through the pipeline.
    pub fn read(&self, path: &Path) -> Result<Document, PipelineError> {
        self.run(Source::read(path)?)
    }

    /// Runs one input through the pipeline.
    pub fn run(&self, source: Source) -> Result<Document, PipelineError> {
        match source {
            Source::Pdf { name, bytes } => {
                let sha256 = hex::encode(Sha256::digest(&bytes));
                let mut glyphs =
                    crate::ingest::extract_bytes(&bytes, &name, &self.extract_options())?;
                // Glyphs nothing explained: read from the document itself (self-learning);
                // the text before it is the pages' original, its readings their spans.
                let unlearned: Vec<String> = glyphs.pages.iter().map(|p| p.text()).collect();
                // Only glyphs left unresolved are learned (`learn_unresolved` returns
                // nothing otherwise): the model is not even parsed for the rest.
                let learned = if self.options.learn && glyphs.stats.unresolved > 0 {
                    crate::ingest::selflearn::learn_unresolved(
                        &mut glyphs,
                        self.lm.get(),
                        &Default::default(),
                    )
                } else {
                    Default::default()
                };
                // Only pages read by OCR go through text repair: the model and tables are
                // not loaded for the rest.
                let repairer = std::cell::OnceCell::new();
                let pages = glyphs
                    .pages
                    .iter()
                    .zip(unlearned)
                    .enumerate()
                    .map(|(i, (p, original))| match ocr_confidence(p) {
                        // Text read by OCR is like text another tool extracted: it goes
                        // through text repair (which leaves clean text as it is).
                        Some((lines, confidence)) => {
                            let repairer = repairer.get_or_init(|| self.repairer());
                            let mut model = repairer.document();
                            model.scan(&original);
                            if model.needs_adaptation() {
                                model.adapt(&original);
                            }
                            let repair = repairer.repair_chunk(&model, &original, 1).into_owned();
                            let mut page = PageResult::new(p.number, original, repair);
                            page.stats.ocr_lines = lines;
                            page.stats.ocr_confidence = Some(confidence);
                            page.with_layout(p)
                        }
                        None => {
                            let repair = TextRepair {
                                text: p.text().into(),
                                lines: learned_lines(&learned, i),
                            };
                            PageResult::new(p.number, original, repair).with_layout(p)
                        }
                    })
                    .collect();
                let mut doc = Document {
                    name,
                    kind: SourceKind::Pdf,
                    sha256,
                    encoding: None,
                    final_form_feed: false,
                    warnings: glyphs.warnings.clone(),
                    pages,
                    glyphs: Some(glyphs),
                    attention: None,
                };
                doc.attention = Attention::of(&doc);
                Ok(doc)
            }
            Source::Text {
                name,
                text,
                encoding,
                sha256,
            } => {
                let repairer = self.repairer();
                // One model adapted to the whole text, each page repaired with it: the same
                // output as `repair` on the whole file.
                let mut model = repairer.document();
                model.scan(&text);
                if model.needs_adaptation() {
                    model.adapt(&text);
                }
                let pages = split_pages(&text)
                    .into_iter()
                    .map(|p| {
                        let repair = repairer.repair_chunk(&model, &p.text, 1).into_owned();
                        PageResult::new(p.page, p.text, repair)
                    })
                    .collect();
                let mut doc = Document {
                    name,
                    kind: SourceKind::Txt,
                    sha256,
                    encoding: Some(encoding),
                    final_form_feed: text.ends_with('\u{c}'),
                    warnings: Vec::new(),
                    pages,
                    glyphs: None,
                    attention: None,
                };
                doc.attention = Attention::of(&doc);
                Ok(doc)
            }
        }
    }
}

/// Lines of a page read by OCR and their mean confidence (0–1, rounded to 4 decimals), if
/// the page was.
fn ocr_confidence(page: &crate::ingest::Page) -> Option<(usize, f32)> {
    let conf: Vec<f32> = page
        .lines
        .iter()
        .flat_map(|l| &l.spans)
        .filter(|s| s.source == crate::ingest::resolve::MappingSource::Ocr)
        .map(|s| s.confidence)
        .collect();
    if conf.is_empty() {
        return None;
    }
    let mean = conf.iter().sum::<f32>() / conf.len() as f32;
    Some((conf.len(), (mean * 1e4).round() / 1e4))
}

/// The learned readings of page `page_index` as repair reports, one per line.
fn learned_lines(
    learned: &crate::ingest::selflearn::Outcome,
    page_index: usize,
) -> Vec<crate::repair::LineReport> {
    let mut lines: std::collections::BTreeMap<usize, crate::repair::LineReport> =
        Default::default();
    for s in learned.spans.iter().filter(|s| s.page_index == page_index) {
        let report = lines
            .entry(s.line)
            .or_insert_with(|| crate::repair::LineReport {
                line: s.line,
                ..Default::default()
            });
        report.spans.push(crate::repair::RepairSpan {
            line: s.line,
            column: s.column,
            end_column: s.end_column,
            before: s.before.clone(),
            after: s.after.clone(),
            table: crate::ingest::selflearn::LEARNED_TABLE.to_string(),
            rule: format!("{}: {}", s.font, s.rule),
            fix: "decode".into(),
            confidence: s.confidence,
            evidence: s.evidence,
        });
    }
    let mut lines: Vec<crate::repair::LineReport> = lines.into_values().collect();
    for l in &mut lines {
        l.spans.sort_by_key(|s| s.column);
    }
    lines
}

/// One input after the pipeline: its pages' text, what was repaired or decoded and how,
/// what stayed unresolved, and the warnings met.
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    /// The input's name (path as given, or relative to a batch directory).
    pub name: String,
    /// PDF or text.
    pub kind: SourceKind,
    /// sha256 of the input's bytes.
    pub sha256: String,
    /// A text input's encoding.
    pub encoding: Option<TextEncoding>,
    /// The text ended with a form feed (kept so that the text round-trips).
    #[serde(skip)]
    pub final_form_feed: bool,
    /// Pages: text as read, final text, repaired spans and unresolved garbling.
    pub pages: Vec<PageResult>,
    /// A PDF's lines and glyph runs with their provenance (ToUnicode, cmap, table, outline)
    /// and unresolved glyphs.
    pub glyphs: Option<crate::ingest::Document>,
    /// Warnings met reading the input (fonts, streams, tables in doubt).
    pub warnings: Vec<String>,
    /// Why a reader should look at this document, if at all.
    pub attention: Option<Attention>,
}

impl Document {
    /// The final text: pages separated by form feeds.
    pub fn text(&self) -> String {
        let mut s = self
            .pages
            .iter()
            .map(|p| p.repaired.as_str())
            .collect::<Vec<_>>()
            .join("\u{c}");
        if self.final_form_feed {
            s.push('\u{c}');
        }
        s
    }

    /// Glyphs of a PDF no source explained (shown as U+FFFD).
    pub fn unresolved_glyphs(&self) -> usize {
        self.glyphs.as_ref().map_or(0, |g| g.stats.unresolved)
    }

    /// The per-document result a batch stores (`doc.json`), under `path`.
    pub fn to_result(&self, path: &str) -> DocResult {
        DocResult {
            path: path.to_string(),
            sha256: self.sha256.clone(),
            kind: match self.kind {
                SourceKind::Pdf => "pdf".into(),
                SourceKind::Txt => "txt".into(),
            },
            pages: self.pages.clone(),
            warnings: self.warnings.clone(),
            attention: self.attention.clone(),
        }
    }
}

/// The program records of a document, each naming it as its `source`.
pub fn records(doc: &Document) -> Vec<ProgramRecord> {
    let source = SourceInfo::new(doc.name.clone());
    // A PDF's records are read by its geometry (labels and values in ruled cells); its text
    // is the extracted one unchanged, so line numbers agree.
    let mut records = match &doc.glyphs {
        Some(glyphs) if glyphs.text() == doc.text() => {
            crate::segment::records_from_pdf(glyphs, &source)
        }
        _ => crate::segment::records_from_text(&doc.text(), &source),
    };
    for r in &mut records {
        r.source = Some(doc.name.clone());
    }
    crate::segment::form::mark_repairs(&mut records, &repaired_lines(doc));
    // Records read from a scan's OCR text are machine-read: flagged `ocr`. Record pages
    // count form feeds (1 + the page's index), not PDF page numbers.
    let ocr_pages: Vec<u32> = (1u32..)
        .zip(&doc.pages)
        .filter(|(_, p)| p.stats.ocr_confidence.is_some())
        .map(|(i, _)| i)
        .collect();
    if !ocr_pages.is_empty() {
        for r in &mut records {
            if r.sources.iter().any(|s| ocr_pages.contains(&s.page))
                || r.provenance.iter().any(|p| ocr_pages.contains(&p.page))
            {
                r.flags.push(OCR_FLAG.to_string());
            }
        }
    }
    records
}

/// The flag of a program record read from text that OCR read from a scanned page.
pub const OCR_FLAG: &str = "ocr";

/// Global 1-based line numbers of the document's text (as [`Document::text`] numbers them)
/// that the repair changed or left unresolved, with the lowest confidence on each.
fn repaired_lines(doc: &Document) -> std::collections::BTreeMap<u32, f32> {
    let mut out = std::collections::BTreeMap::new();
    let mut offset: u32 = 0;
    for page in &doc.pages {
        let spans = page.spans.iter().map(|s| (s.line, s.confidence));
        let unresolved = page.unresolved.iter().map(|u| (u.line, u.confidence));
        for (line, confidence) in spans.chain(unresolved) {
            let global = offset.saturating_add(u32::try_from(line).unwrap_or(u32::MAX));
            let entry = out.entry(global).or_insert(confidence);
            if confidence < *entry {
                *entry = confidence;
            }
        }
        // Pages are joined by a form feed: the last line of a page and the first of the next
        // share a text line.
        let count = u32::try_from(page.repaired.split('\n').count()).unwrap_or(u32::MAX);
        offset = offset.saturating_add(count.saturating_sub(1));
    }
    out
}

/// The JSON Schema (draft 2020-12) of one program record — one line of `records` output
/// and of a batch's `records.jsonl` — generated from [`ProgramRecord`]. The checked-in
/// `schema/records.schema.json` is this text (`glyphmend records --schema` prints it).
pub fn records_schema() -> String {
    let generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
    let mut value = generator.into_root_schema_for::<ProgramRecord>().to_value();
    close_objects(&mut value);
    if let Some(obj) = value.as_object_mut() {
        obj.insert(
            "$id".into(),
            "https://github.com/glyphmend/glyphmend/schema/records.schema.json".into(),
        );
    }
    // Our own value: serialising it cannot fail.
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

/// Every object schema with properties admits no others (a key the types do not know is a
/// format error, not data), and no value is null (the record types skip `None` fields:
/// absent, never null).
fn close_objects(v: &mut serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::Object(map) => {
            if map.contains_key("properties") {
                map.insert("additionalProperties".into(), false.into());
            }
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types.remove(0);
                    map.insert("type".into(), only);
                }
            }
            if let Some(Value::Array(alts)) = map.get_mut("anyOf") {
                alts.retain(|a| a.get("type").is_none_or(|t| t != "null"));
                if alts.len() == 1 {
                    let only = alts.remove(0);
                    map.remove("anyOf");
                    if let Value::Object(inner) = only {
                        map.extend(inner);
                    }
                }
            }
            for (_, child) in map.iter_mut() {
                close_objects(child);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(close_objects),
        _ => {}
    }
}
