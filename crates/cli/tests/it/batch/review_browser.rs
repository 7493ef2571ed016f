//! The review site in a real (headless) browser: DOM assertions, not string matching.

use super::*;

mod chromium;
mod search_links;

use chromium::*;

/// A batch output with known spans, so the review test does not depend on repair quality.
fn synthetic_batch(out: &Path) {
    use glyphmend::batch::manifest::*;
    use glyphmend::export::corpus::*;
    let span =
        |line, column, end_column, before: &str, after: &str, table: &str, confidence| SpanRecord {
            page: 1,
            line,
            column,
            end_column,
            before: before.into(),
            after: after.into(),
            table: table.into(),
            rule: "block 4E00..9FA5 = rank in cp932+jisx0213 +5C0 (anchors)".into(),
            fix: "decode".into(),
            confidence,
            evidence: Some("table · 2 char(s) · LM gain +3.10 · rule 0.97".into()),
        };
    let spans = vec![
        span(1, 1, 2, "ᨭ᥼", "支援", "A", 0.97),
        span(1, 4, 4, "⾜", "行", "A", 0.42),
        span(3, 3, 4, "ከᵝ", "多様", "B", 0.99),
    ];
    let page = PageResult {
        page: 1,
        original: "ᨭ᥼を⾜う\nclean <b>&\n地域ከᵝな\nᏙ⊂".into(),
        repaired: "支援を行う\nclean <b>&\n地域多様な\nᏙ⊂".into(),
        fixes: vec![],
        spans,
        unresolved: vec![UnresolvedRecord {
            page: 1,
            line: 4,
            start: 0,
            end: 2,
            text: "Ꮩ⊂".into(),
            reason: "no-table".into(),
            confidence: 0.9,
        }],
        stats: PageStats {
            repaired_spans: 3,
            low_confidence_spans: 1,
            ..Default::default()
        },
        line_boxes: vec![],
        decoded: vec![],
    };
    let doc = DocResult {
        path: "dir/x.txt".into(),
        sha256: "0".repeat(64),
        kind: "txt".into(),
        pages: vec![page],
        warnings: vec![],
        attention: None,
    };
    let entry = |path: &str, status, error: Option<&str>| InputEntry {
        path: path.into(),
        kind: glyphmend::pipeline::SourceKind::Txt,
        bytes: Some(1),
        sha256: Some("0".repeat(64)),
        status,
        failed_stage: error.map(|_| glyphmend::pipeline::Stage::Extract),
        error: error.map(String::from),
        warnings: vec![],
        attention: None,
        pages: 1,
        spans: SpanCounts::of(&doc.pages),
        records: 0,
        outputs: (status == Status::Ok).then(|| format!("docs/{path}")),
    };
    let m = Manifest {
        format: MANIFEST_FORMAT,
        tool: "glyphmend test".into(),
        tables_version: "f".repeat(64),
        tables: vec![],
        model_sha256: String::new(),
        summary: Summary {
            inputs: 2,
            ok: 1,
            needs_attention: 0,
            failed: 1,
            pages: 1,
            spans: SpanCounts::of(&doc.pages),
            records: 0,
            warnings: 0,
            skipped: 0,
        },
        skipped: vec![],
        inputs: vec![
            entry(
                "bad.pdf",
                Status::Failed,
                Some("PDF support <not> built in"),
            ),
            entry("dir/x.txt", Status::Ok, None),
        ],
    };
    let docdir = out.join("docs/dir/x.txt");
    std::fs::create_dir_all(&docdir).unwrap();
    std::fs::write(docdir.join("doc.json"), serde_json::to_vec(&doc).unwrap()).unwrap();
    std::fs::write(out.join("manifest.json"), serde_json::to_vec(&m).unwrap()).unwrap();
}

