//! Fonts nothing knows, read from the document itself.
//!
//! After extraction, glyphs that no ToUnicode, predefined CMap, encoding, embedded cmap,
//! outline or table explained are U+FFFD. For each font holding such glyphs, its glyph
//! sequences (per font, in reading order, one document line per text line) are written as
//! a garbled text — each unresolved glyph as one strong-evidence code point, every other
//! glyph as the text it resolved to — and given to text repair's self-learning
//! ([`crate::repair::Repairer`] with no tables and `learn` on, i.e. the
//! [`crate::learn::decipher`] engine `learn --text` uses, with the calibrated confidence of
//! [`crate::repair::calibrate`]). A learned reading is applied to an occurrence only when
//! the repair span holding it reaches the calibrated threshold
//! ([`crate::repair::RepairOptions::min_learned_confidence`]); the rest stay U+FFFD, counted.
//!
//! Invariants: only glyphs whose source is `Unresolved` ever change (a glyph any other
//! source explained is never overwritten: its text is context, not a glyph to learn); each
//! applied reading is one glyph → one character, recorded as a span of source
//! [`MappingSource::Learned`] and as a [`LearnedSpan`] with the repair span's confidence,
//! rule and evidence; lines the repair reordered (bidi) or NFC-rewrote are left as they
//! were. Deterministic: the same document gives the same readings.

use super::resolve::MappingSource;
use super::{Document, Span, UNRESOLVED_CHAR};
use crate::repair::RepairOptions;
use crate::repair::calibrate::SpanEvidence;
use std::collections::{BTreeMap, HashMap};

mod font;

/// First code point unresolved glyphs are written as: U+A000–U+D7FF (Yi, Hangul …) is
/// strong evidence of garbling, holds no right-to-left script, and is never Japanese text.
const BASE: u32 = 0xA000;
/// Code points available from [`BASE`] (up to the surrogates).
const SLOTS: u32 = 0xD800 - BASE;
/// What the learner sees for a glyph it must not learn (another font's unresolved glyph,
/// resolved text that falls in the glyph range): the geta mark, no evidence of garbling.
const NEUTRAL: char = '\u{3013}';
/// Name of the learned readings' table, as spans and reviews show it.
pub const LEARNED_TABLE: &str = crate::repair::LEARNED_TABLE;

/// Knobs of self-learning on a PDF.
#[derive(Debug, Clone)]
pub struct Options {
    /// A learned reading is applied only inside a repair span of at least this calibrated
    /// confidence (default: text repair's calibrated threshold).
    pub min_confidence: f32,
    /// Fonts learned per document, most unresolved glyphs first (each is one learning run).
    pub max_fonts: usize,
    /// A font with fewer unresolved glyph occurrences is not learned: too little context for
    /// any reading to reach the threshold (none did below 2,000 in the documents measured),
    /// and one learning run costs tens of seconds whatever the size.
    pub min_glyphs: usize,
    /// Unresolved glyph occurrences given to learning per document, over all fonts (the
    /// text is cut at a line end once reached): bounds the cost, the decipherment of a
    /// font's first 10,000 glyphs takes seconds, of 40,000 about a minute.
    pub max_tokens: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            min_confidence: RepairOptions::default().min_learned_confidence,
            max_fonts: 8,
            min_glyphs: 2_000,
            max_tokens: 12_000,
        }
    }
}

/// One applied run of learned readings, as a review shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct LearnedSpan {
    /// Index of the page in [`Document::pages`].
    pub page_index: usize,
    /// 1-based line of the page's text.
    pub line: usize,
    /// 1-based character columns (first and last learned glyph) in that line.
    pub column: usize,
    /// 1-based character column of the last learned glyph (inclusive).
    pub end_column: usize,
    /// The line's text over those columns before (U+FFFD) and after.
    pub before: String,
    /// The line's text over those columns after learning.
    pub after: String,
    /// BaseFont of the glyphs.
    pub font: String,
    /// The learned rules used, as the repair span names them.
    pub rule: String,
    /// Calibrated probability that the span is right.
    pub confidence: f32,
    /// What the confidence was computed from.
    pub evidence: Option<SpanEvidence>,
}

/// Per font: what was learned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FontOutcome {
    /// BaseFont of the font.
    pub font: String,
    /// Unresolved glyph occurrences before learning.
    pub unresolved: usize,
    /// Occurrences given a learned reading.
    pub learned: usize,
}

