//! Values centred vertically beside their labels (Excel's default): the value's first lines
//! sit above the label's line. Such a value is taken whole only when its lines, at the
//! page's line pitch, are set off from the lines around them by wider spacing on both sides
//! (not by another label's line: that is a value of the field above continuing down) and
//! the label sits at their middle.

use super::{Anchor, P, SLACK_EMS};
use std::collections::BTreeMap;

/// A value centred vertically beside its label (Excel's default): the value lines in the
/// label's value column run above the label's first line. Taken only when the run is cut
/// off from its neighbours by wider spacing than the page's line pitch on both sides (not
/// by another label's line: a value of the field above continuing down), and the label sits
/// at the run's middle. Returns the run's pieces.
pub(super) fn centred_block(
    a: &Anchor,
    bound: f32,
    lines: &[Vec<P>],
    label_at: &BTreeMap<(usize, usize), usize>,
    pitch: Option<f32>,
) -> Option<Vec<(usize, usize)>> {
    let pitch = pitch?;
    let slack = SLACK_EMS * a.em;
    let column = Column {
        a,
        bound,
        label_at,
        slack,
    };
    let limit = pitch + 0.3 * a.em;
    // Value pieces on the label's own lines.
    let mut got: Vec<(usize, usize)> = Vec::new();
    for row in &lines[a.first_line..=a.last_line] {
        got.extend(
            row.iter()
                .filter(|p| column.holds(p))
                .map(|p| (p.line, p.idx)),
        );
    }
    // Up, then down: rows of value pieces only, at the line pitch, measured from the value
    // line on the label's own line when there is one (a label centred on an even number of
    // value lines sits half a pitch off them, and is grouped with one of them).
    let above = column.scan(
        lines[..a.first_line].iter().rev(),
        start_base(a, &lines[a.first_line], &got, true),
        limit,
        true,
        &mut got,
    )?;
    if above == 0 {
        return None;
    }
    let below_from = start_base(a, &lines[a.last_line], &got, false);
    column.scan(
        lines[a.last_line + 1..].iter(),
        below_from,
        limit,
        false,
        &mut got,
    )?;
    // The label at the run's middle.
    let boxes: Vec<[f32; 4]> = got
        .iter()
        .filter_map(|(li, idx)| lines[*li].iter().find(|p| p.idx == *idx).map(|p| p.bbox))
        .collect();
    let top = boxes.iter().map(|b| b[3]).fold(f32::NEG_INFINITY, f32::max);
    let bottom = boxes.iter().map(|b| b[1]).fold(f32::INFINITY, f32::min);
    let label_boxes: Vec<[f32; 4]> = a
        .parts
        .iter()
        .filter_map(|(li, idx)| lines[*li].iter().find(|p| p.idx == *idx).map(|p| p.bbox))
        .collect();
    let ltop = label_boxes
        .iter()
        .map(|b| b[3])
        .fold(f32::NEG_INFINITY, f32::max);
    let lbottom = label_boxes
        .iter()
        .map(|b| b[1])
        .fold(f32::INFINITY, f32::min);
    if ((top + bottom) - (ltop + lbottom)).abs() * 0.5 > 0.6 * a.em {
        return None;
    }
    got.sort_unstable();
    Some(got)
}

/// The baseline of the label's pieces on `row`.
fn label_base(a: &Anchor, row: &[P]) -> f32 {
    row.iter()
        .filter(|p| a.parts.contains(&(p.line, p.idx)))
        .map(|p| p.bbox[1])
        .fold(f32::INFINITY, f32::min)
}

/// Where a scan starts on the label's first (`up`) or last line: the baseline of the value
/// pieces already taken on that line — the highest going up, the lowest going down — or,
/// when none is, the label's own baseline there.
fn start_base(a: &Anchor, row: &[P], got: &[(usize, usize)], up: bool) -> f32 {
    let bases = row
        .iter()
        .filter(|p| got.contains(&(p.line, p.idx)))
        .map(|p| p.bbox[1]);
    let value = if up {
        bases.fold(f32::NEG_INFINITY, f32::max)
    } else {
        bases.fold(f32::INFINITY, f32::min)
    };
    if value.is_finite() {
        value
    } else {
        label_base(a, row)
    }
}

/// The lowest baseline of `ps`.
fn base(ps: &[&P]) -> f32 {
    ps.iter().map(|p| p.bbox[1]).fold(f32::INFINITY, f32::min)
}

/// A label's value column and label column.
struct Column<'a> {
    a: &'a Anchor,
    bound: f32,
    label_at: &'a BTreeMap<(usize, usize), usize>,
    slack: f32,
}

impl Column<'_> {
    /// `p` stands in the label's value column (and is no label).
    fn holds(&self, p: &P) -> bool {
        !self.label_at.contains_key(&(p.line, p.idx))
            && p.cell == self.a.cell
            && p.bbox[0] >= self.a.x1 - self.slack
            && p.bbox[2] <= self.bound + self.slack
    }

    /// `p` reaches into the label's own column (and is not part of the label).
    fn in_label_column(&self, p: &P) -> bool {
        !self.a.parts.contains(&(p.line, p.idx))
            && p.bbox[0] < self.a.x1 - self.slack
            && p.bbox[2] > self.a.x0 - self.slack
    }

    /// Takes rows of value pieces only from `rows` (in the order to scan, going `up` or
    /// down from the baseline `edge`) into `got` while each sits within `limit` of the
    /// previous one; stops at a row with nothing in the value column. `None` when a row
    /// within reach puts something in the label's column; else the number of rows taken.
    fn scan<'r>(
        &self,
        rows: impl Iterator<Item = &'r Vec<P>>,
        mut edge: f32,
        limit: f32,
        up: bool,
        got: &mut Vec<(usize, usize)>,
    ) -> Option<usize> {
        let mut taken = 0;
        for row in rows {
            if row.is_empty() {
                continue;
            }
            let all: Vec<&P> = row.iter().collect();
            let gap = if up {
                base(&all) - edge
            } else {
                edge - base(&all)
            };
            if gap > limit {
                break;
            }
            if row.iter().any(|p| self.in_label_column(p)) {
                return None;
            }
            let here: Vec<&P> = row.iter().filter(|p| self.holds(p)).collect();
            if here.is_empty() {
                break;
            }
            edge = base(&here);
            taken += 1;
            got.extend(here.iter().map(|p| (p.line, p.idx)));
        }
        Some(taken)
    }
}
