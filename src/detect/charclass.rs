//! How likely a character is to be a glyph ID printed as a code point, judged alone.
//!
//! Glyph IDs of Japanese fonts run from a few hundred to ~0x4800 (more for big fonts), so
//! garbled values land in scripts that Japanese documents never use (Samaritan, Tamil,
//! Tai Tham, Hangul jamo, Ethiopic, Ext-A …) — strong evidence — but also in kana, CJK
//! punctuation and symbols, where they look real (lookalikes). The class only sets the
//! prior; context (the language model) decides.

/// A coarse class of a character with respect to glyph-ID garbling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CharClass {
    /// ASCII printable and whitespace: never a garbled glyph ID (IDs < 0x80 are .notdef
    /// and control glyphs, which fonts do not draw as text).
    Ascii,
    /// C0/C1 controls other than tab/newline: half-width ASCII drawn with a CJK font.
    Control,
    /// Hiragana, katakana, prolonged sound mark: common in Japanese.
    Kana,
    /// CJK punctuation, fullwidth forms, common symbols used in Japanese documents.
    JapanesePunct,
    /// Kanji of JIS X 0208 level 1/2 (common).
    CommonKanji,
    /// Other CJK unified ideographs (rare in documents).
    RareKanji,
    /// CJK Extension A and beyond, compatibility ideographs.
    ExtKanji,
    /// Kangxi radicals, CJK radicals supplement: real only as ToUnicode mistakes.
    Radical,
    /// Latin-1, Greek, Cyrillic, general punctuation, arrows, math, box drawing, shapes:
    /// plausible in documents, plausible as garbage.
    Symbol,
    /// Right-to-left scripts U+0590–08FF: garbled kana of many fonts; trigger bidi.
    Rtl,
    /// Scripts no Japanese document uses: Indic, Southeast Asian, Hangul jamo, Ethiopic,
    /// Canadian syllabics, Mongolian, Greek extended, Tibetan …
    ForeignScript,
    /// Private use area: symbol fonts (Wingdings) — not glyph-ID garbling.
    PrivateUse,
    /// Anything else (unassigned, astral planes).
    Other,
}

impl CharClass {
    /// log10 P(a character of this class is a garbled glyph ID) before context.
    pub fn garbled_prior(self) -> f32 {
        match self {
            CharClass::Ascii | CharClass::PrivateUse => -9.0,
            CharClass::Kana | CharClass::CommonKanji => -2.0,
            CharClass::JapanesePunct => -2.5,
            CharClass::Symbol | CharClass::RareKanji => -1.0,
            CharClass::Radical | CharClass::ExtKanji => -0.3,
            CharClass::Control | CharClass::Rtl | CharClass::ForeignScript | CharClass::Other => {
                -0.05
            }
        }
    }

    /// log10 P(a character of this class is real text) before context.
    pub fn real_prior(self) -> f32 {
        match self {
            CharClass::Ascii | CharClass::PrivateUse => 0.0,
            CharClass::Kana | CharClass::CommonKanji | CharClass::JapanesePunct => 0.0,
            CharClass::Symbol | CharClass::RareKanji => -0.5,
            CharClass::Radical | CharClass::ExtKanji => -1.5,
            CharClass::Control | CharClass::Rtl | CharClass::ForeignScript | CharClass::Other => {
                -3.0
            }
        }
    }

    /// Strong evidence: a line holding such a character is worth a closer look.
    pub fn is_strong(self) -> bool {
        matches!(
            self,
            CharClass::Control
                | CharClass::Rtl
                | CharClass::ForeignScript
                | CharClass::ExtKanji
                | CharClass::Radical
                | CharClass::Other
        )
    }
}

/// Classifies one character.
pub fn classify(c: char) -> CharClass {
    let u = c as u32;
    match u {
        0x09 | 0x0A | 0x0D | 0x20..=0x7E => CharClass::Ascii,
        0x00..=0x1F | 0x7F..=0x9F => CharClass::Control,
        0xA0..=0x24F => CharClass::Symbol,
        0x250..=0x36F => CharClass::ForeignScript, // IPA, spacing modifiers, combining marks
        0x370..=0x4FF => CharClass::Symbol,        // Greek, Cyrillic (in JIS X 0208)
        0x500..=0x58F => CharClass::ForeignScript,
        0x590..=0x8FF => CharClass::Rtl,
        0x900..=0x1DFF => CharClass::ForeignScript,
        0x1E00..=0x1FFF => CharClass::ForeignScript, // Latin/Greek extended
        // Dashes, quotes, bullets, ※ …: real punctuation. Spaces, zero-width and
        // format characters around them are not typed by authors.
        0x2010..=0x205E | 0x2002 | 0x2003 | 0x2009 => CharClass::Symbol,
        0x2000..=0x206F => CharClass::ForeignScript,
        0x2070..=0x2BFF => CharClass::Symbol,
        0x2C00..=0x2E7F => CharClass::ForeignScript,
        0x2E80..=0x2FDF => CharClass::Radical,
        0x2FE0..=0x2FFF => CharClass::Other,
        0x3000..=0x303F => CharClass::JapanesePunct,
        0x3041..=0x3096 | 0x309B..=0x309E | 0x30A1..=0x30FE => CharClass::Kana,
        0x3097..=0x30FF => CharClass::JapanesePunct,
        0x3100..=0x31EF => CharClass::ForeignScript, // bopomofo, Hangul compat, kanbun
        0x31F0..=0x31FF => CharClass::Kana,
        0x3200..=0x33FF => CharClass::Symbol, // enclosed CJK, squared units (㈱ ㎡)
        0x3400..=0x4DBF => CharClass::ExtKanji,
        0x4DC0..=0x4DFF => CharClass::ForeignScript,
        0x4E00..=0x9FFF => {
            if is_jis0208_kanji(c) {
                CharClass::CommonKanji
            } else {
                CharClass::RareKanji
            }
        }
        0xA000..=0xABFF => CharClass::ForeignScript,
        0xAC00..=0xD7FF => CharClass::ForeignScript, // Hangul syllables
        0xE000..=0xF8FF => CharClass::PrivateUse,
        0xF900..=0xFAFF => CharClass::ExtKanji,
        0xFB00..=0xFDFF => CharClass::ForeignScript,
        0xFE30..=0xFE4F => CharClass::Symbol,
        0xFF01..=0xFF9F | 0xFFE0..=0xFFEE => CharClass::JapanesePunct,
        _ => CharClass::Other,
    }
}

