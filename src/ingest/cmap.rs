//! CMap parsing — ToUnicode (code → text) and code → CID CMaps ([`CidCMap`], predefined or
//! embedded) — and the judgement of whether a ToUnicode can be trusted.
//!
//! The parser is a tolerant tokenizer: it reads `begincodespacerange`, `beginbfchar`,
//! `beginbfrange`, `begincidchar` and `begincidrange` sections (arrays included, UTF-16
//! surrogates decoded), `/Name usecmap` and `/WMode n def`, and skips anything else.
//! Invariants: it never panics on any input, and the number of entries it creates is capped
//! ([`MAX_ENTRIES`]) so a hostile `bfrange <0000> <FFFFFFFF>` cannot exhaust memory (CID
//! ranges are stored as ranges, never expanded).

use std::collections::HashMap;
use std::sync::Arc;

mod judge;
pub use judge::{codepoint_rank, is_alias, judge_entry, unalias, visible_behind_space};

/// Upper bound on mapped codes per CMap (more than any real font has glyphs).
pub const MAX_ENTRIES: usize = 1 << 17;

/// One codespace range: codes of `len` bytes between `lo` and `hi`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CodespaceRange {
    /// Code length in bytes.
    pub len: u8,
    /// Lowest code of the range.
    pub lo: u32,
    /// Highest code of the range (inclusive).
    pub hi: u32,
}

/// A parsed ToUnicode CMap.
#[derive(Debug, Clone, Default)]
pub struct ToUnicode {
    /// The codespace ranges: how a string splits into codes.
    pub codespace: Vec<CodespaceRange>,
    /// Code → text, as the CMap maps it.
    pub map: HashMap<u32, String>,
    /// The `usecmap` name, as written (`Adobe-Korea1-UCS2`): entries the map lacks come
    /// from there (the caller attaches them).
    pub usecmap: Option<String>,
    /// Whether the parser met something it could not read (the rest was still used).
    pub damaged: bool,
}

/// Why a ToUnicode (or one entry of it) is not used as it stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Distrust {
    /// Most entries map code → U+code: a producer wrote glyph IDs, not text.
    IdentityMap,
    /// The entry is a control character, U+FFFD or private use.
    Unusable,
    /// The entry is a Kangxi / CJK radical, compatibility ideograph or a typographic space
    /// standing for a unified ideograph or U+3000.
    Alias,
    /// The entry is a space for a glyph the embedded font's own cmap gives a visible
    /// character (Word's merged Meiryo subsets: figure labels whose ToUnicode says space).
    SpaceForDrawnGlyph,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Hex(Vec<u8>),
    Word(String),
    ArrayStart,
    ArrayEnd,
    Int(i64),
}

// Long: a lexer: one arm per token kind.
fn tokenize(data: &[u8]) -> Vec<Token> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < data.len() {
        let c = data[i];
        match c {
            b'%' => {
                while i < data.len() && data[i] != b'\n' && data[i] != b'\r' {
                    i += 1;
                }
            }
            b'<' if data.get(i + 1) == Some(&b'<') => i += 2,
            b'>' if data.get(i + 1) == Some(&b'>') => i += 2,
            b'<' => {
                let mut digits = Vec::new();
                i += 1;
                while i < data.len() && data[i] != b'>' {
                    if data[i].is_ascii_hexdigit() {
                        digits.push(data[i]);
                    }
                    i += 1;
                }
                i += 1;
                if digits.len() % 2 == 1 {
                    digits.push(b'0');
                }
                let bytes = digits
                    .chunks(2)
                    .map(|p| (hexval(p[0]) << 4) | hexval(p[1]))
                    .collect();
                out.push(Token::Hex(bytes));
                continue;
            }
            b'[' => {
                out.push(Token::ArrayStart);
                i += 1;
            }
            b']' => {
                out.push(Token::ArrayEnd);
                i += 1;
            }
            b'(' => {
                // Literal strings only occur in header fields we do not need; skip, honouring
                // nesting and escapes.
                let mut depth = 0usize;
                while i < data.len() {
                    match data[i] {
                        b'\\' => i += 1,
                        b'(' => depth += 1,
                        b')' => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                i += 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
            }
            _ if c.is_ascii_whitespace() || c == b'{' || c == b'}' => i += 1,
            _ => {
                let start = i;
                while i < data.len()
                    && !data[i].is_ascii_whitespace()
                    && !b"<>[](){}%".contains(&data[i])
                {
                    i += 1;
                }
                if i == start {
                    i += 1;
                    continue;
                }
                let word = String::from_utf8_lossy(&data[start..i]).into_owned();
                match word.parse::<i64>() {
                    Ok(n) => out.push(Token::Int(n)),
                    Err(_) => out.push(Token::Word(word)),
                }
            }
        }
    }
    out
}

fn hexval(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        b'A'..=b'F' => c - b'A' + 10,
        _ => 0,
    }
}

