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

/// One parsed statement: its keyword and fields in file order.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub keyword: String,
    pub fields: Vec<(String, String)>,
    pub line: usize,
}

impl Statement {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// Splits a table file into statements.
pub fn parse(file: &str, text: &str) -> Result<Vec<Statement>> {
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
    fn offsets_and_chars() {
        assert_eq!(parse_offset("-280C"), Some(-0x280C));
        assert_eq!(parse_offset("+5C0"), Some(0x5C0));
        assert_eq!(format_offset(-0x280C), "-280C");
        assert_eq!(parse_char("U+25CB"), Some('○'));
        assert_eq!(parse_char("の"), Some('の'));
        assert_eq!(parse_char("ab"), None);
    }
}
