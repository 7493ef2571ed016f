//! "Needs attention": why a document that went through the pipeline is not simply done.
//!
//! Invariants: a document with any unresolved glyph, unresolved garbling, low-confidence
//! repair or PDF decoding (counted by [`SpanCounts`], as the manifest counts it),
//! self-learned reading or learned table applied gets an [`Attention`] naming each reason with its
//! counts and the command that would fix it; a document whose glyphs are all unresolved is
//! marked so ([`AttentionReason::UnresolvedGlyphs::all`]); a PDF cut short by its work
//! budget, or with pages that are only images (scans), needs attention too: pages not read
//! as [`AttentionReason::ImageOnlyPages`], pages read by OCR (`--ocr`) as
//! [`AttentionReason::Ocr`], since their text is machine-read; a clean document gets none.

use super::{Document, SourceKind};
use crate::export::corpus::{LOW_CONFIDENCE, SpanCounts};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Prefix of the tables a batch learns from its own inputs (`batch --learn-fonts`).
pub const LEARNED_TABLE_PREFIX: &str = "corpus-";

/// Why a document needs a reader's attention.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attention {
    /// Every reason, most serious first.
    pub reasons: Vec<AttentionReason>,
}

/// Glyphs of one font left unresolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FontCount {
    /// BaseFont as written in the PDF.
    pub font: String,
    /// Glyphs of this font left unresolved.
    pub glyphs: usize,
}

/// One reason for attention, with what would fix it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AttentionReason {
    /// Extraction stopped at a per-document work budget: the text is truncated.
    Truncated {
        /// The budget warning (which budget, on which page).
        warning: String,
        /// What to do.
        fix: Vec<String>,
    },
    /// Pages that paint images and no text (scans): nothing was read from them.
    ImageOnlyPages {
        /// Their page numbers.
        pages: Vec<u32>,
        /// What to do.
        fix: Vec<String>,
    },
    /// Scanned pages read by OCR (`--ocr`, Tesseract): their text is machine-read, with
    /// Tesseract's confidence, and should be checked against the page images.
    Ocr {
        /// Their page numbers.
        pages: Vec<u32>,
        /// Lines read on them.
        lines: usize,
        /// The lowest of the pages' mean line confidences, 0–1.
        confidence: f32,
        /// What to do.
        fix: Vec<String>,
    },
    /// PDF glyphs no ToUnicode, cmap, table or outline explained (U+FFFD in the text).
    UnresolvedGlyphs {
        /// Unresolved glyphs.
        glyphs: usize,
        /// All glyphs of the document.
        total: usize,
        /// `glyphs / total`, rounded to 4 decimals.
        share: f64,
        /// Every glyph is unresolved: the text is nothing but U+FFFD.
        all: bool,
        /// Per font, most unresolved first.
        fonts: Vec<FontCount>,
        /// Commands that would fix it.
        fix: Vec<String>,
    },
    /// Garbled text no table explained (left as is).
    UnresolvedSpans {
        /// Garbled spans left as they were.
        spans: usize,
        /// Commands that would fix it.
        fix: Vec<String>,
    },
    /// Repairs and PDF decodings below the confidence threshold (OCR lines, which have their
    /// own confidence, are under [`AttentionReason::Ocr`]).
    LowConfidence {
        /// Spans repaired or decoded with confidence below `threshold`.
        spans: usize,
        /// The threshold.
        threshold: f32,
        /// Those spans by provenance (`table`, `font-cmap`, `learned`, …; see
        /// [`crate::export::corpus::SpanCounts::provenance`]); empty in outputs of older
        /// versions.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        provenance: BTreeMap<String, usize>,
        /// What to do.
        fix: Vec<String>,
    },
    /// Glyphs no source explained were read from the document's own text (self-learning,
    /// applied only at the calibrated threshold): the readings are spans to review.
    SelfLearned {
        /// Glyphs given a learned reading.
        glyphs: usize,
        /// Per font, most learned first.
        fonts: Vec<FontCount>,
        /// What to do.
        fix: Vec<String>,
    },
    /// Tables learned from the batch's own inputs decided some glyphs.
    LearnedTables {
        /// Names of the learned tables applied.
        tables: Vec<String>,
        /// Glyphs they decided.
        glyphs: usize,
        /// What to do.
        fix: Vec<String>,
    },
}

