//! The per-document result of a batch (`docs/<path>/doc.json`) and the corpus line of a page
//! (`corpus.jsonl`).
//!
//! `doc.json` is the single source of truth for one input: the other per-file outputs
//! (`repaired.txt`, `spans.json`, `records.jsonl`) and the batch-wide files are views of it,
//! and a resumed batch rebuilds its corpus lines from it without repairing again.

use crate::detect::{self, GarbledSpan};
use crate::repair::{RepairSpan, TextRepair};
use serde::{Deserialize, Serialize};

mod counts;
pub use counts::{SpanCounts, by_count_text};

/// Spans below this confidence are "low confidence" in reviews and statistics.
pub const LOW_CONFIDENCE: f32 = 0.8;

/// One repaired span, as stored (a [`RepairSpan`] plus its page).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpanRecord {
    /// 1-based page number.
    pub page: u32,
    /// 1-based line number within the page.
    pub line: usize,
    /// 1-based character columns of the input line, inclusive.
    pub column: usize,
    /// Last column of the span (see `column`).
    pub end_column: usize,
    /// The input characters of the span.
    pub before: String,
    /// What they were repaired to.
    pub after: String,
    /// Name of the table that decoded the span.
    pub table: String,
    /// The rule(s) used, as written in the table file.
    pub rule: String,
    /// How it was fixed: `decode` or `decode+nfc`.
    pub fix: String,
    /// 0..=1: the calibrated probability that the span is right.
    pub confidence: f32,
    /// The raw evidence the confidence was calibrated from, for a reader (e.g. `table ·
    /// 2 chars · LM gain +3.10 · rule 0.97`); absent in outputs of older versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
}

impl SpanRecord {
    /// The stored form of `s`, found on page `page`.
    pub fn from_span(page: u32, s: &RepairSpan) -> Self {
        SpanRecord {
            page,
            line: s.line,
            column: s.column,
            end_column: s.end_column,
            before: s.before.clone(),
            after: s.after.clone(),
            table: s.table.clone(),
            rule: s.rule.clone(),
            fix: s.fix.clone(),
            confidence: s.confidence,
            evidence: s.evidence.as_ref().map(evidence_text),
        }
    }
}

/// One line for a person from a span's raw evidence.
fn evidence_text(e: &crate::repair::calibrate::SpanEvidence) -> String {
    let mut s = format!(
        "{} · {} char(s) · LM gain {:+.2} · rule {:.2}",
        e.kind.as_str(),
        e.chars,
        e.gain,
        e.rule_confidence
    );
    if let Some(n) = e.occurrences {
        s.push_str(&format!(" · rarest glyph seen {n}×"));
    }
    if let Some(o) = e.ordered {
        s.push_str(if o {
            " · in a fitted glyph order"
        } else {
            " · from contexts only"
        });
    }
    if let Some(share) = e.order_share {
        s.push_str(&format!(" · order explains {:.0}%", share * 100.0));
    }
    if let Some(lp) = e.doc_logprob {
        s.push_str(&format!(" · document log10 p {lp:.2}"));
    }
    s
}

/// A run of a PDF line's glyphs whose text a reader should be able to check: decoded
/// through a table, a font's own cmap, outlines or a document table, read through a
/// ToUnicode map that was distrusted, or left unresolved (U+FFFD). Runs read through a
/// trusted ToUnicode, a predefined CMap or a simple font's encoding are not listed, and
/// self-learned readings are [`SpanRecord`]s (table `learned`), not runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecodedRun {
    /// 1-based line number within the page.
    pub line: usize,
    /// 1-based character columns of the line, inclusive (0: not found in the line's text).
    pub column: usize,
    /// Last column of the run (see `column`).
    pub end_column: usize,
    /// The run's text (U+FFFD for each unresolved glyph).
    pub text: String,
    /// Where its text came from: `table`, `font-cmap`, `outline`, `document-table`,
    /// `to-unicode` (distrusted entries), `unresolved`, … (kebab-case mapping source).
    pub source: String,
    /// The table's name for `source = table`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
    /// BaseFont as written in the PDF.
    pub font: String,
    /// Glyph ID of each glyph, where the font structure determines it (what a tool that
    /// prints glyph IDs as code points would show).
    pub gids: Vec<Option<u32>>,
    /// Lowest confidence over the run's glyphs.
    pub confidence: f32,
    /// Glyphs of the run left unresolved.
    pub unresolved: usize,
    /// [x0, y0, x1, y1] in PDF user space (y up).
    pub bbox: [f32; 4],
}