/// What self-learning did to a document.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// The runs of learned readings applied.
    pub spans: Vec<LearnedSpan>,
    /// What was learned, per font.
    pub fonts: Vec<FontOutcome>,
}

impl Outcome {
    /// Glyph occurrences given a learned reading.
    pub fn learned(&self) -> usize {
        self.fonts.iter().map(|f| f.learned).sum()
    }
}

/// Where the unresolved glyphs of one line are: the n-th U+FFFD of the line's text is
/// `slots[n]`, at character column `cols[n]`.
struct LineSlots {
    /// (span index, glyph index in the span) for unresolved glyphs; `None` for a U+FFFD a
    /// resolved source wrote.
    slots: Vec<Option<(usize, usize)>>,
    cols: Vec<usize>,
}

fn line_slots(line: &super::Line) -> Option<LineSlots> {
    let mut slots = Vec::new();
    for (si, span) in line.spans.iter().enumerate() {
        let mut k = 0;
        for c in span.text.chars() {
            if c == UNRESOLVED_CHAR {
                if span.source == MappingSource::Unresolved {
                    slots.push(Some((si, k)));
                    k += 1;
                } else {
                    slots.push(None);
                }
            }
        }
        if span.source == MappingSource::Unresolved && k != span.codes.len() {
            return None;
        }
    }
    let cols: Vec<usize> = line
        .text
        .chars()
        .enumerate()
        .filter(|(_, c)| *c == UNRESOLVED_CHAR)
        .map(|(i, _)| i)
        .collect();
    // The spans must account for every U+FFFD of the line, or positions cannot be trusted.
    (cols.len() == slots.len()).then_some(LineSlots { slots, cols })
}

/// The key a glyph is learned under: its glyph ID where the font determines it, else its code.
fn key(span: &Span, k: usize) -> Option<u32> {
    span.gids
        .get(k)
        .copied()
        .flatten()
        .or_else(|| span.codes.get(k).copied())
}

/// A learned reading of one occurrence: (char, confidence, index into the learned spans).
type Reading = (char, f32, usize);
/// A learned repair span: (page, line, slots, font, rule, confidence, evidence).
type Found = (
    usize,
    usize,
    Vec<usize>,
    String,
    String,
    f32,
    Option<SpanEvidence>,
);

/// Deciphers the unresolved glyphs of `doc` from its own text and applies the readings that
/// reach the calibrated threshold (see the module docs).
pub fn learn_unresolved(doc: &mut Document, lm: &crate::lm::CharLm, opts: &Options) -> Outcome {
    learn_unresolved_with(doc, &|| lm, opts)
}

/// [`learn_unresolved`] with the language model asked for only when a font has enough
/// unresolved glyphs to learn from ([`Options::min_glyphs`]): most documents with a few
/// unresolved glyphs never need it, and parsing it is most of their cost.
pub fn learn_unresolved_with<'l>(
    doc: &mut Document,
    lm: &dyn Fn() -> &'l crate::lm::CharLm,
    opts: &Options,
) -> Outcome {
    let mut outcome = Outcome::default();
    if doc.stats.unresolved == 0 {
        return outcome;
    }
    let slots: Vec<Vec<Option<LineSlots>>> = doc
        .pages
        .iter()
        .map(|p| p.lines.iter().map(line_slots).collect())
        .collect();
    let fonts = fonts_to_learn(doc, opts);
    // (page, line) → slot → reading.
    let mut readings: HashMap<(usize, usize), HashMap<usize, Reading>> = HashMap::new();
    let mut found: Vec<Found> = Vec::new();
    let mut budget = opts.max_tokens;
    for (font, unresolved) in fonts {
        if budget < opts.min_glyphs {
            break;
        }
        let before = found.len();
        let used = font::learn_font(
            doc,
            &slots,
            &font,
            lm(),
            opts,
            budget,
            &mut readings,
            &mut found,
        );
        budget = budget.saturating_sub(used);
        let learned = found[before..].iter().map(|f| f.2.len()).sum();
        outcome.fonts.push(FontOutcome {
            font,
            unresolved,
            learned,
        });
    }
    if found.is_empty() {
        return outcome;
    }
    outcome.spans = learned_spans(doc, &slots, &readings, &found);
    let applied = apply_readings(doc, &slots, &readings);
    doc.stats.unresolved = doc.stats.unresolved.saturating_sub(applied);
    if let Some(n) = doc.stats.by_source.get_mut("unresolved") {
        *n = n.saturating_sub(applied);
    }
    *doc.stats.by_source.entry("learned".into()).or_default() += applied;
    for f in &outcome.fonts {
        doc.warnings.push(format!(
            "font {}: {} of {} unresolved glyph(s) read from the document itself (self-learning, \
             confidence ≥ {:.3}); {} left unresolved",
            f.font,
            f.learned,
            f.unresolved,
            opts.min_confidence,
            f.unresolved - f.learned
        ));
    }
    outcome
}

