//! The n-gram hash (part of the file format) and the slot layout of the in-memory table.
//!
//! Invariants: [`seq_hash`] is stable (changing it needs a format-version bump);
//! [`SuffixHashes::new`] gives exactly the [`seq_hash`] of every suffix, in one pass.

use super::MAX_ORDER;

pub(super) const HASH_SEED: u64 = 0x9E37_79B9_7F4A_7C15;

#[inline]
pub(super) fn hash_step(h: u64, c: char) -> u64 {
    let h = (h ^ c as u64).wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    h ^ (h >> 29)
}

#[inline]
pub(super) fn hash_finish(h: u64, len: usize) -> u64 {
    // splitmix64 finaliser over the state and the length.
    let mut h = h ^ (len as u64).wrapping_mul(0xD6E8_FEB8_6659_FD93);
    h ^= h >> 30;
    h = h.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94D0_49BB_1331_11EB);
    h ^ (h >> 31)
}

/// Hash of a character sequence (after folding). Stable: it is part of the file format.
/// Characters are mixed in from the LAST one backwards, so the hashes of all suffixes
/// `seq[i..]` come out of one pass.
#[inline]
pub fn seq_hash(seq: &[char]) -> u64 {
    let mut h = HASH_SEED;
    for &c in seq.iter().rev() {
        h = hash_step(h, c);
    }
    hash_finish(h, seq.len())
}

/// Hashes of every suffix of `context·c` (`seq[i]` = hash of `buf[i..=k]`) and of every
/// suffix of `context` (`ctx[i]` = hash of `buf[i..k]`, `ctx[k]` = empty context).
pub(super) struct SuffixHashes {
    pub(super) k: usize,
    pub(super) seq: [u64; MAX_ORDER],
    pub(super) ctx: [u64; MAX_ORDER],
}

impl SuffixHashes {
    #[inline]
    pub(super) fn new(context: &[char], c: char) -> SuffixHashes {
        let k = context.len();
        let mut seq = [0u64; MAX_ORDER];
        let mut ctx = [0u64; MAX_ORDER];
        let mut h = hash_step(HASH_SEED, c);
        seq[k] = hash_finish(h, 1);
        for i in (0..k).rev() {
            h = hash_step(h, context[i]);
            seq[i] = hash_finish(h, k - i + 1);
        }
        let mut h = HASH_SEED;
        ctx[k] = hash_finish(h, 0);
        for i in (0..k).rev() {
            h = hash_step(h, context[i]);
            ctx[i] = hash_finish(h, k - i);
        }
        SuffixHashes { k, seq, ctx }
    }
}

/// Home slot of a hash in a table of `cap` slots (multiply-shift range reduction).
#[inline]
pub(super) fn home_slot(hash: u64, cap: usize) -> usize {
    (((hash >> 32) * cap as u64) >> 32) as usize
}

#[inline]
pub(super) fn fingerprint(hash: u64) -> u64 {
    let fp = hash & 0xFFFF_FFFF;
    if fp == 0 { 1 } else { fp }
}