impl DecodedRun {
    /// Whether a run read through `source` is one a reader should check (see the type).
    fn reviewable(s: &crate::ingest::Span) -> bool {
        use crate::ingest::resolve::MappingSource as M;
        s.unresolved > 0
            || s.tounicode_distrust.is_some()
            || !matches!(
                s.source,
                M::ToUnicode | M::PredefinedCmap | M::Encoding | M::Learned
            )
    }
}

/// A PDF coordinate rounded to 1/100 point (keeps `doc.json` short and stable).
fn round2(v: f32) -> f32 {
    (v * 100.0).round() / 100.0
}

/// Garbling no table explained, as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnresolvedRecord {
    /// 1-based page number.
    pub page: u32,
    /// 1-based line number within the page.
    pub line: usize,
    /// 0-based character columns, end exclusive (as [`GarbledSpan`]).
    pub start: usize,
    /// End column (exclusive).
    pub end: usize,
    /// The span's characters.
    pub text: String,
    /// Why it is garbled: the `kind` of [`detect::Reason`], e.g. `no-table`.
    pub reason: String,
    /// 0..=1: how sure we are the span is garbled.
    pub confidence: f32,
}

impl UnresolvedRecord {
    /// The stored form of `g`, found on page `page`.
    pub fn from_span(page: u32, g: &GarbledSpan) -> Self {
        let reason = serde_json::to_value(&g.reason)
            .ok()
            .and_then(|v| v.get("kind").and_then(|k| k.as_str().map(String::from)))
            .unwrap_or_else(|| format!("{:?}", g.reason));
        UnresolvedRecord {
            page,
            line: g.line,
            start: g.start,
            end: g.end,
            text: g.text.clone(),
            reason,
            confidence: g.confidence,
        }
    }
}

/// How garbled a page was and what the repair did to it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PageStats {
    /// Characters of the original page text (without line ends).
    pub chars: usize,
    /// Lines of the original page text.
    pub lines: usize,
    /// Characters that are strong evidence of garbling, before and after repair.
    pub garbled_chars: usize,
    /// Lines holding at least one such character, before repair.
    pub garbled_lines: usize,
    /// Such characters left after repair.
    pub garbled_chars_after: usize,
    /// Repaired spans, characters they cover, and how many are below [`LOW_CONFIDENCE`].
    pub repaired_spans: usize,
    /// Input characters the repaired spans cover.
    pub repaired_chars: usize,
    /// Repaired spans below [`LOW_CONFIDENCE`].
    pub low_confidence_spans: usize,
    /// Spans left unresolved (garbled, no repair applied).
    pub unresolved_spans: usize,
    /// Lines the extractor had reordered (bidi) and repair put back.
    pub reordered_lines: usize,
    /// Lines read by OCR (a scanned page read with `--ocr`; 0 otherwise).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub ocr_lines: usize,
    /// Mean of Tesseract's confidence of those lines, 0–1 (OCR pages only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ocr_confidence: Option<f32>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// One page of one input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageResult {
    /// 1-based page number (a `.txt` input is split into pages at form feeds, as pdftotext
    /// writes them).
    pub page: u32,
    /// The page's text as read (extracted from the PDF, or the `.txt` page).
    pub original: String,
    /// The page's text after repair.
    pub repaired: String,
    /// Line-level fixes by line number, e.g. `(3, "bidi:whole")`.
    pub fixes: Vec<(usize, String)>,
    /// Repaired spans of the page.
    pub spans: Vec<SpanRecord>,
    /// Garbled spans left unresolved.
    pub unresolved: Vec<UnresolvedRecord>,
    /// Counts for the page.
    pub stats: PageStats,
    /// PDF pages: the [x0, y0, x1, y1] box (PDF user space, y up) of each line of
    /// `original`, by line number − 1 (`null` for a line without glyphs). Empty for text
    /// inputs and in outputs of older versions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub line_boxes: Vec<Option<[f32; 4]>>,
    /// PDF pages: the runs of glyphs to review (see [`DecodedRun`]), in line order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub decoded: Vec<DecodedRun>,
}

