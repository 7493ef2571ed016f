//! Real-world PDFs whose text depends on predefined CMaps, CID character collections or the
//! font program (../shared/corpus/realworld/pdf, not in the repository): `extract` must
//! leave no glyph unresolved and give the characters `pdftotext -raw` gives.
//!
//! The comparison is on non-whitespace characters as multisets after NFKC, because the
//! tools order lines differently and poppler writes vertical presentation forms (︑) where
//! glyphmend writes the horizontal character (、; see src/ingest/predefined.rs). pdftotext
//! needs poppler-data for these fonts (.ci/run installs both).

use glyphmend::ingest::{ExtractOptions, extract_path};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use unicode_normalization::UnicodeNormalization;

fn pdf(name: &str) -> PathBuf {
    crate::common::repo()
        .join("../shared/corpus/realworld/pdf")
        .join(format!("{name}.pdf"))
}

fn pdftotext(path: &Path) -> String {
    assert!(
        Path::new("/usr/share/poppler/cMap/Adobe-Japan1").is_dir(),
        "poppler-data is not installed: pdftotext cannot decode CID fonts without it"
    );
    let out = Command::new("pdftotext")
        .args(["-raw", "-enc", "UTF-8"])
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) must be installed");
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        path.display()
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn multiset(s: &str) -> HashMap<char, usize> {
    let mut m = HashMap::new();
    for c in s.nfkc().filter(|c| !c.is_whitespace() && !c.is_control()) {
        *m.entry(c).or_default() += 1;
    }
    m
}

/// (characters of pdftotext's text that ours lacks, characters ours has in excess, total).
fn difference(ours: &str, theirs: &str) -> (usize, usize, usize, Vec<(char, i64)>) {
    let (a, b) = (multiset(ours), multiset(theirs));
    let (mut missing, mut extra) = (0, 0);
    let mut worst: Vec<(char, i64)> = Vec::new();
    for c in a
        .keys()
        .chain(b.keys())
        .collect::<std::collections::HashSet<_>>()
    {
        let d = *a.get(c).unwrap_or(&0) as i64 - *b.get(c).unwrap_or(&0) as i64;
        if d < 0 {
            missing += (-d) as usize;
        } else {
            extra += d as usize;
        }
        if d != 0 {
            worst.push((*c, d));
        }
    }
    worst.sort_by_key(|&(c, d)| (-d.abs(), c));
    worst.truncate(12);
    (missing, extra, b.values().sum(), worst)
}

/// Extracts `name` and checks it against pdftotext; returns our text.
fn check(name: &str, max_diff_share: f64) -> String {
    let path = pdf(name);
    assert!(
        path.is_file(),
        "{} missing (../shared/corpus/realworld)",
        path.display()
    );
    let doc = extract_path(&path, &ExtractOptions::default()).unwrap();
    let ours = doc.text();
    assert_eq!(
        doc.stats.unresolved, 0,
        "{name}: {} of {} glyphs unresolved; warnings: {:?}",
        doc.stats.unresolved, doc.stats.glyphs, doc.warnings
    );
    assert!(!ours.contains('\u{FFFD}'), "{name}: U+FFFD in the text");
    let theirs = pdftotext(&path);
    let (missing, extra, total, worst) = difference(&ours, &theirs);
    assert!(total > 0, "{name}: pdftotext gave no text");
    let share = (missing + extra) as f64 / total as f64;
    assert!(
        share <= max_diff_share,
        "{name}: {missing} characters of pdftotext's {total} missing, {extra} extra ({:.2} %); most different (char, ours - theirs): {worst:?}",
        100.0 * share
    );
    ours
}

fn kana(s: &str) -> usize {
    s.chars()
        .filter(|&c| ('\u{3041}'..='\u{30FF}').contains(&c))
        .count()
}

#[test]
fn adobe_japan1_cid_fonts_read_like_pdftotext() {
    // Non-embedded Ryumin-Light (Identity-H / -V), CID-keyed CFF (HiraMinProN, FutoGo),
    // non-embedded MS-PGothic CIDFontType2, Adobe-Japan1 without ToUnicode.
    for name in [
        "pdfjs-issue16538",
        "pdfjs-issue13147",
        "pdfminer-jo",
        "pdfjs-noembed-identity",
        "pdfjs-noembed-identity-2",
    ] {
        let text = check(name, 0.01);
        assert!(kana(&text) > 0, "{name}: no kana at all");
    }
}

#[test]
fn docuworks_cidtogidmap_adobe_japan1() {
    let text = check("jp-mlit-shikoku-02-1", 0.01);
    assert!(text.contains("入札"), "no 入札 in the tender document");
}

#[test]
fn gbk_cmaps_give_chinese_without_kana() {
    for name in ["pdfjs-issue2128r", "pdfjs-issue3521"] {
        let text = check(name, 0.01);
        assert_eq!(kana(&text), 0, "{name}: Japanese kana in Chinese text");
    }
}

#[test]
fn korean_file_gives_hangul_without_kana() {
    let text = check("pdfjs-issue5010", 0.01);
    assert!(
        text.chars().any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c)),
        "no Hangul"
    );
    assert_eq!(kana(&text), 0, "Japanese kana in Korean text");
}

#[test]
fn vertical_truetype_subset_reads() {
    check("pdfjs-vertical", 0.01);
}

#[test]
fn winansi_excel_font_is_not_renumbered() {
    let text = check("jp-mhlw-shinryoujo46-000849991", 0.01);
    assert!(text.contains("891-0105"), "postcode lost");
}

/// A font whose CIDs are glyph IDs of MS Mincho (CIDSystemInfo Adobe-Identity) must not be
/// read through a collection: its glyphs stay unresolved for the table stage.
#[test]
fn adobe_identity_font_stays_unresolved() {
    let path = pdf("jp-mlit-kyushu-89test");
    assert!(path.is_file(), "{} missing", path.display());
    let opts = ExtractOptions {
        pages: Some((1, 1)),
        builtin_tables: false,
        ..ExtractOptions::default()
    };
    let doc = extract_path(&path, &opts).unwrap();
    assert!(doc.stats.glyphs > 1000);
    assert_eq!(doc.stats.unresolved, doc.stats.glyphs);
}
