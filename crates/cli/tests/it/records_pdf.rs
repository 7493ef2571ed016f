//! Records from budget sheets printed to PDF: ruled Excel/Word-like forms, read by geometry
//! (`segment::geom`), scored field by field against what the generator put in.
//!
//! The generator below has word lists of its own (none from the seed sample or from
//! `records_synth.rs`). Each sheet is an HTML table with borders — labels in cells, values
//! right of them, below them (header rows), budget lines under a `予算額` cell spanning rows,
//! two short fields per row, narrow label columns that wrap labels — with labels in varied
//! forms (【】［］, synonyms, 全角/半角 digits) and amounts in 千円/百万円/億円 with の内数. Pages
//! of a tender notice (a ruled table with no budget labels) must give no record. Headless
//! chromium prints the HTML to PDF with a Japanese font; the PDF goes through the pipeline
//! like any input.
//!
//! Two sets from fixed seeds: `tuning` (seeds 1–30), iterated on; `held_out` (seeds
//! 9001–9060), run once at the end (`#[ignore]`d so that it is only run on purpose:
//! `cargo test --test it records_pdf::held_out -- --ignored --nocapture`).
//! Chromium missing makes the tests fail loudly (CI installs it with fonts-ipaexfont).

use glyphmend::segment::{
    BudgetKind, BudgetLine, Goal, Period, ProgramRecord, ProgramStatus, SourceInfo, SubsidyRate,
    eval,
};
use std::path::{Path, PathBuf};
use std::process::Command;

mod plain;
mod sheets;
mod varied;
/// Shared with the ministry-format generator (`records_ministry`).
pub(crate) use sheets::commas;
use sheets::*;

/// The generators' deterministic random source (splitmix64).
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        // splitmix64
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub(crate) fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const SUBJECTS: &[&str] = &[
    "森林資源",
    "港湾物流",
    "文化財保存",
    "水産加工",
    "高齢者見守り",
    "消防団装備",
    "農業用水",
    "事業承継",
    "防災無線",
    "公共交通",
    "空き家再生",
    "観光受入",
    "海岸保全",
    "食品安全",
    "在宅医療",
    "学校給食",
    "河川監視",
    "伝統工芸",
    "移住定住",
    "鳥獣被害",
];
const SUFFIXES: &[&str] = &[
    "活用推進事業",
    "強化支援事業",
    "基盤整備事業",
    "高度化事業",
    "促進交付金",
    "緊急対策事業",
];
const DOERS: &[&str] = &[
    "都道府県",
    "市町村",
    "民間事業者",
    "一般社団法人",
    "大学等",
    "ＮＰＯ法人",
    "協議会",
    "独立行政法人",
];
const WHO: &[&str] = &[
    "中小企業者",
    "農林漁業者",
    "子育て世帯",
    "地方公共団体",
    "若年就業者",
    "被災事業者",
];
const BOOKS: &[&str] = &[
    "一般会計",
    "東日本大震災復興特別会計",
    "食料安定供給特別会計",
    "エネルギー対策特別会計",
];
const POOLS: &[&str] = &[
    "地域連携推進交付金",
    "デジタル基盤整備費補助金",
    "防災・減災対策交付金",
];
const MOVES: &[&str] = &[
    "計画策定を支援する",
    "設備の導入を補助する",
    "専門人材を派遣する",
    "実証事業を行う",
    "相談窓口を設置する",
    "研修会を開催する",
    "情報基盤を構築する",
];
const AIMS: &[&str] = &[
    "持続可能な体制を確立する",
    "担い手の確保を図る",
    "地域の安全を高める",
    "生産性の向上を図る",
    "住民の利便性を高める",
];

pub(crate) fn chromium() -> &'static str {
    for c in ["chromium", "chromium-browser", "google-chrome"] {
        if Command::new(c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
        {
            return c;
        }
    }
    panic!(
        "records_pdf needs headless chromium (and fonts-ipaexfont, fonts-vlgothic) to print its sheets"
    );
}

pub(crate) fn print(html_path: &Path, pdf_path: &Path) {
    if crate::chromium_print::print(chromium(), html_path, pdf_path) {
        return;
    }
    print_one_process(html_path, pdf_path);
}

