//! Which tables explain a document's garbling, decided once per document from all its
//! garbled lines together, before any span is decoded.
//!
//! A table *wins* the document when decoding the document's garbled characters through it
//! reads far better under the language model than decoding them through the same table
//! with its glyphs shuffled (the null model: a random glyph order of the same shape — the
//! same glyphs, the same output characters, assigned at random within each character
//! class). A table from another font maps the document's glyph IDs to characters that
//! are as unrelated to each other as a shuffle's, so it gains no more than the shuffles
//! do and decodes nothing. The statistic is summed line by line over the lines where a
//! reading beats the mean shuffle (a document may mix fonts), and compared with the same
//! statistic of each shuffle against the others (chance).
//!
//! Invariants:
//! * the verdict depends only on the evidence lines in document order and the model (the
//!   shuffles come from a fixed seed), so chunked and whole-text repair agree;
//! * characters that are never garbling evidence by themselves ([`never_evidence`]) do
//!   not count for or against a table;
//! * a table that decodes fewer than [`MIN_DISTINCT`] distinct glyphs of the document
//!   cannot win: a shuffle of one or two glyphs is no test.

use crate::detect::classify;
use crate::lm::Scorer;
use crate::tables::FontTable;

/// Shuffled tables per real one.
const NULLS: usize = 16;
/// Fewest distinct glyphs a table must decode in the document to be tested at all.
pub const MIN_DISTINCT: usize = 3;
/// The real table must beat the best shuffle by this many log10 units over the document…
pub const MIN_GAIN_OVER_BEST_NULL: f32 = 3.0;
/// …and by this factor.
pub const MIN_RATIO_TO_BEST_NULL: f32 = 2.0;
/// In both rounds, the statistic must exceed the mean shuffle's by this many log10 units
/// per decoded character. Right tables measured 1.1–2.9 (dev-a's A, B and its title
/// font C; table A's own held-out text), wrong ones up to 0.54 (the fit fonts of the
/// unseen-font benchmark: VL Gothic, Konatu read through IPAex and C).
pub const MIN_GAIN_PER_CHAR: f32 = 1.0;
/// Characters of evidence lines kept per document (the first ones, in order).
pub const EVIDENCE_CHARS: usize = 200_000;

/// Characters that extractors emit in clean text — controls (form feed for page breaks,
/// NUL, vertical tab …), the ideographic space — and that are therefore no evidence of
/// garbling on their own, although garbled text may hold them too.
pub fn never_evidence(c: char) -> bool {
    matches!(c as u32, 0x00..=0x1F | 0x7F..=0x9F | 0x3000) || c.is_ascii()
}

/// The document-level verdict on one table.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TableVerdict {
    /// The table's name.
    pub table: String,
    /// Distinct glyphs of the document the table decodes (strong evidence only).
    pub distinct: usize,
    /// Decoded characters (positions) in the evidence lines.
    pub decoded: usize,
    /// Sum over evidence lines of how far (log10) the table's reading beats the mean of
    /// its shuffles' readings, where it does.
    pub gain: f32,
    /// The same statistic for each shuffle against the other shuffles (chance): their
    /// mean and best.
    pub null_mean: f32,
    /// The best shuffle's statistic (see `null_mean`).
    pub null_best: f32,
    /// The table may decode in this document.
    pub wins: bool,
    /// Judged on the glyphs the first round's winners left unresolved.
    pub residual: bool,
}

/// SplitMix64: a fixed, dependency-free generator for the shuffles.
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Whether `c` counts as garbling evidence that `table` explains, and as what.
fn decodes(table: &FontTable, c: char) -> Option<char> {
    if never_evidence(c) || !classify(c).is_strong() {
        return None;
    }
    table
        .get(c as u32)
        .filter(|d| !classify(*d).is_strong() && !d.is_control())
}

/// Score of `seq` with the positions in `pos` replaced through `f`, counted from the first
/// replaced position to `context` characters past the last (the rest is the same for
/// every reading and cancels out).
fn window_score(
    seq: &[char],
    pos: &[usize],
    f: &dyn Fn(char) -> char,
    lm: &dyn Scorer,
    context: usize,
) -> f32 {
    let (Some(&first), Some(&last)) = (pos.first(), pos.last()) else {
        return 0.0;
    };
    let end = (last + 1 + context).min(seq.len());
    let mut buf: Vec<char> = seq[..end].to_vec();
    for &p in pos {
        buf[p] = f(seq[p]);
    }
    let mut total = 0.0;
    for i in first..end {
        total += lm.log_prob(&buf[i.saturating_sub(context)..i], buf[i]);
    }
    total
}

