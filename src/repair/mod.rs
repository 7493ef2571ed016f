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
//!   which is garbling evidence (see [`lattice::options`]).

pub mod bidi;
pub mod calibrate;
pub mod doclevel;
pub mod lattice;
mod memo;
pub mod nfc;
pub mod window;

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
}

/// Repairs text with a set of tables and a language model.
pub struct Repairer<'a> {
    tables: Vec<&'a FontTable>,
    lm: &'a crate::lm::CharLm,
    /// Knobs of the repair.
    pub options: RepairOptions,
}

impl<'a> Repairer<'a> {
    /// A repairer with the tables of `tables` that apply to plain text, the model `lm` and
    /// default options.
    pub fn new(tables: &'a TableSet, lm: &'a crate::lm::CharLm) -> Self {
        Repairer {
            tables: tables.text_tables().collect(),
            lm,
            options: RepairOptions::default(),
        }
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
        }
    }

    /// The document-level verdict on each table (in table order), decided on first use
    /// from every chunk `doc` has observed: call it only once all are observed.
    pub fn verdicts<'d>(&self, doc: &'d DocumentModel<'a>) -> &'d [doclevel::TableVerdict] {
        doc.verdicts.get_or_init(|| {
            let lm = &doc.adaptive;
            let mut verdicts = doclevel::decide(&self.tables, &doc.evidence, lm, None);
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
                return verdicts;
            }
            // A second font (a title font amid the body font): the glyphs the winners leave
            // unresolved are judged again, on their own, by the tables that lost.
            let (residual, fixed) = self.residual(doc, &winners);
            let losers: Vec<(usize, &FontTable)> = self
                .tables
                .iter()
                .enumerate()
                .filter(|(i, _)| !verdicts[*i].wins)
                .map(|(i, t)| (i, *t))
                .collect();
            let rest: Vec<&FontTable> = losers.iter().map(|(_, t)| *t).collect();
            let second = doclevel::decide(&rest, &doc.evidence, lm, Some(&residual));
            let mut second_won = false;
            for ((i, _), v) in losers.iter().zip(second) {
                second_won |= v.wins;
                if v.wins || v.distinct > 0 {
                    verdicts[*i] = v;
                }
            }
            if !second_won {
                // The final winners are these: self-learning starts from this residue.
                let _ = doc.residual.set((residual, fixed));
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
    ) -> (std::collections::HashSet<char>, Vec<String>) {
        let memo = memo::Memo::new(&doc.adaptive);
        let mut residual = std::collections::HashSet::new();
        let mut fixed = Vec::with_capacity(doc.evidence.len());
        let kinds = Kinds::default();
        for line in &doc.evidence {
            let text: String = line.iter().collect();
            memo.trim();
            let (out, report) =
                self.repair_line_with(&text, 0, &memo, doc.may_be_nfc, winners, &kinds);
            for u in &report.unresolved {
                residual.extend(
                    u.text
                        .chars()
                        .filter(|&c| classify(c).is_strong() && !doclevel::never_evidence(c)),
                );
            }
            fixed.push(out);
        }
        (residual, fixed)
    }

    /// The table learned from this document's own unexplained glyphs, if self-learning is
    /// on and the tables that won leave enough garbling to learn from (decided on first
    /// use, once every chunk is observed). Its readings are glyph rules of source
    /// `learned`; its spans are applied only at or above the calibrated
    /// [`RepairOptions::min_learned_confidence`].
    pub fn learned<'d>(&self, doc: &'d DocumentModel<'a>) -> Option<&'d FontTable> {
        if !self.options.learn {
            return None;
        }
        doc.learned
            .get_or_init(|| self.learn_document(doc))
            .as_ref()
            .map(|l| &l.table)
    }

    fn learn_document(&self, doc: &DocumentModel<'a>) -> Option<LearnedTable> {
        let winners = self.winners(doc);
        let (residual, fixed) = match doc.residual.get() {
            Some(r) => r,
            None => {
                let r = self.residual(doc, &winners);
                doc.residual.get_or_init(|| r)
            }
        };
        if residual.len() < LEARN_MIN_GLYPHS {
            return None;
        }
        // The lines holding unexplained glyphs, as the winning tables repair them (their
        // decoded neighbours are context), up to LEARN_MAX_BYTES.
        let mut counts: std::collections::HashMap<char, usize> = Default::default();
        let mut text = String::new();
        let mut text_lines: Vec<&str> = Vec::new();
        for line in fixed.iter() {
            if text.len() >= LEARN_MAX_BYTES {
                break;
            }
            let mut has = false;
            for c in line.chars().filter(|c| residual.contains(c)) {
                *counts.entry(c).or_default() += 1;
                has = true;
            }
            if has {
                text_lines.push(line.as_str());
                text.push_str(line);
                text.push('\n');
            }
        }
        if counts.values().sum::<usize>() < LEARN_MIN_TOKENS {
            return None;
        }
        let source = crate::learn::decipher::Source {
            name: "document".into(),
            text,
        };
        let learned = crate::learn::decipher::learn(
            LEARNED_TABLE,
            &[source],
            self.lm,
            &crate::learn::decipher::Options::default(),
        )
        .ok()?;
        let mut glyphs: Vec<char> = counts.keys().copied().collect();
        glyphs.sort_unstable();
        let rules: Vec<Rule> = glyphs
            .iter()
            .filter(|g| (**g as u32) <= crate::tables::rule::MAX_GID)
            .filter_map(|&g| {
                let (c, conf) = learned.reading(g as u32)?;
                // Learned readings are text: never a control, ASCII or another garbled glyph.
                if classify(c).is_strong() || c.is_control() || c.is_ascii() {
                    return None;
                }
                Some(Rule {
                    kind: RuleKind::Glyph { gid: g as u32, ch: c },
                    confidence: conf,
                    source: LEARNED_SOURCE.into(),
                    evidence: format!(
                        "read from this document's own text ({} occurrence(s)); learner's confidence {conf:.2}",
                        counts.get(&g).copied().unwrap_or(0)
                    ),
                })
            })
            .collect();
        if rules.is_empty() {
            return None;
        }
        let total: usize = counts.values().sum();
        let ordered: std::collections::HashSet<u32> = counts
            .keys()
            .map(|g| *g as u32)
            .filter(|g| {
                learned.tables.iter().any(|t| {
                    t.decode(*g)
                        .and_then(|d| t.rule(d.rule))
                        .is_some_and(|r| matches!(r.kind, RuleKind::Block { .. }))
                })
            })
            .collect();
        let verified: usize = counts
            .iter()
            .filter(|(g, _)| ordered.contains(&(**g as u32)))
            .map(|(_, n)| n)
            .sum();
        let table = FontTable::from_rules(LEARNED_TABLE, rules).ok()?;
        // How the document reads with every learned reading applied.
        let (mut sum, mut n) = (0.0f64, 0usize);
        for line in text_lines.iter() {
            let decoded: Vec<char> = line
                .chars()
                .map(|c| {
                    table
                        .get(c as u32)
                        .filter(|_| counts.contains_key(&c))
                        .unwrap_or(c)
                })
                .collect();
            for (i, c) in line.chars().enumerate() {
                if counts.contains_key(&c) && table.get(c as u32).is_some() {
                    sum += doc
                        .adaptive
                        .log_prob(&decoded[i.saturating_sub(3)..i], decoded[i])
                        as f64;
                    n += 1;
                }
            }
        }
        Some(LearnedTable {
            doc_logprob: if n == 0 {
                -99.0
            } else {
                (sum / n as f64) as f32
            },
            table,
            occurrences: counts
                .iter()
                .map(|(g, n)| (*g as u32, (*n).min(u32::MAX as usize) as u32))
                .collect(),
            order_share: verified as f32 / total.max(1) as f32,
            ordered,
        })
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
        // Repeated lines (headers, footers, table rows) are common: each distinct line
        // content is repaired once. Exact: a line's repair depends only on its content
        // and on the document-wide model, never on its neighbours.
        let mut distinct: Vec<&str> = Vec::new();
        let mut slot_of: Vec<usize> = Vec::with_capacity(dirty.len());
        {
            let mut index: std::collections::HashMap<&str, usize> =
                std::collections::HashMap::with_capacity(dirty.len());
            for d in &dirty {
                let raw = &text[d.start..d.end];
                let next = distinct.len();
                let k = *index.entry(raw).or_insert(next);
                if k == next {
                    distinct.push(raw);
                }
                slot_of.push(k);
            }
        }
        let first_line_of: Vec<usize> = {
            let mut v = vec![0usize; distinct.len()];
            for (d, &k) in dirty.iter().zip(&slot_of).rev() {
                v[k] = d.line_no;
            }
            v
        };
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
                let mut report = report.clone();
                if report.line != d.line_no {
                    report.line = d.line_no;
                    report.spans.iter_mut().for_each(|s| s.line = d.line_no);
                    report
                        .unresolved
                        .iter_mut()
                        .for_each(|u| u.line = d.line_no);
                }
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

    /// Tables worth trying on this line: those that turn its strong characters into
    /// ordinary ones, best first; a table that explains fewer than a quarter of the best
    /// one's is tried only if it reads two or more of them differently from every table
    /// taken before it (a title font's 調査 amid a body font whose kanji block also
    /// covers those glyph IDs).
    fn tables_for<'t>(&self, chars: &[char], winners: &[&'t FontTable]) -> Vec<&'t FontTable> {
        let strong: Vec<char> = chars
            .iter()
            .copied()
            .filter(|c| classify(*c).is_strong())
            .collect();
        let mut scored: Vec<(usize, usize, &FontTable)> = winners
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let n = strong
                    .iter()
                    .filter(|c| t.get(**c as u32).is_some_and(|d| !classify(d).is_strong()))
                    .count();
                (n, i, *t)
            })
            .filter(|(n, _, _)| *n > 0)
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let best = scored.first().map_or(0, |s| s.0);
        let mut taken: Vec<&'t FontTable> = Vec::new();
        for (n, _, t) in scored {
            if taken.len() == self.options.max_tables_per_line {
                break;
            }
            let novel = || {
                strong
                    .iter()
                    .filter(|c| {
                        t.get(**c as u32).is_some_and(|d| {
                            !classify(d).is_strong()
                                && taken.iter().all(|u| u.get(**c as u32) != Some(d))
                        })
                    })
                    .count()
            };
            if n * 4 >= best || novel() >= 2 {
                taken.push(t);
            }
        }
        taken
    }

    /// Repairs one line (without its line ending), taken as a whole document: the tables
    /// that decode are those that win on this line alone.
    pub fn repair_line(
        &self,
        line: &str,
        line_no: usize,
        lm: &(dyn Scorer + Sync),
        nfc_alternatives: bool,
    ) -> (String, LineReport) {
        let chars: Vec<char> = line.chars().collect();
        let verdicts = doclevel::decide(&self.tables, &[chars], lm, None);
        let winners: Vec<&'a FontTable> = self
            .tables
            .iter()
            .zip(&verdicts)
            .filter(|(_, v)| v.wins)
            .map(|(t, _)| *t)
            .collect();
        self.repair_line_with(
            line,
            line_no,
            &memo::Memo::new(lm),
            nfc_alternatives,
            &winners,
            &Kinds::default(),
        )
    }

    /// [`Repairer::repair_line`] with a caller-provided score memo (over the same model).
    fn repair_line_with(
        &self,
        line: &str,
        line_no: usize,
        memo: &memo::Memo,
        nfc_alternatives: bool,
        winners: &[&FontTable],
        kinds: &Kinds,
    ) -> (String, LineReport) {
        let chars: Vec<char> = line.chars().collect();
        let tables = self.tables_for(&chars, winners);
        let lm: &dyn Scorer = memo;
        let mut report = LineReport {
            line: line_no,
            ..Default::default()
        };
        let o = &self.options;
        // Try each plausible logical order; keep the best-scoring decoding.
        let mut best: Option<(f32, bidi::Candidate, lattice::Options, Vec<usize>)> = None;
        if !tables.is_empty() {
            for cand in bidi::candidates(&chars) {
                let seq: Vec<char> = cand.order.iter().map(|&i| chars[i]).collect();
                let opts = lattice::options(&seq, &tables, nfc_alternatives, o.min_rule_confidence);
                let mut pick = lattice::best_path(&opts, lm, o.switch_cost);
                self.enforce_margins(&opts, &mut pick, lm);
                let score = lattice::path_score(&opts, &pick, lm, o.switch_cost) + cand.prior;
                if best.as_ref().is_none_or(|b| score > b.0) {
                    best = Some((score, cand, opts, pick));
                }
            }
        }
        let Some((_, cand, opts, mut pick)) = best else {
            report.unresolved = unresolved(&chars, &(0..chars.len()).collect::<Vec<_>>(), line_no);
            return (line.to_string(), report);
        };
        // Learned readings below the calibrated threshold are not applied (their glyphs are
        // reported unresolved); the others' evidence is measured again without them.
        let spans = loop {
            let spans = self.spans(&opts, &pick, &cand, &tables, lm, line_no, kinds);
            let mut reverted = false;
            for (a, b, s) in &spans {
                if s.evidence.is_some_and(|e| e.kind == SpanKind::Learned)
                    && s.confidence < o.min_learned_confidence
                {
                    pick[*a..*b].iter_mut().for_each(|k| *k = 0);
                    reverted = true;
                }
            }
            if !reverted {
                break spans;
            }
        };
        let decoded_any = pick
            .iter()
            .enumerate()
            .any(|(i, &k)| opts[i][k].choice != KEEP);
        let reordered = cand.how != "identity";
        if !decoded_any {
            // A reordering alone is no repair: without a decoding we keep the line as is.
            report.unresolved = unresolved(&chars, &(0..chars.len()).collect::<Vec<_>>(), line_no);
            return (line.to_string(), report);
        }
        if reordered {
            report.fixes.push(cand.how.to_string());
        }
        let mut text = String::with_capacity(line.len());
        for (i, &k) in pick.iter().enumerate() {
            text.extend(opts[i][k].chars());
        }
        report.spans = spans.into_iter().map(|(_, _, s)| s).collect();
        // Strong characters left as they were: no table explains them.
        let kept: Vec<usize> = pick
            .iter()
            .enumerate()
            .filter(|(i, k)| opts[*i][**k].choice == KEEP)
            .map(|(i, _)| cand.order[i])
            .collect();
        report.unresolved = unresolved(&chars, &kept, line_no);
        (text, report)
    }

    /// Reverts decoded spans whose gain over keeping them is below the margin, and spans
    /// whose decoding does not read like Japanese.
    fn enforce_margins(&self, opts: &lattice::Options, pick: &mut [usize], lm: &dyn Scorer) {
        let o = &self.options;
        for (s, e) in decoded_runs(opts, pick) {
            // A lone character may be rare yet right (室 in 推進室, 雇 in 雇用); only a run
            // of them is evidence of a wrong table. Single characters rely on the margin.
            if e - s < 2 {
                continue;
            }
            let mut hist: Vec<char> = (0..s)
                .flat_map(|i| opts[i][pick[i]].chars().iter().copied())
                .collect();
            let mut total = 0.0;
            let mut n = 0;
            for i in s..e {
                for &ch in opts[i][pick[i]].chars() {
                    total += lm.log_prob(&hist[hist.len().saturating_sub(3)..], ch);
                    hist.push(ch);
                    n += 1;
                }
            }
            if n > 0 && total / (n as f32) < o.min_mean_logprob {
                pick[s..e].iter_mut().for_each(|k| *k = 0);
            }
        }
        // If most of the line's strong characters stay unexplained, the line is in a font
        // no candidate table knows; short decoded islands in it are chance, not repair.
        // Decoded symbols count as explained garbling too (a title font's す prints as the
        // Latin Ƣ, which real text may hold and so is no strong evidence by itself).
        let strong = |i: usize| classify(opts[i][0].out[0]).is_strong();
        let symbol = |i: usize| classify(opts[i][0].out[0]) == crate::detect::CharClass::Symbol;
        let kept_strong = (0..pick.len())
            .filter(|&i| strong(i) && opts[i][pick[i]].choice == KEEP)
            .count();
        let decoded_strong = (0..pick.len())
            .filter(|&i| (strong(i) || symbol(i)) && opts[i][pick[i]].choice != KEEP)
            .count();
        if kept_strong > decoded_strong {
            for (s, e) in decoded_runs(opts, pick) {
                if e - s <= 2 {
                    pick[s..e].iter_mut().for_each(|k| *k = 0);
                }
            }
        }
        loop {
            let scored = lattice::ScoredPath::new(opts, pick, lm, o.switch_cost);
            let base = scored.total;
            let mut worst: Option<(f32, usize, usize)> = None;
            for (s, e) in decoded_runs(opts, pick) {
                let mut alt = pick.to_vec();
                alt[s..e].iter_mut().for_each(|k| *k = 0);
                let gain = base - scored.rescore_window(opts, &alt, s, e, lm, o.switch_cost);
                if gain < o.min_margin && worst.is_none_or(|w| gain < w.0) {
                    worst = Some((gain, s, e));
                }
            }
            match worst {
                Some((_, s, e)) => pick[s..e].iter_mut().for_each(|k| *k = 0),
                None => break,
            }
        }
    }

    /// The decoded spans of a path, each with its lattice positions `[a, b)`.
    #[allow(clippy::too_many_arguments)]
    fn spans(
        &self,
        opts: &lattice::Options,
        pick: &[usize],
        cand: &bidi::Candidate,
        tables: &[&FontTable],
        lm: &dyn Scorer,
        line_no: usize,
        kinds: &Kinds,
    ) -> Vec<(usize, usize, RepairSpan)> {
        let o = &self.options;
        let scored = lattice::ScoredPath::new(opts, pick, lm, o.switch_cost);
        let base = scored.total;
        let mut out = Vec::new();
        for (s, e) in decoded_runs(opts, pick) {
            // Split runs where the table changes: each span names one table.
            let mut a = s;
            while a < e {
                let choice = opts[a][pick[a]].choice;
                let mut b = a + 1;
                while b < e && opts[b][pick[b]].choice == choice {
                    b += 1;
                }
                let table = tables[choice as usize - 1];
                let mut alt = pick.to_vec();
                alt[a..b].iter_mut().for_each(|k| *k = 0);
                let gain = base - scored.rescore_window(opts, &alt, a, b, lm, o.switch_cost);
                let mut rules: Vec<u16> = (a..b).map(|i| opts[i][pick[i]].rule).collect();
                rules.sort_unstable();
                rules.dedup();
                let rule_conf = rules
                    .iter()
                    .filter_map(|r| table.rule(*r))
                    .map(|r| r.confidence)
                    .fold(1.0f32, f32::min);
                let rule = rules
                    .iter()
                    .filter_map(|r| table.rule(*r))
                    .map(describe_rule)
                    .collect::<Vec<_>>()
                    .join("; ");
                let cols: Vec<usize> = (a..b).map(|i| cand.order[i]).collect();
                let nfc = (a..b).any(|i| opts[i][pick[i]].nfc);
                let kind = kinds.kind(table);
                let learned = kinds.learned.filter(|_| kind == SpanKind::Learned);
                let evidence = SpanEvidence {
                    kind,
                    chars: b - a,
                    gain: gain.max(0.0),
                    rule_confidence: rule_conf,
                    occurrences: learned.map(|l| {
                        (a..b)
                            .map(|i| {
                                let g = opts[i][0].out[0] as u32;
                                l.occurrences.get(&g).copied().unwrap_or(0)
                            })
                            .min()
                            .unwrap_or(0)
                    }),
                    ordered: learned
                        .map(|l| (a..b).all(|i| l.ordered.contains(&(opts[i][0].out[0] as u32)))),
                    order_share: learned.map(|l| l.order_share),
                    doc_logprob: learned.map(|l| l.doc_logprob),
                };
                out.push((
                    a,
                    b,
                    RepairSpan {
                        line: line_no,
                        column: cols.iter().min().copied().unwrap_or(0) + 1,
                        end_column: cols.iter().max().copied().unwrap_or(0) + 1,
                        before: (a..b).map(|i| opts[i][0].out[0]).collect(),
                        after: (a..b)
                            .flat_map(|i| opts[i][pick[i]].chars().iter().copied())
                            .collect(),
                        table: table.name.clone(),
                        rule,
                        fix: if nfc {
                            "decode+nfc".into()
                        } else {
                            "decode".into()
                        },
                        confidence: o.calibration.probability(&evidence),
                        evidence: Some(evidence),
                    },
                ));
                a = b;
            }
        }
        out
    }
}

