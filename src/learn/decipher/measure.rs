//! Readings of a corpus for measurements and for callers that want guesses without tables.

use super::{Learned, Options};
use crate::learn::corpus::{Corpus, GLYPH_BASE};
use crate::learn::permutation::{GlyphGuess, Vocab};
use crate::lm::CharLm;

/// Decodes every dirty token of `corpus` through `learned` (confident readings only),
/// for measurements: returns (tokens decoded, tokens decoded to `truth`'s character).
pub fn decoded_share(
    corpus: &Corpus,
    learned: &Learned,
    truth: impl Fn(u32) -> Option<char>,
) -> (u64, u64) {
    let mut decoded = 0;
    let mut right = 0;
    for line in &corpus.lines {
        for &t in line {
            if t < GLYPH_BASE {
                continue;
            }
            let gid = corpus.gids[(t - GLYPH_BASE) as usize];
            if let Some((c, conf)) = learned.reading(gid) {
                if conf >= 0.5 {
                    decoded += 1;
                }
                if truth(gid) == Some(c) {
                    right += 1;
                }
            }
        }
    }
    (decoded, right)
}

/// Re-exported for callers that want guesses without tables.
pub fn guesses(corpus: &Corpus, lm: &CharLm, vocab: &Vocab, options: &Options) -> Vec<GlyphGuess> {
    let adaptive = super::model::adapted(corpus, lm, options);
    let (solver, taken) = super::model::solver(corpus, &adaptive, lm, vocab, options);
    solver.solve(&vec![None; corpus.glyph_count()], &taken)
}
