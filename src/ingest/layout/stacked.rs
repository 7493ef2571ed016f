//! Vertical text drawn with a horizontal font: glyphs stacked one below the other.
//!
//! Word documents printed through "Microsoft: Print To PDF" (and other drivers) set vertical
//! Japanese (告示, 通知) in a horizontal-mode font (Identity-H), each glyph moved below the
//! previous one by its own `TD`. Laid out as horizontal lines, such a page reads across its
//! columns, one character from each (`第　適　基　○　基`). This module finds those stacks so
//! the layout reads them as vertical columns: right to left, top to bottom.
//!
//! Invariants: only glyphs *consecutive in drawing order* are chained, so two horizontal
//! lines one above the other never form a stack (their glyphs are drawn left to right);
//! a chain must be mostly full-width CJK and mostly tight (each glyph about one em below
//! the previous), which a table drawn column by column with one digit per row is not.
//! Pages without such stacks are laid out exactly as before.

use super::Placed;

/// Horizontal drift allowed between consecutive glyphs of a column, in em: vertical forms
/// of 、。 sit in the upper right of their cell in many fonts.
const DRIFT: f32 = 0.6;
/// A step down of at most this many em is "tight" (one character cell, with tracking).
const TIGHT: f32 = 1.35;
/// Steps down of up to this many em continue a chain (an ideographic space or two).
const LOOSE: f32 = 3.5;
/// Glyphs on one baseline closer than this many em form a row (columns of vertical text are
/// set further apart).
const BESIDE: f32 = 0.3;
/// A glyph with no other glyph on its baseline within this many em is alone.
const LONE: f32 = 1.5;
/// Most columns on a page compared by [`attach_heads`].
const MAX_COLUMNS: usize = 2_000;
/// Most glyphs on one baseline looked at to decide that a glyph is alone (a longer line is
/// not alone anyway).
const MAX_NEIGHBOURS: usize = 4_096;
/// Shortest chain read as a column.
const MIN_RUN: usize = 3;

/// One step in drawing order: is `b` drawn just below `a` (same column)? `Some(tight)`.
fn step(a: &Placed, b: &Placed) -> Option<bool> {
    if a.vertical || b.vertical {
        return None;
    }
    let em = a.size.max(0.01);
    if (b.size - a.size).abs() > 0.15 * em || (b.x - a.x).abs() > DRIFT * em {
        return None;
    }
    let down = (a.y - b.y) / em;
    (0.8..=LOOSE).contains(&down).then_some(down <= TIGHT)
}

/// Full-width text from a CJK font: kanji, kana, full-width forms, and the symbols CJK
/// fonts set full width (○ ※ ① ─ from U+2010 on); not ASCII letters and figures.
fn wide(g: &Placed) -> bool {
    g.cjk
        && g.text
            .and_then(|t| t.chars().next())
            .is_none_or(|c| c as u32 >= 0x2010)
}

/// A drawn space (or nothing visible): never a neighbour that makes a row.
fn blank(g: &Placed) -> bool {
    g.text.is_some_and(|t| t.trim().is_empty())
}

/// For each glyph (in drawing order): the x of the stacked vertical column it is part of
/// (the chain's median x, so that drifted punctuation stays in its column), or `None`.
pub(super) fn find(glyphs: &[Placed]) -> Vec<Option<f32>> {
    let mut out = vec![None; glyphs.len()];
    let beside = in_a_row(glyphs);
    let chained =
        |k: usize| !beside[k - 1] && !beside[k] && step(&glyphs[k - 1], &glyphs[k]).is_some();
    let mut start = 0;
    while start < glyphs.len() {
        let mut end = start + 1;
        while end < glyphs.len() && chained(end) {
            end += 1;
        }
        // A column starts and ends with a wide glyph: a digit drawn just before a column
        // (the last figure of a row) is not part of it.
        let (mut a, mut b) = (start, end);
        while a < b && !wide(&glyphs[a]) {
            a += 1;
        }
        while b > a && !wide(&glyphs[b - 1]) {
            b -= 1;
        }
        let run = &glyphs[a..b];
        let tight = (a + 1..b)
            .filter(|&k| step(&glyphs[k - 1], &glyphs[k]) == Some(true))
            .count();
        let steps = run.len().saturating_sub(1);
        let wide_n = run.iter().filter(|g| wide(g)).count();
        if run.len() >= MIN_RUN && 2 * tight >= steps && 3 * wide_n >= 2 * run.len() {
            let mut xs: Vec<f32> = run.iter().map(|g| g.x).collect();
            xs.sort_by(f32::total_cmp);
            let x = xs[xs.len() / 2];
            out[a..b].iter_mut().for_each(|v| *v = Some(x));
        }
        start = end;
    }
    attach_heads(glyphs, &mut out);
    out
}

