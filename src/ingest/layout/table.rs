//! Ruled tables: cells from the ruling lines a page draws, glyphs assigned to cells.
//!
//! Rules touching each other (within [`SNAP`]) form a grid; its distinct vertical-rule x's
//! and horizontal-rule y's cut it into elementary cells, and two neighbouring elementary
//! cells are one (merged) cell when no rule separates them. A grid is a table when it has
//! at least two elementary cells and glyphs in at least two cells. A glyph belongs to the
//! cell its centre lies in — except that a glyph continuing a run of text across a border
//! (text overflowing its cell, drawn without a gap) stays with the run's cell.
//!
//! Invariants: every glyph is in at most one cell of at most one table; cells come in
//! reading order (by top row, then left column); work is bounded ([`MAX_PAIRS`],
//! [`MAX_GRID_CELLS`]) — a page beyond the bounds simply has no tables.

use super::{Placed, Rule};

/// Rules this close are one line (Excel strokes a line and fills a bar ~0.4 pt apart).
const SNAP: f32 = 2.0;
/// Horizontal × vertical rule pairs examined for connectivity on one page.
const MAX_PAIRS: usize = 4_000_000;
/// Elementary cells of one grid.
const MAX_GRID_CELLS: usize = 250_000;
/// A run of text crosses a cell border only when drawn without a gap (em fraction).
const RUN_GAP: f32 = 0.15;

/// A table found on the page.
#[derive(Debug, Clone)]
pub struct Table {
    /// Top edge (user space, y up).
    pub top: f32,
    /// Non-empty cells in reading order: (top elementary row, glyph indices in drawing order).
    pub cells: Vec<(usize, Vec<usize>)>,
    /// Each cell's ruled box [x0, y0, x1, y1] (user space, y up), in the order of `cells`.
    pub boxes: Vec<[f32; 4]>,
}

/// Union-find over `n` items (also `layout::bands`' cells).
pub(super) struct Sets(Vec<usize>);

impl Sets {
    pub(super) fn new(n: usize) -> Sets {
        Sets((0..n).collect())
    }
    pub(super) fn root(&mut self, mut i: usize) -> usize {
        while self.0[i] != i {
            self.0[i] = self.0[self.0[i]];
            i = self.0[i];
        }
        i
    }
    pub(super) fn join(&mut self, a: usize, b: usize) {
        let (a, b) = (self.root(a), self.root(b));
        if a != b {
            self.0[a.max(b)] = a.min(b);
        }
    }
}

/// Sorted coordinates merged when within [`SNAP`] of the previous one (cluster means).
fn snap(mut v: Vec<f32>) -> Vec<f32> {
    v.sort_by(f32::total_cmp);
    let mut out: Vec<(f32, usize)> = Vec::new();
    let mut last = f32::NEG_INFINITY;
    for x in v {
        match out.last_mut() {
            Some((sum, n)) if x - last <= SNAP => {
                *sum += x;
                *n += 1;
            }
            _ => out.push((x, 1)),
        }
        last = x;
    }
    out.into_iter().map(|(s, n)| s / n as f32).collect()
}

/// One grid: column edges ascending, row edges descending, the cell (root) of every
/// elementary cell.
struct Grid {
    xs: Vec<f32>,
    ys: Vec<f32>,
    cell_of: Vec<usize>,
}

