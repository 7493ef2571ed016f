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
mod document;
mod error;
mod records;
mod source;

pub use attention::{Attention, AttentionReason};
pub use decode::{DecodeError, PageText, TextEncoding, decode, split_pages};
pub use document::Document;
pub use error::{PipelineError, Stage};
pub use records::{OCR_FLAG, records, records_schema};
pub use source::{Source, SourceKind};

use crate::export::corpus::PageResult;
use crate::repair::{Repairer, TextRepair};
use crate::tables::{LazyTableSet, TableSet};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::Arc;

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
    /// Shipped tables plus [`Pipeline::extra_tables`]: text repair's tables, decoded on
    /// first use (most PDFs never need them); read them with [`Pipeline::tables`].
    pub tables: Arc<LazyTableSet>,
    /// The character language model (parsed on first use: most PDFs never need it).
    pub lm: crate::lm::LmRef,
    /// Options.
    pub options: Options,
}

impl Pipeline {
    /// The shipped tables and model, default options. The tables are decoded once per
    /// process, on first use, and shared (a distributed batch builds a pipeline per task;
    /// adding tables copies them first, [`Pipeline::add_tables`]).
    pub fn builtin() -> crate::Result<Pipeline> {
        static BUILTIN: std::sync::OnceLock<Arc<LazyTableSet>> = std::sync::OnceLock::new();
        let tables = match BUILTIN.get() {
            Some(t) => Arc::clone(t),
            None => {
                let t = Arc::new(LazyTableSet::builtin()?);
                Arc::clone(BUILTIN.get_or_init(|| t))
            }
        };
        Ok(Pipeline {
            extra_tables: Arc::new(TableSet::default()),
            tables,
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

    /// Text repair's tables: the shipped ones plus [`Pipeline::extra_tables`] (decoded here
    /// on first use).
    pub fn tables(&self) -> &TableSet {
        self.tables.get()
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
        let mut r = Repairer::new(self.tables(), self.lm.get());
        r.options.min_rule_confidence = self.options.min_rule_confidence;
        r.options.learn = self.options.learn;
        r
    }

    /// Reads a file and runs it through the pipeline.
    pub fn read(&self, path: &Path) -> Result<Document, PipelineError> {
        self.run(Source::read(path)?)
    }

    /// Runs one input through the pipeline.
    // Long: one arm per source kind, its stages in order with why each runs or not.
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
                    // The model is parsed only if some font has enough glyphs to learn.
                    crate::ingest::selflearn::learn_unresolved_with(
                        &mut glyphs,
                        &|| self.lm.get(),
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
