use super::*;

/// Both readings of `content`, each operation (or error) as its `Debug` text, which keeps
/// dictionary key order (`Object`'s `==` does not).
fn both(content: &[u8]) -> (Vec<String>, Vec<String>) {
    let show = |r: lopdf::Result<Operation>| match r {
        Ok(op) => format!("{op:?}"),
        Err(e) => format!("error: {e}"),
    };
    let fast = Operations::new(content).map(show).collect();
    let slow = Content::decode_iter(content).map(show).collect();
    (fast, slow)
}

/// The operations as [`Operations::next_ref`] lends them, in the iterator's `Debug` form.
fn borrowed(content: &[u8]) -> Vec<String> {
    let mut ops = Operations::new(content);
    let mut out = Vec::new();
    while let Some(r) = ops.next_ref() {
        out.push(match r {
            Ok((operator, operands)) => {
                format!("{:?}", Operation::new(operator, operands.to_vec()))
            }
            Err(e) => format!("error: {e}"),
        });
    }
    out
}

fn assert_same(content: &[u8]) {
    let (fast, slow) = both(content);
    assert_eq!(fast, slow, "stream {:?}", String::from_utf8_lossy(content));
    // The interpreter's borrowed reading is the iterator's, operation for operation.
    assert_eq!(
        borrowed(content),
        fast,
        "stream {:?}",
        String::from_utf8_lossy(content)
    );
}

/// Streams covering the grammar, and the edges where lopdf stops or reads oddly.
const CASES: &[&[u8]] = &[
    b"",
    b"   \n",
    b"BT /F1 12 Tf 72 712 Td (Hello) Tj ET",
    b"q 1 0 0 -1 0 800 cm 10 10 m 110 10 l S 10 20 100 0.5 re f Q",
    b"BT /F2 1 Tf [(A) -250 (B) 120.5 <3042> .5 -.25 +3] TJ ET",
    b"(a\\(b\\)c) Tj (x\\\ny) Tj (\\101\\1012\\7\\777z) Tj (\\n\\r\\t\\b\\f\\q\\\\) Tj",
    b"(line\r\nbreak\rand\nmore) Tj (nested (paren (deep)) ok) Tj",
    b"<48 65 6C\n6C 6F> Tj <4> Tj <> Tj < 41 4 > Tj",
    b"/Name#20with#41 Do /Odd#zz Do /# Do / Tf",
    b"/P <</MCID 0 /Alt (x) /A [1 2 3] /D <</E true /F null>>>> BDC EMC",
    b"/Span<</ActualText<FEFF0041>>>BDC (A) Tj EMC",
    b"[1 0 R] TJ [1 0 %c\nR] TJ",
    b"1.5-3 Tw",
    b"0.00-4142502 0 Td",
    b"12. Tc .5 Tz -.5 Ts - Tw",
    b"+ Tw",
    b"99999999999999999999 Tw",
    b"-9223372036854775808 Tw 9223372036854775807 Tw 9223372036854775808 Tw",
    b"% comment\n%another\r\n  BT % not a comment here\n ET",
    b"BT ET % trailing comment without end",
    b"BT ET %",
    b"BI /W 2 /H 1 /BPC 8 /CS /G ID \x00\x01 EI Q",
    b"q BI /W 1 /H 1 /BPC 8 /CS /RGB ID abc EI Q",
    b"true false null nullx truex Tj",
    b"5Tw 1 2 3 4 5 6cm",
    b"(unterminated Tj",
    b"<4142 Tj",
    b"[1 2 Tj",
    b"<</A 1 Tj",
    b"(ends with backslash\\",
    b") Tj",
    b"] Tj",
    b"{ 1 } Tj",
    b"1 2 3",
    b"'\"T* Tj' \" d0 d1",
    b"[(a)%x\n(b)] TJ [ %x\n ] TJ [(a)%x] TJ",
    b"<< /K [ 1 2 0 R ] >> BDC",
    b"(\xff\xfe\x00\x80) Tj <fffe> Tj",
    b"\x00\x0c BT\x00ET\x0c",
];

#[test]
fn fast_operations_equal_lopdfs_on_the_grammars_edges() {
    for case in CASES {
        assert_same(case);
    }
}

/// What real content streams hold is read here, not handed to lopdf (else nothing is gained).
#[test]
fn well_formed_streams_are_read_without_lopdf() {
    for &i in &[0, 1, 2, 3, 4, 5, 6, 7, 9, 10] {
        let case = CASES[i];
        let mut ops = Operations::new(case);
        for op in ops.by_ref() {
            assert!(op.is_ok());
        }
        assert_eq!(
            ops.handed_over(),
            None,
            "{:?}",
            String::from_utf8_lossy(case)
        );
    }
    let mut ops = Operations::new(b"q BI /W 1 /H 1 /BPC 8 /CS /G ID a EI Q");
    assert_eq!(ops.by_ref().count(), 3);
    assert_eq!(ops.handed_over(), Some(2));
}

