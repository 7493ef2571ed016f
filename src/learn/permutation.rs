//! One-to-one assignment of characters to garbled glyphs by language-model context.
//!
//! For fonts with no usable order (glyphs ordered roughly by character frequency, or an
//! unknown order), every glyph's character is decided by its contexts across the whole
//! corpus: `S(g, c) = Σ over occurrences of log10 p(c | left) + Σ log10 p(right_k | …c…)`
//! (the LM's order bounds the window), plus a tempered Poisson prior tying glyph frequency
//! to character frequency (the frequency-rank initialisation, kept as a soft term).
//!
//! Cost: occurrences are aggregated once per round into distinct [`Window`]s with counts
//! (unknown neighbours collapse to one marker the LM backs off past, so windows the LM
//! cannot tell apart are equal); a candidate is scored over the most frequent windows, not
//! over occurrences. Candidates are restricted by frequency compatibility
//! ([`frequency_compatible`]) before scoring, screened with the plain model over a few
//! windows, and the best re-scored with the document-adapted model over many.
//!
//! Iterated conditional modes under a one-to-one constraint: each round scores every
//! glyph's candidates with the *confident* glyphs of the previous round decoded as context
//! (unknown neighbours are left garbled), then assigns characters greedily, most certain
//! glyph first, each character to at most one glyph. The confidence needed to become
//! context falls over the rounds; rounds stop when the contexts no longer change. All
//! loops are deterministic; glyphs are scored in parallel against a fixed previous state
//! and windows are sorted, so the thread count does not change the result.

use super::corpus::{Corpus, GLYPH_BASE, token_char};
use crate::lm::{CharLm, MAX_ORDER, Scorer};
use std::collections::{HashMap, HashSet};

/// Characters a glyph may stand for, most frequent first, with their unigram log10 p.
#[derive(Debug, Clone)]
pub struct Vocab {
    /// The characters, most probable first.
    pub chars: Vec<char>,
    /// Unigram log10 p of each of `chars`, in the same order.
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
    /// Distinct context windows (most frequent first) used to screen every candidate.
    pub screen_windows: usize,
    /// Candidates re-scored with more windows and the adapted model after screening.
    pub rescore: usize,
    /// Distinct windows used at most for re-scoring (the score is scaled to all
    /// occurrences).
    pub max_windows: usize,
    /// Weight of the Poisson frequency prior.
    pub prior_weight: f32,
    /// Frequency compatibility (see [`frequency_compatible`]).
    pub frequency_ratio: f32,
    /// Round `r` decodes, as context for round `r + 1`, the guesses whose confidence is at
    /// least `context_thresholds[r]` (the last value repeats).
    pub context_thresholds: Vec<f32>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            rounds: 6,
            top_k: 12,
            screen_windows: 16,
            rescore: 32,
            max_windows: 400,
            prior_weight: 0.3,
            frequency_ratio: 20.0,
            context_thresholds: vec![0.9, 0.7, 0.5, 0.5],
        }
    }
}

/// The solver's verdict on one glyph.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GlyphGuess {
    /// The assigned character (`None`: every candidate went to another glyph).
    pub ch: Option<char>,
    /// Posterior of `ch` among the glyph's candidates (softmax of the scores).
    pub confidence: f32,
    /// Best candidates, best first: (char, total log10 score).
    pub candidates: Vec<(char, f32)>,
}

/// The corpus and the models glyph contexts are scored with.
pub struct ContextScorer<'a, S: Scorer + Sync> {
    /// The garbled corpus whose glyphs are scored.
    pub corpus: &'a Corpus,
    /// The (document-adapted) model for final scores.
    pub lm: &'a S,
    /// The plain model: several times faster, for screening many candidates.
    pub fast: &'a CharLm,
    /// Characters of context on each side (LM order − 1).
    pub width: usize,
}

