//! The plain-text mapping-table format of `mappings/*.table`.
//!
//! One statement per line, `#` starts a comment. Each statement is a keyword followed by
//! `key=value` fields; a value with spaces is double-quoted (`\"` and `\\` escape).
//!
//! ```text
//! table name=A description="MS Gothic-like, fixed width" basefont=MS-Gothic
//! block order=unicode offset=-280C chars=U+3041..U+3096 gids=0835..088A confidence=0.99 source=anchors evidence="17 anchors"
//! glyph gid=06D1 char=U+25CB show=○ confidence=0.6 source=context evidence="paragraph bullet"
//! ```
//!
//! A `block` says: every member `c` of repertoire `order` with `chars` first ≤ c ≤ last has
//! glyph ID `rank(c) + offset` (offset in hex, signed). `gids` is derived and written for the
//! reviewer; on reading it must agree with the rule, which catches hand edits that break it.
//! A `glyph` names one glyph; it overrides any block.

use crate::error::{Error, Result};
use std::borrow::Cow;

/// One parsed statement: its keyword and fields in file order.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// The statement's first word, e.g. `table`, `block`, `glyph`.
    pub keyword: String,
    /// `key=value` fields, unquoted and unescaped.
    pub fields: Vec<(String, String)>,
    /// 1-based line number in the file.
    pub line: usize,
}

impl Statement {
    /// The value of field `key` (the first, if repeated).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// A [`Statement`] borrowing from the file text: a value is copied only if it holds a
/// backslash escape. Reading the 11k-statement shipped tables this way allocates one
/// vector per statement instead of a dozen strings.
#[derive(Debug, Clone, PartialEq)]
pub struct StatementRef<'a> {
    /// The statement's first word, e.g. `table`, `block`, `glyph`.
    pub keyword: &'a str,
    /// `key=value` fields; a value is owned only if it had escapes.
    pub fields: Vec<(&'a str, Cow<'a, str>)>,
    /// 1-based line number in the file.
    pub line: usize,
}

impl<'a> StatementRef<'a> {
    /// The value of field `key` (the first, if repeated).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_ref())
    }

    /// Copies it into an owned [`Statement`].
    pub fn into_owned(self) -> Statement {
        Statement {
            keyword: self.keyword.to_string(),
            fields: self
                .fields
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.into_owned()))
                .collect(),
            line: self.line,
        }
    }
}

/// Splits a table file into statements.
pub fn parse(file: &str, text: &str) -> Result<Vec<Statement>> {
    Ok(parse_borrowed(file, text)?
        .into_iter()
        .map(StatementRef::into_owned)
        .collect())
}

/// [`parse`] without copying the text.
pub fn parse_borrowed<'a>(file: &str, text: &'a str) -> Result<Vec<StatementRef<'a>>> {
    let mut out = Vec::new();
    each_statement(file, text, |st| {
        out.push(st.clone());
        Ok(())
    })?;
    Ok(out)
}

/// Calls `visit` on each statement in file order, reusing one statement's storage (no
/// allocation per statement). The result is what parsing the whole text first and then
/// visiting would give: the first format error anywhere in the text if there is one, else
/// the first error of `visit` (after which it is not called again).
pub fn each_statement<'a>(
    file: &str,
    text: &'a str,
    mut visit: impl FnMut(&StatementRef<'a>) -> Result<()>,
) -> Result<()> {
    let mut visit_error = None;
    let mut st = StatementRef {
        keyword: "",
        fields: Vec::with_capacity(8),
        line: 0,
    };
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let err = |reason: String| Error::TableFormat {
            file: file.to_string(),
            line: line_no,
            reason,
        };
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        // `rest` is always the unread tail of `line`.
        let (keyword, mut rest) = split_before_space(line, None);
        st.keyword = keyword;
        st.line = line_no;
        st.fields.clear();
        loop {
            rest = rest.trim_start();
            if rest.is_empty() || rest.starts_with('#') {
                break;
            }
            let (key, after_key) = split_before_space(rest, Some(b'='));
            let Some(after_eq) = after_key.strip_prefix('=') else {
                return Err(err(format!("field `{key}` has no `=value`")));
            };
            let value;
            if let Some(quoted) = after_eq.strip_prefix('"') {
                let (v, after) = unquote(quoted)
                    .ok_or_else(|| err(format!("unterminated quote in field `{key}`")))?;
                value = v;
                rest = after;
            } else {
                let (v, after) = split_before_space(after_eq, None);
                value = Cow::Borrowed(v);
                rest = after;
            }
            st.fields.push((key, value));
        }
        if visit_error.is_none()
            && let Err(e) = visit(&st)
        {
            visit_error = Some(e);
        }
    }
    visit_error.map_or(Ok(()), Err)
}

