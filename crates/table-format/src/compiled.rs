//! The shipped tables precompiled: glyphmend's `build.rs` parses and expands each
//! `mappings/*.table` at build time and embeds the result in this binary form, so a process
//! that needs a shipped table copies arrays instead of parsing up to 17k statements and a
//! repertoire. The text files stay the source of truth; a test of glyphmend's tables checks
//! that every precompiled table equals its parsed text.
//!
//! Layout (little-endian; a string is a u32 byte length and UTF-8 bytes):
//! `MAGIC`, name, description, u32 count and the basefonts, u8 0/1 and the fingerprint,
//! u8 text; u32 count and the string pool (sources and evidence); u32 rule count and per
//! rule: u8 kind (0 glyph: u32 gid, u32 char; 1 block: u8 repertoire index in
//! [`NAMES`], i64 offset, u32 first, u32 last), u32 confidence bits, u32 source and u32
//! evidence pool indices; u32 length `n` of the glyph-ID arrays, `n` u32 chars, `n` u16
//! rule indices.

use crate::repertoire::NAMES;
use crate::rule::{Rule, RuleKind};
use crate::text::TableText;

const MAGIC: &[u8; 8] = b"GMTABLE1";

/// Encodes a parsed table with its expansion (`rule::expand`).
pub fn encode(t: &TableText, map: &[u32], rule_of: &[u16]) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 + t.rules.len() * 32 + map.len() * 6);
    out.extend_from_slice(MAGIC);
    put_str(&mut out, &t.name);
    put_str(&mut out, &t.description);
    put_u32(&mut out, t.basefonts.len());
    for b in &t.basefonts {
        put_str(&mut out, b);
    }
    match &t.fingerprint {
        Some(f) => {
            out.push(1);
            put_str(&mut out, f);
        }
        None => out.push(0),
    }
    out.push(u8::from(t.text));
    // (source, evidence) pool indices per rule; most tables have a few distinct strings.
    let mut pool: Vec<&str> = Vec::new();
    let mut pool_index: std::collections::HashMap<&str, usize> = Default::default();
    let mut pool_refs = Vec::with_capacity(t.rules.len());
    for r in &t.rules {
        let mut refs = [0; 2];
        for (slot, s) in refs
            .iter_mut()
            .zip([r.source.as_str(), r.evidence.as_str()])
        {
            *slot = *pool_index.entry(s).or_insert_with(|| {
                pool.push(s);
                pool.len() - 1
            });
        }
        pool_refs.push(refs);
    }
    put_u32(&mut out, pool.len());
    for s in &pool {
        put_str(&mut out, s);
    }
    put_u32(&mut out, t.rules.len());
    for (r, [s, e]) in t.rules.iter().zip(pool_refs) {
        match &r.kind {
            RuleKind::Glyph { gid, ch } => {
                out.push(0);
                out.extend_from_slice(&gid.to_le_bytes());
                out.extend_from_slice(&(*ch as u32).to_le_bytes());
            }
            RuleKind::Block {
                repertoire,
                offset,
                first,
                last,
            } => {
                out.push(1);
                let k = NAMES
                    .iter()
                    .position(|n| n == repertoire)
                    .unwrap_or(usize::MAX);
                out.push(u8::try_from(k).unwrap_or(u8::MAX));
                out.extend_from_slice(&offset.to_le_bytes());
                out.extend_from_slice(&(*first as u32).to_le_bytes());
                out.extend_from_slice(&(*last as u32).to_le_bytes());
            }
        }
        out.extend_from_slice(&r.confidence.to_bits().to_le_bytes());
        put_u32(&mut out, s);
        put_u32(&mut out, e);
    }
    put_u32(&mut out, map.len());
    for m in map {
        out.extend_from_slice(&m.to_le_bytes());
    }
    for r in rule_of.iter().chain(std::iter::repeat(&0)).take(map.len()) {
        out.extend_from_slice(&r.to_le_bytes());
    }
    out
}

