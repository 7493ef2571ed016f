//! `extract --font-files`: subsets that renumbered their glyphs (LibreOffice, reportlab write
//! CJK fonts as simple TrueType fonts with codes 1…N) are read by matching glyph outlines
//! against font files the user has. Fixtures from ../shared/corpus/pdf; the font files are
//! Debian's fonts-ipaexfont (installed by .ci/run).

use crate::common::normalise;
use std::path::PathBuf;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_glyphmend");

fn fixture(name: &str) -> PathBuf {
    crate::common::repo().join("tests/fixtures/pdf").join(name)
}

fn ipaex() -> Option<Vec<PathBuf>> {
    let dirs: Vec<PathBuf> = [
        "/usr/share/fonts/opentype/ipaexfont-gothic",
        "/usr/share/fonts/opentype/ipaexfont-mincho",
    ]
    .iter()
    .map(PathBuf::from)
    .collect();
    if dirs.iter().all(|d| d.is_dir()) {
        Some(dirs)
    } else {
        eprintln!("fonts-ipaexfont not installed: outline tests skipped");
        None
    }
}

fn extract(pdf: &str, font_files: &[PathBuf]) -> (String, String) {
    let mut cmd = Command::new(BIN);
    cmd.args(["extract"]).arg(fixture(pdf));
    if !font_files.is_empty() {
        cmd.arg("--font-files").args(font_files);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn truth() -> String {
    normalise(&std::fs::read_to_string(fixture("ground_truth.txt")).unwrap())
}

#[test]
fn renumbered_subsets_are_exact_with_font_files() {
    let Some(fonts) = ipaex() else { return };
    for pdf in [
        "libreoffice__c_identity.pdf",
        "reportlab__a_no_tounicode.pdf",
    ] {
        let (text, _) = extract(pdf, &fonts);
        assert_eq!(normalise(&text), truth(), "{pdf}");
    }
}

#[test]
fn without_font_files_nothing_wrong_is_emitted() {
    // The identity ToUnicode of a renumbered simple font maps 0x01 → U+0001 …: glyph
    // ordinals, not text. The WinAnsi encoding is nominal. So: unresolved, and said why.
    let (text, err) = extract("libreoffice__c_identity.pdf", &[]);
    let shown: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(shown.len() > 400);
    assert!(shown.iter().all(|&c| c == '\u{FFFD}'), "{text}");
    assert!(err.contains("codes number the subset's glyphs"), "{err}");
    assert!(err.contains("--font-files"), "{err}");
}

#[test]
fn a_missing_font_file_is_a_clear_error() {
    let out = Command::new(BIN)
        .args(["extract"])
        .arg(fixture("libreoffice__c_identity.pdf"))
        .args(["--font-files", "/nonexistent/fonts"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("/nonexistent/fonts"), "{err}");
}

#[test]
fn batch_reads_renumbered_subsets_with_font_files() {
    let Some(fonts) = ipaex() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    std::fs::create_dir(&input).unwrap();
    std::fs::copy(fixture("libreoffice__c_identity.pdf"), input.join("lo.pdf")).unwrap();
    let out = tmp.path().join("out");
    let run = |extra: &[&std::ffi::OsStr]| {
        let o = Command::new(BIN)
            .args(["batch", "-q", "-j1"])
            .args(extra)
            .arg(&input)
            .arg("-o")
            .arg(&out)
            .output()
            .unwrap();
        // 0: all clean; 4: done, but unresolved glyphs need attention (batch --help).
        assert!(
            matches!(o.status.code(), Some(0 | 4)),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let text = std::fs::read_to_string(out.join("docs/lo.pdf/repaired.txt")).unwrap();
        (text, o.status.code())
    };
    let (without, status) = run(&[]);
    assert!(without.contains('\u{FFFD}'));
    assert_eq!(status, Some(4), "unresolved glyphs are not `ok`");
    // Font files change the tables version: the unchanged input is processed again. One
    // path per `--font-files`, given before the input directory, which must not be taken for
    // a font directory.
    let args: Vec<&std::ffi::OsStr> = fonts
        .iter()
        .flat_map(|f| ["--font-files".as_ref(), f.as_os_str()])
        .collect();
    let (with, _) = run(&args);
    assert_eq!(normalise(&with), truth());
}
