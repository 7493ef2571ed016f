//! The clean-text fast path: find the next character that is strong evidence of garbling
//! without decoding text into the model.
//!
//! Strong-ness (see [`super::charclass`]) is precomputed for the whole BMP as a bitmap, and
//! summarised per (UTF-8 lead byte, second byte) — a block of 64 code points — as
//! all-clean / all-strong / mixed, so most characters cost one table load. Before that,
//! runs of bytes that are clean for sure are skipped with SIMD, 64 bytes a step where the
//! CPU has byte shuffles (SSSE3/AVX2: lead-byte rules looked up by low nibble). Invariant:
//! `first_strong` returns exactly the first char for which `classify(c).is_strong()`
//! (tested exhaustively over the BMP).

mod skip;

use super::charclass::classify;
use skip::*;
use std::sync::OnceLock;

const CLEAN: u8 = 0;
const STRONG: u8 = 1;
const MIXED: u8 = 2;

struct Tables {
    /// One bit per BMP code point.
    bits: Vec<u64>,
    /// Per 64-code-point block (cp >> 6): CLEAN, STRONG or MIXED.
    blocks: Vec<u8>,
    /// Per ASCII byte: strong (controls other than tab, LF, CR).
    ascii: [bool; 128],
    /// Byte patterns that are clean for sure, for the 16-bytes-at-a-time skip; `None` if
    /// the classification does not allow it (then only the scalar loop runs).
    wide: Option<WideClean>,
}

/// What the chunk skips accept as clean: printable ASCII, tab, LF, CR (checked at
/// startup to be clean), continuation bytes (their lead byte was checked), lead bytes
/// whose whole 4096-code-point range is clean, and for a few lead bytes the second-byte
/// range whose 64-code-point blocks are all clean. Derived from `blocks`, never assumed.
#[derive(Clone, Copy)]
struct WideClean {
    /// Three-byte lead bytes lo..=hi, all clean.
    leads: (u8, u8),
    /// (lead byte, second byte lo, second byte hi): clean except for the `holes`.
    pairs: [(u8, u8, u8); 4],
    /// Strong characters inside the `pairs` ranges (e.g. the unassigned U+3040, U+3097),
    /// as UTF-8 triples; unused ones are (0, 0, 0), which never matches a lead byte.
    holes: [(u8, u8, u8); MAX_HOLES],
    /// The same test as lookup tables by lead byte, for the byte-lookup skips.
    lookup: Option<LeadLookup>,
}

const MAX_HOLES: usize = 8;

/// Longest run of second bytes (0x80..=0xBF) after `lead` whose blocks are all CLEAN.
fn clean_second_bytes(blocks: &[u8], lead: u8) -> Option<(u8, u8)> {
    second_byte_run(blocks, &[0u64; 1024], lead, 0x80, 0).map(|(lo, hi, _)| (lo, hi))
}

/// Strong code points of the 64-code-point block `block`.
fn strong_in(bits: &[u64], block: usize) -> u32 {
    bits.get(block).map_or(0, |w| w.count_ones())
}

/// Longest run of second bytes after `lead` that contains `must` and holds at most
/// `max_holes` strong code points in all (none in a STRONG block): (lo, hi, holes).
fn second_byte_run(
    blocks: &[u8],
    bits: &[u64],
    lead: u8,
    must: u8,
    max_holes: u32,
) -> Option<(u8, u8, u32)> {
    let block_of = |b1: u8| (((lead as usize) & 0x0F) << 6) | (b1 as usize & 0x3F);
    let cost = |b1: u8| match blocks[block_of(b1)] {
        CLEAN => Some(0),
        STRONG => None,
        _ => Some(strong_in(bits, block_of(b1))),
    };
    let mut best: Option<(u8, u8, u32)> = None;
    for lo in 0x80u8..=must {
        let mut holes = 0;
        let mut hi = None;
        for b1 in lo..=0xBF {
            match cost(b1) {
                Some(c) if holes + c <= max_holes => {
                    holes += c;
                    hi = Some(b1);
                }
                _ => break,
            }
        }
        if let Some(hi) = hi
            && hi >= must
            && best.is_none_or(|(a, b, _)| hi - lo > b - a)
        {
            best = Some((lo, hi, holes));
        }
    }
    best
}

