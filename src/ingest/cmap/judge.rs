//! Whether one ToUnicode value can be used as it stands, and the unified form of an alias.

use super::Distrust;

/// Judges one ToUnicode value: `None` if usable as it stands.
pub fn judge_entry(s: &str) -> Option<Distrust> {
    if s.is_empty() {
        return Some(Distrust::Unusable);
    }
    for c in s.chars() {
        let u = c as u32;
        if c.is_control() || c == '\u{FFFD}' || (0xE000..=0xF8FF).contains(&u) {
            return Some(Distrust::Unusable);
        }
    }
    let mut it = s.chars();
    if let (Some(c), None) = (it.next(), it.next())
        && is_alias(c)
    {
        return Some(Distrust::Alias);
    }
    None
}

/// The visible character a ToUnicode space hides: `entry` is one space (U+0020, U+00A0,
/// U+3000) and the embedded program's cmap gives the glyph `cmap`, a visible character
/// (not a space, control, format character or alias). Where the cmap also maps a space to
/// the glyph its reverse gives the space (spaces sort first) and the entry stands.
pub fn visible_behind_space(entry: &str, cmap: Option<char>) -> Option<char> {
    let mut it = entry.chars();
    let (Some(' ' | '\u{A0}' | '\u{3000}'), None) = (it.next(), it.next()) else {
        return None;
    };
    let c = cmap?;
    let visible = !c.is_whitespace()
        && !c.is_control()
        && judge_entry(&c.to_string()).is_none()
        && !matches!(c as u32, 0x200B..=0x200F | 0x2028..=0x202E | 0x2060..=0x206F | 0xFEFF);
    visible.then_some(c)
}

/// Code points that fonts share with a unified ideograph or U+3000 and that a ToUnicode
/// writer may pick by mistake (Kangxi radicals, CJK radicals, compatibility ideographs that
/// have a canonical decomposition, typographic spaces).
pub fn is_alias(c: char) -> bool {
    let u = c as u32;
    (0x2E80..=0x2FDF).contains(&u)
        || (0x2000..=0x200A).contains(&u)
        || (is_compat_ideograph(c) && !is_unified_in_compat_block(c))
}

fn is_compat_ideograph(c: char) -> bool {
    let u = c as u32;
    (0xF900..=0xFAFF).contains(&u) || (0x2F800..=0x2FA1F).contains(&u)
}

/// The twelve characters of the compatibility block that are unified ideographs themselves.
fn is_unified_in_compat_block(c: char) -> bool {
    matches!(
        c as u32,
        0xFA0E
            | 0xFA0F
            | 0xFA11
            | 0xFA13
            | 0xFA14
            | 0xFA1F
            | 0xFA21
            | 0xFA23
            | 0xFA24
            | 0xFA27
            | 0xFA28
            | 0xFA29
    )
}

/// The best-known unified form of an alias when no font data says otherwise: NFKC for
/// Kangxi radicals, canonical decomposition for compatibility ideographs, U+3000 for an em
/// space in a CJK font.
pub fn unalias(c: char, cjk_font: bool) -> char {
    use unicode_normalization::UnicodeNormalization;
    let u = c as u32;
    if (0x2000..=0x200A).contains(&u) {
        return if u == 0x2003 && cjk_font {
            '\u{3000}'
        } else {
            ' '
        };
    }
    let mapped: String = if (0x2F00..=0x2FDF).contains(&u) {
        c.to_string().nfkc().collect()
    } else {
        c.to_string().nfd().collect()
    };
    let mut it = mapped.chars();
    match (it.next(), it.next()) {
        (Some(m), None) => m,
        _ => c,
    }
}

/// Ordering preference when a font maps one glyph from several code points: lower is better.
pub fn codepoint_rank(c: char) -> u8 {
    if is_alias(c) {
        2
    } else if c.is_control() || (0xE000..=0xF8FF).contains(&(c as u32)) {
        3
    } else {
        0
    }
}
