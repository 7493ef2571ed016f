//! The reduced unseen-font benchmark (the full one: `scripts/unseen_fonts.sh`): held-out
//! clean Japanese garbled through real fonts' glyph IDs as a bidi-aware extractor prints
//! them, repaired with the shipped tables minus the test font's own. Wrong characters
//! must stay ≤ 0.5 % of the garbled ones, and spans printed with confidence ≥ 0.9 must be
//! ≥ 99.5 % right. Fonts: VL Gothic (fonts-vlgothic; no table of its order ships) and
//! IPAexMincho (fonts-ipaexfont; its own table left out, IPAexGothic's shares its order).

use glyphmend::lm::CharLm;
use glyphmend::repair::{Repairer, bidi};
use glyphmend::tables::TableSet;
use std::collections::HashMap;
use std::path::Path;

struct Outcome {
    garbled: usize,
    right: usize,
    wrong: usize,
    confident: usize,
    confident_right: usize,
}

fn run(font: &str, package: &str) -> Outcome {
    let data = std::fs::read(font).unwrap_or_else(|e| panic!("{font}: {e} (needs {package})"));
    let faces = glyphmend::learn::font_file::faces(&data).expect("font");
    let (index, ps) = faces.first().cloned().expect("a face");
    let table = glyphmend::learn::font_file::table_from_font(&data, index, font, None, None)
        .expect("table");
    let mut inverse: HashMap<char, char> = HashMap::new();
    for (g, c) in table.entries() {
        if let Some(g) = char::from_u32(g).filter(|g| !g.is_ascii()) {
            inverse.entry(c).or_insert(g);
        }
    }
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/clean_ja_heldout.txt");
    let clean = std::fs::read_to_string(p).expect("fixture");
    let mut truth: HashMap<char, char> = HashMap::new();
    let mut garbled = 0;
    let mut text = String::new();
    for line in clean.lines().take(150) {
        let logical: String = line
            .chars()
            .map(|c| match inverse.get(&c) {
                Some(&g) if !c.is_ascii() => {
                    truth.insert(g, c);
                    garbled += 1;
                    g
                }
                _ => c,
            })
            .collect();
        text.push_str(&bidi::forward(&logical));
        text.push('\n');
    }
    let builtin = TableSet::builtin().expect("tables");
    let mut set = TableSet::default();
    for t in builtin.text_tables() {
        if !t.basefonts.contains(&ps) {
            set.tables.push(t.clone());
        }
    }
    let result = Repairer::new(&set, CharLm::builtin()).repair_text(&text);
    let mut o = Outcome {
        garbled,
        right: 0,
        wrong: 0,
        confident: 0,
        confident_right: 0,
    };
    for s in result.spans() {
        let want: Vec<char> = s
            .before
            .chars()
            .map(|c| truth.get(&c).copied().unwrap_or(c))
            .collect();
        let got: Vec<char> = s.after.chars().collect();
        let right = if got.len() == want.len() {
            want.iter().zip(&got).filter(|(a, b)| a == b).count()
        } else {
            0
        };
        o.right += right;
        o.wrong += want.len() - right;
        if s.confidence >= 0.9 {
            o.confident += want.len();
            o.confident_right += right;
        }
    }
    eprintln!(
        "{ps}: {} garbled, {} right, {} wrong, {} unresolved; confidence ≥ 0.9: {}/{}",
        o.garbled,
        o.right,
        o.wrong,
        o.garbled.saturating_sub(o.right + o.wrong),
        o.confident_right,
        o.confident
    );
    assert!(o.garbled > 1000, "{ps}: the test would prove nothing");
    assert!(o.wrong * 200 <= o.garbled, "{ps}: {} wrong", o.wrong);
    assert!(
        o.confident_right * 1000 >= o.confident * 995,
        "{ps}: {}/{} right at confidence ≥ 0.9",
        o.confident_right,
        o.confident
    );
    o
}

#[test]
fn font_without_a_table_is_not_decoded_wrongly() {
    run(
        "/usr/share/fonts/truetype/vlgothic/VL-Gothic-Regular.ttf",
        "fonts-vlgothic",
    );
}

#[test]
fn font_whose_order_a_sibling_table_shares_is_decoded() {
    let o = run(
        "/usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf",
        "fonts-ipaexfont",
    );
    assert!(
        o.right * 10 >= o.garbled * 9,
        "{} of {}",
        o.right,
        o.garbled
    );
}
