//! Learning mapping tables from garbled text alone (decipherment).
//!
//! 1. The dirty lines (those with strong evidence of garbling) become a [`Corpus`]; lines an
//!    extractor must have reordered (bidi) are taken in a verified logical order.
//! 2. [`permutation`] guesses every glyph's character from its contexts (one-to-one).
//! 3. [`order_fit`] finds repertoire-order offsets the guesses vote for and verifies them
//!    on every glyph; accepted hypotheses become block rules through the anchor fitter.
//!    Once an order fitted, small blocks whose glyphs context alone does not name (ＮＰＯ as
//!    three adjacent garbled glyphs, a title font's few kana) are searched with seed
//!    characters voting too ([`order_fit::small_block_seeds`]).
//! 4. The glyphs no block explains are guessed again with the block-decoded glyphs as
//!    context and written as `glyph` rules with their confidence (< 0.5 = in doubt, which
//!    `repair` does not apply by default).
//! 5. Each dirty line's logical order is re-chosen with the learned decoding and, if any
//!    changed, steps 1–4 run again.
//!
//! Output: tables whose rules are disjoint in glyph ID within each table. Blocks of
//! different fonts that overlap in glyph ID go to separate tables (`NAME`, `NAME-2`, …);
//! `repair` picks per line.
//!
//! Deterministic: the same sources in the same order give the same tables.

use super::corpus::Corpus;
use super::order_fit::{self, Hypothesis};
use super::permutation::{self, GlyphGuess, Solver, Vocab};
use crate::error::Result;
use crate::lm::{AdaptiveLm, CharLm, Scorer};
use crate::repair::bidi;
use crate::tables::{FontTable, Rule, RuleKind};

mod measure;
mod model;
mod one_font;
pub use measure::{decoded_share, guesses};
#[cfg(test)]
mod tests;

/// Knobs of the whole learning run.
#[derive(Debug, Clone)]
pub struct Options {
    /// Knobs of the one-to-one context solver.
    pub solver: permutation::Options,
    /// Knobs of the repertoire-order search.
    pub order: order_fit::Options,
    /// Characters considered as readings of a glyph.
    pub vocab_size: usize,
    /// Try repertoire orders (off: pure one-to-one assignment).
    pub order_fit: bool,
    /// Rounds of re-choosing bidi orders with the learned decoding.
    pub bidi_rounds: usize,
    /// Adapt the LM to the sources' clean lines.
    pub adapt: bool,
    /// The small-block round runs when at most this many glyphs are left unexplained
    /// (it verifies a hypothesis per seed offset; a shuffled font leaves thousands).
    pub small_block_max_glyphs: usize,
    /// The sources are one font's glyph sequences (a PDF font's, `ingest::selflearn`), not
    /// several fonts' whose glyph IDs may overlap. A font draws a character with one glyph of
    /// its ordered part, so a later order hypothesis that puts a character an earlier
    /// (stronger) one already placed at another glyph ID reads another order into the font:
    /// its glyphs and blocks that do so are dropped (see the `one_font` module).
    pub one_font: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            solver: permutation::Options::default(),
            order: order_fit::Options::default(),
            vocab_size: 4000,
            order_fit: true,
            bidi_rounds: 1,
            adapt: true,
            small_block_max_glyphs: 200,
            one_font: false,
        }
    }
}

/// One learning source: a name (for reports) and its text.
#[derive(Debug, Clone)]
pub struct Source {
    /// Name of the source, for reports.
    pub name: String,
    /// The source's (garbled) text.
    pub text: String,
}

/// What was learned, with the figures the report needs.
#[derive(Debug, Clone)]
pub struct Learned {
    /// The learned tables (`NAME`, then `NAME-2`, … for fonts overlapping in glyph ID).
    pub tables: Vec<FontTable>,
    /// Per glyph ID: the final reading and its confidence.
    pub readings: Vec<(u32, char, f32)>,
    /// Distinct garbled glyphs in the corpus.
    pub glyphs: usize,
    /// Garbled tokens (glyph occurrences) in the corpus.
    pub garbled_tokens: u64,
    /// Garbled tokens whose glyph has a reading of confidence ≥ 0.5.
    pub covered_tokens: u64,
    /// One line per accepted order hypothesis (repertoire, offset, glyphs, votes, gain),
    /// for the report.
    pub hypotheses: Vec<String>,
    /// Dirty lines whose chosen logical order is not the extracted one.
    pub lines_reordered: usize,
    /// Per glyph ID an accepted order hypothesis explains by its own contexts: how many
    /// glyphs that hypothesis explains (sorted by glyph ID). A reading one glyph order
    /// verifies over hundreds of glyphs is stronger evidence than one a three-glyph block
    /// or the glyph's contexts alone give; glyphs only inside a block's range are absent.
    pub support: Vec<(u32, u32)>,
}

