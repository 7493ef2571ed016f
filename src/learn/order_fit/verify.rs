//! Verifying one hypothesis (a repertoire read at an offset) on every glyph of the corpus:
//! under it every glyph it covers is decoded at once (garbled neighbours support each
//! other), each glyph is consistent when its reading scores, in all its contexts, no worse
//! than its best screened alternative (minus a small tolerance per occurrence) and is not
//! far rarer than its reading. Runs of consistent glyphs in glyph-ID order are accepted
//! when they gain and, for the first, two of their glyphs voted for the hypothesis; lone
//! glyphs join when they read clearly better.

use super::super::corpus::Corpus;
use super::super::permutation::{self, ContextScorer};
use super::{Hypothesis, Options, plausible};
use crate::lm::Scorer;
use crate::tables::repertoire::Repertoire;

/// Gain (log10, over the glyph's best free readings in the joint decoding) with which a
/// lone glyph outside a hypothesis' runs joins it without being among its own candidates.
const LONE_GLYPH_GAIN: f32 = 1.0;

/// Verifies the hypothesis "the glyphs are `rep` read at `offset`" on every glyph of the
/// corpus (see the module notes): `None` when no run of consistent glyphs is accepted.
pub(super) fn verify<S: Scorer + Sync>(
    scorer: &ContextScorer<'_, S>,
    screened: &[Vec<(char, f32)>],
    fixed: &[Option<char>],
    rep: &'static Repertoire,
    offset: i64,
    votes: f32,
    options: &Options,
) -> Option<Hypothesis> {
    let corpus = scorer.corpus;
    let (dec, reading) = hypothesis_reading(corpus, fixed, rep, offset);
    let status = glyph_status(scorer, screened, fixed, &dec, &reading, options);
    // Runs in glyph order where consistent glyphs dominate.
    let relevant: Vec<usize> = (0..status.len()).filter(|g| status[*g].is_some()).collect();
    let runs = consistent_runs(&status, &relevant, options);
    let in_top = |g: usize, c: char| screened[g].iter().any(|(x, _)| *x == c);
    let accepted_runs = accepted_runs(&runs, &relevant, &status, &in_top, options);
    if accepted_runs.is_empty() {
        return None;
    }
    let mut glyphs = Vec::new();
    let mut gain = 0.0;
    // Lone consistent glyphs elsewhere join if they are among their own top candidates
    // or read clearly better than those in the joint decoding (a font's block can hold a
    // single glyph of a document, e.g. one kanji of a title; 調査 as two adjacent garbled
    // kanji give each other no context when screened alone).
    for &(a, b) in &runs {
        let accepted = accepted_runs.contains(&(a, b));
        for &g in &relevant[a..=b] {
            let Some((c, gn, ok)) = status[g] else {
                continue;
            };
            if ok && (accepted || (in_top(g, c) && gn > 0.0) || gn >= LONE_GLYPH_GAIN) {
                glyphs.push((g, c, gn));
                gain += gn;
            }
        }
    }
    let spans: Vec<(u32, u32)> = accepted_runs
        .iter()
        .map(|&(a, b)| (corpus.gids[relevant[a]], corpus.gids[relevant[b]]))
        .chain(
            glyphs
                .iter()
                .map(|(g, _, _)| (corpus.gids[*g], corpus.gids[*g])),
        )
        .collect();
    // Glyphs that stop the blocks' growth: outside the runs, and either not readable
    // under the hypothesis or clearly contradicted by their contexts.
    let foreign: Vec<usize> = (0..corpus.glyph_count())
        .filter(|g| !glyphs.iter().any(|(x, _, _)| x == g))
        .filter(|g| {
            let gid = corpus.gids[*g];
            !spans.iter().any(|(lo, hi)| (*lo..=*hi).contains(&gid))
        })
        .filter(|g| match status[*g] {
            None => reading[*g].is_none() && fixed[*g].is_none(),
            Some((_, gain, _)) => gain < -5.0 * corpus.counts[*g] as f32,
        })
        .collect();
    let consistent: Vec<(usize, char)> = status
        .iter()
        .enumerate()
        .filter_map(|(g, s)| s.filter(|s| s.2).map(|s| (g, s.0)))
        .collect();
    Some(Hypothesis {
        repertoire: rep.name(),
        offset,
        glyphs,
        consistent,
        foreign,
        gain,
        votes,
    })
}

/// Per glyph: `None` when the hypothesis says nothing of it, else its reading, its gain
/// over the best alternative and whether it is consistent with the hypothesis.
type Status = Option<(char, f32, bool)>;

/// The joint decoding under the hypothesis (fixed glyphs keep their reading, implausible
/// readings left out) and each unfixed glyph's reading under it.
fn hypothesis_reading(
    corpus: &Corpus,
    fixed: &[Option<char>],
    rep: &'static Repertoire,
    offset: i64,
) -> (Vec<Option<char>>, Vec<Option<char>>) {
    let mut dec: Vec<Option<char>> = fixed.to_vec();
    let mut reading: Vec<Option<char>> = vec![None; corpus.glyph_count()];
    for (g, gid) in corpus.gids.iter().enumerate() {
        if fixed[g].is_some() {
            continue;
        }
        let rank = *gid as i64 - offset;
        if rank < 0 || rank > u32::MAX as i64 {
            continue;
        }
        if let Some(c) = rep.at(rank as u32) {
            reading[g] = Some(c);
            if plausible(c) {
                dec[g] = Some(c);
            }
        }
    }
    (dec, reading)
}