impl AttentionReason {
    /// Short name of the reason (`unresolved_glyphs`, …).
    pub fn kind(&self) -> &'static str {
        match self {
            AttentionReason::Truncated { .. } => "truncated",
            AttentionReason::ImageOnlyPages { .. } => "image_only_pages",
            AttentionReason::Ocr { .. } => "ocr",
            AttentionReason::UnresolvedGlyphs { .. } => "unresolved_glyphs",
            AttentionReason::UnresolvedSpans { .. } => "unresolved_spans",
            AttentionReason::LowConfidence { .. } => "low_confidence",
            AttentionReason::SelfLearned { .. } => "self_learned",
            AttentionReason::LearnedTables { .. } => "learned_tables",
        }
    }

    /// One line for a person: what is wrong and how to fix it.
    // Long: one short arm per attention reason.
    pub fn summary(&self) -> String {
        match self {
            AttentionReason::Truncated { warning, fix } => {
                format!("{warning}; {}", fix.join("; "))
            }
            AttentionReason::ImageOnlyPages { pages, fix } => {
                let pages: Vec<String> = pages.iter().map(u32::to_string).collect();
                format!(
                    "page(s) {} are images only, no text read; {}",
                    pages.join(", "),
                    fix.join("; ")
                )
            }
            AttentionReason::Ocr {
                pages,
                lines,
                confidence,
                fix,
            } => {
                let pages: Vec<String> = pages.iter().map(u32::to_string).collect();
                format!(
                    "page(s) {} are images read by OCR ({lines} lines, mean confidence {confidence:.2} \
                     on the weakest page); {}",
                    pages.join(", "),
                    fix.join("; ")
                )
            }
            AttentionReason::UnresolvedGlyphs {
                glyphs,
                total,
                share,
                all,
                fonts,
                fix,
            } => {
                let fonts: Vec<String> = fonts
                    .iter()
                    .map(|f| format!("{} ({})", f.font, f.glyphs))
                    .collect();
                format!(
                    "{glyphs} of {total} glyphs unresolved ({:.1}%{}) in {}; fix: {}",
                    share * 100.0,
                    if *all { ", nothing readable" } else { "" },
                    fonts.join(", "),
                    fix.join("; or ")
                )
            }
            AttentionReason::UnresolvedSpans { spans, fix } => format!(
                "{spans} garbled span(s) no table explains; fix: {}",
                fix.join("; or ")
            ),
            AttentionReason::LowConfidence {
                spans,
                threshold,
                provenance,
                fix,
            } => format!(
                "{spans} span(s) below confidence {threshold}{}; {}",
                if provenance.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", crate::export::corpus::by_count_text(provenance))
                },
                fix.join("; ")
            ),
            AttentionReason::SelfLearned { glyphs, fonts, fix } => {
                let fonts: Vec<String> = fonts
                    .iter()
                    .map(|f| format!("{} ({})", f.font, f.glyphs))
                    .collect();
                format!(
                    "{glyphs} glyph(s) read from the document's own text (self-learning) in {}; {}",
                    fonts.join(", "),
                    fix.join("; ")
                )
            }
            AttentionReason::LearnedTables {
                tables,
                glyphs,
                fix,
            } => format!(
                "{glyphs} glyph(s) decided by tables learned from this batch ({}); {}",
                tables.join(", "),
                fix.join("; ")
            ),
        }
    }
}

impl Attention {
    /// The reasons `doc` needs attention, or `None` when it does not.
    pub fn of(doc: &Document) -> Option<Attention> {
        let mut reasons = Vec::new();
        reasons.extend(truncated(doc));
        reasons.extend(image_only_and_ocr(doc));
        reasons.extend(unresolved_glyphs(doc));
        reasons.extend(unresolved_spans(doc));
        reasons.extend(low_confidence(doc));
        reasons.extend(self_learned(doc));
        reasons.extend(learned_tables(doc));
        (!reasons.is_empty()).then_some(Attention { reasons })
    }

