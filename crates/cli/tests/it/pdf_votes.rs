//! `learn pdf`: one document's trusted ToUnicode repairs another document of the same font.
//!
//! Fixtures: office_emu__full.pdf (full ToUnicode) and office_emu__c_identity.pdf (identity
//! ToUnicode = glyph IDs, ignored), both from ../shared/corpus/pdf. Their fonts are IPAex,
//! for which glyphmend ships tables, so the test renames the fonts to names no table knows:
//! the only way to read the second document is then the corpus votes.

use crate::common::normalise;
use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_glyphmend");

fn fixture(name: &str) -> PathBuf {
    crate::common::repo().join("tests/fixtures/pdf").join(name)
}

/// Copies `src` to `dst` with every BaseFont / FontName `…IPAexX` renamed to `…HGTestX`.
fn renamed(src: &Path, dst: &Path) {
    let mut doc = lopdf::Document::load(src).unwrap();
    for obj in doc.objects.values_mut() {
        let dict = match obj {
            lopdf::Object::Dictionary(d) => d,
            lopdf::Object::Stream(s) => &mut s.dict,
            _ => continue,
        };
        for key in [&b"BaseFont"[..], b"FontName"] {
            if let Ok(lopdf::Object::Name(n)) = dict.get_mut(key) {
                let s = String::from_utf8_lossy(n).replace("IPAex", "HGTest");
                *n = s.into_bytes();
            }
        }
    }
    doc.save(dst).unwrap();
}

fn run(args: &[&str]) -> (String, String, bool) {
    let out = Command::new(BIN).args(args).output().unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.success(),
    )
}

fn text_of(pdf: &Path, tables: Option<&Path>) -> String {
    let mut args = vec!["extract", pdf.to_str().unwrap()];
    if let Some(t) = tables {
        args.extend(["--tables", t.to_str().unwrap()]);
    }
    let (out, err, ok) = run(&args);
    assert!(ok, "extract failed: {err}");
    out
}

#[test]
fn full_tounicode_document_repairs_the_other() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    let full = corpus.join("full.pdf");
    let broken = corpus.join("identity.pdf");
    renamed(&fixture("office_emu__full.pdf"), &full);
    renamed(&fixture("office_emu__c_identity.pdf"), &broken);
    let truth = normalise(&std::fs::read_to_string(fixture("ground_truth.txt")).unwrap());

    // Unknown fonts, identity ToUnicode ignored: nothing readable before learning.
    let before = text_of(&broken, None);
    let unresolved = before.chars().filter(|&c| c == '\u{FFFD}').count();
    assert!(
        unresolved > 400,
        "expected the renamed fonts to be unknown; {unresolved} U+FFFD in:\n{before}"
    );

    // Learning from the broken document alone gives nothing (its ToUnicode is not trusted).
    let alone = tmp.path().join("alone");
    let (report, err, ok) = run(&[
        "learn",
        "pdf",
        broken.to_str().unwrap(),
        "--out",
        alone.to_str().unwrap(),
        "--report",
    ]);
    assert!(ok, "{err}");
    assert!(report.contains("0 fonts with votes"), "{report}");

    // Learning over both: the second comes out exact.
    let tables = tmp.path().join("tables");
    let (report, err, ok) = run(&[
        "learn",
        "pdf",
        corpus.to_str().unwrap(),
        "--out",
        tables.to_str().unwrap(),
        "--report",
    ]);
    assert!(ok, "{err}");
    assert!(
        report.contains("2 documents (0 unreadable), 2 fonts with votes"),
        "{report}"
    );
    assert!(report.contains("HGTestGothic"), "{report}");
    assert!(report.contains("0 in conflict"), "{report}");
    assert!(tables.join("hgtestgothic.table").exists());
    assert!(tables.join("hgtestmincho.table").exists());
    let after = text_of(&broken, Some(&tables));
    assert_eq!(normalise(&after), truth);
    // The full document itself is unchanged by its own votes.
    assert_eq!(normalise(&text_of(&full, Some(&tables))), truth);
}

