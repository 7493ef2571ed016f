//! An exact GID → Unicode table from a font file's own cmap.
//!
//! The cmap is reversed; where several code points share a glyph the unified ideograph /
//! ordinary character wins (人 over ⼈ U+2F08, U+3000 over U+2003), then the lowest. Runs
//! of consecutive glyph IDs with consecutive code points become `block order=unicode`
//! rules, the rest `glyph` rules, so the file stays reviewable. Invariant: expanding the
//! rules gives back exactly the reversed cmap (tested).

use crate::error::{Error, Result};
use crate::ingest::font::reverse_cmap;
use crate::tables::repertoire::Repertoire;
use crate::tables::{FontTable, Rule, RuleKind};
use sha2::Digest;
use skrifa::raw::{FileRef, TableProvider};
use std::path::Path;

/// Shortest run written as a block; shorter runs are clearer as single glyphs.
const MIN_BLOCK: usize = 3;

/// The faces of a font file (one for .ttf/.otf, several for .ttc): PostScript name and index.
pub fn faces(data: &[u8]) -> Result<Vec<(u32, String)>> {
    let file = FileRef::new(data).map_err(|e| Error::Font(e.to_string()))?;
    let mut out = Vec::new();
    for (i, font) in file.fonts().enumerate() {
        let font = font.map_err(|e| Error::Font(e.to_string()))?;
        out.push((i as u32, postscript_name(&font).unwrap_or_default()));
    }
    Ok(out)
}

fn postscript_name(font: &skrifa::FontRef) -> Option<String> {
    use skrifa::MetadataProvider;
    use skrifa::string::StringId;
    font.localized_strings(StringId::POSTSCRIPT_NAME)
        .english_or_first()
        .map(|s| s.to_string())
}

/// Builds the table for face `index` of `data`. `name` is the table name, `basefont` the
/// BaseFont it applies to (default: the PostScript name).
pub fn table_from_font(
    data: &[u8],
    index: u32,
    file_name: &str,
    name: Option<&str>,
    basefont: Option<&str>,
) -> Result<FontTable> {
    let font = skrifa::FontRef::from_index(data, index).map_err(|e| Error::Font(e.to_string()))?;
    let glyphs = font
        .maxp()
        .map(|m| m.num_glyphs() as u32)
        .map_err(|e| Error::Font(e.to_string()))?;
    let ps = postscript_name(&font).unwrap_or_else(|| "font".into());
    let basefont = basefont.unwrap_or(&ps).to_string();
    let name = name
        .map(String::from)
        .unwrap_or_else(|| basefont.to_lowercase());
    let sha: String = sha2::Sha256::digest(data)
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect();
    let evidence = format!("{file_name} glyphs={glyphs} sha256={sha}");
    let mut pairs = table_pairs(&font);
    pairs.sort();
    let [plain, with_cid] = ORDER_SETS.map(|orders| compress(&pairs, &evidence, orders));
    let mut rules = if with_cid.len() * 2 <= plain.len() {
        with_cid
    } else {
        plain
    };
    // Every rule has the same evidence: write it once (first rule and the description) so
    // the file stays reviewable.
    for r in rules.iter_mut().skip(1) {
        r.evidence.clear();
    }
    let mut t = FontTable::from_rules(&name, rules)?;
    t.description = format!("{ps} from its own cmap (exact); {evidence}");
    t.basefonts = vec![basefont];
    t.fingerprint = Some(format!("glyphs={glyphs}"));
    Ok(t)
}

/// The reversed cmap restricted to what a table can hold: no controls, and only code points
/// the `unicode` repertoire knows (a block over an unknown one would silently skip it).
fn table_pairs(font: &skrifa::FontRef) -> Vec<(u32, char)> {
    let unicode = Repertoire::by_name("unicode").ok();
    reverse_cmap(font)
        .into_iter()
        .filter(|&(_, c)| !c.is_control() && unicode.is_some_and(|u| u.at(c as u32) == Some(c)))
        .collect()
}

/// Glyph orders a font-file table's blocks may use: Unicode, or Unicode and Adobe-Japan1
/// CID order. The latter turns the kanji of CID-keyed fonts (IPAex: glyph ID = CID − 0xEA),
/// thousands of glyph lines in Unicode order, into a few hundred blocks; it is used only if
/// it at least halves the rules, since reading the table then means reading the
/// repertoire too (about as costly as a thousand glyph lines).
const ORDER_SETS: [&[&str]; 2] = [&["unicode"], &["unicode", "adobe-japan1"]];

