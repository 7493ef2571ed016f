//! Character folding and the per-block prior: what a character is scored as.
//!
//! Invariant: [`fold_char`] is applied identically at build and query time (the module docs
//! of [`super`] give the rules), and never produces the internal markers [`BOS`] and [`EOS`].

use super::MAX_ORDER;

/// Start-of-line marker inside n-grams (never produced by [`fold_char`]).
pub(super) const BOS: char = '\u{0002}';
/// End-of-line marker: what `'\n'` is scored as.
pub(super) const EOS: char = '\u{0003}';

/// Fold a character the same way at build and query time (see module docs).
#[inline]
pub fn fold_char(c: char) -> char {
    let u = c as u32;
    if (0xFF01..=0xFF5E).contains(&u) {
        // Full-width ASCII → ASCII; in range by construction, so from_u32 cannot fail.
        char::from_u32(u - 0xFEE0).unwrap_or(c)
    } else if c == '\u{3000}' || c == '\t' || c == '\r' {
        ' '
    } else if c == BOS || c == EOS {
        // The internal markers never come from text.
        '\u{FFFD}'
    } else {
        c
    }
}

/// log10 prior of a character never seen in training, by Unicode block.
///
/// Japanese-script blocks get about 1/50 000 each, general symbols and Latin less, and
/// blocks that glyph-ID mojibake lands in but Japanese never uses far less. The values are
/// part of the model definition (changing them needs a format-version bump only if old
/// files must keep scoring identically; they are not stored).
pub fn char_prior_log10(c: char) -> f32 {
    let u = c as u32;
    match u {
        // Hiragana, katakana, CJK unified ideographs, iteration marks, CJK punctuation.
        0x3001..=0x303F | 0x3041..=0x30FF | 0x4E00..=0x9FFF | 0x31F0..=0x31FF => -4.7,
        // ASCII, Latin-1 punctuation, half-width katakana, full-width forms.
        0x20..=0x7E | 0xA0..=0xFF | 0xFF61..=0xFF9F | 0xFFE0..=0xFFEE => -5.5,
        // General punctuation, letterlike, numbers, arrows, math, box drawing, shapes,
        // misc symbols, dingbats, enclosed alphanumerics/CJK, CJK compatibility (㎡ ㈱).
        0x2010..=0x206F | 0x2100..=0x22FF | 0x2460..=0x27BF | 0x3200..=0x33FF | 0x2300..=0x23FF => {
            -6.0
        }
        // Greek and Cyrillic (used in Japanese text for α, β, Ω…), Latin extended.
        0x0100..=0x024F | 0x0370..=0x03FF | 0x0400..=0x04FF => -7.0,
        // CJK compatibility ideographs (髙 﨑 …): rare but real in names.
        0xF900..=0xFAFF => -7.5,
        // CJK Ext-A: some real (㐂) but mostly glyph-ID mojibake (㹌㹎㹍 = ＮＰＯ).
        0x3400..=0x4DBF => -9.0,
        // Everything else: Syriac, Tamil, Tai Tham, Hangul jamo, Greek extended, PUA, Ext-B+…
        _ => -10.0,
    }
}

/// Characters of blocks that Japanese text never uses; skipped at build time.
pub(super) fn is_foreign(c: char) -> bool {
    char_prior_log10(c) <= -9.0 && c != BOS && c != EOS
}

/// Turn a raw history into the folded context actually used (≤ order-1 chars, BOS-led if
/// the line start is within reach). Returns the number of chars written into `buf`.
#[inline]
pub(super) fn make_context(order: usize, history: &[char], buf: &mut [char; MAX_ORDER]) -> usize {
    let want = order.saturating_sub(1);
    if want == 0 {
        return 0;
    }
    // Characters after the last newline, at most `want`.
    let mut n = 0;
    for &h in history.iter().rev() {
        if h == '\n' || n == want {
            break;
        }
        n += 1;
    }
    let tail = &history[history.len() - n..];
    let mut len = 0;
    // Fewer than `want` characters means we reached the line start.
    if n < want {
        buf[0] = BOS;
        len = 1;
    }
    for &h in tail {
        buf[len] = fold_char(h);
        len += 1;
    }
    len
}