/// What repairing a line depends on besides its own content: the language model adapted
/// to the whole text's clean lines, and whether the text may have been NFC-normalised.
/// Both are sums over lines (the model counts each line on its own; NFC holds for a text
/// split at `\n` iff it holds for every part), so observing a text chunk by chunk, each
/// chunk ending at a line end and in text order, gives the same model as observing it
/// whole. That is what lets a huge text be repaired a chunk at a time with the output of
/// [`Repairer::repair_text`].
pub struct DocumentModel<'a> {
    adaptive: crate::lm::AdaptiveLm<'a>,
    adapt: bool,
    may_be_nfc: bool,
    /// Lines observed so far.
    lines: usize,
    /// The first lines holding strong characters (without `\r`), up to
    /// [`doclevel::EVIDENCE_CHARS`] characters: what the tables are judged on.
    evidence: Vec<Vec<char>>,
    evidence_chars: usize,
    /// The tables' verdicts, decided once every chunk is observed.
    verdicts: std::sync::OnceLock<Vec<doclevel::TableVerdict>>,
    /// What the winning tables leave unexplained (see [`Repairer::residual`]), kept from
    /// the verdicts when they already computed it.
    residual: std::sync::OnceLock<(std::collections::HashSet<char>, Vec<String>)>,
    /// The table learned from the document itself (self-learning), decided after them.
    learned: std::sync::OnceLock<Option<LearnedTable>>,
}

