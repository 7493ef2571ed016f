//! Character repertoires that font glyph orders are modelled over.
//!
//! Office's Japanese fonts store their glyphs sorted by Unicode over a repertoire (the
//! characters the font covers). The glyph ID of a character is then its rank in the sorted
//! repertoire plus a block offset. A [`Repertoire`] is such an ordered list; `rank` and `at`
//! are inverse to each other on its members.
//!
//! Two kinds:
//! * *code-point order* (`unicode`, `cp932`, `cp932+jisx0213`): members sorted by code
//!   point, so a block `first..=last` is every member between two code points;
//! * *own order* (`jis0208`: JIS X 0208 row-cell order; `adobe-japan1`: CID order): a
//!   block `first..=last` is the ranks from `rank(first)` to `rank(last)`, both members.
//!   Ranks holding no member are holes (Adobe-Japan1's half-width, proportional and
//!   vertical variants: a character's rank is its default CID).
//!
//! Invariant: members are distinct and hold no C0 control (U+0000–001F); in code-point
//! order they are strictly increasing.

use crate::error::{Error, Result};
use std::sync::OnceLock;

/// A named, ordered character set.
#[derive(Debug, Clone)]
pub struct Repertoire {
    name: &'static str,
    /// Members by rank; `'\0'` marks a rank that holds no member (own order only).
    chars: Vec<char>,
    /// Own order only: the rank of each member, by code point; empty in code-point order.
    index: RankIndex,
}

/// Member → rank for an own-order repertoire. A direct table over the BMP (where all of
/// the shipped members but a few are) makes building it one pass and a lookup one load:
/// building the repertoire is on the path of every process that reads a table using it.
#[derive(Debug, Clone, Default)]
struct RankIndex {
    /// `rank + 1` of the BMP member with this code point, 0 for none; empty if the
    /// repertoire is in code-point order.
    bmp: Vec<u32>,
    /// (member, rank) of the members beyond the BMP, sorted by member.
    astral: Vec<(char, u32)>,
    /// Number of members.
    members: usize,
}

impl RankIndex {
    fn get(&self, c: char) -> Option<u32> {
        let u = c as usize;
        if u < 0x10000 {
            return self.bmp.get(u).and_then(|&r| r.checked_sub(1));
        }
        self.astral
            .binary_search_by_key(&c, |e| e.0)
            .ok()
            .map(|i| self.astral[i].1)
    }
}

/// Repertoire names accepted in table files, simplest first.
pub const NAMES: &[&str] = &[
    "unicode",
    "cp932",
    "cp932+jisx0213",
    "jis0208",
    "adobe-japan1",
];

impl Repertoire {
    /// The name used in table files.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Whether members are ranked by code point (else by the repertoire's own order).
    pub fn is_code_point_order(&self) -> bool {
        self.index.bmp.is_empty()
    }

    /// Rank of `c` (0-based), or `None` if `c` is not a member.
    pub fn rank(&self, c: char) -> Option<u32> {
        if self.name == "unicode" {
            return Some(c as u32);
        }
        if self.is_code_point_order() {
            return self.chars.binary_search(&c).ok().map(|i| i as u32);
        }
        self.index.get(c)
    }

    /// The member at `rank`.
    pub fn at(&self, rank: u32) -> Option<char> {
        if self.name == "unicode" {
            return char::from_u32(rank).filter(|c| is_assigned(*c));
        }
        self.chars
            .get(rank as usize)
            .copied()
            .filter(|c| *c != '\0')
    }

    /// Number of ranks (the whole BMP for `unicode`).
    pub fn len(&self) -> usize {
        if self.name == "unicode" {
            0x10000
        } else {
            self.chars.len()
        }
    }

    /// True if the repertoire has no ranks.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The ranks a block `first..=last` covers (see the module docs), or `None` if it
    /// covers no member.
    pub fn rank_range(&self, first: char, last: char) -> Option<(u32, u32)> {
        if self.name == "unicode" {
            return Some((first as u32, last as u32)).filter(|(a, b)| a <= b);
        }
        if !self.is_code_point_order() {
            let (lo, hi) = (self.rank(first)?, self.rank(last)?);
            return (lo <= hi).then_some((lo, hi));
        }
        // Members are sorted: the first member >= first and the last <= last.
        let lo = self.chars.partition_point(|c| *c < first);
        let hi = self.chars.partition_point(|c| *c <= last);
        (lo < hi).then_some((lo as u32, hi as u32 - 1))
    }

    /// Looks a repertoire up by its table-file name. Each is parsed on first use: a
    /// process that extracts one PDF pays only for the orders its tables use.
    pub fn by_name(name: &str) -> Result<&'static Repertoire> {
        static CELLS: [OnceLock<Repertoire>; NAMES.len()] =
            [const { OnceLock::new() }; NAMES.len()];
        let i = NAMES
            .iter()
            .position(|n| *n == name)
            .ok_or_else(|| Error::UnknownRepertoire(name.to_string()))?;
        Ok(CELLS[i].get_or_init(|| build(NAMES[i])))
    }
}

