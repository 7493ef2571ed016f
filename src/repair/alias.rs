//! The named fix `radical`: Kangxi radicals printed for the kanji they look like.
//!
//! Office and Distiller fonts whose ToUnicode names a Kangxi radical for a kanji's glyph
//! (`⼊` U+2F0A for 入, `⾧` U+2FA7 for 長) make pdftotext print `⼊札の⼿引き`. The radical
//! and the kanji are one glyph: NFKC maps each Kangxi radical (and the two supplement
//! radicals that have a compatibility mapping) to its ideograph, and `extract` reads such
//! ToUnicode entries that way already (`ingest::cmap::judge::unalias`).
//!
//! Invariants: a line is fixed only when radicals are its only garbling evidence, and the
//! document's (its evidence lines', [`radicals_only`]), and no table won the document: a
//! radical can also be a glyph ID (0x2F0A is a glyph of every large CJK font), and a
//! font's glyph IDs land in many other blocks too. Only a run of radicals with kana, a kanji,
//! Japanese punctuation or a digit right before or after it is fixed (a list of radicals
//! stays as it is); radicals left are reported unresolved; every fix is a
//! [`RepairSpan`] of table [`RADICAL_TABLE`], fix `radical`.

use super::{LineReport, RepairSpan};
use crate::detect::{CharClass, classify};
use unicode_normalization::UnicodeNormalization;

/// The table name of the spans this fix makes.
pub const RADICAL_TABLE: &str = "unicode-radicals";

/// The kanji radical `c` stands for: its NFKC, when that is one kanji of JIS X 0208;
/// `None` for every other character.
pub fn ideograph_of_radical(c: char) -> Option<char> {
    if classify(c) != CharClass::Radical {
        return None;
    }
    let mut it = std::iter::once(c).nfkc();
    match (it.next(), it.next()) {
        // A Japanese font shares the radical's glyph with the JIS X 0208 kanji; where NFKC
        // gives a form outside JIS X 0208 (`⼾` U+2F3E → 戶, where Japanese writes 戸), the
        // radical is left as it is.
        (Some(k), None) if classify(k) == CharClass::CommonKanji => Some(k),
        _ => None,
    }
}

/// Whether the characters hold garbling evidence, all of it radicals (U+2E80–U+2FDF), and
/// some of them radicals this fix reads. Controls, U+3000 and ASCII, which extractors emit
/// in clean text, are no evidence; supplement radicals without a compatibility mapping
/// (`⻄` U+2EC4 for 西) are no glyph IDs either, but stay as they are.
pub(super) fn radicals_only(chars: impl IntoIterator<Item = char>) -> bool {
    let mut readable = false;
    for c in chars {
        if is_evidence(c) {
            if classify(c) != CharClass::Radical {
                return false;
            }
            readable |= ideograph_of_radical(c).is_some();
        }
    }
    readable
}

fn is_evidence(c: char) -> bool {
    classify(c).is_strong() && !super::doclevel::never_evidence(c)
}

/// Kana, kanji, Japanese punctuation and full-width forms, and digits (`11⽉8⽇`): what
/// stands beside a kanji in Japanese text.
fn is_japanese(c: char) -> bool {
    c.is_ascii_digit()
        || matches!(
            classify(c),
            CharClass::Kana
                | CharClass::CommonKanji
                | CharClass::RareKanji
                | CharClass::JapanesePunct
        )
}