#[test]
fn a_learned_table_says_where_it_came_from() {
    let tmp = tempfile::tempdir().unwrap();
    let full = tmp.path().join("full.pdf");
    renamed(&fixture("office_emu__full.pdf"), &full);
    let out = tmp.path().join("t");
    let (_, err, ok) = run(&[
        "learn",
        "pdf",
        full.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--no-generalize",
    ]);
    assert!(ok, "{err}");
    let table = std::fs::read_to_string(out.join("hgtestgothic.table")).unwrap();
    assert!(
        table.contains("basefont") && table.contains("HGTestGothic"),
        "{table}"
    );
    assert!(table.contains("source=tounicode"), "{table}");
    assert!(table.contains("1/1 documents"), "{table}");
    // Not applied to plain text: PDF glyph IDs are not garbled text's code points.
    assert!(table.contains("text=no"), "{table}");
}

/// The flag form of earlier versions (`learn --pdf PATHS…`) still runs `learn pdf`: the same
/// table, byte for byte. With no source at all, `learn` fails and names the subcommands.
#[test]
fn the_old_flag_form_runs_the_same_subcommand() {
    let tmp = tempfile::tempdir().unwrap();
    let full = tmp.path().join("full.pdf");
    renamed(&fixture("office_emu__full.pdf"), &full);
    let (new, old) = (tmp.path().join("new"), tmp.path().join("old"));
    for (form, out) in [("pdf", &new), ("--pdf", &old)] {
        let (_, err, ok) = run(&[
            "learn",
            form,
            full.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--no-generalize",
        ]);
        assert!(ok, "learn {form}: {err}");
    }
    let table = |dir: &Path| std::fs::read(dir.join("hgtestgothic.table")).unwrap();
    assert_eq!(table(&new), table(&old));
    let (_, err, ok) = run(&["learn", "--out", tmp.path().to_str().unwrap()]);
    assert!(!ok);
    assert!(err.contains("learn pdf|text|font|anchors"), "{err}");
}

#[test]
fn an_unreadable_pdf_is_reported_and_the_corpus_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("c");
    std::fs::create_dir(&corpus).unwrap();
    renamed(&fixture("office_emu__full.pdf"), &corpus.join("full.pdf"));
    std::fs::write(corpus.join("junk.pdf"), b"%PDF-1.4 not really").unwrap();
    let out = tmp.path().join("t");
    let (report, err, ok) = run(&[
        "learn",
        "pdf",
        corpus.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--report",
    ]);
    assert!(ok, "{err}");
    assert!(report.contains("(1 unreadable)"), "{report}");
    assert!(err.contains("junk.pdf"), "{err}");
    assert!(out.join("hgtestgothic.table").exists());
}

/// Generalisation measured against the exact table from the font file (IPAex ships with
/// glyphmend): of the glyphs no document voted on, how many do the fitted blocks get right?
/// IPAex follows Adobe-Japan1 CID order (gid = CID − 0xEA); its cmap leaves some glyphs
/// unmapped (JIS90 shapes of 葛, 廻 … whose characters map to JIS2004 shapes elsewhere), so
/// an entry there cannot be checked: counted apart, never as right.
#[test]
fn fitted_blocks_agree_with_the_font_files_own_cmap() {
    use glyphmend::learn::pdf_votes::{CorpusVotes, VoteOptions};
    let opts = glyphmend::ingest::ExtractOptions::default();
    let mut corpus = CorpusVotes::default();
    let bytes = std::fs::read(fixture("office_emu__full.pdf")).unwrap();
    corpus.add_pdf("full.pdf", &bytes, &opts);
    let learned = corpus.tables(&VoteOptions::default()).unwrap();
    let builtin = glyphmend::tables::TableSet::builtin().unwrap();
    let (mut voted_right, mut voted, mut gen_right, mut generalized) = (0, 0, 0, 0);
    let (mut doubt_right, mut doubt, mut unmapped) = (0, 0, 0);
    for l in &learned {
        let exact = builtin.for_basefont(&l.key.basefont).unwrap();
        for (gid, ch) in l.table.entries() {
            let rule = l.table.rule(l.table.decode(gid).unwrap().rule).unwrap();
            let Some(want) = exact.get(gid) else {
                unmapped += 1;
                continue;
            };
            let right = want == ch;
            if rule.source == "tounicode" {
                voted += 1;
                voted_right += usize::from(right);
            } else if rule.confidence < 0.5 {
                doubt += 1;
                doubt_right += usize::from(right);
            } else {
                generalized += 1;
                gen_right += usize::from(right);
            }
        }
    }
    println!(
        "votes right {voted_right}/{voted}; fitted-block entries applied: right {gen_right}/{generalized}; in doubt (not applied): right {doubt_right}/{doubt}; glyphs the font's cmap leaves unmapped: {unmapped}"
    );
    assert_eq!(voted_right, voted);
    // Adobe-Japan1 order found: thousands of kanji from 238 votes (Unicode order alone
    // generalised to 163 entries).
    assert!(generalized > 5000, "{generalized}");
    assert_eq!(gen_right, generalized, "an applied fitted entry is wrong");
    assert!(doubt > 0, "extrapolated entries are written in doubt");
}

