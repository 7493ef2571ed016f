//! One-to-one assignment of characters to garbled glyphs by language-model context.
//!
//! For fonts with no usable order (glyphs ordered roughly by frequency, or an unknown
//! order), every glyph's character is decided by its contexts across the whole corpus:
//! `S(g, c) = Σ over occurrences of log10 p(c | left) + Σ log10 p(right_k | …c…)` (the
//! LM's order bounds the window), plus a tempered Poisson prior tying glyph frequency to
//! character frequency (the frequency-rank initialisation, kept as a soft term).
//!
//! Iterated conditional modes under a one-to-one constraint: each round scores every
//! glyph's candidates with the *confident* glyphs of the previous round decoded as context
//! (unknown neighbours are left garbled, which makes the LM back off), then assigns
//! characters greedily, most certain glyph first, each character to at most one glyph.
//! Rounds stop when the assignment no longer changes. All loops are deterministic; glyphs
//! are scored in parallel against a fixed previous state, so the thread count does not
//! change the result.

use super::corpus::{Corpus, GLYPH_BASE, token_char};
use crate::lm::{CharLm, MAX_ORDER, Scorer};
use std::collections::HashSet;

/// Characters a glyph may stand for, most frequent first, with their unigram log10 p.
#[derive(Debug, Clone)]
pub struct Vocab {
    pub chars: Vec<char>,
    pub log_p: Vec<f32>,
}

impl Vocab {
    /// The `max` most probable characters of Japanese text under `lm`, among kana, CJK
    /// symbols, kanji, fullwidth/ASCII forms and the common symbol blocks.
    pub fn from_lm(lm: &CharLm, max: usize) -> Vocab {
        // A history of characters the LM never saw makes every context lookup miss, so
        // log_prob falls through to the unigram level (a short history would mean "line start").
        let hist = ['\u{E0001}'; MAX_ORDER];
        let ranges: &[(u32, u32)] = &[
            (0x21, 0x7E),
            (0xA7, 0xF7),
            (0x391, 0x3C9),
            (0x401, 0x451),
            (0x2010, 0x203B),
            (0x2100, 0x22FF),
            (0x2460, 0x24FF),
            (0x2500, 0x257F),
            (0x25A0, 0x266F),
            (0x3000, 0x30FF),
            (0x3200, 0x33FF),
            (0x4E00, 0x9FFF),
            (0xF900, 0xFAFF),
            (0xFF01, 0xFF9F),
            (0xFFE0, 0xFFE5),
        ];
        let mut all: Vec<(f32, char)> = Vec::new();
        for &(a, b) in ranges {
            for u in a..=b {
                let Some(c) = char::from_u32(u) else { continue };
                if c == '\u{3000}' {
                    continue; // folds to ' ', which is not a glyph worth guessing
                }
                let lp = lm.log_prob(&hist[..lm.order().saturating_sub(1)], c);
                all.push((lp, c));
            }
        }
        // Most probable first; ties by code point so the list is deterministic. Fullwidth
        // forms fold to ASCII in the LM; the order keeps both so an order fit can tell.
        all.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        all.truncate(max);
        Vocab {
            chars: all.iter().map(|x| x.1).collect(),
            log_p: all.iter().map(|x| x.0).collect(),
        }
    }
}

/// Knobs of the solver.
#[derive(Debug, Clone)]
pub struct Options {
    /// Maximum rounds.
    pub rounds: usize,
    /// Candidates kept per glyph (for the assignment, confidences and order votes).
    pub top_k: usize,
    /// Occurrences used to screen the whole candidate window.
    pub screen_occurrences: usize,
    /// Candidates re-scored with more occurrences after screening.
    pub rescore: usize,
    /// Occurrences used at most for re-scoring (the score is scaled to all occurrences).
    pub max_occurrences: usize,
    /// Weight of the Poisson frequency prior.
    pub prior_weight: f32,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            rounds: 4,
            top_k: 12,
            screen_occurrences: 12,
            rescore: 32,
            max_occurrences: 300,
            prior_weight: 0.3,
        }
    }
}