impl PageResult {
    /// Builds a page's result from its original text and the repair of it.
    pub fn new(page: u32, original: String, repair: TextRepair<'_>) -> Self {
        let mut stats = PageStats::default();
        for line in original.split('\n') {
            let n = line
                .chars()
                .filter(|c| detect::classify(*c).is_strong())
                .count();
            stats.lines += 1;
            stats.chars += line.trim_end_matches('\r').chars().count();
            stats.garbled_chars += n;
            stats.garbled_lines += usize::from(n > 0);
        }
        stats.garbled_chars_after = repair
            .text
            .chars()
            .filter(|c| detect::classify(*c).is_strong())
            .count();
        let spans: Vec<SpanRecord> = repair
            .spans()
            .map(|s| SpanRecord::from_span(page, s))
            .collect();
        let unresolved: Vec<UnresolvedRecord> = repair
            .unresolved()
            .map(|g| UnresolvedRecord::from_span(page, g))
            .collect();
        let fixes: Vec<(usize, String)> = repair
            .lines
            .iter()
            .flat_map(|l| l.fixes.iter().map(move |f| (l.line, f.clone())))
            .collect();
        stats.repaired_spans = spans.len();
        stats.repaired_chars = spans.iter().map(|s| s.before.chars().count()).sum();
        stats.low_confidence_spans = spans
            .iter()
            .filter(|s| s.confidence < LOW_CONFIDENCE)
            .count();
        stats.unresolved_spans = unresolved.len();
        stats.reordered_lines = {
            let mut lines: Vec<usize> = fixes.iter().map(|f| f.0).collect();
            lines.dedup();
            lines.len()
        };
        PageResult {
            page,
            original,
            repaired: repair.text.into_owned(),
            fixes,
            spans,
            unresolved,
            stats,
            line_boxes: Vec::new(),
            decoded: Vec::new(),
        }
    }

    /// The page with the line boxes and reviewable runs of the extracted PDF page it was
    /// read from (`page.lines` are the lines of `original`, in order).
    pub fn with_layout(mut self, page: &crate::ingest::Page) -> Self {
        self.line_boxes = page
            .lines
            .iter()
            .map(|l| {
                l.spans
                    .iter()
                    .map(|s| s.bbox)
                    .reduce(|a, b| {
                        [
                            a[0].min(b[0]),
                            a[1].min(b[1]),
                            a[2].max(b[2]),
                            a[3].max(b[3]),
                        ]
                    })
                    .map(|b| b.map(round2))
            })
            .collect();
        self.decoded.clear();
        for (i, l) in page.lines.iter().enumerate() {
            let chars: Vec<char> = l.text.chars().collect();
            let mut pos = 0;
            for s in &l.spans {
                let run: Vec<char> = s.text.chars().collect();
                // The line's text is its runs' text in order; search forward in case a
                // layout gap was put between them.
                let at = (pos..=chars.len().saturating_sub(run.len()))
                    .find(|&k| !run.is_empty() && chars[k..].starts_with(&run));
                if let Some(k) = at {
                    pos = k + run.len();
                }
                if !DecodedRun::reviewable(s) {
                    continue;
                }
                let source = serde_json::to_value(s.source)
                    .ok()
                    .and_then(|v| v.as_str().map(String::from))
                    .unwrap_or_default();
                self.decoded.push(DecodedRun {
                    line: i + 1,
                    column: at.map_or(0, |k| k + 1),
                    end_column: at.map_or(0, |k| k + run.len()),
                    text: s.text.clone(),
                    source,
                    table: s.table.clone(),
                    font: s.font.clone(),
                    gids: s.gids.clone(),
                    confidence: s.confidence,
                    unresolved: s.unresolved,
                    bbox: s.bbox.map(round2),
                });
            }
        }
        self
    }
}

/// Everything a batch knows about one successfully processed input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocResult {
    /// Path relative to the batch's input directory, `/`-separated.
    pub path: String,
    /// SHA-256 of the input file's bytes, lowercase hex.
    pub sha256: String,
    /// `pdf` or `txt`.
    pub kind: String,
    /// The input's pages, in order.
    pub pages: Vec<PageResult>,
    /// Warnings met reading the input (fonts, streams, tables in doubt).
    #[serde(default)]
    pub warnings: Vec<String>,
    /// Why the document needs a reader's attention (unresolved glyphs, …), if it does.
    #[serde(default)]
    pub attention: Option<crate::pipeline::Attention>,
}

impl DocResult {
    /// The repaired text of all pages, separated by form feeds (as pdftotext does).
    pub fn repaired_text(&self) -> String {
        let pages: Vec<&str> = self.pages.iter().map(|p| p.repaired.as_str()).collect();
        pages.join("\u{c}")
    }

    /// All spans of all pages, in page and line order.
    pub fn spans(&self) -> impl Iterator<Item = &SpanRecord> {
        self.pages.iter().flat_map(|p| p.spans.iter())
    }