/// Entries in doubt (confidence < 0.5) are reported, not applied, unless asked for.
#[test]
fn entries_in_doubt_are_applied_only_when_asked() {
    let tmp = tempfile::tempdir().unwrap();
    let (full, broken) = (tmp.path().join("full.pdf"), tmp.path().join("id.pdf"));
    renamed(&fixture("office_emu__full.pdf"), &full);
    renamed(&fixture("office_emu__c_identity.pdf"), &broken);
    let learned = tmp.path().join("learned");
    let (_, err, ok) = run(&[
        "learn",
        "pdf",
        full.to_str().unwrap(),
        "--out",
        learned.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    // The same tables with every entry lowered into doubt.
    let doubtful = tmp.path().join("doubtful");
    std::fs::create_dir(&doubtful).unwrap();
    for name in ["hgtestgothic.table", "hgtestmincho.table"] {
        let t = std::fs::read_to_string(learned.join(name)).unwrap();
        let lowered = t
            .replace("confidence=1.00", "confidence=0.40")
            .replace("confidence=0.90", "confidence=0.40");
        std::fs::write(doubtful.join(name), lowered).unwrap();
    }
    let out = Command::new(BIN)
        .args(["extract", broken.to_str().unwrap(), "--tables"])
        .arg(&doubtful)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        text.chars().filter(|&c| c == '\u{FFFD}').count() > 400,
        "{text}"
    );
    assert!(stderr.contains("in doubt"), "{stderr}");
    let out = Command::new(BIN)
        .args(["extract", broken.to_str().unwrap(), "--tables"])
        .arg(&doubtful)
        .args(["--min-rule-confidence", "0.3"])
        .output()
        .unwrap();
    let truth = normalise(&std::fs::read_to_string(fixture("ground_truth.txt")).unwrap());
    assert_eq!(normalise(&String::from_utf8_lossy(&out.stdout)), truth);
}

/// `batch --learn-fonts`: the same, inside a batch run over the directory.
#[test]
fn batch_learns_fonts_from_its_own_corpus() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    std::fs::create_dir(&input).unwrap();
    renamed(&fixture("office_emu__full.pdf"), &input.join("full.pdf"));
    renamed(
        &fixture("office_emu__c_identity.pdf"),
        &input.join("identity.pdf"),
    );
    let truth = normalise(&std::fs::read_to_string(fixture("ground_truth.txt")).unwrap());
    let batch = |out: &Path, learn: bool| {
        let mut cmd = Command::new(BIN);
        cmd.args(["batch", "-q", "-j2"])
            .arg(&input)
            .arg("-o")
            .arg(out);
        if learn {
            cmd.arg("--learn-fonts");
        }
        let o = cmd.output().unwrap();
        // 4: done, but unresolved glyphs or learned tables need attention (batch --help).
        assert_eq!(
            o.status.code(),
            Some(4),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        std::fs::read_to_string(out.join("docs/identity.pdf/repaired.txt")).unwrap()
    };
    let plain = batch(&tmp.path().join("plain"), false);
    assert!(plain.contains('\u{FFFD}'));
    let learned = batch(&tmp.path().join("learned"), true);
    let attention =
        std::fs::read_to_string(tmp.path().join("learned/needs_attention.json")).unwrap();
    assert!(attention.contains("learned_tables"), "{attention}");
    assert_eq!(normalise(&learned), truth);
    let manifest = std::fs::read_to_string(tmp.path().join("learned/manifest.json")).unwrap();
    assert!(manifest.contains("corpus-hgtestgothic"), "{manifest}");
}
