//! `glyphmend index` and `search` over a batch's output: Japanese queries (single kanji,
//! half-width katakana, kana and width variants, phrases), hits with lines and character
//! offsets, identical pages collapsed, and the OpenSearch export.

use super::*;

#[test]
fn end_to_end_repair_then_search_finds_the_repaired_phrase() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let garbled = "ᨭ᥼を⾜う\n";
    assert!(!garbled.contains("支援"));
    write(&input.join("garbled.txt"), garbled.as_bytes());
    write(
        &input.join("other.txt"),
        "孤独・孤立対策の推進\n".as_bytes(),
    );
    let out = tmp.path().join("out");
    let r = run(&["batch", s(&input), "-o", s(&out), "--quiet"]);
    assert_eq!(r.status.code(), Some(0));
    let lines = corpus(&out);
    let page = lines.iter().find(|l| l["source"] == "garbled.txt").unwrap();
    assert_eq!(page["text"], "支援を行う\n");

    let r = run(&["index", s(&out)]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let r = run(&["search", s(&out), "支援", "--color", "never"]);
    assert!(r.status.success());
    let text = String::from_utf8(r.stdout).unwrap();
    assert!(text.contains("garbled.txt page 1"), "{text}");
    assert!(text.contains("【支援】"), "{text}");
    assert!(!text.contains("other.txt"), "{text}");
}

