//! Learning tables from a PDF corpus: GID → Unicode votes across documents.
//!
//! Office subsets keep the font's original glyph IDs, so a glyph ID means the same
//! character in every document that embeds the same font. One document's trusted ToUnicode
//! (or its subset's own cmap) therefore repairs another document's missing one.
//!
//! Method:
//! 1. Per document, every font the content uses is keyed by BaseFont without its subset tag
//!    plus the embedded program's glyph count (the fingerprint; Office keeps numGlyphs).
//! 2. Votes: each *trusted* single-character ToUnicode entry (identity maps and unusable
//!    entries are ignored, Kangxi/compatibility aliases are unaliased) and each entry of the
//!    embedded program's own cmap gives `gid → char`. A document votes once per glyph.
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
use crate::ingest::cmap::{Distrust, judge_entry, unalias};
use crate::ingest::font::Font;
use crate::ingest::{ExtractOptions, IngestError, document_fonts};
use crate::tables::outlines::outline_hashes;
use crate::tables::{FontTable, Rule, RuleKind, strip_subset_tag};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Where a vote came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum VoteSource {
    ToUnicode,
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
}

/// What the corpus pass collected.
#[derive(Debug, Default)]
pub struct CorpusVotes {
    /// Per document, per font (documents ordered by name: order-independent result).
    docs: BTreeMap<String, BTreeMap<FontKey, DocFont>>,
    /// Inputs that could not be read, with the reason.
    pub failures: Vec<(String, String)>,
    pub warnings: Vec<String>,
}

/// Options of table building.
#[derive(Debug, Clone)]
pub struct VoteOptions {
    /// Fill unvoted glyphs from repertoire-order blocks fitted to the votes.
    pub generalize: bool,
    /// Least share of the votes inside a fitted block's range that must agree with it.
    pub min_block_agreement: f64,
}

impl Default for VoteOptions {
    fn default() -> Self {
        VoteOptions {
            generalize: true,
            min_block_agreement: 0.9,
        }
    }
}

/// A learned font: its table and the figures behind it.
#[derive(Debug, Clone)]
pub struct LearnedFont {
    pub key: FontKey,
    pub table: FontTable,
    pub documents: usize,
    /// Glyphs with at least one vote.
    pub voted: usize,
    /// Glyphs all voting documents agree on.
    pub unanimous: usize,
    /// Glyphs with disagreeing votes: gid → (char, documents) best first.
    pub conflicts: BTreeMap<u32, Vec<(char, usize)>>,
    /// Glyphs filled by fitted blocks (no document voted on them).
    pub generalized: usize,
    pub outline_conflicts: BTreeMap<String, usize>,
}

impl CorpusVotes {
    /// Adds one PDF. An unreadable PDF is recorded in `failures` and the corpus goes on.
    pub fn add_pdf(&mut self, file: &str, bytes: &[u8], opts: &ExtractOptions) {
        match document_fonts(bytes, file, opts) {
            Ok((fonts, warnings)) => {
                self.warnings.extend(warnings);
                self.add_fonts(file, &fonts);
            }
            Err(e) => self.failures.push((file.to_string(), reason(&e))),
        }
    }

    /// Adds the fonts of one document (exposed for tests and for callers that already
    /// interpreted the document).
    pub fn add_fonts(&mut self, file: &str, fonts: &[Font]) {
        let doc = self.docs.entry(file.to_string()).or_default();
        for f in fonts {
            let key = FontKey {
                basefont: strip_subset_tag(&f.basefont).to_string(),
                glyphs: f.embedded_glyphs,
            };
            let entry = doc.entry(key).or_default();
            collect_votes(f, &mut entry.votes);
            if let Some(p) = &f.program {
                entry.outlines.extend(outline_hashes(p));
            }
        }
    }

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

