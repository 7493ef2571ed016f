//! The one text decoder every command uses.
//!
//! Invariants: a text is decoded exactly or not at all — no replacement characters are ever
//! inserted; the encoding is decided from the bytes alone (byte-order mark, then strict
//! UTF-8, then strict Shift_JIS / EUC-JP), so every command reading the same file gets the
//! same text; a failure names the byte offset of the first byte that no candidate encoding
//! accepts (the UTF-8 offset when several fail, as UTF-8 is what most tools write).

use serde::{Deserialize, Serialize};

/// The encodings a text input may be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TextEncoding {
    /// UTF-8, with or without a byte-order mark.
    Utf8,
    /// UTF-16 little-endian (byte-order mark required).
    Utf16Le,
    /// UTF-16 big-endian (byte-order mark required).
    Utf16Be,
    /// Shift_JIS (Windows code page 932, as encoding_rs decodes it).
    ShiftJis,
    /// EUC-JP.
    EucJp,
}

/// Why bytes are not a text this crate reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// Invalid in the encoding the byte-order mark declares.
    #[error("invalid {encoding:?} at byte offset {offset}")]
    Invalid {
        /// Encoding declared by the byte-order mark.
        encoding: TextEncoding,
        /// Offset of the first bad byte in the file (the mark included).
        offset: usize,
    },
    /// Neither UTF-8 nor Shift_JIS nor EUC-JP.
    #[error("not text: invalid UTF-8 at byte offset {offset}, and not Shift_JIS or EUC-JP either")]
    Undecodable {
        /// Offset of the first byte that is not UTF-8.
        offset: usize,
    },
    /// A NUL character: binary data, not text.
    #[error("not text: NUL byte at byte offset {offset} (binary file?)")]
    Binary {
        /// Offset of the NUL in the file.
        offset: usize,
    },
}

/// Decodes `bytes` as text: a byte-order mark decides (UTF-8, UTF-16LE/BE); otherwise valid
/// UTF-8 is UTF-8; otherwise the one of Shift_JIS and EUC-JP that decodes without error
/// (both: the one whose text looks more like Japanese, Shift_JIS on a tie).
pub fn decode(bytes: &[u8]) -> Result<(String, TextEncoding), DecodeError> {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let encoding = if enc == encoding_rs::UTF_8 {
            TextEncoding::Utf8
        } else if enc == encoding_rs::UTF_16LE {
            TextEncoding::Utf16Le
        } else {
            TextEncoding::Utf16Be
        };
        let text = strict(enc, &bytes[bom..]).map_err(|offset| DecodeError::Invalid {
            encoding,
            offset: bom + offset,
        })?;
        // A NUL inside valid Unicode is text an extractor printed (pdftotext writes glyph 0
        // as U+0000): kept, like every other control, for repair to leave alone.
        return Ok((text, encoding));
    }
    let utf8_error = match std::str::from_utf8(bytes) {
        Ok(s) => return Ok((s.to_string(), TextEncoding::Utf8)),
        Err(e) => e.valid_up_to(),
    };
    // No valid UTF-8 and a NUL: binary data, named as such rather than as bad Shift_JIS.
    if let Some(offset) = memchr::memchr(0, bytes) {
        return Err(DecodeError::Binary { offset });
    }
    let sjis = strict(encoding_rs::SHIFT_JIS, bytes).ok();
    let euc = strict(encoding_rs::EUC_JP, bytes).ok();
    match (sjis, euc) {
        (Some(s), Some(e)) => {
            if japanese_score(&e) > japanese_score(&s) {
                Ok((e, TextEncoding::EucJp))
            } else {
                Ok((s, TextEncoding::ShiftJis))
            }
        }
        (Some(s), None) => Ok((s, TextEncoding::ShiftJis)),
        (None, Some(e)) => Ok((e, TextEncoding::EucJp)),
        (None, None) => Err(DecodeError::Undecodable { offset: utf8_error }),
    }
}

/// Decodes without replacement; the error is the offset of the first malformed sequence.
fn strict(enc: &'static encoding_rs::Encoding, bytes: &[u8]) -> Result<String, usize> {
    let mut decoder = enc.new_decoder_without_bom_handling();
    let cap = decoder
        .max_utf8_buffer_length_without_replacement(bytes.len())
        .unwrap_or(bytes.len().saturating_mul(3));
    let mut out = String::with_capacity(cap);
    let (result, read) = decoder.decode_to_string_without_replacement(bytes, &mut out, true);
    match result {
        encoding_rs::DecoderResult::InputEmpty => Ok(out),
        encoding_rs::DecoderResult::Malformed(bad, extra) => {
            Err(read.saturating_sub(bad as usize + extra as usize))
        }
        // The buffer was sized for the whole input: cannot happen, but never a panic.
        encoding_rs::DecoderResult::OutputFull => Err(read),
    }
}