/// `glyphmend search OUT QUERY --json EXTRA…`, one JSON value per hit.
pub(super) fn search_json(
    out: &std::path::Path,
    q: &str,
    extra: &[&str],
) -> Vec<serde_json::Value> {
    let mut args = vec!["search", s(out), q, "--json"];
    args.extend(extra);
    String::from_utf8(run(&args).stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn index_search_and_opensearch_export() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    write(
        &input.join("a.txt"),
        "地域における孤独・孤立対策に関するＮＰＯ等のモデル調査\n".as_bytes(),
    );
    write(
        &input.join("b.txt"),
        "孤独対策の予算\n\u{c}孤立の調査\n".as_bytes(),
    );
    write(&input.join("c.txt"), "関係のない本文\n".as_bytes());
    let out = tmp.path().join("out");
    batch_ok(&input, &out);

    // Searching before indexing is a clear error.
    let r = run(&["search", s(&out), "孤独"]);
    assert!(!r.status.success());
    assert!(String::from_utf8_lossy(&r.stderr).contains("glyphmend index"));

    assert!(run(&["index", s(&out)]).status.success());
    let hits = |q: &str, extra: &[&str]| search_json(&out, q, extra);
    // Both words must occur: a.txt only (b.txt has them on different pages).
    let both = hits("孤独 孤立", &[]);
    let ids: Vec<&str> = both.iter().map(|h| h["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["a.txt#p1"]);
    let any = hits("孤独 孤立", &["--any"]);
    let mut ids: Vec<&str> = any.iter().map(|h| h["id"].as_str().unwrap()).collect();
    ids.sort();
    assert_eq!(ids, ["a.txt#p1", "b.txt#p1", "b.txt#p2"]);
    // Bigram phrases: 孤立対策 is a substring of a.txt only; 対策の予算 of b.txt.
    assert_eq!(hits("孤立対策", &[])[0]["id"], "a.txt#p1");
    assert_eq!(hits("対策の予算", &[]).len(), 1);
    // Width folding and case: ＮＰＯ found as npo.
    assert_eq!(hits("npo", &[])[0]["source"], "a.txt");
    let page2 = &hits("孤立", &["--any"]);
    assert!(
        page2
            .iter()
            .any(|h| h["page"] == 2 && h["source"] == "b.txt")
    );
    // One character matches inside longer words (issue: 課, 局, 都 found nothing).
    let mut ids: Vec<String> = hits("調", &[])
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    assert_eq!(ids, ["a.txt#p1", "b.txt#p2"]);
    assert!(hits("係", &[]).iter().all(|h| h["source"] == "c.txt"));
    // Half-width katakana and hiragana find the katakana of the text, and the reverse.
    assert_eq!(hits("ﾓﾃﾞﾙ", &[])[0]["id"], "a.txt#p1");
    assert_eq!(hits("もでる", &[])[0]["id"], "a.txt#p1");
    assert!(hits("モデル調査", &[])[0]["id"] == "a.txt#p1");
    // A phrase across a separator still matches (positions count bigrams).
    assert_eq!(hits("\"孤独・孤立\"", &[])[0]["id"], "a.txt#p1");
    assert_eq!(hits("孤独・孤立", &[]).len(), 1);
    let r = run(&["search", s(&out), "存在しない語"]);
    assert_eq!(r.status.code(), Some(1));

    let bulk = out.join("bulk.ndjson");
    let r = run(&["index", s(&out), "--export", "opensearch", "-o", s(&bulk)]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let text = std::fs::read_to_string(&bulk).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2 * 4);
    for pair in lines.chunks(2) {
        assert_eq!(pair[0]["index"]["_id"], pair[1]["id"]);
        assert_eq!(pair[0]["index"]["_index"], "glyphmend");
        assert!(pair[1]["text"].is_string());
    }
    let mapping = std::fs::read_to_string(out.join("bulk.ndjson.mapping.json")).unwrap();
    let mapping: serde_json::Value = serde_json::from_str(&mapping).unwrap();
    assert_eq!(
        mapping["mappings"]["properties"]["text"]["analyzer"],
        "ja_bigram"
    );
}

#[test]
fn search_hits_give_lines_char_offsets_whole_matches_and_collapse_identical_pages() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    // The same form page in three documents; one document differs.
    let form = "様式第1号\n申請者　記入欄\n補助基準額の算定　ＮＰＯ法人\n";
    for name in ["a.txt", "b.txt", "c.txt"] {
        write(&input.join(name), form.as_bytes());
    }
    write(
        &input.join("d.txt"),
        "別の本文\n二行目\n補助基準額は別途定める\n".as_bytes(),
    );
    let out = tmp.path().join("out");
    batch_ok(&input, &out);
    assert!(run(&["index", s(&out)]).status.success());
    let hits = |q: &str, extra: &[&str]| search_json(&out, q, extra);
    let found = hits("補助基準額", &[]);
    // Three identical pages are one hit listing the other two; d.txt is its own.
    assert_eq!(found.len(), 2, "{found:?}");
    let form_hit = found
        .iter()
        .find(|h| h["source"] != "d.txt")
        .expect("the form page");
    let dups = form_hit["duplicates"].as_array().unwrap();
    assert_eq!(dups.len(), 2, "{form_hit}");
    let mut all: Vec<&str> = dups.iter().map(|d| d.as_str().unwrap()).collect();
    all.push(form_hit["id"].as_str().unwrap());
    all.sort();
    assert_eq!(all, ["a.txt#p1", "b.txt#p1", "c.txt#p1"]);
    for h in &found {
        // The match is on line 3 of its page.
        assert_eq!(h["line"], 3, "{h}");
        // One whole match, not one per bigram, in bytes and in characters.
        let bytes = h["highlighted"].as_array().unwrap();
        let chars = h["highlighted_chars"].as_array().unwrap();
        assert_eq!(bytes.len(), 1, "{h}");
        assert_eq!(chars.len(), 1, "{h}");
        let snippet = h["snippet"].as_str().unwrap();
        let (s0, e0) = (
            chars[0]["start"].as_u64().unwrap() as usize,
            chars[0]["end"].as_u64().unwrap() as usize,
        );
        let by_chars: String = snippet.chars().skip(s0).take(e0 - s0).collect();
        assert_eq!(by_chars, "補助基準額", "{h}");
        let (b0, b1) = (
            bytes[0]["start"].as_u64().unwrap() as usize,
            bytes[0]["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(&snippet[b0..b1], "補助基準額", "{h}");
    }
    // Without collapsing every page is a hit.
    assert_eq!(hits("補助基準額", &["--all-pages"]).len(), 4);
    // The text output names the line and the identical pages, and marks one whole match.
    let r = run(&["search", s(&out), "補助基準額", "--color", "never"]);
    let text = String::from_utf8(r.stdout).unwrap();
    assert!(text.contains("line 3"), "{text}");
    assert!(text.contains("(+2 identical page(s))"), "{text}");
    assert!(text.contains("【補助基準額】"), "{text}");
}

/// `glyphmend batch INPUT -o OUT --quiet`, which must exit 0.
fn batch_ok(input: &Path, out: &Path) {
    let r = run(&["batch", s(input), "-o", s(out), "--quiet"]);
    assert_eq!(
        r.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&r.stderr)
    );
}
