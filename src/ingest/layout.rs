//! Glyphs → lines in reading order.
//!
//! Horizontal glyphs group into lines by baseline (tolerance half an em), lines read top
//! to bottom, glyphs left to right. Vertical glyphs (WMode 1) group into columns by x,
//! columns read right to left, glyphs top to bottom, each column placed before the
//! horizontal lines below its top (vertical text is read where it stands); where most of the
//! visible glyphs are vertical, all columns first, then the horizontal lines. A glyph drawn
//! again at nearly the same place with the same text (fake bold) is emitted once. A gap of
//! about a full em inside a CJK line becomes U+3000, a smaller visible gap an ASCII space.
//!
//! Columns: where consecutive lines share a vertical gutter (an x-range at least an em wide
//! that no glyph of those lines touches, starting as a gap of ≥ 2 em) and both sides hold
//! prose (≥ 4 lines, ≥ 3 of them with text on both sides, ≥ 8 glyphs, blanks aside, per run
//! on average on each side, a run being a stretch of a line with no gap over 1.2 em), the
//! left column is read to its end before the right one. Tables of short cells do not
//! qualify and keep row order, also where a row holds many cells (a table drawn without
//! ruling lines); a blank band over 2.5 em tall ends a column block (a footer below short
//! columns) unless another column block follows over the same gutter with no rule drawn
//! across it (the same two columns, paragraphs set apart in both at once), and a horizontal
//! rule crossing the gutter between two of its rows (a section heading's bar over both
//! columns) cuts it into bands, each read left column first. Applied recursively (three
//! columns), depth-limited. A vertical rule standing between two glyphs of a row is a
//! gutter however narrow (a gazette's four ruled columns 1.2 em apart): it divides the rows
//! it spans, through blank bands, and one side of prose suffices (a contents column beside
//! the first column of text).
//!
//! Turned text: glyphs advancing along another quarter turn than the rest (a running header
//! up the margin, a dotted separator drawn as glyphs), at least three along it, are laid out
//! on their own, read along their direction, each line placed by its top; a line of them
//! running up or down the page divides the rows beside it as a vertical rule would.
//!
//! Turned pages: where most glyphs advance along another axis than +x (a landscape table on
//! a page turned by /Rotate), the page's glyphs and rules are turned a quarter turn at a time
//! until that direction reads left to right, and everything below runs on the turned copy
//! (`layout::turned`).
//!
//! Stacks: glyphs of a horizontal font drawn one below the other (vertical text set glyph by
//! glyph, `layout::stacked`) are laid out as vertical glyphs.
//!
//! Tables: where the page draws ruling lines forming a grid (`layout::table`), the glyphs inside
//! it are read row by row, cells left to right; each cell is laid out on its own as above,
//! one-line cells of a row share one line (U+3000 or a space between cells) and a cell of
//! several lines keeps them together. The table goes before the first flowing line below
//! its top edge. Pages without a ruled grid are laid out by the steps above alone.
//!
//! Rows ruled only down: where a row's cells are strips of a sheet whose columns are ruled
//! and whose lines are not (three or more cells of four or more lines, every line matched
//! on the neighbouring strips' baselines both ways), the strips are read across, line by
//! line (`strips`).
//!
//! Rows ruled only across: where a table draws a rule under every row and none between
//! columns, a row whose wrapped cells put lines above and below its one-line cells is read
//! as one line, each wrapped cell's lines together (`layout::bands`).
//!
//! Right to left: a horizontal line holding Hebrew or Arabic text stated by the font
//! (ToUnicode, encoding, not a glyph ID printed as a code point) is put from visual into
//! logical order last (`layout::bidi`, whose invariants keep every other line, and garbled CJK
//! text anywhere, exactly as drawn).

mod bands;
mod bidi;
mod stacked;
mod table;
mod turned;

pub use super::content::Rule;

/// A glyph with its resolved text, ready for layout.
#[derive(Debug, Clone)]
pub struct Placed<'a> {
    /// Index into the page interpreter's font list.
    pub font: usize,
    /// The resolved text; `None` for an unresolved glyph.
    pub text: Option<&'a str>,
    /// Origin x in user space (y up).
    pub x: f32,
    /// Origin y in user space.
    pub y: f32,
    /// x of the origin after the advance.
    pub x_end: f32,
    /// y of the origin after the advance.
    pub y_end: f32,
    /// Em size in user space.
    pub size: f32,
    /// Drawn in vertical writing mode.
    pub vertical: bool,
    /// From a CJK font: a gap of about an em becomes U+3000.
    pub cjk: bool,
    /// Its text is stated by a source that gives text (ToUnicode, predefined CMap, encoding,
    /// the font's own cmap) and is not its glyph ID printed as a code point: only such glyphs
    /// may make a line right-to-left (`layout::bidi`).
    pub stated: bool,
}

