//! The mapping chain: which source gives a glyph's text, recorded as provenance.
//!
//! Order: trusted ToUnicode → predefined CMap / simple-font encoding → the embedded font's
//! own cmap → a shipped or user table matched by BaseFont (+ fingerprint) → a table learned
//! for this document ([`DocumentTables`], filled by the learning stage) → unresolved.
//! Invariant: a glyph no source explains is `Unresolved`, never a guessed character.
//! A table matched by name is used only when the font's own evidence does not contradict
//! it (renumbered subset, disagreeing ToUnicode/cmap): otherwise a warning, no decoding.

use super::cmap::{Distrust, judge_entry, unalias};
use super::font::{CodeMap, Font};
use crate::tables::outlines::{OutlineIndex, outline_hashes};
use crate::tables::{FontTable, TableSet};
use std::collections::HashMap;

/// Where a glyph's text came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MappingSource {
    /// The font's ToUnicode CMap.
    ToUnicode,
    /// A predefined CMap (UniJIS-UCS2, 90ms-RKSJ) defines the text.
    PredefinedCmap,
    /// A simple font's /Encoding and /Differences.
    Encoding,
    /// The embedded font program's cmap, reversed.
    FontCmap,
    /// A table from `mappings/` (or `--tables`).
    Table,
    /// The glyph's outline matched a font file's (`--font-files`), for renumbered subsets.
    Outline,
    /// A table learned for this document (the learning stage's hook).
    DocumentTable,
    /// Deciphered from the document's own glyph sequences after extraction
    /// ([`super::selflearn`]): only glyphs every other source left unresolved.
    Learned,
    /// The glyph drawn is `.notdef` (GID 0 of a composite font) and no source gives it a
    /// character: the producer had no glyph for it, so there is no text to recover. It
    /// gives no text (as pdftotext) and is counted, instead of a U+FFFD nobody can fix.
    Notdef,
    /// No ToUnicode, no collection, a CID → GID map that moves the glyphs and CIDs that all
    /// read as Latin/Greek/Cyrillic text: the producer wrote code points as CIDs (as
    /// pdftotext reads them). See `cids_are_code_points`.
    CidCodePoint,
    /// Read from the page's image by OCR ([`super::ocr`]): a scanned page has no glyphs.
    Ocr,
    /// No source explains the glyph: no text.
    Unresolved,
}

/// The hook for tables learned from the document itself.
pub trait DocumentTables: Send + Sync {
    /// Text of `gid` in the font with this BaseFont (subset tag included), with confidence.
    fn lookup(&self, basefont: &str, gid: u32) -> Option<(char, f32)>;
}

/// One glyph's resolution.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    /// The glyph's text; `None` when unresolved.
    pub text: Option<String>,
    /// Where the text came from.
    pub source: MappingSource,
    /// How sure the source is, 0–1 (0 when unresolved).
    pub confidence: f32,
    /// Set when the ToUnicode had an entry that was not used as it stands.
    pub tounicode_distrust: Option<Distrust>,
}

/// Per-font state of the chain: the ToUnicode verdict and the matched table.
pub struct FontResolver<'a> {
    /// The font resolved.
    pub font: &'a Font,
    tounicode_identity: bool,
    /// The matched table, looked up (and a shipped one parsed) only when a glyph needs it:
    /// a document with a complete ToUnicode never pays for table parsing.
    table: std::cell::OnceCell<Option<&'a FontTable>>,
    tables: &'a TableSet,
    builtin_tables: bool,
    composite: bool,
    /// Warnings found during lookups (table fingerprint mismatch), see [`Self::take_warnings`].
    late_warnings: std::cell::RefCell<Vec<String>>,
    doc_tables: Option<&'a dyn DocumentTables>,
    /// Table entries below this confidence are in doubt: reported, not applied.
    min_confidence: f32,
    /// A simple font whose codes number the subset's glyphs (1…N): its encoding is nominal.
    renumbered: bool,
    outlines: Option<&'a OutlineIndex>,
    /// GID → outline hash of the embedded program (only with an outline index).
    glyph_outlines: HashMap<u32, u64>,
    /// The font's CIDs are the text's code points (see [`cids_are_code_points`]).
    cid_code_points: bool,
}

