//! Learning tables from a PDF corpus: GID → Unicode votes across documents.
//!
//! Office subsets keep the font's original glyph IDs, so a glyph ID means the same
//! character in every document that embeds the same font. One document's trusted ToUnicode
//! (or its subset's own cmap) therefore repairs another document's missing one.
//!
//! Method:
//! 1. Per document, every font the content uses is keyed by its canonical BaseFont
//!    ([`canonical_basefont`](crate::tables::canonical_basefont): no subset tag, CMap or
//!    style suffix) plus the embedded program's glyph count (the fingerprint; Office keeps
//!    numGlyphs). Options pool the versions of a font, and fonts measured to share glyph
//!    IDs (a family), into one table.
//! 2. Votes: each *trusted* single-character ToUnicode entry (identity maps and unusable
//!    entries are ignored, Kangxi/compatibility aliases are unaliased) and each entry of the
//!    embedded program's own cmap gives `gid → char`. A document votes once per glyph.
//!    A subset that numbers its glyphs 1…N (DocuWorks) is left out: its IDs are its own.
//! 3. Outlines: where two documents embed the same glyph ID, their outline bytes must be
//!    equal (hashed). A document whose font disagrees on any shared glyph is a different
//!    font under the same name: it is reported and kept out of the votes.
//! 4. Table: per glyph the majority character; confidence = its share of the documents
//!    voting (a tie is in doubt, < 0.5). Conflicts are listed in the report.
//! 5. Generalisation (optional): the voted glyphs are anchors for the repertoire-order
//!    fitter ([`super::anchors`]); a fitted block is kept only where ≥ 90 % of the votes
//!    in its glyph range agree with it, and then fills glyphs no document voted on, at the
//!    fitter's confidence (< 1). Votes always win over fitted entries.
//!
//! Invariant: the result does not depend on the order documents are added in (documents
//! are keyed by name and every map is ordered).

use super::anchors::{Anchor, fit};
use crate::error::Result;
use crate::tables::{FontTable, Rule, RuleKind};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Where a vote came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum VoteSource {
    /// The PDF font's ToUnicode CMap (preferred when both vote).
    ToUnicode,
    /// The cmap table of the embedded font program.
    FontCmap,
}

/// The identity of a font across documents.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FontKey {
    /// BaseFont without subset tag.
    pub basefont: String,
    /// numGlyphs of the embedded program, when there is one.
    pub glyphs: Option<u32>,
}

impl std::fmt::Display for FontKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.glyphs {
            Some(n) => write!(f, "{} (glyphs={n})", self.basefont),
            None => write!(f, "{} (no embedded program)", self.basefont),
        }
    }
}

/// One document's view of one font.
#[derive(Debug, Clone, Default)]
struct DocFont {
    votes: BTreeMap<u32, (char, VoteSource)>,
    outlines: HashMap<u32, u64>,
}

/// Votes for one font over the corpus.
#[derive(Debug, Clone, Default)]
pub struct FontVotes {
    /// gid → char → documents voting for it (with the source of their vote).
    pub votes: BTreeMap<u32, BTreeMap<char, BTreeSet<(String, VoteSource)>>>,
    /// Documents whose font embeds the key's font.
    pub documents: BTreeSet<String>,
    /// Documents left out: same name and glyph count, different outlines.
    pub outline_conflicts: BTreeMap<String, usize>,
    /// Documents left out: their votes contradict the others' (glyphs shared, contradicted).
    pub vote_conflicts: BTreeMap<String, (usize, usize)>,
}

/// What the corpus pass collected.
#[derive(Debug, Default)]
pub struct CorpusVotes {
    /// Per document, per font (documents ordered by name: order-independent result).
    docs: BTreeMap<String, BTreeMap<FontKey, DocFont>>,
    /// Inputs that could not be read, with the reason.
    pub failures: Vec<(String, String)>,
    /// Warnings met reading the inputs (e.g. subsets that renumber their glyphs).
    pub warnings: Vec<String>,
}

