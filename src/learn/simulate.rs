//! Simulated garbling for measuring decipherment: clean text is encoded through a random
//! glyph permutation (or, with [`garble_ordered`], a repertoire order) (each character type gets a random code point in strong-evidence
//! ranges, as a font ordered by nothing the learner knows would), while a random share of
//! character types stays clean, as a partial ToUnicode would leave them.
//!
//! ASCII and whitespace stay clean (half-width forms are a separate problem). Deterministic
//! for a given seed.
//!
//! The 10 KB / 100 KB / 1 MB figures are too slow for the test suite; measure them with
//! (held-out manpages-ja text, never trained on; sizes in characters, ≈ 2.56 bytes each):
//!
//! ```text
//! scripts/heldout_text.sh /tmp/heldout.txt
//! cargo run --release --example decipher_simulation -- /tmp/heldout.txt --sizes 4000,40000,400000 --seed 11 --clean-share 0.3
//! cargo run --release --example decipher_simulation -- /tmp/heldout.txt --sizes 1000000 --seed 23 --clean-share 0.3
//! ```
//!
//! (each size uses seed + size). Measured (seed 11, one run each): 9.8 KB → 81.4 % of
//! garbled characters (60.1 % of glyphs), 101 KB → 94.7 % (70.2 %), 1.03 MB → 97.2 %
//! (64.1 %, 81 s). With `--simulate-order jis0208` ([`garble_ordered`]: a font in JIS
//! row-cell order) the order search finds the font's order: 99.65 % at 9.8 KB, 99.98 % at
//! 101 KB.

use std::collections::HashMap;

/// A small deterministic generator (splitmix64); no external crate for tests' sake.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
    /// Shuffles `v` in place (Fisher-Yates).
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i + 1);
            v.swap(i, j);
        }
    }
}

/// Strong-evidence code points a simulated font's glyph IDs are drawn from: Indic and
/// South-East Asian scripts, Ethiopic, Canadian syllabics … and CJK Ext-A. Right-to-left
/// blocks are left out so that no bidi reordering is simulated.
fn pool() -> Vec<char> {
    (0x0900u32..0x1DFF)
        .chain(0x3400..0x4DBF)
        .filter_map(char::from_u32)
        .filter(|c| crate::detect::classify(*c).is_strong())
        .collect()
}

/// An encoded text and the truth of its glyphs.
#[derive(Debug, Clone)]
pub struct Garbled {
    /// The garbled text.
    pub text: String,
    /// Garbled code point → original character.
    pub truth: HashMap<u32, char>,
    /// Share of non-ASCII character tokens left clean.
    pub clean_share: f64,
}

impl Garbled {
    /// The text with every garbled code point put back through the truth.
    pub fn ungarbled(&self) -> String {
        self.text
            .chars()
            .map(|c| self.truth.get(&(c as u32)).copied().unwrap_or(c))
            .collect()
    }
}

/// Garbles `clean` with a random permutation; `clean_share` of the non-ASCII tokens (by
/// whole character types, chosen at random) stay as they are.
pub fn garble(clean: &str, seed: u64, clean_share: f64) -> Garbled {
    let mut codes = pool();
    let mut next = 0;
    garble_types(clean, seed, clean_share, |rng, _| {
        if next == 0 {
            rng.shuffle(&mut codes);
        }
        next += 1;
        codes.get(next - 1).copied()
    })
}

/// Garbles `clean` as a font whose glyphs follow `repertoire`'s order would print it:
/// glyph ID = rank + `offset` for members (characters outside the repertoire, ASCII and
/// whitespace stay clean), then `clean_share` of the non-ASCII tokens (whole character
/// types, chosen at random) stay clean as a partial ToUnicode would leave them. The
/// learner is measured on whether it finds the order (a JIS row-cell font is neither
/// Unicode order nor a permutation it must learn glyph by glyph).
pub fn garble_ordered(
    clean: &str,
    repertoire: &crate::tables::repertoire::Repertoire,
    offset: u32,
    seed: u64,
    clean_share: f64,
) -> Garbled {
    garble_types(clean, seed, clean_share, |_, c| {
        repertoire
            .rank(c)
            .and_then(|r| char::from_u32(r + offset))
            .filter(|g| !g.is_ascii() && !g.is_whitespace())
    })
}

