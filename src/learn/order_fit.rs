//! Repertoire-order search: find block offsets from the context guesses alone.
//!
//! Every glyph's best candidates (from [`super::permutation`]) vote, for each repertoire
//! order (`unicode`, `cp932`, `cp932+jisx0213`), for the offset `gid − rank(c)` that would
//! make the candidate right. A true block offset collects votes from many glyphs; a wrong
//! one only by chance (a handful of candidates among thousands of characters). The
//! strongest offsets are then *verified* on every glyph of the corpus: a glyph is
//! consistent with the hypothesis when reading it through the offset scores, in all its
//! contexts, no worse than the best free guess (minus a small tolerance per occurrence).
//! Consistent glyphs form runs in glyph-ID order (a font's block); runs where the
//! hypothesis dominates become anchors, and [`super::anchors::fit`] turns them into block
//! rules grown to their script block, stopped by glyphs the hypothesis does not explain.
//!
//! Several fonts may share a glyph-ID range (font C's kanji lie amid font A's): a
//! hypothesis is verified run by run, so two fonts' hypotheses can both be accepted; the
//! caller puts overlapping blocks into separate tables.

use super::anchors::{self, Anchor};
use super::corpus::Corpus;
use super::permutation::{ContextScorer, GlyphGuess};
use crate::lm::Scorer;
use crate::tables::repertoire::{self, Repertoire};
use crate::tables::{Rule, RuleKind};
use std::collections::HashMap;

/// Knobs of the search.
#[derive(Debug, Clone)]
pub struct Options {
    /// Hypotheses verified at most.
    pub max_hypotheses: usize,
    /// Minimum distinct glyphs voting for an offset before it is verified.
    pub min_voters: usize,
    /// A glyph is consistent if its reading under the hypothesis scores at least the best
    /// free guess minus this, per occurrence (log10).
    pub tolerance_per_occurrence: f32,
    /// Share of consistent glyphs a run needs.
    pub min_run_share: f32,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_hypotheses: 40,
            min_voters: 2,
            tolerance_per_occurrence: 1.0,
            min_run_share: 0.7,
        }
    }
}

/// An accepted order hypothesis with the glyphs it explains.
#[derive(Debug, Clone)]
pub struct Hypothesis {
    pub repertoire: &'static str,
    pub offset: i64,
    /// Glyph indices it explains (consistent and inside an accepted run), with their chars.
    pub glyphs: Vec<(usize, char)>,
    /// Glyph indices in the corpus it does not explain, outside its runs.
    pub foreign: Vec<usize>,
    /// Total score gain over the free guesses on the explained glyphs (log10).
    pub gain: f32,
    /// Sum of vote weights.
    pub votes: f32,
}

/// Whether `c` is something a garbled glyph may decode to (not itself garbage).
fn plausible(c: char) -> bool {
    !crate::detect::classify(c).is_strong() && !c.is_control()
}

