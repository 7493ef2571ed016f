//! The review site in a real (headless) browser: DOM assertions, not string matching.

use super::*;

// ---- review in a real browser ----

fn find_chromium() -> Option<PathBuf> {
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        for dir in std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()) {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

/// `chromium --headless --dump-dom URL`, killed after a minute.
fn dump_dom(chromium: &Path, url: &str) -> String {
    let profile = tempfile::tempdir().unwrap();
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(["--dump-dom", url])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn chromium");
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("chromium did not finish within 60 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = child.wait_with_output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The text content of the element with `id` in a DOM dump (`<x id="id">text</x>`).
fn text_of_id(dom: &str, id: &str) -> Option<String> {
    let at = dom.find(&format!("id=\"{id}\""))?;
    let rest = &dom[at..];
    let open_end = rest.find('>')? + 1;
    let close = rest[open_end..].find('<')?;
    Some(rest[open_end..open_end + close].to_string())
}

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
        repaired_spans: 3,
        low_confidence_spans: 1,
        unresolved_spans: 1,
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
            repaired_spans: 3,
            low_confidence_spans: 1,
            unresolved_spans: 1,
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
fn review_html_is_static_and_works_in_a_headless_browser() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    synthetic_batch(&out);
    let r = run(&["review", s(&out)]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let html_path = out.join("review.html");
    let html = std::fs::read_to_string(&html_path).unwrap();
    // Self-contained: no external assets.
    for needle in ["src=\"http", "href=\"http", "<link", "src=\"//", "@import"] {
        assert!(!html.contains(needle), "external asset: {needle}");
    }
    // Escaped text, hover titles with table, rule and confidence, failures listed.
    assert!(html.contains("title=\"ᨭ᥼ → 支援\ntable A · decode\nblock 4E00..9FA5"));
    assert!(html.contains("confidence 0.42"));
    assert!(html.contains("PDF support &lt;not&gt; built in"));
    assert!(html.contains("class=\"unresolved\""));

    let Some(chromium) = find_chromium() else {
        eprintln!("NOTE: chromium not found; skipping the browser half of the review test");
        return;
    };
    let url = format!("file://{}", html_path.canonicalize().unwrap().display());
    let dom = dump_dom(&chromium, &url);
    assert!(
        dom.contains("glyphmend review"),
        "no DOM from chromium: {dom:.300}"
    );
    // The inline script ran: counts computed from the span marks.
    assert_eq!(
        text_of_id(&dom, "js-count-spans").as_deref(),
        Some("3"),
        "{dom:.2000}"
    );
    assert_eq!(text_of_id(&dom, "js-count-low").as_deref(), Some("1"));
    assert!(dom.contains("class=\"js-table-row\" data-table=\"A\"><td>A</td><td>2</td><td>1</td>"));
    assert!(dom.contains("class=\"js-table-row\" data-table=\"B\"><td>B</td><td>1</td><td>0</td>"));
    assert!(dom.contains("data-filter=\"all\""));
    // Changed or unresolved lines: 1, 3, 4 (line 2 is unchanged).
    assert_eq!(text_of_id(&dom, "js-count-visible").as_deref(), Some("3"));

    // #low: only the line with the low-confidence span stays visible.
    let low = dump_dom(&chromium, &format!("{url}#low"));
    assert!(low.contains("data-filter=\"low\""), "{low:.2000}");
    assert_eq!(text_of_id(&low, "js-count-visible").as_deref(), Some("1"));
    assert!(low.contains("class=\"line has-low\" data-line=\"1\""));
    assert!(low.contains("class=\"span low\""), "low span flagged");
}
