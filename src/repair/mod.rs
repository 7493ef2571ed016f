//! Repairing garbled text: decode glyph IDs printed as code points back into the characters
//! the author typed, through per-font tables, choosing readings with the language model.
//!
//! Guarantees:
//! * one output line per input line, line endings kept;
//! * a line with no strong evidence of garbling (see [`crate::detect::charclass`]) is
//!   returned byte-identical — clean text is never touched;
//! * every change is reported as a [`RepairSpan`] with the table, rule and confidence;
//! * strong-evidence characters that no table explains are reported as
//!   [`GarbledSpan`]s with [`Reason::NoTable`], never silently changed;
//! * only tables that won the document ([`doclevel`]) decode anything in it, decided
//!   from all its garbled lines before any span is decoded;
//! * characters extractors emit in clean text (controls such as the page-break form
//!   feed, U+3000; ASCII never decodes) are decoded only between two characters one of
//!   which is garbling evidence (see [`lattice::options`]);
//! * Kangxi radicals that are a line's only garbling evidence, beside kana or kanji, are
//!   read as the kanji they stand for when no table won the document (the named fix
//!   `radical`, [`ideograph_of_radical`]).

mod alias;
pub mod bidi;
pub mod calibrate;
mod dirty;
pub mod doclevel;
mod document;
pub mod lattice;
mod learned;
mod line;
mod memo;
pub mod nfc;
mod spans;
pub mod stream;
pub mod window;

pub use alias::{RADICAL_TABLE, ideograph_of_radical};
use dirty::{DirtyLine, dirty_lines, distinct_lines, report_at};
pub use document::{DecodeStats, DocumentModel};
use learned::LearnedTable;
pub use learned::{LEARNED_SOURCE, LEARNED_TABLE};
pub use spans::describe_rule;
use spans::{decoded_runs, unresolved};

use crate::detect::{self, GarbledSpan, Reason, classify};
use crate::lm::Scorer;
use crate::tables::{FontTable, Rule, RuleKind, TableSet};
use calibrate::{SpanEvidence, SpanKind};
use lattice::KEEP;
use std::borrow::Cow;

/// Knobs of the repair; the defaults are what the measured figures in the README use.
#[derive(Debug, Clone)]
pub struct RepairOptions {
    /// Table rules below this confidence are not applied (their spans are reported).
    pub min_rule_confidence: f32,
    /// A decoded span must beat keeping it by this many log10 units of LM score.
    pub min_margin: f32,
    /// log10 cost of switching between keep and a table, or between tables.
    pub switch_cost: f32,
    /// Tables tried per line (the best explaining ones).
    pub max_tables_per_line: usize,
    /// Adapt the language model to the input's own clean lines.
    pub adapt: bool,
    /// A decoded span must read like Japanese: mean log10 probability per output character
    /// at least this. Guards against a wrong table turning an unknown font's garbage into
    /// kanji soup; such spans are reported as unresolved instead.
    pub min_mean_logprob: f32,
    /// Self-learning: when garbling remains after the tables, decipher the document's own
    /// unexplained glyphs ([`crate::learn::decipher`]) and apply the readings whose spans
    /// reach `min_learned_confidence` (calibrated).
    pub learn: bool,
    /// Learned spans below this calibrated confidence are left unresolved. Default: the
    /// threshold the calibration file derived (at least 0.9; none applied without one).
    pub min_learned_confidence: f32,
    /// Learned spans are applied only when every glyph was verified by a glyph order of at
    /// least this many glyphs (`support`). The calibration puts support 5–53 at 0.9995 from
    /// the fit fonts, but the fourth held-out font set's first run printed 3.6 % of such
    /// characters wrong at support 5–31 (Yusei Magic: katakana read through a block
    /// shifted by three) and none at ≥ 32 (docs/performance.md).
    pub min_learned_support: u32,
    /// Self-learning reads one font's glyphs (a PDF font's own glyph sequences), so the
    /// learner may hold that a character has one glyph
    /// ([`crate::learn::decipher::Options::one_font`]). Off for text, where several fonts'
    /// glyph IDs may overlap.
    pub learn_one_font: bool,
    /// The confidence calibration (the shipped one by default).
    pub calibration: &'static calibrate::Calibration,
}