/// Options of table building.
#[derive(Debug, Clone)]
pub struct VoteOptions {
    /// Fill unvoted glyphs from repertoire-order blocks fitted to the votes.
    pub generalize: bool,
    /// Least share of the votes inside a fitted block's range that must agree with it.
    pub min_block_agreement: f64,
    /// Fonts known (measured: [`CorpusVotes::family_agreement`]) to share glyph IDs, pooled
    /// into one table named after the first member and bound to all of them.
    pub families: Vec<Vec<String>>,
    /// Pool the versions of a font (different glyph counts) into one table; the fingerprint
    /// is then the largest glyph count. Outlines are compared only within one version.
    pub pool_versions: bool,
    /// Pooled fonts (first members of families) whose votes may confirm each other's
    /// fitted entries in doubt: an extrapolated block entry (< 0.5) becomes
    /// [`CORROBORATED_CONFIDENCE`] where the other font's documents vote the same character
    /// on the same glyph ID. Never adds an entry no block predicts, never overrides a vote.
    pub corroborate: Vec<Vec<String>>,
    /// Mark the tables usable by plain-text `repair` (header `text=yes`, the default of the
    /// format) instead of PDF-only (`text=no`). Only for fonts whose glyph IDs are known to
    /// be what other extractors print as code points (the derivation script decides, and
    /// the text-repair tests measure it); text repair still applies a table only where the
    /// document-level decision accepts it.
    pub text: bool,
}

/// Confidence of an extrapolated entry that a sibling font's votes confirm.
pub const CORROBORATED_CONFIDENCE: f32 = 0.8;

impl Default for VoteOptions {
    fn default() -> Self {
        VoteOptions {
            generalize: true,
            min_block_agreement: 0.9,
            families: Vec::new(),
            pool_versions: false,
            corroborate: Vec::new(),
            text: false,
        }
    }
}

impl VoteOptions {
    /// The key a document's font is pooled under.
    fn pooled(&self, key: &FontKey) -> FontKey {
        let basefont = self
            .families
            .iter()
            .find(|f| f.contains(&key.basefont))
            .and_then(|f| f.first())
            .unwrap_or(&key.basefont)
            .clone();
        FontKey {
            basefont,
            glyphs: if self.pool_versions { None } else { key.glyphs },
        }
    }

    /// The BaseFonts a pooled key's table binds to.
    fn members(&self, key: &FontKey) -> Vec<String> {
        self.families
            .iter()
            .find(|f| f.first() == Some(&key.basefont))
            .cloned()
            .unwrap_or_else(|| vec![key.basefont.clone()])
    }
}

/// Contradicted votes that mark a document's font as another font (see `pooled_votes`).
const MAX_CONTRADICTIONS: usize = 5;

/// Leave-one-document-out figures for one pooled font (see [`CorpusVotes::leave_one_out`]).
#[derive(Debug, Clone, Default)]
pub struct HeldOut {
    /// The document held out.
    pub document: String,
    /// Glyphs it votes on.
    pub voted: usize,
    /// Of those, glyphs the table fitted without it predicts (at or above the floor).
    pub predicted: usize,
    /// Of the predicted, glyphs whose prediction equals the document's vote.
    pub agreed: usize,
    /// Up to ten disagreements: gid, predicted, voted.
    pub wrong: Vec<(u32, char, char)>,
}

/// A learned font: its table and the figures behind it.
#[derive(Debug, Clone)]
pub struct LearnedFont {
    /// The font this table is for.
    pub key: FontKey,
    /// The learned table.
    pub table: FontTable,
    /// Documents whose votes went into it.
    pub documents: usize,
    /// Glyphs with at least one vote.
    pub voted: usize,
    /// Glyphs all voting documents agree on.
    pub unanimous: usize,
    /// Glyphs with disagreeing votes: gid → (char, documents) best first.
    pub conflicts: BTreeMap<u32, Vec<(char, usize)>>,
    /// Glyphs filled by fitted blocks (no document voted on them).
    pub generalized: usize,
    /// Documents left out because their outlines differ (number of differing glyphs; 0 for a
    /// subset under half the size of the largest).
    pub outline_conflicts: BTreeMap<String, usize>,
    /// Documents left out because their votes contradict the others' (glyphs shared,
    /// contradicted).
    pub vote_conflicts: BTreeMap<String, (usize, usize)>,
    /// Extrapolated entries confirmed by a sibling font's votes.
    pub generalized_confirmed: usize,
    /// Glyphs this font's own documents voted on.
    voted_gids: BTreeSet<u32>,
}

impl LearnedFont {
    /// Whether this font's own documents voted on `gid`.
    pub fn votes_on(&self, gid: u32) -> bool {
        self.voted_gids.contains(&gid)
    }
}