/// Every shipped repertoire (parsing those not used yet).
pub fn all() -> impl Iterator<Item = &'static Repertoire> {
    NAMES.iter().filter_map(|n| Repertoire::by_name(n).ok())
}

fn build(name: &'static str) -> Repertoire {
    let sorted = |chars| Repertoire {
        name,
        chars,
        index: RankIndex::default(),
    };
    match name {
        "cp932" => sorted(parse_ranges(include_str!(
            "../../../data/repertoires/cp932.txt"
        ))),
        "cp932+jisx0213" => {
            let mut union = parse_ranges(include_str!("../../../data/repertoires/cp932.txt"));
            union.extend(parse_ranges(include_str!(
                "../../../data/repertoires/jisx0213.txt"
            )));
            union.sort_unstable();
            union.dedup();
            sorted(union)
        }
        "jis0208" => own_order(
            name,
            parse_sequence(include_str!("../../../data/repertoires/jis0208.txt")),
        ),
        "adobe-japan1" => own_order(
            name,
            parse_sequence(include_str!("../../../data/repertoires/adobe-japan1.txt")),
        ),
        _ => sorted(Vec::new()), // "unicode": ranks are code points
    }
}

/// A repertoire in its own order; a repeated character (none in the shipped data) is a
/// member at its first rank, C0 controls are holes.
fn own_order(name: &'static str, mut chars: Vec<char>) -> Repertoire {
    // Ranks beyond u32 cannot occur: the shipped files have ~23k ranks, and `rank + 1`
    // is stored; a longer list is cut rather than wrapped.
    chars.truncate(u32::MAX as usize - 1);
    let mut index = RankIndex {
        bmp: vec![0; 0x10000],
        astral: Vec::new(),
        members: 0,
    };
    let mut astral_seen = std::collections::HashSet::new();
    for (rank, c) in chars.iter_mut().enumerate() {
        let u = *c as usize;
        let first = if u < 0x20 {
            false
        } else if u < 0x10000 {
            let slot = &mut index.bmp[u];
            let first = *slot == 0;
            if first {
                *slot = rank as u32 + 1;
            }
            first
        } else {
            let first = astral_seen.insert(*c);
            if first {
                index.astral.push((*c, rank as u32));
            }
            first
        };
        if first {
            index.members += 1;
        } else {
            *c = '\0';
        }
    }
    index.astral.sort_unstable();
    Repertoire { name, chars, index }
}

/// The data lines of a `data/repertoires/*.txt` file, trimmed (blank lines and `#`
/// comments dropped).
fn data_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// `XXXX` or `XXXX-YYYY` (hex, up to 8 digits each) → the inclusive range.
fn hex_range(line: &str) -> Option<(u32, u32)> {
    let hex = |s: &[u8]| -> Option<u32> {
        if s.is_empty() || s.len() > 8 {
            return None;
        }
        s.iter().try_fold(0u32, |v, &b| {
            let d = (b as char).to_digit(16)?;
            Some(v << 4 | d)
        })
    };
    let b = line.as_bytes();
    match b.iter().position(|&x| x == b'-') {
        Some(k) => Some((hex(&b[..k])?, hex(&b[k + 1..])?)),
        None => hex(b).map(|v| (v, v)),
    }
}

/// Parses the ordered format of `data/repertoires/{jis0208,adobe-japan1}.txt`: per line
/// `XXXX` (one rank), `XXXX-YYYY` (consecutive ranks holding consecutive code points) or
/// `.*N` (N ranks holding no character); `#` comments. Shipped data: a malformed line is
/// skipped (the exhaustive tests catch it) rather than panicking.
fn parse_sequence(text: &str) -> Vec<char> {
    let mut out = Vec::new();
    for line in data_lines(text) {
        if let Some(n) = line.strip_prefix(".*") {
            let n: usize = n.parse().unwrap_or(0);
            out.extend(std::iter::repeat_n('\0', n));
            continue;
        }
        let Some((a, b)) = hex_range(line) else {
            continue;
        };
        out.extend((a..=b).map(|u| char::from_u32(u).unwrap_or('\0')));
    }
    out
}

