//! Undoing bidi reordering done by extractors.
//!
//! Garbled kana of many fonts land in U+0800–08FF (Samaritan, Mandaic, Syriac supplement,
//! Arabic extended), which are right-to-left. pdftotext, pypdf and pdf.js then run the
//! Unicode Bidi Algorithm and print runs — or whole lines — reversed. The algorithm is
//! not invertible in general, so we *generate* candidate logical strings with a simplified
//! inverse under a few hypotheses (paragraph direction, how non-spacing marks attached,
//! whether space-separated items were reordered separately) and keep only those that the
//! real algorithm (`unicode-bidi`) maps back to the observed line exactly. Among the
//! survivors the language model chooses after decoding.

use unicode_bidi::{BidiClass, BidiInfo, bidi_class};

/// A candidate logical order of a line: `order[k]` is the input column of output char `k`.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// Input column of each output character, in output order.
    pub order: Vec<usize>,
    /// How it was obtained, for the explanation (`identity`, `bidi:whole`, `bidi:items`).
    pub how: &'static str,
    /// log10 prior. The identity of a line that a bidi-aware extractor could not have
    /// printed as it is (the algorithm would have reordered it) is less likely: only
    /// extractors without bidi (PyMuPDF, mutool) produce such lines.
    pub prior: f32,
}

/// Whether any character of the line is strong right-to-left or an Arabic number.
pub fn has_rtl(chars: &[char]) -> bool {
    chars.iter().any(|&c| may_be_rtl(c) && is_rtl(c))
}

fn is_rtl(c: char) -> bool {
    matches!(bidi_class(c), BidiClass::R | BidiClass::AL | BidiClass::AN)
}

/// A cheap superset of [`is_rtl`] (tested over every scalar value): the bidi table is a
/// binary search, and most lines hold no character of these ranges at all.
fn may_be_rtl(c: char) -> bool {
    matches!(c as u32,
        0x0590..=0x08FF | 0x200F | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF | 0x10800..=0x10FFF
        | 0x1E800..=0x1EFFF)
}

/// What a bidi-aware extractor shows for `logical`: one paragraph, direction from its first
/// strong character (rules P2/P3), reordered for display (L1–L2).
pub fn forward(logical: &str) -> String {
    let info = BidiInfo::new(logical, None);
    let mut out = String::with_capacity(logical.len());
    for para in &info.paragraphs {
        let line = para.range.clone();
        out.push_str(&info.reorder_line(para, line));
    }
    out
}

