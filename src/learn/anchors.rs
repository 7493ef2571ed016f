//! Fit a repertoire-order table to anchors: glyphs whose character is certain.
//!
//! Office's CJK fonts sort glyphs by Unicode over their repertoire, with an offset that
//! changes only where the font holds glyphs outside the repertoire. So anchors that share
//! a script block and agree on `gid − rank(c)` under one repertoire prove that the whole
//! block follows that offset. The fitter:
//!
//! 1. groups anchors by script block (hiragana, katakana, CJK ideographs, fullwidth …);
//! 2. within a block, tries each repertoire (simplest first: `unicode`, then `cp932`, then
//!    `cp932+jisx0213`) and keeps the one under which most anchors share one offset;
//! 3. emits a `block` rule spanning the script block (clipped so that blocks stay
//!    monotone and disjoint in glyph-ID space), confidence from the number of agreeing anchors;
//! 4. emits anchors that fit no block as single `glyph` rules with their own confidence.
//!
//! Invariant of the output: rules are disjoint in glyph ID, so rule order never matters.

use crate::error::{Error, Result};
use crate::tables::format;
use crate::tables::repertoire::Repertoire;
use crate::tables::{FontTable, Rule, RuleKind};
use std::collections::{BTreeMap, HashMap};

/// A glyph whose character is known, with why.
#[derive(Debug, Clone, PartialEq)]
pub struct Anchor {
    /// The glyph ID.
    pub gid: u32,
    /// The character it draws.
    pub ch: char,
    /// 0..=1: how sure the anchor is.
    pub confidence: f32,
    /// Free text for the reviewer: where the anchor comes from.
    pub evidence: String,
}

/// Script blocks that fonts keep contiguous. A block rule never crosses these bounds.
const SCRIPT_BLOCKS: &[(char, char, &str)] = &[
    ('\u{2160}', '\u{217F}', "Roman numerals"),
    ('\u{2460}', '\u{24FF}', "enclosed alphanumerics"),
    ('\u{2500}', '\u{257F}', "box drawing"),
    ('\u{25A0}', '\u{25FF}', "geometric shapes"),
    ('\u{3000}', '\u{303F}', "CJK symbols"),
    ('\u{3041}', '\u{3096}', "hiragana"),
    ('\u{309B}', '\u{309F}', "kana marks"),
    ('\u{30A1}', '\u{30FF}', "katakana"),
    ('\u{3400}', '\u{4DBF}', "CJK extension A"),
    ('\u{4E00}', '\u{9FFF}', "CJK ideographs"),
    ('\u{F900}', '\u{FAFF}', "CJK compatibility ideographs"),
    ('\u{FF01}', '\u{FF5E}', "fullwidth ASCII"),
    ('\u{FF61}', '\u{FF9F}', "halfwidth katakana"),
];

fn script_block(c: char) -> Option<(char, char, &'static str)> {
    SCRIPT_BLOCKS
        .iter()
        .find(|(a, b, _)| (*a..=*b).contains(&c))
        .copied()
}

/// Parses an anchors file: `anchor gid=HEX char=C [confidence=F] [evidence="…"]` lines.
pub fn parse_anchors(file: &str, text: &str) -> Result<Vec<Anchor>> {
    let mut out = Vec::new();
    for st in format::parse(file, text)? {
        let err = |reason: &str| Error::TableFormat {
            file: file.to_string(),
            line: st.line,
            reason: reason.to_string(),
        };
        if st.keyword != "anchor" {
            return Err(err("expected `anchor`"));
        }
        let gid = st
            .get("gid")
            .and_then(|v| u32::from_str_radix(v, 16).ok())
            .ok_or_else(|| err("anchor without hex gid="))?;
        let ch = st
            .get("char")
            .and_then(format::parse_char)
            .ok_or_else(|| err("anchor without char="))?;
        let confidence = st
            .get("confidence")
            .map(|v| v.parse::<f32>().map_err(|_| err("bad confidence")))
            .transpose()?
            .unwrap_or(1.0);
        out.push(Anchor {
            gid,
            ch,
            confidence,
            evidence: st.get("evidence").unwrap_or("").to_string(),
        });
    }
    Ok(out)
}