/// What the chain may draw on besides the font itself.
#[derive(Clone, Copy)]
pub struct Sources<'a> {
    /// User tables, matched by BaseFont.
    pub tables: &'a TableSet,
    /// Fall back to the shipped tables (parsed lazily) after `tables`.
    pub builtin_tables: bool,
    /// Tables learned for this document.
    pub doc_tables: Option<&'a dyn DocumentTables>,
    /// Outlines of font files the user has (renumbered subsets).
    pub outlines: Option<&'a OutlineIndex>,
    /// Table entries below this confidence are in doubt: reported, not applied.
    pub min_confidence: f32,
}

impl<'a> FontResolver<'a> {
    /// `renumbered`: the caller saw this simple font use codes below 0x20 that its encoding
    /// does not name — the codes are glyph ordinals (LibreOffice, reportlab subsets).
    pub fn new(
        font: &'a Font,
        sources: Sources<'a>,
        renumbered: bool,
        warnings: &mut Vec<String>,
    ) -> Self {
        let Sources {
            tables,
            builtin_tables,
            doc_tables,
            outlines,
            min_confidence,
        } = sources;
        let composite = !matches!(font.code_map, CodeMap::OneByte);
        // Simple fonts legitimately map 0x41 → A (reportlab maps 0x20–0x7E to themselves
        // next to real text in 0x01–0x1F): only identity entries for control codes prove
        // that the map writes glyph ordinals, not text.
        let tounicode_identity = font.tounicode.as_ref().is_some_and(|t| {
            if composite {
                t.is_identity_map() && !program_confirms_identity(font, t)
            } else {
                renumbered && t.maps_control_codes_to_themselves()
            }
        });
        if renumbered && !composite {
            warnings.push(format!(
                "font {}: codes number the subset's glyphs (1…N); its encoding says nothing about the text{}",
                font.basefont,
                if outlines.is_some() { "" } else { " (--font-files can identify glyphs by outline)" }
            ));
        }
        if tounicode_identity {
            warnings.push(format!(
                "font {}: ToUnicode maps codes to themselves (glyph IDs, not text); ignored",
                font.basefont
            ));
        }
        let cid_code_points = composite && cids_are_code_points(font);
        if cid_code_points {
            warnings.push(format!(
                "font {}: no ToUnicode; its Latin/Greek/Cyrillic CIDs are read as code points \
                 (its CID → GID map moves the glyphs: the CIDs are not glyph IDs)",
                font.basefont
            ));
        }
        let glyph_outlines = match (outlines, &font.program) {
            (Some(ix), Some(p)) if !ix.is_empty() => outline_hashes(p),
            _ => HashMap::new(),
        };
        FontResolver {
            font,
            tounicode_identity,
            table: std::cell::OnceCell::new(),
            tables,
            builtin_tables: builtin_tables && composite,
            composite,
            late_warnings: std::cell::RefCell::new(Vec::new()),
            doc_tables,
            min_confidence,
            renumbered: renumbered && !composite,
            outlines,
            glyph_outlines,
            cid_code_points,
        }
    }

