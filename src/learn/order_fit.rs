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
use super::permutation::ContextScorer;
use crate::lm::Scorer;
use crate::tables::repertoire::{self, Repertoire};
use crate::tables::{Rule, RuleKind};
use std::collections::HashMap;

mod verify;

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
    /// Candidates per glyph that vote.
    pub screen_k: usize,
    /// Minimum gain per explained glyph (log10) for a hypothesis to be accepted.
    pub min_gain_per_glyph: f32,
    /// Distinct context windows per glyph scored at most in verification (scaled to all
    /// occurrences).
    pub max_windows: usize,
    /// Frequency compatibility of a glyph and its reading
    /// (see [`super::permutation::frequency_compatible`]).
    pub frequency_ratio: f32,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_hypotheses: 200,
            min_voters: 2,
            tolerance_per_occurrence: 0.7,
            min_run_share: 0.7,
            screen_k: 48,
            min_gain_per_glyph: 2.0,
            max_windows: 1000,
            frequency_ratio: 20.0,
        }
    }
}

/// An accepted order hypothesis with the glyphs it explains.
#[derive(Debug, Clone)]
pub struct Hypothesis {
    /// Name of the repertoire order (`unicode`, `cp932`, …).
    pub repertoire: &'static str,
    /// Glyph ID minus the character's rank in the repertoire.
    pub offset: i64,
    /// Glyph indices it explains (consistent and inside an accepted run), with their chars
    /// and their gain over the best alternative (log10).
    pub glyphs: Vec<(usize, char, f32)>,
    /// Every glyph consistent with it (also outside accepted runs).
    pub consistent: Vec<(usize, char)>,
    /// Glyph indices in the corpus it does not explain, outside its runs.
    pub foreign: Vec<usize>,
    /// Total score gain over the free guesses on the explained glyphs (log10).
    pub gain: f32,
    /// Sum of vote weights.
    pub votes: f32,
}

/// Vote weight of a seed character (a screened candidate's is 1 down to ~0.14); seeds
/// vote apart from screened candidates.
const SEED_WEIGHT: f32 = 0.1;

/// Whether `c` is something a garbled glyph may decode to (not itself garbage).
fn plausible(c: char) -> bool {
    !crate::detect::classify(c).is_strong() && !c.is_control()
}

/// Finds and verifies order hypotheses. `screened[g]` are glyph `g`'s best candidates by
/// context alone (they vote); `fixed` glyphs are already known and serve as context.
/// Hypotheses are verified jointly: under a hypothesis every glyph it covers is decoded at
/// once, so garbled neighbours (支援 as two garbled kanji) support each other.
pub fn find<S: Scorer + Sync>(
    scorer: &ContextScorer<'_, S>,
    screened: &[Vec<(char, f32)>],
    fixed: &[Option<char>],
    options: &Options,
) -> Vec<Hypothesis> {
    find_seeded(scorer, screened, fixed, &[], options)
}

/// Characters that come in small Unicode-ordered blocks of their own, which a font lays
/// out in order but whose glyphs context alone rarely names: adjacent unknown glyphs
/// (`ＮＰＯ`, `モデル` in a title font) give each other no context, and a heading number
/// reads like any digit. Used by the small-block round.
pub fn small_block_seeds() -> Vec<char> {
    let ranges: &[(u32, u32)] = &[
        (0x2160, 0x216B), // Ⅰ..Ⅻ
        (0x2170, 0x217B), // ⅰ..ⅻ
        (0x2460, 0x249B), // ①..⑳, ⑴..⒇, ⒈..⒛
        (0x25A0, 0x25CF), // ■□ … ○◎●
        (0x2776, 0x277F), // ❶..❿
        (0x3001, 0x3003), // 、。〃
        (0x3005, 0x3015), // 々〆〇 and the brackets
        (0x3041, 0x3096), // hiragana
        (0x30A1, 0x30FC), // katakana
        (0xFF01, 0xFF5E), // fullwidth forms
    ];
    ranges
        .iter()
        .flat_map(|&(a, b)| (a..=b).filter_map(char::from_u32))
        .collect()
}

