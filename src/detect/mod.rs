//! Detecting garbled spans: glyph IDs that an extractor printed as code points.
//!
//! Detection alone (without a table) can only say *that* a span looks garbled; the repair
//! stage then decides, with the tables and the language model, *what* it was. Spans no table
//! explains are still reported, with [`Reason::NoTable`], so nothing is silently left.

pub mod charclass;
pub mod scan;

pub use charclass::{CharClass, classify};

/// Why a span was judged garbled.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Reason {
    /// Decoded through a table and the language model preferred the decoding.
    Decoded,
    /// Characters from scripts Japanese text never uses, but no table explains them.
    NoTable,
    /// Decoding was possible but the language model's margin was too small to apply it.
    LowMargin,
}

/// A garbled span of one line, in character columns (0-based, end exclusive).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct GarbledSpan {
    /// 1-based line number.
    pub line: usize,
    /// First column of the span.
    pub start: usize,
    /// End column (exclusive).
    pub end: usize,
    /// The span's characters.
    pub text: String,
    /// Why it was judged garbled.
    pub reason: Reason,
    /// 0..=1: how sure we are the span is garbled.
    pub confidence: f32,
}

/// Quick test: does this line hold any character that is strong evidence of garbling?
/// Lines without one are passed through untouched by `repair`.
pub fn has_strong_evidence(line: &str) -> bool {
    scan::first_strong(line, 0).is_some()
}

/// Spans of strong characters with no decoding, by density: maximal runs in which at least
/// half of the non-ASCII characters are strong.
pub fn strong_runs(chars: &[char]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !classify(chars[i]).is_strong() {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i + 1;
        let mut strong = 1usize;
        let mut other = 0usize;
        let mut j = i + 1;
        while j < chars.len() {
            let cl = classify(chars[j]);
            if cl == CharClass::Ascii && chars[j] != ' ' {
                break;
            }
            if cl.is_strong() {
                strong += 1;
                end = j + 1;
            } else {
                other += 1;
                if other > strong + 1 {
                    break;
                }
            }
            j += 1;
        }
        out.push((start, end));
        i = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strong_evidence_in_garbled_lines_only() {
        assert!(has_strong_evidence("地域のከᵝな୺体の㐃ᦠ"));
        assert!(!has_strong_evidence("地域の多様な主体の連携を通じた"));
        assert!(!has_strong_evidence("plain ascii"));
    }

    #[test]
    fn strong_runs_cover_the_garbage() {
        let chars: Vec<char> = "地域のከᵝな୺体".chars().collect();
        let runs = strong_runs(&chars);
        assert_eq!(runs, vec![(3, 7)]);
    }
}
