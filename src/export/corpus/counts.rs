//! Span counts of a document: the one source of every count of repaired, decoded,
//! learned, low-confidence and unresolved spans (manifest, `needs_attention.json`,
//! `corpus.jsonl`, review site).

use super::{LOW_CONFIDENCE, PageResult};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The reviewable spans of a document, counted once from its pages: every count of spans
/// that the manifest (per input and in its summary), `needs_attention.json`, the attention
/// reasons and the review site show comes from [`SpanCounts::of`].
///
/// Invariants: a repaired span ([`SpanRecord`](super::SpanRecord), self-learned readings included) and a
/// resolved decoded run ([`DecodedRun`](super::DecodedRun)) each count once, in `repaired_spans` or
/// `decoded_spans`, under one provenance and (for a table) one table; a run with unresolved
/// glyphs and a garbled span no table explains each count once in `unresolved_spans`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SpanCounts {
    /// Spans text repair changed, self-learned readings included.
    pub repaired_spans: usize,
    /// PDF glyph runs whose text a reader should check (see [`DecodedRun`](super::DecodedRun)): decoded
    /// through a table, a font's own cmap, outlines, a document table or a distrusted
    /// ToUnicode, or read by OCR.
    #[serde(default)]
    pub decoded_spans: usize,
    /// Of `repaired_spans`, the self-learned readings (table `learned`).
    #[serde(default)]
    pub learned_spans: usize,
    /// Repaired spans and decoded runs below [`LOW_CONFIDENCE`].
    pub low_confidence_spans: usize,
    /// Spans left unresolved: garbled text no table explains, and PDF runs with glyphs no
    /// source explains (U+FFFD).
    pub unresolved_spans: usize,
    /// The glyphs of those PDF runs.
    #[serde(default)]
    pub unresolved_glyphs: usize,
    /// Repaired spans and decoded runs by provenance: `to-unicode` (a distrusted ToUnicode
    /// read anew), `font-cmap`, `table` (a shipped table or one of `--tables`; for text, the
    /// table a repair decoded with), `learned-table` (learned from the batch's own PDFs,
    /// `--learn-fonts`), `outline` (`--font-files`), `document-table`, `learned`
    /// (self-learned readings), `ocr`, `notdef`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub provenance: BTreeMap<String, usize>,
    /// The same spans by the table that decided them (provenances `table` and
    /// `learned-table`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tables: BTreeMap<String, usize>,
    /// The spans of `low_confidence_spans` by provenance.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub low_confidence: BTreeMap<String, usize>,
}

impl SpanCounts {
    /// The counts of `pages`.
    pub fn of(pages: &[PageResult]) -> SpanCounts {
        let mut c = SpanCounts::default();
        for p in pages {
            c.add_page(p);
        }
        c
    }

    fn add_page(&mut self, p: &PageResult) {
        for s in &p.spans {
            self.repaired_spans += 1;
            if s.table == crate::repair::LEARNED_TABLE {
                self.learned_spans += 1;
                self.count("learned", None, s.confidence);
            } else {
                self.count("table", Some(&s.table), s.confidence);
            }
        }
        for r in &p.decoded {
            if r.unresolved > 0 {
                self.unresolved_spans += 1;
                self.unresolved_glyphs += r.unresolved;
                continue;
            }
            self.decoded_spans += 1;
            let learned_table = r.source == "table"
                && r.table.as_deref().is_some_and(|t| {
                    t.starts_with(crate::pipeline::attention::LEARNED_TABLE_PREFIX)
                });
            let provenance = if learned_table {
                "learned-table"
            } else {
                r.source.as_str()
            };
            self.count(provenance, r.table.as_deref(), r.confidence);
        }
        self.unresolved_spans += p.unresolved.len();
    }

    fn count(&mut self, provenance: &str, table: Option<&str>, confidence: f32) {
        *self.provenance.entry(provenance.to_string()).or_default() += 1;
        if let Some(t) = table {
            *self.tables.entry(t.to_string()).or_default() += 1;
        }
        if confidence < LOW_CONFIDENCE {
            self.low_confidence_spans += 1;
            *self
                .low_confidence
                .entry(provenance.to_string())
                .or_default() += 1;
        }
    }

    /// Adds `o`'s counts to these (a batch's summary over its inputs).
    pub fn add(&mut self, o: &SpanCounts) {
        self.repaired_spans += o.repaired_spans;
        self.decoded_spans += o.decoded_spans;
        self.learned_spans += o.learned_spans;
        self.low_confidence_spans += o.low_confidence_spans;
        self.unresolved_spans += o.unresolved_spans;
        self.unresolved_glyphs += o.unresolved_glyphs;
        for (k, v) in &o.provenance {
            *self.provenance.entry(k.clone()).or_default() += v;
        }
        for (k, v) in &o.tables {
            *self.tables.entry(k.clone()).or_default() += v;
        }
        for (k, v) in &o.low_confidence {
            *self.low_confidence.entry(k.clone()).or_default() += v;
        }
    }

    /// The provenances as `table 12, font-cmap 3` (most first), for a person.
    pub fn provenance_text(&self) -> String {
        by_count_text(&self.provenance)
    }
}

/// `a 12, b 3`: a count map, most first (ties by name), for a person.
pub fn by_count_text(counts: &BTreeMap<String, usize>) -> String {
    let mut v: Vec<(&String, &usize)> = counts.iter().collect();
    v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    v.iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}
