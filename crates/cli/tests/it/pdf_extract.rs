//! PDF extraction against ground truth: three small fixtures always, the shared corpus
//! (producers × damage variants) when it is present.

use crate::common;
use glyphmend::ingest::{ExtractOptions, extract_bytes, extract_path};

use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    crate::common::repo().join("tests/fixtures/pdf")
}

fn check(path: &Path, truth: &str) -> Result<(), String> {
    let doc = extract_path(path, &ExtractOptions::default()).map_err(|e| e.to_string())?;
    let got = doc.text();
    if got != truth {
        let diff: Vec<String> = got
            .lines()
            .zip(truth.lines())
            .filter(|(a, b)| a != b)
            .take(3)
            .map(|(a, b)| format!("  got:  {a}\n  want: {b}"))
            .collect();
        return Err(format!(
            "{}: text differs ({} vs {} lines)\n{}",
            path.display(),
            got.lines().count(),
            truth.lines().count(),
            diff.join("\n")
        ));
    }
    if doc.stats.unresolved != 0 {
        return Err(format!(
            "{}: {} unresolved glyphs",
            path.display(),
            doc.stats.unresolved
        ));
    }
    Ok(())
}

#[test]
fn fixtures_match_ground_truth() {
    let truth = std::fs::read_to_string(fixtures().join("ground_truth.txt")).unwrap();
    let mut n = 0;
    for name in [
        "office_emu_ipamj__a_no_tounicode.pdf",
        "office_emu__c_identity.pdf",
        "chromium__b_partial50.pdf",
    ] {
        check(&fixtures().join(name), &truth).unwrap();
        n += 1;
    }
    assert_eq!(n, 3);
}

#[test]
fn shared_corpus_matches_ground_truth() {
    let dir = crate::common::repo().join("../shared/corpus/pdf");
    let Ok(truth) = std::fs::read_to_string(dir.join("ground_truth.txt")) else {
        eprintln!("note: {} absent; corpus test skipped", dir.display());
        return;
    };
    let mut failures = Vec::new();
    let mut checked = 0;
    for producer in [
        "office_emu",
        "office_emu_cmap",
        "office_emu_ipamj",
        "chromium",
    ] {
        for variant in ["full", "a_no_tounicode", "b_partial50", "c_identity"] {
            let p = dir.join(format!("{producer}__{variant}.pdf"));
            checked += 1;
            if let Err(e) = check(&p, &truth) {
                failures.push(e);
            }
        }
    }
    assert_eq!(checked, 16);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn provenance_names_the_sources() {
    let bytes = std::fs::read(fixtures().join("chromium__b_partial50.pdf")).unwrap();
    let doc = extract_bytes(
        &bytes,
        "chromium__b_partial50.pdf",
        &ExtractOptions::default(),
    )
    .unwrap();
    // Half the characters are covered by the ToUnicode, the rest come from the subset's cmap.
    assert!(
        doc.stats.by_source.get("to-unicode").copied().unwrap_or(0) > 100,
        "{:?}",
        doc.stats
    );
    assert!(
        doc.stats.by_source.get("font-cmap").copied().unwrap_or(0) > 100,
        "{:?}",
        doc.stats
    );
    let json = serde_json::to_value(&doc).unwrap();
    let span = &json["pages"][0]["lines"][0]["spans"][0];
    assert_eq!(span["page"], 1);
    assert!(span["font"].as_str().unwrap().ends_with("IPAexGothic"));
    assert!(span["gids"][0].as_u64().is_some());
    assert_eq!(span["bbox"].as_array().unwrap().len(), 4);

    let bytes = std::fs::read(fixtures().join("office_emu_ipamj__a_no_tounicode.pdf")).unwrap();
    let doc = extract_bytes(&bytes, "x.pdf", &ExtractOptions::default()).unwrap();
    assert_eq!(
        doc.stats.by_source.get("table").copied(),
        Some(doc.stats.glyphs)
    );
}

#[test]
fn without_tables_no_tounicode_glyphs_are_unresolved_not_guessed() {
    let opts = ExtractOptions {
        tables: Default::default(),
        builtin_tables: false,
        ..ExtractOptions::default()
    };
    let doc = extract_path(
        &fixtures().join("office_emu_ipamj__a_no_tounicode.pdf"),
        &opts,
    )
    .unwrap();
    assert_eq!(doc.stats.unresolved, doc.stats.glyphs);
    assert!(
        doc.text()
            .chars()
            .filter(|c| *c != '\n')
            .all(|c| c == '\u{FFFD}')
    );
    assert!(doc.warnings.iter().any(|w| w.contains("unresolved")));
}

/// Two prose columns drawn row by row come out column by column (scripts/make_tiny_pdfs.py).
#[test]
fn two_columns_read_in_column_order() {
    let bytes =
        std::fs::read(crate::common::repo().join("tests/fixtures/pdf/two_column.pdf")).unwrap();
    let doc = glyphmend::ingest::extract_bytes(
        &bytes,
        "two_column.pdf",
        &glyphmend::ingest::ExtractOptions::default(),
    )
    .unwrap();
    let lines: Vec<String> = doc.pages[0].lines.iter().map(|l| l.text.clone()).collect();
    assert_eq!(
        lines,
        [
            "Heading across the whole page width",
            "Left column line one is here",
            "left column line two goes on",
            "left column line three ends",
            "left column line four, last",
            "Right column first line text",
            "right column second line text",
            "right column third line text",
            "right column fourth line text",
            "Footer across the whole page width too",
        ]
    );
}

/// A user table whose fingerprint does not fit the embedded font is not used (warned), and the
/// shipped table still reads the document.
#[test]
fn a_table_for_a_smaller_font_is_not_used() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("wrong.table"),
        "table name=wrong basefont=IPAexGothic,IPAexMincho fingerprint=glyphs=100\n\
         glyph gid=0010 char=U+30A2 confidence=1.00 source=anchors\n",
    )
    .unwrap();
    let opts = ExtractOptions {
        tables: std::sync::Arc::new(glyphmend::tables::TableSet::load_dir(tmp.path()).unwrap()),
        ..ExtractOptions::default()
    };
    let doc = extract_path(&fixtures().join("office_emu__c_identity.pdf"), &opts).unwrap();
    assert!(
        doc.warnings
            .iter()
            .any(|w| w.contains("table wrong is for a font of 100 glyphs")),
        "{:?}",
        doc.warnings
    );
    assert_eq!(doc.stats.unresolved, 0);
    let truth = std::fs::read_to_string(fixtures().join("ground_truth.txt")).unwrap();
    assert_eq!(common::normalise(&doc.text()), common::normalise(&truth));
}
