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

/// The characters a TrueType program's `post` table names its glyphs by (`seven`,
/// `uni4EE4`), indexed by glyph ID; empty when the table has no names (format 3).
pub(crate) fn post_glyph_chars(data: &[u8]) -> HashMap<u32, char> {
    use skrifa::raw::TableProvider;
    let mut out = HashMap::new();
    let Ok(font) = skrifa::FontRef::new(data) else {
        return out;
    };
    let Ok(post) = font.post() else { return out };
    let n = font.maxp().map(|m| m.num_glyphs()).unwrap_or(0);
    for g in 1..n {
        if let Some(c) = post
            .glyph_name(skrifa::raw::types::GlyphId16::new(g))
            .and_then(glyph_name_char)
            .filter(|c| !c.is_control())
        {
            out.insert(u32::from(g), c);
        }
    }
    out
}

/// For a CID-keyed CFF program: whether its charset numbers glyphs differently from their
/// CIDs for most glyphs (then codes that are CIDs are not glyph IDs). `None` for a
/// name-keyed or unreadable CFF.
pub(super) fn cff_cids_differ_from_gids(data: &[u8]) -> Option<bool> {
    use skrifa::raw::ps::cff::CffFontRef;
    let cff = CffFontRef::new(data, 0, None).ok()?;
    if !cff.is_cid() {
        return None;
    }
    let charset = cff.charset()?;
    let n = charset.num_glyphs().min(1 << 16);
    let moved = (1..n)
        .filter(|&g| {
            charset
                .string_id(skrifa::GlyphId::new(g))
                .is_some_and(|cid| u32::from(cid.to_u16()) != g)
        })
        .count();
    Some(n > 3 && moved * 2 > n as usize)
}

/// A bare CFF program's built-in encoding: code → glyph (its encoding + charset) → glyph
/// name → character (`uniXXXX` and the names [`glyph_name_char`] knows). `None` for a
/// CID-keyed or unreadable CFF; a code whose glyph has no known name stays `None`.
pub(super) fn cff_builtin_encoding(data: &[u8]) -> Option<Vec<Option<String>>> {
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
                match glyph_name_char(name) {
                    Some(c) => (!c.is_control()).then(|| c.to_string()),
                    None => glyph_name_ligature(name),
                }
            })
            .collect(),
    )
}