    /// Votes per font, with outline-conflicting documents separated out.
    pub fn font_votes(&self) -> BTreeMap<FontKey, FontVotes> {
        // Reference outlines per font: the first document (by name) to embed each glyph.
        let mut reference: HashMap<&FontKey, HashMap<u32, u64>> = HashMap::new();
        let mut out: BTreeMap<FontKey, FontVotes> = BTreeMap::new();
        for (doc, fonts) in &self.docs {
            for (key, df) in fonts {
                let refs = reference.entry(key).or_default();
                let differing = df
                    .outlines
                    .iter()
                    .filter(|(g, h)| refs.get(g).is_some_and(|r| r != *h))
                    .count();
                let fv = out.entry(key.clone()).or_default();
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
        out
    }

    /// One table per font that has votes. Fonts whose every glyph is already explained in
    /// each document (nothing to transfer) still get a table: it is what repairs the
    /// next document of that font.
    pub fn tables(&self, opts: &VoteOptions) -> Result<Vec<LearnedFont>> {
        let mut out = Vec::new();
        for (key, fv) in self.font_votes() {
            if fv.votes.is_empty() {
                continue;
            }
            out.push(learn_font(&key, &fv, opts)?);
        }
        Ok(out)
    }
}

fn reason(e: &IngestError) -> String {
    e.to_string()
}

/// A document's votes for one font: trusted ToUnicode entries, then its own cmap.
fn collect_votes(f: &Font, votes: &mut BTreeMap<u32, (char, VoteSource)>) {
    if let Some(tu) = &f.tounicode {
        if !tu.is_identity_map() {
            // Codes in sorted order: where two codes reach one glyph, the lowest votes.
            let mut codes: Vec<(&u32, &String)> = tu.map.iter().collect();
            codes.sort();
            for (&code, s) in codes {
                let Some(gid) = f.gid(code) else { continue };
                let mut it = s.chars();
                let (Some(c), None) = (it.next(), it.next()) else {
                    continue;
                };
                let c = match judge_entry(s) {
                    None => c,
                    Some(Distrust::Alias) => unalias(c, f.cjk),
                    Some(_) => continue,
                };
                if gid != 0 {
                    votes.entry(gid).or_insert((c, VoteSource::ToUnicode));
                }
            }
        }
    }
    if let Some(m) = &f.embedded_cmap {
        let mut pairs: Vec<(&u32, &char)> = m.iter().collect();
        pairs.sort();
        for (&gid, &c) in pairs {
            if !c.is_control() {
                votes.entry(gid).or_insert((c, VoteSource::FontCmap));
            }
        }
    }
}

/// Table name for a font: lowercase BaseFont, characters other than `[a-z0-9-_]` → `_`.
pub fn table_name(key: &FontKey) -> String {
    let mut s: String = key
        .basefont
        .chars()
        .map(|c| {
            let c = c.to_ascii_lowercase();
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() {
        s.push_str("font");
    }
    s
}

fn learn_font(key: &FontKey, fv: &FontVotes, opts: &VoteOptions) -> Result<LearnedFont> {
    let name = table_name(key);
    let mut unanimous = 0;
    let mut conflicts = BTreeMap::new();
    let mut voted_rules = Vec::new();
    let mut anchors = Vec::new();
    for (&gid, by_char) in &fv.votes {
        let mut ranked: Vec<(char, usize)> = by_char.iter().map(|(c, d)| (*c, d.len())).collect();
        // Most documents first; ties by code point (deterministic, and flagged as doubt).
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let total: usize = ranked.iter().map(|r| r.1).sum();
        let (ch, n) = ranked[0];
        let tie = ranked.get(1).is_some_and(|r| r.1 == n);
        let mut confidence = n as f32 / total as f32;
        if tie {
            confidence = confidence.min(0.45);
        }
        if ranked.len() == 1 {
            unanimous += 1;
        } else {
            conflicts.insert(gid, ranked.clone());
        }
        let docs = &by_char[&ch];
        let sources: BTreeSet<VoteSource> = docs.iter().map(|d| d.1).collect();
        let source = if sources.contains(&VoteSource::ToUnicode) {
            "tounicode"
        } else {
            "font-cmap"
        };
        let mut evidence = format!("{n}/{total} documents");
        if ranked.len() > 1 {
            let others: Vec<String> = ranked[1..]
                .iter()
                .map(|(c, k)| format!("{c}×{k}"))
                .collect();
            evidence.push_str(&format!("; conflicting: {}", others.join(" ")));
        }
        if let Some((first, _)) = docs.iter().next() {
            evidence.push_str(&format!("; e.g. {first}"));
        }
        voted_rules.push(Rule {
            kind: RuleKind::Glyph { gid, ch },
            confidence,
            source: source.into(),
            evidence,
        });
        if confidence >= 0.5 {
            anchors.push(Anchor {
                gid,
                ch,
                confidence,
                evidence: String::new(),
            });
        }
    }
    // Fitted blocks first, every vote as a glyph rule after them: a glyph rule overrides a
    // block (FontTable's expansion order), so votes always win and keep their confidence.
    let mut rules = if opts.generalize {
        fitted_blocks(&anchors, opts.min_block_agreement)
    } else {
        Vec::new()
    };
    rules.extend(voted_rules);
    let mut table = FontTable::from_rules(&name, rules)?;
    let generalized = table
        .entries()
        .filter(|(g, _)| !fv.votes.contains_key(g))
        .count();
    table.basefonts = vec![key.basefont.clone()];
    table.fingerprint = key.glyphs.map(|n| format!("glyphs={n}"));
    table.description = format!(
        "{} learned from a PDF corpus: {} documents, {} glyphs voted, {} in conflict, {} filled by fitted blocks",
        key.basefont,
        fv.documents.len(),
        fv.votes.len(),
        conflicts.len(),
        generalized
    );
    // A PDF font table is not for plain-text repair: its glyph IDs are not garbled text's.
    table.text = false;
    Ok(LearnedFont {
        key: key.clone(),
        table,
        documents: fv.documents.len(),
        voted: fv.votes.len(),
        unanimous,
        conflicts,
        generalized,
        outline_conflicts: fv.outline_conflicts.clone(),
    })
}

/// Confidence of fitted-block entries beyond the outermost agreeing votes: written for
/// review, not applied (< 0.5). Extrapolating an order is where fonts surprise (IPAex puts
/// JIS row 1 symbols right before the digits that Unicode order would extend into).
const EXTRAPOLATED_CONFIDENCE: f32 = 0.4;

/// Blocks fitted to the votes, kept where the votes inside their glyph range agree. A kept
/// block is split: between its outermost agreeing votes (interpolation) at the fitter's
/// confidence capped at 0.9, beyond them in doubt.
fn fitted_blocks(anchors: &[Anchor], min_agreement: f64) -> Vec<Rule> {
    let by_gid: BTreeMap<u32, char> = anchors.iter().map(|a| (a.gid, a.ch)).collect();
    let mut out = Vec::new();
    for rule in fit(anchors) {
        if !matches!(rule.kind, RuleKind::Block { .. }) {
            continue;
        }
        let Some((lo, hi)) = rule.gid_range() else {
            continue;
        };
        let Ok(t) = FontTable::from_rules("probe", vec![rule.clone()]) else {
            continue;
        };
        let (mut agree, mut total) = (0usize, 0usize);
        let (mut first_ok, mut last_ok) = (u32::MAX, 0u32);
        for (&g, &c) in by_gid.range(lo..=hi) {
            if let Some(got) = t.get(g) {
                total += 1;
                if got == c {
                    agree += 1;
                    first_ok = first_ok.min(g);
                    last_ok = last_ok.max(g);
                }
            }
        }
        if agree < 3 || (agree as f64) < min_agreement * total as f64 {
            continue;
        }
        let agreement = format!("; {agree}/{total} votes in range agree");
        let part = |a: u32, b: u32, confidence: f32, note: &str| -> Option<Rule> {
            let first = (a..=b).find_map(|g| t.get(g))?;
            let last = (a..=b).rev().find_map(|g| t.get(g))?;
            let mut r = rule.with_chars(first, last, &format!("{agreement}{note}"))?;
            r.confidence = confidence;
            Some(r)
        };
        let extrapolated = "; beyond the outermost agreeing votes: in doubt";
        if lo < first_ok {
            out.extend(part(
                lo,
                first_ok - 1,
                EXTRAPOLATED_CONFIDENCE,
                extrapolated,
            ));
        }
        out.extend(part(first_ok, last_ok, rule.confidence.min(0.9), ""));
        if last_ok < hi {
            out.extend(part(last_ok + 1, hi, EXTRAPOLATED_CONFIDENCE, extrapolated));
        }
    }
    out
}

/// The `learn --pdf --report` text.
pub fn report(learned: &[LearnedFont], corpus: &CorpusVotes) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} documents ({} unreadable), {} fonts with votes",
        corpus.documents(),
        corpus.failures.len(),
        learned.len()
    );
    for (f, why) in &corpus.failures {
        let _ = writeln!(s, "  unreadable: {f}: {why}");
    }
    for l in learned {
        let _ = writeln!(
            s,
            "font {}: table {}: {} documents, {} glyphs voted ({} unanimous, {} in conflict), {} filled by fitted blocks, {} entries in doubt",
            l.key,
            l.table.name,
            l.documents,
            l.voted,
            l.unanimous,
            l.conflicts.len(),
            l.generalized,
            l.table
                .entries()
                .filter(|(g, _)| l
                    .table
                    .decode(*g)
                    .and_then(|d| l.table.rule(d.rule))
                    .is_some_and(|r| r.confidence < 0.5))
                .count()
        );
        for (gid, ranked) in l.conflicts.iter().take(20) {
            let shown: Vec<String> = ranked.iter().map(|(c, n)| format!("{c}×{n}")).collect();
            let _ = writeln!(s, "  conflict gid={gid:04X}: {}", shown.join(" "));
        }
        if l.conflicts.len() > 20 {
            let _ = writeln!(s, "  … {} more conflicts", l.conflicts.len() - 20);
        }
        for (doc, n) in &l.outline_conflicts {
            let _ = writeln!(
                s,
                "  left out {doc}: {n} glyph outlines differ from the other documents' (another font under the same name)"
            );
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(votes: &[(u32, char)]) -> BTreeMap<FontKey, DocFont> {
        let mut m = BTreeMap::new();
        m.insert(
            FontKey {
                basefont: "MS-Gothic".into(),
                glyphs: Some(20000),
            },
            DocFont {
                votes: votes
                    .iter()
                    .map(|&(g, c)| (g, (c, VoteSource::ToUnicode)))
                    .collect(),
                outlines: votes.iter().map(|&(g, _)| (g, g as u64 * 7)).collect(),
            },
        );
        m
    }

    fn corpus(docs: &[(&str, &[(u32, char)])]) -> CorpusVotes {
        let mut c = CorpusVotes::default();
        for (name, v) in docs {
            c.docs.insert(name.to_string(), doc(v));
        }
        c
    }

    #[test]
    fn majority_wins_and_conflicts_are_reported() {
        let c = corpus(&[
            ("a.pdf", &[(10, '支'), (11, '援')]),
            ("b.pdf", &[(10, '支'), (12, 'の')]),
            ("c.pdf", &[(10, '文')]),
        ]);
        let opts = VoteOptions {
            generalize: false,
            ..Default::default()
        };
        let l = &c.tables(&opts).unwrap()[0];
        assert_eq!(l.table.get(10), Some('支'));
        assert_eq!(l.table.get(11), Some('援'));
        assert_eq!(l.table.get(12), Some('の'));
        assert_eq!(l.voted, 3);
        assert_eq!(l.unanimous, 2);
        assert_eq!(l.conflicts[&10], vec![('支', 2), ('文', 1)]);
        let r = l.table.rule(l.table.decode(10).unwrap().rule).unwrap();
        assert!((r.confidence - 2.0 / 3.0).abs() < 1e-6, "{}", r.confidence);
        assert_eq!(l.table.basefonts, vec!["MS-Gothic".to_string()]);
        assert_eq!(l.table.fingerprint.as_deref(), Some("glyphs=20000"));
        assert!(report(&c.tables(&opts).unwrap(), &c).contains("conflict gid=000A: 支×2 文×1"));
    }

    #[test]
    fn a_tie_is_in_doubt() {
        let c = corpus(&[("a.pdf", &[(5, 'ア')]), ("b.pdf", &[(5, 'イ')])]);
        let l = &c.tables(&VoteOptions::default()).unwrap()[0];
        let r = l.table.rule(l.table.decode(5).unwrap().rule).unwrap();
        assert!(r.confidence < 0.5);
    }

    #[test]
    fn result_does_not_depend_on_insertion_order() {
        let a: &[(u32, char)] = &[(10, '支'), (11, '援')];
        let b: &[(u32, char)] = &[(10, '文'), (12, 'の')];
        let one = corpus(&[("a.pdf", a), ("b.pdf", b)]);
        let two = corpus(&[("b.pdf", b), ("a.pdf", a)]);
        let t1 = one.tables(&VoteOptions::default()).unwrap();
        let t2 = two.tables(&VoteOptions::default()).unwrap();
        assert_eq!(t1[0].table.to_text(), t2[0].table.to_text());
    }

    #[test]
    fn different_outlines_keep_a_document_out() {
        let mut c = corpus(&[("a.pdf", &[(10, '支')]), ("b.pdf", &[(10, '文')])]);
        // b.pdf's glyph 10 is drawn differently: another font under the same name.
        for f in c.docs.get_mut("b.pdf").unwrap().values_mut() {
            f.outlines.insert(10, 1);
        }
        let l = &c.tables(&VoteOptions::default()).unwrap()[0];
        assert_eq!(l.table.get(10), Some('支'));
        assert!(l.conflicts.is_empty());
        assert_eq!(l.outline_conflicts.get("b.pdf"), Some(&1));
        assert_eq!(l.documents, 1);
    }

    #[test]
    fn fitted_blocks_fill_unvoted_glyphs_only_where_votes_agree() {
        // Hiragana in Unicode order at offset +0x100 (ぁ U+3041 → 0x3141 …): votes on a few.
        let votes: Vec<(u32, char)> = ['あ', 'か', 'さ', 'た', 'な', 'は']
            .iter()
            .map(|&c| (c as u32 + 0x100, c))
            .collect();
        let c = corpus(&[("a.pdf", &votes)]);
        let l = &c.tables(&VoteOptions::default()).unwrap()[0];
        // き was never voted on: filled by the block, with confidence below a vote's.
        let ki = 'き' as u32 + 0x100;
        assert_eq!(l.table.get(ki), Some('き'));
        let r = l.table.rule(l.table.decode(ki).unwrap().rule).unwrap();
        assert!(r.confidence < 1.0 && r.confidence >= 0.5);
        assert!(l.generalized > 0);
        // ん lies beyond the last vote (は): extrapolated, written but in doubt.
        let n = 'ん' as u32 + 0x100;
        assert_eq!(l.table.get(n), Some('ん'));
        let r = l.table.rule(l.table.decode(n).unwrap().rule).unwrap();
        assert!(r.confidence < 0.5, "{}", r.confidence);
        // Without generalisation it stays unknown.
        let opts = VoteOptions {
            generalize: false,
            ..Default::default()
        };
        assert_eq!(c.tables(&opts).unwrap()[0].table.get(ki), None);
    }

    #[test]
    fn scattered_votes_fit_no_block() {
        // A frequency-ordered font: consecutive glyph IDs, unrelated characters.
        let votes: Vec<(u32, char)> = "のにはをたがでてとし"
            .chars()
            .enumerate()
            .map(|(i, c)| (100 + i as u32, c))
            .collect();
        let c = corpus(&[("a.pdf", &votes)]);
        let l = &c.tables(&VoteOptions::default()).unwrap()[0];
        assert_eq!(l.generalized, 0);
        assert_eq!(l.table.len(), votes.len());
    }
}