impl<'a> Placed<'a> {
    /// A glyph from the interpreter with the text it resolved to; `stated` as
    /// [`Placed::stated`].
    pub fn new(
        g: &super::content::RawGlyph,
        text: Option<&'a str>,
        cjk: bool,
        stated: bool,
    ) -> Placed<'a> {
        Placed {
            font: g.font,
            text,
            x: g.x,
            y: g.y,
            x_end: g.x_end,
            y_end: g.y_end,
            size: g.size,
            vertical: g.vertical,
            cjk,
            stated,
        }
    }
}

/// A gap inserted between two glyphs (not a drawn glyph).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Gap {
    /// No gap (or the first glyph of the line).
    None,
    /// An ASCII space.
    Space,
    /// An ideographic space (U+3000).
    Ideographic,
}

/// One line: glyph indices in reading order and the gap before each.
#[derive(Debug, Clone)]
pub struct LineLayout {
    /// Indices into the [`Placed`] glyphs laid out, each with the gap before it.
    pub glyphs: Vec<(usize, Gap)>,
    /// A vertical column (read top to bottom) rather than a horizontal line.
    pub vertical: bool,
}

/// `b` is `a` drawn again in place (fake bold, a shadow): the same text in the same font
/// within 0.2 em, and, along the direction the glyph advances, within 0.1 em or half its
/// advance — a narrow glyph kerned tight against its twin (`ll` at 0.19 em, 0.21 em wide)
/// is a second glyph, not a redraw.
fn same_place(a: &Placed, b: &Placed) -> bool {
    let em = a.size.max(b.size).max(0.01);
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    // Positions first: they rule out nearly every pair without comparing text.
    if dx.abs() >= 0.2 * em || dy.abs() >= 0.2 * em {
        return false;
    }
    let (ax, ay) = (a.x_end - a.x, a.y_end - a.y);
    let advance = ax.hypot(ay);
    let along = if advance > 0.0 {
        (dx * ax + dy * ay).abs() / advance
    } else {
        0.0
    };
    along < (0.5 * advance).max(0.1 * em) && a.font == b.font && a.text == b.text
}

/// Lays out one page's glyphs (no ruling lines known).
pub fn lines(glyphs: &[Placed]) -> Vec<LineLayout> {
    lines_with_rules(glyphs, &[])
}

/// Lays out one page's glyphs using the ruling lines the page draws: glyphs inside a ruled
/// table are read cell by cell (`layout::table`), the rest flows as lines and columns, each
/// table placed before the first flowing line below its top edge.
pub fn lines_with_rules(glyphs: &[Placed], rules: &[Rule]) -> Vec<LineLayout> {
    lines_and_cells(glyphs, rules).0
}

/// [`lines_with_rules`], and for every glyph the ruled cell box [x0, y0, x1, y1] it was read
/// in (`None` outside tables): the geometry the record reader associates labels by.
pub fn lines_and_cells(
    glyphs: &[Placed],
    rules: &[Rule],
) -> (Vec<LineLayout>, Vec<Option<[f32; 4]>>) {
    // A page whose text runs along another axis is laid out turned upright
    // (`layout::turned`); indices are unchanged.
    let turned = turned::upright(glyphs, rules);
    let (glyphs, rules) = match &turned {
        Some((g, r)) => (g.as_slice(), r.as_slice()),
        None => (glyphs, rules),
    };
    // Vertical text set glyph by glyph in a horizontal font reads as columns
    // (`layout::stacked`); indices are unchanged.
    let restacked = stacked::as_vertical(glyphs, rules);
    let glyphs = restacked.as_deref().unwrap_or(glyphs);
    let tables = table::find(glyphs, rules);
    let mut cell_box: Vec<Option<[f32; 4]>> = vec![None; glyphs.len()];
    for t in &tables {
        for ((_, cell), b) in t.cells.iter().zip(&t.boxes) {
            for &i in cell {
                cell_box[i] = Some(*b);
            }
        }
    }
    let mut in_table = vec![false; glyphs.len()];
    for t in &tables {
        for (_, cell) in &t.cells {
            for &i in cell {
                in_table[i] = true;
            }
        }
    }
    let rest: Vec<usize> = (0..glyphs.len()).filter(|&i| !in_table[i]).collect();
    // Horizontal rules cut column blocks into bands (`in_column_order`).
    let across: Vec<Rule> = rules.iter().copied().filter(Rule::horizontal).collect();
    // Vertical rules a column block's gutter may hold (`column_block`).
    let upright: Vec<Rule> = rules.iter().copied().filter(|r| !r.horizontal()).collect();
    let flowing = flow(glyphs, &rest, &across, &upright);
    let mut out = if tables.is_empty() {
        flowing
    } else {
        let blocks = tables
            .iter()
            .map(|t| (t.top, table_lines(glyphs, t)))
            .collect();
        place(glyphs, flowing, blocks)
    };
    for l in &mut out {
        bidi::to_logical(glyphs, l);
    }
    (out, cell_box)
}

