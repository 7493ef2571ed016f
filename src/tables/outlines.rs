//! Glyph outlines as identity: text for subsets that renumbered their glyphs.
//!
//! LibreOffice and reportlab write CJK fonts as simple TrueType fonts whose subsets number
//! glyphs 1…N: neither code nor glyph ID says which character a glyph is, and with a missing
//! or identity ToUnicode no extractor can read them. But a subsetter copies each simple
//! glyph's `glyf` record byte for byte, so the outline identifies the glyph in the full font
//! file the user owns. An [`OutlineIndex`] maps outline hashes of font files to their
//! characters (from the font's own cmap, unified ideographs preferred).
//!
//! Invariants: only non-empty simple and composite glyph records are hashed (a
//! composite's hash uses its components' hashes, not their renumbered glyph IDs); a hash that
//! two glyphs with different characters share is unique only when the characters are
//! aliases of each other (the unified ideograph wins); otherwise `get` gives nothing and
//! `candidates` lists them, for the caller to choose with less than full confidence.

use crate::error::{Error, Result};
use crate::ingest::cmap::codepoint_rank;
use crate::ingest::font::reverse_cmap;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// FNV-1a over bytes: stable across runs and platforms (outline hashes are compared across
/// documents and font files).
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Whether the glyph IDs that carry an outline fill 1…N densely (at least 8 of them). Kept
/// IDs leave gaps wherever an unused glyph was dropped (Japanese text spreads over kana
/// ~0x800 and kanji up to ~0x3C00 in the MS fonts); renumbered subsets and whole fonts do
/// not.
pub fn dense_outline_ids(hashes: &HashMap<u32, u64>) -> bool {
    let n = hashes.len() as u64;
    // Slack for the few blanks a subsetter keeps at the start (.notdef, spaces).
    n >= 8
        && hashes
            .keys()
            .max()
            .is_some_and(|&m| (m as u64) < 2 * n + 32)
}

/// Whether a subset numbers its glyphs 1…N (DocuWorks, LibreOffice) instead of keeping the
/// font's own glyph IDs (Office, Distiller), judged from the embedded program alone:
/// dense outline IDs in a program whose numGlyphs is larger than its outlines account for
/// (a padded maxp). `None` when it cannot tell: too few outlines, or dense IDs filling
/// numGlyphs (a whole font, or a subset that rewrote maxp; see [`dense_outline_ids`]).
pub fn renumbered_subset(hashes: &HashMap<u32, u64>, num_glyphs: Option<u32>) -> Option<bool> {
    if hashes.len() < 8 {
        return None;
    }
    if !dense_outline_ids(hashes) {
        return Some(false);
    }
    let padded = num_glyphs.is_some_and(|g| (hashes.len() as f64) < 0.9 * g as f64);
    padded.then_some(true)
}

/// Hash of each non-empty glyph's `glyf` record, by glyph ID. Not a TrueType-outline font
/// (CFF, or unreadable): empty.
pub fn outline_hashes(program: &[u8]) -> HashMap<u32, u64> {
    match skrifa::FontRef::new(program) {
        Ok(font) => face_outline_hashes(&font),
        Err(_) => HashMap::new(),
    }
}

fn face_outline_hashes(font: &skrifa::FontRef) -> HashMap<u32, u64> {
    use skrifa::raw::TableProvider;
    let mut out = HashMap::new();
    let (Ok(loca), Ok(glyf)) = (font.loca(None), font.glyf()) else {
        return out;
    };
    let data = glyf.offset_data();
    let bytes = data.as_bytes();
    let record = |gid: u32| -> Option<&[u8]> {
        let i = gid as usize;
        let (a, b) = (loca.get_raw(i)? as usize, loca.get_raw(i + 1)? as usize);
        (b > a && b <= bytes.len()).then(|| &bytes[a..b])
    };
    let mut memo = HashMap::new();
    for gid in 0..loca.len() as u32 {
        if let Some(h) = deep_hash(gid, &record, &mut memo, 0) {
            out.insert(gid, h);
        }
    }
    out
}

/// Hash of a glyph record that does not depend on glyph numbering: a composite's component
/// glyph IDs (which a renumbering subsetter rewrites) are zeroed and the components' own
/// hashes mixed in instead. `None` for empty or malformed records.
fn deep_hash<'a>(
    gid: u32,
    record: &impl Fn(u32) -> Option<&'a [u8]>,
    memo: &mut HashMap<u32, Option<u64>>,
    depth: u8,
) -> Option<u64> {
    if let Some(&h) = memo.get(&gid) {
        return h;
    }
    // Composite nesting deeper than this is malformed (the spec allows a few levels).
    if depth > 8 {
        return None;
    }
    let h = record(gid).and_then(|r| {
        let contours = i16::from_be_bytes([*r.first()?, *r.get(1)?]);
        if contours >= 0 {
            return Some(fnv1a(unpadded(r)));
        }
        let (canonical, components) = composite_parts(r)?;
        let mut h = fnv1a(unpadded(&canonical));
        for c in components {
            let ch = deep_hash(c, record, memo, depth + 1)?;
            h = (h ^ ch).wrapping_mul(0x0100_0000_01b3);
        }
        Some(h)
    });
    memo.insert(gid, h);
    h
}