impl Learned {
    /// gid → (char, confidence) lookup.
    pub fn reading(&self, gid: u32) -> Option<(char, f32)> {
        self.readings
            .binary_search_by_key(&gid, |r| r.0)
            .ok()
            .map(|i| (self.readings[i].1, self.readings[i].2))
    }

    /// Glyphs of the order hypothesis that verified `gid` (0: none did).
    pub fn support(&self, gid: u32) -> u32 {
        self.support
            .binary_search_by_key(&gid, |r| r.0)
            .map_or(0, |i| self.support[i].1)
    }
}

/// Learns tables named `name` (and `name-2`, … if fonts overlap) from garbled sources.
pub fn learn(name: &str, sources: &[Source], lm: &CharLm, options: &Options) -> Result<Learned> {
    let vocab = Vocab::from_lm(lm, options.vocab_size);
    // Split every source into lines once; bidi candidates per dirty line.
    let texts: Vec<Vec<Vec<char>>> = sources
        .iter()
        .map(|s| {
            s.text
                .split('\n')
                .map(|l| l.strip_suffix('\r').unwrap_or(l).chars().collect())
                .collect()
        })
        .collect();
    let candidates: Vec<Vec<Vec<bidi::Candidate>>> = texts
        .iter()
        .map(|lines| {
            lines
                .iter()
                .map(|l| {
                    if l.iter().any(|c| super::corpus::is_garbled(*c)) {
                        bidi::candidates(l)
                    } else {
                        Vec::new()
                    }
                })
                .collect()
        })
        .collect();
    // First pass: the identity, unless no bidi-aware extractor could have printed the line
    // as it is; then the first verified inverse.
    let mut choice: Vec<Vec<usize>> = candidates
        .iter()
        .map(|src| {
            src.iter()
                .map(|c| match c.first() {
                    Some(id) if id.prior < 0.0 && c.len() > 1 => 1,
                    _ => 0,
                })
                .collect()
        })
        .collect();
    let mut learned = None;
    for round in 0..=options.bidi_rounds {
        let corpus = build_corpus(&texts, &candidates, &choice);
        let result = learn_corpus(name, &corpus, lm, &vocab, options)?;
        let mut changed = 0;
        if round < options.bidi_rounds {
            let mut adaptive = AdaptiveLm::new(lm);
            if options.adapt {
                adaptive.observe(&corpus.clean_text);
            }
            for (s, src) in candidates.iter().enumerate() {
                for (l, cands) in src.iter().enumerate() {
                    if cands.len() < 2 {
                        continue;
                    }
                    let line = &texts[s][l];
                    let best = best_order(line, cands, &result, &adaptive);
                    if best != choice[s][l] {
                        choice[s][l] = best;
                        changed += 1;
                    }
                }
            }
        }
        let mut result = result;
        result.lines_reordered = choice.iter().flatten().filter(|&&c| c != 0).count();
        learned = Some(result);
        if changed == 0 {
            break;
        }
    }
    learned.ok_or_else(|| crate::Error::Other("nothing learned".into()))
}

/// The candidate order under which the learned decoding reads best.
fn best_order(
    line: &[char],
    cands: &[bidi::Candidate],
    learned: &Learned,
    lm: &dyn Scorer,
) -> usize {
    let mut best = (f32::NEG_INFINITY, 0);
    for (i, cand) in cands.iter().enumerate() {
        let seq: Vec<char> = cand
            .order
            .iter()
            .filter_map(|&k| line.get(k))
            .map(|&c| {
                if super::corpus::is_garbled(c) {
                    learned
                        .reading(c as u32)
                        .filter(|r| r.1 >= 0.5)
                        .map_or(c, |r| r.0)
                } else {
                    c
                }
            })
            .collect();
        let s = lm.score_text(&seq) + cand.prior;
        if s > best.0 {
            best = (s, i);
        }
    }
    best.1
}