/// Inserts each block (top edge, lines) before the first of `lines` whose first glyph is
/// below that top; blocks meeting at one place keep their given order.
fn place(
    glyphs: &[Placed],
    lines: Vec<LineLayout>,
    blocks: Vec<(f32, Vec<LineLayout>)>,
) -> Vec<LineLayout> {
    let mut at: Vec<(usize, Vec<LineLayout>)> = blocks
        .into_iter()
        .map(|(top, b)| {
            let pos = lines
                .iter()
                .position(|l| l.glyphs.first().is_some_and(|&(i, _)| glyphs[i].y < top))
                .unwrap_or(lines.len());
            (pos, b)
        })
        .collect();
    at.sort_by_key(|b| b.0);
    let mut at = at.into_iter().peekable();
    let mut out = Vec::with_capacity(lines.len());
    for (k, l) in lines.into_iter().enumerate() {
        while let Some((_, b)) = at.next_if(|b| b.0 == k) {
            out.extend(b);
        }
        out.push(l);
    }
    out.extend(at.flat_map(|b| b.1));
    out
}

/// A table's lines: row by row, cells left to right; consecutive one-line cells of a row
/// share a line, a cell of several lines keeps its lines together on lines of their own —
/// except a row whose columns are ruled and its lines are not ([`strips`]): there the
/// lines of the strips are read across, baseline by baseline, as one flow.
fn table_lines(glyphs: &[Placed], t: &table::Table) -> Vec<LineLayout> {
    let mut out = Vec::new();
    let mut current: Option<(usize, LineLayout)> = None;
    let mut k = 0;
    while k < t.cells.len() {
        let row = t.cells[k].0;
        let end = k + t.cells[k..].iter().take_while(|c| c.0 == row).count();
        let laid: Vec<Vec<LineLayout>> = t.cells[k..end]
            .iter()
            .map(|(_, cell)| {
                let mut ls = flow(glyphs, cell, &[], &[]);
                ls.retain(|l| !l.glyphs.is_empty());
                ls
            })
            .collect();
        let across = strips(glyphs, &laid);
        let mut strips_done = false;
        for (j, mut ls) in laid.into_iter().enumerate() {
            if across.contains(&j) {
                if !std::mem::replace(&mut strips_done, true) {
                    out.extend(current.take().map(|c| c.1));
                    let union: Vec<usize> = across
                        .iter()
                        .flat_map(|&s| t.cells[k + s].1.iter().copied())
                        .collect();
                    out.extend(rows_across(glyphs, union));
                }
                continue;
            }
            if ls.len() == 1 && !ls[0].vertical {
                let Some(l) = ls.pop() else { continue };
                match current.as_mut() {
                    Some((_, cur)) => {
                        let prev = cur.glyphs.last().map(|&(p, _)| &glyphs[p]);
                        for (k, (i, gap)) in l.glyphs.into_iter().enumerate() {
                            let gap = match prev {
                                Some(p) if k == 0 => {
                                    if p.cjk || glyphs[i].cjk {
                                        Gap::Ideographic
                                    } else {
                                        Gap::Space
                                    }
                                }
                                _ => gap,
                            };
                            cur.glyphs.push((i, gap));
                        }
                    }
                    None => current = Some((row, l)),
                }
            } else if !ls.is_empty() {
                out.extend(current.take().map(|c| c.1));
                out.extend(ls);
            }
        }
        out.extend(current.take().map(|c| c.1));
        k = end;
    }
    out
}

/// Glyphs `subset` as lines by baseline, each left to right, top to bottom: no columns
/// sought (a table's figures, 8 and more to a run, would pass for prose).
fn rows_across(glyphs: &[Placed], subset: Vec<usize>) -> Vec<LineLayout> {
    baseline_rows(glyphs, subset)
        .iter()
        .map(|r| finish(glyphs, r, false))
        .collect()
}

