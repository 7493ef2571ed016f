//! Search hits that open the review site at their line, and PDF decodings counted as spans.

use super::*;
use crate::batch::search::search_json;

/// `glyphmend search OUT QUERY --json` hits whose source is `source`.
fn hits_in(out: &Path, query: &str, source: &str) -> Vec<serde_json::Value> {
    search_json(out, query, &["-n", "50"])
        .into_iter()
        .filter(|h| h["source"] == source)
        .collect()
}

/// The page a hit's review link names, as a file URL with its fragment.
fn review_url(out: &Path, hit: &serde_json::Value) -> (String, String) {
    let link = hit["review"]
        .as_str()
        .expect("a hit links into the review site");
    let (file, fragment) = link.split_once('#').expect("the link names a line");
    (
        format!("{}#{fragment}", file_url(&out.join(file))),
        link.to_string(),
    )
}

#[test]
fn review_site_counts_pdf_decodings_and_opens_search_hits_at_their_line() {
    let repo = crate::common::repo();
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    // The real no-ToUnicode document (shipped MS Mincho table), a generated PDF with a full
    // ToUnicode (nothing to review), and 30 pages of text (two parts of the document page).
    write(&input.join("kyushu.pdf"), &std::fs::read(kyushu()).unwrap());
    let full = "office_emu_cmap__full.pdf";
    write(
        &input.join(full),
        &std::fs::read(repo.join("corpus").join(full)).unwrap(),
    );
    let pages: Vec<String> = (1..=30)
        .map(|i| {
            let word = if i == 27 { "蛍光灯交換" } else { "本文" };
            format!("地域のከᵝな୺体の㐃ᦠを㏻ࡌた\n第{i}頁\n{word}の記録\n")
        })
        .collect();
    write(&input.join("long.txt"), pages.join("\u{c}").as_bytes());
    let out = tmp.path().join("out");
    let b = run(&["batch", s(&input), "-o", s(&out), "--quiet"]);
    assert!(b.status.code().is_some_and(|c| c == 0 || c == 4), "{b:?}");
    assert!(run(&["index", s(&out)]).status.success());
    // Before the site exists the text output says how to write it.
    let r = run(&["search", s(&out), "蛍光灯交換", "--color", "never"]);
    assert!(
        String::from_utf8_lossy(&r.stderr).contains("glyphmend review"),
        "{r:?}"
    );
    let r = run(&["review", s(&out)]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let chromium = chromium();

    // Counts: the site shows the manifest's (one source, SpanCounts over doc.json).
    let m = manifest(&out);
    let k = m
        .inputs
        .iter()
        .position(|e| e.path == "kyushu.pdf")
        .unwrap()
        + 1;
    let e = &m.inputs[k - 1];
    assert!(e.spans.decoded_spans > 500);
    let dom = dump_dom(&chromium, &file_url(&out.join("review.html")));
    for (id, n) in [
        ("total-decoded", m.summary.spans.decoded_spans),
        ("total-unresolved", m.summary.spans.unresolved_spans),
        ("total-spans", m.summary.spans.repaired_spans),
        ("total-low", m.summary.spans.low_confidence_spans),
    ] {
        assert_eq!(text_of_id(&dom, id), Some(n.to_string()), "{id}");
    }
    assert!(
        element_text(&dom, "total-provenance").is_some_and(|t| t
            .contains(&format!("table {}", m.summary.spans.provenance["table"]))
            && t.contains(&format!("ms-mincho {}", e.spans.decoded_spans))),
        "{dom:.2000}"
    );
    let url = file_url(&out.join(format!("review/doc/{k}.html")));
    let dom = dump_dom(&chromium, &url);
    for (id, n) in [
        ("count-decoded", e.spans.decoded_spans),
        ("count-unresolved", e.spans.unresolved_spans),
        ("count-spans", e.spans.repaired_spans),
    ] {
        assert_eq!(text_of_id(&dom, id), Some(n.to_string()), "{id}");
    }
    let prov = element_text(&dom, "provenance").unwrap();
    // Unresolved glyphs are named only when there are some (none in kyushu since its
    // table was derived from more documents).
    assert!(
        prov.contains(&format!("table {}", e.spans.decoded_spans))
            && (e.spans.unresolved_glyphs == 0) != prov.contains("unresolved glyphs:")
            && (e.spans.unresolved_glyphs == 0
                || prov.contains(&format!("unresolved glyphs: {}", e.spans.unresolved_glyphs))),
        "{prov}"
    );

    // A hit on a decoded line of the PDF: its row to review selected, its box too.
    let phrase = "筑後川太郎原地区";
    let hits = hits_in(&out, phrase, "kyushu.pdf");
    let hit = hits
        .iter()
        .find(|h| h["page"] == 23)
        .unwrap_or_else(|| panic!("{hits:?}"));
    let (url, link) = review_url(&out, hit);
    let row = format!("p23-l{}", hit["line"]);
    assert_eq!(link, format!("review/doc/{k}.html#line={row}"));
    let dom = dump_dom(&chromium, &url);
    assert_eq!(body_attr(&dom, "data-selected"), Some(row.clone()));
    assert!(
        element_text(&dom, &row).is_some_and(|t| t.contains(phrase)),
        "{:?}",
        element_text(&dom, &row)
    );
    let boxes = tags_with_class(&dom, "box sel");
    assert_eq!(boxes.len(), 1);
    assert_eq!(attr(boxes[0], "data-row"), Some(row.as_str()));
    // The text output links the same line.
    let r = run(&["search", s(&out), phrase, "--color", "never"]);
    let text = String::from_utf8(r.stdout).unwrap();
    assert!(
        text.contains("review: file://") && text.contains(&link),
        "{text}"
    );

    // A hit on a line with nothing to review (full ToUnicode): the page's text opens at the
    // line, which is selected and boxed on the page image.
    let hits = hits_in(&out, "地域福祉課", full);
    assert_eq!(hits.len(), 1, "{hits:?}");
    let (url, _) = review_url(&out, &hits[0]);
    let row = format!("t-p1-l{}", hits[0]["line"]);
    let dom = dump_dom(&chromium, &url);
    assert_eq!(body_attr(&dom, "data-selected"), Some(row.clone()));
    assert!(element_text(&dom, &row).is_some_and(|t| t.contains("地域福祉課")));
    let details = tags_with_class(&dom, "fulltext");
    assert_eq!(details.len(), 1);
    assert!(attr(details[0], "open").is_some(), "{}", details[0]);
    let boxes = tags_with_class(&dom, "box text sel");
    assert_eq!(boxes.len(), 1, "{dom:.3000}");
    assert_eq!(attr(boxes[0], "data-row"), Some(row.as_str()));

    // A hit on page 27 of the text: the second part of its document page.
    let hits = hits_in(&out, "蛍光灯交換", "long.txt");
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(
        (hits[0]["page"].as_u64(), hits[0]["line"].as_u64()),
        (Some(27), Some(3))
    );
    let n = m.inputs.iter().position(|e| e.path == "long.txt").unwrap() + 1;
    let (url, link) = review_url(&out, &hits[0]);
    assert_eq!(link, format!("review/doc/{n}-2.html#line=p27-l3"));
    let dom = dump_dom(&chromium, &url);
    assert_eq!(
        body_attr(&dom, "data-selected").as_deref(),
        Some("t-p27-l3")
    );
    assert!(element_text(&dom, "t-p27-l3").is_some_and(|t| t.contains("蛍光灯交換")));
    // A line to review on the same page is selected as its own row.
    let dom = dump_dom(&chromium, &url.replace("p27-l3", "p27-l1"));
    assert_eq!(body_attr(&dom, "data-selected").as_deref(), Some("p27-l1"));
}
