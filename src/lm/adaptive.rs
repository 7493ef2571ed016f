//! A document-adapted model: the base model interpolated with a cache of the document's own
//! clean text, so names and terms a document repeats score as it uses them.

use super::*;
use std::collections::HashMap;

/// A document-adapted model: the base model linearly interpolated with a cache model built
/// from the input document's own clean text (Witten-Bell over cache counts). The cache
/// weight grows with the amount observed, up to [`AdaptiveLm::MAX_CACHE_WEIGHT`].
pub struct AdaptiveLm<'a> {
    base: &'a CharLm,
    order: usize,
    /// n-gram hash → count (orders 1..=order).
    grams: HashMap<u64, f32, IdentityBuild>,
    /// context hash → (C(h), T(h)); the empty context is included.
    contexts: HashMap<u64, (f32, f32), IdentityBuild>,
    observed: f32,
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
            grams: HashMap::with_hasher(IdentityBuild),
            contexts: HashMap::with_hasher(IdentityBuild),
            observed: 0.0,
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
            self.observed += (units.len() - 2) as f32;
        }
        units.clear();
        units.push(BOS);
    }

    /// Witten-Bell probability of the cache alone (0 if `c` was never observed).
    fn cache_prob(&self, h: &SuffixHashes) -> f32 {
        // An unobserved character has probability 0 at every order.
        if !self.grams.contains_key(&h.seq[h.k]) {
            return 0.0;
        }
        let mut p = 0.0f32;
        // From the empty context up to the longest: p = (C(hc) + T(h) p_lower) / (C(h)+T(h)).
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
        let lambda = self.max_weight * self.observed / (self.observed + self.half_weight_chars);
        let pc = self.cache_prob(&hashes);
        if pc == 0.0 {
            // Never observed: only the base model's share (no exp/log round trip).
            return base + (1.0 - lambda).log10();
        }
        ((1.0 - lambda) * 10f32.powf(base) + lambda * pc).log10()
    }
}