fn build_corpus(
    texts: &[Vec<Vec<char>>],
    candidates: &[Vec<Vec<bidi::Candidate>>],
    choice: &[Vec<usize>],
) -> Corpus {
    Corpus::build(texts.iter().enumerate().map(|(s, lines)| {
        let logical: Vec<Vec<char>> = lines
            .iter()
            .enumerate()
            .map(|(l, line)| match candidates[s][l].get(choice[s][l]) {
                Some(c) if choice[s][l] != 0 => c
                    .order
                    .iter()
                    .filter_map(|&k| line.get(k))
                    .copied()
                    .collect(),
                _ => line.clone(),
            })
            .collect();
        (s, logical)
    }))
}

/// Steps 2–4 on one corpus.
pub fn learn_corpus(
    name: &str,
    corpus: &Corpus,
    lm: &CharLm,
    vocab: &Vocab,
    options: &Options,
) -> Result<Learned> {
    let adaptive = model::adapted(corpus, lm, options);
    let (solver, taken) = model::solver(corpus, &adaptive, lm, vocab, options);
    let OrderFit {
        hypotheses,
        hyp_rules,
        fixed,
        mut support,
        contradicted,
    } = fit_orders(&solver, corpus, options)?;
    let second = solver.solve(&fixed, &taken);
    let (mut tables_rules, described) = place_blocks(&hypotheses, hyp_rules);
    // A glyph whose order reading the one-font rule contradicted is not guessed from its
    // contexts either: the guess would be the reading the order search already rejected.
    let second: Vec<GlyphGuess> = second
        .into_iter()
        .zip(&contradicted)
        .map(|(mut guess, &c)| {
            if c {
                guess.ch = None;
            }
            guess
        })
        .collect();
    let mut readings = glyph_readings(corpus, &hypotheses, &fixed, &second, &mut tables_rules);
    readings.sort_by_key(|r| r.0);
    let tables = name_tables(name, corpus, tables_rules)?;
    let covered_tokens = readings
        .iter()
        .filter(|r| r.2 >= 0.5)
        .filter_map(|r| corpus.index_of(r.0))
        .map(|g| corpus.counts[g] as u64)
        .sum();
    support.sort_unstable();
    support.dedup_by_key(|r| r.0);
    Ok(Learned {
        support,
        tables,
        readings,
        glyphs: corpus.glyph_count(),
        garbled_tokens: corpus.garbled_tokens(),
        covered_tokens,
        hypotheses: described,
        lines_reordered: 0,
    })
}

/// What the order search explained: its hypotheses (strongest first) with their rules, the
/// glyphs they fixed, and each fixed glyph's support (the size of the order that verified it).
struct OrderFit {
    hypotheses: Vec<Hypothesis>,
    hyp_rules: Vec<Vec<Rule>>,
    fixed: Vec<Option<char>>,
    support: Vec<(u32, u32)>,
    /// Per glyph: an order hypothesis explained it and the one-font rule took it away.
    contradicted: Vec<bool>,
}

