//! A collection's CID → text as a table indexed by CID, read from the generated `.ucs2`
//! form (`data/cmaps/`), and its compact form: the texts in CID order with one offset per
//! CID. The crate's build script (`build.rs`, which includes this file as a module) writes
//! the compact form of each collection at build time, so a process reads a table instead
//! of parsing ~18k lines; the library parses at run time when a compact form is missing.
//!
//! Invariants: std only (the build script compiles this file too); the compact form of a
//! parsed table gives, for every CID, exactly what the table gives (`Compact::get` ==
//! `DenseText::get`); a token or statement outside the generated form makes `parse` give
//! `None`, never a partial table.

/// Number of CIDs a table covers: codes are two bytes (`<0000> <ffff>`).
pub const CIDS: usize = 1 << 16;

/// A collection's CID → text: `spans[cid]` is the text's byte range in `text` (empty:
/// unmapped; every mapped CID has some text, and the zeroed table costs no page until
/// written).
pub struct DenseText {
    text: String,
    spans: Vec<(u32, u32)>,
    /// Mappings read (a range counts each CID), for the caller's entry limit.
    pub entries: usize,
}

/// What a `beginbfrange` line whose destination has an odd number of bytes maps the `n`th
/// code of the range to (the library's `cmap::utf16_plus`); without one such a line is
/// outside the form read here.
pub type OddPlus = fn(&[u8], u32) -> String;

impl DenseText {
    /// The text of `cid` (`None`: unmapped).
    pub fn get(&self, cid: u32) -> Option<&str> {
        let &(start, end) = self.spans.get(cid as usize)?;
        (end > start).then(|| self.text.get(start as usize..end as usize))?
    }

    /// The generated form only: `%` comments, the one codespace `<0000> <ffff>`, and
    /// `N beginbfrange` / `N beginbfchar` sections of `<lo> <hi> <dst>` / `<cid> <dst>`
    /// lines; anything else gives `None`. Entries mean what `ToUnicode::parse` makes of
    /// them (a later entry replaces an earlier one).
    pub fn parse(src: &str, odd: Option<OddPlus>) -> Option<DenseText> {
        // Hex digits only (the generated form): anything else gives `None`, and the
        // general parser serves. Each line's bytes and UTF-16 units are decoded once, and
        // a range's text written straight into `text`: ~65k CIDs per collection.
        let mut d = DenseText {
            text: String::new(),
            spans: vec![(0, 0); CIDS],
            entries: 0,
        };
        let (mut range, mut chars) = (false, false);
        for line in src.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('%') {
                continue;
            }
            // No statement of the form has more than 5 tokens.
            let mut toks = [""; 5];
            let mut count = 0;
            for t in line.split_ascii_whitespace() {
                *toks.get_mut(count)? = t;
                count += 1;
            }
            match toks[..count] {
                [
                    "1",
                    "begincodespacerange",
                    "<0000>",
                    "<ffff>",
                    "endcodespacerange",
                ] if !range && !chars => {}
                [_, "beginbfrange"] if !range && !chars => range = true,
                [_, "beginbfchar"] if !range && !chars => chars = true,
                ["endbfrange"] if range => range = false,
                ["endbfchar"] if chars => chars = false,
                [lo, hi, dst] if range => {
                    let (a, b, dst) = (code(lo)?, code(hi)?, hex(dst)?);
                    if b < a {
                        return None;
                    }
                    if dst.len() % 2 == 0 {
                        // `utf16_plus` adds n to the last unit, modulo 2^16.
                        let (mut u, len) = units(&dst);
                        let u = &mut u[..len];
                        let last = u.len().checked_sub(1)?;
                        let first = u[last];
                        for n in 0..=(b - a) {
                            u[last] = first.wrapping_add(n as u16);
                            set(&mut d, a + n, u)?;
                        }
                    } else {
                        let plus = odd?;
                        for n in 0..=(b - a) {
                            set_str(&mut d, a + n, &plus(&dst, n as u32))?;
                        }
                    }
                    d.entries += b - a + 1;
                }
                [cid, dst] if chars => {
                    let (u, len) = units(&hex(dst)?);
                    set(&mut d, code(cid)?, &u[..len])?;
                    d.entries += 1;
                }
                _ => return None,
            }
        }
        (!range && !chars).then_some(d)
    }

    /// The compact form: the entry count (little-endian `u32`) and `CIDS + 1` offsets
    /// (little-endian `u32`) into the returned text, which holds every CID's text in CID
    /// order (`offsets[cid]..offsets[cid + 1]`, empty: unmapped). `None` past 4 GB of text
    /// or 2^32 entries.
    // The library reads the compact form; the build script and the tests make it.
    #[allow(dead_code)]
    pub fn compact(&self) -> Option<(String, Vec<u8>)> {
        let mut text = String::new();
        let mut table = Vec::with_capacity(4 * (CIDS + 2));
        table.extend_from_slice(&u32::try_from(self.entries).ok()?.to_le_bytes());
        table.extend_from_slice(&0u32.to_le_bytes());
        for cid in 0..CIDS as u32 {
            text.push_str(self.get(cid).unwrap_or(""));
            table.extend_from_slice(&u32::try_from(text.len()).ok()?.to_le_bytes());
        }
        Some((text, table))
    }
}

