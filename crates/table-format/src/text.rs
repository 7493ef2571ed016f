//! Reading a table file's statements into rules (the semantics of the `mappings/*.table`
//! format; the syntax is `format.rs`).

use crate::error::{Error, Result};
use crate::format::{self, format_offset, parse_char, parse_offset, quote};
use crate::repertoire::Repertoire;
use crate::rule::{MAX_GID, Rule, RuleKind};

/// A table file's content: its `table` header fields and its rules, in file order.
#[derive(Debug, Clone, PartialEq)]
pub struct TableText {
    /// The table's name (`table name=`).
    pub name: String,
    /// Its description (`description=`), empty if none.
    pub description: String,
    /// PostScript BaseFont names it is for (`basefont=`, comma-separated).
    pub basefonts: Vec<String>,
    /// Optional fingerprint telling versions of one BaseFont apart (`fingerprint=`).
    pub fingerprint: Option<String>,
    /// Whether `repair` may apply it to plain text (false only with `text=no`).
    pub text: bool,
    /// The `block` and `glyph` rules, in file order.
    pub rules: Vec<Rule>,
}

/// Parses a table file's text. `file` names it in errors.
// Long: one pass over the statements, one short arm per keyword.
pub fn parse(file: &str, text: &str) -> Result<TableText> {
    let err = |line: usize, reason: String| Error::TableFormat {
        file: file.to_string(),
        line,
        reason,
    };
    let mut name = None;
    let mut description = String::new();
    let mut basefonts = Vec::new();
    let mut fingerprint = None;
    let mut text_ok = true;
    // About one rule a line: reserve once rather than regrow a 1.6 MB vector (but no more
    // than a table may have: a file of blank lines must not reserve gigabytes).
    let lines = text.bytes().filter(|&b| b == b'\n').count() + 1;
    let mut rules = Vec::with_capacity(lines.min(u16::MAX as usize + 1));
    // Nearly every rule of a table has the same confidence: parse each spelling once.
    let mut last_confidence: Option<(String, f32)> = None;
    format::each_statement(file, text, |st| {
        let f = Fields::of(st);
        let confidence = match f.confidence {
            None => 1.0,
            Some(v) => match last_confidence {
                Some((ref seen, c)) if seen == v => c,
                _ => {
                    let c = v
                        .parse::<f32>()
                        .ok()
                        .filter(|c| (0.0..=1.0).contains(c))
                        .ok_or_else(|| err(st.line, format!("bad confidence `{v}`")))?;
                    last_confidence = Some((v.to_string(), c));
                    c
                }
            },
        };
        let source = f.source.unwrap_or("").to_string();
        let evidence = f.evidence.unwrap_or("").to_string();
        match st.keyword {
            "table" => {
                name = f.name.map(str::to_string);
                description = f.description.unwrap_or("").to_string();
                basefonts = f
                    .basefont
                    .map(|v| v.split(',').map(str::to_string).collect())
                    .unwrap_or_default();
                fingerprint = f.fingerprint.map(str::to_string);
                text_ok = f.text != Some("no");
            }
            "block" => {
                let order = f
                    .order
                    .ok_or_else(|| err(st.line, "block without order=".into()))?;
                let repertoire = Repertoire::by_name(order)
                    .map_err(|e| err(st.line, e.to_string()))?
                    .name();
                let offset = f
                    .offset
                    .and_then(parse_offset)
                    .ok_or_else(|| err(st.line, "block without a hex offset=".into()))?;
                let chars = f
                    .chars
                    .ok_or_else(|| err(st.line, "block without chars=".into()))?;
                let (a, b) = format::split_range(chars)
                    .ok_or_else(|| err(st.line, format!("chars=`{chars}` is not A..B")))?;
                let (Some(first), Some(last)) = (parse_char(a), parse_char(b)) else {
                    return Err(err(st.line, format!("chars=`{chars}` is not U+X..U+Y")));
                };
                let rule = Rule {
                    kind: RuleKind::Block {
                        repertoire,
                        offset,
                        first,
                        last,
                    },
                    confidence,
                    source,
                    evidence,
                };
                if let Some(g) = f.gids {
                    let range = rule.gid_range();
                    if !gids_field_matches(g, range) {
                        let want = range
                            .map(|(a, b)| format!("{a:04X}..{b:04X}"))
                            .unwrap_or_default();
                        return Err(err(
                            st.line,
                            format!("gids={g} disagrees with the rule, which gives {want}"),
                        ));
                    }
                }
                rules.push(rule);
            }
            "glyph" => {
                let gid = f
                    .gid
                    .and_then(|v| u32::from_str_radix(v, 16).ok())
                    .filter(|g| *g <= MAX_GID)
                    .ok_or_else(|| err(st.line, "glyph without a hex gid=".into()))?;
                let ch = f
                    .char
                    .and_then(parse_char)
                    .ok_or_else(|| err(st.line, "glyph without char=U+XXXX".into()))?;
                rules.push(Rule {
                    kind: RuleKind::Glyph { gid, ch },
                    confidence,
                    source,
                    evidence,
                });
            }
            other => return Err(err(st.line, format!("unknown statement `{other}`"))),
        }
        Ok(())
    })?;
    let name = name.ok_or_else(|| err(1, "no `table name=...` statement".into()))?;
    Ok(TableText {
        name,
        description,
        basefonts,
        fingerprint,
        text: text_ok,
        rules,
    })
}