/// One Chromium process for one sheet (`--print-to-pdf`): the fallback, and the reference
/// the pipe's output is checked against.
pub(crate) fn print_one_process(html_path: &Path, pdf_path: &Path) {
    let out = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--print-to-pdf={}", pdf_path.display()))
        .arg(html_path)
        .output()
        .expect("run chromium");
    assert!(
        pdf_path.exists(),
        "chromium wrote no PDF: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

pub(crate) fn workdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "glyphmend-records-pdf-{}-{name}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).expect("mkdir");
    dir
}

/// Which generator a set comes from.
#[derive(Clone, Copy, PartialEq)]
enum Family {
    /// Ruled tables (`sheets.rs`).
    Ruled,
    /// Mostly without rules (`plain.rs`).
    Plain,
    /// Centred, dense, headed layouts and unrelated prose (`varied.rs`).
    Varied,
}

/// Generates, prints and reads one set; returns the report. Each seed gives one PDF of 2–4
/// sheets and sometimes a notice (or a prose page), in one of the fonts.
fn score(name: &str, seeds: std::ops::RangeInclusive<u64>, family: Family) -> eval::Report {
    let dir = workdir(name);
    let pipeline = glyphmend::pipeline::Pipeline::builtin().expect("pipeline");
    let mut expected = Vec::new();
    let mut produced = Vec::new();
    let mut from_text = Vec::new();
    let mut bad_provenance = Vec::new();
    for seed in seeds {
        let mut rng = Rng(seed);
        let mut pages = Vec::new();
        if family == Family::Varied {
            let (p, records) = varied::document(&mut rng);
            pages = p;
            expected.extend(records);
        } else {
            let plain = family == Family::Plain;
            let n = 2 + rng.below(3);
            for i in 0..n {
                // The plain sets: a quarter of the sheets boxed, a sixth still ruled (with the
                // extra fields, for the ruled path).
                let layout = if !plain {
                    Layout::Ruled
                } else {
                    match rng.below(12) {
                        0..=1 => Layout::Ruled,
                        2..=4 => Layout::Boxed,
                        _ => Layout::Plain,
                    }
                };
                let (html, record) = sheet(&mut rng, i + 1, layout, plain);
                pages.push(html);
                expected.push(record);
            }
            if rng.chance(40) {
                let at = rng.below(pages.len() + 1);
                pages.insert(at, notice(&mut rng));
            }
        }
        let fonts: &[&str] = if family == Family::Varied {
            &[
                "IPAexGothic",
                "IPAexMincho",
                "VL Gothic",
                "IPAPGothic",
                "VL PGothic",
                "IPAMincho",
            ]
        } else {
            &["IPAexGothic", "IPAexMincho", "VL Gothic"]
        };
        let font = *rng.pick(fonts);
        let size = *rng.pick(&[9.0f32, 10.0, 10.5, 11.0]);
        let html_path = dir.join(format!("{seed}.html"));
        let pdf_path = dir.join(format!("{seed}.pdf"));
        std::fs::write(&html_path, html(&pages, font, size)).expect("write html");
        print(&html_path, &pdf_path);
        let doc = pipeline.read(&pdf_path).expect("read pdf");
        let text = doc.text();
        let lines: Vec<&str> = text.split('\n').collect();
        let records = glyphmend::pipeline::records(&doc);
        if std::env::var_os("GLYPHMEND_KEEP_PDF").is_some() {
            // The lines the record rules read, for looking at failures.
            let glyphs = doc.glyphs.as_ref().expect("a PDF keeps its glyphs");
            let logical: Vec<String> = glyphmend::segment::geom::lines(glyphs)
                .iter()
                .map(|l| format!("{:>4}-{:<4} {}", l.start, l.end, l.text))
                .collect();
            std::fs::write(dir.join(format!("{seed}.lines")), logical.join("\n"))
                .expect("write lines");
            // The pieces the position reader sees: page, line, then box and text per piece.
            let mut pieces = Vec::new();
            for (pi, page) in glyphs.pages.iter().enumerate() {
                for (li, line) in page.lines.iter().enumerate() {
                    let row: Vec<String> = line
                        .pieces
                        .iter()
                        .map(|p| {
                            format!(
                                "[{:.0},{:.0},{:.0},{:.0}{}] {}",
                                p.bbox[0],
                                p.bbox[1],
                                p.bbox[2],
                                p.bbox[3],
                                if p.cell.is_some() { " cell" } else { "" },
                                p.text
                            )
                        })
                        .collect();
                    pieces.push(format!("{} {li:>3} {}", pi + 1, row.join(" | ")));
                }
            }
            std::fs::write(dir.join(format!("{seed}.pieces")), pieces.join("\n"))
                .expect("write pieces");
        }
        // For comparison: the same text read without geometry.
        from_text.extend(glyphmend::segment::records_from_text(
            &text,
            &SourceInfo::new(doc.name.clone()),
        ));
        // The name's provenance names lines that hold the name.
        for r in &records {
            let Some(name) = &r.name else { continue };
            let ok = r.provenance.iter().filter(|p| p.field == "name").all(|p| {
                let span: String = lines
                    .get(p.line_start as usize - 1..p.line_end as usize)
                    .map(|ls| ls.concat())
                    .unwrap_or_default();
                span.contains(name.chars().take(4).collect::<String>().as_str())
            });
            if !ok {
                bad_provenance.push(format!("{seed}: {name}"));
            }
        }
        produced.extend(records);
    }
    let text_only = eval::evaluate(&expected, &from_text);
    println!(
        "== {name}, text path only (no geometry): precision {:.1} % recall {:.1} %",
        100.0 * text_only.overall.precision(),
        100.0 * text_only.overall.recall()
    );
    let report = eval::evaluate(&expected, &produced);
    println!("== {name} ({} sheets)\n{}", expected.len(), report.table());
    for (field, value) in report.missed.iter().take(40) {
        println!("missed   {field}: {value}");
    }
    for (field, value) in report.spurious.iter().take(40) {
        println!("spurious {field}: {value}");
    }
    if std::env::var_os("GLYPHMEND_KEEP_PDF").is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    } else {
        println!("sheets kept in {}", dir.display());
    }
    assert!(
        bad_provenance.is_empty(),
        "name provenance off: {bad_provenance:?}"
    );
    report
}