fn be(bytes: &[u8]) -> Option<u32> {
    if bytes.is_empty() || bytes.len() > 4 {
        return None;
    }
    Some(bytes.iter().fold(0u32, |a, &b| (a << 8) | b as u32))
}

/// UTF-16BE → String; unpaired surrogates become U+FFFD (judged unusable later). A single
/// byte is that character (`<65>` for e: Amyuni's ToUnicode writes its destinations so, and
/// poppler reads them so), not the high half of a code unit.
pub fn utf16be(bytes: &[u8]) -> String {
    if let [b] = bytes {
        return char::from(*b).to_string();
    }
    let units: Vec<u16> = bytes
        .chunks(2)
        .map(|p| ((p[0] as u16) << 8) | *p.get(1).unwrap_or(&0) as u16)
        .collect();
    char::decode_utf16(units)
        .map(|r| r.unwrap_or('\u{FFFD}'))
        .collect()
}

/// Adds `n` to the last UTF-16 code unit of `dst` (bfrange increments), as a string.
pub(crate) fn utf16_plus(dst: &[u8], n: u32) -> String {
    let mut d = dst.to_vec();
    if d.len() >= 2 {
        let k = d.len() - 2;
        let last = (((d[k] as u32) << 8) | d[k + 1] as u32).wrapping_add(n);
        d[k] = (last >> 8) as u8;
        d[k + 1] = last as u8;
    } else if d.len() == 1 {
        d[0] = d[0].wrapping_add(n as u8);
    }
    utf16be(&d)
}

impl ToUnicode {
    /// Parses a ToUnicode CMap stream. Never fails: unreadable parts set `damaged`.
    // Long: one pass over the CMap's tokens, one arm per section kind.
    pub fn parse(data: &[u8]) -> ToUnicode {
        let toks = tokenize(data);
        let mut cm = ToUnicode::default();
        let mut i = 0;
        let mut section: Option<&str> = None;
        while i < toks.len() {
            if cm.map.len() >= MAX_ENTRIES {
                cm.damaged = true;
                break;
            }
            match (&toks[i], section) {
                (Token::Word(w), _) if w.starts_with("begin") => {
                    section = match w.as_str() {
                        "begincodespacerange" => Some("cs"),
                        "beginbfchar" => Some("char"),
                        "beginbfrange" => Some("range"),
                        _ => None,
                    };
                    i += 1;
                }
                (Token::Word(w), _) if w.starts_with("end") => {
                    section = None;
                    i += 1;
                }
                (Token::Word(w), None) if w == "usecmap" => {
                    if let Some(Token::Word(n)) = i.checked_sub(1).and_then(|j| toks.get(j)) {
                        cm.usecmap = n.strip_prefix('/').map(String::from);
                    }
                    i += 1;
                }
                (Token::Hex(lo), Some("cs")) => {
                    if let (Some(Token::Hex(hi)), Some(a), true) =
                        (toks.get(i + 1), be(lo), lo.len() <= 4)
                    {
                        if let Some(b) = be(hi) {
                            cm.codespace.push(CodespaceRange {
                                len: lo.len() as u8,
                                lo: a,
                                hi: b,
                            });
                        }
                        i += 2;
                    } else {
                        cm.damaged = true;
                        i += 1;
                    }
                }
                (Token::Hex(src), Some("char")) => {
                    match (be(src), toks.get(i + 1)) {
                        (Some(code), Some(Token::Hex(dst))) => {
                            cm.map.insert(code, utf16be(dst));
                        }
                        _ => cm.damaged = true,
                    }
                    i += 2;
                }
                (Token::Hex(lo), Some("range")) => {
                    let (Some(a), Some(Token::Hex(hi))) = (be(lo), toks.get(i + 1)) else {
                        cm.damaged = true;
                        i += 1;
                        continue;
                    };
                    let Some(b) = be(hi) else {
                        cm.damaged = true;
                        i += 2;
                        continue;
                    };
                    if b < a || (b - a) as usize >= MAX_ENTRIES {
                        cm.damaged = true;
                        i += 3;
                        continue;
                    }
                    match toks.get(i + 2) {
                        Some(Token::Hex(dst)) => {
                            for n in 0..=(b - a) {
                                cm.map.insert(a + n, utf16_plus(dst, n));
                            }
                            i += 3;
                        }
                        Some(Token::ArrayStart) => {
                            let mut j = i + 3;
                            let mut n = 0u32;
                            while let Some(Token::Hex(dst)) = toks.get(j) {
                                if a + n <= b {
                                    cm.map.insert(a + n, utf16be(dst));
                                }
                                n += 1;
                                j += 1;
                            }
                            if toks.get(j) != Some(&Token::ArrayEnd) {
                                cm.damaged = true;
                            }
                            i = j + 1;
                        }
                        _ => {
                            cm.damaged = true;
                            i += 2;
                        }
                    }
                }
                _ => i += 1,
            }
        }
        cm
    }