/// Finds and verifies order hypotheses. `dec` is the decoding used as context (confident
/// guesses); `guesses` the solver's per-glyph verdicts.
pub fn find<S: Scorer + Sync>(
    scorer: &ContextScorer<'_, S>,
    guesses: &[GlyphGuess],
    dec: &[Option<char>],
    options: &Options,
) -> Vec<Hypothesis> {
    use rayon::prelude::*;
    let corpus = scorer.corpus;
    let reps: Vec<&'static Repertoire> = repertoire::NAMES
        .iter()
        .filter_map(|n| Repertoire::by_name(n).ok())
        .collect();
    // Votes: (repertoire index, offset) → (weight, voters).
    let mut votes: HashMap<(usize, i64), (f32, Vec<usize>)> = HashMap::new();
    for (g, guess) in guesses.iter().enumerate() {
        let Some(&(_, best)) = guess.candidates.first() else {
            continue;
        };
        let z: f32 = guess
            .candidates
            .iter()
            .map(|(_, s)| 10f32.powf(s - best))
            .sum();
        for &(c, s) in &guess.candidates {
            let w = 10f32.powf(s - best) / z;
            if w < 0.02 {
                continue;
            }
            for (ri, rep) in reps.iter().enumerate() {
                if let Some(r) = rep.rank(c) {
                    let e = votes
                        .entry((ri, corpus.gids[g] as i64 - r as i64))
                        .or_insert((0.0, Vec::new()));
                    e.0 += w;
                    if e.1.last() != Some(&g) {
                        e.1.push(g);
                    }
                }
            }
        }
    }
    let mut cands: Vec<((usize, i64), f32, usize)> = votes
        .into_iter()
        .filter(|(_, (_, v))| v.len() >= options.min_voters)
        .map(|(k, (w, v))| (k, w, v.len()))
        .collect();
    // Strongest first; ties go to the simpler repertoire, then the smaller offset.
    cands.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    cands.truncate(options.max_hypotheses);
    let verified: Vec<Option<Hypothesis>> = cands
        .par_iter()
        .map(|&((ri, offset), w, _)| verify(scorer, guesses, dec, reps[ri], offset, w, options))
        .collect();
    let mut out: Vec<Hypothesis> = verified.into_iter().flatten().collect();
    // A glyph explained by two hypotheses goes to the stronger (higher gain) one.
    out.sort_by(|a, b| b.gain.total_cmp(&a.gain).then(a.offset.cmp(&b.offset)));
    let mut claimed = vec![false; corpus.glyph_count()];
    let mut kept = Vec::new();
    for mut h in out {
        h.glyphs.retain(|(g, _)| !claimed[*g]);
        if h.glyphs.len() < 2 {
            continue;
        }
        for (g, _) in &h.glyphs {
            claimed[*g] = true;
        }
        kept.push(h);
    }
    kept
}