    /// The table matched by BaseFont and fingerprint, if any (looked up on first call).
    pub fn table(&self) -> Option<&'a FontTable> {
        *self.table.get_or_init(|| {
            if !self.composite {
                return None;
            }
            let font = self.font;
            // User tables first, then the shipped ones; among them a table made for this
            // version of the font (same glyph count) first; the first that fits is used.
            let mut candidates = self.tables.all_for_basefont(&font.basefont);
            if self.builtin_tables {
                candidates.extend(crate::tables::builtin_tables_for_basefont(&font.basefont));
            }
            candidates.sort_by_key(|t| {
                fingerprint_glyphs(t).is_none() || fingerprint_glyphs(t) != font.embedded_glyphs
            });
            candidates.into_iter().find(|t| {
                let fits = match (fingerprint_glyphs(t), font.embedded_glyphs) {
                    (Some(max), Some(n)) => n <= max,
                    _ => true,
                };
                if !fits {
                    self.late_warnings.borrow_mut().push(format!(
                        "font {}: table {} is for a font of {} glyphs, the embedded one has {}; not used",
                        font.basefont,
                        t.name,
                        fingerprint_glyphs(t).unwrap_or(0),
                        font.embedded_glyphs.unwrap_or(0)
                    ));
                    return false;
                }
                // A name is not an identity: the document's own evidence must agree.
                match evidence_against(font, t) {
                    Some(why) => {
                        self.late_warnings.borrow_mut().push(format!(
                            "font {}: table {} matches the name but not the font ({why}); not used",
                            font.basefont, t.name
                        ));
                        false
                    }
                    None => true,
                }
            })
        })
    }

    /// Warnings that only lookups could find; empties the list.
    pub fn take_warnings(&self) -> Vec<String> {
        std::mem::take(&mut *self.late_warnings.borrow_mut())
    }

    /// A table entry for `gid` that exists but is in doubt (below the confidence floor), for
    /// reporting what was not applied.
    pub fn doubtful_entry(&self, gid: u32) -> Option<(char, f32)> {
        let from_table = self.table().and_then(|t| {
            let d = t.decode(gid)?;
            let conf = t.rule(d.rule).map(|r| r.confidence).unwrap_or(0.5);
            Some((d.ch, conf))
        });
        let from_doc = || self.doc_tables?.lookup(&self.font.basefont, gid);
        from_table
            .or_else(from_doc)
            .filter(|&(_, conf)| conf < self.min_confidence)
    }

    /// Resolves one code.
    pub fn resolve(&self, code: u32, gid: Option<u32>) -> Resolved {
        let font = self.font;
        let mut distrust = None;
        if let Some(tu) = font.tounicode.as_ref().filter(|_| !self.tounicode_identity) {
            if let Some(s) = tu.map.get(&code) {
                // A tab or line break written for a blank glyph (pdf.js issue6612 maps its
                // spaces to U+0009) is a space in the text, as pdftotext prints it.
                if !s.is_empty() && s.chars().all(|c| matches!(c, '\t' | '\n' | '\r')) {
                    return found(" ".into(), MappingSource::ToUnicode, 1.0, None);
                }
                match judge_entry(s) {
                    None => return found(s.clone(), MappingSource::ToUnicode, 1.0, None),
                    Some(Distrust::Alias) => {
                        if let Some(mut r) = self.resolve_glyph(code, gid) {
                            r.tounicode_distrust = Some(Distrust::Alias);
                            return r;
                        }
                        let c = s.chars().next().map(|c| unalias(c, font.cjk));
                        return found(
                            c.map(String::from).unwrap_or_default(),
                            MappingSource::ToUnicode,
                            0.9,
                            Some(Distrust::Alias),
                        );
                    }
                    Some(d) => distrust = Some(d),
                }
            }
        } else if self.tounicode_identity {
            distrust = Some(Distrust::IdentityMap);
        }
        if let Some(s) = font.predefined_text(code) {
            return found(s, MappingSource::PredefinedCmap, 1.0, distrust);
        }
        if let Some(s) = font.encoding_string(code).filter(|_| !self.renumbered) {
            return found(s, MappingSource::Encoding, 0.9, distrust);
        }
        if let Some(mut r) = self.resolve_glyph(code, gid) {
            r.tounicode_distrust = distrust;
            return r;
        }
        if self.composite && gid == Some(0) {
            return found(String::new(), MappingSource::Notdef, 1.0, distrust);
        }
        // A simple font's code that nothing names and whose width is explicitly zero draws
        // nothing that advances (pdf.js issue6721: code 0xE0 between words): no text, counted
        // like `.notdef`, instead of a U+FFFD in the middle of a word.
        if !self.composite && !self.renumbered && font.explicit_width(code) == Some(0.0) {
            return found(String::new(), MappingSource::Notdef, 1.0, distrust);
        }
        // Code 0x20 is the space of every standard encoding; a font whose own encoding puts
        // an unnamed glyph there (TeX's CMR9: `suppress`, absent from the subset, pdf.js
        // issue6901) still separates words with it, as pdftotext reads it.
        if !self.composite && !self.renumbered && code == 0x20 {
            return found(" ".into(), MappingSource::Encoding, 0.9, distrust);
        }
        if self.cid_code_points
            && let Some(c) = font
                .cid(code)
                .and_then(char::from_u32)
                .filter(|&c| reads_as_text(c))
        {
            return found(c.to_string(), MappingSource::CidCodePoint, 0.9, distrust);
        }
        Resolved {
            text: None,
            source: MappingSource::Unresolved,
            confidence: 0.0,
            tounicode_distrust: distrust,
        }
    }

    /// The glyph-ID-based sources: embedded cmap, outline, table, document table.
    fn resolve_glyph(&self, code: u32, gid: Option<u32>) -> Option<Resolved> {
        let gid = gid?;
        if let Some(c) = self.font.embedded_cmap.as_ref().and_then(|m| m.get(&gid)) {
            return Some(found(c.to_string(), MappingSource::FontCmap, 1.0, None));
        }
        if let (Some(ix), Some(h)) = (self.outlines, self.glyph_outlines.get(&gid)) {
            if let Some(c) = ix.get(*h) {
                return Some(found(c.to_string(), MappingSource::Outline, 1.0, None));
            }
            // One drawing, several characters (Ｐ and Greek Ρ in IPAex): the commonest in
            // Japanese text, with less than full confidence.
            if let Some(cands) = ix.candidates(*h) {
                let lm = crate::lm::CharLm::builtin();
                if let Some(&c) = cands
                    .iter()
                    .max_by(|a, b| lm.score(&[**a]).total_cmp(&lm.score(&[**b])))
                {
                    return Some(found(c.to_string(), MappingSource::Outline, 0.8, None));
                }
            }
        }
        if self.outlines.is_some() && !self.glyph_outlines.is_empty() {
            // A blank glyph has no outline to match; what it looks like is its advance: an
            // em-wide blank is an ideographic space, a narrow one a space.
            let real = gid != 0 && self.font.embedded_glyphs.is_some_and(|n| gid < n);
            if real && !self.glyph_outlines.contains_key(&gid) {
                let w = self.font.width(code);
                let blank = if w >= 900.0 {
                    Some('\u{3000}')
                } else if w > 0.0 && w <= 600.0 {
                    Some(' ')
                } else {
                    None
                };
                if let Some(c) = blank {
                    return Some(found(c.to_string(), MappingSource::Outline, 0.9, None));
                }
            }
        }
        if let Some(t) = self.table()
            && let Some(d) = t.decode(gid)
        {
            let conf = t.rule(d.rule).map(|r| r.confidence).unwrap_or(0.5);
            if conf >= self.min_confidence {
                return Some(found(d.ch.to_string(), MappingSource::Table, conf, None));
            }
        }
        if let Some(dt) = self.doc_tables
            && let Some((c, conf)) = dt
                .lookup(&self.font.basefont, gid)
                .filter(|&(_, conf)| conf >= self.min_confidence)
        {
            return Some(found(
                c.to_string(),
                MappingSource::DocumentTable,
                conf,
                None,
            ));
        }
        None
    }
}