fn wide_clean(blocks: &[u8], bits: &[u64], ascii: &[bool; 128]) -> Option<WideClean> {
    if (0x20..0x7F).any(|b| ascii[b]) || ascii[b'\t' as usize] || ascii[b'\n' as usize] {
        return None;
    }
    if ascii[b'\r' as usize] {
        return None;
    }
    let all_clean = |lead: u8| clean_second_bytes(blocks, lead) == Some((0x80, 0xBF));
    // Longest run of all-clean three-byte leads (E5..E9 hold the common kanji).
    let mut leads = (1u8, 0u8);
    let mut lead = 0xE0u8;
    while lead <= 0xEF {
        if all_clean(lead) {
            let s0 = lead;
            while lead < 0xEF && all_clean(lead + 1) {
                lead += 1;
            }
            if lead - s0 > leads.1.wrapping_sub(leads.0) || leads.0 > leads.1 {
                leads = (s0, lead);
            }
        }
        lead += 1;
    }
    // Kana and CJK punctuation (E3), Ext-A/kanji boundary (E4), full-width forms (EF),
    // general punctuation (E2). A missing run becomes an impossible range. Strong code
    // points inside a run become holes, checked by their full UTF-8 bytes.
    let mut holes = Vec::new();
    let mut pair = |lead: u8, must: u8| {
        let room = (MAX_HOLES - holes.len()) as u32;
        match second_byte_run(blocks, bits, lead, must, room) {
            Some((lo, hi, _)) => {
                for b1 in lo..=hi {
                    let base = (((lead as u32) & 0x0F) << 12) | ((b1 as u32 & 0x3F) << 6);
                    for low in 0..64u32 {
                        let cp = base | low;
                        if bits[(cp >> 6) as usize] & (1 << (cp & 63)) != 0 {
                            holes.push((lead, b1, 0x80 | low as u8));
                        }
                    }
                }
                (lead, lo, hi)
            }
            None => (lead, 0xBF, 0x80),
        }
    };
    // The run must hold: hiragana (U+3040..), kanji from U+4E00, full-width ASCII
    // (U+FF00..), general punctuation (U+2000..).
    let pairs = [
        pair(0xE3, 0x81),
        pair(0xE4, 0xB8),
        pair(0xEF, 0xBC),
        pair(0xE2, 0x80),
    ];
    let mut hole_arr = [(0u8, 0u8, 0u8); MAX_HOLES];
    for (slot, h) in hole_arr.iter_mut().zip(&holes) {
        *slot = *h;
    }
    let mut wide = WideClean {
        leads,
        pairs,
        holes: hole_arr,
        lookup: None,
    };
    wide.lookup = lead_lookup(&wide);
    Some(wide)
}

fn tables() -> &'static Tables {
    static T: OnceLock<Tables> = OnceLock::new();
    T.get_or_init(|| {
        let mut bits = vec![0u64; 0x10000 / 64];
        for u in 0..0x10000u32 {
            let strong = match char::from_u32(u) {
                Some(c) => classify(c).is_strong(),
                None => true, // lone surrogates cannot occur in str
            };
            if strong {
                bits[(u / 64) as usize] |= 1 << (u % 64);
            }
        }
        let blocks: Vec<u8> = bits
            .iter()
            .map(|&w| match w {
                0 => CLEAN,
                u64::MAX => STRONG,
                _ => MIXED,
            })
            .collect();
        let mut ascii = [false; 128];
        for (b, s) in ascii.iter_mut().enumerate() {
            *s = classify(b as u8 as char).is_strong();
        }
        let wide = wide_clean(&blocks, &bits, &ascii);
        Tables {
            bits,
            blocks,
            ascii,
            wide,
        }
    })
}

/// Byte offset of the first strong character at or after `from` (which must be a char
/// boundary), or `None`.
pub fn first_strong(text: &str, from: usize) -> Option<usize> {
    first_strong_using(text, from, skip_clean_chunks)
}

