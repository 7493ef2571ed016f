//! The serialised model: [`CharLm::from_bytes`] and [`CharLm::to_bytes`] (layout in the
//! module docs of [`super`]).
//!
//! Invariants: parsing never panics (typed error on bad magic, version, length, order,
//! ordering or checksum); `from_bytes(to_bytes(m))` gives `m` back.

use super::{CharLm, Entry, MAX_ORDER};
use crate::{Error, Result};

const MAGIC: &[u8; 4] = b"GMLM";
const VERSION: u32 = 2;
pub(super) const HEADER_LEN: usize = 4 + 4 + 4 + 4 + 8 + 4 + 8;
const ENTRY_LEN: usize = 12;

impl CharLm {
    /// Parse the serialized form. Typed error on bad magic, version, length or checksum.
    pub fn from_bytes(b: &[u8]) -> Result<CharLm> {
        let bad = |m: &str| Error::LanguageModel(m.to_string());
        if b.len() < HEADER_LEN {
            return Err(bad("file too short for the header"));
        }
        if &b[0..4] != MAGIC {
            return Err(bad("wrong magic (not a glyphmend language model)"));
        }
        let u32_at = |o: usize| u32::from_le_bytes([b[o], b[o + 1], b[o + 2], b[o + 3]]);
        let u64_at = |o: usize| {
            let mut a = [0u8; 8];
            a.copy_from_slice(&b[o..o + 8]);
            u64::from_le_bytes(a)
        };
        let version = u32_at(4);
        if version != VERSION {
            return Err(Error::LanguageModel(format!(
                "unsupported model version {version} (expected {VERSION})"
            )));
        }
        let order = u32_at(8) as usize;
        if !(1..=MAX_ORDER).contains(&order) {
            return Err(Error::LanguageModel(format!("bad order {order}")));
        }
        let root_bow = f32::from_bits(u32_at(12));
        if !root_bow.is_finite() || root_bow > 0.0 {
            return Err(bad("bad root backoff weight"));
        }
        let n = u64_at(16);
        // Keeps the slot count far below 2^32 (home_slot's range reduction).
        if n > 1 << 28 {
            return Err(bad("entry count too large"));
        }
        let checksum = u32_at(24);
        let body_len = n
            .checked_mul(ENTRY_LEN as u64)
            .and_then(|l| usize::try_from(l).ok())
            .ok_or_else(|| bad("entry count overflows"))?;
        let body = &b[HEADER_LEN..];
        if body.len() != body_len {
            return Err(Error::LanguageModel(format!(
                "body is {} bytes, header says {} entries ({} bytes): truncated or padded",
                body.len(),
                n,
                body_len
            )));
        }
        if fnv1a32(body) != checksum {
            return Err(bad("checksum mismatch (corrupted file)"));
        }
        let mut entries = Vec::with_capacity(n as usize);
        let mut prev: Option<u64> = None;
        for rec in body.chunks_exact(ENTRY_LEN) {
            let mut h = [0u8; 8];
            h.copy_from_slice(&rec[0..8]);
            let hash = u64::from_le_bytes(h);
            if prev.is_some_and(|p| p >= hash) {
                return Err(bad("entries not strictly sorted"));
            }
            prev = Some(hash);
            entries.push(Entry {
                hash,
                neg_logp: u16::from_le_bytes([rec[8], rec[9]]),
                neg_bow: u16::from_le_bytes([rec[10], rec[11]]),
            });
        }
        Ok(CharLm::from_parts(order, root_bow, entries))
    }

    /// Serialize: header (magic, version, order, root backoff, entry count, checksum,
    /// reserved) then entries sorted by hash, 12 bytes each, little-endian.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut body = Vec::with_capacity(self.entries.len() * ENTRY_LEN);
        for e in &self.entries {
            body.extend_from_slice(&e.hash.to_le_bytes());
            body.extend_from_slice(&e.neg_logp.to_le_bytes());
            body.extend_from_slice(&e.neg_bow.to_le_bytes());
        }
        let mut out = Vec::with_capacity(HEADER_LEN + body.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&(self.order as u32).to_le_bytes());
        out.extend_from_slice(&self.root_bow.to_bits().to_le_bytes());
        out.extend_from_slice(&(self.entries.len() as u64).to_le_bytes());
        out.extend_from_slice(&fnv1a32(&body).to_le_bytes());
        out.extend_from_slice(&[0u8; 8]);
        out.extend_from_slice(&body);
        out
    }
}

fn fnv1a32(b: &[u8]) -> u32 {
    let mut h: u32 = 0x811C_9DC5;
    for &x in b {
        h ^= x as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}
