//! The decoding lattice of one line: per character, keep it or decode it through one of
//! the candidate tables (or an NFC preimage); Viterbi under the language model picks the
//! reading. Invariant: every path emits at least one character per input character and
//! the `keep` option always exists, so the best path is never worse than the identity
//! by construction of the scores.

use crate::detect::classify;
use crate::lm::Scorer;
use crate::tables::FontTable;

/// A lattice state: (score, backpointer, last 3 output chars, count of valid history chars).
type LatticeCell = (f32, usize, [char; 3], usize);

/// Which reading an option is.
pub const KEEP: u8 = 0;

/// One way to read one input character.
#[derive(Debug, Clone, Copy)]
pub struct Opt {
    /// Up to 3 output characters (a Hangul syllable undone from NFC gives 2–3 glyphs).
    pub out: [char; 3],
    /// How many of `out` are used.
    pub n_out: u8,
    /// 0 = keep; t + 1 = decoded through candidate table t.
    pub choice: u8,
    /// Index of the rule in that table.
    pub rule: u16,
    /// The option reads an NFC preimage rather than the character itself.
    pub nfc: bool,
    /// log10 prior of this reading, before context.
    pub prior: f32,
}

impl Opt {
    /// The output characters.
    pub fn chars(&self) -> &[char] {
        &self.out[..self.n_out as usize]
    }
}

/// The options of every position of a line, stored flat (one allocation per line, not
/// one per character): position `i`'s options are `self[i]`, keep first.
#[derive(Debug, Clone, Default)]
pub struct Options {
    opts: Vec<Opt>,
    /// `start[i]..start[i + 1]` indexes position i's options; `start.len()` = positions + 1.
    start: Vec<u32>,
}

impl Options {
    fn with_capacity(positions: usize) -> Options {
        let mut start = Vec::with_capacity(positions + 1);
        start.push(0);
        Options {
            opts: Vec::with_capacity(positions * 2),
            start,
        }
    }

    /// Ends the current position (the options pushed since the last call).
    fn close_position(&mut self) {
        self.start.push(self.opts.len() as u32);
    }

    /// Positions.
    pub fn len(&self) -> usize {
        self.start.len().saturating_sub(1)
    }

    /// Whether there are no positions.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl std::ops::Index<usize> for Options {
    type Output = [Opt];
    fn index(&self, i: usize) -> &[Opt] {
        &self.opts[self.start[i] as usize..self.start[i + 1] as usize]
    }
}

impl From<Vec<Vec<Opt>>> for Options {
    fn from(positions: Vec<Vec<Opt>>) -> Options {
        let mut out = Options::with_capacity(positions.len());
        for p in positions {
            out.opts.extend(p);
            out.close_position();
        }
        out
    }
}