/// Step 2: glyph orders fitted to the screened glyphs, in rounds (see the comment inside).
// Long: the rounds share their state (fixed glyphs, support, what the one-font rule took
// away) and each depends on the one before; split, the state would travel in six arguments.
fn fit_orders(
    solver: &Solver<'_, AdaptiveLm<'_>>,
    corpus: &Corpus,
    options: &Options,
) -> Result<OrderFit> {
    let ng = corpus.glyph_count();
    let mut hypotheses: Vec<Hypothesis> = Vec::new();
    let mut fixed: Vec<Option<char>> = vec![None; ng];
    let mut hyp_rules: Vec<Vec<Rule>> = Vec::new();
    let mut support: Vec<(u32, u32)> = Vec::new();
    // Two rounds: the second screens the glyphs left over with the first round's blocks
    // decoded as context, which finds small blocks (fullwidth forms, symbols) whose glyphs
    // sit among garbled kanji. Once some order fitted (the font is ordered, not shuffled),
    // seeds vote too (see `order_fit::small_block_seeds`).
    let rounds = if options.order_fit { 2 } else { 0 };
    let seeds = order_fit::small_block_seeds();
    let mut round = 0;
    while options.order_fit && round <= rounds {
        use rayon::prelude::*;
        let left = fixed.iter().filter(|f| f.is_none()).count();
        // Seeds join the second round (they compete with its weak hypotheses for the same
        // glyphs), or make a round of their own if the second found nothing.
        let seeded = round > 0
            && !hypotheses.is_empty()
            && left > 0
            && left <= options.small_block_max_glyphs;
        if round == rounds && !seeded {
            break;
        }
        round += 1;
        let ctx = solver.scorer.contexts(&fixed);
        let screened: Vec<Vec<(char, f32)>> = (0..ng)
            .into_par_iter()
            .map(|g| {
                if fixed[g].is_some() {
                    Vec::new()
                } else {
                    solver.screen(g, &ctx, options.order.screen_k)
                }
            })
            .collect();
        let found = order_fit::find_seeded(
            &solver.scorer,
            &screened,
            &fixed,
            if seeded { &seeds } else { &[] },
            &options.order,
        );
        if found.is_empty() {
            if seeded {
                break;
            }
            round = round.max(rounds); // straight to the small-block round
            continue;
        }
        for h in found {
            let rules = order_fit::rules(&h, corpus, |_| 0.9);
            explain(&h, &rules, h.glyphs.len(), corpus, &mut fixed, &mut support)?;
            hyp_rules.push(rules);
            hypotheses.push(h);
        }
    }
    let explained_before: Vec<bool> = fixed.iter().map(Option::is_some).collect();
    if options.one_font {
        // Strongest first, each hypothesis loses what a stronger one contradicts; what is
        // explained is recounted from those kept. A kept glyph's support stays the size of
        // the order that verified it (the calibration's steps are over that size).
        let verified: Vec<usize>;
        (hypotheses, hyp_rules, verified) = one_font::resolve(hypotheses, hyp_rules, corpus);
        fixed = vec![None; ng];
        support.clear();
        for ((h, rules), n) in hypotheses.iter().zip(&hyp_rules).zip(verified) {
            explain(h, rules, n, corpus, &mut fixed, &mut support)?;
        }
    }
    let contradicted = (0..ng)
        .map(|g| explained_before[g] && fixed[g].is_none())
        .collect();
    Ok(OrderFit {
        hypotheses,
        hyp_rules,
        fixed,
        support,
        contradicted,
    })
}

/// Fixes the glyphs an accepted hypothesis explains (its own, with their support — the
/// `verified` glyphs of its order — and those inside its blocks that read consistently).
fn explain(
    h: &Hypothesis,
    rules: &[Rule],
    verified: usize,
    corpus: &Corpus,
    fixed: &mut [Option<char>],
    support: &mut Vec<(u32, u32)>,
) -> Result<()> {
    for &(g, c, _) in &h.glyphs {
        fixed[g] = Some(c);
        support.push((corpus.gids[g], verified.min(u32::MAX as usize) as u32));
    }
    // Glyphs inside the hypothesis' blocks that read consistently are explained too.
    let t = FontTable::from_rules("h", rules.to_vec())?;
    for &(g, c) in &h.consistent {
        if fixed[g].is_none() && t.get(corpus.gids[g]) == Some(c) {
            fixed[g] = Some(c);
        }
    }
    Ok(())
}

/// Rules: hypotheses' blocks first (strongest first), each into the first table where it
/// overlaps no block; with each hypothesis described for the report.
fn place_blocks(
    hypotheses: &[Hypothesis],
    hyp_rules: Vec<Vec<Rule>>,
) -> (Vec<Vec<Rule>>, Vec<String>) {
    let mut tables_rules: Vec<Vec<Rule>> = vec![Vec::new()];
    let mut described = Vec::new();
    for (h, rules) in hypotheses.iter().zip(hyp_rules) {
        described.push(format!(
            "{} {}: {} glyphs, vote weight {:.1}, gain {:+.1}",
            h.repertoire,
            crate::tables::format::format_offset(h.offset),
            h.glyphs.len(),
            h.votes,
            h.gain
        ));
        for rule in rules {
            let Some(range) = rule.gid_range() else {
                continue;
            };
            let slot = tables_rules.iter().position(|rs| {
                !rs.iter().any(|r| {
                    r.gid_range()
                        .is_some_and(|(a, b)| a <= range.1 && range.0 <= b)
                })
            });
            match slot {
                Some(i) => tables_rules[i].push(rule),
                None => tables_rules.push(vec![rule]),
            }
        }
    }
    (tables_rules, described)
}