/// Whether `c` is a JIS X 0208 kanji (encodable in Shift_JIS with a lead byte 0x88–0xEA).
fn is_jis0208_kanji(c: char) -> bool {
    use std::sync::OnceLock;
    static SET: OnceLock<Vec<u64>> = OnceLock::new();
    let set = SET.get_or_init(|| {
        let mut bits = vec![0u64; 0x5200 / 64];
        // Decode every two-byte Shift_JIS code in the JIS X 0208 kanji rows (into a stack
        // buffer: this runs once per process, and a `String` per code was most of its cost).
        let mut buf = [0u8; 2];
        let mut out = [0u16; 2];
        for lead in 0x88u8..=0xEA {
            if (0xA0..0xE0).contains(&lead) {
                continue;
            }
            for trail in 0x40u8..=0xFC {
                if trail == 0x7F {
                    continue;
                }
                buf[0] = lead;
                buf[1] = trail;
                let mut decoder = encoding_rs::SHIFT_JIS.new_decoder_without_bom_handling();
                let (result, _, written) =
                    decoder.decode_to_utf16_without_replacement(&buf, &mut out, true);
                if result != encoding_rs::DecoderResult::InputEmpty || written != 1 {
                    continue;
                }
                {
                    let u = u32::from(out[0]);
                    if (0x4E00..=0x9FFF).contains(&u) {
                        let i = (u - 0x4E00) as usize;
                        bits[i / 64] |= 1 << (i % 64);
                    }
                }
            }
        }
        bits
    });
    let u = c as u32;
    if !(0x4E00..=0x9FFF).contains(&u) {
        return false;
    }
    let i = (u - 0x4E00) as usize;
    set[i / 64] & (1 << (i % 64)) != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_of_typical_characters() {
        assert_eq!(classify('a'), CharClass::Ascii);
        assert_eq!(classify('の'), CharClass::Kana);
        assert_eq!(classify('支'), CharClass::CommonKanji);
        assert_eq!(classify('ࡢ'), CharClass::Rtl);
        assert_eq!(classify('ᨭ'), CharClass::ForeignScript);
        assert_eq!(classify('㹌'), CharClass::ExtKanji);
        assert_eq!(classify('⾜'), CharClass::Radical);
        assert_eq!(classify('\u{1}'), CharClass::Control);
        assert_eq!(classify('\u{F06C}'), CharClass::PrivateUse);
        assert_eq!(classify('、'), CharClass::JapanesePunct);
        assert_eq!(classify('①'), CharClass::Symbol);
        assert_eq!(classify('※'), CharClass::Symbol);
    }

    #[test]
    fn jis0208_level_split() {
        // 亜 is the first level-1 kanji, 熙 is level 2; 丂 is outside JIS X 0208.
        assert!(is_jis0208_kanji('亜'));
        assert!(is_jis0208_kanji('孤'));
        assert!(!is_jis0208_kanji('丂'));
        assert_eq!(classify('丂'), CharClass::RareKanji);
    }

    #[test]
    fn jis0208_kanji_agree_with_the_encoder_over_the_whole_block() {
        // The set is built by decoding; check it from the other side: a kanji is in it
        // exactly when Shift_JIS encodes it to two bytes with a lead byte 0x88–0x9F or
        // 0xE0–0xEA.
        for u in 0x4E00u32..=0x9FFF {
            let Some(c) = char::from_u32(u) else { continue };
            let mut s = [0u8; 4];
            let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(c.encode_utf8(&mut s));
            let expected =
                !unmappable && bytes.len() == 2 && matches!(bytes[0], 0x88..=0x9F | 0xE0..=0xEA);
            assert_eq!(is_jis0208_kanji(c), expected, "U+{u:04X}");
        }
    }

    #[test]
    fn strong_classes_never_include_everyday_text() {
        for c in "令和６年度補正予算額　２．４億円（ＮＰＯ法人）、「支援」・※①ー".chars()
        {
            assert!(!classify(c).is_strong(), "{c}");
        }
    }
}
