//! One font's learning run: its unresolved glyphs written as private code points (glyph
//! order kept as a shift when the IDs fit, so the learner can fit repertoire orders) amid
//! the text the other glyphs resolved to, one document line per text line; text repair's
//! self-learning reads that text, and a learned decode span is taken only when every
//! character it changes is one of the font's glyphs, read as text.

use super::super::resolve::MappingSource;
use super::super::{Document, Span, UNRESOLVED_CHAR};
use super::{BASE, Found, LineSlots, NEUTRAL, Options, Reading, SLOTS, key};
use crate::repair::Repairer;
use crate::repair::calibrate::SpanKind;
use crate::tables::TableSet;
use std::collections::{BTreeSet, HashMap};

/// One learning run over the glyphs of `font`; readings that reach the threshold are
/// added to `readings` and their spans to `found`. Returns the glyph occurrences learned
/// from (at most `max_tokens`, cut at a line end).
#[allow(clippy::too_many_arguments)]
pub(super) fn learn_font(
    doc: &Document,
    slots: &[Vec<Option<LineSlots>>],
    font: &str,
    lm: &crate::lm::CharLm,
    opts: &Options,
    max_tokens: usize,
    readings: &mut HashMap<(usize, usize), HashMap<usize, Reading>>,
    found: &mut Vec<Found>,
) -> usize {
    let Some(code_of) = glyph_codes(doc, font) else {
        return 0;
    };
    let (text, lines, tokens) = garbled_text(doc, slots, font, &code_of, max_tokens);
    let tables = TableSet::default();
    let mut repairer = Repairer::new(&tables, lm);
    repairer.options.learn = true;
    repairer.options.min_learned_confidence = opts.min_confidence;
    // The learner reads this one font's glyphs only (other fonts' are neutral).
    repairer.options.learn_one_font = true;
    let result = repairer.repair_text(&text);
    for report in &result.lines {
        // A line the repair reordered is not in the glyphs' order any more.
        if !report.fixes.is_empty() {
            continue;
        }
        let Some((pi, li, slot_at, chars)) = report.line.checked_sub(1).and_then(|i| lines.get(i))
        else {
            continue;
        };
        for s in &report.spans {
            let Some(take) = decoded_glyphs(s, slot_at, chars, opts) else {
                continue;
            };
            let id = found.len();
            let entry = readings.entry((*pi, *li)).or_default();
            for &(slot, c) in &take {
                entry.insert(slot, (c, s.confidence, id));
            }
            found.push((
                *pi,
                *li,
                take.iter().map(|t| t.0).collect(),
                font.to_string(),
                s.rule.clone(),
                s.confidence,
                s.evidence,
            ));
        }
    }
    tokens
}

/// Whether `c` is one of the private characters glyphs are written as.
fn in_range(c: char) -> bool {
    (BASE..BASE + SLOTS).contains(&(c as u32))
}

/// The character each unresolved glyph of `font` is written as for the learner. Glyph
/// order and distances are kept ([`slot_codes`]), so the learner can fit repertoire
/// orders. `None` when the font has no unresolved glyph.
fn glyph_codes(doc: &Document, font: &str) -> Option<HashMap<u32, char>> {
    let mut keys: BTreeSet<u32> = BTreeSet::new();
    for span in doc
        .pages
        .iter()
        .flat_map(|p| &p.lines)
        .flat_map(|l| &l.spans)
    {
        if is_ours(span, font) {
            keys.extend((0..span.codes.len()).filter_map(|k| key(span, k)));
        }
    }
    if keys.is_empty() {
        return None;
    }
    Some(slot_codes(&keys))
}

