//! Table rules: what a `block` or `glyph` statement says, and their expansion into the
//! flat glyph-ID arrays of glyphmend's `FontTable`.

use crate::error::{Error, Result};
use crate::repertoire::Repertoire;

/// Glyph IDs are 16-bit in TrueType; tables never exceed this.
pub const MAX_GID: u32 = 0xFFFF;

/// What a rule says about glyph IDs.
#[derive(Debug, Clone, PartialEq)]
pub enum RuleKind {
    /// Members `c` of `repertoire` in the block `first..=last` (by code point, or by rank
    /// in a repertoire with its own order; see [`crate::repertoire`]) have glyph ID `rank(c) + offset`.
    Block {
        /// Name of the repertoire (the `order=` field), e.g. `unicode`.
        repertoire: &'static str,
        /// Glyph ID of a member minus its rank.
        offset: i64,
        /// First character of the block.
        first: char,
        /// Last character of the block (inclusive).
        last: char,
    },
    /// One glyph.
    Glyph {
        /// Its glyph ID.
        gid: u32,
        /// The character it draws.
        ch: char,
    },
}

/// A rule with its provenance.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// What the rule says.
    pub kind: RuleKind,
    /// 0..=1; entries below the repair threshold are reported, not applied.
    pub confidence: f32,
    /// How the rule was derived: `anchors`, `font-file`, `tounicode`, `context`, `decipher`.
    pub source: String,
    /// Free text for the reviewer: anchors used, votes, conflicts.
    pub evidence: String,
}

impl Rule {
    /// The same block over `first..=last` (same repertoire and offset), with `note`
    /// appended to the evidence; `None` for a glyph rule. Used where a fitted block is
    /// clipped or split.
    pub fn with_chars(&self, first: char, last: char, note: &str) -> Option<Rule> {
        let RuleKind::Block {
            repertoire, offset, ..
        } = self.kind
        else {
            return None;
        };
        Some(Rule {
            kind: RuleKind::Block {
                repertoire,
                offset,
                first,
                last,
            },
            confidence: self.confidence,
            source: self.source.clone(),
            evidence: format!("{}{note}", self.evidence),
        })
    }

    /// Every (glyph ID, character) this rule reads, in glyph-ID order; an unknown
    /// repertoire is an error.
    pub fn readings(&self) -> Result<Vec<(u32, char)>> {
        match &self.kind {
            RuleKind::Glyph { gid, ch } => Ok(vec![(*gid, *ch)]),
            RuleKind::Block {
                repertoire,
                offset,
                first,
                last,
            } => {
                let r = Repertoire::by_name(repertoire)?;
                let Some((lo, hi)) = r.rank_range(*first, *last) else {
                    return Ok(Vec::new());
                };
                Ok((lo..=hi)
                    .filter_map(|rank| {
                        let ch = r.at(rank)?;
                        let gid = rank as i64 + offset;
                        (0..=MAX_GID as i64)
                            .contains(&gid)
                            .then_some((gid as u32, ch))
                    })
                    .collect())
            }
        }
    }

    /// The glyph-ID range this rule covers (inclusive), if any member exists.
    pub fn gid_range(&self) -> Option<(u32, u32)> {
        match &self.kind {
            RuleKind::Glyph { gid, .. } => Some((*gid, *gid)),
            RuleKind::Block {
                repertoire,
                offset,
                first,
                last,
            } => {
                let r = Repertoire::by_name(repertoire).ok()?;
                let (lo, hi) = r.rank_range(*first, *last)?;
                let a = lo as i64 + offset;
                let b = hi as i64 + offset;
                (a >= 0 && b <= MAX_GID as i64).then_some((a as u32, b as u32))
            }
        }
    }
}

/// Expands rules into `(map, rule_of)`: glyph ID → char as u32 (0 = no entry) and glyph ID
/// → index of the rule behind it. Later glyph rules override blocks; blocks never override
/// an entry already set (a file lists blocks in order of trust). `name` names the table in
/// errors.
pub fn expand(name: &str, rules: &[Rule]) -> Result<(Vec<u32>, Vec<u16>)> {
    if rules.len() > u16::MAX as usize {
        return Err(Error::Other(format!(
            "table {name}: too many rules ({})",
            rules.len()
        )));
    }
    // Sized once: the highest glyph ID any rule reaches.
    let len = rules
        .iter()
        .filter_map(|r| r.gid_range())
        .map(|(_, hi)| hi as usize + 1)
        .max()
        .unwrap_or(0);
    let mut map = vec![0u32; len];
    let mut rule_of = vec![0u16; len];
    let mut set = |gid: u32, ch: char, idx: usize, overwrite: bool| {
        let g = gid as usize;
        if map.len() <= g {
            map.resize(g + 1, 0);
            rule_of.resize(g + 1, 0);
        }
        if overwrite || map[g] == 0 {
            map[g] = ch as u32;
            rule_of[g] = idx as u16;
        }
    };
    for (idx, rule) in rules.iter().enumerate() {
        if let RuleKind::Block { .. } = &rule.kind {
            for (gid, ch) in rule.readings()? {
                set(gid, ch, idx, false);
            }
        }
    }
    for (idx, rule) in rules.iter().enumerate() {
        if let RuleKind::Glyph { gid, ch } = rule.kind
            && gid <= MAX_GID
        {
            set(gid, ch, idx, true);
        }
    }
    // A block whose range ends in holes leaves trailing empty slots: trim them, as growing
    // glyph by glyph did (`len` and iteration stay the same either way).
    while map.last() == Some(&0) {
        map.pop();
        rule_of.pop();
    }
    Ok((map, rule_of))
}
