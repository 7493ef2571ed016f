//! Reading a text file for `repair` in bounded parts (D3: a 200 MB one-line file).
//!
//! [`Parts`] reads about `block` bytes at a time and hands out whole lines; a line longer
//! than a block is handed out in heads of at most `block` bytes, each cut by
//! [`cut_point`] (after a sentence end or space in its second half, else at the block's last
//! whole character). [`bounded`] cuts a chunk of text already in memory the same way.
//!
//! Invariants: the parts, joined, are the input byte for byte; a part is valid UTF-8 and
//! never splits a character; a part ends with `\n` unless it is the head of a longer line or
//! the end of the input; the buffer never holds much more than one block, whatever the line
//! lengths. Parts that are heads of one line are repaired back to back as pieces of it
//! (line numbers in reports count only `\n`), as [`super::window`] cuts long lines for
//! scoring.

use std::io::Read;

/// Why reading stopped.
#[derive(Debug, thiserror::Error)]
pub enum PartsError {
    /// Reading the input failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// The input is not UTF-8 at this byte offset (a caller then decodes it whole, as
    /// [`crate::pipeline::decode()`] does: Shift_JIS, EUC-JP, …).
    #[error("invalid UTF-8 at byte offset {offset}")]
    NotUtf8 {
        /// Offset of the first bad byte in the input.
        offset: usize,
    },
}

/// The parts of a UTF-8 text read from `R` (see the module notes).
pub struct Parts<R> {
    reader: R,
    block: usize,
    /// Longest head of a long line handed out (at most `block`).
    head: usize,
    buf: Vec<u8>,
    /// Bytes of `buf` handed out by the last part (dropped at the next call).
    taken: usize,
    /// Input offset of `buf[0]`.
    offset: usize,
    eof: bool,
}

impl<R: Read> Parts<R> {
    /// Parts of about `block` bytes (at least 1) of `reader`.
    pub fn new(reader: R, block: usize) -> Self {
        Parts {
            reader,
            block: block.max(1),
            head: block.max(1),
            buf: Vec::new(),
            taken: 0,
            offset: 0,
            eof: false,
        }
    }

    /// Heads of long lines of at most `max` bytes (at least 4, at most the block): the
    /// repair of one head takes memory in proportion to it (about 40 bytes a byte of
    /// garbled text), whole lines of ordinary length are still read a block at a time.
    pub fn max_head(mut self, max: usize) -> Self {
        self.head = max.clamp(4, self.block.max(4));
        self
    }

    /// The next part, `None` at the end of the input.
    pub fn next_part(&mut self) -> Result<Option<&str>, PartsError> {
        self.buf.drain(..self.taken);
        self.offset += self.taken;
        self.taken = 0;
        let mut want = self.block;
        let cut = loop {
            if !self.eof && self.buf.len() < want {
                let need = want - self.buf.len();
                self.buf.reserve(need);
                let n = (&mut self.reader)
                    .take(need as u64)
                    .read_to_end(&mut self.buf)?;
                self.eof = n < need;
            }
            if self.eof {
                break self.buf.len();
            }
            match memchr::memrchr(b'\n', &self.buf) {
                Some(i) => break i + 1,
                // A line longer than a block: its head goes on its own.
                None => match long_line_head(&self.buf[..self.buf.len().min(self.head)]) {
                    Ok(Some(cut)) => break cut,
                    // Not one whole character yet (a block of under 4 bytes).
                    Ok(None) => want = self.buf.len() + self.block,
                    Err(valid) => {
                        return Err(PartsError::NotUtf8 {
                            offset: self.offset + valid,
                        });
                    }
                },
            }
        };
        if cut == 0 {
            return Ok(None);
        }
        self.taken = cut;
        // simdutf8: clean Japanese is validated several times faster than by std.
        match simdutf8::compat::from_utf8(&self.buf[..cut]) {
            Ok(s) => Ok(Some(s)),
            Err(e) => Err(PartsError::NotUtf8 {
                offset: self.offset + e.valid_up_to(),
            }),
        }
    }
}

/// Where to end a part of a long line that `window` starts: after the last sentence end or
/// space in its second half, else at its end.
pub fn cut_point(window: &str) -> usize {
    let end = window.len();
    let mut half = end / 2;
    while !window.is_char_boundary(half) {
        half -= 1;
    }
    window[half..]
        .rfind(['。', ' ', '\u{3000}'])
        .map(|i| {
            let i = half + i;
            i + window[i..].chars().next().map_or(1, char::len_utf8)
        })
        .unwrap_or(end)
}

/// The head of `buf` (a block holding no `\n`) to hand out: its valid UTF-8 prefix cut by
/// [`cut_point`]; `Ok(None)` when no whole character is there yet; `Err(offset)` at a byte
/// that is not UTF-8.
fn long_line_head(buf: &[u8]) -> Result<Option<usize>, usize> {
    let valid = match simdutf8::compat::from_utf8(buf) {
        Ok(_) => buf.len(),
        // A character cut by the block's end: it starts the next part.
        Err(e) if e.error_len().is_none() => e.valid_up_to(),
        Err(e) => return Err(e.valid_up_to()),
    };
    match std::str::from_utf8(&buf[..valid]) {
        Ok("") => Ok(None),
        Ok(s) => Ok(Some(cut_point(s))),
        Err(e) => Err(e.valid_up_to()),
    }
}

