//! Font dictionaries → decoders: how content-stream bytes split into codes, code → glyph
//! ID, widths, the ToUnicode, the base encoding of simple fonts and the embedded font's own
//! cmap (read with skrifa and reversed, preferring unified ideographs).
//!
//! Invariant: building a [`Font`] never fails. Anything missing or corrupt becomes a
//! warning and an absent piece of information, so the resolver falls through to the next
//! source instead of guessing.

mod dictionary;
mod encoding;
pub(crate) mod glyphlist;

use super::cmap::{CidCMap, ToUnicode, codepoint_rank};
use super::pdf::{Pdf, number};
use super::predefined::Collection;

pub(crate) use encoding::post_glyph_chars;
pub use encoding::{glyph_name_char, read_embedded, reverse_cmap};
use lopdf::{Dictionary, Object};
use skrifa::MetadataProvider;
use skrifa::raw::TableProvider;
use std::collections::HashMap;
use std::sync::Arc;

/// How a font's byte strings split into codes and what a code means.
#[derive(Debug, Clone, PartialEq)]
pub enum CodeMap {
    /// Simple font: one byte per code.
    OneByte,
    /// Type0 Identity-H/V: two bytes, code = CID.
    Identity,
    /// Type0 with a Uni*-UCS2 / UTF16 CMap: two bytes (four for a surrogate pair), code =
    /// the Unicode scalar (text known, GID not).
    Ucs2,
    /// Type0 with a Uni*-UTF8 CMap: one to four bytes, code = the Unicode scalar.
    Utf8,
    /// Type0 with a Uni*-UTF32 CMap: four bytes, code = the Unicode scalar.
    Utf32,
    /// Type0 with a code → CID CMap: a predefined one (90ms-RKSJ-H, GBK-EUC-H, KSC-EUC-H,
    /// B5pc-V, …) or an embedded CMap stream. Codes split by its codespace.
    Cid(Arc<CidCMap>),
    /// A predefined CMap we do not know: two bytes, no text.
    Unknown(String),
}

/// A decoded font.
#[derive(Debug, Clone)]
pub struct Font {
    /// BaseFont as written (with subset tag).
    pub basefont: String,
    /// How content-stream bytes split into codes (and codes map to CIDs).
    pub code_map: CodeMap,
    /// 1 = vertical writing.
    pub wmode: u8,
    /// The PDF embeds a font program (FontFile, FontFile2 or FontFile3), readable or not.
    pub embedded: bool,
    /// A CID-keyed CFF program whose charset gives most glyphs a CID other than their glyph
    /// ID: its codes (CIDs) are not glyph IDs.
    pub cff_cids_moved: bool,
    /// Composite font with CJK-ish collection or CJK CMap: U+2003 in its ToUnicode means U+3000.
    pub cjk: bool,
    /// The character collection whose CID → Unicode map gives the text of a CID: the
    /// predefined CMap's own, or the CIDSystemInfo's for Identity-H/V (Registry Adobe only;
    /// Adobe-Identity and other registries say nothing, as in poppler).
    pub collection: Option<Collection>,
    /// The font's ToUnicode CMap, if it has one (trusted or not: see [`super::cmap`]).
    pub tounicode: Option<ToUnicode>,
    /// `Some(map)` for a CIDToGIDMap stream; `None` = identity.
    pub(crate) cid_to_gid: Option<Vec<u16>>,
    /// Simple TrueType fonts: code → GID through the embedded program's (3,0) or (1,0)
    /// cmap (PDF 32000-1 9.6.6.4).
    simple_gids: Option<Vec<Option<u32>>>,
    /// Simple fonts: code → text from /Encoding + /Differences.
    encoding: Vec<Option<char>>,
    /// Simple fonts: codes whose glyph name is a ligature of several characters (`f_f_i`,
    /// `T_h`), where [`Self::encoding`] has no single character.
    ligatures: HashMap<u32, String>,
    widths: HashMap<u32, f32>,
    default_width: f32,
    /// The embedded program's cmap, reversed: GID → best code point.
    pub embedded_cmap: Option<HashMap<u32, char>>,
    /// numGlyphs of the embedded program, to check a table's fingerprint.
    pub embedded_glyphs: Option<u32>,
    /// The embedded sfnt program itself (shared, not copied per use): corpus learning
    /// compares glyph outlines across documents with it.
    pub program: Option<std::sync::Arc<[u8]>>,
    /// How the font's em relates to the font size: 1, except for Type 3 fonts, whose
    /// FontMatrix may scale glyph space to text space by other than 1/1000.
    pub(crate) em_scale: f32,
}

/// An embedded font program as decoded, and what reading it as sfnt gave (its reversed
/// cmap and glyph count, or why it is no sfnt): shared by the fonts that embed the same
/// stream (see `Pdf::program`).
#[derive(Debug)]
pub struct Program {
    /// The decoded program.
    pub data: Arc<[u8]>,
    /// [`read_embedded`] of it.
    pub sfnt: Result<(HashMap<u32, char>, u32), String>,
}

impl Program {
    fn read(data: Vec<u8>) -> Program {
        let sfnt = read_embedded(&data);
        Program {
            data: Arc::from(data),
            sfnt,
        }
    }
}

// Splitting content-stream bytes into character codes.
impl Font {
    /// The character codes of a string operand, split as [`Self::code_map`] says.
    pub fn codes(&self, bytes: &[u8]) -> Vec<u32> {
        let mut out = Vec::new();
        self.codes_into(bytes, &mut out);
        out
    }

