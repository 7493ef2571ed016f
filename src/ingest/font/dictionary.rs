//! [`Font::from_dict`]: a font dictionary (Type0 with its CMap and descendant, or a simple
//! font with its encoding and widths) and its embedded program, read into a [`Font`].
//!
//! Invariant: building a font never fails; anything missing or corrupt becomes a warning
//! and an absent piece of information. A CIDSystemInfo collection the embedded program's
//! cmap contradicts on most glyphs is dropped, with a warning.

use super::encoding::{
    self, cff_builtin_encoding, cff_cids_differ_from_gids, parse_cid_widths, post_glyph_chars,
    simple_code_gids, simple_encoding, type1_builtin_encoding,
};
use super::{CodeMap, Font, Program};
use crate::ingest::cmap::{CidCMap, ToUnicode};
use crate::ingest::pdf::{Pdf, name_of, number};
use crate::ingest::predefined::{self, Collection};
use lopdf::{Dictionary, Object};
use std::collections::HashMap;
use std::sync::Arc;

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

impl Font {
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
            ligatures: HashMap::new(),
            widths: HashMap::new(),
            default_width: 1000.0,
            embedded_cmap: None,
            embedded_glyphs: None,
            program: None,
            em_scale: 1.0,
        };
        font.read_tounicode(pdf, dict, &basefont, warnings);
        // A simple font's codes named by /Differences, and whether /Encoding names a base.
        let (descriptor, simple) = if subtype == "Type0" {
            let Some(descriptor) = font.read_type0(pdf, dict, &basefont, warnings) else {
                return font;
            };
            (descriptor, None)
        } else {
            let (descriptor, simple) = font.read_simple(pdf, dict, &basefont, &subtype);
            (descriptor, Some(simple))
        };
        if let Some(Object::Dictionary(d)) = descriptor {
            font.read_descriptor(pdf, d, &subtype, simple.as_ref(), &basefont, warnings);
        }
        font.check_collection_against_program(warnings);
        font
    }

    /// The ToUnicode CMap, with a `usecmap` collection's entries under the font's own.
    fn read_tounicode(
        &mut self,
        pdf: &Pdf,
        dict: &Dictionary,
        basefont: &str,
        warnings: &mut Vec<String>,
    ) {
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
                        // A ToUnicode that maps no code says nothing (PDFBox's test file
                        // PDFBOX-4322): the font is read as without one, as pdftotext does.
                        if cm.map.is_empty() {
                            warnings.push(format!(
                                "font {basefont}: ToUnicode CMap maps nothing; read as without one"
                            ));
                            return;
                        }
                        self.tounicode = Some(cm);
                    }
                    Err(e) => warnings.push(format!("font {basefont}: ToUnicode stream: {e}")),
                },
                Object::Name(_) => {} // e.g. /Identity-H as ToUnicode: says nothing
                _ => warnings.push(format!("font {basefont}: ToUnicode is not a stream")),
            }
        }
    }

    /// A Type0 font's code → CID map, collection, CID → GID map and widths; its
    /// descendant's FontDescriptor. `None` without a descendant font (nothing more to read).
    fn read_type0<'a>(
        &mut self,
        pdf: &'a Pdf,
        dict: &'a Dictionary,
        basefont: &str,
        warnings: &mut Vec<String>,
    ) -> Option<Option<&'a Object>> {
        let cmap_collection = self.read_type0_code_map(pdf, dict, basefont, warnings);
        self.read_descendant(pdf, dict, cmap_collection, basefont, warnings)
    }

    /// How a Type0 font's strings split into codes and which CIDs they select (/Encoding: a
    /// predefined or embedded CMap), and its writing mode; the collection of a code → CID
    /// CMap's CIDs, if it names one.
    // Long: one arm per form of a Type0 Encoding, then its collection.
    fn read_type0_code_map(
        &mut self,
        pdf: &Pdf,
        dict: &Dictionary,
        basefont: &str,
        warnings: &mut Vec<String>,
    ) -> Option<Collection> {
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
                    self.wmode = 1;
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
                        self.wmode = self.wmode.max(cm.wmode);
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
        self.code_map = if let Some((cm, coll)) = embedded_cmap {
            self.cjk = true;
            cmap_collection = coll;
            CodeMap::Cid(Arc::new(cm))
        } else if enc_name == "Identity-H" || enc_name == "Identity-V" {
            CodeMap::Identity
        } else if unicode_cmap && (enc_name.contains("UCS2") || enc_name.contains("UTF16")) {
            self.cjk = true;
            CodeMap::Ucs2
        } else if unicode_cmap && enc_name.contains("UTF8") {
            self.cjk = true;
            CodeMap::Utf8
        } else if unicode_cmap && enc_name.contains("UTF32") {
            self.cjk = true;
            CodeMap::Utf32
        } else if let Some((cm, coll)) = predefined::cmap(&enc_name) {
            self.cjk = true;
            self.wmode = self.wmode.max(cm.wmode);
            cmap_collection = Some(coll);
            CodeMap::Cid(cm)
        } else {
            warnings.push(format!(
                "font {basefont}: predefined CMap {enc_name} not supported; codes kept as glyph IDs"
            ));
            CodeMap::Unknown(enc_name.clone())
        };
        if enc_name.ends_with("-V") || enc_name == "V" {
            self.wmode = 1;
        }
        cmap_collection
    }

    /// The descendant CIDFont: collection (CIDSystemInfo), CIDToGIDMap, widths; its
    /// FontDescriptor. `None` without a descendant font.
    fn read_descendant<'a>(
        &mut self,
        pdf: &'a Pdf,
        dict: &'a Dictionary,
        cmap_collection: Option<Collection>,
        basefont: &str,
        warnings: &mut Vec<String>,
    ) -> Option<Option<&'a Object>> {
        let desc = dict
            .get(b"DescendantFonts")
            .ok()
            .and_then(|o| pdf.resolve(o))
            .and_then(|o| o.as_array().ok())
            .and_then(|a| a.first())
            .and_then(|o| pdf.resolve(o))
            .and_then(|o| o.as_dict().ok());
        self.collection = cmap_collection;
        let Some(cid) = desc else {
            warnings.push(format!("font {basefont}: Type0 without a descendant font"));
            return None;
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
            self.cjk |= matches!(
                ordering.as_str(),
                "Japan1" | "Identity" | "GB1" | "CNS1" | "Korea1" | "KR"
            );
            info_collection = Collection::from_system_info(&field(b"Registry"), &ordering);
        }
        self.collection = match self.code_map {
            CodeMap::Identity => info_collection,
            CodeMap::Cid(_) => cmap_collection.or(info_collection),
            _ => None,
        };
        if let Some(Object::Stream(s)) = cid.get(b"CIDToGIDMap").ok().and_then(|o| pdf.resolve(o)) {
            match pdf.stream_bytes(s) {
                Ok(b) => {
                    self.cid_to_gid = Some(
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
        self.default_width = cid.get(b"DW").ok().and_then(number).unwrap_or(1000.0);
        if let Some(Object::Array(w)) = cid.get(b"W").ok().and_then(|o| pdf.resolve(o)) {
            parse_cid_widths(pdf, w, &mut self.widths);
        }
        Some(cid.get(b"FontDescriptor").ok().and_then(|o| pdf.resolve(o)))
    }

    /// A simple font's encoding and widths; its FontDescriptor, and the codes /Differences
    /// named with whether /Encoding names a base encoding.
    fn read_simple<'a>(
        &mut self,
        pdf: &'a Pdf,
        dict: &'a Dictionary,
        basefont: &str,
        subtype: &str,
    ) -> (Option<&'a Object>, (Vec<bool>, bool)) {
        let enc = simple_encoding(pdf, dict);
        self.encoding = enc.table;
        self.ligatures = enc.ligatures;
        if subtype == "Type3" {
            // A Type 3 font whose /Differences names no known glyph (dvips' bitmap fonts:
            // `/A8`, `/CP`) draws its printable ASCII codes as those characters, as pdftotext
            // reads them (poppler maps unknown names of Type 3 fonts through).
            for (code, slot) in self.encoding.iter_mut().enumerate() {
                if slot.is_none()
                    && enc.from_differences[code]
                    && (0x21..=0x7E).contains(&code)
                    && !self.ligatures.contains_key(&(code as u32))
                {
                    *slot = char::from_u32(code as u32);
                }
            }
        }
        let simple = (enc.from_differences, enc.has_base);
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
            && (embedded || is_symbol_font(basefont))
        {
            self.encoding.iter_mut().for_each(|e| *e = None);
            self.ligatures.clear();
        } else if !embedded
            && !is_symbol_font(basefont)
            && !simple.1
            && let Some(std) = encoding::base_encoding("StandardEncoding")
        {
            // A substituted text font without a base encoding reads its codes in
            // StandardEncoding (PDF 32000-1, 9.6.6.1): æ at 0xF1, • at 0xB7.
            for (slot, c) in self.encoding.iter_mut().zip(std).skip(0x80) {
                if slot.is_none() {
                    *slot = c;
                }
            }
        }
        let first = dict.get(b"FirstChar").ok().and_then(number).unwrap_or(0.0) as u32;
        // A Type 3 font's widths are in its glyph space: FontMatrix scales them to text
        // space (PDF 32000-1, 9.6.5); widths here are thousandths of text space.
        let scale = if subtype == "Type3" {
            type3_width_scale(pdf, dict)
        } else {
            1.0
        };
        if subtype == "Type3" {
            self.em_scale = type3_em_scale(pdf, dict).unwrap_or(scale);
        }
        if let Some(Object::Array(w)) = dict.get(b"Widths").ok().and_then(|o| pdf.resolve(o)) {
            for (i, o) in w.iter().enumerate().take(256) {
                if let Some(v) = pdf.resolve(o).and_then(number) {
                    self.widths.insert(first + i as u32, v * scale);
                }
            }
        }
        self.default_width = 500.0;
        let descriptor = dict
            .get(b"FontDescriptor")
            .ok()
            .and_then(|o| pdf.resolve(o));
        (descriptor, simple)
    }

    /// The FontDescriptor: MissingWidth and the embedded program (the first of FontFile2,
    /// FontFile3, FontFile).
    fn read_descriptor(
        &mut self,
        pdf: &Pdf,
        d: &Dictionary,
        subtype: &str,
        simple: Option<&(Vec<bool>, bool)>,
        basefont: &str,
        warnings: &mut Vec<String>,
    ) {
        if let Some(mw) = d.get(b"MissingWidth").ok().and_then(number)
            && subtype != "Type0"
        {
            self.default_width = mw;
        }
        for key in [&b"FontFile2"[..], b"FontFile3", b"FontFile"] {
            let Some(Object::Stream(s)) = d.get(key).ok().and_then(|o| pdf.resolve(o)) else {
                continue;
            };
            self.embedded = true;
            let id = match d.get(key) {
                Ok(Object::Reference(id)) => Some(*id),
                _ => None,
            };
            match pdf.program(id, s, Program::read) {
                Ok(p) => match &p.sfnt {
                    Ok((map, n)) => self.read_sfnt_program(Arc::clone(&p.data), map.clone(), *n),
                    Err(e) => self.read_bare_program(key, &p.data, e, simple, basefont, warnings),
                },
                Err(e) => warnings.push(format!("font {basefont}: embedded font stream: {e}")),
            }
            break;
        }
    }

    /// An sfnt program (TrueType/OpenType): its cmap reversed, glyph count, a simple
    /// TrueType's code → GID map and `post` names.
    fn read_sfnt_program(&mut self, data: Arc<[u8]>, map: HashMap<u32, char>, n: u32) {
        self.embedded_cmap = (!map.is_empty()).then_some(map);
        self.embedded_glyphs = Some(n);
        if self.code_map == CodeMap::OneByte {
            self.simple_gids = simple_code_gids(&data);
            // The program's own glyph names give the text of codes
            // /Encoding leaves unnamed (symbolic subsets by Word).
            if let Some(gids) = &self.simple_gids {
                let names = post_glyph_chars(&data);
                for (slot, gid) in self.encoding.iter_mut().zip(gids) {
                    if slot.is_none()
                        && let Some(c) = gid.and_then(|g| names.get(&g))
                    {
                        *slot = Some(*c);
                    }
                }
            }
        }
        self.program = Some(data);
    }

    /// A program that is not sfnt: bare CFF (CID-keyed or Type1C) or Type 1.
    fn read_bare_program(
        &mut self,
        key: &[u8],
        data: &[u8],
        e: &dyn std::fmt::Display,
        simple: Option<&(Vec<bool>, bool)>,
        basefont: &str,
        warnings: &mut Vec<String>,
    ) {
        // Bare CFF (FontFile3/CIDFontType0C) is not sfnt: not an error worth
        // reporting; a broken TrueType is.
        if key == b"FontFile2" {
            warnings.push(format!(
                "font {basefont}: embedded font program unreadable ({e})"
            ))
        }
        if self.code_map != CodeMap::OneByte && key == b"FontFile3" {
            self.cff_cids_moved = cff_cids_differ_from_gids(data).unwrap_or(false);
        }
        // A Type 1 program's own encoding applies where /Encoding names
        // no base encoding and /Differences names nothing (PDF 32000-1,
        // 9.6.6.1): TeX fonts (CMSY, CMMI) have no other.
        if self.code_map == CodeMap::OneByte
            && key == b"FontFile"
            && let Some((named, false)) = simple
            && let Some(builtin) = type1_builtin_encoding(data)
        {
            for (code, c) in builtin.into_iter().enumerate().take(256) {
                if c.is_some() && !named[code] {
                    self.encoding[code] = c;
                }
            }
        }
        // A simple font's bare CFF (Type1C) carries its built-in
        // encoding, which applies where /Encoding names nothing.
        if self.code_map == CodeMap::OneByte
            && key == b"FontFile3"
            && let Some(builtin) = cff_builtin_encoding(data)
        {
            for (code, text) in builtin.into_iter().enumerate() {
                let Some(text) = text else { continue };
                let mut chars = text.chars();
                let one = match (chars.next(), chars.next()) {
                    (Some(c), None) => Some(c),
                    _ => None,
                };
                let code32 = code as u32;
                if self.encoding_string(code32).is_some() {
                    continue;
                }
                match (one, self.encoding.get_mut(code)) {
                    (Some(c), Some(slot)) => *slot = Some(c),
                    _ => {
                        self.ligatures.insert(code32, text);
                    }
                }
            }
        }
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

/// How a Type 3 font's glyph-space widths scale to thousandths of text space: 1000 ×
/// FontMatrix's horizontal scale (0.001 → 1, the usual case). A missing, zero or absurd
/// matrix leaves widths as written.
fn type3_width_scale(pdf: &Pdf, dict: &Dictionary) -> f32 {
    let Some(Object::Array(m)) = dict.get(b"FontMatrix").ok().and_then(|o| pdf.resolve(o)) else {
        return 1.0;
    };
    let Some(a) = m.first().and_then(|o| pdf.resolve(o)).and_then(number) else {
        return 1.0;
    };
    let scale = (a * 1000.0).abs();
    if scale.is_finite() && (1e-3..=1e6).contains(&scale) {
        scale
    } else {
        1.0
    }
}

/// A Type 3 font's em in text space per unit of font size: the height of its FontBBox
/// through FontMatrix (its glyphs may be drawn in any unit: pdf.js issue9655 draws 30-unit
/// glyphs under an identity matrix). `None` without a usable box and matrix.
fn type3_em_scale(pdf: &Pdf, dict: &Dictionary) -> Option<f32> {
    let nums = |key: &[u8]| -> Option<Vec<f32>> {
        let Some(Object::Array(a)) = dict.get(key).ok().and_then(|o| pdf.resolve(o)) else {
            return None;
        };
        a.iter().map(|o| pdf.resolve(o).and_then(number)).collect()
    };
    let bbox = nums(b"FontBBox").filter(|b| b.len() == 4)?;
    let matrix = nums(b"FontMatrix").filter(|m| m.len() == 6)?;
    let em = (bbox[3] - bbox[1]).abs() * matrix[3].abs();
    (em.is_finite() && (1e-3..=1e6).contains(&em)).then_some(em)
}