/// Decides, for each table, whether it explains the garbling of the document whose
/// evidence lines (lines holding strong characters, in document order, in the order the
/// extractor printed them) are `lines`.
///
/// `only`, if given, restricts the evidence to those characters (the glyphs that the
/// tables which already won leave unexplained: a second font of the document).
pub fn decide(
    tables: &[&FontTable],
    lines: &[Vec<char>],
    lm: &(dyn Scorer + Sync),
    only: Option<&std::collections::HashSet<char>>,
) -> Vec<TableVerdict> {
    decide_with_stats(tables, lines, lm, only).0
}

/// How the scores of [`decide`] were obtained, summed over the tables scored: each term is
/// one (reading, position) language-model score of a window the statistic sums.
///
/// A term is a pure function of the characters at and up to `context` before its position,
/// and those of the table's reading and of its shuffles are functions of the evidence
/// characters there, so each position's terms of all [`READINGS`] readings are looked up
/// once per distinct evidence window of a table, and only once (not once per reading) where
/// the window holds nothing the table decodes. The sums are then added in the same order as
/// the reading-by-reading computation ([`decide_reference`]): the verdicts are bit-identical.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct DecideStats {
    /// Tables judged.
    pub tables: usize,
    /// Tables whose decoding of the document's evidence is that of an earlier table (same
    /// glyphs, same readings): the earlier table's verdict is theirs, nothing is scored.
    pub tables_shared: usize,
    /// Positions scored (over all tables scored and lines, in every bidi order), each one
    /// term per reading.
    pub positions: usize,
    /// Positions whose window holds no glyph the table decodes: one model lookup serves
    /// every reading.
    pub positions_unchanged: usize,
    /// Positions whose evidence window was seen before for the same table: no lookup.
    pub positions_cached: usize,
    /// Positions scored with one model lookup per reading.
    pub positions_scored: usize,
}

impl DecideStats {
    /// Adds `other`'s counts to these.
    pub fn add(&mut self, other: &DecideStats) {
        self.tables += other.tables;
        self.tables_shared += other.tables_shared;
        self.positions += other.positions;
        self.positions_unchanged += other.positions_unchanged;
        self.positions_cached += other.positions_cached;
        self.positions_scored += other.positions_scored;
    }
}

/// Readings scored per line and table: keeping the line, the table's reading, and
/// a fixed number of shuffles of it (`NULLS`, the null model).
pub const READINGS: usize = NULLS + 2;

/// [`decide`], with how its scores were obtained.
pub fn decide_with_stats(
    tables: &[&FontTable],
    lines: &[Vec<char>],
    lm: &(dyn Scorer + Sync),
    only: Option<&std::collections::HashSet<char>>,
) -> (Vec<TableVerdict>, DecideStats) {
    decide_in_orders(tables, lines, &line_orders(lines), lm, only)
}

/// [`decide_with_stats`] with the lines' bidi orders ([`line_orders`]) given.
pub(super) fn decide_in_orders(
    tables: &[&FontTable],
    lines: &[Vec<char>],
    orders: &[Vec<Vec<char>>],
    lm: &(dyn Scorer + Sync),
    only: Option<&std::collections::HashSet<char>>,
) -> (Vec<TableVerdict>, DecideStats) {
    use rayon::prelude::*;
    let prepared: Vec<Prepared> = tables
        .par_iter()
        .map(|t| Prepared::new(t, lines, only))
        .collect();
    // A table that reads the document's evidence exactly as an earlier one does (two
    // styles of one font) gets that table's verdict: the verdict is a function of the
    // glyphs and their readings only.
    let same_as: Vec<Option<usize>> = (0..prepared.len())
        .map(|i| {
            (0..i).find(|&j| {
                prepared[j].glyphs == prepared[i].glyphs && prepared[j].images == prepared[i].images
            })
        })
        .collect();
    let scored: Vec<Option<(TableVerdict, DecideStats)>> = prepared
        .par_iter()
        .zip(&same_as)
        .map(|(p, same)| match same {
            Some(_) => None,
            None => Some(p.verdict(orders, lm, only.is_some())),
        })
        .collect();
    let mut stats = DecideStats {
        tables: tables.len(),
        ..Default::default()
    };
    let mut verdicts: Vec<TableVerdict> = Vec::with_capacity(tables.len());
    for (i, t) in tables.iter().enumerate() {
        let v = match (&scored[i], same_as[i]) {
            (Some((v, s)), _) => {
                stats.add(s);
                v.clone()
            }
            (None, Some(j)) => {
                stats.tables_shared += 1;
                TableVerdict {
                    table: t.name.clone(),
                    ..verdicts[j].clone()
                }
            }
            (None, None) => unreachable!("a table is scored or shares an earlier verdict"),
        };
        verdicts.push(v);
    }
    (verdicts, stats)
}

