//! Visual → logical order of a horizontal line holding Hebrew or Arabic text.
//!
//! Producers draw right-to-left text as it stands on the page, and layout reads every line
//! left to right, so a Hebrew or Arabic line comes out in *visual* order (`םולש` for שלום).
//! A line that holds a trusted strong right-to-left glyph is put back into logical order as
//! pdftotext does it: the Unicode Bidi Algorithm (`unicode-bidi`) is run over the visual
//! string and its display order read off. For what documents hold — runs of one direction,
//! numbers, spaces and punctuation between them — that reordering is its own inverse: runs
//! of right-to-left characters reverse, a number inside them stays left to right (rules W2,
//! N1, I1–I2), a Latin word in a Hebrew line keeps its letters in order. The paragraph
//! direction is the line's majority of strong characters (right to left on a tie, since
//! only lines with right-to-left text get here): a visual line gives no "first strong
//! character" until the direction is known, and `Hello םולש` is both the English sentence
//! ending in a Hebrew word and the Hebrew sentence ending in an English one.
//!
//! Invariants:
//! * a line holding no trusted right-to-left glyph is returned exactly as it came (same
//!   glyphs, same gaps, same order): Latin and Japanese output is byte-identical;
//! * only glyphs whose text a source *states* ([`Placed::stated`]: ToUnicode, predefined
//!   CMap, simple-font encoding, the font's own cmap) and whose right-to-left characters are
//!   Hebrew or Arabic ([`rtl_script`]) take part as what they are. Every other glyph —
//!   unresolved, read through a table, an outline or learning, a glyph ID printed as a code
//!   point, and any character of U+0700–08FF (Syriac to Arabic Extended, where glyph IDs of
//!   garbled kana land: `ࡢ` for の) — is an opaque left-to-right unit: it never makes a line
//!   right-to-left, and consecutive such glyphs keep their drawn order, so garbled CJK text
//!   reaches detect and repair as drawn;
//! * only the order changes: every glyph of the line is emitted once with its own text (no
//!   mirroring of brackets: that would change characters); a gap stays a gap between the same
//!   two runs, never at a line end.

use super::{Gap, LineLayout, Placed};
use unicode_bidi::{BidiClass, BidiInfo, Level, bidi_class};

/// Hebrew and Arabic, the right-to-left scripts a line may be reordered for: Hebrew
/// U+0590–05FF, Arabic U+0600–06FF and its supplement U+0750–077F, the Hebrew and Arabic
/// presentation forms U+FB1D–FDFF and U+FE70–FEFF. U+0700–074F and U+0780–08FF are left out on
/// purpose: Syriac, Thaana, N'Ko, Samaritan, Mandaic and Arabic Extended are where garbled
/// kana of many Japanese fonts land, and no document this tool reads is written in them.
pub fn rtl_script(c: char) -> bool {
    matches!(c as u32,
        0x0590..=0x05FF | 0x0600..=0x06FF | 0x0750..=0x077F | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF)
}

fn strong_rtl(c: char) -> bool {
    matches!(bidi_class(c), BidiClass::R | BidiClass::AL)
}

/// How a glyph takes part in reordering.
#[derive(Clone, Copy, PartialEq)]
enum Role {
    /// Its text, as stated: real right-to-left letters, or neutral or left-to-right text.
    Text,
    /// An opaque left-to-right unit (see the module invariants).
    Opaque,
}

fn role(g: &Placed) -> Role {
    match g.text {
        // No text (a `.notdef`): nothing to keep in order; a neutral position.
        Some("") => Role::Text,
        Some(t) if g.stated => {
            if t.chars().any(|c| strong_rtl(c) && !rtl_script(c)) {
                Role::Opaque
            } else {
                Role::Text
            }
        }
        _ => Role::Opaque,
    }
}

/// A stand-in for an opaque glyph: strong left to right, one character.
const OPAQUE: char = 'a';

