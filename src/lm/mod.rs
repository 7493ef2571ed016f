//! Character n-gram language model of Japanese.
//!
//! Used by the repair stage (keep a suspicious character or decode it through a font table?)
//! and by table learning (score candidate assignments). All scores are **log10**
//! probabilities.
//!
//! # Model
//! Interpolated Witten-Bell smoothing over weighted (fractional) counts, stored in its exact
//! backoff form: for every kept n-gram `h·c` the interpolated `log10 p(c | h)`, and for every
//! context `h` its backoff weight. A lookup walks from the longest context down and stops at
//! the first stored n-gram, adding the backoff weights of the contexts it left.
//! * Witten-Bell weights use `T(h) = s · Σ_c min(1, C(hc))` (distinct continuations, a
//!   fractional word count contributing its fraction), with `s` = [`LmBuilder::backoff_scale`]
//!   (the shipped model uses 1: larger `s` predicts held-out text slightly better but
//!   shrinks the margins between real characters and lookalike garbles, see
//!   `scripts/build_lm.sh`).
//! * Pruning (`min_count`, orders ≥ 2) happens after the smoothing statistics were taken
//!   from the full counts; backoff weights are then renormalised,
//!   `bow(h) = (1 − Σ_kept p(c|h)) / (1 − Σ_kept p_lower(c|h'))`, so each context sums to 1.
//! * Below unigrams sits a fixed *prior* per Unicode block ([`char_prior_log10`]):
//!   characters never seen in training get a low but finite score, and characters of blocks
//!   that never occur in Japanese text (Syriac, Tai Tham, Hangul jamo, CJK Ext-A/B, private
//!   use…) get one far lower than unseen kanji or kana.
//!
//! The shipped `models/ja-char.lm` is order 4, built by `scripts/build_lm.sh` from Debian's
//! Japanese manuals (LibreOffice, GIMP, Debian reference/developers/maint-guide/policy) and
//! word lists (wordfreq, ipadic, SKK law/geo/names/addresses). manpages-ja is held out for
//! evaluation (`scripts/heldout_text.sh`), and the seed corpus is never trained on.
//!
//! # Normalisation (identical at build and query time, done by [`fold_char`])
//! Full-width ASCII U+FF01–U+FF5E is folded to ASCII (`６` → `6`, `Ｎ` → `N`); the ideographic
//! space U+3000, tab and CR become U+0020; U+0002/U+0003 (the internal line markers)
//! become U+FFFD. Nothing else is changed. A `'\n'` in a history
//! starts a new line: only the characters after it count, preceded by the start-of-line
//! marker. Scoring `'\n'` itself gives the end-of-line probability. At build time, control
//! characters and characters of never-Japanese blocks split the line (they are never
//! counted), so they always fall to the prior.
//!
//! # File format (little-endian)
//! `GMLM`, version u32, order u32, root backoff f32 (log10), entry count u64, FNV-1a
//! checksum u32 of the body, 8 reserved bytes; then the entries sorted by hash, 12 bytes
//! each: [`seq_hash`] u64, `-log10 p` u16 and `-log10 bow` u16, both in 1/2048 steps
//! (`u16::MAX` as p: a context that is not itself a predicted n-gram).
//!
//! # Invariants
//! * [`CharLm`] is immutable after construction; lookups never allocate.
//! * n-grams are addressed by a 64-bit hash of their folded characters ([`seq_hash`]);
//!   the in-memory table keeps a 32-bit fingerprint, so a false hit needs a 64-bit
//!   collision in both slot and fingerprint bits (negligible at this size).
//! * The serialized form is versioned and checksummed; [`CharLm::from_bytes`] never panics.

use crate::{Error, Result};
use std::collections::HashMap;
use std::sync::OnceLock;

/// Anything that scores characters in context. log10 probabilities.
pub trait Scorer {
    /// log10 p(c | history). Only the last `order - 1` characters of `history` are used
    /// (fewer if it contains a `'\n'`). An empty history — or a history shorter than
    /// `order - 1` — is taken as the start of a line, so pass all available context.
    fn log_prob(&self, history: &[char], c: char) -> f32;

    /// How many preceding characters `log_prob` looks at (order − 1): pass at least this
    /// many when they exist.
    fn context_len(&self) -> usize {
        MAX_ORDER - 1
    }

    /// An upper bound of every value `log_prob` returns (`+inf`: none known). Search may
    /// skip a candidate whose score cannot win even if each character scored this; a
    /// bound that is too high only costs speed, one that is too low changes results.
    fn max_log_prob(&self) -> f32 {
        f32::INFINITY
    }