/// The solver's verdict on one glyph.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GlyphGuess {
    pub ch: Option<char>,
    /// Posterior of `ch` among the glyph's candidates (softmax of the scores).
    pub confidence: f32,
    /// Best candidates, best first: (char, total log10 score).
    pub candidates: Vec<(char, f32)>,
}

/// Scores glyph occurrences under partial decodings.
pub struct ContextScorer<'a, S: Scorer + Sync> {
    pub corpus: &'a Corpus,
    /// The (document-adapted) model for final scores.
    pub lm: &'a S,
    /// The plain model: several times faster, for screening many candidates.
    pub fast: &'a CharLm,
    /// Characters of context on each side (LM order − 1).
    pub width: usize,
}

impl<'a, S: Scorer + Sync> ContextScorer<'a, S> {
    pub fn new(corpus: &'a Corpus, lm: &'a S, fast: &'a CharLm) -> Self {
        ContextScorer {
            corpus,
            lm,
            fast,
            width: fast.order().clamp(2, MAX_ORDER) - 1,
        }
    }

    /// log10 score of reading glyph `g` as `c` at one occurrence: the character itself given
    /// its left context, and up to `width` known characters to its right (or the line end).
    pub fn occurrence(&self, l: u32, p: u32, g: u32, c: char, dec: &[Option<char>]) -> f32 {
        self.occurrence_with(self.lm, l, p, g, c, dec)
    }

    /// `occurrence` under another model (the fast one for screening).
    pub fn occurrence_with<T: Scorer + ?Sized>(
        &self,
        lm: &T,
        l: u32,
        p: u32,
        g: u32,
        c: char,
        dec: &[Option<char>],
    ) -> f32 {
        let Some(line) = self.corpus.lines.get(l as usize) else {
            return 0.0;
        };
        let p = p as usize;
        let me = GLYPH_BASE + g;
        let mut win = ['\0'; 2 * MAX_ORDER + 1];
        let mut n = 0;
        for &t in &line[p.saturating_sub(self.width)..p] {
            // Unknown glyphs stay as their garbled code point: the LM has no context with
            // it and backs off, at the same cost for every candidate.
            win[n] = if t == me {
                c
            } else {
                token_char(t, dec).unwrap_or_else(|| raw_char(self.corpus, t))
            };
            n += 1;
        }
        let mut s = lm.log_prob(&win[..n], c);
        win[n] = c;
        n += 1;
        for k in 1..=self.width {
            let q = p + k;
            if q == line.len() {
                s += lm.log_prob(&win[..n], '\n');
                break;
            }
            let Some(&t) = line.get(q) else { break };
            let ch = if t == me { Some(c) } else { token_char(t, dec) };
            let Some(ch) = ch else { break };
            s += lm.log_prob(&win[..n], ch);
            win[n] = ch;
            n += 1;
        }
        s
    }

    /// Total score of `c` for glyph `g` over the given occurrences.
    pub fn total(&self, g: u32, c: char, occ: &[(u32, u32)], dec: &[Option<char>]) -> f32 {
        occ.iter()
            .map(|&(l, p)| self.occurrence(l, p, g, c, dec))
            .sum()
    }

    /// `total` under the fast model.
    pub fn total_fast(&self, g: u32, c: char, occ: &[(u32, u32)], dec: &[Option<char>]) -> f32 {
        occ.iter()
            .map(|&(l, p)| self.occurrence_with(self.fast, l, p, g, c, dec))
            .sum()
    }
}

fn raw_char(corpus: &Corpus, tok: u32) -> char {
    if tok < GLYPH_BASE {
        return char::from_u32(tok).unwrap_or('\u{FFFD}');
    }
    corpus
        .gids
        .get((tok - GLYPH_BASE) as usize)
        .and_then(|&g| char::from_u32(g))
        .unwrap_or('\u{FFFD}')
}

/// Up to `k` occurrences spread evenly over `occ`.
fn spread(occ: &[(u32, u32)], k: usize) -> Vec<(u32, u32)> {
    if occ.len() <= k {
        return occ.to_vec();
    }
    (0..k).map(|i| occ[i * occ.len() / k]).collect()
}