/// Horizontal glyphs `idx` grouped into rows by baseline (within half an em of the row's
/// first glyph), rows top to bottom, each row's glyphs left to right.
fn baseline_rows(glyphs: &[Placed], mut idx: Vec<usize>) -> Vec<Vec<usize>> {
    idx.sort_by(|&a, &b| glyphs[b].y.total_cmp(&glyphs[a].y));
    let mut rows: Vec<Vec<usize>> = Vec::new();
    for i in idx {
        let tol = 0.5 * glyphs[i].size.max(0.01);
        match rows.last_mut() {
            Some(r) if (glyphs[r[0]].y - glyphs[i].y).abs() < tol => r.push(i),
            _ => rows.push(vec![i]),
        }
    }
    for r in rows.iter_mut() {
        r.sort_by(|&a, &b| glyphs[a].x.total_cmp(&glyphs[b].x));
    }
    rows
}

/// Fewest lines of a cell read as a strip of a table ruled down its columns only.
const STRIP_LINES: usize = 4;
/// Fewest such cells side by side in a row (a label column and two of figures).
const STRIPS: usize = 3;

/// The cells of one table row (their lines, left to right) that are strips of a table ruled
/// down its columns and not between its lines (an Excel sheet of figures whose row lines
/// were left out): at least [`STRIPS`] cells of at least [`STRIP_LINES`] horizontal lines
/// each, every neighbouring two with ≥ 80 % of either's lines on the other's baselines.
/// Read cell by cell, such a table lists its labels, then each column of figures; its rows
/// are its lines. Cells of wrapped prose side by side rarely come three to a row with
/// their lines that many and that matched; none is read across otherwise.
fn strips(glyphs: &[Placed], cells: &[Vec<LineLayout>]) -> Vec<usize> {
    let tall: Vec<usize> = (0..cells.len())
        .filter(|&j| cells[j].len() >= STRIP_LINES && cells[j].iter().all(|l| !l.vertical))
        .collect();
    if tall.len() < STRIPS {
        return Vec::new();
    }
    let baseline = |l: &LineLayout| l.glyphs.first().map(|&(i, _)| &glyphs[i]);
    let matched = |a: &[LineLayout], b: &[LineLayout]| {
        a.iter()
            .filter_map(baseline)
            .filter(|ga| {
                b.iter()
                    .filter_map(baseline)
                    .any(|gb| (ga.y - gb.y).abs() < 0.5 * ga.size.max(gb.size).max(0.01))
            })
            .count()
    };
    // Both ways: a row of figures has a line in every column, while a cell of wrapped
    // prose beside a short one (a criterion beside its points) has far more lines.
    let aligned = tall.windows(2).all(|w| {
        let (a, b) = (&cells[w[0]], &cells[w[1]]);
        5 * matched(a, b) >= 4 * a.len() && 5 * matched(b, a) >= 4 * b.len()
    });
    if aligned { tall } else { Vec::new() }
}

/// Lays out the glyphs `subset` (indices into `glyphs`, in drawing order) as flowing text:
/// horizontal lines (in column order), vertical columns placed among them by their tops.
/// `across`, `upright`: the page's horizontal and vertical rules (see [`in_column_order`]).
fn flow(glyphs: &[Placed], subset: &[usize], across: &[Rule], upright: &[Rule]) -> Vec<LineLayout> {
    let mut out = Vec::new();
    // Text turned against the rest (a running header up the page's margin, a turned
    // heading) is read along its own direction, on its own (`rotated_lines`).
    let TurnedText {
        blocks: rotated,
        standing,
        rest,
    } = rotated_lines(glyphs, subset);
    let subset: &[usize] = rest.as_deref().unwrap_or(subset);
    // A turned line standing across the rows (a running header up the margin, a column
    // separator drawn as a dotted line of glyphs) divides them as a vertical rule would.
    let with_standing: Vec<Rule>;
    let upright = if standing.is_empty() {
        upright
    } else {
        with_standing = upright.iter().copied().chain(standing).collect();
        &with_standing
    };
    // Horizontal lines.
    let idx: Vec<usize> = subset
        .iter()
        .copied()
        .filter(|&i| !glyphs[i].vertical)
        .collect();
    let clusters = baseline_rows(glyphs, idx);
    let rows = in_column_order(glyphs, clusters, across, upright, 0);
    for c in bands::join_wrapped_rows(glyphs, rows, across) {
        out.push(finish(glyphs, &c, false));
    }
    // Vertical columns.
    let mut idx: Vec<usize> = subset
        .iter()
        .copied()
        .filter(|&i| glyphs[i].vertical)
        .collect();
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
    let mut columns = Vec::with_capacity(cols.len() + rotated.len());
    for mut c in cols {
        c.sort_by(|&a, &b| glyphs[b].y.total_cmp(&glyphs[a].y));
        let top = glyphs[c[0]].y;
        columns.push((top, vec![finish(glyphs, &c, true)]));
    }
    columns.extend(rotated);
    // A page (or cell) set mostly vertically reads its columns right to left, then its
    // horizontal lines: placed among the columns, stray lines (page numbers, blanks drawn as
    // space glyphs) would cut the columns' order apart.
    let visible = |&&i: &&usize| glyphs[i].text.is_some_and(|t| !t.trim().is_empty());
    let vertical_n = subset
        .iter()
        .filter(|&&i| glyphs[i].vertical)
        .filter(visible)
        .count();
    let horizontal_n = subset
        .iter()
        .filter(|&&i| !glyphs[i].vertical)
        .filter(visible)
        .count();
    if vertical_n > horizontal_n {
        let mut all: Vec<LineLayout> = columns.into_iter().flat_map(|c| c.1).collect();
        all.extend(out);
        return all;
    }
    // Vertical text is read where it stands: each column before the horizontal lines below
    // its top (right-to-left order kept among columns meeting at one place).
    place(glyphs, out, columns)
}

