//! Clean Japanese text the language model was not built from must come back unchanged:
//! at most 1 false repair per million characters.

use glyphmend::lm::CharLm;
use glyphmend::repair::Repairer;
use glyphmend::tables::TableSet;
use std::path::Path;
use std::process::Command;

fn repaired_spans(text: &str) -> (usize, String) {
    let tables = TableSet::builtin().expect("tables");
    let result = Repairer::new(&tables, CharLm::builtin()).repair_text(text);
    let n = result.spans().count();
    (n, result.text.into_owned())
}

#[test]
fn bundled_heldout_sample_is_untouched() {
    let p = crate::common::repo().join("tests/fixtures/clean_ja_heldout.txt");
    let text = std::fs::read_to_string(p).expect("fixture");
    let (n, out) = repaired_spans(&text);
    assert_eq!(n, 0);
    assert_eq!(out, text);
}

/// The full held-out text (manpages-ja, ~2.4 M characters), when the package is installed
/// (`.ci/run` installs it). Extraction uses the same script the LM build uses.
#[test]
fn million_characters_of_heldout_text_at_most_one_false_repair_per_million() {
    if !Path::new("/usr/share/man/ja").exists() {
        eprintln!("skipped: manpages-ja is not installed");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("heldout.txt");
    let script = crate::common::repo().join("scripts/heldout_text.sh");
    let status = Command::new("bash").arg(&script).arg(&out).output();
    let Ok(status) = status else {
        eprintln!("skipped: cannot run {}", script.display());
        return;
    };
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let text = std::fs::read_to_string(&out).expect("held-out text");
    let chars = text.chars().count();
    assert!(chars >= 1_000_000, "only {chars} characters");
    let (n, _) = repaired_spans(&text);
    eprintln!("{n} false repair(s) in {chars} characters");
    assert!(
        (n as f64) <= chars as f64 / 1e6,
        "{n} false repairs in {chars} characters"
    );
}
