//! The model and the solver a corpus is deciphered with (shared by learning and by the
//! guesses of `measure`).

use super::Options;
use crate::learn::corpus::Corpus;
use crate::learn::permutation::{ContextScorer, Solver, Vocab};
use crate::lm::{AdaptiveLm, CharLm};
use std::collections::HashSet;

/// The model adapted to the corpus's own clean text (when `options.adapt`).
pub(super) fn adapted<'a>(corpus: &Corpus, lm: &'a CharLm, options: &Options) -> AdaptiveLm<'a> {
    let mut adaptive = AdaptiveLm::new(lm);
    if options.adapt {
        adaptive.observe(&corpus.clean_text);
    }
    adaptive
}

/// The permutation solver of `corpus` under `adaptive`, and the characters its clean text
/// already uses (which no glyph is read as).
pub(super) fn solver<'a>(
    corpus: &'a Corpus,
    adaptive: &'a AdaptiveLm<'a>,
    lm: &'a CharLm,
    vocab: &'a Vocab,
    options: &Options,
) -> (Solver<'a, AdaptiveLm<'a>>, HashSet<char>) {
    let solver = Solver {
        scorer: ContextScorer::new(corpus, adaptive, lm),
        vocab,
        options: options.solver.clone(),
    };
    (solver, corpus.clean_counts.keys().copied().collect())
}