impl Grid {
    fn build(h: &[Rule], v: &[Rule]) -> Option<Grid> {
        let mut xs = snap(v.iter().map(|r| r.x0).collect());
        let mut ys = snap(h.iter().map(|r| r.y0).collect());
        // Rules running on past the outermost crossing rules (a table cut by the page end,
        // open sides) bound the grid too: the open band is a row (column) of its own.
        extend(&mut xs, h.iter().map(|r| r.x0), h.iter().map(|r| r.x1));
        extend(&mut ys, v.iter().map(|r| r.y0), v.iter().map(|r| r.y1));
        ys.reverse();
        let (cols, rows) = (xs.len().checked_sub(1)?, ys.len().checked_sub(1)?);
        if cols * rows < 2 || cols * rows > MAX_GRID_CELLS {
            return None;
        }
        // Which borders are drawn: vertical border k (at xs[k]) in row i; horizontal border
        // k (at ys[k]) in column j. A rule draws a border when it passes its middle.
        let mut v_border = vec![false; xs.len() * rows];
        for r in v {
            let k = nearest(&xs, r.x0);
            for i in 0..rows {
                let mid = (ys[i] + ys[i + 1]) / 2.0;
                if r.y0 - SNAP <= mid && mid <= r.y1 + SNAP {
                    v_border[k * rows + i] = true;
                }
            }
        }
        let mut h_border = vec![false; ys.len() * cols];
        for r in h {
            let k = nearest(&ys, r.y0);
            for j in 0..cols {
                let mid = (xs[j] + xs[j + 1]) / 2.0;
                if r.x0 - SNAP <= mid && mid <= r.x1 + SNAP {
                    h_border[k * cols + j] = true;
                }
            }
        }
        let mut sets = Sets::new(rows * cols);
        for i in 0..rows {
            for j in 0..cols {
                if j + 1 < cols && !v_border[(j + 1) * rows + i] {
                    sets.join(i * cols + j, i * cols + j + 1);
                }
                if i + 1 < rows && !h_border[(i + 1) * cols + j] {
                    sets.join(i * cols + j, (i + 1) * cols + j);
                }
            }
        }
        let cell_of = (0..rows * cols).map(|e| sets.root(e)).collect();
        Some(Grid { xs, ys, cell_of })
    }

    fn cols(&self) -> usize {
        self.xs.len() - 1
    }

    /// The cell (root elementary index) holding point (x, y), if inside the grid.
    fn cell_at(&self, x: f32, y: f32) -> Option<usize> {
        let j = self.xs.partition_point(|&v| v <= x).checked_sub(1)?;
        let i = self.ys.partition_point(|&v| v >= y).checked_sub(1)?;
        (j < self.cols() && i + 1 < self.ys.len()).then(|| self.cell_of[i * self.cols() + j])
    }
}

/// Adds to the ascending edges `xs` the lowest start and highest end of the crossing rules
/// where they reach beyond the outermost edge by more than [`SNAP`].
fn extend(xs: &mut Vec<f32>, starts: impl Iterator<Item = f32>, ends: impl Iterator<Item = f32>) {
    let lo = starts.fold(f32::INFINITY, f32::min);
    let hi = ends.fold(f32::NEG_INFINITY, f32::max);
    if let Some(&first) = xs.first()
        && lo.is_finite()
        && lo < first - SNAP
    {
        xs.insert(0, lo);
    }
    if let Some(&last) = xs.last()
        && hi.is_finite()
        && hi > last + SNAP
    {
        xs.push(hi);
    }
}

/// Index of the edge closest to `x`.
fn nearest(xs: &[f32], x: f32) -> usize {
    let mut best = 0;
    for (k, &v) in xs.iter().enumerate() {
        if (v - x).abs() < (xs[best] - x).abs() {
            best = k;
        }
    }
    best
}

/// The point deciding a glyph's cell: the middle of its box.
fn centre(g: &Placed) -> (f32, f32) {
    if g.vertical {
        (g.x, (g.y + g.y_end) / 2.0)
    } else {
        ((g.x + g.x_end.max(g.x)) / 2.0, g.y + 0.3 * g.size)
    }
}

