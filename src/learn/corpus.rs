//! Garbled text as learning material: every line holding strong evidence of glyph-ID
//! garbling, in logical order, as a sequence of tokens that are either clean characters or
//! garbled glyphs (by glyph ID), with an index of every glyph's occurrences.
//!
//! Invariants: `lines[l][p]` is `< GLYPH_BASE` for a clean character (its code point) and
//! `GLYPH_BASE + g` for glyph index `g`; `occurrences[g]` lists every `(l, p)` holding `g`,
//! in text order; `gids` is strictly increasing (glyph index order = glyph-ID order).

use crate::detect::classify;
use std::collections::HashMap;

/// Tokens at or above this value are glyphs (`value - GLYPH_BASE` = glyph index).
pub const GLYPH_BASE: u32 = 0x11_0000;

/// A token's character under a (partial) decoding, or `None` if unknown.
#[inline]
pub fn token_char(tok: u32, dec: &[Option<char>]) -> Option<char> {
    if tok < GLYPH_BASE {
        char::from_u32(tok)
    } else {
        dec.get((tok - GLYPH_BASE) as usize).copied().flatten()
    }
}

/// The learning corpus.
#[derive(Debug, Clone, Default)]
pub struct Corpus {
    /// Glyph ID (the garbled code point) of each glyph index, increasing.
    pub gids: Vec<u32>,
    /// Occurrences of each glyph index.
    pub counts: Vec<u32>,
    /// Dirty lines in logical order, as tokens.
    pub lines: Vec<Vec<u32>>,
    /// Which source each line came from (index into the sources given to `build`).
    pub line_source: Vec<usize>,
    /// `(line, position)` of every occurrence of each glyph.
    pub occurrences: Vec<Vec<(u32, u32)>>,
    /// Counts of characters seen clean inside dirty lines (what a partial ToUnicode of
    /// the garbled fonts maps: those characters are unlikely to be garbled glyphs too).
    pub clean_counts: HashMap<char, u32>,
    /// The clean lines (no strong evidence), for adapting the language model.
    pub clean_text: String,
    /// All characters (clean + garbled) seen, for expected-frequency computations.
    pub total_chars: u64,
    /// Character counts of the clean lines: occurrences printed by fonts that were not
    /// garbled, which no garbled glyph has to account for. (Clean tokens of dirty lines
    /// are not counted: there a partial ToUnicode decoded them, and the garbled glyphs
    /// are the same font's other characters — see `clean_counts`.)
    pub clean_line_counts: HashMap<char, u32>,
}

/// Whether a character is strong evidence of garbling: lines holding one are learned from.
#[inline]
pub fn is_garbled(c: char) -> bool {
    classify(c).is_strong()
}

/// Whether a character of a garbled line is taken as a glyph: strong evidence, or a
/// symbol (Latin-1, Greek, arrows, dingbats …) — glyph IDs land there too (♫ = 社 in
/// font A), and taking such a garbled kanji as real text would spoil its neighbours'
/// contexts. Kana, kanji and CJK punctuation stay clean (lookalikes are left to `repair`).
#[inline]
pub fn is_glyph_in_dirty_line(c: char) -> bool {
    let cl = classify(c);
    cl.is_strong() || cl == crate::detect::CharClass::Symbol
}

impl Corpus {
    /// Builds the corpus from `(source, logical lines)` where each dirty line is already in
    /// logical order. Clean lines are kept only as text for the language model.
    pub fn build(sources: impl IntoIterator<Item = (usize, Vec<Vec<char>>)>) -> Corpus {
        let mut c = Corpus::default();
        let mut raw_lines: Vec<Vec<char>> = Vec::new();
        for (src, lines) in sources {
            for line in lines {
                c.total_chars += line.len() as u64;
                if line.iter().any(|ch| is_garbled(*ch)) {
                    raw_lines.push(line);
                    c.line_source.push(src);
                } else {
                    for ch in &line {
                        *c.clean_line_counts.entry(*ch).or_insert(0) += 1;
                    }
                    c.clean_text.extend(line.iter());
                    c.clean_text.push('\n');
                }
            }
        }
        let mut gids: Vec<u32> = raw_lines
            .iter()
            .flatten()
            .filter(|ch| is_glyph_in_dirty_line(**ch))
            .map(|ch| *ch as u32)
            .collect();
        gids.sort_unstable();
        gids.dedup();
        let index: HashMap<u32, u32> = gids
            .iter()
            .enumerate()
            .map(|(i, g)| (*g, i as u32))
            .collect();
        c.counts = vec![0; gids.len()];
        c.occurrences = vec![Vec::new(); gids.len()];
        for (l, line) in raw_lines.iter().enumerate() {
            let mut toks = Vec::with_capacity(line.len());
            for (p, ch) in line.iter().enumerate() {
                match index.get(&(*ch as u32)) {
                    Some(&g) if is_glyph_in_dirty_line(*ch) => {
                        c.counts[g as usize] += 1;
                        c.occurrences[g as usize].push((l as u32, p as u32));
                        toks.push(GLYPH_BASE + g);
                    }
                    _ => {
                        *c.clean_counts.entry(*ch).or_insert(0) += 1;
                        toks.push(*ch as u32);
                    }
                }
            }
            c.lines.push(toks);
        }
        c.gids = gids;
        c
    }

    /// Number of distinct glyphs in the corpus.
    pub fn glyph_count(&self) -> usize {
        self.gids.len()
    }

    /// Garbled tokens in total.
    pub fn garbled_tokens(&self) -> u64 {
        self.counts.iter().map(|&n| n as u64).sum()
    }

    /// The glyph index of a glyph ID.
    pub fn index_of(&self, gid: u32) -> Option<usize> {
        self.gids.binary_search(&gid).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_occurrences() {
        let lines = vec!["地域のከᵝな".chars().collect(), "clean".chars().collect()];
        let c = Corpus::build([(0, lines)]);
        assert_eq!(c.lines.len(), 1);
        assert_eq!(c.glyph_count(), 2);
        // Glyphs are indexed in glyph-ID order: ከ (U+12A8) before ᵝ (U+1D5D).
        assert_eq!(c.gids, vec!['ከ' as u32, 'ᵝ' as u32]);
        assert_eq!(c.occurrences[0], vec![(0, 3)]);
        assert_eq!(c.lines[0][3], GLYPH_BASE);
        assert_eq!(token_char(c.lines[0][0], &[]), Some('地'));
        assert_eq!(token_char(c.lines[0][3], &[None, Some('様')]), None);
        assert_eq!(token_char(c.lines[0][4], &[None, Some('様')]), Some('様'));
        assert!(c.clean_text.contains("clean"));
        // Clean lines' characters are counted apart from dirty lines' clean tokens.
        assert_eq!(c.clean_line_counts.get(&'l'), Some(&1));
        assert_eq!(c.clean_line_counts.get(&'な'), None);
        assert_eq!(c.clean_counts.get(&'な'), Some(&1));
    }
}
