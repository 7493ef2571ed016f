//! The chunk skips of the fast path: runs of bytes that are clean for sure, 16 or 32 bytes a
//! step — SSE2 compares, SSSE3/AVX2 byte lookups by low nibble where the CPU has them,
//! scalar elsewhere. Invariant: each skip stops at or before the first chunk the scalar
//! reference (`chunk_is_clean_scalar`) would reject (tested against it in `super::tests`).

use super::WideClean;

/// The first offset at or after `i` (stepping by whole chunks) whose chunk is not clean for
/// sure. The byte-lookup skips where the CPU has them (AVX2, 32 bytes a chunk, where it
/// pays — see `avx2_pays`; else SSSE3, 16), else the compare-only SSE2 skip (16), else
/// scalar (16).
pub(super) fn skip_clean_chunks(b: &[u8], i: usize, wide: &WideClean) -> usize {
    #[cfg(not(target_arch = "x86_64"))]
    {
        skip_scalar(b, i, wide)
    }
    #[cfg(target_arch = "x86_64")]
    {
        match simd_choice(wide) {
            // SAFETY (all three): the features were detected at run time (SSE2 is
            // baseline); the lookup skips only run when `wide.lookup` exists.
            SimdChoice::Avx2 => unsafe {
                let i = skip_avx2(b, i, wide);
                skip_ssse3(b, i, wide)
            },
            SimdChoice::Ssse3 => unsafe { skip_ssse3(b, i, wide) },
            SimdChoice::Sse2 => unsafe { skip_sse2(b, i, wide) },
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum SimdChoice {
    Avx2,
    Ssse3,
    Sse2,
}

/// The skip [`skip_clean_chunks`] uses on this CPU, decided once.
#[cfg(target_arch = "x86_64")]
pub(super) fn simd_choice(wide: &WideClean) -> SimdChoice {
    use std::sync::atomic::{AtomicU8, Ordering};
    static CHOICE: AtomicU8 = AtomicU8::new(0); // 0 unknown, then 1 + the choice
    let all = [SimdChoice::Avx2, SimdChoice::Ssse3, SimdChoice::Sse2];
    if let Some(&c) = all.get((CHOICE.load(Ordering::Relaxed) as usize).wrapping_sub(1)) {
        return c;
    }
    let c = if wide.lookup.is_none() || !std::arch::is_x86_feature_detected!("ssse3") {
        SimdChoice::Sse2
    } else if avx2_pays() {
        SimdChoice::Avx2
    } else {
        SimdChoice::Ssse3
    };
    let k = all.iter().position(|&x| x == c).unwrap_or(2);
    CHOICE.store(k as u8 + 1, Ordering::Relaxed);
    c
}

/// Whether to use the 32-byte AVX2 skip: the CPU has AVX2 and executes 256-bit integer
/// operations at full width. AMD family 17h models below 30h (Zen 1, Zen+) split each into
/// two 128-bit halves, and there the 16-byte skip measured faster (examples/throughput.rs).
#[cfg(target_arch = "x86_64")]
pub(super) fn avx2_pays() -> bool {
    std::arch::is_x86_feature_detected!("avx2") && !half_width_avx2()
}

/// AMD Zen 1 / Zen+ (family 17h, model < 30h), from CPUID.
#[cfg(target_arch = "x86_64")]
pub(super) fn half_width_avx2() -> bool {
    use std::arch::x86_64::__cpuid;
    let (v, f) = (__cpuid(0), __cpuid(1));
    let amd = v.ebx == 0x6874_7541 && v.edx == 0x6974_6E65 && v.ecx == 0x444D_4163;
    let base_family = (f.eax >> 8) & 0xF;
    let family = base_family
        + if base_family == 0xF {
            (f.eax >> 20) & 0xFF
        } else {
            0
        };
    let model = ((f.eax >> 4) & 0xF) | (((f.eax >> 16) & 0xF) << 4);
    amd && family == 0x17 && model < 0x30
}

/// The byte constants of the chunk test, broadcast once per skip rather than per chunk.
/// Ranges are kept as (lo − 1, hi + 1) as signed bytes, `None` for an open end.
#[derive(Clone, Copy)]
pub(super) struct FlipRange {
    above: Option<i8>,
    below: Option<i8>,
    empty: bool,
}

/// A byte range lo..=hi as a signed-compare test on the raw bytes. Valid because every
/// range used lies within one half (0x00..=0x7F or 0x80..=0xFF), where the signed order
/// is the unsigned one; a range crossing 0x80 is made empty (never accepted: only costs
/// speed).
pub(super) fn flip_range(lo: u8, hi: u8) -> FlipRange {
    let crosses = lo < 0x80 && hi >= 0x80;
    let (lo, hi) = if crosses { (1, 0) } else { (lo, hi) };
    let l = lo as i8 as i16 - 1;
    let h = hi as i8 as i16 + 1;
    FlipRange {
        above: (l >= -128).then_some(l as i8),
        below: (h <= 127).then_some(h as i8),
        empty: lo > hi,
    }
}

/// The stepping shared by the SIMD skips: 64 bytes a step (several chunk tests ANDed, one
/// branch) while whole 64-byte runs are clean, then one chunk a step, so the result is the
/// same offset a chunk-by-chunk loop gives. `$ok(p)` is the clean-for-sure mask of the
/// chunk at `p`, which may read two bytes past the chunk.
macro_rules! skip_loop {
    ($b:expr, $i:expr, $width:expr, $and:ident, $movemask:ident, $all:expr, $ok:expr) => {{
        let b: &[u8] = $b;
        let mut i: usize = $i;
        let n = b.len();
        const PER_STEP: usize = 64 / $width;
        while i + 64 + 2 <= n {
            // SAFETY: bytes i .. i + 64 + 2 are in bounds (checked above).
            let p = unsafe { b.as_ptr().add(i) };
            let mut ok = $ok(p);
            for c in 1..PER_STEP {
                // SAFETY: as above; c * width + width + 2 <= 64 + 2.
                ok = $and(ok, $ok(unsafe { p.add(c * $width) }));
            }
            if $movemask(ok) != $all {
                break;
            }
            i += 64;
        }
        while i + $width + 2 <= n {
            // SAFETY: bytes i .. i + width + 2 are in bounds (checked above).
            let p = unsafe { b.as_ptr().add(i) };
            if $movemask($ok(p)) != $all {
                break;
            }
            i += $width;
        }
        i
    }};
}

/// The skip with compares only (SSE2, the x86_64 baseline): byte ranges and equalities,
/// one test per lead-byte pair and per hole, one chunk a step (unrolling it measured
/// slower: its many constants no longer fit the registers).
macro_rules! simd_skip {
    ($name:ident, $feature:literal, $width:expr, $v:ty, $loadu:ident, $set1:ident, $zero:ident,
     $cmpeq:ident, $cmpgt:ident, $and:ident, $or:ident, $andnot:ident,
     $movemask:ident, $all:expr) => {
        /// Steps over chunks of `$width` bytes while all are clean for sure (see
        /// [`chunk_is_clean_scalar`], which states the same test byte by byte).
        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = $feature)]
        pub(super) unsafe fn $name(b: &[u8], mut i: usize, wide: &WideClean) -> usize {
            use std::arch::x86_64::*;
            let n = b.len();
            let range = |r: FlipRange| {
                (
                    r.above.map(|x| $set1(x)),
                    r.below.map(|x| $set1(x)),
                    r.empty,
                )
            };
            #[inline(always)]
            fn test(f: $v, r: (Option<$v>, Option<$v>, bool)) -> $v {
                // SAFETY: the enclosing function's target feature is enabled.
                unsafe {
                    if r.2 {
                        return $zero();
                    }
                    match (r.0, r.1) {
                        (Some(a), Some(c)) => $and($cmpgt(f, a), $cmpgt(c, f)),
                        (Some(a), None) => $cmpgt(f, a),
                        (None, Some(c)) => $cmpgt(c, f),
                        (None, None) => $set1(-1),
                    }
                }
            }
            let printable = range(flip_range(0x20, 0x7E));
            let leads = range(flip_range(wide.leads.0, wide.leads.1));
            let nl = $set1(b'\n' as i8);
            let cr = $set1(b'\r' as i8);
            let tab = $set1(b'\t' as i8);
            // Empty pairs (no run found) are dropped rather than tested.
            let mut pairs = [($zero(), range(flip_range(1, 0))); 4];
            let mut n_pairs = 0;
            for &(lead, lo, hi) in &wide.pairs {
                if lo <= hi {
                    pairs[n_pairs] = ($set1(lead as i8), range(flip_range(lo, hi)));
                    n_pairs += 1;
                }
            }
            // Continuation bytes 0x80..=0xBF are the signed bytes below -64.
            let cont_end = $set1(-64);
            let n_holes = wide.holes.iter().take_while(|h| h.0 != 0).count();
            let holes = wide
                .holes
                .map(|(a, b1, c)| ($set1(a as i8), $set1(b1 as i8), $set1(c as i8)));
            // The checks look up to two bytes ahead of a chunk.
            while i + $width + 2 <= n {
                // SAFETY: bytes i .. i + width + 2 are in bounds (checked above); loads
                // are unaligned.
                let clean = unsafe {
                    let p = b.as_ptr().add(i);
                    let v = $loadu(p as *const $v);
                    let nx = $loadu(p.add(1) as *const $v);
                    let mut ok = test(v, printable);
                    ok = $or(ok, $cmpeq(v, nl));
                    ok = $or(ok, $cmpeq(v, cr));
                    ok = $or(ok, $cmpeq(v, tab));
                    ok = $or(ok, $cmpgt(cont_end, v));
                    ok = $or(ok, test(v, leads));
                    for &(lead, r) in &pairs[..n_pairs] {
                        ok = $or(ok, $and($cmpeq(v, lead), test(nx, r)));
                    }
                    if n_holes > 0 {
                        let nx2 = $loadu(p.add(2) as *const $v);
                        for &(a, b1, c) in &holes[..n_holes] {
                            let hole = $and($and($cmpeq(v, a), $cmpeq(nx, b1)), $cmpeq(nx2, c));
                            ok = $andnot(hole, ok);
                        }
                    }
                    $movemask(ok) == $all
                };
                if !clean {
                    break;
                }
                i += $width;
            }
            i
        }
    };
}

simd_skip!(
    skip_sse2,
    "sse2",
    16,
    __m128i,
    _mm_loadu_si128,
    _mm_set1_epi8,
    _mm_setzero_si128,
    _mm_cmpeq_epi8,
    _mm_cmpgt_epi8,
    _mm_and_si128,
    _mm_or_si128,
    _mm_andnot_si128,
    _mm_movemask_epi8,
    0xFFFF
);

/// What the byte-lookup skips use for three-byte lead bytes 0xE0 | n, by n: the second
/// bytes `lo[n]..=hi[n]` that make the character clean for sure (lo > hi: none), and the
/// one hole under that lead (its second and third byte; 0, 0 for none — never a
/// continuation byte). Derived from [`WideClean`]; `None` when it does not fit (a lead
/// outside E0..EF, two runs or two holes under one lead).
#[derive(Clone, Copy)]
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
pub(super) struct LeadLookup {
    lo: [u8; 16],
    hi: [u8; 16],
    hole_second: [u8; 16],
    hole_third: [u8; 16],
}

pub(super) fn lead_lookup(wide: &WideClean) -> Option<LeadLookup> {
    let three_byte = |lead: u8| (0xE0..=0xEF).contains(&lead);
    let mut l = LeadLookup {
        lo: [0x7F; 16],
        hi: [0x80; 16],
        hole_second: [0; 16],
        hole_third: [0; 16],
    };
    let mut set = [false; 16];
    for lead in wide.leads.0..=wide.leads.1 {
        if !three_byte(lead) {
            return None;
        }
        let n = (lead & 0x0F) as usize;
        (l.lo[n], l.hi[n], set[n]) = (0x80, 0xBF, true);
    }
    for &(lead, lo, hi) in &wide.pairs {
        if lo > hi {
            continue;
        }
        if !three_byte(lead) || !(0x80..=0xBF).contains(&lo) || !(0x80..=0xBF).contains(&hi) {
            return None;
        }
        let n = (lead & 0x0F) as usize;
        if set[n] && (l.lo[n], l.hi[n]) != (0x80, 0xBF) {
            return None;
        }
        if !set[n] {
            (l.lo[n], l.hi[n], set[n]) = (lo, hi, true);
        }
    }
    for &(lead, second, third) in wide.holes.iter().take_while(|h| h.0 != 0) {
        let n = (lead & 0x0F) as usize;
        if !three_byte(lead) || l.hole_second[n] != 0 || second == 0 {
            return None;
        }
        (l.hole_second[n], l.hole_third[n]) = (second, third);
    }
    Some(l)
}

/// The byte-lookup skip: the same test as [`skip_sse2`], with the lead-byte pairs and the
/// holes looked up by the lead's low nibble (PSHUFB) instead of compared one by one, and
/// tab, LF, CR found by one lookup. About half the operations per chunk.
macro_rules! lookup_skip {
    ($name:ident, $feature:literal, $width:expr, $v:ty, $loadu:ident, $set1:ident,
     $table:ident, $shuffle:ident, $add:ident, $cmpeq:ident, $cmpgt:ident, $and:ident,
     $or:ident, $andnot:ident, $movemask:ident, $all:expr) => {
        /// Steps over chunks of `$width` bytes while all are clean for sure (the test of
        /// [`chunk_is_clean_scalar`]); without `wide.lookup`, does not move.
        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = $feature)]
        pub(super) unsafe fn $name(b: &[u8], i: usize, wide: &WideClean) -> usize {
            use std::arch::x86_64::*;
            let Some(l) = wide.lookup else { return i };
            // Printable ASCII 0x20..=0x7E plus 0x60 are the signed bytes below -33;
            // E0..=EF plus 0xA0 those below -112; continuation bytes those below -64.
            let printable_shift = $set1(0x60);
            let printable_end = $set1(-33);
            let lead_shift = $set1(0xA0u8 as i8);
            let lead_end = $set1(-112);
            let cont_end = $set1(-64);
            let low_nibble = $set1(0x0F);
            // Tab, LF, CR map to themselves; every other low nibble to 0x80, which equals
            // no ASCII byte (and bytes >= 0x80 look up 0).
            let mut ws = [0x80u8; 16];
            for c in [b'\t', b'\n', b'\r'] {
                ws[c as usize] = c;
            }
            let ws = $table(&ws);
            let lo = $table(&l.lo);
            let hi = $table(&l.hi);
            let hole_second = $table(&l.hole_second);
            let hole_third = $table(&l.hole_third);
            let ok = |p: *const u8| {
                // SAFETY: the caller (skip_loop) keeps p .. p + width + 2 in bounds;
                // loads are unaligned.
                unsafe {
                    let v = $loadu(p as *const $v);
                    let nx = $loadu(p.add(1) as *const $v);
                    let nx2 = $loadu(p.add(2) as *const $v);
                    let printable = $cmpgt(printable_end, $add(v, printable_shift));
                    let space = $cmpeq($shuffle(ws, v), v);
                    let cont = $cmpgt(cont_end, v);
                    let lead = $cmpgt(lead_end, $add(v, lead_shift));
                    let nib = $and(v, low_nibble);
                    let outside = $or($cmpgt($shuffle(lo, nib), nx), $cmpgt(nx, $shuffle(hi, nib)));
                    let lead_ok = $andnot(outside, lead);
                    let hole = $and(
                        $and(lead, $cmpeq(nx, $shuffle(hole_second, nib))),
                        $cmpeq(nx2, $shuffle(hole_third, nib)),
                    );
                    $andnot(hole, $or($or(printable, space), $or(cont, lead_ok)))
                }
            };
            skip_loop!(b, i, $width, $and, $movemask, $all, ok)
        }
    };
}