/// Which chunk skip [`first_strong_via`] uses (for benchmarks comparing them).
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Path {
    /// What [`first_strong`] uses: AVX2 lookups where they pay, else SSSE3 lookups, else
    /// SSE2 compares.
    Best,
    /// AVX2 lookups if the CPU has AVX2 (else SSSE3, else SSE2), whether or not it pays.
    Avx2,
    /// 16-byte lookups if the CPU has SSSE3 (else SSE2).
    Ssse3,
    /// 16-byte compares only (the x86_64 baseline).
    Sse2,
    Scalar,
}

/// [`first_strong`] through a given chunk skip (same result; for benchmarks).
#[doc(hidden)]
pub fn first_strong_via(text: &str, from: usize, path: Path) -> Option<usize> {
    match path {
        Path::Best => first_strong(text, from),
        #[cfg(target_arch = "x86_64")]
        Path::Avx2
            if std::arch::is_x86_feature_detected!("avx2")
                && std::arch::is_x86_feature_detected!("ssse3") =>
        {
            // SAFETY: AVX2 and SSSE3 were detected.
            first_strong_using(text, from, |b, i, w| unsafe {
                let i = skip_avx2(b, i, w);
                skip_ssse3(b, i, w)
            })
        }
        #[cfg(target_arch = "x86_64")]
        Path::Ssse3 | Path::Avx2 if std::arch::is_x86_feature_detected!("ssse3") => {
            // SAFETY: SSSE3 was detected.
            first_strong_using(text, from, |b, i, w| unsafe { skip_ssse3(b, i, w) })
        }
        #[cfg(target_arch = "x86_64")]
        // SAFETY: SSE2 is part of the x86_64 baseline.
        Path::Sse2 | Path::Ssse3 | Path::Avx2 => {
            first_strong_using(text, from, |b, i, w| unsafe { skip_sse2(b, i, w) })
        }
        #[cfg(not(target_arch = "x86_64"))]
        Path::Sse2 | Path::Ssse3 | Path::Avx2 => first_strong_using(text, from, skip_scalar),
        Path::Scalar => first_strong_using(text, from, skip_scalar),
    }
}

/// Chunk skipper: the first offset at or after `i`, stepping by whole chunks, whose chunk
/// is not clean for sure.
type Skip = fn(&[u8], usize, &WideClean) -> usize;

fn first_strong_using(text: &str, from: usize, skip: Skip) -> Option<usize> {
    let t = tables();
    let b = text.as_bytes();
    let n = b.len();
    let Some(wide) = t.wide else {
        return match scalar_until(t, text, from, n) {
            Scan::Strong(i) => Some(i),
            Scan::CleanTo(_) => None,
        };
    };
    let mut i = from;
    loop {
        // Whole chunks while every byte is clean for sure.
        i = skip(b, i, &wide);
        // We may stop inside a character whose lead byte was checked: skip its tail.
        while i < n && b[i] & 0xC0 == 0x80 {
            i += 1;
        }
        if i >= n {
            return None;
        }
        // Decide this stretch character by character, then try the wide skip again.
        match scalar_until(t, text, i, (i + 16).min(n)) {
            Scan::Strong(p) => return Some(p),
            Scan::CleanTo(p) => i = p,
        }
    }
}

enum Scan {
    Strong(usize),
    /// All characters starting before this offset (a char boundary or `len`) are clean.
    CleanTo(usize),
}