/// One unit of the visual string: a glyph (index into the page's glyphs) or a gap.
enum Unit {
    Glyph(usize),
    Gap(Gap),
}

/// A line as the string the algorithm reads: each unit with the index of its first char.
struct Visual {
    text: String,
    units: Vec<(Unit, usize)>,
    /// The paragraph level: right to left when strong RTL characters are at least as many.
    para: Level,
}

/// Puts `line` (horizontal, glyphs left to right) into logical order if it holds a trusted
/// Hebrew or Arabic glyph; otherwise leaves it untouched.
pub fn to_logical(glyphs: &[Placed], line: &mut LineLayout) {
    if line.vertical {
        return;
    }
    // Cheapest tests first: most lines hold no stated glyph with a Hebrew or Arabic letter.
    let trusted_rtl = |i: usize| {
        let g = &glyphs[i];
        g.stated
            && g.text
                .is_some_and(|t| t.chars().any(|c| rtl_script(c) && strong_rtl(c)))
            && role(g) == Role::Text
    };
    if !line.glyphs.iter().any(|&(i, _)| trusted_rtl(i)) {
        return;
    }
    let Visual { text, units, para } = visual(glyphs, line);
    let info = BidiInfo::new(&text, Some(para));
    // A paragraph separator inside a glyph's text would split the line: leave it as drawn.
    let [p] = info.paragraphs.as_slice() else {
        return;
    };
    let levels = info.reordered_levels_per_char(p, p.range.clone());
    let unit_levels: Vec<Level> = units
        .iter()
        .map(|&(_, at)| levels.get(at).copied().unwrap_or(para))
        .collect();
    let order = BidiInfo::reorder_visual(&unit_levels);
    let mut out: Vec<(usize, Gap)> = Vec::with_capacity(line.glyphs.len());
    let mut pending = Gap::None;
    for k in order {
        match units[k].0 {
            // Gaps only ever stand between glyphs: one dropped at a line end is no loss.
            Unit::Gap(gap) => {
                if gap == Gap::Ideographic || pending == Gap::None {
                    pending = gap;
                }
            }
            Unit::Glyph(i) => {
                let gap = if out.is_empty() { Gap::None } else { pending };
                out.push((i, gap));
                pending = Gap::None;
            }
        }
    }
    line.glyphs = out;
}

/// The visual string of `line`: one unit per glyph (its text, a neutral for an empty text,
/// the stand-in for an opaque glyph) and one whitespace unit per gap.
fn visual(glyphs: &[Placed], line: &LineLayout) -> Visual {
    let mut text = String::new();
    let mut units: Vec<(Unit, usize)> = Vec::new();
    let mut chars = 0usize;
    let (mut ltr, mut rtl) = (0usize, 0usize);
    for &(i, gap) in &line.glyphs {
        if gap != Gap::None && !units.is_empty() {
            units.push((Unit::Gap(gap), chars));
            text.push(if gap == Gap::Ideographic {
                '\u{3000}'
            } else {
                ' '
            });
            chars += 1;
        }
        let g = &glyphs[i];
        units.push((Unit::Glyph(i), chars));
        match (role(g), g.text) {
            (Role::Text, Some(t)) if !t.is_empty() => {
                for c in t.chars() {
                    match bidi_class(c) {
                        BidiClass::L => ltr += 1,
                        BidiClass::R | BidiClass::AL => rtl += 1,
                        _ => {}
                    }
                    text.push(c);
                    chars += 1;
                }
            }
            // An empty text still needs a position: a neutral one (object replacement).
            (Role::Text, _) => {
                text.push('\u{FFFC}');
                chars += 1;
            }
            (Role::Opaque, _) => {
                text.push(OPAQUE);
                chars += 1;
            }
        }
    }
    let para = if rtl >= ltr {
        Level::rtl()
    } else {
        Level::ltr()
    };
    Visual { text, units, para }
}

#[cfg(test)]
mod tests;