/// Builds the options of each position.
///
/// A character that is no garbling evidence by itself ([`super::doclevel::never_evidence`]:
/// controls such as pdftotext's page-break form feed, U+3000) gets decodings only between
/// two characters at least one of which is garbling evidence (a half-width glyph of a CJK
/// font amid its garbled neighbours); at a line's start or end, or amid clean text, it is
/// what the extractor emitted and is kept.
// Long: the hot per-character loop shares its caches; kept whole.
pub fn options(
    seq: &[char],
    tables: &[&FontTable],
    nfc_alternatives: bool,
    min_rule_confidence: f32,
) -> Options {
    let mut v = Options::with_capacity(seq.len());
    // log10 of a rule confidence, for the last few confidences seen (a line uses a handful).
    let mut log_conf: [(u32, f32); 4] = [(f32::NAN.to_bits(), 0.0); 4];
    let mut log_next = 0;
    let evidence = |i: Option<usize>| {
        i.and_then(|i| seq.get(i))
            .is_some_and(|&c| !super::doclevel::never_evidence(c) && classify(c).is_strong())
    };
    // A base + mark pair that NFC makes of one glyph ID (U+095C → U+0921 U+093C) reads as
    // two glyphs or as one, and the lattice reads one input character at a time: such a
    // pair is kept (reported as unresolved) rather than decoded as two glyphs that may be one.
    let ambiguous_pair = |i: usize| {
        nfc_alternatives
            && [i.checked_sub(1), Some(i)].into_iter().flatten().any(|j| {
                matches!((seq.get(j), seq.get(j + 1)), (Some(&a), Some(&b)) if super::nfc::is_split_pair(a, b))
            })
    };
    for (i, &c) in seq.iter().enumerate() {
        let class = classify(c);
        v.opts.push(Opt {
            out: [c, '\0', '\0'],
            n_out: 1,
            choice: KEEP,
            rule: 0,
            nfc: false,
            prior: class.real_prior(),
        });
        if class == crate::detect::CharClass::Ascii || ambiguous_pair(i) {
            v.close_position();
            continue;
        }
        if super::doclevel::never_evidence(c)
            && (i == 0
                || i + 1 == seq.len()
                || !(evidence(i.checked_sub(1)) || evidence(Some(i + 1))))
        {
            v.close_position();
            continue;
        }
        // The character itself, then its NFC preimages (allocated only when asked for).
        let own = [c];
        let preimages = if nfc_alternatives {
            super::nfc::preimages(c)
        } else {
            Vec::new()
        };
        for (t, table) in tables.iter().enumerate() {
            let sources =
                std::iter::once((&own[..], false)).chain(preimages.iter().map(|p| (&p[..], true)));
            for (src, nfc) in sources {
                if src.len() > 3 {
                    continue;
                }
                let mut out = ['\0'; 3];
                let mut conf = 1.0f32;
                let mut rule = 0u16;
                let mut ok = true;
                for (k, g) in src.iter().enumerate() {
                    match table.decode(*g as u32) {
                        Some(d) => {
                            out[k] = d.ch;
                            rule = d.rule;
                            let rc = table.rule(d.rule).map_or(0.0, |r| r.confidence);
                            conf = conf.min(rc);
                        }
                        None => {
                            ok = false;
                            break;
                        }
                    }
                }
                if !ok || conf < min_rule_confidence {
                    continue;
                }
                let clamped = conf.max(1e-3);
                let log = match log_conf.iter().find(|e| e.0 == clamped.to_bits()) {
                    Some(e) => e.1,
                    None => {
                        let l = clamped.log10();
                        log_conf[log_next] = (clamped.to_bits(), l);
                        log_next = (log_next + 1) % log_conf.len();
                        l
                    }
                };
                let nfc_cost = if nfc { -1.0 } else { 0.0 };
                v.opts.push(Opt {
                    out,
                    n_out: src.len() as u8,
                    choice: t as u8 + 1,
                    rule,
                    nfc,
                    prior: class.garbled_prior() + log + nfc_cost,
                });
            }
        }
        v.close_position();
    }
    v
}

/// Scores a fixed choice of options: sum of priors, switch costs and LM log-probabilities.
pub fn path_score(opts: &Options, pick: &[usize], lm: &dyn Scorer, switch_cost: f32) -> f32 {
    let mut hist: Vec<char> = Vec::with_capacity(pick.len() + 2);
    let mut score = 0.0;
    let mut prev_choice = KEEP;
    for (i, &k) in pick.iter().enumerate() {
        let o = &opts[i][k];
        score += o.prior;
        if i > 0 && o.choice != prev_choice {
            score -= switch_cost;
        }
        prev_choice = o.choice;
        for &ch in o.chars() {
            let h = &hist[hist.len().saturating_sub(3)..];
            score += lm.log_prob(h, ch);
            hist.push(ch);
        }
    }
    score
}

/// A path scored once, with what is needed to score paths that differ from it only in a
/// window `[s, e)` with the very same float operations as [`path_score`] (so the result is
/// bit-identical) but LM lookups only inside the window and for the 3 positions after it:
/// beyond those, the history (3 characters) is the base path's again, and its stored terms
/// are added in the same order.
pub struct ScoredPath {
    /// The base path's [`path_score`].
    pub total: f32,
    /// Running score on entering position i.
    before: Vec<f32>,
    /// Last (up to) 3 output characters on entering position i, and how many.
    hist: Vec<([char; 3], u8)>,
    /// Per position: whether a switch cost was paid, and the LM terms of its characters.
    switched: Vec<bool>,
    lps: Vec<[f32; 3]>,
}