/// Compresses (gid, char) pairs, sorted by gid with distinct gids, into rules: at each
/// glyph, the longest block over `orders` (an earlier order wins a tie) that decodes
/// exactly these pairs (at least [`MIN_BLOCK`] of them), else a single glyph. A block may span glyph IDs with no pair only
/// where its repertoire has no member either (a hole of an own-order repertoire, an
/// unassigned code point), so expanding the rules gives back exactly `pairs`.
fn compress(pairs: &[(u32, char)], evidence: &str, orders: &[&str]) -> Vec<Rule> {
    let orders: Vec<&Repertoire> = orders
        .iter()
        .filter_map(|n| Repertoire::by_name(n).ok())
        .collect();
    let rule = |kind| Rule {
        kind,
        confidence: 1.0,
        source: "font-file".into(),
        evidence: evidence.into(),
    };
    let mut rules = Vec::new();
    let mut i = 0;
    while i < pairs.len() {
        // (pairs covered, repertoire, offset): the best block starting at pairs[i].
        let mut best: Option<(usize, &Repertoire, i64)> = None;
        for rep in &orders {
            let Some(covered) = block_run(pairs, i, rep) else {
                continue;
            };
            if covered >= MIN_BLOCK && best.is_none_or(|(n, _, _)| covered > n) {
                let offset = pairs[i].0 as i64 - rep.rank(pairs[i].1).map_or(0, i64::from);
                best = Some((covered, rep, offset));
            }
        }
        match best {
            Some((n, rep, offset)) => {
                rules.push(rule(RuleKind::Block {
                    repertoire: rep.name(),
                    offset,
                    first: pairs[i].1,
                    last: pairs[i + n - 1].1,
                }));
                i += n;
            }
            None => {
                let (gid, ch) = pairs[i];
                rules.push(rule(RuleKind::Glyph { gid, ch }));
                i += 1;
            }
        }
    }
    rules
}

/// How many of `pairs[i..]` one block of `rep` starting at `pairs[i]` decodes exactly: the
/// glyph at rank `rank(pairs[i].1) + k` must hold the member at that rank, or, where there
/// is no pair, the rank no member. `None` if `pairs[i].1` is no member.
fn block_run(pairs: &[(u32, char)], i: usize, rep: &Repertoire) -> Option<usize> {
    let (g0, c0) = pairs[i];
    let r0 = rep.rank(c0)?;
    if rep.at(r0) != Some(c0) {
        return None;
    }
    let mut covered = 1;
    let mut next = i + 1; // the next pair not yet matched
    let mut rank = r0;
    let mut gid = g0;
    loop {
        rank += 1;
        gid += 1;
        if gid > crate::tables::MAX_GID {
            break;
        }
        let expected = rep.at(rank);
        let actual = pairs.get(next).filter(|p| p.0 == gid).map(|p| p.1);
        match (expected, actual) {
            (Some(e), Some(a)) if e == a => {
                covered += 1;
                next += 1;
            }
            (None, None) => {
                // A hole on both sides: the block may span it, but must end on a member.
                if pairs.get(next).is_none() {
                    break;
                }
            }
            _ => break,
        }
    }
    Some(covered)
}

