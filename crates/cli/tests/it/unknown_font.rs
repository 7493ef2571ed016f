//! Garbling from a font no table knows must be reported, not mangled: encode clean
//! Japanese with a random glyph order (different seed per case) and check that repair
//! leaves nearly all of it alone and reports it as unresolved.

use glyphmend::lm::CharLm;
use glyphmend::repair::Repairer;
use glyphmend::tables::TableSet;
use std::collections::HashMap;

/// A small deterministic generator (SplitMix64), so the test needs no crate.
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Maps every non-ASCII character to a distinct "glyph ID" in U+0E00–U+1FFF (Thai … Greek
/// extended: where real fonts' kanji IDs land), in a random order.
fn garble(text: &str, seed: u64) -> (String, usize) {
    let mut state = seed;
    let mut ids: Vec<u32> = (0x0E00..0x2000).collect();
    for i in (1..ids.len()).rev() {
        let j = (splitmix(&mut state) % (i as u64 + 1)) as usize;
        ids.swap(i, j);
    }
    let mut map: HashMap<char, char> = HashMap::new();
    let mut next = 0;
    let mut garbled = 0;
    let out = text
        .chars()
        .map(|c| {
            if c.is_ascii() {
                return c;
            }
            garbled += 1;
            *map.entry(c).or_insert_with(|| {
                let id = ids[next % ids.len()];
                next += 1;
                char::from_u32(id).unwrap_or('?')
            })
        })
        .collect();
    (out, garbled)
}

#[test]
fn unknown_font_is_reported_not_mangled() {
    let p = crate::common::repo().join("tests/fixtures/seed/dev-b.truth.txt");
    let clean = std::fs::read_to_string(p).expect("fixture");
    let tables = TableSet::builtin().expect("tables");
    let repairer = Repairer::new(&tables, CharLm::builtin());
    for seed in [1u64, 2, 3] {
        let (garbled, n) = garble(&clean, seed);
        let result = repairer.repair_text(&garbled);
        let changed: usize = result.spans().map(|s| s.before.chars().count()).sum();
        let reported: usize = result.unresolved().map(|u| u.end - u.start).sum();
        eprintln!(
            "seed {seed}: {n} garbled chars, {changed} changed, {reported} reported unresolved"
        );
        for s in result.spans() {
            eprintln!("  line {}: {} -> {}", s.line, s.before, s.after);
        }
        assert!(
            changed * 50 <= n,
            "seed {seed}: {changed} of {n} characters mangled"
        );
        assert!(
            reported * 10 >= n * 8,
            "seed {seed}: only {reported} of {n} reported"
        );
    }
}
