//! Records from PR sheets in the house formats of ministries the seed sample does not show
//! (and of two it does, with other words): 農林水産省 (＜対策のポイント＞ …), 経済産業省 (事業目的・概要,
//! 事業スキーム, 成果目標), 文部科学省 (背景・課題, 事業内容, （担当：…）), 厚生労働省 (①施策の目的 …
//! ⑤成果イメージ), 国土交通省 (■ headings), 総務省 (【】 headings), 環境省 (1. 事業目的 … ■補助対象),
//! 内閣府 (事業概要・目的, 事業イメージ・具体例) and こども家庭庁 (事業の目的, 実施主体等 with 【】).
//!
//! `formats.rs` writes each sheet as an A4-landscape HTML slide (boxes, heading bars, a flow
//! chart of money, picture captions) from its own word lists, with the record it states.
//! Headless chromium prints each document (two sheets of one format) to PDF. Three inputs are
//! read per document: the PDF (geometry path), `pdftotext` default-mode text (what the seed
//! sample's text is) and `pdftotext -raw` text (both through the text path). Scores are per
//! input kind and per format.
//!
//! Two sets from fixed seeds: `tuning` (seeds 1–36, four documents per format), fixed on;
//! `held_out` (seeds 9301–9354, six per format), `held_out_2` (seeds 9401–9454, added when
//! the first had been run four times) and `held_out_3` (seeds 9501–9554, added for rec19's
//! rules), `#[ignore]`d so that they are only run on purpose
//! (`cargo test --test it records_ministry::held_out_ministry -- --ignored --nocapture`,
//! `… records_ministry::held_out_2 -- --ignored --nocapture`,
//! `… records_ministry::held_out_3 -- --ignored --nocapture`).
//! `GLYPHMEND_LIST=N` lists N misses and wrong facts per input (default 25).
//! Chromium or pdftotext missing makes the tests fail loudly (CI installs chromium,
//! poppler-utils and fonts-ipaexfont).

use glyphmend::segment::{ProgramRecord, SourceInfo, eval};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

mod formats;
use formats::{FORMATS, Format};

pub(crate) use crate::records_pdf::Rng;

/// The three inputs read per document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Input {
    /// The PDF through the pipeline (geometry path).
    Pdf,
    /// `pdftotext` default mode (physical reading order per column).
    Text,
    /// `pdftotext -raw` (content-stream order).
    Raw,
}

const INPUTS: &[Input] = &[Input::Pdf, Input::Text, Input::Raw];

