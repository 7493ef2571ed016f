use super::*;

fn corpus(lines: &[&str]) -> Corpus {
    Corpus::build([(0, lines.iter().map(|l| l.chars().collect()).collect())])
}

#[test]
fn occurrences_the_lm_cannot_tell_apart_share_a_window() {
    // ከ (U+12A8) is scored; ᵝ and ሀ are unknown glyphs two places to its left.
    let c = corpus(&["地域ከの", "ᵝ域ከの", "ሀ域ከの"]);
    let g = c.index_of('ከ' as u32).expect("glyph");
    let ctx = Contexts::build(&c, &vec![None; c.glyph_count()], 3);
    let ws = &ctx.windows[g];
    assert_eq!(ws.len(), 2, "{ws:?}");
    assert_eq!(ws[0].1, 2, "the two unknown-led windows merge");
    assert_eq!(&ws[0].0.left[..ws[0].0.nl as usize], &[UNKNOWN, '域']);
    assert_eq!(&ws[1].0.left[..ws[1].0.nl as usize], &['地', '域']);
    // The aggregated total is the per-occurrence sum.
    let lm = CharLm::builtin();
    let direct = lm.score_text(&['地', '域', '様', 'の', '\n']) - lm.score_text(&['地', '域'])
        + 2.0
            * (lm.log_prob(&[UNKNOWN, '域'], '様')
                + lm.log_prob(&[UNKNOWN, '域', '様'], 'の')
                + lm.log_prob(&[UNKNOWN, '域', '様', 'の'], '\n'));
    let total = ctx.total(lm, g, '様', usize::MAX);
    assert!((total - direct).abs() < 1e-3, "{total} vs {direct}");
    // Decoding a neighbour changes the window: ᵝ read as 地 joins line 1 to line 0's
    // left context only where it is within reach.
    let mut dec = vec![None; c.glyph_count()];
    if let Some(i) = c.index_of('ᵝ' as u32) {
        dec[i] = Some('地');
    }
    let ctx = Contexts::build(&c, &dec, 3);
    assert_eq!(ctx.windows[g].len(), 2);
    assert_eq!(ctx.windows[g][0].1, 2, "{:?}", ctx.windows[g]);
    assert_eq!(
        &ctx.windows[g][0].0.left[..ctx.windows[g][0].0.nl as usize],
        &['地', '域']
    );
}

#[test]
fn a_glyph_next_to_itself_is_read_as_the_candidate() {
    let c = corpus(&["ከከ"]);
    let ctx = Contexts::build(&c, &[None], 3);
    let lm = CharLm::builtin();
    let got = ctx.total(lm, 0, '々', usize::MAX);
    // Occurrence 1: 々 at line start, then its right neighbour (itself) and the end;
    // occurrence 2: 々 after 々, then the end.
    let occ1 = lm.score_text(&['々', '々', '\n']);
    let occ2 = lm.log_prob(&['々'], '々') + lm.log_prob(&['々', '々'], '\n');
    assert!(
        (got - (occ1 + occ2)).abs() < 1e-3,
        "{got} vs {}",
        occ1 + occ2
    );
}