/// Fewest glyphs advancing along one turned direction that are laid out on their own: fewer
/// (a lone turned bracket, a glyph drawn with a stray matrix) stay where they stand.
const MIN_ROTATED: usize = 3;

/// What [`rotated_lines`] takes out of a flow.
#[derive(Default)]
struct TurnedText {
    /// (top edge, one line) blocks for [`place`].
    blocks: Vec<(f32, Vec<LineLayout>)>,
    /// The lines running up or down the page, as vertical rules.
    standing: Vec<Rule>,
    /// The rest of the flow's glyphs; `None` when nothing was taken.
    rest: Option<Vec<usize>>,
}

/// Horizontal glyphs of `subset` that advance along another quarter turn than +x (at least
/// [`MIN_ROTATED`] along it), each direction laid out as flowing text of its own turned to
/// read along +x: (top edge, one line) blocks for [`place`]; the lines of at least
/// [`MIN_ROTATED`] glyphs that run up or down the page, as vertical rules through their
/// glyphs' middle; and the rest of `subset` (`None` when nothing was taken). Left among the
/// horizontal rows, such text would join whichever rows its glyphs share a baseline with,
/// one character in each (`号　Office (Single`).
fn rotated_lines(glyphs: &[Placed], subset: &[usize]) -> TurnedText {
    let mut by_turn: [Vec<usize>; 4] = Default::default();
    for &i in subset {
        if let Some(q) = turned::direction(&glyphs[i]).filter(|&q| q != 0 && !glyphs[i].vertical) {
            by_turn[usize::from(q)].push(i);
        }
    }
    if by_turn.iter().all(|g| g.len() < MIN_ROTATED) {
        return TurnedText::default();
    }
    let mut blocks = Vec::new();
    let mut standing = Vec::new();
    let mut taken = Vec::new();
    for (q, group) in by_turn.iter().enumerate().skip(1) {
        if group.len() < MIN_ROTATED {
            continue;
        }
        // Turned upright, the group's glyphs all advance along +x: `flow` takes none of them
        // aside again.
        let copy: Vec<Placed> = group
            .iter()
            .map(|&i| turned::turn(q as u8, &glyphs[i]))
            .collect();
        let all: Vec<usize> = (0..copy.len()).collect();
        for mut line in flow(&copy, &all, &[], &[]) {
            for (k, _) in &mut line.glyphs {
                *k = group[*k];
            }
            let top = line
                .glyphs
                .iter()
                .map(|&(i, _)| glyphs[i].y)
                .fold(f32::NEG_INFINITY, f32::max);
            if q != 2 && line.glyphs.len() >= MIN_ROTATED {
                // A glyph's body lies on its left when it advances up the page (q = 1), on
                // its right when it advances down.
                let side = if q == 1 { -0.4 } else { 0.4 };
                let n = line.glyphs.len() as f32;
                let x = line
                    .glyphs
                    .iter()
                    .map(|&(i, _)| glyphs[i].x + side * glyphs[i].size)
                    .sum::<f32>()
                    / n;
                let (y0, y1) = line.glyphs.iter().fold(
                    (f32::INFINITY, f32::NEG_INFINITY),
                    |(lo, hi), &(i, _)| {
                        let g = &glyphs[i];
                        (lo.min(g.y.min(g.y_end)), hi.max(g.y.max(g.y_end)))
                    },
                );
                if x.is_finite() && y1 > y0 {
                    standing.push(Rule {
                        x0: x,
                        y0,
                        x1: x,
                        y1,
                    });
                }
            }
            blocks.push((top, vec![line]));
        }
        taken.extend_from_slice(group);
    }
    taken.sort_unstable();
    let rest = subset
        .iter()
        .copied()
        .filter(|i| taken.binary_search(i).is_err())
        .collect();
    TurnedText {
        blocks,
        standing,
        rest: Some(rest),
    }
}

