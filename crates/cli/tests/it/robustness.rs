//! Hostile inputs (issue 20): each defect class of the hostile-input campaign gives a clear
//! per-file error or bounded, correct output with a recorded warning. Every hostile input is
//! generated here (lopdf or raw bytes); nothing is copied from ../shared.

use glyphmend::ingest::budget::Budget;
use glyphmend::ingest::{ExtractOptions, extract_bytes};
use lopdf::{Dictionary, Object, ObjectId, Stream, dictionary};
use std::path::Path;
use std::process::{Command, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_glyphmend"))
}

/// A small PDF under construction: one Helvetica font, pages added in order.
struct Pdf {
    doc: lopdf::Document,
    pages: ObjectId,
    font: ObjectId,
    kids: Vec<Object>,
}

impl Pdf {
    fn new() -> Pdf {
        let mut doc = lopdf::Document::with_version("1.5");
        let pages = doc.new_object_id();
        let font = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
            "Encoding" => "WinAnsiEncoding",
        });
        Pdf {
            doc,
            pages,
            font,
            kids: Vec::new(),
        }
    }

    fn fonts(&self) -> Dictionary {
        dictionary! { "F1" => self.font }
    }

    fn stream(&mut self, dict: Dictionary, content: impl Into<Vec<u8>>) -> ObjectId {
        self.doc.add_object(Stream::new(dict, content.into()))
    }

    /// A page drawing `contents` (stream ids) with `resources`.
    fn page_with(&mut self, contents: Vec<ObjectId>, resources: Dictionary) -> ObjectId {
        let contents: Vec<Object> = contents.into_iter().map(Object::Reference).collect();
        // As large as a page can be (14,400 units): fixtures draw long runs of text whose
        // glyphs must all count, and glyphs beyond the MediaBox are left out.
        let id = self.doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => self.pages,
            "MediaBox" => vec![0.into(), 0.into(), 14400.into(), 14400.into()],
            "Contents" => contents, "Resources" => resources,
        });
        self.kids.push(id.into());
        id
    }

    /// A page showing `text` in Helvetica.
    fn text_page(&mut self, text: &str) -> ObjectId {
        let c = self.stream(
            dictionary! {},
            format!("BT /F1 12 Tf 72 700 Td ({text}) Tj ET"),
        );
        let res = dictionary! { "Font" => self.fonts() };
        self.page_with(vec![c], res)
    }

    fn finish(mut self) -> Vec<u8> {
        let count = self.kids.len() as i64;
        self.doc.objects.insert(
            self.pages,
            Object::Dictionary(dictionary! {
                "Type" => "Pages", "Kids" => self.kids, "Count" => count,
            }),
        );
        let catalog = self
            .doc
            .add_object(dictionary! { "Type" => "Catalog", "Pages" => self.pages });
        self.doc.trailer.set("Root", catalog);
        let mut out = Vec::new();
        self.doc.save_to(&mut out).unwrap();
        out
    }
}

fn opts(budget: Budget) -> ExtractOptions {
    ExtractOptions {
        budget,
        ..ExtractOptions::default()
    }
}

fn budget_warning(w: &[String]) -> Option<&String> {
    w.iter().find(|w| w.starts_with("document over its budget"))
}

/// A form XObject that draws the next form `fanout` times, `depth` levels deep; the
/// innermost shows "x". 10 × 12 never finished before per-document budgets (D1). Each level
/// shifts its draws by its own step, so every draw lands on its own spot (layout merges a
/// glyph drawn twice on the same spot).
fn form_dag(fanout: usize, depth: usize) -> Vec<u8> {
    let mut p = Pdf::new();
    let leaf_res = dictionary! { "Font" => p.fonts() };
    let mut next = p.stream(
        dictionary! { "Type" => "XObject", "Subtype" => "Form",
        "BBox" => vec![0.into(), 0.into(), 100.into(), 100.into()], "Resources" => leaf_res },
        "BT /F1 12 Tf 10 10 Td (x) Tj ET",
    );
    for level in 1..depth {
        let step = 12.0 * (fanout as f64).powi(level as i32 - 1);
        next = p.stream(
            dictionary! { "Type" => "XObject", "Subtype" => "Form",
            "BBox" => vec![0.into(), 0.into(), 100.into(), 100.into()],
            "Resources" => dictionary! { "XObject" => dictionary! { "X" => next } } },
            (0..fanout)
                .map(|i| format!("q 1 0 0 1 {} 0 cm /X Do Q ", i as f64 * step))
                .collect::<String>(),
        );
    }
    let c = p.stream(dictionary! {}, "/X Do");
    p.page_with(
        vec![c],
        dictionary! { "XObject" => dictionary! { "X" => next } },
    );
    p.finish()
}

