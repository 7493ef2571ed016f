use super::*;
use crate::repair::LineReport;
use std::collections::BTreeMap;

#[test]
fn page_stats_count_garbling_and_spans() {
    let repair = TextRepair {
        text: "支援を行う\nclean".into(),
        lines: vec![LineReport {
            line: 1,
            fixes: vec![],
            spans: vec![RepairSpan {
                line: 1,
                column: 1,
                end_column: 2,
                before: "ᨭ᥼".into(),
                after: "支援".into(),
                table: "A".into(),
                rule: "r".into(),
                fix: "decode".into(),
                confidence: 0.5,
                evidence: None,
            }],
            unresolved: vec![],
        }],
    };
    let p = PageResult::new(1, "ᨭ᥼を⾜う\nclean".into(), repair);
    assert_eq!(p.stats.lines, 2);
    assert_eq!(p.stats.chars, 10);
    assert!(p.stats.garbled_chars >= 2, "{:?}", p.stats);
    assert_eq!(p.stats.garbled_lines, 1);
    assert_eq!(p.stats.garbled_chars_after, 0);
    assert_eq!(p.stats.repaired_spans, 1);
    assert_eq!(p.stats.repaired_chars, 2);
    assert_eq!(p.stats.low_confidence_spans, 1);
    let doc = DocResult {
        path: "a/b.txt".into(),
        sha256: "x".into(),
        kind: "txt".into(),
        pages: vec![p],
        warnings: vec![],
        attention: None,
    };
    let lines = doc.corpus_lines();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].id, "a/b.txt#p1");
    assert_eq!(lines[0].repairs.spans, 1);
    assert!(lines[0].garble.garbled_ratio > 0.0);
}

fn run(source: &str, table: Option<&str>, confidence: f32, unresolved: usize) -> DecodedRun {
    DecodedRun {
        line: 1,
        column: 1,
        end_column: 2,
        text: "支援".into(),
        source: source.into(),
        table: table.map(String::from),
        font: "ABCDEF+MS-Mincho".into(),
        gids: vec![Some(3504), Some(3505)],
        confidence,
        unresolved,
        bbox: [0.0; 4],
    }
}

#[test]
fn span_counts_count_each_decoding_once_with_its_provenance() {
    let learned = RepairSpan {
        line: 2,
        column: 1,
        end_column: 1,
        before: "\u{FFFD}".into(),
        after: "援".into(),
        table: crate::repair::LEARNED_TABLE.into(),
        rule: "r".into(),
        fix: "decode".into(),
        confidence: 0.995,
        evidence: None,
    };
    let repair = TextRepair {
        text: "支援\n援\n".into(),
        lines: vec![LineReport {
            line: 2,
            fixes: vec![],
            spans: vec![learned],
            unresolved: vec![],
        }],
    };
    let mut p = PageResult::new(1, "支援\n\u{FFFD}\n".into(), repair);
    p.decoded = vec![
        run("table", Some("ms-mincho"), 1.0, 0),
        run("table", Some("ms-mincho"), 0.6, 0),
        run("table", Some("corpus-ms-gothic"), 0.9, 0),
        run("font-cmap", None, 1.0, 0),
        run("unresolved", None, 0.0, 3),
    ];
    let c = SpanCounts::of(std::slice::from_ref(&p));
    assert_eq!(c.repaired_spans, 1);
    assert_eq!(c.learned_spans, 1);
    assert_eq!(c.decoded_spans, 4);
    assert_eq!(c.unresolved_spans, 1);
    assert_eq!(c.unresolved_glyphs, 3);
    assert_eq!(c.low_confidence_spans, 1);
    let map = |v: &[(&str, usize)]| -> BTreeMap<String, usize> {
        v.iter().map(|(k, n)| (k.to_string(), *n)).collect()
    };
    assert_eq!(
        c.provenance,
        map(&[
            ("font-cmap", 1),
            ("learned", 1),
            ("learned-table", 1),
            ("table", 2)
        ])
    );
    assert_eq!(c.tables, map(&[("corpus-ms-gothic", 1), ("ms-mincho", 2)]));
    assert_eq!(c.low_confidence, map(&[("table", 1)]));
    assert_eq!(
        c.provenance_text(),
        "table 2, font-cmap 1, learned 1, learned-table 1"
    );
    // The page's corpus line carries the same counts.
    let doc = DocResult {
        path: "a.pdf".into(),
        sha256: "x".into(),
        kind: "pdf".into(),
        pages: vec![p.clone()],
        warnings: vec![],
        attention: None,
    };
    let r = &doc.corpus_lines()[0].repairs;
    assert_eq!(
        (r.spans, r.learned, r.decoded, r.low_confidence),
        (1, 1, 4, 1)
    );
    assert_eq!((r.unresolved, r.unresolved_glyphs), (1, 3));
    // Two pages add up; the summary of two documents is their sum.
    let two = SpanCounts::of(&[p.clone(), p]);
    let mut sum = c.clone();
    sum.add(&c);
    assert_eq!(two, sum);
    assert_eq!(two.decoded_spans, 8);
}
