use super::*;

fn rules_of(content: &[u8]) -> Vec<Rule> {
    let pdf = Pdf::new(lopdf::Document::with_version("1.5"), 1 << 20);
    let mut fonts = FontCache::default();
    let mut interp = Interpreter::new(&pdf, &mut fonts);
    interp.run(content, None, IDENTITY);
    interp.rules
}

#[test]
fn painted_paths_give_rules_with_the_ctm_applied() {
    // Page flipped (y down, as Word/Chromium write); a stroked line, a thin filled bar,
    // a stroked box, a clip rectangle, a diagonal and a big filled (shading) rectangle.
    let rules = rules_of(
        b"1 0 0 -1 0 800 cm 10 10 m 110 10 l S 10 20 100 0.5 re f \
          0 0 50 40 re S 5 5 20 20 re W n 0 0 m 30 30 l S 200 200 100 50 re f",
    );
    let want = [
        Rule::from_segment((10.0, 790.0), (110.0, 790.0)),
        Rule::from_segment((10.0, 779.75), (110.0, 779.75)),
        Rule::from_segment((0.0, 800.0), (50.0, 800.0)),
        Rule::from_segment((50.0, 800.0), (50.0, 760.0)),
        Rule::from_segment((50.0, 760.0), (0.0, 760.0)),
        Rule::from_segment((0.0, 760.0), (0.0, 800.0)),
    ];
    let want: Vec<Rule> = want.into_iter().flatten().collect();
    assert_eq!(want.len(), 6);
    assert_eq!(rules, want);
    assert!(rules.iter().all(|r| r.x0 <= r.x1 && r.y0 <= r.y1));
}