/// The tables on a page.
// Long: rules, grids, cells, glyphs in one pass over shared vectors.
pub fn find(glyphs: &[Placed], rules: &[Rule]) -> Vec<Table> {
    let (h, v): (Vec<Rule>, Vec<Rule>) = rules.iter().partition(|r| r.horizontal());
    if h.len() < 2 || v.len() < 2 || h.len().saturating_mul(v.len()) > MAX_PAIRS {
        return Vec::new();
    }
    // Connected groups of rules: a horizontal and a vertical rule touch where they cross
    // or meet (within SNAP).
    let mut sets = Sets::new(h.len() + v.len());
    for (a, hr) in h.iter().enumerate() {
        for (b, vr) in v.iter().enumerate() {
            if vr.x0 >= hr.x0 - SNAP
                && vr.x0 <= hr.x1 + SNAP
                && hr.y0 >= vr.y0 - SNAP
                && hr.y0 <= vr.y1 + SNAP
            {
                sets.join(a, h.len() + b);
            }
        }
    }
    // Collinear pieces meeting end to end are one rule (a border drawn cell by cell, along
    // merged cells that no crossing rule reaches).
    join_collinear(&mut sets, &h, 0, |r| (r.y0, r.x0, r.x1));
    join_collinear(&mut sets, &v, h.len(), |r| (r.x0, r.y0, r.y1));
    let mut groups: std::collections::BTreeMap<usize, (Vec<Rule>, Vec<Rule>)> = Default::default();
    for (a, r) in h.iter().enumerate() {
        groups.entry(sets.root(a)).or_default().0.push(*r);
    }
    for (b, r) in v.iter().enumerate() {
        groups.entry(sets.root(h.len() + b)).or_default().1.push(*r);
    }
    let grids: Vec<Grid> = groups
        .values()
        .filter(|(gh, gv)| gh.len() >= 2 && gv.len() >= 2)
        .filter_map(|(gh, gv)| Grid::build(gh, gv))
        .collect();
    if grids.is_empty() {
        return Vec::new();
    }
    // Assign glyphs (drawing order): (grid, cell) per glyph.
    let mut place: Vec<Option<(usize, usize)>> = vec![None; glyphs.len()];
    let mut prev: Option<usize> = None;
    for (i, g) in glyphs.iter().enumerate() {
        let (x, y) = centre(g);
        let own = grids
            .iter()
            .enumerate()
            .find_map(|(k, grid)| grid.cell_at(x, y).map(|c| (k, c)));
        let run = prev.filter(|&p| continues_run(&glyphs[p], g));
        place[i] = match run {
            Some(p) if place[p].is_some() && place[p] != own => place[p],
            _ => own,
        };
        prev = Some(i);
    }
    let mut tables = Vec::new();
    for (k, grid) in grids.iter().enumerate() {
        let mut cells: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
        for (i, p) in place.iter().enumerate() {
            if let Some((gk, c)) = *p
                && gk == k
            {
                cells.entry(c).or_default().push(i);
            }
        }
        if cells.len() < 2 {
            continue;
        }
        // The root of a cell is its smallest elementary index: its top row, then left
        // column. Order by the top row, then by the left column of the cell.
        let cols = grid.cols();
        let mut left = vec![usize::MAX; grid.cell_of.len()];
        // Box of each cell: the union of its elementary cells.
        let mut bounds = vec![
            [
                f32::INFINITY,
                f32::INFINITY,
                f32::NEG_INFINITY,
                f32::NEG_INFINITY
            ];
            grid.cell_of.len()
        ];
        for (e, &root) in grid.cell_of.iter().enumerate() {
            left[root] = left[root].min(e % cols);
            let (i, j) = (e / cols, e % cols);
            let b = &mut bounds[root];
            b[0] = b[0].min(grid.xs[j]);
            b[1] = b[1].min(grid.ys[i + 1]);
            b[2] = b[2].max(grid.xs[j + 1]);
            b[3] = b[3].max(grid.ys[i]);
        }
        let mut cells: Vec<(usize, usize, usize, Vec<usize>)> = cells
            .into_iter()
            .map(|(c, gs)| (c / cols, left[c], c, gs))
            .collect();
        cells.sort_by_key(|c| (c.0, c.1));
        tables.push(Table {
            top: grid.ys[0],
            boxes: cells.iter().map(|c| bounds[c.2]).collect(),
            cells: cells.into_iter().map(|(r, _, _, gs)| (r, gs)).collect(),
        });
    }
    tables
}