/// A Type 1 program's built-in encoding, from its cleartext part: `/Encoding
/// StandardEncoding def`, or the `dup CODE /name put` entries of its own vector. `None`
/// when the program names no encoding (a code whose name is unknown stays `None`).
pub(super) fn type1_builtin_encoding(data: &[u8]) -> Option<Vec<Option<char>>> {
    // The cleartext part ends where the encrypted part begins.
    let end = memchr::memmem::find(data, b"eexec").unwrap_or(data.len());
    let clear = &data[..end];
    let at = memchr::memmem::find(clear, b"/Encoding")?;
    let rest = &clear[at + b"/Encoding".len()..];
    let head = &rest[..rest.len().min(64)];
    if memchr::memmem::find(head, b"StandardEncoding").is_some() {
        return base_encoding("StandardEncoding");
    }
    let text = String::from_utf8_lossy(rest);
    let mut table: Vec<Option<char>> = vec![None; 256];
    let mut any = false;
    let mut words = text.split_ascii_whitespace().peekable();
    while let Some(w) = words.next() {
        if w == "readonly" || w == "def" {
            break;
        }
        if w != "dup" {
            continue;
        }
        let (Some(code), Some(name)) = (words.next(), words.next()) else {
            break;
        };
        let (Ok(code), Some(name)) = (code.parse::<usize>(), name.strip_prefix('/')) else {
            continue;
        };
        if code < 256 {
            table[code] = glyph_name_char(name).filter(|c| !c.is_control());
            any = true;
        }
    }
    any.then_some(table)
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

/// A simple font's code → char from its /Encoding, and where each came from.
pub(super) struct SimpleEncoding {
    /// Code → char (base encoding, then /Differences).
    pub table: Vec<Option<char>>,
    /// The codes /Differences named.
    pub from_differences: Vec<bool>,
    /// Codes /Differences names by a ligature of several characters (`f_f_i`).
    pub ligatures: HashMap<u32, String>,
    /// Whether /Encoding names a base encoding (else the font program's own encoding
    /// applies where /Differences names nothing).
    pub has_base: bool,
}

/// Code → char for a simple font from /Encoding (base encoding + /Differences).
// Long: the base table, then what overrides it, in that order.
pub(super) fn simple_encoding(pdf: &Pdf, dict: &Dictionary) -> SimpleEncoding {
    let mut table: Vec<Option<char>> = (0..256u32)
        .map(|c| match c {
            0x20..=0x7E => char::from_u32(c),
            _ => None,
        })
        .collect();
    let mut from_differences = vec![false; 256];
    let mut ligatures = HashMap::new();
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
    } else if let Some(named) = base
        .as_deref()
        .and_then(|b| std::str::from_utf8(b).ok())
        .and_then(base_encoding)
    {
        // MacRomanEncoding, and StandardEncoding where a producer names it.
        for (slot, c) in table.iter_mut().zip(named) {
            if c.is_some() {
                *slot = c;
            }
        }
    }
    if let Some(diffs) = diffs {
        let mut code = 0usize;
        for o in diffs {
            match pdf.resolve(o) {
                Some(Object::Integer(n)) => code = (*n).clamp(0, 255) as usize,
                Some(Object::Name(n)) => {
                    // `.notdef` renames nothing (producers list it for codes they leave
                    // as the base encoding has them, such as the space): the base stays.
                    if code < 256 && n.as_slice() != b".notdef" {
                        let name = String::from_utf8_lossy(n);
                        table[code] =
                            glyph_name_char(&name).or_else(|| numbered_name_char(&name, code));
                        if table[code].is_none()
                            && let Some(text) = glyph_name_ligature(&name)
                        {
                            ligatures.insert(code as u32, text);
                        }
                        from_differences[code] = true;
                    }
                    code += 1;
                }
                _ => {}
            }
        }
    }
    SimpleEncoding {
        table,
        from_differences,
        ligatures,
        // An unknown base name (`/NULL`) names no encoding: the program's own applies.
        has_base: matches!(
            base.as_deref(),
            Some(
                b"WinAnsiEncoding"
                    | b"MacRomanEncoding"
                    | b"MacExpertEncoding"
                    | b"StandardEncoding"
            )
        ),
    }
}

/// A ligature's glyph name by the AGL specification: components joined by `_` (`f_f_i`,
/// `T_h`), each a glyph name; the text is theirs in order (as pdftotext reads it). `None`
/// unless every component is known and there are at least two.
pub(super) fn glyph_name_ligature(name: &str) -> Option<String> {
    let base = name.split_once('.').map_or(name, |(b, _)| b);
    let parts: Vec<&str> = base.split('_').collect();
    if parts.len() < 2 || parts.len() > 8 {
        return None;
    }
    parts
        .iter()
        .map(|p| glyph_name_char(p).filter(|c| !c.is_control()))
        .collect()
}

/// A glyph name that only numbers its own code (`C41` or `g65` at code 0x41, as Type 3
/// fonts of some producers name their glyphs): the code's character in Windows-1252 (what
/// pdftotext reads for such names). A number that is not the code says nothing.
fn numbered_name_char(name: &str, code: usize) -> Option<char> {
    let digits = name.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    let prefix = name.len() - digits.len();
    if digits.is_empty() || prefix > 2 || !digits.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let hex = usize::from_str_radix(digits, 16).ok() == Some(code);
    let dec = digits.parse::<usize>().ok() == Some(code);
    if !(hex || dec) || !(0x20..=0xFF).contains(&code) {
        return None;
    }
    let byte = [code as u8];
    let (s, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&byte);
    s.chars().next().filter(|c| !c.is_control())
}