fn verify<S: Scorer + Sync>(
    scorer: &ContextScorer<'_, S>,
    guesses: &[GlyphGuess],
    dec: &[Option<char>],
    rep: &'static Repertoire,
    offset: i64,
    votes: f32,
    options: &Options,
) -> Option<Hypothesis> {
    let corpus = scorer.corpus;
    // Per glyph: None = the hypothesis says nothing (no member at that rank); Some(gain).
    let mut status: Vec<Option<(char, f32, bool)>> = vec![None; corpus.glyph_count()];
    for (g, gid) in corpus.gids.iter().enumerate() {
        let rank = *gid as i64 - offset;
        if rank < 0 || rank > u32::MAX as i64 {
            continue;
        }
        let Some(c) = rep.at(rank as u32) else {
            continue;
        };
        let occ = &corpus.occurrences[g];
        let n = occ.len() as f32;
        if !plausible(c) {
            status[g] = Some((c, f32::NEG_INFINITY, false));
            continue;
        }
        let guess = &guesses[g];
        let (best_c, best_s) = guess.candidates.first().copied().unwrap_or(('\0', 0.0));
        let mut ctx = dec.to_vec();
        ctx[g] = None;
        let s = if best_c == c {
            best_s
        } else {
            scorer.total(g as u32, c, occ, &ctx)
        };
        let base = if best_c == '\0' {
            s
        } else if best_c == c {
            best_s
        } else {
            scorer.total(g as u32, best_c, occ, &ctx)
        };
        let gain = s - base;
        let in_top = guess.candidates.iter().any(|(x, _)| *x == c);
        let ok = gain >= -options.tolerance_per_occurrence * n;
        status[g] = Some((c, gain, ok && (in_top || n >= 2.0 || gain >= 0.0)));
    }
    // Runs in glyph order where consistent glyphs dominate.
    let relevant: Vec<usize> = (0..status.len()).filter(|g| status[*g].is_some()).collect();
    let mut glyphs = Vec::new();
    let mut gain = 0.0;
    let mut runs: Vec<(usize, usize)> = Vec::new(); // indices into `relevant`, inclusive
    let mut i = 0;
    while i < relevant.len() {
        let ok = |k: usize| status[relevant[k]].is_some_and(|s| s.2);
        if !ok(i) {
            i += 1;
            continue;
        }
        // Grow while the share of consistent glyphs stays high.
        let (mut j, mut good, mut total) = (i, 1usize, 1usize);
        let mut k = i + 1;
        let mut last_good = i;
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
        j = j.max(last_good);
        let good_in: usize = (i..=j).filter(|&x| ok(x)).count();
        runs.push((i, j));
        let _ = good_in;
        i = j + 1;
    }
    let in_top = |g: usize, c: char| guesses[g].candidates.iter().any(|(x, _)| *x == c);
    let mut accepted_runs: Vec<(usize, usize)> = Vec::new();
    for &(a, b) in &runs {
        let good: Vec<usize> = (a..=b)
            .map(|k| relevant[k])
            .filter(|g| status[*g].is_some_and(|s| s.2))
            .collect();
        let voters = good
            .iter()
            .filter(|g| status[**g].is_some_and(|s| in_top(**g, s.0)))
            .count();
        let share = good.len() as f32 / (b - a + 1) as f32;
        if voters >= 2 && good.len() >= 2 && share >= options.min_run_share {
            accepted_runs.push((a, b));
        }
    }
    if accepted_runs.is_empty() {
        return None;
    }
    // Lone consistent glyphs elsewhere join if they are among their own top candidates
    // (a font's block can hold a single glyph of a document, e.g. one kanji of a title).
    for &(a, b) in &runs {
        let accepted = accepted_runs.contains(&(a, b));
        for k in a..=b {
            let g = relevant[k];
            let Some((c, gn, ok)) = status[g] else {
                continue;
            };
            if ok && (accepted || (b == a && in_top(g, c) && gn >= 0.0)) {
                glyphs.push((g, c));
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
                .map(|(g, _)| (corpus.gids[*g], corpus.gids[*g])),
        )
        .collect();
    let foreign: Vec<usize> = (0..corpus.glyph_count())
        .filter(|g| !glyphs.iter().any(|(x, _)| x == g))
        .filter(|g| {
            let gid = corpus.gids[*g];
            !spans.iter().any(|(lo, hi)| (*lo..=*hi).contains(&gid))
        })
        .collect();
    Some(Hypothesis {
        repertoire: rep.name(),
        offset,
        glyphs,
        foreign,
        gain,
        votes,
    })
}

/// Block (and glyph) rules of an accepted hypothesis, through the anchor fitter: its
/// glyphs are anchors; glyphs it does not explain stop the blocks' growth.
pub fn rules(h: &Hypothesis, corpus: &Corpus, confidence_of: impl Fn(usize) -> f32) -> Vec<Rule> {
    let mut anchors: Vec<Anchor> = h
        .glyphs
        .iter()
        .map(|&(g, c)| Anchor {
            gid: corpus.gids[g],
            ch: c,
            confidence: confidence_of(g),
            evidence: format!(
                "{} order {} consistent in {} context(s)",
                h.repertoire,
                crate::tables::format::format_offset(h.offset),
                corpus.counts[g]
            ),
        })
        .collect();
    let own: Vec<u32> = anchors.iter().map(|a| a.gid).collect();
    // Foreign glyphs as anchors of a character no block holds: they only block growth.
    anchors.extend(h.foreign.iter().map(|&g| Anchor {
        gid: corpus.gids[g],
        ch: '\u{E000}',
        confidence: 0.0,
        evidence: String::new(),
    }));
    anchors::fit(&anchors)
        .into_iter()
        .filter(|r| match r.kind {
            RuleKind::Block { .. } => true,
            RuleKind::Glyph { gid, .. } => own.contains(&gid),
        })
        .map(|mut r| {
            r.source = "decipher".into();
            r.evidence = format!(
                "{} (order hypothesis {} {} explains {} glyphs, vote weight {:.1}, gain {:+.1})",
                r.evidence,
                h.repertoire,
                crate::tables::format::format_offset(h.offset),
                h.glyphs.len(),
                h.votes,
                h.gain
            );
            r
        })
        .collect()
}