#[test]
fn deep_nesting_goes_to_lopdf_with_the_same_result() {
    for depth in [MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1, 99, 100, 101, 150] {
        let mut s = Vec::new();
        s.extend(std::iter::repeat_n(b'[', depth));
        s.extend(std::iter::repeat_n(b']', depth));
        s.extend_from_slice(b" TJ (");
        s.extend(std::iter::repeat_n(b'(', depth));
        s.extend(std::iter::repeat_n(b')', depth));
        s.extend_from_slice(b") Tj <<");
        for _ in 0..depth {
            s.extend_from_slice(b"/A <<");
        }
        s.extend(std::iter::repeat_n(&b">>"[..], depth + 1).flatten());
        s.extend_from_slice(b" BDC Q");
        assert_same(&s);
    }
}

/// Random edits of the cases (bytes the grammar cares about, inserted, deleted or
/// replaced), deterministic: the two readings never differ.
#[test]
fn fast_operations_equal_lopdfs_on_mutated_streams() {
    const ALPHABET: &[u8] = b"()<>[]{}/%\\#\r\n \t\x000123456789.+-eRnulltrfasBIDTjJ'\"";
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let mut checked = 0;
    for case in CASES {
        for _ in 0..300 {
            let mut s = case.to_vec();
            for _ in 0..1 + next(4) {
                let at = next(s.len() + 1);
                match next(3) {
                    0 => s.insert(at, ALPHABET[next(ALPHABET.len())]),
                    1 if at < s.len() => {
                        s.remove(at);
                    }
                    _ if at < s.len() => s[at] = ALPHABET[next(ALPHABET.len())],
                    _ => {}
                }
            }
            assert_same(&s);
            checked += 1;
        }
    }
    assert!(checked > 10_000);
}

/// `exact_real` gives `f32::from_str`'s value, bit for bit, wherever it gives one, and
/// gives one for the numbers content streams are made of: every digit string of up to 5
/// digits (and 7 with leading zeros) and those around 2^24 and 10^k, with the point at every place, signs, leading
/// zeros, and a pseudo-random sample of up to 9 digits.
#[test]
fn exact_reals_are_from_strs_values() {
    let mut checked = 0usize;
    let mut fast = 0usize;
    // `must`: whether every reading of `digits` must take the exact path (at most 7
    // digits: an integer under 2^24, at most 7 after the point).
    let mut check = |digits: &str, must: bool| {
        for point in 0..=digits.len() {
            let (int, frac) = digits.split_at(point);
            for sign in ["", "-", "+"] {
                let text = format!("{sign}{int}.{frac}");
                let want: f32 = text.parse().unwrap();
                match super::exact_real(text.as_bytes()) {
                    Some(got) => {
                        assert_eq!(got.to_bits(), want.to_bits(), "{text}");
                        fast += 1;
                    }
                    None => assert!(!must, "{text} not by the exact path"),
                }
                checked += 1;
            }
        }
    };
    for n in 0..200_000u32 {
        check(&n.to_string(), true);
        check(&format!("{n:07}"), true);
    }
    for base in [1u64 << 24, 10_000_000, 100_000_000, 1_000_000_000] {
        for n in base - 2_000..base + 2_000 {
            check(&n.to_string(), n <= 1 << 24);
        }
    }
    let mut x = 0x2545_F491_4F6C_DD1Du64;
    for _ in 0..300_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        check(&(x % 1_000_000_000).to_string(), false);
    }
    // 8,951,613 of the 18,016,944 readings (most of the 9-digit sample is over 2^24).
    assert!(
        fast * 2 > checked * 9 / 10,
        "{fast} of {checked} by the exact path"
    );
    // Outside the exact path: too many digits, too many after the point, not a real.
    assert_eq!(super::exact_real(b"16777217.0"), None);
    assert_eq!(super::exact_real(b"0.00000000001"), None);
    assert_eq!(super::exact_real(b"."), None);
    assert_eq!(super::exact_real(b"-"), None);
    assert_eq!(super::exact_real(b"1.2.3"), None);
    assert_eq!(super::exact_real(b"1e5"), None);
    assert_eq!(
        super::exact_real(b"-0.0").map(f32::to_bits),
        Some((-0.0f32).to_bits())
    );
}
