//! Character repertoires that font glyph orders are modelled over.
//!
//! Office's Japanese fonts store their glyphs sorted by Unicode over a repertoire (the
//! characters the font covers). The glyph ID of a character is then its rank in the sorted
//! repertoire plus a block offset. A [`Repertoire`] is such a sorted list; `rank` and `at` are
//! inverse to each other on its members.
//!
//! Invariant: `chars` is strictly increasing and holds no C0 control (U+0000–001F).

use crate::error::{Error, Result};
use std::sync::OnceLock;

/// A named, sorted character set.
#[derive(Debug, Clone)]
pub struct Repertoire {
    name: &'static str,
    chars: Vec<char>,
}

/// Repertoire names accepted in table files.
pub const NAMES: &[&str] = &["unicode", "cp932", "cp932+jisx0213"];

impl Repertoire {
    /// The name used in table files.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Rank of `c` (0-based), or `None` if `c` is not a member.
    pub fn rank(&self, c: char) -> Option<u32> {
        if self.name == "unicode" {
            return Some(c as u32);
        }
        self.chars.binary_search(&c).ok().map(|i| i as u32)
    }

    /// The member at `rank`.
    pub fn at(&self, rank: u32) -> Option<char> {
        if self.name == "unicode" {
            return char::from_u32(rank).filter(|c| is_assigned(*c));
        }
        self.chars.get(rank as usize).copied()
    }

    /// Number of members (the whole BMP for `unicode`).
    pub fn len(&self) -> usize {
        if self.name == "unicode" {
            0x10000
        } else {
            self.chars.len()
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Looks a repertoire up by its table-file name.
    pub fn by_name(name: &str) -> Result<&'static Repertoire> {
        let all = all();
        all.iter()
            .find(|r| r.name == name)
            .ok_or_else(|| Error::UnknownRepertoire(name.to_string()))
    }
}

/// The shipped repertoires, parsed once.
pub fn all() -> &'static [Repertoire] {
    static ALL: OnceLock<Vec<Repertoire>> = OnceLock::new();
    ALL.get_or_init(|| {
        let cp932 = parse_ranges(include_str!("../../data/repertoires/cp932.txt"));
        let jis = parse_ranges(include_str!("../../data/repertoires/jisx0213.txt"));
        let mut union: Vec<char> = cp932.iter().chain(jis.iter()).copied().collect();
        union.sort_unstable();
        union.dedup();
        vec![
            Repertoire {
                name: "unicode",
                chars: Vec::new(),
            },
            Repertoire {
                name: "cp932",
                chars: cp932,
            },
            Repertoire {
                name: "cp932+jisx0213",
                chars: union,
            },
        ]
    })
}

/// Parses the `data/repertoires/*.txt` format: `# comment`, `XXXX` or `XXXX-YYYY` (hex).
/// The files are shipped with the crate, so a malformed line is a build defect; it is
/// skipped rather than panicking, and the exhaustive tests catch it.
fn parse_ranges(text: &str) -> Vec<char> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (a, b) = match line.split_once('-') {
            Some((a, b)) => (a, b),
            None => (line, line),
        };
        let (Ok(a), Ok(b)) = (u32::from_str_radix(a, 16), u32::from_str_radix(b, 16)) else {
            continue;
        };
        out.extend(
            (a..=b)
                .filter_map(char::from_u32)
                .filter(|c| (*c as u32) >= 0x20),
        );
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Whether `c` is an assigned, non-surrogate, non-private-use code point of the BMP
/// blocks a Japanese font covers. Only used for the `unicode` repertoire, where a block
/// offset maps glyph IDs onto consecutive code points: holes there are unassigned.
fn is_assigned(c: char) -> bool {
    let u = c as u32;
    // Kana holes that Office fonts skip: U+3097–3098 and U+3040.
    !(u == 0x3040 || u == 0x3097 || u == 0x3098 || (0xE000..=0xF8FF).contains(&u) || u < 0x20)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_match_the_seed_notes() {
        // NOTES.md: S = sorted(CP932 ∪ JIS X 0213) has 16,449 members.
        assert_eq!(Repertoire::by_name("cp932+jisx0213").unwrap().len(), 16_449);
        assert_eq!(Repertoire::by_name("cp932").unwrap().len(), 9_376);
    }

    #[test]
    fn seed_anchors_give_the_documented_offsets() {
        let s = Repertoire::by_name("cp932+jisx0213").unwrap();
        // font A: 一 = 0x0B4D, 支 = 0x1A2D, 援 = 0x197C, 高 = 0x39D7, all rank + 1472
        for (c, gid) in [
            ('一', 0x0B4Du32),
            ('支', 0x1A2D),
            ('援', 0x197C),
            ('高', 0x39D7),
        ] {
            assert_eq!(s.rank(c).unwrap() + 1472, gid, "{c}");
        }
        // font C: rank in CP932 − 6
        let c932 = Repertoire::by_name("cp932").unwrap();
        for (c, gid) in [
            ('す', 0x1A2u32),
            ('デ', 0x207),
            ('室', 0x734),
            ('調', 0x16E6),
        ] {
            assert_eq!(c932.rank(c).unwrap() - 6, gid, "{c}");
        }
    }

    #[test]
    fn rank_and_at_are_inverse_on_every_member() {
        for r in all().iter().filter(|r| r.name != "unicode") {
            for (i, c) in r.chars.iter().enumerate() {
                assert_eq!(r.rank(*c), Some(i as u32));
                assert_eq!(r.at(i as u32), Some(*c));
            }
            assert!(r.chars.windows(2).all(|w| w[0] < w[1]));
        }
    }

    #[test]
    fn unknown_name_is_an_error() {
        assert!(Repertoire::by_name("big5").is_err());
    }
}