impl<'a, S: Scorer + Sync> ContextScorer<'a, S> {
    /// A scorer with `lm` for final scores and `fast` for screening; the context width
    /// follows `fast`'s order.
    pub fn new(corpus: &'a Corpus, lm: &'a S, fast: &'a CharLm) -> Self {
        ContextScorer {
            corpus,
            lm,
            fast,
            width: fast.order().clamp(2, MAX_ORDER) - 1,
        }
    }

    /// Every glyph's context windows under decoding `dec`.
    pub fn contexts(&self, dec: &[Option<char>]) -> Contexts {
        Contexts::build(self.corpus, dec, self.width)
    }
}

/// Marker for a neighbour glyph whose reading is unknown: a character the LM never saw, so
/// every context reaching it is unseen and the LM backs off past it, at the same cost for
/// every candidate.
const UNKNOWN: char = '\u{E0001}';
/// Marker for the glyph being scored itself (it may be its own neighbour): replaced by the
/// candidate at scoring time.
const SELF: char = '\u{E0002}';
/// Context characters kept on each side at most.
const SIDE: usize = MAX_ORDER - 1;

/// The context of one occurrence of a glyph as the LM sees it under a partial decoding:
/// up to `width` characters on the left (after the last unknown glyph — the LM cannot see
/// past it — and led by `UNKNOWN` if one was cut; shorter without it = line start), and
/// the known characters on the right up to the first unknown glyph (`'\n'` = line end).
/// Occurrences with equal windows score equally for every candidate, so a glyph is scored
/// over its distinct windows weighted by their counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Window {
    left: [char; SIDE],
    right: [char; SIDE],
    nl: u8,
    nr: u8,
}

impl Window {
    /// The window of glyph `g` at `(l, p)` under decoding `dec`.
    fn at(corpus: &Corpus, l: u32, p: u32, g: u32, dec: &[Option<char>], width: usize) -> Window {
        let mut w = Window {
            left: ['\0'; SIDE],
            right: ['\0'; SIDE],
            nl: 0,
            nr: 0,
        };
        let Some(line) = corpus.lines.get(l as usize) else {
            return w;
        };
        let width = width.min(SIDE);
        let me = GLYPH_BASE + g;
        let ch = |t: u32| -> char {
            if t == me {
                SELF
            } else {
                token_char(t, dec).unwrap_or(UNKNOWN)
            }
        };
        let p = p as usize;
        let from = p.saturating_sub(width);
        let left = line.get(from..p).unwrap_or(&[]);
        // Keep from the last unknown glyph on: what lies before it cannot matter.
        let start = left.iter().rposition(|&t| ch(t) == UNKNOWN).unwrap_or(0);
        for &t in &left[start..] {
            w.left[w.nl as usize] = ch(t);
            w.nl += 1;
        }
        for k in 1..=width {
            let q = p + k;
            if q == line.len() {
                w.right[w.nr as usize] = '\n';
                w.nr += 1;
                break;
            }
            let Some(&t) = line.get(q) else { break };
            let c = ch(t);
            if c == UNKNOWN {
                break;
            }
            w.right[w.nr as usize] = c;
            w.nr += 1;
        }
        w
    }

    /// log10 score of reading the glyph as `c` in this window: `c` given its left context,
    /// and the known right characters given `c`.
    pub fn score<T: Scorer + ?Sized>(&self, lm: &T, c: char) -> f32 {
        let mut buf = ['\0'; 2 * SIDE + 1];
        let mut n = 0;
        for &x in &self.left[..self.nl as usize] {
            buf[n] = if x == SELF { c } else { x };
            n += 1;
        }
        let mut s = lm.log_prob(&buf[..n], c);
        buf[n] = c;
        n += 1;
        for &x in &self.right[..self.nr as usize] {
            let x = if x == SELF { c } else { x };
            s += lm.log_prob(&buf[..n], x);
            if x == '\n' {
                break;
            }
            buf[n] = x;
            n += 1;
        }
        s
    }
}

