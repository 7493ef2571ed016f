//! Helpers shared by the integration tests.

use std::path::Path;

/// The repository's root: fixtures (`tests/fixtures`), data and `../shared` are found from
/// here, whichever crate the tests are compiled in.
pub fn repo() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// Text compared with ground_truth.txt: trailing spaces and empty lines (page breaks) ignored.
#[allow(dead_code)]
pub fn normalise(s: &str) -> String {
    s.lines()
        .map(str::trim_end)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// `../shared/tools/pdfcer.py`'s normalisation: form feeds as newlines, lines trimmed, empty
/// lines dropped.
#[allow(dead_code)] // each test binary compiles this module; not all use every helper
pub fn pdfcer_lines(s: &str) -> Vec<char> {
    s.replace('\u{c}', "\n")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
        .chars()
        .collect()
}

/// Edit distance over the truth's length (the corpus tools' CER).
#[allow(dead_code)]
pub fn cer(out: &[char], truth: &[char]) -> f64 {
    glyphmend::eval::edit_distance(out, truth) as f64 / truth.len().max(1) as f64
}

/// `metrics.py`'s `cer_nows`: CER with all whitespace removed from both sides.
#[allow(dead_code)]
pub fn cer_nows(out: &str, truth: &str) -> f64 {
    let flat = |t: &str| -> Vec<char> { t.chars().filter(|c| !c.is_whitespace()).collect() };
    cer(&flat(out), &flat(truth))
}

/// Garbles `text` through the inverse of `table` (each character printed as its glyph ID
/// in the font the table describes); characters the table lacks are kept.
pub fn garble_through(table: &glyphmend::tables::FontTable, text: &str) -> String {
    let mut inverse: std::collections::HashMap<char, u32> = std::collections::HashMap::new();
    for (g, c) in table.entries() {
        inverse.entry(c).or_insert(g);
    }
    text.chars()
        .map(|c| {
            inverse
                .get(&c)
                .and_then(|&g| char::from_u32(g))
                .unwrap_or(c)
        })
        .collect()
}