    /// Sum of `log_prob` over `text`, starting at the start of a line.
    fn score_text(&self, text: &[char]) -> f32 {
        let mut total = 0.0;
        for i in 0..text.len() {
            total += self.log_prob(&text[..i], text[i]);
        }
        total
    }
}

/// Score of a candidate reading `span` between `left` and `right`: the log10 probability of
/// the span's characters plus that of the first `context_len()` characters of `right`
/// (whose contexts the span changes). Readings of the same span are comparable by this
/// score even when they differ in length. `left` may be the whole preceding text; if it is
/// shorter than the context it is taken as the start of a line. Allocation-free for
/// windows up to 64 characters.
pub fn score_span(scorer: &dyn Scorer, left: &[char], span: &[char], right: &[char]) -> f32 {
    let ctx = scorer.context_len();
    let left = &left[left.len().saturating_sub(ctx)..];
    let right = &right[..right.len().min(ctx)];
    let n = left.len() + span.len() + right.len();
    let mut stack = ['\0'; 64];
    let mut heap = Vec::new();
    let buf: &mut [char] = if n <= stack.len() {
        &mut stack[..n]
    } else {
        heap.resize(n, '\0');
        &mut heap[..]
    };
    buf[..left.len()].copy_from_slice(left);
    buf[left.len()..left.len() + span.len()].copy_from_slice(span);
    buf[left.len() + span.len()..].copy_from_slice(right);
    let mut total = 0.0;
    for i in left.len()..n {
        total += scorer.log_prob(&buf[..i], buf[i]);
        if buf[i] == '\n' {
            // Nothing after a line end depends on the span.
            break;
        }
    }
    total
}

/// Start-of-line marker inside n-grams (never produced by [`fold_char`]).
const BOS: char = '\u{0002}';
/// End-of-line marker: what `'\n'` is scored as.
const EOS: char = '\u{0003}';
/// Highest supported order (keys pack at most this many characters).
pub const MAX_ORDER: usize = 5;

const MAGIC: &[u8; 4] = b"GMLM";
const VERSION: u32 = 2;
const HEADER_LEN: usize = 4 + 4 + 4 + 4 + 8 + 4 + 8;
const ENTRY_LEN: usize = 12;
/// Quantisation step of stored log10 values: 1/2048 (error ≤ 0.00025).
const QSCALE: f32 = 2048.0;
/// Stored-probability sentinel: the entry is a context only (e.g. the bare start marker).
const NO_PROB: u16 = u16::MAX;

/// Fold a character the same way at build and query time (see module docs).
#[inline]
pub fn fold_char(c: char) -> char {
    let u = c as u32;
    if (0xFF01..=0xFF5E).contains(&u) {
        // Full-width ASCII → ASCII; in range by construction, so from_u32 cannot fail.
        char::from_u32(u - 0xFEE0).unwrap_or(c)
    } else if c == '\u{3000}' || c == '\t' || c == '\r' {
        ' '
    } else if c == BOS || c == EOS {
        // The internal markers never come from text.
        '\u{FFFD}'
    } else {
        c
    }
}

/// log10 prior of a character never seen in training, by Unicode block.
///
/// Japanese-script blocks get about 1/50 000 each, general symbols and Latin less, and
/// blocks that glyph-ID mojibake lands in but Japanese never uses far less. The values are
/// part of the model definition (changing them needs a format-version bump only if old
/// files must keep scoring identically; they are not stored).
pub fn char_prior_log10(c: char) -> f32 {
    let u = c as u32;
    match u {
        // Hiragana, katakana, CJK unified ideographs, iteration marks, CJK punctuation.
        0x3001..=0x303F | 0x3041..=0x30FF | 0x4E00..=0x9FFF | 0x31F0..=0x31FF => -4.7,
        // ASCII, Latin-1 punctuation, half-width katakana, full-width forms.
        0x20..=0x7E | 0xA0..=0xFF | 0xFF61..=0xFF9F | 0xFFE0..=0xFFEE => -5.5,
        // General punctuation, letterlike, numbers, arrows, math, box drawing, shapes,
        // misc symbols, dingbats, enclosed alphanumerics/CJK, CJK compatibility (㎡ ㈱).
        0x2010..=0x206F | 0x2100..=0x22FF | 0x2460..=0x27BF | 0x3200..=0x33FF | 0x2300..=0x23FF => {
            -6.0
        }
        // Greek and Cyrillic (used in Japanese text for α, β, Ω…), Latin extended.
        0x0100..=0x024F | 0x0370..=0x03FF | 0x0400..=0x04FF => -7.0,
        // CJK compatibility ideographs (髙 﨑 …): rare but real in names.
        0xF900..=0xFAFF => -7.5,
        // CJK Ext-A: some real (㐂) but mostly glyph-ID mojibake (㹌㹎㹍 = ＮＰＯ).
        0x3400..=0x4DBF => -9.0,
        // Everything else: Syriac, Tamil, Tai Tham, Hangul jamo, Greek extended, PUA, Ext-B+…
        _ => -10.0,
    }
}

