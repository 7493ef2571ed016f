//! What a font's own data says about its codes: CID widths, the cmap and built-in encoding of an
//! embedded program, a simple font's /Encoding with /Differences, and glyph names.

use super::*;

pub(super) fn parse_cid_widths(pdf: &Pdf, w: &[Object], out: &mut HashMap<u32, f32>) {
    let mut i = 0;
    while i < w.len() && out.len() < 1 << 17 {
        let Some(c0) = pdf.resolve(&w[i]).and_then(number) else {
            return;
        };
        match w.get(i + 1).and_then(|o| pdf.resolve(o)) {
            Some(Object::Array(ws)) => {
                for (k, o) in ws.iter().enumerate() {
                    // A hostile first code near u32::MAX must not wrap around.
                    let Some(code) = (c0 as u32).checked_add(k as u32) else {
                        break;
                    };
                    if let Some(v) = pdf.resolve(o).and_then(number) {
                        out.insert(code, v);
                    }
                }
                i += 2;
            }
            Some(o) => {
                let (Some(c1), Some(v)) = (
                    number(o),
                    w.get(i + 2).and_then(|o| pdf.resolve(o)).and_then(number),
                ) else {
                    return;
                };
                let (a, b) = (c0 as u32, c1 as u32);
                if b >= a && b - a < 1 << 16 {
                    for c in a..=b {
                        out.insert(c, v);
                    }
                }
                i += 3;
            }
            None => return,
        }
    }
}

/// A simple TrueType font's code → GID map from its (3,0) symbol cmap (codes looked up at
/// 0xF000+c, c, 0xF100+c, 0xF200+c) or else its (1,0) Macintosh cmap. `None` without either.
pub(super) fn simple_code_gids(data: &[u8]) -> Option<Vec<Option<u32>>> {
    use skrifa::raw::tables::cmap::PlatformId;
    let font = skrifa::FontRef::new(data).ok()?;
    let cmap = font.cmap().ok()?;
    let records = cmap.encoding_records();
    let subtable = |platform: PlatformId, encoding: u16| {
        records
            .iter()
            .find(|r| r.platform_id() == platform && r.encoding_id() == encoding)
            .and_then(|r| r.subtable(cmap.offset_data()).ok())
    };
    let (table, bases): (_, &[u32]) = if let Some(t) = subtable(PlatformId::Windows, 0) {
        (t, &[0xF000, 0, 0xF100, 0xF200])
    } else {
        (subtable(PlatformId::Macintosh, 0)?, &[0])
    };
    Some(
        (0u32..256)
            .map(|c| {
                bases
                    .iter()
                    .find_map(|b| table.map_codepoint(b + c).map(|g| g.to_u32()))
                    .filter(|&g| g != 0)
            })
            .collect(),
    )
}

/// A bare CFF program's built-in encoding: code → glyph (its encoding + charset) → glyph
/// name → character (`uniXXXX` and the names [`glyph_name_char`] knows). `None` for a
/// CID-keyed or unreadable CFF; a code whose glyph has no known name stays `None`.
pub(super) fn cff_builtin_encoding(data: &[u8]) -> Option<Vec<Option<char>>> {
    use skrifa::raw::ps::cff::CffFontRef;
    let cff = CffFontRef::new(data, 0, None).ok()?;
    if cff.is_cid() {
        return None;
    }
    let enc = cff.encoding()?;
    Some(
        (0u8..=255)
            .map(|code| {
                let gid = enc.map(code).filter(|g| g.to_u32() != 0)?;
                let sid = enc.charset().string_id(gid)?;
                let name = std::str::from_utf8(cff.string(sid)?).ok()?;
                glyph_name_char(name).filter(|c| !c.is_control())
            })
            .collect(),
    )
}

/// Reads an sfnt font program: its cmap reversed (GID → preferred code point) and numGlyphs.
pub fn read_embedded(data: &[u8]) -> Result<(HashMap<u32, char>, u32), String> {
    let font = skrifa::FontRef::new(data).map_err(|e| e.to_string())?;
    // skrifa parses lazily: a garbage file can pass `new`, so require a readable maxp.
    let n = font
        .maxp()
        .map_err(|e| format!("no readable maxp: {e}"))?
        .num_glyphs() as u32;
    Ok((reverse_cmap(&font), n))
}

/// The font's cmap reversed. Where several code points share a glyph (人 U+4EBA and ⼈ U+2F08,
/// U+3000 and U+2003) the unified ideograph / ordinary character wins, then the lowest.
pub fn reverse_cmap(font: &skrifa::FontRef) -> HashMap<u32, char> {
    let mut best: HashMap<u32, char> = HashMap::new();
    for (cp, gid) in font.charmap().mappings() {
        let Some(c) = char::from_u32(cp) else {
            continue;
        };
        let g = gid.to_u32();
        if g == 0 {
            continue;
        }
        match best.get(&g) {
            Some(&old) if (codepoint_rank(old), old) <= (codepoint_rank(c), c) => {}
            _ => {
                best.insert(g, c);
            }
        }
    }
    best
}