/// The verdicts computed reading by reading, each window scored in full: what [`decide`]
/// computes faster and must equal bit for bit (tested). Not for production use.
#[doc(hidden)]
pub fn decide_reference(
    tables: &[&FontTable],
    lines: &[Vec<char>],
    lm: &(dyn Scorer + Sync),
    only: Option<&std::collections::HashSet<char>>,
) -> Vec<TableVerdict> {
    let orders = line_orders(lines);
    tables
        .iter()
        .map(|t| verdict_reference(t, lines, &orders, lm, only))
        .collect()
}

/// Lines in every logical order the bidi inversion proposes; the best-reading order of a
/// line is taken for each table and each shuffle alike.
pub(super) fn line_orders(lines: &[Vec<char>]) -> Vec<Vec<Vec<char>>> {
    use rayon::prelude::*;
    lines
        .par_iter()
        .map(|l| {
            if super::bidi::has_rtl(l) {
                super::bidi::candidates(l)
                    .into_iter()
                    .map(|c| c.order.iter().map(|&i| l[i]).collect())
                    .collect()
            } else {
                vec![l.clone()]
            }
        })
        .collect()
}

/// What `t` decodes of `c`, within `only` when given.
fn decodes_within(
    t: &FontTable,
    c: char,
    only: Option<&std::collections::HashSet<char>>,
) -> Option<char> {
    if only.is_some_and(|o| !o.contains(&c)) {
        None
    } else {
        decodes(t, c)
    }
}

/// What a table decodes of the document's evidence: all its verdict depends on.
struct Prepared {
    name: String,
    /// The evidence characters it decodes, sorted.
    glyphs: Vec<char>,
    /// What it decodes each of `glyphs` to.
    images: Vec<char>,
    /// Decoded positions in the evidence lines.
    decoded: usize,
}

impl Prepared {
    fn new(
        t: &FontTable,
        lines: &[Vec<char>],
        only: Option<&std::collections::HashSet<char>>,
    ) -> Prepared {
        let mut glyphs: Vec<char> = Vec::new();
        let mut decoded = 0usize;
        for l in lines {
            for &c in l {
                if decodes_within(t, c, only).is_some() {
                    decoded += 1;
                    glyphs.push(c);
                }
            }
        }
        glyphs.sort_unstable();
        glyphs.dedup();
        let images: Vec<char> = glyphs
            .iter()
            .filter_map(|&g| decodes_within(t, g, only))
            .collect();
        Prepared {
            name: t.name.clone(),
            glyphs,
            images,
            decoded,
        }
    }

    fn empty_verdict(&self, residual: bool) -> TableVerdict {
        TableVerdict {
            table: self.name.clone(),
            distinct: self.glyphs.len(),
            decoded: self.decoded,
            gain: 0.0,
            null_mean: 0.0,
            null_best: 0.0,
            wins: false,
            residual,
        }
    }