/// Parses the `data/repertoires/*.txt` format: `# comment`, `XXXX` or `XXXX-YYYY` (hex).
/// The files are shipped with the crate, so a malformed line is a build defect; it is
/// skipped rather than panicking, and the exhaustive tests catch it.
fn parse_ranges(text: &str) -> Vec<char> {
    let mut out = Vec::new();
    for line in data_lines(text) {
        let Some((a, b)) = hex_range(line) else {
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
        for r in all().filter(|r| r.name != "unicode") {
            let mut members = 0;
            for (i, c) in r.chars.iter().enumerate() {
                if *c == '\0' {
                    assert!(!r.is_code_point_order(), "{}: hole at {i}", r.name);
                    assert_eq!(r.at(i as u32), None);
                    continue;
                }
                members += 1;
                assert_eq!(r.rank(*c), Some(i as u32), "{}: {c}", r.name);
                assert_eq!(r.at(i as u32), Some(*c));
                assert!(*c as u32 >= 0x20);
            }
            if r.is_code_point_order() {
                assert!(r.chars.windows(2).all(|w| w[0] < w[1]));
            } else {
                assert_eq!(r.index.members, members, "{}", r.name);
            }
        }
    }

    #[test]
    fn jis_row_cell_order() {
        // JIS X 0208: 6,879 characters; row 1 starts 　、。, row 4 is hiragana ぁ…ん
        // (83 cells), row 16 starts 亜, level 2 starts 弌 at row 48, the last is 熙 (84-06).
        let j = Repertoire::by_name("jis0208").unwrap();
        assert!(!j.is_code_point_order());
        assert_eq!(j.index.members, 6_879);
        assert_eq!(j.at(0), Some('\u{3000}'));
        assert_eq!(j.at(1), Some('、'));
        let a = j.rank('ぁ').unwrap();
        assert_eq!(j.rank('ん'), Some(a + 82));
        assert_eq!(j.rank('ァ').unwrap(), a + 83);
        assert!(j.rank('亜').unwrap() < j.rank('弌').unwrap());
        assert_eq!(j.rank('熙'), Some(6_878));
        // Not by code point: 亜 (U+4E9C) ranks before 一 (U+4E00).
        assert!(j.rank('亜') < j.rank('一'));
        // A block is a rank range.
        assert_eq!(j.rank_range('ぁ', 'ん'), Some((a, a + 82)));
        assert_eq!(j.rank_range('ん', 'ぁ'), None);
    }

    #[test]
    fn adobe_japan1_cid_order() {
        // CID 1 is the space, 34 'A', 842 ぁ (the full-width default; the half-width ぁ at
        // CID 517 is no member), 1125 亜 (Adobe-Japan1-7: 23,060 CIDs).
        let aj = Repertoire::by_name("adobe-japan1").unwrap();
        assert_eq!(aj.at(1), Some(' '));
        assert_eq!(aj.rank('A'), Some(34));
        assert_eq!(aj.rank('ぁ'), Some(842));
        assert_eq!(aj.at(517), None);
        assert_eq!(aj.rank('亜'), Some(1125));
        assert_eq!(aj.len(), 23_060);
        assert!(aj.index.members > 15_000 && aj.index.members < aj.len());
    }

    #[test]
    fn code_point_blocks_cover_members_between_two_code_points() {
        let c = Repertoire::by_name("cp932").unwrap();
        // U+3040 is no member: the range still starts at ぁ.
        assert_eq!(
            c.rank_range('\u{3040}', 'ん'),
            c.rank('ぁ').zip(c.rank('ん'))
        );
        assert_eq!(c.rank_range('ん', 'ぁ'), None);
        let u = Repertoire::by_name("unicode").unwrap();
        assert_eq!(u.rank_range('ぁ', 'ん'), Some((0x3041, 0x3093)));
    }

    #[test]
    fn own_order_index_keeps_first_ranks_and_finds_astral_members() {
        let r = own_order(
            "test",
            parse_sequence("# c\n0041-0043\n.*2\n\n0042\n20000\n0009\n4E00\n20000\nzz\n"),
        );
        // A B C _ _ B(repeat) U+20000 \t 一 U+20000(repeat); `zz` is skipped.
        assert_eq!(r.len(), 10);
        assert!(!r.is_code_point_order());
        assert_eq!(r.index.members, 5);
        assert_eq!(r.rank('B'), Some(1));
        assert_eq!(r.at(5), None, "a repeat is a hole");
        assert_eq!(r.rank('\u{20000}'), Some(6));
        assert_eq!(r.at(9), None);
        assert_eq!(r.at(7), None, "controls are holes");
        assert_eq!(r.rank('\t'), None);
        assert_eq!(r.rank('一'), Some(8));
        assert_eq!(r.rank('D'), None);
        assert_eq!(r.rank('\u{20001}'), None);
        assert_eq!(r.rank_range('B', '一'), Some((1, 8)));
    }

    #[test]
    fn hex_lines() {
        assert_eq!(hex_range("4E00"), Some((0x4E00, 0x4E00)));
        assert_eq!(hex_range("0020-007e"), Some((0x20, 0x7E)));
        assert_eq!(hex_range("10FFFF"), Some((0x10FFFF, 0x10FFFF)));
        for bad in [
            "",
            "-",
            "4E00-",
            "-4E00",
            "4G00",
            "+4E00",
            "123456789",
            "４",
        ] {
            assert_eq!(hex_range(bad), None, "{bad:?}");
        }
        assert_eq!(
            parse_ranges("0041-0043\n# x\n0042\n0001-0020\nxyz\n"),
            vec![' ', 'A', 'B', 'C']
        );
    }

    #[test]
    fn unknown_name_is_an_error() {
        assert!(Repertoire::by_name("big5").is_err());
    }
}