impl ScoredPath {
    /// Scores the base path `pick` (as [`path_score`]), keeping its per-position terms.
    pub fn new(opts: &Options, pick: &[usize], lm: &dyn Scorer, switch_cost: f32) -> Self {
        let n = pick.len();
        let mut sp = ScoredPath {
            total: 0.0,
            before: Vec::with_capacity(n),
            hist: Vec::with_capacity(n),
            switched: Vec::with_capacity(n),
            lps: Vec::with_capacity(n),
        };
        let mut h = ['\0'; 3];
        let mut hn = 0usize;
        let mut score = 0.0f32;
        let mut prev_choice = KEEP;
        for (i, &k) in pick.iter().enumerate() {
            sp.before.push(score);
            sp.hist.push((h, hn as u8));
            let o = &opts[i][k];
            score += o.prior;
            let sw = i > 0 && o.choice != prev_choice;
            if sw {
                score -= switch_cost;
            }
            prev_choice = o.choice;
            let mut lps = [0.0f32; 3];
            for (j, &ch) in o.chars().iter().enumerate() {
                let lp = lm.log_prob(&h[3 - hn..], ch);
                lps[j] = lp;
                score += lp;
                h = [h[1], h[2], ch];
                hn = (hn + 1).min(3);
            }
            sp.switched.push(sw);
            sp.lps.push(lps);
        }
        sp.total = score;
        sp
    }

    /// [`path_score`] of `pick`, which must equal the base path outside `[s, e)`.
    pub fn rescore_window(
        &self,
        opts: &Options,
        pick: &[usize],
        s: usize,
        e: usize,
        lm: &dyn Scorer,
        switch_cost: f32,
    ) -> f32 {
        let n = pick.len();
        if s >= n {
            return self.total;
        }
        let (mut h, hn0) = self.hist[s];
        let mut hn = hn0 as usize;
        let mut score = self.before[s];
        let mut prev_choice = if s > 0 {
            opts[s - 1][pick[s - 1]].choice
        } else {
            KEEP
        };
        let fresh_end = (e + 3).min(n);
        for (i, &k) in pick.iter().enumerate().skip(s) {
            let o = &opts[i][k];
            score += o.prior;
            if i < fresh_end {
                if i > 0 && o.choice != prev_choice {
                    score -= switch_cost;
                }
                prev_choice = o.choice;
                for &ch in o.chars() {
                    score += lm.log_prob(&h[3 - hn..], ch);
                    h = [h[1], h[2], ch];
                    hn = (hn + 1).min(3);
                }
            } else {
                // Same option, same predecessor choice and same 3-character history as
                // the base path: its terms, added in the same order.
                if self.switched[i] {
                    score -= switch_cost;
                }
                for &lp in &self.lps[i][..o.chars().len()] {
                    score += lp;
                }
            }
        }
        score
    }
}