/// `s` split before its first whitespace character or its first `also` byte (an ASCII
/// byte, if given); all of `s` and "" if none. Tables are mostly ASCII: eight bytes at a
/// time skip those that cannot stop the split (printable ASCII other than `also`), and
/// only a non-ASCII character is decoded (a few Unicode spaces count as whitespace too).
#[inline]
fn split_before_space(s: &str, also: Option<u8>) -> (&str, &str) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let b = s.as_bytes();
    // A byte that is never in a table line stands in for "no `also`".
    let also_word = ONES * u64::from(also.unwrap_or(0));
    let mut k = 0;
    while k < b.len() {
        if let Some(w) = b.get(k..k + 8) {
            let w = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
            // Flags (at least) the first byte that is below 0x21, at or above 0x80, or
            // equal to `also`: the borrows of the subtractions only run upward, past it.
            let low = w.wrapping_sub(ONES * 0x21) & !w;
            let x = w ^ also_word;
            let eq = x.wrapping_sub(ONES) & !x;
            let stop = (low | eq | w) & HIGH;
            if stop == 0 {
                k += 8;
                continue;
            }
            k += (stop.trailing_zeros() / 8) as usize;
        }
        let x = b[k];
        if x < 0x80 {
            if (x as char).is_whitespace() || also == Some(x) {
                return s.split_at(k);
            }
            k += 1;
        } else {
            let Some(c) = s[k..].chars().next() else {
                break;
            };
            if c.is_whitespace() {
                return s.split_at(k);
            }
            k += c.len_utf8();
        }
    }
    (s, "")
}

/// The value of a quoted field (`s` starts after the opening quote; `\x` stands for `x`)
/// and the text after the closing quote; `None` if the quote is not closed.
fn unquote(s: &str) -> Option<(Cow<'_, str>, &str)> {
    let end = s.find(['"', '\\'])?;
    if s[end..].starts_with('"') {
        return Some((Cow::Borrowed(&s[..end]), &s[end + 1..]));
    }
    let mut value = s[..end].to_string();
    let mut chars = s[end..].char_indices();
    while let Some((_, c)) = chars.next() {
        match c {
            '\\' => value.push(chars.next()?.1),
            '"' => {
                let rest = chars.as_str();
                return Some((Cow::Owned(value), rest));
            }
            _ => value.push(c),
        }
    }
    None
}

/// `A..B` split at its first `..`: `s.split_once("..")` without building a substring
/// searcher (it runs twice per block line).
pub fn split_range(s: &str) -> Option<(&str, &str)> {
    let b = s.as_bytes();
    let k = (0..b.len().saturating_sub(1)).find(|&k| b[k] == b'.' && b[k + 1] == b'.')?;
    Some((&s[..k], &s[k + 2..]))
}

/// Formats a field value, quoting it when needed.
pub fn quote(value: &str) -> String {
    if !value.is_empty()
        && !value
            .chars()
            .any(|c| c.is_whitespace() || c == '"' || c == '#' || c == '\\')
    {
        return value.to_string();
    }
    let mut s = String::from("\"");
    for c in value.chars() {
        if c == '"' || c == '\\' {
            s.push('\\');
        }
        s.push(c);
    }
    s.push('"');
    s
}