#[test]
fn d1_form_dag_stops_at_the_form_draw_budget_with_a_warning() {
    let pdf = form_dag(10, 12);
    let doc = extract_bytes(
        &pdf,
        "dag.pdf",
        &opts(Budget {
            form_draws: 2_000,
            ..Budget::default()
        }),
    )
    .unwrap();
    let w = budget_warning(&doc.warnings).expect("a budget warning");
    assert!(w.contains("2000 form XObject draws"), "{w}");
    // The text drawn before the budget ran out is kept.
    assert!(doc.text().contains('x'), "{:?}", doc.text());
    // Within budget, the same shape is complete and says nothing.
    let small = extract_bytes(&form_dag(2, 4), "small.pdf", &ExtractOptions::default()).unwrap();
    assert!(
        budget_warning(&small.warnings).is_none(),
        "{:?}",
        small.warnings
    );
    assert_eq!(small.stats.glyphs, 8);
}

#[test]
fn d1_a_form_drawn_many_times_is_decoded_once() {
    // A 64 KB form drawn 100 times: 6.4 MB if each draw decoded it, 64 KB if memoised.
    let mut p = Pdf::new();
    let mut body = String::from("BT /F1 12 Tf 10 10 Td (y) Tj ET\n");
    body.push_str(&" ".repeat(64 << 10));
    let res = dictionary! { "Font" => p.fonts() };
    let form = p.stream(
        dictionary! { "Type" => "XObject", "Subtype" => "Form",
        "BBox" => vec![0.into(), 0.into(), 100.into(), 100.into()], "Resources" => res },
        body,
    );
    let c = p.stream(dictionary! {}, "1 0 0 1 12 0 cm /X Do ".repeat(100));
    p.page_with(
        vec![c],
        dictionary! { "XObject" => dictionary! { "X" => form } },
    );
    let pdf = p.finish();
    let doc = extract_bytes(
        &pdf,
        "memo.pdf",
        &opts(Budget {
            decoded_bytes: 1 << 20,
            ..Budget::default()
        }),
    )
    .unwrap();
    assert!(
        budget_warning(&doc.warnings).is_none(),
        "{:?}",
        doc.warnings
    );
    assert_eq!(doc.stats.glyphs, 100);
    // Decoded once, but parsed at each draw: that work has its own budget.
    let doc = extract_bytes(
        &pdf,
        "memo.pdf",
        &opts(Budget {
            content_bytes: 1 << 20,
            ..Budget::default()
        }),
    )
    .unwrap();
    let w = budget_warning(&doc.warnings).expect("a budget warning");
    assert!(
        w.contains("1048576 content-stream bytes interpreted"),
        "{w}"
    );
    assert_eq!(doc.stats.glyphs, 15);
}

#[test]
fn d4_one_stream_referenced_many_times_is_capped_per_document() {
    // 100 references to one 1 MiB content stream (D4's 60 MiB × 100 in small).
    let mut p = Pdf::new();
    p.text_page("first");
    let mut big = b"BT /F1 12 Tf 72 600 Td (z) Tj ET\n".to_vec();
    big.resize(1 << 20, b' ');
    let s = p.stream(dictionary! {}, big);
    let res = dictionary! { "Font" => p.fonts() };
    p.page_with(vec![s; 100], res);
    let pdf = p.finish();
    let doc = extract_bytes(
        &pdf,
        "bomb.pdf",
        &opts(Budget {
            decoded_bytes: 8 << 20,
            ..Budget::default()
        }),
    )
    .unwrap();
    let w = budget_warning(&doc.warnings).expect("a budget warning");
    assert!(
        w.contains("decoded stream bytes") && w.contains("page 2"),
        "{w}"
    );
    assert!(doc.text().starts_with("first\n"), "{:?}", &doc.text()[..20]);
}

#[test]
fn d4_glyphs_and_operators_are_budgeted_per_document() {
    let mut p = Pdf::new();
    for _ in 0..5 {
        p.text_page(&"g".repeat(400));
    }
    let pdf = p.finish();
    let doc = extract_bytes(
        &pdf,
        "glyphs.pdf",
        &opts(Budget {
            glyphs: 1000,
            ..Budget::default()
        }),
    )
    .unwrap();
    assert_eq!(doc.stats.glyphs, 1000);
    let w = budget_warning(&doc.warnings).expect("a budget warning");
    assert!(w.contains("1000 glyphs") && w.contains("page 3"), "{w}");

    let mut p = Pdf::new();
    let ops = "1 0 0 1 0 0 cm\n".repeat(5000) + "BT /F1 12 Tf (late) Tj ET";
    let c = p.stream(dictionary! {}, ops);
    let res = dictionary! { "Font" => p.fonts() };
    p.page_with(vec![c], res);
    let pdf = p.finish();
    let doc = extract_bytes(
        &pdf,
        "ops.pdf",
        &opts(Budget {
            operators: 1000,
            ..Budget::default()
        }),
    )
    .unwrap();
    let w = budget_warning(&doc.warnings).expect("a budget warning");
    assert!(w.contains("1000 content operators"), "{w}");
    assert_eq!(doc.stats.glyphs, 0);
    // The same document within the default budget reads to the end.
    let doc = extract_bytes(&pdf, "ops.pdf", &ExtractOptions::default()).unwrap();
    assert_eq!(doc.text().trim(), "late");
}

