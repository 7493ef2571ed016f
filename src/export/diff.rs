//! Original vs repaired in a terminal: for every changed line, `-` the original with the
//! garbled spans marked and `+` the repair with the repaired spans marked. With colour the
//! marks are red/green backgrounds; without (NO_COLOR, not a terminal, `--color never`) they
//! are brackets `[…]`, so the output stays readable in logs and pipes.

use crate::export::corpus::{PageResult, SpanRecord};
use std::fmt::Write;

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const MARK_OLD: &str = "\x1b[1;41;97m";
const MARK_NEW: &str = "\x1b[1;42;30m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

/// Whether to colour: `--color always|never|auto`; `auto` means a terminal and no NO_COLOR.
pub fn use_colour(choice: &str, is_terminal: bool) -> bool {
    match choice {
        "always" => true,
        "never" => false,
        _ => is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
}

/// Renders the changed lines of a page. `label` prefixes every hunk header (e.g. `a.txt p1`).
pub fn render_page(page: &PageResult, label: &str, colour: bool) -> String {
    let original: Vec<&str> = page.original.split('\n').collect();
    let repaired: Vec<&str> = page.repaired.split('\n').collect();
    let mut out = String::new();
    for (i, (old, new)) in original.iter().zip(&repaired).enumerate() {
        let line_no = i + 1;
        let spans: Vec<&SpanRecord> = page.spans.iter().filter(|s| s.line == line_no).collect();
        let unresolved: Vec<(usize, usize)> = page
            .unresolved
            .iter()
            .filter(|u| u.line == line_no)
            .map(|u| (u.start, u.end))
            .collect();
        if old == new && unresolved.is_empty() {
            continue;
        }
        let fixes: Vec<&str> = page
            .fixes
            .iter()
            .filter(|f| f.0 == line_no)
            .map(|f| f.1.as_str())
            .collect();
        let header = format!(
            "@@ {label}:{line_no} — {} span(s){}{}",
            spans.len(),
            if unresolved.is_empty() {
                String::new()
            } else {
                format!(", {} unresolved", unresolved.len())
            },
            if fixes.is_empty() {
                String::new()
            } else {
                format!(", {}", fixes.join(", "))
            }
        );
        if colour {
            let _ = writeln!(out, "{DIM}{header}{RESET}");
        } else {
            let _ = writeln!(out, "{header}");
        }
        // Marked columns of the original: repaired spans (1-based inclusive) and unresolved
        // ones (0-based exclusive).
        let mut marks: Vec<(usize, usize)> = spans
            .iter()
            .map(|s| (s.column.saturating_sub(1), s.end_column))
            .chain(unresolved.iter().copied())
            .collect();
        marks.sort_unstable();
        let old_line = mark_ranges(old, &marks, colour, MARK_OLD, RED);
        let new_marks = repaired_ranges(old, new, &spans);
        let new_line = match &new_marks {
            Some(r) => mark_ranges(new, r, colour, MARK_NEW, GREEN),
            None => plain(new, colour, GREEN),
        };
        if colour {
            let _ = writeln!(out, "{RED}-{RESET} {old_line}");
            let _ = writeln!(out, "{GREEN}+{RESET} {new_line}");
        } else {
            let _ = writeln!(out, "- {old_line}");
            let _ = writeln!(out, "+ {new_line}");
        }
        for s in &spans {
            let _ = writeln!(
                out,
                "    {} → {}  [{}; {}] confidence {:.2}",
                s.before, s.after, s.table, s.rule, s.confidence
            );
        }
    }
    out
}

fn plain(line: &str, colour: bool, base: &str) -> String {
    if colour {
        format!("{base}{line}{RESET}")
    } else {
        line.to_string()
    }
}

/// The line with character ranges `[a, b)` marked.
fn mark_ranges(
    line: &str,
    ranges: &[(usize, usize)],
    colour: bool,
    mark: &str,
    base: &str,
) -> String {
    let mut out = String::new();
    let mut inside = false;
    if colour {
        out.push_str(base);
    }
    for (i, c) in line.chars().enumerate() {
        let want = ranges.iter().any(|&(a, b)| i >= a && i < b);
        if want != inside {
            match (want, colour) {
                (true, true) => out.push_str(mark),
                (false, true) => {
                    out.push_str(RESET);
                    out.push_str(base);
                }
                (true, false) => out.push('['),
                (false, false) => out.push(']'),
            }
            inside = want;
        }
        out.push(c);
    }
    if inside && !colour {
        out.push(']');
    }
    if colour {
        out.push_str(RESET);
    }
    out
}

/// Character ranges of the repaired spans in the repaired line, when the line is the
/// original with each span's `before` replaced by its `after` in place (no reordering).
/// `None` when that does not reproduce the repaired line (e.g. a bidi fix moved text).
pub fn repaired_ranges(
    original: &str,
    repaired: &str,
    spans: &[&SpanRecord],
) -> Option<Vec<(usize, usize)>> {
    let chars: Vec<char> = original.chars().collect();
    let mut sorted: Vec<&&SpanRecord> = spans.iter().collect();
    sorted.sort_by_key(|s| s.column);
    let mut rebuilt = String::new();
    let mut ranges = Vec::new();
    let mut pos = 0usize; // next original column, 0-based
    let mut out_len = 0usize;
    for s in sorted {
        let start = s.column.checked_sub(1)?;
        let end = s.end_column;
        if start < pos || end > chars.len() || end <= start {
            return None;
        }
        let seg: String = chars[start..end].iter().collect();
        if seg != s.before {
            return None;
        }
        let keep: String = chars[pos..start].iter().collect();
        out_len += keep.chars().count();
        rebuilt.push_str(&keep);
        let n = s.after.chars().count();
        ranges.push((out_len, out_len + n));
        out_len += n;
        rebuilt.push_str(&s.after);
        pos = end;
    }
    rebuilt.extend(chars[pos..].iter());
    (rebuilt == repaired).then_some(ranges)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(line: usize, column: usize, end: usize, before: &str, after: &str) -> SpanRecord {
        SpanRecord {
            page: 1,
            line,
            column,
            end_column: end,
            before: before.into(),
            after: after.into(),
            table: "A".into(),
            rule: "block".into(),
            fix: "decode".into(),
            confidence: 0.9,
            evidence: None,
        }
    }

    fn page(original: &str, repaired: &str, spans: Vec<SpanRecord>) -> PageResult {
        PageResult {
            page: 1,
            original: original.into(),
            repaired: repaired.into(),
            fixes: vec![],
            spans,
            unresolved: vec![],
            stats: Default::default(),
            line_boxes: vec![],
            decoded: vec![],
        }
    }

    #[test]
    fn plain_output_brackets_spans_and_skips_unchanged_lines() {
        let p = page(
            "clean\nxᨭ᥼を⾜う",
            "clean\nx支援を行う",
            vec![span(2, 2, 3, "ᨭ᥼", "支援"), span(2, 5, 5, "⾜", "行")],
        );
        let out = render_page(&p, "a.txt p1", false);
        assert!(!out.contains("clean"), "{out}");
        assert!(out.contains("- x[ᨭ᥼]を[⾜]う"), "{out}");
        assert!(out.contains("+ x[支援]を[行]う"), "{out}");
        assert!(out.contains("a.txt p1:2"), "{out}");
        assert!(!out.contains('\x1b'));
    }

    #[test]
    fn colour_output_uses_escapes() {
        let p = page("ᨭ᥼", "支援", vec![span(1, 1, 2, "ᨭ᥼", "支援")]);
        let out = render_page(&p, "x", true);
        assert!(out.contains(MARK_NEW) && out.contains(MARK_OLD), "{out:?}");
    }

    #[test]
    fn reordered_lines_are_not_marked_wrongly() {
        let s = span(1, 1, 1, "a", "b");
        assert_eq!(repaired_ranges("ac", "bc", &[&s]), Some(vec![(0, 1)]));
        assert_eq!(repaired_ranges("ac", "cb", &[&s]), None);
    }

    #[test]
    fn no_color_and_non_terminal_disable_colour() {
        assert!(!use_colour("auto", false));
        assert!(use_colour("always", false));
        assert!(!use_colour("never", true));
    }
}
