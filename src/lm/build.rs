//! Building a [`CharLm`] from weighted text and word counts: n-gram counts, Witten-Bell
//! smoothing with back-off weights, pruning by count, and the packed entries the file
//! format stores.

use super::*;
use std::collections::HashMap;

/// Packs up to [`MAX_ORDER`] characters (21 bits each) into a u128 key for building.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
struct Key(u128);

impl Key {
    /// Length in bits 124..128, characters in the low 21·len bits (≤ 105 with
    /// [`MAX_ORDER`] = 5, so they never reach the length).
    fn new(seq: &[char]) -> Key {
        debug_assert!(seq.len() <= MAX_ORDER);
        let mut k: u128 = 0;
        for &c in seq {
            k = (k << 21) | c as u128;
        }
        Key(k | ((seq.len() as u128) << 124))
    }
    fn chars(self, out: &mut [char; MAX_ORDER]) -> usize {
        let len = ((self.0 >> 124) as usize).min(MAX_ORDER);
        let mut k = self.0 & ((1u128 << 124) - 1);
        for i in (0..len).rev() {
            out[i] = char::from_u32((k & 0x1F_FFFF) as u32).unwrap_or('\0');
            k >>= 21;
        }
        len
    }
}

/// Accumulates weighted n-gram counts and builds a [`CharLm`].
pub struct LmBuilder {
    max_order: usize,
    /// counts[n-1]: n-grams (prefix + predicted char).
    counts: Vec<HashMap<Key, f64>>,
    /// Characters added (weighted), for reporting.
    pub total_chars: f64,
    /// Multiplies T(h) in the Witten-Bell weights (1 = classic Witten-Bell).
    pub backoff_scale: f64,
}

/// Sizes of a build, for reporting.
#[derive(Debug, Clone, Default)]
pub struct BuildStats {
    /// Kept n-grams of each order (index 0 = unigrams).
    pub ngrams_per_order: Vec<usize>,
    /// Entries of the built model (n-grams and contexts, as [`CharLm::len`]).
    pub entries: usize,
}

impl LmBuilder {
    /// Counts up to [`MAX_ORDER`]; `build` may use any order up to that.
    pub fn new(max_order: usize) -> LmBuilder {
        let max_order = max_order.clamp(1, MAX_ORDER);
        LmBuilder {
            max_order,
            counts: (0..max_order).map(|_| HashMap::new()).collect(),
            total_chars: 0.0,
            backoff_scale: 1.0,
        }
    }

    fn add_units(&mut self, units: &[char], first_predicted: usize, weight: f64) {
        for i in first_predicted..units.len() {
            for n in 1..=self.max_order {
                if n > i + 1 {
                    break;
                }
                let seq = &units[i + 1 - n..=i];
                *self.counts[n - 1].entry(Key::new(seq)).or_insert(0.0) += weight;
            }
        }
    }

    /// Running text: every line is a sentence with start and end markers.
    pub fn add_text(&mut self, text: &str, weight: f64) {
        if weight <= 0.0 {
            return;
        }
        let mut units = Vec::new();
        for line in text.lines() {
            units.clear();
            units.push(BOS);
            for c in line.chars() {
                let c = fold_char(c);
                if is_foreign(c) || c.is_control() {
                    // Never-Japanese characters end the segment (see module docs).
                    self.flush_text(&mut units, weight);
                    continue;
                }
                units.push(c);
            }
            self.flush_text(&mut units, weight);
        }
    }

    fn flush_text(&mut self, units: &mut Vec<char>, weight: f64) {
        if units.len() > 1 {
            units.push(EOS);
            self.total_chars += weight * (units.len() - 2) as f64;
            let u = std::mem::take(units);
            self.add_units(&u, 1, weight);
            *units = u;
        }
        units.clear();
        units.push(BOS);
    }

    /// A word seen `count` times (fractional allowed): only n-grams inside the word are
    /// counted — a word says nothing about what precedes or follows it.
    pub fn add_word(&mut self, word: &str, count: f64) {
        if count <= 0.0 {
            return;
        }
        let units: Vec<char> = word.chars().map(fold_char).collect();
        if units.iter().any(|&c| is_foreign(c) || c.is_control()) {
            return;
        }
        self.total_chars += count * units.len() as f64;
        self.add_units(&units, 0, count);
    }

    /// Build an interpolated Witten-Bell model of `order` (≤ the builder's max order),
    /// dropping n-grams of order ≥ 2 whose weighted count is below `min_count`.
    pub fn build(&self, order: usize, min_count: f64) -> CharLm {
        self.build_with_stats(order, min_count).0
    }