/// Code → char for a simple font from /Encoding (base encoding + /Differences).
pub(super) fn simple_encoding(pdf: &Pdf, dict: &Dictionary) -> Vec<Option<char>> {
    let mut table: Vec<Option<char>> = (0..256u32)
        .map(|c| match c {
            0x20..=0x7E => char::from_u32(c),
            _ => None,
        })
        .collect();
    let enc = dict.get(b"Encoding").ok().and_then(|o| pdf.resolve(o));
    let (base, diffs) = match enc {
        Some(Object::Name(n)) => (Some(n.clone()), None),
        Some(Object::Dictionary(d)) => (
            d.get(b"BaseEncoding")
                .ok()
                .and_then(|o| o.as_name().ok())
                .map(|n| n.to_vec()),
            d.get(b"Differences")
                .ok()
                .and_then(|o| pdf.resolve(o))
                .and_then(|o| o.as_array().ok()),
        ),
        _ => (None, None),
    };
    if base.as_deref() == Some(b"WinAnsiEncoding") {
        for c in 0x80..=0xFFu32 {
            let byte = [c as u8];
            let (s, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&byte);
            table[c as usize] = s.chars().next().filter(|c| !c.is_control());
        }
        // Tab, line feed and carriage return are whitespace in Windows-1252 text: Excel draws
        // a cell's line break as code 0x0A of its WinAnsi font (a blank glyph).
        for c in [0x09, 0x0A, 0x0D] {
            table[c] = Some(' ');
        }
    }
    if let Some(diffs) = diffs {
        let mut code = 0usize;
        for o in diffs {
            match pdf.resolve(o) {
                Some(Object::Integer(n)) => code = (*n).clamp(0, 255) as usize,
                Some(Object::Name(n)) => {
                    if code < 256 {
                        table[code] = glyph_name_char(&String::from_utf8_lossy(n));
                    }
                    code += 1;
                }
                _ => {}
            }
        }
    }
    table
}

/// A glyph name → character, for the names producers actually write (uniXXXX, uXXXX, the
/// ASCII names). Unknown names give `None`, never a guess.
pub fn glyph_name_char(name: &str) -> Option<char> {
    let hex = |s: &str| u32::from_str_radix(s, 16).ok().and_then(char::from_u32);
    if let Some(h) = name.strip_prefix("uni").filter(|h| h.len() == 4) {
        return hex(h);
    }
    if let Some(h) = name
        .strip_prefix('u')
        .filter(|h| (4..=6).contains(&h.len()))
        && let Some(c) = hex(h)
    {
        return Some(c);
    }
    if name.len() == 1 {
        return name.chars().next().filter(|c| c.is_ascii_alphabetic());
    }
    const NAMES: &[(&str, char)] = &[
        ("space", ' '),
        ("exclam", '!'),
        ("quotedbl", '"'),
        ("numbersign", '#'),
        ("dollar", '$'),
        ("percent", '%'),
        ("ampersand", '&'),
        ("quotesingle", '\''),
        ("quoteright", '’'),
        ("parenleft", '('),
        ("parenright", ')'),
        ("asterisk", '*'),
        ("plus", '+'),
        ("comma", ','),
        ("hyphen", '-'),
        ("period", '.'),
        ("slash", '/'),
        ("zero", '0'),
        ("one", '1'),
        ("two", '2'),
        ("three", '3'),
        ("four", '4'),
        ("five", '5'),
        ("six", '6'),
        ("seven", '7'),
        ("eight", '8'),
        ("nine", '9'),
        ("colon", ':'),
        ("semicolon", ';'),
        ("less", '<'),
        ("equal", '='),
        ("greater", '>'),
        ("question", '?'),
        ("at", '@'),
        ("bracketleft", '['),
        ("backslash", '\\'),
        ("bracketright", ']'),
        ("asciicircum", '^'),
        ("underscore", '_'),
        ("grave", '`'),
        ("quoteleft", '‘'),
        ("braceleft", '{'),
        ("bar", '|'),
        ("braceright", '}'),
        ("asciitilde", '~'),
        ("bullet", '•'),
        ("endash", '–'),
        ("emdash", '—'),
        ("quotedblleft", '“'),
        ("quotedblright", '”'),
    ];
    NAMES.iter().find(|(n, _)| *n == name).map(|(_, c)| *c)
}