#[test]
fn review_site_works_in_a_headless_browser() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    synthetic_batch(&out);
    let r = run(&["review", s(&out)]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let index = out.join("review.html");
    let page = out.join("review/doc/2.html");
    for f in [&index, &page] {
        let html = std::fs::read_to_string(f).unwrap();
        // Self-contained: no external assets.
        for needle in ["src=\"http", "href=\"http", "<link", "src=\"//", "@import"] {
            assert!(
                !html.contains(needle),
                "{}: external asset {needle}",
                f.display()
            );
        }
    }
    let chromium = chromium();

    // The index: both inputs, the failed one first, its error shown; counts from doc.json.
    let dom = dump_dom(&chromium, &file_url(&index));
    let rows = tags_with_class(&dom, "doc tier-");
    let paths: Vec<&str> = rows.iter().filter_map(|t| attr(t, "data-path")).collect();
    assert_eq!(paths, ["bad.pdf", "dir/x.txt"], "{dom:.3000}");
    assert_eq!(attr(rows[0], "data-tier"), Some("0"));
    assert!(dom.contains("PDF support &lt;not&gt; built in"));
    assert_eq!(text_of_id(&dom, "total-spans").as_deref(), Some("3"));
    assert_eq!(text_of_id(&dom, "total-low").as_deref(), Some("1"));
    assert_eq!(text_of_id(&dom, "total-unresolved").as_deref(), Some("1"));
    assert_eq!(body_attr(&dom, "data-shown").as_deref(), Some("2"));
    // Filtered by text, and sorted by path descending, from the URL hash.
    let url = file_url(&index);
    let dom = dump_dom(&chromium, &format!("{url}#q=x.txt"));
    assert_eq!(body_attr(&dom, "data-shown").as_deref(), Some("1"));
    let dom = dump_dom(&chromium, &format!("{url}#sort=path&dir=desc"));
    let rows = tags_with_class(&dom, "doc tier-");
    assert_eq!(attr(rows[0], "data-path"), Some("dir/x.txt"));

    // The document page: every span's table, rule, evidence and confidence in the text.
    let url = file_url(&page);
    let dom = dump_dom(&chromium, &url);
    for needle in [
        "<b>ᨭ᥼ → 支援</b> · table <code>A</code> · decode · rule <code>block 4E00..9FA5",
        "evidence: table · 2 char(s) · LM gain +3.10",
        "confidence <b>0.420</b>",
        "unresolved (no-table)",
    ] {
        assert!(dom.contains(needle), "missing {needle:?}: {dom:.3000}");
    }
    assert_eq!(text_of_id(&dom, "count-spans").as_deref(), Some("3"));
    assert_eq!(text_of_id(&dom, "js-items").as_deref(), Some("3"));
    // Default threshold 0.8: the 0.42 span is under it; lines 1, 3 (spans), 4 (unresolved).
    assert_eq!(body_attr(&dom, "data-under").as_deref(), Some("1"));
    assert_eq!(body_attr(&dom, "data-visible").as_deref(), Some("3"));
    assert_eq!(tags_with_class(&dom, "line has-under").len(), 1);
    // The threshold from the hash changes what is flagged and, with only=under, shown.
    let dom = dump_dom(&chromium, &format!("{url}#threshold=0.98"));
    assert_eq!(body_attr(&dom, "data-threshold").as_deref(), Some("0.98"));
    assert_eq!(body_attr(&dom, "data-under").as_deref(), Some("2"));
    let dom = dump_dom(&chromium, &format!("{url}#threshold=0.995&only=under"));
    assert_eq!(body_attr(&dom, "data-under").as_deref(), Some("3"));
    assert_eq!(body_attr(&dom, "data-visible").as_deref(), Some("2"));
    let dom = dump_dom(&chromium, &format!("{url}#threshold=0.1&only=under"));
    assert_eq!(body_attr(&dom, "data-under").as_deref(), Some("0"));
    assert_eq!(body_attr(&dom, "data-visible").as_deref(), Some("0"));
    // A line selected from the hash (what a click or j/k does).
    let dom = dump_dom(&chromium, &format!("{url}#line=p1-l3"));
    assert_eq!(body_attr(&dom, "data-selected").as_deref(), Some("p1-l3"));
    assert!(
        dom.contains("class=\"line sel\" id=\"p1-l3\""),
        "{dom:.3000}"
    );
    // Keyboard: j/k walk the lines shown (1, 3, 4), clamped at the ends; with a filter, only
    // the lines it shows. A click on a line selects it.
    for (keys, line) in [
        ("j", "p1-l1"),
        ("jj", "p1-l3"),
        ("jjjj", "p1-l4"),
        ("jjjk", "p1-l3"),
    ] {
        let dom = dump_dom(&chromium, &format!("{url}#keys={keys}"));
        assert_eq!(
            body_attr(&dom, "data-selected").as_deref(),
            Some(line),
            "keys {keys}"
        );
    }
    let dom = dump_dom(
        &chromium,
        &format!("{url}#threshold=0.5&only=under&keys=jj"),
    );
    assert_eq!(body_attr(&dom, "data-selected").as_deref(), Some("p1-l1"));
    let dom = dump_dom(&chromium, &format!("{url}#click=p1-l4"));
    assert_eq!(body_attr(&dom, "data-selected").as_deref(), Some("p1-l4"));
}