/// Share of characters that are kana, kanji, Japanese punctuation, full-width forms or
/// ASCII: EUC-JP bytes read as Shift_JIS give half-width katakana and rare kanji, Shift_JIS
/// read as EUC-JP gives rare kanji and undefined rows.
fn japanese_score(s: &str) -> f64 {
    let mut good = 0usize;
    let mut all = 0usize;
    for c in s.chars() {
        all += 1;
        let u = c as u32;
        let common = matches!(u, 0x09 | 0x0A | 0x0C | 0x0D | 0x20..=0x7E)
            || (0x3000..=0x30FF).contains(&u)
            || (0xFF01..=0xFF5E).contains(&u)
            || crate::detect::classify(c) == crate::detect::CharClass::CommonKanji;
        good += usize::from(common);
    }
    if all == 0 {
        return 0.0;
    }
    good as f64 / all as f64
}

/// One page of a text as read (before repair).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageText {
    /// 1-based.
    pub page: u32,
    /// The page's text, without the form feed that separates it from the next.
    pub text: String,
}

/// Pages of a text: split at form feeds (pdftotext's page separator); a final form feed
/// does not start an empty page.
pub fn split_pages(text: &str) -> Vec<PageText> {
    let body = text.strip_suffix('\u{c}').unwrap_or(text);
    body.split('\u{c}')
        .enumerate()
        .map(|(i, t)| PageText {
            page: i as u32 + 1,
            text: t.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_supported_encoding_is_recognised() {
        let s = "孤独・孤立対策　ＮＰＯ法人等への支援（１／２）";
        assert_eq!(
            decode(s.as_bytes()).unwrap(),
            (s.to_string(), TextEncoding::Utf8)
        );
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend(s.as_bytes());
        assert_eq!(decode(&bom).unwrap().0, s);
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(s);
        assert_eq!(
            decode(&sjis).unwrap(),
            (s.to_string(), TextEncoding::ShiftJis)
        );
        let (euc, _, _) = encoding_rs::EUC_JP.encode(s);
        assert_eq!(decode(&euc).unwrap(), (s.to_string(), TextEncoding::EucJp));
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for u in s.encode_utf16() {
            le.extend(u.to_le_bytes());
            be.extend(u.to_be_bytes());
        }
        assert_eq!(decode(&le).unwrap(), (s.to_string(), TextEncoding::Utf16Le));
        assert_eq!(decode(&be).unwrap(), (s.to_string(), TextEncoding::Utf16Be));
    }

    #[test]
    fn kana_only_euc_jp_is_not_taken_for_half_width_shift_jis() {
        // Every byte of EUC-JP kana is also valid Shift_JIS (half-width katakana and kanji).
        let s = "こんにちは、せかい。\n";
        let (euc, _, _) = encoding_rs::EUC_JP.encode(s);
        assert!(strict(encoding_rs::SHIFT_JIS, &euc).is_ok());
        assert_eq!(decode(&euc).unwrap(), (s.to_string(), TextEncoding::EucJp));
    }

    #[test]
    fn bad_input_names_its_byte_offset() {
        // NUL in valid UTF-8 is extractor output (pdftotext's glyph 0), kept; NUL in bytes
        // that are no valid UTF-8 marks a binary file.
        assert_eq!(
            decode(b"ab\x00cd").unwrap(),
            ("ab\0cd".to_string(), TextEncoding::Utf8)
        );
        assert_eq!(
            decode(b"ab\x00\x80\xff").unwrap_err(),
            DecodeError::Binary { offset: 2 }
        );
        assert_eq!(
            decode(b"abc\x80\x80\xfd\xff\x01").unwrap_err(),
            DecodeError::Undecodable { offset: 3 }
        );
        // A UTF-8 byte-order mark promises UTF-8: Shift_JIS after it is an error, not guessed.
        let mut v = b"\xEF\xBB\xBFok ".to_vec();
        v.extend(encoding_rs::SHIFT_JIS.encode("支援").0.iter());
        assert_eq!(
            decode(&v).unwrap_err(),
            DecodeError::Invalid {
                encoding: TextEncoding::Utf8,
                offset: 6
            }
        );
        // An unpaired surrogate in UTF-16.
        assert_eq!(
            decode(&[0xFF, 0xFE, 0x41, 0x00, 0x00, 0xD8, 0x41, 0x00]).unwrap_err(),
            DecodeError::Invalid {
                encoding: TextEncoding::Utf16Le,
                offset: 4
            }
        );
        assert_eq!(
            decode(&[0xFF, 0xFE, 0x41, 0x00, 0x00, 0x00]).unwrap(),
            ("A\0".to_string(), TextEncoding::Utf16Le)
        );
    }

    #[test]
    fn pages_split_at_form_feeds() {
        let p = split_pages("a\nb\u{c}c\u{c}");
        assert_eq!(p.len(), 2);
        assert_eq!((p[0].page, p[0].text.as_str()), (1, "a\nb"));
        assert_eq!((p[1].page, p[1].text.as_str()), (2, "c"));
        assert_eq!(split_pages("").len(), 1);
    }
}