/// The bar for records on sheets: field precision ≥ 98 %, recall ≥ 90 %.
fn assert_precision_98_recall_90(r: &eval::Report) {
    assert!(
        r.overall.precision() >= 0.98,
        "precision {}",
        r.overall.precision()
    );
    assert!(r.overall.recall() >= 0.90, "recall {}", r.overall.recall());
}

#[test]
fn tuning_sheets_precision_98_recall_90() {
    let r = score("tuning", 1..=30, Family::Ruled);
    assert_eq!(
        r.produced_records, r.expected_records,
        "one record per sheet, none per notice"
    );
    assert_precision_98_recall_90(&r);
}

/// The held-out set: run once, at the end (see the module docs and docs/records.md).
#[test]
#[ignore = "held-out set: run once on purpose with --ignored (needs chromium)"]
fn held_out_sheets_precision_98_recall_90() {
    let r = score("held_out", 9001..=9060, Family::Ruled);
    assert_eq!(r.paired_records, r.expected_records);
    assert_precision_98_recall_90(&r);
}

/// Sheets without ruling lines (`plain.rs`), with 担当/補助対象/新規・継続: tuned on.
#[test]
fn plain_tuning_sheets_precision_98_recall_90() {
    let r = score("plain_tuning", 101..=130, Family::Plain);
    assert_eq!(
        r.produced_records, r.expected_records,
        "one record per sheet, none per notice"
    );
    assert_precision_98_recall_90(&r);
}

/// Sheets without ruling lines, held out: run once, at the end (docs/records.md).
#[test]
#[ignore = "held-out set: run once on purpose with --ignored (needs chromium)"]
fn plain_held_out_sheets_precision_98_recall_90() {
    let r = score("plain_held_out", 9101..=9160, Family::Plain);
    assert_eq!(r.paired_records, r.expected_records);
    assert_precision_98_recall_90(&r);
}

/// Layouts the reader was not built on (`varied.rs`: centred labels, no spacing, headed
/// paragraphs, unrelated prose beside or after the sheets): tuned on.
#[test]
fn varied_tuning_sheets_precision_98_recall_90() {
    let r = score("varied_tuning", 201..=240, Family::Varied);
    assert_eq!(
        r.produced_records, r.expected_records,
        "one record per sheet, none per prose page"
    );
    assert_precision_98_recall_90(&r);
}