    /// [`Self::codes`] into `out` (emptied first), reusing its allocation.
    pub fn codes_into(&self, bytes: &[u8], out: &mut Vec<u32>) {
        out.clear();
        match &self.code_map {
            CodeMap::OneByte => out.extend(bytes.iter().map(|&b| b as u32)),
            CodeMap::Cid(cm) => {
                let mut rest = bytes;
                while !rest.is_empty() {
                    let (code, n) = cm.next_code(rest);
                    out.push(code);
                    rest = &rest[n..];
                }
            }
            CodeMap::Ucs2 => {
                let units: Vec<u32> = bytes
                    .chunks(2)
                    .map(|p| ((p[0] as u32) << 8) | *p.get(1).unwrap_or(&0) as u32)
                    .collect();
                let mut i = 0;
                while i < units.len() {
                    let (u, next) = (units[i], units.get(i + 1).copied());
                    match next {
                        Some(l)
                            if (0xD800..0xDC00).contains(&u) && (0xDC00..0xE000).contains(&l) =>
                        {
                            out.push(0x10000 + ((u - 0xD800) << 10) + (l - 0xDC00));
                            i += 2;
                        }
                        _ => {
                            out.push(u);
                            i += 1;
                        }
                    }
                }
            }
            CodeMap::Utf8 => {
                // Invalid sequences become one code per byte (no text; reported unresolved).
                let mut rest = bytes;
                while !rest.is_empty() {
                    let len = match rest[0] {
                        0x00..=0x7F => 1,
                        0xC0..=0xDF => 2,
                        0xE0..=0xEF => 3,
                        0xF0..=0xF7 => 4,
                        _ => 1,
                    };
                    let (seq, tail) = rest.split_at(len.min(rest.len()));
                    match std::str::from_utf8(seq).ok().and_then(|s| s.chars().next()) {
                        Some(c) => out.push(c as u32),
                        None => out.push(0xFFFF_0000 | seq[0] as u32),
                    }
                    rest = tail;
                }
            }
            CodeMap::Utf32 => out.extend(
                bytes
                    .chunks(4)
                    .map(|p| p.iter().fold(0u32, |a, &b| (a << 8) | b as u32)),
            ),
            _ => out.extend(
                bytes
                    .chunks(2)
                    .map(|p| ((p[0] as u32) << 8) | *p.get(1).unwrap_or(&0) as u32),
            ),
        }
    }

    /// The CID a code selects (composite fonts with Identity or a code → CID CMap).
    pub fn cid(&self, code: u32) -> Option<u32> {
        match &self.code_map {
            CodeMap::Identity => Some(code),
            CodeMap::Cid(cm) => cm.cid(code),
            _ => None,
        }
    }

    /// Glyph ID of a code, where the font structure determines it.
    pub fn gid(&self, code: u32) -> Option<u32> {
        match self.code_map {
            CodeMap::Identity | CodeMap::Cid(_) => {
                let cid = self.cid(code)?;
                match &self.cid_to_gid {
                    None => Some(cid),
                    Some(map) => map.get(cid as usize).map(|&g| g as u32),
                }
            }
            CodeMap::OneByte => self.simple_gids.as_ref()?.get(code as usize).copied()?,
            _ => None,
        }
    }

    /// Text of a code through its CID and the font's character collection.
    pub fn collection_text(&self, code: u32) -> Option<String> {
        let text = self.collection?.text(self.cid(code)?)?;
        (!text.chars().any(char::is_control)).then(|| text.to_string())
    }

    /// Text from a predefined CMap: the code itself for the Unicode CMaps, else the CID's
    /// text in the font's character collection.
    pub fn predefined_text(&self, code: u32) -> Option<String> {
        match self.code_map {
            CodeMap::Ucs2 | CodeMap::Utf8 | CodeMap::Utf32 => char::from_u32(code)
                .filter(|c| !c.is_control())
                .map(String::from),
            CodeMap::Identity | CodeMap::Cid(_) => self.collection_text(code),
            _ => None,
        }
    }

    /// Text from a simple font's encoding.
    pub fn encoding_text(&self, code: u32) -> Option<char> {
        self.encoding.get(code as usize).copied().flatten()
    }

    /// Text from a simple font's encoding, ligature names (`f_f_i` → `ffi`) included.
    pub fn encoding_string(&self, code: u32) -> Option<String> {
        self.encoding_text(code)
            .map(String::from)
            .or_else(|| self.ligatures.get(&code).cloned())
    }

    /// Advance of a code in thousandths of an em (horizontal) or the vertical advance.
    pub fn width(&self, code: u32) -> f32 {
        if self.wmode == 1 {
            return 1000.0;
        }
        // Composite fonts' /W is indexed by CID.
        let key = match self.code_map {
            CodeMap::Cid(_) => self.cid(code),
            _ => Some(code),
        };
        key.and_then(|k| self.widths.get(&k))
            .copied()
            .unwrap_or(self.default_width)
    }

    /// The width /Widths (or /W) gives a code, if it gives one.
    pub fn explicit_width(&self, code: u32) -> Option<f32> {
        let key = match self.code_map {
            CodeMap::Cid(_) => self.cid(code)?,
            _ => code,
        };
        self.widths.get(&key).copied()
    }

    /// Whether a code is the single-byte space (word spacing applies).
    pub fn is_space(&self, code: u32) -> bool {
        match &self.code_map {
            CodeMap::OneByte => code == 32,
            // Word spacing applies to a single-byte code 32 (PDF 32000-1 9.3.3).
            CodeMap::Cid(cm) => code == 32 && cm.next_code(&[32]) == (32, 1),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests;
