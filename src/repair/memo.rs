//! A per-line memo of language-model scores. Viterbi, margins and span confidences ask
//! for the same (history, character) pairs many times; one lookup here replaces the
//! model's several hashed probes. A memo may serve many lines of one document: it caches a
//! pure function of (history, character) under a fixed model, so results never depend on
//! what it has seen.

use crate::lm::Scorer;
use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Multiplicative hashing of one u128 key: the keys are already well-mixed char codes.
#[derive(Default)]
pub(super) struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ b as u64).wrapping_mul(0x100_0000_01B3);
        }
    }
    fn write_u128(&mut self, v: u128) {
        let x = (v as u64) ^ ((v >> 64) as u64).rotate_left(29);
        self.0 = x.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// Wraps a scorer; not shared across threads (one per line being repaired).
pub struct Memo<'a> {
    inner: &'a dyn Scorer,
    ctx: usize,
    cache: RefCell<HashMap<u128, f32, BuildHasherDefault<KeyHasher>>>,
}

impl<'a> Memo<'a> {
    pub fn new(inner: &'a dyn Scorer) -> Self {
        Memo {
            inner,
            ctx: inner.context_len().min(4),
            // Room for `MAX_ENTRIES` and a long line's worth more, so it never rehashes.
            cache: RefCell::new(HashMap::with_capacity_and_hasher(
                1 << 11,
                Default::default(),
            )),
        }
    }
}

impl Scorer for Memo<'_> {
    fn log_prob(&self, history: &[char], c: char) -> f32 {
        let h = &history[history.len().saturating_sub(self.ctx)..];
        // Key: up to 4 history chars and c, 21 bits each, plus the history length.
        let mut key: u128 = h.len() as u128;
        for &x in h {
            key = (key << 21) | x as u128;
        }
        key = (key << 21) | c as u128;
        if let Some(&v) = self.cache.borrow().get(&key) {
            return v;
        }
        let v = self.inner.log_prob(h, c);
        self.cache.borrow_mut().insert(key, v);
        v
    }

    fn context_len(&self) -> usize {
        self.ctx
    }

    fn max_log_prob(&self) -> f32 {
        self.inner.max_log_prob()
    }
}

impl Memo<'_> {
    /// Entries kept before the memo is emptied. Small on purpose: most hits are within a
    /// line (Viterbi, margins and spans ask the same pairs), and a memo that outgrows the
    /// CPU caches costs a cache miss per lookup — more than the model lookups it saves (a
    /// 10 MB corpus took 8.9–9.7 CPU-s with 1 << 20 entries, 6.3–7.2 with 1 << 10).
    const MAX_ENTRIES: usize = 1 << 10;

    /// Empties the memo if it has grown past its bound. Scores do not change.
    pub fn trim(&self) {
        let mut c = self.cache.borrow_mut();
        if c.len() > Self::MAX_ENTRIES {
            c.clear();
        }
    }
}
