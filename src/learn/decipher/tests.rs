//! The one-font rule on synthetic glyph IDs laid out like MS Mincho's: katakana at
//! 0x0893.. (U+30A1 + offset −0x280E), the half-width forms at 0x3E7F.. (U+FF61 − 0xC0E2).

use super::super::corpus::Corpus;
use super::one_font;
use super::order_fit::{self, Hypothesis};
use crate::tables::Rule;

const KATAKANA: i64 = 0x0893 - 0x30A1;
const HALFWIDTH: i64 = 0x3E7F - 0xFF61;

/// A corpus holding the glyphs `gids` (sorted), each seen 3 times.
fn corpus(gids: &[u32]) -> Corpus {
    let mut gids = gids.to_vec();
    gids.sort_unstable();
    gids.dedup();
    Corpus {
        counts: vec![3; gids.len()],
        gids,
        ..Default::default()
    }
}

/// A `unicode` hypothesis at `offset` explaining the corpus glyphs `gids`.
fn hypothesis(c: &Corpus, offset: i64, gids: &[u32]) -> Hypothesis {
    let glyphs: Vec<(usize, char, f32)> = gids
        .iter()
        .map(|gid| {
            let g = c.gids.binary_search(gid).expect("glyph in corpus");
            let ch = char::from_u32((*gid as i64 - offset) as u32).expect("a char");
            (g, ch, 3.0)
        })
        .collect();
    Hypothesis {
        repertoire: "unicode",
        offset,
        consistent: glyphs.iter().map(|x| (x.0, x.1)).collect(),
        gain: glyphs.iter().map(|x| x.2).sum(),
        glyphs,
        foreign: Vec::new(),
        votes: 10.0,
    }
}

fn gid(c: char, offset: i64) -> u32 {
    (c as i64 + offset) as u32
}

fn katakana_gids() -> Vec<u32> {
    "アイウカコトン".chars().map(|c| gid(c, KATAKANA)).collect()
}

/// Half-width `ｺ ﾝ ｸ ﾘ ｰ ﾄ`'s glyphs.
fn halfwidth_gids() -> Vec<u32> {
    "ｺﾝｸﾘｰﾄ".chars().map(|c| gid(c, HALFWIDTH)).collect()
}

/// Each hypothesis with its rules, as the order fit gives them.
fn with_rules(c: &Corpus, hs: Vec<Hypothesis>) -> (Vec<Hypothesis>, Vec<Vec<Rule>>) {
    let rules = hs.iter().map(|h| order_fit::rules(h, c, |_| 0.9)).collect();
    (hs, rules)
}

fn reads(rules: &[Rule], gid: u32) -> Option<char> {
    crate::tables::FontTable::from_rules("t", rules.to_vec())
        .expect("a table")
        .get(gid)
}

#[test]
fn a_katakana_offset_over_the_half_width_forms_is_dropped_when_katakana_is_placed() {
    let all: Vec<u32> = katakana_gids()
        .into_iter()
        .chain(halfwidth_gids())
        .collect();
    let c = corpus(&all);
    // The half-width glyphs read as full-width katakana: ｰ (0x3E8E) as イ, offset +0xDEA.
    // Found first (arrival order does not decide), weaker than the font's katakana order.
    let wrong = 0x3E8E - 'イ' as i64;
    let spurious = hypothesis(&c, wrong, &halfwidth_gids());
    assert!(spurious.glyphs.iter().any(|x| x.1 == 'イ'));
    let katakana = hypothesis(&c, KATAKANA, &katakana_gids());
    let (hs, rules) = with_rules(&c, vec![spurious.clone(), katakana.clone()]);
    assert_eq!(
        reads(&rules[0], 0x3E8E),
        Some('イ'),
        "the conflict is there"
    );
    assert_eq!(reads(&rules[1], 0x0896), Some('イ'));
    let (kept, kept_rules, _) = one_font::resolve(hs, rules, &c);
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(kept[0].offset, KATAKANA);
    assert_eq!(kept[0].glyphs.len(), 7);
    assert_eq!(reads(&kept_rules[0], 0x0896), Some('イ'));
    assert!(kept_rules.iter().all(|r| reads(r, 0x3E8E).is_none()));

    // The true reading of the same glyphs (half-width katakana) contradicts nothing.
    let right = hypothesis(&c, HALFWIDTH, &halfwidth_gids());
    let (hs, rules) = with_rules(&c, vec![katakana, right]);
    let (kept, kept_rules, _) = one_font::resolve(hs, rules, &c);
    assert_eq!(kept.len(), 2);
    assert_eq!(kept[1].glyphs.len(), 6);
    assert_eq!(reads(&kept_rules[1], 0x3E8E), Some('ｰ'));
}

#[test]
fn a_hypothesis_contradicted_in_a_minority_of_its_glyphs_keeps_the_rest() {
    // Later glyphs at 0x2000..: four read as hiragana (nothing placed them), one as イ.
    let free: Vec<u32> = (0x2000..0x2004).collect();
    let offset = 0x2000 - 'あ' as i64;
    let clash = gid('イ', offset);
    let all: Vec<u32> = katakana_gids()
        .into_iter()
        .chain(free.iter().copied())
        .chain([clash])
        .collect();
    let c = corpus(&all);
    let katakana = hypothesis(&c, KATAKANA, &katakana_gids());
    let gids: Vec<u32> = free.iter().copied().chain([clash]).collect();
    let (hs, rules) = with_rules(&c, vec![katakana.clone(), hypothesis(&c, offset, &gids)]);
    let (kept, kept_rules, verified) = one_font::resolve(hs, rules, &c);
    assert_eq!(kept.len(), 2);
    assert_eq!(
        verified,
        vec![7, 5],
        "support: the glyphs each order verified"
    );
    assert_eq!(kept[1].glyphs.len(), 4);
    assert!(kept[1].glyphs.iter().all(|x| x.1 != 'イ'));
    assert!((kept[1].gain - 12.0).abs() < 1e-4);
    // Its hiragana block stays; nothing reads the clashing glyph as イ.
    assert_eq!(reads(&kept_rules[1], 0x2000), Some('あ'));
    assert!(kept_rules.iter().all(|r| reads(r, clash) != Some('イ')));
    // Half contradicted: dropped.
    let gids: Vec<u32> = free[..1].iter().copied().chain([clash]).collect();
    let (hs, rules) = with_rules(&c, vec![katakana, hypothesis(&c, offset, &gids)]);
    let (kept, _, _) = one_font::resolve(hs, rules, &c);
    assert_eq!(kept.len(), 1);
}