/// [`find`] where every glyph also votes, with a small weight, for each of `seeds` (see
/// [`small_block_seeds`]): the joint verification then decides.
pub fn find_seeded<S: Scorer + Sync>(
    scorer: &ContextScorer<'_, S>,
    screened: &[Vec<(char, f32)>],
    fixed: &[Option<char>],
    seeds: &[char],
    options: &Options,
) -> Vec<Hypothesis> {
    use rayon::prelude::*;
    let reps: Vec<&'static Repertoire> = repertoire::NAMES
        .iter()
        .filter_map(|n| Repertoire::by_name(n).ok())
        .collect();
    let (votes, seed_votes) = offset_votes(scorer.corpus, &reps, screened, fixed, seeds);
    // Seeded votes make `screened` lists longer for verification (a seed is a candidate).
    let augmented: Vec<Vec<(char, f32)>>;
    let screened = if seeds.is_empty() {
        screened
    } else {
        augmented = screened
            .iter()
            .map(|l| {
                let mut l = l.clone();
                l.extend(seeds.iter().map(|&c| (c, f32::NEG_INFINITY)));
                l
            })
            .collect();
        &augmented
    };
    let cands = candidates(votes, seed_votes, options);
    let mut fixed = fixed.to_vec();
    let mut kept: Vec<Hypothesis> = Vec::new();
    // Two batches: the second is verified with the first batch's accepted glyphs as context.
    let mut remaining = cands;
    for _batch in 0..2 {
        let verified: Vec<Option<Hypothesis>> = remaining
            .par_iter()
            .map(|&((ri, offset), w, _)| {
                verify::verify(scorer, screened, &fixed, reps[ri], offset, w, options)
            })
            .collect();
        let out: Vec<Hypothesis> = verified.into_iter().flatten().collect();
        let accepted = accept_batch(out, scorer.corpus.glyph_count(), &mut fixed, options);
        for h in &accepted {
            remaining.retain(|x| !(reps[x.0.0].name() == h.repertoire && x.0.1 == h.offset));
        }
        // Glyphs claimed by an accepted hypothesis are no longer foreign to the others.
        let accepted_any = !accepted.is_empty();
        kept.extend(accepted);
        if !accepted_any {
            break;
        }
    }
    kept
}

/// Votes: (repertoire index, offset) → (weight, voters).
type Votes = HashMap<(usize, i64), (f32, Vec<usize>)>;

/// An offset to verify: (repertoire index, offset), vote weight, voters.
type Candidate = ((usize, i64), f32, usize);