/// `line` with its radicals read as the kanji they stand for, and the report of the fix;
/// `None` when the line has garbling evidence other than radicals, or no radical the fix
/// reads (see the module notes). Radicals left as they were are reported unresolved.
pub(super) fn fix_radicals(line: &str, line_no: usize) -> Option<(String, LineReport)> {
    let chars: Vec<char> = line.chars().collect();
    if !radicals_only(chars.iter().copied()) {
        return None;
    }
    let mut out = chars.clone();
    let mut spans = Vec::new();
    let mut kept = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if ideograph_of_radical(chars[i]).is_none() {
            if is_evidence(chars[i]) {
                kept.push(i);
            }
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && ideograph_of_radical(chars[i]).is_some() {
            i += 1;
        }
        let before = start.checked_sub(1).map(|p| chars[p]);
        let after = chars.get(i).copied();
        if !(before.is_some_and(is_japanese) || after.is_some_and(is_japanese)) {
            kept.extend(start..i);
            continue;
        }
        for (o, &c) in out[start..i].iter_mut().zip(&chars[start..i]) {
            *o = ideograph_of_radical(c).unwrap_or(c);
        }
        spans.push(RepairSpan {
            line: line_no,
            column: start + 1,
            end_column: i,
            before: chars[start..i].iter().collect(),
            after: out[start..i].iter().collect(),
            table: RADICAL_TABLE.to_string(),
            rule: chars[start..i]
                .iter()
                .map(|&c| {
                    let k = ideograph_of_radical(c).unwrap_or(c);
                    format!("U+{:04X}→U+{:04X}", c as u32, k as u32)
                })
                .collect::<Vec<_>>()
                .join(" "),
            fix: "radical".to_string(),
            // The radical and the kanji are one glyph (module notes).
            confidence: 1.0,
            evidence: None,
        });
    }
    if spans.is_empty() {
        return None;
    }
    let report = LineReport {
        line: line_no,
        fixes: Vec::new(),
        spans,
        unresolved: super::unresolved(&chars, &kept, line_no),
    };
    Some((out.into_iter().collect(), report))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kangxi_radical_with_an_ideograph_is_read_as_it() {
        let mut read = 0;
        for u in 0x2E80u32..=0x2FDF {
            let Some(c) = char::from_u32(u) else { continue };
            let nfkc: String = std::iter::once(c).nfkc().collect();
            match ideograph_of_radical(c) {
                Some(k) => {
                    assert_eq!(nfkc, k.to_string(), "U+{u:04X}");
                    read += 1;
                }
                None => assert!(
                    nfkc.chars().count() != 1
                        || !nfkc.chars().all(|k| classify(k) == CharClass::CommonKanji),
                    "U+{u:04X} has a JIS X 0208 kanji"
                ),
            }
        }
        // Of the 214 Kangxi radicals and the supplement's two with a compatibility mapping,
        // those whose kanji is in JIS X 0208.
        println!("{read} radicals read");
        assert!((180..216).contains(&read), "{read}");
        assert_eq!(
            ideograph_of_radical('⼾'),
            None,
            "戶 is not the Japanese 戸"
        );
        assert_eq!(ideograph_of_radical('⾧'), Some('長'));
        assert_eq!(ideograph_of_radical('入'), None);
        assert_eq!(ideograph_of_radical('a'), None);
    }

    #[test]
    fn radicals_beside_japanese_are_read_as_kanji() {
        let (text, report) = fix_radicals("⼊札の⼿引き（局⾧表彰）11⽉", 3).expect("fixed");
        assert_eq!(text, "入札の手引き（局長表彰）11月");
        assert_eq!(report.spans.len(), 4);
        let s = &report.spans[0];
        assert_eq!((s.line, s.column, s.end_column), (3, 1, 1));
        assert_eq!((s.before.as_str(), s.after.as_str()), ("⼊", "入"));
        assert_eq!(s.rule, "U+2F0A→U+5165");
        assert_eq!(
            (s.table.as_str(), s.fix.as_str()),
            (RADICAL_TABLE, "radical")
        );
        assert_eq!(report.spans[2].column, 9);
        assert!(report.unresolved.is_empty());
    }

    #[test]
    fn a_list_of_radicals_and_other_garbling_are_left_alone() {
        // Radicals among ASCII only: a list of radicals, not kanji.
        assert!(fix_radicals("radicals: ⼀ ⼁ ⼂", 1).is_none());
        // Other garbling evidence on the line: the glyph-ID repair decides.
        assert!(fix_radicals("⼊札 ᨭ᥼", 1).is_none());
        // Clean text.
        assert!(fix_radicals("入札の手引き", 1).is_none());
        // A supplement radical without an ideograph stays, and does not stop the others.
        let (text, report) = fix_radicals("⻄興部村、⼤空町", 1).expect("fixed");
        assert_eq!(text, "⻄興部村、大空町");
        assert_eq!(report.unresolved.len(), 1);
        // A page break is no garbling evidence.
        assert_eq!(fix_radicals("\u{c}⼊札", 1).expect("fixed").0, "\u{c}入札");
        // A run beside Japanese is read, one without stays and is reported.
        let (text, report) = fix_radicals("⼊札 ⼀ ⼁", 1).expect("fixed");
        assert_eq!(text, "入札 ⼀ ⼁");
        assert_eq!(report.spans.len(), 1);
        let unresolved: Vec<&str> = report.unresolved.iter().map(|u| u.text.as_str()).collect();
        assert_eq!(unresolved, ["⼀ ⼁"]);
    }
}