    /// Whether most (and at least 3) entries for codes 0x01–0x1F map to those very control
    /// characters: a simple font's renumbered glyph ordinals written as if they were text.
    pub fn maps_control_codes_to_themselves(&self) -> bool {
        let (mut n, mut same) = (0, 0);
        for code in 1u32..0x20 {
            if let Some(s) = self.map.get(&code) {
                n += 1;
                same += usize::from(s.chars().eq(char::from_u32(code)));
            }
        }
        same >= 3 && same * 2 > n
    }

    /// Whether most entries map a multi-byte code to U+code (the `c_identity` damage). Only
    /// meaningful for composite fonts: simple fonts legitimately map 0x41 → `A`.
    pub fn is_identity_map(&self) -> bool {
        if self.map.len() < 4 {
            return false;
        }
        let identical = self
            .map
            .iter()
            .filter(|(code, s)| {
                let mut it = s.chars();
                matches!((it.next(), it.next()), (Some(c), None) if c as u32 == **code)
            })
            .count();
        identical * 2 > self.map.len()
    }
}

/// A code → CID CMap: how content-stream bytes split into codes (codespace) and which CID
/// each code selects (`cidrange` / `cidchar`), falling back to a `usecmap` parent.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CidCMap {
    /// The `usecmap` name, as written (resolved by the caller into [`Self::parent`]).
    pub usecmap: Option<String>,
    /// 1 = vertical writing.
    pub wmode: u8,
    codespace: Vec<CodespaceRange>,
    /// (first code, last code, first CID), sorted by first code, not overlapping.
    ranges: Vec<(u32, u32, u32)>,
    /// The `usecmap` CMap: consulted for codes and codespace this one does not define.
    pub parent: Option<Arc<CidCMap>>,
    /// Whether the parser met something it could not read (the rest was still used).
    pub damaged: bool,
}