/// The shared part: character types in random order; while less than `clean_share` of the
/// tokens is kept clean, a type stays clean, after that it gets `code_of`'s code point (a
/// type without one stays clean too).
fn garble_types(
    clean: &str,
    seed: u64,
    clean_share: f64,
    mut code_of: impl FnMut(&mut Rng, char) -> Option<char>,
) -> Garbled {
    let mut rng = Rng::new(seed);
    let mut counts: HashMap<char, u64> = HashMap::new();
    for c in clean.chars() {
        if !c.is_ascii() && !c.is_whitespace() {
            *counts.entry(c).or_insert(0) += 1;
        }
    }
    let mut types: Vec<(char, u64)> = counts.into_iter().collect();
    types.sort_unstable();
    rng.shuffle(&mut types);
    let total: u64 = types.iter().map(|t| t.1).sum();
    let mut kept = 0u64;
    let mut map: HashMap<char, char> = HashMap::new();
    for (c, n) in &types {
        let code = if (kept as f64) < clean_share * total as f64 {
            None
        } else {
            code_of(&mut rng, *c)
        };
        match code {
            Some(g) => {
                map.insert(*c, g);
            }
            None => kept += n,
        }
    }
    let text: String = clean
        .chars()
        .map(|c| map.get(&c).copied().unwrap_or(c))
        .collect();
    Garbled {
        text,
        truth: map.iter().map(|(c, g)| (*g as u32, *c)).collect(),
        clean_share: kept as f64 / total.max(1) as f64,
    }
}

/// Figures of one simulated run.
#[derive(Debug, Clone, Default)]
pub struct Recovery {
    /// Distinct garbled code points occurring in the text.
    pub glyphs: usize,
    /// Of those, how many were read as their true character.
    pub glyphs_right: usize,
    /// Occurrences of garbled code points in the text.
    pub tokens: u64,
    /// Of those, how many are of a glyph read right.
    pub tokens_right: u64,
    /// Tokens whose glyph has a reading of confidence ≥ 0.5, and how many of those are right.
    pub tokens_confident: u64,
    /// How many of the confident tokens are right.
    pub tokens_confident_right: u64,
}

impl Recovery {
    /// Share of glyphs read right.
    pub fn glyph_share(&self) -> f64 {
        self.glyphs_right as f64 / self.glyphs.max(1) as f64
    }
    /// Share of garbled tokens read right.
    pub fn token_share(&self) -> f64 {
        self.tokens_right as f64 / self.tokens.max(1) as f64
    }
    /// Share of confident tokens that are right.
    pub fn confident_precision(&self) -> f64 {
        self.tokens_confident_right as f64 / self.tokens_confident.max(1) as f64
    }
}

/// Compares learned readings with the truth.
pub fn recovery(g: &Garbled, learned: &super::decipher::Learned) -> Recovery {
    let mut counts: HashMap<u32, u64> = HashMap::new();
    for c in g.text.chars() {
        if g.truth.contains_key(&(c as u32)) {
            *counts.entry(c as u32).or_insert(0) += 1;
        }
    }
    let mut r = Recovery::default();
    for (gid, n) in counts {
        let want = g.truth.get(&gid).copied();
        r.glyphs += 1;
        r.tokens += n;
        let got = learned.reading(gid);
        let right = got.map(|x| x.0) == want;
        if right {
            r.glyphs_right += 1;
            r.tokens_right += n;
        }
        if got.is_some_and(|x| x.1 >= 0.5) {
            r.tokens_confident += n;
            if right {
                r.tokens_confident_right += n;
            }
        }
    }
    r
}

/// The first `chars` characters of `text`, cut at a line end.
pub fn prefix(text: &str, chars: usize) -> &str {
    let mut end = 0;
    for (n, (i, c)) in text.char_indices().enumerate() {
        if n >= chars && c == '\n' {
            return &text[..i];
        }
        end = i + c.len_utf8();
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbling_is_a_permutation_with_a_clean_share() {
        let text = "地域における孤独・孤立対策の取組を支援します。\n関係行政機関の連携を図る。\n";
        let g = garble(text, 7, 0.3);
        assert!(
            g.clean_share >= 0.3 && g.clean_share < 0.7,
            "{}",
            g.clean_share
        );
        assert_eq!(g.ungarbled(), text);
        let distinct: std::collections::HashSet<char> = g.truth.values().copied().collect();
        assert_eq!(distinct.len(), g.truth.len());
        assert_ne!(garble(text, 8, 0.3).text, g.text);
        assert!(g.truth.keys().all(|&u| char::from_u32(u)
            .is_some_and(|c| crate::detect::classify(c).is_strong())));
    }

    #[test]
    fn ordered_garbling_follows_the_repertoire() {
        let jis = crate::tables::repertoire::Repertoire::by_name("jis0208").unwrap();
        let text = "地域における孤独・孤立対策の取組を支援します。\n";
        let g = garble_ordered(text, jis, 0x900, 3, 0.0);
        assert_eq!(g.clean_share, 0.0);
        for (gid, c) in &g.truth {
            assert_eq!(jis.rank(*c).map(|r| r + 0x900), Some(*gid), "{c}");
        }
        assert_eq!(g.ungarbled(), text);
        // With a clean share, some types stay clean.
        let g = garble_ordered(text, jis, 0x900, 3, 0.5);
        assert!(g.clean_share >= 0.5 && g.truth.len() < 18);
    }

    #[test]
    fn prefix_cuts_at_line_end() {
        assert_eq!(prefix("ab\ncd\nef", 3), "ab\ncd");
        assert_eq!(prefix("ab", 10), "ab");
    }
}
