//! Rows of a table ruled only across: wrapped cells read with their row.
//!
//! Excel sheets often draw a rule under every row and none between columns (no grid, so no
//! `layout::table`). A row with a wrapped cell is then two or three text lines between two
//! rules: the wrapped cells' first lines above the one-line cells, their last lines below
//! (a cell's text is centred vertically). Read line by line, "県内確定例の接" lands above its
//! row and "触者" below it. Here such a band becomes one line: its text split into cells at
//! gaps over [`CELL_GAP`] em, the pieces of different lines joined into one cell where they
//! overlap horizontally, cells left to right, each cell's pieces top to bottom.
//!
//! Invariants: only a band with a horizontal rule above and below it and none inside it,
//! of at most [`MAX_LINES`] lines set at most [`MAX_LEADING`] em apart, is joined; only when
//! no cell takes two pieces of one line (which would mean the overlap is not a column),
//! at least [`MIN_CELLS`] cells result and one of them spans lines; only CJK glyphs wrap (Latin text
//! joined across lines would need a space the positions do not give). Everything else is
//! returned unchanged, in order.

use super::table::Sets;
use super::{Placed, Rule};

/// Cells of a row are set farther apart than this (em); prose and a cell's words are not.
const CELL_GAP: f32 = 0.8;
/// Most lines of one band (a cell wrapped over three lines beside one-line cells).
const MAX_LINES: usize = 4;
/// Largest baseline distance between consecutive lines of a band (em).
const MAX_LEADING: f32 = 1.8;
/// Fewest cells of a joined band: a table row. Two are as often a heading and the text
/// beside it, or a paragraph and its score (MLIT tender documents), whose lines are no row.
const MIN_CELLS: usize = 3;
/// Share of a band's width the rules above and below it must cover.
const RULE_COVER: f32 = 0.8;

/// `rows`: lines in reading order, each its glyph indices left to right. Returns them with
/// every band of a table ruled only across joined into one row, its glyphs in reading
/// order (cells left to right, each cell's lines top to bottom).
pub(super) fn join_wrapped_rows(
    glyphs: &[Placed],
    rows: Vec<Vec<usize>>,
    across: &[Rule],
) -> Vec<Vec<usize>> {
    if across.is_empty() || rows.len() < 2 {
        return rows;
    }
    // By height, so that each question looks only at the rules in its band of heights (a
    // drawing can carry tens of thousands of rules).
    let mut across: Vec<(f32, Rule)> = across
        .iter()
        .map(|r| ((r.y0 + r.y1) / 2.0, *r))
        .filter(|(y, _)| y.is_finite())
        .collect();
    across.sort_by(|a, b| a.0.total_cmp(&b.0));
    let across = &across[..];
    let mut out = Vec::with_capacity(rows.len());
    let mut r = 0;
    while r < rows.len() {
        match band_at(glyphs, &rows, r, across) {
            Some((end, joined)) => {
                out.push(joined);
                r = end;
            }
            None => {
                out.push(rows[r].clone());
                r += 1;
            }
        }
    }
    out
}

/// Baseline and em of a line (its first glyph's baseline, its largest size).
fn line_metrics(glyphs: &[Placed], row: &[usize]) -> Option<(f32, f32)> {
    let first = *row.first()?;
    let em = row.iter().map(|&i| glyphs[i].size).fold(0.01f32, f32::max);
    Some((glyphs[first].y, em))
}

/// Left and right edge of a line.
fn extent(glyphs: &[Placed], row: &[usize]) -> (f32, f32) {
    row.iter()
        .fold((f32::INFINITY, f32::NEG_INFINITY), |(a, b), &i| {
            let g = &glyphs[i];
            (a.min(g.x.min(g.x_end)), b.max(g.x.max(g.x_end)))
        })
}

/// A horizontal rule strictly between heights `below` and `above` covering `share` of the
/// x-range `span`. `across`: (height, rule), ascending by height.
fn rule_between(
    across: &[(f32, Rule)],
    above: f32,
    below: f32,
    span: (f32, f32),
    share: f32,
) -> bool {
    let width = (span.1 - span.0).max(0.01);
    let from = across.partition_point(|(y, _)| *y <= below);
    across[from..]
        .iter()
        .take_while(|(y, _)| *y < above)
        .any(|(_, rule)| rule.x1.min(span.1) - rule.x0.max(span.0) >= share * width)
}