impl Default for RepairOptions {
    fn default() -> Self {
        RepairOptions {
            min_rule_confidence: 0.5,
            min_margin: 1.0,
            switch_cost: 1.0,
            max_tables_per_line: 3,
            adapt: true,
            min_mean_logprob: -4.5,
            learn: true,
            min_learned_confidence: calibrate::Calibration::builtin()
                .learned_threshold()
                .unwrap_or(1.01)
                .max(0.9),
            min_learned_support: 32,
            learn_one_font: false,
            calibration: calibrate::Calibration::builtin(),
        }
    }
}

/// One repaired span, for `--explain` and reviews.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RepairSpan {
    /// 1-based line number.
    pub line: usize,
    /// 1-based character column of the span's first input character (input order).
    pub column: usize,
    /// 1-based character column of its last input character.
    pub end_column: usize,
    /// The span's characters as they were (in logical order).
    pub before: String,
    /// What they were decoded to.
    pub after: String,
    /// Table name.
    pub table: String,
    /// The rule(s) used, as written in the table file.
    pub rule: String,
    /// `decode`, `decode+nfc` (the input had been NFC-normalised).
    pub fix: String,
    /// 0..=1: the measured probability that the span is right, from its evidence through
    /// the calibration ([`calibrate`]).
    pub confidence: f32,
    /// What the confidence was computed from (`None` only for spans made elsewhere).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<calibrate::SpanEvidence>,
}

/// What happened to one line.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct LineReport {
    /// 1-based line number.
    pub line: usize,
    /// Line-level fixes, e.g. `bidi:whole` (the extractor had reordered the line).
    pub fixes: Vec<String>,
    /// The spans repaired.
    pub spans: Vec<RepairSpan>,
    /// Garbled spans left as they were (not decoded).
    pub unresolved: Vec<GarbledSpan>,
}

/// The result of repairing a text.
#[derive(Debug, Clone, Default)]
pub struct TextRepair<'t> {
    /// The repaired text; borrowed from the input when no line changed (clean text is
    /// never copied).
    pub text: Cow<'t, str>,
    /// Only lines that were changed or hold unresolved spans.
    pub lines: Vec<LineReport>,
}

impl TextRepair<'_> {
    /// The same result owning its text (a copy only if it was borrowed).
    pub fn into_owned(self) -> TextRepair<'static> {
        TextRepair {
            text: Cow::Owned(self.text.into_owned()),
            lines: self.lines,
        }
    }
    /// Every repaired span, line by line.
    pub fn spans(&self) -> impl Iterator<Item = &RepairSpan> {
        self.lines.iter().flat_map(|l| l.spans.iter())
    }
    /// Every unresolved garbled span, line by line.
    pub fn unresolved(&self) -> impl Iterator<Item = &GarbledSpan> {
        self.lines.iter().flat_map(|l| l.unresolved.iter())
    }

    /// The spans as JSON lines, what `repair --json` prints (and the Python `repair`
    /// returns): per line, its repaired spans then its unresolved ones, each one object with
    /// `"type"` `repair` or `unresolved`, every line ending in `\n`.
    pub fn spans_jsonl(&self) -> Result<String, serde_json::Error> {
        let mut out = String::new();
        for line in &self.lines {
            let repaired = line
                .spans
                .iter()
                .map(|s| (serde_json::to_value(s), "repair"));
            let unresolved = line
                .unresolved
                .iter()
                .map(|u| (serde_json::to_value(u), "unresolved"));
            for (v, kind) in repaired.chain(unresolved) {
                let mut v = v?;
                v["type"] = kind.into();
                out.push_str(&v.to_string());
                out.push('\n');
            }
        }
        Ok(out)
    }
}

/// Repairs text with a set of tables and a language model.
pub struct Repairer<'a> {
    tables: Vec<&'a FontTable>,
    lm: &'a crate::lm::CharLm,
    /// Knobs of the repair.
    pub options: RepairOptions,
    /// Reuse the residual pass's repair of evidence pieces (see [`DecodeStats`]).
    reuse_residual: bool,
}

