//! Measuring repairs against ground truth: character error rate, line by line.
//!
//! CER = (edit distance between repaired and truth) / (length of truth), over the lines
//! that were garbled (input ≠ truth). Clean lines are counted separately: any change to
//! one of them is a false repair.

/// Levenshtein distance over characters (O(n·m) time, O(m) space).
pub fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Figures of one evaluation.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Evaluation {
    /// Lines where input and truth differ.
    pub garbled_lines: usize,
    /// Characters of the truth on the garbled lines (the CER denominator).
    pub garbled_chars: usize,
    /// Edit operations left on garbled lines after repair.
    pub garbled_errors: usize,
    /// Edit operations on garbled lines before repair (the input's own CER numerator).
    pub input_errors: usize,
    /// Lines where input and truth are equal.
    pub clean_lines: usize,
    /// Clean lines (input = truth) that the repair changed.
    pub clean_lines_changed: usize,
    /// Lines whose repair differs from the truth, with (line number, repaired, truth).
    pub wrong_lines: Vec<(usize, String, String)>,
}

impl Evaluation {
    /// Character error rate on garbled lines after repair.
    pub fn cer(&self) -> f64 {
        self.garbled_errors as f64 / self.garbled_chars.max(1) as f64
    }
    /// Character error rate on garbled lines before repair (the input's own).
    pub fn input_cer(&self) -> f64 {
        self.input_errors as f64 / self.garbled_chars.max(1) as f64
    }
}

/// Compares input, repaired output and truth, line by line. Line counts must agree; extra
/// lines on any side count as fully wrong.
pub fn evaluate(input: &str, repaired: &str, truth: &str) -> Evaluation {
    let mut ev = Evaluation::default();
    let inp: Vec<&str> = input.split('\n').collect();
    let rep: Vec<&str> = repaired.split('\n').collect();
    let tru: Vec<&str> = truth.split('\n').collect();
    let n = inp.len().max(rep.len()).max(tru.len());
    for i in 0..n {
        let (a, r, t) = (
            inp.get(i).copied().unwrap_or(""),
            rep.get(i).copied().unwrap_or(""),
            tru.get(i).copied().unwrap_or(""),
        );
        if a == t {
            ev.clean_lines += 1;
            if r != t {
                ev.clean_lines_changed += 1;
                ev.wrong_lines.push((i + 1, r.to_string(), t.to_string()));
            }
            continue;
        }
        let tc: Vec<char> = t.chars().collect();
        ev.garbled_lines += 1;
        ev.garbled_chars += tc.len();
        let d = edit_distance(&r.chars().collect::<Vec<_>>(), &tc);
        ev.garbled_errors += d;
        ev.input_errors += edit_distance(&a.chars().collect::<Vec<_>>(), &tc);
        if d > 0 {
            ev.wrong_lines.push((i + 1, r.to_string(), t.to_string()));
        }
    }
    ev
}

/// The lines of `input` that differ from `truth` (the garbled ones of a seed sample), each
/// with its `\n`: the benchmarks' garbled-only input.
pub fn differing_lines(input: &str, truth: &str) -> String {
    input
        .lines()
        .zip(truth.lines())
        .filter(|(a, t)| a != t)
        .map(|(a, _)| format!("{a}\n"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        let c = |s: &str| s.chars().collect::<Vec<_>>();
        assert_eq!(edit_distance(&c("支援"), &c("支援")), 0);
        assert_eq!(edit_distance(&c("ᨭ᥼"), &c("支援")), 2);
        assert_eq!(edit_distance(&c("abc"), &c("ac")), 1);
        assert_eq!(edit_distance(&c(""), &c("ab")), 2);
    }

    #[test]
    fn clean_line_changes_are_counted() {
        let ev = evaluate("a\nᨭ᥼", "b\n支援", "a\n支援");
        assert_eq!(ev.clean_lines, 1);
        assert_eq!(ev.clean_lines_changed, 1);
        assert_eq!(ev.garbled_lines, 1);
        assert_eq!(ev.garbled_errors, 0);
        assert_eq!(ev.input_errors, 2);
        assert_eq!(ev.cer(), 0.0);
    }

    #[test]
    fn differing_lines_keeps_only_changed_lines() {
        assert_eq!(differing_lines("a\nᨭ᥼\nc\n", "a\n支援\nc\n"), "ᨭ᥼\n");
        assert_eq!(differing_lines("a\n", "a\n"), "");
    }
}
