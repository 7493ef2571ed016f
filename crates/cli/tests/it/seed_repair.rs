//! The seed sample (tests/fixtures/seed, copied from shared/corpus/seed): repair must bring
//! garbled lines to ≤ 1 % CER and leave every clean line byte-identical.

use glyphmend::eval::evaluate;
use glyphmend::lm::CharLm;
use glyphmend::repair::Repairer;
use glyphmend::tables::TableSet;

fn fixture(name: &str) -> String {
    let p = crate::common::repo().join("tests/fixtures/seed").join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn repair(text: &str) -> String {
    let tables = TableSet::builtin().expect("built-in tables");
    Repairer::new(&tables, CharLm::builtin())
        .repair_text(text)
        .text
        .into_owned()
}

#[test]
fn dev_a_garbled_lines_within_one_percent_cer() {
    let input = fixture("dev-a.txt");
    let truth = fixture("dev-a.truth.txt");
    let out = repair(&input);
    assert_eq!(
        out.split('\n').count(),
        input.split('\n').count(),
        "line count changed"
    );
    let ev = evaluate(&input, &out, &truth);
    for (n, got, want) in &ev.wrong_lines {
        eprintln!("line {n}\n  got:  {got}\n  want: {want}");
    }
    eprintln!(
        "dev-a: {} garbled lines, {} chars; CER {:.4} (input {:.4}); clean lines changed {}",
        ev.garbled_lines,
        ev.garbled_chars,
        ev.cer(),
        ev.input_cer(),
        ev.clean_lines_changed
    );
    assert_eq!(ev.garbled_lines, 79);
    assert_eq!(ev.clean_lines_changed, 0, "a clean line was changed");
    assert!(ev.cer() <= 0.01, "CER {:.4} above 1 %", ev.cer());
}

#[test]
fn clean_parts_come_back_byte_identical() {
    for name in ["dev-b.txt", "dev-c.txt"] {
        let input = fixture(name);
        assert_eq!(repair(&input), input, "{name} was changed");
    }
}

/// The same sample after an NFC pass: garbled code points that NFC changed (U+1F71 ά → 活
/// became U+03AC …) must still be read back.
#[test]
fn dev_a_after_nfc_normalisation() {
    use unicode_normalization::UnicodeNormalization;
    let input: String = fixture("dev-a.txt").nfc().collect();
    let truth = fixture("dev-a.truth.txt");
    let out = repair(&input);
    let ev = evaluate(&input, &out, &truth);
    for (n, got, want) in &ev.wrong_lines {
        eprintln!("line {n}\n  got:  {got}\n  want: {want}");
    }
    eprintln!(
        "dev-a NFC: CER {:.4} (input {:.4}); clean lines changed {}",
        ev.cer(),
        ev.input_cer(),
        ev.clean_lines_changed
    );
    assert_eq!(ev.clean_lines_changed, 0);
    assert!(ev.cer() <= 0.01, "CER {:.4}", ev.cer());
}