impl CidCMap {
    /// Parses a code → CID CMap (PostScript CMap syntax). Never fails: unreadable parts set
    /// `damaged`. The parent named by `usecmap` is left for the caller to attach.
    // Long: one pass over the CMap's tokens, one arm per section kind, then the ranges ordered.
    pub fn parse(data: &[u8]) -> CidCMap {
        let toks = tokenize(data);
        let mut cm = CidCMap::default();
        let mut section: Option<&str> = None;
        let mut i = 0;
        while i < toks.len() {
            if cm.ranges.len() >= MAX_ENTRIES {
                cm.damaged = true;
                break;
            }
            match (&toks[i], section) {
                (Token::Word(w), _) if w.starts_with("begin") => {
                    section = match w.as_str() {
                        "begincodespacerange" => Some("cs"),
                        "begincidchar" => Some("char"),
                        "begincidrange" => Some("range"),
                        _ => None,
                    };
                    i += 1;
                }
                (Token::Word(w), _) if w.starts_with("end") => {
                    section = None;
                    i += 1;
                }
                (Token::Word(w), None) if w == "usecmap" => {
                    if let Some(Token::Word(n)) = i.checked_sub(1).and_then(|j| toks.get(j)) {
                        cm.usecmap = n.strip_prefix('/').map(String::from);
                    }
                    i += 1;
                }
                (Token::Word(w), None) if w == "/WMode" => {
                    if let Some(Token::Int(n)) = toks.get(i + 1) {
                        cm.wmode = u8::from(*n == 1);
                    }
                    i += 2;
                }
                (Token::Hex(lo), Some("cs")) => {
                    match (be(lo), toks.get(i + 1)) {
                        (Some(a), Some(Token::Hex(hi))) if hi.len() == lo.len() => {
                            if let Some(b) = be(hi) {
                                cm.codespace.push(CodespaceRange {
                                    len: lo.len() as u8,
                                    lo: a,
                                    hi: b,
                                });
                            }
                        }
                        _ => cm.damaged = true,
                    }
                    i += 2;
                }
                (Token::Hex(c), Some("char")) => {
                    match (be(c), toks.get(i + 1)) {
                        (Some(code), Some(&Token::Int(cid))) if (0..=0xFFFF).contains(&cid) => {
                            cm.ranges.push((code, code, cid as u32))
                        }
                        _ => cm.damaged = true,
                    }
                    i += 2;
                }
                (Token::Hex(lo), Some("range")) => {
                    match (be(lo), toks.get(i + 1), toks.get(i + 2)) {
                        (Some(a), Some(Token::Hex(hi)), Some(&Token::Int(cid)))
                            if (0..=0xFFFF).contains(&cid) =>
                        {
                            match be(hi) {
                                Some(b) if b >= a => cm.ranges.push((a, b, cid as u32)),
                                _ => cm.damaged = true,
                            }
                        }
                        _ => cm.damaged = true,
                    }
                    i += 3;
                }
                _ => i += 1,
            }
        }
        cm.ranges.sort_unstable();
        // Overlaps (only in a broken CMap) would defeat the binary search: the earlier range
        // keeps its codes, the later one is cut.
        let mut kept: Vec<(u32, u32, u32)> = Vec::with_capacity(cm.ranges.len());
        for (lo, hi, cid) in std::mem::take(&mut cm.ranges) {
            match kept.last() {
                Some(&(_, phi, _)) if lo <= phi => {
                    cm.damaged = true;
                    if hi > phi
                        && let Some(c) = cid.checked_add(phi + 1 - lo)
                    {
                        kept.push((phi + 1, hi, c));
                    }
                }
                _ => kept.push((lo, hi, cid)),
            }
        }
        cm.ranges = kept;
        cm
    }

    /// The codespace in force: this CMap's own, else its parent's.
    pub fn codespace(&self) -> &[CodespaceRange] {
        match &self.parent {
            Some(p) if self.codespace.is_empty() => p.codespace(),
            _ => &self.codespace,
        }
    }

    /// Splits off the next code of `bytes` (non-empty): (code, bytes used). A byte sequence
    /// in no codespace range is consumed in the shortest codespace length (it maps to no CID).
    pub fn next_code(&self, bytes: &[u8]) -> (u32, usize) {
        let cs = self.codespace();
        for n in 1..=bytes.len().min(4) {
            let head = &bytes[..n];
            let fits = |r: &&CodespaceRange| {
                r.len as usize == n
                    && head.iter().enumerate().all(|(k, &b)| {
                        let shift = 8 * (n - 1 - k);
                        let (lo, hi) = ((r.lo >> shift) as u8, (r.hi >> shift) as u8);
                        (lo..=hi).contains(&b)
                    })
            };
            if cs.iter().any(|r| fits(&r)) {
                return (be(head).unwrap_or(0), n);
            }
        }
        let n = cs.iter().map(|r| r.len as usize).min().unwrap_or(2);
        let n = n.clamp(1, bytes.len());
        (be(&bytes[..n]).unwrap_or(0), n)
    }

    /// Splits a string into codes.
    pub fn codes(&self, mut bytes: &[u8]) -> Vec<u32> {
        let mut out = Vec::with_capacity(bytes.len() / 2 + 1);
        while !bytes.is_empty() {
            let (code, n) = self.next_code(bytes);
            out.push(code);
            bytes = &bytes[n..];
        }
        out
    }

    /// The CID a code selects: this CMap's mapping, else the parent's.
    pub fn cid(&self, code: u32) -> Option<u32> {
        let k = self.ranges.partition_point(|&(lo, _, _)| lo <= code);
        if let Some(&(lo, hi, cid)) = k.checked_sub(1).map(|k| &self.ranges[k])
            && code <= hi
        {
            // A hostile range can run past u32: no CID rather than an overflow.
            return cid.checked_add(code - lo);
        }
        self.parent.as_ref()?.cid(code)
    }

    /// Every (code, CID) this CMap defines itself (not its parent), for tests and audits.
    pub fn entries(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.ranges.iter().flat_map(|&(lo, hi, cid)| {
            (lo..=hi).map_while(move |c| Some((c, cid.checked_add(c - lo)?)))
        })
    }
}

#[cfg(test)]
mod tests;
