//! Font dictionaries → decoders: how content-stream bytes split into codes, code → glyph
//! ID, widths, the ToUnicode, the base encoding of simple fonts and the embedded font's own
//! cmap (read with skrifa and reversed, preferring unified ideographs).
//!
//! Invariant: building a [`Font`] never fails. Anything missing or corrupt becomes a
//! warning and an absent piece of information, so the resolver falls through to the next
//! source instead of guessing.

mod encoding;

use super::cmap::{CidCMap, ToUnicode, codepoint_rank};
use super::pdf::{Pdf, name_of, number};
use super::predefined::{self, Collection};
use encoding::{
    cff_builtin_encoding, cff_cids_differ_from_gids, parse_cid_widths, post_glyph_chars,
    simple_code_gids, simple_encoding, type1_builtin_encoding,
};

/// Fonts whose codes are symbols, not letters: without their own encoding, ASCII would be
/// wrong text.
fn is_symbol_font(basefont: &str) -> bool {
    let name = crate::tables::strip_subset_tag(basefont).to_ascii_lowercase();
    [
        "symbol", "dingbat", "wingding", "webding", "marlett", "mt extra", "mtextra",
    ]
    .iter()
    .any(|s| name.contains(s))
}
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
    widths: HashMap<u32, f32>,
    default_width: f32,
    /// The embedded program's cmap, reversed: GID → best code point.
    pub embedded_cmap: Option<HashMap<u32, char>>,
    /// numGlyphs of the embedded program, to check a table's fingerprint.
    pub embedded_glyphs: Option<u32>,
    /// The embedded sfnt program itself (shared, not copied per use): corpus learning
    /// compares glyph outlines across documents with it.
    pub program: Option<std::sync::Arc<[u8]>>,
}