/// The fields of a table statement that [`parse`] reads, found in one pass over the
/// statement (the first of a repeated key wins, as with `StatementRef::get`).
#[derive(Default)]
struct Fields<'s> {
    confidence: Option<&'s str>,
    source: Option<&'s str>,
    evidence: Option<&'s str>,
    name: Option<&'s str>,
    description: Option<&'s str>,
    basefont: Option<&'s str>,
    fingerprint: Option<&'s str>,
    text: Option<&'s str>,
    order: Option<&'s str>,
    offset: Option<&'s str>,
    chars: Option<&'s str>,
    gids: Option<&'s str>,
    gid: Option<&'s str>,
    char: Option<&'s str>,
}

impl<'s> Fields<'s> {
    fn of(st: &'s format::StatementRef<'_>) -> Self {
        let mut f = Fields::default();
        for (key, value) in &st.fields {
            let slot = match *key {
                "confidence" => &mut f.confidence,
                "source" => &mut f.source,
                "evidence" => &mut f.evidence,
                "name" => &mut f.name,
                "description" => &mut f.description,
                "basefont" => &mut f.basefont,
                "fingerprint" => &mut f.fingerprint,
                "text" => &mut f.text,
                "order" => &mut f.order,
                "offset" => &mut f.offset,
                "chars" => &mut f.chars,
                "gids" => &mut f.gids,
                "gid" => &mut f.gid,
                "char" => &mut f.char,
                _ => continue,
            };
            if slot.is_none() {
                *slot = Some(value.as_ref());
            }
        }
        f
    }
}