/// Whether the embedded program's own cmap says an identity ToUnicode is right: through the
/// font's CID → GID map (a CIDToGIDMap stream, as TCPDF writes with CIDs = code points), the
/// glyph of code c is the glyph the program's cmap gives U+c. Glyph IDs written as text (the
/// defect) fail this: there the glyph of c is some other character's.
fn program_confirms_identity(font: &Font, tounicode: &super::cmap::ToUnicode) -> bool {
    let composite_cids = matches!(font.code_map, CodeMap::Identity | CodeMap::Cid(_));
    // A CID-keyed CFF program whose charset renumbers (Word's Calibri): the CIDs are not
    // glyph IDs, and with no collection named they are the code points.
    if font.cff_cids_moved && font.collection.is_none() && composite_cids {
        return true;
    }
    // Through an embedded code → CID CMap that moves most codes to other glyphs, an entry
    // mapping code c to U+c does not echo a glyph ID (the defect): it names the code's
    // character, as it should when it reads as text.
    if matches!(font.code_map, CodeMap::Cid(_)) && font.collection.is_none() {
        let (mut known, mut moved) = (0usize, 0usize);
        for (code, _) in identity_entries(tounicode) {
            if let Some(gid) = font.gid(code).filter(|&g| g != 0) {
                known += 1;
                moved += usize::from(gid != code);
            }
        }
        if known >= 3 && moved * 2 > known && mostly_text(tounicode) {
            return true;
        }
    }
    // With an identity CID → GID map the codes are glyph IDs: nothing confirms them.
    let (Some(cid_to_gid), true) = (font.cid_to_gid.as_ref(), composite_cids) else {
        return false;
    };
    let Some(cmap) = font.embedded_cmap.as_ref() else {
        // A subset without a cmap (TCPDF): a CID → GID map that really moves glyphs says the
        // CIDs are not glyph IDs; with no collection named they are the code points.
        if font.collection.is_none() && moving(cid_to_gid) {
            // Through an embedded code → CID CMap (a one-byte "OneByteIdentityH"), the
            // codes are what the identity entries echo: they must read as text.
            return font.code_map == CodeMap::Identity || mostly_text(tounicode);
        }
        return false;
    };
    let (mut agree, mut checked) = (0usize, 0usize);
    for (code, c) in identity_entries(tounicode) {
        let Some(own) = font
            .gid(code)
            .filter(|&g| g != 0)
            .and_then(|g| cmap.get(&g))
        else {
            continue;
        };
        checked += 1;
        agree += usize::from(*own == c);
    }
    checked >= 3 && agree * 10 >= checked * 9
}