    /// The verdict ([`verdict_reference`]'s, bit for bit), all readings of a position
    /// scored together.
    // Long: one pass over the positions scores every reading; its sums must stay in order.
    fn verdict(
        &self,
        orders: &[Vec<Vec<char>>],
        lm: &(dyn Scorer + Sync),
        residual: bool,
    ) -> (TableVerdict, DecideStats) {
        let mut verdict = self.empty_verdict(residual);
        let mut stats = DecideStats::default();
        if self.glyphs.len() < MIN_DISTINCT {
            return (verdict, stats);
        }
        let nulls = shuffles(self.glyphs.len(), &self.images);
        // Reading r of glyph index g: keep, the table's, then the shuffles'.
        let reading = |r: usize, g: usize, c: char| -> char {
            match r {
                0 => c,
                1 => self.images[g],
                _ => nulls[r - 2][g],
            }
        };
        let context = lm.context_len();
        // Windows of at most 5 characters pack into a key (21 bits each, and the length).
        let cacheable = context < 5;
        let mut memo: std::collections::HashMap<
            u128,
            [f32; READINGS],
            std::hash::BuildHasherDefault<super::memo::KeyHasher>,
        > = Default::default();
        let mut real_l: Vec<f32> = Vec::new();
        let mut null_l: Vec<[f32; NULLS]> = Vec::new();
        let mut glyph_of: Vec<Option<usize>> = Vec::new();
        let mut win: Vec<char> = Vec::with_capacity(context + 1);
        for cands in orders {
            let mut best_real = f32::NEG_INFINITY;
            let mut best_null = [f32::NEG_INFINITY; NULLS];
            for seq in cands {
                // Membership in `glyphs` is exactly "the table decodes it" for evidence
                // characters (glyphs holds every one it decodes).
                glyph_of.clear();
                glyph_of.extend(seq.iter().map(|c| self.glyphs.binary_search(c).ok()));
                let (Some(first), Some(last)) = (
                    glyph_of.iter().position(|g| g.is_some()),
                    glyph_of.iter().rposition(|g| g.is_some()),
                ) else {
                    continue;
                };
                let end = (last + 1 + context).min(seq.len());
                let mut sums = [0.0f32; READINGS];
                for i in first..end {
                    let from = i.saturating_sub(context);
                    stats.positions += 1;
                    if glyph_of[from..=i].iter().all(|g| g.is_none()) {
                        // Every reading's window is the evidence itself.
                        stats.positions_unchanged += 1;
                        let lp = lm.log_prob(&seq[from..i], seq[i]);
                        sums.iter_mut().for_each(|s| *s += lp);
                        continue;
                    }
                    let key = cacheable.then(|| {
                        seq[from..=i]
                            .iter()
                            .fold((i - from) as u128, |k, &c| (k << 21) | c as u128)
                    });
                    let terms = match key.and_then(|k| memo.get(&k)) {
                        Some(t) => {
                            stats.positions_cached += 1;
                            *t
                        }
                        None => {
                            stats.positions_scored += 1;
                            let mut t = [0.0f32; READINGS];
                            for (r, term) in t.iter_mut().enumerate() {
                                win.clear();
                                win.extend((from..=i).map(|j| match glyph_of[j] {
                                    Some(g) => reading(r, g, seq[j]),
                                    None => seq[j],
                                }));
                                *term = lm.log_prob(&win[..i - from], win[i - from]);
                            }
                            if let Some(k) = key {
                                if memo.len() >= MEMO_ENTRIES {
                                    memo.clear();
                                }
                                memo.insert(k, t);
                            }
                            t
                        }
                    };
                    for (s, t) in sums.iter_mut().zip(terms) {
                        *s += t;
                    }
                }
                let keep = sums[0];
                best_real = best_real.max(sums[1] - keep);
                for (k, b) in best_null.iter_mut().enumerate() {
                    *b = b.max(sums[k + 2] - keep);
                }
            }
            if best_real.is_finite() {
                real_l.push(best_real);
                null_l.push(best_null);
            }
        }
        judge(&mut verdict, &real_l, &null_l);
        (verdict, stats)
    }
}

/// Distinct evidence windows whose terms a table's scoring keeps (then starts again):
/// about 9 MB.
const MEMO_ENTRIES: usize = 1 << 17;

/// One table's verdict, reading by reading (see [`decide_reference`]).
fn verdict_reference(
    t: &FontTable,
    lines: &[Vec<char>],
    orders: &[Vec<Vec<char>>],
    lm: &(dyn Scorer + Sync),
    only: Option<&std::collections::HashSet<char>>,
) -> TableVerdict {
    let p = Prepared::new(t, lines, only);
    let mut verdict = p.empty_verdict(only.is_some());
    let (glyphs, images) = (&p.glyphs, &p.images);
    if glyphs.len() < MIN_DISTINCT {
        return verdict;
    }
    let nulls = shuffles(glyphs.len(), images);
    let lookup = |img: &[char], c: char| -> char { glyphs.binary_search(&c).map_or(c, |k| img[k]) };
    // Per line: the gain of the table and of each shuffle over keeping the line.
    let context = lm.context_len();
    let mut real_l: Vec<f32> = Vec::new();
    let mut null_l: Vec<[f32; NULLS]> = Vec::new();
    for cands in orders {
        let mut best_real = f32::NEG_INFINITY;
        let mut best_null = vec![f32::NEG_INFINITY; NULLS];
        for seq in cands {
            let pos: Vec<usize> = (0..seq.len())
                .filter(|&i| decodes_within(t, seq[i], only).is_some())
                .collect();
            if pos.is_empty() {
                continue;
            }
            let keep = window_score(seq, &pos, &|c| c, lm, context);
            let r = window_score(seq, &pos, &|c| lookup(images, c), lm, context);
            best_real = best_real.max(r - keep);
            for (k, img) in nulls.iter().enumerate() {
                let n = window_score(seq, &pos, &|c| lookup(img, c), lm, context);
                best_null[k] = best_null[k].max(n - keep);
            }
        }
        if best_real.is_finite() {
            real_l.push(best_real);
            let mut row = [0.0f32; NULLS];
            row.copy_from_slice(&best_null);
            null_l.push(row);
        }
    }
    judge(&mut verdict, &real_l, &null_l);
    verdict
}