/// Deepest column nesting followed (three columns need two levels).
const MAX_COLUMN_DEPTH: usize = 3;

/// Rows (top to bottom, glyphs left to right) → rows in reading order, splitting column
/// blocks into their columns. A horizontal rule of `across` that crosses a block's gutter
/// between two of its rows (a section heading's bar drawn over both columns) cuts the block
/// into bands, each read left column then right: the columns above a full-width heading end
/// before it.
fn in_column_order(
    glyphs: &[Placed],
    rows: Vec<Vec<usize>>,
    across: &[Rule],
    upright: &[Rule],
    depth: usize,
) -> Vec<Vec<usize>> {
    if depth >= MAX_COLUMN_DEPTH {
        return rows;
    }
    let mut out = Vec::with_capacity(rows.len());
    let mut r = 0;
    while r < rows.len() {
        let Some((mut end, mut gutter)) = column_block(glyphs, &rows, r, upright) else {
            out.push(rows[r].clone());
            r += 1;
            continue;
        };
        let baseline = |row: &Vec<usize>| row.first().map_or(0.0, |&i| glyphs[i].y);
        let crossed = |gutter: (f32, f32), above: f32, below: f32| {
            across.iter().any(|rule| {
                rule.x0 <= gutter.0 && rule.x1 >= gutter.1 && rule.y0 < above && rule.y0 > below
            })
        };
        // A blank band ended the block, and two columns go on below it over the same gutter
        // with nothing drawn across it: the same columns (a white paper's paragraphs and
        // headings set apart by space in both columns at once), read as one block.
        // The block below may start a row or two lower: headings in both columns set in a
        // larger size, their gap under 2 em, that keep clear of the gutter.
        while end < rows.len() {
            let mut merged = None;
            for start in end..(end + 3).min(rows.len()) {
                let Some((next_end, next)) = column_block(glyphs, &rows, start, upright) else {
                    continue;
                };
                let shared = (gutter.0.max(next.0), gutter.1.min(next.1));
                let em = rows[start]
                    .iter()
                    .map(|&i| glyphs[i].size)
                    .fold(0.01f32, f32::max);
                let clear = rows[end..start].iter().flatten().all(|&i| {
                    let (a, b) = (glyphs[i].x, glyphs[i].x_end.max(glyphs[i].x));
                    b <= shared.0 || a >= shared.1
                });
                if shared.1 - shared.0 >= em
                    && clear
                    && !crossed(shared, baseline(&rows[end - 1]), baseline(&rows[start]))
                {
                    merged = Some((next_end, shared));
                }
                break;
            }
            let Some(next) = merged else { break };
            (end, gutter) = next;
        }
        let mid = (gutter.0 + gutter.1) / 2.0;
        let mut band_start = r;
        for k in r..end {
            let cut = k + 1 == end || crossed(gutter, baseline(&rows[k]), baseline(&rows[k + 1]));
            if !cut {
                continue;
            }
            let (mut left, mut right) = (Vec::new(), Vec::new());
            for row in &rows[band_start..=k] {
                let (l, rt): (Vec<usize>, Vec<usize>) =
                    row.iter().partition(|&&i| glyphs[i].x < mid);
                if !l.is_empty() {
                    left.push(l);
                }
                if !rt.is_empty() {
                    right.push(rt);
                }
            }
            out.extend(in_column_order(glyphs, left, across, upright, depth + 1));
            out.extend(in_column_order(glyphs, right, across, upright, depth + 1));
            band_start = k + 1;
        }
        r = end;
    }
    out
}

/// Gaps of at least 2 em between consecutive glyphs of a row: (left edge, right edge).
fn wide_gaps(glyphs: &[Placed], row: &[usize]) -> Vec<(f32, f32)> {
    let mut gaps = Vec::new();
    let mut reach = f32::NEG_INFINITY;
    for &i in row {
        let g = &glyphs[i];
        let em = g.size.max(0.01);
        if reach.is_finite() && g.x - reach >= 2.0 * em {
            gaps.push((reach, g.x));
        }
        reach = reach.max(g.x_end.max(g.x));
    }
    gaps
}