impl<'a> Repairer<'a> {
    /// A repairer with the tables of `tables` that apply to plain text, the model `lm` and
    /// default options.
    pub fn new(tables: &'a TableSet, lm: &'a crate::lm::CharLm) -> Self {
        Repairer {
            tables: tables.text_tables().collect(),
            lm,
            options: RepairOptions::default(),
            reuse_residual: true,
        }
    }

    /// The same repairer decoding every piece with the lattice search, never reusing the
    /// residual pass's results: the full path that the reuse must equal (tests).
    #[doc(hidden)]
    pub fn without_reuse(mut self) -> Self {
        self.reuse_residual = false;
        self
    }

    /// Repairs a whole text. Lines are split on `\n`; `\r\n` endings are kept.
    ///
    /// Clean text costs one pass of [`detect::scan::first_strong`] and no copy (the result
    /// borrows it): only the lines holding strong evidence are decoded. Those are
    /// independent once the language model has adapted to the clean lines, so they are
    /// repaired in parallel; the result does not depend on the number of threads.
    pub fn repair_text<'t>(&self, text: &'t str) -> TextRepair<'t> {
        let dirty = dirty_lines(text, 1);
        if dirty.is_empty() {
            return TextRepair {
                text: Cow::Borrowed(text),
                lines: Vec::new(),
            };
        }
        let mut doc = self.document();
        doc.observe_dirty(text, &dirty);
        self.repair_dirty(&doc, text, dirty)
    }

    /// An empty document model, to be fed every chunk of one text in order with
    /// [`DocumentModel::observe`] before any chunk is repaired with
    /// [`Repairer::repair_chunk`]. Together they give exactly [`Repairer::repair_text`]'s
    /// output while holding one chunk at a time (see `DocumentModel`).
    pub fn document(&self) -> DocumentModel<'a> {
        DocumentModel {
            adaptive: crate::lm::AdaptiveLm::new(self.lm),
            adapt: self.options.adapt,
            may_be_nfc: true,
            lines: 0,
            evidence: Vec::new(),
            evidence_chars: 0,
            verdicts: std::sync::OnceLock::new(),
            residual: std::sync::OnceLock::new(),
            learned: std::sync::OnceLock::new(),
            decide_stats: std::sync::OnceLock::new(),
            pieces_decoded: Default::default(),
            pieces_reused: Default::default(),
        }
    }

    /// The document-level verdict on each table (in table order), decided on first use
    /// from every chunk `doc` has observed: call it only once all are observed.
    pub fn verdicts<'d>(&self, doc: &'d DocumentModel<'a>) -> &'d [doclevel::TableVerdict] {
        doc.verdicts.get_or_init(|| {
            let lm = &doc.adaptive;
            // The lines' bidi orders serve both rounds.
            let orders = doclevel::line_orders(&doc.evidence);
            let (mut verdicts, mut stats) =
                doclevel::decide_in_orders(&self.tables, &doc.evidence, &orders, lm, None);
            let won = |v: &[doclevel::TableVerdict]| -> Vec<&'a FontTable> {
                self.tables
                    .iter()
                    .zip(v)
                    .filter(|(_, v)| v.wins)
                    .map(|(t, _)| *t)
                    .collect()
            };
            let winners = won(&verdicts);
            if winners.is_empty() || winners.len() == self.tables.len() {
                let _ = doc.decide_stats.set(stats);
                return verdicts;
            }
            // A second font (a title font amid the body font): the glyphs the winners leave
            // unresolved are judged again, on their own, by the tables that lost.
            let (residual, fixed) = self.residual(doc, &winners, &Kinds::default());
            let losers: Vec<(usize, &FontTable)> = self
                .tables
                .iter()
                .enumerate()
                .filter(|(i, _)| !verdicts[*i].wins)
                .map(|(i, t)| (i, *t))
                .collect();
            let rest: Vec<&FontTable> = losers.iter().map(|(_, t)| *t).collect();
            let (second, more) =
                doclevel::decide_in_orders(&rest, &doc.evidence, &orders, lm, Some(&residual));
            stats.add(&more);
            let _ = doc.decide_stats.set(stats);
            let mut second_won = false;
            for ((i, _), v) in losers.iter().zip(second) {
                second_won |= v.wins;
                if v.wins || v.distinct > 0 {
                    verdicts[*i] = v;
                }
            }
            if !second_won {
                // The final winners are these: self-learning starts from this residue.
                let _ = doc.residual.set((residual, fixed, Vec::new()));
            }
            verdicts
        })
    }

    /// What the tables in `winners` leave unexplained in the document's evidence lines: the
    /// strong glyphs left unresolved, and the evidence lines as those tables repair them.
    fn residual(
        &self,
        doc: &DocumentModel<'a>,
        winners: &[&FontTable],
        kinds: &Kinds,
    ) -> (std::collections::HashSet<char>, Vec<document::Fixed>) {
        let memo = memo::Memo::new(&doc.adaptive);
        let mut residual = std::collections::HashSet::new();
        let mut fixed = Vec::with_capacity(doc.evidence.len());
        for line in &doc.evidence {
            let text: String = line.iter().collect();
            memo.trim();
            let (out, report) =
                self.repair_line_with(&text, 0, &memo, doc.may_be_nfc, winners, kinds);
            doc.pieces_decoded
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            for u in &report.unresolved {
                residual.extend(
                    u.text
                        .chars()
                        .filter(|&c| classify(c).is_strong() && !doclevel::never_evidence(c)),
                );
            }
            fixed.push((out, report));
        }
        (residual, fixed)
    }

    /// Which kind of source each table decoding a span is ([`SpanKind`]).
    fn kinds<'d>(&self, doc: &'d DocumentModel<'a>) -> Kinds<'d> {
        Kinds {
            learned: if self.options.learn {
                doc.learned.get().and_then(|l| l.as_ref())
            } else {
                None
            },
            residual: self
                .verdicts(doc)
                .iter()
                .filter(|v| v.wins && v.residual)
                .map(|v| v.table.clone())
                .collect(),
            read_radicals: alias::radicals_only(doc.evidence.iter().flatten().copied()),
        }
    }

    /// The tables that won the document.
    fn winners(&self, doc: &DocumentModel<'a>) -> Vec<&'a FontTable> {
        self.tables
            .iter()
            .zip(self.verdicts(doc))
            .filter(|(_, v)| v.wins)
            .map(|(t, _)| *t)
            .collect()
    }

    /// Repairs one chunk of a text whose every chunk `doc` has observed. `first_line` is
    /// the 1-based number of the chunk's first line in the whole text (report numbers).
    pub fn repair_chunk<'t>(
        &self,
        doc: &DocumentModel<'a>,
        chunk: &'t str,
        first_line: usize,
    ) -> TextRepair<'t> {
        // The whole text is clean: nothing to find in this chunk either.
        if !doc.needs_adaptation() {
            return TextRepair {
                text: Cow::Borrowed(chunk),
                lines: Vec::new(),
            };
        }
        let dirty = dirty_lines(chunk, first_line);
        if dirty.is_empty() {
            return TextRepair {
                text: Cow::Borrowed(chunk),
                lines: Vec::new(),
            };
        }
        self.repair_dirty(doc, chunk, dirty)
    }

    /// Repairs the `dirty` lines of `text` under the document model.
    // Long: reuse of the residual pass, the parallel repair and the reassembly share borrows.
    fn repair_dirty<'t>(
        &self,
        doc: &DocumentModel<'a>,
        text: &'t str,
        dirty: Vec<DirtyLine>,
    ) -> TextRepair<'t> {
        let nfc_alternatives = doc.may_be_nfc;
        let adaptive = &doc.adaptive;
        let mut winners: Vec<&FontTable> = self.winners(doc);
        winners.extend(self.learned(doc));
        let kinds = self.kinds(doc);
        // The evidence pieces the residual pass repaired with exactly these tables (no
        // second font, no learned table, no radical read), options and model: their repair
        // is that result,
        // with the line number set. Exact: a piece's repair depends on nothing else.
        let reusable = self.reuse_residual
            && doc.residual.get().is_some_and(|r| r.2 == kinds.residual)
            && kinds.learned.is_none()
            && !kinds.read_radicals
            && winners.len() == self.winners(doc).len();
        let evidence_texts: Vec<String> = if reusable {
            doc.evidence.iter().map(|l| l.iter().collect()).collect()
        } else {
            Vec::new()
        };
        let mut reuse: std::collections::HashMap<&str, &document::Fixed> = Default::default();
        if let (true, Some((_, fixed, _))) = (reusable, doc.residual.get()) {
            // `fixed` holds the evidence pieces' repairs, in order.
            for (piece, f) in evidence_texts.iter().zip(fixed) {
                reuse.entry(piece.as_str()).or_insert(f);
            }
        }
        let (distinct, slot_of, first_line_of) = distinct_lines(text, &dirty);
        use rayon::prelude::*;
        let fixed: Vec<(String, LineReport)> = distinct
            .par_iter()
            .zip(first_line_of.par_iter())
            // One memo per rayon job, shared by the lines it repairs: the model is fixed
            // for the document, so a cached score is the score.
            .map_init(
                || memo::Memo::new(adaptive),
                |memo, (raw, &line_no)| {
                    let line = raw.strip_suffix('\r').unwrap_or(raw);
                    memo.trim();
                    // Very long lines (and lone `\r` endings) in bounded pieces.
                    let (mut fixed, report) = window::repair_pieces(line, |piece| {
                        use std::sync::atomic::Ordering::Relaxed;
                        if let Some((text, report)) = reuse.get(piece) {
                            doc.pieces_reused.fetch_add(1, Relaxed);
                            let mut report = report.clone();
                            report.line = line_no;
                            report.spans.iter_mut().for_each(|s| s.line = line_no);
                            report.unresolved.iter_mut().for_each(|u| u.line = line_no);
                            return (text.clone(), report);
                        }
                        doc.pieces_decoded.fetch_add(1, Relaxed);
                        self.repair_line_with(
                            piece,
                            line_no,
                            memo,
                            nfc_alternatives,
                            &winners,
                            &kinds,
                        )
                    });
                    if raw.len() != line.len() {
                        fixed.push('\r');
                    }
                    (fixed, report)
                },
            )
            .collect();
        // Lines left as they were (unresolved garbling only) need no copy of the text.
        let unchanged = fixed.iter().zip(&distinct).all(|((f, _), raw)| f == raw);
        let mut out = String::with_capacity(if unchanged {
            0
        } else {
            text.len() + text.len() / 8
        });
        let mut reports = Vec::new();
        let mut prev = 0;
        for (d, &k) in dirty.iter().zip(&slot_of) {
            let (line, report) = &fixed[k];
            if !unchanged {
                out.push_str(&text[prev..d.start]);
                out.push_str(line);
            }
            prev = d.end;
            if !report.spans.is_empty() || !report.unresolved.is_empty() || !report.fixes.is_empty()
            {
                let report = report_at(report, d.line_no);
                reports.push(report);
            }
        }
        if unchanged {
            return TextRepair {
                text: Cow::Borrowed(text),
                lines: reports,
            };
        }
        out.push_str(&text[prev..]);
        TextRepair {
            text: Cow::Owned(out),
            lines: reports,
        }
    }
}

