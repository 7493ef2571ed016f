//! Readings of a corpus for measurements and for callers that want guesses without tables.

use super::{Learned, Options};
use crate::learn::corpus::{Corpus, GLYPH_BASE};
use crate::learn::permutation::{ContextScorer, GlyphGuess, Solver, Vocab};
use crate::lm::{AdaptiveLm, CharLm};
use std::collections::HashSet;

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
    let mut adaptive = AdaptiveLm::new(lm);
    if options.adapt {
        adaptive.observe(&corpus.clean_text);
    }
    let scorer = ContextScorer::new(corpus, &adaptive, lm);
    let solver = Solver {
        scorer,
        vocab,
        options: options.solver.clone(),
    };
    let taken: HashSet<char> = corpus.clean_counts.keys().copied().collect();
    solver.solve(&vec![None; corpus.glyph_count()], &taken)
}