/// What self-learning read from a document.
#[derive(Debug)]
struct LearnedTable {
    table: FontTable,
    /// Occurrences of each unexplained glyph in the lines learned from.
    occurrences: std::collections::HashMap<u32, u32>,
    /// Glyphs inside a block of a glyph order the learner fitted.
    ordered: std::collections::HashSet<u32>,
    /// Share of the occurrences whose glyph is in `ordered`.
    order_share: f32,
    /// Mean log10 probability of the learned readings in the lines learned from.
    doc_logprob: f32,
}

/// Name of the table learned from a document's own text.
pub const LEARNED_TABLE: &str = "learned";
/// Source of its rules.
pub const LEARNED_SOURCE: &str = "learned";
/// Self-learning needs at least this many distinct unexplained glyphs…
const LEARN_MIN_GLYPHS: usize = 8;
/// …occurring this many times in all…
const LEARN_MIN_TOKENS: usize = 60;
/// …and reads at most this many bytes of their lines.
const LEARN_MAX_BYTES: usize = 400_000;

/// Which tables decode as second fonts ([`SpanKind::Residual`]); the learned table is
/// recognised by its rules' source.
#[derive(Debug, Default)]
struct Kinds<'d> {
    residual: Vec<String>,
    learned: Option<&'d LearnedTable>,
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