/// Step 3: every glyph's reading (fixed by an order, inside a block, or guessed from its
/// contexts), adding the glyph rules to the main table (`tables_rules[0]`).
fn glyph_readings(
    corpus: &Corpus,
    hypotheses: &[Hypothesis],
    fixed: &[Option<char>],
    second: &[GlyphGuess],
    tables_rules: &mut [Vec<Rule>],
) -> Vec<(u32, char, f32)> {
    let mut readings: Vec<(u32, char, f32)> = Vec::new();
    let block_tables: Vec<FontTable> = tables_rules
        .iter()
        .filter_map(|rs| FontTable::from_rules("b", rs.clone()).ok())
        .collect();
    for (g, guess) in second.iter().enumerate() {
        let gid = corpus.gids[g];
        if let Some(c) = fixed[g] {
            readings.push((gid, c, 0.9));
            // Explained by an order hypothesis, but no block could be drawn around it
            // (the only hiragana of a title font): a glyph rule keeps the reading.
            if !block_tables.iter().any(|t| t.get(gid).is_some())
                && let Some(h) = hypotheses
                    .iter()
                    .find(|h| h.glyphs.iter().any(|x| x.0 == g && x.1 == c))
            {
                tables_rules[0].push(Rule {
                        kind: RuleKind::Glyph { gid, ch: c },
                        confidence: 0.8,
                        source: "decipher".into(),
                        evidence: format!(
                            "explained by order hypothesis {} {} ({} glyphs) in {} context(s); no block around it",
                            h.repertoire,
                            crate::tables::format::format_offset(h.offset),
                            h.glyphs.len(),
                            corpus.counts[g]
                        ),
                    });
            }
            continue;
        }
        // A glyph inside an accepted block keeps the block's reading: one glyph's contexts
        // are weaker evidence than the whole block's.
        if let Some(c) = block_tables.iter().find_map(|t| t.get(gid)) {
            readings.push((gid, c, 0.8));
            continue;
        }
        let Some(c) = guess.ch else { continue };
        readings.push((gid, c, guess.confidence));
        let runner_up = guess
            .candidates
            .iter()
            .filter(|(x, _)| *x != c)
            .take(3)
            .map(|(x, s)| format!("{x}{s:+.1}"))
            .collect::<Vec<_>>()
            .join(" ");
        tables_rules[0].push(Rule {
            kind: RuleKind::Glyph { gid, ch: c },
            confidence: (guess.confidence * 100.0).round() / 100.0,
            source: "decipher".into(),
            evidence: format!(
                "context: {} occurrence(s), score {:+.1}; next: {runner_up}",
                corpus.counts[g],
                guess.candidates.first().map_or(0.0, |x| x.1)
            ),
        });
    }
    readings
}

/// Step 4: the rule sets as tables, named `NAME`, `NAME-2`, ….
fn name_tables(
    name: &str,
    corpus: &Corpus,
    tables_rules: Vec<Vec<Rule>>,
) -> Result<Vec<FontTable>> {
    let mut tables = Vec::new();
    for (i, mut rules) in tables_rules.into_iter().enumerate() {
        if rules.is_empty() {
            continue;
        }
        // Blocks first (by glyph ID), then glyphs: a glyph rule overrides a block.
        rules.sort_by_key(|r| {
            (
                matches!(r.kind, RuleKind::Glyph { .. }),
                r.gid_range().map_or(0, |x| x.0),
            )
        });
        let tname = if i == 0 {
            name.to_string()
        } else {
            format!("{name}-{}", i + 1)
        };
        let mut t = FontTable::from_rules(&tname, rules)?;
        t.description = format!(
            "learned from garbled text by `glyphmend learn text` ({} glyphs, {} garbled characters)",
            corpus.glyph_count(),
            corpus.garbled_tokens()
        );
        tables.push(t);
    }
    Ok(tables)
}
