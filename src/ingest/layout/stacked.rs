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
//! Pages without such stacks are laid out exactly as before. A stacked glyph turned vertical
//! covers the box it is drawn in (so a table cell keeps its last glyph), and no glyph joins a
//! column across a horizontal ruling line (a cell border) drawn between them.

use super::{Placed, Rule};

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
pub(super) fn blank(g: &Placed) -> bool {
    g.text.is_some_and(|t| t.trim().is_empty())
}

/// For each glyph (in drawing order): the x of the stacked vertical column it is part of
/// (the chain's median x, so that drifted punctuation stays in its column), or `None`.
pub(super) fn find(glyphs: &[Placed], rules: &[Rule]) -> Vec<Option<f32>> {
    let mut out = vec![None; glyphs.len()];
    // Most pages have no stack: `chained` below only removes links from `step`'s, so a page
    // with no run of MIN_RUN glyphs linked by `step` alone has no column (and `attach_heads`
    // nothing to attach to); skip the row search, which sorts every glyph.
    let mut run = 1;
    let any_run = glyphs.windows(2).any(|w| {
        run = if step(&w[0], &w[1]).is_some() {
            run + 1
        } else {
            1
        };
        run >= MIN_RUN
    });
    if !any_run {
        return out;
    }
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
    attach_heads(glyphs, &mut out, rules);
    out
}

/// For each glyph in `keep`: its nearest neighbours to the left and right on its baseline
/// (glyphs of `keep` whose baselines lie within `tol` em of the first of their row), a glyph
/// drawn again in place (fake bold) skipped. Sorting makes it O(n log n) on any page.
fn row_neighbours(
    glyphs: &[Placed],
    keep: impl Fn(usize) -> bool,
    tol: f32,
) -> Vec<(Option<usize>, Option<usize>)> {
    let mut out = vec![(None, None); glyphs.len()];
    let mut idx: Vec<usize> = (0..glyphs.len()).filter(|&i| keep(i)).collect();
    idx.sort_by(|&a, &b| glyphs[b].y.total_cmp(&glyphs[a].y));
    let mut start = 0;
    while start < idx.len() {
        let first = &glyphs[idx[start]];
        let reach = tol * first.size.max(0.01);
        let mut end = start + 1;
        while end < idx.len() && first.y - glyphs[idx[end]].y < reach {
            end += 1;
        }
        let row = &mut idx[start..end];
        row.sort_by(|&a, &b| glyphs[a].x.total_cmp(&glyphs[b].x));
        let mut prev: Option<usize> = None;
        let mut copies = Vec::new();
        for &i in row.iter() {
            if let Some(p) = prev.filter(|&p| super::same_place(&glyphs[p], &glyphs[i])) {
                copies.push((i, p));
                continue;
            }
            if let Some(p) = prev {
                out[p].1 = Some(i);
                out[i].0 = Some(p);
            }
            prev = Some(i);
        }
        // A copy drawn in place has the neighbours of the glyph it copies.
        for (i, p) in copies {
            out[i] = out[p];
        }
        start = end;
    }
    out
}

/// For each glyph: another horizontal glyph touches it on its baseline (a gap under
/// [`BESIDE`] em), so it is part of a horizontal run: a two-character name on its own line of
/// a table cell, not a column (the names of a cell, one per line 1.1 em apart, would chain).
fn in_a_row(glyphs: &[Placed]) -> Vec<bool> {
    // Word ends each column with a space glyph in another font, beside its last character.
    let near = row_neighbours(glyphs, |i| !glyphs[i].vertical && !blank(&glyphs[i]), 0.3);
    let reach = |g: &Placed| g.x_end.max(g.x);
    (0..glyphs.len())
        .map(|i| {
            let g = &glyphs[i];
            let em = g.size.max(0.01);
            let (left, right) = near[i];
            left.is_some_and(|l| g.x - reach(&glyphs[l]) < BESIDE * em)
                || right.is_some_and(|r| glyphs[r].x - reach(g) < BESIDE * em)
        })
        .collect()
}