/// A column block starting at row `start`: (end row, exclusive; gutter: its left and right
/// edges). A vertical rule between two glyphs of the first row is tried first (the gutter
/// of a gazette's or newsletter's ruled columns is often under 2 em), then the row's first
/// gap of at least 2 em; either way both sides must hold prose (`is_column_block`).
fn column_block(
    glyphs: &[Placed],
    rows: &[Vec<usize>],
    start: usize,
    upright: &[Rule],
) -> Option<(usize, (f32, f32))> {
    let first = &rows[start];
    for rule in ruled_gaps(glyphs, first, upright) {
        let (end, gutter) = ruled_block(glyphs, rows, start, rule);
        if is_column_block(glyphs, rows, start, end, gutter, true) {
            return Some((end, gutter));
        }
    }
    let mut gutter = *wide_gaps(glyphs, first).first()?;
    let em = first
        .iter()
        .map(|&i| glyphs[i].size)
        .fold(0.01f32, f32::max);
    let mut end = start + 1;
    while end < rows.len() {
        // A blank band of more than 2.5 em ends the block (a footer below short columns).
        let (above, below) = (&rows[end - 1], &rows[end]);
        if let (Some(&a), Some(&b)) = (above.first(), below.first())
            && (glyphs[a].y - glyphs[b].y).abs() > 2.5 * em
        {
            break;
        }
        let mut g = gutter;
        for &i in &rows[end] {
            let (a, b) = (glyphs[i].x, glyphs[i].x_end.max(glyphs[i].x));
            if b <= g.0 || a >= g.1 {
                continue;
            }
            // A glyph inside the gutter: keep the wider free side.
            g = if a - g.0 >= g.1 - b {
                (g.0, a)
            } else {
                (b, g.1)
            };
        }
        if g.1 - g.0 < em {
            break;
        }
        gutter = g;
        end += 1;
    }
    is_column_block(glyphs, rows, start, end, gutter, false).then_some((end, gutter))
}

/// The vertical rules standing between two consecutive glyphs of `row` (left to right) at
/// the row's baseline, left to right: no glyph of the row crosses them.
fn ruled_gaps<'r>(glyphs: &[Placed], row: &[usize], upright: &'r [Rule]) -> Vec<&'r Rule> {
    let mut out = Vec::new();
    if upright.is_empty() {
        return out;
    }
    let mut reach = f32::NEG_INFINITY;
    for &i in row {
        let g = &glyphs[i];
        if reach.is_finite() && g.x > reach {
            out.extend(
                upright
                    .iter()
                    .filter(|r| r.x0 > reach && r.x0 < g.x && spans(r, g.y)),
            );
        }
        reach = reach.max(g.x_end.max(g.x));
    }
    out
}

/// Whether a vertical rule spans baseline `y` (its ends may stop a little short of a row's
/// baseline: a rule drawn from cap height to cap height).
fn spans(rule: &Rule, y: f32) -> bool {
    rule.y0 <= y + 1.0 && rule.y1 >= y - 1.0
}

/// The rows from `start` on that the vertical rule `rule` divides (it spans each row's
/// baseline, no glyph of the row crosses it): (end row, exclusive; the free gap around it
/// over those rows). Unlike a gutter of white space, a rule goes on past blank bands: the
/// page says the columns go on.
fn ruled_block(
    glyphs: &[Placed],
    rows: &[Vec<usize>],
    start: usize,
    rule: &Rule,
) -> (usize, (f32, f32)) {
    let x = rule.x0;
    let (mut left, mut right) = (f32::NEG_INFINITY, f32::INFINITY);
    let mut end = start;
    for row in &rows[start..] {
        let Some(&first) = row.first() else { break };
        if !spans(rule, glyphs[first].y) {
            break;
        }
        let (mut l, mut r) = (left, right);
        let crossed = row.iter().any(|&i| {
            let (a, b) = (glyphs[i].x, glyphs[i].x_end.max(glyphs[i].x));
            if b <= x {
                l = l.max(b);
            } else if a >= x {
                r = r.min(a);
            }
            a < x && b > x
        });
        if crossed {
            break;
        }
        (left, right) = (l, r);
        end += 1;
    }
    // A side with no glyph at all keeps the rule itself as its edge.
    let gutter = (
        if left.is_finite() { left.min(x) } else { x },
        if right.is_finite() { right.max(x) } else { x },
    );
    (end, gutter)
}

