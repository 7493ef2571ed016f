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
use std::sync::OnceLock;

/// The serialised shipped model (`models/ja-char.lm`), as [`CharLm::builtin`] parses it.
const BUILTIN_BYTES: &[u8] = include_bytes!("../../models/ja-char.lm");

/// A model to use, parsed only when first asked for: the shipped one ([`LmRef::builtin`],
/// ~10 ms and 10 MB to parse) or any other. A PDF whose glyphs all resolve never needs a
/// model, so a pipeline holds this rather than a parsed model.
#[derive(Debug, Clone, Copy)]
pub struct LmRef(Option<&'static CharLm>);

impl LmRef {
    /// The shipped model, parsed on the first [`LmRef::get`].
    pub fn builtin() -> LmRef {
        LmRef(None)
    }

    /// The model (the shipped one is parsed here, once per process).
    pub fn get(self) -> &'static CharLm {
        self.0.unwrap_or_else(CharLm::builtin)
    }

    /// The model's serialised form ([`CharLm::to_bytes`]); the shipped model's is its
    /// embedded file, which is what `to_bytes` of the parsed model gives (tested), so it
    /// is not parsed for this.
    pub fn to_bytes(self) -> std::borrow::Cow<'static, [u8]> {
        match self.0 {
            None => std::borrow::Cow::Borrowed(BUILTIN_BYTES),
            Some(lm) => std::borrow::Cow::Owned(lm.to_bytes()),
        }
    }
}

impl From<&'static CharLm> for LmRef {
    fn from(lm: &'static CharLm) -> LmRef {
        LmRef(Some(lm))
    }
}

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
        MODEL.get_or_init(|| CharLm::from_bytes(BUILTIN_BYTES).unwrap_or_else(|_| CharLm::empty(4)))
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

mod adaptive;
mod build;

pub use adaptive::{AdaptiveLm, IdentityBuild, IdentityHasher};
pub use build::{BuildStats, LmBuilder};

#[cfg(test)]
mod tests;
