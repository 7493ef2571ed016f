use super::font::slot_codes;
use super::*;
use std::collections::{BTreeSet, HashMap};

fn span(text: &str, source: MappingSource, codes: &[u32]) -> Span {
    Span {
        page: 1,
        text: text.to_string(),
        font: "F".into(),
        codes: codes.to_vec(),
        gids: codes.iter().map(|c| Some(*c)).collect(),
        source,
        table: None,
        confidence: if source == MappingSource::Unresolved {
            0.0
        } else {
            1.0
        },
        tounicode_distrust: None,
        bbox: [0.0; 4],
        unresolved: if source == MappingSource::Unresolved {
            codes.len()
        } else {
            0
        },
    }
}

#[test]
fn slots_follow_the_replacement_characters_of_the_line() {
    let line = super::super::Line {
        text: "a\u{FFFD} \u{FFFD}\u{FFFD}".into(),
        vertical: false,
        spans: vec![
            span("a", MappingSource::ToUnicode, &[7]),
            span(
                "\u{FFFD} \u{FFFD}\u{FFFD}",
                MappingSource::Unresolved,
                &[1, 2, 3],
            ),
        ],
        pieces: Vec::new(),
    };
    let ls = line_slots(&line).expect("consistent");
    assert_eq!(ls.slots, vec![Some((1, 0)), Some((1, 1)), Some((1, 2))]);
    assert_eq!(ls.cols, vec![1, 3, 4]);
    // A line whose spans do not account for its U+FFFD is not trusted.
    let mut bad = line.clone();
    bad.text.push(UNRESOLVED_CHAR);
    assert!(line_slots(&bad).is_none());
}

#[test]
fn only_read_glyphs_change_and_runs_split_where_they_meet() {
    let s = span(
        "\u{FFFD} \u{FFFD}\u{FFFD}",
        MappingSource::Unresolved,
        &[1, 2, 3],
    );
    let mut out = Vec::new();
    let n = split_span(&s, |k| (k == 1).then_some(('字', 0.999, 0)), &mut out);
    assert_eq!(n, 1);
    let got: Vec<(&str, MappingSource, &[u32], usize)> = out
        .iter()
        .map(|s| (s.text.as_str(), s.source, s.codes.as_slice(), s.unresolved))
        .collect();
    assert_eq!(
        got,
        vec![
            ("\u{FFFD} ", MappingSource::Unresolved, &[1u32][..], 1),
            ("字", MappingSource::Learned, &[2u32][..], 0),
            ("\u{FFFD}", MappingSource::Unresolved, &[3u32][..], 1),
        ]
    );
    assert_eq!(out[1].table.as_deref(), Some(LEARNED_TABLE));
    assert!((out[1].confidence - 0.999).abs() < 1e-6);
}

#[test]
fn a_document_without_unresolved_glyphs_is_left_alone() {
    let mut doc = Document {
        file: "x".into(),
        pages: vec![super::super::Page {
            number: 1,
            lines: vec![super::super::Line {
                text: "a".into(),
                vertical: false,
                spans: vec![span("a", MappingSource::ToUnicode, &[7])],
                pieces: Vec::new(),
            }],
        }],
        warnings: Vec::new(),
        stats: Default::default(),
    };
    let o = learn_unresolved(&mut doc, crate::lm::CharLm::builtin(), &Options::default());
    assert_eq!(o.learned(), 0);
    assert_eq!(doc.pages[0].lines[0].text, "a");
}

#[test]
fn glyph_ids_that_fit_are_shifted_as_they_are() {
    let keys: BTreeSet<u32> = [3, 4, 10, 500].into_iter().collect();
    let codes = slot_codes(&keys);
    for k in keys {
        assert_eq!(codes[&k] as u32, BASE + k - 3);
    }
}

#[test]
fn wide_glyph_ids_keep_their_near_distances_and_order() {
    // MS Mincho's shape: a dense low range, a few glyphs far past the slots.
    let mut keys: BTreeSet<u32> = (3..700).step_by(3).collect();
    keys.extend([2_000, 2_001, 2_005, 0x3C48, 0x3C52, 0x3EBD]);
    let codes = slot_codes(&keys);
    assert_eq!(codes.len(), keys.len());
    let ids: Vec<u32> = keys.iter().copied().collect();
    for w in ids.windows(2) {
        let (a, b) = (codes[&w[0]] as u32, codes[&w[1]] as u32);
        assert!(a < b, "order kept");
        // Only gaps wider than the slots allow are shortened; near glyphs keep their distance.
        if w[1] - w[0] <= 10 {
            assert_eq!(b - a, w[1] - w[0], "{w:?}");
        }
    }
    assert!(
        codes
            .values()
            .all(|&c| (BASE..BASE + SLOTS).contains(&(c as u32)))
    );
}

#[test]
fn more_glyphs_than_slots_fall_back_to_ranks() {
    let keys: BTreeSet<u32> = (0..SLOTS + 10).map(|k| k * 2).collect();
    let codes = slot_codes(&keys);
    assert_eq!(codes.len(), SLOTS as usize);
    assert_eq!(codes[&2] as u32, BASE + 1);
}

/// Code → occurrences of the characters of `text` (as a font's glyphs would be), taken
/// from the first `n` non-space characters.
fn char_counts(text: &str, n: usize) -> HashMap<u32, usize> {
    let mut counts = HashMap::new();
    for c in text.chars().filter(|c| !c.is_whitespace()).take(n) {
        *counts.entry(c as u32).or_default() += 1;
    }
    counts
}

#[test]
fn only_fonts_whose_glyph_frequencies_can_be_japanese_are_learned() {
    // Japanese prose (held-out manual pages) and English prose (this crate's README), 2,000
    // characters each: the least text a font needs to be learned.
    let ja = include_str!("../../../tests/fixtures/clean_ja_heldout.txt");
    let en = include_str!("../../../README.md");
    let en: String = en
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || " .,()".contains(*c))
        .collect();
    assert!(reads_like_cjk(&char_counts(ja, 2_000)));
    assert!(!reads_like_cjk(&char_counts(&en, 2_000)));
    assert!(!reads_like_cjk(&char_counts(&en, 50_000)));

    // In a document: the Latin font is not learned (nothing to read, and costly), the
    // Japanese one is.
    let line = |font: &str, text: &str| {
        let codes: Vec<u32> = text.chars().map(|c| c as u32).collect();
        let shown = UNRESOLVED_CHAR.to_string().repeat(codes.len());
        super::super::Line {
            text: shown.clone(),
            vertical: false,
            spans: vec![Span {
                font: font.into(),
                ..span(&shown, MappingSource::Unresolved, &codes)
            }],
            pieces: Vec::new(),
        }
    };
    let ja_text: String = ja
        .chars()
        .filter(|c| !c.is_whitespace())
        .take(3_000)
        .collect();
    let en_text: String = en.chars().take(3_000).collect();
    let doc = Document {
        file: "x".into(),
        pages: vec![super::super::Page {
            number: 1,
            lines: vec![line("JA+Font", &ja_text), line("EN+Font", &en_text)],
        }],
        warnings: Vec::new(),
        stats: Default::default(),
    };
    let fonts: Vec<String> = fonts_to_learn(&doc, &Options::default())
        .into_iter()
        .map(|(f, _)| f)
        .collect();
    assert_eq!(fonts, vec!["JA+Font".to_string()]);
}