/// The exact per-character scan of characters starting in `from..until`.
fn scalar_until(t: &Tables, text: &str, from: usize, until: usize) -> Scan {
    let b = text.as_bytes();
    let n = b.len();
    let mut i = from;
    while i < until {
        let lead = b[i];
        if lead < 0x80 {
            // Skip runs of printable ASCII eight bytes at a time.
            if i + 8 <= n {
                let w = u64::from_le_bytes([
                    b[i],
                    b[i + 1],
                    b[i + 2],
                    b[i + 3],
                    b[i + 4],
                    b[i + 5],
                    b[i + 6],
                    b[i + 7],
                ]);
                // No high bit and no byte below 0x20 (controls, tab, LF, CR).
                let high = w & 0x8080_8080_8080_8080;
                let low = w.wrapping_sub(0x2020_2020_2020_2020) & !w & 0x8080_8080_8080_8080;
                if high == 0 && low == 0 {
                    i += 8;
                    continue;
                }
            }
            if t.ascii[lead as usize] {
                return Scan::Strong(i);
            }
            i += 1;
            continue;
        }
        let (cp, len) = if lead < 0xE0 {
            (((lead as u32 & 0x1F) << 6) | (b[i + 1] as u32 & 0x3F), 2)
        } else if lead < 0xF0 {
            (
                ((lead as u32 & 0x0F) << 12)
                    | ((b[i + 1] as u32 & 0x3F) << 6)
                    | (b[i + 2] as u32 & 0x3F),
                3,
            )
        } else {
            // Astral planes: never a 16-bit glyph ID, but classify decides.
            let c = text[i..].chars().next();
            if c.is_some_and(|c| classify(c).is_strong()) {
                return Scan::Strong(i);
            }
            i += 4;
            continue;
        };
        match t.blocks[(cp >> 6) as usize] {
            CLEAN => {}
            STRONG => return Scan::Strong(i),
            _ => {
                if t.bits[(cp >> 6) as usize] & (1 << (cp & 63)) != 0 {
                    return Scan::Strong(i);
                }
            }
        }
        i += len;
    }
    Scan::CleanTo(i.max(until).min(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_classify_on_every_bmp_char() {
        for u in 0..0x10000u32 {
            let Some(c) = char::from_u32(u) else { continue };
            let s = format!("ab{c}cd");
            let want = classify(c).is_strong().then_some(2);
            assert_eq!(first_strong(&s, 0), want, "U+{u:04X}");
        }
    }

    /// Every chunk skipper this machine can run, by name.
    fn skippers() -> Vec<(&'static str, Skip)> {
        let mut v: Vec<(&'static str, Skip)> = vec![("scalar", skip_scalar)];
        #[cfg(target_arch = "x86_64")]
        {
            // SAFETY (all): SSE2 is baseline; SSSE3 and AVX2 only when detected.
            v.push(("sse2", |b, i, w| unsafe { skip_sse2(b, i, w) }));
            if std::arch::is_x86_feature_detected!("ssse3") {
                v.push(("ssse3", |b, i, w| unsafe { skip_ssse3(b, i, w) }));
            } else {
                eprintln!("no SSSE3 on this CPU: lookup skips not tested");
            }
            if std::arch::is_x86_feature_detected!("avx2") {
                v.push(("avx2", |b, i, w| unsafe { skip_avx2(b, i, w) }));
            } else {
                eprintln!("no AVX2 on this CPU: AVX2 skip not tested");
            }
        }
        v
    }

    #[test]
    fn wide_skip_agrees_with_classify_at_every_alignment() {
        // Long enough for the 32-byte skip; the probe lands at every offset of a 16-byte
        // and of a 32-byte chunk, including the last byte of a chunk (whose second byte
        // lies in the next one). Each skipper must stop at or before a strong character.
        let tail = "漢字かなカナ、。ＡＢ abc 令和\n".repeat(3);
        let prefix = "あいう漢字";
        for (name, skip) in skippers() {
            let mut buf = String::new();
            for u in 0..0x10000u32 {
                let Some(c) = char::from_u32(u) else { continue };
                let want_strong = classify(c).is_strong();
                for pad in [0, 1, 2, 3, 14, 15, 16, 17] {
                    buf.clear();
                    buf.extend(std::iter::repeat_n('x', pad));
                    buf.push_str(prefix);
                    buf.push(c);
                    buf.push_str(&tail);
                    let at = pad + prefix.len();
                    let want = want_strong.then_some(at);
                    assert_eq!(
                        first_strong_using(&buf, 0, skip),
                        want,
                        "{name}: U+{u:04X} pad {pad}"
                    );
                    if want_strong {
                        let w = tables().wide.expect("wide skip");
                        assert!(skip(buf.as_bytes(), 0, &w) <= at, "{name}: U+{u:04X}");
                    }
                }
            }
        }
    }

    /// Chunk width of a skipper in [`skippers`].
    fn width_of(name: &str) -> usize {
        if name == "avx2" { 32 } else { 16 }
    }

    /// The offset a skip of `width`-byte chunks must return, found one chunk at a time
    /// with the byte-by-byte test: what the 64-byte steps must reproduce.
    fn skip_reference(b: &[u8], mut i: usize, wide: &WideClean, width: usize) -> usize {
        while i + width + 2 <= b.len()
            && (0..width)
                .step_by(16)
                .all(|k| chunk_is_clean_scalar(&b[i + k..i + k + 18], wide))
        {
            i += width;
        }
        i
    }

    #[test]
    fn unrolled_skips_stop_where_chunk_steps_stop() {
        // A strong character (a foreign script, a hole among the kana, a control) at every
        // character boundary of a clean text several 64-byte steps long, scanned from
        // several starts and with several text ends, so it lands in each chunk of a step,
        // on a step's last bytes (whose look-ahead lies in the next step) and in the
        // one-chunk tail. Every skipper must return exactly the reference offset.
        let w = tables().wide.expect("wide skip");
        let clean = "地域の連携、ひらがなカタカナ。ＡＢ１ abc\t令和６年\r\n".repeat(4);
        let bounds: Vec<usize> = (0..=clean.len())
            .filter(|&k| clean.is_char_boundary(k))
            .collect();
        let mut tried = 0;
        for strong in ['ᨭ', '\u{3040}', '\u{FF00}', '\u{1}'] {
            assert!(classify(strong).is_strong(), "{strong:?}");
            for &at in &bounds {
                let mut text = clean.clone();
                text.insert(at, strong);
                let b = text.as_bytes();
                for &from in bounds.iter().filter(|&&k| k <= at.min(70)) {
                    for cut in [text.len(), text.len() - 1, text.len() - 40, at + 20] {
                        if cut > text.len() || cut < from || !text.is_char_boundary(cut) {
                            continue;
                        }
                        let b = &b[..cut];
                        for (name, skip) in skippers() {
                            let want = skip_reference(b, from, &w, width_of(name));
                            assert_eq!(
                                skip(b, from, &w),
                                want,
                                "{name}: {strong:?} at {at} from {from} cut {cut}"
                            );
                            tried += 1;
                        }
                    }
                }
            }
        }
        assert!(tried > 10_000, "{tried}");
        // And a long clean text is skipped in whole 64-byte steps up to its tail.
        let long = clean.repeat(8);
        for (name, skip) in skippers() {
            let got = skip(long.as_bytes(), 0, &w);
            assert_eq!(
                got,
                skip_reference(long.as_bytes(), 0, &w, width_of(name)),
                "{name}"
            );
            assert!(
                got + 64 + 2 > long.len(),
                "{name}: stopped at {got} of {}",
                long.len()
            );
        }
    }

    #[test]
    fn wide_skip_is_enabled_and_covers_kana_and_kanji() {
        let w = tables().wide.expect("wide skip");
        assert!(
            w.lookup.is_some(),
            "byte-lookup tables do not fit the classification"
        );
        assert!(w.leads.0 <= 0xE5 && w.leads.1 >= 0xE9, "{:X?}", w.leads);
        let s = "地域の多様な主体の連携を通じた、ひらがなカタカナ。\n".repeat(4);
        assert!(chunk_is_clean_scalar(&s.as_bytes()[..18], &w));
        for (name, skip) in skippers() {
            // All but the last partial chunk (and its look-ahead) is skipped.
            assert!(skip(s.as_bytes(), 0, &w) + 34 + 32 > s.len(), "{name}");
            // The unassigned U+3040 is strong though it sits among the kana.
            let hole = "あい\u{3040}うえおかきくけこさしすせ".repeat(3);
            assert_eq!(skip(hole.as_bytes(), 0, &w), 0, "{name}");
        }
        let hole = "あい\u{3040}うえおかきくけこさしすせ";
        assert!(!chunk_is_clean_scalar(&hole.as_bytes()[..18], &w));
    }

    #[test]
    fn finds_the_first_in_long_clean_text() {
        let clean = "令和６年度補正予算額 ２．４億円 abcdefghijklmnop\n".repeat(100);
        assert_eq!(first_strong(&clean, 0), None);
        let mut s = clean.clone();
        s.push_str("支援ᨭ᥼");
        assert_eq!(first_strong(&s, 0), Some(clean.len() + "支援".len()));
        assert_eq!(first_strong("x\u{1}y", 0), Some(1));
        assert_eq!(first_strong("tab\there\r\n", 0), None);
    }
}
