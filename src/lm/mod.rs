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

mod fold;
mod format;
mod hash;

pub use fold::{char_prior_log10, fold_char};
pub use hash::seq_hash;

use fold::{BOS, EOS, is_foreign, make_context};
use hash::{SuffixHashes, fingerprint, home_slot};
use std::sync::OnceLock;

/// The serialised shipped model (`models/ja-char.lm`), as [`CharLm::builtin`] parses it.
const BUILTIN_BYTES: &[u8] = include_bytes!("../../models/ja-char.lm");

/// sha256 (hex) of the shipped model's file (`models/ja-char.lm`), computed by `build.rs`
/// (tested).
pub const BUILTIN_SHA256: &str = include!(concat!(env!("OUT_DIR"), "/builtin_model_digest.rs"));

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

    /// Whether this is the shipped model.
    pub fn is_builtin(self) -> bool {
        self.0.is_none()
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

/// Highest supported order (keys pack at most this many characters).
pub const MAX_ORDER: usize = 5;

/// Quantisation step of stored log10 values: 1/2048 (error ≤ 0.00025).
const QSCALE: f32 = 2048.0;
/// Stored-probability sentinel: the entry is a context only (e.g. the bare start marker).
const NO_PROB: u16 = u16::MAX;

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

mod adaptive;
mod build;

pub use adaptive::{AdaptiveLm, IdentityBuild, IdentityHasher};
pub use build::{BuildStats, LmBuilder};

#[cfg(test)]
mod tests;