/// Viterbi over the options; history for the LM is taken along each state's best path
/// (up to 3 characters), the usual approximation that keeps the state space per position
/// equal to the number of options.
///
/// Exact pruning: the predecessors of a state are tried best-first, and one whose score
/// could not beat the best so far even if every character scored
/// [`Scorer::max_log_prob`] is not scored at all. The bound is computed with the same
/// float operations as the score, so the result (ties included: the lowest predecessor
/// index wins) is the one the exhaustive search gives.
pub fn best_path(opts: &Options, lm: &dyn Scorer, switch_cost: f32) -> Vec<usize> {
    let n = opts.len();
    if n == 0 {
        return Vec::new();
    }
    let max_lp = lm.max_log_prob();
    // Per position: (score, backpointer, last 3 output chars, count of valid hist chars).
    let mut layers: Vec<Vec<LatticeCell>> = Vec::with_capacity(n);
    let emit = |o: &Opt, mut h: [char; 3], mut hn: usize| -> (f32, [char; 3], usize) {
        let mut s = o.prior;
        for &ch in o.chars() {
            s += lm.log_prob(&h[3 - hn..], ch);
            h = [h[1], h[2], ch];
            hn = (hn + 1).min(3);
        }
        (s, h, hn)
    };
    let first: Vec<_> = opts[0]
        .iter()
        .map(|o| {
            let (s, h, hn) = emit(o, ['\0'; 3], 0);
            (s, 0usize, h, hn)
        })
        .collect();
    layers.push(first);
    let mut order: Vec<usize> = Vec::new();
    for i in 1..n {
        let prev = &layers[i - 1];
        // Predecessors best first (stable: equal scores keep index order).
        order.clear();
        order.extend(0..prev.len());
        order.sort_by(|&a, &b| prev[b].0.total_cmp(&prev[a].0));
        let mut layer = Vec::with_capacity(opts[i].len());
        for o in &opts[i] {
            // The most `emit` can return for `o`, accumulated as `emit` accumulates.
            let mut emit_max = o.prior;
            for _ in o.chars() {
                emit_max += max_lp;
            }
            let mut best = (f32::NEG_INFINITY, 0usize, ['\0'; 3], 0usize);
            let mut found = false;
            for &k in &order {
                let p = &prev[k];
                let sw = if opts[i - 1][k].choice != o.choice {
                    switch_cost
                } else {
                    0.0
                };
                // The exhaustive search takes k iff its score beats every earlier one, so
                // the winner is the lowest index among the maximal scores.
                let beats = |s: f32| s > best.0 || (found && s == best.0 && k < best.1);
                if !beats(p.0 - sw + emit_max) {
                    continue;
                }
                let (e, h, hn) = emit(o, p.2, p.3);
                let s = p.0 - sw + e;
                if beats(s) {
                    best = (s, k, h, hn);
                    found = true;
                }
            }
            layer.push(best);
        }
        layers.push(layer);
    }
    let mut pick = vec![0usize; n];
    let last = &layers[n - 1];
    let mut k = (0..last.len())
        .max_by(|&a, &b| last[a].0.total_cmp(&last[b].0))
        .unwrap_or(0);
    for i in (0..n).rev() {
        pick[i] = k;
        k = layers[i][k].1;
    }
    pick
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scorer whose values depend on the whole history and character, ≤ 0.
    struct Toy;
    impl Scorer for Toy {
        fn log_prob(&self, h: &[char], c: char) -> f32 {
            let mut x = c as u64;
            for &y in h {
                x = x.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ y as u64;
            }
            let u = (x.wrapping_mul(0xBF58_476D_1CE4_E5B9) >> 40) as f32 / (1u64 << 24) as f32;
            -0.05 - 6.0 * u
        }
        fn max_log_prob(&self) -> f32 {
            0.0
        }
    }

    /// Deterministic pseudo-random lattices: keep plus up to 3 decodings per position,
    /// some emitting 2 characters.
    fn lattice(seed: u64, n: usize) -> Options {
        let mut r = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let mut next = move |m: u64| {
            r ^= r << 13;
            r ^= r >> 7;
            r ^= r << 17;
            r % m
        };
        (0..n)
            .map(|_| {
                let k = 1 + next(4) as usize;
                (0..k)
                    .map(|t| {
                        let c = char::from_u32(0x3041 + next(8) as u32).unwrap_or('あ');
                        let two = t > 0 && next(4) == 0;
                        Opt {
                            out: [c, 'ー', '\0'],
                            n_out: if two { 2 } else { 1 },
                            choice: t as u8,
                            rule: 0,
                            nfc: false,
                            prior: -(next(30) as f32) / 10.0,
                        }
                    })
                    .collect::<Vec<Opt>>()
            })
            .collect::<Vec<Vec<Opt>>>()
            .into()
    }

    /// The search without pruning (what `best_path` must equal).
    fn exhaustive(opts: &Options, lm: &dyn Scorer, sw_cost: f32) -> Vec<usize> {
        let n = opts.len();
        let emit = |o: &Opt, mut h: [char; 3], mut hn: usize| {
            let mut s = o.prior;
            for &ch in o.chars() {
                s += lm.log_prob(&h[3 - hn..], ch);
                h = [h[1], h[2], ch];
                hn = (hn + 1).min(3);
            }
            (s, h, hn)
        };
        let mut layers: Vec<Vec<LatticeCell>> = vec![
            opts[0]
                .iter()
                .map(|o| {
                    let (s, h, hn) = emit(o, ['\0'; 3], 0);
                    (s, 0, h, hn)
                })
                .collect(),
        ];
        for i in 1..n {
            let prev = &layers[i - 1];
            let layer = opts[i]
                .iter()
                .map(|o| {
                    let mut best = (f32::NEG_INFINITY, 0usize, ['\0'; 3], 0usize);
                    for (k, p) in prev.iter().enumerate() {
                        let sw = if opts[i - 1][k].choice != o.choice {
                            sw_cost
                        } else {
                            0.0
                        };
                        let (e, h, hn) = emit(o, p.2, p.3);
                        let s = p.0 - sw + e;
                        if s > best.0 {
                            best = (s, k, h, hn);
                        }
                    }
                    best
                })
                .collect();
            layers.push(layer);
        }
        let mut pick = vec![0; n];
        let last = &layers[n - 1];
        let mut k = (0..last.len())
            .max_by(|&a, &b| last[a].0.total_cmp(&last[b].0))
            .unwrap_or(0);
        for i in (0..n).rev() {
            pick[i] = k;
            k = layers[i][k].1;
        }
        pick
    }

    #[test]
    fn pruned_search_equals_exhaustive_search() {
        let mut pruned_any = false;
        for seed in 1..300 {
            let opts = lattice(seed, 2 + (seed as usize % 23));
            for sw in [0.0, 1.0] {
                assert_eq!(
                    best_path(&opts, &Toy, sw),
                    exhaustive(&opts, &Toy, sw),
                    "seed {seed}"
                );
            }
            pruned_any |= (0..opts.len()).any(|i| opts[i].len() > 1);
        }
        assert!(pruned_any);
    }

    #[test]
    fn window_rescoring_is_bit_identical_to_full_scoring() {
        for seed in 1..200 {
            let opts = lattice(seed, 2 + (seed as usize % 17));
            let pick: Vec<usize> = (0..opts.len()).map(|i| opts[i].len() - 1).collect();
            let scored = ScoredPath::new(&opts, &pick, &Toy, 1.0);
            assert_eq!(
                scored.total.to_bits(),
                path_score(&opts, &pick, &Toy, 1.0).to_bits()
            );
            for s in 0..pick.len() {
                for e in s + 1..=pick.len() {
                    let mut alt = pick.clone();
                    alt[s..e].iter_mut().for_each(|k| *k = 0);
                    let want = path_score(&opts, &alt, &Toy, 1.0);
                    let got = scored.rescore_window(&opts, &alt, s, e, &Toy, 1.0);
                    assert_eq!(got.to_bits(), want.to_bits(), "seed {seed} [{s},{e})");
                }
            }
        }
    }
}

#[cfg(test)]
mod nfc_pair_tests {
    use super::*;

    /// A table that reads every glyph ID in 0x0900..0x0A00 (so both halves of the pair do).
    fn wide_table() -> FontTable {
        let mut text = String::from("table name=wide\n");
        text.push_str(
            "block order=unicode offset=-4000 chars=U+4900..U+49FF gids=0900..09FF confidence=0.97\n",
        );
        FontTable::parse("wide.table", &text).expect("table parses")
    }

    #[test]
    fn nfc_split_pair_gets_only_the_keep_option() {
        let table = wide_table();
        let seq = ['\u{0915}', '\u{0921}', '\u{093C}', '\u{0916}'];
        let with = options(&seq, &[&table], true, 0.5);
        let without = options(&seq, &[&table], false, 0.5);
        // Outside NFC text every glyph decodes; in text that may be NFC the pair is kept.
        assert!((0..4).all(|i| without[i].len() > 1));
        assert_eq!(with[1].len(), 1);
        assert_eq!(with[2].len(), 1);
        assert!(with[0].len() > 1 && with[3].len() > 1);
    }
}