/// Parses `U+XXXX` (or a single literal character) into a char.
pub fn parse_char(value: &str) -> Option<char> {
    if let Some(hex) = value.strip_prefix("U+") {
        return u32::from_str_radix(hex, 16).ok().and_then(char::from_u32);
    }
    let mut it = value.chars();
    let c = it.next()?;
    it.next().is_none().then_some(c)
}

/// Parses a signed hex offset: `+5C0`, `-280C`, `5C0`.
pub fn parse_offset(value: &str) -> Option<i64> {
    let (sign, digits) = match value.as_bytes().first()? {
        b'-' => (-1, &value[1..]),
        b'+' => (1, &value[1..]),
        _ => (1, value),
    };
    i64::from_str_radix(digits, 16).ok().map(|v| sign * v)
}

/// Formats a signed hex offset as the format writes it: `+5C0`, `-280C`.
pub fn format_offset(v: i64) -> String {
    if v < 0 {
        format!("-{:X}", -v)
    } else {
        format!("+{v:X}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The parser as first written (char by char into owned strings): the reference
    /// [`parse`] must agree with.
    fn parse_reference(file: &str, text: &str) -> Result<Vec<Statement>> {
        let mut out = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line_no = i + 1;
            let err = |reason: String| Error::TableFormat {
                file: file.to_string(),
                line: line_no,
                reason,
            };
            let mut chars = raw.trim().chars().peekable();
            if chars.peek().is_none() || chars.peek() == Some(&'#') {
                continue;
            }
            let mut keyword = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                keyword.push(c);
                chars.next();
            }
            let mut fields = Vec::new();
            loop {
                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
                match chars.peek() {
                    None | Some('#') => break,
                    _ => {}
                }
                let mut key = String::new();
                while let Some(&c) = chars.peek() {
                    if c == '=' || c.is_whitespace() {
                        break;
                    }
                    key.push(c);
                    chars.next();
                }
                if chars.next() != Some('=') {
                    return Err(err(format!("field `{key}` has no `=value`")));
                }
                let mut value = String::new();
                if chars.peek() == Some(&'"') {
                    chars.next();
                    let mut closed = false;
                    while let Some(c) = chars.next() {
                        match c {
                            '\\' => match chars.next() {
                                Some(e) => value.push(e),
                                None => break,
                            },
                            '"' => {
                                closed = true;
                                break;
                            }
                            _ => value.push(c),
                        }
                    }
                    if !closed {
                        return Err(err(format!("unterminated quote in field `{key}`")));
                    }
                } else {
                    while let Some(&c) = chars.peek() {
                        if c.is_whitespace() {
                            break;
                        }
                        value.push(c);
                        chars.next();
                    }
                }
                fields.push((key, value));
            }
            out.push(Statement {
                keyword,
                fields,
                line: line_no,
            });
        }
        Ok(out)
    }

    #[test]
    fn word_at_a_time_split_agrees_with_char_by_char() {
        let reference = |s: &str, also: Option<u8>| -> usize {
            s.char_indices()
                .find(|&(_, c)| c.is_whitespace() || also.is_some_and(|a| c == a as char))
                .map_or(s.len(), |(k, _)| k)
        };
        let pieces = [
            "a", "gid=0064", " ", "\t", "=", "ü", "\u{3000}", "\u{85}", "\u{1}", "\u{7F}", "!",
            "~", "漢", "\r",
        ];
        // Every string of up to four pieces, so each stop byte lands at every offset of
        // an eight-byte word and after every other byte.
        let mut tried = 0;
        let mut s = String::new();
        for a in 0..pieces.len() {
            for b in 0..pieces.len() {
                for c in 0..pieces.len() {
                    for d in 0..pieces.len() {
                        s.clear();
                        for k in [a, b, c, d] {
                            s.push_str(pieces[k]);
                        }
                        s.insert_str(0, &"x".repeat((a + b) % 9));
                        for also in [None, Some(b'='), Some(b'!')] {
                            let (head, tail) = split_before_space(&s, also);
                            assert_eq!(head.len(), reference(&s, also), "{s:?} {also:?}");
                            assert_eq!(tail, &s[head.len()..]);
                            tried += 1;
                        }
                    }
                }
            }
        }
        assert!(tried > 100_000);
    }

    #[test]
    fn format_errors_anywhere_win_over_visit_errors() {
        // As if the whole text were parsed before visiting: a bad line 3 is reported even
        // though the visit failed on line 1 (and was not called again).
        let mut visits = 0;
        let e = each_statement("t", "k a=1\nk b=2\nk c\n", |st| {
            visits += 1;
            Err(Error::Other(format!("visit {}", st.line)))
        })
        .unwrap_err();
        assert!(e.to_string().contains("t:3"), "{e}");
        assert_eq!(visits, 1);
        let e = each_statement("t", "k a=1\nk b=2\n", |st| match st.line {
            2 => Err(Error::Other("visit 2".into())),
            _ => Ok(()),
        })
        .unwrap_err();
        assert!(e.to_string().contains("visit 2"), "{e}");
    }

    #[test]
    fn agrees_with_the_reference_parser() {
        let mut texts: Vec<(String, String)> = crate::BUILTIN
            .iter()
            .map(|(f, t)| (f.to_string(), t.to_string()))
            .collect();
        let tricky = [
            "glyph gid=0001 char=U+3042 show=あ evidence=\"a \\\"b\\\" c\" # tail",
            "  block   order=unicode\toffset=-1 chars=U+3041..U+3096  ",
            "glyph show=\"\\\\\" next=1",
            "glyph a=\"x\"b=c",
            "glyph a=x#y #z",
            "glyph a= b=",
            "glyph a=\"\"",
            "k v=\"ü \\ü\"\u{3000}w=\u{3000}",
            "k v=\"open",
            "k v=\"open\\",
            "k v",
            "k =v",
            "# comment\r\n\r\nk v=1\r",
            "k\u{3000}v=全角",
            "onlykeyword",
        ];
        for (i, line) in tricky.iter().enumerate() {
            texts.push((format!("tricky{i}"), line.to_string()));
        }
        for (file, text) in &texts {
            let got = parse(file, text).map_err(|e| e.to_string());
            let want = parse_reference(file, text).map_err(|e| e.to_string());
            assert_eq!(got, want, "{file}");
        }
    }

    #[test]
    fn parses_fields_quotes_and_comments() {
        let st = parse(
            "t",
            "# c\n\nblock order=unicode offset=-280C evidence=\"a \\\"b\\\" c\" # tail\n",
        )
        .unwrap();
        assert_eq!(st.len(), 1);
        assert_eq!(st[0].keyword, "block");
        assert_eq!(st[0].get("offset"), Some("-280C"));
        assert_eq!(st[0].get("evidence"), Some("a \"b\" c"));
        assert_eq!(st[0].line, 3);
    }

    #[test]
    fn rejects_malformed_lines_with_the_line_number() {
        let e = parse("x.table", "table name=A\nblock order\n").unwrap_err();
        assert!(e.to_string().contains("x.table:2"), "{e}");
        assert!(parse("x", "glyph evidence=\"open").is_err());
    }

    #[test]
    fn quote_round_trips() {
        for v in ["plain", "with space", "q\"uote", "", "back\\slash", "#hash"] {
            let line = format!("k v={}", quote(v));
            let st = parse("t", &line).unwrap();
            assert_eq!(st[0].get("v"), Some(v), "{line}");
        }
    }

    #[test]
    fn split_range_is_split_once() {
        for s in [
            "U+0020..U+005B",
            "....",
            "a..b..c",
            "a.b",
            "",
            "..",
            "ü..漢",
            "a..",
        ] {
            assert_eq!(split_range(s), s.split_once(".."), "{s:?}");
        }
    }

    #[test]
    fn offsets_and_chars() {
        assert_eq!(parse_offset("-280C"), Some(-0x280C));
        assert_eq!(parse_offset("+5C0"), Some(0x5C0));
        assert_eq!(format_offset(-0x280C), "-280C");
        assert_eq!(parse_char("U+25CB"), Some('○'));
        assert_eq!(parse_char("の"), Some('の'));
        assert_eq!(parse_char("ab"), None);
    }
}
