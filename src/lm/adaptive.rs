//! A document-adapted model: the base model interpolated with a cache of the document's own
//! clean text, so names and terms a document repeats score as it uses them.

use super::*;

/// A document-adapted model: the base model linearly interpolated with a cache model built
/// from the input document's own clean text (Witten-Bell over cache counts). The cache
/// weight grows with the amount observed, up to [`AdaptiveLm::MAX_CACHE_WEIGHT`].
pub struct AdaptiveLm<'a> {
    base: &'a CharLm,
    order: usize,
    /// Sequence hash → its count as an n-gram (orders 1..=order) and, as a context,
    /// (C(h), T(h)); the empty context is included.
    counts: CountTable,
    observed: f32,
    /// The cache's weight and log10 of the base model's, for `observed` (computed when it
    /// changes, not per lookup).
    lambda: f32,
    base_share_log10: f32,
    max_weight: f32,
    half_weight_chars: f32,
}

/// Hasher for keys that are already well-mixed 64-bit hashes.
#[derive(Default, Clone, Copy)]
pub struct IdentityBuild;
/// The hasher [`IdentityBuild`] builds: passes a `u64` key through unchanged.
#[derive(Default)]
pub struct IdentityHasher(u64);
impl std::hash::BuildHasher for IdentityBuild {
    type Hasher = IdentityHasher;
    fn build_hasher(&self) -> IdentityHasher {
        IdentityHasher(0)
    }
}
impl std::hash::Hasher for IdentityHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) ^ b as u64;
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

impl<'a> AdaptiveLm<'a> {
    /// Upper bound of the cache model's interpolation weight.
    pub const MAX_CACHE_WEIGHT: f32 = 0.5;
    /// Characters observed at which the cache weight reaches half its maximum.
    pub const HALF_WEIGHT_CHARS: f32 = 300.0;

    /// An adapted model over `base` with the default cache weights
    /// ([`AdaptiveLm::MAX_CACHE_WEIGHT`], [`AdaptiveLm::HALF_WEIGHT_CHARS`]); nothing observed yet.
    pub fn new(base: &'a CharLm) -> Self {
        Self::with_weights(base, Self::MAX_CACHE_WEIGHT, Self::HALF_WEIGHT_CHARS)
    }

    /// Like [`AdaptiveLm::new`] with another cache weight: `max_weight` (clamped to
    /// 0..=0.95) reached asymptotically, half of it after `half_weight_chars` observed.
    pub fn with_weights(base: &'a CharLm, max_weight: f32, half_weight_chars: f32) -> Self {
        AdaptiveLm {
            base,
            order: base.order(),
            counts: CountTable::new(),
            observed: 0.0,
            lambda: 0.0,
            base_share_log10: 0.0,
            max_weight: if max_weight.is_finite() {
                max_weight.clamp(0.0, 0.95)
            } else {
                0.0
            },
            half_weight_chars: if half_weight_chars.is_finite() {
                half_weight_chars.max(0.0)
            } else {
                0.0
            },
        }
    }

    /// Add the document's clean text to the cache.
    ///
    /// Like the builder, control characters and never-Japanese characters (a glyph-ID
    /// character that slipped into "clean" text) split the line and are not counted.
    pub fn observe(&mut self, clean_text: &str) {
        let mut units: Vec<char> = Vec::new();
        for line in clean_text.lines() {
            units.clear();
            units.push(BOS);
            for c in line.chars().map(fold_char) {
                if is_foreign(c) || c.is_control() {
                    self.observe_units(&mut units);
                } else {
                    units.push(c);
                }
            }
            self.observe_units(&mut units);
        }
    }

    /// Count one BOS-led segment and reset `units` to a bare BOS.
    fn observe_units(&mut self, units: &mut Vec<char>) {
        if units.len() > 1 {
            units.push(EOS);
            for i in 1..units.len() {
                for n in 1..=self.order {
                    if n > i + 1 {
                        break;
                    }
                    let seq = &units[i + 1 - n..=i];
                    let g = self.counts.entry(seq_hash(seq));
                    g.gram = bump(g.gram);
                    let first = g.gram == 1;
                    // The context is the (n−1)-gram this loop counted one position
                    // earlier: its slot is likely still in cache.
                    let s = self.counts.entry(seq_hash(&seq[..n - 1]));
                    s.ctx_c = bump(s.ctx_c);
                    if first {
                        s.ctx_t = bump(s.ctx_t);
                    }
                }
            }
            self.observed += (units.len() - 2) as f32;
            self.lambda =
                self.max_weight * self.observed / (self.observed + self.half_weight_chars);
            self.base_share_log10 = (1.0 - self.lambda).log10();
        }
        units.clear();
        units.push(BOS);
    }