/// A record without trailing zero bytes: subsetters pad records to 2 or 4 bytes (reportlab
/// does, LibreOffice does not), and a glyph differing from another only in trailing zeros
/// does not occur in practice.
fn unpadded(r: &[u8]) -> &[u8] {
    let end = r.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
    &r[..end]
}

/// A composite glyph record with its component glyph IDs zeroed, and those IDs in order.
fn composite_parts(r: &[u8]) -> Option<(Vec<u8>, Vec<u32>)> {
    const ARGS_ARE_WORDS: u16 = 0x0001;
    const HAVE_SCALE: u16 = 0x0008;
    const MORE: u16 = 0x0020;
    const XY_SCALE: u16 = 0x0040;
    const TWO_BY_TWO: u16 = 0x0080;
    let mut out = r.to_vec();
    let mut components = Vec::new();
    let mut p = 10; // numberOfContours + bounding box
    loop {
        let flags = u16::from_be_bytes([*r.get(p)?, *r.get(p + 1)?]);
        let glyph = u16::from_be_bytes([*r.get(p + 2)?, *r.get(p + 3)?]);
        components.push(glyph as u32);
        out[p + 2] = 0;
        out[p + 3] = 0;
        p += 4 + if flags & ARGS_ARE_WORDS != 0 { 4 } else { 2 };
        p += if flags & TWO_BY_TWO != 0 {
            8
        } else if flags & XY_SCALE != 0 {
            4
        } else if flags & HAVE_SCALE != 0 {
            2
        } else {
            0
        };
        if flags & MORE == 0 || p >= r.len() || components.len() > 64 {
            break;
        }
    }
    Some((out, components))
}

/// Outline hash → character, over a set of font files.
#[derive(Debug, Default, Clone)]
pub struct OutlineIndex {
    by_hash: HashMap<u64, char>,
    /// Drawings shared by characters that are not aliases (IPAex draws Ｐ and Greek Ρ
    /// alike): every candidate, sorted.
    ambiguous: HashMap<u64, Vec<char>>,
    /// Font faces read, for provenance: (file, face index).
    pub faces: Vec<(PathBuf, u32)>,
}

impl OutlineIndex {
    /// Indexes font files and directories of them (recursively: .ttf .ttc .otf).
    pub fn from_paths(paths: &[PathBuf]) -> Result<Self> {
        let mut files = Vec::new();
        for p in paths {
            collect_fonts(p, &mut files)?;
        }
        files.sort();
        files.dedup();
        let mut index = OutlineIndex::default();
        for f in &files {
            let data = std::fs::read(f).map_err(|e| Error::io(f, e))?;
            index.add_font_data(f, &data)?;
        }
        Ok(index)
    }

    /// Adds every face of one font file.
    pub fn add_font_data(&mut self, file: &Path, data: &[u8]) -> Result<()> {
        let fr = skrifa::raw::FileRef::new(data)
            .map_err(|e| Error::Font(format!("{}: {e}", file.display())))?;
        for (i, face) in fr.fonts().enumerate() {
            let Ok(face) = face else { continue };
            let cmap = reverse_cmap(&face);
            for (gid, h) in face_outline_hashes(&face) {
                if let Some(&c) = cmap.get(&gid) {
                    self.insert(h, c);
                }
            }
            self.faces.push((file.to_path_buf(), i as u32));
        }
        Ok(())
    }

    fn insert(&mut self, h: u64, c: char) {
        if let Some(cands) = self.ambiguous.get_mut(&h) {
            if let Err(at) = cands.binary_search(&c) {
                cands.insert(at, c);
            }
            return;
        }
        match self.by_hash.get(&h) {
            None => {
                self.by_hash.insert(h, c);
            }
            Some(&old) if old == c => {}
            Some(&old) => {
                // The same drawing for two characters: fine when one is the other's alias
                // (the preferred form wins), ambiguous otherwise.
                let alias = crate::ingest::cmap::unalias(old, true) == c
                    || crate::ingest::cmap::unalias(c, true) == old;
                if alias {
                    let best = if (codepoint_rank(c), c) < (codepoint_rank(old), old) {
                        c
                    } else {
                        old
                    };
                    self.by_hash.insert(h, best);
                } else {
                    self.by_hash.remove(&h);
                    let mut cands = vec![old, c];
                    cands.sort_unstable();
                    self.ambiguous.insert(h, cands);
                }
            }
        }
    }

