//! Merging tables learned from several sources, and the `learn --report` summary.
//!
//! Merge rule (deterministic, independent of the order tables are given in): for every
//! glyph ID, the entry of the highest-confidence rule wins; equal confidence goes to the
//! table whose name sorts first. Blocks are kept as blocks when no higher-confidence entry
//! of another table contradicts them inside their range; otherwise the block's entries are
//! written as single glyph rules around the contradiction.

use super::decipher::Learned;
use crate::error::Result;
use crate::tables::{FontTable, Rule, RuleKind};
use std::collections::BTreeMap;

/// Merges `tables` into one table named `name`.
pub fn merge(name: &str, tables: &[FontTable]) -> Result<FontTable> {
    let mut sorted: Vec<&FontTable> = tables.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    // gid → (confidence, char, table index, rule index)
    let mut best: BTreeMap<u32, (f32, char, usize, u16)> = BTreeMap::new();
    for (ti, t) in sorted.iter().enumerate() {
        for (gid, ch) in t.entries() {
            let Some(d) = t.decode(gid) else { continue };
            let conf = t.rule(d.rule).map_or(0.0, |r| r.confidence);
            let better = match best.get(&gid) {
                None => true,
                Some(b) => conf > b.0,
            };
            if better {
                best.insert(gid, (conf, ch, ti, d.rule));
            }
        }
    }
    let mut rules: Vec<Rule> = Vec::new();
    let mut blocks_done: Vec<(usize, u16)> = Vec::new();
    let mut singles: Vec<Rule> = Vec::new();
    for (&gid, &(conf, ch, ti, ri)) in &best {
        let Some(rule) = sorted[ti].rule(ri) else {
            continue;
        };
        if let RuleKind::Block { .. } = rule.kind {
            if blocks_done.contains(&(ti, ri)) {
                continue;
            }
            // Keep the block whole if it wins every glyph of its range.
            let (lo, hi) = rule.gid_range().unwrap_or((gid, gid));
            let whole = best
                .range(lo..=hi)
                .all(|(_, b)| b.2 == ti && b.3 == ri || b.0 <= rule.confidence);
            if whole {
                blocks_done.push((ti, ri));
                let mut r = rule.clone();
                r.evidence = format!("{} [from {}]", r.evidence, sorted[ti].name);
                rules.push(r);
                continue;
            }
        }
        singles.push(Rule {
            kind: RuleKind::Glyph { gid, ch },
            confidence: conf,
            source: rule.source.clone(),
            evidence: format!("{} [from {}]", rule.evidence, sorted[ti].name),
        });
    }
    // Blocks may now overlap only where a glyph rule overrides them; drop overlapping
    // later blocks to keep the invariant that blocks are disjoint.
    let mut kept: Vec<(u32, u32)> = Vec::new();
    rules.retain(|r| {
        let Some((a, b)) = r.gid_range() else {
            return false;
        };
        if kept.iter().any(|(x, y)| a <= *y && *x <= b) {
            return false;
        }
        kept.push((a, b));
        true
    });
    let block_covers = |gid: u32| kept.iter().any(|(a, b)| (*a..=*b).contains(&gid));
    let merged_blocks = FontTable::from_rules(name, rules.clone())?;
    for s in singles {
        if let RuleKind::Glyph { gid, ch } = s.kind
            && block_covers(gid)
            && merged_blocks.get(gid) == Some(ch)
        {
            continue;
        }
        rules.push(s);
    }
    FontTable::from_rules(name, rules)
}

/// Per-font figures of a learning run.
pub fn report(learned: &Learned, per_source: &[(String, Learned)]) -> String {
    let mut s = String::new();
    s.push_str(&format!(
        "garbled glyphs: {}, garbled characters: {}, covered by entries with confidence >= 0.5: {} ({:.1} %), lines taken in a bidi-inverted order: {}\n",
        learned.glyphs,
        learned.garbled_tokens,
        learned.covered_tokens,
        100.0 * learned.covered_tokens as f64 / learned.garbled_tokens.max(1) as f64,
        learned.lines_reordered
    ));
    for h in &learned.hypotheses {
        s.push_str(&format!("  order fit: {h}\n"));
    }
    for t in &learned.tables {
        let blocks = t
            .rules
            .iter()
            .filter(|r| matches!(r.kind, RuleKind::Block { .. }))
            .count();
        let glyphs = t.rules.len() - blocks;
        let doubt = t.rules.iter().filter(|r| r.confidence < 0.5).count();
        s.push_str(&format!(
            "table {}: {} rules ({} blocks, {} glyphs), {} glyph IDs mapped, {} entries in doubt (confidence < 0.5)\n",
            t.name,
            t.rules.len(),
            blocks,
            glyphs,
            t.len(),
            doubt
        ));
        for r in t.rules.iter().filter(|r| r.confidence < 0.5).take(20) {
            s.push_str(&format!(
                "  in doubt: {} confidence {:.2}: {}\n",
                crate::repair::describe_rule(r),
                r.confidence,
                r.evidence
            ));
        }
    }
    if per_source.len() > 1 {
        s.push_str("agreement between sources (glyphs read the same as the merged result):\n");
        for (name, l) in per_source {
            let mut same = 0;
            let mut differ = 0;
            for &(gid, c, conf) in &l.readings {
                if conf < 0.5 {
                    continue;
                }
                match learned.reading(gid) {
                    Some((m, _)) if m == c => same += 1,
                    Some(_) => differ += 1,
                    None => {}
                }
            }
            s.push_str(&format!(
                "  {name}: {} glyphs, {} confident, agree {same}, differ {differ}\n",
                l.glyphs,
                l.readings.iter().filter(|r| r.2 >= 0.5).count()
            ));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glyph(gid: u32, ch: char, confidence: f32) -> Rule {
        Rule {
            kind: RuleKind::Glyph { gid, ch },
            confidence,
            source: "t".into(),
            evidence: String::new(),
        }
    }

    #[test]
    fn merge_prefers_confidence_and_is_order_independent() {
        let block = Rule {
            kind: RuleKind::Block {
                repertoire: "unicode",
                offset: -0x280C,
                first: 'ぁ',
                last: 'ゖ',
            },
            confidence: 0.9,
            source: "t".into(),
            evidence: String::new(),
        };
        let a = FontTable::from_rules("a", vec![block, glyph(0x10, 'x', 0.4)]).unwrap();
        let b = FontTable::from_rules("b", vec![glyph(0x10, 'y', 0.8), glyph(0x862, 'ん', 0.3)])
            .unwrap();
        let m1 = merge("m", &[a.clone(), b.clone()]).unwrap();
        let m2 = merge("m", &[b, a]).unwrap();
        assert_eq!(m1.to_text(), m2.to_text());
        assert_eq!(m1.get(0x10), Some('y'));
        assert_eq!(m1.get(0x862), Some('の'));
        assert!(
            m1.rules
                .iter()
                .any(|r| matches!(r.kind, RuleKind::Block { .. }))
        );
    }
}