impl CorpusVotes {
    /// Takes over another pass's documents (for parallel collection); a document present in
    /// both keeps `other`'s view.
    pub fn absorb(&mut self, other: CorpusVotes) {
        self.docs.extend(other.docs);
        self.failures.extend(other.failures);
        self.failures.sort();
        self.warnings.extend(other.warnings);
    }

    /// Number of documents added (failed ones included).
    pub fn documents(&self) -> usize {
        self.docs.len() + self.failures.len()
    }

    /// Votes per font, with outline-conflicting documents separated out (no pooling).
    pub fn font_votes(&self) -> BTreeMap<FontKey, FontVotes> {
        self.pooled_votes(&VoteOptions::default(), None)
    }

    /// Votes per pooled font (`opts.families`, `opts.pool_versions`), leaving out the
    /// document `skip`. Outlines are compared per font version (BaseFont + glyph count):
    /// a document whose glyph differs from an earlier document's at the same glyph ID is
    /// another font under the same name, and kept out.
    pub fn pooled_votes(
        &self,
        opts: &VoteOptions,
        skip: Option<&str>,
    ) -> BTreeMap<FontKey, FontVotes> {
        // Reference outlines per font version: the first document (by name) to embed each glyph.
        let mut reference: HashMap<&FontKey, HashMap<u32, u64>> = HashMap::new();
        let mut out: BTreeMap<FontKey, FontVotes> = BTreeMap::new();
        // Largest glyph count per pooled font: a program with less than half of it was
        // rewritten (Office and Distiller keep numGlyphs), so its IDs are not the font's.
        let mut largest: HashMap<FontKey, u32> = HashMap::new();
        for key in self.docs.values().flat_map(|f| f.keys()) {
            if let Some(n) = key.glyphs {
                let e = largest.entry(opts.pooled(key)).or_default();
                *e = (*e).max(n);
            }
        }
        for (doc, fonts) in &self.docs {
            if Some(doc.as_str()) == skip {
                continue;
            }
            for (key, df) in fonts {
                let shrunk = matches!((key.glyphs, largest.get(&opts.pooled(key))),
                    (Some(n), Some(&max)) if n < max / 2);
                if shrunk {
                    out.entry(opts.pooled(key))
                        .or_default()
                        .outline_conflicts
                        .insert(doc.clone(), 0);
                    continue;
                }
                let refs = reference.entry(key).or_default();
                let differing = df
                    .outlines
                    .iter()
                    .filter(|(g, h)| refs.get(g).is_some_and(|r| r != *h))
                    .count();
                let fv = out.entry(opts.pooled(key)).or_default();
                if differing > 0 {
                    fv.outline_conflicts.insert(doc.clone(), differing);
                    continue;
                }
                for (g, h) in &df.outlines {
                    refs.entry(*g).or_insert(*h);
                }
                fv.documents.insert(doc.clone());
                for (&gid, &(ch, src)) in &df.votes {
                    fv.votes
                        .entry(gid)
                        .or_default()
                        .entry(ch)
                        .or_default()
                        .insert((doc.clone(), src));
                }
            }
        }
        for fv in out.values_mut() {
            drop_dissenters(fv);
        }
        // A document that voted for two characters on one glyph (two fonts of a family
        // disagreeing inside it) counts once per character; one that voted the same
        // character through two fonts counts once (the set is keyed by document).
        for fv in out.values_mut() {
            for by_char in fv.votes.values_mut() {
                for docs in by_char.values_mut() {
                    let mut seen = BTreeSet::new();
                    docs.retain(|(d, _)| seen.insert(d.clone()));
                }
            }
        }
        out
    }

    /// One table per font that has votes. Fonts whose every glyph is already explained in
    /// each document (nothing to transfer) still get a table: it is what repairs the
    /// next document of that font.
    pub fn tables(&self, opts: &VoteOptions) -> Result<Vec<LearnedFont>> {
        let mut out = Vec::new();
        for (key, fv) in self.pooled_votes(opts, None) {
            if fv.votes.is_empty() {
                continue;
            }
            let mut l = learn_font(&key, &fv, opts)?;
            if opts.pool_versions {
                let max = self
                    .docs
                    .values()
                    .flat_map(|f| f.keys())
                    .filter(|k| opts.pooled(k) == key)
                    .filter_map(|k| k.glyphs)
                    .max();
                l.table.fingerprint = max.map(|n| format!("glyphs={n}"));
            }
            l.table.basefonts = opts.members(&key);
            out.push(l);
        }
        if !opts.corroborate.is_empty() {
            let votes = self.pooled_votes(opts, None);
            for l in &mut out {
                corroborate(l, &votes, opts)?;
            }
        }
        Ok(out)
    }