    /// Whether nothing of the document could be read (every glyph unresolved).
    pub fn unreadable(&self) -> bool {
        self.reasons
            .iter()
            .any(|r| matches!(r, AttentionReason::UnresolvedGlyphs { all: true, .. }))
    }
}

/// A budget cap cut the document short.
fn truncated(doc: &Document) -> Option<AttentionReason> {
    if let Some(w) = doc
        .warnings
        .iter()
        .find(|w| w.starts_with(crate::ingest::budget::WARNING_PREFIX))
    {
        return Some(AttentionReason::Truncated {
            warning: w.clone(),
            fix: vec![
                "if the document is trusted, raise that limit (`--max-…` options of \
                 `extract` and `batch`)"
                    .to_string(),
            ],
        });
    }
    None
}

/// Glyph counts by font, most first (ties by name).
fn fonts_by_count(by_font: BTreeMap<&str, usize>) -> Vec<FontCount> {
    let mut fonts: Vec<FontCount> = by_font
        .into_iter()
        .map(|(font, glyphs)| FontCount {
            font: font.to_string(),
            glyphs,
        })
        .collect();
    fonts.sort_by(|a, b| b.glyphs.cmp(&a.glyphs).then(a.font.cmp(&b.font)));
    fonts
}

/// Image-only pages not read, and pages read by OCR (in that order).
fn image_only_and_ocr(doc: &Document) -> Vec<AttentionReason> {
    let mut reasons = Vec::new();
    let ocr: Vec<(u32, usize, f32)> = doc
        .pages
        .iter()
        .filter_map(|p| Some((p.page, p.stats.ocr_lines, p.stats.ocr_confidence?)))
        .collect();
    let image_only: Vec<u32> = doc
        .warnings
        .iter()
        .filter_map(|w| w.strip_prefix(crate::ingest::IMAGE_ONLY_PREFIX))
        .filter_map(|rest| rest.split(':').next()?.parse().ok())
        .filter(|n| !ocr.iter().any(|o| o.0 == *n))
        .collect();
    if !image_only.is_empty() {
        reasons.push(AttentionReason::ImageOnlyPages {
            pages: image_only,
            fix: vec![
                "`--ocr` reads them with Tesseract (Debian packages tesseract-ocr, \
                 tesseract-ocr-jpn, tesseract-ocr-jpn-vert)"
                    .to_string(),
            ],
        });
    }
    if !ocr.is_empty() {
        reasons.push(AttentionReason::Ocr {
            pages: ocr.iter().map(|o| o.0).collect(),
            lines: ocr.iter().map(|o| o.1).sum(),
            confidence: ocr.iter().map(|o| o.2).fold(1.0, f32::min),
            fix: vec![format!(
                "check the text against the page images (`glyphmend review`; \
                 `glyphmend extract --json --ocr {}` gives each line's box and confidence)",
                if doc.kind == SourceKind::Pdf {
                    doc.name.as_str()
                } else {
                    "FILE"
                }
            )],
        });
    }
    reasons
}

/// PDF glyphs no source explains (U+FFFD), by font, with what would read them.
fn unresolved_glyphs(doc: &Document) -> Option<AttentionReason> {
    if let Some(g) = &doc.glyphs
        && g.stats.unresolved > 0
    {
        let mut by_font: BTreeMap<&str, usize> = BTreeMap::new();
        let mut renumbered = false;
        for span in g.pages.iter().flat_map(|p| &p.lines).flat_map(|l| &l.spans) {
            if span.unresolved > 0 {
                *by_font.entry(span.font.as_str()).or_default() += span.unresolved;
            }
        }
        for w in &doc.warnings {
            renumbered |= w.contains("codes number the subset's glyphs");
        }
        let fonts = fonts_by_count(by_font);
        let mut fix = Vec::new();
        let mut names: Vec<&str> = Vec::new();
        for f in &fonts {
            let bare = crate::tables::strip_subset_tag(&f.font);
            if !names.contains(&bare) {
                names.push(bare);
            }
        }
        let font_files = format!(
            "`--font-files DIR` with the font files of {} (glyphs identified by outline)",
            names.join(", ")
        );
        if renumbered {
            fix.push(font_files.clone());
        }
        fix.push(
            "`glyphmend learn pdf DIR --out TABLES` over documents that use the same font \
             with a ToUnicode, then `--tables TABLES` (in a batch: `--learn-fonts`)"
                .to_string(),
        );
        if !renumbered {
            fix.push(font_files);
        }
        let total = g.stats.glyphs;
        return Some(AttentionReason::UnresolvedGlyphs {
            glyphs: g.stats.unresolved,
            total,
            share: round4(g.stats.unresolved as f64 / total.max(1) as f64),
            all: g.stats.unresolved == total,
            fonts,
            fix,
        });
    }
    None
}