/// Each glyph's [`Status`] under the hypothesis, scored in the joint decoding `dec`.
fn glyph_status<S: Scorer + Sync>(
    scorer: &ContextScorer<'_, S>,
    screened: &[Vec<(char, f32)>],
    fixed: &[Option<char>],
    dec: &[Option<char>],
    reading: &[Option<char>],
    options: &Options,
) -> Vec<Status> {
    let corpus = scorer.corpus;
    let ctx = scorer.contexts(dec);
    let mut accounted = corpus.clean_line_counts.clone();
    for (g, c) in fixed.iter().enumerate() {
        if let Some(c) = c {
            *accounted.entry(*c).or_insert(0) += corpus.counts[g];
        }
    }
    let mut status: Vec<Status> = vec![None; corpus.glyph_count()];
    for g in 0..corpus.glyph_count() {
        let Some(c) = reading[g] else { continue };
        if !plausible(c) {
            status[g] = Some((c, f32::NEG_INFINITY, false));
            continue;
        }
        let n = corpus.counts[g] as f32;
        // A glyph far rarer than its reading is not consistent with the hypothesis (a few
        // glyphs of a font ordered by nothing read as の by chance). The other way round
        // is allowed: documents have topical words the model finds rare. Occurrences of
        // the reading already accounted for (in clean lines, or by other glyphs read so)
        // do not count: a title font's す is rare because the body font prints the others.
        // Clean tokens of dirty lines do count: there a partial ToUnicode left them clean,
        // and a shuffled font's rare glyphs must not read as them.
        let expected = (permutation::expected_count(scorer.fast, corpus.total_chars, c)
            - accounted.get(&c).copied().unwrap_or(0) as f32)
            .max(0.0);
        if permutation::too_frequent(n, expected, options.frequency_ratio) {
            status[g] = Some((c, f32::NEG_INFINITY, false));
            continue;
        }
        let s = ctx.total(scorer.lm, g, c, options.max_windows);
        // The best alternative among the glyph's own screened candidates, in the same
        // joint context.
        let alt = screened[g]
            .iter()
            // Fullwidth and ASCII forms score alike (the LM folds them); not an alternative.
            .filter(|(x, _)| crate::lm::fold_char(*x) != crate::lm::fold_char(c))
            .take(4)
            .map(|&(x, _)| ctx.total(scorer.lm, g, x, options.max_windows))
            .fold(f32::NEG_INFINITY, f32::max);
        let gain = if alt.is_finite() { s - alt } else { 0.0 };
        let ok = gain >= -options.tolerance_per_occurrence * n;
        status[g] = Some((c, gain, ok));
    }
    status
}

/// Runs (inclusive index ranges into `relevant`, the glyphs with a status) where
/// consistent glyphs dominate: each starts at a consistent glyph and ends at the last
/// consistent one before their share falls under the minimum for two glyphs.
fn consistent_runs(
    status: &[Status],
    relevant: &[usize],
    options: &Options,
) -> Vec<(usize, usize)> {
    let ok = |k: usize| status[relevant[k]].is_some_and(|s| s.2);
    let mut runs: Vec<(usize, usize)> = Vec::new(); // indices into `relevant`, inclusive
    let mut i = 0;
    while i < relevant.len() {
        if !ok(i) {
            i += 1;
            continue;
        }
        let (mut good, mut total) = (1usize, 1usize);
        let mut last_good = i;
        let mut k = i + 1;
        while k < relevant.len() {
            total += 1;
            if ok(k) {
                good += 1;
                last_good = k;
            }
            if (good as f32) < options.min_run_share * total as f32 && k - last_good >= 2 {
                break;
            }
            k += 1;
        }
        runs.push((i, last_good));
        i = last_good + 1;
    }
    runs
}

/// The runs accepted; empty when none has two voting glyphs.
fn accepted_runs(
    runs: &[(usize, usize)],
    relevant: &[usize],
    status: &[Status],
    in_top: &dyn Fn(usize, char) -> bool,
    options: &Options,
) -> Vec<(usize, usize)> {
    // A run is accepted when its glyphs read consistently and it gains; the first runs
    // also need two glyphs whose screened candidates voted for the hypothesis, further runs
    // of an accepted hypothesis do not (a font's block is one block).
    let mut accepted_runs: Vec<(usize, usize)> = Vec::new();
    let mut secondary: Vec<(usize, usize)> = Vec::new();
    for &(a, b) in runs {
        let good: Vec<usize> = (a..=b)
            .map(|k| relevant[k])
            .filter(|g| status[*g].is_some_and(|s| s.2))
            .collect();
        let voters = good
            .iter()
            .filter(|g| status[**g].is_some_and(|s| in_top(**g, s.0)))
            .count();
        let gain: f32 = good.iter().filter_map(|g| status[*g].map(|s| s.1)).sum();
        let share = good.len() as f32 / (b - a + 1) as f32;
        if good.len() >= 2 && share >= options.min_run_share && gain > 0.0 {
            if voters >= 2 {
                accepted_runs.push((a, b));
            } else {
                secondary.push((a, b));
            }
        }
    }
    if !accepted_runs.is_empty() {
        accepted_runs.extend(secondary);
        accepted_runs.sort_unstable();
    }
    accepted_runs
}