/// Whether a CID → GID map really moves glyphs: most of at least 3 mapped CIDs go to
/// another glyph ID.
fn moving(cid_to_gid: &[u16]) -> bool {
    let used = cid_to_gid.iter().filter(|g| **g != 0).count();
    let moved = cid_to_gid
        .iter()
        .enumerate()
        .filter(|(c, g)| **g != 0 && *c != usize::from(**g))
        .count();
    used >= 3 && moved * 2 > used
}

/// The ToUnicode entries that map a code to U+code.
fn identity_entries(tounicode: &super::cmap::ToUnicode) -> impl Iterator<Item = (u32, char)> + '_ {
    tounicode.map.iter().filter_map(|(&code, s)| {
        let mut it = s.chars();
        match (it.next(), it.next()) {
            (Some(c), None) if c as u32 == code => Some((code, c)),
            _ => None,
        }
    })
}

/// A character that plain Latin, Greek or Cyrillic text is made of (letters, digits,
/// punctuation, symbols), never a control: what a font's CIDs are when they are the text's
/// code points. Glyph IDs read as code points land in controls (the space glyph is
/// usually GID 3), combining marks and foreign scripts (`̽ଋҨǥ`), or, for CJK fonts, beyond
/// U+0500 — which is why only this repertoire is read without other evidence.
fn reads_as_text(c: char) -> bool {
    use crate::detect::charclass::{CharClass, classify};
    matches!(classify(c), CharClass::Ascii | CharClass::Symbol) && !c.is_control()
}

/// A character a ToUnicode may assert as text when its codes are shown not to be glyph IDs:
/// nothing that is strong evidence of glyph-ID garbling ([`crate::detect::charclass`]).
fn asserted_text(c: char) -> bool {
    use crate::detect::charclass::{CharClass, classify};
    let class = classify(c);
    !class.is_strong() && class != CharClass::PrivateUse && !c.is_control()
}

/// Whether at least 9 in 10 of a ToUnicode's identity entries read as text (a ligature such
/// as U+FB01 or an astral character among Latin text is not evidence of garbling).
fn mostly_text(tounicode: &super::cmap::ToUnicode) -> bool {
    let (mut n, mut text) = (0usize, 0usize);
    for (_, c) in identity_entries(tounicode) {
        n += 1;
        text += usize::from(asserted_text(c));
    }
    n > 0 && text * 10 >= n * 9
}

/// Whether a composite font with no ToUnicode writes code points as its CIDs: no character
/// collection is named (Adobe-Identity), the CID → GID map moves most glyphs (so the CIDs
/// are not the program's glyph IDs), no CID below U+0020 has a glyph (glyph IDs written as
/// CIDs always include the low ones: the space is usually GID 3, as in pdf.js
/// `complex_ttf_font`), and where the embedded program names its glyphs (`post`), the
/// names agree. pdftotext reads such fonts' CIDs as code points; here each glyph is read
/// so only when its CID is Latin/Greek/Cyrillic text ([`reads_as_text`]).
fn cids_are_code_points(font: &Font) -> bool {
    if font.tounicode.is_some() || font.collection.is_some() {
        return false;
    }
    let Some(cid_to_gid) = font.cid_to_gid.as_ref() else {
        return false;
    };
    if !matches!(font.code_map, CodeMap::Identity) || !moving(cid_to_gid) {
        return false;
    }
    let mapped = || {
        cid_to_gid
            .iter()
            .enumerate()
            .skip(1)
            .filter(|(_, g)| **g != 0)
    };
    if mapped().any(|(cid, _)| cid < 0x20 && !matches!(cid, 0x09 | 0x0A | 0x0D)) {
        return false;
    }
    let names = font
        .program
        .as_deref()
        .map(super::font::post_glyph_chars)
        .unwrap_or_default();
    let (mut checked, mut agree) = (0usize, 0usize);
    for (cid, &gid) in mapped() {
        if let Some(&named) = names.get(&u32::from(gid)) {
            checked += 1;
            agree += usize::from(char::from_u32(cid as u32) == Some(named));
        }
    }
    checked == 0 || (checked >= 3 && agree * 10 >= checked * 9)
}