/// Decodes what [`encode`] wrote: the table and its `(map, rule_of)`; `None` if the bytes
/// are not such a table (truncated, another version, an unknown repertoire or a bad char).
pub fn decode(bytes: &[u8]) -> Option<(TableText, Vec<u32>, Vec<u16>)> {
    let mut r = Reader(bytes);
    if r.take(MAGIC.len())? != MAGIC {
        return None;
    }
    let name = r.string()?;
    let description = r.string()?;
    let n = r.u32()? as usize;
    let mut basefonts = Vec::with_capacity(n.min(64));
    for _ in 0..n {
        basefonts.push(r.string()?);
    }
    let fingerprint = match r.u8()? {
        0 => None,
        _ => Some(r.string()?),
    };
    let text = r.u8()? != 0;
    let n = r.u32()? as usize;
    let mut pool = Vec::with_capacity(n.min(1024));
    for _ in 0..n {
        pool.push(r.str()?);
    }
    let n = r.u32()? as usize;
    // Each rule takes at least 21 bytes: a corrupt count cannot reserve much.
    let mut rules = Vec::with_capacity(n.min(r.0.len() / 21));
    for _ in 0..n {
        let kind = match r.u8()? {
            0 => RuleKind::Glyph {
                gid: r.u32()?,
                ch: char::from_u32(r.u32()?)?,
            },
            1 => {
                let repertoire = NAMES.get(r.u8()? as usize).copied()?;
                RuleKind::Block {
                    repertoire,
                    offset: i64::from_le_bytes(r.take(8)?.try_into().ok()?),
                    first: char::from_u32(r.u32()?)?,
                    last: char::from_u32(r.u32()?)?,
                }
            }
            _ => return None,
        };
        let confidence = f32::from_bits(r.u32()?);
        let source = pool.get(r.u32()? as usize)?.to_string();
        let evidence = pool.get(r.u32()? as usize)?.to_string();
        rules.push(Rule {
            kind,
            confidence,
            source,
            evidence,
        });
    }
    let n = r.u32()? as usize;
    let map: Vec<u32> = r
        .take(n.checked_mul(4)?)?
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    let rule_of: Vec<u16> = r
        .take(n.checked_mul(2)?)?
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    if !r.0.is_empty() || rule_of.iter().any(|&i| i as usize >= rules.len().max(1)) {
        return None;
    }
    Some((
        TableText {
            name,
            description,
            basefonts,
            fingerprint,
            text,
            rules,
        },
        map,
        rule_of,
    ))
}

fn put_u32(out: &mut Vec<u8>, v: usize) {
    // Tables are far below 4 GiB; a larger count is written saturated and fails to decode.
    out.extend_from_slice(&u32::try_from(v).unwrap_or(u32::MAX).to_le_bytes());
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_u32(out, s.len());
    out.extend_from_slice(s.as_bytes());
}

/// The unread rest of the bytes; every read is bounds-checked.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }

    fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    fn str(&mut self) -> Option<&'a str> {
        let n = self.u32()? as usize;
        std::str::from_utf8(self.take(n)?).ok()
    }

    fn string(&mut self) -> Option<String> {
        self.str().map(str::to_string)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_damage() {
        let text = "table name=t basefont=A,B fingerprint=glyphs=9 text=no\n\
                    block order=adobe-japan1 offset=-EA chars=U+4E9C..U+5516 confidence=0.90 source=anchors evidence=\"x y\"\n\
                    glyph gid=0010 char=U+25CB confidence=0.5 source=context\n";
        let parsed = crate::text::parse("t", text).unwrap();
        let (map, rule_of) = crate::rule::expand("t", &parsed.rules).unwrap();
        let bytes = encode(&parsed, &map, &rule_of);
        let (t, m, r) = decode(&bytes).unwrap();
        assert_eq!(t, parsed);
        assert_eq!((m, r), (map, rule_of));
        // Every truncation fails to decode, as does a trailing byte or a bad magic.
        for n in 0..bytes.len() {
            assert!(decode(&bytes[..n]).is_none(), "truncated at {n}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode(&longer).is_none());
        let mut other = bytes.clone();
        other[0] ^= 1;
        assert!(decode(&other).is_none());
    }
}
