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
    let mut rules = compress(&pairs, &evidence);
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

/// Runs of (gid, char) with both consecutive → blocks; the rest → glyphs.
fn compress(pairs: &[(u32, char)], evidence: &str) -> Vec<Rule> {
    // A `unicode` block only covers code points the repertoire yields (it skips U+3040,
    // U+3097–3098, private use): pairs outside it must stay single glyphs.
    let in_unicode = |c: char| {
        crate::tables::repertoire::Repertoire::by_name("unicode")
            .is_ok_and(|r| r.at(c as u32) == Some(c))
    };
    let mut rules = Vec::new();
    let mut i = 0;
    while i < pairs.len() {
        let mut j = i + 1;
        while j < pairs.len()
            && in_unicode(pairs[i].1)
            && in_unicode(pairs[j].1)
            && pairs[j].0 == pairs[j - 1].0 + 1
            && pairs[j].1 as u32 == pairs[j - 1].1 as u32 + 1
        {
            j += 1;
        }
        let rule = |kind| Rule {
            kind,
            confidence: 1.0,
            source: "font-file".into(),
            evidence: evidence.into(),
        };
        if j - i >= MIN_BLOCK {
            let (g0, c0) = pairs[i];
            rules.push(rule(RuleKind::Block {
                repertoire: "unicode",
                offset: g0 as i64 - c0 as i64,
                first: c0,
                last: pairs[j - 1].1,
            }));
        } else {
            for &(gid, ch) in &pairs[i..j] {
                rules.push(rule(RuleKind::Glyph { gid, ch }));
            }
        }
        i = j;
    }
    rules
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
        let rules = compress(&pairs, "t");
        assert_eq!(rules.len(), 4, "{rules:?}");
        let t = FontTable::from_rules("t", rules).unwrap();
        let mut got: Vec<(u32, char)> = t.entries().collect();
        got.sort();
        assert_eq!(got, pairs);
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
