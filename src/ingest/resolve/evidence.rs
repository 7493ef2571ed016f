//! What a font's own evidence says about its codes, when nothing else does: whether an
//! identity ToUnicode is right after all (the embedded program's cmap or CID → GID map
//! confirms it) and whether a composite font without ToUnicode writes code points as its
//! CIDs. Both only ever accept text that reads as text ([`reads_as_text`],
//! [`asserted_text`]): glyph IDs read as code points land elsewhere.

use super::super::cmap::ToUnicode;
use super::super::font::{CodeMap, Font, post_glyph_chars};

/// Whether the embedded program's own cmap says an identity ToUnicode is right: through the
/// font's CID → GID map (a CIDToGIDMap stream, as TCPDF writes with CIDs = code points), the
/// glyph of code c is the glyph the program's cmap gives U+c. Glyph IDs written as text (the
/// defect) fail this: there the glyph of c is some other character's.
pub(super) fn program_confirms_identity(font: &Font, tounicode: &ToUnicode) -> bool {
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
fn identity_entries(tounicode: &ToUnicode) -> impl Iterator<Item = (u32, char)> + '_ {
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
pub(super) fn reads_as_text(c: char) -> bool {
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
fn mostly_text(tounicode: &ToUnicode) -> bool {
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
pub(super) fn cids_are_code_points(font: &Font) -> bool {
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
        .map(post_glyph_chars)
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