/// Fewest distinct unresolved glyphs a learned font has. Text in fewer is alphabetic (a
/// Latin font's letters, digits and punctuation), which the engine cannot read: it fits
/// the orders of Japanese repertoires. Measured on the fonts with ≥ 2,000 glyph
/// occurrences of `../shared/corpus/realworld/pdf`: the 34 carrying Japanese text in the 22
/// government documents use 141–1,031 distinct glyphs (one more, ASCII only, 42); Latin
/// fonts (pdf.js's TAMReview and tracemonkey, held out) 57–84.
const MIN_DISTINCT_GLYPHS: usize = 100;
/// Largest share of a learned font's unresolved occurrences its 30 most frequent glyphs may
/// cover: 0.39–0.67 in those Japanese fonts, 0.91–0.97 in the Latin ones. Learning a Latin
/// font for nothing took 18 CPU-seconds on TAMReview.
const MAX_TOP30_SHARE: f64 = 0.85;

/// The fonts with at least [`Options::min_glyphs`] unresolved glyphs whose glyph
/// frequencies look like Japanese text ([`reads_like_cjk`]), most first (at most
/// [`Options::max_fonts`]), with their counts.
fn fonts_to_learn(doc: &Document, opts: &Options) -> Vec<(String, usize)> {
    let mut per_font: BTreeMap<&str, HashMap<u32, usize>> = BTreeMap::new();
    for span in doc
        .pages
        .iter()
        .flat_map(|p| &p.lines)
        .flat_map(|l| &l.spans)
    {
        if span.source == MappingSource::Unresolved {
            let counts = per_font.entry(span.font.as_str()).or_default();
            for &c in &span.codes {
                *counts.entry(c).or_default() += 1;
            }
        }
    }
    let mut fonts: Vec<(String, usize)> = per_font
        .into_iter()
        .map(|(f, counts)| (f, counts.values().sum::<usize>(), counts))
        .filter(|(_, n, counts)| *n >= opts.min_glyphs && reads_like_cjk(counts))
        .map(|(f, n, _)| (f.to_string(), n))
        .collect();
    fonts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    fonts.truncate(opts.max_fonts);
    fonts
}

/// Whether a font's unresolved glyph counts (code → occurrences) can be Japanese text: enough
/// distinct glyphs, and no small set of them carrying nearly all the text.
fn reads_like_cjk(counts: &HashMap<u32, usize>) -> bool {
    if counts.len() < MIN_DISTINCT_GLYPHS {
        return false;
    }
    let total: usize = counts.values().sum();
    let mut by_count: Vec<usize> = counts.values().copied().collect();
    by_count.sort_unstable_by(|a, b| b.cmp(a));
    let top: usize = by_count.iter().take(30).sum();
    (top as f64) <= MAX_TOP30_SHARE * total as f64
}

/// The learned spans as the final text shows them (columns of the line's text).
fn learned_spans(
    doc: &Document,
    slots: &[Vec<Option<LineSlots>>],
    readings: &HashMap<(usize, usize), HashMap<usize, Reading>>,
    found: &[Found],
) -> Vec<LearnedSpan> {
    let mut spans = Vec::new();
    for (pi, li, ss, font, rule, confidence, evidence) in found {
        let Some(Some(ls)) = slots.get(*pi).and_then(|p| p.get(*li)) else {
            continue;
        };
        let line: Vec<char> = doc.pages[*pi].lines[*li].text.chars().collect();
        let cols: Vec<usize> = ss.iter().filter_map(|s| ls.cols.get(*s).copied()).collect();
        let (Some(&a), Some(&b)) = (cols.iter().min(), cols.iter().max()) else {
            continue;
        };
        let by_col: HashMap<usize, char> = ss
            .iter()
            .filter_map(|s| {
                let r = readings.get(&(*pi, *li))?.get(s)?;
                Some((*ls.cols.get(*s)?, r.0))
            })
            .collect();
        let before_text: String = line[a..=b].iter().collect();
        let after_text: String = (a..=b)
            .map(|i| by_col.get(&i).copied().unwrap_or(line[i]))
            .collect();
        spans.push(LearnedSpan {
            page_index: *pi,
            line: li + 1,
            column: a + 1,
            end_column: b + 1,
            before: before_text,
            after: after_text,
            font: font.clone(),
            rule: rule.clone(),
            confidence: *confidence,
            evidence: *evidence,
        });
    }
    spans
}