/// Characters of blocks that Japanese text never uses; skipped at build time.
fn is_foreign(c: char) -> bool {
    char_prior_log10(c) <= -9.0 && c != BOS && c != EOS
}

const HASH_SEED: u64 = 0x9E37_79B9_7F4A_7C15;

#[inline]
fn hash_step(h: u64, c: char) -> u64 {
    let h = (h ^ c as u64).wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    h ^ (h >> 29)
}

#[inline]
fn hash_finish(h: u64, len: usize) -> u64 {
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
struct SuffixHashes {
    k: usize,
    seq: [u64; MAX_ORDER],
    ctx: [u64; MAX_ORDER],
}

impl SuffixHashes {
    #[inline]
    fn new(context: &[char], c: char) -> SuffixHashes {
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

/// One stored n-gram: its hash, quantised `-log10 p(last | prefix)` (or [`NO_PROB`]) and
/// quantised `-log10 backoff` when the sequence is used as a context (0 = no backoff cost).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Entry {
    hash: u64,
    neg_logp: u16,
    neg_bow: u16,
}

/// The immutable model. Cheap to share (`Send + Sync`).
#[derive(Debug, Clone)]
pub struct CharLm {
    order: usize,
    /// log10 of the backoff weight from unigrams to the per-block prior.
    root_bow: f32,
    /// Sorted by hash; the serialized form.
    entries: Vec<Entry>,
    /// Open-addressing table with linear probing, load ≤ 0.6, home slot from the high 32
    /// hash bits: (fingerprint = low 32 bits) << 32 | neg_logp << 16 | neg_bow; 0 = empty.
    slots: Vec<u64>,
}

#[inline]
fn dequant(q: u16) -> f32 {
    -(q as f32) / QSCALE
}

#[inline]
fn quant(logp: f64) -> u16 {
    let q = (-logp * QSCALE as f64).round();
    q.clamp(0.0, (NO_PROB - 1) as f64) as u16
}

impl CharLm {
    fn from_parts(order: usize, root_bow: f32, mut entries: Vec<Entry>) -> CharLm {
        entries.sort_unstable_by_key(|e| e.hash);
        entries.dedup_by_key(|e| e.hash);
        let cap = (entries.len() * 5 / 3).max(16);
        let mut slots = vec![0u64; cap];
        for e in &entries {
            let fp = fingerprint(e.hash);
            let mut i = home_slot(e.hash, cap);
            while slots[i] != 0 {
                i += 1;
                if i == cap {
                    i = 0;
                }
            }
            slots[i] = (fp << 32) | ((e.neg_logp as u64) << 16) | e.neg_bow as u64;
        }
        CharLm {
            order,
            root_bow,
            entries,
            slots,
        }
    }

    /// A model with no n-grams: every character scores its block prior.
    pub fn empty(order: usize) -> CharLm {
        CharLm::from_parts(order.clamp(1, MAX_ORDER), 0.0, Vec::new())
    }

    /// The model shipped in `models/ja-char.lm`, parsed once. Never panics: if the embedded
    /// bytes were bad (a build defect, caught by a test) this is an empty model.
    pub fn builtin() -> &'static CharLm {
        static MODEL: OnceLock<CharLm> = OnceLock::new();
        MODEL.get_or_init(|| {
            CharLm::from_bytes(include_bytes!("../../models/ja-char.lm"))
                .unwrap_or_else(|_| CharLm::empty(4))
        })
    }

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

    /// n-gram order (context length + 1).
    pub fn order(&self) -> usize {
        self.order
    }

    /// Number of stored n-grams and contexts.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True if the model stores no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Sum of `log_prob` over `text`, starting at the start of a line.
    pub fn score(&self, text: &[char]) -> f32 {
        self.score_text(text)
    }

    /// Look a sequence up: (neg_logp, neg_bow) quantised. `first` is the already-loaded
    /// home slot of `hash`.
    #[inline]
    fn probe_from(&self, hash: u64, first: u64) -> Option<(u16, u16)> {
        let fp = fingerprint(hash);
        if first == 0 {
            return None;
        }
        if first >> 32 == fp {
            return Some(((first >> 16) as u16, first as u16));
        }
        let cap = self.slots.len();
        let mut i = home_slot(hash, cap);
        loop {
            i += 1;
            if i == cap {
                i = 0;
            }
            let s = self.slots[i];
            if s == 0 {
                return None;
            }
            if s >> 32 == fp {
                return Some(((s >> 16) as u16, s as u16));
            }
        }
    }

    /// log10 p(c | ctx) where `ctx` is already folded and at most `order - 1` long
    /// (possibly starting with BOS).
    #[inline]
    fn log_prob_ctx(&self, ctx: &[char], c: char) -> f32 {
        self.log_prob_hashed(&SuffixHashes::new(ctx, c), c)
    }

    #[inline]
    fn log_prob_hashed(&self, h: &SuffixHashes, c: char) -> f32 {
        let k = h.k;
        let cap = self.slots.len();
        // Load every home slot first: the loads are independent, so their cache misses
        // overlap instead of being paid one after another.
        let mut first_seq = [0u64; MAX_ORDER];
        let mut first_ctx = [0u64; MAX_ORDER];
        for i in 0..=k {
            first_seq[i] = self.slots[home_slot(h.seq[i], cap)];
            first_ctx[i] = self.slots[home_slot(h.ctx[i], cap)];
        }
        let mut acc = 0.0f32;
        for i in 0..k {
            // Longest context first. Unseen context: no cost, no longer n-gram can exist.
            let Some((_, bow)) = self.probe_from(h.ctx[i], first_ctx[i]) else {
                continue;
            };
            if let Some((lp, _)) = self.probe_from(h.seq[i], first_seq[i])
                && lp != NO_PROB
            {
                return acc + dequant(lp);
            }
            acc += dequant(bow);
        }
        if let Some((lp, _)) = self.probe_from(h.seq[k], first_seq[k])
            && lp != NO_PROB
        {
            return acc + dequant(lp);
        }
        acc + self.root_bow + char_prior_log10(c)
    }
}

/// Turn a raw history into the folded context actually used (≤ order-1 chars, BOS-led if
/// the line start is within reach). Returns the number of chars written into `buf`.
#[inline]
fn make_context(order: usize, history: &[char], buf: &mut [char; MAX_ORDER]) -> usize {
    let want = order.saturating_sub(1);
    if want == 0 {
        return 0;
    }
    // Characters after the last newline, at most `want`.
    let mut n = 0;
    for &h in history.iter().rev() {
        if h == '\n' || n == want {
            break;
        }
        n += 1;
    }
    let tail = &history[history.len() - n..];
    let mut len = 0;
    // Fewer than `want` characters means we reached the line start.
    if n < want {
        buf[0] = BOS;
        len = 1;
    }
    for &h in tail {
        buf[len] = fold_char(h);
        len += 1;
    }
    len
}

impl<T: Scorer + ?Sized> Scorer for &T {
    #[inline]
    fn log_prob(&self, history: &[char], c: char) -> f32 {
        (**self).log_prob(history, c)
    }
    fn context_len(&self) -> usize {
        (**self).context_len()
    }
    fn max_log_prob(&self) -> f32 {
        (**self).max_log_prob()
    }
}

impl Scorer for CharLm {
    fn context_len(&self) -> usize {
        self.order.saturating_sub(1)
    }

    /// Stored values and block priors are ≤ 0 and sums of non-positive floats stay ≤ 0;
    /// only a positive root backoff (never built, refused on load) could lift a score.
    fn max_log_prob(&self) -> f32 {
        if self.root_bow <= 0.0 {
            0.0
        } else {
            f32::INFINITY
        }
    }

    #[inline]
    fn log_prob(&self, history: &[char], c: char) -> f32 {
        let mut buf = ['\0'; MAX_ORDER];
        let len = make_context(self.order, history, &mut buf);
        let c = if c == '\n' { EOS } else { fold_char(c) };
        self.log_prob_ctx(&buf[..len], c)
    }
}

/// Home slot of a hash in a table of `cap` slots (multiply-shift range reduction).
#[inline]
fn home_slot(hash: u64, cap: usize) -> usize {
    (((hash >> 32) * cap as u64) >> 32) as usize
}

#[inline]
fn fingerprint(hash: u64) -> u64 {
    let fp = hash & 0xFFFF_FFFF;
    if fp == 0 { 1 } else { fp }
}

fn fnv1a32(b: &[u8]) -> u32 {
    let mut h: u32 = 0x811C_9DC5;
    for &x in b {
        h ^= x as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

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

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    fn small_model() -> CharLm {
        let mut b = LmBuilder::new(4);
        for _ in 0..3 {
            b.add_text(
                "支援を行う。\n事業の目的を記載する。\n地方公共団体が実施する。",
                1.0,
            );
        }
        b.add_word("補助率", 2.0);
        b.build(4, 1.0)
    }

    #[test]
    fn probabilities_are_normalised_over_seen_and_unseen() {
        // Sum over the training vocabulary plus a large sample of unseen characters must not
        // exceed 1 (the prior is sub-normalised) and must be close to 1 for seen contexts.
        let lm = small_model();
        let h = chars("支援を");
        let vocab: Vec<char> = chars("支援を行う。事業の目的記載するが実施地方公共団体補助率\n");
        let total: f32 = vocab.iter().map(|&c| 10f32.powf(lm.log_prob(&h, c))).sum();
        assert!(total > 0.9 && total <= 1.001, "total {total}");
    }

    /// Σ_c p(c | h) over every Unicode scalar value: at most 1 (the block prior is
    /// sub-normalised) and close to 1, for pruned models too (renormalised backoff).
    #[test]
    fn distribution_sums_to_at_most_one_after_pruning() {
        let mut b = LmBuilder::new(4);
        b.add_text(
            "支援を行う。\n支援を行う。\n支援を求める。\n事業を行う。",
            1.0,
        );
        b.add_text("支援の目的。\n行う事業。", 0.5);
        b.add_word("支援策", 1.5);
        for min_count in [1.0, 2.0] {
            let lm = b.build(4, min_count);
            for h in ["", "支援", "支援を", "無関係"] {
                let h = chars(h);
                // The BMP: the prior mass beyond it is below 1e-4.
                let total: f64 = (0..=0xFFFFu32)
                    .filter_map(char::from_u32)
                    .filter(|&c| c != '\n' && c != BOS && c != EOS && fold_char(c) == c)
                    .map(|c| 10f64.powf(lm.log_prob(&h, c) as f64))
                    .sum::<f64>()
                    + 10f64.powf(lm.log_prob(&h, '\n') as f64);
                eprintln!("min_count {min_count} {h:?}: {total}");
                assert!(
                    total <= 1.01 && total > 0.8,
                    "min_count {min_count}, history {h:?}: total {total}"
                );
            }
        }
    }

    #[test]
    fn corrupted_bytes_never_panic() {
        let bytes = small_model().to_bytes();
        let mut rng = 0x0123_4567_89AB_CDEF_u64;
        for _ in 0..2000 {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            let mut b = bytes.clone();
            let pos = (rng % b.len() as u64) as usize;
            b[pos] ^= (rng >> 32) as u8 | 1;
            let cut = ((rng >> 40) % (b.len() as u64 + 1)) as usize;
            // Either form may be accepted only if it still parses consistently.
            if let Ok(lm) = CharLm::from_bytes(&b[..cut]) {
                let _ = lm.score(&chars("支援"));
            }
            if let Ok(lm) = CharLm::from_bytes(&b) {
                let _ = lm.score(&chars("支援"));
            }
        }
    }

    #[test]
    fn score_span_compares_readings_in_context() {
        let lm = small_model();
        let left = chars("地方公共団体が実施する。事業の目");
        let right = chars("を記載する。");
        let good = score_span(&lm, &left, &chars("的"), &right);
        let bad = score_span(&lm, &left, &chars("ࡢ"), &right);
        assert!(good > bad + 5.0, "good {good} bad {bad}");
        // Same as summing log_prob over the joined text from the span on.
        let joined: Vec<char> = left
            .iter()
            .chain(&chars("的"))
            .chain(&right)
            .copied()
            .collect();
        let expect: f32 = (left.len()..left.len() + 1 + lm.context_len())
            .map(|i| lm.log_prob(&joined[..i], joined[i]))
            .sum();
        assert!((good - expect).abs() < 1e-4, "{good} vs {expect}");
        // Long spans take the heap path and agree with the direct sum.
        let long: Vec<char> = "支援を行う。".repeat(20).chars().collect();
        let direct = lm.score(&long);
        let via = score_span(&lm, &[], &long, &[]);
        assert!((direct - via).abs() < 1e-3, "{direct} vs {via}");
    }

    #[test]
    fn highest_order_builds_and_beats_lower_orders_on_training_text() {
        let mut b = LmBuilder::new(MAX_ORDER);
        let text = "地方公共団体が実施する事業の目的を記載する。";
        for _ in 0..4 {
            b.add_text(text, 1.0);
        }
        let t = chars(text);
        let top = b.build(MAX_ORDER, 1.0);
        assert_eq!(top.order(), MAX_ORDER);
        let bigram = b.build(2, 1.0);
        assert!(
            top.score(&t) > bigram.score(&t),
            "{} vs {}",
            top.score(&t),
            bigram.score(&t)
        );
        let back = CharLm::from_bytes(&top.to_bytes()).expect("parse");
        assert_eq!(back.score(&t), top.score(&t));
    }

    #[test]
    fn round_trip_bytes() {
        let lm = small_model();
        let bytes = lm.to_bytes();
        let back = CharLm::from_bytes(&bytes).expect("parse");
        assert_eq!(back.order(), lm.order());
        assert_eq!(back.to_bytes(), bytes);
        let t = chars("事業の目的を行う");
        assert_eq!(back.score(&t), lm.score(&t));
    }

    #[test]
    fn bad_bytes_are_errors() {
        let bytes = small_model().to_bytes();
        for cut in [0, 3, HEADER_LEN - 1, HEADER_LEN, bytes.len() - 1] {
            assert!(CharLm::from_bytes(&bytes[..cut]).is_err(), "cut {cut}");
        }
        let mut wrong_magic = bytes.clone();
        wrong_magic[0] = b'X';
        assert!(CharLm::from_bytes(&wrong_magic).is_err());
        let mut wrong_version = bytes.clone();
        wrong_version[4] = 99;
        assert!(CharLm::from_bytes(&wrong_version).is_err());
        let mut flipped = bytes.clone();
        let last = flipped.len() - 3;
        flipped[last] ^= 0x40;
        assert!(CharLm::from_bytes(&flipped).is_err());
        let mut huge = bytes.clone();
        huge[16..24].copy_from_slice(&u64::MAX.to_le_bytes());
        assert!(CharLm::from_bytes(&huge).is_err());
    }

    #[test]
    fn seen_text_beats_unseen_and_foreign_is_lowest() {
        let lm = small_model();
        let h = chars("支援");
        assert!(lm.log_prob(&h, 'を') > lm.log_prob(&h, '亜'));
        // Unseen kanji vs a Syriac / Tai Tham character: block prior decides.
        assert!(lm.log_prob(&h, '亜') > lm.log_prob(&h, 'ᨭ') + 3.0);
        assert!(lm.log_prob(&h, 'ᨭ').is_finite());
    }

    #[test]
    fn fullwidth_folds_consistently() {
        let mut b = LmBuilder::new(3);
        b.add_text("令和6年度\n令和6年度", 1.0);
        let lm = b.build(3, 1.0);
        assert_eq!(
            lm.score(&chars("令和６年度")),
            lm.score(&chars("令和6年度"))
        );
    }

    #[test]
    fn newline_resets_history() {
        let lm = small_model();
        let a = lm.log_prob(&chars("支援を行う。\n"), '事');
        let b = lm.log_prob(&[], '事');
        assert_eq!(a, b);
    }

    #[test]
    fn adaptive_raises_observed_text() {
        let lm = small_model();
        let text = chars("孤独・孤立対策");
        let before = lm.score(&text);
        let mut ad = AdaptiveLm::new(&lm);
        ad.observe("孤独・孤立対策の推進\n孤独・孤立対策");
        // A glyph-ID character in the observed text is not learnt.
        let garbled = chars("ᨭ᥼");
        let before_garbled = ad.score_text(&garbled);
        ad.observe("ᨭ᥼ᨭ᥼ᨭ᥼");
        assert!((ad.score_text(&garbled) - before_garbled).abs() < 0.05);
        let after = ad.score_text(&text);
        assert!(after > before + 3.0, "before {before} after {after}");
        // Unobserved text loses at most log10(1 - MAX_CACHE_WEIGHT) per char.
        let other = chars("支援を行う");
        let drop = lm.score(&other) - ad.score_text(&other);
        assert!(drop <= -(1.0 - AdaptiveLm::MAX_CACHE_WEIGHT).log10() * 5.0 + 1e-3);
    }
}
