//! Which pieces are each label's value, labels taken in reading order and every piece given
//! to one label at most: a value centred beside its label ([`super::centred`]) is taken
//! whole; otherwise the pieces right of the label on its own lines, continued below while
//! the lines stay in the value column (or, with nothing right of the label, in the columns
//! under it), no label stands in its columns, no line reaches in from the left, the
//! vertical gap stays under [`MAX_GAP_EMS`] and no centred value claims the line.

use super::centred::centred_block;
use super::columns::line_pitch;
use super::{Anchor, MAX_GAP_EMS, P, SLACK_EMS};
use std::collections::{BTreeMap, BTreeSet};

/// Pieces taken so far, as (line, piece index).
type Taken = BTreeSet<(usize, usize)>;

/// Per anchor: its value pieces in line order (`right_bounds` from
/// [`super::columns::right_bounds`]).
pub(super) fn take_values(
    lines: &[Vec<P>],
    anchors: &[Anchor],
    label_at: &BTreeMap<(usize, usize), usize>,
    right_bounds: &[f32],
) -> Vec<Vec<(usize, usize)>> {
    let mut taken: Taken = anchors
        .iter()
        .flat_map(|a| a.parts.iter().copied())
        .collect();
    let mut values: Vec<Vec<(usize, usize)>> = vec![Vec::new(); anchors.len()];
    // Values centred beside their labels: the lines each one claims.
    let pitch = line_pitch(lines);
    let centred: Vec<Option<Vec<(usize, usize)>>> = anchors
        .iter()
        .enumerate()
        .map(|(ai, a)| centred_block(a, right_bounds[ai], lines, label_at, pitch))
        .collect();
    let claimed: BTreeMap<usize, usize> = centred
        .iter()
        .enumerate()
        .filter_map(|(ai, c)| c.as_ref().map(|c| (ai, c)))
        .flat_map(|(ai, c)| c.iter().map(move |(li, _)| (*li, ai)))
        .collect();
    for (ai, a) in anchors.iter().enumerate() {
        let got: Vec<(usize, usize)> = match &centred[ai] {
            Some(block) => block
                .iter()
                .copied()
                .filter(|k| !taken.contains(k))
                .collect(),
            None => Flow {
                ai,
                a,
                bound: right_bounds[ai],
                lines,
                label_at,
                claimed: &claimed,
                taken: &taken,
            }
            .value(),
        };
        taken.extend(got.iter().copied());
        values[ai] = got;
    }
    values
}

/// One label's value set in the flow of lines (right of the label, then below).
struct Flow<'a> {
    ai: usize,
    a: &'a Anchor,
    bound: f32,
    lines: &'a [Vec<P>],
    label_at: &'a BTreeMap<(usize, usize), usize>,
    /// Lines claimed by values centred beside a label, with that label.
    claimed: &'a BTreeMap<usize, usize>,
    taken: &'a Taken,
}

impl Flow<'_> {
    /// `p` is free and in the label's rectangle (if any).
    fn usable(&self, p: &P) -> bool {
        !self.taken.contains(&(p.line, p.idx)) && p.cell == self.a.cell
    }

    /// The value's pieces: right of the label on its own lines, then continued below.
    fn value(&self) -> Vec<(usize, usize)> {
        let a = self.a;
        let slack = SLACK_EMS * a.em;
        let bound = self.bound;
        // Right of the label, on its own lines.
        let mut got: Vec<(usize, usize)> = Vec::new();
        for row in &self.lines[a.first_line..=a.last_line] {
            for p in row {
                if self.usable(p) && p.bbox[0] >= a.x1 - slack && p.bbox[2] <= bound + slack {
                    got.push((p.line, p.idx));
                }
            }
        }
        let (col0, col1) = if got.is_empty() {
            (a.x0 - slack, bound + slack)
        } else {
            (a.x1 - slack, bound + slack)
        };
        self.continue_below(col0, col1, &mut got);
        got
    }

    /// Adds to `got` the pieces of the lines below the label that continue the value in
    /// the column `col0..col1`.
    fn continue_below(&self, col0: f32, col1: f32, got: &mut Vec<(usize, usize)>) {
        let a = self.a;
        let slack = SLACK_EMS * a.em;
        let mut bottom = self.lines[a.last_line]
            .iter()
            .map(|p| p.bbox[1])
            .fold(f32::INFINITY, f32::min);
        for row in &self.lines[a.last_line + 1..] {
            // Lines a value centred beside another label claims end this one.
            if row
                .first()
                .and_then(|p| self.claimed.get(&p.line))
                .is_some_and(|owner| *owner != self.ai)
            {
                break;
            }
            // A label in this label's columns ends the value.
            if row.iter().any(|p| {
                self.label_at.contains_key(&(p.line, p.idx))
                    && p.bbox[0] < col1
                    && p.bbox[2] > a.x0 - slack
            }) {
                break;
            }
            let top = row
                .iter()
                .map(|p| p.bbox[3])
                .fold(f32::NEG_INFINITY, f32::max);
            if bottom - top > MAX_GAP_EMS * a.em {
                break;
            }
            // Anything starting left of the column but reaching into it (an outdented
            // line, text in the label column) ends the value.
            if row
                .iter()
                .any(|p| p.bbox[0] < col0 && p.bbox[2] > a.x0 + slack)
            {
                break;
            }
            let here: Vec<&P> = row
                .iter()
                .filter(|p| self.usable(p) && p.bbox[0] >= col0 && p.bbox[2] <= col1)
                .collect();
            if here.is_empty() {
                break;
            }
            bottom = here.iter().map(|p| p.bbox[1]).fold(f32::INFINITY, f32::min);
            got.extend(here.iter().map(|p| (p.line, p.idx)));
        }
    }
}
