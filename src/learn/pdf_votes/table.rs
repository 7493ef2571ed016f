//! One font's table from its pooled votes: majority readings, blocks fitted where the votes
//! agree on an offset (extrapolated to unvoted glyphs at a lower confidence), and the report
//! `learn --pdf` prints.

use super::*;

/// Table name for a font: lowercase BaseFont, characters other than `[a-z0-9-_]` → `_`.
pub fn table_name(key: &FontKey) -> String {
    let mut s: String = key
        .basefont
        .chars()
        .map(|c| {
            let c = c.to_ascii_lowercase();
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() {
        s.push_str("font");
    }
    s
}

// Long: one pass over a font's glyph votes building its rules and counts together.
pub(super) fn learn_font(key: &FontKey, fv: &FontVotes, opts: &VoteOptions) -> Result<LearnedFont> {
    let name = table_name(key);
    let mut unanimous = 0;
    let mut conflicts = BTreeMap::new();
    let mut voted_rules = Vec::new();
    let mut anchors = Vec::new();
    for (&gid, by_char) in &fv.votes {
        let mut ranked: Vec<(char, usize)> = by_char.iter().map(|(c, d)| (*c, d.len())).collect();
        // Most documents first; ties by code point (deterministic, and flagged as doubt).
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let total: usize = ranked.iter().map(|r| r.1).sum();
        let (ch, n) = ranked[0];
        let tie = ranked.get(1).is_some_and(|r| r.1 == n);
        let mut confidence = n as f32 / total as f32;
        if tie {
            confidence = confidence.min(0.45);
        }
        if ranked.len() == 1 {
            unanimous += 1;
        } else {
            conflicts.insert(gid, ranked.clone());
        }
        let docs = &by_char[&ch];
        let sources: BTreeSet<VoteSource> = docs.iter().map(|d| d.1).collect();
        let source = if sources.contains(&VoteSource::ToUnicode) {
            "tounicode"
        } else {
            "font-cmap"
        };
        let mut evidence = format!("{n}/{total} documents");
        if ranked.len() > 1 {
            let others: Vec<String> = ranked[1..]
                .iter()
                .map(|(c, k)| format!("{c}×{k}"))
                .collect();
            evidence.push_str(&format!("; conflicting: {}", others.join(" ")));
        }
        if let Some((first, _)) = docs.iter().next() {
            evidence.push_str(&format!("; e.g. {first}"));
        }
        voted_rules.push(Rule {
            kind: RuleKind::Glyph { gid, ch },
            confidence,
            source: source.into(),
            evidence,
        });
        if confidence >= 0.5 {
            anchors.push(Anchor {
                gid,
                ch,
                confidence,
                evidence: String::new(),
            });
        }
    }
    // Fitted blocks first, every vote as a glyph rule after them: a glyph rule overrides a
    // block (FontTable's expansion order), so votes always win and keep their confidence.
    let mut rules = if opts.generalize {
        fitted_blocks(&anchors, opts.min_block_agreement)
    } else {
        Vec::new()
    };
    rules.extend(voted_rules);
    let mut table = FontTable::from_rules(&name, rules)?;
    let generalized = table
        .entries()
        .filter(|(g, _)| !fv.votes.contains_key(g))
        .count();
    table.basefonts = vec![key.basefont.clone()];
    table.fingerprint = key.glyphs.map(|n| format!("glyphs={n}"));
    table.description = format!(
        "{} learned from a PDF corpus: {} documents, {} glyphs voted, {} in conflict, {} filled by fitted blocks",
        key.basefont,
        fv.documents.len(),
        fv.votes.len(),
        conflicts.len(),
        generalized
    );
    // A PDF font table is not for plain-text repair unless asked: its glyph IDs are garbled
    // text's only where extractors print them as code points (see `VoteOptions::text`).
    table.text = opts.text;
    Ok(LearnedFont {
        key: key.clone(),
        table,
        documents: fv.documents.len(),
        voted: fv.votes.len(),
        unanimous,
        conflicts,
        generalized,
        outline_conflicts: fv.outline_conflicts.clone(),
        vote_conflicts: fv.vote_conflicts.clone(),
        generalized_confirmed: 0,
        voted_gids: fv.votes.keys().copied().collect(),
    })
}

/// Confidence of fitted-block entries beyond the outermost agreeing votes: written for
/// review, not applied (< 0.5). Extrapolating an order is where fonts surprise (IPAex puts
/// JIS row 1 symbols right before the digits that Unicode order would extend into).
const EXTRAPOLATED_CONFIDENCE: f32 = 0.4;

/// Blocks fitted to the votes, kept where the votes inside their glyph range agree. A kept
/// block is split: between its outermost agreeing votes (interpolation) at the fitter's
/// confidence capped at 0.9, beyond them in doubt.
fn fitted_blocks(anchors: &[Anchor], min_agreement: f64) -> Vec<Rule> {
    let by_gid: BTreeMap<u32, char> = anchors.iter().map(|a| (a.gid, a.ch)).collect();
    let mut out = Vec::new();
    for rule in fit(anchors) {
        if !matches!(rule.kind, RuleKind::Block { .. }) {
            continue;
        }
        let Some((lo, hi)) = rule.gid_range() else {
            continue;
        };
        let Ok(t) = FontTable::from_rules("probe", vec![rule.clone()]) else {
            continue;
        };
        let (mut agree, mut total) = (0usize, 0usize);
        let (mut first_ok, mut last_ok) = (u32::MAX, 0u32);
        for (&g, &c) in by_gid.range(lo..=hi) {
            if let Some(got) = t.get(g) {
                total += 1;
                if got == c {
                    agree += 1;
                    first_ok = first_ok.min(g);
                    last_ok = last_ok.max(g);
                }
            }
        }
        if agree < 3 || (agree as f64) < min_agreement * total as f64 {
            continue;
        }
        let agreement = format!("; {agree}/{total} votes in range agree");
        let part = |a: u32, b: u32, confidence: f32, note: &str| -> Option<Rule> {
            let first = (a..=b).find_map(|g| t.get(g))?;
            let last = (a..=b).rev().find_map(|g| t.get(g))?;
            let mut r = rule.with_chars(first, last, &format!("{agreement}{note}"))?;
            r.confidence = confidence;
            Some(r)
        };
        let extrapolated = "; beyond the outermost agreeing votes: in doubt";
        if lo < first_ok {
            out.extend(part(
                lo,
                first_ok - 1,
                EXTRAPOLATED_CONFIDENCE,
                extrapolated,
            ));
        }
        out.extend(part(first_ok, last_ok, rule.confidence.min(0.9), ""));
        if last_ok < hi {
            out.extend(part(last_ok + 1, hi, EXTRAPOLATED_CONFIDENCE, extrapolated));
        }
    }
    out
}

/// The `learn --pdf --report` text.
pub fn report(learned: &[LearnedFont], corpus: &CorpusVotes) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} documents ({} unreadable), {} fonts with votes",
        corpus.documents(),
        corpus.failures.len(),
        learned.len()
    );
    for (f, why) in &corpus.failures {
        let _ = writeln!(s, "  unreadable: {f}: {why}");
    }
    for l in learned {
        let _ = writeln!(
            s,
            "font {}: table {}: {} documents, {} glyphs voted ({} unanimous, {} in conflict), {} filled by fitted blocks ({} extrapolated ones confirmed by a sibling font's votes), {} entries in doubt",
            l.key,
            l.table.name,
            l.documents,
            l.voted,
            l.unanimous,
            l.conflicts.len(),
            l.generalized,
            l.generalized_confirmed,
            l.table
                .entries()
                .filter(|(g, _)| l
                    .table
                    .decode(*g)
                    .and_then(|d| l.table.rule(d.rule))
                    .is_some_and(|r| r.confidence < 0.5))
                .count()
        );
        for (gid, ranked) in l.conflicts.iter().take(20) {
            let shown: Vec<String> = ranked.iter().map(|(c, n)| format!("{c}×{n}")).collect();
            let _ = writeln!(s, "  conflict gid={gid:04X}: {}", shown.join(" "));
        }
        if l.conflicts.len() > 20 {
            let _ = writeln!(s, "  … {} more conflicts", l.conflicts.len() - 20);
        }
        for (doc, (shared, against)) in &l.vote_conflicts {
            let _ = writeln!(
                s,
                "  left out {doc}: its votes contradict the other documents' on {against} of {shared} shared glyphs (another font under the same name)"
            );
        }
        for (doc, n) in &l.outline_conflicts {
            let _ = writeln!(
                s,
                "  left out {doc}: {} (another font under the same name)",
                if *n == 0 {
                    "its program has under half the glyphs of the font's largest version"
                        .to_string()
                } else {
                    format!("{n} glyph outlines differ from the other documents'")
                }
            );
        }
    }
    s
}