    /// The corpus lines of this document, one per page.
    pub fn corpus_lines(&self) -> Vec<CorpusLine> {
        self.pages
            .iter()
            .map(|p| (p, SpanCounts::of(std::slice::from_ref(p))))
            .map(|(p, c)| CorpusLine {
                id: page_id(&self.path, p.page),
                source: self.path.clone(),
                sha256: self.sha256.clone(),
                page: p.page,
                text: p.repaired.clone(),
                garble: GarbleSummary {
                    chars: p.stats.chars,
                    garbled_chars: p.stats.garbled_chars,
                    garbled_lines: p.stats.garbled_lines,
                    garbled_ratio: ratio(p.stats.garbled_chars, p.stats.chars),
                    garbled_chars_after: p.stats.garbled_chars_after,
                },
                repairs: RepairCounts {
                    spans: c.repaired_spans,
                    chars: p.stats.repaired_chars,
                    learned: c.learned_spans,
                    decoded: c.decoded_spans,
                    low_confidence: c.low_confidence_spans,
                    unresolved: c.unresolved_spans,
                    unresolved_glyphs: c.unresolved_glyphs,
                    reordered_lines: p.stats.reordered_lines,
                },
                ocr: p.stats.ocr_confidence.map(|confidence| OcrSummary {
                    lines: p.stats.ocr_lines,
                    confidence,
                }),
            })
            .collect()
    }
}

/// The stable id of a page: `<path>#p<page>`.
pub fn page_id(path: &str, page: u32) -> String {
    format!("{path}#p{page}")
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        // Rounded so the JSON stays short and stable.
        ((a as f64 / b as f64) * 1e6).round() / 1e6
    }
}

/// One line of `corpus.jsonl`: one page of repaired text with where it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CorpusLine {
    /// Stable page id, `<source>#p<page>` (see [`page_id`]).
    pub id: String,
    /// Input path relative to the batch directory.
    pub source: String,
    /// SHA-256 of the input file's bytes, lowercase hex.
    pub sha256: String,
    /// 1-based page number.
    pub page: u32,
    /// Repaired text.
    pub text: String,
    /// How garbled the page was.
    pub garble: GarbleSummary,
    /// What the repair did to it.
    pub repairs: RepairCounts,
    /// Present when the page is a scan read by OCR (`--ocr`): its text is machine-read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ocr: Option<OcrSummary>,
}

/// A page read by OCR, in a corpus line (from [`PageStats`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OcrSummary {
    /// Lines read.
    pub lines: usize,
    /// Mean of Tesseract's confidence of the lines, 0–1.
    pub confidence: f32,
}

/// How garbled a page was, in a corpus line (from [`PageStats`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GarbleSummary {
    /// Characters of the original page text (without line ends).
    pub chars: usize,
    /// Characters that are strong evidence of garbling, before repair.
    pub garbled_chars: usize,
    /// Lines holding at least one such character, before repair.
    pub garbled_lines: usize,
    /// `garbled_chars / chars`, rounded to 6 decimals (0 for an empty page).
    pub garbled_ratio: f64,
    /// Such characters left after repair.
    pub garbled_chars_after: usize,
}

/// What the repair and the PDF decoding did to a page, in a corpus line: the page's
/// [`SpanCounts`] (the counts the manifest and the review site show) and its [`PageStats`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RepairCounts {
    /// Spans text repair changed, self-learned readings included.
    pub spans: usize,
    /// Input characters they cover.
    pub chars: usize,
    /// Of `spans`, the self-learned readings.
    #[serde(default)]
    pub learned: usize,
    /// PDF glyph runs a reader should check: decoded through a table, a font's own cmap,
    /// outlines, a document table or a distrusted ToUnicode (see [`DecodedRun`]).
    #[serde(default)]
    pub decoded: usize,
    /// Repaired spans and decoded runs below [`LOW_CONFIDENCE`].
    pub low_confidence: usize,
    /// Spans left unresolved: garbled text no table explains and PDF runs with glyphs no
    /// source explains (U+FFFD).
    pub unresolved: usize,
    /// The glyphs of those PDF runs.
    #[serde(default)]
    pub unresolved_glyphs: usize,
    /// Lines the extractor had reordered (bidi) and repair put back.
    pub reordered_lines: usize,
}

/// Reads `corpus.jsonl`.
pub fn read_corpus(path: &std::path::Path) -> super::Result<Vec<CorpusLine>> {
    let text = std::fs::read_to_string(path).map_err(|e| super::ExportError::io(path, e))?;
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            serde_json::from_str(l).map_err(|source| super::ExportError::Json {
                path: path.to_path_buf(),
                source,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;
