//! Repair output must not depend on the number of threads, nor on the per-document cache
//! of repeated lines: the same text repaired on 1 and on 2 threads gives identical text and
//! reports, and a repeated garbled line gets the same repair, reported at its own line.

use glyphmend::lm::CharLm;
use glyphmend::repair::{Repairer, TextRepair};
use glyphmend::tables::TableSet;

fn fixture(name: &str) -> String {
    let p = crate::common::repo().join("tests/fixtures/seed").join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn repair_on(threads: usize, text: &str) -> TextRepair<'_> {
    let tables = TableSet::builtin().expect("built-in tables");
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("thread pool");
    pool.install(|| Repairer::new(&tables, CharLm::builtin()).repair_text(text))
}

#[test]
fn one_and_two_threads_give_identical_output() {
    let text = fixture("dev-a.txt");
    let one = repair_on(1, &text);
    let two = repair_on(2, &text);
    assert_ne!(
        one.text, text,
        "nothing was repaired: the test would prove nothing"
    );
    assert_eq!(one.text, two.text);
    assert_eq!(format!("{:?}", one.lines), format!("{:?}", two.lines));
}

#[test]
fn repeated_lines_get_the_same_repair_at_their_own_line_numbers() {
    // dev-a followed by copies of its garbled lines: each copy is the same content under
    // the same document model, so it must get the first occurrence's repair.
    let text = fixture("dev-a.txt");
    let truth = fixture("dev-a.truth.txt");
    let garbled: Vec<&str> = text
        .split('\n')
        .zip(truth.split('\n'))
        .filter(|(a, t)| a != t)
        .map(|(a, _)| a)
        .collect();
    assert!(garbled.len() > 10);
    let n_lines = text.split('\n').count();
    let doc = format!("{text}\n{}", garbled.join("\n"));
    let rep = repair_on(2, &doc);
    let in_lines: Vec<&str> = doc.split('\n').collect();
    let out_lines: Vec<&str> = rep.text.split('\n').collect();
    let first_of = |content: &str| in_lines.iter().position(|l| *l == content).expect("line");
    let mut checked = 0;
    for b in rep.lines.iter().filter(|r| r.line > n_lines) {
        let content = in_lines[b.line - 1];
        let first = first_of(content);
        assert!(first < n_lines);
        assert_eq!(out_lines[b.line - 1], out_lines[first]);
        let a = rep
            .lines
            .iter()
            .find(|r| r.line == first + 1)
            .expect("first report");
        assert_eq!(a.fixes, b.fixes);
        assert_eq!(a.spans.len(), b.spans.len());
        for (sa, sb) in a.spans.iter().zip(&b.spans) {
            assert_eq!((sa.line, sb.line), (a.line, b.line));
            let mut sb = sb.clone();
            sb.line = sa.line;
            assert_eq!(*sa, sb);
        }
        assert_eq!(a.unresolved.len(), b.unresolved.len());
        for (ua, ub) in a.unresolved.iter().zip(&b.unresolved) {
            assert_eq!((ua.line, ub.line), (a.line, b.line));
            assert_eq!(ua.text, ub.text);
        }
        checked += 1;
    }
    assert!(
        checked >= garbled.len() / 2,
        "only {checked} repeated reports"
    );
}