/// Applies `readings`: the line's text and its spans, split where learned and unresolved
/// glyphs meet. Returns the number of glyphs given a reading.
fn apply_readings(
    doc: &mut Document,
    slots: &[Vec<Option<LineSlots>>],
    readings: &HashMap<(usize, usize), HashMap<usize, Reading>>,
) -> usize {
    let mut applied = 0usize;
    for ((pi, li), line_readings) in readings {
        let Some(Some(ls)) = slots.get(*pi).and_then(|p| p.get(*li)) else {
            continue;
        };
        let line = &mut doc.pages[*pi].lines[*li];
        let mut n = 0;
        line.text = line
            .text
            .chars()
            .map(|c| {
                if c != UNRESOLVED_CHAR {
                    return c;
                }
                let r = line_readings.get(&n).map_or(c, |r| r.0);
                n += 1;
                r
            })
            .collect();
        let mut by_glyph: HashMap<(usize, usize), Reading> = HashMap::new();
        for (s, r) in line_readings {
            if let Some(Some(sk)) = ls.slots.get(*s) {
                by_glyph.insert(*sk, *r);
            }
        }
        let old = std::mem::take(&mut line.spans);
        for (si, span) in old.into_iter().enumerate() {
            if span.source != MappingSource::Unresolved
                || !(0..span.codes.len()).any(|k| by_glyph.contains_key(&(si, k)))
            {
                line.spans.push(span);
                continue;
            }
            applied += split_span(&span, |k| by_glyph.get(&(si, k)).copied(), &mut line.spans);
        }
    }
    applied
}

/// Splits an unresolved span into runs of learned and unresolved glyphs; returns the
/// number of glyphs given a reading.
fn split_span(
    span: &Span,
    reading: impl Fn(usize) -> Option<Reading>,
    out: &mut Vec<Span>,
) -> usize {
    // Each glyph's text (its reading or U+FFFD) with the gap text after it.
    let mut pieces: Vec<(Option<Reading>, String)> = Vec::new();
    let mut lead = String::new();
    for c in span.text.chars() {
        if c == UNRESOLVED_CHAR {
            let k = pieces.len();
            let r = reading(k);
            pieces.push((r, r.map_or(c, |r| r.0).to_string()));
        } else if let Some(p) = pieces.last_mut() {
            p.1.push(c);
        } else {
            lead.push(c);
        }
    }
    let mut applied = 0;
    let mut k = 0;
    while k < pieces.len() {
        let learned = pieces[k].0.is_some();
        let mut e = k + 1;
        while e < pieces.len() && pieces[e].0.is_some() == learned {
            e += 1;
        }
        let mut text = if k == 0 { lead.clone() } else { String::new() };
        text.extend(pieces[k..e].iter().map(|p| p.1.as_str()));
        let confidence = if learned {
            applied += e - k;
            pieces[k..e]
                .iter()
                .filter_map(|p| p.0.map(|r| r.1))
                .fold(1.0f32, f32::min)
        } else {
            span.confidence
        };
        out.push(Span {
            page: span.page,
            text,
            font: span.font.clone(),
            codes: span
                .codes
                .get(k..e)
                .map(<[u32]>::to_vec)
                .unwrap_or_default(),
            gids: span
                .gids
                .get(k..e)
                .map(<[Option<u32>]>::to_vec)
                .unwrap_or_default(),
            source: if learned {
                MappingSource::Learned
            } else {
                MappingSource::Unresolved
            },
            table: learned.then(|| LEARNED_TABLE.to_string()),
            confidence,
            tounicode_distrust: span.tounicode_distrust,
            // Glyph boxes are not kept per glyph: each piece keeps the run's box.
            bbox: span.bbox,
            unresolved: if learned { 0 } else { e - k },
        });
        k = e;
    }
    applied
}

#[cfg(test)]
mod tests;