impl DocumentModel<'_> {
    /// Observes the next chunk of the text: it must follow the previous chunk and end
    /// with `\n` unless it is the last.
    pub fn observe(&mut self, chunk: &str) {
        let dirty = dirty_lines(chunk, self.lines + 1);
        self.observe_dirty(chunk, &dirty);
    }

    /// The cheap half of [`DocumentModel::observe`]: line count and the tables' evidence,
    /// without the NFC check or adapting the language model. A caller that scans every
    /// chunk and then, only if [`DocumentModel::needs_adaptation`], feeds every chunk again
    /// to [`DocumentModel::adapt`] gets exactly the model `observe` builds; a clean text
    /// (the common case) then costs one scan and no model.
    pub fn scan(&mut self, chunk: &str) {
        let dirty = dirty_lines(chunk, self.lines + 1);
        self.scan_dirty(chunk, &dirty);
    }

    /// Whether any line scanned so far holds strong evidence: only then do the NFC check
    /// and the adapted model change any output.
    pub fn needs_adaptation(&self) -> bool {
        !self.evidence.is_empty()
    }

    /// The other half of [`DocumentModel::observe`]: the NFC check and the language model
    /// adapted to the chunk's clean lines. Chunks must come in text order, as for `scan`.
    pub fn adapt(&mut self, chunk: &str) {
        let dirty = dirty_lines(chunk, 1);
        self.adapt_dirty(chunk, &dirty);
    }

    /// Lines observed so far (the next chunk's first line is this plus one).
    pub fn lines(&self) -> usize {
        self.lines
    }

    fn observe_dirty(&mut self, chunk: &str, dirty: &[DirtyLine]) {
        self.scan_dirty(chunk, dirty);
        self.adapt_dirty(chunk, dirty);
    }

    fn scan_dirty(&mut self, chunk: &str, dirty: &[DirtyLine]) {
        self.lines += memchr::memchr_iter(b'\n', chunk.as_bytes()).count()
            + usize::from(!chunk.is_empty() && !chunk.ends_with('\n'));
        for d in dirty {
            if self.evidence_chars >= doclevel::EVIDENCE_CHARS {
                break;
            }
            let raw = &chunk[d.start..d.end];
            let raw = raw.strip_suffix('\r').unwrap_or(raw);
            // A very long line is judged in the pieces it is repaired in (window).
            for piece in window::pieces(raw) {
                if self.evidence_chars >= doclevel::EVIDENCE_CHARS {
                    break;
                }
                let line: Vec<char> = raw[piece].chars().collect();
                if line.is_empty() {
                    continue;
                }
                self.evidence_chars += line.len();
                self.evidence.push(line);
            }
        }
    }

    fn adapt_dirty(&mut self, chunk: &str, dirty: &[DirtyLine]) {
        // A chunk without strong evidence still counts: its lines are the document's.
        self.may_be_nfc &= nfc::text_may_be_nfc(chunk);
        if !self.adapt {
            return;
        }
        let mut prev = 0;
        for d in dirty {
            self.adaptive.observe(&chunk[prev..d.start]);
            prev = (d.end + 1).min(chunk.len());
        }
        self.adaptive.observe(&chunk[prev..]);
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

/// A line that holds strong evidence: byte range (without the `\n`) and 1-based number.
struct DirtyLine {
    start: usize,
    end: usize,
    line_no: usize,
}

/// Lines holding a strong character, found with the byte-level scanner; the text's first
/// line is number `first_line`.
fn dirty_lines(text: &str, first_line: usize) -> Vec<DirtyLine> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut pos = 0;
    let mut line_no = first_line;
    let mut counted_to = 0;
    while let Some(i) = detect::scan::first_strong(text, pos) {
        let start = memchr::memrchr(b'\n', &bytes[..i]).map_or(0, |p| p + 1);
        let end = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |p| i + p);
        line_no += memchr::memchr_iter(b'\n', &bytes[counted_to..start]).count();
        counted_to = start;
        out.push(DirtyLine {
            start,
            end,
            line_no,
        });
        if end >= bytes.len() {
            break;
        }
        pos = end + 1;
    }
    out
}

