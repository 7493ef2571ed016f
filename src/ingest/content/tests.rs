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

/// A glyph 10 units wide at size 10 with its origin at (x, y).
fn glyph_at(x: f32, y: f32) -> RawGlyph {
    RawGlyph {
        font: 0,
        code: 0x41,
        gid: None,
        x,
        y,
        x_end: x + 10.0,
        y_end: y,
        size: 10.0,
        vertical: false,
        covered: false,
    }
}

/// Which of glyphs drawn at `before` (then `content` run, then glyphs at `after`) a later
/// white rectangle covers.
fn covered(before: &[(f32, f32)], content: &[u8], after: &[(f32, f32)]) -> Vec<bool> {
    let pdf = Pdf::new(lopdf::Document::with_version("1.5"), 1 << 20);
    let mut fonts = FontCache::default();
    let mut interp = Interpreter::new(&pdf, &mut fonts);
    interp
        .glyphs
        .extend(before.iter().map(|&(x, y)| glyph_at(x, y)));
    interp.run(content, None, IDENTITY);
    interp
        .glyphs
        .extend(after.iter().map(|&(x, y)| glyph_at(x, y)));
    interp.mark_covered();
    interp.glyphs.iter().map(|g| g.covered).collect()
}

#[test]
fn a_white_rectangle_filled_over_glyphs_covers_them() {
    let whited = b"q 1 1 1 rg 0 0 100 50 re f Q";
    // Inside, partly outside, outside; a glyph drawn after the rectangle is on top.
    assert_eq!(
        covered(
            &[(10.0, 10.0), (95.0, 10.0), (200.0, 10.0)],
            whited,
            &[(10.0, 10.0)]
        ),
        vec![true, false, false, false]
    );
    // The same with the colour set as scn, and a path closed by hand.
    assert_eq!(
        covered(
            &[(10.0, 10.0)],
            b"1 1 1 scn 0 0 m 100 0 l 100 50 l 0 50 l h f*",
            &[]
        ),
        vec![true]
    );
    assert_eq!(
        covered(
            &[(10.0, 10.0)],
            b"/DeviceCMYK cs 0 0 0 0 sc 0 0 100 50 re f",
            &[]
        ),
        vec![true]
    );
}

#[test]
fn fills_that_may_not_hide_cover_nothing() {
    let at = [(10.0, 10.0)];
    for content in [
        // Not white.
        &b"0.8 1 0.8 rg 0 0 100 50 re f"[..],
        // An ExtGState in effect (alpha or a blend mode may show the text through).
        b"/GS0 gs 1 1 1 rg 0 0 100 50 re f",
        // Clipped away from the glyph.
        b"q 50 0 50 50 re W n 1 1 1 rg 0 0 100 50 re f Q",
        // A curved shape, and a thin bar (a rule).
        b"1 1 1 rg 0 0 m 100 0 l 100 50 50 60 0 50 c h f",
        b"1 1 1 rg 0 0 100 2 re f",
        // Stroked only.
        b"1 1 1 rg 0 0 100 50 re S",
        // A colour space that is no gray/RGB/CMYK (an unknown resource: perhaps a
        // Separation, where 1 is full ink).
        b"/CS0 cs 1 scn 0 0 100 50 re f",
    ] {
        assert_eq!(
            covered(&at, content, &[]),
            vec![false],
            "{}",
            String::from_utf8_lossy(content)
        );
    }
    // A colour reset after white, and white restored by Q.
    assert_eq!(
        covered(&at, b"1 g q 0 g Q 0 0 100 50 re f", &[]),
        vec![true]
    );
    assert_eq!(covered(&at, b"q 1 g Q 0 0 100 50 re f", &[]), vec![false]);
}