#[test]
fn d21_a_looping_page_tree_child_is_skipped_and_the_rest_kept() {
    let mut p = Pdf::new();
    p.text_page("one");
    // An intermediate /Pages node listing itself, then a good page.
    let node = p.doc.new_object_id();
    let c = p.stream(dictionary! {}, "BT /F1 12 Tf 72 700 Td (two) Tj ET");
    let res = dictionary! { "Font" => p.fonts() };
    let page = p.doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => node, "Contents" => c, "Resources" => res,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
    });
    p.doc.objects.insert(
        node,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Parent" => p.pages,
            "Kids" => vec![node.into(), page.into()], "Count" => 1,
        }),
    );
    p.kids.push(node.into());
    let pdf = p.finish();
    let doc = extract_bytes(&pdf, "loop.pdf", &ExtractOptions::default()).unwrap();
    assert_eq!(doc.text(), "one\n\x0ctwo\n");
    assert!(
        doc.warnings.iter().any(|w| w.contains("page tree")),
        "{:?}",
        doc.warnings
    );
}

#[test]
fn d21_resources_and_contents_loops_are_warned_about() {
    let mut p = Pdf::new();
    p.text_page("fine");
    // /Resources → 1 → 2 → 1 …; /Contents → 3 → 4 → 3 ….
    let (a, b) = (p.doc.new_object_id(), p.doc.new_object_id());
    p.doc.objects.insert(a, Object::Reference(b));
    p.doc.objects.insert(b, Object::Reference(a));
    let (c, d) = (p.doc.new_object_id(), p.doc.new_object_id());
    p.doc.objects.insert(c, Object::Reference(d));
    p.doc.objects.insert(d, Object::Reference(c));
    let s = p.stream(dictionary! {}, "BT /F1 12 Tf (lost) Tj ET");
    let page = p.page_with(vec![s], dictionary! {});
    if let Ok(Object::Dictionary(dict)) = p.doc.get_object_mut(page) {
        dict.set("Resources", Object::Reference(a));
    }
    let page3 = p.page_with(vec![], dictionary! {});
    if let Ok(Object::Dictionary(dict)) = p.doc.get_object_mut(page3) {
        dict.set("Contents", Object::Reference(c));
    }
    let pdf = p.finish();
    let doc = extract_bytes(&pdf, "cycles.pdf", &ExtractOptions::default()).unwrap();
    assert!(doc.text().starts_with("fine\n"), "{:?}", doc.text());
    let has = |p: &str| doc.warnings.iter().any(|w| w.contains(p));
    assert!(
        has("page 2: /Resources is a reference loop"),
        "{:?}",
        doc.warnings
    );
    assert!(
        has("page 3: /Contents is a reference loop"),
        "{:?}",
        doc.warnings
    );
}