/// log10 of a tempered Poisson likelihood of seeing a glyph `n` times when its character
/// is expected `lambda` times (constant terms dropped).
fn poisson_log10(n: f32, lambda: f32) -> f32 {
    let lambda = lambda.max(1e-3);
    (n * lambda.ln() - lambda) / std::f32::consts::LN_10
}

/// The solver.
pub struct Solver<'a, S: Scorer + Sync> {
    pub scorer: ContextScorer<'a, S>,
    pub vocab: &'a Vocab,
    pub options: Options,
}

impl<'a, S: Scorer + Sync> Solver<'a, S> {
    /// The `k` best candidates of glyph `g` by the fast model over a few occurrences,
    /// with `dec` as context: cheap, for order votes.
    pub fn screen(&self, g: usize, dec: &[Option<char>], k: usize) -> Vec<(char, f32)> {
        let corpus = self.scorer.corpus;
        let occ = spread(&corpus.occurrences[g], self.options.screen_occurrences);
        let mut scored: Vec<(f32, usize)> = self
            .vocab
            .chars
            .iter()
            .enumerate()
            .map(|(i, &c)| (self.scorer.total_fast(g as u32, c, &occ, dec), i))
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.truncate(k);
        scored
            .into_iter()
            .map(|(s, i)| (self.vocab.chars[i], s))
            .collect()
    }

