//! Bounded windows of very long lines, so that repair work grows linearly with line length.
//!
//! Scoring a line (orders, lattice, margins) costs more than linear time in its length, and
//! a file can be one line: a 300 KB paragraph with no newline, an old-Mac file whose only
//! line endings are lone `\r`, a 200 MB dump. Such a line is cut into pieces, each repaired
//! on its own, and the pieces' text and reports are put back together.
//!
//! Invariants:
//! * a line with no lone `\r` and at most [`MAX_WINDOW_CHARS`] characters is one piece: the
//!   output for ordinary text is exactly what it was without windows;
//! * a lone `\r` (not followed by `\n`) ends a piece, like a line ending, and is kept as is;
//! * no piece is longer than [`MAX_WINDOW_CHARS`] characters; a long piece is cut after the
//!   last sentence end or space in its second half, else at the limit;
//! * pieces and separators cover the line exactly, in order.

/// Longest piece scored at once (characters). Real lines are far shorter: the longest line
/// of the shared samples' pdftotext output is a few hundred characters.
pub const MAX_WINDOW_CHARS: usize = 2048;

/// The pieces of `line` as byte ranges; the bytes between two consecutive pieces (lone
/// `\r`s) are copied verbatim.
pub fn pieces(line: &str) -> Vec<std::ops::Range<usize>> {
    // Fast path: short lines without a `\r` are one piece (UTF-8 has at least one byte per
    // character, so the byte length bounds the character count).
    if line.len() <= MAX_WINDOW_CHARS && memchr::memchr(b'\r', line.as_bytes()).is_none() {
        #[allow(clippy::single_range_in_vec_init)] // one piece: the whole line
        return vec![0..line.len()];
    }
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = line.as_bytes();
    for seg_end in memchr::memchr_iter(b'\r', bytes)
        .filter(|&i| bytes.get(i + 1) != Some(&b'\n'))
        .chain(std::iter::once(bytes.len()))
    {
        if seg_end < start {
            continue;
        }
        split_long(line, start, seg_end, &mut out);
        start = seg_end + 1;
    }
    if out.is_empty() {
        out.push(0..0);
    }
    out
}

/// Cuts `line[start..end]` (no lone `\r` inside) into pieces of at most
/// [`MAX_WINDOW_CHARS`] characters.
fn split_long(line: &str, mut start: usize, end: usize, out: &mut Vec<std::ops::Range<usize>>) {
    loop {
        let seg = &line[start..end];
        // Byte offset just after the MAX_WINDOW_CHARS-th character, if the segment is longer.
        let Some((limit, _)) = seg.char_indices().nth(MAX_WINDOW_CHARS) else {
            out.push(start..end);
            return;
        };
        let window = &seg[..limit];
        let half = window
            .char_indices()
            .nth(MAX_WINDOW_CHARS / 2)
            .map_or(0, |(i, _)| i);
        let cut = window[half..]
            .char_indices()
            .rev()
            .find(|&(_, c)| matches!(c, '。' | '．' | '！' | '？' | '.' | '!' | '?'))
            .or_else(|| {
                window[half..]
                    .char_indices()
                    .rev()
                    .find(|&(_, c)| c.is_whitespace())
            })
            .map_or(limit, |(i, c)| half + i + c.len_utf8());
        out.push(start..start + cut);
        start += cut;
        if start >= end {
            return;
        }
    }
}

/// Repairs `line` piece by piece with `repair` (which sees each piece as a whole line) and
/// joins the results: text concatenated with the separators, report columns shifted to the
/// whole line. One piece: `repair`'s result as it is.
pub fn repair_pieces<R>(line: &str, mut repair: R) -> (String, super::LineReport)
where
    R: FnMut(&str) -> (String, super::LineReport),
{
    let pieces = pieces(line);
    if pieces.len() == 1 && pieces[0] == (0..line.len()) {
        return repair(line);
    }
    let mut text = String::with_capacity(line.len() + line.len() / 8);
    let mut report = super::LineReport::default();
    let mut prev = 0;
    let mut chars_before = 0usize;
    for r in pieces {
        let sep = &line[prev..r.start];
        text.push_str(sep);
        chars_before += sep.chars().count();
        let piece = &line[r.clone()];
        let (fixed, rep) = repair(piece);
        text.push_str(&fixed);
        report.line = rep.line;
        for f in rep.fixes {
            if !report.fixes.contains(&f) {
                report.fixes.push(f);
            }
        }
        report.spans.extend(rep.spans.into_iter().map(|mut s| {
            s.column += chars_before;
            s.end_column += chars_before;
            s
        }));
        report
            .unresolved
            .extend(rep.unresolved.into_iter().map(|mut u| {
                u.start += chars_before;
                u.end += chars_before;
                u
            }));
        chars_before += piece.chars().count();
        prev = r.end;
    }
    text.push_str(&line[prev..]);
    (text, report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn covered(line: &str) -> String {
        // Pieces and separators put back together give the line.
        let mut s = String::new();
        let mut prev = 0;
        for r in pieces(line) {
            s.push_str(&line[prev..r.start]);
            s.push_str(&line[r.clone()]);
            prev = r.end;
        }
        s.push_str(&line[prev..]);
        s
    }

    #[test]
    fn short_lines_are_one_piece_and_long_ones_are_bounded() {
        let short = "予算の概要。これは普通の行です。";
        assert_eq!(pieces(short), vec![0..short.len()]);
        let long = "あいうえお。".repeat(2000);
        let p = pieces(&long);
        assert!(p.len() > 1);
        assert!(
            p.iter()
                .all(|r| long[r.clone()].chars().count() <= MAX_WINDOW_CHARS)
        );
        // Cut after a sentence end.
        assert!(long[p[0].clone()].ends_with('。'));
        assert_eq!(covered(&long), long);
        let no_breaks = "字".repeat(5000);
        assert_eq!(covered(&no_breaks), no_breaks);
        assert_eq!(pieces(&no_breaks).len(), 3);
    }

    #[test]
    fn lone_carriage_returns_end_pieces_and_crlf_does_not() {
        let line = "一行目\r二行目\r\n三\r";
        let p = pieces(line);
        let texts: Vec<&str> = p.iter().map(|r| &line[r.clone()]).collect();
        assert_eq!(texts, vec!["一行目", "二行目\r\n三", ""]);
        assert_eq!(covered(line), line);
    }
}