/// A chunk of whole lines as it is, unless a line of it is longer than `max` bytes (at
/// least 1,024): each such line is then a run of parts of at most `max` bytes cut by
/// [`cut_point`], the lines between them parts of their own, so that no line longer than
/// `max` is repaired at once (its memory) and the reports of a 200 MB one-line text in memory
/// are not all held at once. Output lines are unchanged (parts are written back to back;
/// line numbers count only `\n`).
pub fn bounded(chunk: &str, max: usize) -> Vec<&str> {
    let max = max.max(1024);
    let bytes = chunk.as_bytes();
    let mut parts = Vec::new();
    // Start of the run of ordinary lines not handed out yet.
    let mut run = 0;
    let mut pos = 0;
    while pos < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |i| pos + i + 1);
        if end - pos > max {
            if run < pos {
                parts.push(&chunk[run..pos]);
            }
            let mut rest = &chunk[pos..end];
            while rest.len() > max {
                let mut cut = max;
                while !rest.is_char_boundary(cut) {
                    cut -= 1;
                }
                let cut = cut_point(&rest[..cut]);
                parts.push(&rest[..cut]);
                rest = &rest[cut..];
            }
            if !rest.is_empty() {
                parts.push(rest);
            }
            run = end;
        }
        pos = end;
    }
    if run < bytes.len() {
        parts.push(&chunk[run..]);
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every part of `text` read in blocks of `block`, and the largest buffer capacity seen.
    fn read_all(text: &[u8], block: usize) -> Result<(Vec<String>, usize), PartsError> {
        let mut p = Parts::new(std::io::Cursor::new(text), block);
        let mut parts = Vec::new();
        let mut cap = 0;
        while let Some(s) = p.next_part()? {
            parts.push(s.to_string());
            cap = cap.max(p.buf.capacity());
        }
        Ok((parts, cap))
    }

    #[test]
    fn a_one_line_text_is_read_in_bounded_heads_cut_at_spaces() {
        // 1 MB on one line: words of kana with a space now and then, no `\n`.
        let line = "あいうえおかきくけこ さしすせそ。".repeat(20_000);
        let (parts, cap) = read_all(line.as_bytes(), 4096).unwrap();
        assert_eq!(parts.concat(), line);
        assert!(parts.len() > 200, "{} parts", parts.len());
        for p in &parts[..parts.len() - 1] {
            assert!(p.len() <= 4096 && p.len() >= 2000, "{}", p.len());
            assert!(p.ends_with(' ') || p.ends_with('。'), "{p:?}");
        }
        // The buffer holds one block (with the allocator's rounding), never the line.
        assert!(cap <= 2 * 4096, "buffer grew to {cap}");
    }

    #[test]
    fn heads_of_long_lines_can_be_shorter_than_the_block() {
        let line = "かきくけこ ".repeat(10_000);
        let text = format!("短い行です。\n{line}\n短い行です。\n");
        let mut p = Parts::new(std::io::Cursor::new(text.as_bytes()), 8192).max_head(1024);
        let mut parts = Vec::new();
        while let Some(s) = p.next_part().unwrap() {
            parts.push(s.to_string());
        }
        assert_eq!(parts.concat(), text);
        assert_eq!(parts[0], "短い行です。\n");
        let heads = &parts[1..parts.len() - 1];
        assert!(heads.len() > 100);
        assert!(
            heads.iter().all(|h| h.len() <= 1024),
            "{:?}",
            heads.iter().map(|h| h.len()).max()
        );
    }

    #[test]
    fn lines_stay_whole_and_characters_are_never_split() {
        // No cut point at all: 3-byte characters against a block that is no multiple of 3.
        let line = "漢".repeat(5000);
        let (parts, cap) = read_all(line.as_bytes(), 1000).unwrap();
        assert_eq!(parts.concat(), line);
        assert!(parts[..parts.len() - 1].iter().all(|p| p.len() == 999));
        assert!(cap <= 2000);
        // Ordinary lines: parts end at line ends.
        let text = "一行目です。\n二行目です。\n".repeat(1000);
        let (parts, _) = read_all(text.as_bytes(), 100).unwrap();
        assert_eq!(parts.concat(), text);
        assert!(parts.iter().all(|p| p.ends_with('\n')));
        // Tiny blocks still make progress on multi-byte characters.
        let (parts, _) = read_all("漢字\n".as_bytes(), 1).unwrap();
        assert_eq!(parts.concat(), "漢字\n");
    }

    #[test]
    fn bytes_that_are_not_utf8_are_named_by_input_offset() {
        let mut text = "あ".repeat(3000).into_bytes(); // 9,000 bytes, one line
        text.extend(b"\xff tail\n");
        match read_all(&text, 1000) {
            Err(PartsError::NotUtf8 { offset }) => assert_eq!(offset, 9000),
            other => panic!("{:?}", other.map(|(p, _)| p.len())),
        }
    }

    #[test]
    fn bounded_cuts_every_long_line_and_only_those() {
        let short = "短い行。\n";
        assert_eq!(bounded(short, 10), vec![short]);
        let long = format!("{}\n", "ab ".repeat(1000));
        let chunk = format!("{short}{short}{long}{short}{long}");
        let parts = bounded(&chunk, 1024);
        assert_eq!(parts.concat(), chunk);
        assert_eq!(parts[0], format!("{short}{short}"));
        assert!(parts.contains(&short), "the line between the long ones");
        assert!(parts.iter().all(|p| p.len() <= 1024));
        // Parts of a long line end at a space, but its last.
        let cut: Vec<&&str> = parts.iter().filter(|p| p.starts_with("ab")).collect();
        assert!(cut.len() >= 6);
        assert!(cut.iter().all(|p| p.ends_with(' ') || p.ends_with('\n')));
    }
}