/// Whether a block's `gids=` value is what `to_text` writes for `range` (`{a:04X}..{b:04X}`,
/// or empty for a block covering nothing), ignoring case; without formatting it.
fn gids_field_matches(value: &str, range: Option<(u32, u32)>) -> bool {
    let Some((a, b)) = range else {
        return value.is_empty();
    };
    // `s` is `v` as `{v:04X}` writes it, ignoring case.
    let same = |s: &str, v: u32| {
        let digits = (32 - v.leading_zeros()).div_ceil(4).max(4) as usize;
        s.len() == digits
            && s.bytes().all(|c| c.is_ascii_hexdigit())
            && u32::from_str_radix(s, 16) == Ok(v)
    };
    format::split_range(value).is_some_and(|(x, y)| same(x, a) && same(y, b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gids_check_agrees_with_formatting() {
        let ranges = [
            None,
            Some((0, 0)),
            Some((0x835, 0x88A)),
            Some((0xFFFF, 0x1_0000)),
        ];
        let values = [
            "",
            "0000..0000",
            "0835..088A",
            "0835..088a",
            "835..88A",
            "00835..088A",
            "0835..088A ",
            "+835..088A",
            "0835.088A",
            "FFFF..10000",
            "ffff..10000",
            "FFFF..010000",
            "0835..088A..",
            "..",
        ];
        for range in ranges {
            let want = range
                .map(|(a, b)| format!("{a:04X}..{b:04X}"))
                .unwrap_or_default();
            for v in values {
                assert_eq!(
                    gids_field_matches(v, range),
                    v.eq_ignore_ascii_case(&want),
                    "{v:?} {range:?}"
                );
            }
        }
    }
}

/// A table's header fields and rules, borrowed, as [`render`] writes them.
#[derive(Debug, Clone, Copy)]
pub struct TableHeader<'a> {
    /// The table's name.
    pub name: &'a str,
    /// Its description, empty if none.
    pub description: &'a str,
    /// PostScript BaseFont names it is for.
    pub basefonts: &'a [String],
    /// Optional fingerprint telling versions of one BaseFont apart.
    pub fingerprint: Option<&'a str>,
    /// Whether `repair` may apply it to plain text.
    pub text: bool,
    /// The rules, in file order.
    pub rules: &'a [Rule],
}

impl TableText {
    /// Its fields borrowed, for [`render`].
    pub fn header(&self) -> TableHeader<'_> {
        TableHeader {
            name: &self.name,
            description: &self.description,
            basefonts: &self.basefonts,
            fingerprint: self.fingerprint.as_deref(),
            text: self.text,
            rules: &self.rules,
        }
    }
}

/// Writes a table in the text format, its canonical form (`parse(render(..))` gives back
/// the same rules): the library's `FontTable::to_text`, which the build script hashes too.
pub fn render(t: &TableHeader) -> String {
    let mut s = String::new();
    s.push_str(
        "# glyphmend mapping table. Derived by `glyphmend learn`; review, do not hand-edit.\n",
    );
    s.push_str(&format!("table name={}", quote(t.name)));
    if !t.description.is_empty() {
        s.push_str(&format!(" description={}", quote(t.description)));
    }
    if !t.basefonts.is_empty() {
        s.push_str(&format!(" basefont={}", quote(&t.basefonts.join(","))));
    }
    if let Some(fp) = t.fingerprint {
        s.push_str(&format!(" fingerprint={}", quote(fp)));
    }
    if !t.text {
        s.push_str(" text=no");
    }
    s.push('\n');
    for rule in t.rules {
        match &rule.kind {
            RuleKind::Block {
                repertoire,
                offset,
                first,
                last,
            } => {
                let gids = rule
                    .gid_range()
                    .map(|(a, b)| format!(" gids={a:04X}..{b:04X}"))
                    .unwrap_or_default();
                s.push_str(&format!(
                    "block order={repertoire} offset={} chars=U+{:04X}..U+{:04X}{gids} show={}",
                    format_offset(*offset),
                    *first as u32,
                    *last as u32,
                    quote(&format!("{first}..{last}")),
                ));
            }
            RuleKind::Glyph { gid, ch } => {
                s.push_str(&format!(
                    "glyph gid={gid:04X} char=U+{:04X} show={}",
                    *ch as u32,
                    quote(&ch.to_string())
                ));
            }
        }
        s.push_str(&format!(" confidence={:.2}", rule.confidence));
        if !rule.source.is_empty() {
            s.push_str(&format!(" source={}", quote(&rule.source)));
        }
        if !rule.evidence.is_empty() {
            s.push_str(&format!(" evidence={}", quote(&rule.evidence)));
        }
        s.push('\n');
    }
    s
}
