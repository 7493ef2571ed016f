use super::format::HEADER_LEN;
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

/// The build script's hash of the shipped model is that of its bytes.
#[test]
fn builtin_model_hash_is_that_of_its_bytes() {
    use sha2::Digest;
    assert_eq!(
        BUILTIN_SHA256,
        hex::encode(sha2::Sha256::digest(LmRef::builtin().to_bytes()))
    );
    assert!(LmRef::builtin().is_builtin());
}