/// Joins (in `sets`, items offset by `base`) the rules of `rules` lying on one line (within
/// [`SNAP`]) whose extents touch or overlap. `key` gives (position across, start, end).
fn join_collinear(
    sets: &mut Sets,
    rules: &[Rule],
    base: usize,
    key: impl Fn(&Rule) -> (f32, f32, f32),
) {
    let mut order: Vec<usize> = (0..rules.len()).collect();
    order.sort_by(|&a, &b| key(&rules[a]).0.total_cmp(&key(&rules[b]).0));
    let mut start = 0;
    while start < order.len() {
        let line = key(&rules[order[start]]).0;
        let mut end = start + 1;
        while end < order.len() && key(&rules[order[end]]).0 - line <= SNAP {
            end += 1;
        }
        let mut band: Vec<usize> = order[start..end].to_vec();
        band.sort_by(|&a, &b| key(&rules[a]).1.total_cmp(&key(&rules[b]).1));
        let mut reach = f32::NEG_INFINITY;
        let mut prev: Option<usize> = None;
        for &i in &band {
            let (_, lo, hi) = key(&rules[i]);
            if let Some(p) = prev
                && lo <= reach + SNAP
            {
                sets.join(base + p, base + i);
            }
            reach = reach.max(hi);
            prev = Some(i);
        }
        start = end;
    }
}