/// The null readings: `images` permuted over the glyphs within each character class (kana
/// among kana, kanji among kanji …), each from its own fixed seed. Keeping the classes is
/// what makes the null of the same shape: a table whose blocks sit at the wrong offset
/// still reads kana as kana and kanji as kanji, and that alone reads better than a shuffle
/// across classes.
fn shuffles(glyph_count: usize, images: &[char]) -> Vec<Vec<char>> {
    let mut classes: Vec<(crate::detect::CharClass, Vec<usize>)> = Vec::new();
    for (k, &img) in images.iter().enumerate() {
        let cl = classify(img);
        match classes.iter_mut().find(|(c, _)| *c == cl) {
            Some((_, v)) => v.push(k),
            None => classes.push((cl, vec![k])),
        }
    }
    let mut state = 0x5EED_u64 ^ glyph_count as u64;
    (0..NULLS)
        .map(|_| {
            // The real assignment itself is no null: drawn again (a few glyphs have few
            // arrangements).
            let mut p = images.to_vec();
            for _ in 0..16 {
                for (_, members) in &classes {
                    for i in (1..members.len()).rev() {
                        let j = (splitmix(&mut state) % (i as u64 + 1)) as usize;
                        p.swap(members[i], members[j]);
                    }
                }
                if p != images {
                    break;
                }
            }
            p
        })
        .collect()
}

/// Sets the verdict's statistics and whether it wins, from the per-line gains of the real
/// reading (`real_l`) and of each shuffle (`null_l`).
fn judge(verdict: &mut TableVerdict, real_l: &[f32], null_l: &[[f32; NULLS]]) {
    // A document may mix fonts: a table must explain *some* lines far better than its
    // shuffles, not all. The statistic sums, over lines, how much a reading beats the mean
    // of the shuffles; each shuffle gets the same statistic against the other shuffles,
    // which is what chance alone gives.
    let excess = |x: f32, others: &mut dyn Iterator<Item = f32>, n: usize| {
        (x - others.sum::<f32>() / n as f32).max(0.0)
    };
    let real: f32 = real_l
        .iter()
        .zip(null_l)
        .map(|(r, row)| excess(*r, &mut row.iter().copied(), NULLS))
        .sum();
    let chance: Vec<f32> = (0..NULLS)
        .map(|k| {
            null_l
                .iter()
                .map(|row| {
                    let mut others = row
                        .iter()
                        .enumerate()
                        .filter(|(j, _)| *j != k)
                        .map(|e| *e.1);
                    excess(row[k], &mut others, NULLS - 1)
                })
                .sum()
        })
        .collect();
    let null_mean = chance.iter().sum::<f32>() / NULLS as f32;
    let null_best = chance.iter().copied().fold(0.0f32, f32::max);
    verdict.gain = real;
    verdict.null_mean = null_mean;
    verdict.null_best = null_best;
    let per_char = (real - null_mean) / verdict.decoded.max(1) as f32;
    verdict.wins = per_char >= MIN_GAIN_PER_CHAR
        && if verdict.residual {
            // Residual glyphs are few (a title's), and a shuffle of a handful of them often
            // repeats part of the real reading, so the line statistic of chance is near the
            // real one. Instead: the real reading must beat the mean shuffle by
            // MIN_GAIN_OVER_BEST_NULL and read better than every shuffle.
            let raw_real: f32 = real_l.iter().sum();
            let raw_best = (0..NULLS)
                .map(|k| null_l.iter().map(|row| row[k]).sum::<f32>())
                .fold(f32::NEG_INFINITY, f32::max);
            real >= MIN_GAIN_OVER_BEST_NULL && raw_real > raw_best
        } else {
            real - null_best >= MIN_GAIN_OVER_BEST_NULL
                && real >= MIN_RATIO_TO_BEST_NULL * null_best
        };
}
