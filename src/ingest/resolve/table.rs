//! The table matched by BaseFont: user tables first, then the shipped ones, a table made
//! for this version of the font (same glyph count) first, the first that fits used. A name
//! is not an identity: a table is refused, with a warning, when the embedded font has more
//! glyphs than the table's or when the document's own evidence contradicts it
//! ([`evidence_against`]).

use super::super::cmap::{judge_entry, unalias};
use super::super::font::Font;
use super::FontResolver;
use crate::tables::FontTable;
use crate::tables::outlines::outline_hashes;
use std::collections::HashMap;

impl<'a> FontResolver<'a> {
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
