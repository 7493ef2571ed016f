//! Lines that need repair: found by the byte-level scanner ([`dirty_lines`]), each
//! distinct content repaired once ([`distinct_lines`]) and its report moved to every line
//! that repeats it ([`report_at`]).
//!
//! Invariant: a line's repair depends only on its content and the document-wide model, so
//! grouping by content changes no output.

use super::LineReport;
use crate::detect;

/// A line that holds strong evidence: byte range (without the `\n`) and 1-based number.
pub(super) struct DirtyLine {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) line_no: usize,
}

/// Lines holding a strong character, found with the byte-level scanner; the text's first
/// line is number `first_line`.
pub(super) fn dirty_lines(text: &str, first_line: usize) -> Vec<DirtyLine> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut pos = 0;
    let mut line_no = first_line;
    let mut counted_to = 0;
    while let Some(i) = detect::scan::first_strong(text, pos) {
        let start = memchr::memrchr(b'\n', &bytes[..i]).map_or(0, |p| p + 1);
        let end = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |p| i + p);
        line_no += memchr::memchr_iter(b'\n', &bytes[counted_to..start]).count();
        counted_to = start;
        out.push(DirtyLine {
            start,
            end,
            line_no,
        });
        if end >= bytes.len() {
            break;
        }
        pos = end + 1;
    }
    out
}

/// The distinct contents of the `dirty` lines of `text`, the index of each line's content
/// among them, and the first line number of each content. Repeated lines (headers,
/// footers, table rows) are common: each distinct line content is repaired once. Exact: a
/// line's repair depends only on its content and on the document-wide model, never on its
/// neighbours.
pub(super) fn distinct_lines<'t>(
    text: &'t str,
    dirty: &[DirtyLine],
) -> (Vec<&'t str>, Vec<usize>, Vec<usize>) {
    let mut distinct: Vec<&str> = Vec::new();
    let mut slot_of: Vec<usize> = Vec::with_capacity(dirty.len());
    {
        let mut index: std::collections::HashMap<&str, usize> =
            std::collections::HashMap::with_capacity(dirty.len());
        for d in dirty {
            let raw = &text[d.start..d.end];
            let next = distinct.len();
            let k = *index.entry(raw).or_insert(next);
            if k == next {
                distinct.push(raw);
            }
            slot_of.push(k);
        }
    }
    let first_line_of: Vec<usize> = {
        let mut v = vec![0usize; distinct.len()];
        for (d, &k) in dirty.iter().zip(&slot_of).rev() {
            v[k] = d.line_no;
        }
        v
    };
    (distinct, slot_of, first_line_of)
}

/// A repeated line's report, moved to its own line number.
pub(super) fn report_at(report: &LineReport, line_no: usize) -> LineReport {
    let mut report = report.clone();
    if report.line != line_no {
        report.line = line_no;
        report.spans.iter_mut().for_each(|s| s.line = line_no);
        report.unresolved.iter_mut().for_each(|u| u.line = line_no);
    }
    report
}
