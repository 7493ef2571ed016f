//! Undoing NFC normalisation of garbled text.
//!
//! Some glyph IDs are code points that NFC changes: singletons (U+1F71 → U+03AC, U+2000 →
//! U+2002), and Hangul jamo pairs that compose into a syllable. Once a garbled line went
//! through NFC, the glyph ID is no longer the code point. For a text that *is* in NFC we
//! therefore offer, for each character, the code points NFC could have produced it from.
//! A text that holds any NFC-unstable character was evidently not normalised, and gets no
//! such alternatives (the check is [`text_may_be_nfc`]).

use std::collections::HashMap;
use std::sync::OnceLock;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// Code points (all BMP, as glyph IDs are 16-bit) whose NFC is a different single char,
/// keyed by that char.
fn singleton_preimages() -> &'static HashMap<char, Vec<char>> {
    static MAP: OnceLock<HashMap<char, Vec<char>>> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut map: HashMap<char, Vec<char>> = HashMap::new();
        for u in 0x80u32..=0xFFFF {
            let Some(c) = char::from_u32(u) else { continue };
            let mut it = std::iter::once(c).nfc();
            if let (Some(n), None) = (it.next(), it.next())
                && n != c
            {
                map.entry(n).or_default().push(c);
            }
        }
        map
    })
}

/// The glyph-ID sequences NFC could have turned into `c` (besides `c` itself).
pub fn preimages(c: char) -> Vec<Vec<char>> {
    let mut out: Vec<Vec<char>> = singleton_preimages()
        .get(&c)
        .map(|v| v.iter().map(|&p| vec![p]).collect())
        .unwrap_or_default();
    // Hangul syllables come from L + V (+ T) jamo, each of which is a glyph ID.
    let u = c as u32;
    if (0xAC00..=0xD7A3).contains(&u) {
        let s = u - 0xAC00;
        let l = 0x1100 + s / (21 * 28);
        let v = 0x1161 + (s % (21 * 28)) / 28;
        let t = s % 28;
        let mut seq: Vec<char> = [l, v].iter().filter_map(|&x| char::from_u32(x)).collect();
        if t != 0
            && let Some(tc) = char::from_u32(0x11A7 + t)
        {
            seq.push(tc);
        }
        out.push(seq);
    }
    out
}

/// Pairs (base, mark) that NFC makes of a single code point: the composition exclusions
/// whose canonical decomposition NFC does not recompose (U+095C → U+0921 U+093C).
fn split_pairs() -> &'static std::collections::HashSet<(char, char)> {
    static SET: OnceLock<std::collections::HashSet<(char, char)>> = OnceLock::new();
    SET.get_or_init(|| {
        let mut set = std::collections::HashSet::new();
        for u in 0x80u32..=0xFFFF {
            let Some(c) = char::from_u32(u) else { continue };
            let mut it = std::iter::once(c).nfc();
            if let (Some(a), Some(b), None) = (it.next(), it.next(), it.next()) {
                set.insert((a, b));
            }
        }
        set
    })
}

/// Whether `a b` may be one glyph ID that NFC split in two.
pub fn is_split_pair(a: char, b: char) -> bool {
    !b.is_ascii() && split_pairs().contains(&(a, b))
}

/// Whether the text may have been NFC-normalised: false as soon as a character that NFC
/// would change is present.
pub fn text_may_be_nfc(text: &str) -> bool {
    match is_nfc_quick(text.chars()) {
        IsNormalized::Yes => true,
        IsNormalized::No => false,
        IsNormalized::Maybe => text.nfc().eq(text.chars()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greek_singleton_and_space() {
        // NOTES.md: U+1F71 (活 in font A) becomes U+03AC; U+2000 (渦) becomes U+2002.
        assert!(preimages('\u{03AC}').contains(&vec!['\u{1F71}']));
        assert!(preimages('\u{2002}').contains(&vec!['\u{2000}']));
        assert!(preimages('あ').is_empty());
    }

    #[test]
    fn composition_exclusions_split_into_pairs() {
        // Derived from the normaliser, not typed: U+095C and U+0A59 are split by NFC.
        assert!(is_split_pair('\u{0921}', '\u{093C}'));
        assert!(is_split_pair('\u{0A16}', '\u{0A3C}'));
        assert!(!is_split_pair('\u{0921}', '\u{0922}'));
        // 'e' + U+0301 recomposes to 'é' under NFC, so it never stands as a pair in NFC text.
        assert!(!is_split_pair('e', '\u{0301}'));
    }

    #[test]
    fn hangul_syllable_splits_into_jamo() {
        let composed: String = "\u{1100}\u{1161}".nfc().collect();
        let c = composed.chars().next().unwrap();
        assert!(preimages(c).contains(&vec!['\u{1100}', '\u{1161}']));
    }

    #[test]
    fn raw_garbled_text_is_not_nfc() {
        assert!(!text_may_be_nfc("日常生\u{1F71}"));
        assert!(text_may_be_nfc("日常生活"));
    }
}
