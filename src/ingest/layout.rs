//! Glyphs → lines in reading order.
//!
//! Horizontal glyphs group into lines by baseline (tolerance half an em), lines read top
//! to bottom, glyphs left to right. Vertical glyphs (WMode 1) group into columns by x,
//! columns read right to left, glyphs top to bottom. A glyph drawn again at nearly the
//! same place with the same text (fake bold) is emitted once. A gap of about a full em
//! inside a CJK line becomes U+3000, a smaller visible gap an ASCII space.

/// A glyph with its resolved text, ready for layout.
#[derive(Debug, Clone)]
pub struct Placed {
    pub font: usize,
    pub text: Option<String>,
    pub x: f32,
    pub y: f32,
    pub x_end: f32,
    pub y_end: f32,
    pub size: f32,
    pub vertical: bool,
    pub cjk: bool,
}

/// A gap inserted between two glyphs (not a drawn glyph).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Gap {
    None,
    Space,
    Ideographic,
}

/// One line: glyph indices in reading order and the gap before each.
#[derive(Debug, Clone)]
pub struct LineLayout {
    pub glyphs: Vec<(usize, Gap)>,
    pub vertical: bool,
}

fn same_place(a: &Placed, b: &Placed) -> bool {
    let em = a.size.max(b.size).max(0.01);
    a.text == b.text
        && a.font == b.font
        && (a.x - b.x).abs() < 0.2 * em
        && (a.y - b.y).abs() < 0.2 * em
}

/// Lays out one page's glyphs.
pub fn lines(glyphs: &[Placed]) -> Vec<LineLayout> {
    let mut out = Vec::new();
    // Horizontal lines.
    let mut idx: Vec<usize> = (0..glyphs.len()).filter(|&i| !glyphs[i].vertical).collect();
    idx.sort_by(|&a, &b| glyphs[b].y.total_cmp(&glyphs[a].y));
    let mut clusters: Vec<Vec<usize>> = Vec::new();
    for i in idx {
        let g = &glyphs[i];
        let tol = 0.5 * g.size.max(0.01);
        match clusters.last_mut() {
            Some(c) if (glyphs[c[0]].y - g.y).abs() < tol => c.push(i),
            _ => clusters.push(vec![i]),
        }
    }
    for mut c in clusters {
        c.sort_by(|&a, &b| glyphs[a].x.total_cmp(&glyphs[b].x));
        out.push(finish(glyphs, &c, false));
    }
    // Vertical columns.
    let mut idx: Vec<usize> = (0..glyphs.len()).filter(|&i| glyphs[i].vertical).collect();
    idx.sort_by(|&a, &b| glyphs[b].x.total_cmp(&glyphs[a].x));
    let mut cols: Vec<Vec<usize>> = Vec::new();
    for i in idx {
        let g = &glyphs[i];
        let tol = 0.5 * g.size.max(0.01);
        match cols.last_mut() {
            Some(c) if (glyphs[c[0]].x - g.x).abs() < tol => c.push(i),
            _ => cols.push(vec![i]),
        }
    }
    for mut c in cols {
        c.sort_by(|&a, &b| glyphs[b].y.total_cmp(&glyphs[a].y));
        out.push(finish(glyphs, &c, true));
    }
    out
}

fn finish(glyphs: &[Placed], order: &[usize], vertical: bool) -> LineLayout {
    let mut kept: Vec<(usize, Gap)> = Vec::new();
    for &i in order {
        let g = &glyphs[i];
        // Overprint: compare with the last few kept glyphs (bold may be drawn 2–4 times).
        if kept
            .iter()
            .rev()
            .take(4)
            .any(|&(k, _)| same_place(&glyphs[k], g))
        {
            continue;
        }
        let gap = match kept.last() {
            None => Gap::None,
            Some(&(p, _)) => {
                let prev = &glyphs[p];
                let em = prev.size.max(g.size).max(0.01);
                let space = if vertical {
                    prev.y_end - g.y
                } else {
                    g.x - prev.x_end
                };
                if space > 0.8 * em && (prev.cjk || g.cjk) {
                    Gap::Ideographic
                } else if space > 0.25 * em {
                    Gap::Space
                } else {
                    Gap::None
                }
            }
        };
        kept.push((i, gap));
    }
    LineLayout {
        glyphs: kept,
        vertical,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(text: &str, x: f32, y: f32, vertical: bool) -> Placed {
        Placed {
            font: 0,
            text: Some(text.into()),
            x,
            y,
            x_end: if vertical { x } else { x + 10.0 },
            y_end: if vertical { y - 10.0 } else { y },
            size: 10.0,
            vertical,
            cjk: true,
        }
    }

    fn render(glyphs: &[Placed]) -> Vec<String> {
        lines(glyphs)
            .iter()
            .map(|l| {
                l.glyphs
                    .iter()
                    .map(|&(i, gap)| {
                        let p = match gap {
                            Gap::None => "",
                            Gap::Space => " ",
                            Gap::Ideographic => "\u{3000}",
                        };
                        format!("{p}{}", glyphs[i].text.clone().unwrap_or_default())
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn lines_by_baseline_and_overprint_once() {
        let gs = vec![
            g("い", 10.0, 100.0, false),
            g("あ", 0.0, 100.0, false),
            g("あ", 0.3, 100.2, false), // fake bold
            g("う", 0.0, 80.0, false),
            g("え", 20.0, 80.0, false), // a full em gap
        ];
        assert_eq!(render(&gs), vec!["あい", "う\u{3000}え"]);
    }

    #[test]
    fn vertical_columns_right_to_left() {
        let gs = vec![
            g("し", 50.0, 90.0, true),
            g("あ", 80.0, 100.0, true),
            g("い", 80.0, 90.0, true),
            g("さ", 50.0, 100.0, true),
        ];
        assert_eq!(render(&gs), vec!["あい", "さし"]);
    }
}
