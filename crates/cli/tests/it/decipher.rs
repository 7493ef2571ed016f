//! Learning tables from garbled text alone (`learn text`), measured against truth.
//!
//! Both tests run the full decipherment (seconds: the crate is optimised in test builds,
//! see Cargo.toml).
//! The bounds are the figures measured when the tests were written (see the report in the
//! commit history), with a small margin.

use glyphmend::eval::evaluate;
use glyphmend::learn::{decipher, simulate};
use glyphmend::lm::CharLm;
use glyphmend::repair::Repairer;
use glyphmend::tables::TableSet;

fn fixture(name: &str) -> String {
    let p = crate::common::repo().join("tests/fixtures").join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn dev_a_tables_from_garbled_text_alone_repair_it() {
    let input = fixture("seed/dev-a.txt");
    let truth = fixture("seed/dev-a.truth.txt");
    let lm = CharLm::builtin();
    let learned = decipher::learn(
        "L",
        &[decipher::Source {
            name: "dev-a".into(),
            text: input.clone(),
        }],
        lm,
        &decipher::Options::default(),
    )
    .expect("learning");
    let set = TableSet {
        tables: learned.tables.clone(),
    };
    let out = Repairer::new(&set, lm).repair_text(&input).text;
    let ev = evaluate(&input, &out, &truth);
    eprintln!(
        "dev-a from learned tables: CER {:.4} (input {:.4}), clean lines changed {}",
        ev.cer(),
        ev.input_cer(),
        ev.clean_lines_changed
    );
    assert_eq!(ev.clean_lines_changed, 0);
    // Measured 0.0175 (issue 4 asks ≤ 0.02): kanji and both fonts' kana as blocks, the
    // small fullwidth block (ＮＰＯ) and title font C's kana/kanji from the seeded round.
    // Left: bullets ○/〇, heading numbers ①…⑤ / Ⅰ Ⅱ, font B's ２, font C's ＮＰＯ, ４, 室,
    // and lookalikes on lines without strong evidence (ク for 託).
    assert!(ev.cer() <= 0.02, "CER {:.4}", ev.cer());
}

/// Learns tables from a simulated garbling alone and compares them with its truth.
fn learn_back(g: &simulate::Garbled) -> (decipher::Learned, simulate::Recovery) {
    let learned = decipher::learn(
        "sim",
        &[decipher::Source {
            name: "sim".into(),
            text: g.text.clone(),
        }],
        CharLm::builtin(),
        &decipher::Options::default(),
    )
    .expect("learning");
    let r = simulate::recovery(g, &learned);
    (learned, r)
}

#[test]
fn random_permutation_font_is_learned_back_from_30kb() {
    let clean = fixture("clean_ja_heldout.txt");
    let g = simulate::garble(&clean, 42, 0.3);
    let (_, r) = learn_back(&g);
    eprintln!(
        "30 KB: glyphs {}/{} ({:.3}), characters {:.3}, confident precision {:.3}",
        r.glyphs_right,
        r.glyphs,
        r.glyph_share(),
        r.token_share(),
        r.confident_precision()
    );
    // Measured 0.944 of characters, 0.674 of glyphs (context windows with counts, six
    // rounds); frequency alone gives far less.
    assert!(r.token_share() >= 0.88, "{:.3}", r.token_share());
    assert!(r.glyph_share() >= 0.6, "{:.3}", r.glyph_share());
}

/// A font in JIS X 0208 row-cell order (neither Unicode order nor a permutation): the
/// order search finds it from the garbled text alone.
#[test]
fn jis_row_cell_font_is_learned_back_as_an_order() {
    let clean = fixture("clean_ja_heldout.txt");
    let clean = simulate::prefix(&clean, 10_000);
    let jis = glyphmend::tables::repertoire::Repertoire::by_name("jis0208").unwrap();
    let g = simulate::garble_ordered(clean, jis, 0x900, 5, 0.3);
    let (learned, r) = learn_back(&g);
    eprintln!(
        "JIS order, 10 K chars: glyphs {}/{} ({:.3}), characters {:.3}; {:?}",
        r.glyphs_right,
        r.glyphs,
        r.glyph_share(),
        r.token_share(),
        learned.hypotheses
    );
    assert!(learned.hypotheses.iter().any(|h| h.starts_with("jis0208")));
    // Measured 0.999 of characters, 339/341 glyphs (a random permutation: ~0.8).
    assert!(r.token_share() >= 0.97, "{:.3}", r.token_share());
}
