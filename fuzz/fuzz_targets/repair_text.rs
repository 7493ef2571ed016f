#![no_main]
//! Text repair (`repair::Repairer`) with the built-in tables and model, on any UTF-8 text.
//! Invariants (the module's guarantees): no panic; one output line per input line; a line
//! without strong evidence of garbling (`detect::has_strong_evidence`) comes out
//! byte-identical, so a clean text is returned unchanged (borrowed, not copied); and the
//! chunked path `repair` uses for files (`line_chunks` + `DocumentModel` + `repair_chunk`,
//! chunks of a few lines) gives exactly the whole text's output.
use glyphmend::detect::has_strong_evidence;
use glyphmend::repair::{Repairer, line_chunks};
use glyphmend::tables::TableSet;
use libfuzzer_sys::fuzz_target;
use std::borrow::Cow;
use std::sync::OnceLock;

static TABLES: OnceLock<TableSet> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    // Inputs longer than this only repeat what shorter ones find, far slower.
    if data.len() > 4096 {
        return;
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let tables = TABLES.get_or_init(|| TableSet::builtin().expect("built-in tables"));
    let repairer = Repairer::new(tables, glyphmend::lm::CharLm::builtin());
    let whole = repairer.repair_text(text);
    let out = whole.text.as_ref();
    assert_eq!(
        out.matches('\n').count(),
        text.matches('\n').count(),
        "one output line per input line"
    );
    let mut clean = true;
    for (before, after) in text.split('\n').zip(out.split('\n')) {
        if !has_strong_evidence(before) {
            assert_eq!(before, after, "a clean line changed");
        } else {
            clean = false;
        }
    }
    if clean {
        assert!(matches!(whole.text, Cow::Borrowed(_)), "clean text copied");
    }
    // The chunked path: every chunk observed first, then each repaired on its own.
    let mut doc = repairer.document();
    for chunk in line_chunks(text, 64) {
        doc.observe(chunk);
    }
    let mut chunked = String::new();
    let mut first_line = 1;
    for chunk in line_chunks(text, 64) {
        chunked.push_str(&repairer.repair_chunk(&doc, chunk, first_line).text);
        first_line += chunk.matches('\n').count();
    }
    assert_eq!(chunked, out, "chunked repair differs from the whole text's");
});