/// Which tables decode as second fonts ([`SpanKind::Residual`]); the learned table is
/// recognised by its rules' source.
#[derive(Debug, Default)]
struct Kinds<'d> {
    residual: Vec<String>,
    learned: Option<&'d LearnedTable>,
    /// Radicals are the document's only garbling evidence: the named fix `radical` reads
    /// them ([`alias`]).
    read_radicals: bool,
}

impl Kinds<'_> {
    fn kind(&self, t: &FontTable) -> SpanKind {
        if t.name == LEARNED_TABLE && t.rules.iter().all(|r| r.source == LEARNED_SOURCE) {
            SpanKind::Learned
        } else if self.residual.contains(&t.name) {
            SpanKind::Residual
        } else {
            SpanKind::Table
        }
    }
}

/// Splits `text` into chunks of whole lines, each at least `target` bytes long unless it is
/// the last (a chunk ends at the first `\n` at or after `target` bytes), for
/// [`Repairer::document`] and [`Repairer::repair_chunk`].
pub fn line_chunks(text: &str, target: usize) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let from = target.max(1).min(rest.len()) - 1;
        let end =
            memchr::memchr(b'\n', &rest.as_bytes()[from..]).map_or(rest.len(), |k| from + k + 1);
        let (chunk, tail) = rest.split_at(end);
        rest = tail;
        Some(chunk)
    })
}

#[cfg(test)]
mod tests;
