//! The mapping chain: which source gives a glyph's text, recorded as provenance.
//!
//! Order: trusted ToUnicode → predefined CMap / a symbol font's code (Wingdings; also for
//! a private-use ToUnicode or cmap entry) / simple-font encoding → the embedded font's
//! own cmap → a shipped or user table matched by BaseFont (+ fingerprint) → a table learned
//! for this document ([`DocumentTables`], filled by the learning stage) → unresolved.
//! Invariant: a glyph no source explains is `Unresolved`, never a guessed character.
//! A table matched by name is used only when the font's own evidence does not contradict
//! it (renumbered subset, disagreeing ToUnicode/cmap): otherwise a warning, no decoding.

use super::cmap::{Distrust, judge_entry, unalias, visible_behind_space};
use super::font::{CodeMap, Font};
use crate::tables::outlines::{OutlineIndex, outline_hashes};
use crate::tables::{FontTable, TableSet};
use evidence::{cids_are_code_points, program_confirms_identity, reads_as_text};
use std::collections::HashMap;

mod dingbat;
mod evidence;
mod table;

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
    /// A symbol font's code (Wingdings, Webdings), read through Unicode's correspondence
    /// for the font (`data/dingbats.tsv`): a ToUnicode in private use, an encoding naming
    /// letters, or none.
    SymbolFont,
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
    /// The symbol font family the BaseFont names (Wingdings …), see `resolve::dingbat`.
    dingbats: Option<&'static str>,
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
            dingbats: dingbat::family(&font.basefont),
        }
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
                    None => {
                        if let Some(r) = self.drawn_glyph_behind_space(s, gid) {
                            return r;
                        }
                        return found(s.clone(), MappingSource::ToUnicode, 1.0, None);
                    }
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
                    Some(d) => {
                        // Word's Wingdings bullets: U+F06C is the symbol cmap's code.
                        let mut it = s.chars();
                        if let (Some(c), None) = (it.next(), it.next())
                            && let Some(r) = self.symbol(c, d)
                        {
                            return r;
                        }
                        distrust = Some(d);
                    }
                }
            }
        } else if self.tounicode_identity {
            distrust = Some(Distrust::IdentityMap);
        }
        if let Some(s) = font.predefined_text(code) {
            return found(s, MappingSource::PredefinedCmap, 1.0, distrust);
        }
        // A simple symbol font's code is its symbol, whatever letter its encoding names.
        if let Some(family) = self
            .dingbats
            .filter(|_| !self.composite && !self.renumbered)
            && let Some(c) = dingbat::lookup(family, code)
        {
            return found(c.to_string(), MappingSource::SymbolFont, 0.9, distrust);
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
        // A control code (below 0x20) of a simple font that is not embedded and names nothing
        // there: the substituted standard font has no glyph for it (PDFBox's
        // ControlCharacters: form fields holding NUL, BEL, ESC), so there is no text, as
        // pdftotext reads it, rather than a U+FFFD.
        if !self.composite && !self.renumbered && !font.embedded && code < 0x20 {
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

    /// A symbol font's private-use code point (`c`, U+F021–U+F0FF, a ToUnicode entry or the
    /// embedded cmap's) read as its symbol; `d`: why the entry was not used.
    fn symbol(&self, c: char, d: Distrust) -> Option<Resolved> {
        let family = self.dingbats?;
        if !(0xF021..=0xF0FF).contains(&(c as u32)) {
            return None;
        }
        let s = dingbat::lookup(family, c as u32)?;
        Some(found(
            s.to_string(),
            MappingSource::SymbolFont,
            0.9,
            Some(d),
        ))
    }

    /// A ToUnicode space the embedded program's cmap contradicts ([`visible_behind_space`]):
    /// the font's own cmap reads the glyph (MEXT's white paper: Meiryo UI labels that
    /// pdftotext prints as spaces).
    fn drawn_glyph_behind_space(&self, entry: &str, gid: Option<u32>) -> Option<Resolved> {
        let cmap = self.font.embedded_cmap.as_ref()?.get(&gid?).copied();
        let c = visible_behind_space(entry, cmap)?;
        Some(found(
            c.to_string(),
            MappingSource::FontCmap,
            1.0,
            Some(Distrust::SpaceForDrawnGlyph),
        ))
    }

    /// The glyph-ID-based sources: embedded cmap, outline, table, document table.
    fn resolve_glyph(&self, code: u32, gid: Option<u32>) -> Option<Resolved> {
        let gid = gid?;
        if let Some(c) = self.font.embedded_cmap.as_ref().and_then(|m| m.get(&gid)) {
            if let Some(r) = self.symbol(*c, Distrust::Unusable) {
                return Some(Resolved {
                    tounicode_distrust: None,
                    ..r
                });
            }
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

fn found(text: String, source: MappingSource, confidence: f32, d: Option<Distrust>) -> Resolved {
    Resolved {
        text: Some(text),
        source,
        confidence,
        tounicode_distrust: d,
    }
}

#[cfg(test)]
mod tests;