// Splitting content-stream bytes into character codes.
impl Font {
    /// The character codes of a string operand, split as [`Self::code_map`] says.
    pub fn codes(&self, bytes: &[u8]) -> Vec<u32> {
        match &self.code_map {
            CodeMap::OneByte => bytes.iter().map(|&b| b as u32).collect(),
            CodeMap::Cid(cm) => cm.codes(bytes),
            CodeMap::Ucs2 => {
                let units: Vec<u32> = bytes
                    .chunks(2)
                    .map(|p| ((p[0] as u32) << 8) | *p.get(1).unwrap_or(&0) as u32)
                    .collect();
                let mut out = Vec::with_capacity(units.len());
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
                out
            }
            CodeMap::Utf8 => {
                // Invalid sequences become one code per byte (no text; reported unresolved).
                let mut out = Vec::new();
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
                out
            }
            CodeMap::Utf32 => bytes
                .chunks(4)
                .map(|p| p.iter().fold(0u32, |a, &b| (a << 8) | b as u32))
                .collect(),
            _ => bytes
                .chunks(2)
                .map(|p| ((p[0] as u32) << 8) | *p.get(1).unwrap_or(&0) as u32)
                .collect(),
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

    /// Whether a code is the single-byte space (word spacing applies).
    pub fn is_space(&self, code: u32) -> bool {
        match &self.code_map {
            CodeMap::OneByte => code == 32,
            // Word spacing applies to a single-byte code 32 (PDF 32000-1 9.3.3).
            CodeMap::Cid(cm) => code == 32 && cm.next_code(&[32]) == (32, 1),
            _ => false,
        }
    }

    /// Builds a font from its dictionary. Problems go to `warnings`.
    pub fn from_dict(pdf: &Pdf, dict: &Dictionary, warnings: &mut Vec<String>) -> Font {
        let basefont = dict
            .get(b"BaseFont")
            .ok()
            .and_then(|o| name_of(pdf.resolve(o)?))
            .unwrap_or_else(|| "(unnamed)".to_string());
        let subtype = dict
            .get(b"Subtype")
            .ok()
            .and_then(|o| name_of(pdf.resolve(o)?))
            .unwrap_or_default();
        let mut font = Font {
            basefont: basefont.clone(),
            code_map: CodeMap::OneByte,
            wmode: 0,
            cjk: false,
            collection: None,
            tounicode: None,
            cid_to_gid: None,
            simple_gids: None,
            embedded: false,
            cff_cids_moved: false,
            encoding: Vec::new(),
            widths: HashMap::new(),
            default_width: 1000.0,
            embedded_cmap: None,
            embedded_glyphs: None,
            program: None,
        };
        if let Some(tu) = dict.get(b"ToUnicode").ok().and_then(|o| pdf.resolve(o)) {
            match tu {
                Object::Stream(s) => match pdf.stream_bytes(s) {
                    Ok(bytes) => {
                        let mut cm = ToUnicode::parse(&bytes);
                        // `/Adobe-Korea1-UCS2 usecmap`: the collection's map under the
                        // font's own entries.
                        if let Some(coll) = cm
                            .usecmap
                            .as_deref()
                            .and_then(Collection::from_ucs2_cmap_name)
                        {
                            for (cid, text) in &coll.to_unicode().map {
                                cm.map.entry(*cid).or_insert_with(|| text.clone());
                            }
                        }
                        if cm.damaged {
                            warnings.push(format!(
                                "font {basefont}: ToUnicode CMap partly unreadable; used what parsed"
                            ));
                        }
                        font.tounicode = Some(cm);
                    }
                    Err(e) => warnings.push(format!("font {basefont}: ToUnicode stream: {e}")),
                },
                Object::Name(_) => {} // e.g. /Identity-H as ToUnicode: says nothing
                _ => warnings.push(format!("font {basefont}: ToUnicode is not a stream")),
            }
        }
        let descriptor;
        // A simple font's codes named by /Differences, and whether /Encoding names a base.
        let mut simple: Option<(Vec<bool>, bool)> = None;
        if subtype == "Type0" {
            let enc = dict.get(b"Encoding").ok().and_then(|o| pdf.resolve(o));
            let mut embedded_cmap: Option<(CidCMap, Option<Collection>)> = None;
            let enc_name = match enc {
                Some(Object::Name(n)) => String::from_utf8_lossy(n).into_owned(),
                Some(Object::Stream(s)) => {
                    // An embedded CMap stream: its name, WMode and mappings (with a
                    // predefined parent through usecmap).
                    let name = s
                        .dict
                        .get(b"CMapName")
                        .ok()
                        .and_then(name_of)
                        .unwrap_or_else(|| "embedded".into());
                    if s.dict
                        .get(b"WMode")
                        .ok()
                        .and_then(number)
                        .is_some_and(|w| w == 1.0)
                    {
                        font.wmode = 1;
                    }
                    match pdf.stream_bytes(s) {
                        Ok(bytes) => {
                            let mut cm = CidCMap::parse(&bytes);
                            let parent_coll = predefined::attach_parent(&mut cm);
                            if cm.damaged {
                                warnings.push(format!(
                                    "font {basefont}: embedded CMap {name} partly unreadable; used what parsed"
                                ));
                            }
                            font.wmode = font.wmode.max(cm.wmode);
                            if !cm.codespace().is_empty() {
                                embedded_cmap = Some((cm, parent_coll));
                            }
                        }
                        Err(e) => warnings.push(format!("font {basefont}: embedded CMap: {e}")),
                    }
                    name
                }
                _ => {
                    warnings.push(format!(
                        "font {basefont}: Type0 without /Encoding; assuming Identity-H"
                    ));
                    "Identity-H".into()
                }
            };
            let unicode_cmap = enc_name.starts_with("Uni");
            // The collection a code → CID CMap's CIDs belong to (the CIDSystemInfo decides
            // for Identity and for an embedded CMap without a predefined parent).
            let mut cmap_collection = None;
            font.code_map = if let Some((cm, coll)) = embedded_cmap {
                font.cjk = true;
                cmap_collection = coll;
                CodeMap::Cid(Arc::new(cm))
            } else if enc_name == "Identity-H" || enc_name == "Identity-V" {
                CodeMap::Identity
            } else if unicode_cmap && (enc_name.contains("UCS2") || enc_name.contains("UTF16")) {
                font.cjk = true;
                CodeMap::Ucs2
            } else if unicode_cmap && enc_name.contains("UTF8") {
                font.cjk = true;
                CodeMap::Utf8
            } else if unicode_cmap && enc_name.contains("UTF32") {
                font.cjk = true;
                CodeMap::Utf32
            } else if let Some((cm, coll)) = predefined::cmap(&enc_name) {
                font.cjk = true;
                font.wmode = font.wmode.max(cm.wmode);
                cmap_collection = Some(coll);
                CodeMap::Cid(cm)
            } else {
                warnings.push(format!(
                    "font {basefont}: predefined CMap {enc_name} not supported; codes kept as glyph IDs"
                ));
                CodeMap::Unknown(enc_name.clone())
            };
            if enc_name.ends_with("-V") || enc_name == "V" {
                font.wmode = 1;
            }
            let desc = dict
                .get(b"DescendantFonts")
                .ok()
                .and_then(|o| pdf.resolve(o))
                .and_then(|o| o.as_array().ok())
                .and_then(|a| a.first())
                .and_then(|o| pdf.resolve(o))
                .and_then(|o| o.as_dict().ok());
            font.collection = cmap_collection;
            let Some(cid) = desc else {
                warnings.push(format!("font {basefont}: Type0 without a descendant font"));
                return font;
            };
            let mut info_collection = None;
            if let Some(Object::Dictionary(si)) =
                cid.get(b"CIDSystemInfo").ok().and_then(|o| pdf.resolve(o))
            {
                let field = |key: &[u8]| {
                    si.get(key)
                        .ok()
                        .and_then(|o| pdf.resolve(o))
                        .and_then(|o| o.as_str().ok())
                        .map(|b| String::from_utf8_lossy(b).into_owned())
                        .unwrap_or_default()
                };
                let ordering = field(b"Ordering");
                font.cjk |= matches!(
                    ordering.as_str(),
                    "Japan1" | "Identity" | "GB1" | "CNS1" | "Korea1" | "KR"
                );
                info_collection = Collection::from_system_info(&field(b"Registry"), &ordering);
            }
            font.collection = match font.code_map {
                CodeMap::Identity => info_collection,
                CodeMap::Cid(_) => cmap_collection.or(info_collection),
                _ => None,
            };
            if let Some(Object::Stream(s)) =
                cid.get(b"CIDToGIDMap").ok().and_then(|o| pdf.resolve(o))
            {
                match pdf.stream_bytes(s) {
                    Ok(b) => {
                        font.cid_to_gid = Some(
                            b.chunks(2)
                                .map(|p| ((p[0] as u16) << 8) | *p.get(1).unwrap_or(&0) as u16)
                                .collect(),
                        )
                    }
                    Err(e) => warnings.push(format!(
                        "font {basefont}: CIDToGIDMap: {e}; assuming identity"
                    )),
                }
            }
            font.default_width = cid.get(b"DW").ok().and_then(number).unwrap_or(1000.0);
            if let Some(Object::Array(w)) = cid.get(b"W").ok().and_then(|o| pdf.resolve(o)) {
                parse_cid_widths(pdf, w, &mut font.widths);
            }
            descriptor = cid.get(b"FontDescriptor").ok().and_then(|o| pdf.resolve(o));
        } else {
            let enc = simple_encoding(pdf, dict);
            font.encoding = enc.table;
            simple = Some((enc.from_differences, enc.has_base));
            // A symbolic font without /Encoding uses its own code → glyph map (LibreOffice
            // and reportlab subsets number glyphs 1…N): ASCII would be a guess, so no text.
            let flags = dict
                .get(b"FontDescriptor")
                .ok()
                .and_then(|o| pdf.resolve(o))
                .and_then(|o| o.as_dict().ok())
                .and_then(|d| d.get(b"Flags").ok())
                .and_then(number)
                .unwrap_or(32.0) as u32;
            // A font that is not embedded has no code → glyph map of its own: the viewer's
            // substitute reads the codes as ASCII, except for the symbol fonts.
            let embedded = dict
                .get(b"FontDescriptor")
                .ok()
                .and_then(|o| pdf.resolve(o))
                .and_then(|o| o.as_dict().ok())
                .is_some_and(|d| {
                    [&b"FontFile"[..], b"FontFile2", b"FontFile3"]
                        .iter()
                        .any(|k| d.has(k))
                });
            if dict.get(b"Encoding").is_err()
                && flags & 4 != 0
                && (embedded || is_symbol_font(&basefont))
            {
                font.encoding.iter_mut().for_each(|e| *e = None);
            } else if !embedded
                && !is_symbol_font(&basefont)
                && let Some((_, false)) = &simple
                && let Some(std) = encoding::base_encoding("StandardEncoding")
            {
                // A substituted text font without a base encoding reads its codes in
                // StandardEncoding (PDF 32000-1, 9.6.6.1): æ at 0xF1, • at 0xB7.
                for (slot, c) in font.encoding.iter_mut().zip(std).skip(0x80) {
                    if slot.is_none() {
                        *slot = c;
                    }
                }
            }
            let first = dict.get(b"FirstChar").ok().and_then(number).unwrap_or(0.0) as u32;
            if let Some(Object::Array(w)) = dict.get(b"Widths").ok().and_then(|o| pdf.resolve(o)) {
                for (i, o) in w.iter().enumerate().take(256) {
                    if let Some(v) = pdf.resolve(o).and_then(number) {
                        font.widths.insert(first + i as u32, v);
                    }
                }
            }
            font.default_width = 500.0;
            descriptor = dict
                .get(b"FontDescriptor")
                .ok()
                .and_then(|o| pdf.resolve(o));
        }
        if let Some(Object::Dictionary(d)) = descriptor {
            if let Some(mw) = d.get(b"MissingWidth").ok().and_then(number)
                && subtype != "Type0"
            {
                font.default_width = mw;
            }
            for key in [&b"FontFile2"[..], b"FontFile3", b"FontFile"] {
                let Some(Object::Stream(s)) = d.get(key).ok().and_then(|o| pdf.resolve(o)) else {
                    continue;
                };
                font.embedded = true;
                match pdf.stream_bytes(s) {
                    Ok(data) => match read_embedded(&data) {
                        Ok((map, n)) => {
                            font.embedded_cmap = (!map.is_empty()).then_some(map);
                            font.embedded_glyphs = Some(n);
                            if font.code_map == CodeMap::OneByte {
                                font.simple_gids = simple_code_gids(&data);
                                // The program's own glyph names give the text of codes
                                // /Encoding leaves unnamed (symbolic subsets by Word).
                                if let Some(gids) = &font.simple_gids {
                                    let names = post_glyph_chars(&data);
                                    for (slot, gid) in font.encoding.iter_mut().zip(gids) {
                                        if slot.is_none()
                                            && let Some(c) = gid.and_then(|g| names.get(&g))
                                        {
                                            *slot = Some(*c);
                                        }
                                    }
                                }
                            }
                            font.program = Some(std::sync::Arc::from(data));
                        }
                        Err(e) => {
                            // Bare CFF (FontFile3/CIDFontType0C) is not sfnt: not an error worth
                            // reporting; a broken TrueType is.
                            if key == b"FontFile2" {
                                warnings.push(format!(
                                    "font {basefont}: embedded font program unreadable ({e})"
                                ))
                            }
                            if font.code_map != CodeMap::OneByte && key == b"FontFile3" {
                                font.cff_cids_moved =
                                    cff_cids_differ_from_gids(&data).unwrap_or(false);
                            }
                            // A Type 1 program's own encoding applies where /Encoding names
                            // no base encoding and /Differences names nothing (PDF 32000-1,
                            // 9.6.6.1): TeX fonts (CMSY, CMMI) have no other.
                            if font.code_map == CodeMap::OneByte
                                && key == b"FontFile"
                                && let Some((named, false)) = &simple
                                && let Some(builtin) = type1_builtin_encoding(&data)
                            {
                                for (code, c) in builtin.into_iter().enumerate().take(256) {
                                    if c.is_some() && !named[code] {
                                        font.encoding[code] = c;
                                    }
                                }
                            }
                            // A simple font's bare CFF (Type1C) carries its built-in
                            // encoding, which applies where /Encoding names nothing.
                            if font.code_map == CodeMap::OneByte
                                && key == b"FontFile3"
                                && let Some(builtin) = cff_builtin_encoding(&data)
                            {
                                for (slot, c) in font.encoding.iter_mut().zip(builtin) {
                                    if slot.is_none() {
                                        *slot = c;
                                    }
                                }
                            }
                        }
                    },
                    Err(e) => warnings.push(format!("font {basefont}: embedded font stream: {e}")),
                }
                break;
            }
        }
        font.check_collection_against_program(warnings);
        font
    }

    /// An embedded program's own cmap is direct evidence of what its glyphs are: a
    /// CIDSystemInfo collection that the cmap contradicts on most glyphs (a producer writing
    /// glyph IDs as CIDs next to a stock Adobe-Japan1 CIDSystemInfo) is not used.
    fn check_collection_against_program(&mut self, warnings: &mut Vec<String>) {
        use unicode_normalization::UnicodeNormalization;
        let (Some(coll), Some(cmap), CodeMap::Identity) =
            (self.collection, &self.embedded_cmap, &self.code_map)
        else {
            return;
        };
        let bound = match &self.cid_to_gid {
            Some(m) => m.len() as u32,
            None => self.embedded_glyphs.unwrap_or(0),
        }
        .min(1 << 16);
        let (mut agree, mut disagree) = (0usize, 0usize);
        for cid in 1..bound {
            let (Some(gid), Some(text)) = (self.gid(cid), coll.text(cid)) else {
                continue;
            };
            let Some(&c) = cmap.get(&gid) else { continue };
            let same =
                text.chars().eq(std::iter::once(c)) || text.nfkc().eq(std::iter::once(c).nfkc());
            if same {
                agree += 1;
            } else {
                disagree += 1;
            }
        }
        if disagree > agree {
            warnings.push(format!(
                "font {}: CIDSystemInfo names {} but the embedded font's cmap contradicts it for {disagree} of {} glyphs; the collection is not used",
                self.basefont,
                coll.name(),
                agree + disagree
            ));
            self.collection = None;
        }
    }
}

#[cfg(test)]
mod tests;
