//! One font's order ([`super::Options::one_font`]): in a font whose glyphs the learner
//! reads alone, a character has one glyph in the font's ordered part, so two order
//! hypotheses that put one character at two glyph IDs cannot both be right. The stronger
//! (more glyphs verified, then more gain) keeps it; the weaker loses the glyphs and the
//! block characters that say otherwise, and is dropped when they were half of its glyphs.
//!
//! Why: in a real MS Mincho document a 5-glyph hypothesis (`unicode +A72B` over the
//! learner's codes) read glyphs of the half-width forms block (`ｰ`, which the language
//! model barely knows) as full-width katakana and hiragana, while an 18-glyph hypothesis had
//! already placed the font's katakana (`イ` among them) elsewhere: `ｰ` was printed as `イ`.

use super::{Corpus, Hypothesis};
use crate::tables::{Rule, RuleKind};
use std::collections::{HashMap, HashSet};

/// The hypotheses (with their rules) strongest first, each cut to what the stronger ones
/// leave it ([`filter`], [`split`]), with the number of glyphs each verified before the
/// cut; those with too little left are dropped.
pub(super) fn resolve(
    hypotheses: Vec<Hypothesis>,
    rules: Vec<Vec<Rule>>,
    corpus: &Corpus,
) -> (Vec<Hypothesis>, Vec<Vec<Rule>>, Vec<usize>) {
    let mut all: Vec<(usize, (Hypothesis, Vec<Rule>))> =
        hypotheses.into_iter().zip(rules).enumerate().collect();
    // Stable: equal strength keeps the order found (earlier rounds first).
    all.sort_by(|(_, a), (_, b)| {
        b.0.glyphs
            .len()
            .cmp(&a.0.glyphs.len())
            .then(b.0.gain.total_cmp(&a.0.gain))
    });
    let mut placed: HashMap<char, u32> = HashMap::new();
    let mut kept = Vec::new();
    for (i, (mut h, rules)) in all {
        let verified = h.glyphs.len();
        if !filter(&mut h, corpus, &placed) {
            continue;
        }
        let own: HashSet<u32> = h.glyphs.iter().map(|x| corpus.gids[x.0]).collect();
        let rules: Vec<Rule> = rules
            .into_iter()
            .flat_map(|r| split(r, &placed, &own))
            .collect();
        for (c, gid) in rules.iter().flat_map(rule_readings) {
            placed.entry(c).or_insert(gid);
        }
        kept.push((i, h, rules, verified));
    }
    // Back in the order found: it decides which learned table a block goes to.
    kept.sort_by_key(|k| k.0);
    let (mut kept_h, mut kept_r, mut kept_n) = (Vec::new(), Vec::new(), Vec::new());
    for (_, h, r, n) in kept {
        kept_h.push(h);
        kept_r.push(r);
        kept_n.push(n);
    }
    (kept_h, kept_r, kept_n)
}

/// The parts of `rule` that put no character where `placed` says it is not: a glyph rule
/// whole or not at all, a block split around the characters placed elsewhere (each part
/// kept if it still holds two of the hypothesis' `own` glyphs, as a block must).
fn split(rule: Rule, placed: &HashMap<char, u32>, own: &HashSet<u32>) -> Vec<Rule> {
    let readings = rule_readings(&rule);
    let elsewhere = |(c, gid): &(char, u32)| placed.get(c).is_some_and(|g| g != gid);
    if !readings.iter().any(elsewhere) {
        return vec![rule];
    }
    if matches!(rule.kind, RuleKind::Glyph { .. }) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut run: Option<(char, char, usize)> = None; // first, last, own glyphs inside
    let mut flush = |run: &mut Option<(char, char, usize)>| {
        if let Some((a, b, n)) = run.take()
            && n >= 2
            && let Some(r) =
                rule.with_chars(a, b, " (split: the characters around are another order's)")
        {
            out.push(r);
        }
    };
    for r in &readings {
        if elsewhere(r) {
            flush(&mut run);
            continue;
        }
        let n = usize::from(own.contains(&r.1));
        run = Some(match run {
            Some((a, _, k)) => (a, r.0, k + n),
            None => (r.0, r.0, n),
        });
    }
    flush(&mut run);
    out
}

/// Every (character, glyph ID) a rule reads (none for an unknown repertoire).
fn rule_readings(rule: &Rule) -> Vec<(char, u32)> {
    let readings = rule.readings().unwrap_or_default();
    readings.into_iter().map(|(gid, c)| (c, gid)).collect()
}

/// Drops from `h` the glyphs whose reading `placed` (what stronger hypotheses' rules read)
/// puts at another glyph ID. False (the hypothesis is dropped) when at
/// least half of its glyphs were so contradicted — its offset is wrong where it was
/// tested against a stronger one, and the rest agree with it no better than by chance —
/// or fewer than two are left.
fn filter(h: &mut Hypothesis, corpus: &Corpus, placed: &HashMap<char, u32>) -> bool {
    let elsewhere = |g: usize, c: char| placed.get(&c).is_some_and(|&p| p != corpus.gids[g]);
    let before = h.glyphs.len();
    h.glyphs.retain(|&(g, c, _)| !elsewhere(g, c));
    h.consistent.retain(|&(g, c)| !elsewhere(g, c));
    let dropped = before - h.glyphs.len();
    h.gain = h.glyphs.iter().map(|x| x.2).sum();
    dropped * 2 < before && h.glyphs.len() >= 2
}