/// The glyph list and base encodings, generated by `scripts/gen_glyphlist.py` from Debian's
/// Adobe Glyph List, lcdf-typetools' TeX names and fontTools' encoding vectors; compiled
/// into sorted tables by `build.rs` (`super::glyphlist`), which is what lookups read; the
/// text itself is embedded for the tests only.
#[cfg(test)]
const GLYPHLIST: &str = include_str!("../../../data/glyphlist.tsv");

/// `NAMES` and `ENCODINGS`: `data/glyphlist.tsv` as `super::glyphlist::to_rust` writes it.
mod compiled {
    include!(concat!(env!("OUT_DIR"), "/glyphlist_compiled.rs"));
}

/// Glyph name → character, and base encoding name → code → glyph name, parsed into hash
/// maps: how lookups read `data/glyphlist.tsv` before the tables were compiled, kept as the
/// reference the compiled tables are tested against.
#[cfg(test)]
pub(super) struct GlyphList {
    pub(super) names: HashMap<&'static str, char>,
    pub(super) encodings: HashMap<&'static str, [Option<&'static str>; 256]>,
}

#[cfg(test)]
pub(super) fn glyph_list() -> &'static GlyphList {
    static LIST: std::sync::OnceLock<GlyphList> = std::sync::OnceLock::new();
    LIST.get_or_init(|| {
        let mut names = HashMap::new();
        let mut encodings: HashMap<&'static str, [Option<&'static str>; 256]> = HashMap::new();
        for line in GLYPHLIST.lines().filter(|l| !l.starts_with('#')) {
            let f: Vec<&'static str> = line.split('\t').collect();
            match f.as_slice() {
                ["enc", enc, code, name] => {
                    if let Ok(code) = code.parse::<usize>()
                        && code < 256
                    {
                        encodings.entry(enc).or_insert([None; 256])[code] = Some(name);
                    }
                }
                [name, hex] => {
                    if let Some(c) = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
                        names.insert(*name, c);
                    }
                }
                _ => {}
            }
        }
        GlyphList { names, encodings }
    })
}

/// The compiled names, for the test against [`glyph_list`].
#[cfg(test)]
pub(super) fn compiled_names() -> &'static [(&'static str, char)] {
    compiled::NAMES
}

/// The compiled base encodings, for the test against [`glyph_list`].
#[cfg(test)]
pub(super) fn compiled_encodings() -> &'static [(&'static str, super::glyphlist::Codes<'static>)] {
    compiled::ENCODINGS
}

/// The text the tables are compiled from, for the tests.
#[cfg(test)]
pub(super) fn glyphlist_text() -> &'static str {
    GLYPHLIST
}

/// A base encoding's code → character (`StandardEncoding`, `MacRomanEncoding`), if known.
pub fn base_encoding(name: &str) -> Option<Vec<Option<char>>> {
    let (_, enc) = compiled::ENCODINGS.iter().find(|(e, _)| *e == name)?;
    Some(enc.iter().map(|n| n.and_then(glyph_name_char)).collect())
}

/// A glyph name → character: `uniXXXX` and `uXXXX[XX]`, the Adobe Glyph List and the TeX
/// fonts' names (`asteriskmath`), and a name with a suffix (`a.sc`, `one.oldstyle`) as its
/// base name. Unknown names give `None`, never a guess.
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
    if let Some(c) = super::glyphlist::lookup(compiled::NAMES, name) {
        return Some(c);
    }
    // AGL specification: a suffix after the first period is dropped (`.notdef` is no name).
    match name.split_once('.') {
        Some((base, _)) if !base.is_empty() && base != name => glyph_name_char(base),
        _ => None,
    }
}