fn found(text: String, source: MappingSource, confidence: f32, d: Option<Distrust>) -> Resolved {
    Resolved {
        text: Some(text),
        source,
        confidence,
        tounicode_distrust: d,
    }
}

/// Least share of a font's own trusted glyph → text entries a table must reproduce.
const MIN_TABLE_AGREEMENT: f64 = 0.9;

/// Why the document's own evidence says `table` is not this font's, if it does:
/// - nothing to check it against: no embedded program and no trusted ToUnicode entries;
/// - the embedded subset numbers its glyphs 1…N (glyph IDs are not the font's own, which a
///   name-bound table is keyed by);
/// - the font's trusted ToUnicode entries or embedded cmap disagree with the table on
///   more than 1 in 10 of the glyphs both know (at least 3 compared).
fn evidence_against(font: &Font, table: &FontTable) -> Option<String> {
    if let Some(p) = &font.program {
        let hashes = outline_hashes(p);
        use crate::tables::outlines::{dense_outline_ids, renumbered_subset};
        // A program with far fewer glyphs than the table's font, all drawn, was rewritten
        // (Office and Distiller subsets keep numGlyphs): renumbered too.
        let shrunk = dense_outline_ids(&hashes)
            && matches!((fingerprint_glyphs(table), font.embedded_glyphs),
                (Some(full), Some(n)) if n < full / 2);
        if renumbered_subset(&hashes, font.embedded_glyphs) == Some(true) || shrunk {
            return Some(format!(
                "the embedded subset renumbers its glyphs: {} outlines at glyph IDs up to {}",
                hashes.len(),
                hashes.keys().max().copied().unwrap_or(0)
            ));
        }
    }
    let mut own: HashMap<u32, char> = HashMap::new();
    if let Some(tu) = font.tounicode.as_ref().filter(|t| !t.is_identity_map()) {
        for (&code, text) in &tu.map {
            let (Some(gid), None) = (font.gid(code), judge_entry(text)) else {
                continue;
            };
            let mut it = text.chars();
            if let (Some(c), None) = (it.next(), it.next()) {
                own.entry(gid).or_insert(c);
            }
        }
    }
    if let Some(m) = &font.embedded_cmap {
        for (&gid, &c) in m {
            own.entry(gid).or_insert(c);
        }
    }
    let (mut compared, mut agreed) = (0usize, 0usize);
    for (&gid, &c) in &own {
        if let Some(t) = table.get(gid) {
            compared += 1;
            // Compatibility/Kangxi aliases are the same character for this purpose.
            if t == c || t == unalias(c, true) {
                agreed += 1;
            }
        }
    }
    if font.program.is_none() && compared < 3 {
        // A font the PDF does not embed is drawn by whatever the reader substitutes; its
        // codes are that font's glyph IDs only by hope (pdf.js noembed-identity-2: an
        // MS-PGothic whose codes are Adobe-Japan1 CIDs).
        return Some("no embedded program and no ToUnicode to check the table against".into());
    }
    (compared >= 3 && (agreed as f64) < MIN_TABLE_AGREEMENT * compared as f64).then(|| {
        format!("its own ToUnicode/cmap agrees with the table on {agreed} of {compared} glyphs")
    })
}

/// `glyphs=N` in a table's fingerprint.
fn fingerprint_glyphs(t: &FontTable) -> Option<u32> {
    t.fingerprint
        .as_deref()?
        .split([' ', ','])
        .find_map(|f| f.strip_prefix("glyphs="))
        .and_then(|n| n.parse().ok())
}

#[cfg(test)]
mod tests;