/// Layouts the reader was not built on, held out: run once before and once after the work
/// on them (docs/records.md).
#[test]
#[ignore = "held-out set: run once on purpose with --ignored (needs chromium)"]
fn varied_held_out_sheets_precision_98_recall_90() {
    let r = score("varied_held_out", 9201..=9260, Family::Varied);
    assert_eq!(r.paired_records, r.expected_records);
    assert_precision_98_recall_90(&r);
}

/// A second held-out range of the same generator: run once before and once after the
/// centred-value fixes of docs/records.md ("A second held-out range").
#[test]
#[ignore = "held-out set: run once on purpose with --ignored (needs chromium)"]
fn varied_held_out_2_sheets_precision_98_recall_90() {
    let r = score("varied_held_out_2", 9301..=9360, Family::Varied);
    assert_eq!(r.paired_records, r.expected_records);
    assert_precision_98_recall_90(&r);
}

/// The seed sample's PDF (its PR sheet, ToUnicode removed) reads the same by geometry as its
/// extracted text read by the text rules: the sample figures (records_seed) carry over.
#[test]
fn sample_pdf_reads_the_same_by_geometry_and_by_text() {
    let pdf = crate::common::repo().join("corpus/office_emu__a_no_tounicode.pdf");
    let pipeline = glyphmend::pipeline::Pipeline::builtin().expect("pipeline");
    let doc = pipeline.read(&pdf).expect("read sample pdf");
    assert!(doc.glyphs.is_some(), "a PDF keeps its glyphs");
    let by_geometry = glyphmend::pipeline::records(&doc);
    let mut by_text =
        glyphmend::segment::records_from_text(&doc.text(), &SourceInfo::new(doc.name.clone()));
    for r in &mut by_text {
        r.source = Some(doc.name.clone());
    }
    assert!(!by_geometry.is_empty());
    let strip = |rs: &[ProgramRecord]| -> Vec<ProgramRecord> {
        rs.iter()
            .map(|r| ProgramRecord {
                provenance: Vec::new(),
                ..r.clone()
            })
            .collect()
    };
    assert_eq!(strip(&by_geometry), strip(&by_text));
}

/// A value cell the layout wrapped mid-word (`大学` / `等`) gives one value again, and a
/// line break the writer put in (`<br>`) stays a break; a label wrapped in its narrow
/// column (`令和6年` / `度補正予` / `算額`) is still read.
#[test]
fn soft_wraps_in_cells_are_undone_hard_breaks_kept() {
    let dir = workdir("wrap");
    let bodies = [
        "都道府県",
        "市町村",
        "民間事業者",
        "協議会",
        "大学等",
        "独立行政法人",
        "一般社団法人",
    ];
    let page = format!(
        "<div class=page><table><colgroup><col style=\"width:5em\"><col style=\"width:22em\"></colgroup><tr><td>事業名</td><td>港湾物流高度化事業</td></tr><tr><td>令和6年度補正予算額</td><td>1,200千円</td></tr><tr><td>実施主体</td><td>{}</td></tr><tr><td>対象者</td><td>中小企業者<br>農林漁業者</td></tr></table></div>",
        bodies.join("、")
    );
    let (html_path, pdf_path) = (dir.join("wrap.html"), dir.join("wrap.pdf"));
    std::fs::write(&html_path, html(&[page], "IPAexGothic", 10.5)).expect("write html");
    print(&html_path, &pdf_path);
    let pipeline = glyphmend::pipeline::Pipeline::builtin().expect("pipeline");
    let doc = pipeline.read(&pdf_path).expect("read pdf");
    let records = glyphmend::pipeline::records(&doc);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(records.len(), 1, "{records:?}");
    let r = &records[0];
    // The cell must really have wrapped for the test to mean anything.
    assert!(doc.text().lines().count() >= 6, "{}", doc.text());
    assert_eq!(r.implementing_bodies, bodies.map(String::from).to_vec());
    assert_eq!(r.target.as_deref(), Some("中小企業者\n農林漁業者"));
    assert_eq!(r.budget.first().and_then(|b| b.amount_yen), Some(1_200_000));
}