/// Lines of a page that hold a span, a decoded or unresolved run or unresolved garbling and
/// have a position: the boxes the document page must draw.
fn boxed_lines(page: &serde_json::Value) -> std::collections::BTreeSet<u64> {
    let mut lines = std::collections::BTreeSet::new();
    for key in ["spans", "decoded", "unresolved"] {
        for x in page[key].as_array().into_iter().flatten() {
            lines.insert(x["line"].as_u64().unwrap());
        }
    }
    let boxes = page["line_boxes"].as_array().cloned().unwrap_or_default();
    lines.retain(|&l| boxes.get(l as usize - 1).is_some_and(|b| !b.is_null()));
    lines
}

#[test]
fn review_site_shows_pdf_pages_with_boxes_on_decoded_lines() {
    let repo = crate::common::repo();
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    // No ToUnicode (decoded through the MS/IPA tables), a full ToUnicode (nothing to box), a
    // PDF with glyphs nothing explains (needs attention), and garbled text.
    for name in [
        "office_emu__a_no_tounicode.pdf",
        "office_emu_cmap__full.pdf",
    ] {
        let bytes = std::fs::read(repo.join("corpus").join(name)).expect("bundled sample PDF");
        write(&input.join("pdf").join(name), &bytes);
    }
    let shared = repo.join("../shared/corpus/pdf/libreoffice__b_partial50.pdf");
    let bytes = std::fs::read(&shared)
        .unwrap_or_else(|e| panic!("needs the shared corpus: {}: {e}", shared.display()));
    write(&input.join("pdf/libreoffice__b_partial50.pdf"), &bytes);
    write(
        &input.join("text/garbled.txt"),
        "地域のከᵝな୺体の㐃ᦠを㏻ࡌた\nclean line\n".as_bytes(),
    );
    assert!(
        glyphmend::export::review::render::which("pdftoppm").is_some(),
        "pdftoppm not found: the review site tests need poppler-utils"
    );
    let out = tmp.path().join("out");
    let b = run(&["batch", s(&input), "-o", s(&out), "--quiet"]);
    assert!(b.status.code().is_some_and(|c| c == 0 || c == 4), "{b:?}");
    let r = run(&["review", s(&out)]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let printed = String::from_utf8_lossy(&r.stdout);
    assert!(printed.trim().ends_with("/out/review.html"), "{printed}");

    let chromium = chromium();
    let index_url = file_url(&out.join("review.html"));
    let dom = dump_dom(&chromium, &index_url);
    let rows = tags_with_class(&dom, "doc tier-");
    let m = manifest(&out);
    assert_eq!(rows.len(), m.inputs.len(), "every input listed");
    let tiers: Vec<u8> = rows
        .iter()
        .map(|t| attr(t, "data-tier").unwrap().parse().unwrap())
        .collect();
    assert!(
        tiers.windows(2).all(|w| w[0] <= w[1]),
        "attention first: {tiers:?}"
    );
    assert_eq!(
        attr(rows[0], "data-path"),
        Some("pdf/libreoffice__b_partial50.pdf"),
        "the PDF with unresolved glyphs comes first"
    );
    let (w, h) = screenshot(&chromium, &index_url, &screenshot_dir().join("index.png"));
    assert_eq!((w, h), (1400, 1000));

    // The no-ToUnicode PDF's page: its image, one box per line to review.
    let k = m
        .inputs
        .iter()
        .position(|e| e.path == "pdf/office_emu__a_no_tounicode.pdf")
        .unwrap()
        + 1;
    let doc: serde_json::Value = serde_json::from_slice(
        &std::fs::read(out.join("docs/pdf/office_emu__a_no_tounicode.pdf/doc.json")).unwrap(),
    )
    .unwrap();
    let page1 = &doc["pages"][0];
    let expected = boxed_lines(page1);
    assert!(
        expected.len() >= 10,
        "decoded lines with positions: {expected:?}"
    );
    let page_path = out.join(format!("review/doc/{k}.html"));
    let url = file_url(&page_path);
    let dom = dump_dom(&chromium, &url);
    let imgs = tags_with_class(&dom, "page-img");
    assert_eq!(imgs.len(), 1, "one page, one image");
    let src = attr(imgs[0], "src").unwrap();
    let png = page_path.parent().unwrap().join(src);
    let (pw, ph) = png_size(&png);
    assert!(pw >= 500 && ph >= 700, "rendered page {pw}×{ph}");
    assert!(
        std::fs::metadata(&png).unwrap().len() > 20_000,
        "a blank render?"
    );
    let boxes = tags_with_class(&dom, "box");
    let boxed: std::collections::BTreeSet<u64> = boxes
        .iter()
        .map(|t| {
            attr(t, "data-row")
                .unwrap()
                .rsplit("-l")
                .next()
                .unwrap()
                .parse()
                .unwrap()
        })
        .collect();
    assert_eq!(boxes.len(), expected.len(), "{dom:.2000}");
    assert_eq!(boxed, expected);
    // Boxes lie on the page image.
    for t in &boxes {
        let style = attr(t, "style").unwrap();
        for v in style.split(';').filter_map(|kv| kv.split(':').nth(1)) {
            let v: f32 = v.trim_end_matches('%').parse().unwrap();
            assert!((0.0..=100.0).contains(&v), "{style}");
        }
    }
    // Every decoded run of doc.json is an item with its table and confidence.
    let runs = page1["decoded"].as_array().unwrap();
    assert_eq!(
        text_of_id(&dom, "count-decoded").as_deref(),
        Some(runs.len().to_string().as_str())
    );
    assert_eq!(tags_with_class(&dom, "item run").len(), runs.len());
    assert!(
        dom.contains("decoded by <code>table</code> · table <code>ipaex"),
        "{dom:.3000}"
    );
    // Clicking a line selects its box, clicking a box its line (clicks replayed by the
    // page from the hash: --dump-dom cannot click).
    let first = expected.iter().next().unwrap();
    let last = expected.iter().next_back().unwrap();
    let dom = dump_dom(&chromium, &format!("{url}#click=box-p1-l{last}"));
    assert_eq!(
        body_attr(&dom, "data-selected"),
        Some(format!("p1-l{last}")),
        "a click on a box selects its line"
    );
    assert!(dom.contains(&format!("class=\"line sel\" id=\"p1-l{last}\"")));
    assert_eq!(tags_with_class(&dom, "box sel").len(), 1);
    let dom = dump_dom(&chromium, &format!("{url}#click=p1-l{first}"));
    let selected = tags_with_class(&dom, "box sel");
    assert_eq!(selected.len(), 1, "{dom:.2000}");
    assert_eq!(
        attr(selected[0], "data-row"),
        Some(format!("p1-l{first}").as_str())
    );
    // A threshold above every confidence flags every decoded run.
    let dom = dump_dom(&chromium, &format!("{url}#threshold=1.01&only=under"));
    assert_eq!(
        body_attr(&dom, "data-under").as_deref(),
        Some(runs.len().to_string().as_str())
    );
    assert_eq!(tags_with_class(&dom, "box under").len(), expected.len());
    // (The first line: headless screenshots of a scrolled page come out blank.)
    let shot = screenshot_dir().join("pdf-page.png");
    let (w, _) = screenshot(&chromium, &format!("{url}#line=p1-l{first}"), &shot);
    assert_eq!(w, 1400);
    assert!(
        std::fs::metadata(&shot).unwrap().len() > 50_000,
        "a near-blank screenshot"
    );

    // The input gone: cached images stay; without them, the page says why.
    std::fs::remove_dir_all(&input).unwrap();
    let r = run(&["review", s(&out)]);
    assert!(r.status.success());
    assert!(png.is_file(), "cached image reused");
    std::fs::remove_dir_all(out.join("review/img")).unwrap();
    let r = run(&["review", s(&out)]);
    assert!(r.status.success(), "a missing input is no failure");
    assert!(String::from_utf8_lossy(&r.stderr).contains("no longer where the batch read it"));
    let dom = dump_dom(&chromium, &url);
    assert!(tags_with_class(&dom, "page-img").is_empty());
    assert!(
        text_of_id(&dom, "image-note").is_some_and(|t| t.contains("no longer where")),
        "{dom:.2000}"
    );
    // --no-images and a PATH without pdftoppm: notes, not failures.
    let r = run(&["review", s(&out), "--no-images"]);
    assert!(r.status.success());
    assert!(
        std::fs::read_to_string(&page_path)
            .unwrap()
            .contains("--no-images")
    );
    let empty = tempfile::tempdir().unwrap();
    let r = glyphmend()
        .args(["review", s(&out)])
        .env("PATH", empty.path())
        .output()
        .unwrap();
    assert!(r.status.success());
    assert!(
        std::fs::read_to_string(&page_path)
            .unwrap()
            .contains("pdftoppm not found")
    );
}

#[test]
fn review_site_splits_long_documents_into_linked_parts() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    // 30 pages (form feeds, as pdftotext writes them), each with a garbled line.
    let page = "地域のከᵝな୺体の㐃ᦠを㏻ࡌた\nclean line\n";
    write(
        &input.join("long.txt"),
        vec![page; 30].join("\u{c}").as_bytes(),
    );
    let out = tmp.path().join("out");
    let b = run(&["batch", s(&input), "-o", s(&out), "--quiet"]);
    assert!(b.status.code().is_some_and(|c| c == 0 || c == 4), "{b:?}");
    let r = run(&["review", s(&out)]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let docs = out.join("review/doc");
    assert!(docs.join("1.html").is_file() && docs.join("1-2.html").is_file());
    assert!(!docs.join("1-3.html").exists(), "30 pages: two parts of 25");

    let chromium = chromium();
    let dom = dump_dom(&chromium, &file_url(&docs.join("1.html")));
    assert_eq!(body_attr(&dom, "data-parts").as_deref(), Some("2"));
    let sections = tags_with_class(&dom, "page");
    assert_eq!(sections.len(), 25, "pages 1–25 in the first part");
    assert_eq!(attr(sections[24], "id"), Some("p-25"));
    assert!(dom.contains("id=\"next-part\" rel=\"next\" href=\"1-2.html\""));
    assert!(
        dom.contains("href=\"1-2.html#p-30\""),
        "the pager links every page"
    );
    // Counts are the whole document's, from doc.json, on every part.
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("docs/long.txt/doc.json")).unwrap())
            .unwrap();
    let spans: usize = doc["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["spans"].as_array().unwrap().len())
        .sum();
    let dom2 = dump_dom(&chromium, &file_url(&docs.join("1-2.html")));
    for d in [&dom, &dom2] {
        assert_eq!(text_of_id(d, "count-spans"), Some(spans.to_string()));
    }
    let sections = tags_with_class(&dom2, "page");
    assert_eq!(sections.len(), 5);
    assert_eq!(attr(sections[0], "id"), Some("p-26"));
    assert!(dom2.contains("id=\"prev-part\" rel=\"prev\" href=\"1.html\""));
    // n/p move between pages of the part.
    let dom2 = dump_dom(
        &chromium,
        &format!("{}#keys=nn", file_url(&docs.join("1-2.html"))),
    );
    let selected = body_attr(&dom2, "data-selected").unwrap_or_default();
    assert!(selected.starts_with("p27-"), "{selected}");
}