/// Maximal runs [s, e) of positions whose pick is a decoding.
fn decoded_runs(opts: &lattice::Options, pick: &[usize]) -> Vec<(usize, usize)> {
    let mut runs = Vec::new();
    let mut i = 0;
    while i < pick.len() {
        if opts[i][pick[i]].choice == KEEP {
            i += 1;
            continue;
        }
        let s = i;
        while i < pick.len() && opts[i][pick[i]].choice != KEEP {
            i += 1;
        }
        runs.push((s, i));
    }
    runs
}

/// Unresolved garbling among the `kept` input columns.
fn unresolved(chars: &[char], kept: &[usize], line_no: usize) -> Vec<GarbledSpan> {
    let mut mask = vec![false; chars.len()];
    for &k in kept {
        if let Some(m) = mask.get_mut(k) {
            *m = true;
        }
    }
    let masked: Vec<char> = chars
        .iter()
        .enumerate()
        .map(|(i, &c)| if mask[i] { c } else { ' ' })
        .collect();
    detect::strong_runs(&masked)
        .into_iter()
        .map(|(s, e)| {
            let strong = masked[s..e]
                .iter()
                .filter(|c| classify(**c).is_strong())
                .count();
            GarbledSpan {
                line: line_no,
                start: s,
                end: e,
                text: chars[s..e].iter().collect(),
                reason: Reason::NoTable,
                confidence: (strong as f32 / (e - s) as f32).min(1.0)
                    * if strong > 1 { 0.9 } else { 0.5 },
            }
        })
        .collect()
}