/// Reads a font file and builds the table of its first face (or the face whose PostScript
/// name is `basefont`, for collections).
pub fn learn_font_file(
    path: &Path,
    name: Option<&str>,
    basefont: Option<&str>,
) -> Result<FontTable> {
    let data = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let file_name = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let faces = faces(&data)?;
    let index = match basefont {
        Some(b) => faces
            .iter()
            .find(|(_, n)| n == b)
            .map(|(i, _)| *i)
            .unwrap_or(0),
        None => 0,
    };
    table_from_font(&data, index, &file_name, name, basefont)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compress_keeps_every_pair() {
        let pairs = vec![
            (10, 'a'),
            (11, 'b'),
            (12, 'c'),
            (13, 'e'),
            (20, '人'),
            (21, '入'),
        ];
        let rules = compress(&pairs, "t", ORDER_SETS[0]);
        assert_eq!(rules.len(), 4, "{rules:?}");
        let t = FontTable::from_rules("t", rules).unwrap();
        let mut got: Vec<(u32, char)> = t.entries().collect();
        got.sort();
        assert_eq!(got, pairs);
    }

    #[test]
    fn cid_order_blocks_span_repertoire_holes_and_split_at_font_holes() {
        let aj = Repertoire::by_name("adobe-japan1").unwrap();
        // CIDs 500..1200: half-width kana, holes (e.g. CID 517), full-width forms, kana,
        // the first kanji. Glyph ID = CID + 7, except CID 1130 is missing from the font
        // and CID 1140's glyph maps to another character.
        let mut pairs = Vec::new();
        let mut holes = 0;
        for cid in 500..1200u32 {
            let Some(c) = aj.at(cid) else {
                holes += 1;
                continue;
            };
            match cid {
                1130 => {}
                1140 => pairs.push((cid + 7, '〒')),
                _ => pairs.push((cid + 7, c)),
            }
        }
        assert!(holes > 0, "test premise: the range has holes");
        let rules = compress(&pairs, "t", ORDER_SETS[1]);
        let t = FontTable::from_rules("t", rules.clone()).unwrap();
        let got: Vec<(u32, char)> = t.entries().collect();
        assert_eq!(got, pairs);
        // One block before the missing glyph, one up to the odd one, the odd glyph (or a
        // block it starts), one after: holes of the repertoire do not split a block.
        assert!(rules.len() <= 4, "{rules:#?}");
        assert!(
            rules.iter().any(|r| matches!(
                r.kind,
                RuleKind::Block {
                    repertoire: "adobe-japan1",
                    ..
                }
            )),
            "{rules:#?}"
        );
        // In Unicode order alone the same pairs need far more rules.
        assert!(compress(&pairs, "t", ORDER_SETS[0]).len() > 4 * rules.len());
    }

    #[test]
    fn shipped_font_file_tables_are_what_learn_writes_for_the_installed_fonts() {
        let fonts = [
            (
                "ipaexgothic",
                "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
            ),
            (
                "ipaexmincho",
                "/usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf",
            ),
            ("ipamjmincho", "/usr/share/fonts/truetype/ipamj/ipamjm.ttf"),
        ];
        for (name, path) in fonts {
            let path = Path::new(path);
            if !path.exists() {
                eprintln!("skipping {name}: {} not installed", path.display());
                continue;
            }
            let file = format!("mappings/{name}.table");
            let (_, shipped_text) = crate::tables::BUILTIN
                .iter()
                .find(|(f, _)| *f == file)
                .unwrap();
            let shipped = FontTable::parse(&file, shipped_text).unwrap();
            let learned = learn_font_file(path, Some(name), None).unwrap();
            if learned.description != shipped.description {
                eprintln!(
                    "skipping {name}: installed font is another version ({} vs {})",
                    learned.description, shipped.description
                );
                continue;
            }
            // The decoded map, glyph by glyph, is the font's reversed cmap...
            let data = std::fs::read(path).unwrap();
            let font = skrifa::FontRef::new(&data).unwrap();
            let mut want = table_pairs(&font);
            want.sort();
            let got: Vec<(u32, char)> = shipped.entries().collect();
            assert_eq!(got.len(), want.len(), "{name}");
            assert!(got == want, "{name}: shipped table decodes another map");
            // ...and the file is exactly what `learn --font` writes.
            assert!(
                learned.to_text() == **shipped_text,
                "{name}: regenerate with `glyphmend learn font {} --name {name}`",
                path.display()
            );
        }
    }

    #[test]
    fn installed_ipaex_table_round_trips_and_inverts_cmap() {
        let path = Path::new("/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf");
        if !path.exists() {
            eprintln!("skipping: {} not installed", path.display());
            return;
        }
        let t = learn_font_file(path, Some("ipaexgothic"), None).unwrap();
        assert_eq!(t.basefonts, vec!["IPAexGothic".to_string()]);
        let data = std::fs::read(path).unwrap();
        let font = skrifa::FontRef::new(&data).unwrap();
        let rev = reverse_cmap(&font);
        let kept: std::collections::HashMap<u32, char> = table_pairs(&font).into_iter().collect();
        // Only a handful of private-use code points fall outside what a table holds.
        assert!(
            rev.len() - kept.len() < 10,
            "{} dropped",
            rev.len() - kept.len()
        );
        let rev = kept;
        assert_eq!(t.len(), rev.len());
        for (g, c) in &rev {
            assert_eq!(t.get(*g), Some(*c), "gid {g}");
        }
        let back = FontTable::parse("x", &t.to_text()).unwrap();
        assert_eq!(back.rules, t.rules);
    }
}