    /// The character drawn by an outline with this hash, if exactly one is known.
    pub fn get(&self, hash: u64) -> Option<char> {
        self.by_hash.get(&hash).copied()
    }

    /// All characters drawn exactly like this when there is more than one.
    pub fn candidates(&self, hash: u64) -> Option<&[char]> {
        self.ambiguous.get(&hash).map(Vec::as_slice)
    }

    /// Number of distinct outlines known (unambiguous and ambiguous).
    pub fn len(&self) -> usize {
        self.by_hash.len() + self.ambiguous.len()
    }

    /// True if no outline identifies a single character.
    pub fn is_empty(&self) -> bool {
        self.by_hash.is_empty()
    }
}

fn collect_fonts(path: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    if path.is_dir() {
        for e in std::fs::read_dir(path).map_err(|e| Error::io(path, e))? {
            let p = e.map_err(|e| Error::io(path, e))?.path();
            if p.is_dir() {
                collect_fonts(&p, out)?;
            } else if p.extension().is_some_and(|x| {
                let x = x.to_ascii_lowercase();
                x == "ttf" || x == "ttc" || x == "otf"
            }) {
                out.push(p);
            }
        }
    } else if path.exists() {
        out.push(path.to_path_buf());
    } else {
        return Err(Error::io(
            path,
            std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "no such font file or directory",
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_is_stable() {
        // Reference values of FNV-1a 64.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn different_characters_with_one_drawing_are_dropped() {
        let mut ix = OutlineIndex::default();
        ix.insert(1, 'ー');
        ix.insert(1, '一');
        ix.insert(1, 'ー');
        assert_eq!(ix.get(1), None);
        assert_eq!(ix.candidates(1), Some(&['ー', '一'][..]));
        // An alias pair keeps the unified ideograph.
        ix.insert(2, '\u{2F08}');
        ix.insert(2, '人');
        assert_eq!(ix.get(2), Some('人'));
        ix.insert(3, '人');
        ix.insert(3, '\u{2F08}');
        assert_eq!(ix.get(3), Some('人'));
    }

    #[test]
    fn composite_hash_ignores_component_numbering() {
        // One simple glyph and a composite of it, numbered two ways.
        let simple: Vec<u8> = vec![0, 1, 0, 0, 0, 0, 0, 10, 0, 10, 0, 0, 0, 0, 1, 0];
        let composite = |component: u16| -> Vec<u8> {
            let mut v = vec![0xFF, 0xFF, 0, 0, 0, 0, 0, 10, 0, 10];
            v.extend([0x00, 0x02]); // flags: ARGS_ARE_XY_VALUES, byte args, no more
            v.extend(component.to_be_bytes());
            v.extend([5, 0]);
            v
        };
        let font_a: Vec<Vec<u8>> = vec![vec![], simple.clone(), composite(1)];
        let font_b: Vec<Vec<u8>> = vec![vec![], vec![], vec![], simple.clone(), composite(3)];
        let hash = |glyphs: &Vec<Vec<u8>>, gid: u32| {
            let rec = |g: u32| {
                glyphs
                    .get(g as usize)
                    .map(|v| v.as_slice())
                    .filter(|v| !v.is_empty())
            };
            deep_hash(gid, &rec, &mut HashMap::new(), 0)
        };
        assert_eq!(hash(&font_a, 2), hash(&font_b, 4));
        assert!(hash(&font_a, 2).is_some());
        assert_ne!(hash(&font_a, 2), hash(&font_a, 1));
        assert_eq!(hash(&font_a, 0), None);
        // A composite pointing at itself is malformed, not a hang.
        let looped: Vec<Vec<u8>> = vec![composite(0)];
        assert_eq!(hash(&looped, 0), None);
    }

    #[test]
    fn padding_does_not_change_the_hash() {
        let glyph: Vec<u8> = vec![0, 1, 0, 0, 0, 0, 0, 10, 0, 10, 0, 0, 0, 0, 1, 7];
        let mut padded = glyph.clone();
        padded.extend([0, 0]);
        let font = |g: Vec<u8>| vec![g];
        let hash = |glyphs: &Vec<Vec<u8>>| {
            let rec = |g: u32| glyphs.get(g as usize).map(|v| v.as_slice());
            deep_hash(0, &rec, &mut HashMap::new(), 0)
        };
        assert_eq!(hash(&font(glyph)), hash(&font(padded)));
    }

    #[test]
    fn garbage_is_no_outlines() {
        assert!(outline_hashes(b"not a font").is_empty());
        let mut ix = OutlineIndex::default();
        assert!(ix.add_font_data(Path::new("x.ttf"), b"junk").is_err());
    }
}