/// The votes of the unfixed glyphs' screened candidates, and apart those of `seeds`. A
/// candidate's vote weighs less the lower it ranks; each glyph votes at most once per
/// offset. Seeds vote apart, so that their many chance offsets do not crowd out the
/// screened ones.
fn offset_votes(
    corpus: &Corpus,
    reps: &[&'static Repertoire],
    screened: &[Vec<(char, f32)>],
    fixed: &[Option<char>],
    seeds: &[char],
) -> (Votes, Votes) {
    let mut votes: Votes = HashMap::new();
    let mut seed_votes: Votes = HashMap::new();
    let vote = |map: &mut Votes, g: usize, c: char, w: f32| {
        for (ri, rep) in reps.iter().enumerate() {
            if let Some(r) = rep.rank(c) {
                let e = map
                    .entry((ri, corpus.gids[g] as i64 - r as i64))
                    .or_insert((0.0, Vec::new()));
                if e.1.last() != Some(&g) {
                    e.0 += w;
                    e.1.push(g);
                }
            }
        }
    };
    for (g, cands) in screened.iter().enumerate() {
        if fixed.get(g).copied().flatten().is_some() {
            continue;
        }
        for (i, &(c, _)) in cands.iter().enumerate() {
            vote(&mut votes, g, c, 1.0 / (1.0 + i as f32 / 8.0));
        }
        for &c in seeds {
            vote(&mut seed_votes, g, c, SEED_WEIGHT);
        }
    }
    (votes, seed_votes)
}

/// The offsets to verify: the strongest voted ones, then seeded ones on a budget of their
/// own.
fn candidates(votes: Votes, seed_votes: Votes, options: &Options) -> Vec<Candidate> {
    let mut cands: Vec<Candidate> = votes
        .into_iter()
        .filter(|(_, (_, v))| v.len() >= options.min_voters)
        .map(|(k, (w, v))| (k, w, v.len()))
        .collect();
    // Strongest first; ties go to the simpler repertoire, then the smaller offset.
    cands.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    cands.truncate(options.max_hypotheses);
    // Seeded offsets: most voters first, a budget of their own.
    let mut seeded: Vec<Candidate> = seed_votes
        .into_iter()
        .filter(|(k, (_, v))| v.len() >= 2 && !cands.iter().any(|c| c.0 == *k))
        .map(|(k, (w, v))| (k, w, v.len()))
        .collect();
    seeded.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
    seeded.truncate(options.max_hypotheses / 2);
    cands.extend(seeded);
    cands
}

/// The verified hypotheses of one batch that are accepted, strongest first, each keeping
/// the unfixed glyphs it gains most on (of the corpus's `glyph_count`); their glyphs are
/// fixed.
fn accept_batch(
    mut out: Vec<Hypothesis>,
    glyph_count: usize,
    fixed: &mut [Option<char>],
    options: &Options,
) -> Vec<Hypothesis> {
    out.sort_by(|a, b| {
        b.gain
            .total_cmp(&a.gain)
            .then(a.offset.cmp(&b.offset))
            .then(a.repertoire.cmp(b.repertoire))
    });
    // A glyph explained by several hypotheses goes to the one under which it gains most
    // (katakana under hiragana's offset can pass alone, but its own offset fits better).
    let mut owner: Vec<Option<(usize, f32)>> = vec![None; glyph_count];
    for (hi, h) in out.iter().enumerate() {
        for &(g, _, gain) in &h.glyphs {
            if owner[g].is_none_or(|o| gain > o.1) {
                owner[g] = Some((hi, gain));
            }
        }
    }
    let mut accepted = Vec::new();
    for (hi, mut h) in out.into_iter().enumerate() {
        h.glyphs
            .retain(|(g, _, _)| fixed[*g].is_none() && owner[*g].is_some_and(|o| o.0 == hi));
        let gain: f32 = h.glyphs.iter().map(|x| x.2).sum();
        // Weak hypotheses (little gain per glyph) explain too little to be trusted. An
        // own-order repertoire (JIS row-cell, Adobe-Japan1) needs a third glyph: two
        // glyphs of a shuffled font agree with one of its many offsets by chance (its
        // neighbours are related characters: JIS level 1 is sorted by reading).
        let min_glyphs = match Repertoire::by_name(h.repertoire) {
            Ok(r) if !r.is_code_point_order() => 3,
            _ => 2,
        };
        if h.glyphs.len() < min_glyphs || gain < options.min_gain_per_glyph * h.glyphs.len() as f32
        {
            continue;
        }
        for &(g, c, _) in &h.glyphs {
            fixed[g] = Some(c);
        }
        h.gain = h.glyphs.iter().map(|x| x.2).sum();
        accepted.push(h);
    }
    accepted
}

/// Block (and glyph) rules of an accepted hypothesis, through the anchor fitter: its
/// glyphs are anchors; glyphs it does not explain stop the blocks' growth.
pub fn rules(h: &Hypothesis, corpus: &Corpus, confidence_of: impl Fn(usize) -> f32) -> Vec<Rule> {
    let anchors: Vec<Anchor> = h
        .glyphs
        .iter()
        .map(|&(g, c, _)| Anchor {
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
    let foreign: Vec<u32> = h.foreign.iter().map(|&g| corpus.gids[g]).collect();
    let out: Vec<Rule> = anchors::fit(&anchors)
        .into_iter()
        .filter(|r| match r.kind {
            RuleKind::Block { .. } => true,
            RuleKind::Glyph { gid, .. } => own.contains(&gid),
        })
        .filter(|r| {
            // A block needs two of the hypothesis' own glyphs (the fitter may otherwise
            // extend a neighbour's offset to a lone glyph of another script block).
            let Some((lo, hi)) = r.gid_range() else {
                return false;
            };
            matches!(r.kind, RuleKind::Glyph { .. })
                || own.iter().filter(|g| (lo..=hi).contains(*g)).count() >= 2
        })
        .filter_map(|r| clip(r, &own, &foreign))
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
        .collect();
    out
}

/// Clips a block so that it holds no foreign glyph outside the span of its own anchors:
/// growth toward a script block's bounds stops at the first glyph the hypothesis does not
/// explain. Glyph rules pass unchanged.
fn clip(rule: Rule, own: &[u32], foreign: &[u32]) -> Option<Rule> {
    let RuleKind::Block {
        repertoire,
        offset,
        first,
        last,
    } = rule.kind
    else {
        return Some(rule);
    };
    let (lo, hi) = rule.gid_range()?;
    let inside: Vec<u32> = own
        .iter()
        .copied()
        .filter(|g| (lo..=hi).contains(g))
        .collect();
    let (amin, amax) = (*inside.iter().min()?, *inside.iter().max()?);
    let below = foreign
        .iter()
        .copied()
        .filter(|&g| g >= lo && g < amin)
        .max();
    let above = foreign
        .iter()
        .copied()
        .filter(|&g| g <= hi && g > amax)
        .min();
    let rep = Repertoire::by_name(repertoire).ok()?;
    // In ranks, so that own-order repertoires clip in their order, not by code point.
    let (blo, bhi) = rep.rank_range(first, last)?;
    let char_at = |rank: i64| -> Option<char> {
        let rank = u32::try_from(rank).ok()?;
        if rep.name() == "unicode" {
            char::from_u32(rank)
        } else {
            rep.at(rank)
        }
    };
    let lo = below.map_or(blo as i64, |b| (b as i64 + 1 - offset).max(blo as i64));
    let hi = above.map_or(bhi as i64, |a| (a as i64 - 1 - offset).min(bhi as i64));
    if lo > hi {
        return None;
    }
    let new_first = if below.is_some() { char_at(lo)? } else { first };
    let new_last = if above.is_some() { char_at(hi)? } else { last };
    let note = if (new_first, new_last) != (first, last) {
        format!(
            " (clipped to U+{:04X}..U+{:04X}: neighbouring glyphs read otherwise)",
            new_first as u32, new_last as u32
        )
    } else {
        String::new()
    };
    rule.with_chars(new_first, new_last, &note)
}