/// `g` is drawn right after `p` on the same baseline without a gap.
fn continues_run(p: &Placed, g: &Placed) -> bool {
    if p.vertical || g.vertical {
        return false;
    }
    let em = p.size.max(g.size).max(0.01);
    let gap = g.x - p.x_end.max(p.x);
    (p.y - g.y).abs() < 0.2 * em && gap >= -0.5 * em && gap <= RUN_GAP * em
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hr(y: f32, x0: f32, x1: f32) -> Rule {
        Rule {
            x0,
            y0: y,
            x1,
            y1: y,
        }
    }
    fn vr(x: f32, y0: f32, y1: f32) -> Rule {
        Rule {
            x0: x,
            y0,
            x1: x,
            y1,
        }
    }
    fn g(x: f32, y: f32) -> Placed<'static> {
        Placed {
            font: 0,
            text: Some("字"),
            x,
            y,
            x_end: x + 10.0,
            y_end: y,
            size: 10.0,
            vertical: false,
            cjk: true,
            stated: true,
        }
    }

    /// A 2×2 grid from x 0–200 (split at 100), y 0–100 (split at 50).
    fn grid_rules() -> Vec<Rule> {
        vec![
            hr(100.0, 0.0, 200.0),
            hr(50.0, 0.0, 200.0),
            hr(0.0, 0.0, 200.0),
            vr(0.0, 0.0, 100.0),
            vr(100.0, 0.0, 100.0),
            vr(200.0, 0.0, 100.0),
        ]
    }

    #[test]
    fn glyphs_go_to_cells_in_reading_order() {
        // Drawn bottom-right first; read top-left, top-right, bottom-left, bottom-right.
        let gs = vec![g(150.0, 20.0), g(10.0, 20.0), g(150.0, 70.0), g(10.0, 70.0)];
        let t = find(&gs, &grid_rules());
        assert_eq!(t.len(), 1);
        let order: Vec<(usize, Vec<usize>)> = t[0].cells.clone();
        assert_eq!(
            order,
            vec![(0, vec![3]), (0, vec![2]), (1, vec![1]), (1, vec![0])]
        );
    }

    #[test]
    fn a_missing_border_merges_cells() {
        // No horizontal rule in the left column at y 50: the left cells are one.
        let mut rules = grid_rules();
        rules[1] = hr(50.0, 100.0, 200.0);
        let gs = vec![g(10.0, 70.0), g(10.0, 20.0), g(150.0, 70.0), g(150.0, 20.0)];
        let t = find(&gs, &rules);
        assert_eq!(t.len(), 1);
        assert_eq!(
            t[0].cells,
            vec![(0, vec![0, 1]), (0, vec![2]), (1, vec![3])]
        );
    }

    #[test]
    fn doubled_rules_snap_to_one_edge() {
        // Excel: each rule stroked and filled as a bar 0.4 apart; still a 2×2 grid.
        let mut rules = grid_rules();
        rules.extend(grid_rules().iter().map(|r| Rule {
            x0: r.x0 + 0.4,
            x1: r.x1 + 0.4,
            y0: r.y0 - 0.4,
            y1: r.y1 - 0.4,
        }));
        let gs = vec![g(10.0, 70.0), g(150.0, 70.0), g(10.0, 20.0), g(150.0, 20.0)];
        let t = find(&gs, &rules);
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].cells.len(), 4);
    }

    #[test]
    fn rules_running_past_the_last_crossing_rule_bound_the_grid() {
        // Cut by the page end: no bottom rule, the verticals run down to y 0. The left
        // column has no rule at y 50 either, so its cell runs to the bottom.
        let rules = vec![
            hr(100.0, 0.0, 200.0),
            hr(50.0, 100.0, 200.0),
            vr(0.0, 0.0, 100.0),
            vr(100.0, 0.0, 100.0),
            vr(200.0, 0.0, 100.0),
        ];
        let gs = vec![g(10.0, 70.0), g(10.0, 20.0), g(150.0, 70.0), g(150.0, 20.0)];
        let t = find(&gs, &rules);
        assert_eq!(t.len(), 1);
        assert_eq!(
            t[0].cells,
            vec![(0, vec![0, 1]), (0, vec![2]), (1, vec![3])]
        );
    }

    #[test]
    fn borders_drawn_cell_by_cell_form_one_grid() {
        // Three columns (0|50|100|150), rows at y 100|50|0; the middle column is one merged
        // cell, so its top and bottom borders are separate pieces no vertical rule crosses
        // inside, and the outer verticals are drawn row by row.
        let mut rules = Vec::new();
        for (x0, x1) in [(0.0, 50.0), (50.0, 100.0), (100.0, 150.0)] {
            rules.push(hr(100.0, x0, x1));
            rules.push(hr(0.0, x0, x1));
        }
        rules.push(hr(50.0, 0.0, 50.0));
        rules.push(hr(50.0, 100.0, 150.0));
        for x in [0.0, 50.0, 100.0, 150.0] {
            rules.push(vr(x, 50.0, 100.0));
            rules.push(vr(x, 0.0, 50.0));
        }
        let gs = vec![
            g(10.0, 70.0),
            g(60.0, 70.0),
            g(110.0, 70.0),
            g(10.0, 20.0),
            g(110.0, 20.0),
        ];
        let t = find(&gs, &rules);
        assert_eq!(t.len(), 1, "{t:?}");
        assert_eq!(
            t[0].cells,
            vec![
                (0, vec![0]),
                (0, vec![1]),
                (0, vec![2]),
                (1, vec![3]),
                (1, vec![4])
            ]
        );
    }

    #[test]
    fn overflowing_run_stays_in_its_cell() {
        // Text starting in the top-left cell runs on into the top-right one without a gap.
        let gs = vec![g(80.0, 70.0), g(90.0, 70.0), g(100.0, 70.0), g(150.0, 20.0)];
        let t = find(&gs, &grid_rules());
        assert_eq!(t[0].cells, vec![(0, vec![0, 1, 2]), (1, vec![3])]);
    }

    #[test]
    fn no_table_without_a_grid() {
        // Underlines only, or one box, or one glyph in a grid: no table.
        let gs = vec![g(10.0, 70.0), g(150.0, 70.0)];
        assert!(find(&gs, &[hr(60.0, 0.0, 200.0), hr(10.0, 0.0, 200.0)]).is_empty());
        let boxed = [
            hr(100.0, 0.0, 200.0),
            hr(0.0, 0.0, 200.0),
            vr(0.0, 0.0, 100.0),
            vr(200.0, 0.0, 100.0),
        ];
        assert!(find(&gs, &boxed).is_empty());
        assert!(find(&gs[..1], &grid_rules()).is_empty());
    }
}