    /// Witten-Bell probability of the cache alone (0 if `c` was never observed).
    fn cache_prob(&self, h: &SuffixHashes) -> f32 {
        let t = &self.counts;
        // An unobserved character has probability 0 at every order.
        if t.get(h.seq[h.k]).gram == 0 {
            return 0.0;
        }
        let mut p = 0.0f32;
        // From the empty context up to the longest: p = (C(hc) + T(h) p_lower) / (C(h)+T(h)).
        for i in (0..=h.k).rev() {
            let ctx = t.get(h.ctx[i]);
            // A sequence never counted as a context (C(h) = 0): no longer one was either.
            if ctx.ctx_c == 0 {
                break;
            }
            let (c_h, t_h) = (ctx.ctx_c as f32, ctx.ctx_t as f32);
            let c_hc = t.get(h.seq[i]).gram as f32;
            p = (c_hc + t_h * p) / (c_h + t_h);
        }
        p
    }
}

/// The counts were `f32`, incremented by 1.0: exact up to 2^24, where adding 1.0 rounds
/// back to 2^24. Integer counts that stop there convert to exactly the same `f32`s.
const COUNT_CEILING: u32 = 1 << 24;

#[inline]
fn bump(n: u32) -> u32 {
    if n < COUNT_CEILING { n + 1 } else { n }
}

/// The counts of one character sequence (by hash): as an n-gram, and as a context. A slot
/// whose counts are all 0 is empty (a counted sequence has `gram` or `ctx_c` ≥ 1).
#[derive(Clone, Copy, Default)]
struct Counts {
    key: u64,
    /// C(s) as an n-gram.
    gram: u32,
    /// C(h) of s as a context: n-grams counted after it.
    ctx_c: u32,
    /// T(h): distinct characters counted after it.
    ctx_t: u32,
}

impl Counts {
    fn is_empty(&self) -> bool {
        self.gram == 0 && self.ctx_c == 0
    }
}

/// Open-addressing table (linear probing, power-of-two size, load ≤ 0.7) of [`Counts`] by
/// sequence hash: one table instead of two hash maps, so counting an n-gram's context
/// touches the slot its (n−1)-gram was just counted in. (Loading every home slot of a
/// lookup before probing, as [`CharLm`] does, was measured slower here: most lookups stop
/// at the first order the document never used.)
struct CountTable {
    slots: Vec<Counts>,
    len: usize,
    /// log2 of the slot count.
    bits: u32,
}

static EMPTY: Counts = Counts {
    key: 0,
    gram: 0,
    ctx_c: 0,
    ctx_t: 0,
};

impl CountTable {
    fn new() -> CountTable {
        let bits = 10;
        CountTable {
            slots: vec![Counts::default(); 1 << bits],
            len: 0,
            bits,
        }
    }

    /// Home slot of `hash`: its high bits (the keys are well-mixed hashes).
    #[inline]
    fn home(&self, hash: u64) -> usize {
        (hash >> (64 - self.bits)) as usize
    }

    /// The counts of `hash` (all 0 if never counted).
    #[inline]
    fn get(&self, hash: u64) -> &Counts {
        let mask = self.slots.len() - 1;
        let mut i = self.home(hash);
        loop {
            let s = &self.slots[i];
            if s.is_empty() {
                return &EMPTY;
            }
            if s.key == hash {
                return s;
            }
            i = (i + 1) & mask;
        }
    }

    /// The counts of `hash`, inserted with all counts 0 if new: the caller must count it
    /// (raise `gram` or `ctx_c`) before the next call.
    fn entry(&mut self, hash: u64) -> &mut Counts {
        if (self.len + 1) * 10 > self.slots.len() * 7 {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut i = self.home(hash);
        loop {
            let s = &self.slots[i];
            if s.is_empty() {
                self.len += 1;
                self.slots[i].key = hash;
                return &mut self.slots[i];
            }
            if s.key == hash {
                return &mut self.slots[i];
            }
            i = (i + 1) & mask;
        }
    }

    fn grow(&mut self) {
        let old = std::mem::replace(&mut self.slots, vec![Counts::default(); 2 << self.bits]);
        self.bits += 1;
        let mask = self.slots.len() - 1;
        for s in old.into_iter().filter(|s| !s.is_empty()) {
            let mut i = self.home(s.key);
            while !self.slots[i].is_empty() {
                i = (i + 1) & mask;
            }
            self.slots[i] = s;
        }
    }
}

impl Scorer for AdaptiveLm<'_> {
    fn context_len(&self) -> usize {
        self.order.saturating_sub(1)
    }

    /// A mixture of two probabilities ≤ 10^bound is ≤ 10^bound, up to the rounding of
    /// the mixing weights (an ulp of 1.0, ~5e-8 in log10): 1e-6 covers it.
    fn max_log_prob(&self) -> f32 {
        self.base.max_log_prob().max(0.0) + 1e-6
    }