/// Every glyph's distinct context windows under one decoding, with counts, most frequent
/// first (ties by window: deterministic).
#[derive(Debug, Clone, Default)]
pub struct Contexts {
    /// Per glyph index: its distinct windows with their counts, most frequent first.
    pub windows: Vec<Vec<(Window, u32)>>,
}

impl Contexts {
    /// Aggregates the windows of every glyph's occurrences (parallel over glyphs; the
    /// result does not depend on the thread count).
    pub fn build(corpus: &Corpus, dec: &[Option<char>], width: usize) -> Contexts {
        use rayon::prelude::*;
        let windows = (0..corpus.glyph_count())
            .into_par_iter()
            .map(|g| {
                let mut counts: HashMap<Window, u32> = HashMap::new();
                for &(l, p) in &corpus.occurrences[g] {
                    *counts
                        .entry(Window::at(corpus, l, p, g as u32, dec, width))
                        .or_insert(0) += 1;
                }
                let mut v: Vec<(Window, u32)> = counts.into_iter().collect();
                v.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                v
            })
            .collect();
        Contexts { windows }
    }

    /// Score of `c` over the `max` most frequent windows of glyph `g`, scaled to all of
    /// the glyph's occurrences.
    pub fn total<T: Scorer + ?Sized>(&self, lm: &T, g: usize, c: char, max: usize) -> f32 {
        let Some(ws) = self.windows.get(g) else {
            return 0.0;
        };
        let mut s = 0.0;
        let mut used = 0u32;
        let mut all = 0u32;
        for (i, (w, n)) in ws.iter().enumerate() {
            all += n;
            if i < max {
                s += *n as f32 * w.score(lm, c);
                used += n;
            }
        }
        if used == 0 {
            return 0.0;
        }
        s * all as f32 / used as f32
    }
}

/// Expected count of `c` in `total` characters of text under `lm`'s unigram level.
pub fn expected_count(lm: &CharLm, total: u64, c: char) -> f32 {
    // An unseen history makes every context lookup miss: log_prob falls to unigrams.
    let hist = ['\u{E0001}'; MAX_ORDER];
    total as f32 * 10f32.powf(lm.log_prob(&hist[..lm.order().saturating_sub(1)], c))
}

/// Whether a glyph seen `n` times may stand for a character expected `expected` times:
/// not far more often than seen (a glyph seen 3 times in 10,000 characters is not の),
/// and, once `n` ≥ 20, not far less (`ratio` upper, `5 · ratio` lower: documents have
/// topical words the model finds rare).
pub fn frequency_compatible(n: f32, expected: f32, ratio: f32) -> bool {
    !too_frequent(n, expected, ratio) && (n < 20.0 || expected >= n / (5.0 * ratio))
}

/// Whether a character expected `expected` times is far too frequent for a glyph seen
/// `n` times (the upper half of [`frequency_compatible`]).
pub fn too_frequent(n: f32, expected: f32, ratio: f32) -> bool {
    expected > (n * ratio).max(30.0)
}

/// log10 of a tempered Poisson likelihood of seeing a glyph `n` times when its character
/// is expected `lambda` times (constant terms dropped).
fn poisson_log10(n: f32, lambda: f32) -> f32 {
    let lambda = lambda.max(1e-3);
    (n * lambda.ln() - lambda) / std::f32::consts::LN_10
}

/// The solver.
pub struct Solver<'a, S: Scorer + Sync> {
    /// The corpus and the models its contexts are scored with.
    pub scorer: ContextScorer<'a, S>,
    /// The candidate characters.
    pub vocab: &'a Vocab,
    /// The solver's knobs.
    pub options: Options,
}