    /// [`LmBuilder::build`], also returning the sizes of what it built.
    // Long: the smoothing steps share per-order tables; kept in order.
    pub fn build_with_stats(&self, order: usize, min_count: f64) -> (CharLm, BuildStats) {
        let order = order.clamp(1, self.max_order);
        // Smoothing statistics come from the FULL counts: C(h) = Σ_c C(hc) and
        // T(h) = Σ_c min(1, C(hc)) (distinct continuations; a fractional word count
        // contributes its fraction). Pruning then only removes entries, and the backoff
        // weights are renormalised so each kept context still sums to one.
        let mut ctx_stats: Vec<HashMap<Key, (f64, f64)>> = Vec::with_capacity(order);
        let mut chars = ['\0'; MAX_ORDER];
        // Sorted so float sums (and thus the file) do not depend on hash-map order.
        let sorted: Vec<Vec<(Key, f64)>> = self
            .counts
            .iter()
            .take(order)
            .map(|table| {
                let mut v: Vec<(Key, f64)> = table.iter().map(|(&k, &v)| (k, v)).collect();
                v.sort_unstable_by_key(|e| e.0);
                v
            })
            .collect();
        for table in &sorted {
            let mut stats: HashMap<Key, (f64, f64)> = HashMap::new();
            for &(k, v) in table {
                let len = k.chars(&mut chars);
                let ctx = Key::new(&chars[..len - 1]);
                let s = stats.entry(ctx).or_insert((0.0, 0.0));
                s.0 += v;
                s.1 += v.min(1.0) * self.backoff_scale;
            }
            ctx_stats.push(stats);
        }
        // Kept n-grams. Pruning is monotone: C(h'c) ≥ C(hc) because every occurrence of hc
        // contains h'c, so the lower n-grams of kept n-grams are kept.
        let kept: Vec<Vec<(Key, f64)>> = (0..order)
            .map(|n| {
                sorted[n]
                    .iter()
                    .filter(|&&(_, v)| n == 0 || v >= min_count)
                    .copied()
                    .collect()
            })
            .collect();
        // Unigram level backs off to the block prior.
        let (n0, t0) = ctx_stats[0]
            .get(&Key::new(&[]))
            .copied()
            .unwrap_or((0.0, 0.0));
        let root_bow = if n0 + t0 > 0.0 {
            (t0 / (n0 + t0)).log10()
        } else {
            0.0
        };
        // Interpolated probabilities, order by order (log10), and per context the kept
        // mass at this order and at the order below: bow = (1 - Σ p_hi) / (1 - Σ p_lo).
        let mut probs: Vec<HashMap<Key, f64>> = Vec::with_capacity(order);
        let mut bows: Vec<(Key, f64)> = Vec::new();
        for n in 0..order {
            let mut p_n: HashMap<Key, f64> = HashMap::with_capacity(kept[n].len());
            let mut mass: HashMap<Key, (f64, f64)> = HashMap::new();
            for &(k, v) in &kept[n] {
                let len = k.chars(&mut chars);
                let ctx = Key::new(&chars[..len - 1]);
                let (c_h, t_h) = ctx_stats[n].get(&ctx).copied().unwrap_or((v, 1.0));
                let lower = if n == 0 {
                    10f64.powf(char_prior_log10(chars[len - 1]) as f64)
                } else {
                    let lower_key = Key::new(&chars[1..len]);
                    10f64.powf(probs[n - 1].get(&lower_key).copied().unwrap_or(-99.0))
                };
                let p = (v + t_h * lower) / (c_h + t_h);
                p_n.insert(k, p.log10());
                if n > 0 {
                    let m = mass.entry(ctx).or_insert((0.0, 0.0));
                    m.0 += p;
                    m.1 += lower;
                }
            }
            let mut ctxs: Vec<(Key, (f64, f64))> = mass.into_iter().collect();
            ctxs.sort_unstable_by_key(|e| e.0);
            for (ctx, (hi, lo)) in ctxs {
                let bow = (1.0 - hi).max(1e-9) / (1.0 - lo).max(1e-9);
                bows.push((ctx, bow.min(1.0).log10()));
            }
            probs.push(p_n);
        }
        // Entries: every kept n-gram, carrying its prob and (if it is a context) its bow.
        let mut by_key: HashMap<Key, (u16, u16)> = HashMap::new();
        for p_n in &probs {
            for (&k, &lp) in p_n {
                by_key.insert(k, (quant(lp), 0));
            }
        }
        for (k, bow) in bows {
            by_key.entry(k).or_insert((NO_PROB, 0)).1 = quant(bow);
        }
        let mut entries = Vec::with_capacity(by_key.len());
        let mut seq = ['\0'; MAX_ORDER];
        for (k, (lp, bow)) in by_key {
            let len = k.chars(&mut seq);
            entries.push(Entry {
                hash: seq_hash(&seq[..len]),
                neg_logp: lp,
                neg_bow: bow,
            });
        }
        let stats = BuildStats {
            ngrams_per_order: kept.iter().map(|m| m.len()).collect(),
            entries: entries.len(),
        };
        (CharLm::from_parts(order, root_bow as f32, entries), stats)
    }
}
