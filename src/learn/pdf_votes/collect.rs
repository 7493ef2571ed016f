//! Collecting votes: each document's fonts keyed by canonical BaseFont and glyph count,
//! and per font the `gid → char` votes of its trusted ToUnicode and its own cmap.
//!
//! Invariants: a document votes once per glyph (the lowest code wins where two codes
//! reach one glyph; ToUnicode before the font's cmap); distrusted ToUnicode entries and
//! glyph 0 never vote; a subset that renumbers its glyphs gives no votes (a warning says so).

use super::{CorpusVotes, FontKey, VoteSource};
use crate::ingest::cmap::{Distrust, judge_entry, unalias, visible_behind_space};
use crate::ingest::font::Font;
use crate::ingest::{ExtractOptions, IngestError, document_fonts};
use crate::tables::canonical_basefont;
use crate::tables::outlines::{outline_hashes, renumbered_subset};
use std::collections::BTreeMap;

impl CorpusVotes {
    /// Adds one PDF. An unreadable PDF is recorded in `failures` and the corpus goes on.
    pub fn add_pdf(&mut self, file: &str, bytes: &[u8], opts: &ExtractOptions) {
        match document_fonts(bytes, file, opts) {
            Ok((fonts, warnings)) => {
                self.warnings.extend(warnings);
                self.add_fonts(file, &fonts);
            }
            Err(e) => self.failures.push((file.to_string(), reason(&e))),
        }
    }

    /// Adds the fonts of one document (exposed for tests and for callers that already
    /// interpreted the document).
    pub fn add_fonts(&mut self, file: &str, fonts: &[Font]) {
        let doc = self.docs.entry(file.to_string()).or_default();
        for f in fonts {
            let key = FontKey {
                basefont: canonical_basefont(&f.basefont),
                glyphs: f.embedded_glyphs,
            };
            let hashes = f.program.as_deref().map(outline_hashes).unwrap_or_default();
            // A subset numbering its glyphs 1…N speaks only for itself: its glyph IDs are
            // not the font's, so its votes would put characters on other glyphs.
            if renumbered_subset(&hashes, f.embedded_glyphs) == Some(true) {
                self.warnings.push(format!(
                    "{file}: font {}: subset renumbers its glyphs; no votes taken",
                    f.basefont
                ));
                continue;
            }
            let entry = doc.entry(key).or_default();
            collect_votes(f, &mut entry.votes);
            entry.outlines.extend(hashes);
        }
    }
}

fn reason(e: &IngestError) -> String {
    e.to_string()
}

/// A document's votes for one font: trusted ToUnicode entries, then its own cmap.
fn collect_votes(f: &Font, votes: &mut BTreeMap<u32, (char, VoteSource)>) {
    if let Some(tu) = &f.tounicode
        && !tu.is_identity_map()
    {
        // Codes in sorted order: where two codes reach one glyph, the lowest votes.
        let mut codes: Vec<(&u32, &String)> = tu.map.iter().collect();
        codes.sort();
        for (&code, s) in codes {
            let Some(gid) = f.gid(code) else { continue };
            let mut it = s.chars();
            let (Some(c), None) = (it.next(), it.next()) else {
                continue;
            };
            let cmap = f.embedded_cmap.as_ref().and_then(|m| m.get(&gid).copied());
            let c = match judge_entry(s) {
                // A space the font's own cmap contradicts: the cmap votes below.
                None if visible_behind_space(s, cmap).is_some() => continue,
                None => c,
                Some(Distrust::Alias) => unalias(c, f.cjk),
                Some(_) => continue,
            };
            if gid != 0 {
                votes.entry(gid).or_insert((c, VoteSource::ToUnicode));
            }
        }
    }
    if let Some(m) = &f.embedded_cmap {
        let mut pairs: Vec<(&u32, &char)> = m.iter().collect();
        pairs.sort();
        for (&gid, &c) in pairs {
            if !c.is_control() {
                votes.entry(gid).or_insert((c, VoteSource::FontCmap));
            }
        }
    }
}