/// A page that only paints an image (a scan).
fn scan_pdf() -> Vec<u8> {
    let mut p = Pdf::new();
    p.text_page("cover");
    let img = p.stream(
        dictionary! { "Type" => "XObject", "Subtype" => "Image", "Width" => 1, "Height" => 1,
        "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8 },
        vec![0u8],
    );
    let c = p.stream(dictionary! {}, "q 595 0 0 842 0 0 cm /Im0 Do Q");
    p.page_with(
        vec![c],
        dictionary! { "XObject" => dictionary! { "Im0" => img } },
    );
    p.finish()
}

#[test]
fn image_only_pages_are_reported() {
    let doc = extract_bytes(&scan_pdf(), "scan.pdf", &ExtractOptions::default()).unwrap();
    assert_eq!(
        doc.warnings,
        vec!["image-only page 2: no text; OCR not run".to_string()]
    );
}

#[test]
fn d2_lone_carriage_returns_end_lines_for_repair() {
    let tables = glyphmend::tables::TableSet::builtin().unwrap();
    let lm = glyphmend::lm::CharLm::builtin();
    let r = glyphmend::repair::Repairer::new(&tables, lm);
    let fixture = crate::common::repo().join("tests/fixtures/seed/dev-a.txt");
    let lf = std::fs::read_to_string(fixture).unwrap();
    let lf_out = r.repair_text(&lf);
    assert!(
        lf_out.spans().count() > 10,
        "test premise: dev-a.txt is garbled"
    );
    // The same text with old-Mac line endings: the same lines repaired the same way.
    let cr = lf.replace('\n', "\r");
    let cr_out = r.repair_text(&cr);
    assert_eq!(cr_out.text.matches('\r').count(), cr.matches('\r').count());
    let (a, b): (Vec<&str>, Vec<&str>) = (
        lf_out.text.split('\n').collect(),
        cr_out.text.split('\r').collect(),
    );
    assert_eq!(a.len(), b.len());
    let same = a.iter().zip(&b).filter(|(x, y)| x == y).count();
    assert!(
        same * 100 >= a.len() * 95,
        "{same} of {} lines repaired alike",
        a.len()
    );
    assert!(cr_out.spans().count() * 10 >= lf_out.spans().count() * 9);
}

#[test]
fn d2_a_very_long_line_is_repaired_in_pieces_like_lines() {
    let tables = glyphmend::tables::TableSet::builtin().unwrap();
    let lm = glyphmend::lm::CharLm::builtin();
    let r = glyphmend::repair::Repairer::new(&tables, lm);
    let fixture = crate::common::repo().join("tests/fixtures/seed/dev-a.txt");
    let text = std::fs::read_to_string(fixture).unwrap();
    // The garbled lines joined into one 30 KB+ line, each ending in a sentence end so the
    // window cuts fall between them (each piece well under the window).
    let garbled: Vec<&str> = text
        .lines()
        .filter(|l| glyphmend::detect::has_strong_evidence(l) && !l.contains('。'))
        .filter(|l| l.chars().count() < 200)
        .collect();
    assert!(garbled.len() > 20, "test premise");
    let mut long = String::new();
    while long.len() < 30_000 {
        for l in &garbled {
            long.push_str(l);
            long.push('。');
        }
    }
    let pieces = glyphmend::repair::window::pieces(&long);
    assert!(pieces.len() > 5);
    // The same text with a line break after each piece: same verdicts, same pieces.
    let mut split = String::new();
    for p in &pieces {
        split.push_str(&long[p.clone()]);
        split.push('\n');
    }
    let one = r.repair_text(&long);
    let many = r.repair_text(&split);
    assert!(one.spans().count() > 0);
    assert_eq!(one.text.as_ref(), many.text.replace('\n', ""));
    assert_eq!(one.spans().count(), many.spans().count());
}

#[test]
fn d14_d15_search_limits_are_clear_errors() {
    use glyphmend::export::search::{SearchOptions, search};
    let tmp = tempfile::tempdir().unwrap();
    let deep = format!("{}a{}", "(".repeat(10_000), ")".repeat(10_000));
    let e = search(tmp.path(), &deep, &SearchOptions::default()).unwrap_err();
    assert!(e.to_string().contains("nested 10000 parentheses"), "{e}");
    let e = search(
        tmp.path(),
        "a",
        &SearchOptions {
            limit: usize::MAX,
            ..SearchOptions::default()
        },
    )
    .unwrap_err();
    assert!(e.to_string().contains("at most 10000 hits"), "{e}");
    for n in ["18446744073709551615", "4294967296", "0"] {
        let out = bin()
            .args(["search"])
            .arg(tmp.path())
            .args(["a", "-n", n])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "-n {n}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("must be 1 to 10000"), "{err}");
    }
}

#[test]
fn d16_a_closed_stderr_is_no_panic() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("scan.pdf");
    std::fs::write(&f, scan_pdf()).unwrap();
    let mut child = bin()
        .arg("extract")
        .arg(&f)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    // A closed stdout too (`| head`): quiet, exit 0.
    let d = tmp.path().join("t.txt");
    std::fs::write(&d, "テキスト\n".repeat(200_000)).unwrap();
    let mut child = bin()
        .arg("repair")
        .arg(&d)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn d17_d19_terminal_messages_are_escaped_and_said_once() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("in");
    std::fs::create_dir(&d).unwrap();
    // A failing input (not a PDF) whose name holds ESC and BEL.
    std::fs::write(d.join("evil\x1b[31m\x07.pdf"), b"not a PDF").unwrap();
    let out = bin()
        .arg("batch")
        .arg(&d)
        .arg("-o")
        .arg(tmp.path().join("out"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains('\x1b') && !err.contains('\x07'), "{err:?}");
    assert!(err.contains("evil\\x1b[31m\\x07.pdf"), "{err}");
    // An OS error is said once.
    let out = bin()
        .args(["records", "no/such/file.txt"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.matches("No such file or directory").count(), 1, "{err}");
}

mod batch_runs;
mod commits;
mod encodings;