impl<'a, S: Scorer + Sync> Solver<'a, S> {
    /// The `k` best candidates of glyph `g` by the fast model over its most frequent
    /// windows in `ctx`: cheap, for order votes (no frequency restriction: a block's
    /// glyphs vote whatever their counts).
    pub fn screen(&self, g: usize, ctx: &Contexts, k: usize) -> Vec<(char, f32)> {
        let m = self.options.screen_windows;
        let mut scored: Vec<(f32, usize)> = self
            .vocab
            .chars
            .iter()
            .enumerate()
            .map(|(i, &c)| (ctx.total(self.scorer.fast, g, c, m), i))
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.truncate(k);
        scored
            .into_iter()
            .map(|(s, i)| (self.vocab.chars[i], s))
            .collect()
    }

    /// Expected count of each vocabulary character in a corpus of this size.
    fn expected_counts(&self) -> Vec<f32> {
        let total = self.scorer.corpus.total_chars.max(1) as f32;
        self.vocab
            .log_p
            .iter()
            .map(|lp| total * 10f32.powf(*lp))
            .collect()
    }

    /// Ranks candidates of glyph `g` in contexts `ctx`; `taken[i]` vocabulary entries are
    /// skipped. `expected` = [`Self::expected_counts`].
    fn rank(&self, g: usize, ctx: &Contexts, taken: &[bool], expected: &[f32]) -> Vec<(char, f32)> {
        let corpus = self.scorer.corpus;
        let n = corpus.counts.get(g).copied().unwrap_or(0) as f32;
        if n == 0.0 {
            return Vec::new();
        }
        let o = &self.options;
        let prior = |i: usize| o.prior_weight * poisson_log10(n, expected[i]);
        let mut scored: Vec<(f32, usize)> = Vec::new();
        for (i, &c) in self.vocab.chars.iter().enumerate() {
            if taken[i] || !frequency_compatible(n, expected[i], o.frequency_ratio) {
                continue;
            }
            let s = ctx.total(self.scorer.fast, g, c, o.screen_windows) + prior(i);
            scored.push((s, i));
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.truncate(o.rescore.max(o.top_k));
        for s in scored.iter_mut() {
            let c = self.vocab.chars[s.1];
            s.0 = ctx.total(self.scorer.lm, g, c, o.max_windows) + prior(s.1);
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
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
        let taken_v: Vec<bool> = self
            .vocab
            .chars
            .iter()
            .map(|c| taken_all.contains(c))
            .collect();
        let expected = self.expected_counts();
        let free: Vec<usize> = (0..ng)
            .filter(|&g| fixed.get(g).copied().flatten().is_none())
            .collect();
        let mut guesses: Vec<GlyphGuess> = vec![GlyphGuess::default(); ng];
        let mut context: Vec<Option<char>> =
            (0..ng).map(|g| fixed.get(g).copied().flatten()).collect();
        // The context the current guesses were scored in.
        let mut scored_in: Option<Vec<Option<char>>> = None;
        let (mut rounds, mut step) = (0, 0);
        let thresholds = &self.options.context_thresholds;
        while rounds < self.options.rounds.max(1) {
            if scored_in.as_ref() != Some(&context) {
                let ctx = self.scorer.contexts(&context);
                let ranked: Vec<Vec<(char, f32)>> = free
                    .par_iter()
                    .map(|&g| self.rank(g, &ctx, &taken_v, &expected))
                    .collect();
                for (g, guess) in assign(&free, ranked, corpus) {
                    guesses[g] = guess;
                }
                rounds += 1;
                scored_in = Some(context.clone());
            }
            let th = thresholds
                .get(step)
                .or(thresholds.last())
                .copied()
                .unwrap_or(0.5);
            step += 1;
            let next: Vec<Option<char>> = (0..ng)
                .map(|g| {
                    fixed
                        .get(g)
                        .copied()
                        .flatten()
                        .or_else(|| guesses[g].ch.filter(|_| guesses[g].confidence >= th))
                })
                .collect();
            // Converged: the lowest threshold reached and the contexts no longer change.
            if next == context && step >= thresholds.len() {
                break;
            }
            context = next;
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

#[cfg(test)]
mod tests;