/// The band starting at row `start`, if it is one to join: (end row, exclusive; its glyphs
/// in reading order).
fn band_at(
    glyphs: &[Placed],
    rows: &[Vec<usize>],
    start: usize,
    across: &[(f32, Rule)],
) -> Option<(usize, Vec<usize>)> {
    let (y0, em0) = line_metrics(glyphs, &rows[start])?;
    // A rule above the band: between it and the line before, or, for a first line, within
    // two em above its baseline.
    let span0 = extent(glyphs, &rows[start]);
    let above_limit = match start
        .checked_sub(1)
        .and_then(|p| line_metrics(glyphs, &rows[p]))
    {
        Some((py, _)) if py > y0 => py,
        _ => y0 + 2.0 * em0,
    };
    if !rule_between(across, above_limit, y0, span0, RULE_COVER) {
        return None;
    }
    let mut end = start + 1;
    let mut span = span0;
    let mut last = (y0, em0);
    loop {
        if end - start > MAX_LINES {
            return None;
        }
        let next = rows.get(end).and_then(|row| line_metrics(glyphs, row));
        match next {
            Some((y, em))
                if y < last.0
                    && last.0 - y <= MAX_LEADING * em.max(last.1)
                    && !rule_between(
                        across,
                        last.0,
                        y,
                        pair(span, extent(glyphs, &rows[end])),
                        0.5,
                    ) =>
            {
                span = pair(span, extent(glyphs, &rows[end]));
                last = (y, em);
                end += 1;
            }
            _ => break,
        }
    }
    if end - start < 2 {
        return None;
    }
    // A rule below the band: before the next line, or within an em under the last baseline.
    let below_limit = match rows.get(end).and_then(|row| line_metrics(glyphs, row)) {
        Some((ny, _)) if ny < last.0 => ny,
        _ => last.0 - 1.0 * last.1,
    };
    if !rule_between(across, last.0, below_limit, span, RULE_COVER) {
        return None;
    }
    cells_in_order(glyphs, &rows[start..end]).map(|order| (end, order))
}

fn pair(a: (f32, f32), b: (f32, f32)) -> (f32, f32) {
    (a.0.min(b.0), a.1.max(b.1))
}

/// The band's glyphs cell by cell, or `None` when its lines do not read as one row of
/// wrapped cells (see the module's invariants).
fn cells_in_order(glyphs: &[Placed], lines: &[Vec<usize>]) -> Option<Vec<usize>> {
    // Pieces: (line, glyphs, left, right).
    let mut pieces: Vec<(usize, Vec<usize>, f32, f32)> = Vec::new();
    for (l, row) in lines.iter().enumerate() {
        let mut reach = f32::NEG_INFINITY;
        for &i in row {
            let g = &glyphs[i];
            let (a, b) = (g.x.min(g.x_end), g.x.max(g.x_end));
            let new = !reach.is_finite() || a - reach > CELL_GAP * g.size.max(0.01);
            match pieces.last_mut() {
                Some(p) if !new && p.0 == l => {
                    p.1.push(i);
                    p.3 = p.3.max(b);
                }
                _ => pieces.push((l, vec![i], a, b)),
            }
            reach = reach.max(b);
        }
    }
    // Cells: pieces of different lines that overlap horizontally (union-find).
    let n = pieces.len();
    let mut sets = Sets::new(n);
    for a in 0..n {
        for b in a + 1..n {
            if pieces[a].0 != pieces[b].0 && pieces[a].2 < pieces[b].3 && pieces[b].2 < pieces[a].3
            {
                sets.join(a, b);
            }
        }
    }
    let mut cells: Vec<Vec<usize>> = Vec::new();
    let mut cell_of = vec![usize::MAX; n];
    for k in 0..n {
        let r = sets.root(k);
        if cell_of[r] == usize::MAX {
            cell_of[r] = cells.len();
            cells.push(Vec::new());
        }
        cells[cell_of[r]].push(k);
    }
    let mut spans_lines = false;
    for cell in &cells {
        let mut seen = vec![false; lines.len()];
        for &k in cell {
            if std::mem::replace(&mut seen[pieces[k].0], true) {
                return None; // two pieces of one line: not a column
            }
        }
        if cell.len() > 1 {
            spans_lines = true;
            let all_cjk = cell
                .iter()
                .flat_map(|&k| &pieces[k].1)
                .all(|&i| glyphs[i].cjk);
            if !all_cjk {
                return None;
            }
        }
    }
    if !spans_lines || cells.len() < MIN_CELLS {
        return None;
    }
    cells.sort_by(|a, b| {
        let left = |c: &Vec<usize>| c.iter().map(|&k| pieces[k].2).fold(f32::INFINITY, f32::min);
        left(a).total_cmp(&left(b))
    });
    let mut order = Vec::new();
    for mut cell in cells {
        cell.sort_by_key(|&k| pieces[k].0);
        for k in cell {
            order.extend_from_slice(&pieces[k].1);
        }
    }
    Some(order)
}