/// For each glyph: another horizontal glyph touches it on its baseline (a gap under
/// [`BESIDE`] em), so it is part of a horizontal run: a two-character name on its own line of
/// a table cell, not a column (the names of a cell, one per line 1.1 em apart, would chain).
fn in_a_row(glyphs: &[Placed]) -> Vec<bool> {
    // Word ends each column with a space glyph in another font, beside its last character.
    let mut by_y: Vec<usize> = (0..glyphs.len())
        .filter(|&i| !glyphs[i].vertical && !blank(&glyphs[i]))
        .collect();
    by_y.sort_by(|&a, &b| glyphs[a].y.total_cmp(&glyphs[b].y));
    let mut out = vec![false; glyphs.len()];
    for &i in &by_y {
        let g = &glyphs[i];
        let em = g.size.max(0.01);
        let from = by_y.partition_point(|&j| glyphs[j].y < g.y - 0.3 * em);
        out[i] = by_y[from..]
            .iter()
            .take_while(|&&j| glyphs[j].y <= g.y + 0.3 * em)
            .take(MAX_NEIGHBOURS)
            .any(|&j| {
                let h = &glyphs[j];
                let (g1, h1) = (g.x_end.max(g.x), h.x_end.max(h.x));
                // The same glyph drawn again in place (fake bold) is not a neighbour.
                j != i && !super::same_place(g, h) && h.x.max(g.x) - g1.min(h1) < BESIDE * em
            });
    }
    out
}

/// A lone wide glyph just above, below or inside a found column, in line with it, joins it:
/// a heading's `第一` or an item's `三` drawn apart from the column's text. Lone: no other
/// glyph on its baseline within [`LONE`] em, so a horizontal line next to a column keeps
/// its glyphs.
fn attach_heads(glyphs: &[Placed], col: &mut [Option<f32>]) {
    // (x, lowest y, highest y, em) of the glyphs assigned to each column x.
    let mut spans: std::collections::HashMap<u32, (f32, f32, f32, f32)> = Default::default();
    for (g, c) in glyphs.iter().zip(col.iter()) {
        let Some(x) = *c else { continue };
        let s = spans
            .entry(x.to_bits())
            .or_insert((x, g.y, g.y, g.size.max(0.01)));
        s.1 = s.1.min(g.y);
        s.2 = s.2.max(g.y);
    }
    // Real pages have tens of columns; a page of thousands of tiny stacks is left as found.
    if spans.is_empty() || spans.len() > MAX_COLUMNS {
        return;
    }
    let mut spans: Vec<(f32, f32, f32, f32)> = spans.into_values().collect();
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Visible horizontal glyphs outside columns, by baseline, to find a candidate's
    // neighbours (Word draws a space beside a column's head `一`).
    let mut by_y: Vec<usize> = (0..glyphs.len())
        .filter(|&j| col[j].is_none() && !glyphs[j].vertical && !blank(&glyphs[j]))
        .collect();
    by_y.sort_by(|&a, &b| glyphs[a].y.total_cmp(&glyphs[b].y));
    let lone = |i: usize| {
        let g = &glyphs[i];
        let em = g.size.max(0.01);
        let from = by_y.partition_point(|&j| glyphs[j].y < g.y - 0.5 * em);
        by_y[from..]
            .iter()
            .take_while(|&&j| glyphs[j].y <= g.y + 0.5 * em)
            .take(MAX_NEIGHBOURS)
            .all(|&j| j == i || (glyphs[j].x - g.x).abs() >= LONE * em)
    };
    let mut joined = Vec::new();
    for (i, g) in glyphs.iter().enumerate() {
        if col[i].is_some() || g.vertical || !wide(g) || g.text.is_none_or(|t| t.trim().is_empty())
        {
            continue;
        }
        // Spans sorted by x: only those within the drift of this glyph's x (a span's em is
        // within 15 % of the glyph's, so 1.2 × the glyph's drift covers it).
        let reach = 1.2 * DRIFT * g.size.max(0.01);
        let from = spans.partition_point(|s| s.0 < g.x - reach);
        let mut near = spans[from..].iter().take_while(|s| s.0 <= g.x + reach);
        let hit = near.find(|&&(x, lo, hi, em)| {
            (g.x - x).abs() <= DRIFT * em
                && (g.size - em).abs() <= 0.15 * em
                && g.y >= lo - LOOSE * em
                && g.y <= hi + LOOSE * em
        });
        if let Some(&(x, ..)) = hit
            && lone(i)
        {
            joined.push((i, x));
        }
    }
    for (i, x) in joined {
        col[i] = Some(x);
    }
}

/// The glyphs with every stacked one turned into a vertical glyph (advance one em down), or
/// `None` when the page has no stack.
pub(super) fn as_vertical<'a>(glyphs: &[Placed<'a>]) -> Option<Vec<Placed<'a>>> {
    let stacked = find(glyphs);
    if stacked.iter().all(Option::is_none) {
        return None;
    }
    Some(
        glyphs
            .iter()
            .zip(stacked)
            .map(|(g, s)| {
                let mut g = g.clone();
                if let Some(x) = s {
                    g.vertical = true;
                    g.x = x;
                    g.x_end = x;
                    g.y_end = g.y - g.size;
                }
                g
            })
            .collect(),
    )
}