/// A table in the compact form of [`DenseText::compact`], read in place.
#[derive(Clone, Copy)]
pub struct Compact<'a> {
    text: &'a str,
    offsets: &'a [u8],
    /// The entry count of the table it was made from.
    pub entries: usize,
}

impl<'a> Compact<'a> {
    /// The compact form in `text` and `table`; `None` when `table` is not `4 * (CIDS + 2)`
    /// bytes (as when the build wrote none).
    pub fn new(text: &'a str, table: &'a [u8]) -> Option<Compact<'a>> {
        if table.len() != 4 * (CIDS + 2) {
            return None;
        }
        Some(Compact {
            text,
            offsets: &table[4..],
            entries: usize::try_from(le32(table, 0)?).ok()?,
        })
    }

    /// The text of `cid` (`None`: unmapped), as [`DenseText::get`] of the table it was
    /// made from gives it.
    pub fn get(&self, cid: u32) -> Option<&'a str> {
        let i = cid as usize;
        if i >= CIDS {
            return None;
        }
        let (start, end) = (le32(self.offsets, i)?, le32(self.offsets, i + 1)?);
        (end > start).then(|| self.text.get(start as usize..end as usize))?
    }
}

/// The `i`th little-endian `u32` of `bytes`.
fn le32(bytes: &[u8], i: usize) -> Option<u32> {
    let b = bytes.get(4 * i..4 * i + 4)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

// Helpers of `DenseText::parse`.

/// A token's bytes, decoded on the stack (no allocation per token): the generated
/// tokens hold at most 16 bytes; a longer one than 64 is not the generated form.
struct Hex {
    bytes: [u8; 64],
    len: usize,
}

impl std::ops::Deref for Hex {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// The bytes of a `<…>` hex token.
fn hex(tok: &str) -> Option<Hex> {
    let h = tok.strip_prefix('<')?.strip_suffix('>')?.as_bytes();
    if h.is_empty() || h.len() % 2 != 0 || h.len() > 128 {
        return None;
    }
    let nibble = |b: u8| (b as char).to_digit(16);
    let mut out = Hex {
        bytes: [0; 64],
        len: h.len() / 2,
    };
    for (o, p) in out.bytes.iter_mut().zip(h.chunks_exact(2)) {
        *o = ((nibble(p[0])? << 4) | nibble(p[1])?) as u8;
    }
    Some(out)
}

/// A two-byte hex token's code.
fn code(tok: &str) -> Option<usize> {
    let b = hex(tok)?;
    (b.len() == 2).then(|| (usize::from(b[0]) << 8) | usize::from(b[1]))
}

/// What `cmap::utf16be` decodes `bytes` into, as code units (an odd last byte is
/// the high half of a unit); at most 32 units (`bytes` is a [`Hex`]).
fn units(bytes: &[u8]) -> ([u16; 32], usize) {
    let mut out = [0u16; 32];
    let mut n = 0;
    for (o, p) in out.iter_mut().zip(bytes.chunks(2)) {
        *o = ((p[0] as u16) << 8) | *p.get(1).unwrap_or(&0) as u16;
        n += 1;
    }
    (out, n)
}

/// Sets the text of `cid` to the UTF-16 `units`.
fn set(d: &mut DenseText, cid: usize, units: &[u16]) -> Option<()> {
    let start = u32::try_from(d.text.len()).ok()?;
    d.text
        .extend(char::decode_utf16(units.iter().copied()).map(|r| r.unwrap_or('\u{FFFD}')));
    *d.spans.get_mut(cid)? = (start, u32::try_from(d.text.len()).ok()?);
    Some(())
}

/// Sets the text of `cid` to `t`.
fn set_str(d: &mut DenseText, cid: usize, t: &str) -> Option<()> {
    let start = u32::try_from(d.text.len()).ok()?;
    d.text.push_str(t);
    *d.spans.get_mut(cid)? = (start, u32::try_from(d.text.len()).ok()?);
    Some(())
}
