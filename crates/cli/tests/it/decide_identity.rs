//! The document-level table verdicts (`repair::doclevel::decide`) score every position's
//! readings together and once per distinct evidence window (issue 19); they must equal,
//! bit for bit, the reading-by-reading computation they replaced
//! (`doclevel::decide_reference`) — on dev-a, on a generated mixed corpus (clean lines, lines
//! garbled through table A, a few through C, lines spliced), with the base and the
//! document-adapted model, and in the residual round (`only`).

use crate::common;
use glyphmend::detect::classify;
use glyphmend::lm::{AdaptiveLm, CharLm, Scorer};
use glyphmend::repair::doclevel::{self, TableVerdict};
use glyphmend::tables::{FontTable, TableSet};
use std::collections::HashSet;

fn fixture(rel: &str) -> String {
    let p = common::repo().join(rel);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Clean held-out lines, every fifth garbled through A and every 17th through C, and every
/// seventh spliced from the head of one line and the tail of the next (so lines are
/// distinct and fonts meet within a line).
fn generated_mixed() -> String {
    let tables = TableSet::builtin().expect("tables");
    let a = tables.get("A").expect("table A");
    let c = tables.get("C").expect("table C");
    let clean = fixture("tests/fixtures/clean_ja_heldout.txt");
    let lines: Vec<&str> = clean.lines().filter(|l| !l.is_empty()).take(1500).collect();
    let mut out = String::new();
    for (k, l) in lines.iter().enumerate() {
        let line = if k % 17 == 0 {
            common::garble_through(c, l)
        } else if k % 5 == 0 {
            common::garble_through(a, l)
        } else {
            l.to_string()
        };
        let line = if k % 7 == 0 {
            let next = lines
                .get(k + 1)
                .map_or(String::new(), |n| common::garble_through(a, n));
            let head: String = line.chars().take(line.chars().count() / 2).collect();
            let tail: String = next.chars().skip(next.chars().count() / 2).collect();
            head + &tail
        } else {
            line
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// The evidence lines (those holding a strong character) and the clean ones.
fn split(text: &str) -> (Vec<Vec<char>>, String) {
    let mut evidence = Vec::new();
    let mut clean = String::new();
    for l in text.lines() {
        if l.chars().any(|c| classify(c).is_strong()) {
            evidence.push(l.chars().collect());
        } else {
            clean.push_str(l);
            clean.push('\n');
        }
    }
    (evidence, clean)
}

fn assert_bit_identical(what: &str, fast: &[TableVerdict], reference: &[TableVerdict]) {
    assert_eq!(fast.len(), reference.len(), "{what}");
    for (f, r) in fast.iter().zip(reference) {
        let bits = |v: &TableVerdict| {
            (
                v.table.clone(),
                v.distinct,
                v.decoded,
                v.gain.to_bits(),
                v.null_mean.to_bits(),
                v.null_best.to_bits(),
                v.wins,
                v.residual,
            )
        };
        assert_eq!(bits(f), bits(r), "{what}: {f:?} vs {r:?}");
    }
}

/// Checks one document; returns (tables won, positions read from the window cache).
fn check(what: &str, text: &str) -> (usize, usize) {
    let set = TableSet::builtin().expect("tables");
    let tables: Vec<&FontTable> = set.text_tables().collect();
    let base = CharLm::builtin();
    let (evidence, clean) = split(text);
    assert!(
        evidence.len() >= 50,
        "{what}: {} evidence lines",
        evidence.len()
    );
    let mut adapted = AdaptiveLm::new(base);
    adapted.observe(&clean);
    let models: [(&str, &(dyn Scorer + Sync)); 2] = [("base", base), ("adapted", &adapted)];
    let mut won = 0;
    let mut cached = 0;
    for (name, lm) in models {
        let (fast, stats) = doclevel::decide_with_stats(&tables, &evidence, lm, None);
        let reference = doclevel::decide_reference(&tables, &evidence, lm, None);
        assert_bit_identical(&format!("{what}, {name} model"), &fast, &reference);
        assert_eq!(
            stats.positions,
            stats.positions_unchanged + stats.positions_cached + stats.positions_scored
        );
        won += fast.iter().filter(|v| v.wins).count();
        cached += stats.positions_cached;
        // The residual round: the glyphs no winner decodes, judged by the losers.
        let winners: Vec<&FontTable> = tables
            .iter()
            .zip(&fast)
            .filter(|(_, v)| v.wins)
            .map(|(t, _)| *t)
            .collect();
        let losers: Vec<&FontTable> = tables
            .iter()
            .zip(&fast)
            .filter(|(_, v)| !v.wins)
            .map(|(t, _)| *t)
            .collect();
        let residual: HashSet<char> = evidence
            .iter()
            .flatten()
            .copied()
            .filter(|&c| {
                classify(c).is_strong() && winners.iter().all(|t| t.get(c as u32).is_none())
            })
            .collect();
        let fast = doclevel::decide(&losers, &evidence, lm, Some(&residual));
        let reference = doclevel::decide_reference(&losers, &evidence, lm, Some(&residual));
        assert_bit_identical(
            &format!("{what}, {name} model, residual"),
            &fast,
            &reference,
        );
        eprintln!("{what}, {name} model: {stats:?}");
    }
    (won, cached)
}

#[test]
fn fast_verdicts_equal_reference_verdicts_on_dev_a() {
    let (won, _) = check("dev-a", &fixture("tests/fixtures/seed/dev-a.txt"));
    // Tables A and B (and the title font C) explain dev-a: the comparison covers winners.
    assert!(won >= 2, "{won} tables won dev-a");
}

#[test]
fn fast_verdicts_equal_reference_verdicts_on_a_generated_mixed_corpus() {
    let (won, cached) = check("generated mixed", &generated_mixed());
    assert!(won >= 1, "no table won the generated corpus");
    // Repeated words make repeated windows: the cache path is exercised.
    assert!(cached > 0, "no position was read from the window cache");
}

/// The repair reuses the residual pass's repair of evidence pieces when it decodes with the
/// same tables (`DecodeStats::pieces_reused`); text, spans (JSON, confidences included) and
/// reports must be those of decoding every piece again.
#[test]
fn reused_pieces_equal_decoded_pieces() {
    let set = TableSet::builtin().expect("tables");
    let lm = CharLm::builtin();
    let fast = glyphmend::repair::Repairer::new(&set, lm);
    let full = glyphmend::repair::Repairer::new(&set, lm).without_reuse();
    let mut reused = 0;
    let docs = [
        ("dev-a", fixture("tests/fixtures/seed/dev-a.txt")),
        ("dev-b", fixture("tests/fixtures/seed/dev-b.txt")),
        ("dev-c", fixture("tests/fixtures/seed/dev-c.txt")),
        ("generated mixed", generated_mixed()),
    ];
    for (what, text) in &docs {
        let mut doc = fast.document();
        doc.observe(text);
        let a = fast.repair_chunk(&doc, text, 1);
        let stats = doc.decode_stats();
        let mut doc = full.document();
        doc.observe(text);
        let b = full.repair_chunk(&doc, text, 1);
        assert_eq!(doc.decode_stats().pieces_reused, 0, "{what}");
        assert!(a.text == b.text, "{what}: texts differ");
        assert_eq!(
            a.spans_jsonl().expect("json"),
            b.spans_jsonl().expect("json"),
            "{what}"
        );
        assert_eq!(format!("{:?}", a.lines), format!("{:?}", b.lines), "{what}");
        eprintln!("{what}: {stats:?}");
        reused += stats.pieces_reused;
    }
    assert!(reused > 0, "no piece was reused: the test compares nothing");
}