/// The code point each glyph key is written as. Glyph order and the distances between
/// glyphs are what the learner fits repertoire orders by (a block of the font is a run of
/// consecutive IDs), so: a plain shift when the IDs fit in [`SLOTS`]; else the widest gaps
/// between used IDs shortened, just enough to fit (MS Mincho's IDs run to U+3EBD: its JIS X
/// 0213 glyphs lie past the slots, and ranks would lose every distance); ranks only for a
/// font with more distinct glyphs than slots (its first [`SLOTS`]).
pub(super) fn slot_codes(keys: &BTreeSet<u32>) -> HashMap<u32, char> {
    let ids: Vec<u32> = keys.iter().copied().collect();
    let gaps: Vec<u32> = ids.windows(2).map(|w| w[1] - w[0]).collect();
    let span = |cap: u32| -> u64 { gaps.iter().map(|&d| u64::from(d.min(cap))).sum() };
    let fits = |cap: u32| span(cap) < u64::from(SLOTS);
    if ids.len() > SLOTS as usize || !fits(1) {
        return ids
            .iter()
            .zip(0..SLOTS)
            .filter_map(|(&k, r)| Some((k, char::from_u32(BASE + r)?)))
            .collect();
    }
    // The largest cap on a gap that still fits (a plain shift when the widest gap does).
    let (mut lo, mut hi) = (1u32, gaps.iter().copied().max().unwrap_or(1));
    while lo < hi {
        let mid = lo + (hi - lo).div_ceil(2);
        if fits(mid) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    let mut at = 0u32;
    let mut out = HashMap::with_capacity(ids.len());
    for (i, &k) in ids.iter().enumerate() {
        if i > 0 {
            at += gaps[i - 1].min(lo);
        }
        if let Some(c) = char::from_u32(BASE + at) {
            out.insert(k, c);
        }
    }
    out
}

/// An unresolved span of `font`.
fn is_ours(s: &Span, font: &str) -> bool {
    s.source == MappingSource::Unresolved && s.font == font
}

/// A line of the garbled text: (page, line, slot of each character, the line's characters).
type GarbledLine = (usize, usize, Vec<Option<usize>>, Vec<char>);

/// The garbled text the learner reads, one document line per text line, with each text
/// line's [`GarbledLine`] and the glyph occurrences of `font` it holds (lines are taken
/// until `max_tokens` is reached).
fn garbled_text(
    doc: &Document,
    slots: &[Vec<Option<LineSlots>>],
    font: &str,
    code_of: &HashMap<u32, char>,
    max_tokens: usize,
) -> (String, Vec<GarbledLine>, usize) {
    let mut text = String::new();
    let mut lines: Vec<GarbledLine> = Vec::new();
    let mut tokens = 0usize;
    'pages: for (pi, page) in doc.pages.iter().enumerate() {
        for (li, line) in page.lines.iter().enumerate() {
            if tokens >= max_tokens {
                break 'pages;
            }
            let (slot_at, chars) = garbled_line(line, slots[pi][li].as_ref(), font, code_of);
            tokens += slot_at.iter().filter(|s| s.is_some()).count();
            text.extend(chars.iter());
            text.push('\n');
            lines.push((pi, li, slot_at, chars));
        }
    }
    (text, lines, tokens)
}

/// One line's characters for the learner — `font`'s glyphs as their codes, other
/// unresolved glyphs and private characters neutral — and the slot index of each character
/// that is one of `font`'s glyphs.
fn garbled_line(
    line: &super::super::Line,
    ls: Option<&LineSlots>,
    font: &str,
    code_of: &HashMap<u32, char>,
) -> (Vec<Option<usize>>, Vec<char>) {
    let mut chars = Vec::new();
    let mut slot_at = Vec::new();
    let mut n = 0;
    for (si, span) in line.spans.iter().enumerate() {
        let mut k = 0;
        for c in span.text.chars() {
            if c == UNRESOLVED_CHAR {
                let slot = n;
                n += 1;
                let ours = span.source == MappingSource::Unresolved;
                let k_here = k;
                if ours {
                    k += 1;
                }
                let glyph = (ours && is_ours(span, font) && ls.is_some())
                    .then(|| key(span, k_here).and_then(|g| code_of.get(&g)))
                    .flatten();
                match glyph {
                    Some(&g) => {
                        debug_assert!(ls.is_some_and(|l| l.slots[slot] == Some((si, k_here))));
                        chars.push(g);
                        slot_at.push(Some(slot));
                    }
                    None => {
                        chars.push(NEUTRAL);
                        slot_at.push(None);
                    }
                }
            } else if in_range(c) || c == '\u{c}' {
                chars.push(NEUTRAL);
                slot_at.push(None);
            } else if c != '\n' && c != '\r' {
                chars.push(c);
                slot_at.push(None);
            }
        }
    }
    (slot_at, chars)
}

/// The glyphs a learned decode span `s` of a garbled line reads, as (slot, character):
/// `None` unless it reaches the confidence floor and every changed character is one of
/// the font's glyphs, read as text.
fn decoded_glyphs(
    s: &crate::repair::RepairSpan,
    slot_at: &[Option<usize>],
    chars: &[char],
    opts: &Options,
) -> Option<Vec<(usize, char)>> {
    let learned = s.evidence.is_some_and(|e| e.kind == SpanKind::Learned);
    if !learned || s.fix != "decode" || s.confidence < opts.min_confidence {
        return None;
    }
    let before: Vec<char> = s.before.chars().collect();
    let after: Vec<char> = s.after.chars().collect();
    let a = s.column.saturating_sub(1);
    if before.len() != after.len() || s.end_column + 1 != s.column + before.len() {
        return None;
    }
    // Every changed character must be one of our glyphs, read as text.
    let mut take = Vec::new();
    for (i, (&b, &c)) in before.iter().zip(&after).enumerate() {
        let col = a + i;
        if chars.get(col) != Some(&b) {
            return None;
        }
        match slot_at.get(col).copied().flatten() {
            Some(slot) => {
                if c == UNRESOLVED_CHAR || c.is_control() || in_range(c) {
                    return None;
                }
                take.push((slot, c));
            }
            None if b == c => {}
            None => return None,
        }
    }
    (!take.is_empty()).then_some(take)
}
