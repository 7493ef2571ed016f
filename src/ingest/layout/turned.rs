//! Pages whose text runs along another axis than the page's x axis: a landscape table drawn
//! on a portrait MediaBox turned by /Rotate (InDesign and Ichitaro budget books), or a page
//! drawn turned in its content stream. Where most glyphs advance along one of the three other
//! quarter turns, the page's glyphs and ruling lines are turned so that direction reads left
//! to right, and the layout runs on the turned copy; indices and the glyphs' own boxes are
//! unchanged.
//!
//! Invariants: a page whose glyphs mostly advance along +x (vertical writing counts as
//! advancing along +x when its glyphs advance downwards) is never touched; a turn needs at
//! least [`MIN_GLYPHS`] glyphs along it and [`SHARE`] of the glyphs whose direction is clear.

use super::{Placed, Rule};

/// Glyphs along the dominant direction needed before a page is turned.
const MIN_GLYPHS: usize = 3;
/// Share of the glyphs with a clear direction that must advance along the turned axis.
const SHARE: f32 = 0.6;

/// Quarter turns counterclockwise from +x of the direction a glyph advances in, where that
/// is within about 18 degrees of an axis (upright vertical writing, advancing downwards,
/// counts as +x); `None` for glyphs that barely advance or run diagonally (stamps).
pub(super) fn direction(g: &Placed) -> Option<u8> {
    let (mut dx, mut dy) = (g.x_end - g.x, g.y_end - g.y);
    if g.vertical {
        // Upright vertical writing advances downwards: count it as +x.
        (dx, dy) = (-dy, dx);
    }
    if !(dx.is_finite() && dy.is_finite()) || dx.hypot(dy) < 0.05 * g.size.abs() {
        return None;
    }
    if dx.abs() >= 3.0 * dy.abs() {
        Some(if dx > 0.0 { 0 } else { 2 })
    } else if dy.abs() >= 3.0 * dx.abs() {
        Some(if dy > 0.0 { 1 } else { 3 })
    } else {
        None
    }
}

/// Quarter turns counterclockwise from +x of the direction most glyphs advance in, where
/// that is not +x and holds at least `SHARE` of the glyphs with a clear direction.
fn dominant_turn(glyphs: &[Placed]) -> Option<u8> {
    let mut counts = [0usize; 4];
    for q in glyphs.iter().filter_map(direction) {
        counts[usize::from(q)] += 1;
    }
    let total: usize = counts.iter().sum();
    let (q, &n) = counts
        .iter()
        .enumerate()
        .max_by_key(|&(q, &n)| (n, q == 0))?;
    (q != 0 && n >= MIN_GLYPHS && n as f32 >= SHARE * total as f32).then_some(q as u8)
}

/// (x, y) turned clockwise `q` quarter turns: the direction `q` quarter turns
/// counterclockwise from +x becomes +x.
fn turn_point(q: u8, x: f32, y: f32) -> (f32, f32) {
    match q {
        1 => (y, -x),
        2 => (-x, -y),
        3 => (-y, x),
        _ => (x, y),
    }
}

/// A glyph turned clockwise `q` quarter turns (its box and advance with it).
pub(super) fn turn<'a>(q: u8, g: &Placed<'a>) -> Placed<'a> {
    let (x, y) = turn_point(q, g.x, g.y);
    let (x_end, y_end) = turn_point(q, g.x_end, g.y_end);
    Placed {
        x,
        y,
        x_end,
        y_end,
        ..g.clone()
    }
}

/// The page's glyphs and rules turned so its dominant text direction reads along +x, or
/// `None` when it already does (or no direction dominates).
pub(super) fn upright<'a>(
    glyphs: &[Placed<'a>],
    rules: &[Rule],
) -> Option<(Vec<Placed<'a>>, Vec<Rule>)> {
    let q = dominant_turn(glyphs)?;
    let turned = glyphs.iter().map(|g| turn(q, g)).collect();
    let rules = rules
        .iter()
        .map(|r| {
            let (ax, ay) = turn_point(q, r.x0, r.y0);
            let (bx, by) = turn_point(q, r.x1, r.y1);
            Rule {
                x0: ax.min(bx),
                y0: ay.min(by),
                x1: ax.max(bx),
                y1: ay.max(by),
            }
        })
        .collect();
    Some((turned, rules))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glyph(x: f32, y: f32, x_end: f32, y_end: f32) -> Placed<'static> {
        Placed {
            font: 0,
            text: Some("a"),
            x,
            y,
            x_end,
            y_end,
            size: 10.0,
            vertical: false,
            cjk: false,
            stated: true,
        }
    }

    #[test]
    fn upright_pages_are_left_alone_and_turned_ones_read_along_x() {
        let flat: Vec<Placed> = (0..5)
            .map(|k| glyph(10.0 * k as f32, 0.0, 10.0 * (k + 1) as f32, 0.0))
            .collect();
        assert!(upright(&flat, &[]).is_none());
        // Advancing up the page (/Rotate 90 text): turned clockwise, order along x kept.
        let up: Vec<Placed> = (0..5)
            .map(|k| glyph(50.0, 10.0 * k as f32, 50.0, 10.0 * (k + 1) as f32))
            .collect();
        let (t, _) = upright(&up, &[]).expect("turned");
        assert!(t.windows(2).all(|w| w[1].x > w[0].x && w[1].y == w[0].y));
        assert!(t.iter().all(|g| g.x_end > g.x));
        // Two glyphs up and two along x: no direction holds 60 %, nothing turned.
        let mixed = vec![
            up[0].clone(),
            up[1].clone(),
            flat[0].clone(),
            flat[1].clone(),
        ];
        assert!(upright(&mixed, &[]).is_none());
    }

    #[test]
    fn vertical_writing_advancing_down_is_upright() {
        let col: Vec<Placed> = (0..5)
            .map(|k| Placed {
                vertical: true,
                ..glyph(50.0, -10.0 * k as f32, 50.0, -10.0 * (k + 1) as f32)
            })
            .collect();
        assert!(upright(&col, &[]).is_none());
    }
}