/// A rule as a short human-readable string.
pub fn describe_rule(rule: &crate::tables::Rule) -> String {
    match &rule.kind {
        RuleKind::Block {
            repertoire,
            offset,
            first,
            last,
        } => {
            let sign = if *offset < 0 { '−' } else { '+' };
            let base = if *repertoire == "unicode" {
                "code point".to_string()
            } else {
                format!("rank in {repertoire}")
            };
            format!(
                "{first}..{last}: gid = {base} {sign} 0x{:X} ({})",
                offset.unsigned_abs(),
                rule.source
            )
        }
        RuleKind::Glyph { gid, ch } => format!("glyph 0x{gid:04X} = {ch} ({})", rule.source),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_by_chunk_repair_equals_whole_text_repair() {
        // dev-a (garbled and clean lines) twice, the second copy with CRLF endings and
        // no final newline: chunks of any size, observed then repaired one at a time,
        // give the whole-text output and reports.
        let dev_a = include_str!("../../tests/fixtures/seed/dev-a.txt");
        let text = format!("{dev_a}\n{}", dev_a.replace('\n', "\r\n").trim_end());
        let tables = TableSet::builtin().expect("built-in tables");
        let repairer = Repairer::new(&tables, crate::lm::CharLm::builtin());
        let whole = repairer.repair_text(&text);
        assert!(whole.spans().count() > 50, "the test would prove nothing");
        for target in [1, 300, 4096, text.len() / 3, text.len() * 2] {
            let chunks: Vec<&str> = line_chunks(&text, target).collect();
            assert_eq!(chunks.concat(), text);
            assert!(
                chunks
                    .iter()
                    .rev()
                    .skip(1)
                    .all(|c| c.ends_with('\n') && c.len() >= target)
            );
            let mut doc = repairer.document();
            for c in &chunks {
                doc.observe(c);
            }
            assert_eq!(doc.lines(), text.split('\n').count());
            // The lazy way (scan every chunk, then adapt every chunk) builds the same model.
            let mut lazy = repairer.document();
            for c in &chunks {
                lazy.scan(c);
            }
            assert!(lazy.needs_adaptation());
            for c in &chunks {
                lazy.adapt(c);
            }
            for (how, doc) in [("observe", &doc), ("scan+adapt", &lazy)] {
                let mut out = String::new();
                let mut reports = Vec::new();
                let mut line = 1;
                for c in &chunks {
                    let r = repairer.repair_chunk(doc, c, line);
                    line += c.matches('\n').count();
                    out.push_str(&r.text);
                    reports.extend(r.lines);
                }
                assert!(
                    out == whole.text,
                    "{how}, chunks of {target} bytes: text differs"
                );
                assert_eq!(
                    format!("{reports:?}"),
                    format!("{:?}", whole.lines),
                    "{how}, {target}"
                );
            }
        }
        // A clean text asks for no model at all.
        let mut clean = repairer.document();
        clean.scan(
            &include_str!("../../tests/fixtures/seed/dev-a.txt")
                .replace(|c: char| classify(c).is_strong(), ""),
        );
        assert!(!clean.needs_adaptation());
        // Chunks observed without adaptation would differ: the model matters.
        let mut plain = repairer.document();
        plain.adapt = false;
        plain.observe(&text);
        let r = repairer.repair_chunk(&plain, &text, 1);
        assert_ne!(format!("{:?}", r.lines), format!("{:?}", whole.lines));
    }

    #[test]
    fn text_is_borrowed_unless_a_line_changes() {
        let tables = TableSet::builtin().expect("built-in tables");
        let repairer = Repairer::new(&tables, crate::lm::CharLm::builtin());
        let clean = "地域の多様な主体の連携を通じた支援。\nabc\r\n";
        let out = repairer.repair_text(clean);
        assert!(matches!(out.text, Cow::Borrowed(s) if std::ptr::eq(s, clean)));
        assert!(out.lines.is_empty());
        // A control character is strong evidence no table explains: reported, not changed.
        let odd = "abc\u{1}def\n地域\n";
        let out = repairer.repair_text(odd);
        assert_eq!(out.text, odd);
        assert_eq!(out.unresolved().count(), 1, "{:?}", out.lines);
        assert!(matches!(out.text, Cow::Borrowed(s) if std::ptr::eq(s, odd)));
        // A repaired line makes an owned text. (A lone garbled line is too little evidence
        // for a table to win a document: the sample's text is used.)
        let garbled = include_str!("../../tests/fixtures/seed/dev-a.txt");
        let out = repairer.repair_text(garbled);
        assert!(matches!(out.text, Cow::Owned(_)));
        assert!(out.text.contains("ＮＰＯ法"), "{}", out.text);
        assert_eq!(out.clone().into_owned().text, out.text);
    }
}