/// Whether rows `start..end` split at `gutter` read as two columns of prose: at least four
/// rows, three with text on both sides, ≥ 8 glyphs (blanks aside) per run on average on
/// each side (on one side where a rule stands in the gutter, `ruled`: a gazette's contents
/// column beside its first column of text), and no table of contents (leader dots opening
/// the right side's rows).
fn is_column_block(
    glyphs: &[Placed],
    rows: &[Vec<usize>],
    start: usize,
    end: usize,
    gutter: (f32, f32),
    ruled: bool,
) -> bool {
    let mid = (gutter.0 + gutter.1) / 2.0;
    let (mut both, mut left_runs, mut right_runs, mut left_n, mut right_n) = (0, 0, 0, 0, 0);
    for row in &rows[start..end] {
        // Blanks drawn as glyphs (a name padded with spaces up to its amount) are no text:
        // counted, they would make a column of short amounts look like prose.
        let (l, r): (Vec<usize>, Vec<usize>) = row
            .iter()
            .filter(|&&i| !stacked::blank(&glyphs[i]))
            .partition(|&&i| glyphs[i].x < mid);
        both += usize::from(!l.is_empty() && !r.is_empty());
        left_runs += runs(glyphs, &l);
        right_runs += runs(glyphs, &r);
        left_n += l.len();
        right_n += r.len();
    }
    // Prose: on each side, ≥ 8 glyphs per run on average. Counting runs rather than rows
    // keeps a table of short cells whole even where its rows are long (a table with no ruling
    // lines, each side several cells apart): a prose line is one run.
    let prose = |n: usize, runs: usize| runs > 0 && n >= 8 * runs;
    // A table of contents: the right side's rows begin with leader dots (`・・・・ P．75`)
    // that belong to the entry on their left. Prose never begins its lines with them.
    let (mut right_rows, mut led) = (0, 0);
    for row in &rows[start..end] {
        let r: Vec<usize> = row
            .iter()
            .copied()
            .filter(|&i| glyphs[i].x >= mid)
            .collect();
        if !r.is_empty() {
            right_rows += 1;
            led += usize::from(leader_led(glyphs, &r));
        }
    }
    let contents = right_rows > 0 && 2 * led >= right_rows;
    let (left, right) = (prose(left_n, left_runs), prose(right_n, right_runs));
    end - start >= 4 && both >= 3 && !contents && if ruled { left || right } else { left && right }
}

/// Whether a run of glyphs (left to right) begins with at least three leader dots (`・・・`,
/// `……`, `．．．`, `...`), blanks skipped.
fn leader_led(glyphs: &[Placed], row: &[usize]) -> bool {
    let leader = |c: char| matches!(c, '・' | '･' | '…' | '‥' | '.' | '．' | '·' | '⋯' | '‧');
    let mut dots = 0;
    for c in row
        .iter()
        .filter_map(|&i| glyphs[i].text)
        .flat_map(str::chars)
        .filter(|c| !c.is_whitespace())
    {
        if !leader(c) {
            return false;
        }
        dots += if matches!(c, '…' | '⋯') {
            3
        } else if c == '‥' {
            2
        } else {
            1
        };
        if dots >= 3 {
            return true;
        }
    }
    false
}

/// Runs of a row's glyphs (`row` left to right): stretches with no gap over 1.2 em between
/// consecutive glyphs. A prose line, justified or set with ideographic spaces (a full em), is
/// one run; cells of a table row set a gap wider than that between them (Excel/Word tables
/// drawn without ruling lines: 1.3 em and up on the Niigata City case lists held out from
/// tuning). 0 for an empty row.
fn runs(glyphs: &[Placed], row: &[usize]) -> usize {
    let mut n = 0;
    let mut reach = f32::NEG_INFINITY;
    for &i in row {
        let g = &glyphs[i];
        if !reach.is_finite() || g.x - reach > 1.2 * g.size.max(0.01) {
            n += 1;
        }
        reach = reach.max(g.x_end.max(g.x));
    }
    n
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
                // Latin text set by TeX puts words 0.25 em apart exactly (TJ −250): between
                // two Latin glyphs (non-CJK font, text below U+2E80) a fifth of an em is a
                // word break, as for pdftotext. Anything else keeps the wider threshold:
                // justified Japanese spreads its characters by up to a quarter em with no
                // word break meant, also in simple fonts (LibreOffice subsets) and unresolved.
                let latin = |p: &Placed| {
                    !p.cjk
                        && p.text
                            .and_then(|t| t.chars().next())
                            .is_some_and(|c| (c as u32) < 0x2E80)
                };
                let word_break = if latin(prev) && latin(g) { 0.2 } else { 0.25 };
                if space > 0.8 * em && (prev.cjk || g.cjk) {
                    Gap::Ideographic
                } else if space > word_break * em {
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
mod tests;