    /// Ranks candidates of glyph `g` under decoding `dec`. `taken` characters are skipped.
    pub fn rank(&self, g: usize, dec: &[Option<char>], taken: &HashSet<char>) -> Vec<(char, f32)> {
        let corpus = self.scorer.corpus;
        let occ = &corpus.occurrences[g];
        if occ.is_empty() {
            return Vec::new();
        }
        let n = occ.len() as f32;
        let total = corpus.total_chars.max(1) as f32;
        let o = &self.options;
        // Candidate window: characters whose expected count is not wildly above the
        // glyph's count (a glyph seen 3 times in a million characters is not の). Rare
        // characters stay in: documents have topical words.
        let max_expected = (n * 20.0).max(30.0);
        let prior = |i: usize| -> f32 {
            let lambda = total * 10f32.powf(self.vocab.log_p[i]);
            o.prior_weight * poisson_log10(n, lambda)
        };
        let screen = spread(occ, o.screen_occurrences);
        let scale_screen = n / screen.len() as f32;
        let mut scored: Vec<(f32, usize)> = Vec::new();
        for (i, &c) in self.vocab.chars.iter().enumerate() {
            if taken.contains(&c) {
                continue;
            }
            if total * 10f32.powf(self.vocab.log_p[i]) > max_expected {
                continue;
            }
            let s = self.scorer.total_fast(g as u32, c, &screen, dec) * scale_screen + prior(i);
            scored.push((s, i));
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.truncate(o.rescore.max(o.top_k));
        {
            let full = spread(occ, o.max_occurrences);
            let scale = n / full.len() as f32;
            for s in scored.iter_mut() {
                let c = self.vocab.chars[s.1];
                s.0 = self.scorer.total(g as u32, c, &full, dec) * scale + prior(s.1);
            }
            scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        }
        scored.truncate(o.top_k);
        scored
            .into_iter()
            .map(|(s, i)| (self.vocab.chars[i], s))
            .collect()
    }

    /// Solves the assignment. `fixed[g] = Some(c)` glyphs are known (e.g. from an order
    /// fit): they are context and are not re-assigned. `taken` characters (e.g. those a
    /// partial ToUnicode already maps) are never assigned to a free glyph.
    pub fn solve(&self, fixed: &[Option<char>], taken: &HashSet<char>) -> Vec<GlyphGuess> {
        use rayon::prelude::*;
        let corpus = self.scorer.corpus;
        let ng = corpus.glyph_count();
        let mut taken_all = taken.clone();
        taken_all.extend(fixed.iter().flatten());
        let free: Vec<usize> = (0..ng)
            .filter(|&g| fixed.get(g).copied().flatten().is_none())
            .collect();
        let mut guesses: Vec<GlyphGuess> = vec![GlyphGuess::default(); ng];
        let mut context: Vec<Option<char>> =
            (0..ng).map(|g| fixed.get(g).copied().flatten()).collect();
        // Context thresholds per round: only sure glyphs first, then more.
        let thresholds = [f32::INFINITY, 0.9, 0.7, 0.5];
        let mut prev: Vec<Option<char>> = vec![None; ng];
        for round in 0..self.options.rounds.max(1) {
            let ranked: Vec<Vec<(char, f32)>> = free
                .par_iter()
                .map(|&g| self.rank(g, &context, &taken_all))
                .collect();
            let assigned = assign(&free, ranked, corpus);
            for (g, guess) in assigned {
                guesses[g] = guess;
            }
            let now: Vec<Option<char>> = guesses.iter().map(|x| x.ch).collect();
            let th = thresholds[round.min(thresholds.len() - 1)];
            let next_th = thresholds[(round + 1).min(thresholds.len() - 1)];
            if now == prev && round >= 2 {
                break;
            }
            let _ = th;
            prev = now;
            for &g in &free {
                context[g] = guesses[g].ch.filter(|_| guesses[g].confidence >= next_th);
            }
        }
        for (g, f) in fixed.iter().enumerate() {
            if let (Some(c), Some(slot)) = (f, guesses.get_mut(g)) {
                *slot = GlyphGuess {
                    ch: Some(*c),
                    confidence: 1.0,
                    candidates: vec![(*c, 0.0)],
                };
            }
        }
        guesses
    }
}

/// Greedy one-to-one assignment: glyphs with the largest margin between their two best
/// candidates choose first (ties: more occurrences, then glyph index).
fn assign(
    free: &[usize],
    ranked: Vec<Vec<(char, f32)>>,
    corpus: &Corpus,
) -> Vec<(usize, GlyphGuess)> {
    let margin = |r: &[(char, f32)]| match r {
        [a, b, ..] => a.1 - b.1,
        [_] => 10.0,
        [] => f32::NEG_INFINITY,
    };
    let mut order: Vec<usize> = (0..free.len()).collect();
    order.sort_by(|&a, &b| {
        margin(&ranked[b])
            .total_cmp(&margin(&ranked[a]))
            .then(corpus.counts[free[b]].cmp(&corpus.counts[free[a]]))
            .then(a.cmp(&b))
    });
    let mut used: HashSet<char> = HashSet::new();
    let mut out = Vec::with_capacity(free.len());
    for i in order {
        let cands: Vec<(char, f32)> = ranked[i]
            .iter()
            .filter(|(c, _)| !used.contains(c))
            .copied()
            .collect();
        let (ch, confidence) = match cands.first() {
            Some(&(c, best)) => {
                let z: f32 = cands.iter().map(|(_, s)| 10f32.powf(s - best)).sum();
                used.insert(c);
                // Few occurrences are little evidence, whatever the margin.
                let n = corpus.counts[free[i]] as f32;
                (Some(c), n / (n + 1.5) / z)
            }
            None => (None, 0.0),
        };
        out.push((
            free[i],
            GlyphGuess {
                ch,
                confidence,
                candidates: ranked[i].clone(),
            },
        ));
    }
    out
}

/// The frequency-rank initialisation: glyphs by count ↔ characters by unigram probability,
/// skipping `taken`. Used to report what frequency alone would say, and in tests.
pub fn frequency_rank(corpus: &Corpus, vocab: &Vocab, taken: &HashSet<char>) -> Vec<Option<char>> {
    let mut order: Vec<usize> = (0..corpus.glyph_count()).collect();
    order.sort_by(|&a, &b| corpus.counts[b].cmp(&corpus.counts[a]).then(a.cmp(&b)));
    let mut chars = vocab.chars.iter().filter(|c| !taken.contains(c));
    let mut out = vec![None; corpus.glyph_count()];
    for g in order {
        out[g] = chars.next().copied();
    }
    out
}