/// `forward` applied to each space-separated item on its own (extractors that reorder
/// per text item).
pub fn forward_items(logical: &str) -> String {
    logical
        .split(' ')
        .map(forward)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Candidate logical orders of `visual`, each verified to reproduce it. The identity is
/// always first (the extractor may not have reordered at all).
pub fn candidates(visual: &[char]) -> Vec<Candidate> {
    let mut out = vec![Candidate {
        order: (0..visual.len()).collect(),
        how: "identity",
        prior: 0.0,
    }];
    if !has_rtl(visual) {
        return out;
    }
    let vis: String = visual.iter().collect();
    // A line without a space is one item: `forward_items` of it (and of any reordering of
    // it) is `forward`, so each order is verified once, whichever way it was proposed.
    let spaced = visual.contains(&' ');
    if forward(&vis) != vis && (!spaced || forward_items(&vis) != vis) {
        out[0].prior = -2.0;
    }
    // (per-item check?, order) pairs that failed verification.
    let mut rejected: Vec<(bool, Vec<usize>)> = Vec::new();
    for items in [false, true] {
        for rtl in [false, true] {
            for nsm_follows in [false, true] {
                let order = if items {
                    inverse_items(visual, rtl, nsm_follows)
                } else {
                    inverse(visual, rtl, nsm_follows)
                };
                // Hypotheses often give the same order (no marks, one item): verify once.
                if out.iter().any(|c| c.order == order)
                    || rejected
                        .iter()
                        .any(|(it, o)| (*it == items || !spaced) && *o == order)
                {
                    continue;
                }
                let logical: String = order.iter().map(|&i| visual[i]).collect();
                let check = if items {
                    forward_items(&logical)
                } else {
                    forward(&logical)
                };
                if check == vis {
                    out.push(Candidate {
                        order,
                        how: if items { "bidi:items" } else { "bidi:whole" },
                        prior: 0.0,
                    });
                } else {
                    rejected.push((items, order));
                }
            }
        }
    }
    out
}

fn inverse_items(visual: &[char], rtl: bool, nsm_follows: bool) -> Vec<usize> {
    let mut order = Vec::with_capacity(visual.len());
    let mut start = 0;
    for i in 0..=visual.len() {
        if i == visual.len() || visual[i] == ' ' {
            let sub = inverse(&visual[start..i], rtl, nsm_follows);
            order.extend(sub.into_iter().map(|k| k + start));
            if i < visual.len() {
                order.push(i);
            }
            start = i + 1;
        }
    }
    order
}

#[derive(Clone, Copy, PartialEq)]
enum Dir {
    L,
    R,
    N,
    Nsm,
}

/// A simplified inverse: resolve each visual character to L or R (neutrals between equal
/// strong directions take it, others the paragraph direction; non-spacing marks take the
/// class of the character before or — because the run was reversed — after them), assign
/// levels, and reverse runs as rule L2 does (reversal is its own inverse).
fn inverse(visual: &[char], rtl: bool, nsm_follows: bool) -> Vec<usize> {
    let n = visual.len();
    let mut dirs: Vec<Dir> = visual
        .iter()
        .map(|&c| match bidi_class(c) {
            BidiClass::L | BidiClass::EN => Dir::L,
            BidiClass::R | BidiClass::AL | BidiClass::AN => Dir::R,
            BidiClass::NSM => Dir::Nsm,
            _ => Dir::N,
        })
        .collect();
    // Non-spacing marks.
    for i in 0..n {
        if dirs[i] != Dir::Nsm {
            continue;
        }
        let pick = if nsm_follows {
            (i + 1..n).map(|j| dirs[j]).find(|d| *d != Dir::Nsm)
        } else {
            (0..i).rev().map(|j| dirs[j]).find(|d| *d != Dir::Nsm)
        };
        dirs[i] = match pick {
            Some(Dir::R) => Dir::R,
            Some(Dir::L) => Dir::L,
            _ => Dir::N,
        };
    }
    let para = if rtl { Dir::R } else { Dir::L };
    // Neutrals.
    let mut resolved = dirs.clone();
    for i in 0..n {
        if dirs[i] != Dir::N {
            continue;
        }
        let before = (0..i)
            .rev()
            .map(|j| dirs[j])
            .find(|d| *d != Dir::N)
            .unwrap_or(para);
        let after = (i + 1..n)
            .map(|j| dirs[j])
            .find(|d| *d != Dir::N)
            .unwrap_or(para);
        resolved[i] = if before == after { before } else { para };
    }
    let levels: Vec<u8> = resolved
        .iter()
        .map(|d| match (rtl, d) {
            (false, Dir::R) => 1,
            (false, _) => 0,
            (true, Dir::L) => 2,
            (true, _) => 1,
        })
        .collect();
    // Rule L2 on the visual sequence; reversing level runs is its own inverse.
    let mut order: Vec<usize> = (0..n).collect();
    let max = levels.iter().copied().max().unwrap_or(0);
    for level in (1..=max).rev() {
        let mut i = 0;
        while i < n {
            if levels[order[i]] >= level {
                let start = i;
                while i < n && levels[order[i]] >= level {
                    i += 1;
                }
                order[start..i].reverse();
            } else {
                i += 1;
            }
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    fn logical_strings(visual: &str) -> Vec<String> {
        let v: Vec<char> = visual.chars().collect();
        candidates(&v)
            .into_iter()
            .map(|c| c.order.iter().map(|&i| v[i]).collect())
            .collect()
    }

    #[test]
    fn ltr_line_with_one_rtl_run() {
        // dev-a 62: "関（特に地方公共団体）のみならず" — らず (ࡽࡎ) reversed by the extractor.
        let logical = "㛵㸦≉に地方公共団体㸧のみなࡽࡎ、㹌㹎㹍➼の⌧ሙ";
        let visual = forward(logical);
        assert_ne!(visual, logical);
        assert!(logical_strings(&visual).contains(&logical.to_string()));
    }

    #[test]
    fn rtl_paragraph_lines_are_recovered() {
        // dev-a 53: first strong character ࡃ (く) is right-to-left: the whole line flips.
        let visual = "ࣟࣉのࡑ、りに㛵するඛ㥑ⓗな取組への支援を⾜いࡃ";
        let logical = "ࡃりに㛵するඛ㥑ⓗな取組への支援を⾜い、ࡑのࣉࣟ";
        assert_eq!(forward(logical), visual);
        assert!(logical_strings(visual).contains(&logical.to_string()));
    }

    #[test]
    fn every_candidate_reproduces_the_visual_line() {
        for visual in [
            "。඲国ᒎ㛤をᅗります、ࡵや成ᯝを取りまとࢫࢭ",
            "ࠐ るᏙ⊂・Ꮩ❧のண防ࡅ᪥ᖖ⏕ά⎔ቃにお、ࡵのたࡇ",
        ] {
            let v: Vec<char> = visual.chars().collect();
            for c in candidates(&v).into_iter().skip(1) {
                let logical: String = c.order.iter().map(|&i| v[i]).collect();
                let back = if c.how == "bidi:items" {
                    forward_items(&logical)
                } else {
                    forward(&logical)
                };
                assert_eq!(back, visual);
            }
        }
    }

    #[test]
    fn rtl_prefilter_holds_every_rtl_character() {
        let missed: Vec<char> = (0..=0x10FFFFu32)
            .filter_map(char::from_u32)
            .filter(|&c| is_rtl(c) && !may_be_rtl(c))
            .collect();
        assert!(missed.is_empty(), "{missed:?}");
        // And it does filter: the scripts of ordinary Japanese text are outside it.
        assert!(!"ア字、ａA1".chars().any(may_be_rtl));
    }

    #[test]
    fn lines_without_rtl_have_only_the_identity() {
        let v: Vec<char> = "地域のከᵝな୺体".chars().collect();
        assert_eq!(candidates(&v).len(), 1);
    }

    /// `candidates` as it was before lines without a space verified each order once:
    /// every hypothesis verified under its own check.
    fn candidates_reference(visual: &[char]) -> Vec<Candidate> {
        let mut out = vec![Candidate {
            order: (0..visual.len()).collect(),
            how: "identity",
            prior: 0.0,
        }];
        if !has_rtl(visual) {
            return out;
        }
        let vis: String = visual.iter().collect();
        if forward(&vis) != vis && forward_items(&vis) != vis {
            out[0].prior = -2.0;
        }
        let mut rejected: Vec<(bool, Vec<usize>)> = Vec::new();
        for items in [false, true] {
            for rtl in [false, true] {
                for nsm_follows in [false, true] {
                    let order = if items {
                        inverse_items(visual, rtl, nsm_follows)
                    } else {
                        inverse(visual, rtl, nsm_follows)
                    };
                    if out.iter().any(|c| c.order == order)
                        || rejected.iter().any(|(it, o)| *it == items && *o == order)
                    {
                        continue;
                    }
                    let logical: String = order.iter().map(|&i| visual[i]).collect();
                    let check = if items {
                        forward_items(&logical)
                    } else {
                        forward(&logical)
                    };
                    if check == vis {
                        out.push(Candidate {
                            order,
                            how: if items { "bidi:items" } else { "bidi:whole" },
                            prior: 0.0,
                        });
                    } else {
                        rejected.push((items, order));
                    }
                }
            }
        }
        out
    }

    #[test]
    fn candidates_equal_verifying_every_hypothesis() {
        // Lines drawn (fixed seed) from the classes that matter: right-to-left letters and
        // Arabic digits, marks, left-to-right kana and kanji, neutrals, digits and spaces;
        // both as drawn and as a bidi-aware extractor would print them.
        let pool: Vec<char> =
            "ࡃࡑࣉࣟ׆אבعربي٣٤\u{0651}\u{05B4}\u{0300}あのアイ支援地域ABC12 ,.、。（）-"
                .chars()
                .collect();
        let mut state = 0x5EED_u64;
        let mut next = |n: usize| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 33) as usize) % n
        };
        let mut differing = 0;
        for _ in 0..3000 {
            let len = 1 + next(14);
            let line: String = (0..len).map(|_| pool[next(pool.len())]).collect();
            for visual in [line.clone(), forward(&line), forward_items(&line)] {
                let v: Vec<char> = visual.chars().collect();
                let got = candidates(&v);
                assert_eq!(got, candidates_reference(&v), "{visual:?}");
                differing += usize::from(got.len() > 1);
            }
        }
        assert!(
            differing > 1000,
            "too few lines had bidi candidates: {differing}"
        );
    }
}