/// A 16-byte table as a vector (lookups index it by a byte's low nibble).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
pub(super) fn table128(t: &[u8; 16]) -> std::arch::x86_64::__m128i {
    // SAFETY: 16 bytes are read from a 16-byte array.
    unsafe { std::arch::x86_64::_mm_loadu_si128(t.as_ptr() as *const _) }
}

/// The table in both 128-bit lanes (AVX2 byte shuffles look up within each lane).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
pub(super) fn table256(t: &[u8; 16]) -> std::arch::x86_64::__m256i {
    std::arch::x86_64::_mm256_broadcastsi128_si256(table128(t))
}

lookup_skip!(
    skip_ssse3,
    "ssse3",
    16,
    __m128i,
    _mm_loadu_si128,
    _mm_set1_epi8,
    table128,
    _mm_shuffle_epi8,
    _mm_add_epi8,
    _mm_cmpeq_epi8,
    _mm_cmpgt_epi8,
    _mm_and_si128,
    _mm_or_si128,
    _mm_andnot_si128,
    _mm_movemask_epi8,
    0xFFFF
);

lookup_skip!(
    skip_avx2,
    "avx2",
    32,
    __m256i,
    _mm256_loadu_si256,
    _mm256_set1_epi8,
    table256,
    _mm256_shuffle_epi8,
    _mm256_add_epi8,
    _mm256_cmpeq_epi8,
    _mm256_cmpgt_epi8,
    _mm256_and_si256,
    _mm256_or_si256,
    _mm256_andnot_si256,
    _mm256_movemask_epi8,
    -1
);

/// Chunk skip without SIMD (other architectures, and the reference the SIMD ones are
/// tested against).
pub(super) fn skip_scalar(b: &[u8], mut i: usize, wide: &WideClean) -> usize {
    while i + 18 <= b.len() && chunk_is_clean_scalar(&b[i..i + 18], wide) {
        i += 16;
    }
    i
}

/// Whether the first 16 bytes of `w` (18 long: two bytes of look-ahead) are all clean for
/// sure under `wide`, byte by byte.
pub(super) fn chunk_is_clean_scalar(w: &[u8], wide: &WideClean) -> bool {
    (0..16).all(|k| {
        let x = w[k];
        let nx = w[k + 1];
        let nx2 = w[k + 2];
        if wide.holes.contains(&(x, nx, nx2)) {
            return false;
        }
        (0x20..0x7F).contains(&x)
            || x == b'\t'
            || x == b'\n'
            || x == b'\r'
            || (0x80..0xC0).contains(&x)
            || (wide.leads.0..=wide.leads.1).contains(&x)
            || wide
                .pairs
                .iter()
                .any(|&(l, lo, hi)| x == l && (lo..=hi).contains(&nx))
    })
}
