//! The clean-text fast path: find the next character that is strong evidence of garbling
//! without decoding text into the model.
//!
//! Strong-ness (see [`super::charclass`]) is precomputed for the whole BMP as a bitmap, and
//! summarised per (UTF-8 lead byte, second byte) — a block of 64 code points — as
//! all-clean / all-strong / mixed, so most characters cost one table load. Invariant:
//! `first_strong` returns exactly the first char for which `classify(c).is_strong()`
//! (tested exhaustively over the BMP).

use super::charclass::classify;
use std::sync::OnceLock;

const CLEAN: u8 = 0;
const STRONG: u8 = 1;
const MIXED: u8 = 2;

struct Tables {
    /// One bit per BMP code point.
    bits: Vec<u64>,
    /// Per 64-code-point block (cp >> 6): CLEAN, STRONG or MIXED.
    blocks: Vec<u8>,
    /// Per ASCII byte: strong (controls other than tab, LF, CR).
    ascii: [bool; 128],
}

fn tables() -> &'static Tables {
    static T: OnceLock<Tables> = OnceLock::new();
    T.get_or_init(|| {
        let mut bits = vec![0u64; 0x10000 / 64];
        for u in 0..0x10000u32 {
            let strong = match char::from_u32(u) {
                Some(c) => classify(c).is_strong(),
                None => true, // lone surrogates cannot occur in str
            };
            if strong {
                bits[(u / 64) as usize] |= 1 << (u % 64);
            }
        }
        let blocks = bits
            .iter()
            .map(|&w| match w {
                0 => CLEAN,
                u64::MAX => STRONG,
                _ => MIXED,
            })
            .collect();
        let mut ascii = [false; 128];
        for (b, s) in ascii.iter_mut().enumerate() {
            *s = classify(b as u8 as char).is_strong();
        }
        Tables {
            bits,
            blocks,
            ascii,
        }
    })
}

/// Byte offset of the first strong character at or after `from` (which must be a char
/// boundary), or `None`.
pub fn first_strong(text: &str, from: usize) -> Option<usize> {
    let t = tables();
    let b = text.as_bytes();
    let n = b.len();
    let mut i = from;
    while i < n {
        let lead = b[i];
        if lead < 0x80 {
            // Skip runs of printable ASCII eight bytes at a time.
            if i + 8 <= n {
                let w = u64::from_le_bytes([
                    b[i],
                    b[i + 1],
                    b[i + 2],
                    b[i + 3],
                    b[i + 4],
                    b[i + 5],
                    b[i + 6],
                    b[i + 7],
                ]);
                // No high bit and no byte below 0x20 (controls, tab, LF, CR).
                let high = w & 0x8080_8080_8080_8080;
                let low = w.wrapping_sub(0x2020_2020_2020_2020) & !w & 0x8080_8080_8080_8080;
                if high == 0 && low == 0 {
                    i += 8;
                    continue;
                }
            }
            if t.ascii[lead as usize] {
                return Some(i);
            }
            i += 1;
            continue;
        }
        let (cp, len) = if lead < 0xE0 {
            (((lead as u32 & 0x1F) << 6) | (b[i + 1] as u32 & 0x3F), 2)
        } else if lead < 0xF0 {
            (
                ((lead as u32 & 0x0F) << 12)
                    | ((b[i + 1] as u32 & 0x3F) << 6)
                    | (b[i + 2] as u32 & 0x3F),
                3,
            )
        } else {
            // Astral planes: never a 16-bit glyph ID, but classify decides.
            let c = text[i..].chars().next();
            if c.is_some_and(|c| classify(c).is_strong()) {
                return Some(i);
            }
            i += 4;
            continue;
        };
        match t.blocks[(cp >> 6) as usize] {
            CLEAN => {}
            STRONG => return Some(i),
            _ => {
                if t.bits[(cp >> 6) as usize] & (1 << (cp & 63)) != 0 {
                    return Some(i);
                }
            }
        }
        i += len;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_classify_on_every_bmp_char() {
        for u in 0..0x10000u32 {
            let Some(c) = char::from_u32(u) else { continue };
            let s = format!("ab{c}cd");
            let want = classify(c).is_strong().then_some(2);
            assert_eq!(first_strong(&s, 0), want, "U+{u:04X}");
        }
    }

    #[test]
    fn finds_the_first_in_long_clean_text() {
        let clean = "令和６年度補正予算額 ２．４億円 abcdefghijklmnop\n".repeat(100);
        assert_eq!(first_strong(&clean, 0), None);
        let mut s = clean.clone();
        s.push_str("支援ᨭ᥼");
        assert_eq!(first_strong(&s, 0), Some(clean.len() + "支援".len()));
        assert_eq!(first_strong("x\u{1}y", 0), Some(1));
        assert_eq!(first_strong("tab\there\r\n", 0), None);
    }
}