/// Garbled text no table explains.
fn unresolved_spans(doc: &Document) -> Option<AttentionReason> {
    let unresolved: usize = doc.pages.iter().map(|p| p.unresolved.len()).sum();
    if unresolved > 0 {
        return Some(AttentionReason::UnresolvedSpans {
            spans: unresolved,
            fix: vec![
                "`glyphmend learn text FILE --out TABLES` (learns the font from the \
                 garbled text itself), then `--tables TABLES`"
                    .to_string(),
                "`glyphmend learn pdf DIR --out TABLES` if you have PDFs of the same font"
                    .to_string(),
            ],
        });
    }
    None
}

/// Repairs and decodings under the confidence threshold.
fn low_confidence(doc: &Document) -> Option<AttentionReason> {
    // The counts the manifest and the review site show (one source); OCR lines have
    // Tesseract's confidence and their own reason.
    let mut low = SpanCounts::of(&doc.pages).low_confidence;
    low.remove("ocr");
    if !low.is_empty() {
        let fix = if doc.kind == SourceKind::Txt {
            format!(
                "check them against the original (`glyphmend diff {}`, or `glyphmend review`)",
                doc.name
            )
        } else {
            format!(
                "check them against the page images (`glyphmend review OUT`; \
                 `glyphmend extract --json {}` gives each glyph's source and confidence); \
                 a better table for the font can be given with `--tables DIR`",
                doc.name
            )
        };
        return Some(AttentionReason::LowConfidence {
            spans: low.values().sum(),
            threshold: LOW_CONFIDENCE,
            provenance: low,
            fix: vec![fix],
        });
    }
    None
}

/// PDF glyphs read by self-learning, by font.
fn self_learned(doc: &Document) -> Option<AttentionReason> {
    if let Some(g) = &doc.glyphs {
        let mut by_font: BTreeMap<&str, usize> = BTreeMap::new();
        for span in g.pages.iter().flat_map(|p| &p.lines).flat_map(|l| &l.spans) {
            if span.source == crate::ingest::resolve::MappingSource::Learned {
                *by_font.entry(span.font.as_str()).or_default() += span.codes.len();
            }
        }
        if !by_font.is_empty() {
            let fonts = fonts_by_count(by_font);
            return Some(AttentionReason::SelfLearned {
                glyphs: fonts.iter().map(|f| f.glyphs).sum(),
                fonts,
                fix: vec![format!(
                    "review the learned spans (`glyphmend diff {}`; a batch: `glyphmend review OUT`); \
                     `--no-learn` leaves them U+FFFD",
                    doc.name
                )],
            });
        }
    }
    None
}

/// PDF glyphs decoded through tables learned from the batch's own PDFs.
fn learned_tables(doc: &Document) -> Option<AttentionReason> {
    if let Some(g) = &doc.glyphs {
        let mut tables: BTreeMap<&str, usize> = BTreeMap::new();
        for span in g.pages.iter().flat_map(|p| &p.lines).flat_map(|l| &l.spans) {
            if let Some(t) = span.table.as_deref()
                && t.starts_with(LEARNED_TABLE_PREFIX)
            {
                *tables.entry(t).or_default() += span.codes.len();
            }
        }
        if !tables.is_empty() {
            return Some(AttentionReason::LearnedTables {
                glyphs: tables.values().sum(),
                tables: tables.keys().map(|t| t.to_string()).collect(),
                fix: vec![
                    "review the decoded text (`glyphmend review`); keep the tables with \
                     `glyphmend learn pdf DIR --out TABLES` once they are right"
                        .to_string(),
                ],
            });
        }
    }
    None
}

fn round4(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}