    fn log_prob(&self, history: &[char], c: char) -> f32 {
        let mut buf = ['\0'; MAX_ORDER];
        let len = make_context(self.order, history, &mut buf);
        let c = if c == '\n' { EOS } else { fold_char(c) };
        let hashes = SuffixHashes::new(&buf[..len], c);
        let base = self.base.log_prob_hashed(&hashes, c);
        if self.observed == 0.0 {
            return base;
        }
        let lambda = self.lambda;
        let pc = self.cache_prob(&hashes);
        if pc == 0.0 {
            // Never observed: only the base model's share (no exp/log round trip).
            return base + self.base_share_log10;
        }
        ((1.0 - lambda) * 10f32.powf(base) + lambda * pc).log10()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    /// The cache as it was counted before [`CountTable`]: two hash maps of `f32` counts.
    /// The table must give every lookup bit for bit what these give.
    struct Reference {
        grams: HashMap<u64, f32>,
        contexts: HashMap<u64, (f32, f32)>,
    }

    impl Reference {
        fn observe(&mut self, units: &[char], order: usize) {
            for i in 1..units.len() {
                for n in 1..=order.min(i + 1) {
                    let seq = &units[i + 1 - n..=i];
                    let g = self.grams.entry(seq_hash(seq)).or_insert(0.0);
                    *g += 1.0;
                    let first = *g == 1.0;
                    let s = self
                        .contexts
                        .entry(seq_hash(&seq[..n - 1]))
                        .or_insert((0.0, 0.0));
                    s.0 += 1.0;
                    if first {
                        s.1 += 1.0;
                    }
                }
            }
        }

        fn cache_prob(&self, h: &SuffixHashes) -> f32 {
            if !self.grams.contains_key(&h.seq[h.k]) {
                return 0.0;
            }
            let mut p = 0.0f32;
            for i in (0..=h.k).rev() {
                let Some(&(c_h, t_h)) = self.contexts.get(&h.ctx[i]) else {
                    break;
                };
                let c_hc = self.grams.get(&h.seq[i]).copied().unwrap_or(0.0);
                p = (c_hc + t_h * p) / (c_h + t_h);
            }
            p
        }
    }

    #[test]
    fn count_table_equals_the_two_maps_it_replaced() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/clean_ja_heldout.txt"
        );
        let text = std::fs::read_to_string(path).expect("bundled held-out text");
        let base = CharLm::builtin();
        let mut lm = AdaptiveLm::new(base);
        let mut reference = Reference {
            grams: HashMap::new(),
            contexts: HashMap::new(),
        };
        // Half the text observed (the table grows many times), all of it queried: seen and
        // unseen characters and contexts, and glyph-ID characters.
        let half = text
            .char_indices()
            .nth(text.chars().count() / 2)
            .map_or(0, |(i, _)| i);
        let seen = &text[..half];
        lm.observe(seen);
        for line in seen.lines() {
            let mut units = vec![BOS];
            for c in line.chars().map(fold_char) {
                if is_foreign(c) || c.is_control() {
                    units.push(EOS);
                    if units.len() > 2 {
                        reference.observe(&units, lm.order);
                    }
                    units = vec![BOS];
                } else {
                    units.push(c);
                }
            }
            units.push(EOS);
            if units.len() > 2 {
                reference.observe(&units, lm.order);
            }
        }
        assert!(lm.counts.len > 5_000, "too little observed to test");
        let queried: Vec<char> = text.chars().chain("ᨭ᥼ᨭ᥼𠀋".chars()).collect();
        let mut nonzero = 0;
        for i in 0..queried.len() {
            let mut buf = ['\0'; MAX_ORDER];
            let len = make_context(lm.order, &queried[..i], &mut buf);
            let c = if queried[i] == '\n' {
                EOS
            } else {
                fold_char(queried[i])
            };
            let h = SuffixHashes::new(&buf[..len], c);
            let (got, want) = (lm.cache_prob(&h), reference.cache_prob(&h));
            assert_eq!(got.to_bits(), want.to_bits(), "at {i}: {got} vs {want}");
            nonzero += usize::from(got > 0.0);
        }
        assert!(nonzero > queried.len() / 4, "the test would prove little");
    }

    #[test]
    fn integer_counts_stop_where_f32_counts_stop() {
        let mut f = (COUNT_CEILING - 3) as f32;
        let mut n = COUNT_CEILING - 3;
        for _ in 0..8 {
            f += 1.0;
            n = bump(n);
            assert_eq!(f.to_bits(), (n as f32).to_bits());
        }
        assert_eq!(n, COUNT_CEILING);
    }
}