    /// Pooled font keys with at least one vote, for reports.
    pub fn keys(&self, opts: &VoteOptions) -> Vec<FontKey> {
        self.pooled_votes(opts, None)
            .into_iter()
            .filter(|(_, v)| !v.votes.is_empty())
            .map(|(k, _)| k)
            .collect()
    }
}

/// A document whose votes contradict the other documents' on 5 or more glyphs, or on
/// more than 1 in 10 of those they share, is another font under the same name and
/// glyph count (outlines cannot tell when the documents embed different glyphs):
/// left out of `fv`. (One or two contradictions are a document's own ToUnicode slips, which
/// the majority outvotes.)
fn drop_dissenters(fv: &mut FontVotes) {
    let mut dissent: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for by_char in fv.votes.values() {
        for (c, docs) in by_char {
            for (d, _) in docs {
                let others_same = docs.iter().filter(|(o, _)| o != d).count();
                let others_diff: usize = by_char
                    .iter()
                    .filter(|(oc, _)| *oc != c)
                    .map(|(_, ds)| ds.iter().filter(|(o, _)| o != d).count())
                    .sum();
                if others_same + others_diff == 0 {
                    continue;
                }
                let e = dissent.entry(d.clone()).or_default();
                e.0 += 1;
                if others_diff > others_same {
                    e.1 += 1;
                }
            }
        }
    }
    for (doc, (shared, against)) in dissent {
        if against >= MAX_CONTRADICTIONS || (shared >= 5 && against * 10 > shared) {
            fv.vote_conflicts.insert(doc.clone(), (shared, against));
            fv.documents.remove(&doc);
            for by_char in fv.votes.values_mut() {
                for docs in by_char.values_mut() {
                    docs.retain(|(d, _)| *d != doc);
                }
                by_char.retain(|_, docs| !docs.is_empty());
            }
            fv.votes.retain(|_, by_char| !by_char.is_empty());
        }
    }
}

/// Raises `l`'s extrapolated entries that a sibling font's majority vote confirms (see
/// [`VoteOptions::corroborate`]).
fn corroborate(
    l: &mut LearnedFont,
    votes: &BTreeMap<FontKey, FontVotes>,
    opts: &VoteOptions,
) -> Result<()> {
    let Some(group) = opts
        .corroborate
        .iter()
        .find(|g| g.contains(&l.key.basefont))
    else {
        return Ok(());
    };
    let mut extra = Vec::new();
    for (key, fv) in votes {
        if key.basefont == l.key.basefont || !group.contains(&key.basefont) {
            continue;
        }
        for (&gid, by_char) in &fv.votes {
            let Some(d) = l.table.decode(gid) else {
                continue;
            };
            let in_doubt = l.table.rule(d.rule).is_some_and(|r| r.confidence < 0.5);
            let total: usize = by_char.values().map(BTreeSet::len).sum();
            let agree = by_char.get(&d.ch).map_or(0, BTreeSet::len);
            if in_doubt && !l.votes_on(gid) && agree * 2 > total {
                extra.push(Rule {
                    kind: RuleKind::Glyph { gid, ch: d.ch },
                    confidence: CORROBORATED_CONFIDENCE,
                    source: "fitted+sibling".into(),
                    evidence: format!(
                        "extrapolated by this font's block; {agree}/{total} documents of {} vote it",
                        key.basefont
                    ),
                });
            }
        }
    }
    if extra.is_empty() {
        return Ok(());
    }
    l.generalized_confirmed = extra.len();
    let mut rules = l.table.rules.clone();
    rules.extend(extra);
    let mut t = FontTable::from_rules(&l.table.name, rules)?;
    t.description = l.table.description.clone();
    t.basefonts = l.table.basefonts.clone();
    t.fingerprint = l.table.fingerprint.clone();
    t.text = l.table.text;
    l.table = t;
    Ok(())
}

mod collect;
mod evaluate;
mod table;

use table::learn_font;
pub use table::{report, table_name};

#[cfg(test)]
mod tests;