/// Fits rules to anchors. See the module docs for the method.
pub fn fit(anchors: &[Anchor]) -> Vec<Rule> {
    let mut anchors: Vec<Anchor> = anchors.to_vec();
    anchors.sort_by_key(|a| (a.ch, a.gid));
    anchors.dedup_by_key(|a| (a.ch, a.gid));

    let (groups, mut loose) = script_groups(&anchors);
    // A group with one agreeing anchor proves nothing about its neighbours on its own, but
    // if it shares the offset of an adjacent proven block, the font's order runs through
    // both script blocks (font C: kana and kanji share rank − 6).
    let proven: Vec<Option<(&'static str, i64)>> = groups
        .iter()
        .map(|(_, _, f)| f.filter(|f| f.2 >= 2).map(|f| (f.0.name(), f.1)))
        .collect();
    let mut blocks: Vec<(u32, u32, Rule)> = Vec::new(); // (gid lo, gid hi, rule)
    for (gi, (sb, group, fit)) in groups.iter().enumerate() {
        let Some(accepted) = accepted_fit(gi, group, *fit, &proven) else {
            loose.extend(group.iter().cloned());
            continue;
        };
        blocks.extend(block_rules(*sb, group, accepted, &mut loose));
    }
    let (mut rules, kept) = disjoint_blocks(blocks, &anchors);
    for a in loose {
        let covered = kept.iter().any(|(lo, hi)| (*lo..=*hi).contains(&a.gid));
        if covered {
            continue;
        }
        rules.push(Rule {
            kind: RuleKind::Glyph {
                gid: a.gid,
                ch: a.ch,
            },
            confidence: a.confidence.min(0.9),
            source: "anchors".into(),
            evidence: a.evidence.clone(),
        });
    }
    rules
}

/// A script block: (first, last, name).
type ScriptBlock = (char, char, &'static str);
/// A group's best (repertoire, offset, agreeing anchors).
type Fit = Option<(&'static Repertoire, i64, usize)>;
/// Anchors of one script block with their best fit.
type Group = (ScriptBlock, Vec<Anchor>, Fit);
/// An accepted fit: repertoire, offset, agreeing anchors, what else it rests on.
type Accepted = (&'static Repertoire, i64, usize, &'static str);

/// The sorted `anchors` grouped by script block, each group with its best (repertoire,
/// offset); anchors in no script block are loose.
fn script_groups(anchors: &[Anchor]) -> (Vec<Group>, Vec<Anchor>) {
    let mut groups: Vec<Group> = Vec::new();
    let mut loose: Vec<Anchor> = Vec::new();
    let offsets = AnchorOffsets::new(anchors);
    let mut i = 0;
    while i < anchors.len() {
        let Some(sb) = script_block(anchors[i].ch) else {
            loose.push(anchors[i].clone());
            i += 1;
            continue;
        };
        let mut j = i;
        while j < anchors.len() && script_block(anchors[j].ch) == Some(sb) {
            j += 1;
        }
        let group = anchors[i..j].to_vec();
        let fit = offsets.best(i..j);
        groups.push((sb, group, fit));
        i = j;
    }
    (groups, loose)
}

/// The fit a group (number `gi`) is accepted with: its own when two anchors agree, else
/// the offset of a proven neighbouring group that one of its anchors agrees with.
fn accepted_fit(
    gi: usize,
    group: &[Anchor],
    fit: Fit,
    proven: &[Option<(&'static str, i64)>],
) -> Option<Accepted> {
    let mut accepted: Option<Accepted> = None;
    if let Some((rep, offset, n)) = fit
        && n >= 2
    {
        accepted = Some((rep, offset, n, ""));
    }
    if accepted.is_none() {
        let neighbours = [gi.checked_sub(1), Some(gi + 1)];
        'outer: for nb in neighbours.into_iter().flatten() {
            let Some(Some((rep_name, offset))) = proven.get(nb) else {
                continue;
            };
            let Ok(rep) = Repertoire::by_name(rep_name) else {
                continue;
            };
            for a in group {
                if rep.rank(a.ch).map(|r| r as i64 + offset) == Some(a.gid as i64) {
                    accepted = Some((rep, *offset, 1, " and the neighbouring block's offset"));
                    break 'outer;
                }
            }
        }
    }
    accepted
}

/// The block rules of a group accepted with `accepted` in script block `sb` (one per
/// segment of the repertoire its fitting anchors span), as (gid lo, gid hi, rule); the
/// anchors that do not fit go to `loose`.
fn block_rules(
    sb: ScriptBlock,
    group: &[Anchor],
    accepted: Accepted,
    loose: &mut Vec<Anchor>,
) -> Vec<(u32, u32, Rule)> {
    let (rep, offset, agreeing, extra) = accepted;
    let mut blocks = Vec::new();
    let (fits, misfits): (Vec<&Anchor>, Vec<&Anchor>) = group
        .iter()
        .partition(|a| rep.rank(a.ch).map(|r| r as i64 + offset) == Some(a.gid as i64));
    loose.extend(misfits.into_iter().cloned());
    let confidence = match agreeing {
        1 | 2 => 0.8,
        3 => 0.9,
        _ => 0.97,
    };
    let shown: Vec<String> = fits
        .iter()
        .take(12)
        .map(|a| format!("{}={:04X}", a.ch, a.gid))
        .collect();
    let bounds = if rep.is_code_point_order() {
        vec![(sb.0, sb.1)]
    } else {
        segments(rep, sb, &fits)
    };
    for (first, last) in bounds {
        let rule = Rule {
            kind: RuleKind::Block {
                repertoire: rep.name(),
                offset,
                first,
                last,
            },
            confidence,
            source: "anchors".into(),
            evidence: format!(
                "{}: {agreeing} anchor(s){extra} agree on rank+offset ({}{})",
                sb.2,
                shown.join(" "),
                if fits.len() > 12 { " …" } else { "" }
            ),
        };
        if let Some((lo, hi)) = rule.gid_range() {
            blocks.push((lo, hi, rule));
        }
    }
    blocks
}

/// The block rules kept disjoint: where two overlap in glyph ID, the less certain one is
/// clipped to the characters on its side of the other's anchors. Returns the rules by
/// glyph ID and their glyph ranges.
fn disjoint_blocks(
    mut blocks: Vec<(u32, u32, Rule)>,
    anchors: &[Anchor],
) -> (Vec<Rule>, Vec<(u32, u32)>) {
    blocks.sort_by_key(|b| b.0);
    let mut rules: Vec<Rule> = Vec::new();
    let mut kept: Vec<(u32, u32)> = Vec::new();
    let mut order: Vec<usize> = (0..blocks.len()).collect();
    order.sort_by(|&a, &b| {
        blocks[b]
            .2
            .confidence
            .total_cmp(&blocks[a].2.confidence)
            .then(a.cmp(&b))
    });
    for idx in order {
        let (lo, hi, rule) = &blocks[idx];
        let mut rule = rule.clone();
        let _ = (lo, hi);
        if let Some(clipped) = grow_block(&rule, &kept, anchors) {
            rule = clipped;
        } else {
            continue;
        }
        if let Some(r) = rule.gid_range() {
            kept.push(r);
            rules.push(rule);
        }
    }
    rules.sort_by_key(|r| r.gid_range().map(|g| g.0).unwrap_or(0));
    (rules, kept)
}

/// In a repertoire with its own order a script block need not be one run of ranks (JIS
/// row 1 holds （ ）, row 3 the fullwidth letters): the maximal runs of ranks around the
/// anchors whose members all lie in script block `sb` (holes skipped), as (first, last).
fn segments(rep: &Repertoire, sb: (char, char, &str), anchors: &[&Anchor]) -> Vec<(char, char)> {
    let inside = |r: u32| rep.at(r).map(|c| (sb.0..=sb.1).contains(&c));
    let mut out: Vec<(u32, u32)> = Vec::new();
    let mut ranks: Vec<u32> = anchors.iter().filter_map(|a| rep.rank(a.ch)).collect();
    ranks.sort_unstable();
    for r in ranks {
        if out.iter().any(|(a, b)| (*a..=*b).contains(&r)) {
            continue;
        }
        let (mut lo, mut hi) = (r, r);
        let mut k = r;
        while k > 0 && inside(k - 1) != Some(false) {
            k -= 1;
            if inside(k) == Some(true) {
                lo = k;
            }
        }
        let mut k = r;
        while (k as usize + 1) < rep.len() && inside(k + 1) != Some(false) {
            k += 1;
            if inside(k) == Some(true) {
                hi = k;
            }
        }
        out.push((lo, hi));
    }
    out.iter()
        .filter_map(|&(a, b)| Some((rep.at(a)?, rep.at(b)?)))
        .collect()
}

/// Grows a block from its own anchors outward, up to its script block's bounds, stopping
/// before any glyph ID already taken by a kept block or by another anchor. `None` if the
/// block's own anchors collide with a kept block (contradictory anchors). The walk goes
/// over ranks, so it serves code-point and own-order repertoires alike.
fn grow_block(rule: &Rule, kept: &[(u32, u32)], anchors: &[Anchor]) -> Option<Rule> {
    let RuleKind::Block {
        repertoire,
        offset,
        first,
        last,
    } = rule.kind
    else {
        return Some(rule.clone());
    };
    let rep = Repertoire::by_name(repertoire).ok()?;
    let (blo, bhi) = rep.rank_range(first, last)?;
    // What stands at a rank: for `unicode` every scalar value (the block's own bounds
    // decide), otherwise the members.
    let char_at = |r: u32| {
        if rep.name() == "unicode" {
            char::from_u32(r)
        } else {
            rep.at(r)
        }
    };
    let own_rank = |a: &Anchor| {
        rep.rank(a.ch)
            .filter(|r| (blo..=bhi).contains(r) && *r as i64 + offset == a.gid as i64)
    };
    let own_ranks: Vec<u32> = anchors.iter().filter_map(own_rank).collect();
    let foreign: Vec<u32> = anchors
        .iter()
        .filter(|a| own_rank(a).is_none())
        .map(|a| a.gid)
        .collect();
    let blocked = |r: u32| {
        let g = r as i64 + offset;
        g < 0
            || g > crate::tables::MAX_GID as i64
            || kept
                .iter()
                .any(|(x, y)| (*x as i64..=*y as i64).contains(&g))
            || foreign.contains(&(g as u32))
    };
    let (amin, amax) = (*own_ranks.iter().min()?, *own_ranks.iter().max()?);
    // The anchors' own span must be free.
    if (amin..=amax).any(|r| char_at(r).is_some() && blocked(r)) {
        return None;
    }
    // Walk outward from an anchor end over `steps` (ranks in walking order): the last
    // position reached before a blocked glyph ID, and whether a block stopped the walk.
    let grow = |from: u32, steps: &mut dyn Iterator<Item = u32>| -> (u32, bool) {
        let mut reached = from;
        for r in steps {
            if char_at(r).is_none() {
                continue;
            }
            if blocked(r) {
                return (reached, true);
            }
            reached = r;
        }
        (reached, false)
    };
    let (lo, clipped_low) = grow(amin, &mut (blo..amin).rev());
    let (hi, clipped_high) = grow(amax, &mut (amax + 1..=bhi));
    let (new_first, new_last) = (char_at(lo)?, char_at(hi)?);
    let note = if clipped_low || clipped_high {
        format!(
            " (stops at U+{:04X}..U+{:04X}: next glyphs belong elsewhere)",
            new_first as u32, new_last as u32
        )
    } else {
        String::new()
    };
    rule.with_chars(new_first, new_last, &note)
}

/// Every anchor's `gid − rank(c)` under each repertoire, and how many anchors share each
/// offset, computed once per fit: a group's best offset then counts its own anchors only
/// (asking every anchor's rank again per candidate offset made fitting quadratic).
struct AnchorOffsets {
    /// Per repertoire (in `NAMES` order).
    by_repertoire: Vec<RepertoireOffsets>,
}

/// One repertoire's view of the anchors: each anchor's `gid − rank(c)` (none if `c` is not a
/// member), and how many anchors share each offset.
struct RepertoireOffsets {
    repertoire: &'static Repertoire,
    offsets: Vec<Option<i64>>,
    counts: HashMap<i64, usize>,
}

impl AnchorOffsets {
    fn new(all: &[Anchor]) -> Self {
        let mut by_repertoire = Vec::new();
        for name in crate::tables::repertoire::NAMES {
            let Ok(rep) = Repertoire::by_name(name) else {
                continue;
            };
            let offsets: Vec<Option<i64>> = all
                .iter()
                .map(|a| rep.rank(a.ch).map(|r| a.gid as i64 - r as i64))
                .collect();
            let mut counts: HashMap<i64, usize> = HashMap::new();
            for off in offsets.iter().flatten() {
                *counts.entry(*off).or_default() += 1;
            }
            by_repertoire.push(RepertoireOffsets {
                repertoire: rep,
                offsets,
                counts,
            });
        }
        AnchorOffsets { by_repertoire }
    }

    /// The repertoire and offset under which most of the group `range` (of the anchors
    /// given to [`AnchorOffsets::new`]) agree. Anchors elsewhere that share the same
    /// (repertoire, offset) count half: a font's order usually runs through several script
    /// blocks, and within one block two repertoires can agree by accident (katakana is
    /// contiguous in both Unicode and CP932, but CP932 lacks ヷ–ヺ). Remaining ties go to the
    /// simpler repertoire, then the smaller offset. Returns (repertoire, offset, number
    /// agreeing in the group).
    fn best(&self, range: std::ops::Range<usize>) -> Fit {
        let mut best: Option<(&'static Repertoire, i64, usize, usize)> = None; // + score
        for r in &self.by_repertoire {
            let mut in_group: BTreeMap<i64, usize> = BTreeMap::new();
            for off in r.offsets[range.clone()].iter().flatten() {
                *in_group.entry(*off).or_default() += 1;
            }
            for (&off, &n) in &in_group {
                let total = r.counts.get(&off).copied().unwrap_or(0);
                let score = 2 * n + (total - n);
                if best.is_none_or(|b| score > b.3) {
                    best = Some((r.repertoire, off, n, score));
                }
            }
        }
        best.map(|(r, o, n, _)| (r, o, n))
    }
}

/// Fits and wraps the rules into a table.
pub fn table_from_anchors(name: &str, anchors: &[Anchor]) -> Result<FontTable> {
    FontTable::from_rules(name, fit(anchors))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(gid: u32, ch: char) -> Anchor {
        Anchor {
            gid,
            ch,
            confidence: 1.0,
            evidence: String::new(),
        }
    }

    #[test]
    fn font_a_blocks_from_a_few_anchors() {
        // Three hiragana, two katakana, three kanji, two fullwidth anchors from NOTES.md.
        let anchors = [
            a(0x84B, 'し'),
            a(0x85B, 'で'),
            a(0x87D, 'ら'),
            a(0x896, 'イ'),
            a(0x8AB, 'ス'),
            a(0x0C0D, '会'),
            a(0x1A2D, '支'),
            a(0x197C, '援'),
            a(0x3E4C, 'Ｎ'),
            a(0x3E26, '（'),
        ];
        let t = table_from_anchors("A", &anchors).unwrap();
        // Characters never given as anchors come out right.
        assert_eq!(t.get(0x862), Some('の'));
        assert_eq!(t.get(0x8D4), Some('モ'));
        assert_eq!(t.get(0x1407), Some('実'));
        assert_eq!(t.get(0x39D7), Some('高'));
        assert_eq!(t.get(0x3E4E), Some('Ｐ'));
        // Kanji need the CP932 ∪ JIS X 0213 order, kana the plain Unicode order.
        let kinds: Vec<&str> = t
            .rules
            .iter()
            .filter_map(|r| match &r.kind {
                RuleKind::Block { repertoire, .. } => Some(*repertoire),
                _ => None,
            })
            .collect();
        assert!(kinds.contains(&"cp932+jisx0213"), "{kinds:?}");
        assert!(kinds.contains(&"unicode"));
    }

    #[test]
    fn single_anchor_joins_an_agreeing_neighbour() {
        // Font C: one hiragana anchor shares the katakana block's CP932 rank − 6.
        let anchors = [
            a(0x1A2, 'す'),
            a(0x207, 'デ'),
            a(0x222, 'モ'),
            a(0x22B, 'ル'),
        ];
        let t = table_from_anchors("C", &anchors).unwrap();
        assert_eq!(t.get(0x1A2), Some('す'));
        let shi = crate::tables::repertoire::Repertoire::by_name("cp932")
            .unwrap()
            .rank('し')
            .unwrap()
            - 6;
        assert_eq!(t.get(shi), Some('し'));
    }

    #[test]
    fn font_c_uses_cp932_order() {
        let anchors = [a(0x734, '室'), a(0xBF9, '査'), a(0x16E6, '調')];
        let t = table_from_anchors("C", &anchors).unwrap();
        let RuleKind::Block { repertoire, .. } = t.rules[0].kind else {
            panic!("expected a block")
        };
        assert_eq!(repertoire, "cp932");
        assert_eq!(t.get(0x16E6), Some('調'));
    }

    #[test]
    fn lone_anchor_outside_blocks_becomes_a_glyph() {
        let anchors = [Anchor {
            gid: 0x6D1,
            ch: '○',
            confidence: 0.6,
            evidence: "bullet".into(),
        }];
        let rules = fit(&anchors);
        assert_eq!(rules.len(), 1);
        assert!(matches!(
            rules[0].kind,
            RuleKind::Glyph {
                gid: 0x6D1,
                ch: '○'
            }
        ));
    }

    #[test]
    fn rules_are_disjoint_in_glyph_space() {
        // Two blocks whose natural extents would collide: hiragana at an offset that lands
        // on the katakana block's glyphs.
        let anchors = [
            a(0x100, 'あ'),
            a(0x104, 'う'),
            a(0x120, 'ア'),
            a(0x130, 'ソ'),
        ];
        let rules = fit(&anchors);
        let ranges: Vec<(u32, u32)> = rules.iter().filter_map(|r| r.gid_range()).collect();
        for (i, x) in ranges.iter().enumerate() {
            for y in &ranges[i + 1..] {
                assert!(x.1 < y.0 || y.1 < x.0, "{ranges:x?}");
            }
        }
        let t = FontTable::from_rules("T", rules).unwrap();
        assert_eq!(t.get(0x104), Some('う'));
        assert_eq!(t.get(0x130), Some('ソ'));
    }

    #[test]
    fn anchors_file_parses() {
        let v = parse_anchors(
            "x",
            "anchor gid=084B char=し evidence=\"dev-a 52\"\nanchor gid=06D1 char=U+25CB confidence=0.6\n",
        )
        .unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!(v[1].ch, '○');
        assert!(parse_anchors("x", "anchor char=し").is_err());
    }
}