fn pdftotext(pdf: &Path, raw: bool) -> String {
    let mut cmd = Command::new("pdftotext");
    if raw {
        cmd.arg("-raw");
    }
    let out = cmd
        .args(["-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap_or_else(|e| {
            panic!("records_ministry needs pdftotext (poppler-utils) to make its text inputs: {e}")
        });
    assert!(
        out.status.success(),
        "pdftotext failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("pdftotext writes UTF-8")
}

/// Expected and produced records per (input, format).
type Sets = BTreeMap<(Input, Format), (Vec<ProgramRecord>, Vec<ProgramRecord>)>;

/// Generates, prints and reads one set; returns the report per input kind (all formats).
fn score(name: &str, seeds: std::ops::RangeInclusive<u64>) -> BTreeMap<Input, eval::Report> {
    let dir = crate::records_pdf::workdir(&format!("ministry-{name}"));
    let keep = std::env::var_os("GLYPHMEND_KEEP_PDF").is_some();
    let pipeline = glyphmend::pipeline::Pipeline::builtin().expect("pipeline");
    let mut sets: Sets = BTreeMap::new();
    for seed in seeds {
        let format = FORMATS[seed as usize % FORMATS.len()];
        let mut rng = Rng(seed);
        let mut pages = Vec::new();
        let mut expected = Vec::new();
        for _ in 0..2 {
            let (page, record) = formats::sheet(&mut rng, format);
            pages.push(page);
            expected.push(record);
        }
        let font = ["IPAexGothic", "IPAPGothic", "VL PGothic", "IPAexMincho"][rng.below(4)];
        let size = [9.0f32, 9.5, 10.0, 10.5][rng.below(4)];
        let html_path = dir.join(format!("{seed}.html"));
        let pdf_path = dir.join(format!("{seed}.pdf"));
        std::fs::write(&html_path, formats::html(&pages, font, size)).expect("write html");
        crate::records_pdf::print(&html_path, &pdf_path);
        let doc = pipeline.read(&pdf_path).expect("read pdf");
        let source = SourceInfo::new(doc.name.clone());
        for input in INPUTS {
            let produced = match input {
                Input::Pdf => glyphmend::pipeline::records(&doc),
                Input::Text | Input::Raw => {
                    let text = pdftotext(&pdf_path, *input == Input::Raw);
                    if keep {
                        std::fs::write(dir.join(format!("{seed}.{input:?}.txt")), &text)
                            .expect("write text");
                    }
                    glyphmend::segment::records_from_text(&text, &source)
                }
            };
            let entry = sets.entry((*input, format)).or_default();
            entry.0.extend(expected.iter().cloned());
            entry.1.extend(produced);
        }
    }
    let mut out = BTreeMap::new();
    // How many misses and wrong facts to list per input (`GLYPHMEND_LIST=N`, default 25).
    let listed = std::env::var("GLYPHMEND_LIST")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(25);
    println!("== {name}: field precision / recall per format (records expected/produced/paired)");
    println!(
        "{:<6}{:>26}{:>26}{:>26}",
        "format", "PDF (geometry)", "pdftotext", "pdftotext -raw"
    );
    for format in FORMATS {
        let mut row = format!("{:<6}", format!("{format:?}"));
        for input in INPUTS {
            let (e, p) = &sets[&(*input, *format)];
            let r = eval::evaluate(e, p);
            row.push_str(&format!(
                "{:>12.1}/{:>5.1} {:>2}/{:>2}/{:>2}",
                100.0 * r.overall.precision(),
                100.0 * r.overall.recall(),
                r.expected_records,
                r.produced_records,
                r.paired_records
            ));
        }
        println!("{row}");
    }
    for input in INPUTS {
        let mut e = Vec::new();
        let mut p = Vec::new();
        for format in FORMATS {
            let (fe, fp) = &sets[&(*input, *format)];
            e.extend(fe.iter().cloned());
            p.extend(fp.iter().cloned());
        }
        let report = eval::evaluate(&e, &p);
        println!(
            "== {name}, {input:?} ({} sheets)\n{}",
            e.len(),
            report.table()
        );
        for (field, value) in report.missed.iter().take(listed) {
            println!("missed   {field}: {value}");
        }
        for (field, value) in report.spurious.iter().take(listed) {
            println!("spurious {field}: {value}");
        }
        out.insert(*input, report);
    }
    if keep {
        println!("sheets kept in {}", dir.display());
    } else {
        let _ = std::fs::remove_dir_all(&dir);
    }
    out
}

fn assert_at_least(r: &eval::Report, what: &str, precision: f64, recall: f64) {
    assert!(
        r.overall.precision() >= precision && r.overall.recall() >= recall,
        "{what}: precision {:.3} (want ≥ {precision}), recall {:.3} (want ≥ {recall})",
        r.overall.precision(),
        r.overall.recall()
    );
}

/// The tuning part: fixed on (docs/records.md gives its figures before and after). The PDF
/// and `-raw` inputs meet the bar (precision ≥ 98 %, recall ≥ 90 %); default-mode
/// pdftotext text, where side-by-side boxes come out as stacked headings followed by their
/// texts, is held to what it reaches after rec19's fixes (99.4 % / 94.7 %), with a little
/// slack.
#[test]
fn tuning_ministry_formats() {
    let reports = score("tuning", 1..=36);
    assert_at_least(&reports[&Input::Pdf], "PDF", 0.98, 0.90);
    assert_at_least(&reports[&Input::Raw], "pdftotext -raw", 0.98, 0.90);
    assert_at_least(&reports[&Input::Text], "pdftotext", 0.98, 0.93);
}

/// The held-out part: run on purpose only (docs/records.md says which runs were made). Held
/// to the bar on every input; it failed on default-mode pdftotext text until the
/// flow-chart rule (fifth run), and it has been run too often to be unseen: `held_out_2` is.
#[test]
#[ignore = "held-out set: run on purpose with --ignored (needs chromium and pdftotext)"]
fn held_out_ministry_formats() {
    let reports = score("held_out", 9301..=9354);
    assert_at_least(&reports[&Input::Pdf], "PDF", 0.98, 0.90);
    assert_at_least(&reports[&Input::Text], "pdftotext", 0.98, 0.90);
    assert_at_least(&reports[&Input::Raw], "pdftotext -raw", 0.98, 0.90);
}

/// A second held-out set (seeds 9401–9454, six per format), made for the flow-chart rule
/// (rec18) because `held_out` had been run four times: run on purpose only, once per change
/// it measures (docs/records.md says which runs were made). Held to the bar.
#[test]
#[ignore = "second held-out set: run on purpose with --ignored (needs chromium and pdftotext)"]
fn held_out_2_ministry_formats() {
    let reports = score("held_out_2", 9401..=9454);
    assert_at_least(&reports[&Input::Pdf], "PDF", 0.98, 0.90);
    assert_at_least(&reports[&Input::Text], "pdftotext", 0.98, 0.90);
    assert_at_least(&reports[&Input::Raw], "pdftotext -raw", 0.98, 0.90);
}

/// A third held-out set (seeds 9501–9554, six per format), made for the rules of rec19
/// (stacked headings read as a grid of boxes, text past other boxes' fields, an item's
/// heading over its text) because `held_out_2` had been run after the flow-chart rule: run
/// on purpose only, once per change it measures (docs/records.md says which runs were made).
/// Held to the bar.
#[test]
#[ignore = "third held-out set: run on purpose with --ignored (needs chromium and pdftotext)"]
fn held_out_3_ministry_formats() {
    let reports = score("held_out_3", 9501..=9554);
    assert_at_least(&reports[&Input::Pdf], "PDF", 0.98, 0.90);
    assert_at_least(&reports[&Input::Text], "pdftotext", 0.98, 0.90);
    assert_at_least(&reports[&Input::Raw], "pdftotext -raw", 0.98, 0.90);
}