/// A lone wide glyph just above, below or inside a found column, in line with it, joins it:
/// a heading's `第一` or an item's `三` drawn apart from the column's text. Lone: no other
/// glyph on its baseline within [`LONE`] em, so a horizontal line next to a column keeps
/// its glyphs. Never across a horizontal ruling line drawn between the two under the column:
/// that glyph is in another table cell (an Excel vote table's ○ in the row below a member's
/// name set vertically).
fn attach_heads(glyphs: &[Placed], col: &mut [Option<f32>], rules: &[Rule]) {
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
    // Horizontal glyphs outside columns, by baseline, drawn spaces included: a header spaced
    // out across a table (`工　　　事　　　種　　　別`) must not lose its characters to a column.
    let near = row_neighbours(glyphs, |j| col[j].is_none() && !glyphs[j].vertical, 0.5);
    let lone = |i: usize| {
        let g = &glyphs[i];
        let em = g.size.max(0.01);
        let (left, right) = near[i];
        left.is_none_or(|l| g.x - glyphs[l].x >= LONE * em)
            && right.is_none_or(|r| glyphs[r].x - g.x >= LONE * em)
    };
    let mut borders: Vec<&Rule> = rules.iter().filter(|r| r.horizontal()).collect();
    borders.sort_by(|a, b| a.y0.total_cmp(&b.y0));
    // A border strictly between heights `a` and `b` passing under x.
    let ruled_off = |x: f32, a: f32, b: f32| {
        let (lo, hi) = (a.min(b), a.max(b));
        let from = borders.partition_point(|r| r.y0 <= lo);
        borders[from..]
            .iter()
            .take_while(|r| r.y0 < hi)
            .any(|r| r.x0 <= x && x <= r.x1)
    };
    let mut joined = Vec::new();
    for (i, g) in glyphs.iter().enumerate() {
        // Heads are kanji numerals and marks (`第一`, `三`, `○`); a full-width figure or letter
        // beside a column is more often a horizontal label of its own.
        let form = |c: char| ('\u{FF01}'..='\u{FF5E}').contains(&c);
        let head = g
            .text
            .and_then(|t| t.chars().next())
            .is_some_and(|c| !c.is_whitespace() && !form(c));
        if col[i].is_some() || g.vertical || !wide(g) || !head {
            continue;
        }
        // Spans sorted by x: only those within the drift of this glyph's x (a span's em is
        // within 15 % of the glyph's, so 1.2 × the glyph's drift covers it).
        let reach = 1.2 * DRIFT * g.size.max(0.01);
        let from = spans.partition_point(|s| s.0 < g.x - reach);
        let mut near = spans[from..].iter().take_while(|s| s.0 <= g.x + reach);
        let hit = near.find(|&&(x, lo, hi, em)| {
            let centre = x + 0.5 * em;
            (g.x - x).abs() <= DRIFT * em
                && (g.size - em).abs() <= 0.15 * em
                && g.y >= lo - LOOSE * em
                && g.y <= hi + LOOSE * em
                && !(g.y < lo && ruled_off(centre, g.y, lo))
                && !(g.y > hi && ruled_off(centre, hi, g.y))
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

/// Where a horizontal glyph's top lies above its baseline, in em: the ascent of the default
/// vertical origin (the position vector's 880 units), so that a stacked glyph turned vertical
/// covers the em box it is drawn in, [baseline − 0.12 em, baseline + 0.88 em].
const ASCENT: f32 = 0.88;

/// The glyphs with every stacked one turned into a vertical glyph, or `None` when the page
/// has no stack. A turned glyph gets the geometry of a vertical glyph drawn over the same
/// box (origin at the top centre, advance one em down): a column's last glyph, whose
/// baseline lies just above a table rule, stays inside its cell (a vertical header label
/// of an Excel sheet lost its last character to the row below when the baseline was taken
/// for the top).
pub(super) fn as_vertical<'a>(glyphs: &[Placed<'a>], rules: &[Rule]) -> Option<Vec<Placed<'a>>> {
    let stacked = find(glyphs, rules);
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
                    // The column's x (its glyphs' median left edge) plus half an em: the
                    // centre of a full-width glyph's box, as a vertical glyph's x is (one
                    // offset for the whole column, whose glyphs are mostly full width).
                    let x = x + 0.5 * g.size;
                    g.vertical = true;
                    g.x = x;
                    g.x_end = x;
                    g.y += ASCENT * g.size;
                    g.y_end = g.y - g.size;
                }
                g
            })
            .collect(),
    )
}
